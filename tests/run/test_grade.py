"""Grading whole submissions and classes: with stand-in stages (fast, exact), then end to end."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import fields, is_dataclass, replace
from pathlib import Path

import pytest
from grade_fakes import FAKES, fake_check_steps, fake_judge, fake_parse

from checker.config import Budget, GradeConfig
from checker.errors import SubmissionError
from checker.key import Key, Question, bundled_key_dir, load_key
from checker.run.grade import Stages, expand_paths, grade_paths, grade_text, read_submission
from checker.run.sandbox import Task, WorkerPool
from checker.verdict import SubmissionResult

SAMPLE = bundled_key_dir() / "samples" / "sample-submission.md"
KEY = load_key(validate_latex=False)
CONFIG = GradeConfig(budget=Budget(seconds=1.0, memory_mb=1024), jobs=2)


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    with WorkerPool(CONFIG.budget, workers=2) as p:
        yield p


@pytest.fixture(scope="module")
def sample() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def by_id(result: SubmissionResult) -> dict[str, object]:
    return {v.question: v for v in result.questions}


# ----------------------------------------------------------------------------------------------
# one submission, stand-in stages
# ----------------------------------------------------------------------------------------------


def test_sample_with_fakes_every_question_graded(sample: str, pool: WorkerPool) -> None:
    result = grade_text(sample, KEY, config=CONFIG, name="jane.md", pool=pool, engine=FAKES)
    assert [v.question for v in result.questions] == [q.id for q in KEY.graded]
    assert {v.question: v.verdict for v in result.questions} == dict.fromkeys(
        (q.id for q in KEY.graded), "correct"
    )
    assert result.score == result.max_score == 8.0
    assert result.error is None and result.warnings == ()


def test_sample_with_fakes_1_2_3_step_flagged_and_full_credit(sample: str, pool: WorkerPool) -> None:
    v = grade_text(sample, KEY, config=CONFIG, pool=pool, engine=FAKES).questions[2]
    assert v.question == "1.2.3"
    assert (v.verdict, v.score) == ("correct", 1.0)
    assert v.first_invalid == 2
    assert [s.status for s in v.steps] == ["given", "does_not_follow", "follows"]
    assert v.answer == "\\epsilon = \\frac{x (X^2 + 2\\lambda n)}{X t}"
    assert v.evidence is not None and "target \\epsilon on the left" in v.evidence


def test_a_right_answer_is_judged_without_the_earlier_answers(sample: str, pool: WorkerPool) -> None:
    v = grade_text(sample, KEY, config=CONFIG, pool=pool, engine=FAKES).questions[2]
    assert v.answer_note == "correct"  # follow-through is never needed for a right answer


def test_a_wrong_answer_is_judged_again_with_the_earlier_final_answer(sample: str, pool: WorkerPool) -> None:
    wrong = sample.replace("{X t}$$", "{X t} + 1$$")
    v = grade_text(wrong, KEY, config=CONFIG, pool=pool, engine=FAKES).questions[2]
    assert v.question == "1.2.3"
    assert v.answer_note == "wrong+prior:1.2.2"
    assert v.first_invalid == 2 and len(v.steps) == 3  # the steps of the first pass are kept


def test_missing_question_is_missing_with_zero(pool: WorkerPool) -> None:
    result = grade_text(
        "3.2 $$\\sigma = \\sqrt{\\frac{1-p}{p}}$$", KEY, config=CONFIG, pool=pool, engine=FAKES
    )
    verdicts = by_id(result)
    assert verdicts["3.2"].verdict == "correct"  # type: ignore[attr-defined]
    missing = [v for v in result.questions if v.question != "3.2"]
    assert all(v.verdict == "missing" and v.score == 0 for v in missing)
    assert result.score == 1.0


def test_no_labels_every_question_missing_with_a_warning(pool: WorkerPool) -> None:
    result = grade_text("my answers: $$w = 1$$", KEY, config=CONFIG, pool=pool, engine=FAKES)
    assert all(v.verdict == "missing" for v in result.questions)
    assert len(result.warnings) == 1 and "found none" in result.warnings[0]


def test_label_twice_warns_and_grades_the_last(pool: WorkerPool) -> None:
    text = "3.2 $$\\sigma = 5$$\n\n3.2 $$\\sigma = \\sqrt{\\frac{1-p}{p}}$$"
    result = grade_text(text, KEY, config=CONFIG, pool=pool, engine=FAKES)
    assert by_id(result)["3.2"].verdict == "correct"  # type: ignore[attr-defined]
    assert any("labelled 2 times" in w for w in result.warnings)


def test_time_limit_is_an_error_for_that_question_only(pool: WorkerPool) -> None:
    text = "3.2 $$\\sigma = SLOW$$\n\n2.2 the best option is increasing the model size"
    result = grade_text(text, KEY, config=CONFIG, pool=pool, engine=FAKES)
    verdicts = by_id(result)
    slow = verdicts["3.2"]
    assert (slow.verdict, slow.score, slow.answer_note) == ("error", 0.0, "time_limit")  # type: ignore[attr-defined]
    assert "time limit" in slow.feedback  # type: ignore[attr-defined]
    assert verdicts["2.2"].verdict == "correct"  # type: ignore[attr-defined]


def test_a_crashing_judge_is_an_error_verdict_with_the_traceback_for_staff(pool: WorkerPool) -> None:
    result = grade_text("3.2 $$\\sigma = CRASH$$", KEY, config=CONFIG, pool=pool, engine=FAKES)
    v = by_id(result)["3.2"]
    assert v.verdict == "error" and v.score == 0  # type: ignore[attr-defined]
    assert "RuntimeError" in (v.internal or "")  # type: ignore[attr-defined]
    assert "Traceback" not in v.feedback  # type: ignore[attr-defined]


def test_a_bug_in_the_steps_check_keeps_the_verdict_on_the_answer(pool: WorkerPool) -> None:
    text = "3.2 $$p = STEPBUG$$\n$$\\sigma = \\sqrt{\\frac{1-p}{p}}$$"
    v = by_id(grade_text(text, KEY, config=CONFIG, pool=pool, engine=FAKES))["3.2"]
    assert (v.verdict, v.score) == ("correct", 1.0)  # type: ignore[attr-defined]
    assert "steps not checked: internal error" in v.evidence  # type: ignore[attr-defined]
    assert "ZeroDivisionError" in v.internal  # type: ignore[attr-defined]


def test_steps_are_skipped_for_choice_questions(sample: str, pool: WorkerPool) -> None:
    result = grade_text(sample, KEY, config=CONFIG, pool=pool, engine=FAKES)
    assert all(v.steps == () for v in result.questions if KEY.question(v.question).kind == "choice")


def test_grade_text_starts_its_own_pool_when_none_is_given() -> None:
    config = replace(CONFIG, jobs=1)
    result = grade_text("2.2 a bigger model size", KEY, config=config, engine=FAKES)
    assert by_id(result)["2.2"].verdict == "correct"  # type: ignore[attr-defined]


# ----------------------------------------------------------------------------------------------
# reading files
# ----------------------------------------------------------------------------------------------

BAD_FILES = [
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary data"),
    ("not-utf8", "3.2 σ = 1".encode("latin-1", errors="replace") + b"\xff\xfe", "not UTF-8"),
    ("too-large", b"a" * (5 * 1024 * 1024), "at most 2,000,000 bytes, found size=5,242,880"),
]


@pytest.mark.parametrize(("data", "message"), [r[1:] for r in BAD_FILES], ids=[r[0] for r in BAD_FILES])
def test_read_submission_refuses_bad_files(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "s.md"
    path.write_bytes(data)
    with pytest.raises(SubmissionError) as info:
        read_submission(str(path))
    assert message in info.value.render()
    assert str(path) in info.value.render()


def test_read_submission_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(SubmissionError, match="readable file"):
        read_submission(str(tmp_path / "nope.md"))


def test_read_submission_drops_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.md"
    path.write_bytes("\ufeff3.2 x".encode())
    assert read_submission(str(path)) == "3.2 x"


def test_expand_paths_folders_globs_dedupe(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "deep").mkdir()
    for name in ("a/one.md", "a/deep/two.tex", "a/deep/three.txt", "a/skip.docx", "four.md"):
        (tmp_path / name).write_text("x")
    got = expand_paths([str(tmp_path / "a"), str(tmp_path / "*.md"), str(tmp_path / "four.md")])
    names = [Path(p).relative_to(tmp_path).as_posix() for p in got]
    assert names == ["a/deep/three.txt", "a/deep/two.tex", "a/one.md", "four.md"]


# ----------------------------------------------------------------------------------------------
# classes
# ----------------------------------------------------------------------------------------------


@pytest.fixture
def klass(tmp_path: Path, sample: str) -> list[str]:
    paths = []
    for name, content in (
        ("a.md", sample.encode()),
        ("b.md", b""),
        ("c.md", b"\x00\x01binary"),
        ("d.md", sample.replace("\\sqrt{\\frac{1-p}{p}}", "\\frac{p}{1-p}").encode()),
        ("e.md", b"\xff\xfe not utf-8"),
    ):
        path = tmp_path / name
        path.write_bytes(content)
        paths.append(str(path))
    return paths


def test_batch_with_bad_files_yields_every_submission(klass: list[str], pool: WorkerPool) -> None:
    seen: list[str] = []
    ticks: list[tuple[int, int]] = []
    results = list(
        grade_paths(
            klass, KEY, config=CONFIG, pool=pool, engine=FAKES, on_result=lambda r: seen.append(r.submission),
            progress=lambda done, total: ticks.append((done, total)),
        )
    )  # fmt: skip
    names = {Path(r.submission).name: r for r in results}
    assert sorted(names) == ["a.md", "b.md", "c.md", "d.md", "e.md"]
    assert seen == [r.submission for r in results]
    assert ticks[0] == (0, 5) and ticks[-1] == (5, 5)
    assert names["a.md"].score == 8.0
    assert names["d.md"].score == 7.0 and by_id(names["d.md"])["3.2"].verdict == "incorrect"  # type: ignore[attr-defined]
    assert names["b.md"].error is None and all(v.verdict == "missing" for v in names["b.md"].questions)
    for bad in ("c.md", "e.md"):
        r = names[bad]
        assert r.error is not None and r.score == 0
        assert [v.verdict for v in r.questions] == ["error"] * len(KEY.graded)


def test_resume_skips_submissions_already_done(klass: list[str], pool: WorkerPool) -> None:
    results = list(grade_paths(klass, KEY, config=CONFIG, pool=pool, engine=FAKES, resume=set(klass[:3])))
    assert sorted(r.submission for r in results) == sorted(klass[3:])


def test_missing_path_is_an_error_result_not_a_crash(tmp_path: Path, pool: WorkerPool) -> None:
    (result,) = grade_paths([str(tmp_path / "gone.md")], KEY, config=CONFIG, pool=pool, engine=FAKES)
    assert result.error is not None and "gone.md" in result.error


def test_identical_answers_are_judged_once_and_agree(tmp_path: Path, sample: str, pool: WorkerPool) -> None:
    paths = []
    for i in range(6):
        path = tmp_path / f"s{i}.md"
        path.write_text(sample, encoding="utf-8")
        paths.append(str(path))
    results = list(grade_paths(paths, KEY, config=CONFIG, pool=pool, engine=FAKES))
    assert len(results) == 6
    assert len({tuple(r.questions) for r in results}) == 1


def test_grade_paths_with_its_own_pool(klass: list[str]) -> None:
    results = list(grade_paths(klass[:2], KEY, config=replace(CONFIG, jobs=1), engine=FAKES))
    assert len(results) == 2


def test_engine_parts_are_independent() -> None:
    # Only the judge replaced: the steps checker and parser default to the real modules.
    assert Stages(judge=fake_judge).check_steps is None
    assert Stages(judge=fake_judge, check_steps=fake_check_steps, parse=fake_parse) == FAKES


# ----------------------------------------------------------------------------------------------
# a pool that holds the key (context=key) is sent question ids, not questions
# ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def keyed_pool() -> Iterator[WorkerPool]:
    with WorkerPool(CONFIG.budget, workers=2, context=KEY) as p:
        yield p


def _last_lines_of_staff_detail(result: SubmissionResult) -> SubmissionResult:
    # A traceback names the frames it passed through, which differ by path: keep its last line.
    return replace(
        result,
        questions=tuple(
            replace(v, internal=v.internal.strip().splitlines()[-1] if v.internal else v.internal)
            for v in result.questions
        ),
    )


SAME_EITHER_WAY = [
    ("sample", lambda s: s),
    ("follow-through", lambda s: s.replace("{X t}$$", "{X t} + 1$$")),
    ("time-limit", lambda _: "3.2 $$\\sigma = SLOW$$\n\n2.2 the best option is increasing the model size"),
    ("crash", lambda s: "3.2 $$\\sigma = CRASH$$"),
    ("steps-bug", lambda s: "3.2 $$p = STEPBUG$$\n$$\\sigma = \\sqrt{\\frac{1-p}{p}}$$"),
]


@pytest.mark.parametrize("make", [r[1] for r in SAME_EITHER_WAY], ids=[r[0] for r in SAME_EITHER_WAY])
def test_a_pool_holding_the_key_grades_exactly_as_one_sent_whole_tasks(
    sample: str, pool: WorkerPool, keyed_pool: WorkerPool, make: Callable[[str], str]
) -> None:
    text = make(sample)
    whole = grade_text(text, KEY, config=CONFIG, pool=pool, engine=FAKES)
    by_ids = grade_text(text, KEY, config=CONFIG, pool=keyed_pool, engine=FAKES)
    assert _last_lines_of_staff_detail(by_ids) == _last_lines_of_staff_detail(whole)


def test_a_pool_holding_the_key_is_sent_ids_not_questions(
    sample: str, keyed_pool: WorkerPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[tuple[object, ...]] = []
    submit_with_context = WorkerPool.submit_with_context

    def spy_context(p: WorkerPool, fn: Callable[..., object], *args: object) -> Task:
        sent.append(args)
        return submit_with_context(p, fn, *args)

    def no_whole_tasks(p: WorkerPool, fn: Callable[..., object], *args: object) -> Task:
        raise AssertionError(f"a whole task was sent to a pool holding the key: {fn.__name__}")

    monkeypatch.setattr(WorkerPool, "submit_with_context", spy_context)
    monkeypatch.setattr(WorkerPool, "submit", no_whole_tasks)
    wrong = sample.replace("{X t}$$", "{X t} + 1$$")  # 1.2.3 is judged again with the prior
    result = grade_text(wrong, KEY, config=CONFIG, pool=keyed_pool, engine=FAKES)
    assert by_id(result)["1.2.3"].answer_note == "wrong+prior:1.2.2"  # type: ignore[attr-defined]
    assert sent

    def holds_key_objects(value: object) -> bool:
        if isinstance(value, (Key, Question)):
            return True
        if isinstance(value, tuple):
            return any(holds_key_objects(v) for v in value)
        if is_dataclass(value) and not isinstance(value, type):
            return any(holds_key_objects(getattr(value, f.name)) for f in fields(value))
        return False

    assert not [args for args in sent if holds_key_objects(args)]


def test_own_pools_hold_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    contexts: list[object] = []
    init = WorkerPool.__init__

    def spy(p: WorkerPool, *args: object, **kwargs: object) -> None:
        init(p, *args, **kwargs)  # type: ignore[arg-type]
        contexts.append(p.context)

    monkeypatch.setattr(WorkerPool, "__init__", spy)
    config = replace(CONFIG, jobs=1)
    grade_text("2.2 a bigger model size", KEY, config=config, engine=FAKES)
    list(grade_paths([], KEY, config=config, engine=FAKES))  # nothing to grade: no pool
    assert contexts == [KEY]
