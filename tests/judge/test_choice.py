"""Choice questions (Q2): options recognized in free wording, negations, premises, cues, scopes."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.judge.choice import decide_part, grade_choice
from checker.key import ChoiceOption, ChoicePart, Key, Question, SymbolTable, load_key


@pytest.fixture(scope="module")
def key() -> Key:
    return load_key(validate_latex=False)


# The sample submission's Q2 answers (/work/shared/hw3/sample-submission.md), verbatim, labels
# included as the extractor may pass them.
SAMPLE = {
    "2.1.1": (
        "2.1.1 a) AS batch size increases, so does optimal learning rate.\n"
        "The larger the batch size, the less the gradient noise dominates.\n"
        "Thus, with larger batch size, we can converge with fewer steps\n"
        " \\therefore optimal learning rate increases."
    ),
    "2.1.2a": (
        "2.1.2 a) C is the point that represents optimal batch size for data parallelism. This is "
        "because C is the point where batch size has been increased enough to reduce the total # of "
        "training steps, but is small enough that it isn't within the region of curvature where "
        "there is less benefit from data parallelism."
    ),
    "2.1.2b": (
        "b) Point A: Regime = noise-dominated\n"
        "Potential way to accelerate training = seek parallel compute\n\n"
        "Point B: Regime = curvature dominated,\n"
        "Potential way to accelerate training = use higher order optimizers"
    ),
    "2.2": (
        "2.2. Figure 4 shows that training the same model with the same batch size for more steps "
        'doesn\'t lead to a huge decrease in the test loss as the curves seem "saturated".\n\n'
        "Figure 3 (left) also shows that test loss does not change much after a certain # of tokens "
        "processed, so this information & information from Figure 4 suggests that there is a "
        "critical batch size (b_{crit}) & batches greater than b_{crit} don't lead to a significant "
        "decrease in test loss. Thus, the best option is to increase model size since larger models "
        "lead to steeper decrease in test loss with # of tokens processed & # of training steps &, "
        "with high amount of compute, can reach lowest test losses."
    ),
}


@pytest.mark.parametrize("qid", sorted(SAMPLE))
def test_sample_submission_answers_grade_correct(key: Key, qid: str) -> None:
    verdict = grade_choice(key.question(qid), SAMPLE[qid])
    assert verdict.verdict == "correct", verdict.feedback
    assert verdict.score == verdict.max_score == 1.0
    assert verdict.answer == SAMPLE[qid]


# (question, answer text, expected verdict, expected score)
CASES: list[tuple[str, str, str, str, float]] = [
    # 2.1.1: free wording
    ("lr-goes-up", "2.1.1", "The optimal learning rate goes up.", "correct", 1.0),
    # A prepositional premise without a comma ends where the main clause begins.
    (
        "lr-with-premise-no-comma",
        "2.1.1",
        "With a bigger batch the best learning rate is higher.",
        "correct",
        1.0,
    ),
    (
        "lr-with-premise-no-comma-wrong",
        "2.1.1",
        "With a bigger batch the best learning rate is lower.",
        "incorrect",
        0.0,
    ),
    (
        "lr-given-premise-no-comma",
        "2.1.1",
        "Given a larger batch the learning rate should grow.",
        "correct",
        1.0,
    ),
    ("lr-premise-only", "2.1.1", "With a bigger batch.", "needs_review", 0.0),
    ("lr-increases", "2.1.1", "It increases.", "correct", 1.0),
    ("lr-higher", "2.1.1", "You can use a higher learning rate.", "correct", 1.0),
    ("lr-scales-up", "2.1.1", "The best learning rate scales up roughly linearly with B.", "correct", 1.0),
    (
        "lr-premise-then-answer",
        "2.1.1",
        "As the batch size grows, the optimal learning rate rises.",
        "correct",
        1.0,
    ),
    (
        "lr-when-premise",
        "2.1.1",
        "When batch size increases the noise falls, so the learning rate should increase.",
        "correct",
        1.0,
    ),
    (
        "lr-correlative",
        "2.1.1",
        "The larger the batch, the larger the optimal learning rate.",
        "correct",
        1.0,
    ),
    ("lr-paren-aside", "2.1.1", "It increases (minibatch gradient noise falls as 1/B).", "correct", 1.0),
    ("lr-not-decrease-but-up", "2.1.1", "It does not decrease; it goes up.", "correct", 1.0),
    ("lr-rather-than", "2.1.1", "The learning rate increases rather than decreases.", "correct", 1.0),
    ("lr-when-after", "2.1.1", "The learning rate increases when the batch grows.", "correct", 1.0),
    ("lr-because", "2.1.1", "It increases because gradient noise decreases.", "correct", 1.0),
    (
        "lr-conclusion",
        "2.1.1",
        "Larger batch -> lower gradient noise, so the learning rate is higher.",
        "correct",
        1.0,
    ),
    (
        "lr-therefore",
        "2.1.1",
        "Noise falls with B. \\therefore optimal learning rate increases",
        "correct",
        1.0,
    ),
    ("lr-aside-only", "2.1.1", "Same direction, in short (it increases).", "correct", 1.0),
    ("lr-no-doubt", "2.1.1", "There is no doubt it increases.", "correct", 1.0),
    ("lr-not-only", "2.1.1", "Not only does it increase, it roughly doubles.", "correct", 1.0),
    # 2.1.1: wrong
    (
        "lr-decreases-as",
        "2.1.1",
        "The optimal learning rate decreases as the batch size increases.",
        "incorrect",
        0.0,
    ),
    ("lr-smaller-if", "2.1.1", "Use a smaller learning rate if the batch size goes up.", "incorrect", 0.0),
    (
        "lr-decreases",
        "2.1.1",
        "As batch size increases, the optimal learning rate decreases.",
        "incorrect",
        0.0,
    ),
    ("lr-goes-down", "2.1.1", "The learning rate goes down.", "incorrect", 0.0),
    ("lr-constant", "2.1.1", "The optimal learning rate stays the same.", "incorrect", 0.0),
    # 2.1.1: negations and ambiguity -> a TA decides
    ("lr-does-not-increase", "2.1.1", "The optimal learning rate does not increase.", "needs_review", 0.0),
    (
        "lr-no-longer-increases",
        "2.1.1",
        "Past a point the learning rate no longer increases.",
        "needs_review",
        0.0,
    ),
    ("lr-both", "2.1.1", "The learning rate increases at first and later decreases.", "needs_review", 0.0),
    ("lr-nothing", "2.1.1", "It depends on the optimizer.", "needs_review", 0.0),
    # 2.1.2a
    ("point-c", "2.1.2a", "Point C.", "correct", 1.0),
    ("c-bend", "2.1.2a", "C, since past it larger batches stop cutting steps.", "correct", 1.0),
    ("point-b", "2.1.2a", "B is the most efficient.", "incorrect", 0.0),
    ("a-or-c", "2.1.2a", "Either A or C.", "needs_review", 0.0),
    ("not-a-but-c", "2.1.2a", "Not A: C is the most efficient.", "correct", 1.0),
    ("lowercase-article", "2.1.2a", "It is a point near the knee.", "needs_review", 0.0),
    # 2.1.2b (scopes A and B)
    (
        "ab-reference",
        "2.1.2b",
        "A: noise dominated, seek parallel compute; B: curvature dominated, use higher order optimizers.",
        "correct",
        1.0,
    ),
    (
        "ab-swapped-ways",
        "2.1.2b",
        "Point A is noise-dominated; use second-order methods. Point B is curvature-dominated; add more devices.",
        "incorrect",
        0.5,
    ),
    (
        "ab-all-swapped",
        "2.1.2b",
        "A: curvature dominated, use a higher-order optimizer. B: noise dominated, data parallel.",
        "incorrect",
        0.0,
    ),
    ("ab-missing-b", "2.1.2b", "A is noise dominated, so parallelism helps.", "needs_review", 0.5),
    (
        "ab-negated",
        "2.1.2b",
        "A is noise dominated, not curvature dominated: use parallelism. B is curvature dominated rather than noise dominated: higher order optimizers.",
        "correct",
        1.0,
    ),
    (
        "ab-for-a-for-b",
        "2.1.2b",
        "Point A is noise dominated; B is curvature dominated. For A use data parallelism and for B use a second-order optimizer.",
        "correct",
        1.0,
    ),
    (
        "ab-aside",
        "2.1.2b",
        "A: noise-dominated, parallelism. B: curvature-dominated, a better optimizer (second order).",
        "correct",
        1.0,
    ),
    # 2.2 with cues
    (
        "model-so",
        "2.2",
        "A larger batch past b_crit does not help and more steps saturate, so scale up the model.",
        "correct",
        1.0,
    ),
    ("model-plain", "2.2", "Increase the model size.", "correct", 1.0),
    (
        "model-cue",
        "2.2",
        "More steps saturate and a larger batch past b_crit does not help, so the best option is a bigger model.",
        "correct",
        1.0,
    ),
    (
        "model-rather-than",
        "2.2",
        "Train a larger model rather than a larger batch or more steps.",
        "correct",
        1.0,
    ),
    ("steps-cue", "2.2", "A larger model is expensive, so I would train longer.", "incorrect", 0.0),
    ("batch-chosen", "2.2", "Use a larger batch.", "incorrect", 0.0),
    ("two-options", "2.2", "A larger batch or a larger model both work.", "needs_review", 0.0),
    ("two-cues", "2.2", "The best option is a larger batch. I choose a larger model.", "needs_review", 0.0),
    # Found on the class benchmark's text: a bare "train" is never the choice the cue points at; a
    # conclusion word standing alone before a comma opens the conclusion; "so that" is a purpose.
    (
        "train-a-larger-model",
        "2.2",
        "So the best option is to train a larger model, since bigger models lead to steeper decrease",
        "correct",
        1.0,
    ),
    (
        "thus-comma",
        "2.2",
        "More steps doesn't lead to a huge decrease. Thus, I would scale up the model.",
        "correct",
        1.0,
    ),
    (
        "denied-then-chosen-wrong",
        "2.2",
        "More steps doesn't lead to a decrease. Thus, the best option is to train longer with more steps.",
        "incorrect",
        0.0,
    ),
    (
        "so-that-purpose",
        "2.1.1",
        "It falls; lower it so that training doesn't destabilise with the larger batch.",
        "incorrect",
        0.0,
    ),
    # The false accept the issue reports: "fixed" keeps the model size the same.
    (
        "keep-fixed-not-larger",
        "2.2",
        "Keep the model size fixed and increase the number of training iterations",
        "incorrect",
        0.0,
    ),
]


@pytest.mark.parametrize(
    ("qid", "text", "verdict", "score"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_paraphrases(key: Key, qid: str, text: str, verdict: str, score: float) -> None:
    result = grade_choice(key.question(qid), text)
    assert (result.verdict, result.score) == (verdict, score), result.evidence
    assert result.answer == text


def test_undecided_part_is_named_in_feedback(key: Key) -> None:
    result = grade_choice(key.question("2.1.2b"), "A is noise dominated, so parallelism helps.")
    assert result.verdict == "needs_review"
    assert "regime of B" in result.feedback and "acceleration for B" in result.feedback
    assert "regime of A" not in result.feedback


def test_wrong_part_feedback_names_expected_option(key: Key) -> None:
    result = grade_choice(key.question("2.1.1"), "It decreases.")
    assert "'decreases'" in result.feedback and "'increases'" in result.feedback
    assert result.answer_note == "wrong_choice"


@pytest.mark.parametrize("text", ["", "   \n"], ids=["empty", "blank"])
def test_empty_is_missing(key: Key, text: str) -> None:
    result = grade_choice(key.question("2.2"), text)
    assert (result.verdict, result.score) == ("missing", 0.0)


def _question(parts: tuple[ChoicePart, ...], cues: tuple[str, ...] = ()) -> Question:
    return Question(
        id="t", points=2.0, kind="choice", prompt="", symbols=SymbolTable(()), parts=parts, cues=cues
    )


YES_NO = ChoicePart("answer", "yes", (("yes", ("yes", "agree")), ("no", ("re:\\bNO\\b",))))


@pytest.mark.parametrize(
    ("text", "chosen"),
    [
        ("I agree.", "yes"),
        ("AGREE", "yes"),  # literal phrases ignore case
        ("NO", "no"),
        ("no", None),  # a regex is case-sensitive; "no" alone is then a negation word, nothing chosen
        ("agreement", None),  # word boundaries: "agree" is not inside "agreement"
    ],
    ids=["phrase", "phrase-case", "regex", "regex-case", "word-boundary"],
)
def test_pattern_kinds(text: str, chosen: str | None) -> None:
    q = _question((YES_NO,))
    assert decide_part(q, YES_NO, text).chosen == chosen


def test_score_is_share_of_right_parts() -> None:
    parts = (YES_NO, ChoicePart("second", "no", (("yes", ("yes",)), ("no", ("re:\\bNO\\b",)))))
    result = grade_choice(_question(parts), "yes, I agree")
    # part 1 right (yes), part 2 asserts "yes" too: wrong
    assert (result.verdict, result.score) == ("incorrect", 1.0)


# A claim inside a math question (1.2.3: "does weight decay make the model more robust?"), read by
# decide_part with a part the question does not list: old-style phrases and concept options alike.
CLAIM_OLD = ChoicePart("robust", "yes", (("yes", ("more robust",)), ("no", ("less robust",))))
CLAIM_NEW = ChoicePart(
    "robust",
    "yes",
    (("yes", ()), ("no", ())),
    options=(
        ChoiceOption("yes", means="up", of=("robust", "robustness")),
        ChoiceOption("no", means="down", of=("robust", "robustness")),
    ),
    about=("robustness", "robust"),
)
CLAIMS = [
    ("arrows", "Larger λ ⇒ larger ε needed ⇒ more robust.", "yes"),
    ("conclusion", "so weight decay makes the model more robust", "yes"),
    ("negated", "Weight decay does not make the model more robust.", None),
    ("less", "It makes it less robust", "no"),
    ("hedged", "maybe more robust?", None),
    ("typo", "the model becomes more robst", "yes"),
]


@pytest.mark.parametrize("part", [CLAIM_OLD, CLAIM_NEW], ids=["phrases", "concepts"])
@pytest.mark.parametrize(("text", "chosen"), [c[1:] for c in CLAIMS], ids=[c[0] for c in CLAIMS])
def test_a_claim_part_inside_a_math_question(
    key: Key, part: ChoicePart, text: str, chosen: str | None
) -> None:
    assert decide_part(key.question("1.2.3"), part, text).chosen == chosen


OLD_STYLE_KEY = """
[key]
name = "old"

[[question]]
id = "1"
points = 2
kind = "choice"
prompt = "Which regularizer keeps weights sparse, and does it bias the estimate?"
reference = "L1; yes, it shrinks weights."
[[question.parts]]
name = "regularizer"
answer = "l1"
[question.parts.choices]
l1 = ["L1", "lasso", "re:\\\\bl1\\\\b"]
l2 = ["L2", "ridge", "weight decay"]
[[question.parts]]
name = "bias"
answer = "yes"
[question.parts.choices]
yes = ["biased", "adds bias"]
no = ["unbiased", "no bias"]
"""

OLD_STYLE = [
    ("both-right", "Lasso (L1), and yes it is biased.", "correct"),
    ("wrong-part", "ridge, and it is biased", "incorrect"),
    ("negated", "not ridge but lasso; the estimate is biased", "correct"),
    ("hedged", "maybe lasso? it adds bias", "needs_review"),
]


@pytest.mark.parametrize(("text", "verdict"), [c[1:] for c in OLD_STYLE], ids=[c[0] for c in OLD_STYLE])
def test_a_key_in_the_older_choices_form_loads_and_grades(tmp_path: Path, text: str, verdict: str) -> None:
    (tmp_path / "key.toml").write_text(OLD_STYLE_KEY, encoding="utf-8")
    question = load_key(tmp_path).question("1")
    assert [o.name for o in question.parts[0].options] == ["l1", "l2"]
    assert grade_choice(question, text).verdict == verdict
