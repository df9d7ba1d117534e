"""Submissions in every format, graded through the real pipeline and compared with a TA's verdicts.

Two sets: the hw3 fixtures in ``data/`` (``data/expected.toml``) and the warm-up homework in
``hw/`` (its own key, ids shaped unlike hw3's, ``hw/samples/expected.toml``).  Every question of
every file is a row.  Rows whose math is written in ASCII or Unicode (``DIALECT_ROWS``) are read
by those dialects of the LaTeX front end (issue 9.2); a separate test checks that the reader
hands the parser the text as written for them, and that they are never ``missing``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from checker.config import GradeConfig
from checker.key import Key, load_key
from checker.read import extract, final_answer, read_document
from checker.run.grade import grade_paths
from checker.run.sandbox import WorkerPool
from checker.verdict import QuestionVerdict, SubmissionResult

HERE = Path(__file__).parent
SETS = {
    "hw3": (HERE / "data", HERE / "data" / "expected.toml", None),
    "warmup": (HERE / "hw" / "samples", HERE / "hw" / "samples" / "expected.toml", HERE / "hw"),
}

# (set, file, question) → the answer text the reader hands the parser, for the rows written in
# the ASCII/Unicode dialects.  (For 1.2.3 of ocr-follow-through the answer is LaTeX; its
# follow-through credit builds on the Unicode 1.2.2 answer.)
DIALECT_ROWS = {
    ("hw3", "email-inline-reply.txt", "1.1.2"): "f(x';w) = w^T x - eps * w^T x",
    ("hw3", "email-inline-reply.txt", "1.2.2"): "w = inv(X^T X + 2 n lambda I) X^T t",
    ("hw3", "email-inline-reply.txt", "3.2"): "sigma = sqrt(1/p - 1)",
    ("hw3", "email-top-posted.txt", "1.1.2"): "f(x';w) = w^T x - eps*||w||^2",
    ("hw3", "email-top-posted.txt", "1.2.2"): "w* = (X'X + 2*n*lambda*I)^-1 X't",
    ("hw3", "email-top-posted.txt", "1.2.3"): "eps = x*(X'X + 2*n*lambda)/(X't)",
    ("hw3", "email-top-posted.txt", "3.2"): "sigma = sqrt(p/(1-p))",
    ("hw3", "ocr-follow-through.md", "1.2.2"): "w* = (XᵀX + λI)⁻¹Xᵀt",
    ("hw3", "ocr-follow-through.md", "1.2.3"): "\\epsilon = \\frac{x\\left(X^2+\\lambda\\right)}{X t}",
    ("hw3", "ocr-unicode.md", "1.2.2"): "w* = (XᵀX + 2nλI)⁻¹Xᵀt",
    ("hw3", "pdf-typed-unicode.pdf", "1.2.2"): "w* = (XᵀX + 2nλI)⁻¹Xᵀt",
    ("hw3", "plain-notes.txt", "1.1.2"): "f(x'; w) = w^T x - eps*||w||**2",
    ("hw3", "plain-notes.txt", "1.2.2"): "w* = (X^T X + 2*n*lambda*I)^(-1) * X^T * t",
    ("hw3", "plain-notes.txt", "1.2.3"): "eps = x*(X^T X + 2*lambda)/(X^T t)",
    ("hw3", "plain-notes.txt", "3.2"): "sigma**2 = (1-p)/p",
    ("warmup", "email-ascii.txt", "1a"): "w = x*t/(x^2 + lambda)",
    ("warmup", "email-ascii.txt", "1b"): "2*x*(w*x - t) + 2*lambda*w",
    ("warmup", "email-ascii.txt", "3"): "lambda*t/(x^2 + lambda)",
}


def _expected(name: str) -> dict[str, dict[str, Any]]:
    with SETS[name][1].open("rb") as fh:
        return tomllib.load(fh)


# Rows the checker still reads differently from the TA: never a false accept (it sends them to a
# TA), each with its reason.
KNOWN_GAPS = {
    ("hw3", "notebook-two-cells.ipynb", "2.2"): (
        "'a larger batch past the critical batch size hardly helps': the second mention of the batch "
        "ends the window in which 'hardly helps' rejects the first, so the rejected option reads as "
        "asserted and the answer goes to review"
    ),
}


def _rows() -> Iterator[Any]:
    for name in SETS:
        for file, questions in _expected(name).items():
            for qid, want in questions.items():
                gap = KNOWN_GAPS.get((name, file, qid))
                marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
                yield pytest.param(name, file, qid, want, id=f"{name}-{file}-{qid}", marks=marks)


def _key(name: str) -> Key:
    folder = SETS[name][2]
    return load_key(folder) if folder is not None else load_key()


@pytest.fixture(scope="module")
def graded() -> dict[tuple[str, str], SubmissionResult]:
    """Every file of both sets graded once, with the real stages in two workers."""
    out: dict[tuple[str, str], SubmissionResult] = {}
    for name, (folder, _expected_file, _key_folder) in SETS.items():
        key = _key(name)
        files = [str(folder / file) for file in _expected(name)]
        config = GradeConfig(jobs=2)
        with WorkerPool(config.budget, workers=2, context=key) as pool:
            for result in grade_paths(files, key, config=config, pool=pool):
                out[(name, Path(result.submission).name)] = result
    return out


def _verdict(result: SubmissionResult, qid: str) -> QuestionVerdict:
    return next(q for q in result.questions if q.question == qid)


@pytest.mark.parametrize(("name", "file", "qid", "want"), list(_rows()))
def test_verdict_matches_the_ta(
    graded: dict[tuple[str, str], SubmissionResult], name: str, file: str, qid: str, want: Any
) -> None:
    got = _verdict(graded[(name, file)], qid)
    verdict = want if isinstance(want, str) else want["verdict"]
    score = 1.0 if verdict == "correct" else 0.0
    if isinstance(want, dict):
        score = want.get("score", score)
    assert (got.verdict, got.score) == (verdict, score), (got.answer, got.feedback, got.location)
    if isinstance(want, dict) and "note" in want:
        assert got.answer_note == want["note"]


@pytest.mark.parametrize(
    ("name", "file", "qid", "text"),
    [(*k, v) for k, v in DIALECT_ROWS.items()],
    ids=["-".join(k) for k in DIALECT_ROWS],
)
def test_the_reader_hands_the_parser_the_answer_as_written(name: str, file: str, qid: str, text: str) -> None:
    folder = SETS[name][0]
    key = _key(name)
    document = read_document(str(folder / file))
    block = extract(document.text, key).block(qid)
    assert block is not None
    choice = final_answer(block, key.question(qid))
    assert choice is not None and choice.latex == text


@pytest.mark.parametrize(
    ("name", "file", "qid", "text"),
    [(*k, v) for k, v in DIALECT_ROWS.items()],
    ids=["-".join(k) for k in DIALECT_ROWS],
)
def test_a_dialect_answer_is_read_never_missing(
    graded: dict[tuple[str, str], SubmissionResult], name: str, file: str, qid: str, text: str
) -> None:
    got = _verdict(graded[(name, file)], qid)
    want = _expected(name)[file][qid]
    verdict = want if isinstance(want, str) else want["verdict"]
    assert got.verdict in (verdict, "unparsed", "incorrect" if qid == "1.2.3" else "unparsed")
    assert got.verdict != "missing" and got.answer


@pytest.mark.parametrize("name", list(SETS))
def test_every_verdict_says_where_its_answer_was_found(
    graded: dict[tuple[str, str], SubmissionResult], name: str
) -> None:
    for (set_name, file), result in graded.items():
        if set_name != name:
            continue
        for q in result.questions:
            if q.verdict in ("missing", "error"):
                continue
            assert q.location is not None and q.location.startswith(str(SETS[name][0] / file)), q
            assert ("line" in q.location) or ("cell" in q.location)


def test_a_notebook_answer_is_located_by_cell_and_a_pdf_answer_by_page(
    graded: dict[tuple[str, str], SubmissionResult],
) -> None:
    nb = _verdict(graded[("warmup", "nb-markdown-cells.ipynb")], "1b")
    assert nb.location is not None and nb.location.endswith("cell 4, line 2")
    pdf = _verdict(graded[("warmup", "pdf-typed.pdf")], "3")
    assert pdf.location is not None and pdf.location.endswith("page 2, line 4")
    tex = _verdict(graded[("hw3", "overleaf-macros.tex")], "3.2")
    assert tex.location is not None and tex.location.endswith("line 98")
