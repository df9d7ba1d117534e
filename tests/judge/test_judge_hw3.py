"""judge() on the homework-3 key with the real parser and equivalence engine."""

from __future__ import annotations

import pytest

from checker.judge.answer import judge
from checker.key import Key, load_key
from checker.verdict import QuestionVerdict


@pytest.fixture(scope="module")
def key() -> Key:
    return load_key()


# 1.2.3 also asks whether weight decay makes the model more robust (a claim read from the
# question's text): the formula tests below give the block the sample's own sentence.
CLAIM = "Weight decay makes the model more robust since the 2 lambda n term makes epsilon bigger."


def share_with_claim(key: Key, qid: str, formula_share: float) -> float:
    """The share a formula earning ``formula_share`` earns with the question's claims right."""
    claims = sum(p.share or 0.0 for p in key.question(qid).claims)
    return (1 - claims) * formula_share + claims


def run(key: Key, qid: str, answer: str, prior: dict[str, str] | None = None) -> QuestionVerdict:
    question = key.question(qid)
    text = f"{answer}\n\n{CLAIM}" if question.claims else None
    return judge(question, answer, prior=prior, key=key, text=text)


# Every final answer of the sample submission, as written there.
SAMPLE_FINALS = [
    ("1.1.2-final-line", "1.1.2", r"\therefore f(x'; w) = w^T x' = w^T (x - \epsilon w)"),
    ("1.1.2-last-side", "1.1.2", r"w^T (x - \epsilon w)"),
    ("1.2.2", "1.2.2", r"\therefore w^* = (X^T X + 2\lambda n I)^{-1} X^T t"),
    ("1.2.2-bare", "1.2.2", r"w^* = (X^T X + 2\lambda n I)^{-1} X^T t"),
    ("1.2.3", "1.2.3", r"\epsilon = \frac{x}{w^*} = \frac{x (X^2 + 2\lambda n)}{X t}"),
    ("3.2-sigma", "3.2", r"\therefore \sigma = \sqrt{\frac{1-p}{p}}"),
    ("3.2-sigma-squared", "3.2", r"\therefore \sigma^2 = \frac{1-p}{p}"),
]


@pytest.mark.parametrize(("qid", "answer"), [c[1:] for c in SAMPLE_FINALS], ids=[c[0] for c in SAMPLE_FINALS])
def test_sample_final_answers_are_correct(key: Key, qid: str, answer: str) -> None:
    verdict = run(key, qid, answer)
    assert verdict.verdict == "correct", verdict.feedback
    assert verdict.score == verdict.max_score
    assert verdict.answer == answer
    assert verdict.read_as and verdict.evidence and verdict.method and verdict.equivalence


ACCEPTED_FORMS = [
    ("push-through", "1.2.2", r"X^T (X X^T + 2 n \lambda I)^{-1} t"),
    ("scaled", "1.2.2", r"\left(\frac{1}{n} X^T X + 2\lambda I\right)^{-1} \frac{1}{n} X^T t"),
    ("hat-w", "1.2.2", r"\hat{w} = (X^T X + 2 n \lambda I)^{-1} X^T t"),
    ("ridge-subscript", "1.2.2", r"w^*_{ridge} = (X^\top X + 2 n \lambda I_d)^{-1} X^\top t"),
    ("norm", "1.1.2", r"w^\top x - \epsilon \|w\|^2"),
    ("norm-2-2", "1.1.2", r"w^T x - \epsilon \lVert w \rVert_2^2"),
    ("x-first", "1.1.2", r"x^T w - \epsilon w^T w"),
    ("f-of-x-prime", "1.1.2", r"f(x'; w) = w^T x - \epsilon w^T w"),
    ("1d-transposes", "1.2.3", r"\epsilon = \frac{x (X^T X + 2 n \lambda)}{X^T t}"),
    ("3.2-split-root", "3.2", r"\sigma = \frac{\sqrt{1-p}}{\sqrt{p}}"),
    ("3.2-one-over-p", "3.2", r"\sqrt{\frac{1}{p} - 1}"),
]


@pytest.mark.parametrize(
    ("qid", "answer"), [c[1:] for c in ACCEPTED_FORMS], ids=[c[0] for c in ACCEPTED_FORMS]
)
def test_accepted_forms_are_correct(key: Key, qid: str, answer: str) -> None:
    verdict = run(key, qid, answer)
    assert (verdict.verdict, verdict.score) == ("correct", 1.0), verdict.feedback


# What off-the-shelf checkers accept and must not be accepted here.
FALSE_ACCEPTS = [
    ("XXt-for-XtX", "1.2.2", r"(X X^T + 2 n \lambda I)^{-1} X^T t"),
    ("product-reversed", "1.2.2", r"X^T t (X^T X + 2 n \lambda I)^{-1}"),
    ("t-missing", "1.2.2", r"(X^T X + 2 n \lambda I)^{-1} X^T"),
    ("transpose-missing", "1.2.2", r"(X^T X + 2 n \lambda I)^{-1} X t"),
    ("inner-transpose-missing", "1.2.2", r"(X X + 2 n \lambda I)^{-1} X^T t"),
    ("sign", "1.1.2", r"w^T x + \epsilon w^T w"),
    ("sigma-is-variance", "3.2", r"\sigma = \frac{1-p}{p}"),
    ("1d-wrong-factor", "1.2.3", r"\frac{x (X^2 + 3 \lambda n)}{X t}"),
]


@pytest.mark.parametrize(("qid", "answer"), [c[1:] for c in FALSE_ACCEPTS], ids=[c[0] for c in FALSE_ACCEPTS])
def test_false_accepts_are_not_correct(key: Key, qid: str, answer: str) -> None:
    verdict = run(key, qid, answer)
    assert verdict.verdict == "incorrect", verdict.feedback
    assert verdict.score < verdict.max_score


def test_refutation_feedback_is_actionable(key: Key) -> None:
    verdict = run(key, "1.2.2", r"(X^T X + 3 n \lambda I)^{-1} X^T t")
    assert verdict.verdict == "incorrect" and verdict.answer_note == "incorrect"
    assert verdict.feedback.startswith("Your answer was read as $")
    assert verdict.equivalence is not None and verdict.equivalence.outcome == "not_equivalent"
    assert verdict.feedback.count("refuted at") == 1  # the point is given once


def test_shape_mismatch_names_shapes(key: Key) -> None:
    verdict = run(key, "1.2.2", r"(X^T X + 2 n \lambda I)^{-1} X t")
    assert (verdict.verdict, verdict.answer_note, verdict.method) == ("incorrect", "shape_mismatch", "shape")
    assert "d×d" in verdict.feedback and "n×d" in verdict.feedback


MISTAKES = [
    (qid, mistake.answer, mistake.tag, mistake.score)
    for qid in ("1.1.2", "1.2.2", "1.2.3", "3.2")
    for mistake in load_key(validate_latex=False).question(qid).mistakes
]


@pytest.mark.parametrize(
    ("qid", "answer", "tag", "share"), MISTAKES, ids=[f"{m[0]}-{m[2]}" for m in MISTAKES]
)
def test_every_key_mistake_gets_its_tag_and_share(
    key: Key, qid: str, answer: str, tag: str, share: float
) -> None:
    verdict = run(key, qid, answer)
    mistake = next(m for m in key.question(qid).mistakes if m.tag == tag)
    assert (verdict.verdict, verdict.answer_note) == ("incorrect", tag), verdict.feedback
    assert verdict.score == pytest.approx(verdict.max_score * share_with_claim(key, qid, share))
    assert verdict.feedback == mistake.feedback


def test_mistake_written_as_equation_is_recognized(key: Key) -> None:
    verdict = run(key, "1.2.2", r"w^* = (X^T X + \lambda I)^{-1} X^T t")
    assert verdict.answer_note == "missing_2n"


@pytest.mark.parametrize(
    ("qid", "answer"),
    [("1.2.3", r"\frac{x}{w^*}"), ("1.2.3", r"\epsilon = x / \hat{w}"), ("1.1.2", r"w^T x'")],
    ids=["x-over-w-star", "x-over-w-hat", "x-prime-left-in"],
)
def test_forbidden_symbol_is_not_full_credit(key: Key, qid: str, answer: str) -> None:
    verdict = run(key, qid, answer)
    assert (verdict.verdict, verdict.score, verdict.answer_note) == (
        "incorrect",
        share_with_claim(key, qid, 0.0),
        "uses_forbidden_symbol",
    )
    assert verdict.feedback == key.question(qid).forbid_feedback


def test_follow_through_from_wrong_1_2_2(key: Key) -> None:
    prior = {"1.2.2": r"w^* = (X^T X + \lambda n I)^{-1} X^T t"}  # missing the 2
    verdict = run(key, "1.2.3", r"\epsilon = \frac{x (X^2 + \lambda n)}{X t}", prior)
    assert verdict.answer_note == "follow_through", verdict.feedback
    assert verdict.score == key.question("1.2.3").follow_through.share * verdict.max_score  # type: ignore[union-attr]
    assert "1.2.2" in verdict.feedback and "wrong" in verdict.feedback


def test_without_prior_the_same_answer_is_a_mistake(key: Key) -> None:
    verdict = run(key, "1.2.3", r"\epsilon = \frac{x (X^2 + \lambda n)}{X t}")
    assert verdict.verdict == "incorrect" and verdict.score < verdict.max_score


def test_follow_through_needs_the_answer_to_follow(key: Key) -> None:
    prior = {"1.2.2": r"w^* = (X^T X + \lambda n I)^{-1} X^T t"}
    verdict = run(key, "1.2.3", r"\epsilon = \frac{x (X^2 + 5 \lambda n)}{X t}", prior)
    assert verdict.answer_note != "follow_through"
    assert verdict.score == share_with_claim(key, "1.2.3", 0.0)


UNREADABLE = [
    ("dangling-operator", "1.2.2", r"(X^T X + 2 n \lambda I)^{-1} X^T t +"),
    ("unbalanced", "1.2.2", r"(X^T X + 2 n \lambda I^{-1} X^T t"),
    ("unknown-symbol", "1.1.2", r"w^T z"),
    ("input", "1.1.2", r"\input{secret}"),
]


@pytest.mark.parametrize(("qid", "answer"), [c[1:] for c in UNREADABLE], ids=[c[0] for c in UNREADABLE])
def test_unreadable_is_unparsed_with_caret(key: Key, qid: str, answer: str) -> None:
    verdict = run(key, qid, answer)
    assert (verdict.verdict, verdict.score, verdict.answer_note) == ("unparsed", 0.0, "unparsed")
    assert verdict.feedback.startswith("Your answer could not be read")
    assert "^" in verdict.feedback.splitlines()[-1]


def test_empty_is_missing(key: Key) -> None:
    assert run(key, "1.2.2", "   ").verdict == "missing"


def test_choice_question_through_judge(key: Key) -> None:
    assert run(key, "2.2", "the best option is to increase model size").verdict == "correct"


def test_solved_equation_says_so_in_evidence(key: Key) -> None:
    verdict = run(key, "3.2", r"\sigma^2 = \frac{1-p}{p}")
    assert verdict.evidence is not None and verdict.evidence.startswith(r"solved for \sigma: \sigma = ")


def test_judging_reuses_the_key_latex_parsed_at_load(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading a key parses all of its LaTeX; the key's side for judging is built without parsing."""
    import checker.latex
    from checker.judge.answer import default_engine, key_side

    loaded = load_key()
    parsed: list[str] = []
    real_parse = checker.latex.parse

    def counting_parse(source: str, *args: object, **kwargs: object) -> object:
        parsed.append(source)
        return real_parse(source, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(checker.latex, "parse", counting_parse)
    key_side.cache_clear()
    for question in loaded.questions:
        if question.kind != "choice":
            key_side(question, default_engine())
    assert parsed == []


# ---------------------------------------------------------------------------------------------
# 1.2.3's claim: weight decay makes the model more robust (read from the question's text)
# ---------------------------------------------------------------------------------------------

RIGHT_EPSILON = r"\epsilon = \frac{x (X^T X + 2 n \lambda)}{X^T t}"
CLAIMS = [
    ("more", "Weight decay makes the model more robust, since epsilon grows with lambda.", "correct", 1.0),
    ("bigger-eps-more-robust", "bigger lambda -> bigger eps, so it is more robust to FGM", "correct", 1.0),
    ("less", "So weight decay makes the model less robust.", "incorrect", 0.75),
    ("negated", "Weight decay does not make the model more robust.", "needs_review", 0.75),
    ("unstated", "That is the answer.", "needs_review", 0.75),
]


@pytest.mark.parametrize(("text", "label", "score"), [c[1:] for c in CLAIMS], ids=[c[0] for c in CLAIMS])
def test_the_robustness_claim_is_scored(key: Key, text: str, label: str, score: float) -> None:
    verdict = judge(key.question("1.2.3"), RIGHT_EPSILON, key=key, text=f"{RIGHT_EPSILON}\n{text}")
    assert (verdict.verdict, verdict.score) == (label, score), verdict.feedback
    assert "robustness" in (verdict.read_as or "")


def test_a_wrong_formula_with_a_right_claim_earns_the_claim(key: Key) -> None:
    text = r"\epsilon = \frac{X^T t}{x (X^T X + 2 n \lambda)}" + "\nso the model is more robust"
    verdict = judge(key.question("1.2.3"), text.splitlines()[0], key=key, text=text)
    assert (verdict.verdict, verdict.answer_note, verdict.score) == ("incorrect", "inverted", 0.25)


def test_check_judges_the_claim_on_the_answer_itself(key: Key) -> None:
    # `derivcheck check 1.2.3 ANSWER`: no block text, so the claim is read from the answer.
    verdict = judge(key.question("1.2.3"), RIGHT_EPSILON, key=key)
    assert (verdict.verdict, verdict.answer_note, verdict.score) == ("needs_review", "undecided_claim", 0.75)
