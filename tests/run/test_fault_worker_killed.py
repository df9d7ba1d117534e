"""Fault 10: a worker killed mid-question is retried once; ``--resume`` regrades ``error`` questions.

A worker killed from outside (the OOM killer, a stray ``kill``) once gave its question ``error``
for good, and ``--resume`` took the submission as done.  Now the task runs again on another
worker first, and a record holding an ``error`` question is graded again on resume.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from grade_fakes import FAKES, fake_judge

from checker.cli import main
from checker.config import Budget, GradeConfig
from checker.key import Question, bundled_key_dir, load_key
from checker.run.grade import Stages, grade_paths
from checker.run.sandbox import WorkerPool
from checker.verdict import QuestionVerdict

KEY = load_key(validate_latex=False)
BUDGET = Budget(seconds=5.0, memory_mb=1024)
SAMPLE = bundled_key_dir() / "samples" / "sample-submission.md"


def killed_once(marker: str) -> int:
    """Killed with SIGKILL the first time (``marker`` does not exist yet), then returns its pid."""
    if not os.path.exists(marker):
        Path(marker).touch()
        os.kill(os.getpid(), signal.SIGKILL)
    return os.getpid()


def killed_always() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_task_whose_worker_is_killed_runs_again_on_another(tmp_path: Path) -> None:
    with WorkerPool(BUDGET, workers=1, crash_retries=1) as pool:
        first = pool.run(os.getpid).value
        outcome = pool.run(killed_once, str(tmp_path / "marker"))
    assert outcome.ok and outcome.value != first, "the second run was on a fresh worker"


def test_a_task_killed_twice_is_a_crash_that_says_so() -> None:
    with WorkerPool(BUDGET, workers=1, crash_retries=1) as pool:
        outcome = pool.run(killed_always)
        after = pool.run(divmod, 7, 2)
    assert outcome.error == "worker crashed" and "run 2 times" in outcome.detail
    assert after.value == (3, 1), "the pool goes on"


MARKER_ENV = "DERIVCHECK_TEST_KILL_MARKER"


def judge_killed_once_on_3_2(question: Question, answer: str, **kwargs: object) -> QuestionVerdict:
    """The fake judge, but the worker judging 3.2 is killed the first time."""
    if question.id == "3.2":
        killed_once(os.environ[MARKER_ENV])
    return fake_judge(question, answer, **kwargs)  # type: ignore[arg-type]


def test_grading_a_class_survives_a_worker_killed_mid_question(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MARKER_ENV, str(tmp_path / "marker"))  # workers fork after this: they see it
    path = tmp_path / "s.md"
    path.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    engine = Stages(judge=judge_killed_once_on_3_2, check_steps=FAKES.check_steps, parse=FAKES.parse)
    (result,) = grade_paths([str(path)], KEY, config=GradeConfig(budget=BUDGET, jobs=1), engine=engine)
    verdict = next(v for v in result.questions if v.question == "3.2")
    assert (tmp_path / "marker").exists(), "the worker was killed"
    assert verdict.verdict == "correct", (verdict.feedback, verdict.internal)


def test_resume_regrades_a_submission_with_an_error_question(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("a.md", "b.md", "c.md"):
        (folder / name).write_text("nothing labelled", encoding="utf-8")
    out = tmp_path / "r.jsonl"
    assert main(["grade", str(folder), "--format", "json", "--out", str(out), "--jobs", "1"]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    rows[1]["questions"][0]["verdict"] = "error"  # as a worker killed twice leaves it
    out.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    capsys.readouterr()
    code = main(["grade", str(folder), "--format", "json", "--out", str(out), "--resume", "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 0 and "1 submission(s)" in err and "skipped 2 submission(s)" in err
    again = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["submission"] for r in again) == sorted(r["submission"] for r in rows)
    assert all(q["verdict"] != "error" for r in again for q in r["questions"])
