"""End to end with the real parser, judge and steps checker: the sample submission and a few variants."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from checker.config import Budget, GradeConfig
from checker.key import bundled_key_dir, load_key
from checker.report.render import render_csv, render_gradescope
from checker.run.grade import grade_paths, grade_text
from checker.run.sandbox import WorkerPool
from checker.verdict import QuestionVerdict, SubmissionResult

SAMPLE = bundled_key_dir() / "samples" / "sample-submission.md"
KEY = load_key()
CONFIG = GradeConfig(budget=Budget(seconds=10.0), jobs=2)


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    with WorkerPool(CONFIG.budget, workers=2) as p:
        yield p


@pytest.fixture(scope="module")
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sample(sample_text: str, pool: WorkerPool) -> SubmissionResult:
    return grade_text(sample_text, KEY, config=CONFIG, name="sample.md", pool=pool)


def q(result: SubmissionResult, qid: str) -> QuestionVerdict:
    return next(v for v in result.questions if v.question == qid)


def test_sample_full_marks(sample: SubmissionResult) -> None:
    wrong = {
        v.question: (v.verdict, v.feedback, v.internal) for v in sample.questions if v.verdict != "correct"
    }
    assert wrong == {}
    assert sample.score == sample.max_score == 8.0


SAMPLE_ANSWERS = [
    ("1.1.2", "w^T (x - \\epsilon w)"),
    ("1.2.2", "(X^T X + 2\\lambda n I)^{-1} X^T t"),
    ("1.2.3", "\\frac{x (X^2 + 2\\lambda n)}{X t}"),
    ("3.2", "\\sqrt{\\frac{1-p}{p}}"),
]


@pytest.mark.parametrize(("qid", "tail"), SAMPLE_ANSWERS, ids=[r[0] for r in SAMPLE_ANSWERS])
def test_sample_answer_read_is_the_final_one(sample: SubmissionResult, qid: str, tail: str) -> None:
    v = q(sample, qid)
    assert v.answer is not None and v.answer.endswith(tail)
    assert v.evidence is not None and "on the left" in v.evidence


def test_sample_1_2_3_design_matrix_step_flagged_full_credit_kept(sample: SubmissionResult) -> None:
    v = q(sample, "1.2.3")
    assert (v.verdict, v.score) == ("correct", 1.0)
    assert v.first_invalid == 2
    assert v.steps[1].latex == "\\epsilon = w^{*T} X (w^{*T} w^*)^{-1}"
    assert v.steps[1].status == "does_not_follow"
    assert v.steps[1].reason


def test_sample_1_2_2_steps_all_follow(sample: SubmissionResult) -> None:
    v = q(sample, "1.2.2")
    assert len(v.steps) == 4
    assert v.first_invalid is None, [(s.index, s.status, s.reason) for s in v.steps]


def test_sample_gradescope_and_csv(sample: SubmissionResult) -> None:
    out = render_gradescope(sample, KEY)
    assert out["score"] == 8.0 == sum(t["score"] for t in out["tests"])
    assert render_csv([sample], KEY).splitlines()[1].endswith(",8,8,")


PLANTED = [
    (
        "1.2.2-missing-factor-2",
        "$$\\therefore w^* = (X^T X + 2\\lambda n I)^{-1} X^T t$$",
        "$$\\therefore w^* = (X^T X + \\lambda n I)^{-1} X^T t$$",
        "1.2.2",
        ("incorrect", 0.5, "missing_factor_2"),
    ),
    (
        "3.2-variance-for-sigma",
        "$$\\therefore \\sigma = \\sqrt{\\frac{1-p}{p}}$$",
        "$$\\therefore \\sigma = \\frac{1-p}{p}$$",
        "3.2",
        ("incorrect", 0.5, "sigma_squared_for_sigma"),
    ),
    (
        "1.2.2-push-through-form-with-top",
        "$$\\therefore w^* = (X^T X + 2\\lambda n I)^{-1} X^T t$$",
        "$$\\therefore \\hat{w} = X^\\top (X X^\\top + 2 n \\lambda I)^{-1} t$$",
        "1.2.2",
        ("correct", 1.0, None),
    ),
    (
        "3.2-stopping-at-sigma-squared-is-still-right",
        "$$\\therefore \\sigma = \\sqrt{\\frac{1-p}{p}}$$",
        "",
        "3.2",
        ("correct", 1.0, None),
    ),
]


@pytest.mark.parametrize("case", [r[1:] for r in PLANTED], ids=[r[0] for r in PLANTED])
def test_planted_variants(
    sample_text: str, pool: WorkerPool, case: tuple[str, str, str, tuple[str, float, str | None]]
) -> None:
    old, new, qid, expected = case
    assert old in sample_text
    result = grade_text(sample_text.replace(old, new), KEY, config=CONFIG, pool=pool)
    v = q(result, qid)
    verdict, score, note = expected
    assert (v.verdict, v.score) == (verdict, score), (v.feedback, v.answer, v.internal)
    if note is not None:
        assert v.answer_note == note


def test_small_class_end_to_end(tmp_path: Path, sample_text: str) -> None:
    paths = []
    for i, text in enumerate((sample_text, sample_text.replace("^T", "^\\top"), "", "no labels at all")):
        path = tmp_path / f"s{i}.md"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    results = {Path(r.submission).name: r for r in grade_paths(paths, KEY, config=CONFIG)}
    assert results["s0.md"].score == 8.0
    assert results["s1.md"].score == 8.0
    assert results["s2.md"].score == results["s3.md"].score == 0.0
    assert results["s3.md"].warnings


def test_follow_through_credits_1_2_3_built_on_a_wrong_1_2_2(sample_text: str, pool: WorkerPool) -> None:
    text = sample_text.replace(
        "\\therefore w^* = (X^T X + 2\\lambda n I)^{-1} X^T t",
        "\\therefore w^* = (X^T X + \\lambda n I)^{-1} X^T t",
    ).replace("{x (X^2 + 2\\lambda n)}{X t}", "{x (X^2 + \\lambda n)}{X t}")
    result = grade_text(text, KEY, config=CONFIG, pool=pool)
    assert (q(result, "1.2.2").verdict, q(result, "1.2.2").score) == ("incorrect", 0.5)
    v = q(result, "1.2.3")
    assert v.score == 1.0, (v.verdict, v.feedback, v.answer_note)
    assert v.first_invalid == 2  # the steps of the first pass are kept


def test_a_latex_document_submission(pool: WorkerPool) -> None:
    text = (Path(__file__).resolve().parents[1] / "read" / "data" / "latex-submission.tex").read_text()
    result = grade_text(text, KEY, config=CONFIG, pool=pool)
    # 1.2.3 also asks whether weight decay makes the model more robust; this file never says.
    assert {v.question: v.verdict for v in result.questions} == {
        **dict.fromkeys((x.id for x in KEY.graded), "correct"),
        "1.2.3": "needs_review",
    }
    assert q(result, "1.1.2").answer == "f(x'; w) = w^\\top x - \\epsilon w^\\top w"  # align continuation
