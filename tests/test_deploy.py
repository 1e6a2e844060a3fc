"""What an operator runs: the compose file validates, and the image's files are enough.

No Docker engine runs here, so the image is not built. Instead the test copies exactly the
folders the Dockerfile's final stage copies into an empty folder and serves from there:
a page or template that needs a file the image leaves out fails here, not in production.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import httpx2
import pytest

from server.config import ROOT

from .conftest import RunningServer

DOCKERFILE = ROOT / "Dockerfile"


def final_stage() -> str:
    return DOCKERFILE.read_text().split("\nFROM ")[-1]


def compose_command() -> list[str]:
    """`docker compose` where the plugin exists, else the standalone `docker-compose`
    (scripts/test installs Debian's when neither is there)."""
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True)
        if probe.returncode == 0:
            return ["docker", "compose"]
    found = shutil.which("docker-compose")
    assert found, "neither `docker compose` nor `docker-compose`: run scripts/test"
    return [found]


def test_the_compose_file_validates(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text((ROOT / ".env.example").read_text())
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    shutil.copy(DOCKERFILE, tmp_path / "Dockerfile")
    done = subprocess.run(
        [*compose_command(), "config"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "redis://redis:6379/0" in done.stdout
    assert "postgresql://trifecta:" in done.stdout and "@postgres:5432/trifecta" in done.stdout
    assert "TRIFECTA_ADMIN_TOKEN" in done.stdout  # from the env file, not the compose file
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "TRIFECTA_ADMIN_TOKEN" not in compose and "pg_isready" in compose
    # without the database password the file refuses to start, naming what is missing
    env_file.write_text("TRIFECTA_ADMIN_TOKEN=" + "x" * 32 + "\n")
    done = subprocess.run(
        [*compose_command(), "config"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode != 0 and "POSTGRES_PASSWORD" in done.stderr


def test_the_image_runs_unprivileged_without_build_tools() -> None:
    stage = final_stage()
    assert re.search(r"^USER (?!root)\w+", stage, re.M)
    assert not re.search(r"gcc|build-essential|pip install", stage)


@pytest.fixture
def image_layout(tmp_path: Path) -> RunningServer:
    """A folder holding only what the final stage copies, as the image's /app."""
    for source, _target in re.findall(r"^COPY (?!--)(\S+) (\S+)$", final_stage(), re.M):
        shutil.copytree(ROOT / source, tmp_path / source)
    return RunningServer(tmp_path)


def test_the_image_files_serve_every_page(image_layout: RunningServer) -> None:
    server = image_layout.start()
    try:
        token = {"Authorization": f"Bearer {server.admin_token}"}
        with httpx2.Client(base_url=server.url, headers=token, follow_redirects=True) as http:
            created = http.post("/api/sessions", json={"template": "alignment-pulse-check"})
            assert created.status_code == 201, created.text
            session = created.json()
            for path in (
                "/",
                "/static/css/brief.css",
                f"/api/sessions/{session['id']}/brief?format=html",
                f"/join?code={session['code']}",
                "/console",
            ):
                assert http.get(path).status_code == 200, path
    finally:
        server.stop()
