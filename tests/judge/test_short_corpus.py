"""The short-answer reader against a TA's labels: 761 answers written the ways students write.

``data/short_answers.jsonl`` was labelled by a TA before any run (question, answer, verdict,
score, why, tags; for 2.1.2b also the option per part).  Every row is a test with a readable id
(question, split, row, the answer's first words).

**Split.**  Rows whose 0-based line number is ``2 mod 3`` are held out (253 rows: 69 of 2.1.1,
65 of 2.1.2a, 58 of 2.1.2b, 61 of 2.2): the reader and the key were tuned on the other 508 rows
only, and the held-out rows were graded once, at the end.  A row the reader still gets wrong is a
strict xfail with its reason; a false accept (a wrong or hedged answer graded ``correct``) is
never an xfail: :func:`test_no_false_accept` holds over every row.

**Measured** (2026-12-07).  Tuned rows: 508 of 508 agree.  Held-out rows, first run: 240 of 253
(94.9 %; 2.1.1 90 %, 2.1.2a 100 %, 2.1.2b 93 %, 2.2 97 %), one false accept (row 194, fixed by a
rule that holds for any key: an aside opened by "or" is an alternative, so it hedges), 7 of 138
right answers sent to review (5.1 %).  Later rules found on the class benchmark's text (a
negation after an option named by a direction, "Thus, I would ..." as a conclusion, "so that"
as a purpose) also fixed rows 467 and 632: 243 of 253 (96.0 %), no false accept, 5 of 138 right
answers sent to review (3.6 %).  Whole corpus: 751 of 761 (98.7 %), 5 of 416 right answers sent
to review (1.2 %).
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
from checker.verdict import QuestionVerdict

DATA = Path(__file__).parent / "data" / "short_answers.jsonl"
ROWS: list[dict[str, Any]] = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
HELD_OUT = frozenset(i for i in range(len(ROWS)) if i % 3 == 2)
QUESTIONS = ("2.1.1", "2.1.2a", "2.1.2b", "2.2")

# Held-out rows the reader still reads differently from the TA (row → why); none is a false
# accept, and none was tuned on.  (The one held-out false accept the first run found, row 194
# "increases (or decreases if the model is large)", was fixed: an aside opened by "or" offers an
# alternative, so it hedges.)
KNOWN_GAPS: dict[int, str] = {
    2: "'so does optimal learning rate' carries the premise's direction; the reader does not read 'so does X'",
    95: "a relative clause ('that minimises the number of steps') stands between the subject and its verb",
    152: "'It does not increase.' rules out the right option; the reader leaves a bare negation to a TA",
    155: "'rather than' counts as content, so the bare 'decreases' is not given to the learning rate",
    179: "'more small' reads as 'more' (up) and 'small' (down)",
    185: "'scales as B^0' is not read as a proportionality ('i.e. not at all' neither)",
    446: "'a)' at the start is taken for the question's label, so point A loses its heading",
    485: "'seek parallel compute for A and for B': the cut between the two points leaves B without it",
    554: "'second regime (curvature dominated) is B': the property in parentheses before 'is B' stays with A",
    650: "'Keep the training steps' matches the phrase 'keep training', so the rejected option reads as chosen",
}


@pytest.fixture(scope="module")
def key() -> Key:
    return load_key(validate_latex=False)


@pytest.fixture(scope="module")
def graded(key: Key) -> list[QuestionVerdict]:
    # Every row graded once for the whole module (the tables below look verdicts up).
    return [grade_choice(key.question(row["question"]), row["answer"]) for row in ROWS]


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
def test_verdict_agrees_with_the_ta(
    key: Key, graded: list[QuestionVerdict], index: int, row: dict[str, Any]
) -> None:
    verdict = graded[index]
    assert verdict.verdict == row["verdict"], f"{row['why']} | read: {verdict.evidence}"
    if "parts" in row and row["verdict"] != "needs_review":
        reading = read_answer(key.question(row["question"]), row["answer"])
        assert {d.part: d.chosen for d in reading.decisions} == row["parts"]


def test_no_false_accept(graded: list[QuestionVerdict]) -> None:
    # Never an xfail: a wrong or hedged answer graded correct is the worst bug (every row, at once).
    false_accepts = [
        f"{_row_id(i, row)}: {graded[i].evidence}"
        for i, row in enumerate(ROWS)
        if graded[i].verdict == "correct" and row["verdict"] != "correct"
    ]
    assert not false_accepts, "\n".join(false_accepts)


def agreement(graded: list[QuestionVerdict], rows: list[tuple[int, dict[str, Any]]]) -> dict[str, float]:
    """Agreement with the TA, false accepts and right answers sent to review, over ``rows``."""
    agree = false_accepts = right = right_to_review = 0
    for index, row in rows:
        verdict = graded[index].verdict
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


@pytest.mark.parametrize("question", QUESTIONS)
def test_agreement_per_question(graded: list[QuestionVerdict], question: str) -> None:
    # The bar, per question over the whole corpus: >= 90 % agreement, no false accept,
    # at most 5 % of right answers sent to review.
    figures = agreement(graded, [(i, r) for i, r in enumerate(ROWS) if r["question"] == question])
    assert figures["false_accepts"] == 0, figures
    assert figures["agreement"] >= 0.9, figures
    assert figures["right_to_review"] <= 0.05, figures


@pytest.mark.parametrize("question", QUESTIONS)
def test_agreement_on_held_out_rows(graded: list[QuestionVerdict], question: str) -> None:
    # Measured once, after tuning (see the module's docstring for the figures): the held-out
    # third keeps >= 90 % agreement and no false accept per question.
    figures = agreement(
        graded, [(i, r) for i, r in enumerate(ROWS) if r["question"] == question and i in HELD_OUT]
    )
    assert figures["false_accepts"] == 0, figures
    assert figures["agreement"] >= 0.9, figures
