"""The command-line contract of DESIGN.md, end to end: checks outside the project rely on it."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from homeworks import copy_homework

from checker.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "answers" / "hw3" / "samples" / "sample-submission.md"  # shared/hw3 ships with hw3
VERDICT_FIELDS = {"question", "verdict", "score", "max_score", "feedback"}
VERDICTS = {"correct", "incorrect", "unparsed", "needs_review", "missing", "error"}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# ---------------------------------------------------------------------------------------------
# check
# ---------------------------------------------------------------------------------------------

# (id, question, answer, verdict, answer_note or None for "any")
CHECKS = [
    ("ridge-reference", "1.2.2", r"w^* = (X^T X + 2\lambda n I)^{-1} X^T t", "correct", "correct"),
    ("ridge-push-through", "1.2.2", r"X^\top (X X^\top + 2 n \lambda I_n)^{-1} t", "correct", "correct"),
    ("ridge-XXT-for-XTX", "1.2.2", r"(X X^T + 2 n \lambda I)^{-1} X^T t", "incorrect", None),
    ("ridge-order-reversed", "1.2.2", r"X^T t (X^T X + 2 n \lambda I)^{-1}", "incorrect", None),
    ("ridge-t-missing", "1.2.2", r"(X^T X + 2 n \lambda I)^{-1} X^T", "incorrect", None),
    ("ridge-missing-2", "1.2.2", r"(X^T X + n \lambda I)^{-1} X^T t", "incorrect", "missing_factor_2"),
    ("fgm-norm", "1.1.2", r"w^\top x - \epsilon \|w\|_2^2", "correct", "correct"),
    ("fgm-x-prime-is-not-a-transpose", "1.1.2", r"w^T x'", "incorrect", None),
    ("eps-1d-shorthand", "1.2.3", r"\epsilon = \frac{x (X^2 + 2\lambda n)}{X t}", "correct", "correct"),
    ("eps-left-in-w-star", "1.2.3", r"\frac{x}{w^*}", "incorrect", "uses_forbidden_symbol"),
    ("sigma-squared-equation", "3.2", r"\sigma^2 = \frac{1-p}{p}", "correct", "correct"),
    ("sigma-squared-for-sigma", "3.2", r"\sigma = \frac{1-p}{p}", "incorrect", "sigma_squared_for_sigma"),
    ("unbalanced-braces", "3.2", r"\sqrt{\frac{1-p}{p}", "unparsed", "unparsed"),
    ("python-code", "3.2", "__import__('os').system('echo pwned')", "unparsed", "unparsed"),
    ("tower-exponent", "3.2", r"9^{9^{9^{9}}}", "unparsed", "unparsed"),
    ("choice-free-wording", "2.1.1", "it goes up", "correct", None),
    ("choice-negated-chooses-nothing", "2.1.1", "it does not increase", "needs_review", None),
    ("choice-other-option", "2.1.1", "the optimal learning rate goes down", "incorrect", None),
]


@pytest.mark.parametrize(
    ("question", "answer", "verdict", "note"), [c[1:] for c in CHECKS], ids=[c[0] for c in CHECKS]
)
def test_check_json_verdicts(
    capsys: pytest.CaptureFixture[str], question: str, answer: str, verdict: str, note: str | None
) -> None:
    code, out, _ = run(capsys, "check", question, answer, "--format", "json")
    assert code == 0
    obj = json.loads(out)
    assert set(obj) >= VERDICT_FIELDS
    assert (obj["question"], obj["verdict"]) == (question, verdict), obj["feedback"]
    if note is not None:
        assert obj["answer_note"] == note
    assert 0 <= obj["score"] <= obj["max_score"]
    if verdict == "correct":
        assert obj["score"] == obj["max_score"]


def test_check_text_shows_verdict_reading_evidence_and_feedback(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "1.2.2", r"(X X^T + 2 n \lambda I)^{-1} X^T t")
    assert code == 0
    assert "incorrect" in out
    assert "n×n" in out and "d×n" in out, "the shapes that do not fit are named"


def test_check_unknown_question_is_a_usage_error_with_a_json_verdict(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "check", "9.9", "x", "--format", "json")
    assert code == 2
    obj = json.loads(out)
    assert obj["verdict"] == "error" and "9.9" in obj["feedback"] and "1.2.2" in obj["feedback"]
    assert "9.9" in err


def test_check_batch_echoes_every_field_in_order_and_survives_bad_lines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lines = [
        json.dumps(
            {"id": "a", "question": "1.2.2", "answer": r"(X^T X + 2 n \lambda I)^{-1} X^T t", "student": 7}
        ),
        "this is not json",
        json.dumps({"id": "c", "question": "9.9", "answer": "x"}),
        json.dumps({"id": "d", "question": "3.2"}),
        json.dumps({"id": "e", "question": "3.2", "answer": "(p+1)^{100000}"}),
        json.dumps([1, 2]),
        json.dumps({"id": "g", "question": "3.2", "answer": r"\sqrt{\frac{1-p}{p}}"}),
    ]
    batch = tmp_path / "answers.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", "--batch", str(batch), "--format", "json", "--jobs", "2")
    assert code == 0
    rows = json_lines(out)
    assert len(rows) == len(lines), "one verdict object per input line"
    assert [r.get("id") for r in rows] == ["a", None, "c", "d", "e", None, "g"]
    assert rows[0]["student"] == 7, "every input field is echoed"
    assert [r["verdict"] for r in rows] == [
        "correct",
        "error",
        "error",
        "error",
        "unparsed",
        "error",
        "correct",
    ]
    assert all(r["verdict"] in VERDICTS for r in rows)


# ---------------------------------------------------------------------------------------------
# steps
# ---------------------------------------------------------------------------------------------

CHAIN_123 = [
    r"f(x'; w^*) = w^* x - \epsilon (w^*)^2 = 0",
    r"\epsilon = \frac{x}{w^*}",
    r"\epsilon = \frac{x (X^T X + n\lambda)}{X^T t}",  # the factor 2 dropped: does not follow
    r"\epsilon = \frac{x (X^T X + 2 n\lambda)}{X^T t",  # unbalanced: unparsed, chain goes on
]


def test_steps_json_reports_the_first_step_that_does_not_follow(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(CHAIN_123) + "\n"))
    code, out, _ = run(capsys, "steps", "1.2.3", "-", "--format", "json")
    assert code == 0
    obj = json.loads(out)
    assert obj["question"] == "1.2.3"
    assert [s["index"] for s in obj["steps"]] == [1, 2, 3, 4]
    assert [s["status"] for s in obj["steps"]] == ["given", "follows", "does_not_follow", "unparsed"]
    assert obj["first_invalid"] == 3
    assert all({"index", "latex", "status", "reason"} <= set(s) for s in obj["steps"])


def test_steps_from_a_file_all_follow(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    chain = tmp_path / "chain.tex"
    chain.write_text("\n".join(CHAIN_123[:2]) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "steps", "1.2.3", str(chain), "--format", "json")
    assert code == 0
    assert json.loads(out)["first_invalid"] is None


# ---------------------------------------------------------------------------------------------
# grade
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def klass(tmp_path: Path) -> Path:
    """A small class: the sample, the sample with a planted mistake, a binary file, an empty file."""
    folder = tmp_path / "class"
    folder.mkdir()
    text = SAMPLE.read_text(encoding="utf-8")
    (folder / "a.md").write_text(text, encoding="utf-8")
    planted = text.replace(r"(X^T X + 2\lambda n I)^{-1}", r"(X^T X + \lambda n I)^{-1}")
    assert planted != text
    (folder / "b.md").write_text(planted, encoding="utf-8")
    (folder / "c.md").write_bytes(b"\x00\x01\x02binary")
    (folder / "d.md").write_text("", encoding="utf-8")
    return folder


def test_grade_sample_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "grade", str(SAMPLE), "--format", "json")
    assert code == 0
    (obj,) = json_lines(out)
    assert (obj["score"], obj["max_score"]) == (8.0, 8.0)
    assert [q["question"] for q in obj["questions"]] == [
        "1.1.2",
        "1.2.2",
        "1.2.3",
        "2.1.1",
        "2.1.2a",
        "2.1.2b",
        "2.2",
        "3.2",
    ]
    by_id = {q["question"]: q for q in obj["questions"]}
    assert all(VERDICT_FIELDS | {"steps"} <= set(q) for q in obj["questions"])
    steps_123 = by_id["1.2.3"]["steps"]
    assert by_id["1.2.3"]["first_invalid"] == 2, "the step writing the design matrix X for x is flagged"
    assert steps_123[1]["status"] == "does_not_follow"
    assert by_id["1.2.3"]["verdict"] == "correct", "while the correct final answer keeps full credit"


def test_grade_class_json_csv_text_and_resume(
    capsys: pytest.CaptureFixture[str], klass: Path, tmp_path: Path
) -> None:
    out_path = tmp_path / "results.jsonl"
    code, _, _ = run(capsys, "grade", str(klass), "--format", "json", "--out", str(out_path), "--jobs", "2")
    assert code == 0
    rows = {r["submission"]: r for r in json_lines(out_path.read_text(encoding="utf-8"))}
    assert len(rows) == 4, "a bad file never stops the batch"
    assert rows[str(klass / "a.md")]["score"] == 8.0
    assert rows[str(klass / "b.md")]["score"] == 7.5, "the known mistake earns its partial credit"
    assert rows[str(klass / "c.md")]["error"], "the binary file is reported, not dropped"
    assert {q["verdict"] for q in rows[str(klass / "d.md")]["questions"]} == {"missing"}

    # A run killed after one submission: --resume grades only the rest and appends them (a record
    # with an error question, such as the binary file's, is never taken as done).
    first = next(
        line for line in out_path.read_text(encoding="utf-8").splitlines() if not json.loads(line)["error"]
    )
    out_path.write_text(first + "\n", encoding="utf-8")
    code, _, err = run(capsys, "grade", str(klass), "--format", "json", "--out", str(out_path), "--resume")
    assert code == 0 and "skipped 1" in err
    resumed = json_lines(out_path.read_text(encoding="utf-8"))
    assert sorted(r["submission"] for r in resumed) == sorted(rows)

    code, out, _ = run(capsys, "grade", str(klass), "--format", "csv")
    assert code == 0
    header, *lines = out.strip().splitlines()
    assert header.startswith("submission,1.1.2,1.2.2,1.2.3,2.1.1,2.1.2a,2.1.2b,2.2,3.2,total")
    assert [line.split(",")[0] for line in lines] == [
        str(klass / n) for n in ("a.md", "b.md", "c.md", "d.md")
    ]

    code, out, _ = run(capsys, "grade", str(klass))
    assert code == 0
    assert "missing_factor_2" in out, "the class summary lists the most common mistakes"


def test_grade_gradescope_scores_add_up(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    code, _, _ = run(capsys, "grade", str(SAMPLE), "--format", "gradescope", "--out", str(results))
    assert code == 0
    obj = json.loads(results.read_text(encoding="utf-8"))
    assert obj["score"] == 8.0
    assert len(obj["tests"]) == 8
    assert abs(sum(t["score"] for t in obj["tests"]) - obj["score"]) < 1e-9
    assert all({"name", "score", "max_score", "output", "visibility"} <= set(t) for t in obj["tests"])


def test_grade_nothing_found_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "grade", str(tmp_path / "nothing-*.md"))
    assert code == 2
    assert "nothing" in err


# ---------------------------------------------------------------------------------------------
# verify, --key, gradescope-bundle
# ---------------------------------------------------------------------------------------------


def test_verify_json_proves_every_derivation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "verify", "--format", "json")
    assert code == 0
    obj = json.loads(out)
    names = {d["name"] for d in obj["derivations"]}
    assert {"q1_1_2", "q1_2_2", "q1_2_3", "q1_2_4", "q3_1", "q3_2"} <= names
    for d in obj["derivations"]:
        assert [s["index"] for s in d["steps"]] == list(range(1, len(d["steps"]) + 1))
        assert {s["status"] for s in d["steps"]} <= {"given", "proved"}


def test_verify_fails_with_exit_1_on_a_key_that_contradicts_itself(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    key_dir = copy_homework(tmp_path)
    key_file = key_dir / "key.toml"
    text = key_file.read_text(encoding="utf-8")
    # An "accepted" alternative that is not equivalent to the reference: the self-test must catch it.
    bad = text.replace(r"accepted = ['w^T x - \epsilon w^T w',", r"accepted = ['w^T x + \epsilon w^T w',", 1)
    assert bad != text
    key_file.write_text(bad, encoding="utf-8")
    code, out, _ = run(capsys, "verify", "--key", str(key_dir))
    assert code == 1
    assert "1.1.2" in out and "FAILED" in out


def test_malformed_key_is_a_usage_error_naming_file_and_question(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    key_dir = copy_homework(tmp_path)
    key_file = key_dir / "key.toml"
    key_file.write_text(
        key_file.read_text(encoding="utf-8").replace(
            "reference = '(X^T X + 2 n \\lambda I)^{-1} X^T t'",
            "reference = '(X^T X + 2 n \\lambda I)^{-1 X^T t'",
        ),
        encoding="utf-8",
    )
    code, _, err = run(capsys, "check", "1.2.2", "w", "--key", str(key_dir))
    assert code == 2
    assert str(key_file) in err and "question 1.2.2" in err and "reference" in err


def test_gradescope_bundle_is_written(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    dest = tmp_path / "autograder.zip"
    code, out, _ = run(capsys, "gradescope-bundle", "--out", str(dest))
    assert code == 0 and str(dest) in out
    names = zipfile.ZipFile(dest).namelist()
    assert "setup.sh" in names and "run_autograder" in names


def test_console_script_grades_the_sample_as_the_readme_says() -> None:
    exe = shutil.which("derivcheck", path=str(Path(sys.executable).parent))
    assert exe is not None, "pip install puts the derivcheck console script beside the interpreter"
    proc = subprocess.run(
        [exe, "grade", str(SAMPLE)], capture_output=True, text=True, check=False, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert "8/8" in proc.stdout


# ---------------------------------------------------------------------------------------------
# the installed console script: it leaves without interpreter teardown (checker.cli.run), so
# every row checks that the output is complete and the exit status is the contract's
# ---------------------------------------------------------------------------------------------

SCRIPT_BATCH = 40  # records in the batch: more output than one stdio buffer holds


@dataclass(frozen=True)
class ScriptRun:
    """One run of the console script: ``argv`` with ``{batch}``, ``{key}`` (a key that fails its
    self-test) and ``{out}`` filled in; the exit status; the file whose lines are checked
    (``stdout`` or ``out``), how many lines it holds (None: any) and a fragment of its last line."""

    argv: tuple[str, ...]
    status: int
    where: str
    count: int | None
    last: str


SCRIPT_ROWS = [
    ("batch", ScriptRun(("check", "--batch", "{batch}", "--jobs", "2"), 0, "stdout", SCRIPT_BATCH, '"id": "last"')),
    ("text", ScriptRun(("check", "3.2", r"\sigma = \sqrt{\frac{1-p}{p}}"), 0, "stdout", None, "feedback: Correct.")),
    ("unknown-question", ScriptRun(("check", "9.9", "x", "--format", "json"), 2, "stdout", 1, '"error"')),
    ("bad-flag", ScriptRun(("check", "--no-such-flag"), 2, "stdout", 0, "")),
    ("help", ScriptRun(("--help",), 0, "stdout", None, "show this help message and exit")),
    ("grade-out", ScriptRun(("grade", str(SAMPLE), "--format", "json", "--out", "{out}"), 0, "out", 1, "8.0")),
    ("grade-csv", ScriptRun(("grade", str(SAMPLE), "--format", "csv"), 0, "stdout", 2, ",8,8,")),
    ("verify-fails", ScriptRun(("verify", "--key", "{key}", "--format", "json"), 1, "stdout", 1, '"ok": false')),
]  # fmt: skip


@pytest.mark.parametrize("case", [r[1] for r in SCRIPT_ROWS], ids=[r[0] for r in SCRIPT_ROWS])
def test_console_script_output_is_complete(tmp_path: Path, case: ScriptRun) -> None:
    exe = shutil.which("derivcheck", path=str(Path(sys.executable).parent))
    assert exe is not None, "pip install puts the derivcheck console script beside the interpreter"
    script = Path(exe).read_text(encoding="utf-8")
    assert "from checker.cli import run" in script, "stale console script: pip install -e . again"
    records = [{"id": i, "question": "2.2", "answer": "a larger model"} for i in range(SCRIPT_BATCH - 1)]
    records.append({"id": "last", "question": "3.2", "answer": "p"})
    batch = tmp_path / "batch.jsonl"
    batch.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    key_dir = copy_homework(tmp_path)
    key_file = key_dir / "key.toml"
    text = key_file.read_text(encoding="utf-8")  # an accepted form that is not equivalent: verify fails
    key_file.write_text(
        text.replace(r"'w^T x - \epsilon w^T w',", r"'w^T x + \epsilon w^T w',", 1), encoding="utf-8"
    )
    out = tmp_path / "out.jsonl"
    fill = {"{batch}": batch, "{key}": key_dir, "{out}": out}
    argv = [str(fill.get(a, a)) for a in case.argv]
    stdout = tmp_path / "stdout.txt"
    # To a file, not a terminal, and PYTHONUNBUFFERED unset: stdout is block-buffered, as for a user.
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    with stdout.open("w", encoding="utf-8") as fh:
        proc = subprocess.run(
            [exe, *argv], stdout=fh, stderr=subprocess.PIPE, text=True, check=False, timeout=300, env=env
        )
    assert proc.returncode == case.status, proc.stderr
    lines = (stdout if case.where == "stdout" else out).read_text(encoding="utf-8").splitlines()
    if case.count is not None:
        assert len(lines) == case.count, lines[-3:]
    assert case.last in (lines[-1] if lines else ""), lines[-3:]
    if lines and lines[0].startswith("{"):
        assert all(json.loads(line) for line in lines), "every line is a whole JSON object"


def test_a_reader_that_closes_the_pipe_stops_the_command_quietly(tmp_path: Path) -> None:
    """`derivcheck check --batch ... | head -1`: exit 141 (SIGPIPE's), nothing on stderr."""
    batch = tmp_path / "batch.jsonl"
    line = json.dumps({"question": "2.2", "answer": "a larger model"}) + "\n"
    batch.write_text(line * 400, encoding="utf-8")
    exe = shutil.which("derivcheck", path=str(Path(sys.executable).parent))
    assert exe is not None
    proc = subprocess.run(
        f"{shlex.quote(exe)} check --batch {shlex.quote(str(batch))} --format json --jobs 1 | head -1; "
        'echo "status=${PIPESTATUS[0]}" >&2',
        shell=True,
        capture_output=True,
        text=True,
        check=False,
        executable="/bin/bash",
    )
    assert proc.stdout.count("\n") == 1 and json.loads(proc.stdout)["verdict"] == "correct"
    assert proc.stderr.strip() == "status=141"  # no message, no traceback
