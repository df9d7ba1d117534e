"""Soak test: grade a class while killing the run and its workers at random, then check nothing was lost.

A class of submissions is generated from the bundled sample and mutations of it (planted known
mistakes, wrong answers, notation variants, dropped questions, unreadable files) into a
temporary folder.  It is graded once undisturbed (the baseline), then again into another file
with ``--resume`` while the parent process or one of its workers is sent SIGKILL, SIGTERM or
SIGINT at random moments; after each kill the run is restarted with ``--resume``.  When the
kills are spent the run is left to finish, and one last ``--resume`` grades again whatever
ended as an ``error`` (a worker killed twice on one question).

Then the output must hold every submission exactly once, every line whole JSON, and per
submission the same verdicts and scores as the baseline.  Prints a summary; exit status 1 on
any loss, duplicate, corrupt line or mismatch.

    python benchmarks/soak.py --n 200 --kills 12 --jobs 2
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "answers" / "hw3" / "samples" / "sample-submission.md"

# (old, new) replacements on the sample: each submission applies a random few.
MUTATIONS = [
    (r"(X^T X + 2\lambda n I)^{-1}", r"(X^T X + \lambda n I)^{-1}"),  # known mistake, partial credit
    (r"\sqrt{\frac{1-p}{p}}", r"\frac{1-p}{p}"),  # sigma squared for sigma
    ("^T", "^\\top"),  # notation only
    (r"2\lambda n", r"2 n \lambda"),  # notation only
    (r"\epsilon w", r"2 \epsilon w"),  # wrong
    ("increases", "decreases"),  # wrong choice
]


def generate(folder: Path, n: int, rng: random.Random) -> list[Path]:
    """Write ``n`` submissions: the sample with random mutations, a few dropped questions, a few unreadable."""
    text = SAMPLE.read_text(encoding="utf-8")
    paths = []
    for i in range(n):
        path = folder / f"student-{i:04d}.md"
        roll = rng.random()
        if roll < 0.02:
            path.write_bytes(b"\x00binary upload\x01")
        elif roll < 0.05:
            path.write_text("", encoding="utf-8")
        else:
            body = text
            for old, new in rng.sample(MUTATIONS, rng.randint(0, 3)):
                body = body.replace(old, new)
            # A distinct coefficient per student keeps many answers distinct (no dedupe).
            body = body.replace(r"\epsilon \|w\|", rf"{rng.randint(1, 40)} \epsilon \|w\|", 1)
            path.write_text(body, encoding="utf-8")
        paths.append(path)
    return paths


def command(folder: Path, out: Path, jobs: int, timeout: float) -> list[str]:
    return [
        sys.executable,
        "-m",
        "checker.cli",
        "grade",
        str(folder),
        "--format",
        "json",
        "--out",
        str(out),
        "--resume",
        "--jobs",
        str(jobs),
        "--timeout",
        str(timeout),
    ]


def children(pid: int) -> list[int]:
    """The worker processes of ``pid`` (Linux /proc)."""
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as fh:
                found += [int(c) for c in fh.read().split()]
    except OSError:
        pass
    return found


def read_output(path: Path) -> tuple[dict[str, list[dict[str, Any]]], int]:
    """Records by submission identity, and the count of lines that are not whole JSON objects."""
    records: dict[str, list[dict[str, Any]]] = {}
    corrupt = 0
    if not path.exists():
        return records, 0
    for line in path.read_bytes().split(b"\n"):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            corrupt += 1
            continue
        records.setdefault(obj.get("path") or os.path.realpath(obj["submission"]), []).append(obj)
    return records, corrupt


def verdicts(record: dict[str, Any]) -> list[tuple[str, str, float]]:
    return [(q["question"], q["verdict"], q["score"]) for q in record["questions"]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="submissions in the class (default 200)")
    parser.add_argument("--kills", type=int, default=10, help="signals sent before letting a run finish")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=20.0, help="per-answer budget (generous: no flakes)")
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument(
        "--max-delay",
        type=float,
        default=None,
        help="longest wait before a kill (default: 1 s + 0.3 x the baseline run x the share left)",
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory(prefix="derivcheck-soak-") as tmp:
        base = Path(tmp)
        folder = base / "class"
        folder.mkdir()
        paths = generate(folder, args.n, rng)
        expected = {os.path.realpath(p) for p in paths}

        started = time.monotonic()
        baseline_out = base / "baseline.jsonl"
        subprocess.run(
            command(folder, baseline_out, args.jobs, args.timeout), env=env, check=True, capture_output=True
        )
        baseline_seconds = time.monotonic() - started
        baseline, _ = read_output(baseline_out)

        out = base / "soak.jsonl"
        sent: dict[str, int] = {}
        runs = 0
        started = time.monotonic()
        proc: subprocess.Popen[bytes] | None = None
        while sum(sent.values()) < args.kills and runs < 4 * args.kills:
            done_so_far = len(read_output(out)[0])
            if proc is None or proc.poll() is not None:
                if done_so_far >= len(expected):
                    break  # finished between kills: the rest of the kills would hit nothing
                runs += 1
                proc = subprocess.Popen(
                    command(folder, out, args.jobs, args.timeout),
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            # Start-up (imports, the key) takes about a second; then the work left, as a share
            # of the baseline run: kills land while there is still grading to interrupt.
            left = 1 - done_so_far / len(expected)
            longest = args.max_delay if args.max_delay is not None else 1.0 + 0.3 * baseline_seconds * left
            deadline = time.monotonic() + rng.uniform(0.3, max(0.4, longest))
            while time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.05)
            if proc.poll() is not None:
                continue  # finished before the kill
            target, pid = "parent", proc.pid
            workers = children(proc.pid)
            if workers and rng.random() < 0.6:
                target, pid = "worker", rng.choice(workers)
            # A worker ignores SIGINT (Ctrl-C is the parent's): it gets SIGKILL or SIGTERM.
            signals = [signal.SIGKILL, signal.SIGTERM] + ([signal.SIGINT] if target == "parent" else [])
            sig = rng.choice(signals)
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                continue
            name = f"{sig.name} {target}"
            sent[name] = sent.get(name, 0) + 1
            if target == "parent":
                proc.wait(timeout=120)  # then a new run resumes; a killed worker's run goes on
        if proc is not None:
            proc.wait(timeout=600)
        for _ in range(2):  # undisturbed: finish, then regrade any error a double kill left
            runs += 1
            subprocess.run(
                command(folder, out, args.jobs, args.timeout), env=env, check=False, capture_output=True
            )
        soak_seconds = time.monotonic() - started

        got, corrupt = read_output(out)
        lost = sorted(expected - set(got))
        duplicated = sorted(k for k, v in got.items() if len(v) > 1)
        extra = sorted(set(got) - expected)
        mismatched = sorted(
            k for k in expected & set(got) & set(baseline) if verdicts(got[k][0]) != verdicts(baseline[k][0])
        )
        baseline_missing = sorted(expected - set(baseline))
        print(f"class: {args.n} submissions, jobs={args.jobs}, seed={args.seed}")
        print(f"baseline: {len(baseline)} records in {baseline_seconds:.1f} s")
        print(
            f"soak: {runs} runs, signals sent: "
            + (", ".join(f"{k} x{v}" for k, v in sorted(sent.items())) or "none")
        )
        print(f"soak: {sum(len(v) for v in got.values())} records in {soak_seconds:.1f} s")
        print(
            f"lost {len(lost)}, duplicated {len(duplicated)}, corrupt lines {corrupt}, unknown {len(extra)}, "
            f"verdicts differing from the baseline {len(mismatched)}, baseline incomplete {len(baseline_missing)}"
        )
        for label, items in (("lost", lost), ("duplicated", duplicated), ("mismatched", mismatched)):
            for item in items[:5]:
                print(f"  {label}: {item}")
        bad = lost or duplicated or corrupt or extra or mismatched or baseline_missing
        print(
            "FAIL" if bad else "OK: every submission exactly once, verdicts identical to the undisturbed run"
        )
        return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
