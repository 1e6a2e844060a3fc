"""`trifecta serve` and `trifecta migrate`: flags and TRIFECTA_* -> Settings -> uvicorn.

The only module that reads os.environ (through click's envvar and settings_from_env)."""

from __future__ import annotations

import asyncio
import logging
import os
import resource
import sys
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import click
import uvicorn

from .config import DEFAULT_DATABASE_URL, Settings
from .errors import ConfigError
from .logs import uvicorn_log_config
from .protocol import WORKER_PROTOCOL, with_header_timeout

log = logging.getLogger("trifecta")
F = TypeVar("F", bound=Callable[..., Any])

ENV = {
    "host": "TRIFECTA_HOST",
    "port": "TRIFECTA_PORT",
    "database_url": "TRIFECTA_DATABASE_URL",
    "redis_url": "TRIFECTA_REDIS_URL",
    "workers": "TRIFECTA_WORKERS",
    "public_url": "TRIFECTA_PUBLIC_URL",
    "admin_token": "TRIFECTA_ADMIN_TOKEN",
    "header_timeout": "TRIFECTA_HEADER_TIMEOUT",
    "max_connections": "TRIFECTA_MAX_CONNECTIONS",
    "code_misses": "TRIFECTA_CODE_MISSES",
    "joins_per_minute": "TRIFECTA_JOINS_PER_MINUTE",
}
_WHOLE_NUMBERS = ("port", "workers", "max_connections", "code_misses", "joins_per_minute")
WS_FRAME_LIMIT = 1024 * 1024  # bytes; beyond this uvicorn closes the socket (1009)


def settings_from_env(env: Mapping[str, str]) -> Settings:
    values: dict[str, Any] = {}
    for name, var in ENV.items():
        if env.get(var):
            values[name] = env[var]
    for name in _WHOLE_NUMBERS:
        if name in values:
            values[name] = _int(name, values[name])
    if "header_timeout" in values:
        values["header_timeout"] = _seconds("header_timeout", values["header_timeout"])
    return Settings(**values)


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _int(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        kind = "a port number" if name == "port" else "a whole number"
        raise ConfigError(f"{_flag(name)} / {ENV[name]}: {raw!r} is not {kind}") from None


def _seconds(name: str, raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(
            f"{_flag(name)} / {ENV[name]}: {raw!r} is not a number of seconds"
        ) from None


def _fail(message: str) -> None:
    click.echo(f"trifecta: {message}", err=True)
    sys.exit(2)


def _setting(flag: str, name: str, help: str, default: str | None = None) -> Callable[[F], F]:
    """A `serve` flag for the Settings field `name`, with its TRIFECTA_* variable."""
    option: Callable[[F], F] = click.option(
        flag,
        name,
        envvar=ENV[name],
        show_envvar=True,
        default=default,
        show_default=default is not None,
        help=help,
    )
    return option


@click.group()
def main() -> None:
    """Trifecta: live audience polling for alignment sessions."""


@main.command()
@_setting("--host", "host", "Address to listen on.", default="127.0.0.1")
@_setting("--port", "port", "Port to listen on.", default="8000")
@_setting("--database", "database_url", "Database URL.", default=DEFAULT_DATABASE_URL)
@_setting(
    "--redis", "redis_url", "Redis URL for live updates between workers (default: in-process)."
)
@_setting("--workers", "workers", "Worker processes (above 1 needs --redis).", default="1")
@_setting("--public-url", "public_url", "The address phones reach; it goes into QR codes.")
@_setting(
    "--header-timeout",
    "header_timeout",
    "Seconds a client has to send a request's headers.",
    default="15",
)
@_setting("--max-connections", "max_connections", "Open connections per worker.", default="12000")
@_setting(
    "--code-misses", "code_misses", "Wrong join codes a client may try per minute.", default="20"
)
@_setting(
    "--joins-per-minute",
    "joins_per_minute",
    "New participants one client address may create per minute.",
    default="600",
)
def serve(
    host: str,
    port: str,
    database_url: str,
    redis_url: str | None,
    workers: str,
    public_url: str | None,
    header_timeout: str,
    max_connections: str,
    code_misses: str,
    joins_per_minute: str,
) -> None:
    """Run the server."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        settings = Settings(
            host=host,
            port=_int("port", port),
            database_url=database_url,
            redis_url=redis_url,
            workers=_int("workers", workers),
            public_url=public_url,
            admin_token=os.environ.get(ENV["admin_token"]) or None,
            header_timeout=_seconds("header_timeout", header_timeout),
            max_connections=_int("max_connections", max_connections),
            code_misses=_int("code_misses", code_misses),
            joins_per_minute=_int("joins_per_minute", joins_per_minute),
        )
        admin_token = asyncio.run(_prepare(settings))
    except ConfigError as e:
        _fail(str(e))
        return
    click.echo(f"Trifecta is running at {settings.base_url}")
    click.echo(
        f"Organizer sign-in link (keep it secret): {settings.base_url}/signin?token={admin_token}"
    )
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
    _raise_open_file_limit(settings.max_connections)
    # limit_concurrency: a request gets 503 once this worker holds max_connections connections
    # (or running requests and WebSockets); the protocol applies it to WebSocket upgrades too.
    options: dict[str, Any] = dict(
        host=settings.host,
        port=settings.port,
        access_log=False,
        ws="websockets-sansio",
        ws_max_size=WS_FRAME_LIMIT,
        ws_per_message_deflate=False,
        log_level="info",
        timeout_graceful_shutdown=5,
        log_config=uvicorn_log_config(),
        limit_concurrency=settings.max_connections,
    )
    if settings.workers > 1:
        for name, var in ENV.items():
            value = getattr(settings, name)
            if value is not None:
                os.environ[var] = str(value)
        # workers get the Config pickled: the protocol goes by name and reads the timeout there
        uvicorn.run(
            "server.app:create_app_from_env",
            factory=True,
            workers=settings.workers,
            http=WORKER_PROTOCOL,
            **options,
        )
    else:
        from .app import create_app

        uvicorn.run(
            create_app(settings), http=with_header_timeout(settings.header_timeout), **options
        )


def _raise_open_file_limit(max_connections: int, headroom: int = 100) -> None:
    """Every connection is an open file, and the usual soft limit (1024) is below the bound:
    lift it toward the hard limit (workers inherit it); warn if even that is too low.
    The headroom is for the database, logs, Redis and the listening socket."""
    needed = max_connections + headroom
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            pass  # e.g. macOS caps it below an unlimited hard limit; the warning below says so
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft != resource.RLIM_INFINITY and soft < needed:
        log.warning(
            "open-file limit is %d, below --max-connections %d + %d: raise the hard "
            "limit (systemd LimitNOFILE=, docker --ulimit nofile=) or lower "
            "--max-connections",
            soft,
            max_connections,
            headroom,
        )


@main.command()
@_setting("--database", "database_url", "Database URL.", default=DEFAULT_DATABASE_URL)
def migrate(database_url: str) -> None:
    """Bring the database schema up to date, then exit."""
    try:
        asyncio.run(_prepare(Settings(database_url=database_url, admin_token="x" * 16)))
    except ConfigError as e:
        _fail(str(e))
    click.echo("database is up to date")
