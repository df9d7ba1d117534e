"""The answer key loader: the bundled key loads; every malformed key names file, line, question, field."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from homeworks import copy_homework, rewrite_key

from checker.errors import AnswerKeyError, UnknownQuestionError
from checker.key import Key, bundled_key_dir, load_key

BUNDLED = bundled_key_dir() / "key.toml"
HW3_IDS = ("1.1.2", "1.2.2", "1.2.3", "2.1.1", "2.1.2a", "2.1.2b", "2.2", "3.2")


@pytest.fixture(scope="module")
def key() -> Key:
    return load_key(validate_latex=False)


def test_bundled_key_has_every_graded_question_of_the_homework(key: Key) -> None:
    assert tuple(q.id for q in key.graded) == HW3_IDS
    assert key.max_score == 8.0


def test_reference_only_questions_carry_no_points(key: Key) -> None:
    assert key.question("1.2.4").points == 0
    assert key.question("3.1").points == 0


def test_question_overrides_replace_the_shared_symbol(key: Key) -> None:
    assert key.question("1.2.2").symbols.symbol("X").shape == ("n", "d")
    assert key.question("1.2.3").symbols.symbol("X").shape == ("n", 1)
    assert key.question("1.2.3").symbols.symbol("x").shape == "scalar"
    assert key.question("1.2.3").options.vector_shorthand
    assert not key.question("1.2.2").options.vector_shorthand


def test_question_line_points_at_its_id(key: Key) -> None:
    lines = BUNDLED.read_text(encoding="utf-8").splitlines()
    for q in key.questions:
        assert f'"{q.id}"' in lines[q.line - 1], q.id


def test_unknown_question_names_the_known_ids(key: Key) -> None:
    with pytest.raises(UnknownQuestionError) as info:
        key.question("9.9")
    assert "9.9" in str(info.value)
    assert "1.2.2" in str(info.value)


def test_key_is_hashable_and_pickles(key: Key) -> None:
    q = key.question("1.2.3")
    assert hash(q) == hash(pickle.loads(pickle.dumps(q)))
    assert pickle.loads(pickle.dumps(key)) == key


def test_missing_key_path_is_a_key_error(tmp_path: Path) -> None:
    with pytest.raises(AnswerKeyError, match="nothing at path"):
        load_key(tmp_path / "nope")


def test_directory_holding_key_toml_loads(tmp_path: Path) -> None:
    folder = copy_homework(tmp_path)
    assert load_key(folder, validate_latex=False).name == "hw3"


# Each row: (id, text replaced in the bundled key, replacement, fragments the message must contain).
MALFORMED = [
    ("toml-syntax", '[key]\nname = "hw3"', '[key]\nname = "hw3', ["expected valid TOML", "line"]),
    (
        "unknown-kind",
        'id = "1.2.2"\npoints = 1\nkind = "expression"',
        'id = "1.2.2"\npoints = 1\nkind = "essay"',
        ["question 1.2.2", "kind='essay'", "line 1"],
    ),
    (
        "missing-reference",
        "reference = '(X^T X + 2 n \\lambda I)^{-1} X^T t'\n",
        "",
        ["question 1.2.2", "'reference'", "missing"],
    ),
    ("negative-points", 'id = "3.2"\npoints = 1', 'id = "3.2"\npoints = -1', ["question 3.2", "points=-1"]),
    (
        "bad-shape",
        'shape = ["n", "d"]\nentries',
        'shape = ["n", "q"]\nentries',
        ["'q'", "shape"],
    ),
    (
        "bad-assumption",
        "latex = '\\lambda'\naliases = ['λ']\nassumptions = [\"positive\"]",
        "latex = '\\lambda'\naliases = ['λ']\nassumptions = [\"huge\"]",
        ["huge", "assumptions"],
    ),
    (
        "mistake-score-out-of-range",
        'tag = "missing_n"\nscore = 0.5',
        'tag = "missing_n"\nscore = 1.5',
        ["score=1.5", "question 1.2.2"],
    ),
    ("forbid-unknown-symbol", 'forbid = ["w"]', 'forbid = ["w_hat"]', ["w_hat", "question 1.2.3", "forbid"]),
    (
        "choice-answer-not-an-option",
        'answer = "increases"',
        'answer = "explodes"',
        ["explodes", "question 2.1.1"],
    ),
    (
        "bad-regex",
        'A = "A"',
        "A = 're:(unclosed'",
        ["regular expression", "question 2.1.2b"],
    ),
    ("duplicate-id", 'id = "2.2"', 'id = "2.1.1"', ["unique", "2.1.1"]),
    (
        "unknown-field",
        'id = "3.2"\npoints = 1',
        'id = "3.2"\nponts = 2\npoints = 1',
        ["ponts", "question 3.2"],
    ),
    ("follow-through-unknown-source", 'from = "1.2.2"', 'from = "9.9"', ["9.9", "follow_through"]),
]


def _bundled_with(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the bundled key with its first ``old`` replaced by ``new``."""
    return rewrite_key(tmp_path, old, new)


@pytest.mark.parametrize(
    ("old", "new", "fragments"), [r[1:] for r in MALFORMED], ids=[r[0] for r in MALFORMED]
)
def test_malformed_key_is_reported_with_file_question_and_field(
    tmp_path: Path, old: str, new: str, fragments: list[str]
) -> None:
    bad = _bundled_with(tmp_path, old, new)
    with pytest.raises(AnswerKeyError) as info:
        load_key(bad, validate_latex=False)
    message = str(info.value)
    assert message.startswith(f"Answer key error in {bad}")
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    # Crosses process boundaries intact.
    assert str(pickle.loads(pickle.dumps(info.value))) == message


# Each row: (id, text replaced in the bundled key, replacement, fragments the message must contain).
# LaTeX the parser cannot read fails at load time, naming the question and the field.
BAD_LATEX = [
    (
        "reference",
        "reference = '\\frac{x (X^T X + 2 n \\lambda)}{X^T t}'",
        "reference = '\\frac{x (X^T X + 2 n \\lambda)}{X^T t'",
        ["question 1.2.3", "field 'reference'"],
    ),
    (
        "question-definition",
        "define = '\\frac{X^T t}{X^T X + 2 n \\lambda}'",
        "define = '\\frac{X^T t}{X^T X + 2 n \\lambda'",
        ["question 1.2.3", "field 'symbols.w.define'"],
    ),
    (
        "shared-definition",
        "define = 'x - \\epsilon w'",
        "define = 'x - \\epsilon q'",
        ["question 1.1.2", "field 'symbols.x_adv.define'"],
    ),
    (
        "follow-through-reference",
        "reference = '\\frac{x}{w}'",
        "reference = '\\frac{x}{w'",
        ["question 1.2.3", "field 'follow_through.reference'"],
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "fragments"), [r[1:] for r in BAD_LATEX], ids=[r[0] for r in BAD_LATEX]
)
def test_unreadable_key_latex_is_reported_at_load_time(
    tmp_path: Path, old: str, new: str, fragments: list[str]
) -> None:
    bad = _bundled_with(tmp_path, old, new)
    load_key(bad, validate_latex=False)  # the structure is fine: only the LaTeX is wrong
    with pytest.raises(AnswerKeyError) as info:
        load_key(bad)
    message = str(info.value)
    assert message.startswith(f"Answer key error in {bad}")
    for fragment in [*fragments, "expected LaTeX the parser reads"]:
        assert fragment in message, (fragment, message)
