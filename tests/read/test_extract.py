"""Extraction: every label form students use, math in every delimiter, the final answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from checker.key import Key, SymbolTable, bundled_key_dir, load_key
from checker.read.extract import (
    MathSegment,
    QuestionBlock,
    extract,
    final_answer,
    split_sides,
)

SAMPLE = bundled_key_dir() / "samples" / "sample-submission.md"  # shared/hw3, shipped with hw3
KEY = load_key(validate_latex=False)


@dataclass(frozen=True)
class _Parsed:
    expr: Any


def spelling_parse(source: str, table: SymbolTable, *, options: object) -> _Parsed:
    """A stand-in for checker.latex.parse: a symbol's spellings read as its name, else the text."""
    text = " ".join(source.split())
    for spec in table:
        if text in spec.spellings:
            return _Parsed(spec.name)
    return _Parsed(text.replace(" ", ""))


def ids(text: str, key: Key = KEY) -> list[str]:
    return [b.id for b in extract(text, key).blocks]


# ----------------------------------------------------------------------------------------------
# labels
# ----------------------------------------------------------------------------------------------

LABELS = [
    ("bare", "1.2.2 w = 1", ["1.2.2"]),
    ("Q-prefix", "Q1.2.2 w = 1", ["1.2.2"]),
    ("Q-space", "Q 1.2.2: w = 1", ["1.2.2"]),
    ("paren", "1.2.2) w = 1", ["1.2.2"]),
    ("both-parens", "(1.2.2) w = 1", ["1.2.2"]),
    ("bold", "**1.2.2** w = 1", ["1.2.2"]),
    ("bold-with-dot", "**1.2.2.** w = 1", ["1.2.2"]),
    ("Question-word", "Question 3.2\nsigma is 1", ["3.2"]),
    ("Problem-word", "Problem 3.2: sigma", ["3.2"]),
    ("trailing-dot", "3.2. sigma", ["3.2"]),
    ("two-level-trailing-dot", "2.2. a larger model", ["2.2"]),
    ("heading", "## 1.2.3\n$$\\epsilon = 1$$", ["1.2.3"]),
    ("heading-with-word", "### Question 1.2.3\n$$\\epsilon = 1$$", ["1.2.3"]),
    ("list-item", "- 2.1.1 it increases", ["2.1.1"]),
    ("inside-display-math", "$$1.2.2 \\quad w = 1$$", ["1.2.2"]),
    ("inside-bracket-math", "\\[1.2.2 \\quad w = 1\\]", ["1.2.2"]),
    ("subpart-paren", "2.1.2 a) C\n\nb) A noise", ["2.1.2a", "2.1.2b"]),
    ("subpart-both-parens", "2.1.2 (a) C\n(b) A noise", ["2.1.2a", "2.1.2b"]),
    ("subpart-glued", "2.1.2a C\n2.1.2b A noise", ["2.1.2a", "2.1.2b"]),
    ("subpart-heading-then-parts", "2.1.2\na) C\nb) A noise", ["2.1.2a", "2.1.2b"]),
    ("subpart-on-unsplit-question", "2.1.1 a) it increases", ["2.1.1"]),
    ("bare-b-not-after-split-question", "2.1.1 a) up\nb) more", ["2.1.1"]),
    ("section-heading-is-not-a-label", "Q1: Robustness\n1.1.2 $$f = 1$$", ["1.1.2"]),
    ("longer-number-is-not-the-id", "1.2.23 w = 1", []),
    ("mid-line-number-is-not-a-label", "see 1.2.2 for w", []),
    ("out-of-order", "3.2 s\n1.2.2 w", ["3.2", "1.2.2"]),
    ("subpart-roman", "2.1.2 (i) C\n(ii) A noise", ["2.1.2a", "2.1.2b"]),
    ("subpart-upper", "2.1.2 A) C\nb) A noise", ["2.1.2a", "2.1.2b"]),
    ("latex-section", "\\section*{1.2.2}\n$$w = 1$$", ["1.2.2"]),
    ("latex-subsection-question", "\\subsection{Question 3.2}\n\\[\\sigma = 1\\]", ["3.2"]),
    ("latex-textbf", "\\textbf{2.2.} a larger model", ["2.2"]),
    ("latex-item", "\\item[2.2] a larger model", ["2.2"]),
    ("display-math-label-on-its-own-line", "$$\n1.2.2 \\quad w = 1\n$$", ["1.2.2"]),
    ("bare-b-alone-on-its-line", "2.1.2 a) C\nb)\nPoint A: noise", ["2.1.2a", "2.1.2b"]),
    ("bold-Q-colon", "**Q1.2.2:** w = 1", ["1.2.2"]),
    ("label-then-math-on-next-line", "1.2.2\n$$w = 1$$", ["1.2.2"]),
    ("crlf-line-ends-after-reading", "2.1.2 a) C\r\nb) A noise", ["2.1.2a", "2.1.2b"]),
]


@pytest.mark.parametrize(("text", "expected"), [row[1:] for row in LABELS], ids=[row[0] for row in LABELS])
def test_label_forms(text: str, expected: list[str]) -> None:
    assert ids(text) == expected


def test_label_inside_math_is_removed_from_the_math() -> None:
    ex = extract("$$1.1.2 \\quad \\nabla_x f(x; w) = w \\\\ x' = x - \\epsilon w$$", KEY)
    (block,) = ex.blocks
    assert [m.latex for m in block.math] == ["\\nabla_x f(x; w) = w", "x' = x - \\epsilon w"]
    assert block.label.startswith("$$1.1.2")


def test_text_before_the_first_label_is_the_preamble() -> None:
    ex = extract("Jane Doe\n1001\nHomework 3\n\n3.2 $\\sigma = 1$", KEY)
    assert ex.preamble.split() == ["Jane", "Doe", "1001", "Homework", "3"]
    assert ids("Jane Doe\n3.2 x") == ["3.2"]


def test_no_labels_warns_and_yields_no_blocks() -> None:
    ex = extract("I did the homework but forgot the numbers.\n$$w = 1$$", KEY)
    assert ex.blocks == ()
    assert len(ex.warnings) == 1 and "found none" in ex.warnings[0]


def test_a_label_given_twice_warns_and_keeps_the_last() -> None:
    ex = extract("3.2 first try $\\sigma = 1$\n\n1.2.2 w\n\n3.2 second $\\sigma = 2$", KEY)
    assert [b.id for b in ex.blocks] == ["1.2.2", "3.2"]
    assert "second" in ex.blocks[1].text
    assert any("3.2" in w and "2 times" in w for w in ex.warnings)


def test_section_heading_ends_the_block_before_it() -> None:
    ex = extract("2.1.2 b) Point A: noise\n\nQ3: Dropout as Gaussian noise\n\n3.2 s", KEY)
    assert "Dropout" not in ex.blocks[0].text


# ----------------------------------------------------------------------------------------------
# math
# ----------------------------------------------------------------------------------------------

MATH = [
    ("double-dollar", "3.2 $$\\sigma = 1$$", ["\\sigma = 1"], [True]),
    ("bracket", "3.2 \\[\\sigma = 1\\]", ["\\sigma = 1"], [True]),
    ("paren-inline-alone", "3.2\n\\(\\sigma = 1\\)", ["\\sigma = 1"], [True]),
    ("dollar-inline-in-prose", "3.2 so we get $\\sigma = 1$ in the end", ["\\sigma = 1"], [False]),
    ("equation-env", "3.2\n\\begin{equation}\\sigma = 1\\end{equation}", ["\\sigma = 1"], [True]),
    (
        "align-star-lines-and-ampersands",
        "3.2\n\\begin{align*}\n\\sigma^2 &= \\frac{1-p}{p} \\\\\n\\sigma &= \\sqrt{\\frac{1-p}{p}}\n\\end{align*}",
        ["\\sigma^2 = \\frac{1-p}{p}", "\\sigma = \\sqrt{\\frac{1-p}{p}}"],
        [True, True],
    ),
    (
        "align-continuation-carries-the-left-side",
        "3.2\n\\begin{align}\n\\sigma^2 &= \\frac{p(1-p)}{p^2} \\\\\n&= \\frac{1-p}{p}\n\\end{align}",
        ["\\sigma^2 = \\frac{p(1-p)}{p^2}", "\\sigma^2 = \\frac{1-p}{p}"],
        [True, True],
    ),
    (
        "bare-latex-line",
        "3.2\n\\sigma = \\sqrt{\\frac{1-p}{p}}",
        ["\\sigma = \\sqrt{\\frac{1-p}{p}}"],
        [True],
    ),
    ("prose-with-therefore-is-not-math", "2.1.1\n \\therefore optimal learning rate increases.", [], []),
    ("note-with-subscript-is-not-math", "1.2.3\n w^*_{ridge}\nwritten as w^*", [], []),
    ("escaped-dollar-is-not-math", "2.2 it costs \\$5 and \\$6", [], []),
]


@pytest.mark.parametrize(
    ("text", "latex", "display"), [row[1:] for row in MATH], ids=[row[0] for row in MATH]
)
def test_math_forms(text: str, latex: list[str], display: list[bool]) -> None:
    (block,) = extract(text, KEY).blocks
    assert [m.latex for m in block.math] == latex
    assert [m.display for m in block.math] == display


def test_math_spans_point_into_the_submission() -> None:
    text = "intro\n3.2 $$\\sigma = 1$$ and $p$"
    (block,) = extract(text, KEY).blocks
    for seg in block.math:
        assert text[seg.start : seg.end] == seg.latex


SIDES = [
    ("simple", "a = b", ("a", "b")),
    ("chain", "a = b = c", ("a", "b", "c")),
    ("braces", "\\frac{a=b}{c} = d", ("\\frac{a=b}{c}", "d")),
    ("leq-not-split", "a \\leq b", ("a \\leq b",)),
    ("defined-as", "f(x) := w^T x", ("f(x)", "w^T x")),
    ("neq-not-split", "a \\neq b", ("a \\neq b",)),
]


@pytest.mark.parametrize(("latex", "expected"), [r[1:] for r in SIDES], ids=[r[0] for r in SIDES])
def test_split_sides(latex: str, expected: tuple[str, ...]) -> None:
    assert split_sides(latex) == expected


# ----------------------------------------------------------------------------------------------
# final answer
# ----------------------------------------------------------------------------------------------


def _block(qid: str, *lines: str, text: str = "") -> QuestionBlock:
    math = tuple(MathSegment(line, 0, 0, True) for line in lines)
    return QuestionBlock(qid, text, 0, 0, math, qid)


FINAL = [
    (
        "target-on-left-wins-over-later-math",
        _block("3.2", "\\sigma = \\sqrt{\\frac{1-p}{p}}", "p = 1"),
        "\\sigma = \\sqrt{\\frac{1-p}{p}}",
        "last equation with target \\sigma on the left",
    ),
    (
        "alias-of-target",
        _block("1.2.2", "w^* = (X^T X)^{-1} X^T t", "X w = t"),
        "w^* = (X^T X)^{-1} X^T t",
        "last equation with target w on the left",
    ),
    (
        "chain-keeps-the-target-and-the-last-side",
        _block("1.2.3", "\\epsilon = \\frac{x}{w^*} = \\frac{x (X^2 + 2\\lambda n)}{X t}"),
        "\\epsilon = \\frac{x (X^2 + 2\\lambda n)}{X t}",
        "last equation with target \\epsilon on the left",
    ),
    (
        "therefore-is-stripped",
        _block("3.2", "\\therefore \\sigma = 2"),
        "\\sigma = 2",
        "last equation with target \\sigma on the left",
    ),
    ("boxed", _block("3.2", "x = 1", "\\boxed{\\sqrt{2}}", "y = 2"), "\\sqrt{2}", "\\boxed"),
    ("after-therefore", _block("3.2", "a = 1", "\\therefore \\sqrt{2}"), "\\sqrt{2}", "after \\therefore"),
    # "so eps = x/w*, i.e. eps = ...": a later step restates the answer; "therefore" does not win.
    ("therefore-then-a-later-step", _block("3.2", "\\therefore \\sqrt{2}", "b = 2"), "b = 2", "last math"),
    ("last-math", _block("3.2", "a = 1", "\\sqrt{3}"), "\\sqrt{3}", "last math"),
]


@pytest.mark.parametrize(("block", "latex", "reason"), [r[1:] for r in FINAL], ids=[r[0] for r in FINAL])
def test_final_answer(block: QuestionBlock, latex: str, reason: str) -> None:
    choice = final_answer(block, KEY.question(block.id), parse=spelling_parse)
    assert choice is not None
    assert (choice.latex, choice.reason) == (latex, reason)


def test_final_answer_after_so_in_prose() -> None:
    text = "3.2 the variance is $p$, so $\\sqrt{5}$"
    (block,) = extract(text, KEY).blocks
    choice = final_answer(block, KEY.question("3.2"), parse=spelling_parse)
    assert choice is not None and (choice.latex, choice.reason) == ("\\sqrt{5}", "after \\therefore")


def test_final_answer_of_a_choice_question_is_the_whole_block() -> None:
    (block,) = extract("2.2. I would train a larger model.\n", KEY).blocks
    choice = final_answer(block, KEY.question("2.2"), parse=spelling_parse)
    assert choice is not None and choice.latex == "I would train a larger model."


def test_an_empty_block_has_no_final_answer() -> None:
    assert final_answer(_block("3.2", text="\n  \n"), KEY.question("3.2"), parse=spelling_parse) is None


def test_no_math_takes_the_last_line_of_text() -> None:
    block = _block("3.2", text=" so the noise is\nσ = √((1−p)/p)\n\n")
    choice = final_answer(block, KEY.question("3.2"), parse=spelling_parse)
    assert choice is not None
    assert (choice.latex, choice.reason) == ("σ = √((1−p)/p)", "last line of text (no math found)")


# ----------------------------------------------------------------------------------------------
# the real sample submission
# ----------------------------------------------------------------------------------------------

SAMPLE_FINAL = [
    ("1.1.2", "f(x'; w) = w^T (x - \\epsilon w)"),
    ("1.2.2", "w^* = (X^T X + 2\\lambda n I)^{-1} X^T t"),
    ("1.2.3", "\\epsilon = \\frac{x (X^2 + 2\\lambda n)}{X t}"),
    ("2.1.1", "AS batch size increases, so does optimal learning rate."),
    ("2.1.2a", "C is the point that represents optimal batch size"),
    ("2.1.2b", "Point A: Regime = noise-dominated"),
    ("2.2", "Figure 4 shows that training the same model"),
    ("3.2", "\\sigma = \\sqrt{\\frac{1-p}{p}}"),
]


@pytest.fixture(scope="module")
def sample() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def test_sample_every_graded_question_is_found(sample: str) -> None:
    ex = extract(sample, KEY)
    assert [b.id for b in ex.blocks] == [q.id for q in KEY.graded]
    assert ex.warnings == ()
    assert "Hijun" in ex.preamble and "1001423284" in ex.preamble


@pytest.mark.parametrize(("qid", "expected"), SAMPLE_FINAL, ids=[r[0] for r in SAMPLE_FINAL])
def test_sample_final_answers(sample: str, qid: str, expected: str) -> None:
    block = extract(sample, KEY).block(qid)
    assert block is not None
    choice = final_answer(block, KEY.question(qid), parse=spelling_parse)
    assert choice is not None
    assert choice.latex.startswith(expected)


def test_sample_1_1_2_is_three_steps(sample: str) -> None:
    block = extract(sample, KEY).block("1.1.2")
    assert block is not None
    assert block.steps == (
        "\\nabla_x f(x; w) = w",
        "x' = x - \\epsilon w",
        "\\therefore f(x'; w) = w^T x' = w^T (x - \\epsilon w)",
    )


def test_sample_1_2_3_steps_hold_the_design_matrix_step(sample: str) -> None:
    block = extract(sample, KEY).block("1.2.3")
    assert block is not None
    assert block.steps[1] == "\\epsilon = w^{*T} X (w^{*T} w^*)^{-1}"
    assert len(block.steps) == 3  # the inline $2\lambda n$ in prose is not a step


def test_sample_2_1_2b_is_the_bare_b(sample: str) -> None:
    block = extract(sample, KEY).block("2.1.2b")
    assert block is not None and block.label == "b)"
    assert "Point B" in block.text and "2.2" not in block.text


# ----------------------------------------------------------------------------------------------
# hostile input: the parent runs extraction on untrusted text, so it must stay linear
# (each case below took minutes or hours with a backtracking scan; no timing is asserted)
# ----------------------------------------------------------------------------------------------

HOSTILE = [
    ("unclosed-brackets", "3.2 " + "\\[ a " * 100_000, 1),
    ("unclosed-parens", "3.2 " + "\\( a " * 100_000, 1),
    ("unclosed-environments", "3.2 " + "\\begin{align} a " * 50_000, 1),
    ("many-dollars", "3.2 " + "$" * 200_000, 1),
    ("one-huge-line", "3.2 " + "$a$ b " * 100_000, 1),
    ("many-labels", "1.2.2 w = 1\n" * 50_000, 1),
    ("many-bare-subparts", "2.1.2 a) x\n" + "b) y\n" * 100_000, 2),
    ("many-bare-latex-lines", "3.2\n" + "\\frac{a}{b} = c\n" * 100_000, 1),
]


@pytest.mark.parametrize(("text", "blocks"), [r[1:] for r in HOSTILE], ids=[r[0] for r in HOSTILE])
def test_hostile_input_is_read_in_linear_time(text: str, blocks: int) -> None:
    ex = extract(text, KEY)
    assert len(ex.blocks) == blocks


def test_an_empty_submission_says_so() -> None:
    key = load_key(validate_latex=False)
    for text in ("", "  \n\n\t \n"):
        (warning,) = extract(text, key).warnings
        assert "found an empty submission" in warning
    (warning,) = extract("my name, and no labels at all", key).warnings
    assert "found none" in warning
