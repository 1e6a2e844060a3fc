"""Schema migrations with Alembic, run before the app serves (and by `trifecta migrate`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest revision; a no-op when it is already there."""
    with engine.connect() as conn:
        command.upgrade(_config(conn), "head")


def downgrade(engine: Engine, revision: str) -> None:
    """Take the database back to `revision` ("base": no tables; tests use it)."""
    with engine.connect() as conn:
        command.downgrade(_config(conn), revision)


def _config(conn: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config
