"""The migrations build exactly the schema that the queries are written against."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from server.store.schema import metadata
from server.store.sqlite import SqliteStore


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
