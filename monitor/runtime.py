"""Wiring shared by the commands and the demo: store, fetcher, poll context."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from monitor.analysis import watch_specs
from monitor.config import Config
from monitor.fetch import Fetcher, HttpSettings
from monitor.outbox import route_for
from monitor.pipeline import PollContext, utcnow
from monitor.store import feeds as feed_store
from monitor.store.db import make_engine, require_current_schema, session_factory, transaction


@dataclass(frozen=True)
class Store:
    engine: Engine
    factory: sessionmaker[Session]


def open_store(config: Config, *, check_schema: bool = True) -> Store:
    engine = make_engine(config.database.url, echo=config.database.echo)
    if check_schema:
        require_current_schema(engine)
    return Store(engine=engine, factory=session_factory(engine))


def http_settings(config: Config) -> HttpSettings:
    http = config.http
    return HttpSettings(
        timeout=http.timeout,
        max_bytes=http.max_bytes,
        user_agent=http.user_agent,
        allow_private_hosts=http.allow_private_hosts,
        max_redirects=http.max_redirects,
    )


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, under another user
    return True


def sync_config_feeds(store: Store, config: Config, *, now: datetime) -> list[str]:
    """Bring the feed rows in line with the config; free leases of dead local processes."""
    specs = [feed_store.FeedSpec(name=f.name, url=f.url, enabled=f.enabled) for f in config.feeds]
    with transaction(store.factory) as session:
        feed_store.sync_feeds(session, specs, now=now)
        return feed_store.release_dead_leases(session, host=socket.gethostname(), alive=pid_alive)


def poll_context(
    config: Config,
    store: Store,
    fetcher: Fetcher,
    *,
    owner: str,
    clock: Callable[[], datetime] = utcnow,
) -> PollContext:
    return PollContext(
        config=config,
        factory=store.factory,
        fetcher=fetcher,
        watches=watch_specs(config),
        owner=owner,
        routes=route_for(config),
        clock=clock,
    )
