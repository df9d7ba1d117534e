"""Short answers written for these tests (not from the labelled corpus): wordings a class uses,
with the verdict a TA gives, per question kind.  A second check that the reader was not fitted to
the corpus it was tuned on."""

from __future__ import annotations

import re

import pytest

from checker.judge.choice import grade_choice
from checker.key import Key, load_key


@pytest.fixture(scope="module")
def key() -> Key:
    return load_key(validate_latex=False)


GAPS = {
    "A: noisy -> more GPUs; B: curvy -> 2nd order": "slang: 'curvy' is no spelling of curvature the typo repair reaches",
}

# (question, answer, verdict)
WORDINGS: list[tuple[str, str, str]] = [
    ("2.1.1", "The optimal LR grows with B.", "correct"),
    ("2.1.1", "bigger B means you can afford a bigger step size", "correct"),
    ("2.1.1", "It should scale up with the batch.", "correct"),
    ("2.1.1", "the lr gets smaller as B grows", "incorrect"),
    ("2.1.1", "it shrinks", "incorrect"),
    ("2.1.1", "There is no change in the optimal learning rate.", "incorrect"),
    ("2.1.1", "It is not affected by the batch size.", "incorrect"),
    ("2.1.1", "η* ↑ with B", "correct"),
    ("2.1.1", "learning rate ↓ when batch ↑", "incorrect"),
    ("2.1.1", "It doesn't decrease.", "needs_review"),
    ("2.1.1", "I'm not sure, maybe it goes up", "needs_review"),
    ("2.1.1", "lr is larger for larger batches", "correct"),
    ("2.1.1", "The optimal learning rate decreases, not increases.", "incorrect"),
    ("2.1.1", "Keep it fixed.", "incorrect"),
    ("2.1.1", "higher, roughly in proportion to B", "correct"),
    ("2.1.1", "Smaller batches need a smaller learning rate.", "correct"),
    ("2.1.1", "Increase the batch and you must reduce the lr.", "incorrect"),
    ("2.1.2a", "I'd choose point C.", "correct"),
    ("2.1.2a", "The best one is c", "correct"),
    ("2.1.2a", "Point B is the most efficient", "incorrect"),
    ("2.1.2a", "It's A.", "incorrect"),
    ("2.1.2a", "a", "incorrect"),
    ("2.1.2a", "C or A", "needs_review"),
    ("2.1.2a", "definitely C, not A or B", "correct"),
    ("2.1.2a", "the middle point isn't it; C is", "correct"),
    ("2.1.2a", "C? not sure", "needs_review"),
    ("2.1.2a", "Option 2", "incorrect"),
    (
        "2.1.2b",
        "A: noise dominated, parallelism. B: curvature dominated, second order optimisers.",
        "correct",
    ),
    (
        "2.1.2b",
        "A is noise-limited so more devices; B is curvature-limited so use a 2nd-order method",
        "correct",
    ),
    ("2.1.2b", "A: curvature, 2nd order. B: noise, more GPUs.", "incorrect"),
    ("2.1.2b", "A: noise, parallel. B: noise, parallel.", "incorrect"),
    ("2.1.2b", "A: noise dominated. B: curvature dominated.", "needs_review"),
    ("2.1.2b", "A: noise dominated, parallel compute. B: probably curvature, higher order.", "needs_review"),
    ("2.2", "Go bigger: more parameters.", "correct"),
    ("2.2", "Use a larger network rather than training longer.", "correct"),
    ("2.2", "train for more steps", "incorrect"),
    ("2.2", "same model, more data per step", "incorrect"),
    ("2.2", "A bigger model, or maybe a bigger batch", "needs_review"),
    ("2.2", "Don't grow the model; just use bigger batches.", "incorrect"),
    ("2.2", "Not more steps, not a bigger batch: a bigger model.", "correct"),
    ("2.2", "Keep the model the same and increase the batch size.", "incorrect"),
    ("2.2", "more epochs on the same network", "incorrect"),
    ("2.2", "I would scale the model up.", "correct"),
    ("2.1.1", "The optimal learning rate should go up as you increase the batch size.", "correct"),
    ("2.1.1", "Optimal LR is higher for a bigger batch", "correct"),
    ("2.1.1", "lr_opt increases (linear scaling rule, Goyal et al.)", "correct"),
    ("2.1.1", "the larger B, the larger η*", "correct"),
    ("2.1.1", "decreasing batch size → decrease lr", "correct"),
    ("2.1.1", "When B doubles, the best lr roughly doubles too.", "correct"),
    ("2.1.1", "It gets smaller.", "incorrect"),
    ("2.1.1", "the learning rate must be reduced for larger batches", "incorrect"),
    ("2.1.1", "η* stays the same regardless of B", "incorrect"),
    ("2.1.1", "it remains constant", "incorrect"),
    ("2.1.1", "Increase? I'm not certain.", "needs_review"),
    ("2.1.1", "It might go up.", "needs_review"),
    ("2.1.1", "Goes up. Or down. Not sure.", "needs_review"),
    ("2.1.1", "increase (though some papers say sqrt scaling)", "correct"),
    ("2.1.2a", "My answer: C", "correct"),
    ("2.1.2a", "Point C, because after it more data gives few step savings", "correct"),
    ("2.1.2a", "It is B: fewest steps.", "incorrect"),
    ("2.1.2a", "The point A is best", "incorrect"),
    ("2.1.2a", "C (I'm fairly sure)", "correct"),
    ("2.1.2a", "Either C or B, I can't decide", "needs_review"),
    ("2.1.2a", "ans = C", "correct"),
    ("2.1.2a", "C is better than A and B", "correct"),
    ("2.1.2a", "A is better than C", "incorrect"),
    (
        "2.1.2b",
        "Point A — noise-dominated; speed up with more parallel workers.\nPoint B — curvature-dominated; speed up with a second-order optimiser.",
        "correct",
    ),
    (
        "2.1.2b",
        "A: gradient-noise dominated → data parallelism. B: curvature dominated → higher order optimization.",
        "correct",
    ),
    ("2.1.2b", "A) curvature; 2nd order. B) noise; parallel", "incorrect"),
    ("2.1.2b", "A: noise dominated, use parallel compute. B: same as A.", "needs_review"),
    (
        "2.1.2b",
        "For A the noise dominates, so add GPUs; for B curvature dominates, so use a higher-order method.",
        "correct",
    ),
    ("2.1.2b", "A: noisy -> more GPUs; B: curvy -> 2nd order", "correct"),
    ("2.2", "I'd go with a larger model.", "correct"),
    ("2.2", "Larger models. More steps and bigger batches both hit diminishing returns.", "correct"),
    ("2.2", "The third option (bigger model).", "correct"),
    ("2.2", "More steps: the model hasn't converged.", "incorrect"),
    ("2.2", "bigger batch, since it parallelises", "incorrect"),
    ("2.2", "Maybe more steps?", "needs_review"),
    ("2.2", "Increase the number of parameters rather than the number of steps.", "correct"),
    ("2.2", "Don't increase the model; train more steps.", "incorrect"),
    ("2.2", "A larger model is not the answer; use more steps", "incorrect"),
    ("2.2", "Use a model with 10x the parameters.", "correct"),
    ("2.2", "scale N, not B or S", "correct"),
]


def _id(question: str, text: str) -> str:
    return f"{question}-" + (re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:40] or "blank")


@pytest.mark.parametrize(
    ("question", "text", "verdict"),
    [
        pytest.param(
            q, t, v, id=_id(q, t), marks=[pytest.mark.xfail(strict=True, reason=GAPS[t])] if t in GAPS else []
        )
        for q, t, v in WORDINGS
    ],
)
def test_wording(key: Key, question: str, text: str, verdict: str) -> None:
    result = grade_choice(key.question(question), text)
    assert result.verdict == verdict, result.evidence
    assert result.verdict != "correct" or verdict == "correct"  # never a false accept


# Answers that reject, rank down, hedge or contradict the right option: never graded correct.
NEVER_CORRECT: list[tuple[str, str]] = [
    ("2.1.2a", "The answer is not C."),
    ("2.1.2a", "C is wrong; it's B."),
    ("2.1.2a", "anything but C"),
    ("2.1.2a", "C is the least efficient"),
    ("2.1.2a", "all except C"),
    ("2.1.2a", "if I had to choose, C, but not sure"),
    ("2.1.2a", "C is worse than B"),
    ("2.1.2a", "B > C"),
    ("2.1.2a", "not C"),
    ("2.1.2a", "A, B or C"),
    ("2.1.2a", "I don't think it's C"),
    ("2.1.2a", "C?"),
    ("2.1.2a", "C or maybe A"),
    ("2.1.2a", "B, definitely not C"),
    ("2.1.1", "It does not increase, it decreases."),
    ("2.1.1", "increase is wrong; decrease"),
    ("2.1.1", "the opposite of increasing"),
    ("2.1.1", "It increases? No, it decreases."),
    ("2.1.1", "lr is inversely related to batch size"),
    ("2.1.1", "lr ∝ B^{-1}"),
    ("2.1.1", "Most people say it increases, but it actually stays the same."),
    ("2.1.1", "it doesn't go up"),
    ("2.1.1", "not higher"),
    ("2.1.1", "It should never increase"),
    ("2.1.1", "the learning rate must shrink as B grows, not increase"),
    ("2.1.1", "increases or decreases"),
    ("2.1.1", "increases, decreases"),
    ("2.1.1", "I'd say increases, possibly"),
    ("2.2", "not a larger model"),
    ("2.2", "a larger model won't help; more steps"),
    ("2.2", "instead of a larger model, a larger batch"),
    ("2.2", "larger model or larger batch"),
    ("2.2", "A larger model is the worst option."),
    ("2.2", "Anything but a larger model."),
    ("2.2", "more steps > larger model"),
    ("2.2", "Training a bigger model is pointless; keep training."),
    ("2.2", "larger model?"),
    ("2.2", "the larger model overfits, so train longer"),
    ("2.1.2b", "A: curvature dominated, parallel compute. B: noise dominated, higher order optimizers."),
    ("2.1.2b", "A: noise dominated, parallel compute. B: noise dominated, higher order optimizers."),
    ("2.1.2b", "A: not noise dominated, parallel. B: curvature dominated, higher order."),
    ("2.1.2b", "A: noise dominated, parallel compute. B: maybe curvature, higher order optimizers."),
    ("2.1.2b", "B: noise dominated, parallel compute. A: curvature dominated, higher order optimizers."),
    ("2.1.2b", "A: noise, parallel. B: noise, higher order."),
    ("2.1.2b", "Both noise dominated; parallel for A, higher order for B."),
]


@pytest.mark.parametrize(("question", "text"), NEVER_CORRECT, ids=[_id(q, t) for q, t in NEVER_CORRECT])
def test_never_correct(key: Key, question: str, text: str) -> None:
    result = grade_choice(key.question(question), text)
    assert result.verdict != "correct", result.evidence


# Wordings met in submissions handed in as PDFs and notebooks: lines wrapped by the page, lists of
# rejected actions, faint praise.
WRAPPED_AND_LISTED = [
    (
        "2.1.1",
        "The optimal learning rate increases when the batch size increases (there is less\ngradient noise, roughly 1/B).",
        "correct",
    ),
    (
        "2.2",
        "The best option is to increase the model size; training longer or using a larger batch\ngives diminishing returns.",
        "correct",
    ),
    (
        "2.2",
        "Increase the model size; training longer or using a larger batch gives diminishing returns.",
        "correct",
    ),
    ("2.2", "A larger batch hardly helps; increase the model size.", "correct"),
    ("2.2", "pt A: a larger model\npt B: more steps", "needs_review"),
]


@pytest.mark.parametrize(
    ("qid", "text", "verdict"), WRAPPED_AND_LISTED, ids=[_id(q, t) for q, t, _ in WRAPPED_AND_LISTED]
)
def test_wrapped_lines_and_listed_rejections(key: Key, qid: str, text: str, verdict: str) -> None:
    result = grade_choice(key.question(qid), text)
    assert result.verdict == verdict, result.evidence
