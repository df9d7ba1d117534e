"""Laws of the readers and of extraction, on hostile and random input.

* Work grows linearly with the input: long runs of spaces and tabs, label-like fragments repeated
  on one line or on many, unclosed math and LaTeX groups.  The work is compared between an input
  and one four times larger (CPU time, best of three): a linear scan grows about 4×, a quadratic
  one 16×; the bound is a generous 10×, and no absolute time is asserted.  (A regular expression
  that backtracked on a run of spaces once took 89 s for 2,000 spaces, outside any budget.)
* Each reader, on random bytes and on random mutations of its fixtures, returns a document or
  raises our SubmissionError: never another exception, never a hang.
* Each reader reports every labelled question it saw: a submission written from random labels of
  the key, in that reader's format, yields exactly the labelled questions.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.errors import SubmissionError
from checker.key import load_key
from checker.read.document import Document
from checker.read.extract import extract
from checker.read.notebook import read_notebook
from checker.read.pdf import read_pdf
from checker.read.tex import read_tex
from checker.read.text import read_email, read_markdown

HERE = Path(__file__).parent
HW3 = load_key(validate_latex=False)
WARMUP = load_key(HERE / "hw", validate_latex=False)

Reader = Callable[[str], Document]


def _nb(text: str) -> Document:
    cells = [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": text}]
    return read_notebook(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))


READERS: dict[str, Reader] = {
    "markdown": lambda t: read_markdown(t),
    "email": lambda t: read_email(t),
    "latex": lambda t: read_tex(t),
    "notebook": _nb,
}

# Hostile inputs, each a function of a size n (characters, about).
HOSTILE: dict[str, Callable[[int], str]] = {
    "spaces": lambda n: " " * n + "\n1.2.2 $w$",
    "tabs": lambda n: "\t" * n + "x\n3.2 \t",
    "spaces-after-label-word": lambda n: "Q" + " " * n + "1.2.2",
    "spaces-before-heading": lambda n: "#" + " " * n + "Question",
    "label-fragments-one-line": lambda n: "1.2 .2 " * (n // 7),
    "label-fragments-many-lines": lambda n: "Q1.2.2)\n(a)\n" * (n // 12),
    "part-letters-one-line": lambda n: "2.1.2) a) " + "b) " * (n // 3),
    "unknown-labels": lambda n: "Question 9\n" * (n // 11),
    "unclosed-dollars": lambda n: "$x " * (n // 3),
    "unclosed-display": lambda n: "\\[ x " * (n // 5),
    "unclosed-environments": lambda n: "\\begin{align} " * (n // 14),
    "line-breaks-with-brackets": lambda n: "$$" + "\\\\[" * (n // 3) + "$$",
    "equals-signs": lambda n: "3.2 " + "x = " * (n // 4),
    "unclosed-strike": lambda n: "~~x " * (n // 4),
    "nested-groups": lambda n: "\\begin{document}" + "\\sout{\\textbf{" * (n // 14),
    "macro-uses": lambda n: "\\newcommand{\\a}[1]{#1#1}\\begin{document}$" + "\\a{x}" * (n // 5) + "$",
    "comments": lambda n: "% x\n" * (n // 4),
}


def _work(reader: Reader, text: str) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        extract(reader(text).text, HW3)
        best = min(best, time.process_time() - started)
    return best


# Every hostile input through Markdown (extraction is the same for every reader), and the inputs
# aimed at one reader's own scans through that reader.
LINEAR = (
    [("markdown", h) for h in HOSTILE]
    + [("latex", h) for h in ("nested-groups", "macro-uses", "comments", "unclosed-environments", "spaces")]
    + [("email", h) for h in ("quoted-lines", "signature-lines", "spaces")]
    + [("notebook", "spaces")]
)
HOSTILE |= {
    "quoted-lines": lambda n: "> 1.2.2) x\n" * (n // 12),
    "signature-lines": lambda n: "--\n" * (n // 3),
}


@pytest.mark.parametrize(("reader", "hostile"), LINEAR, ids=[f"{r}-{h}" for r, h in LINEAR])
def test_work_grows_linearly_with_the_input(reader: str, hostile: str) -> None:
    n = 10_000
    small, large = HOSTILE[hostile](n), HOSTILE[hostile](4 * n)
    # A floor of 2 ms keeps the ratio meaningful when the small input takes no measurable time.
    ratio = max(_work(READERS[reader], large), 0.002) / max(_work(READERS[reader], small), 0.002)
    assert ratio < 10, f"{reader} on {hostile}: 4× the input took {ratio:.1f}× the work"


def _fixtures(suffixes: tuple[str, ...]) -> list[bytes]:
    files = sorted(p for p in (HERE / "data").iterdir() if p.suffix in suffixes)
    files += sorted(p for p in (HERE / "hw" / "samples").iterdir() if p.suffix in suffixes)
    return [p.read_bytes() for p in files]


FORMATS: dict[str, tuple[Callable[[bytes], Document], tuple[str, ...]]] = {
    "markdown": (lambda b: read_markdown(b.decode("utf-8", "replace")), (".md",)),
    "email": (lambda b: read_email(b.decode("utf-8", "replace")), (".txt",)),
    "latex": (lambda b: read_tex(b.decode("utf-8", "replace")), (".tex",)),
    "notebook": (lambda b: read_notebook(b.decode("utf-8", "replace")), (".ipynb",)),
    "pdf": (lambda b: read_pdf(b), (".pdf",)),
}


def _read_and_extract(fmt: str, data: bytes) -> None:
    read, _suffixes = FORMATS[fmt]
    try:
        document = read(data)
    except SubmissionError:
        return
    extract(document.text, HW3)
    for offset in (0, len(document.text) // 2, len(document.text)):
        document.locate(offset)


@pytest.mark.parametrize("fmt", list(FORMATS))
@settings(max_examples=25)
@given(data=st.binary(max_size=2000))
def test_random_bytes_never_crash_a_reader(fmt: str, data: bytes) -> None:
    _read_and_extract(fmt, data)


@st.composite
def _mutated(draw: st.DrawFn, fixtures: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(fixtures)))
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        a = draw(st.integers(0, len(data) - 1))
        b = draw(st.integers(a, min(len(data), a + 200)))
        kind = draw(st.sampled_from(["delete", "insert", "duplicate", "flip"]))
        if kind == "delete":
            del data[a:b]
        elif kind == "insert":
            data[a:a] = draw(
                st.sampled_from([b"\\", b"{", b"}", b"$$", b"%", b"\n> ", b"~~", b"1.2.2)", b'"', b"\x00"])
            )
        elif kind == "duplicate":
            data[a:a] = data[a:b]
        else:
            data[a] ^= draw(st.integers(1, 255))
    return bytes(data)


@pytest.mark.parametrize("fmt", list(FORMATS))
@settings(max_examples=20)
@given(data=st.data())
def test_random_mutations_of_the_fixtures_never_crash_a_reader(fmt: str, data: st.DataObject) -> None:
    _read_and_extract(fmt, data.draw(_mutated(_fixtures(FORMATS[fmt][1]))))


# ----------------------------------------------------------------------------------------------
# every labelled question is reported
# ----------------------------------------------------------------------------------------------

# Ways to write each warm-up question's label (the key's ids, part letters and aliases).
LABEL_FORMS = {
    "1a": ["1a)", "Q1 (a)", "Question 1 (a)", "Exercise 1 (a):", "1a."],
    "1b": ["1b)", "Q1 (b)", "Question 1 (b)", "1b:"],
    "2": ["2)", "2.", "Question 2", "Q2:", "Problem 2"],
    "3": ["3)", "Q3", "Bonus:", "Question 3."],
}
_words = st.lists(
    st.sampled_from(["the", "weight", "gets", "smaller", "$w = 1$", "so", "penalty", "x^2"]), max_size=6
)


@st.composite
def _written(draw: st.DrawFn) -> list[tuple[str, str, str]]:
    qids = draw(st.lists(st.sampled_from(list(LABEL_FORMS)), min_size=1, max_size=6))
    return [(q, draw(st.sampled_from(LABEL_FORMS[q])), " ".join(draw(_words))) for q in qids]


def _as(fmt: str, answers: list[tuple[str, str, str]]) -> Document:
    if fmt == "markdown":
        return read_markdown("\n\n".join(f"{label} {text}" for _q, label, text in answers))
    if fmt == "email":
        lines = [f"{label} {text}\n> 3) quoted\n" for _q, label, text in answers]
        return read_email("Hi,\n\n" + "\n".join(lines) + "\n-- \nBonus: sig\n")
    if fmt == "latex":
        parts = [f"\\section*{{{label}}}\n{text}\n% 2) a comment" for _q, label, text in answers]
        return read_tex("\\begin{document}\n" + "\n".join(parts) + "\n\\end{document}")
    cells = []
    for _q, label, text in answers:
        cells.append(
            {"cell_type": "markdown", "id": f"m{len(cells)}", "metadata": {}, "source": f"{label}\n{text}"}
        )
        cells.append(
            {
                "cell_type": "code",
                "id": f"c{len(cells)}",
                "metadata": {},
                "execution_count": 1,
                "source": "print('Bonus: 1')",
                "outputs": [],
            }
        )
    return read_notebook(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))


@pytest.mark.parametrize("fmt", ["markdown", "email", "latex", "notebook"])
@settings(max_examples=30)
@given(answers=_written())
def test_every_labelled_question_is_reported(fmt: str, answers: list[tuple[str, str, str]]) -> None:
    document = _as(fmt, answers)
    found = {b.id for b in extract(document.text, WARMUP).blocks}
    assert found == {q for q, _label, _text in answers}, document.text
