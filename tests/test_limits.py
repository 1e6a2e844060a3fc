"""Connection limits against the real server: the header timeout (a half-sent request is closed)
and the per-worker connection bound (beyond it, requests and WebSocket upgrades get 503)."""

from __future__ import annotations

import contextlib
import os
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ROOT, RedisServer, RunningServer

HALF_SENT = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"  # no blank line: headers unfinished
FULL = HALF_SENT + b"\r\n"
UPGRADE = (
    b"GET /ws/session/NOCODE HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
    b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    b"Sec-WebSocket-Version: 13\r\n\r\n"
)
UVICORN_503 = b"Service Unavailable"  # uvicorn's body; the app's own 503s are JSON
TIMEOUT = 1.0  # --header-timeout in these tests
READ_TIMEOUT = 5.0  # a socket still open this long after the header timeout is a failure


def start(server: RunningServer, *args: str) -> RunningServer:
    server.extra_args = args
    return server.start()


def connect(server: RunningServer) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=READ_TIMEOUT)


def seconds_until_closed(sock: socket.socket, since: float) -> float:
    """Reads until the server closes; it must send nothing first."""
    try:
        data = sock.recv(4096)
    except ConnectionResetError:
        data = b""
    except TimeoutError:
        pytest.fail(f"the connection is still open {READ_TIMEOUT} s later")
    assert data == b"", data
    return time.monotonic() - since


def read_response(sock: socket.socket) -> tuple[int, bytes]:
    """One HTTP/1.1 response: the status and the body (by content-length)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        assert chunk, f"closed before the response ended: {data!r}"
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    while len(body) < int(headers.get("content-length", "0")):
        chunk = sock.recv(4096)
        assert chunk, "closed before the body ended"
        body += chunk
    return int(lines[0].split()[1]), body


def exchange(server: RunningServer, request: bytes) -> tuple[int, bytes]:
    with connect(server) as sock:
        sock.sendall(request)
        return read_response(sock)


def wait_for_status(server: RunningServer, request: bytes, status: int) -> None:
    """Polls: the server sees the client's closes a moment after the client made them."""
    deadline = time.monotonic() + READ_TIMEOUT
    while (got := exchange(server, request)[0]) != status:
        assert time.monotonic() < deadline, f"still {got}, not {status}"
        time.sleep(0.05)


@contextlib.contextmanager
def half_sent_connections(server: RunningServer, count: int) -> Iterator[list[socket.socket]]:
    socks: list[socket.socket] = []
    try:
        for _ in range(count):
            socks.append(connect(server))
            socks[-1].sendall(HALF_SENT)
        yield socks
    finally:
        for sock in socks:
            sock.close()


def assert_open(sock: socket.socket) -> None:
    """Nothing to read and no EOF: the server holds the connection open."""
    sock.setblocking(False)
    try:
        with pytest.raises(BlockingIOError):
            sock.recv(1)
    finally:
        sock.settimeout(READ_TIMEOUT)


def test_half_sent_request_is_closed_after_the_header_timeout(own_server: RunningServer) -> None:
    start(own_server, "--header-timeout", str(TIMEOUT))
    since = time.monotonic()
    with connect(own_server) as sock:
        sock.sendall(HALF_SENT)
        assert TIMEOUT - 0.1 <= seconds_until_closed(sock, since) < TIMEOUT + 2


def test_silent_connection_is_closed_after_the_header_timeout(own_server: RunningServer) -> None:
    start(own_server, "--header-timeout", str(TIMEOUT))
    since = time.monotonic()
    with connect(own_server) as sock:
        assert TIMEOUT - 0.1 <= seconds_until_closed(sock, since) < TIMEOUT + 2


def test_half_sent_next_request_on_a_kept_alive_connection_is_closed(
    own_server: RunningServer,
) -> None:
    # uvicorn's keep-alive timer (5 s) stops at the first byte of the next request; ours starts
    start(own_server, "--header-timeout", str(TIMEOUT))
    with connect(own_server) as sock:
        sock.sendall(FULL)
        assert read_response(sock)[0] == 200
        since = time.monotonic()
        sock.sendall(HALF_SENT)
        assert TIMEOUT - 0.1 <= seconds_until_closed(sock, since) < TIMEOUT + 2


def test_complete_and_slow_but_complete_requests_are_answered(own_server: RunningServer) -> None:
    start(own_server, "--header-timeout", str(TIMEOUT))
    assert exchange(own_server, FULL)[0] == 200
    with connect(own_server) as sock:
        for piece in (FULL[:10], FULL[10:30]):  # three pieces in 0.5 s, under the timeout
            sock.sendall(piece)
            time.sleep(0.25)
        sock.sendall(FULL[30:])
        assert read_response(sock)[0] == 200
        time.sleep(TIMEOUT + 0.2)  # past the timeout: the app's time and keep-alive's are not
        sock.sendall(FULL)  # counted against the headers, and the next request gets a new clock
        assert read_response(sock)[0] == 200


def test_beyond_max_connections_requests_and_upgrades_get_503(own_server: RunningServer) -> None:
    start(own_server, "--max-connections", "50")
    assert exchange(own_server, UPGRADE)[0] == 101  # under the bound a phone's socket opens
    with half_sent_connections(own_server, 60) as idle:
        # uvicorn does not refuse connections: it accepts them all (each is an open file until
        # the header timeout) and answers 503 to requests once it counts max_connections open
        # connections, this one included, or as many running requests and WebSockets.
        assert exchange(own_server, FULL) == (503, UVICORN_503)
        assert exchange(own_server, UPGRADE) == (503, UVICORN_503)
        assert_open(idle[0])
        idle[0].sendall(b"\r\n")  # a held connection finishing its headers is counted too
        assert read_response(idle[0]) == (503, UVICORN_503)
    wait_for_status(own_server, FULL, 200)
    assert exchange(own_server, UPGRADE)[0] == 101


def test_workers_get_the_header_timeout(
    own_server: RunningServer, redis_server: RedisServer
) -> None:
    # workers are spawned with a pickled Config: the protocol is named by import string there
    start(
        own_server, "--workers", "2", "--redis", redis_server.url, "--header-timeout", str(TIMEOUT)
    )
    try:
        since = time.monotonic()
        with connect(own_server) as sock:
            sock.sendall(HALF_SENT)
            assert TIMEOUT - 0.1 <= seconds_until_closed(sock, since) < TIMEOUT + 2
    finally:
        own_server.stop()  # SIGTERM: the fixture's kill -9 would leave the workers running


@contextlib.contextmanager
def soft_open_file_limit(soft: int) -> Iterator[int]:
    """Lowers this process's soft limit (children inherit it) and yields the hard one."""
    before, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    try:
        yield hard
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (before, hard))


@pytest.mark.skipif(not Path("/proc/self/limits").exists(), reason="reads /proc/PID/limits")
def test_server_lifts_its_open_file_limit(own_server: RunningServer) -> None:
    with soft_open_file_limit(1024) as hard:  # the usual default, below 12,000 connections
        start(own_server)  # --max-connections 12000 by default
    assert own_server.process is not None
    limits = Path(f"/proc/{own_server.process.pid}/limits").read_text().splitlines()
    soft = int(next(line for line in limits if line.startswith("Max open files")).split()[3])
    assert soft == (12_100 if hard == resource.RLIM_INFINITY else min(12_100, hard))


def test_a_low_hard_open_file_limit_is_one_warning() -> None:
    code = (
        "import logging, resource; resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256)); "
        "logging.basicConfig(format='%(levelname)s %(message)s'); "
        "from server.cli import _raise_open_file_limit; _raise_open_file_limit(12000)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=os.environ,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "WARNING open-file limit is 256, below --max-connections 12000 + 100: raise the hard "
        "limit (systemd LimitNOFILE=, docker --ulimit nofile=) or lower --max-connections"
    ]
