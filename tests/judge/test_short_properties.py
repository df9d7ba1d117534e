"""Laws of the short-answer reader, checked on the TA's right answers and generated edits of them.

* adding a hedge ("maybe", "not sure", "?", "either ... or", "it depends") never yields ``correct``;
* negating every clause that carries the choice never keeps a ``correct``;
* text without words (punctuation, symbols that name nothing) around an answer changes nothing;
* restyling a wrong answer (case, punctuation, "The answer is", "I think") never makes it correct.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from checker.judge.choice import grade_choice
from checker.judge.short import read_answer
from checker.key import load_key

KEY = load_key(validate_latex=False)
DATA = Path(__file__).parent / "data" / "short_answers.jsonl"
RIGHT: list[dict[str, Any]] = [
    row
    for row in (json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines())
    if row["verdict"] == "correct"
    and grade_choice(KEY.question(row["question"]), row["answer"]).verdict == "correct"
]

HEDGES = [
    "Maybe {}",
    "{} (not sure)",
    "Probably {}",
    "{} I think, but I'm not sure.",
    "{}?",
    "I guess {}",
    "{} Or maybe not.",
    "{} It depends on the dataset.",
    "Either {} or the opposite.",
    "{} ... or perhaps the other option",
    "I'd guess: {}",
    "{} (might be wrong)",
]


@given(row=st.sampled_from(RIGHT), hedge=st.sampled_from(HEDGES))
def test_a_hedge_never_yields_correct(row: dict[str, Any], hedge: str) -> None:
    text = hedge.format(row["answer"])
    verdict = grade_choice(KEY.question(row["question"]), text)
    assert verdict.verdict != "correct", (text, verdict.evidence)


@given(row=st.sampled_from(RIGHT), negation=st.sampled_from(["not ", "never ", "NOT "]))
def test_negating_the_choice_never_keeps_correct(row: dict[str, Any], negation: str) -> None:
    question = KEY.question(row["question"])
    reading = read_answer(question, row["answer"])
    starts = sorted(
        {
            reading.tokens[m.first].start
            for d, mentions in zip(reading.decisions, reading.mentions, strict=True)
            for m in mentions
            if m.option == d.chosen and m.status == "asserted"
        },
        reverse=True,
    )
    text = row["answer"]
    for start in starts:  # right to left, so earlier offsets stay valid
        text = text[:start] + negation + text[start:]
    verdict = grade_choice(question, text)
    assert verdict.verdict != "correct", (text, verdict.evidence)


@given(
    row=st.sampled_from(RIGHT),
    # brackets are left out: "(c)" is an answer, "( c" a different one
    noise=st.text(alphabet=st.sampled_from(list(" .,;:!*_-—[]\"'`#|")), max_size=8),
)
def test_punctuation_around_a_right_answer_changes_nothing(row: dict[str, Any], noise: str) -> None:
    verdict = grade_choice(KEY.question(row["question"]), f"{noise} {row['answer']} {noise[::-1]}")
    assert verdict.verdict == "correct", verdict.evidence


WRONG: list[dict[str, Any]] = [
    row
    for row in (json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines())
    if row["verdict"] != "correct"
]
MUTATIONS = {
    "lower": str.lower,
    "upper": str.upper,
    "no-punctuation": lambda t: "".join(ch for ch in t if ch not in ".,;:!"),
    "the-answer-is": lambda t: "The answer is " + t,
    "answer-colon": lambda t: "Answer: " + t,
    "i-think": lambda t: "I think " + t,
    "bold": lambda t: f"**{t}**",
    "commas-to-and": lambda t: t.replace(",", " and"),
    "one-line": lambda t: " ".join(t.split()),
}


@given(row=st.sampled_from(WRONG), mutation=st.sampled_from(sorted(MUTATIONS)))
def test_a_wrong_answer_rewritten_never_grades_correct(row: dict[str, Any], mutation: str) -> None:
    # The ways students restyle an answer (case, punctuation, a lead-in) never turn a wrong,
    # hedged or contradictory answer into a correct one.
    text = MUTATIONS[mutation](row["answer"])
    verdict = grade_choice(KEY.question(row["question"]), text)
    assert verdict.verdict != "correct", (text, verdict.evidence)
