"""Budgeted worker processes: every answer is judged under a time and a memory budget.

A :class:`WorkerPool` keeps ``workers`` long-lived processes, one duplex pipe each.  A task is a
picklable top-level function and its arguments; the parent sends it to an idle worker and waits on
the pipes and the process sentinels with a timeout (:func:`multiprocessing.connection.wait`), never
with ``signal.alarm`` (math-verify's alarm only works on the main thread and is known to hang).  A
worker past its deadline is killed with SIGKILL and replaced; a worker that dies (segfault,
``os._exit``) is replaced; a ``MemoryError`` under the worker's ``RLIMIT_AS`` cap comes back as a
"memory limit" outcome.  None of these escape to the caller as exceptions and none of them stop the
pool.

Processes start with the ``fork`` method where the platform has it (fast: SymPy is already
imported), else ``spawn``.  The pool itself starts no threads and holds no locks, so forking a
replacement worker in the middle of a run is safe.

A pool may hold a *context*: one object (an answer key) that every worker holds for its whole
life and that :meth:`WorkerPool.submit_with_context` passes to the task as its first argument, so
that a task carries only small values (a question id, an answer) instead of pickling the shared
object once per task.  Under ``fork`` the worker inherits the parent's very objects (caches keyed
on them, filled in the parent before the fork, hit by identity); under ``spawn`` it is pickled
once per worker, at start.  Either way it reaches the worker before the worker says it is ready,
so its transfer is never charged to a task's budget.

Feeding a stream of work through the pool (a bounded window of tasks in flight, results in input
order or as they finish) is :class:`~checker.run.window.Window`, re-exported here: the one loop
behind :meth:`WorkerPool.map_unordered`, ``check --batch``, ``steps`` and grading.  Checking
answers, batches and chains of steps on top of the pool lives in :mod:`checker.run.check`.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import itertools
import multiprocessing
import multiprocessing.connection
import os
import pickle
import resource
import signal
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from checker.config import Budget
from checker.run.window import Window

__all__ = [
    "Outcome",
    "OutcomeError",
    "Task",
    "Window",
    "WorkerPool",
]

T = TypeVar("T")

OutcomeError = Literal["time limit", "memory limit", "worker crashed", "exception"]
"""Why a task produced no value.  ``exception``: the function raised (``detail`` holds the
traceback); the other three are budget or process failures."""

_POLL_SECONDS = 1.0  # how often an idle worker checks that its parent is still alive
# Tasks handed to one worker at a time: the one it runs and one waiting in its pipe, so that the
# worker never idles through a round trip to the parent.  A waiting task's budget clock starts
# only when the task before it has replied (the worker starts it right after replying).
_QUEUE_DEPTH = 2
# A new worker says it is ready (imports done under spawn, initializer run) before any task's
# budget clock starts; past this many seconds the pool stops waiting and lets the budget decide.
_READY = "ready"
_STARTUP_SECONDS = 30.0


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """The result of one task run in a worker.

    Attributes:
        value: the function's return value (None when ``error`` is set).
        error: None on success, else ``time limit``, ``memory limit``, ``worker crashed`` or
            ``exception`` (the function raised; the traceback is in ``detail``).
        detail: staff-facing detail: the limit that was hit, the exit code, a traceback.
        seconds: wall-clock time the task spent in its worker.
    """

    value: T | None = None
    error: OutcomeError | None = None
    detail: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the function returned a value."""
        return self.error is None


class Task:
    """A handle on one submitted task (future-like).

    Attributes:
        id: the pool's sequence number for the task.
        tag: what the caller attached (``map_unordered`` uses it; None for ``submit``).
        with_context: the worker calls ``fn(context, *args)`` (:meth:`WorkerPool.submit_with_context`).
    """

    __slots__ = ("_pool", "args", "crashes", "fn", "id", "outcome", "tag", "with_context")

    def __init__(
        self,
        pool: WorkerPool,
        task_id: int,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        tag: Any,
        *,
        with_context: bool = False,
    ) -> None:
        self._pool = pool
        self.id = task_id
        self.fn = fn
        self.args = args
        self.tag = tag
        self.with_context = with_context  # the worker calls fn(context, *args)
        self.outcome: Outcome[Any] | None = None
        self.crashes = 0  # workers that died running it (retried while below the pool's retries)

    def done(self) -> bool:
        """True once the task has an outcome."""
        return self.outcome is not None

    def result(self) -> Outcome[Any]:
        """Block (driving the pool) until the task has an outcome, and return it."""
        while self.outcome is None:
            self._pool._step_for((self,))
        return self.outcome

    def __repr__(self) -> str:
        return f"Task(id={self.id}, tag={self.tag!r}, done={self.done()})"


class _Worker:
    """One worker process, its pipe, and its tasks: the head is running, the rest wait in order.

    ``started`` and ``deadline`` belong to the head task.
    """

    __slots__ = ("conn", "deadline", "proc", "started", "tasks")

    def __init__(self, proc: Any, conn: multiprocessing.connection.Connection) -> None:
        self.proc = proc
        self.conn = conn
        self.tasks: deque[Task] = deque()
        self.deadline = 0.0
        self.started = 0.0

    @property
    def task(self) -> Task | None:
        """The task the worker is running, or None when it is idle."""
        return self.tasks[0] if self.tasks else None


@dataclass(frozen=True)
class _Setup:
    """What a new worker is started with (pickled once per worker under spawn, inherited under fork).

    ``context`` is the pool's shared object: a task sent ``with_context`` is called as
    ``fn(context, *args)``.
    """

    memory_bytes: int
    initializer: Callable[..., None] | None
    initargs: tuple[Any, ...]
    context: Any


def _worker_main(
    conn: multiprocessing.connection.Connection,
    parent_end: multiprocessing.connection.Connection | None,
    setup: _Setup,
) -> None:
    """A worker process: serve tasks, then leave without running any exit machinery.

    ``os._exit`` skips the flush of stdout/stderr that a normal exit does: a forked child whose
    parent had another thread writing (a progress bar) may hold a copy of a locked stream buffer,
    and flushing it would deadlock.  Workers never write to the standard streams.
    """
    try:
        _serve(conn, parent_end, setup)
    finally:
        os._exit(0)


def _serve(
    conn: multiprocessing.connection.Connection,
    parent_end: multiprocessing.connection.Connection | None,
    setup: _Setup,
) -> None:
    """The worker loop: cap memory, run the initializer, then run tasks until told to stop.

    The context is already here (inherited, or unpickled before this function runs), so the
    worker says it is ready only once the context has arrived.
    """
    if parent_end is not None:
        # With fork the child inherits the parent's end of its own pipe; close it so that the
        # worker sees EOF when the parent goes away.
        parent_end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _die_with_parent()
    # A crash is reported as an outcome; the library never prints (pytest enables faulthandler).
    faulthandler.disable()
    _limit_memory(setup.memory_bytes)
    parent = os.getppid()
    context = setup.context
    init_error: str | None = None
    if setup.initializer is not None:
        try:
            setup.initializer(*setup.initargs)
        except BaseException:
            init_error = "worker initializer failed:\n" + traceback.format_exc()
    try:
        conn.send(_READY)
    except (EOFError, OSError):
        return
    while True:
        try:
            if not conn.poll(_POLL_SECONDS):
                if os.getppid() != parent:
                    return  # orphaned: the parent died without closing us
                continue
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        task_id, fn, args, with_context = message
        reply: tuple[int, str | None, str, Any]
        if init_error is not None:
            reply = (task_id, "exception", init_error, None)
        else:
            try:
                value = fn(context, *args) if with_context else fn(*args)
                reply = (task_id, None, "", value)
            except MemoryError:
                reply = (
                    task_id,
                    "memory limit",
                    "MemoryError: the worker's address-space cap was reached",
                    None,
                )
            except BaseException:
                reply = (task_id, "exception", traceback.format_exc(), None)
        try:
            conn.send(reply)
        except MemoryError:
            conn.send((task_id, "memory limit", "MemoryError while sending the result", None))
        except (EOFError, OSError):
            return
        except Exception as exc:  # the result does not pickle
            conn.send((task_id, "exception", f"the task's result could not be sent: {exc!r}", None))


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this worker when its parent dies (``PR_SET_PDEATHSIG``).

    A worker polls for its parent only between tasks; one busy with a hostile answer when the
    parent is killed (``kill -9``, the OOM killer) would otherwise run on for as long as the
    answer takes, holding a core.  Elsewhere the poll in :func:`_serve` is the only guard.
    """
    with contextlib.suppress(Exception):
        import ctypes  # noqa: PLC0415  (Linux only)

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)


def _limit_memory(memory_bytes: int) -> None:
    """Cap the worker's address space (RLIMIT_AS); a no-op where the platform refuses."""
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY and hard < memory_bytes:
            memory_bytes = hard
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, hard))
    except (ValueError, OSError):  # pragma: no cover - platform without RLIMIT_AS
        pass


class WorkerPool:
    """A pool of budgeted worker processes; use it as a context manager.

    Args:
        budget: time per task (``Budget.seconds``) and address-space cap (``Budget.memory_mb``).
        workers: number of processes (>= 1).
        initializer: called once in each new worker (top-level, picklable under spawn).
        initargs: its arguments.
        context: an object (not None) every worker holds for its whole life (a replacement too),
            passed as the first argument to each task of :meth:`submit_with_context`.  Under
            ``fork`` a worker inherits the parent's very objects as they are when it starts;
            under ``spawn`` the context is pickled once per worker, at start.  Its transfer is
            part of start-up, never charged to a task.  Treat it as read-only: what a task
            changes in it stays in that one worker.
        start_method: how workers start; default ``fork`` where available (SymPy is already
            imported, so a fresh worker is ready in milliseconds), else ``spawn``.
        crash_retries: how many times a task whose worker died under it (killed from outside,
            a segfault) is run again on another worker before its outcome is "worker crashed".
            A time or memory limit is never retried: the same task would hit it again.

    Raises:
        ValueError: for ``workers < 1`` or ``crash_retries < 0``.

    >>> from checker.config import Budget
    >>> with WorkerPool(Budget(seconds=5)) as pool:
    ...     pool.run(abs, -3).value
    3
    """

    def __init__(
        self,
        budget: Budget,
        *,
        workers: int = 1,
        initializer: Callable[..., None] | None = None,
        initargs: tuple[Any, ...] = (),
        context: Any = None,
        start_method: Literal["fork", "spawn", "forkserver"] | None = None,
        crash_retries: int = 0,
    ) -> None:
        if workers < 1:
            raise ValueError(f"WorkerPool needs workers >= 1, got workers={workers}")
        if crash_retries < 0:
            raise ValueError(f"WorkerPool needs crash_retries >= 0, got crash_retries={crash_retries}")
        self.crash_retries = crash_retries
        self.budget = budget
        self.workers = workers
        self.context = context
        self._initializer = initializer
        self._initargs = initargs
        if start_method is None:
            start_method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self._ctx = multiprocessing.get_context(start_method)
        self._pool: list[_Worker] = []
        self._pending: deque[Task] = deque()
        self._finished: deque[Task] = deque()
        self._ids = itertools.count()
        self._closed = False

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop every worker (politely when idle, SIGKILL when busy); pending tasks are dropped."""
        if self._closed:
            return
        self._closed = True
        for worker in self._pool:
            if worker.task is None:
                with contextlib.suppress(OSError, ValueError):
                    worker.conn.send(None)
        deadline = time.monotonic() + 1.0
        for worker in self._pool:
            if worker.task is None:
                worker.proc.join(max(0.0, deadline - time.monotonic()))
            self._stop(worker)
        self._pool.clear()
        self._pending.clear()

    def _spawn(self) -> _Worker:
        parent_end, child_end = self._ctx.Pipe(duplex=True)
        method = self._ctx.get_start_method()
        inherit = parent_end if method == "fork" else None
        setup = _Setup(self.budget.memory_mb * 1024 * 1024, self._initializer, self._initargs, self.context)
        # Under fork the arguments are not pickled: the worker inherits them, the context
        # included, as the very objects the parent holds.  Under spawn they are pickled here.
        proc = self._ctx.Process(  # type: ignore[attr-defined]
            target=_worker_main, args=(child_end, inherit, setup), daemon=True
        )
        # Objects alive now (SymPy, the parsed key) go to the permanent generation for the fork:
        # the worker's collector never walks them (fewer copy-on-write faults, shorter full
        # collections); the parent's own collector gets them back right after the fork.
        gc.freeze()
        try:
            proc.start()
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            if method == "fork":
                raise  # nothing is pickled under fork: not the caller's arguments
            parent_end.close()
            child_end.close()
            raise TypeError(
                f"a {method} worker could not be started: expected the initializer, its arguments "
                f"and the context to pickle, found {exc!r}; fix: pass top-level functions and "
                "picklable objects, or use start_method='fork'"
            ) from exc
        finally:
            gc.unfreeze()
        child_end.close()
        # Start-up is not charged to the first task: wait (bounded) for the worker's word that it
        # is ready.  A worker that dies starting is found by the next send or wait, as a crash.
        with contextlib.suppress(EOFError, OSError):
            if parent_end.poll(_STARTUP_SECONDS):
                parent_end.recv()
        return _Worker(proc, parent_end)

    @staticmethod
    def _stop(worker: _Worker) -> None:
        if worker.proc.is_alive():
            worker.proc.kill()
        worker.proc.join(2.0)
        with contextlib.suppress(OSError):
            worker.conn.close()
        with contextlib.suppress(ValueError):
            worker.proc.close()

    def _replace(self, worker: _Worker) -> None:
        self._stop(worker)
        self._pool.remove(worker)

    # -- submitting ---------------------------------------------------------------------------

    def submit(self, fn: Callable[..., T], *args: Any) -> Task:
        """Queue ``fn(*args)`` for a worker and return its handle at once.

        ``fn`` must be a top-level function; ``fn``, ``args`` and the result must pickle.

        Raises:
            RuntimeError: when the pool is closed.

        >>> from checker.config import Budget
        >>> with WorkerPool(Budget(seconds=5)) as pool:
        ...     task = pool.submit(pow, 2, 10)
        ...     task.result().value
        1024
        """
        return self._submit(fn, args, None)

    def submit_with_context(self, fn: Callable[..., T], *args: Any) -> Task:
        """Queue ``fn(context, *args)``, with the worker's own copy of the pool's context.

        Only ``fn`` and ``args`` travel to the worker: the context is already there (see the
        ``context`` argument of the pool), so a task can name a part of a large shared object
        (a question id) instead of carrying it.  Budget and outcomes are as for :meth:`submit`.

        Raises:
            ValueError: when the pool was built without a context.
            RuntimeError: when the pool is closed.

        >>> from checker.config import Budget
        >>> with WorkerPool(Budget(seconds=5), context={"2.2": 3}) as pool:
        ...     pool.submit_with_context(dict.get, "2.2").result().value
        3
        """
        if self.context is None:
            raise ValueError(
                "submit_with_context needs a pool context; expected WorkerPool(..., context=obj), "
                "found context=None; fix: build the pool with the object its tasks share, or use submit"
            )
        return self._submit(fn, args, None, with_context=True)

    def _submit(
        self, fn: Callable[..., Any], args: tuple[Any, ...], tag: Any, *, with_context: bool = False
    ) -> Task:
        if self._closed:
            raise RuntimeError("WorkerPool is closed; expected an open pool, found it closed")
        task = Task(self, next(self._ids), fn, args, tag, with_context=with_context)
        self._pending.append(task)
        self._dispatch()
        return task

    def run(self, fn: Callable[..., T], *args: Any) -> Outcome[T]:
        """Run one call in a worker and block until its outcome (value, or the limit it hit).

        >>> from checker.config import Budget
        >>> with WorkerPool(Budget(seconds=5)) as pool:
        ...     pool.run(divmod, 7, 2).value
        (3, 1)
        """
        return self.submit(fn, *args).result()

    def as_completed(self, tasks: Iterable[Task] | None = None) -> Iterator[tuple[Task, Outcome[Any]]]:
        """Yield ``(task, outcome)`` for each of ``tasks`` (default: every unfinished task) as it finishes.

        Tasks already done are yielded first.

        >>> from checker.config import Budget
        >>> with WorkerPool(Budget(seconds=5), workers=2) as pool:
        ...     tasks = [pool.submit(abs, -n) for n in range(3)]
        ...     sorted(outcome.value for _, outcome in pool.as_completed(tasks))
        [0, 1, 2]
        """
        waiting = list(tasks) if tasks is not None else [*self._running(), *self._pending]
        while waiting:
            done = [t for t in waiting if t.outcome is not None]
            for task in done:
                waiting.remove(task)
                assert task.outcome is not None
                yield task, task.outcome
            if waiting:
                self._step_for(waiting)

    def map_unordered(
        self,
        fn: Callable[..., T],
        arguments: Iterable[tuple[Any, ...]],
        *,
        tags: Iterable[Any] | None = None,
    ) -> Iterator[tuple[Any, Outcome[T]]]:
        """Run ``fn(*args)`` for each argument tuple; yield ``(tag, outcome)`` as each finishes.

        Tags default to the 0-based position of the arguments.  At most ``4 × workers`` tasks are
        in flight, so a long stream of arguments is consumed lazily.

        >>> from checker.config import Budget
        >>> with WorkerPool(Budget(seconds=5), workers=2) as pool:
        ...     sorted((tag, o.value) for tag, o in pool.map_unordered(abs, [(-1,), (-2,)]))
        [(0, 1), (1, 2)]
        """
        tag_iter: Iterator[Any] = iter(tags) if tags is not None else itertools.count()
        window: Window[tuple[Any, Outcome[T]]] = Window(self, tasks=4 * self.workers)

        def start(index: int, args: tuple[Any, ...]) -> None:
            window.submit(fn, *args, tag=(index, next(tag_iter)))

        def settle(tag: tuple[int, Any], outcome: Outcome[Any]) -> None:
            window.emit(tag[0], (tag[1], outcome))

        return window.run(arguments, start, settle, ordered=False)

    # -- driving ------------------------------------------------------------------------------

    def _running(self) -> list[Task]:
        return [task for w in self._pool for task in w.tasks]

    def _dispatch(self) -> None:
        """Hand pending tasks to idle workers, starting workers up to ``self.workers``."""
        while self._pending:
            # An idle worker first, then a new one (up to self.workers), then a waiting slot.
            idle = next((w for w in self._pool if not w.tasks), None)
            if idle is None and len(self._pool) < self.workers:
                idle = self._spawn()
                self._pool.append(idle)
            if idle is None:
                idle = min(self._pool, key=lambda w: len(w.tasks), default=None)
                if idle is None or len(idle.tasks) >= _QUEUE_DEPTH:
                    return
            task = self._pending.popleft()
            try:
                idle.conn.send((task.id, task.fn, task.args, task.with_context))
            except (BrokenPipeError, ConnectionResetError, EOFError):
                # The worker died (a crash, or killed from outside): retry this task elsewhere,
                # after settling what the dead worker holds.
                self._pending.appendleft(task)
                self._bury(idle)
                continue
            except Exception as exc:  # fn or args do not pickle: the caller's bug, as an outcome
                task.outcome = Outcome(
                    error="exception", detail=f"the task could not be sent to a worker: {exc!r}"
                )
                continue
            idle.tasks.append(task)
            if len(idle.tasks) == 1:
                idle.started = time.monotonic()
                idle.deadline = idle.started + self.budget.seconds

    def _bury(self, worker: _Worker) -> None:
        """Settle a worker found dead by a failed send, as a death found by waiting would be.

        The task it was running gets its reply if one was sent before the death, else "worker
        crashed"; tasks waiting in its pipe never started and go back to the front of the queue,
        uncharged.  (A worker with tasks was once replaced without settling them: they were lost.)
        """
        if worker.tasks:
            self._collect(worker)  # a reply, or a crash (which re-queues the rest and replaces it)
        if worker in self._pool:
            self._pending.extendleft(reversed(worker.tasks))
            worker.tasks.clear()
            self._replace(worker)

    def _step_for(self, waiting: Iterable[Task]) -> None:
        """Drive the pool one event further on behalf of unfinished ``waiting`` tasks.

        Raises:
            RuntimeError: the pool is closed, or a task is held by no one (a bug in the pool):
                failing loudly beats waiting forever.
        """
        if self._closed:
            raise RuntimeError("WorkerPool is closed; expected an open pool, found it closed")
        held = {id(t) for t in self._pending} | {id(t) for w in self._pool for t in w.tasks}
        lost = [t for t in waiting if t.outcome is None and id(t) not in held]
        if lost:
            raise RuntimeError(
                f"internal error: the pool lost task(s) {lost}; expected each pending or held by a worker"
            )
        self._step()

    def _step(self) -> None:
        """Wait for one event (a result, a death, a deadline) and settle what happened."""
        self._dispatch()
        busy = [w for w in self._pool if w.task is not None]
        if not busy:
            return
        now = time.monotonic()
        timeout = max(0.0, min(w.deadline for w in busy) - now)
        handles: dict[Any, _Worker] = {}
        for w in busy:
            handles[w.conn] = w
            handles[w.proc.sentinel] = w
        ready = multiprocessing.connection.wait(list(handles), timeout)
        settled: set[int] = set()
        for handle in ready:
            worker = handles[handle]
            if id(worker) in settled:
                continue
            settled.add(id(worker))
            self._collect(worker)
        now = time.monotonic()
        for worker in list(self._pool):
            if worker.task is not None and now >= worker.deadline:
                self._finish(
                    worker,
                    Outcome(
                        error="time limit",
                        detail=f"time limit ({self.budget.seconds:g} s) exceeded; the worker was killed",
                        seconds=now - worker.started,
                    ),
                    replace=True,
                )
        self._dispatch()

    def _collect(self, worker: _Worker) -> None:
        """Read a finished worker's reply, or record its death."""
        elapsed = time.monotonic() - worker.started
        try:
            if not worker.conn.poll():
                raise EOFError
            task_id, error, detail, value = worker.conn.recv()
        except (EOFError, OSError):
            worker.proc.join(1.0)
            code = worker.proc.exitcode
            how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            task = worker.tasks[0]
            task.crashes += 1
            if task.crashes <= self.crash_retries:
                # Killed from outside (the OOM killer, a stray signal) or a one-off crash: run it
                # again, first in line, on another worker; the tasks behind it keep their places.
                self._pending.extendleft(reversed(worker.tasks))
                worker.tasks.clear()
                self._replace(worker)
                return
            retried = (
                f"; it was run {task.crashes} times, on a new worker each time" if task.crashes > 1 else ""
            )
            self._finish(
                worker,
                Outcome(
                    error="worker crashed",
                    detail=f"the worker process died ({how}){retried}",
                    seconds=elapsed,
                ),
                replace=True,
            )
            return
        assert worker.task is not None and task_id == worker.task.id
        # A worker that ran out of memory is replaced: its heap may be left fragmented.
        self._finish(worker, Outcome(value, error, detail, elapsed), replace=error == "memory limit")

    def _finish(self, worker: _Worker, outcome: Outcome[Any], *, replace: bool) -> None:
        task = worker.tasks.popleft()
        task.outcome = outcome
        if replace:
            # Tasks waiting behind the failed one never started: back to the front, uncharged.
            self._pending.extendleft(reversed(worker.tasks))
            worker.tasks.clear()
            self._replace(worker)
        elif worker.tasks:
            # The worker started the next task as soon as it sent this reply.
            worker.started = time.monotonic()
            worker.deadline = worker.started + self.budget.seconds
