"""Answers benchmark: Trifecta's durable answers per second against a bare WebSocket echo.

    python -m bench.answers [--clients 200] [--answers 20] [--rounds 5] [--out PATH]

Starts `bench.echo_app` and `python -m server serve` on free ports, drives both with the
same closed-loop load generator (each client sends one message, waits for its ack, sends
the next) in paired rounds, prints a table and writes JSON to bench/results/answers-<git sha>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import platform
import secrets
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from importlib.metadata import version
from pathlib import Path
from typing import Any, TypeVar

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException

try:
    import httpx2
except ImportError:  # httpx2 comes with the test extras; urllib does the same job here
    httpx2 = None  # type: ignore[assignment]
try:
    import uvloop
except ImportError:  # uvloop comes with uvicorn[standard]; plain asyncio works too
    uvloop = None  # type: ignore[assignment]

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
# Timeouts
MESSAGE_TIMEOUT = 30.0  # one answer's round trip, and one connection's opening
START_TIMEOUT = 30.0  # a server's start, until it answers
STOP_TIMEOUT = 10.0  # after SIGTERM, before SIGKILL
TARGET_RATIO = 0.5
PARTICIPANT_COOKIE = "trifecta_pid"
T = TypeVar("T")


class BenchError(Exception):
    """The benchmark could not run; the message says why."""


# HTTP (setup and checks only: never on the clock)


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: Any
    cookies: dict[str, str]


def http(method: str, url: str, *, token: str | None = None, body: object = None) -> Reply:
    """One request without a cookie jar, so every join is a new participant."""
    headers = {"Accept": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    if data is not None:
        headers["Content-Type"] = "application/json"
    if httpx2 is not None:
        try:
            r = httpx2.request(method, url, headers=headers, content=data, timeout=MESSAGE_TIMEOUT)
        except httpx2.TransportError as e:
            raise OSError(str(e)) from e
        return _reply(r.status_code, r.content, r.headers.get_list("set-cookie"))
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=MESSAGE_TIMEOUT) as response:
            cookies = response.headers.get_all("Set-Cookie") or []
            return _reply(response.status, response.read(), cookies)
    except urllib.error.HTTPError as e:
        return _reply(e.code, e.read(), e.headers.get_all("Set-Cookie") or [])


def _reply(status: int, content: bytes, set_cookies: list[str]) -> Reply:
    try:
        body = json.loads(content) if content else None
    except ValueError:
        body = content.decode(errors="replace")[:500]
    jar: SimpleCookie = SimpleCookie()
    for header in set_cookies:
        jar.load(header)
    return Reply(status, body, {name: morsel.value for name, morsel in jar.items()})


def expect(reply: Reply, what: str, *statuses: int) -> Any:
    if reply.status not in statuses:
        raise BenchError(f"{what}: expected HTTP {statuses}, got {reply.status}: {reply.body}")
    return reply.body


# Servers


def free_ports(n: int) -> list[int]:
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(n)]
        for s in sockets:
            s.bind((HOST, 0))
        return [s.getsockname()[1] for s in sockets]


@contextlib.contextmanager
def running(
    argv: list[str], env: dict[str, str], cwd: str, log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server with its output in `log` (a file, not a pipe nobody reads); stop it after."""
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_ready(name: str, proc: subprocess.Popen[bytes], is_ready: Callable[[], bool]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"{name} exited with status {proc.returncode} before it was ready")
        with contextlib.suppress(OSError):
            if is_ready():
                return
        time.sleep(0.1)
    raise BenchError(f"{name} was not ready after {START_TIMEOUT:.0f} s")


def accepts_tcp(port: int) -> bool:
    with socket.create_connection((HOST, port), timeout=1):
        return True


def log_tail(log: Path, secret: str, lines: int = 20) -> str:
    text = log.read_text(errors="replace") if log.exists() else ""
    return "\n".join(text.replace(secret, "<admin-token>").splitlines()[-lines:])


# Trifecta session setup and check


@dataclass(frozen=True, slots=True)
class Poll:
    session_id: str
    code: str
    question: str
    options: list[str]


def create_poll(base: str, token: str) -> Poll:
    question = {"kind": "single_choice", "prompt": "Pick", "options": ["A", "B", "C", "D"]}
    body = {"title": "Bench", "mode": "self_paced", "questions": [question]}
    created = expect(http("POST", f"{base}/api/sessions", token=token, body=body), "create", 201)
    session_id = created["id"]
    session = expect(http("GET", f"{base}/api/sessions/{session_id}", token=token), "read", 200)
    first = session["questions"][0]
    if not _is_open(session, first):
        goto = {"action": "goto", "question": first["id"]}
        url = f"{base}/api/sessions/{session_id}/control"
        expect(http("POST", url, token=token, body=goto), "goto", 200, 204)
    options = [option["id"] for option in first["options"]]
    return Poll(session_id, created["code"], first["id"], options)


def _is_open(session: dict[str, Any], question: dict[str, Any]) -> bool:
    for key in ("state", "status"):
        if isinstance(question.get(key), str):
            return bool(question[key] == "open")
    if isinstance(question.get("is_open"), bool):
        return bool(question["is_open"])
    return bool(session.get("mode") == "self_paced")


def join(base: str, code: str) -> dict[str, str]:
    """Join as a new participant; return the headers its WebSocket needs."""
    reply = http("POST", f"{base}/api/join/{code}", body={})
    expect(reply, "join", 200, 201)
    if PARTICIPANT_COOKIE not in reply.cookies:
        raise BenchError(f"join: no {PARTICIPANT_COOKIE} cookie in the response")
    return {"Cookie": f"{PARTICIPANT_COOKIE}={reply.cookies[PARTICIPANT_COOKIE]}"}


def check_results(
    base: str, token: str, poll: Poll, last_values: list[str | None]
) -> dict[str, Any]:
    """Each participant's latest answer counts once: compare the tally with what was sent."""
    url = f"{base}/api/sessions/{poll.session_id}/results"
    results = expect(http("GET", url, token=token), "results", 200)
    found = next(q for q in results["questions"] if q["id"] == poll.question)
    counts = {k: v for k, v in sorted(found["result"]["counts"].items()) if v}
    expected = dict(sorted(Counter(v for v in last_values if v is not None).items()))
    clients = len(last_values)
    passed = (
        found["responses"] == clients and sum(counts.values()) == clients and counts == expected
    )
    return {
        "passed": passed,
        "responses": found["responses"],
        "counts": counts,
        "expected_counts": expected,
    }


# The load generator: the same code drives the echo and Trifecta


@dataclass(slots=True)
class Run:
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    error_examples: dict[str, str] = field(default_factory=dict)
    other_messages: int = 0
    last_values: list[str | None] = field(default_factory=list)

    def error(self, code: str, message: str) -> None:
        self.errors[code] += 1
        self.error_examples.setdefault(code, message[:200])


async def drive(
    url: str,
    headers: Sequence[dict[str, str]],
    *,
    greeting: bool,
    poll: Poll,
    answers: int,
    warmup: int = 0,
) -> Run:
    """Connect every client, warm up untimed, then time all of them answering concurrently."""
    run = Run(last_values=[None] * len(headers))
    opened = await asyncio.gather(
        *(_open(url, h, greeting) for h in headers), return_exceptions=True
    )
    sockets = [ws for ws in opened if isinstance(ws, ClientConnection)]
    try:
        failures = [e for e in opened if isinstance(e, BaseException)]
        if failures:
            raise BenchError(
                f"{len(failures)} of {len(headers)} clients could not connect: {failures[0]!r}"
            )
        warm = Run(last_values=[None] * len(headers))
        await asyncio.gather(*(_client(ws, i, warm, poll, warmup) for i, ws in enumerate(sockets)))
        if warm.errors:
            raise BenchError(f"warm-up failed: {dict(warm.errors)} {warm.error_examples}")
        started = time.perf_counter()
        await asyncio.gather(*(_client(ws, i, run, poll, answers) for i, ws in enumerate(sockets)))
        run.seconds = time.perf_counter() - started
    finally:
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    return run


async def _open(url: str, headers: dict[str, str], greeting: bool) -> ClientConnection:
    origin = "http://" + url.split("/")[2]
    # compression=None: both servers get the same plain frames whatever they negotiate.
    ws = await connect(
        url,
        additional_headers={"Origin": origin, **headers},
        compression=None,
        open_timeout=MESSAGE_TIMEOUT,
    )
    if not greeting:
        return ws
    try:
        async with asyncio.timeout(MESSAGE_TIMEOUT):
            first = json.loads(await ws.recv())
        if first.get("type") != "state":
            raise BenchError(f"expected a state message first, got {first.get('type')!r}")
    except BaseException:
        await ws.close()
        raise
    return ws


async def _client(ws: ClientConnection, index: int, run: Run, poll: Poll, answers: int) -> None:
    for n in range(answers):
        value = poll.options[(index + n) % len(poll.options)]
        answer_id = str(uuid.uuid4())
        answer = {"type": "answer", "id": answer_id, "question": poll.question, "value": value}
        started = time.perf_counter()
        try:
            async with asyncio.timeout(MESSAGE_TIMEOUT):
                await ws.send(json.dumps(answer))
                reply = await _reply_to(ws, answer_id, run)
        except TimeoutError:
            run.error("timeout", f"no reply within {MESSAGE_TIMEOUT:.0f} s")
            return
        except WebSocketException as e:  # the connection is gone: this client is done
            run.error(type(e).__name__, str(e))
            return
        run.latencies.append(time.perf_counter() - started)
        if reply.get("type") == "ack":
            run.statuses[str(reply.get("status"))] += 1
            if reply.get("status") == "accepted":
                run.last_values[index] = value
        else:
            run.error(str(reply.get("code")), str(reply.get("message")))


async def _reply_to(ws: ClientConnection, answer_id: str, run: Run) -> dict[str, Any]:
    """The ack or error for `answer_id`; other messages (question changes) are skipped."""
    while True:
        message = json.loads(await ws.recv())
        if message.get("type") in ("ack", "error") and message.get("id") == answer_id:
            return dict(message)
        run.other_messages += 1


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """uvloop when present, so the load generator is less of a bottleneck for either server."""
    if uvloop is None:
        return asyncio.run(coro)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coro)


# Report


def percentile_ms(samples: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile in milliseconds."""
    if not samples:
        return None
    ordered = sorted(samples)
    return round(ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1] * 1000, 2)


def summary(run: Run, counted: int) -> dict[str, Any]:
    return {
        "counted": counted,
        "seconds": round(run.seconds, 4),
        "per_second": round(counted / run.seconds, 1) if run.seconds else 0.0,
        "p50_ms": percentile_ms(run.latencies, 50),
        "p99_ms": percentile_ms(run.latencies, 99),
        "statuses": dict(run.statuses),
        "errors": dict(run.errors),
        "error_examples": run.error_examples,
        "other_messages": run.other_messages,
    }


def git_sha() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return "nogit"
    return out.stdout.strip() or "nogit"


def machine() -> dict[str, Any]:
    return {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "websockets": version("websockets"),
        "client_loop": "asyncio" if uvloop is None else "uvloop",
    }


def print_table(result: dict[str, Any]) -> None:
    echo, trifecta = result["echo"], result["trifecta"]
    print(f"{'':24}{'per second':>12}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}")
    for name, r in (("echo round trips", echo), ("trifecta durable answers", trifecta)):
        errors = sum(r["errors"].values())
        print(f"{name:24}{r['per_second']:>12.1f}{r['p50_ms']!s:>10}{r['p99_ms']!s:>10}{errors:>8}")
    verdict = "meets" if result["ratio"] >= TARGET_RATIO else "BELOW"
    ratios = ", ".join(f"{r:.3f}" for r in result["ratios"])
    print(
        f"ratio trifecta/echo, median of {len(result['ratios'])} rounds: "
        f"{result['ratio']:.3f} ({verdict} target {TARGET_RATIO}); rounds: {ratios}"
    )
    for name, r in (("echo", echo), ("trifecta", trifecta)):
        for code, message in r["error_examples"].items():
            print(f"  {name} error {code} x{r['errors'][code]}: {message}")
    for n, check in enumerate(result["results_check"]["rounds"], 1):
        print(
            f"round {n} results check: {'passed' if check['passed'] else 'FAILED'} "
            f"(responses {check['responses']}, counts {check['counts']}, "
            f"expected {check['expected_counts']})"
            + (
                f"; presenter: {check['presenter_messages']} messages, "
                f"{'caught up' if check['presenter_caught_up'] else 'BEHIND'}"
                if "presenter_messages" in check
                else ""
            )
        )


# Command


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.answers", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--clients", type=int, default=200, help="concurrent participants")
    parser.add_argument("--answers", type=int, default=20, help="answers per participant")
    parser.add_argument(
        "--warmup", type=int, default=5, help="untimed answers per participant first (both runs)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="paired echo + Trifecta runs; the report gives the median (one run is short)",
    )
    parser.add_argument(
        "--presenter",
        action="store_true",
        help="keep a presenter screen open on each poll, following the results live",
    )
    parser.add_argument(
        "--store",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="where Trifecta stores answers: a SQLite file, or a PostgreSQL it starts "
        "(initdb and postgres from the OS's packages, on a free port)",
    )
    parser.add_argument(
        "--out", type=Path, help="JSON file (default bench/results/answers-<store>-<sha>.json)"
    )
    return parser.parse_args(argv)


def measure(args: argparse.Namespace, token: str, tmp: str) -> dict[str, Any]:
    pythonpath = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": pythonpath}
    echo_port, port = free_ports(2)
    base = f"http://{HOST}:{port}"
    echo_argv = [sys.executable, "-m", "uvicorn", "bench.echo_app:app", "--host", HOST]
    echo_argv += f"--port {echo_port} --ws websockets-sansio --no-access-log".split()
    echo_argv += ["--log-level", "warning"]
    server_argv = [sys.executable, "-m", "server", "serve", "--port", str(port)]
    server_argv += ["--database", args.database_url or f"sqlite:///{tmp}/bench.db"]
    # every simulated phone joins from 127.0.0.1: lift the per-address limit on new ones
    server_argv += ["--joins-per-minute", "1000000"]
    logs = Path(tmp, "echo.log"), Path(tmp, "trifecta.log")
    rounds: list[Round] = []
    try:
        with (
            running(echo_argv, env, tmp, logs[0]) as echo_server,
            running(server_argv, {**env, "TRIFECTA_ADMIN_TOKEN": token}, tmp, logs[1]) as server,
        ):
            wait_ready("echo", echo_server, lambda: accepts_tcp(echo_port))
            wait_ready("trifecta", server, lambda: http("GET", f"{base}/healthz").status == 200)
            for _ in range(args.rounds):
                rounds.append(one_round(args, token, base, echo_port, port))
    except (BenchError, OSError, LookupError, TypeError, StopIteration) as e:
        tails = "\n".join(f"--- {log.name}\n{log_tail(log, token)}" for log in logs)
        raise BenchError(f"{e if isinstance(e, BenchError) else repr(e)}\n{tails}") from e
    if any(r.trifecta.errors or not r.check["passed"] for r in rounds):
        print(f"--- trifecta output\n{log_tail(logs[1], token)}", file=sys.stderr)
    return report(args, rounds)


@dataclass(frozen=True, slots=True)
class Round:
    echo: Run
    trifecta: Run
    check: dict[str, Any]


def one_round(args: argparse.Namespace, token: str, base: str, echo_port: int, port: int) -> Round:
    """The echo, then Trifecta on a new poll with new participants: one paired sample."""
    poll = create_poll(base, token)
    plain: list[dict[str, str]] = [{} for _ in range(args.clients)]
    echo = run_async(
        drive(
            f"ws://{HOST}:{echo_port}/ws/echo",
            plain,
            greeting=False,
            poll=poll,
            answers=args.answers,
            warmup=args.warmup,
        )
    )
    joined = [join(base, poll.code) for _ in range(args.clients)]
    url = f"ws://{HOST}:{port}/ws/session/{poll.code}"
    answering = drive(
        url, joined, greeting=True, poll=poll, answers=args.answers, warmup=args.warmup
    )
    screen = Screen()
    if args.presenter:
        present = f"ws://{HOST}:{port}/ws/present/{poll.session_id}"
        run = run_async(watched(answering, present, token, poll, args.clients, screen))
    else:
        run = run_async(answering)
    check = check_results(base, token, poll, run.last_values)
    if args.presenter:
        check = {
            **check,
            "presenter_messages": screen.messages,
            "presenter_caught_up": screen.responses == args.clients,
        }
        check["passed"] = check["passed"] and check["presenter_caught_up"]
    return Round(echo, run, check)


@dataclass(slots=True)
class Screen:
    """What a presenter screen saw: how many messages, and the last response count."""

    messages: int = 0
    responses: int = 0
    all_in: asyncio.Event = field(default_factory=asyncio.Event)  # every participant shown


async def watched(
    answering: Coroutine[Any, Any, Run],
    url: str,
    token: str,
    poll: Poll,
    clients: int,
    screen: Screen,
) -> Run:
    """Run the answers while a presenter screen follows them live, then give the screen
    up to 5 s to show every participant (its updates are coalesced, so it lags a little)."""
    async with connect(
        url,
        additional_headers={"Authorization": f"Bearer {token}"},
        compression=None,
        open_timeout=MESSAGE_TIMEOUT,
    ) as ws:

        async def follow() -> None:
            async for text in ws:
                message = json.loads(text)
                screen.messages += 1
                for question in message.get("questions") or []:
                    if question.get("id") == poll.question:
                        screen.responses = question["responses"]
                        if screen.responses >= clients:
                            screen.all_in.set()

        follower = asyncio.create_task(follow())
        try:
            run = await answering
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(screen.all_in.wait(), 5)
        finally:
            follower.cancel()
    return run


def merged(runs: Sequence[Run]) -> dict[str, Any]:
    """One summary of several runs: the median rate, latency over every answer."""
    every = Run()
    for run in runs:
        every.latencies += run.latencies
        every.statuses.update(run.statuses)
        every.errors.update(run.errors)
        every.other_messages += run.other_messages
        for code, message in run.error_examples.items():
            every.error_examples.setdefault(code, message)
    rates = [summary(run, run.statuses["accepted"])["per_second"] for run in runs]
    every.seconds = sum(run.seconds for run in runs)
    return {
        **summary(every, every.statuses["accepted"]),
        "per_second": statistics.median(rates),
        "per_round": rates,
    }


def report(args: argparse.Namespace, rounds: Sequence[Round]) -> dict[str, Any]:
    ratios = []
    for r in rounds:
        echo_rate = summary(r.echo, r.echo.statuses["accepted"])["per_second"]
        rate = summary(r.trifecta, r.trifecta.statuses["accepted"])["per_second"]
        ratios.append(round(rate / echo_rate, 3) if echo_rate else 0.0)
    checks = [r.check for r in rounds]
    parameters = {
        "clients": args.clients,
        "answers": args.answers,
        "warmup": args.warmup,
        "rounds": args.rounds,
        "presenter": args.presenter,
        "store": args.store,
    }
    return {
        "benchmark": "answers",
        "git": git_sha(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "parameters": {**parameters, "message_timeout_s": MESSAGE_TIMEOUT},
        "machine": machine(),
        "echo": merged([r.echo for r in rounds]),
        "trifecta": merged([r.trifecta for r in rounds]),
        "ratio": statistics.median(ratios),
        "ratios": ratios,
        "target_ratio": TARGET_RATIO,
        "results_check": {"passed": all(c["passed"] for c in checks), "rounds": checks},
    }


@contextlib.contextmanager
def store_for(args: argparse.Namespace) -> Iterator[None]:
    """Sets `args.database_url`: None for SQLite (a file in the run's folder), or the URL
    of a PostgreSQL started for this run and stopped after it."""
    args.database_url = None
    if args.store == "sqlite":
        yield
        return
    from tests.postgres import PostgresServer, service_root  # the test suite's own starter

    with service_root() as root:
        postgres = PostgresServer(root).start()
        try:
            args.database_url = postgres.url
            yield
        finally:
            postgres.stop()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    token = secrets.token_urlsafe(32)
    try:
        with tempfile.TemporaryDirectory(prefix="trifecta-bench-") as tmp, store_for(args):
            result = measure(args, token, tmp)
    except BenchError as e:
        print(f"bench failed: {e}", file=sys.stderr)
        return 2
    print_table(result)
    name = f"answers-{args.store}-{result['git']}.json"
    out: Path = args.out or ROOT / "bench" / "results" / name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")
    errors = result["echo"]["errors"] or result["trifecta"]["errors"]
    return 1 if errors or not result["results_check"]["passed"] else 0


if __name__ == "__main__":
    sys.exit(main())
