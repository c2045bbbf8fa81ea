"""YAML configuration to validated settings; every error names file, line and key."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from monitor.errors import ConfigError
from monitor.yamlsource import LoadedYaml, format_key, load_yaml

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$", re.IGNORECASE)
_DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, None: 1}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|kib|mib|gib)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {
    None: 1,
    "b": 1,
    "kb": 1000,
    "mb": 1000**2,
    "gb": 1000**3,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
}
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$|^[^@\s<>]+@localhost$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def parse_duration(value: Any) -> float:
    """`30s`, `15m`, `6h`, `2d`, `500ms` or a number of seconds -> seconds."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 30s, 15m or 6h")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise ValueError(f"{value!r} is not a duration: write 30s, 15m, 6h or 2d")
        unit = match.group(2).lower() if match.group(2) else None
        seconds = float(match.group(1)) * _DURATION_UNITS[unit]
    if seconds <= 0:
        raise ValueError("a duration must be positive")
    return seconds


def parse_size(value: Any) -> int:
    """`5MB`, `512KiB` or a number of bytes -> bytes."""
    if isinstance(value, bool):
        raise ValueError("expected a size such as 5MB")
    if isinstance(value, int):
        size = value
    else:
        match = _SIZE.match(str(value))
        if not match:
            raise ValueError(f"{value!r} is not a size: write 5MB, 512KB or a number of bytes")
        unit = match.group(2).lower() if match.group(2) else None
        size = int(float(match.group(1)) * _SIZE_UNITS[unit])
    if size <= 0:
        raise ValueError("a size must be positive")
    return size


def parse_fraction(value: Any) -> float:
    """`10%` or 0.1 -> 0.1."""
    if isinstance(value, str) and value.strip().endswith("%"):
        number = float(value.strip()[:-1])
        return number / 100.0
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise ValueError(f"{value!r} is not a fraction: write 10% or 0.1")


Duration = Annotated[float, BeforeValidator(parse_duration)]
Size = Annotated[int, BeforeValidator(parse_size)]
Fraction = Annotated[float, BeforeValidator(parse_fraction), Field(ge=0, le=1)]


def _str_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


StrList = Annotated[tuple[str, ...], BeforeValidator(_str_list)]


def _name(value: str) -> str:
    if not _NAME.match(value):
        raise ValueError(f"{value!r}: use letters, digits, '-', '_' or '.'")
    return value


# Names appear in logs, leases, email headers and file names: keep them plain.
Name = Annotated[str, AfterValidator(_name)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatabaseConfig(_Model):
    url: str = "sqlite:///var/monitor.db"
    echo: bool = False


class SchedulerConfig(_Model):
    tick: Duration = 30.0
    default_interval: Duration = 900.0
    jitter: Fraction = 0.1
    max_concurrency: int = Field(default=8, ge=1, le=256)
    lease: Duration = 600.0
    max_backoff: Duration = 6 * 3600.0
    # Revisits of an article after it was first seen: most edits come within a day.
    revisit: tuple[Duration, ...] = (
        900.0,
        3600.0,
        3 * 3600.0,
        8 * 3600.0,
        24 * 3600.0,
        72 * 3600.0,
    )
    revisits_per_poll: int = Field(default=20, ge=0)
    shutdown_grace: Duration = 30.0


class HttpConfig(_Model):
    timeout: Duration = 20.0
    max_bytes: Size = 5 * 1000 * 1000
    user_agent: str = "news-monitor/0.1 (+https://github.com/news-monitor/news-monitor)"
    allow_private_hosts: bool = False
    max_redirects: int = Field(default=5, ge=0, le=20)


class EmailConfig(_Model):
    transport: Literal["file", "smtp"] = "file"
    outbox_dir: str = "var/outbox"
    host: str | None = None
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "tls", "none"] = "starttls"
    username: str | None = None
    password: SecretStr | None = None
    sender: str = "News Monitor <news-monitor@localhost>"
    timeout: Duration = 30.0
    max_attempts: int = Field(default=8, ge=1)

    @model_validator(mode="after")
    def _smtp_needs_host(self) -> EmailConfig:
        if self.transport == "smtp" and not self.host:
            raise ValueError("transport smtp needs email.host")
        return self


class FeedConfig(_Model):
    name: Name
    url: str
    interval: Duration | None = None
    enabled: bool = True

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value, re.IGNORECASE):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value


class FigureConfig(_Model):
    name: str
    label: str | None = None
    terms: StrList = Field(min_length=1)
    exclude: StrList = ()
    context: StrList = ()
    unit: Literal["people", "percent", "currency", "any"] = "people"
    cumulative: bool = False
    min_change: str | float | None = None

    @field_validator("min_change")
    @classmethod
    def _min_change(cls, value: str | float | None) -> str | float | None:
        if value is None or isinstance(value, int | float):
            return value
        text = value.strip()
        try:
            float(text[:-1] if text.endswith("%") else text)
        except ValueError:
            raise ValueError(f"{value!r}: write 0.5% (relative) or 100 (absolute)") from None
        return text


class WatchConfig(_Model):
    name: Name
    label: str | None = None
    match: StrList = ()
    feeds: StrList = ()
    recipients: StrList = ()
    mode: Literal["immediate", "digest"] = "immediate"
    digest_at: str | None = None
    timezone: str = "UTC"
    builtin_figures: bool = True
    figures: tuple[FigureConfig, ...] = ()
    actors: dict[str, StrList] = Field(default_factory=dict)
    topics: dict[str, StrList] = Field(default_factory=dict)
    discover_actors: bool = True

    @field_validator("recipients")
    @classmethod
    def _recipients(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [r for r in value if not _EMAIL.match(r)]
        if bad:
            raise ValueError(f"not an email address: {', '.join(bad)}")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {value!r} (e.g. UTC, Europe/London)") from None
        return value

    @field_validator("digest_at")
    @classmethod
    def _digest_at(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^([01]\d|2[0-3]):[0-5]\d$", value):
            raise ValueError(f"{value!r}: write a time of day as HH:MM, e.g. 08:00")
        return value

    @model_validator(mode="after")
    def _digest(self) -> WatchConfig:
        if self.mode == "digest" and not self.digest_at:
            raise ValueError("mode digest needs digest_at (HH:MM)")
        return self


class Config(_Model):
    database: DatabaseConfig = DatabaseConfig()
    scheduler: SchedulerConfig = SchedulerConfig()
    http: HttpConfig = HttpConfig()
    email: EmailConfig = EmailConfig()
    feeds: tuple[FeedConfig, ...] = ()
    watches: tuple[WatchConfig, ...] = ()

    def feed(self, name: str) -> FeedConfig | None:
        return next((f for f in self.feeds if f.name == name), None)

    def interval_of(self, feed: FeedConfig) -> float:
        return feed.interval if feed.interval is not None else self.scheduler.default_interval


def load_config(path: str | Path, env: Mapping[str, str] | None = None) -> Config:
    """Load and validate; raises ConfigError listing every problem with file, line and key."""
    source = load_yaml(Path(path), env)
    problems = list(source.problems)
    if problems and source.data is None:
        raise ConfigError(problems)
    data = source.data if source.data is not None else {}
    if not isinstance(data, dict):
        raise ConfigError([f"{source.where(())}: the config must be a mapping of sections"])
    config: Config | None = None
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        problems.extend(_describe(exc, source))
    if config is not None:
        problems.extend(_cross_checks(config, source))
    if problems:
        raise ConfigError(problems)
    assert config is not None
    return config


def _describe(exc: ValidationError, source: LoadedYaml) -> list[str]:
    out = []
    for error in exc.errors():
        loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and "[" in p))
        key = format_key(loc)
        kind = error["type"]
        if kind == "extra_forbidden":
            message = "unknown key (check its spelling against config/monitor.example.yaml)"
        elif kind == "missing":
            message = "required key is missing"
        else:
            message = str(error["msg"]).removeprefix("Value error, ")
        out.append(f"{source.where(loc)}: {key}: {message}")
    return out


def _cross_checks(config: Config, source: LoadedYaml) -> list[str]:
    problems = []
    seen_names: dict[str, int] = {}
    seen_urls: dict[str, int] = {}
    for index, feed in enumerate(config.feeds):
        where = source.where(("feeds", index))
        if feed.name in seen_names:
            problems.append(
                f"{where}: feeds[{index}].name: feed {feed.name!r} is already defined "
                f"at feeds[{seen_names[feed.name]}]"
            )
        seen_names.setdefault(feed.name, index)
        if feed.url in seen_urls:
            problems.append(
                f"{where}: feeds[{index}].url: the same URL is already polled as "
                f"feeds[{seen_urls[feed.url]}]"
            )
        seen_urls.setdefault(feed.url, index)
    watch_names: set[str] = set()
    for index, watch in enumerate(config.watches):
        if watch.name in watch_names:
            problems.append(
                f"{source.where(('watches', index, 'name'))}: watches[{index}].name: "
                f"watch {watch.name!r} is already defined"
            )
        watch_names.add(watch.name)
        for pos, feed_name in enumerate(watch.feeds):
            if feed_name not in seen_names:
                problems.append(
                    f"{source.where(('watches', index, 'feeds', pos))}: "
                    f"watches[{index}].feeds[{pos}]: no feed named {feed_name!r}"
                )
        figure_names = [f.name for f in watch.figures]
        for dup in sorted({n for n in figure_names if figure_names.count(n) > 1}):
            problems.append(
                f"{source.where(('watches', index, 'figures'))}: watches[{index}].figures: "
                f"figure {dup!r} is defined twice"
            )
    return problems


def summarize(config: Config) -> list[str]:
    """Human summary for check-config; never shows a secret."""
    from sqlalchemy.engine import make_url

    try:
        db = make_url(config.database.url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is shown as a placeholder, never raw
        db = "(unparsable database url)"
    email = config.email
    lines = [
        f"database: {db}",
        f"scheduler: tick {config.scheduler.tick:g}s, default interval "
        f"{config.scheduler.default_interval:g}s, jitter {config.scheduler.jitter:.0%}, "
        f"max concurrency {config.scheduler.max_concurrency}",
        f"http: timeout {config.http.timeout:g}s, max body {config.http.max_bytes} bytes, "
        f"private hosts {'allowed' if config.http.allow_private_hosts else 'refused'}",
    ]
    if email.transport == "file":
        lines.append(f"email: file transport into {email.outbox_dir}")
    else:
        auth = f", user {email.username}, password set" if email.username else ""
        if email.username and email.password is None:
            auth = f", user {email.username}, NO password"
        lines.append(f"email: smtp {email.host}:{email.port} ({email.security}){auth}")
    lines.append(f"feeds: {len(config.feeds)}")
    for feed in config.feeds:
        state = "" if feed.enabled else " (disabled)"
        lines.append(f"  - {feed.name}: {feed.url} every {config.interval_of(feed):g}s{state}")
    lines.append(f"watches: {len(config.watches)}")
    for watch in config.watches:
        lines.append(
            f"  - {watch.name}: {len(watch.figures)} figures, {len(watch.actors)} actors, "
            f"{len(watch.topics)} topics, {len(watch.recipients)} recipients, {watch.mode}"
        )
    return lines
