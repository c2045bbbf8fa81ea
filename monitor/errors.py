"""The project's error hierarchy: each message starts with its stage and names the thing."""


class MonitorError(Exception):
    """Base of every error this project raises on purpose."""


class ConfigError(MonitorError):
    """The configuration is invalid; carries every problem found, not just the first."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("config: " + "; ".join(self.problems))


class FetchError(MonitorError):
    """An HTTP fetch failed; `temporary` says whether retrying later may help."""

    def __init__(
        self,
        message: str,
        *,
        url: str,
        status: int | None = None,
        temporary: bool = True,
        retry_after: float | None = None,
    ) -> None:
        self.url = url
        self.status = status
        self.temporary = temporary
        self.retry_after = retry_after
        super().__init__(message)


class BlockedHostError(FetchError):
    """The target resolved to a private, loopback or otherwise refused address."""


class FeedError(MonitorError):
    """A feed body could not be parsed into entries at all."""


class ExtractError(MonitorError):
    """An article page yielded no text."""


class StoreError(MonitorError):
    """The database refused an operation or is in the wrong state."""


class SchemaOutdatedError(StoreError):
    """The database schema is older than this code; `monitor db upgrade` fixes it."""


class NotifyError(MonitorError):
    """Delivering an alert failed; `temporary` says whether a retry may succeed."""

    def __init__(self, message: str, *, temporary: bool = True) -> None:
        self.temporary = temporary
        super().__init__(message)
