"""The one windowed-submit loop (sandbox.Window) behind check --batch, grading and map_unordered."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from checker.config import Budget
from checker.run.sandbox import Outcome, Window, WorkerPool


def nap(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    with WorkerPool(Budget(seconds=5), workers=2) as p:
        yield p


def run(pool: WorkerPool, items: list[float | None], *, ordered: bool, tasks: int = 2) -> list[float | None]:
    """Each item naps in a worker; None settles at once, without a task."""
    window: Window[float | None] = Window(pool, tasks=tasks)

    def start(index: int, item: float | None) -> None:
        if item is None:
            window.emit(index, None)
        else:
            window.submit(nap, item, tag=index)

    def settle(index: int, outcome: Outcome[float]) -> None:
        window.emit(index, outcome.value)

    return list(window.run(items, start, settle, ordered=ordered))


def test_ordered_results_keep_input_order_whatever_finishes_first(pool: WorkerPool) -> None:
    items = [0.3, None, 0.01, None, 0.05]
    assert run(pool, items, ordered=True) == items


def test_unordered_results_come_as_they_finish(pool: WorkerPool) -> None:
    got = run(pool, [0.3, 0.01], ordered=False)
    assert got == [0.01, 0.3]


def test_the_source_is_read_lazily_within_the_window(pool: WorkerPool) -> None:
    pulled: list[int] = []

    def source() -> Iterator[float]:
        for i in range(100):
            pulled.append(i)
            yield 0.0

    window: Window[float] = Window(pool, tasks=2, items=4)
    window_run = window.run(
        source(),
        lambda i, item: window.submit(nap, item, tag=i),
        lambda i, outcome: window.emit(i, outcome.value),
        ordered=True,
    )
    next(window_run)
    assert len(pulled) <= 4


def test_an_item_never_emitted_fails_loudly(pool: WorkerPool) -> None:
    window: Window[int] = Window(pool, tasks=2)
    with pytest.raises(RuntimeError, match="never emitted"):
        list(window.run([1, 2], lambda i, item: None, lambda tag, outcome: None, ordered=False))


def test_an_item_emitted_twice_fails_loudly(pool: WorkerPool) -> None:
    window: Window[int] = Window(pool, tasks=2)

    def start(index: int, item: int) -> None:
        window.emit(index, item)
        window.emit(index, item)

    with pytest.raises(RuntimeError, match="emitted twice"):
        list(window.run([1], start, lambda tag, outcome: None, ordered=True))
