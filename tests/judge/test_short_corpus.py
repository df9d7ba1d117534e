"""The short-answer reader against a TA's labels: 761 answers written the ways students write.

``data/short_answers.jsonl`` was labelled by a TA before any run (question, answer, verdict,
score, why, tags; for 2.1.2b also the option per part).  Every row is a test with a readable id
(question, split, row, the answer's first words).

**Split.**  Rows whose 0-based line number is ``2 mod 3`` are held out (253 rows: 69 of 2.1.1,
65 of 2.1.2a, 58 of 2.1.2b, 61 of 2.2): the reader and the key were tuned on the other 508 rows
only, and the held-out rows were graded once, at the end.  A row the reader still gets wrong is a
strict xfail with its reason; a false accept (a wrong or hedged answer graded ``correct``) is
never an xfail: :func:`test_no_false_accept` holds over every row.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from checker.judge.choice import grade_choice
from checker.judge.short import read_answer
from checker.key import Key, load_key

DATA = Path(__file__).parent / "data" / "short_answers.jsonl"
ROWS: list[dict[str, Any]] = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
HELD_OUT = frozenset(i for i in range(len(ROWS)) if i % 3 == 2)
QUESTIONS = ("2.1.1", "2.1.2a", "2.1.2b", "2.2")

# Rows the reader still reads differently from the TA (row → why).  None is a false accept.
KNOWN_GAPS: dict[int, str] = {}


@pytest.fixture(scope="module")
def key() -> Key:
    return load_key(validate_latex=False)


def _row_id(index: int, row: dict[str, Any]) -> str:
    split = "held" if index in HELD_OUT else "tune"
    words = re.sub(r"[^A-Za-z0-9]+", "-", row["answer"]).strip("-").lower()[:32] or "blank"
    return f"{row['question']}-{split}-{index:03d}-{words}"


def _params() -> list[Any]:
    out = []
    for index, row in enumerate(ROWS):
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[index])] if index in KNOWN_GAPS else []
        out.append(pytest.param(index, row, id=_row_id(index, row), marks=marks))
    return out


def test_the_corpus_has_enough_wordings_per_question_kind() -> None:
    # The issue asks for at least 150 wordings per kind: a direction (2.1.1), a letter (2.1.2a),
    # properties attributed to points (2.1.2b), a best option (2.2).
    counts = Counter(row["question"] for row in ROWS)
    assert all(counts[q] >= 150 for q in QUESTIONS), counts
    assert len(HELD_OUT) >= 100


@pytest.mark.parametrize(("index", "row"), _params())
def test_verdict_agrees_with_the_ta(key: Key, index: int, row: dict[str, Any]) -> None:
    verdict = grade_choice(key.question(row["question"]), row["answer"])
    assert verdict.verdict == row["verdict"], f"{row['why']} | read: {verdict.evidence}"
    if "parts" in row and row["verdict"] != "needs_review":
        reading = read_answer(key.question(row["question"]), row["answer"])
        assert {d.part: d.chosen for d in reading.decisions} == row["parts"]


@pytest.mark.parametrize(("index", "row"), [pytest.param(i, r, id=_row_id(i, r)) for i, r in enumerate(ROWS)])
def test_no_false_accept(key: Key, index: int, row: dict[str, Any]) -> None:
    # Never an xfail: a wrong or hedged answer graded correct is the worst bug.
    verdict = grade_choice(key.question(row["question"]), row["answer"])
    assert verdict.verdict != "correct" or row["verdict"] == "correct", verdict.evidence


def agreement(key: Key, rows: list[tuple[int, dict[str, Any]]]) -> dict[str, float]:
    """Agreement with the TA, false accepts and right answers sent to review, over ``rows``."""
    agree = false_accepts = right = right_to_review = 0
    for _, row in rows:
        verdict = grade_choice(key.question(row["question"]), row["answer"]).verdict
        agree += verdict == row["verdict"]
        false_accepts += verdict == "correct" and row["verdict"] != "correct"
        if row["verdict"] == "correct":
            right += 1
            right_to_review += verdict == "needs_review"
    return {
        "n": len(rows),
        "agreement": agree / len(rows),
        "false_accepts": false_accepts,
        "right_to_review": right_to_review / max(right, 1),
    }


@pytest.mark.parametrize("split", ["tune", "held"])
@pytest.mark.parametrize("question", QUESTIONS)
def test_agreement_per_question(key: Key, question: str, split: str) -> None:
    # The bar, per question and split: >= 90 % agreement, no false accept, at most 5 % of
    # right answers sent to review.
    rows = [
        (i, r)
        for i, r in enumerate(ROWS)
        if r["question"] == question and (i in HELD_OUT) == (split == "held")
    ]
    figures = agreement(key, rows)
    assert figures["false_accepts"] == 0, figures
    assert figures["agreement"] >= 0.9, figures
    assert figures["right_to_review"] <= 0.05, figures
