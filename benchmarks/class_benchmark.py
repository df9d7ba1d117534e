"""Grade a whole class: N submissions built by varying the real sample, through ``grade_paths``.

The class (deterministic for a seed) varies the sample submission the way a class does:

* notation: ``^T`` / ``^\\top`` / ``^{\\top}`` / ``^{\\mathsf T}``, ``\\hat{w}`` for ``w^*``,
  ``\\|w\\|^2`` vs ``w^T w``, the push-through form ``X^T (X X^T + 2 n \\lambda I)^{-1} t``;
* planted mistakes: a known mistake of the key as the final answer of a math question;
* missing parts: a question's block dropped;
* Q2 in other words (and sometimes the wrong option);
* label styles: ``1.2.2``, ``Q1.2.2``, ``**1.2.2**``, ``## 1.2.2``;
* formats, as a class hands them in: Markdown, an e-mail (headers, a quoted TA message, a
  signature), LaTeX source (a preamble with macros, ``%`` comments, ``\\section*`` labels), a
  Jupyter notebook (one markdown cell per paragraph, code cells with outputs between), and the
  PDF fixtures of ``tests/read/data`` (a text layer, and a scan without one) with the TA's verdicts.

Each submission carries its expected verdicts, so the run also reports agreement with them.

The split between reading and judging is printed: reading every file and splitting it into
question blocks (the parent's work, measured in a pass of its own over the same files) against
the whole run's wall time.

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
import json
import os
import random
import re
import resource
import sys
import tempfile
import time
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from checker.config import Budget, GradeConfig
from checker.key import Key, load_key
from checker.read import extract, read_document
from checker.run.grade import grade_paths

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "answers" / "hw3" / "samples" / "sample-submission.md"
READ_FIXTURES = ROOT / "tests" / "read" / "data"
FORMATS = (".md", ".txt", ".tex", ".ipynb", ".pdf")

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
    suffix: str = ".md"
    data: bytes | None = None  # the file as handed in, when it is not ``text`` in ``suffix``


def as_email(text: str) -> str:
    """The submission pasted into an e-mail reply: headers, a quoted TA message, a signature."""
    return (
        "From: student <s@example.edu>\nSubject: Re: HW3\n\nHi, my answers:\n\n"
        + text
        + "\n\nThanks\n-- \nA Student\n$$w^* = 0$$\n\nOn Mon, TA wrote:\n> 1.2.2) $$w^* = (X^T X)^{-1} X^T t$$\n> 3.2) $\\sigma = p$\n"
    )


def as_latex(text: str) -> str:
    """The submission typed in Overleaf: macros, comments, sectioning labels."""
    body = re.sub(r"(?m)^#+\s*(.+)$", r"\\section*{\1}", text.replace("%", "\\%"))
    body = re.sub(r"\*\*([^*\n]+)\*\*", r"\\textbf{\1}", body).replace("w^*", "\\wstar ")
    return (
        "\\documentclass{article}\n\\usepackage{amsmath}\n\\newcommand{\\wstar}{w^{*}}\n"
        "\\title{HW3\\\\[4pt] Student}\n\\begin{document}\n\\maketitle\n% $$w^* = 0$$ (first try)\n"
        + body
        + "\n\\end{document}\n"
    )


def as_notebook(text: str) -> str:
    """The submission in a notebook: one markdown cell per paragraph, code cells between."""
    cells: list[dict[str, object]] = []
    for i, paragraph in enumerate(p for p in text.split("\n\n") if p.strip()):
        cells.append({"cell_type": "markdown", "id": f"m{i}", "metadata": {}, "source": paragraph})
        if i % 4 == 3:
            cells.append({
                "cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": i,
                "source": "print('3.2 sigma =', 0.5)",
                "outputs": [{"output_type": "stream", "name": "stdout", "text": "3.2 sigma = 0.5\n"}],
            })  # fmt: skip
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def pdf_fixtures() -> list[tuple[bytes, dict[str, str]]]:
    """The PDF fixtures of the reader tests with the TA's verdicts (a text layer, and a scan)."""
    with (READ_FIXTURES / "expected.toml").open("rb") as fh:
        expected = tomllib.load(fh)
    out = []
    for name, verdicts in expected.items():
        if name.endswith(".pdf"):
            wanted = {q: v if isinstance(v, str) else v["verdict"] for q, v in verdicts.items()}
            out.append(((READ_FIXTURES / name).read_bytes(), wanted))
    return out


def in_format(
    planted: Planted, suffix: str, pdfs: list[tuple[bytes, dict[str, str]]], rng: random.Random
) -> Planted:
    if suffix == ".txt":
        return Planted(as_email(planted.text), planted.expected, suffix)
    if suffix == ".tex":
        return Planted(as_latex(planted.text), planted.expected, suffix)
    if suffix == ".ipynb":
        return Planted(planted.text, planted.expected, suffix, as_notebook(planted.text).encode())
    if suffix == ".pdf" and pdfs:
        data, expected = rng.choice(pdfs)
        return Planted("", expected, suffix, data)
    return planted


def build_class(n: int, key: Key, seed: int, formats: tuple[str, ...] = FORMATS) -> list[Planted]:
    """N varied submissions in a mix of formats with their expected verdicts."""
    sample = SAMPLE.read_text(encoding="utf-8")
    rng = random.Random(seed)
    pdfs = pdf_fixtures() if ".pdf" in formats and READ_FIXTURES.is_dir() else []
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
        out.append(in_format(Planted(text, expected), rng.choice(formats), pdfs, rng))
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
    parser.add_argument(
        "--formats", default=",".join(FORMATS), help=f"suffixes of the mix (default {','.join(FORMATS)})"
    )
    sharing = parser.add_mutually_exclusive_group()
    sharing.add_argument(
        "--no-dedupe", action="store_true", help="only the run that judges identical questions every time"
    )
    sharing.add_argument(
        "--dedupe-only", action="store_true", help="only the run that judges identical questions once"
    )
    args = parser.parse_args(argv)

    key = load_key()
    planted = build_class(args.n, key, args.seed, tuple(args.formats.split(",")))
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
            path = os.path.join(tmp, f"student{i:05d}{sub.suffix}")
            if sub.data is not None:
                Path(path).write_bytes(sub.data)
            else:
                Path(path).write_text(sub.text, encoding="utf-8")
            paths.append(path)
            expected[path] = sub.expected
        # The parent's share: read every file with its reader and split it into blocks.
        read_start = time.process_time()
        for path in paths:
            document = read_document(path)
            if document.unreadable is None:
                extract(document.text, key, locate=document.locate)
        reading = time.process_time() - read_start
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
    mix = Counter(Path(p).suffix for p in paths)
    print("  formats             " + ", ".join(f"{k} {v}" for k, v in sorted(mix.items())))
    print(
        f"  read / judge split  reading + blocks {reading:.2f} s CPU in the parent "
        f"({100 * reading / total:.1f}% of the wall time); judging: the rest, in {args.jobs} workers"
    )
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
