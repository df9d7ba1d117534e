"""Review by answer groups: a TA decides each group of undecided answers once.

A graded class (the JSON lines of ``derivcheck grade --format json``) holds answers the checker
left to a TA: ``needs_review`` (and ``error``, which a TA grades by hand).  Per question they are
grouped by meaning, not by spelling:

* **short answers** by the reading's option signature: what was read per part and, for an
  undecided part, why ("hedged: increases", "several: A, C").  "maybe it increases" and
  "probably increases, not sure" land in one group; "it depends on the dataset" in another;
* **math answers** by proven equivalence: one group per equivalence class, each answer compared
  with the class representatives by :func:`checker.engine.compare` in budgeted workers (a
  comparison that runs out of budget keeps the answers apart: never merged on a guess).

A :class:`Decision` is made on a group and recorded with the answer texts it was made on; it
applies to an answer only when that answer's normalized text is one of them, so it reaches every
member of its group and nothing else, and it survives regrading (``grade --decisions FILE``).
Decisions are kept in a plain file (TOML or JSON lines, see :func:`write_decisions`) that a TA
may also fill in an editor, and can be folded into the key (:mod:`checker.run.keyfold`).
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from checker.config import Budget
from checker.errors import CheckerError
from checker.judge.short import read_answer
from checker.key import Key, Question
from checker.verdict import QuestionVerdict, SubmissionResult

__all__ = [
    "AnswerGroup",
    "Decision",
    "ReviewError",
    "ReviewItem",
    "apply_decisions",
    "decide",
    "group_items",
    "normalize_answer",
    "pending_groups",
    "read_decisions",
    "read_graded",
    "review_items",
    "toml_string",
    "write_decisions",
]

UNDECIDED = ("needs_review", "error")
DecisionVerdict = Literal["correct", "incorrect"]


class ReviewError(CheckerError):
    """A graded-class file or a decisions file that cannot be read: its path and line say where.

    Fix: pass the JSON lines of ``derivcheck grade --format json``; in a decisions file, give each
    ``[[decision]]`` a ``question``, ``answers`` and a ``verdict`` of "correct" or "incorrect".
    """


@dataclass(frozen=True)
class ReviewItem:
    """One answer of one submission that a TA must decide.

    Attributes:
        submission: the submission's name.
        question: the question id.
        answer: the answer as graded (None when none was read).
        verdict: the checker's verdict (``needs_review`` or ``error``).
        score: the points the checker gave (partial for decided parts).
        max_score: the question's points.
        read_as: what the checker read (the option signature for short answers).
        evidence: why it was left undecided.
    """

    submission: str
    question: str
    answer: str | None
    verdict: str
    score: float
    max_score: float
    read_as: str | None = None
    evidence: str | None = None


@dataclass(frozen=True)
class AnswerGroup:
    """Answers to one question that a TA decides at once.

    Attributes:
        question: the question id.
        kind: ``short`` (a choice question) or ``math``.
        basis: what the members share, in words (an option signature, an equivalence class).
        members: the answers, in class order.
    """

    question: str
    kind: Literal["short", "math"]
    basis: str
    members: tuple[ReviewItem, ...]

    @property
    def id(self) -> str:
        """A stable name: the question and a digest of the basis (``2.1.1/3f9a0c2e``)."""
        return f"{self.question}/{hashlib.sha1(self.basis.encode()).hexdigest()[:8]}"

    @property
    def size(self) -> int:
        """How many answers the group holds."""
        return len(self.members)

    @property
    def texts(self) -> tuple[str, ...]:
        """The distinct answer texts, as written, in order of first appearance."""
        return tuple(dict.fromkeys(m.answer or "" for m in self.members))


@dataclass(frozen=True)
class Decision:
    """A TA's decision on a group, with the answer texts it was made on.

    Attributes:
        question: the question id.
        verdict: ``correct`` or ``incorrect``.
        score: the points it gives each answer (default: full marks when correct, else 0).
        answers: the answer texts (as written) the decision was made on.
        feedback: what the student reads (default: a line naming the TA's decision).
        group: the group's id when it was made (for the record).
        basis: the group's basis when it was made (for the record).
        kind: ``short`` or ``math`` (how texts are normalized to match).
    """

    question: str
    verdict: DecisionVerdict
    score: float
    answers: tuple[str, ...]
    feedback: str = ""
    group: str = ""
    basis: str = ""
    kind: Literal["short", "math"] = "short"

    def covers(self, question: str, answer: str | None) -> bool:
        """This decision was made on this answer to this question (texts compared normalized).

        >>> d = Decision("2.1.1", "correct", 1.0, ("Maybe it  increases",))
        >>> d.covers("2.1.1", "maybe it increases"), d.covers("2.1.1", "it decreases")
        (True, False)
        """
        if question != self.question or answer is None:
            return False
        target = normalize_answer(answer, self.kind)
        return any(normalize_answer(text, self.kind) == target for text in self.answers)


def normalize_answer(text: str, kind: Literal["short", "math"] = "short") -> str:
    """An answer's text as decisions match it: spacing and (for prose) case do not count.

    >>> normalize_answer("  Maybe  it\\nIncreases. ")
    'maybe it increases.'
    >>> normalize_answer("(X^T X)^{-1} X^T t", "math")
    '(X^TX)^{-1}X^Tt'
    """
    if kind == "math":
        return re.sub(r"\s+", "", text)
    return re.sub(r"\s+", " ", text).strip().lower()


# ----------------------------------------------------------------------------------------------
# reading a graded class
# ----------------------------------------------------------------------------------------------


def read_graded(path: str | Path) -> list[dict[str, Any]]:
    """The submissions of a graded class: the JSON lines of ``derivcheck grade --format json``.

    Raises:
        ReviewError: when the file cannot be read or a line is not a submission object.
    """
    source = str(path)
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ReviewError(
            f"expected a readable JSON-lines file of graded submissions, found {exc.strerror or exc}; "
            "fix: pass the --out file of `derivcheck grade --format json`",
            where=source,
        ) from exc
    out: list[dict[str, Any]] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ReviewError(
                f"expected one JSON object per line, found invalid JSON at line {number} ({exc.msg}); "
                "fix: regrade with --format json, or drop the line",
                where=source,
            ) from exc
        if not isinstance(obj, dict) or not isinstance(obj.get("questions"), list):
            raise ReviewError(
                f"expected a submission object with 'questions' at line {number}, found {type(obj).__name__}; "
                "fix: pass the output of `derivcheck grade --format json`",
                where=source,
            )
        out.append(obj)
    return out


def review_items(graded: Iterable[Mapping[str, Any]]) -> list[ReviewItem]:
    """The answers of a graded class that a TA must decide (``needs_review``, ``error``).

    >>> review_items([{"submission": "s1", "questions": [
    ...     {"question": "2.2", "verdict": "needs_review", "score": 0, "max_score": 1, "answer": "either"},
    ...     {"question": "3.2", "verdict": "correct", "score": 1, "max_score": 1, "answer": "x"}]}])[0].answer
    'either'
    """
    items: list[ReviewItem] = []
    for sub in graded:
        for q in sub.get("questions", ()):
            if q.get("verdict") in UNDECIDED:
                items.append(
                    ReviewItem(
                        submission=str(sub.get("submission", "?")),
                        question=str(q.get("question")),
                        answer=q.get("answer"),
                        verdict=str(q.get("verdict")),
                        score=float(q.get("score") or 0.0),
                        max_score=float(q.get("max_score") or 0.0),
                        read_as=q.get("read_as"),
                        evidence=q.get("evidence"),
                    )
                )
    return items


# ----------------------------------------------------------------------------------------------
# grouping
# ----------------------------------------------------------------------------------------------


def short_basis(question: Question, answer: str) -> str:
    """A short answer's option signature: the option read per part, or why it is undecided.

    >>> from checker.key import load_key
    >>> q = load_key(validate_latex=False).question("2.1.1")
    >>> short_basis(q, "maybe it increases"), short_basis(q, "probably goes up, not sure")
    ('learning rate=?(increases)', 'learning rate=?(increases)')
    """
    reading = read_answer(question, answer)
    if reading.blank is not None:
        return "no answer"
    parts = []
    for d in reading.decisions:
        if d.chosen is not None and d.why == "chosen":
            parts.append(f"{d.part}={d.chosen}")
        elif d.asserted:
            # hedged, several or self-contradicting: undecided between the same options alike
            parts.append(f"{d.part}=?({' or '.join(sorted(d.asserted))})")
        else:
            parts.append(f"{d.part}=?({d.why})")
    return "; ".join(parts)


def group_items(
    items: Sequence[ReviewItem],
    key: Key,
    *,
    budget: Budget = Budget(),
    pool: Any = None,
    equivalence: bool = True,
) -> list[AnswerGroup]:
    """Group the answers a TA must decide, per question, by meaning.

    Args:
        items: answers to decide (:func:`review_items`).
        key: the key they were graded with.
        budget: time and memory for each equivalence check (math answers).
        pool: a :class:`~checker.run.sandbox.WorkerPool` whose context is ``key``; by default
            one is started when math answers need comparing.
        equivalence: compare math answers with the engine; False groups them by normalized
            text only (a quick summary, no worker started).

    Returns:
        Groups, largest first within each question, questions in key order.

    >>> from checker.key import load_key
    >>> items = [ReviewItem(f"s{i}", "2.1.1", t, "needs_review", 0, 1)
    ...          for i, t in enumerate(["maybe increases", "Maybe it goes up?", "depends on the model"])]
    >>> [g.size for g in group_items(items, load_key(validate_latex=False))]
    [2, 1]
    """
    by_question: dict[str, list[ReviewItem]] = {}
    for item in items:
        by_question.setdefault(item.question, []).append(item)
    order = {q.id: i for i, q in enumerate(key.questions)}
    groups: list[AnswerGroup] = []
    math: dict[str, list[ReviewItem]] = {}
    for qid in sorted(by_question, key=lambda q: order.get(q, len(order))):
        question = key.question(qid) if qid in order else None
        members = by_question[qid]
        if question is not None and question.kind == "choice":
            groups += _group_by(qid, "short", members, lambda it, q=question: _short_key(q, it))
        elif equivalence and question is not None and any(m.answer for m in members):
            math[qid] = members
        else:
            groups += _group_by(
                qid,
                "math",
                members,
                lambda it: normalize_answer(it.answer, "math") if it.answer else "no answer",
            )
    if math:
        groups += _math_groups(math, key, budget, pool)
    groups.sort(key=lambda g: (order.get(g.question, len(order)), -g.size, g.basis))
    return groups


def _short_key(question: Question, item: ReviewItem) -> str:
    if item.verdict == "error" or not item.answer:
        return f"{item.verdict}: {item.evidence or 'no answer'}"
    return short_basis(question, item.answer)


def _group_by(
    qid: str, kind: Literal["short", "math"], members: Sequence[ReviewItem], basis_of: Any
) -> list[AnswerGroup]:
    buckets: dict[str, list[ReviewItem]] = {}
    for m in members:
        buckets.setdefault(basis_of(m), []).append(m)
    return [AnswerGroup(qid, kind, basis, tuple(ms)) for basis, ms in buckets.items()]


def equivalent_answers(key: Key, qid: str, first: str, second: str) -> bool:
    """Whether two answers to a math question are proven (or checked) equivalent; run in a worker.

    Args:
        key: the key (the worker's context).
        qid: the question.
        first: one answer's LaTeX.
        second: the other's.

    Returns:
        True only when the engine decides ``equivalent``; False when it refutes or cannot
        decide (then the answers stay in separate groups).
    """
    from checker import latex  # noqa: PLC0415  (in the worker only)
    from checker.engine import compare  # noqa: PLC0415
    from checker.judge import default_engine, key_side  # noqa: PLC0415

    question = key.question(qid)
    side = key_side(question, default_engine())
    try:
        a = latex.parse(first, question.symbols, options=question.options).sides[-1]
        b = latex.parse(second, question.symbols, options=question.options).sides[-1]
    except CheckerError:
        return False
    return bool(compare(a, b, question.symbols, definitions=side.definitions).outcome == "equivalent")


def _math_groups(
    math: Mapping[str, list[ReviewItem]], key: Key, budget: Budget, pool: Any
) -> list[AnswerGroup]:
    if pool is None:
        from checker.run.sandbox import WorkerPool  # noqa: PLC0415

        with WorkerPool(budget, context=key) as own:
            return _math_groups(math, key, budget, own)
    groups: list[AnswerGroup] = []
    for qid, members in math.items():
        # Identical texts first (no engine needed), then one comparison per class representative.
        by_text: dict[str, list[ReviewItem]] = {}
        for m in members:
            by_text.setdefault(normalize_answer(m.answer or "", "math"), []).append(m)
        classes: list[tuple[str, list[ReviewItem]]] = []
        for text, same in by_text.items():
            if not text:
                classes.append(("", list(same)))
                continue
            reps = [(i, rep) for i, (rep, _) in enumerate(classes) if rep]
            tasks = [
                (i, pool.submit_with_context(equivalent_answers, qid, rep, same[0].answer)) for i, rep in reps
            ]
            joined = next((i for i, task in tasks if task.result().ok and task.result().value), None)
            if joined is None:
                classes.append((text, list(same)))
            else:
                classes[joined][1].extend(same)
        for rep, ms in classes:
            basis = f"equivalent to {ms[0].answer}" if rep else "no answer"
            groups.append(AnswerGroup(qid, "math", basis, tuple(ms)))
    return groups


def pending_groups(groups: Sequence[AnswerGroup], decisions: Sequence[Decision]) -> list[AnswerGroup]:
    """The groups some member of which no decision covers yet."""
    return [
        g
        for g in groups
        if not all(any(d.covers(m.question, m.answer) for d in decisions) for m in g.members)
    ]


def decide(
    group: AnswerGroup, verdict: DecisionVerdict, *, score: float | None = None, feedback: str = ""
) -> Decision:
    """A TA's decision on a group, recorded with its members' texts.

    >>> g = AnswerGroup("2.2", "short", "b", (ReviewItem("s", "2.2", "either one", "needs_review", 0, 1),))
    >>> decide(g, "incorrect").score
    0.0
    """
    full = max((m.max_score for m in group.members), default=0.0)
    points = full if score is None and verdict == "correct" else (score or 0.0)
    if not 0 <= points <= full + 1e-9:
        raise ValueError(f"expected a score in [0, {full}], found score={points}")
    return Decision(
        question=group.question,
        verdict=verdict,
        score=points,
        answers=group.texts,
        feedback=feedback,
        group=group.id,
        basis=group.basis,
        kind=group.kind,
    )


# ----------------------------------------------------------------------------------------------
# applying decisions to a regraded class
# ----------------------------------------------------------------------------------------------


def apply_decisions(result: SubmissionResult, decisions: Sequence[Decision]) -> SubmissionResult:
    """A submission with every answer a decision covers graded as the TA decided.

    An answer is covered when its question and its normalized text match the decision's; the
    rest is untouched.

    >>> from checker.verdict import QuestionVerdict
    >>> v = QuestionVerdict("2.2", "needs_review", 0.0, 1.0, "?", answer="either one")
    >>> r = SubmissionResult("s1", (v,))
    >>> d = Decision("2.2", "incorrect", 0.0, ("Either one",))
    >>> apply_decisions(r, [d]).questions[0].verdict
    'incorrect'
    """
    if not decisions:
        return result
    questions = tuple(_decided(v, decisions) for v in result.questions)
    return replace(result, questions=questions)


def _decided(verdict: QuestionVerdict, decisions: Sequence[Decision]) -> QuestionVerdict:
    decision = next((d for d in decisions if d.covers(verdict.question, verdict.answer)), None)
    if decision is None:
        return verdict
    feedback = decision.feedback or f"A TA reviewed your answer and graded it {decision.verdict}."
    return replace(
        verdict,
        verdict=decision.verdict,
        score=min(decision.score, verdict.max_score),
        feedback=feedback,
        evidence=f"decided by a TA (group {decision.group or '?'}: {decision.basis or 'same text'})",
        answer_note="ta_decision",
        method="ta_decision",
    )


# ----------------------------------------------------------------------------------------------
# the decisions file
# ----------------------------------------------------------------------------------------------

_HEADER = """\
# derivcheck review decisions: one [[decision]] per group of answers.
# Set verdict = "correct" or "incorrect" (score: points, default full marks or 0; feedback: what
# the student reads). A decision applies to exactly the answers listed, compared without case and
# extra spaces, in `derivcheck grade --decisions FILE` and later reviews.
"""


def toml_string(text: str) -> str:
    """A TOML basic string holding ``text`` (one is a JSON string).

    >>> toml_string('say "hi"')
    '"say \\\\"hi\\\\""'
    """
    return json.dumps(text, ensure_ascii=False)  # a TOML basic string is a JSON string


def write_decisions(
    path: str | Path, decisions: Sequence[Decision], pending: Sequence[AnswerGroup] = ()
) -> None:
    """Write decisions (and the groups still pending, with an empty verdict to fill in).

    ``.jsonl``/``.json`` files get one JSON object per line; anything else TOML.
    """
    target = Path(path)
    rows = [_row(d) for d in decisions] + [
        {
            "question": g.question,
            "verdict": "",
            "score": None,
            "feedback": "",
            "group": g.id,
            "basis": g.basis,
            "kind": g.kind,
            "answers": list(g.texts),
            "size": g.size,
        }
        for g in pending
    ]
    if target.suffix in (".jsonl", ".json"):
        text = "".join(
            json.dumps({k: v for k, v in r.items() if v is not None}, ensure_ascii=False) + "\n" for r in rows
        )
    else:
        blocks = [_HEADER]
        for r in rows:
            lines = ["[[decision]]"]
            for name in ("question", "verdict", "score", "feedback", "group", "basis", "kind", "size"):
                value = r.get(name)
                if value is None:
                    continue
                lines.append(f"{name} = {toml_string(value) if isinstance(value, str) else value}")
            lines.append("answers = [")
            lines += [f"    {toml_string(a)}," for a in r["answers"]]
            lines.append("]")
            blocks.append("\n".join(lines) + "\n")
        text = "\n".join(blocks)
    target.write_text(text, encoding="utf-8")


def _row(d: Decision) -> dict[str, Any]:
    return {
        "question": d.question,
        "verdict": d.verdict,
        "score": d.score,
        "feedback": d.feedback,
        "group": d.group,
        "basis": d.basis,
        "kind": d.kind,
        "answers": list(d.answers),
    }


def read_decisions(path: str | Path) -> list[Decision]:
    """The decisions of a file written by :func:`write_decisions` or by hand (TOML or JSON lines).

    Entries whose verdict is still empty are pending, not decisions: they are skipped.

    Raises:
        ReviewError: naming the file and the entry that cannot be read.
    """
    source = str(path)
    target = Path(path)
    if not target.exists():
        return []
    text = target.read_text(encoding="utf-8")
    rows: list[Any]
    try:
        if target.suffix in (".jsonl", ".json"):
            rows = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            rows = tomllib.loads(text).get("decision", [])
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ReviewError(
            f"expected a decisions file (TOML [[decision]] tables or JSON lines), found: {exc}; fix: correct the syntax",
            where=source,
        ) from exc
    out: list[Decision] = []
    for number, row in enumerate(rows, 1):
        if not isinstance(row, dict) or not row.get("verdict"):
            continue
        verdict = row.get("verdict")
        answers = row.get("answers")
        if (
            verdict not in ("correct", "incorrect")
            or not isinstance(answers, list)
            or not row.get("question")
        ):
            raise ReviewError(
                f"expected decision {number} to have question, answers = [...] and verdict = "
                f'"correct" or "incorrect", found verdict={verdict!r}; fix: correct that entry',
                where=source,
            )
        score = row.get("score")
        out.append(
            Decision(
                question=str(row["question"]),
                verdict=verdict,
                score=float(score)
                if isinstance(score, int | float)
                else (1.0 if verdict == "correct" else 0.0),
                answers=tuple(str(a) for a in answers),
                feedback=str(row.get("feedback") or ""),
                group=str(row.get("group") or ""),
                basis=str(row.get("basis") or ""),
                kind="math" if row.get("kind") == "math" else "short",
            )
        )
    return out
