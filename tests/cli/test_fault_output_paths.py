"""Fault 9: output and submission paths are checked before any work (issue 11).

``--out`` in a missing folder was a traceback with exit 3, and for csv, text and gradescope only
after grading everything; ``grade /nonexistent.md`` exited 0.  Each is now a usage error, exit 2,
naming the path, before the key is even loaded.  A read-only ``--out`` (a file or its folder) is
refused the same way; as root every path is writable, so those tests check permissions by the
owner's mode bits, as the system does for a user.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from checker import cli
from checker.key import bundled_key_dir

SAMPLE = bundled_key_dir() / "samples" / "sample-submission.md"
FORMATS = ["json", "csv", "text", "gradescope"]

# (id, the --out path under tmp_path, a fragment of the message)
BAD_OUT = [
    ("missing-folder", "no-such-folder/results.out", "existing folder"),
    ("folder-is-a-file", "a-file/results.out", "existing folder"),
    ("out-is-a-folder", "a-folder", "name a file"),
]


@pytest.fixture
def no_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to load a key (the first piece of work) fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("work was started before the usage error")

    import checker.key.load  # the command line loads keys through it, on first use

    monkeypatch.setattr(checker.key.load, "load_key", refuse)


@pytest.mark.usefixtures("no_work")
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("out", "fragment"), [b[1:] for b in BAD_OUT], ids=[b[0] for b in BAD_OUT])
def test_bad_out_is_a_usage_error_before_any_work(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str, out: str, fragment: str
) -> None:
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    (tmp_path / "a-folder").mkdir()
    path = str(tmp_path / out)
    code = cli.main(["grade", str(SAMPLE), "--format", fmt, "--out", path])
    err = capsys.readouterr().err
    assert code == 2
    assert path in err and fragment in err


@pytest.fixture
def as_a_user(monkeypatch: pytest.MonkeyPatch) -> None:
    """Permission checks by the owner's mode bits, as for a user who is not root (the tests may
    run as root, to whom every path is writable)."""
    import checker.run.output

    def access(path: str, mode: int) -> bool:
        bits = os.stat(path).st_mode
        return not (mode & os.W_OK) or bool(bits & stat.S_IWUSR)

    monkeypatch.setattr(checker.run.output.os, "access", access)


@pytest.mark.usefixtures("no_work", "as_a_user")
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("target", "fragment"),
    [("read-only.out", "found it read-only"), ("read-only-folder/results.out", "read-only-folder read-only")],
    ids=["read-only-file", "read-only-folder"],
)
def test_an_unwritable_out_is_a_usage_error_before_any_work(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    fmt: str,
    target: str,
    fragment: str,
) -> None:
    (tmp_path / "read-only.out").write_text("kept", encoding="utf-8")
    (tmp_path / "read-only.out").chmod(0o444)
    (tmp_path / "read-only-folder").mkdir()
    (tmp_path / "read-only-folder").chmod(0o555)
    path = str(tmp_path / target)
    try:
        code = cli.main(["grade", str(SAMPLE), "--format", fmt, "--out", path])
    finally:
        (tmp_path / "read-only-folder").chmod(0o755)
    err = capsys.readouterr().err
    assert code == 2
    assert path in err and fragment in err
    assert (tmp_path / "read-only.out").read_text(encoding="utf-8") == "kept"
    assert not (tmp_path / "read-only-folder" / "results.out").exists()


@pytest.mark.usefixtures("no_work")
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_named_submission_that_does_not_exist_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    missing = str(tmp_path / "nonexistent.md")
    code = cli.main(["grade", str(SAMPLE), missing, "--format", fmt])
    err = capsys.readouterr().err
    assert code == 2 and missing in err


def test_grade_nonexistent_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["grade", "/nonexistent.md"]) == 2
    assert "/nonexistent.md" in capsys.readouterr().err
