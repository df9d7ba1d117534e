"""The one windowed-submit loop: a stream of items through a worker pool, results in order or as done.

``check --batch``, ``steps``, grading a class and :meth:`checker.run.sandbox.WorkerPool.map_unordered`
all read a stream lazily, keep a bounded number of tasks in flight, route each task's outcome back
to what asked for it, and hand results out in input order or as they finish: :class:`Window` is
that loop, written once.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    from checker.run.sandbox import Outcome

__all__ = ["Window"]

R = TypeVar("R")
S = TypeVar("S")


class _Submitting(Protocol):
    """What a :class:`Window` needs of its pool (a ``WorkerPool``, or a test's stand-in)."""

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any: ...

    def submit_with_context(self, fn: Callable[..., Any], *args: Any) -> Any: ...

    def as_completed(self, tasks: Any = None) -> Iterator[tuple[Any, Any]]: ...


class Window(Generic[R]):
    """The one windowed-submit loop: a stream of items through a pool, results in order or as done.

    ``check --batch``, grading a class and :meth:`WorkerPool.map_unordered` all read a stream
    lazily, keep a bounded number of tasks in flight, route each task's outcome back to what
    asked for it, and hand out results; this is that loop, written once.  An item is *started*
    by ``start(index, item)``: it submits tasks through :meth:`submit` (each with a ``tag``) and
    may settle the item at once with :meth:`emit`.  Each finished task goes to
    ``settle(tag, outcome)``, which may submit more tasks (a retry, a second stage) and emits
    an item's result once it has it.  Every item must be emitted exactly once.

    Args:
        pool: the pool tasks run in.
        tasks: at most this many tasks in flight; new items are started only below it.
        items: at most this many items started and not yet handed out (bounds memory when
            items finish out of order, or queue no tasks).  Default ``max(64, 8 * tasks)``.

    >>> from checker.config import Budget
    >>> from checker.run.sandbox import Outcome, WorkerPool
    >>> with WorkerPool(Budget(seconds=5), workers=2) as pool:
    ...     window: Window[int] = Window(pool, tasks=4)
    ...     def start(index: int, n: int) -> None:
    ...         window.submit(abs, n, tag=index)
    ...     def settle(index: int, outcome: Outcome[int]) -> None:
    ...         window.emit(index, outcome.value)
    ...     list(window.run([-3, -1, -2], start, settle, ordered=True))
    [3, 1, 2]
    """

    def __init__(self, pool: _Submitting, *, tasks: int, items: int | None = None) -> None:
        if tasks < 1:
            raise ValueError(f"Window needs tasks >= 1, got tasks={tasks}")
        self.pool = pool
        self.tasks = tasks
        self.items = items if items is not None else max(64, 8 * tasks)
        self._in_flight: dict[Any, Any] = {}  # task handle -> tag
        self._ready: dict[int, R] = {}  # emitted, not yet handed out (ordered)
        self._done: deque[R] = deque()  # emitted, not yet handed out (completion order)
        self._open = 0  # items started and not yet handed out
        self._emitted: set[int] = set()
        self._ordered = True

    @property
    def in_flight(self) -> int:
        """Tasks submitted through the window and not yet settled."""
        return len(self._in_flight)

    def submit(self, fn: Callable[..., Any], *args: Any, tag: Any, with_context: bool = False) -> Any:
        """Submit ``fn(*args)`` (``fn(context, *args)`` when ``with_context``); its outcome goes to
        ``settle(tag, outcome)``.  Returns the pool's handle."""
        handle = self.pool.submit_with_context(fn, *args) if with_context else self.pool.submit(fn, *args)
        self._in_flight[handle] = tag
        return handle

    def emit(self, index: int, result: R) -> None:
        """Settle item ``index`` with ``result``.

        Raises:
            RuntimeError: when the item was already emitted (a bug in the caller).
        """
        if index in self._emitted:
            raise RuntimeError(f"internal error: item {index} was emitted twice; expected once")
        self._emitted.add(index)
        if self._ordered:
            self._ready[index] = result
        else:
            self._done.append(result)

    def run(
        self,
        source: Iterable[S],
        start: Callable[[int, S], None],
        settle: Callable[[Any, Outcome[Any]], None],
        *,
        ordered: bool,
        idle: Callable[[], None] | None = None,
    ) -> Iterator[R]:
        """Drive the stream: yield each item's result, in input order (``ordered``) or as emitted.

        Args:
            source: the items, read lazily.
            start: ``start(index, item)``, called once per item (0-based index).
            settle: ``settle(tag, outcome)``, called once per finished task.
            ordered: hand results out in input order; else in the order they were emitted.
            idle: called when the source is spent and no task is in flight while items are
                still open: the last chance to emit them.

        Raises:
            RuntimeError: when items are left that nothing will ever emit (a bug in the caller):
                failing loudly beats waiting forever or dropping them.
        """
        self._ordered = ordered
        items = enumerate(source)
        exhausted = False
        next_out = 0
        while True:
            while not exhausted and len(self._in_flight) < self.tasks and self._open < self.items:
                item = next(items, None)
                if item is None:
                    exhausted = True
                    break
                self._open += 1
                start(*item)
            while next_out in self._ready:
                self._open -= 1
                yield self._ready.pop(next_out)
                next_out += 1
            while self._done:
                self._open -= 1
                yield self._done.popleft()
            if self._in_flight:
                handle, outcome = next(self.pool.as_completed(list(self._in_flight)))
                settle(self._in_flight.pop(handle), outcome)
            elif exhausted:
                if self._open and idle is not None and not (self._ready or self._done):
                    idle()
                    idle = None
                    continue
                if self._open:
                    raise RuntimeError(
                        f"internal error: {self._open} item(s) were started but never emitted; "
                        "expected every item emitted once"
                    )
                return
