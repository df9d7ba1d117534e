"""Grade a whole class: N submissions built by varying the real sample, through ``grade_paths``.

The class (deterministic for a seed) varies the sample submission the way a class does:

* notation: ``^T`` / ``^\\top`` / ``^{\\top}`` / ``^{\\mathsf T}``, ``\\hat{w}`` for ``w^*``,
  ``\\|w\\|^2`` vs ``w^T w``, the push-through form ``X^T (X X^T + 2 n \\lambda I)^{-1} t``;
* planted mistakes: a known mistake of the key as the final answer of a math question;
* missing parts: a question's block dropped;
* Q2 in other words (and sometimes the wrong option);
* label styles: ``1.2.2``, ``Q1.2.2``, ``**1.2.2**``, ``## 1.2.2``.

Each submission carries its expected verdicts, so the run also reports agreement with them.

Printed: submissions/s, total time, p50/p99 per-submission latency (file read → last verdict),
peak memory of the parent and of the largest worker (``ru_maxrss``), the verdict distribution,
distinct question tasks judged, and disagreements with the planted labels.  Figures are printed,
never asserted: this is a measurement, not a test.  Goal: 1,000 submissions in ≤ 60 s on 2 cores.

    python benchmarks/class_benchmark.py --n 1000 --jobs 2

Both runs are printed by default, with identical (question, block) pairs judged once
(``dedupe=on``) and every time (``dedupe=off``, the honest per-submission cost); ``--no-dedupe``
or ``--dedupe-only`` runs one of them.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from checker.config import Budget, GradeConfig
from checker.key import Key, load_key
from checker.read.extract import extract
from checker.run.grade import grade_paths

SAMPLE = Path(__file__).resolve().parent.parent / "answers" / "hw3" / "samples" / "sample-submission.md"

# The sample's final lines, as written, and where a planted answer goes instead.
FINAL_LINES = {
    "1.1.2": ("$$\\therefore f(x'; w) = w^T x' = w^T (x - \\epsilon w)$$", "$$\\therefore f(x'; w) = {}$$"),
    "1.2.2": ("$$\\therefore w^* = (X^T X + 2\\lambda n I)^{-1} X^T t$$", "$$\\therefore w^* = {}$$"),
    "1.2.3": (
        "$$\\epsilon = \\frac{x}{w^*} = \\frac{x (X^2 + 2\\lambda n)}{X t}$$",
        "$$\\epsilon = \\frac{{x}}{{w^*}} = {}$$",
    ),
    "3.2": ("$$\\therefore \\sigma = \\sqrt{\\frac{1-p}{p}}$$", "$$\\therefore \\sigma = {}$$"),
}
RIGHT_FORMS = {
    "1.1.2": ["w^T x - \\epsilon \\|w\\|^2", "w^T x - \\epsilon w^T w", "w^T (x - \\epsilon w)"],
    "1.2.2": [
        "(X^T X + 2\\lambda n I)^{-1} X^T t",
        "X^T (X X^T + 2 n \\lambda I)^{-1} t",
        "(X^{\\top} X + 2 n \\lambda I)^{-1} X^{\\top} t",
    ],
    "1.2.3": ["\\frac{x (X^2 + 2\\lambda n)}{X t}", "\\frac{x (X^T X + 2 n \\lambda)}{X^T t}"],
    "3.2": ["\\sqrt{\\frac{1-p}{p}}", "\\sqrt{\\frac{1}{p} - 1}", "\\frac{\\sqrt{1-p}}{\\sqrt{p}}"],
}
TRANSPOSES = ["^T", "^\\top", "^{\\top}", "^{\\mathsf T}"]
_S211 = (
    "AS batch size increases, so does optimal learning rate.\n"
    "The larger the batch size, the less the gradient noise dominates.\n"
    "Thus, with larger batch size, we can converge with fewer steps\n"
    " \\therefore optimal learning rate increases."
)
_S22 = "Thus, the best option is to increase model size since larger models lead to steeper decrease"
Q2 = {
    "2.1.1": (
        _S211,
        [("The optimal learning rate goes up as the batch grows.", "correct"),
         ("With a bigger batch the best learning rate is higher.", "correct"),
         ("The optimal learning rate decreases with batch size.", "incorrect")],
    ),
    "2.2": (
        _S22,
        [("So the best option is to train a larger model, since bigger models lead to steeper decrease", "correct"),
         ("Thus, I would scale up the model, as that leads to a steeper decrease", "correct"),
         ("Thus, the best option is to train longer with more steps, which leads to a decrease", "incorrect")],
    ),
}  # fmt: skip
LABEL_STYLES = ["{}", "Q{}", "**{}**", "## {}"]


@dataclass(frozen=True)
class Planted:
    text: str
    expected: dict[str, str]  # question id → expected verdict


def build_class(n: int, key: Key, seed: int) -> list[Planted]:
    """N varied submissions with their expected verdicts."""
    sample = SAMPLE.read_text(encoding="utf-8")
    rng = random.Random(seed)
    out: list[Planted] = []
    for _ in range(n):
        text = sample
        expected = {q.id: "correct" for q in key.graded}
        planted: dict[str, str] = {}
        for qid, (line, template) in FINAL_LINES.items():
            roll = rng.random()
            if roll < 0.25:
                mistake = rng.choice(key.question(qid).mistakes)
                text = text.replace(line, template.format(mistake.answer))
                planted[qid] = mistake.tag
                # 1.2.3 built on the same slip in 1.2.2 earns follow-through credit.
                follows = qid == "1.2.3" and planted.get("1.2.2") == mistake.tag
                expected[qid] = "correct" if follows else "incorrect"
            elif roll < 0.6:
                text = text.replace(line, template.format(rng.choice(RIGHT_FORMS[qid])))
        transpose = rng.choice(TRANSPOSES)
        if transpose != "^T":
            text = text.replace("X^T", "X" + transpose).replace("w^T", "w" + transpose)
        if rng.random() < 0.2:
            text = text.replace("w^*", "\\hat{w}").replace("w^{*T}", "\\hat{w}^T")
        for marker, (original, alternatives) in Q2.items():
            assert original in text, marker
            if rng.random() < 0.5:
                wording, verdict = rng.choice(alternatives)
                text = text.replace(original, wording)
                expected[marker] = verdict
        style = rng.choice(LABEL_STYLES)
        if style != "{}":
            for label in ("3.2 From", "2.2. Figure"):
                qid, rest = label.split(" ", 1)
                text = text.replace(label, style.format(qid.rstrip(".")) + " " + rest)
        if rng.random() < 0.1:
            text = text[: text.index("Q3:")]  # ran out of time: no 3.2
            expected["3.2"] = "missing"
        out.append(Planted(text, expected))
    return out


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=1000, help="submissions in the class (default 1000)")
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: cores)"
    )
    parser.add_argument("--seed", type=int, default=3, help="seed of the variations")
    parser.add_argument("--timeout", type=float, default=Budget().seconds, help="seconds per question")
    sharing = parser.add_mutually_exclusive_group()
    sharing.add_argument(
        "--no-dedupe", action="store_true", help="only the run that judges identical questions every time"
    )
    sharing.add_argument(
        "--dedupe-only", action="store_true", help="only the run that judges identical questions once"
    )
    args = parser.parse_args(argv)

    key = load_key()
    planted = build_class(args.n, key, args.seed)
    # How much a run can share: distinct (question, block) pairs among all the answers.
    distinct = {(b.id, b.text) for p in planted for b in extract(p.text, key).blocks}
    config = GradeConfig(budget=Budget(seconds=args.timeout), jobs=args.jobs)
    # By default both figures are printed: sharing identical answers flatters a synthetic class.
    modes = [False] if args.no_dedupe else [True] if args.dedupe_only else [True, False]
    for dedupe in modes:
        _run(args, key, planted, distinct, config, dedupe=dedupe)
    return 0


def _run(
    args: argparse.Namespace,
    key: Key,
    planted: list[Planted],
    distinct: set[tuple[str, str]],
    config: GradeConfig,
    *,
    dedupe: bool,
) -> None:
    latencies: list[float] = []
    verdicts: Counter[str] = Counter()
    disagreements: Counter[tuple[str, str, str]] = Counter()
    with tempfile.TemporaryDirectory(prefix="derivcheck-class-") as tmp:
        paths = []
        expected = {}
        for i, sub in enumerate(planted):
            path = os.path.join(tmp, f"student{i:05d}.md")
            Path(path).write_text(sub.text, encoding="utf-8")
            paths.append(path)
            expected[path] = sub.expected
        start = time.perf_counter()
        graded = 0
        for result in grade_paths(
            paths, key, config=config, dedupe=dedupe, timing=lambda _n, s: latencies.append(s)
        ):
            graded += 1
            for v in result.questions:
                verdicts[v.verdict] += 1
                want = expected[result.submission][v.question]
                if v.verdict != want:
                    disagreements[(v.question, want, v.verdict)] += 1
        total = time.perf_counter() - start
    parent_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    questions = sum(verdicts.values())
    print(f"class benchmark: {graded} submissions × {len(key.graded)} questions, jobs={args.jobs}, "
          f"dedupe={'on' if dedupe else 'off'}, timeout={args.timeout:g}s")  # fmt: skip
    print(f"  total time          {total:8.2f} s")
    print(f"  throughput          {graded / total:8.1f} submissions/s")
    print(f"  latency p50 / p99   {_percentile(latencies, 50):8.3f} s / {_percentile(latencies, 99):.3f} s")
    print(f"  peak memory         parent {parent_mb:.0f} MiB, largest worker {worker_mb:.0f} MiB")
    print(
        "  verdicts            "
        + ", ".join(f"{k} {v} ({100 * v / questions:.1f}%)" for k, v in verdicts.most_common())
    )
    print(f"  distinct answers    {len(distinct)} (question, block) pairs among {questions} questions")
    agree = questions - sum(disagreements.values())
    print(f"  agreement with planted labels: {agree}/{questions} ({100 * agree / max(1, questions):.2f}%)")
    for (qid, want, got), count in disagreements.most_common(8):
        print(f"    {qid}: expected {want}, got {got} × {count}")
    if graded >= 1000:
        print(f"  goal: 1,000 in ≤ 60 s on 2 cores → {'met' if total <= 60 * graded / 1000 else 'not met'}")
    else:
        print("  goal: 1,000 in ≤ 60 s on 2 cores → run with --n 1000 (a small class is mostly warm-up)")


if __name__ == "__main__":
    sys.exit(main())
