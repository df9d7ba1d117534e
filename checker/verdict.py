"""Frozen result values shared by every stage: never bools, always with evidence.

* :class:`Equivalence` is what the equivalence cascade decides about a ``reference`` and a
  ``candidate``: ``equivalent``, ``not_equivalent`` or ``undecided``, with the stage that decided,
  the evidence in words, and the data behind it (points checked, error bound, counterexample).
* :class:`StepCheck` is one checked step of a student's chain (``derivcheck steps``).
* :class:`QuestionVerdict` is one graded question, the object the command-line contract prints.
* :class:`SubmissionResult` is one graded submission.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "VERDICTS",
    "Equivalence",
    "EquivalenceOutcome",
    "QuestionVerdict",
    "StepCheck",
    "StepStatus",
    "SubmissionResult",
    "VerdictLabel",
]

EquivalenceOutcome = Literal["equivalent", "not_equivalent", "undecided"]
VerdictLabel = Literal["correct", "incorrect", "unparsed", "needs_review", "missing", "error"]
StepStatus = Literal["given", "follows", "does_not_follow", "unparsed"]
VERDICTS: tuple[VerdictLabel, ...] = (
    "correct",
    "incorrect",
    "unparsed",
    "needs_review",
    "missing",
    "error",
)


@dataclass(frozen=True)
class Equivalence:
    """The decision of the equivalence cascade about ``reference`` vs ``candidate``.

    Attributes:
        outcome: ``equivalent``, ``not_equivalent`` or ``undecided`` (a timeout is undecided).
        method: the cascade stage that decided, e.g. ``symbolic``, ``random_instantiation``,
            ``shape``; ``none`` when no stage decided.
        evidence: one sentence for people: ``proved``, ``agrees at 8 random points (...)``,
            ``refuted at n=3, d=2, ...``.
        points: number of random points checked (0 for a symbolic decision).
        error_bound: for a randomized acceptance, an upper bound on the probability that
            non-equivalent expressions agree at every point checked; None otherwise.
        counterexample: for a refutation by instantiation, the point as ``(name, value)`` pairs
            in LaTeX, including both sides' values.
    """

    outcome: EquivalenceOutcome
    method: str
    evidence: str
    points: int = 0
    error_bound: float | None = None
    counterexample: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of every field."""
        return {
            "outcome": self.outcome,
            "method": self.method,
            "evidence": self.evidence,
            "points": self.points,
            "error_bound": self.error_bound,
            "counterexample": dict(self.counterexample) if self.counterexample else None,
        }


@dataclass(frozen=True)
class StepCheck:
    """One step of a chain as checked against the steps before it.

    Attributes:
        index: 1-based position in the chain.
        latex: the step's text as written.
        status: ``given`` (the first step, or a definition), ``follows``, ``does_not_follow``
            or ``unparsed``.
        reason: why, in words (the refuting point, the shapes that do not fit, the parse error).
        read_as: the step as read, rendered back to LaTeX (None when unparsed).
    """

    index: int
    latex: str
    status: StepStatus
    reason: str = ""
    read_as: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "latex": self.latex,
            "status": self.status,
            "reason": self.reason,
            "read_as": self.read_as,
        }


@dataclass(frozen=True)
class QuestionVerdict:
    """One graded question: the object ``check --format json`` prints.

    Attributes:
        question: the question id (``1.2.2``).
        verdict: one of :data:`VERDICTS`.
        score: points awarded.
        max_score: the question's points.
        feedback: what the student can act on (for ``error``, a staff-facing line; never a traceback).
        answer: the text taken as the answer (None when missing).
        read_as: the answer as read, rendered back to LaTeX.
        evidence: the equivalence evidence in words.
        answer_note: a stable tag for class statistics (``correct``, ``missing_factor_2``...).
        method: the cascade stage that decided (``symbolic``, ``random_instantiation``...).
        equivalence: the full equivalence decision, when one was made.
        steps: the checked steps of the question's chain (empty for ``check``).
        first_invalid: 1-based index of the first step that does not follow, or None.
        internal: staff-only detail (a traceback) for ``error`` verdicts; never shown to students.
        location: where in the submission file the answer was found (``s.tex, line 12``,
            ``nb.ipynb, cell 4, line 2``), when graded from a file.
    """

    question: str
    verdict: VerdictLabel
    score: float
    max_score: float
    feedback: str
    answer: str | None = None
    read_as: str | None = None
    evidence: str | None = None
    answer_note: str | None = None
    method: str | None = None
    equivalence: Equivalence | None = None
    steps: tuple[StepCheck, ...] = ()
    first_invalid: int | None = None
    internal: str | None = field(default=None, compare=False)
    # Where, not what: two students' equal answers are equal verdicts wherever they wrote them.
    location: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got verdict={self.verdict!r}")
        if not 0 <= self.score <= self.max_score + 1e-9:
            raise ValueError(
                f"score must lie in [0, max_score], got score={self.score}, max_score={self.max_score}"
            )

    @classmethod
    def missing(
        cls, question: str, max_score: float, feedback: str, *, answer: str | None = None
    ) -> QuestionVerdict:
        """A question with no answer: verdict and answer note ``missing``, zero points.

        >>> QuestionVerdict.missing("3.2", 1.0, "No answer labelled 3.2 was found.").score
        0.0
        """
        return cls(
            question=question,
            verdict="missing",
            score=0.0,
            max_score=max_score,
            feedback=feedback,
            answer=answer,
            answer_note="missing",
        )

    @classmethod
    def error(
        cls,
        question: str,
        max_score: float,
        feedback: str,
        note: str,
        *,
        answer: str | None = None,
        internal: str | None = None,
    ) -> QuestionVerdict:
        """A question that could not be checked automatically: verdict ``error``, zero points.

        ``feedback`` says why in words a student may read; ``internal`` (a traceback, a worker's
        report) is for staff only.

        >>> QuestionVerdict.error("3.2", 1.0, "time limit (2 s) exceeded", "time_limit").answer_note
        'time_limit'
        """
        return cls(
            question=question,
            verdict="error",
            score=0.0,
            max_score=max_score,
            feedback=feedback,
            answer=answer,
            answer_note=note,
            internal=internal,
        )

    def to_json(self, *, include_internal: bool = False) -> dict[str, Any]:
        """The contract's JSON object (``internal`` only when asked, for staff)."""
        out: dict[str, Any] = {
            "question": self.question,
            "verdict": self.verdict,
            "score": self.score,
            "max_score": self.max_score,
            "feedback": self.feedback,
            "answer": self.answer,
            "read_as": self.read_as,
            "evidence": self.evidence,
            "answer_note": self.answer_note,
            "method": self.method,
            "equivalence": self.equivalence.to_json() if self.equivalence else None,
            "steps": [s.to_json() for s in self.steps],
            "first_invalid": self.first_invalid,
            "location": self.location,
        }
        if include_internal:
            out["internal"] = self.internal
        return out


@dataclass(frozen=True)
class SubmissionResult:
    """One graded submission.

    Attributes:
        submission: the submission's path or name as given.
        questions: one verdict per key question, in key order.
        warnings: problems with the submission itself (no labels found, a label given twice...).
        error: set when the submission could not be graded at all (unreadable file); the
            questions are then all ``error`` verdicts worth 0, so nothing is silently dropped.
    """

    submission: str
    questions: tuple[QuestionVerdict, ...]
    warnings: tuple[str, ...] = ()
    error: str | None = None

    @property
    def score(self) -> float:
        return round(sum(q.score for q in self.questions), 6)

    @property
    def max_score(self) -> float:
        return round(sum(q.max_score for q in self.questions), 6)

    def to_json(self) -> dict[str, Any]:
        return {
            "submission": self.submission,
            "score": self.score,
            "max_score": self.max_score,
            "questions": [q.to_json() for q in self.questions],
            "warnings": list(self.warnings),
            "error": self.error,
        }
