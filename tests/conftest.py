"""Fixtures: the real server as a subprocess on a free port, with its own data folder."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .postgres import PostgresServer

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RunningServer:
    """`trifecta serve` in a subprocess; restartable on the same data folder."""

    data_dir: Path
    port: int = field(default_factory=free_port)
    admin_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    extra_args: tuple[str, ...] = ()
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    database_url: str | None = None  # None: a SQLite file in data_dir

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "server.log"

    def start(self) -> RunningServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "TRIFECTA_ADMIN_TOKEN": self.admin_token, **self.extra_env}
        if not self.admin_token:  # let the server create and keep its own
            env.pop("TRIFECTA_ADMIN_TOKEN")
        args = [
            sys.executable,
            "-m",
            "server",
            "serve",
            "--port",
            str(self.port),
            "--database",
            self.database_url or f"sqlite:///{self.data_dir / 'trifecta.db'}",
            *self.extra_args,
        ]
        with self.log_path.open("ab") as log:  # the child keeps its own copy of the handle
            self.process = subprocess.Popen(
                args, cwd=self.data_dir, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        self._wait_healthy()
        return self

    def _wait_healthy(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                pytest.fail(f"server exited with {self.process.returncode}:\n{self.output()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        pytest.fail(f"server did not become healthy:\n{self.output()}")

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, *, kill: bool = False) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        if kill:
            self.process.kill()
        else:
            self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


BACKENDS = ("sqlite", "postgresql")
# A module that runs on both stores: `pytestmark = on_every_backend`
on_every_backend = pytest.mark.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    """The store the servers of a test use: SQLite unless the module runs on every backend."""
    return str(getattr(request, "param", "sqlite"))


def database_for(backend: str, request: pytest.FixtureRequest) -> str | None:
    """A new empty database on the backend (None: the server's own SQLite file)."""
    if backend == "sqlite":
        return None
    postgres: PostgresServer = request.getfixturevalue("postgres")
    return postgres.fresh_database()


@pytest.fixture(scope="session")
def server(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """One shared server for tests that each create their own session. The whole suite
    comes from one address, so the per-address limits on wrong codes and new participants
    are lifted here; tests of those limits start servers of their own."""
    running = RunningServer(
        tmp_path_factory.mktemp(f"server-{backend}"),
        extra_args=("--code-misses", "1000000", "--joins-per-minute", "1000000"),
        database_url=database_for(backend, request),
    ).start()
    yield running
    running.stop()


@pytest.fixture
def own_server(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[RunningServer]:
    """A server of this test alone (for kill -9, restarts and flags)."""
    running = RunningServer(tmp_path / "data", database_url=database_for(backend, request))
    yield running
    running.stop(kill=True)


@dataclass
class RedisServer:
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        redis_bin = shutil.which("redis-server")
        if redis_bin is None:
            pytest.fail("redis-server is missing: scripts/test installs it")
        self.process = subprocess.Popen(
            [
                redis_bin,
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--bind",
                "127.0.0.1",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        pytest.fail("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    running = RedisServer().start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One PostgreSQL cluster for the run, from the OS's binaries in a temporary folder;
    each test that uses it makes its own database (`fresh_database`)."""
    from .postgres import PostgresServer, service_root

    with service_root() as root:
        running = PostgresServer(root).start()
        yield running
        running.stop()
