"""How many answers a TA looks at after grading a class, with and without review groups.

The class is the one of ``benchmarks/class_benchmark.py`` (its generator is imported, not
copied): N varied submissions of the sample.  Two classes are graded:

* **generator**: the class as the generator writes it (Q2 in a few wordings);
* **corpus Q2**: the same class with every short answer (2.1.1, 2.1.2a, 2.1.2b, 2.2) drawn
  from ``tests/judge/data/short_answers.jsonl``, the 761 answers a TA labelled, written the
  ways students write (hedges, contradictions, "either", typos).

For each, printed: the answers a TA must decide (``needs_review`` and ``error``), i.e. what a TA
looks at without grouping; the groups of identical text; and the groups ``derivcheck review``
shows (short answers by what was read, math answers by proven equivalence), largest first.
Figures are printed, never asserted.

    python benchmarks/review_benchmark.py --n 1000 --jobs 2
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from class_benchmark import build_class

from checker.config import Budget, GradeConfig
from checker.key import Key, load_key
from checker.run.grade import grade_paths
from checker.run.review import group_items, normalize_answer, review_items
from checker.run.sandbox import WorkerPool

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "judge" / "data" / "short_answers.jsonl"
_Q2 = re.compile(r"Q2: Trading off Resources in Neural Net Training.*?(?=Q3:|\Z)", re.S)


def with_corpus_answers(text: str, rng: random.Random, by_question: dict[str, list[str]]) -> str:
    """The submission with its Q2 section rewritten from the labelled corpus's answers."""

    def pick(qid: str) -> str:
        return " ".join(rng.choice(by_question[qid]).split())  # one line, as the block reader wants

    section = (
        "Q2: Trading off Resources in Neural Net Training\n\n"
        f"2.1.1 {pick('2.1.1')}\n\n"
        f"2.1.2 a) {pick('2.1.2a')}\n\n"
        f"b) {pick('2.1.2b')}\n\n"
        f"2.2. {pick('2.2')}\n\n"
    )
    return _Q2.sub(lambda _m: section, text, count=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=1000, help="submissions in the class (default 1000)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    parser.add_argument("--seed", type=int, default=3, help="seed of the variations")
    parser.add_argument("--timeout", type=float, default=Budget().seconds, help="seconds per question")
    args = parser.parse_args(argv)

    key = load_key()
    planted = [p.text for p in build_class(args.n, key, args.seed)]
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    by_question: dict[str, list[str]] = {}
    for row in rows:
        by_question.setdefault(row["question"], []).append(row["answer"])
    rng = random.Random(args.seed)
    corpus_class = [with_corpus_answers(t, rng, by_question) for t in planted]
    for name, texts in (("generator", planted), ("corpus Q2", corpus_class)):
        _run(name, texts, key, args)
    return 0


def _run(name: str, texts: list[str], key: Key, args: argparse.Namespace) -> None:
    config = GradeConfig(budget=Budget(seconds=args.timeout), jobs=args.jobs)
    with tempfile.TemporaryDirectory(prefix="derivcheck-review-") as tmp:
        paths = []
        for i, text in enumerate(texts):
            path = os.path.join(tmp, f"student{i:05d}.md")
            Path(path).write_text(text, encoding="utf-8")
            paths.append(path)
        start = time.perf_counter()
        graded = [r.to_json() for r in grade_paths(paths, key, config=config)]
        grading = time.perf_counter() - start
    items = review_items(graded)
    start = time.perf_counter()
    with WorkerPool(config.budget, workers=args.jobs, context=key) as pool:
        groups = group_items(items, key, budget=config.budget, pool=pool)
    grouping = time.perf_counter() - start
    kinds = {q.id: ("short" if q.kind == "choice" else "math") for q in key.questions}
    same_text = {
        (i.question, normalize_answer(i.answer or "", kinds.get(i.question, "short"))) for i in items
    }
    verdicts = Counter(i.verdict for i in items)
    answers = sum(len(s["questions"]) for s in graded)
    print(f"review benchmark ({name}): {len(graded)} submissions, {answers} answers, jobs={args.jobs}")
    print(f"  grading {grading:.1f} s, grouping {grouping:.2f} s")
    print(
        f"  answers a TA must decide (no grouping)  {len(items):6d}"
        f"   ({', '.join(f'{k} {v}' for k, v in verdicts.most_common()) or 'none'})"
    )
    print(f"  groups of identical text                {len(same_text):6d}")
    print(f"  groups by meaning (derivcheck review)   {len(groups):6d}")
    if items:
        print(
            f"  a TA looks at {len(groups)} groups instead of {len(items)} answers ({len(items) / max(1, len(groups)):.1f}× fewer)"
        )
    per_question: dict[str, list[int]] = {}
    for g in groups:
        per_question.setdefault(g.question, []).append(g.size)
    for qid, sizes in per_question.items():
        sizes.sort(reverse=True)
        print(f"    {qid:7s} {sum(sizes):5d} answers in {len(sizes):3d} groups; largest {sizes[:8]}")


if __name__ == "__main__":
    raise SystemExit(main())
