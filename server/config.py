"""Settings: one typed, validated object built once by the CLI (or by tests)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "sqlite:///trifecta.db"


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    workers: int = 1
    public_url: str | None = None
    admin_token: str | None = field(default=None, repr=False)  # never in logs
    templates_dir: Path = ROOT / "session_templates"
    # Limits (see README "Limits"): defaults sized for a room of 10,000 phones on one worker
    header_timeout: float = 15.0  # seconds to send a request's headers, then it is closed
    max_connections: int = 12_000  # open connections per worker; beyond, new ones get 503
    code_misses: int = 20  # wrong join codes a client may try per minute, then it waits
    joins_per_minute: int = 600  # new participants one client address may create per minute

    def __post_init__(self) -> None:
        if not 0 < self.port < 65536:
            raise ConfigError(f"--port / TRIFECTA_PORT: {self.port} is not a port number")
        if self.workers < 1:
            raise ConfigError(f"--workers / TRIFECTA_WORKERS: {self.workers} must be 1 or more")
        if self.workers > 1 and self.redis_url is None:
            raise ConfigError(
                "--workers above 1 needs --redis: workers share live updates through it"
            )
        _check_database_url(self.database_url)
        _check_limits(self)
        if self.redis_url is not None:
            _check_url("--redis / TRIFECTA_REDIS_URL", self.redis_url, ("redis", "rediss"))
        if self.public_url is not None:
            _check_url("--public-url / TRIFECTA_PUBLIC_URL", self.public_url, ("http", "https"))
        if self.admin_token is not None and len(self.admin_token) < 16:
            raise ConfigError("TRIFECTA_ADMIN_TOKEN: use at least 16 characters")

    @property
    def base_url(self) -> str:
        """Where phones reach the server: the public URL, else the address we listen on."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = self.host
        if host in ("0.0.0.0", "::"):
            host = "127.0.0.1"
        elif _is_ipv6(host):
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def database_path(self) -> Path | None:
        if self.database_url.startswith("sqlite:///"):
            return Path(self.database_url.removeprefix("sqlite:///"))
        return None


def _is_ipv6(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).version == 6
    except ValueError:
        return False


def _check_url(name: str, value: str, schemes: tuple[str, ...]) -> None:
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.netloc:
        raise ConfigError(f"{name}: {value!r} is not a {' or '.join(schemes)}:// URL")
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ConfigError(f"{name}: {value!r} has a bad port") from None


def _check_database_url(value: str) -> None:
    name = "--database / TRIFECTA_DATABASE_URL"
    if value.startswith("sqlite:///") and len(value) > len("sqlite:///"):
        return
    if value.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        _check_url(name, value, ("postgresql", "postgres", "postgresql+psycopg"))
        return
    raise ConfigError(
        f"{name}: {value!r} is not a database URL like sqlite:///trifecta.db "
        "or postgresql://user@host/database"
    )


def _check_limits(settings: Settings) -> None:
    if not 0 < settings.header_timeout <= 3600:
        raise ConfigError(
            f"--header-timeout / TRIFECTA_HEADER_TIMEOUT: "
            f"{settings.header_timeout} must be above 0 and at most 3600 seconds"
        )
    for name in ("max_connections", "code_misses", "joins_per_minute"):
        if getattr(settings, name) < 1:
            variable = "TRIFECTA_" + name.upper()
            raise ConfigError(
                f"--{name.replace('_', '-')} / {variable}: "
                f"{getattr(settings, name)} must be 1 or more"
            )
