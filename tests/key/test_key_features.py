"""Loading what a TA can say beyond reference and mistakes: the fields, and the author's errors
at the line of the item at fault.  Keys written before these fields keep loading."""

from __future__ import annotations

from pathlib import Path

import pytest
from keyfeatures import FEATURES_KEY, write_features_key

from checker.errors import AnswerKeyError
from checker.key import load_key
from checker.key.schema import json_schema


def test_the_fields_load(tmp_path: Path) -> None:
    key = load_key(write_features_key(tmp_path))
    ridge = key.question("ridge")
    assert ridge.required is not None and ridge.required.share == 0.5
    assert [m.tag for m in ridge.mistakes] == ["missing_identity", "gram_swapped"]
    assert key.question("grad").unevaluated == ("gradient",)
    claim = key.question("claim")
    assert [(p.name, p.share) for p in claim.claims] == [("convexity", 0.25)]


BAD = [
    (
        "ill-typed-even-untyped",
        "answer = '(X^T X + \\lambda)^{-1} X^T t'",
        "answer = '(X^T X + \\lambda)^{-1} X^T t + \\frac{t}{X}'",
        "mistakes[0].answer",
        "square",
    ),
    ("claim-without-share", "share = 0.25\n", "", "parts[0]", "share"),
    ("claims-take-everything", "share = 0.25\n", "share = 1.5\n", "parts[0].share", "share"),
    ("required-not-latex", "forms = ['X^T (X X^T + \\lambda I)^{-1} t']", "forms = ['X^T (X X^T']", "required.forms[0]", "LaTeX"),
    ("unknown-operator", 'unevaluated = ["gradient"]', 'unevaluated = ["gradient", "integral"]', "unevaluated", "integral"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "field", "fragment"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_author_errors_name_the_field(tmp_path: Path, old: str, new: str, field: str, fragment: str) -> None:
    assert old in FEATURES_KEY
    text = FEATURES_KEY.replace(old, new, 1)
    with pytest.raises(AnswerKeyError) as info:
        load_key(write_features_key(tmp_path, text))
    message = info.value.render()
    assert field in message and fragment in message and "line " in message, message


def test_a_share_on_a_choice_part_is_refused(tmp_path: Path) -> None:
    text = FEATURES_KEY + (
        '\n[[question]]\nid = "c"\npoints = 1\nkind = "choice"\nreference = "yes"\n'
        '[[question.parts]]\nname = "p"\nanswer = "yes"\nshare = 0.5\n[question.parts.choices]\nyes = ["yes"]\n'
    )
    with pytest.raises(AnswerKeyError, match="no share on a choice"):
        load_key(write_features_key(tmp_path, text))


def test_the_schema_describes_the_new_fields() -> None:
    fields = json_schema()["$defs"]["QuestionEntry"]["properties"]
    assert {"required", "unevaluated"} <= set(fields)
    assert "ill-typed" in json_schema()["$defs"]["MistakeEntry"]["properties"]["answer"]["description"]
    assert "share" in json_schema()["$defs"]["PartEntry"]["properties"]
