"""Schema migrations with Alembic, run before the app serves (and by `trifecta migrate`)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).parent / "migrations"


# Several workers start at once and each brings the schema up to date; on PostgreSQL they
# take turns under this advisory lock (SQLite's BEGIN IMMEDIATE already makes them wait).
MIGRATION_LOCK = 0x7472_6966  # "trif"


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest revision; a no-op when it is already there."""
    with engine.connect() as conn, _one_at_a_time(conn):
        command.upgrade(_config(conn), "head")


@contextlib.contextmanager
def _one_at_a_time(conn: Connection) -> Iterator[None]:
    if conn.dialect.name != "postgresql":
        yield
        return
    conn.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATION_LOCK})")
    conn.commit()  # the lock belongs to the session, not to this transaction
    try:
        yield
    finally:
        conn.exec_driver_sql(f"SELECT pg_advisory_unlock({MIGRATION_LOCK})")
        conn.commit()


def downgrade(engine: Engine, revision: str) -> None:
    """Take the database back to `revision` ("base": no tables; tests use it)."""
    with engine.connect() as conn:
        command.downgrade(_config(conn), revision)


def _config(conn: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config
