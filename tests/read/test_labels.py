"""Labels from the key: ids, part letters, aliases and OCR slips; unknown labels end their block.

Two keys: hw3 (ids like ``1.2.2``, ``2.1.2a``) and the warm-up homework in ``hw/`` (``1a``,
``1b``, ``2``, ``3`` with the aliases ``Exercise 1 (a)`` and ``Bonus``), so nothing depends on
one homework's id shapes.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest

from checker.key import Key, load_key
from checker.read.extract import extract

HW3 = load_key(validate_latex=False)
WARMUP = load_key(Path(__file__).parent / "hw", validate_latex=False)


def blocks(text: str, key: Key) -> list[tuple[str, str]]:
    return [(b.id, b.text.strip()) for b in extract(text, key).blocks]


# (id, key, text, [(question, its block text)])
FORMS = [
    ("paren-letter", WARMUP, "Question 1\n(a) A\n(b) B", [("1a", "A"), ("1b", "B")]),
    ("letter-paren", WARMUP, "1.\na) A\nb) B", [("1a", "A"), ("1b", "B")]),
    ("part-word", WARMUP, "Question 1\nPart (a) A\nPart b: B", [("1a", "A"), ("1b", "B")]),
    ("part-capital", WARMUP, "Question 1\nPart A\nA\nPart B: B", [("1a", "A"), ("1b", "B")]),
    ("q-with-part", WARMUP, "Q1 (a) A\nQ1 (b) B", [("1a", "A"), ("1b", "B")]),
    ("glued", WARMUP, "1a) A\n1b. B", [("1a", "A"), ("1b", "B")]),
    ("number-dot", WARMUP, "2. smaller\n3. x", [("2", "smaller"), ("3", "x")]),
    ("question-word", WARMUP, "Question 2\nsmaller\nProblem 3: x", [("2", "smaller"), ("3", "x")]),
    ("solution-word", HW3, "Solution 3.2: sigma\nAns. 2.2) model", [("3.2", "sigma"), ("2.2", "model")]),
    ("task-and-brackets", WARMUP, "Task 2: smaller\n[3] x", [("2", "smaller"), ("3", "x")]),
    ("q-dot", HW3, "Q.3.2 sigma", [("3.2", "sigma")]),
    (
        "problem-comma-part",
        WARMUP,
        "Problem 1, part (a): A\nProblem 1, part (b): B",
        [("1a", "A"), ("1b", "B")],
    ),
    ("alias", WARMUP, "Exercise 1 (a): A\nBonus: C", [("1a", "A"), ("3", "C")]),
    ("roman-parts", WARMUP, "1.\n(i) A\n(ii) B", [("1a", "A"), ("1b", "B")]),
    ("heading-parts", WARMUP, "## Question 1 (a)\nA\n### (b)\nB", [("1a", "A"), ("1b", "B")]),
    ("parts-on-one-line", WARMUP, "1. a) A   b) B", [("1a", "A"), ("1b", "B")]),
    ("parts-in-parens-on-one-line", WARMUP, "Q1 (a) A  (b) B", [("1a", "A"), ("1b", "B")]),
    (
        "hw3-parts-on-one-line",
        HW3,
        "2.1.2) a) C   b) A is noise",
        [("2.1.2a", "C"), ("2.1.2b", "A is noise")],
    ),
    ("ocr-space-before-dot", HW3, "1.2 .2\nw", [("1.2.2", "w")]),
    ("ocr-l-for-1", HW3, "l.2.3\neps", [("1.2.3", "eps")]),
    ("ocr-q-space", HW3, "Q 1.2.2\nw", [("1.2.2", "w")]),
    ("ocr-capital-i", HW3, "I.2.2) w", [("1.2.2", "w")]),
    ("ocr-label-in-math", HW3, "$$1.2 .3 \\quad \\epsilon = 1$$", [("1.2.3", "\\epsilon = 1$$")]),
    ("label-in-math-after-opener-line", HW3, "$$\n3.2 \\quad \\sigma = 1\n$$", [("3.2", "\\sigma = 1\n$$")]),
    ("not-a-label-pronoun", WARMUP, "1a) I think\nI. would", [("1a", "I think\nI. would")]),
    (
        "not-a-label-in-math",
        HW3,
        "1.2.2\n\\begin{align}\n3.2 &= x\n\\end{align}",
        [("1.2.2", "\\begin{align}\n3.2 &= x\n\\end{align}")],
    ),
    ("not-a-label-number-in-prose", HW3, "3.2) sigma\n0.5 of the time", [("3.2", "sigma\n0.5 of the time")]),
    (
        "numbered-steps-are-not-labels",
        HW3,
        "1.2.2\n1. gradient\n2) solve\n$$w = 1$$",
        [("1.2.2", "1. gradient\n2) solve\n$$w = 1$$")],
    ),
    (
        "capital-letter-colon-is-prose",
        HW3,
        "2.1.2\n(b) A: noise\nB: curvature",
        [("2.1.2b", "A: noise\nB: curvature")],
    ),
]


@pytest.mark.parametrize(("key", "text", "expected"), [r[1:] for r in FORMS], ids=[r[0] for r in FORMS])
def test_label_forms_come_from_the_key(key: Key, text: str, expected: list[tuple[str, str]]) -> None:
    assert blocks(text, key) == expected


# (id, key, text, blocks, a phrase of the warning, or None for a silent section heading)
UNKNOWN = [
    ("unknown-question-word", WARMUP, "2. smaller\nQuestion 4\nlarger", [("2", "smaller")], "'Question 4'"),
    ("unknown-part-letter", WARMUP, "1. a) A  b) B\n(c) w = 0", [("1a", "A"), ("1b", "B")], "'(c)'"),
    ("unknown-exercise", WARMUP, "3)\nExercise 4: x = 1", [("3", "")], "'Exercise 4:'"),
    (
        "unknown-dotted-id",
        HW3,
        "1.2.2 w = 1\n1.2.5) w^* = (X^T X)^{-1} X^T t",
        [("1.2.2", "w = 1")],
        "'1.2.5)'",
    ),
    ("section-heading-is-silent", HW3, "1.2.3 eps\n# Q2: Trading off\nfoo", [("1.2.3", "eps")], None),
    ("section-of-plain-text", HW3, "1.2.3 eps\n=== Question 2 ===\nfoo", [("1.2.3", "eps")], None),
]


@pytest.mark.parametrize(
    ("key", "text", "expected", "warning"), [r[1:] for r in UNKNOWN], ids=[r[0] for r in UNKNOWN]
)
def test_a_label_the_key_does_not_know_ends_the_block_and_is_reported(
    key: Key, text: str, expected: list[tuple[str, str]], warning: str | None
) -> None:
    ex = extract(text, key)
    assert [(b.id, b.text.strip()) for b in ex.blocks] == expected
    unknown = [w for w in ex.warnings if "matches no question" in w]
    if warning is None:
        assert not unknown
    else:
        assert len(unknown) == 1 and warning in unknown[0] and "line" in unknown[0]


def test_an_unknown_label_never_lends_its_answer_to_the_question_before() -> None:
    # The TA's finding (issue 8): 1.2.2 was graded correct from the next, unknown, label's line.
    text = "1.2.2 I am not sure\n1.2.5) $$w^* = (X^T X + 2 n \\lambda I)^{-1} X^T t$$"
    (block,) = extract(text, HW3).blocks
    assert block.id == "1.2.2" and not block.math


def test_a_label_given_twice_keeps_the_last_and_says_where() -> None:
    ex = extract("2. larger\n\n2. smaller", WARMUP)
    assert [(b.id, b.text.strip()) for b in ex.blocks] == [("2", "smaller")]
    assert any("line 1, line 3" in w for w in ex.warnings)


HW3_IDS = sorted({q.id for q in HW3.questions} | {"2.1.2"}, key=len, reverse=True)


def _code_strings(path: Path) -> list[str]:
    """String constants of a module that are not docstrings (docstring examples may use hw3)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]


READ_STAGE = Path(__file__).parents[2] / "checker" / "read"


@pytest.mark.parametrize("module", sorted(READ_STAGE.glob("*.py")), ids=lambda p: p.name)
def test_the_read_stage_names_no_homework_id(module: Path) -> None:
    for text in _code_strings(module):
        assert not any(qid in text for qid in HW3_IDS), (module, text)


def test_an_alias_several_questions_declare_names_the_one_being_read() -> None:
    shared = replace(
        WARMUP,
        questions=tuple(
            replace(q, labels=(*q.labels, "Task A")) if q.id in ("1a", "2") else q for q in WARMUP.questions
        ),
    )
    ex = extract("Q1 (b) x\nTask A y\nTask A z", shared)
    assert [(b.id, b.text.strip()) for b in ex.blocks] == [("1b", "x"), ("1a", "z")]
    # With no question being read, the shared alias names none of them.
    assert [b.id for b in extract("Task A y\n2) z", shared).blocks] == ["2"]
