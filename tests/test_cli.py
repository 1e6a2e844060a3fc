"""`trifecta serve`: flags, one-line refusals, the first-start token and sign-in link."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx2
import pytest

from .conftest import RunningServer


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--workers", "2"], {}, "--workers above 1 needs --redis"),
        (["--port", "abc"], {}, "--port / TRIFECTA_PORT: 'abc' is not a port number"),
        ([], {"TRIFECTA_PORT": "70000"}, "--port / TRIFECTA_PORT: 70000 is not a port number"),
        (["--workers", "x"], {}, "--workers / TRIFECTA_WORKERS: 'x' is not a whole number"),
        (["--redis", "http://x"], {}, "--redis / TRIFECTA_REDIS_URL: 'http://x' is not a redis"),
        (["--public-url", "phone.local"], {}, "--public-url / TRIFECTA_PUBLIC_URL"),
        (["--database", "mysql://db"], {}, "--database / TRIFECTA_DATABASE_URL"),
    ],
    ids=[
        "workers-without-redis",
        "bad-port",
        "port-env",
        "bad-workers",
        "bad-redis",
        "bad-public-url",
        "bad-database",
    ],
)
def test_bad_settings_get_one_line_and_exit_2(
    args: list[str], env: dict[str, str], message: str, tmp_path: Path
) -> None:
    result = run_cli("serve", *args, env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_first_start_creates_and_keeps_an_admin_token(tmp_path: Path) -> None:
    server = RunningServer(tmp_path, admin_token="")  # empty: the server creates its own
    try:
        server.start()
        first = _signin_token(server)
        assert len(first) >= 22  # >= 128 bits, URL-safe base64
        r = httpx2.get(f"{server.url}/api/sessions", headers={"Authorization": f"Bearer {first}"})
        assert r.status_code == 200
        server.stop()
        server.start()
        assert _signin_token(server) == first  # kept with the data
    finally:
        server.stop()


def _signin_token(server: RunningServer) -> str:
    lines = [line for line in server.output().splitlines() if "/signin?token=" in line]
    assert lines, server.output()
    return lines[-1].rsplit("token=", 1)[1].strip()


def test_signin_link_sets_organizer_cookie(server: RunningServer) -> None:
    with httpx2.Client(base_url=server.url) as browser:
        assert browser.get("/api/sessions").status_code == 401
        r = browser.get(f"/signin?token={server.admin_token}", follow_redirects=False)
        assert r.status_code == 303
        assert browser.get("/api/sessions").status_code == 200
        assert browser.get("/signin?token=wrong").status_code == 403


def test_migrate_command_brings_a_database_up_to_date(tmp_path: Path) -> None:
    result = run_cli("migrate", "--database", f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--header-timeout", "abc"],
            "--header-timeout / TRIFECTA_HEADER_TIMEOUT: 'abc' is not a number of seconds",
        ),
        (
            ["--max-connections", "0"],
            "--max-connections / TRIFECTA_MAX_CONNECTIONS: 0 must be 1 or more",
        ),
    ],
    ids=["bad-header-timeout", "zero-max-connections"],
)
def test_bad_limits_get_one_line_and_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    result = run_cli("serve", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"trifecta: {message}"]
