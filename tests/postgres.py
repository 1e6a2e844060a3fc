"""A real PostgreSQL for the tests: `initdb` and `postgres` from the OS's packages, in a
temporary folder, on a free port. Never a server that happens to be running."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .conftest import free_port

BINDIR_CANDIDATES = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
SERVICE_USER = "postgres"  # postgres refuses to run as root; the Debian package adds it


def bindir() -> Path:
    for candidate in (
        *(Path(p) for p in [os.environ.get("TRIFECTA_PG_BINDIR", "")] if p),
        *BINDIR_CANDIDATES,
    ):
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    assert found, "no PostgreSQL server binaries: run scripts/test, which installs them"
    return Path(found).parent


def service_user() -> dict[str, Any]:
    """Popen arguments that run a server binary as the postgres user when we are root (CI
    containers are): the child is postgres itself, so a kill reaches it, not a wrapper."""
    if os.geteuid() != 0:
        return {}
    return {"user": SERVICE_USER, "group": SERVICE_USER, "extra_groups": []}


@contextlib.contextmanager
def service_root() -> Iterator[Path]:
    """A folder the postgres user may use: pytest's own temporary folders are private to
    the user running the tests, so a root run could not hand one to postgres."""
    root = Path(tempfile.mkdtemp(prefix="trifecta-pg-"))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class PostgresServer:
    """One PostgreSQL cluster: start, stop (or kill) and start again on the same data."""

    root: Path
    port: int = field(default_factory=free_port)
    database: str = "trifecta"
    process: subprocess.Popen[bytes] | None = None

    @property
    def data(self) -> Path:
        return self.root / "pgdata"

    @property
    def url(self) -> str:
        return self.url_of(self.database)

    def url_of(self, database: str) -> str:
        return f"postgresql://{SERVICE_USER}@127.0.0.1:{self.port}/{database}"

    def fresh_database(self) -> str:
        """A new empty database of its own for one test, as a URL."""
        name = f"t_{secrets.token_hex(6)}"
        self._createdb(name)
        return self.url_of(name)

    def start(self) -> PostgresServer:
        if not self.data.exists():
            self._init()
        log = (self.root / "postgres.log").open("ab")
        args = [str(bindir() / "postgres"), "-D", str(self.data), "-p", str(self.port)]
        for option in (
            "listen_addresses=127.0.0.1",
            f"unix_socket_directories={self.root}",
            "max_connections=200",
        ):
            args += ["-c", option]
        with log:  # the child keeps its own copy of the handle
            self.process = subprocess.Popen(
                args, stdout=log, stderr=subprocess.STDOUT, **service_user()
            )
        self._wait_ready()
        return self

    def _init(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, SERVICE_USER)
        done = subprocess.run(
            [str(bindir() / "initdb"), "-D", str(self.data), "-A", "trust", "-U", SERVICE_USER],
            capture_output=True,
            text=True,
            **service_user(),
        )
        if done.returncode:
            pytest.fail(f"initdb failed:\n{done.stdout}{done.stderr}")

    def _wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                pytest.fail(f"postgres exited:\n{self.log()}")
            ready = subprocess.run(
                [str(bindir() / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                capture_output=True,
            )
            if ready.returncode == 0:
                self._create_database()
                return
            time.sleep(0.05)
        pytest.fail(f"postgres did not become ready:\n{self.log()}")

    def _create_database(self) -> None:
        exists = subprocess.run(
            [str(bindir() / "psql"), *self._psql_args(), "-tAc", self._exists_query()],
            capture_output=True,
            text=True,
            check=True,
        )
        if exists.stdout.strip() != "1":
            self._createdb(self.database)

    def _createdb(self, name: str) -> None:
        subprocess.run(
            [str(bindir() / "createdb"), *self._psql_args()[:-2], name],
            check=True,
            capture_output=True,
        )

    def _exists_query(self) -> str:
        return f"SELECT 1 FROM pg_database WHERE datname = '{self.database}'"

    def _psql_args(self) -> list[str]:
        return ["-h", "127.0.0.1", "-p", str(self.port), "-U", SERVICE_USER, "-d", "postgres"]

    def log(self) -> str:
        path = self.root / "postgres.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self, *, kill: bool = False) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        # SIGINT is PostgreSQL's "fast" shutdown; SIGTERM's "smart" one waits for clients
        self.process.send_signal(signal.SIGKILL if kill else signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
