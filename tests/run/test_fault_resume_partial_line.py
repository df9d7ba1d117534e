"""Fault 3: a cut-short last line and a full disk never cost a record (issue 11).

``--resume`` once appended onto a partial last line (the next record corrupt, exit 0), and a full
disk ended in a traceback.  Resume now cuts the partial line (and says so); a failed write is
cut back to the last whole record and reported in one line, exit 3.
"""

from __future__ import annotations

import errno
import io
import json
from pathlib import Path

import pytest

from checker.cli import main
from checker.errors import OutputError
from checker.run.output import JsonLinesOutput


def record(name: str, verdict: str = "missing") -> dict[str, object]:
    return {
        "submission": name,
        "score": 0.0,
        "max_score": 8.0,
        "questions": [{"question": "3.2", "verdict": verdict}],
    }


def whole_lines(path: Path) -> list[dict[str, object]]:
    data = path.read_bytes()
    assert data.endswith(b"\n"), "the file ends with a whole line"
    return [json.loads(line) for line in data.splitlines()]


CUTS = [
    ("cut-inside-a-record", b'{"submission": "c.md", "sco'),
    ("cut-after-the-brace", b'{"submission": "c.md"}'),  # whole JSON, but no newline: not written whole
    ("cut-mid-utf8-character", '{"submission": "é'.encode()[:-1]),
]


@pytest.mark.parametrize("tail", [c[1] for c in CUTS], ids=[c[0] for c in CUTS])
def test_resume_cuts_the_partial_last_line_and_appends_whole_records(tmp_path: Path, tail: bytes) -> None:
    out = tmp_path / "r.jsonl"
    whole = b"".join(json.dumps({**record(n), "path": f"/s/{n}"}).encode() + b"\n" for n in ("a.md", "b.md"))
    out.write_bytes(whole + tail)
    with JsonLinesOutput(str(out), resume=True) as writer:
        assert writer.resumed.cut_bytes == len(tail)
        assert writer.resumed.done == {"/s/a.md", "/s/b.md"}
        writer.write("/s/c.md", record("c.md"))
    assert [r["submission"] for r in whole_lines(out)] == ["a.md", "b.md", "c.md"]


class FullDisk(io.RawIOBase):
    """A file that takes ``room`` bytes, then fails like a full disk (the first failing write is
    partial, as a real one can be)."""

    def __init__(self, room: int) -> None:
        self.data = bytearray()
        self.room = room

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def write(self, b: object) -> int:
        chunk = bytes(b)  # type: ignore[call-overload]
        left = self.room - len(self.data)
        if left <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.data += chunk[:left]
        return min(left, len(chunk))

    def truncate(self, size: int | None = None) -> int:
        del self.data[size or 0 :]
        return len(self.data)

    def seek(self, offset: int, whence: int = 0) -> int:
        return offset


def test_a_full_disk_keeps_every_record_written_before_it_whole() -> None:
    first = (json.dumps({**record("a.md"), "path": "/s/a.md"}) + "\n").encode()
    disk = FullDisk(room=len(first) + 10)  # room for one record and a bit of the next
    writer = JsonLinesOutput("results.jsonl", resume=False, file=disk)
    writer.open()
    writer.write("/s/a.md", record("a.md"))
    with pytest.raises(OutputError, match="disk full") as caught:
        writer.write("/s/b.md", record("b.md"))
    assert "results.jsonl" in caught.value.render() and "\n" not in caught.value.render()
    assert bytes(disk.data) == first, "the partial second record is cut back; the first is intact"


@pytest.fixture
def cheap_class(tmp_path: Path) -> Path:
    """Submissions that need no worker (nothing labelled): grading them is instant."""
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("a.md", "b.md", "c.md"):
        (folder / name).write_text("no answers here", encoding="utf-8")
    return folder


def test_cli_resume_after_a_cut_line_says_so_and_loses_nothing(
    capsys: pytest.CaptureFixture[str], cheap_class: Path, tmp_path: Path
) -> None:
    out = tmp_path / "r.jsonl"
    assert main(["grade", str(cheap_class), "--format", "json", "--out", str(out), "--jobs", "1"]) == 0
    lines = out.read_bytes().splitlines(keepends=True)
    out.write_bytes(lines[0] + lines[1][: len(lines[1]) // 2])  # killed while writing the second
    capsys.readouterr()
    code = main(["grade", str(cheap_class), "--format", "json", "--out", str(out), "--resume", "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 0
    assert "cut-short last line" in err and "skipped 1 submission" in err
    rows = whole_lines(out)
    assert sorted(r["submission"] for r in rows) == sorted(
        str(cheap_class / n) for n in ("a.md", "b.md", "c.md")
    )


@pytest.mark.parametrize("fmt", ["json", "csv", "text", "gradescope"])
def test_cli_full_disk_is_one_line_exit_3_naming_the_file(
    capsys: pytest.CaptureFixture[str], cheap_class: Path, fmt: str
) -> None:
    code = main(["grade", str(cheap_class / "a.md"), "--format", fmt, "--out", "/dev/full", "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 3
    assert "/dev/full" in err and "disk full" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
