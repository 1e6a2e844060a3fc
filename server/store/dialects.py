"""The few statements SQLAlchemy builds per dialect, chosen by the connection's dialect."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def insert(conn: Connection, table: Table) -> Any:
    """INSERT with ON CONFLICT (do nothing, do update) in the connection's own dialect:
    SQLite and PostgreSQL spell it alike, but SQLAlchemy builds it per dialect."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)
