"""Fault 4: two runs on one ``--out`` never interleave; records are keyed by submission identity.

Two runs on one file once lost a third of a class and duplicated the rest, with exit 0.  Now the
file is locked for a run (a second one, fresh or ``--resume``, is refused with exit 2 naming the
file, the file untouched), and a record is keyed by the submission's resolved path, so relative
and absolute paths resume alike and "skipped N" counts submissions.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from checker.cli import main
from checker.run.output import JsonLinesOutput, submission_identity

# Another process holding the lock the way a running derivcheck does (POSIX locks are per
# process: this test's own process could not stand in for the other run).
HOLDER = """
import fcntl, sys
fh = open(sys.argv[1], "r+b")
fcntl.lockf(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
print("locked", flush=True)
sys.stdin.read()
"""


@pytest.fixture
def cheap_class(tmp_path: Path) -> Path:
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("a.md", "b.md", "c.md"):
        (folder / name).write_text("nothing labelled", encoding="utf-8")
    return folder


@pytest.fixture
def held(tmp_path: Path) -> Iterator[Path]:
    out = tmp_path / "held.jsonl"
    out.write_bytes(b'{"submission": "x.md", "questions": []}\n')
    with subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(out)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as holder:  # closes its pipes and waits for it on the way out
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield out
        assert holder.stdin is not None
        holder.stdin.close()


@pytest.mark.parametrize("resume", [False, True], ids=["fresh", "resume"])
def test_a_file_held_by_another_run_is_refused_untouched(
    capsys: pytest.CaptureFixture[str], cheap_class: Path, held: Path, resume: bool
) -> None:
    before = held.read_bytes()
    argv = ["grade", str(cheap_class), "--format", "json", "--out", str(held), "--jobs", "1"]
    code = main(argv + (["--resume"] if resume else []))
    err = capsys.readouterr().err
    assert code == 2
    assert str(held) in err and "another derivcheck run" in err
    assert held.read_bytes() == before


def test_relative_then_absolute_paths_resume_alike_and_skips_count_submissions(
    capsys: pytest.CaptureFixture[str], cheap_class: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "r.jsonl"
    assert main(["grade", "class", "--format", "json", "--out", "r.jsonl", "--jobs", "1"]) == 0
    first = out.read_bytes()
    # An older run wrote one submission twice: still one submission skipped, and one record kept.
    out.write_bytes(first + first.splitlines(keepends=True)[0])
    capsys.readouterr()
    code = main(["grade", str(cheap_class), "--format", "json", "--out", str(out), "--resume", "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 0 and "skipped 3 submission(s)" in err
    rows = [json.loads(line) for line in out.read_bytes().splitlines()]
    assert sorted(r["path"] for r in rows) == sorted(
        submission_identity(str(p)) for p in cheap_class.iterdir()
    )
    assert out.read_bytes() == first, "nothing regraded, the duplicate dropped"


def test_one_file_named_twice_is_graded_once(
    capsys: pytest.CaptureFixture[str], cheap_class: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "r.jsonl"
    argv = ["grade", "class/a.md", str(cheap_class / "a.md"), "--format", "json", "--out", str(out)]
    assert main([*argv, "--jobs", "1"]) == 0
    assert len(out.read_bytes().splitlines()) == 1


def test_records_with_an_error_question_are_not_done(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    rows = [
        {"submission": "a.md", "path": "/s/a.md", "questions": [{"verdict": "correct"}], "error": None},
        {"submission": "b.md", "path": "/s/b.md", "questions": [{"verdict": "error"}], "error": None},
        {"submission": "c.md", "path": "/s/c.md", "questions": [], "error": "unreadable"},
    ]
    out.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with JsonLinesOutput(str(out), resume=True) as writer:
        assert writer.resumed.done == {"/s/a.md"}
        assert writer.resumed.regrade == 2
    assert [json.loads(line)["path"] for line in out.read_bytes().splitlines()] == ["/s/a.md"]
