"""Checking untrusted answers under a budget: one answer, a batch, a chain of steps.

The entry points of ``derivcheck check`` and ``derivcheck steps``.  Each runs the in-process
stages (:func:`checker.judge.answer.judge`, :func:`checker.judge.steps.check_steps`) inside a
:class:`~checker.run.sandbox.WorkerPool` worker under :class:`~checker.config.Budget`, and turns what
the pool reports into verdicts: a time or memory limit is an ``error`` verdict that a TA grades
by hand (undecided, never wrong), and one bad record never stops a batch.  A batch and a chain
stream through the pool's one windowed-submit loop (:class:`~checker.run.window.Window`): a batch
one task per record, results in input order; a chain one task per step, each under its own
budget.  A task whose worker is killed under it runs once more on another worker.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, TYPE_CHECKING, Any

from checker.config import Budget, EquivalenceConfig, GradeConfig
from checker.errors import BudgetExceeded, CheckerError
from checker.judge.answer import internal_error, judge, warm_key
from checker.key import Key, Question
from checker.run.sandbox import Outcome, Window, WorkerPool
from checker.verdict import QuestionVerdict, StepCheck

if TYPE_CHECKING:
    from checker.judge.steps import StepsResult

__all__ = [
    "CHAIN_BUDGETED_STEPS",
    "MAX_LINE_BYTES",
    "check_answer",
    "check_batch",
    "check_chain",
    "read_json_lines",
    "too_long",
    "verdict_from_outcome",
]


def _judge_task(
    question: Question,
    answer: str,
    config: EquivalenceConfig,
    prior: dict[str, str] | None,
    key: Key | None,
) -> QuestionVerdict:
    """Run in a worker: judge one answer (top-level so that it pickles under spawn)."""

    return judge(question, answer, config=config, prior=prior, key=key)


def _judge_by_id(
    key: Key, qid: str, answer: str, config: EquivalenceConfig, prior: dict[str, str] | None
) -> QuestionVerdict:
    """Run in a worker whose pool context is ``key``: judge one answer to question ``qid``.

    Only the id, the answer, the knobs and the prior travel; the question is the worker's own
    key's.  Under fork that is the very object the parent warmed (:func:`checker.judge.answer.warm_key`),
    so every cache keyed on it hits by identity instead of comparing a fresh copy field by field.
    The key itself is passed on only for follow-through (a ``prior``), as :func:`check_answer` does.
    """
    return _judge_task(key.question(qid), answer, config, prior, key if prior else None)


def too_long(question: Question, answer: str, budget: Budget) -> QuestionVerdict | None:
    """An ``unparsed`` verdict for an answer longer than the budget allows, or None when it fits.

    Checked before any parsing, in the parent process: no work is spent on a 1 MB answer.

    >>> from checker.key import load_key
    >>> q = load_key(validate_latex=False).question("3.2")
    >>> too_long(q, "p" * 30, Budget(max_input_chars=20)).answer_note
    'too_long'
    """
    if len(answer) <= budget.max_input_chars:
        return None
    return QuestionVerdict(
        question=question.id,
        verdict="unparsed",
        score=0.0,
        max_score=question.points,
        feedback=(
            f"Your answer is too long to check: expected at most {budget.max_input_chars} characters, "
            f"found length={len(answer)}. Shorten it to the final expression; a TA can grade it by hand."
        ),
        answer=answer[:200] + "…",
        answer_note="too_long",
    )


def verdict_from_outcome(
    question: Question, outcome: Outcome[Any], budget: Budget, *, answer: str | None = None
) -> QuestionVerdict:
    """The verdict a worker's outcome stands for: its value, or an ``error`` for a TA.

    An overrun is undecided, never wrong: time and memory limits say so; anything else (a crash,
    our bug) is an internal error whose detail stays in the staff-only ``internal`` field.

    Args:
        question: the question the task judged.
        outcome: what the worker pool reported.
        budget: the budget the task ran under (named in the feedback).
        answer: the answer text, echoed in the verdict.

    Returns:
        The worker's verdict, or an ``error`` verdict worth 0.

    >>> from checker.key import load_key
    >>> q = load_key(validate_latex=False).question("3.2")
    >>> verdict_from_outcome(q, Outcome(error="time limit"), Budget(seconds=2)).feedback
    'time limit (2 s) exceeded; a TA will grade it by hand'
    """
    if outcome.ok and isinstance(outcome.value, QuestionVerdict):
        return outcome.value
    if outcome.error == "time limit":
        feedback = f"time limit ({budget.seconds:g} s) exceeded; a TA will grade it by hand"
        note = "time_limit"
    elif outcome.error == "memory limit":
        feedback = f"memory limit ({budget.memory_mb} MiB) exceeded; a TA will grade it by hand"
        note = "memory_limit"
    else:
        return internal_error(question, answer, f"{outcome.error}: {outcome.detail}")
    return QuestionVerdict.error(
        question.id,
        question.points,
        feedback,
        note,
        answer=answer,
        internal=f"{outcome.error}: {outcome.detail}",
    )


def check_answer(
    key: Key,
    qid: str,
    answer: str,
    *,
    config: GradeConfig = GradeConfig(),
    pool: WorkerPool | None = None,
) -> QuestionVerdict:
    """Judge one answer to question ``qid`` in a budgeted worker (``derivcheck check``).

    Args:
        key: the answer key.
        qid: the question id.
        answer: the answer's LaTeX (or prose for a choice question).
        config: budget and equivalence knobs.
        pool: a pool to reuse; by default a one-worker pool is started for this call.

    Returns:
        The verdict; a time or memory overrun is an ``error`` verdict for a TA, never a zero.

    Raises:
        UnknownQuestionError: when the key has no question ``qid``.

    >>> from checker.key import load_key
    >>> check_answer(load_key(validate_latex=False), "2.2", "increase the model size").verdict
    'correct'
    """
    question = key.question(qid)
    budget = pool.budget if pool is not None else config.budget
    refused = too_long(question, answer, budget)
    if refused is not None:
        return refused
    if pool is not None:
        outcome = pool.run(_judge_task, question, answer, config.equivalence, None, None)
    else:
        with WorkerPool(budget) as own:
            outcome = own.run(_judge_task, question, answer, config.equivalence, None, None)
    return verdict_from_outcome(question, outcome, budget, answer=answer)


#: A batch line longer than this is refused unread (a record is a question id and an answer).
MAX_LINE_BYTES = 4 * 1024 * 1024


def _lines(stream: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | None]]:
    """``(number, line)`` of a byte stream, ``line`` None for one longer than ``limit`` bytes
    (skipped in pieces of ``limit``, never held whole)."""
    number = 0
    while raw := stream.readline(limit + 1):
        number += 1
        if len(raw) <= limit:
            yield number, raw
            continue
        while not raw.endswith(b"\n") and (raw := stream.readline(limit)):
            pass
        yield number, None


def read_json_lines(stream: IO[bytes], *, max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[dict[str, Any]]:
    """The records of a JSON-lines batch, read as bytes; a bad line becomes a record that says why.

    Each line is decoded as UTF-8 and parsed on its own, so one bad line never stops the batch.
    A line that is not UTF-8, not JSON, nested too deep for the decoder, not an object, or that
    holds a lone surrogate (``"\\ud800"``: not Unicode text, and not writable as UTF-8) gives
    ``{"_line": N, "_invalid": why}`` (with the line's fields echoed, surrogates replaced by
    U+FFFD, when it parsed), which :func:`check_batch` turns into an ``error`` verdict.  Blank
    lines are skipped.

    A line longer than ``max_line_bytes`` is refused the same way, without being held in memory.

    Args:
        stream: the batch as bytes (a file opened ``"rb"``, ``sys.stdin.buffer``).
        max_line_bytes: the longest line read.

    Returns:
        An iterator of dicts, one per non-blank line, in order.

    >>> import io
    >>> [r.get("_invalid", r.get("id")) for r in read_json_lines(io.BytesIO(b'{"id": 1}\\n\\xff\\n'))]
    [1, 'line 2 is not UTF-8 text: byte 0xff at column 1; fix: save the batch as UTF-8']
    """
    for number, raw in _lines(stream, max_line_bytes):
        if raw is None:
            yield {
                "_line": number,
                "_invalid": f"line {number} is longer than {max_line_bytes:,} bytes; fix: one record per "
                "line, with the answer's final expression only",
            }
            continue
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield {
                "_line": number,
                "_invalid": f"line {number} is not UTF-8 text: byte 0x{raw[exc.start]:02x} at column "
                f"{exc.start + 1}; fix: save the batch as UTF-8",
            }
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield {"_line": number, "_invalid": f"line {number} is not JSON: {exc.msg} at column {exc.colno}"}
            continue
        except RecursionError:  # the decoder recurses per bracket: 100,000 `[` exhausts the stack
            yield {
                "_line": number,
                "_invalid": f"line {number} is nested too deep to read; fix: one flat JSON object per line",
            }
            continue
        if not isinstance(obj, dict):
            yield {
                "_line": number,
                "_invalid": f"line {number} is not a JSON object, found {type(obj).__name__}",
            }
            continue
        text = json.dumps(obj, ensure_ascii=False)
        if _SURROGATE.search(text):
            clean = json.loads(_SURROGATE.sub("\ufffd", text))
            clean.update(
                _line=number,
                _invalid=f"line {number} holds a lone surrogate in a string (an escape like \\ud800 that "
                "is not Unicode text); fix: write the text as UTF-8",
            )
            yield clean
            continue
        yield obj


_SURROGATE = re.compile("[\ud800-\udfff]")  # in a str every surrogate is lone (pairs were joined)


def _bad_record(record: Any, problem: str, question: Question | None = None) -> dict[str, Any]:
    qid = record.get("question") if isinstance(record, Mapping) else None
    verdict = QuestionVerdict.error(
        question.id if question is not None else (qid if isinstance(qid, str) else str(qid)),
        question.points if question is not None else 0.0,
        problem,
        "bad_record",
    )
    out = _merge(record, verdict)
    if not isinstance(qid, str):
        out["question"] = qid  # echo what was given (null when missing), not a made-up id
    return out


def _merge(record: Any, verdict: QuestionVerdict) -> dict[str, Any]:
    """Every input field echoed, then the verdict's fields (the verdict wins on a clash)."""
    out: dict[str, Any] = dict(record) if isinstance(record, Mapping) else {}
    out.update(verdict.to_json())
    return out


def _validate_record(record: Any, key: Key) -> tuple[Question, str, dict[str, str] | None] | str:
    """The question, answer and prior of a batch record, or the problem with it in words."""
    if not isinstance(record, Mapping):
        return f"expected a JSON object with 'question' and 'answer', found {type(record).__name__}"
    if isinstance(record.get("_invalid"), str):  # the CLI's note for a line that is not a JSON object
        return str(record["_invalid"])
    missing = [f for f in ("question", "answer") if f not in record]
    if missing:
        return f"expected fields 'question' and 'answer', found {sorted(record)} (missing {missing})"
    qid, answer = record["question"], record["answer"]
    if not isinstance(qid, str):
        return f"expected 'question' to be a string id, found question={qid!r}"
    if not isinstance(answer, str):
        return f"expected 'answer' to be a string, found answer={answer!r} ({type(answer).__name__})"
    try:
        question = key.question(qid)
    except CheckerError as exc:
        return exc.message
    prior = record.get("prior")
    if prior is not None and not (
        isinstance(prior, Mapping)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in prior.items())
    ):
        return "expected 'prior' to map earlier question ids to answer strings"
    return question, answer, dict(prior) if prior is not None else None


def check_batch(
    records: Iterable[Mapping[str, Any]],
    key: Key,
    *,
    config: GradeConfig = GradeConfig(),
) -> Iterator[dict[str, Any]]:
    """Judge a stream of ``{"question", "answer", ...}`` records (``derivcheck check --batch``).

    Judging runs in a pool of ``config.jobs`` workers; one dict is yielded per record, in input
    order, each as soon as it and every record before it are done.  A bad record (missing
    fields, a non-string answer, an unknown question id) yields an ``error`` verdict naming the
    problem and never stops the batch.  An optional ``prior`` field (earlier question id → that
    student's answer) enables follow-through credit.

    Args:
        records: parsed JSON objects.
        key: the answer key.
        config: budget, equivalence knobs and ``jobs``.

    Returns:
        An iterator of dicts: every input field echoed, merged with ``QuestionVerdict.to_json()``.

    >>> from checker.key import load_key
    >>> [r["id"] for r in check_batch([{"id": 7, "question": "2.2", "answer": "a larger model"}],
    ...                               load_key(validate_latex=False))]
    [7]
    """

    # Before the pool forks: every worker inherits the parsed key, and holds it as the pool's
    # context, so that a task carries a question id and the answer, never the question itself.
    warm_key(key)
    with WorkerPool(config.budget, workers=config.jobs, context=key, crash_retries=1) as pool:
        window: Window[dict[str, Any]] = Window(pool, tasks=4 * config.jobs)

        def start(index: int, record: Mapping[str, Any]) -> None:
            checked = _validate_record(record, key)
            if isinstance(checked, str):
                window.emit(index, _bad_record(record, checked))
                return
            question, answer, prior = checked
            refused = too_long(question, answer, config.budget)
            if refused is not None:
                window.emit(index, _merge(record, refused))
                return
            window.submit(
                _judge_by_id,
                question.id,
                answer,
                config.equivalence,
                prior,
                tag=(index, record, question, answer),
                with_context=True,
            )

        def settle(tag: tuple[int, Mapping[str, Any], Question, str], outcome: Outcome[Any]) -> None:
            index, record, question, answer = tag
            window.emit(
                index, _merge(record, verdict_from_outcome(question, outcome, config.budget, answer=answer))
            )

        yield from window.run(records, start, settle, ordered=True)


#: Steps of a chain that get their full budget within the chain's total bound: a chain's
#: total is ``Budget.seconds × min(steps, this)``, so one heavy step never starves the rest and
#: a long chain of heavy steps still ends.
CHAIN_BUDGETED_STEPS = 10


def _step_task(
    question: Question, lines: tuple[str, ...], skip: frozenset[int], config: EquivalenceConfig
) -> StepCheck:
    """Run in a worker: judge the last of ``lines`` given the ones before it.

    Steps in ``skip`` (1-based) ran out of budget in an earlier task: they are left out (blank)
    so they cannot cost this step its budget again.
    """
    from checker.judge.steps import check_steps  # noqa: PLC0415  (SymPy work stays in workers)

    shown = tuple("" if i in skip else line for i, line in enumerate(lines, start=1))
    return check_steps(shown, question, config=config, judge_only=len(lines)).steps[-1]


def check_chain(
    key: Key,
    qid: str,
    text: str,
    *,
    config: GradeConfig = GradeConfig(),
    pool: WorkerPool | None = None,
) -> StepsResult:
    """Check a chain of steps for question ``qid``, each step in its own budget (``derivcheck steps``).

    The text is split into steps in this process (text only, no SymPy).  Each step is judged in
    a worker task of its own (:func:`checker.judge.steps.check_steps` with ``judge_only``) under
    ``Budget.seconds`` and the memory cap, so a heavy step is ``given`` with a reason starting
    "not checked" (the limit named) while the others are still checked.  The chain as a whole
    is bounded by ``Budget.seconds × min(steps, CHAIN_BUDGETED_STEPS)``: steps not started
    within it are not checked either.

    Args:
        key: the answer key.
        qid: the question id.
        text: the chain, one step per line (``$$``, ``\\\\`` and ``&=`` allowed).
        config: budget, equivalence knobs and ``jobs`` (steps judged at once).
        pool: a pool to reuse; by default one with ``config.jobs`` workers is started.

    Returns:
        The :class:`checker.judge.steps.StepsResult` (``.to_json()`` is the contract's object).

    Raises:
        UnknownQuestionError: when the key has no question ``qid``.
        BudgetExceeded: when the text is longer than the budget's characters per step.
        RuntimeError: when the checker failed on a step (our bug; detail for staff).

    >>> from checker.key import load_key
    >>> chain = "\\\\sigma^2 = \\\\frac{1-p}{p}\\n\\\\sigma = \\\\frac{1-p}{p}"
    >>> check_chain(load_key(), "3.2", chain).first_invalid
    2
    """
    from checker.judge.steps import StepsResult, split_steps  # noqa: PLC0415

    question = key.question(qid)
    lines = split_steps(text)
    budget = pool.budget if pool is not None else config.budget
    if len(text) > budget.max_input_chars * max(1, len(lines)):
        raise BudgetExceeded(
            f"expected at most {budget.max_input_chars} characters per step, found length={len(text)} "
            f"for {len(lines)} step(s); fix: check the chain in shorter pieces"
        )
    total = budget.seconds * min(len(lines), CHAIN_BUDGETED_STEPS)
    deadline = time.monotonic() + total
    skip: set[int] = set()
    checks: list[StepCheck] = []

    def run(pool: WorkerPool) -> None:
        window: Window[StepCheck] = Window(pool, tasks=pool.workers)

        def start(index: int, line: str) -> None:
            number = index + 1
            if time.monotonic() >= deadline:
                reason = f"not checked: the chain's total time bound ({total:g} s) was reached"
                window.emit(index, StepCheck(number, line, "given", reason))
                return
            task_lines = lines[:number]
            window.submit(
                _step_task, question, task_lines, frozenset(skip), config.equivalence, tag=(index, line)
            )

        def settle(tag: tuple[int, str], outcome: Outcome[Any]) -> None:
            index, line = tag
            if outcome.ok and isinstance(outcome.value, StepCheck):
                window.emit(index, outcome.value)
                return
            if outcome.error == "exception":
                raise RuntimeError(f"internal error while checking step {index + 1}:\n{outcome.detail}")
            skip.add(index + 1)
            if outcome.error == "time limit":
                why = f"time limit ({budget.seconds:g} s) exceeded"
            elif outcome.error == "memory limit":
                why = f"memory limit ({budget.memory_mb} MiB) exceeded"
            else:
                why = f"the worker crashed ({outcome.detail})"
            window.emit(index, StepCheck(index + 1, line, "given", f"not checked: {why}; a TA will check it"))

        checks.extend(window.run(lines, start, settle, ordered=True))

    if pool is not None:
        run(pool)
    else:
        with WorkerPool(budget, workers=max(1, config.jobs), crash_retries=1) as own:
            run(own)
    first = next((c.index for c in checks if c.status == "does_not_follow"), None)
    return StepsResult(question.id, tuple(checks), first)
