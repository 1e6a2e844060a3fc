"""Fan-out benchmark: how long an answer on one worker takes to reach a presenter on
another, through Redis, with 1, 2 and 4 workers.

    python -m bench.fanout [--workers 1 2 4] [--answers 300] [--gap-ms 20] [--out PATH]

For each worker count it starts a redis-server and `python -m server serve --workers N
--redis ...` on free ports, opens a presenter socket, and phone sockets on *other* workers
than the presenter's (each handshake names its worker; with one worker they share it).
The phones answer one after another, `--gap-ms` apart (an open loop at a room's pace,
not a flood), and the clock runs from an answer's send to the first presenter message
that counts it. The presenter's updates are coalesced (answers are published every 50 ms,
screens redraw every 100 ms), so an answer waits up to about 0.15 s by design, and less
when it joins an update already under way; the numbers say what Redis and a second
process add to that. Prints a table and writes JSON to
bench/results/fanout-<git sha>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from .answers import (
    HOST,
    MESSAGE_TIMEOUT,
    ROOT,
    BenchError,
    Poll,
    accepts_tcp,
    create_poll,
    expect,
    free_ports,
    git_sha,
    http,
    join,
    log_tail,
    machine,
    percentile_ms,
    run_async,
    running,
    wait_ready,
)

WORKER_HEADER = "x-trifecta-worker"
SOCKET_BURST = 8  # sockets opened at once: the kernel spreads a burst over the workers


@dataclass(slots=True)
class Trace:
    """Send times by answer number, and when the presenter first counted that many."""

    sent: list[float] = field(default_factory=list)
    shown: dict[int, float] = field(default_factory=dict)
    counted: int = 0
    all_in: asyncio.Event = field(default_factory=asyncio.Event)

    def latencies(self) -> list[float]:
        return [self.shown[n + 1] - t for n, t in enumerate(self.sent) if n + 1 in self.shown]


def worker_of(ws: ClientConnection) -> str:
    assert ws.response is not None
    return str(ws.response.headers.get(WORKER_HEADER, ""))


async def open_socket(url: str, headers: dict[str, str]) -> ClientConnection:
    origin = "http://" + url.split("/")[2]
    return await connect(
        url,
        additional_headers={"Origin": origin, **headers},
        compression=None,
        open_timeout=MESSAGE_TIMEOUT,
    )


async def phones_away_from(
    base: str, port: int, poll: Poll, avoid: str | None, count: int
) -> list[ClientConnection]:
    """`count` joined phone sockets on workers other than `avoid` (None: anywhere)."""
    url = f"ws://{HOST}:{port}/ws/session/{poll.code}"
    kept: list[ClientConnection] = []
    deadline = time.monotonic() + 60
    while len(kept) < count:
        if time.monotonic() > deadline:
            raise BenchError(f"only {len(kept)} of {count} phones landed away from the presenter")
        burst = [join(base, poll.code) for _ in range(SOCKET_BURST)]
        for ws in await asyncio.gather(*(open_socket(url, h) for h in burst)):
            if len(kept) < count and (avoid is None or worker_of(ws) != avoid):
                await asyncio.wait_for(ws.recv(), MESSAGE_TIMEOUT)  # its first state
                kept.append(ws)
            else:
                await ws.close()
    return kept


async def follow(presenter: ClientConnection, poll: Poll, trace: Trace, total: int) -> None:
    async for text in presenter:
        message = json.loads(text)
        for question in message.get("questions") or []:
            if question.get("id") != poll.question:
                continue
            counted = sum(question["result"]["counts"].values())
            now = time.perf_counter()
            for n in range(trace.counted + 1, counted + 1):
                trace.shown[n] = now
            trace.counted = max(trace.counted, counted)
            if trace.counted >= total:
                trace.all_in.set()


async def answer(ws: ClientConnection, poll: Poll, value: str) -> None:
    answer_id = str(uuid.uuid4())
    await ws.send(
        json.dumps({"type": "answer", "id": answer_id, "question": poll.question, "value": value})
    )
    while True:
        reply = json.loads(await asyncio.wait_for(ws.recv(), MESSAGE_TIMEOUT))
        if reply.get("id") == answer_id:
            if reply.get("status") != "accepted":
                raise BenchError(f"an answer was not accepted: {reply}")
            return


async def one_run(base: str, port: int, token: str, workers: int, args: Any) -> dict[str, Any]:
    poll = create_poll(base, token)
    url = f"ws://{HOST}:{port}/ws/present/{poll.session_id}"
    presenter = await open_socket(url, {"Authorization": f"Bearer {token}"})
    avoid = worker_of(presenter) if workers > 1 else None
    phones = await phones_away_from(base, port, poll, avoid, args.answers)
    trace = Trace()
    follower = asyncio.create_task(follow(presenter, poll, trace, args.answers))
    try:
        acks = []
        for n, ws in enumerate(phones):
            trace.sent.append(time.perf_counter())
            acks.append(asyncio.create_task(answer(ws, poll, poll.options[n % len(poll.options)])))
            await asyncio.sleep(args.gap_ms / 1000)
        await asyncio.gather(*acks)
        await asyncio.wait_for(trace.all_in.wait(), 30)
    finally:
        follower.cancel()
        await asyncio.gather(*(ws.close() for ws in [presenter, *phones]))
    latencies = trace.latencies()
    return {
        "workers": workers,
        "answers": args.answers,
        "presenter_on_other_worker": workers > 1,
        "p50_ms": percentile_ms(latencies, 50),
        "p99_ms": percentile_ms(latencies, 99),
        "max_ms": percentile_ms(latencies, 100),
    }


def measure(workers: int, args: Any, tmp: str) -> dict[str, Any]:
    redis_bin = shutil.which("redis-server")
    if redis_bin is None:
        raise BenchError("redis-server is missing (apt-get install redis-server)")
    redis_port, port = free_ports(2)
    token = secrets.token_urlsafe(32)
    base = f"http://{HOST}:{port}"
    redis_argv = [redis_bin, "--port", str(redis_port), "--save", "", "--appendonly", "no"]
    server_argv = [sys.executable, "-m", "server", "serve", "--port", str(port)]
    server_argv += ["--workers", str(workers), "--redis", f"redis://{HOST}:{redis_port}/0"]
    server_argv += ["--database", f"sqlite:///{tmp}/fanout-{workers}.db"]
    server_argv += ["--joins-per-minute", "1000000", "--code-misses", "1000000"]
    full_env = {**os.environ, "TRIFECTA_ADMIN_TOKEN": token, "PYTHONPATH": str(ROOT)}
    logs = Path(tmp, f"redis-{workers}.log"), Path(tmp, f"trifecta-{workers}.log")
    try:
        with (
            running(redis_argv, full_env, tmp, logs[0]) as redis,
            running(server_argv, full_env, tmp, logs[1]) as server,
        ):
            wait_ready("redis", redis, lambda: accepts_tcp(redis_port))
            wait_ready("trifecta", server, lambda: http("GET", f"{base}/healthz").status == 200)
            result = run_async(one_run(base, port, token, workers, args))
            expect(http("GET", f"{base}/healthz"), "health after the run", 200)
            return result
    except (BenchError, OSError, TimeoutError) as e:
        raise BenchError(f"{e!r}\n--- trifecta\n{log_tail(logs[1], token)}") from e


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--answers", type=int, default=300)
    parser.add_argument("--gap-ms", type=float, default=20.0)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for workers in args.workers:
                rows.append(measure(workers, args, tmp))
    except BenchError as e:
        print(f"fanout benchmark could not run: {e}", file=sys.stderr)
        return 2
    print(f"{'workers':>7} {'answers':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for row in rows:
        print(
            f"{row['workers']:>7} {row['answers']:>7} {row['p50_ms']:>8} "
            f"{row['p99_ms']:>8} {row['max_ms']:>8}"
        )
    out = args.out or ROOT / "bench" / "results" / f"fanout-{git_sha()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    report = {"benchmark": "fanout", "gap_ms": args.gap_ms, "machine": machine(), "runs": rows}
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
