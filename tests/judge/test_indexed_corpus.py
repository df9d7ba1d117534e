"""The index-notation benchmark corpus is labelled as the judge grades it: one answer per label kind."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from checker.judge.answer import judge
from checker.key import load_key

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _one_per_kind() -> list[tuple[str, str, bool, str]]:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from corpus_indexed import build_indexed_corpus
    finally:
        sys.path.remove(str(BENCHMARKS))
    picked: dict[tuple[str, str], tuple[str, str, bool, str]] = {}
    for item in build_indexed_corpus(1000):
        picked.setdefault((item.question, item.why), (item.question, item.answer, item.correct, item.why))
    return sorted(picked.values())


SAMPLE = _one_per_kind()
# The corpus holds formulas; a question that also asks for a claim (1.2.3's robustness part) gets it
# written beside the formula, as a student would, so the label is about the formula.
CLAIMS = {"1.2.3": "Weight decay makes the model more robust."}


@pytest.mark.parametrize(("qid", "answer", "correct", "why"), SAMPLE, ids=[f"{s[0]}-{s[3]}" for s in SAMPLE])
def test_indexed_corpus_label_matches_the_verdict(qid: str, answer: str, correct: bool, why: str) -> None:
    key = load_key()
    text = f"${answer}$. {CLAIMS[qid]}" if qid in CLAIMS else None
    verdict = judge(key.question(qid), answer, key=key, text=text)
    assert (verdict.verdict == "correct") == correct, (why, verdict.read_as, verdict.feedback)
