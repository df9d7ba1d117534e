"""Each reader on the constructs students hand in: what reaches extraction, what never does."""

from __future__ import annotations

import json
import time

import pytest

from checker.read.notebook import read_notebook
from checker.read.tex import read_tex
from checker.read.text import read_email, read_markdown


def body(tex: str) -> str:
    """A document body wrapped as Overleaf writes it."""
    return "\\documentclass{article}\n\\begin{document}\n" + tex + "\n\\end{document}\n"


# (id, LaTeX source, text that must reach extraction, text that must not)
TEX = [
    ("comment-stripped", body("$x = 1$ % $x = 2$"), "$x = 1$", "x = 2"),
    ("escaped-percent-kept", body("20\\% of $x$"), "20% of", "\\%"),
    (
        "comment-line-with-answer",
        body("% \\sigma = \\sqrt{p(1-p)}\n$\\sigma = 1$"),
        "$\\sigma = 1$",
        "p(1-p)",
    ),
    ("newcommand", "\\newcommand{\\wstar}{w^{*}}\n" + body("$\\wstar = 1$"), "$w^{*} = 1$", "\\wstar"),
    (
        "newcommand-args",
        "\\newcommand{\\norm}[1]{\\left\\|#1\\right\\|}\n" + body("$\\norm{w}^2$"),
        "\\left\\|w\\right\\|^2",
        "\\norm",
    ),
    (
        "newcommand-arg-after-letters",
        "\\newcommand{\\nv}[1]{\\lVert#1\\rVert}\n" + body("$\\nv{X}$"),
        "\\lVert X\\rVert",
        "\\lVertX",
    ),
    (
        "newcommand-default",
        "\\newcommand{\\g}[2][x]{\\nabla_{#1} #2}\n" + body("$\\g{f} + \\g[w]{f}$"),
        "\\nabla_{x} f + \\nabla_{w} f",
        "\\g",
    ),
    ("renewcommand", "\\renewcommand{\\vec}[1]{\\mathbf{#1}}\n" + body("$\\vec{x}$"), "\\mathbf{x}", "\\vec"),
    ("def", "\\def\\eps{\\epsilon}\n" + body("$\\eps w$"), "$\\epsilon w$", "\\eps "),
    ("def-params", "\\def\\pair#1#2{(#1, #2)}\n" + body("$\\pair{a}{b}$"), "$(a, b)$", "\\pair"),
    (
        "operator",
        "\\DeclareMathOperator*{\\Var}{Var}\n" + body("$\\Var[x]$"),
        "\\operatorname{Var}[x]",
        "\\Var",
    ),
    (
        "macro-in-macro",
        "\\newcommand{\\T}{^\\top}\n\\newcommand{\\G}{X\\T X}\n" + body("$\\G$"),
        "$X^\\top X$",
        "\\G",
    ),
    (
        "title-line-break-is-no-display",
        "\\title{HW\\\\[4pt] Name}\n" + body("Name\\\\[4pt] id\n\\section*{3.2}\n$\\sigma = 1$"),
        "# 3.2",
        "\\[",
    ),
    ("section-label", body("\\section*{Question 1.2.2}\n$w$"), "# Question 1.2.2", "\\section"),
    ("paragraph-label", body("\\paragraph{2.2} A larger model."), "# 2.2\n A larger model.", "\\paragraph"),
    (
        "item-label",
        body("\\begin{itemize}\\item[\\textbf{1.2.3}] $x$\\end{itemize}"),
        "- 1.2.3  $x$",
        "\\item",
    ),
    ("textbf-label", body("\\noindent\\textbf{Q3.2.} $x$"), "**Q3.2.**", "\\textbf"),
    (
        "enumerate-numbers",
        body("\\begin{enumerate}\\item a\\item b\\end{enumerate}"),
        "- 1.  a\n- 2.  b",
        "\\item",
    ),
    (
        "enumerate-label-start",
        body("\\begin{enumerate}[label=\\textbf{2.\\arabic*}, start=2]\\item a\\end{enumerate}"),
        "- 2.2  a",
        "start=",
    ),
    (
        "enumerate-nested",
        body("\\begin{enumerate}\\item\\begin{enumerate}\\item a\\item b\\end{enumerate}\\end{enumerate}"),
        "- (b)  b",
        "\\item",
    ),
    (
        "exam-class",
        body(
            "\\begin{questions}\\question[5] a\\begin{parts}\\part b\\part c\\end{parts}\\question d\\end{questions}"
        ),
        "- 1.  a\n\n- (a)  b\n- (b)  c\n\n- 2.  d",
        "[5]",
    ),
    ("problem-environment", body("\\begin{problem}{1.2.2}\n$w$\n\\end{problem}"), "# 1.2.2\n", "problem"),
    ("problem-environment-title", body("\\begin{problem}[3.2]\n$x$\\end{problem}"), "# 3.2\n", "problem"),
    ("sout-crossed-out", body("\\sout{$w = 0$} $w = 1$"), "$w = 1$", "w = 0"),
    ("st-crossed-out", body("\\st{$w = 0$}\n$w = 1$"), "$w = 1$", "w = 0"),
    ("xout-crossed-out", body("$w = 1$\n\\xout{$w = 0$}"), "$w = 1$", "w = 0"),
    ("cancel-outside-math-crossed-out", body("\\cancel{$w = 0$} $w = 1$"), "$w = 1$", "w = 0"),
    (
        "cancel-inside-math-cancels-terms",
        body("$\\frac{\\cancel{2} a}{\\cancel{2}}$"),
        "$\\frac{{2} a}{{2}}$",
        "\\cancel",
    ),
    (
        "cancel-of-a-whole-line-crossed-out",
        body("\\[ \\sigma = 1 \\]\n\\[ \\cancel{\\sigma = p} \\]"),
        "\\sigma = 1",
        "\\sigma = p",
    ),
    (
        "cancel-of-an-aligned-line",
        body("\\begin{align*} a &= 1 \\\\ &\\cancel{= 2} \\end{align*}"),
        "a &= 1",
        "= 2",
    ),
    ("fbox-is-boxed", body("Answer: \\fbox{$w = 1$}"), "$\\boxed{w = 1}$", "\\fbox"),
    ("fbox-in-math-is-boxed", body("\\[ \\fbox{$w$} \\]"), "\\boxed", "\\fbox"),
    (
        "align-kept",
        body("\\begin{align*} a &= b \\\\[2pt] &= c \\end{align*}"),
        "\\begin{align*} a &= b \\\\ &= c \\end{align*}",
        "[2pt]",
    ),
    ("label-in-math-dropped", body("\\begin{equation} w = 1 \\label{eq:w} \\end{equation}"), "w = 1", "eq:w"),
    ("preamble-dropped", "\\usepackage{amsmath}\n\\author{3.2 Jane}\n" + body("x"), "x", "Jane"),
]


@pytest.mark.parametrize(("source", "present", "absent"), [r[1:] for r in TEX], ids=[r[0] for r in TEX])
def test_latex_source_reads_as_a_ta_reads_it(source: str, present: str, absent: str) -> None:
    text = read_tex(source).text
    assert present in text, text
    assert absent not in text, text


def test_input_and_include_are_refused_with_a_message_never_read() -> None:
    doc = read_tex(body("\\input{/etc/passwd}\n\\include{answers}\n$x$"))
    assert "root:" not in doc.text and "passwd" not in doc.text
    assert len(doc.notes) == 2 and all("never read from disk" in n for n in doc.notes)


@pytest.mark.parametrize(
    "source",
    [
        "\\def\\a{\\a}\n" + body("$\\a$"),
        "\\newcommand{\\a}{\\b\\b}\n\\newcommand{\\b}{\\a\\a}\n" + body("$\\a$"),
        "\\def\\a#1{\\a{#1#1}}\n" + body("$\\a{x}$"),
    ],
    ids=["self", "mutual-doubling", "growing-argument"],
)
def test_recursive_macros_stop_with_a_note(source: str) -> None:
    started = time.process_time()
    doc = read_tex(source)
    assert time.process_time() - started < 5  # generous: the bound is counts, this only catches a hang
    assert any("recursion" in n for n in doc.notes)


def test_latex_positions_are_the_files_lines() -> None:
    source = "\\newcommand{\\T}{^\\top}\n% a comment\n\\begin{document}\n\\section*{3.2}\n\n$X\\T X$\n\\end{document}"
    doc = read_tex(source)
    assert doc.locate(doc.text.index("X^\\top")) == "line 6"


def _notebook(*cells: tuple[str, str]) -> str:
    out = []
    for i, (kind, src) in enumerate(cells):
        cell: dict[str, object] = {"cell_type": kind, "id": f"c{i}", "metadata": {}, "source": src}
        if kind == "code":
            cell |= {
                "execution_count": 1,
                "outputs": [{"output_type": "stream", "name": "stdout", "text": "3.2 sigma = 9"}],
            }
        out.append(cell)
    return json.dumps({"cells": out, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def test_a_notebook_reads_markdown_and_raw_cells_in_order_never_code_or_outputs() -> None:
    doc = read_notebook(
        _notebook(
            ("markdown", "# HW"),
            ("code", "# 3.2: sigma = 9\nprint(1)"),
            ("raw", "raw text"),
            ("markdown", "3.2\n$\\sigma = 1$"),
        )
    )
    assert "sigma = 9" not in doc.text and "print" not in doc.text
    assert doc.text.index("# HW") < doc.text.index("raw text") < doc.text.index("$\\sigma = 1$")
    assert doc.locate(doc.text.index("$\\sigma")) == "cell 4, line 2"


def test_an_old_notebook_without_cell_ids_still_reads() -> None:
    nb = {
        "cells": [{"cell_type": "markdown", "metadata": {}, "source": ["3.2 ", "$x$"]}],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 2,
    }
    assert read_notebook(json.dumps(nb)).text.startswith("3.2 $x$")


EMAIL = [
    ("quoted-line", "3.2) sigma = 1\n> 3.2) sigma = p\n", "sigma = 1", "sigma = p"),
    ("quoted-indented", "3.2) sigma = 1\n   > sigma = p\n", "sigma = 1", "sigma = p"),
    ("signature", "3.2) sigma = 1\n-- \nJo\nx = 2\n", "sigma = 1", "x = 2"),
    ("signature-trimmed", "3.2) sigma = 1\n--\nx = 2\n", "sigma = 1", "x = 2"),
    (
        "separator-is-no-signature",
        "1.2.2) w = 1\n--\n"
        + "".join(f"line {i}\n" for i in range(9))
        + "3.2) sigma = 1\n> 3.2) sigma = p\n",
        "3.2) sigma = 1",
        "sigma = p",
    ),
    ("attribution", "3.2) a\nOn Mon, TA <t@x> wrote:\n> q\n", "3.2) a", "wrote:"),
    ("strike", "3.2) ~~sigma = p~~ sigma = 1", "sigma = 1", "sigma = p"),
]


@pytest.mark.parametrize(("text", "present", "absent"), [r[1:] for r in EMAIL], ids=[r[0] for r in EMAIL])
def test_email_quotes_and_signatures_are_never_answers(text: str, present: str, absent: str) -> None:
    doc = read_email(text)
    assert present in doc.text and absent not in doc.text
    assert len(doc.text) == len(text)  # positions are the file's


MARKDOWN = [
    ("tilde-strike", "~~$$w = 0$$~~\n$$w = 1$$", "$$w = 1$$", "w = 0"),
    ("del-tag", "<del>w = 0</del> w = 1", "w = 1", "w = 0"),
    ("unclosed-strike-kept", "~~ w = 1\n\nw = 2", "w = 1", "~~ x"),
]


@pytest.mark.parametrize(
    ("text", "present", "absent"), [r[1:] for r in MARKDOWN], ids=[r[0] for r in MARKDOWN]
)
def test_markdown_struck_through_work_is_crossed_out(text: str, present: str, absent: str) -> None:
    doc = read_markdown(text)
    assert present in doc.text and absent not in doc.text
