"""Reports: JSON lines, text, CSV and Gradescope from hand-built results."""

from __future__ import annotations

import csv
import io
import json
import math
from types import SimpleNamespace

import pytest
from rich.console import Console, RenderableType

from checker.key import load_key
from checker.report.render import (
    render_csv,
    render_gradescope,
    render_json_line,
    render_steps_text,
    render_text,
    render_verdict_text,
)
from checker.verdict import QuestionVerdict, StepCheck, SubmissionResult

KEY = load_key(validate_latex=False)
GRADED = [q.id for q in KEY.graded]


def text_of(renderable: RenderableType) -> str:
    console = Console(width=160, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def verdict(qid: str, label: str = "correct", share: float = 1.0, **kw: object) -> QuestionVerdict:
    points = KEY.question(qid).points
    return QuestionVerdict(qid, label, round(points * share, 6), points, kw.pop("feedback", "ok"), **kw)  # type: ignore[arg-type]


FLAGGED = StepCheck(2, "\\epsilon = w^{*T} X (w^{*T} w^*)^{-1}", "does_not_follow", "shapes: n×1 vs 1×1")


def full_marks(name: str = "jane.md") -> SubmissionResult:
    qs = []
    for qid in GRADED:
        extra: dict[str, object] = {"answer": f"answer of {qid}"}
        if qid == "1.2.3":
            extra |= {
                "steps": (
                    StepCheck(1, "f = 0", "given"),
                    FLAGGED,
                    StepCheck(3, "\\epsilon = x/w", "follows"),
                ),
                "first_invalid": 2,
                "evidence": "answer read from the last equation with target \\epsilon on the left",
            }
        qs.append(verdict(qid, **extra))
    return SubmissionResult(name, tuple(qs))


def partial(name: str, shares: dict[str, float], notes: dict[str, str]) -> SubmissionResult:
    qs = []
    for qid in GRADED:
        share = shares.get(qid, 1.0)
        label = "correct" if share == 1.0 else "incorrect"
        qs.append(verdict(qid, label, share, answer_note=notes.get(qid, "correct")))
    return SubmissionResult(name, tuple(qs))


def unreadable(name: str) -> SubmissionResult:
    qs = tuple(verdict(qid, "error", 0.0) for qid in GRADED)
    return SubmissionResult(name, qs, error="expected UTF-8 text, found byte 0xff")


CLASS = [
    full_marks("a.md"),
    partial(
        "b.md", {"1.2.2": 0.5, "3.2": 0.5}, {"1.2.2": "missing_factor_2", "3.2": "sigma_squared_for_sigma"}
    ),
    partial(
        "c.md",
        {"1.2.2": 0.5, "3.2": 0.25},
        {"1.2.2": "missing_factor_2", "3.2": "missing_inverted_dropout_scale"},
    ),
    partial("d.md", {"1.2.2": 0.25}, {"1.2.2": "missing_2n"}),
    unreadable("e.md"),
]


# ----------------------------------------------------------------------------------------------
# JSON lines
# ----------------------------------------------------------------------------------------------


def test_json_line_follows_the_contract() -> None:
    line = render_json_line(full_marks())
    assert "\n" not in line
    obj = json.loads(line)
    assert {"submission", "score", "max_score", "questions"} <= set(obj)
    assert obj["score"] == obj["max_score"] == 8.0
    q = next(q for q in obj["questions"] if q["question"] == "1.2.3")
    assert [s["status"] for s in q["steps"]] == ["given", "does_not_follow", "follows"]
    assert q["first_invalid"] == 2
    assert "internal" not in q


# ----------------------------------------------------------------------------------------------
# text
# ----------------------------------------------------------------------------------------------


def test_text_one_submission_shows_every_question_and_the_flagged_step() -> None:
    out = text_of(render_text([full_marks()], KEY))
    assert "jane.md: 8/8" in out
    for qid in GRADED:
        assert qid in out
    assert "step 2 does not follow" in out and "shapes: n×1 vs 1×1" in out
    assert "target \\epsilon on the left" in out


def test_text_never_reads_student_text_as_markup() -> None:
    v = verdict("3.2", answer="[bold]\\sigma[/bold] = [red]1")
    out = text_of(render_text([SubmissionResult("x.md", (v,))], KEY))
    assert "[bold]\\sigma[/bold] = [red]1" in out


def test_text_class_summary() -> None:
    out = text_of(render_text(CLASS, KEY))
    assert "5 submissions" in out
    assert "median" in out and "mean" in out
    assert "missing_factor_2" in out and "per question" in out
    assert "e.md" in out and "could not be read" in out


def test_text_class_mistakes_are_ordered_by_count() -> None:
    out = text_of(render_text(CLASS, KEY))
    section = out[out.index("most common mistakes") :]
    assert section.index("missing_factor_2") < section.index("missing_2n")


def test_verdict_text_shows_what_was_read_evidence_and_feedback() -> None:
    v = verdict(
        "1.2.2",
        "incorrect",
        0.5,
        feedback="The factor 2 is missing.",
        answer="w = (X^T X + n \\lambda I)^{-1} X^T t",
        evidence="refuted at n=3, d=2",
        answer_note="missing_factor_2",
        steps=(FLAGGED,),
    )
    out = text_of(render_verdict_text(v))
    for piece in (
        "1.2.2: incorrect (0.5/1)",
        "answer read",
        "refuted at n=3",
        "factor 2",
        "missing_factor_2",
    ):
        assert piece in out
    assert "does_not_follow" in out


STEPS = [
    ("all-follow", None, "every step follows"),
    ("one-does-not", 2, "first step that does not follow: step 2"),
]


@pytest.mark.parametrize(("first", "expected"), [r[1:] for r in STEPS], ids=[r[0] for r in STEPS])
def test_steps_text(first: int | None, expected: str) -> None:
    steps = (
        StepCheck(1, "a = b", "given"),
        StepCheck(2, "b = c", "follows" if first is None else "does_not_follow"),
    )
    out = text_of(render_steps_text(SimpleNamespace(question="1.2.3", steps=steps, first_invalid=first)))
    assert expected in out and "a = b" in out


# ----------------------------------------------------------------------------------------------
# CSV
# ----------------------------------------------------------------------------------------------


def test_csv_header_and_one_row_per_submission() -> None:
    rows = list(csv.reader(io.StringIO(render_csv(CLASS, KEY))))
    assert rows[0] == ["submission", *GRADED, "total", "max_score", "error"]
    assert [r[0] for r in rows[1:]] == ["a.md", "b.md", "c.md", "d.md", "e.md"]
    b = dict(zip(rows[0], rows[2], strict=True))
    assert (b["1.2.2"], b["3.2"], b["total"], b["max_score"], b["error"]) == ("0.5", "0.5", "7", "8", "")
    assert rows[5][-1].startswith("expected UTF-8")


def test_csv_quotes_names_with_commas() -> None:
    rows = list(csv.reader(io.StringIO(render_csv([full_marks("Doe, Jane.md")], KEY))))
    assert rows[1][0] == "Doe, Jane.md"


# ----------------------------------------------------------------------------------------------
# Gradescope
# ----------------------------------------------------------------------------------------------

GRADESCOPE_CASES = [
    ("full-marks", full_marks(), None, 8.0),
    ("partial", CLASS[2], None, 6.75),
    ("thirds", SubmissionResult("t.md", tuple(verdict(q, "incorrect", 1 / 3) for q in GRADED)), None, None),
    ("unreadable", unreadable("e.md"), None, 0.0),
    ("nothing", None, None, 0.0),
    ("error-given", full_marks(), "the grader crashed", 0.0),
]


@pytest.mark.parametrize(
    ("result", "error", "score"), [r[1:] for r in GRADESCOPE_CASES], ids=[r[0] for r in GRADESCOPE_CASES]
)
def test_gradescope_results_are_valid_and_add_up(
    result: SubmissionResult | None, error: str | None, score: float | None
) -> None:
    out = render_gradescope(result, KEY, error=error)
    json.dumps(out)  # serializable
    assert len(out["tests"]) == len(GRADED)
    for test in out["tests"]:
        assert {"name", "score", "max_score", "output", "visibility"} <= set(test)
        assert 0 <= test["score"] <= test["max_score"]
    assert out["score"] == round(math.fsum(t["score"] for t in out["tests"]), 4)
    assert abs(sum(t["score"] for t in out["tests"]) - out["score"]) < 1e-9
    if score is not None:
        assert out["score"] == score


def test_gradescope_failure_explains_itself() -> None:
    out = render_gradescope(None, KEY, error="expected a .md file, found submission.pdf")
    assert all("submission.pdf" in t["output"] for t in out["tests"])
    assert "submission.pdf" in out["output"]


def test_gradescope_output_is_markdown_with_step_notes() -> None:
    out = render_gradescope(full_marks(), KEY)
    test = next(t for t in out["tests"] if t["name"] == "Question 1.2.3")
    assert test["output_format"] == "md"
    assert "step 2" in test["output"] and "does not follow" in test["output"]
    assert "`answer of 1.2.3`" in test["output"]


def test_unread_steps_are_one_line_not_a_paragraph_each() -> None:
    steps = tuple(
        StepCheck(i, f"\\mathbb{{E}}[{i}]", "unparsed", "found name=\\mathbb{E}") for i in (1, 2, 3)
    )
    v = verdict("3.2", steps=(*steps, StepCheck(4, "\\sigma = 1", "follows")))
    out = text_of(render_text([SubmissionResult("x.md", (v,))], KEY))
    assert "steps 1, 2, 3 could not be read (not checked)" in out
    assert out.count("name=\\mathbb{E}") == 1
    md = render_gradescope(SubmissionResult("x.md", (v,)), KEY)["tests"][-1]["output"]
    assert "steps 1, 2, 3 could not be read" in md
