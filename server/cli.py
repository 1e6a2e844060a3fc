"""`trifecta serve` and `trifecta migrate`: flags and TRIFECTA_* -> Settings -> uvicorn.

The only module that reads os.environ (through click's envvar and settings_from_env)."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Mapping
from typing import Any

import click
import uvicorn

from .config import DEFAULT_DATABASE_URL, Settings
from .errors import ConfigError

log = logging.getLogger("trifecta")

ENV = {"host": "TRIFECTA_HOST", "port": "TRIFECTA_PORT", "database_url": "TRIFECTA_DATABASE_URL",
       "redis_url": "TRIFECTA_REDIS_URL", "workers": "TRIFECTA_WORKERS",
       "public_url": "TRIFECTA_PUBLIC_URL", "admin_token": "TRIFECTA_ADMIN_TOKEN"}
WS_FRAME_LIMIT = 1024 * 1024  # bytes; beyond this uvicorn closes the socket (1009)


def settings_from_env(env: Mapping[str, str]) -> Settings:
    values: dict[str, Any] = {}
    for name, var in ENV.items():
        if env.get(var):
            values[name] = env[var]
    for name in ("port", "workers"):
        if name in values:
            values[name] = _int(name, values[name])
    return Settings(**values)


def _int(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        kind = "a port number" if name == "port" else "a whole number"
        raise ConfigError(f"--{name} / {ENV[name]}: {raw!r} is not {kind}") from None


def _fail(message: str) -> None:
    click.echo(f"trifecta: {message}", err=True)
    sys.exit(2)


@click.group()
def main() -> None:
    """Trifecta: live audience polling for alignment sessions."""


@main.command()
@click.option("--host", envvar=ENV["host"], show_envvar=True, default="127.0.0.1",
              show_default=True, help="Address to listen on.")
@click.option("--port", envvar=ENV["port"], show_envvar=True, default="8000", show_default=True,
              help="Port to listen on.")
@click.option("--database", "database_url", envvar=ENV["database_url"], show_envvar=True,
              default=DEFAULT_DATABASE_URL, show_default=True, help="Database URL.")
@click.option("--redis", "redis_url", envvar=ENV["redis_url"], show_envvar=True, default=None,
              help="Redis URL for live updates between workers (default: in-process).")
@click.option("--workers", envvar=ENV["workers"], show_envvar=True, default="1",
              show_default=True, help="Worker processes (above 1 needs --redis).")
@click.option("--public-url", envvar=ENV["public_url"], show_envvar=True, default=None,
              help="The address phones reach; it goes into QR codes.")
def serve(host: str, port: str, database_url: str, redis_url: str | None, workers: str,
          public_url: str | None) -> None:
    """Run the server."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        settings = Settings(host=host, port=_int("port", port), database_url=database_url,
                            redis_url=redis_url, workers=_int("workers", workers),
                            public_url=public_url,
                            admin_token=os.environ.get(ENV["admin_token"]) or None)
        admin_token = asyncio.run(_prepare(settings))
    except ConfigError as e:
        _fail(str(e))
        return
    click.echo(f"Trifecta is running at {settings.base_url}")
    click.echo(f"Organizer sign-in link (keep it secret): {settings.base_url}/signin?token="
               f"{admin_token}")
    _run(settings)


async def _prepare(settings: Settings) -> str:
    """Migrate the database and read (or create) the admin token, before workers start."""
    from .app import load_secrets
    from .store import open_store

    try:
        store = open_store(settings.database_url)
        await store.open()
    except Exception as e:
        raise ConfigError(f"--database / TRIFECTA_DATABASE_URL: cannot open it: {e}") from None
    try:
        admin_token, _ = await load_secrets(store, settings)
    finally:
        await store.close()
    return admin_token


def _run(settings: Settings) -> None:
    options: dict[str, Any] = dict(host=settings.host, port=settings.port, access_log=False,
                                   ws="websockets-sansio", ws_max_size=WS_FRAME_LIMIT,
                                   ws_per_message_deflate=False, log_level="info",
                                   timeout_graceful_shutdown=5)
    if settings.workers > 1:
        for name, var in ENV.items():
            value = getattr(settings, name)
            if value is not None:
                os.environ[var] = str(value)
        uvicorn.run("server.app:create_app_from_env", factory=True, workers=settings.workers,
                    **options)
    else:
        from .app import create_app

        uvicorn.run(create_app(settings), **options)


@main.command()
@click.option("--database", "database_url", envvar=ENV["database_url"], show_envvar=True,
              default=DEFAULT_DATABASE_URL, show_default=True, help="Database URL.")
def migrate(database_url: str) -> None:
    """Bring the database schema up to date, then exit."""
    try:
        asyncio.run(_prepare(Settings(database_url=database_url, admin_token="x" * 16)))
    except ConfigError as e:
        _fail(str(e))
    click.echo("database is up to date")
