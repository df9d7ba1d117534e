"""Which files a grading run reads: every supported suffix, only regular files, no symlink loops.

Faults injected: a FIFO in a folder (it used to hang ``grade`` in ``open()``), a device, a socket,
a directory symlink loop walked and globbed with ``**`` (each file used to be graded 41 times),
unsupported and hidden files.  Each is reported once with its reason and never opened.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest

from checker.cli import main
from checker.errors import SubmissionError
from checker.read import SUBMISSION_SUFFIXES, find_submissions, read_document, read_submission

DATA = Path(__file__).parent / "data"


def names(paths: tuple[str, ...] | list[str], root: Path) -> list[str]:
    return sorted(Path(p).relative_to(root).as_posix() for p in paths)


def reasons(found: object, root: Path) -> dict[str, str]:
    return {Path(s.path).relative_to(root).as_posix(): s.reason for s in found.skipped}  # type: ignore[attr-defined]


def test_a_folder_yields_every_supported_suffix_and_lists_the_rest(tmp_path: Path) -> None:
    for suffix in SUBMISSION_SUFFIXES:
        (tmp_path / f"s{suffix}").write_text("x")
    (tmp_path / "notes.docx").write_text("x")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "s-checkpoint.ipynb").write_text("x")
    found = find_submissions([str(tmp_path)])
    assert names(found.files, tmp_path) == sorted(f"s{suffix}" for suffix in SUBMISSION_SUFFIXES)
    assert list(reasons(found, tmp_path)) == ["notes.docx"]
    assert "unsupported suffix '.docx'" in reasons(found, tmp_path)["notes.docx"]


SPECIAL = [
    ("fifo", lambda p: os.mkfifo(p), "a FIFO"),
    ("device", lambda p: os.symlink("/dev/null", p), "a device"),
    ("socket", lambda p: socket.socket(socket.AF_UNIX).bind(str(p)), "a socket"),
]


@pytest.mark.parametrize(("make", "kind"), [r[1:] for r in SPECIAL], ids=[r[0] for r in SPECIAL])
def test_only_regular_files_are_read_the_rest_is_skipped_with_the_reason(
    tmp_path: Path, make: object, kind: str
) -> None:
    (tmp_path / "ok.md").write_text("3.2 $\\sigma = 1$")
    make(tmp_path / "special.md")  # type: ignore[operator]
    found = find_submissions([str(tmp_path)])
    assert names(found.files, tmp_path) == ["ok.md"]
    assert reasons(found, tmp_path)["special.md"].startswith(kind)
    # Named directly it is reported as well, and reading it never blocks.
    named = find_submissions([str(tmp_path / "special.md")])
    assert not named.files and named.skipped
    with pytest.raises(SubmissionError, match=kind):
        read_document(str(tmp_path / "special.md"))


def test_a_symlink_loop_is_walked_once_and_reported_once(tmp_path: Path) -> None:
    (tmp_path / "class" / "a").mkdir(parents=True)
    (tmp_path / "class" / "a" / "s1.md").write_text("x")
    (tmp_path / "class" / "s2.tex").write_text("x")
    os.symlink("..", tmp_path / "class" / "a" / "loop")
    os.symlink(tmp_path / "class", tmp_path / "class" / "again")
    for given in (
        [str(tmp_path / "class")],
        [str(tmp_path / "class" / "**" / "*.md"), str(tmp_path / "class" / "**")],
    ):
        found = find_submissions(given)
        assert names(found.files, tmp_path) == ["class/a/s1.md", "class/s2.tex"]
        assert reasons(found, tmp_path) == {
            "class/a/loop": "a symlink back into a folder already searched (a loop): not followed",
            "class/again": "a symlink back into a folder already searched (a loop): not followed",
        }


def test_a_glob_with_double_star_finds_each_file_once(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "s.ipynb").write_text("x")
    os.symlink(tmp_path / "a", tmp_path / "a" / "b" / "up")
    found = find_submissions([str(tmp_path / "**" / "*.ipynb")])
    assert names(found.files, tmp_path) == ["a/b/s.ipynb"]


def test_a_path_that_does_not_exist_is_kept_so_grading_reports_it(tmp_path: Path) -> None:
    found = find_submissions([str(tmp_path / "nope.md")])
    assert found.files == (str(tmp_path / "nope.md"),)
    with pytest.raises(SubmissionError, match=r"nope\.md"):
        read_document(found.files[0])


def test_a_scan_has_nothing_to_read(tmp_path: Path) -> None:
    document = read_document(str(DATA / "scan-no-text.pdf"))
    assert document.unreadable is not None and "no text layer" in document.unreadable
    with pytest.raises(SubmissionError, match="no text layer"):
        read_submission(str(DATA / "scan-no-text.pdf"))


BROKEN = [
    ("notebook-not-json", "s.ipynb", b"{not json", "Jupyter notebook"),
    ("pdf-garbage", "s.pdf", b"%PDF-1.4 garbage", "PDF"),
    ("text-binary", "s.md", b"3.2 \x00", "binary"),
    ("text-not-utf8", "s.txt", b"3.2 \xff", "UTF-8"),
    (
        "notebook-with-too-much-text",
        "s.ipynb",
        json.dumps(
            {
                "cells": [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": "x" * 2_000_001}],
                "metadata": {},
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        ).encode(),
        "characters of written answers",
    ),
]


@pytest.mark.parametrize(("file", "data", "message"), [r[1:] for r in BROKEN], ids=[r[0] for r in BROKEN])
def test_a_broken_file_is_a_clear_error(tmp_path: Path, file: str, data: bytes, message: str) -> None:
    (tmp_path / file).write_bytes(data)
    with pytest.raises(SubmissionError, match=message):
        read_document(str(tmp_path / file))


def test_grade_lists_what_it_skipped_and_grades_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "s.ipynb").write_text((DATA / "notebook-two-cells.ipynb").read_text())
    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "essay.docx").write_text("x")
    code = main(["grade", str(tmp_path), "--format", "json", "--jobs", "1"])
    captured = capsys.readouterr()
    assert code == 0
    assert "skipped" in captured.err and "pipe.md" in captured.err and "essay.docx" in captured.err
    assert '"submission"' in captured.out and "s.ipynb" in captured.out
