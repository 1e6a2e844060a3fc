"""The benchmark command still runs end to end; its numbers are not judged here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_runs_paired_rounds_with_a_presenter_and_writes_its_report(tmp_path: Path) -> None:
    out = tmp_path / "answers.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.answers",
            "--clients",
            "8",
            "--answers",
            "3",
            "--warmup",
            "1",
            "--rounds",
            "2",
            "--presenter",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(out.read_text())
    assert report["parameters"]["rounds"] == 2
    assert len(report["ratios"]) == 2 and report["ratio"] > 0
    assert report["trifecta"]["statuses"] == {"accepted": 2 * 8 * 3}
    assert report["echo"]["errors"] == {} and report["trifecta"]["errors"] == {}
    assert report["results_check"]["passed"]
    assert len(report["results_check"]["rounds"]) == 2
    for check in report["results_check"]["rounds"]:  # the live screen showed every answer
        assert check["presenter_caught_up"] and check["presenter_messages"] >= 1
    assert "median of 2 rounds" in result.stdout


def test_the_fanout_bench_times_answers_across_two_workers(tmp_path: Path) -> None:
    out = tmp_path / "fanout.json"
    argv = ["--workers", "1", "2", "--answers", "12", "--gap-ms", "5", "--out", str(out)]
    result = subprocess.run(
        [sys.executable, "-m", "bench.fanout", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    runs = json.loads(out.read_text())["runs"]
    assert [(r["workers"], r["presenter_on_other_worker"]) for r in runs] == [(1, False), (2, True)]
    for run in runs:
        assert 0 < run["p50_ms"] <= run["p99_ms"] <= run["max_ms"]


def test_the_answers_bench_runs_on_postgresql(tmp_path: Path) -> None:
    out = tmp_path / "answers-pg.json"
    argv = ["--store", "postgresql", "--clients", "6", "--answers", "2", "--warmup", "1"]
    result = subprocess.run(
        [sys.executable, "-m", "bench.answers", *argv, "--rounds", "1", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(out.read_text())
    assert report["parameters"]["store"] == "postgresql"
    assert report["trifecta"]["statuses"] == {"accepted": 6 * 2}
    assert report["results_check"]["passed"]
