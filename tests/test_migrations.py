"""The migrations build exactly the schema that the queries are written against."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from server.store import migrate
from server.store.schema import metadata
from server.store.sqlite import SqliteStore

from .postgres import PostgresServer


def test_migrated_database_matches_the_query_schema(tmp_path: Path) -> None:
    store = SqliteStore(f"sqlite:///{tmp_path / 'trifecta.db'}")
    asyncio.run(store.open())
    try:
        assert store._writer_engine is not None
        with store._writer_engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        asyncio.run(store.close())
    assert differences == []


def test_the_migrations_build_the_same_schema_on_postgresql(postgres: PostgresServer) -> None:
    """The same migrations on a real PostgreSQL: up to the query schema, down to nothing,
    and up again (the second backend of #12 stands on this)."""
    url = postgres.fresh_database().replace("postgresql://", "postgresql+psycopg://")
    engine = create_engine(url)
    try:
        migrate.upgrade(engine)
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
        migrate.downgrade(engine, "base")
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        migrate.upgrade(engine)
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    finally:
        engine.dispose()
