"""The budgeted worker pool, driven with plain Python functions."""

from __future__ import annotations

import operator
import os
import threading
import time

import pytest

from checker.config import Budget
from checker.run.sandbox import WorkerPool

BUDGET = Budget(seconds=0.5, memory_mb=512)


# Top-level so that they pickle.
def nap(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def allocate(n_bytes: int) -> int:
    return len(bytearray(n_bytes))


def grow_forever() -> int:
    chunks = []
    while True:
        chunks.append(bytearray(16 * 1024 * 1024))


def hard_exit(code: int) -> None:
    os._exit(code)


def segfault() -> None:
    import ctypes

    ctypes.string_at(0)


def boom() -> None:
    raise ValueError("boom")


def pid() -> int:
    return os.getpid()


def unpicklable_result() -> object:
    return lambda: None


def env_marker() -> str:
    return os.environ.get("DERIVCHECK_TEST_MARKER", "")


def set_marker(value: str) -> None:
    os.environ["DERIVCHECK_TEST_MARKER"] = value


def slow_initializer(seconds: float) -> None:
    time.sleep(seconds)


def failing_initializer() -> None:
    raise RuntimeError("no key")


@pytest.fixture
def pool() -> WorkerPool:
    with WorkerPool(BUDGET) as p:
        yield p  # type: ignore[misc]


FAILURES = [
    ("sleep-past-budget", nap, (5.0,), "time limit"),
    ("huge-allocation", allocate, (8 * 1024**3,), "memory limit"),
    ("os-exit", hard_exit, (3,), "worker crashed"),
    ("segfault", segfault, (), "worker crashed"),
    ("exception", boom, (), "exception"),
    ("unpicklable-result", unpicklable_result, (), "exception"),
]


@pytest.mark.parametrize(("fn", "args", "error"), [f[1:] for f in FAILURES], ids=[f[0] for f in FAILURES])
def test_failure_becomes_outcome_and_pool_keeps_going(
    pool: WorkerPool, fn: object, args: tuple[object, ...], error: str
) -> None:
    outcome = pool.run(fn, *args)  # type: ignore[arg-type]
    assert outcome.error == error
    assert outcome.value is None and outcome.detail
    follow_up = pool.run(divmod, 7, 2)
    assert follow_up.ok and follow_up.value == (3, 1)


def test_allocation_loop_hits_memory_limit() -> None:
    # Touching ~250 MiB takes a while on a slow machine: a generous clock, a tight cap.
    with WorkerPool(Budget(seconds=20, memory_mb=256)) as p:
        outcome = p.run(grow_forever)
        assert outcome.error == "memory limit"
        assert p.run(allocate, 1024).value == 1024


def test_time_limit_kills_and_replaces_worker(pool: WorkerPool) -> None:
    before = pool.run(pid).value
    assert pool.run(nap, 5.0).error == "time limit"
    after = pool.run(pid).value
    assert before is not None and after is not None and before != after


def test_time_limit_detail_names_budget(pool: WorkerPool) -> None:
    assert "0.5 s" in pool.run(nap, 5.0).detail


def test_worker_is_reused_when_tasks_succeed(pool: WorkerPool) -> None:
    assert pool.run(pid).value == pool.run(pid).value != os.getpid()


def test_exception_detail_is_traceback(pool: WorkerPool) -> None:
    detail = pool.run(boom).detail
    assert "ValueError: boom" in detail and "Traceback" in detail


def test_map_unordered_returns_every_tag(pool: WorkerPool) -> None:
    with WorkerPool(BUDGET, workers=2) as two:
        got = dict(two.map_unordered(nap, [(0.2,), (0.01,), (9.0,), (0.05,)], tags="abcd"))
    assert sorted(got) == ["a", "b", "c", "d"]
    assert got["c"].error == "time limit"
    assert [got[t].value for t in "abd"] == [0.2, 0.01, 0.05]


def test_as_completed_yields_fast_task_first() -> None:
    with WorkerPool(Budget(seconds=5), workers=2) as two:
        slow = two.submit(nap, 0.4)
        fast = two.submit(nap, 0.0)
        order = [task for task, _ in two.as_completed([slow, fast])]
    assert order == [fast, slow]


def test_more_tasks_than_workers_all_finish(pool: WorkerPool) -> None:
    tasks = [pool.submit(divmod, i, 3) for i in range(10)]
    results = {task.id: outcome.value for task, outcome in pool.as_completed(tasks)}
    assert [results[t.id] for t in tasks] == [divmod(i, 3) for i in range(10)]


def test_initializer_runs_in_each_worker() -> None:
    with WorkerPool(BUDGET, initializer=set_marker, initargs=("ready",)) as p:
        assert p.run(env_marker).value == "ready"
        p.run(hard_exit, 1)
        assert p.run(env_marker).value == "ready"  # the replacement ran it too
    assert os.environ.get("DERIVCHECK_TEST_MARKER") is None


def test_failing_initializer_is_reported_per_task() -> None:
    with WorkerPool(BUDGET, initializer=failing_initializer) as p:
        outcome = p.run(divmod, 1, 1)
    assert outcome.error == "exception" and "initializer failed" in outcome.detail


def test_unpicklable_argument_is_an_outcome(pool: WorkerPool) -> None:
    outcome = pool.run(divmod, lambda: 1, 2)
    assert outcome.error == "exception" and "could not be sent" in outcome.detail


def test_closed_pool_refuses_work() -> None:
    p = WorkerPool(BUDGET)
    p.close()
    with pytest.raises(RuntimeError, match="closed"):
        p.submit(divmod, 1, 1)


def test_close_stops_busy_workers() -> None:
    p = WorkerPool(Budget(seconds=30))
    task = p.submit(nap, 30.0)
    assert task.args == (30.0,)  # dispatched by submit
    worker_procs = [w.proc for w in p._pool]
    p.close()
    assert not task.done()
    assert all(proc._closed or not proc.is_alive() for proc in worker_procs)  # type: ignore[attr-defined]


def test_workers_must_be_positive() -> None:
    with pytest.raises(ValueError, match="workers"):
        WorkerPool(BUDGET, workers=0)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_start_methods_handle_every_failure(method: str) -> None:
    # Builtins only: they pickle by reference under spawn whatever the test module's import name.
    with WorkerPool(Budget(seconds=1.0), start_method=method) as p:  # type: ignore[arg-type]
        assert p.run(divmod, 9, 4).value == (2, 1)
        assert p.run(time.sleep, 30).error == "time limit"
        assert p.run(os._exit, 5).error == "worker crashed"
        assert p.run(divmod, 1, 0).error == "exception"
        assert p.run(divmod, 9, 4).value == (2, 1)


# --- one task waits in each worker's pipe behind the running one (_QUEUE_DEPTH) -----------------


def test_a_waiting_task_is_not_charged_for_the_wait() -> None:
    # One worker, two naps that each fit the budget but not together: the second task's clock
    # starts when the first replies, so neither is a time limit.
    with WorkerPool(BUDGET, workers=1) as pool:
        first, second = pool.submit(nap, 0.3), pool.submit(nap, 0.3)
        assert first.result().ok and first.result().value == 0.3
        assert second.result().ok and second.result().value == 0.3


# Touching ~250 MiB takes a while on a loaded machine: the memory row gets a generous clock and a
# tight cap (as in test_allocation_loop_hits_memory_limit), so it can only end by the cap.
@pytest.mark.parametrize(
    ("fn", "args", "error", "budget"),
    [
        (nap, (5.0,), "time limit", BUDGET),
        (hard_exit, (3,), "worker crashed", BUDGET),
        (grow_forever, (), "memory limit", Budget(seconds=20, memory_mb=256)),
    ],
    ids=["behind-a-time-limit", "behind-a-crash", "behind-a-memory-limit"],
)
def test_tasks_waiting_behind_a_failure_still_run(
    fn: object, args: tuple[object, ...], error: str, budget: Budget
) -> None:
    with WorkerPool(budget, workers=1) as pool:
        bad = pool.submit(fn, *args)  # type: ignore[arg-type]
        queued = [pool.submit(pid) for _ in range(3)]
        assert bad.result().error == error
        outcomes = [t.result() for t in queued]
        assert all(o.ok for o in outcomes), outcomes
        # They ran in the replacement worker, not in the one that failed.
        assert len({o.value for o in outcomes}) == 1


def test_a_worker_found_dead_when_sending_keeps_the_task_it_held() -> None:
    # The worker dies before the next task is sent to it: the send fails. The task it was running
    # must still get its outcome (a crash), and the tasks behind it must run elsewhere. The pool
    # once dropped the running task here ("the pool lost task(s)"), a flake under load.
    with WorkerPool(BUDGET, workers=1) as pool:
        bad = pool.submit(hard_exit, 3)
        pool._pool[0].proc.join(5.0)  # dead, and not yet noticed by the pool
        queued = [pool.submit(pid) for _ in range(3)]
        assert bad.result().error == "worker crashed"
        outcomes = [t.result() for t in queued]
        assert all(o.ok for o in outcomes), outcomes


def test_many_tasks_on_two_workers_all_finish_once() -> None:
    with WorkerPool(BUDGET, workers=2) as pool:
        tasks = [pool.submit(nap, 0.001 * (i % 3)) for i in range(40)]
        results = dict(pool.as_completed(tasks))
        assert set(results) == set(tasks)
        assert all(o.ok for o in results.values())


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_worker_start_up_is_not_charged_to_the_first_task(method: str) -> None:
    # The initializer alone takes longer than the budget; the first task must still get all of it.
    with WorkerPool(
        Budget(seconds=0.5), initializer=slow_initializer, initargs=(0.8,), start_method=method
    ) as p:  # type: ignore[arg-type]
        outcome = p.run(divmod, 9, 4)
        assert outcome.ok and outcome.value == (2, 1), outcome


# --- a context every worker holds, passed to each task of submit_with_context -------------------


class SlowToUnpickle:
    """A context whose arrival in a spawned worker takes longer than a task's budget."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __reduce__(self) -> tuple[object, tuple[float]]:
        return (arrive_slowly, (self.seconds,))


def arrive_slowly(seconds: float) -> dict[str, str]:
    time.sleep(seconds)
    return {"key": "arrived"}


CONTEXT = {"key": "hw3", "size": 3}


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_context_reaches_every_task_and_every_replacement_worker(method: str) -> None:
    # Builtins only (they pickle by reference under spawn): operator.getitem(context, "key").
    with WorkerPool(Budget(seconds=1.0), context=CONTEXT, start_method=method) as p:  # type: ignore[arg-type]
        assert p.submit_with_context(operator.getitem, "key").result().value == "hw3"
        first = p.run(os.getpid).value
        assert p.run(time.sleep, 30).error == "time limit"
        assert p.submit_with_context(operator.getitem, "size").result().value == 3
        after_kill = p.run(os.getpid).value
        assert p.run(os._exit, 5).error == "worker crashed"
        assert p.submit_with_context(operator.getitem, "key").result().value == "hw3"
        after_crash = p.run(os.getpid).value
        assert len({first, after_kill, after_crash}) == 3  # each answer came from a new worker
        # Plain submit is unchanged on a pool with a context: no context argument.
        assert p.run(divmod, 7, 2).value == (3, 1)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_context_task_waiting_behind_a_time_limit_keeps_its_context(method: str) -> None:
    with WorkerPool(Budget(seconds=1.0), workers=1, context=CONTEXT, start_method=method) as p:  # type: ignore[arg-type]
        bad = p.submit(time.sleep, 30)
        queued = [p.submit_with_context(operator.getitem, "key") for _ in range(3)]
        assert bad.result().error == "time limit"
        assert [t.result().value for t in queued] == ["hw3"] * 3


def test_fork_worker_holds_the_parents_very_object_and_never_pickles_it() -> None:
    # A lock does not pickle: under fork the context is inherited, never sent with a task.
    context = {"lock": threading.Lock(), "key": "hw3"}
    with WorkerPool(BUDGET, workers=2, context=context, start_method="fork") as p:
        tasks = [p.submit_with_context(id) for _ in range(4)]
        assert {t.result().value for t in tasks} == {id(context)}
        assert p.submit_with_context(operator.getitem, "key").result().value == "hw3"


def test_spawn_context_that_does_not_pickle_names_cause_and_fix() -> None:
    with (
        WorkerPool(BUDGET, context=threading.Lock(), start_method="spawn") as p,
        pytest.raises(TypeError, match=r"context to pickle.*fix"),
    ):
        p.submit_with_context(id)


@pytest.mark.parametrize(
    ("method", "arrives_as"), [("fork", SlowToUnpickle), ("spawn", dict)], ids=["fork", "spawn"]
)
def test_context_transfer_is_not_charged_to_the_first_task(method: str, arrives_as: type) -> None:
    # Under spawn the context takes longer to arrive (unpickle) than the budget; the first task
    # still gets all of it.  Under fork it is inherited as is, never unpickled.
    with WorkerPool(Budget(seconds=0.5), context=SlowToUnpickle(0.8), start_method=method) as p:  # type: ignore[arg-type]
        outcome = p.submit_with_context(type).result()
        assert outcome.ok and outcome.value is arrives_as, outcome


def test_submit_with_context_needs_a_context(pool: WorkerPool) -> None:
    with pytest.raises(ValueError, match=r"context=None.*fix"):
        pool.submit_with_context(id)
