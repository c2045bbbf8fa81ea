"""Alembic environment: runs migrations on the engine `monitor db upgrade` hands over."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Engine, text

from monitor.store.db import make_engine
from monitor.store.models import Base

target_metadata = Base.metadata


def _engine() -> Engine:
    engine = context.config.attributes.get("engine")
    if engine is not None:
        return engine  # type: ignore[no-any-return]
    url = os.environ.get("MONITOR_DATABASE_URL", "sqlite:///var/monitor.db")
    return make_engine(url)


def run_migrations_online() -> None:
    engine = _engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # Two daemons upgrading at once: the second waits here, then finds the schema
                # at head. (On SQLite the transaction's BEGIN IMMEDIATE does the same.)
                connection.execute(text("SELECT pg_advisory_xact_lock(727274140)"))
            context.run_migrations()
        connection.commit()


run_migrations_online()
