"""The typed key schema: typos are errors naming their line and field, circles are refused, the
JSON Schema describes every field, and a key survives decode → builtins → decode."""

from __future__ import annotations

import json
import textwrap
import tomllib
from pathlib import Path

import msgspec
import pytest
from homeworks import rewrite_key

from checker.errors import AnswerKeyError
from checker.key import bundled_homeworks, bundled_key_dir, load_key
from checker.key.locate import TomlLines
from checker.key.schema import KeyFile, decode, json_schema

SMALL = textwrap.dedent(
    """\
    [key]
    name = "small"

    [symbols.a]
    latex = 'a'

    [symbols.b]
    latex = 'b'

    [functions.f]
    params = ["a"]
    body = 'a^2'

    [[question]]
    id = "1"
    points = 1
    kind = "expression"
    reference = 'a + b'

    [[question.mistakes]]
    answer = 'a - b'
    tag = "sign"
    score = 0.5
    feedback = "Check the sign of b."

    [[question]]
    id = "2"
    points = 1
    kind = "expression"
    reference = '2 a'
    """
)

# (id, text replaced in SMALL, replacement, line of the item at fault, fragments of the message)
TYPOS = [
    (
        "misspelt-field-in-a-mistake",
        "score = 0.5",
        "scroe = 0.5",
        23,
        ["question 1", "mistakes[0].scroe", "'scroe'"],
    ),
    ("singular-functions-table", "[functions.f]", "[function.f]", 10, ["'function'", "unknown field"]),
    ("plural-question-array", '[[question]]\nid = "2"', '[[questions]]\nid = "2"', 26, ["'questions'"]),
    (
        "unknown-field-in-key",
        'name = "small"',
        'name = "small"\nauthor = "TA"',
        3,
        ["key.author", "'author'"],
    ),
    ("score-not-a-share", "score = 0.5", "score = 1.5", 23, ["mistakes[0].score", "score=1.5"]),
    (
        "points-a-string",
        "points = 1\nkind = \"expression\"\nreference = '2 a'",
        'points = "one"\nkind = "expression"\nreference = \'2 a\'',
        28,
        ["question 2", "points='one'"],
    ),
    (
        "unknown-kind",
        "kind = \"expression\"\nreference = 'a + b'",
        "kind = \"essay\"\nreference = 'a + b'",
        17,
        ["kind='essay'", "expression, equation, choice"],
    ),
    ("missing-reference", "reference = '2 a'\n", "", 26, ["'reference'", "missing"]),
    ("bad-tag", 'tag = "sign"', 'tag = "Sign Error"', 22, ["mistakes[0].tag"]),
    (
        "bad-shape",
        "[symbols.b]\nlatex = 'b'",
        "[symbols.b]\nlatex = 'b'\nshape = \"vector\"",
        9,
        ["symbols.b.shape", '"scalar", "identity" or [rows, cols]'],
    ),
    (
        "bad-latex-in-a-mistake",
        "answer = 'a - b'",
        "answer = 'a - {b'",
        21,
        ["mistakes[0].answer", "fix: correct the key's LaTeX"],
    ),
    (
        "unknown-symbol-in-reference",
        "reference = '2 a'",
        "reference = '2 c'",
        30,
        ["question 2", "field 'reference'"],
    ),
]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "key.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_small_key_loads(tmp_path: Path) -> None:
    key = load_key(_write(tmp_path, SMALL))
    assert [q.id for q in key.questions] == ["1", "2"]
    assert key.question("1").mistakes[0].score == 0.5


@pytest.mark.parametrize(
    ("old", "new", "line", "fragments"), [t[1:] for t in TYPOS], ids=[t[0] for t in TYPOS]
)
def test_a_typo_is_an_error_naming_its_line_and_field(
    tmp_path: Path, old: str, new: str, line: int, fragments: list[str]
) -> None:
    assert old in SMALL
    path = _write(tmp_path, SMALL.replace(old, new, 1))
    with pytest.raises(AnswerKeyError) as info:
        load_key(path)
    message = str(info.value)
    assert message.startswith(f"Answer key error in {path}, line {line}"), message
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    assert "Your answer" not in message  # the author is addressed, not a student


CIRCLES = [
    ("self", "[symbols.a]\nlatex = 'a'", "[symbols.a]\nlatex = 'a'\ndefine = 'a + 1'", 6, "a -> a"),
    (
        "two",
        "[symbols.a]\nlatex = 'a'\n\n[symbols.b]\nlatex = 'b'",
        "[symbols.a]\nlatex = 'a'\ndefine = '2 b'\n\n[symbols.b]\nlatex = 'b'\ndefine = 'a - 1'",
        10,  # found at b's definition, which closes the circle
        "a -> b -> a",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "line", "circle"), [c[1:] for c in CIRCLES], ids=[c[0] for c in CIRCLES]
)
def test_circular_definitions_are_refused(tmp_path: Path, old: str, new: str, line: int, circle: str) -> None:
    path = _write(tmp_path, SMALL.replace(old, new, 1))
    with pytest.raises(AnswerKeyError, match="do not depend on themselves") as info:
        load_key(path)
    assert f"line {line}" in str(info.value) and circle in str(info.value)


def test_a_chain_of_definitions_is_not_a_circle(tmp_path: Path) -> None:
    text = SMALL.replace("[symbols.a]\nlatex = 'a'", "[symbols.a]\nlatex = 'a'\ndefine = '2 b'", 1)
    assert load_key(_write(tmp_path, text)).question("1").symbols.symbol("a").define == "2 b"


def test_a_circle_in_the_bundled_key_is_named_at_its_question(tmp_path: Path) -> None:
    old = r"define = '\frac{X^T t}{X^T X + 2 n \lambda}'"
    key_file = rewrite_key(tmp_path, old, 'define = "\\\\frac{X^T t}{X^T X + 2 n \\\\lambda} + x\'"')
    with pytest.raises(
        AnswerKeyError, match=r"question 1\.2\.3.*w -> x_adv -> w|question 1\.2\.3.*x_adv -> w -> x_adv"
    ):
        load_key(key_file)


def test_the_json_schema_names_every_field_of_every_table() -> None:
    schema = json_schema()
    json.dumps(schema)  # plain JSON
    defs = schema["$defs"]
    for struct in (KeyFile, *(t for t in _structs(KeyFile))):
        assert struct.__name__ in defs, struct.__name__
        names = {f.encode_name for f in msgspec.structs.fields(struct)}
        assert names == set(defs[struct.__name__]["properties"]), struct.__name__
        assert defs[struct.__name__].get("additionalProperties") is False  # unknown fields are errors


def _structs(root: type) -> set[type]:
    found: set[type] = set()
    stack = [root]
    while stack:
        for field in msgspec.structs.fields(stack.pop()):
            for kind in _types(field.type):
                if isinstance(kind, type) and issubclass(kind, msgspec.Struct) and kind not in found:
                    found.add(kind)
                    stack.append(kind)
    return found


def _types(tp: object) -> list[object]:
    args = getattr(tp, "__args__", ())
    return [tp, *(t for a in args for t in _types(a))]


@pytest.mark.parametrize("name", bundled_homeworks())
def test_every_bundled_key_survives_decode_to_builtins_and_back(name: str) -> None:
    data = tomllib.loads((bundled_key_dir(name) / "key.toml").read_text(encoding="utf-8"))
    entries = decode(data)
    assert decode(msgspec.to_builtins(entries)) == entries


def test_the_line_locator_finds_items_of_arrays_of_tables() -> None:
    lines = TomlLines(SMALL)
    assert lines.line_of(("question", 0, "mistakes", 0, "tag")) == 22
    assert lines.line_of(("question", 1, "reference")) == 30
    assert lines.line_of(("functions", "f", "body")) == 12
    assert lines.line_of(("question", 1, "nothing", "here")) == 26  # the nearest written prefix
