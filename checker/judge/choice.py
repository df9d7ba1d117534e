"""Grade short written answers (choice questions) as a TA reads them.

Each :class:`~checker.key.ChoicePart` describes its options by concepts (phrases, a direction of a
quantity, a letter, a position; see :class:`~checker.key.ChoiceOption`).  The reader
(:mod:`checker.judge.short`) splits the answer into clauses with their roles, attributes them to
the question's scopes, finds each option's mentions and judges them in context (negation,
premises, rejected alternatives, hedges), then decides each part.  Every verdict names the words
that decided it.

The two entry points: :func:`grade_choice` (a question's verdict) and :func:`decide_part` (one
part's decision, for a claim inside another kind of question).
"""

from __future__ import annotations

from checker.judge.short import PartDecision, read_answer
from checker.key import ChoicePart, Question
from checker.verdict import QuestionVerdict

__all__ = ["PartDecision", "decide_part", "grade_choice"]


def decide_part(question: Question, part: ChoicePart, text: str) -> PartDecision:
    """Read which option of ``part`` the answer chooses.

    Args:
        question: the question the part belongs to (its scopes and cues).
        part: the part to read.
        text: the student's answer.

    Returns:
        The decision; ``chosen`` is None when the answer leaves it to a TA (no option, several
        with the right one among them, a hedge, a double negation).

    >>> from checker.key import load_key
    >>> q = load_key(validate_latex=False).question("2.1.1")
    >>> decide_part(q, q.parts[0], "It does not decrease; it goes up.").chosen
    'increases'
    """
    return read_answer(question, text, (part,)).decisions[0]


def grade_choice(question: Question, answer: str) -> QuestionVerdict:
    """Grade a choice question: each part right, wrong or undecided.

    Score = points × (right parts / parts).  Any undecided part → ``needs_review`` (with the
    partial score of the decided parts, feedback naming the part and why); all right →
    ``correct``; otherwise ``incorrect`` naming each wrong part and the expected option.  An
    answer that says it is none ("did not finish", "?") is ``incorrect`` with no points.

    Args:
        question: a question of kind ``choice``.
        answer: the student's text (kept in the verdict's ``answer`` for the TA).

    Returns:
        The verdict; ``read_as`` names the option read per part, ``evidence`` the words that
        decided each.

    >>> from checker.key import load_key
    >>> grade_choice(load_key(validate_latex=False).question("2.2"),
    ...              "More steps barely help; the best option is a larger model.").verdict
    'correct'
    """
    if not answer.strip():
        return QuestionVerdict.missing(
            question.id, question.points, f"No answer was found for question {question.id}.", answer=answer
        )
    reading = read_answer(question, answer)
    decisions = reading.decisions
    read_as = reading.signature
    if reading.blank is not None and all(d.chosen is None for d in decisions):
        return QuestionVerdict(
            question=question.id,
            verdict="incorrect",
            score=0.0,
            max_score=question.points,
            feedback=f"Your answer does not choose an option ('{reading.blank}').",
            answer=answer,
            read_as=read_as,
            evidence=f"no answer given: '{reading.blank}'",
            answer_note="no_answer",
            method="choice",
        )
    right = sum(d.right for d in decisions)
    score = round(question.points * right / len(decisions), 6)
    evidence = "; ".join(f"{d.part}: {d.reason}" for d in decisions)
    undecided = [d for d in decisions if d.chosen is None]
    wrong = [d for d in decisions if d.chosen is not None and not d.right]
    if undecided:
        names = ", ".join(f"'{d.part}' ({d.reason})" for d in undecided)
        feedback = (
            f"The checker could not tell which option your answer chooses for {names}; a TA will review it."
        )
        verdict, note = "needs_review", "undecided_choice"
    elif wrong:
        feedback = " ".join(
            f"For '{d.part}' your answer reads as '{d.chosen}'; the expected answer is '{d.expected}'."
            for d in wrong
        )
        verdict, note = "incorrect", "wrong_choice"
    else:
        feedback, verdict, note = "Correct.", "correct", "correct"
    return QuestionVerdict(
        question=question.id,
        verdict=verdict,  # type: ignore[arg-type]
        score=score,
        max_score=question.points,
        feedback=feedback,
        answer=answer,
        read_as=read_as,
        evidence=evidence,
        answer_note=note,
        method="choice",
    )
