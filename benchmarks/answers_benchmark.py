"""Throughput, latency, memory and accuracy of answer checking, beside math-verify on the same answers.

What it measures, on three corpora of N labelled answers (``benchmarks/corpus.py``,
``benchmarks/corpus_indexed.py``):

* ``notation``: distinct answer texts written the ways a class writes them (transpose styles,
  brackets, hats, term order) with the mistakes TAs see; a few dozen expressions, many spellings.
* ``distinct``: every answer a different expression (a right answer scaled by a factor that
  cancels only algebraically; a wrong one with one coefficient off), so nothing learned from one
  answer helps with the next: the worst case for any memo.
* ``indexed``: index notation, sums and expectations (3.1's expected dropout loss, 1.2.3 with
  sums for Xᵀt and XᵀX), right and wrong, the ways students write them.

On each:

* derivcheck, warm process: one answer at a time through ``checker.judge.answer.judge`` after warm-up:
  answers/s, p50/p90/p99 latency, peak RSS.
* derivcheck, whole process: ``derivcheck check --batch`` as a fresh process (start-up, key load,
  budgeted worker processes included), with ``--jobs 1`` and with the CLI's default (one worker
  per core): answers/s and peak RSS of the process tree.
* math-verify (the peer), whole process, when available: ``parse`` + ``verify`` of every answer
  against the key's reference, in its own interpreter (it has no parallel mode), with its
  per-answer latency.
* each whole process runs ``--repeat`` times (default 3), in rounds (every derivcheck run, then
  math-verify): the median run is shown with the range, and the ratio is the median of the
  rounds' ratios (the machine's speed drifts over minutes; a ratio within a round does not).
* accuracy of each against the labels, with false accepts (a wrong answer graded right) counted apart.

math-verify pins an antlr runtime that latex2sympy2 (our test oracle) cannot share, so it lives in its
own virtual environment::

    python3 -m venv /tmp/mv && /tmp/mv/bin/pip install "math-verify>=0.7"
    python benchmarks/answers_benchmark.py --peer-python /tmp/mv/bin/python

Figures are printed, never asserted: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import Item, build_corpus, build_distinct_corpus, write_jsonl
from corpus_indexed import build_indexed_corpus

# The peer's driver, run in the peer's interpreter: reads the corpus and the references, prints one
# JSON line per answer with its verdict and latency.
_PEER_DRIVER = r"""
import json, sys, time
from math_verify import parse, verify
refs = json.loads(sys.argv[2])
gold = {q: parse("$" + r + "$") for q, r in refs.items()}
with open(sys.argv[1], encoding="utf-8") as fh:
    for line in fh:
        rec = json.loads(line)
        t0 = time.perf_counter()
        try:
            ok = bool(verify(gold[rec["question"]], parse("$" + rec["answer"] + "$")))
        except Exception:
            ok = False
        print(json.dumps({"id": rec["id"], "ok": ok, "s": time.perf_counter() - t0}), flush=True)
"""


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def _accuracy(items: list[Item], graded_right: list[bool]) -> tuple[float, int, int]:
    right = sum(it.correct == g for it, g in zip(items, graded_right, strict=True))
    false_accepts = sum((not it.correct) and g for it, g in zip(items, graded_right, strict=True))
    false_rejects = sum(it.correct and not g for it, g in zip(items, graded_right, strict=True))
    return right / len(items), false_accepts, false_rejects


def _maxrss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def bench_warm(items: list[Item]) -> dict[str, object]:
    """derivcheck in this process, one answer at a time, after a warm-up pass over each question."""
    from checker.config import EquivalenceConfig
    from checker.judge.answer import judge
    from checker.key import load_key

    key = load_key()
    config = EquivalenceConfig()
    for q in {it.question for it in items}:  # warm: parser tables, key side caches
        judge(key.question(q), key.question(q).reference, config=config, key=key)
    latencies: list[float] = []
    verdicts: list[str] = []
    right: list[bool] = []
    start = time.perf_counter()
    for it in items:
        t0 = time.perf_counter()
        verdict = judge(key.question(it.question), it.answer, config=config, key=key)
        latencies.append(time.perf_counter() - t0)
        verdicts.append(verdict.verdict)
        right.append(formula_right(verdict.verdict, verdict.answer_note))
    total = time.perf_counter() - start
    acc, fa, fr = _accuracy(items, right)
    return {
        "answers/s": len(items) / total,
        "p50 ms": 1000 * _percentile(latencies, 50),
        "p90 ms": 1000 * _percentile(latencies, 90),
        "p99 ms": 1000 * _percentile(latencies, 99),
        "max ms": 1000 * max(latencies),
        "peak MB": _maxrss_mb(resource.RUSAGE_SELF),
        "accuracy": acc,
        "false accepts": fa,
        "false rejects": fr,
        "verdicts": {v: verdicts.count(v) for v in sorted(set(verdicts))},
    }


def formula_right(verdict: str, note: str | None) -> bool:
    """The corpus labels formulas: right is ``correct``, or a right formula whose claim (1.2.3's
    "more robust", read from the question's prose) a one-line answer does not state."""
    return verdict == "correct" or (verdict == "needs_review" and note == "undecided_claim")


def bench_process(corpus_path: str, items: list[Item], jobs: int) -> dict[str, object]:
    """``derivcheck check --batch`` as one fresh process."""
    cmd = [
        sys.executable,
        "-m",
        "checker.cli",
        "check",
        "--batch",
        corpus_path,
        "--format",
        "json",
        "--jobs",
        str(jobs),
    ]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    total = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"derivcheck failed with exit {proc.returncode}:\n{proc.stderr[-2000:]}")
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    by_id = {row["id"]: row for row in rows}
    acc, fa, fr = _accuracy(
        items, [formula_right(by_id[i]["verdict"], by_id[i]["answer_note"]) for i in range(len(items))]
    )
    return {
        "answers/s": len(items) / total,
        "wall s": total,
        "peak MB": _maxrss_mb(resource.RUSAGE_CHILDREN),
        "accuracy": acc,
        "false accepts": fa,
        "false rejects": fr,
    }


def bench_peer(python: str, corpus_path: str, items: list[Item]) -> dict[str, object] | None:
    """math-verify as one fresh process in its own interpreter, on the same answers."""
    from checker.key import load_key

    key = load_key(validate_latex=False)  # only the reference strings are needed here
    refs = {q.id: q.reference for q in key.questions if q.kind != "choice"}
    before = _maxrss_mb(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        [python, "-c", _PEER_DRIVER, corpus_path, json.dumps(refs)],
        capture_output=True,
        text=True,
        check=False,
    )
    total = time.perf_counter() - start
    if proc.returncode != 0:
        print(f"math-verify run failed (exit {proc.returncode}): {proc.stderr[-500:]}", file=sys.stderr)
        return None
    rows = {
        r["id"]: r for r in (json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{"))
    }
    latencies = [rows[i]["s"] for i in range(len(items))]
    acc, fa, fr = _accuracy(items, [rows[i]["ok"] for i in range(len(items))])
    return {
        "answers/s": len(items) / total,
        "wall s": total,
        "p50 ms": 1000 * _percentile(latencies, 50),
        "p99 ms": 1000 * _percentile(latencies, 99),
        "peak MB": max(before, _maxrss_mb(resource.RUSAGE_CHILDREN)),
        "accuracy": acc,
        "false accepts": fa,
        "false rejects": fr,
    }


def _peer_python(flag: str | None) -> str | None:
    if flag:
        return flag
    probe = subprocess.run([sys.executable, "-c", "import math_verify"], capture_output=True, check=False)
    return sys.executable if probe.returncode == 0 else None


def _median_run(runs: list[dict[str, object] | None]) -> dict[str, object] | None:
    """The median of repeated whole-process runs, with the wall-clock range beside it.

    Single runs of a whole process vary by ±10 % on a busy 2-core machine, so one run decides
    nothing; the median run is reported and the wall-clock range beside it.
    """
    done = [r for r in runs if r is not None]
    if not done:
        return None
    done.sort(key=lambda r: float(r["wall s"]))  # type: ignore[arg-type]
    median = dict(done[len(done) // 2])
    walls = [float(r["wall s"]) for r in done]  # type: ignore[arg-type]
    median["wall s range"] = f"{min(walls):.3f}-{max(walls):.3f} over {len(done)} runs"
    return median


def _compile_bytecode() -> str:
    """Compile derivcheck's modules to bytecode, as a wheel install does; say what was done.

    An editable install under ``PYTHONDONTWRITEBYTECODE=1`` never writes bytecode, so every fresh
    process would compile ~40 modules from source (≈40 ms) that an installed copy loads as bytecode.
    """
    import checker  # the package under test, found where the venv finds it

    folder = Path(checker.__file__).resolve().parent
    compileall.compile_dir(str(folder), quiet=1)
    return f"bytecode compiled for {folder}"


CORPORA = {"notation": build_corpus, "distinct": build_distinct_corpus, "indexed": build_indexed_corpus}


def _show(name: str, figures: dict[str, object] | None) -> None:
    if figures is None:
        print(f"\n{name}: not run (math-verify not installed; see --peer-python)")
        return
    print(f"\n{name}")
    for k, v in figures.items():
        print(f"  {k:>14}: {v:.3f}" if isinstance(v, float) else f"  {k:>14}: {v}")


def run_corpus(name: str, items: list[Item], args: argparse.Namespace, peer_python: str | None) -> None:
    """Every measurement on one corpus, printed as it is made."""
    repeat = max(1, args.repeat)
    print(
        f"\n=== corpus {name}: {len(items)} answers ({sum(it.correct for it in items)} right), "
        f"questions {sorted({it.question for it in items})}, {os.cpu_count()} cores"
    )
    # Rounds, each running every derivcheck configuration and then the peer: the machine's speed
    # drifts over minutes, so a ratio is taken within a round (pair by pair) and the median of
    # the rounds' ratios is printed, as farm-bench does.
    rounds: list[tuple[dict[int, dict[str, object]], dict[str, object] | None]] = []
    with tempfile.TemporaryDirectory() as tmp:
        corpus_path = os.path.join(tmp, "answers.jsonl")
        write_jsonl(items, corpus_path)
        for _ in range(repeat):
            ours = {jobs: bench_process(corpus_path, items, jobs) for jobs in args.jobs}
            rounds.append((ours, bench_peer(peer_python, corpus_path, items) if peer_python else None))
    processes = {jobs: _median_run([ours[jobs] for ours, _ in rounds]) for jobs in args.jobs}
    peer = _median_run([theirs for _, theirs in rounds]) if peer_python else None
    _show("derivcheck, warm process (in-process judge, one answer at a time)", bench_warm(items))
    for jobs, process in processes.items():
        _show(
            f"derivcheck, whole process (check --batch, --jobs {jobs}, budgeted workers; median run)", process
        )
    _show(
        "math-verify, whole process (parse + verify, one process: it has no parallel mode; median run)", peer
    )
    if peer:
        print(
            f"\nwhole-process throughput on {name}, derivcheck / math-verify (median of the rounds' ratios):"
        )
        for jobs in processes:
            ratios = sorted(
                float(theirs["wall s"]) / float(ours[jobs]["wall s"])  # type: ignore[arg-type]
                for ours, theirs in rounds
                if theirs is not None
            )
            median = ratios[len(ratios) // 2]
            print(f"  --jobs {jobs}: {median:.1f}x (rounds {ratios[0]:.1f}x-{ratios[-1]:.1f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="answers per corpus (default 1000)")
    parser.add_argument(
        "--corpus",
        choices=[*CORPORA, "both", "all"],
        default="all",
        help="which corpus: one, both (notation and distinct) or all (default)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        nargs="+",
        default=sorted({1, os.cpu_count() or 1}),
        help="worker processes for the whole-process runs (default: 1 and the cores, the CLI's default)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each whole process (default 3)")
    parser.add_argument(
        "--peer-python", help="interpreter with math-verify installed (default: this one, if it has it)"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    print(_compile_bytecode())
    peer_python = _peer_python(args.peer_python)
    for name, build in CORPORA.items():
        if args.corpus in (name, "all") or (args.corpus == "both" and name != "indexed"):
            run_corpus(name, build(args.n, seed=args.seed), args, peer_python)


if __name__ == "__main__":
    main()
