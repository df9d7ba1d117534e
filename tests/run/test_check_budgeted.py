"""check_answer / check_batch: budgeted judging with the real key, parser and equivalence engine."""

from __future__ import annotations

from typing import Any

import pytest

from checker.config import Budget, GradeConfig
from checker.errors import UnknownQuestionError
from checker.judge.answer import judge
from checker.key import Key, Question, load_key
from checker.run.check import check_answer, check_batch, check_chain, verdict_from_outcome
from checker.run.sandbox import Outcome, Task, WorkerPool

CONFIG = GradeConfig(budget=Budget(seconds=2.0))


@pytest.fixture(scope="module")
def key() -> Key:
    return load_key()


@pytest.fixture(scope="module")
def pool() -> WorkerPool:
    with WorkerPool(CONFIG.budget) as p:
        yield p  # type: ignore[misc]


def test_unknown_question_raises(key: Key, pool: WorkerPool) -> None:
    with pytest.raises(UnknownQuestionError, match=r"9\.9"):
        check_answer(key, "9.9", "x", config=CONFIG, pool=pool)


def test_answer_over_length_limit_is_unparsed_without_parsing(key: Key) -> None:
    small = GradeConfig(budget=Budget(max_input_chars=50))
    verdict = check_answer(key, "1.2.2", "w + " * 30, config=small)
    assert verdict.verdict == "unparsed"
    assert "120" in verdict.feedback and "50" in verdict.feedback


@pytest.mark.parametrize(
    ("qid", "answer", "verdict"),
    [
        ("1.2.2", r"w^* = (X^T X + 2\lambda n I)^{-1} X^T t", "correct"),
        ("3.2", r"\sigma^2 = \frac{1-p}{p}", "correct"),
        ("2.2", "the best option is to increase model size", "correct"),
        ("1.2.2", r"(X X^T + 2\lambda n I)^{-1} X^T t", "incorrect"),
        ("1.2.2", "", "missing"),
    ],
    ids=["matrix", "equation", "choice", "wrong", "missing"],
)
def test_check_answer_in_worker(key: Key, pool: WorkerPool, qid: str, answer: str, verdict: str) -> None:
    assert check_answer(key, qid, answer, config=CONFIG, pool=pool).verdict == verdict


UNREADABLE = ("unparsed",)
NOT_CORRECT = ("unparsed", "incorrect", "error", "needs_review")
# (id, question, answer, verdicts allowed): refused constructs are unparsed with a reason, never guessed.
HOSTILE = [
    ("huge-power", "3.2", r"(p+1)^{100000}", UNREADABLE),
    ("power-tower", "3.2", r"9^{9^{9^{9}}}", UNREADABLE),
    ("deep-sqrt", "3.2", r"\sqrt{" * 300 + "p" + "}" * 300, UNREADABLE),
    ("100kb", "1.1.2", "x+" * 50_000 + "x", UNREADABLE),
    ("nul-bytes", "1.1.2", "w^T x\x00\x00 - \\epsilon", UNREADABLE),
    ("input", "1.1.2", r"\input{/etc/passwd}", UNREADABLE),
    ("def-loop", "1.1.2", r"\def\a{\a\a}\a", UNREADABLE),
    ("python", "1.1.2", "__import__('os').system('echo pwned')", UNREADABLE),
    ("braces", "1.1.2", "{" * 5000, UNREADABLE),
    ("vector-power", "1.1.2", r"(x+1)^{100000}", NOT_CORRECT),
    ("long-product", "1.2.2", " ".join(["X^T X"] * 400) + " X^T t", NOT_CORRECT),
]


@pytest.mark.parametrize(("qid", "answer", "allowed"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_hostile_answers_get_a_clear_verdict(
    key: Key, pool: WorkerPool, qid: str, answer: str, allowed: tuple[str, ...]
) -> None:
    verdict = check_answer(key, qid, answer, config=CONFIG, pool=pool)
    assert verdict.verdict in allowed, verdict.feedback
    assert verdict.score == 0.0
    assert verdict.feedback and "Traceback" not in verdict.feedback
    if verdict.verdict == "unparsed":
        assert verdict.feedback.startswith("Your answer")


def test_time_limit_outcome_becomes_error_verdict(key: Key) -> None:
    question = key.question("1.2.2")
    verdict = verdict_from_outcome(
        question, Outcome(error="time limit", detail="killed"), Budget(seconds=2), answer="w"
    )
    assert verdict.verdict == "error"
    assert verdict.feedback == "time limit (2 s) exceeded; a TA will grade it by hand"
    assert verdict.evidence is None and verdict.score == 0.0
    assert verdict.answer == "w"


def test_memory_limit_outcome_becomes_error_verdict(key: Key) -> None:
    verdict = verdict_from_outcome(
        key.question("3.2"), Outcome(error="memory limit"), Budget(memory_mb=512), answer="s"
    )
    assert verdict.verdict == "error" and "memory limit (512 MiB)" in verdict.feedback


BATCH: list[tuple[str, Any, str, str]] = [
    ("ok", {"id": 1, "question": "3.2", "answer": r"\sigma = \sqrt{\frac{1-p}{p}}"}, "correct", ""),
    ("mistake", {"id": 2, "question": "3.2", "answer": r"\sigma = \frac{1-p}{p}"}, "incorrect", ""),
    ("no-answer-field", {"id": 3, "question": "3.2"}, "error", "answer"),
    ("non-string-answer", {"id": 4, "question": "3.2", "answer": 3}, "error", "string"),
    ("unknown-question", {"id": 5, "question": "7.7", "answer": "x"}, "error", "7.7"),
    ("invalid-line", {"_line": 6, "_invalid": "line 6 is not JSON"}, "error", "line 6 is not JSON"),
    ("choice", {"id": 7, "question": "2.1.2a", "answer": "C", "extra": [1, 2]}, "correct", ""),
    ("not-a-mapping", ["question", "answer"], "error", "JSON object"),
]


def test_check_batch_keeps_order_echoes_fields_and_survives_bad_records(key: Key) -> None:
    out = list(check_batch([row[1] for row in BATCH], key, config=GradeConfig(jobs=2)))
    assert len(out) == len(BATCH)
    for (name, record, verdict, needle), got in zip(BATCH, out, strict=True):
        assert got["verdict"] == verdict, name
        assert needle in got["feedback"], name
        if isinstance(record, dict):
            for field in set(record) - {"question", "answer"}:
                assert got[field] == record[field], name


def test_check_batch_with_prior_gives_follow_through(key: Key) -> None:
    record = {
        "question": "1.2.3",
        "answer": r"\epsilon = \frac{x (X^2 + \lambda n)}{X t}",
        "prior": {"1.2.2": r"w^* = (X^T X + \lambda n I)^{-1} X^T t"},
    }
    (got,) = check_batch([record], key)
    assert got["answer_note"] == "follow_through"


def test_check_batch_reads_the_stream_lazily(key: Key) -> None:
    pulled: list[int] = []

    def stream() -> Any:
        for i in range(40):
            pulled.append(i)
            yield {"id": i, "question": "2.2", "answer": "a larger model"}

    batch = check_batch(stream(), key, config=GradeConfig(jobs=1))
    first = next(batch)
    assert first["id"] == 0
    assert len(pulled) <= 5  # a window of 4 × jobs records, not the whole stream
    assert [r["id"] for r in batch] == list(range(1, 40))


def test_check_batch_hostile_record_does_not_stop_the_batch(key: Key) -> None:
    records = [
        {"id": 1, "question": "2.2", "answer": "a larger model"},
        {"id": 2, "question": "1.1.2", "answer": r"9^{9^{9^{9}}}"},
        {"id": 3, "question": "1.1.2", "answer": r"\def\a{\a\a}\a"},
        {"id": 4, "question": "2.2", "answer": "a larger model"},
    ]
    out = list(check_batch(records, key, config=GradeConfig(budget=Budget(seconds=1.0), jobs=2)))
    assert [r["id"] for r in out] == [1, 2, 3, 4]
    assert out[0]["verdict"] == out[3]["verdict"] == "correct"
    assert out[1]["verdict"] != "correct" and out[2]["verdict"] != "correct"


RIDGE_CHAIN = "\n".join(
    [
        r"$$\frac{1}{n} X^T (Xw - t) + 2\lambda w = 0$$",
        r"$$(X^T X + 2\lambda n I) w = X^T t$$",
        r"$$w = (X^T X + \lambda n I)^{-1} X^T t$$",
    ]
)


def test_check_chain_finds_the_first_invalid_step(key: Key, pool: WorkerPool) -> None:
    result = check_chain(key, "1.2.2", RIDGE_CHAIN, config=CONFIG, pool=pool)
    assert [s.status for s in result.steps] == ["given", "follows", "does_not_follow"]
    assert result.first_invalid == 3
    assert result.to_json()["question"] == "1.2.2"


def test_check_chain_own_pool_and_unknown_question(key: Key) -> None:
    assert check_chain(key, "1.2.2", RIDGE_CHAIN, config=CONFIG).first_invalid == 3
    with pytest.raises(UnknownQuestionError):
        check_chain(key, "0.0", RIDGE_CHAIN, config=CONFIG)


def test_check_chain_over_budget_is_undecided_not_a_crash(key: Key) -> None:
    heavy = " ".join(["X^T X"] * 400)
    with WorkerPool(Budget(seconds=0.5)) as tight:
        result = check_chain(key, "1.2.2", heavy, config=CONFIG, pool=tight)
    (step,) = result.steps
    assert (step.status, result.first_invalid) == ("given", None)
    assert step.reason.startswith("not checked: time limit (0.5 s)")


# --- check_batch: the workers hold the key (the pool's context); tasks carry ids, not questions ----

SAME_AS_IN_PROCESS: list[tuple[str, dict[str, Any]]] = [
    ("right", {"question": "3.2", "answer": r"\sigma = \sqrt{\frac{1-p}{p}}"}),
    ("mistake", {"question": "3.2", "answer": r"\sigma = \frac{1-p}{p}"}),
    ("matrix", {"question": "1.2.2", "answer": r"w^* = (X^T X + 2\lambda n I)^{-1} X^T t"}),
    ("unparsed", {"question": "1.1.2", "answer": r"w^T (x - "}),
    ("choice", {"question": "2.2", "answer": "a larger model"}),
    (
        "follow-through",
        {
            "question": "1.2.3",
            "answer": r"\epsilon = \frac{x (X^2 + \lambda n)}{X t}",
            "prior": {"1.2.2": r"w^* = (X^T X + \lambda n I)^{-1} X^T t"},
        },
    ),
    (
        "prior-not-needed",
        {
            "question": "1.2.3",
            "answer": r"\epsilon = \frac{x (X^2 + 2\lambda n)}{X t}",
            "prior": {"1.2.2": r"w^* = (X^T X + 2\lambda n I)^{-1} X^T t"},
        },
    ),
]


def test_check_batch_verdicts_equal_judging_in_process(key: Key) -> None:
    records = [record for _, record in SAME_AS_IN_PROCESS]
    out = list(check_batch(records, key, config=GradeConfig(jobs=2)))
    for (name, record), got in zip(SAME_AS_IN_PROCESS, out, strict=True):
        prior = record.get("prior")
        expected = judge(
            key.question(record["question"]), record["answer"], prior=prior, key=key if prior else None
        )
        assert got == {**record, **expected.to_json()}, name
    assert out[5]["answer_note"] == "follow_through"


def test_check_batch_tasks_carry_ids_and_answers_not_the_key(
    key: Key, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[tuple[Any, ...]] = []
    contexts: list[Any] = []
    submit = WorkerPool.submit_with_context

    def spy(pool: WorkerPool, fn: Any, *args: Any) -> Task:
        sent.append(args)
        contexts.append(pool.context)
        return submit(pool, fn, *args)

    monkeypatch.setattr(WorkerPool, "submit_with_context", spy)
    records = [record for _, record in SAME_AS_IN_PROCESS]
    out = list(check_batch(records, key, config=GradeConfig(jobs=2)))
    assert len(sent) == len(records) and all(c is key for c in contexts)
    assert [args[0] for args in sent] == [r["question"] for r in records]
    assert not [a for args in sent for a in args if isinstance(a, (Key, Question))]
    assert out[5]["answer_note"] == "follow_through"
