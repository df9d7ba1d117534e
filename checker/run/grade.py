"""Stage 4: grade whole submissions and whole classes.

A submission is read by the reader its format needs (:func:`checker.read.read_document`: LaTeX
source, notebook, PDF text layer, e-mail, Markdown), split into question blocks
(:func:`checker.read.extract`, linear scans on a bounded input, in the parent), and then each
question becomes one task for a budgeted worker (:class:`checker.run.sandbox.WorkerPool`): in the
worker the final answer is chosen (:func:`checker.read.extract.final_answer`, which parses student
text), judged against the key (:func:`checker.judge.answer.judge`, with this student's earlier final
answers as ``prior`` for follow-through), and every math line of the block is checked as a chain
of steps (:func:`checker.judge.steps.check_steps`).  The parent process never runs SymPy on student
text.

Question tasks stream through the pool's one windowed-submit loop
(:class:`~checker.run.window.Window`), submissions yielded as each finishes.  A question past its
time budget is an ``error`` verdict ("time limit") for a TA; the rest of the submission is still
graded.  A question whose worker is killed under it (the OOM killer, a stray signal) is run once
more on another worker before it becomes an ``error``.  (When the answer plus the steps overran,
the answer alone is tried once more, so slow step checking never costs a student the verdict on
the answer.)  A file that cannot be read gives a :class:`~checker.verdict.SubmissionResult` with ``error`` set and every
question an ``error`` worth 0; the batch goes on.

Identical questions (same block text, same earlier answers) are judged once per run: a class
repeats the same answers often, and a verdict depends only on the text and the key.

A pool whose context is the key (:class:`~checker.run.sandbox.WorkerPool` ``context=key``, as the
pools started here are) is sent question ids, not questions: each worker already holds the key,
the very objects warmed in the parent under fork, so no question (nor, for follow-through, the
whole key) is pickled per task and the key's caches hit by identity.  Any other pool is sent the
whole :class:`QuestionTask`.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from checker.config import Budget, EquivalenceConfig, GradeConfig
from checker.errors import CheckerError, SubmissionError
from checker.judge.answer import internal_error
from checker.key import Key, Question
from checker.read.document import Document
from checker.read.extract import AnswerChoice, QuestionBlock, extract, final_answer
from checker.read.files import SUBMISSION_SUFFIXES, expand_paths, read_document, read_submission
from checker.read.text import read_markdown
from checker.run.check import too_long, verdict_from_outcome
from checker.run.sandbox import Window, WorkerPool
from checker.verdict import QuestionVerdict, StepCheck, SubmissionResult

__all__ = [
    "SUBMISSION_SUFFIXES",
    "QuestionTask",
    "Stages",
    "expand_paths",
    "grade_paths",
    "grade_question",
    "grade_text",
    "read_submission",
]


class _StepsResult(Protocol):
    @property
    def steps(self) -> tuple[StepCheck, ...]: ...

    @property
    def first_invalid(self) -> int | None: ...


@dataclass(frozen=True)
class Stages:
    """The stage functions a question task calls.  None means the real one
    (``checker.judge.answer.judge``, ``checker.judge.steps.check_steps``, ``checker.latex.parse``); tests pass
    top-level stand-ins with the same signatures (they must pickle: they run in workers).

    Attributes:
        judge: ``judge(question, answer, *, config, prior, key) -> QuestionVerdict``.
        check_steps: ``check_steps(lines, question, *, config) -> StepsResult``.
        parse: ``parse(source, table, *, options) -> Parsed``.
    """

    judge: Callable[..., QuestionVerdict] | None = None
    check_steps: Callable[..., _StepsResult] | None = None
    parse: Callable[..., Any] | None = None


@dataclass(frozen=True)
class QuestionTask:
    """One question of one submission, as sent to a worker.

    Attributes:
        question: the key's question.
        block: the student's block for it.
        prior: ``(question, block)`` of the earlier questions this one follows through from.
        key: the key (for follow-through), or None when the question has none.
        config: the equivalence knobs.
        engine: the stage functions.
        check_steps: also check the block's math as a chain of steps.
    """

    question: Question
    block: QuestionBlock
    prior: tuple[tuple[Question, QuestionBlock], ...]
    key: Key | None
    config: EquivalenceConfig
    engine: Stages = Stages()
    check_steps: bool = True

    def fingerprint(self) -> tuple[object, ...]:
        """What the verdict depends on besides the key: equal fingerprints, equal verdicts."""
        return (
            self.question.id,
            self.check_steps,
            _block_print(self.block),
            tuple((q.id, _block_print(b)) for q, b in self.prior),
        )


def _block_print(block: QuestionBlock) -> tuple[object, ...]:
    return (block.text, tuple((m.latex, m.display) for m in block.math))


@dataclass(frozen=True)
class _TaskById:
    """A :class:`QuestionTask` as sent to a worker that holds the key: question ids, not questions."""

    question: str
    block: QuestionBlock
    prior: tuple[tuple[str, QuestionBlock], ...]
    follow_through: bool  # the task carried the key
    config: EquivalenceConfig
    engine: Stages
    check_steps: bool

    @classmethod
    def of(cls, task: QuestionTask) -> _TaskById:
        return cls(
            question=task.question.id,
            block=task.block,
            prior=tuple((q.id, b) for q, b in task.prior),
            follow_through=task.key is not None,
            config=task.config,
            engine=task.engine,
            check_steps=task.check_steps,
        )

    def task(self, key: Key) -> QuestionTask:
        """The task again, with the questions of ``key`` (the worker's own)."""
        return QuestionTask(
            question=key.question(self.question),
            block=self.block,
            prior=tuple((key.question(qid), b) for qid, b in self.prior),
            key=key if self.follow_through else None,
            config=self.config,
            engine=self.engine,
            check_steps=self.check_steps,
        )


# ----------------------------------------------------------------------------------------------
# the worker side
# ----------------------------------------------------------------------------------------------


def grade_question(task: QuestionTask) -> QuestionVerdict:
    """Grade one question of one submission (runs in a worker; top-level so that it pickles).

    Chooses the final answer, judges it, checks the steps, and notes how the answer was chosen in
    the verdict's evidence.  An exception from the steps check leaves the verdict on
    the answer standing (noted in the evidence); any other exception becomes an ``error`` verdict
    with the traceback kept for staff in ``internal``; a ``MemoryError`` propagates, so that the
    pool reports a memory limit.

    Args:
        task: the question, the block, the blocks of earlier answers, the knobs.

    Returns:
        The verdict, with ``steps`` and ``first_invalid`` filled in.

    Example:
        >>> from checker.key import load_key
        >>> from checker.read.extract import extract
        >>> key = load_key(validate_latex=False)
        >>> block = extract("2.2 The best option is a larger model.", key).blocks[0]
        >>> grade_question(QuestionTask(key.question("2.2"), block, (), None, EquivalenceConfig())).verdict
        'correct'
    """
    question = task.question
    try:
        return _grade_question(task)
    except MemoryError:
        raise  # the pool reports it as "memory limit"
    except Exception:
        return internal_error(question, None, traceback.format_exc())


def _grade_by_id(key: Key, sent: _TaskById) -> QuestionVerdict:
    """Run in a worker whose pool context is ``key``: :func:`grade_question` with the key's questions."""
    return grade_question(sent.task(key))


def _grade_question(task: QuestionTask) -> QuestionVerdict:
    question, engine = task.question, task.engine
    judge = engine.judge or _real_judge()
    choice = final_answer(task.block, question, parse=engine.parse)
    if choice is None:
        written = " ".join(task.block.text.split())
        said = f" (it says {written[:60]!r})" if written else ""
        return QuestionVerdict.missing(
            question.id,
            question.points,
            f"Question {question.id} is labelled but no answer was found after the label{said}.",
        )
    prior: dict[str, str] = {}
    for earlier, block in task.prior:
        earlier_choice = final_answer(block, earlier, parse=engine.parse)
        if earlier_choice is not None:
            prior[earlier.id] = earlier_choice.latex
    verdict = judge(question, choice.latex, config=task.config, prior=prior or None, key=task.key)
    verdict = _with_choice(verdict, choice)
    lines = task.block.steps
    if not task.check_steps or question.kind == "choice" or not lines:
        return verdict
    check = engine.check_steps or _real_check_steps()
    try:
        result = check(lines, question, config=task.config)
    except CheckerError as exc:
        return replace(verdict, evidence=_join(verdict.evidence, f"steps not checked: {exc.message}"))
    except MemoryError:
        raise
    except Exception:  # our bug in the steps check: the verdict on the answer stands
        return replace(
            verdict,
            evidence=_join(verdict.evidence, "steps not checked: internal error"),
            internal=_join(verdict.internal, traceback.format_exc()),
        )
    return replace(verdict, steps=tuple(result.steps), first_invalid=result.first_invalid)


def _with_choice(verdict: QuestionVerdict, choice: AnswerChoice) -> QuestionVerdict:
    note = f"answer read from the {choice.reason}" if choice.reason != "whole block text" else ""
    if choice.reason == "\\boxed":
        note = "answer read from the \\boxed expression"
    elif choice.reason == "after \\therefore":
        note = "answer read from the math after \\therefore / so"
    answer = verdict.answer if verdict.answer is not None else choice.latex
    return replace(
        verdict, answer=answer, evidence=_join(verdict.evidence, note) if note else verdict.evidence
    )


def _join(first: str | None, second: str) -> str:
    return f"{first}; {second}" if first else second


def _real_judge() -> Callable[..., QuestionVerdict]:
    from checker.judge.answer import judge  # noqa: PLC0415  (workers only: keeps SymPy out of the import)

    return judge


def _warm(key: Key, engine: Stages) -> None:
    """Before a pool forks: parse the key once here, so that every worker inherits it."""
    if engine.judge is None:
        from checker.judge.answer import warm_key  # noqa: PLC0415  (SymPy: the workers need it anyway)

        warm_key(key)


def _real_check_steps() -> Callable[..., _StepsResult]:
    from checker.judge.steps import check_steps  # noqa: PLC0415  (workers only)

    checker: Callable[..., _StepsResult] = check_steps
    return checker


# ----------------------------------------------------------------------------------------------
# grading
# ----------------------------------------------------------------------------------------------


class _Pool(Protocol):
    """What grading needs of :class:`checker.run.sandbox.WorkerPool`."""

    budget: Budget
    context: Any

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any: ...

    def submit_with_context(self, fn: Callable[..., Any], *args: Any) -> Any: ...

    def as_completed(self, tasks: Any = None) -> Iterator[tuple[Any, Any]]: ...


@dataclass
class _Pending:
    """A submission whose questions are being judged (parent-side bookkeeping, not shared)."""

    name: str
    verdicts: dict[str, QuestionVerdict]
    waiting: set[str]
    warnings: tuple[str, ...]
    blocks: dict[str, QuestionBlock]
    document: Document | None


def _unreadable(name: str, key: Key, message: str) -> SubmissionResult:
    questions = tuple(
        QuestionVerdict.error(
            q.id, q.points, "the submission file could not be read: " + message, "unreadable_submission"
        )
        for q in key.graded
    )
    return SubmissionResult(name, questions, error=message)


def _tasks(
    document: Document, key: Key, config: GradeConfig, engine: Stages
) -> tuple[dict[str, QuestionVerdict], list[QuestionTask], tuple[str, ...], dict[str, QuestionBlock]]:
    """Extract and plan: verdicts known without judging (missing, too long, nothing readable) and
    tasks for the rest, the warnings, and the blocks (for the answers' locations)."""
    if document.unreadable is not None:
        unreadable = {
            q.id: QuestionVerdict.error(q.id, q.points, f"{document.unreadable}", "unreadable_submission")
            for q in key.graded
        }
        return unreadable, [], (*document.notes, document.unreadable), {}
    extraction = extract(document.text, key, locate=document.locate)
    known: dict[str, QuestionVerdict] = {}
    tasks: list[QuestionTask] = []
    for question in key.graded:
        block = extraction.block(question.id)
        if block is None:
            known[question.id] = QuestionVerdict.missing(
                question.id, question.points, f"No answer labelled {question.id} was found."
            )
            continue
        refused = too_long(question, block.text, config.budget)
        if refused is not None:
            known[question.id] = refused
            continue
        prior: list[tuple[Question, QuestionBlock]] = []
        ft = question.follow_through
        if ft is not None:
            source_block = extraction.block(ft.source)
            if source_block is not None:
                prior.append((key.question(ft.source), source_block))
        tasks.append(
            QuestionTask(
                question=question,
                block=block,
                prior=tuple(prior),
                key=key if ft is not None else None,
                config=config.equivalence,
                engine=engine,
            )
        )
    blocks = {b.id: b for b in extraction.blocks}
    return known, tasks, (*document.notes, *extraction.warnings), blocks


def grade_text(
    text: str,
    key: Key,
    *,
    config: GradeConfig,
    name: str = "<submission>",
    pool: _Pool | None = None,
    engine: Stages = Stages(),
) -> SubmissionResult:
    """Grade one submission's text: every graded question of the key, in key order.

    Args:
        text: the submission.
        key: the answer key.
        config: budget, equivalence knobs, jobs (workers started when no pool is given).
        name: the submission's name in the result.
        pool: a :class:`~checker.run.sandbox.WorkerPool` to reuse; by default one is started.
        engine: stand-ins for the stage functions (tests); the real ones by default.

    Returns:
        The result; missing questions are ``missing`` with 0 points, a question past its budget
        is an ``error`` ("time limit") and the others are still graded.

    Example:
        >>> from checker.key import load_key
        >>> r = grade_text("2.2 I would use a larger model", load_key(validate_latex=False), config=GradeConfig())
        >>> [(q.question, q.verdict) for q in r.questions if q.question in ("2.2", "3.2")]
        [('2.2', 'correct'), ('3.2', 'missing')]
    """
    if pool is None:
        _warm(key, engine)
        with WorkerPool(config.budget, workers=config.jobs, context=key, crash_retries=1) as own:
            return grade_text(text, key, config=config, name=name, pool=own, engine=engine)
    document = read_markdown(text.replace("\r\n", "\n"), source=name)
    results = list(
        _grade_stream(
            sources=[(name, lambda: document)], key=key, config=config, pool=pool, engine=engine, cache={}
        )
    )
    return results[0]


def grade_paths(
    paths: Sequence[str],
    key: Key,
    *,
    config: GradeConfig,
    resume: Collection[str] = (),
    on_result: Callable[[SubmissionResult], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    pool: _Pool | None = None,
    engine: Stages = Stages(),
    dedupe: bool = True,
    timing: Callable[[str, float], None] | None = None,
) -> Iterator[SubmissionResult]:
    """Grade many submission files in ``config.jobs`` workers, yielding each as it finishes.

    Args:
        paths: submission files (see :func:`expand_paths` for folders and globs).
        key: the answer key.
        config: budget, equivalence knobs, ``jobs`` (worker processes).
        resume: submission names (paths as given) already graded: skipped.
        on_result: called with each result as it finishes, before it is yielded (the CLI
            appends a JSON line, so a run killed halfway loses nothing done).
        progress: called as ``progress(done, total)`` after each submission (and once at 0).
        pool: a worker pool to reuse; by default one with ``config.jobs`` workers.
        engine: stand-ins for the stage functions (tests).
        dedupe: judge identical questions once per run.
        timing: called as ``timing(name, seconds)`` with each submission's latency, from
            reading its file to its last verdict (benchmarks).

    Returns:
        An iterator of results in completion order.  An unreadable file yields a result with
        ``error`` set and every question an ``error`` worth 0; the batch goes on.

    Example:
        >>> from checker.key import load_key
        >>> list(grade_paths([], load_key(validate_latex=False), config=GradeConfig()))
        []
    """
    skip = set(resume)
    todo = list(dict.fromkeys(p for p in paths if p not in skip))  # each file once
    total = len(todo)
    if progress is not None:
        progress(0, total)
    if not todo:
        return

    def reader(path: str) -> Callable[[], Document]:
        def read() -> Document:
            started[path] = time.perf_counter()
            return read_document(path)

        return read

    cache: dict[tuple[object, ...], QuestionVerdict] | None = {} if dedupe else None
    started: dict[str, float] = {}
    done = 0
    if pool is None:
        _warm(key, engine)
        own = WorkerPool(config.budget, workers=config.jobs, context=key, crash_retries=1)
        pool = own
    else:
        own = None
    try:
        for result in _grade_stream(
            sources=[(p, reader(p)) for p in todo],
            key=key,
            config=config,
            pool=pool,
            engine=engine,
            cache=cache,
        ):
            done += 1
            if timing is not None:
                timing(
                    result.submission,
                    time.perf_counter() - started.pop(result.submission, time.perf_counter()),
                )
            if on_result is not None:
                on_result(result)
            if progress is not None:
                progress(done, total)
            yield result
    finally:
        if own is not None:
            own.close()


# A stage of a question's grading, for the scheduler:
#   "final"  the question's task as planned;
#   "probe"  a follow-through question judged first without the earlier answers (a right answer
#            needs none, and so many more students share the task);
#   "follow" the probe was not right: the answer alone again, with the earlier answers.
_Stage = tuple[str, QuestionVerdict | None]


class _Scheduler:
    """Parent-side bookkeeping of one grading run (a local object, never shared).

    Tasks go through the run's :class:`~checker.run.sandbox.Window`; each carries the tag
    ``(fingerprint, task as submitted, retried after a time limit)`` back to :meth:`collect`.
    """

    def __init__(
        self,
        key: Key,
        pool: _Pool,
        window: Window[SubmissionResult],
        cache: dict[tuple[object, ...], QuestionVerdict] | None,
    ) -> None:
        self.key = key
        self.pool = pool
        self.window = window
        self.cache = cache
        self.pending: dict[str, _Pending] = {}
        self.index: dict[str, int] = {}  # submission -> its place in the stream
        # fingerprint → who waits for it: (submission, the question's full task, stage)
        self.waiters: dict[tuple[object, ...], list[tuple[str, QuestionTask, _Stage]]] = {}
        self._unique = 0
        # The workers hold this very key: send question ids, not questions.
        self.by_id = pool.context is key

    def _fingerprint(self, task: QuestionTask) -> tuple[object, ...]:
        if self.cache is None:  # no dedupe: every request is its own task
            self._unique += 1
            return (self._unique,)
        return task.fingerprint()

    def _submit(self, fp: tuple[object, ...], task: QuestionTask, retried: bool) -> None:
        tag = (fp, task, retried)
        if self.by_id:
            self.window.submit(_grade_by_id, _TaskById.of(task), tag=tag, with_context=True)
        else:
            self.window.submit(grade_question, task, tag=tag)

    def start(self, index: int, state: _Pending, tasks: list[QuestionTask]) -> None:
        name = state.name
        self.index[name] = index
        self.pending[name] = state
        if not tasks:
            self.finish(name)
        for task in tasks:
            self.plan(task, name)

    def plan(self, task: QuestionTask, name: str) -> None:
        if task.prior:
            probe = replace(task, prior=(), key=None)
            self.request(probe, name, task, ("probe", None))
        else:
            self.request(task, name, task, ("final", None))

    def request(self, submitted: QuestionTask, name: str, full: QuestionTask, stage: _Stage) -> None:
        fp = self._fingerprint(submitted)
        if self.cache is not None and fp in self.cache:
            self.done(name, full, stage, self.cache[fp])
        elif fp in self.waiters:
            self.waiters[fp].append((name, full, stage))
        else:
            self.waiters[fp] = [(name, full, stage)]
            self._submit(fp, submitted, False)

    def done(self, name: str, full: QuestionTask, stage: _Stage, verdict: QuestionVerdict) -> None:
        kind, probe = stage
        if kind == "probe" and verdict.verdict in ("incorrect", "needs_review"):
            # Maybe right given this student's own earlier answer: judge again with it.
            self.request(replace(full, check_steps=False), name, full, ("follow", verdict))
            return
        if kind == "follow" and probe is not None:
            verdict = replace(verdict, steps=probe.steps, first_invalid=probe.first_invalid)
        state = self.pending[name]
        state.verdicts[full.question.id] = verdict
        state.waiting.discard(full.question.id)
        if not state.waiting:
            self.finish(name)

    def collect(self, tag: tuple[tuple[object, ...], QuestionTask, bool], outcome: Any) -> None:
        fp, submitted, retried = tag
        if outcome.error == "time limit" and submitted.check_steps:
            # The answer and its steps together overran: try the answer alone once.
            self._submit(fp, replace(submitted, check_steps=False), True)
            return
        verdict = verdict_from_outcome(submitted.question, outcome, self.pool.budget)
        if retried and outcome.error is None:
            verdict = replace(
                verdict, evidence=_join(verdict.evidence, "steps not checked: the time limit was reached")
            )
        if self.cache is not None and outcome.error is None:
            self.cache[fp] = verdict
        for name, full, stage in self.waiters.pop(fp, []):
            self.done(name, full, stage, verdict)

    def finish(self, name: str) -> None:
        state = self.pending.pop(name)
        questions = tuple(
            _located(state.verdicts[q.id], state.blocks.get(q.id), state.document) for q in self.key.graded
        )
        self.window.emit(self.index.pop(name), SubmissionResult(name, questions, warnings=state.warnings))

    def finish_all(self) -> None:
        """Nothing is in flight and nothing is left to read: settle whatever still waits."""
        for name in list(self.pending):
            self.finish(name)


def _located(
    verdict: QuestionVerdict, block: QuestionBlock | None, document: Document | None
) -> QuestionVerdict:
    """The verdict with where its answer was found in the file (the parent knows the file; a
    verdict shared by identical answers of several students does not)."""
    if block is None or document is None or verdict.verdict == "missing":
        return verdict
    offset = block.start
    answer = verdict.answer or ""
    for seg in reversed(block.math):
        if answer and (answer in seg.latex or seg.latex in answer):
            offset = seg.start
            break
    place = document.locate(offset)
    where = f"{document.source}, {place}" if place else document.source
    return replace(verdict, location=where)


def _grade_stream(
    *,
    sources: Sequence[tuple[str, Callable[[], Document]]],
    key: Key,
    config: GradeConfig,
    pool: _Pool,
    engine: Stages,
    cache: dict[tuple[object, ...], QuestionVerdict] | None,
) -> Iterator[SubmissionResult]:
    """Keep the workers busy with question tasks; yield each submission when its last verdict is in."""
    pool_size = max(1, int(getattr(pool, "workers", config.jobs)))
    # Read submissions until the workers have enough queued work.  Submissions whose questions all
    # wait on identical ones already in flight queue no work, so the count of submissions read but
    # unfinished is bounded separately (memory), far above the task window.
    window: Window[SubmissionResult] = Window(pool, tasks=2 * pool_size + 2, items=max(64, 32 * pool_size))
    sched = _Scheduler(key, pool, window, cache)

    def start(index: int, source: tuple[str, Callable[[], Document]]) -> None:
        name, read = source
        try:
            document = read()
        except SubmissionError as exc:
            window.emit(index, _unreadable(name, key, exc.render()))
            return
        known, tasks, warnings, blocks = _tasks(document, key, config, engine)
        state = _Pending(name, dict(known), {t.question.id for t in tasks}, warnings, blocks, document)
        sched.start(index, state, tasks)

    unique: dict[str, Callable[[], Document]] = {}
    for name, read in sources:
        unique.setdefault(name, read)  # the same file twice is graded once
    yield from window.run(unique.items(), start, sched.collect, ordered=False, idle=sched.finish_all)
