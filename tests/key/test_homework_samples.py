"""Every bundled homework's samples grade as its TA says (``samples/expected.toml``).

The same comparison ``derivcheck verify`` runs (:func:`checker.run.verify.check_samples`), one test
item per (homework, sample file, question), so a regression names the sample and the question.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from homeworks import copy_homework

from checker.errors import AnswerKeyError
from checker.judge import KeyFinding
from checker.key import bundled_homeworks, bundled_key_dir, load_expectations, load_key
from checker.run.verify import check_samples


def _findings() -> list[tuple[str, KeyFinding]]:
    out = []
    for name in bundled_homeworks():
        key = load_key(bundled_key_dir(name))
        out += [(name, f) for f in check_samples(key)]
    return out


FINDINGS = _findings()


def test_every_bundled_homework_has_samples_with_expectations() -> None:
    for name in bundled_homeworks():
        found = load_expectations(load_key(bundled_key_dir(name), validate_latex=False))
        assert found is not None and found.files and found.expected, name
    assert {name for name, _ in FINDINGS} == set(bundled_homeworks())


@pytest.mark.parametrize(
    "finding",
    [f for _, f in FINDINGS],
    ids=[f"{n}:{f.detail.split(':')[0]}:{f.question}" for n, f in FINDINGS],
)
def test_sample_grades_as_expected(finding: KeyFinding) -> None:
    assert finding.status == "ok", finding.detail


def test_a_wrong_expectation_fails(tmp_path: Path) -> None:
    folder = copy_homework(tmp_path)
    expected = folder / "samples" / "expected.toml"
    expected.write_text(
        expected.read_text(encoding="utf-8").replace('"3.2" = "correct"', '"3.2" = "incorrect"')
    )
    found = check_samples(load_key(folder))
    failed = [f for f in found if f.status == "failed"]
    assert [f.question for f in failed] == ["3.2"]
    assert "expected incorrect" in failed[0].detail and "graded correct" in failed[0].detail


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('["sample-submission.md"]\n"9.9" = "correct"\n', "9.9"),
        ('["sample-submission.md"]\n"3.2" = "right"\n', "verdict"),
        ('["sample-submission.md"]\n"3.2" = { verdict = "correct", scroe = 1 }\n', "scroe"),
    ],
    ids=["unknown-question", "unknown-verdict", "unknown-field"],
)
def test_a_malformed_expected_toml_is_an_author_error(tmp_path: Path, text: str, fragment: str) -> None:
    folder = copy_homework(tmp_path)
    (folder / "samples" / "expected.toml").write_text(text, encoding="utf-8")
    with pytest.raises(AnswerKeyError) as info:
        load_expectations(load_key(folder, validate_latex=False))
    assert fragment in info.value.render() and "expected.toml" in info.value.render()


def test_a_sample_without_a_table_and_a_question_left_out_fail(tmp_path: Path) -> None:
    folder = copy_homework(tmp_path)
    samples = folder / "samples"
    (samples / "extra.md").write_text("3.2: $\\sigma = 1$\n", encoding="utf-8")
    expected = samples / "expected.toml"
    expected.write_text(expected.read_text(encoding="utf-8").replace('"2.2" = "correct"\n', ""))
    failed = [f for f in check_samples(load_key(folder)) if f.status == "failed"]
    details = " | ".join(f.detail for f in failed)
    assert "extra.md: no table" in details and "question 2.2" in details


def test_the_second_homework_verifies_as_a_whole() -> None:
    # `derivcheck verify --key answers/hw1`: derivations proved, key consistent, samples as expected.
    from checker.run.verify import verify

    report = verify(load_key(bundled_key_dir("hw1")))
    assert report.ok, [f.detail for f in report.key.failed] + list(report.problems)
    assert [d.name for d in report.derivations] == ["q1_1", "q1_2", "q1_3", "q2_1", "q3_1"]
    assert len(report.samples) == 24
