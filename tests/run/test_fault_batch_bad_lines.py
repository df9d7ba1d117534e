"""Fault 6: one bad line never stops ``check --batch`` (issue 11).

An invalid UTF-8 byte once gave no output at all, 100,000 nested ``[`` a RecursionError, and a
lone surrogate stopped the batch after two records.  The batch is now read as bytes, line by line;
each bad line is an ``error`` record naming its line, the rest are judged, in input order, with
every input field echoed.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from checker.cli import main
from checker.run.check import read_json_lines

GOOD = json.dumps({"id": "good", "question": "2.2", "answer": "a larger model", "student": 7}).encode()

# (id, the bad line, a fragment of the reason)
BAD_LINES = [
    ("invalid-utf8", b'{"id": "x", "question": "2.2", "answer": "caf\xe9"}', "not UTF-8"),
    ("overlong-utf8", b'{"id": "x", "answer": "\xc0\xaf"}', "not UTF-8"),
    ("not-json", b"question=2.2 answer=x", "not JSON"),
    ("truncated-json", b'{"id": "x", "question": "2.2", "answer": "a', "not JSON"),
    ("nested-100000-deep", b"[" * 100_000, "nested too deep"),
    ("nested-object-100000-deep", b'{"a":' * 100_000, "nested too deep"),
    ("lone-surrogate", b'{"id": "s", "question": "2.2", "answer": "\\ud800 model"}', "lone surrogate"),
    ("not-an-object", b"[1, 2, 3]", "not a JSON object"),
]


@pytest.mark.parametrize(("line", "reason"), [b[1:] for b in BAD_LINES], ids=[b[0] for b in BAD_LINES])
def test_a_bad_line_is_a_record_naming_its_line_and_the_batch_goes_on(line: bytes, reason: str) -> None:
    records = list(read_json_lines(io.BytesIO(GOOD + b"\n" + line + b"\n\n" + GOOD + b"\n")))
    assert [r.get("id") for r in records][::2] == ["good", "good"]
    bad = records[1]
    assert bad["_line"] == 2 and reason in bad["_invalid"] and "line 2" in bad["_invalid"]


@pytest.mark.parametrize("newline", [b"\n", b""], ids=["then-more-lines", "at-the-end"])
def test_a_line_over_the_limit_is_refused_unread_and_the_batch_goes_on(newline: bytes) -> None:
    long = b'{"answer": "' + b"x" * 1000 + b'"}'
    data = GOOD + b"\n" + long + newline + ((GOOD + b"\n") if newline else b"")
    records = list(read_json_lines(io.BytesIO(data), max_line_bytes=100))
    assert records[0]["id"] == "good"
    assert records[1]["_line"] == 2 and "longer than 100 bytes" in records[1]["_invalid"]
    assert [r.get("id") for r in records[2:]] == (["good"] if newline else [])


def test_a_lone_surrogate_record_echoes_its_fields_writable_as_utf8() -> None:
    (record,) = read_json_lines(io.BytesIO(b'{"id": "s\\udc80", "answer": "x"}\n'))
    assert record["id"] == "s\ufffd"
    json.dumps(record, ensure_ascii=False).encode("utf-8")  # raises if a surrogate were left


def test_cli_batch_of_every_bad_line_keeps_order_and_echoes_fields(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    batch = tmp_path / "batch.jsonl"
    lines = [GOOD]
    for _, line, _ in BAD_LINES:
        lines += [line, GOOD]
    batch.write_bytes(b"\n".join(lines) + b"\n")
    code = main(["check", "--batch", str(batch), "--format", "json", "--jobs", "1"])
    out = capsys.readouterr().out
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == len(lines), "one verdict object per input line"
    assert [r["verdict"] for r in rows] == ["correct", *(["error", "correct"] * len(BAD_LINES))]
    assert [r.get("_line") for r in rows[1::2]] == list(range(2, 2 * len(BAD_LINES) + 2, 2))
    assert all(r["student"] == 7 for r in rows[::2]), "every input field echoed"
