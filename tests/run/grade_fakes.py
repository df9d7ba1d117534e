"""Small stand-ins for the parser, the judge and the steps checker (top-level: they run in workers).

The fake judge knows the sample's right answers by their text; the fake steps checker flags a step
that writes the design matrix ``X`` next to ``w^{*T}`` (the sample's 1.2.3 slip).  A judge that
sees ``SLOW`` sleeps past any small budget; one that sees ``CRASH`` raises.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from checker.config import EquivalenceConfig
from checker.key import Key, Question, SymbolTable
from checker.read.extract import split_sides
from checker.run.grade import Stages
from checker.verdict import QuestionVerdict, StepCheck

RIGHT = {
    "1.1.2": "w^T (x - \\epsilon w)",
    "1.2.2": "(X^T X + 2\\lambda n I)^{-1} X^T t",
    "1.2.3": "\\frac{x (X^2 + 2\\lambda n)}{X t}",
    "3.2": "\\sqrt{\\frac{1-p}{p}}",
}
CHOICE_WORDS = {"2.1.1": "increases", "2.1.2a": "C is", "2.1.2b": "curvature", "2.2": "model size"}


@dataclass(frozen=True)
class Parsed:
    expr: Any


def fake_parse(source: str, table: SymbolTable, *, options: object) -> Parsed:
    text = " ".join(source.split())
    for spec in table:
        if text in spec.spellings:
            return Parsed(spec.name)
    return Parsed(text.replace(" ", ""))


def fake_judge(
    question: Question,
    answer: str,
    *,
    config: EquivalenceConfig,
    prior: Mapping[str, str] | None = None,
    key: Key | None = None,
    text: str | None = None,
) -> QuestionVerdict:
    if "SLOW" in answer:
        time.sleep(30)
    if "CRASH" in answer:
        raise RuntimeError("the fake judge crashed")
    if question.kind == "choice":
        right = CHOICE_WORDS[question.id] in answer
    else:
        right = split_sides(answer)[-1] == RIGHT.get(question.id)
    note = "correct" if right else "wrong"
    if prior:
        note += "+prior:" + ",".join(sorted(prior))
    return QuestionVerdict(
        question=question.id,
        verdict="correct" if right else "incorrect",
        score=question.points if right else 0.0,
        max_score=question.points,
        feedback="Right." if right else "Not right.",
        answer=answer,
        answer_note=note,
    )


@dataclass(frozen=True)
class StepsResult:
    steps: tuple[StepCheck, ...]
    first_invalid: int | None


def fake_check_steps(lines: Sequence[str], question: Question, *, config: EquivalenceConfig) -> StepsResult:
    if any("STEPBUG" in line for line in lines):
        raise ZeroDivisionError("a bug in the steps checker")
    steps = []
    first: int | None = None
    for i, line in enumerate(lines, start=1):
        if i == 1:
            steps.append(StepCheck(i, line, "given"))
        elif "w^{*T} X" in line:
            steps.append(StepCheck(i, line, "does_not_follow", "X is n×1 where x belongs"))
            first = first or i
        else:
            steps.append(StepCheck(i, line, "follows"))
    return StepsResult(tuple(steps), first)


FAKES = Stages(judge=fake_judge, check_steps=fake_check_steps, parse=fake_parse)
