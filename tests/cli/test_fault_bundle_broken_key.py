"""Fault 5: no broken key ships, and no key answer reaches a student (issue 11).

``gradescope-bundle`` once built from a key whose reference did not parse (every student would
score 0 on Gradescope), and results.json showed students the key's answer.  The bundle now runs
the key's self-test first and refuses a key that fails it (exit 1, each problem listed, nothing
written); the student-visible output names the student's own values, never the key's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from homeworks import rewrite_key

from checker.cli import main
from checker.config import Budget, GradeConfig
from checker.key import Key, load_key
from checker.report.render import render_gradescope
from checker.run.grade import grade_text

# (id, old, new, the question the refusal names)
BROKEN = [
    ("reference-does-not-parse", r"reference = '\sqrt{\frac{1-p}{p}}'", r"reference = '\sqrt{\frac{1-p}{p}'", "3.2"),
    (
        "reference-shape-error",
        r"reference = '(X^T X + 2 n \lambda I)^{-1} X^T t'",
        r"reference = '(X^T X + 2 n \lambda I)^{-1} X t'",
        "1.2.2",
    ),
    (
        "accepted-form-not-equivalent",
        r"accepted = ['w^T x - \epsilon w^T w',",
        r"accepted = ['w^T x + \epsilon w^T w',",
        "1.1.2",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "qid"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_bundle_refuses_a_key_that_fails_its_self_test(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, old: str, new: str, qid: str
) -> None:
    key_file = rewrite_key(tmp_path / "hw", old, new)
    dest = tmp_path / "autograder.zip"
    code = main(["gradescope-bundle", "--key", str(key_file.parent), "--out", str(dest)])
    err = capsys.readouterr().err
    assert code == 1
    assert "refused" in err and f"question {qid}" in err and str(key_file) in err
    assert not dest.exists() and not list(tmp_path.glob("*.part"))


# A key whose reference a student would recognize at once, and wrong answers to every question.
RECOGNIZABLE = r"\frac{271828}{p}"
WRONG = {
    "1.1.2": r"w^T x - 3\epsilon w^T w",
    "1.2.2": r"(X^T X + 7 n \lambda I)^{-1} X^T t",
    "1.2.3": r"\epsilon = \frac{x}{X^T t}",
    "2.1.1": "it stays the same",
    "2.1.2a": "point A",
    "2.2": "more dropout",
    "3.2": r"\sigma = \frac{1}{p}",
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Key]:
    key_file = rewrite_key(
        tmp_path_factory.mktemp("hw"), r"reference = '\sqrt{\frac{1-p}{p}}'", f"reference = '{RECOGNIZABLE}'"
    )
    key = load_key(key_file.parent)
    text = "\n\n".join(f"{qid}\n$$ {answer} $$" for qid, answer in WRONG.items())
    graded = grade_text(text, key, config=GradeConfig(budget=Budget(seconds=10), jobs=2), name="s.md")
    return render_gradescope(graded, key), key


def test_student_visible_fields_hold_no_key_answer(graded: tuple[dict[str, Any], Key]) -> None:
    results, key = graded
    shown = json.dumps(results, ensure_ascii=False)
    assert "271828" not in shown and "407742" not in shown, "the reference, nor its value at a point"
    assert "reference = " not in shown and "expected answer is" not in shown
    for question in key.graded:
        secrets = [question.reference, *question.accepted, *(m.answer for m in question.mistakes)]
        for secret in secrets:
            if len(secret.strip()) >= 3 and secret not in WRONG.get(question.id, ""):
                assert secret.strip() not in shown, (question.id, secret)


def test_the_student_still_sees_where_their_answer_fails(graded: tuple[dict[str, Any], Key]) -> None:
    tests = {t["name"]: t for t in graded[0]["tests"]}
    output = tests["Question 3.2"]["output"]
    assert "refuted at p=" in output and "your answer = 3/2" in output
    assert all(t["visibility"] == "visible" for t in tests.values())
    assert "increases" not in tests["Question 2.1.1"]["output"], "the expected option is not named"
