"""The key self-test: the bundled key is consistent; a broken key is caught with file, line, question."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from homeworks import rewrite_key

from checker.judge.answer import default_engine
from checker.judge.selftest import KeyFinding, KeyReport, self_test
from checker.key import Key, load_key


@pytest.fixture(scope="module")
def key() -> Key:
    return load_key()


@pytest.fixture(scope="module")
def report(key: Key) -> KeyReport:
    return self_test(key)


def test_bundled_key_passes(report: KeyReport) -> None:
    assert report.ok, "\n".join(f"{f.question} {f.kind}: {f.detail}" for f in report.failed)


@pytest.mark.parametrize(
    "kind",
    [
        "reference",
        "accepted",
        "mistake",
        "follow_through",
        "variant:coefficient",
        "variant:transpose",
        "variant:product_order",
        "variant:square",
        "variant:sqrt",
        "choice_reference",
    ],
)
def test_every_kind_of_check_runs(report: KeyReport, kind: str) -> None:
    assert any(f.kind == kind for f in report.findings)


@pytest.mark.parametrize(
    ("qid", "kind"),
    [
        ("1.2.2", "variant:product_order"),
        ("1.2.2", "variant:transpose"),
        ("1.2.2", "variant:coefficient"),
        ("3.2", "variant:square"),
        ("3.2", "variant:coefficient"),
        ("1.1.2", "variant:transpose"),
        ("1.2.3", "variant:coefficient"),
    ],
)
def test_variants_per_question(report: KeyReport, qid: str, kind: str) -> None:
    found = [f for f in report.findings if f.question == qid and f.kind == kind]
    assert found and all(f.status == "ok" for f in found)


def test_sigma_squared_variant_is_the_known_mistake(report: KeyReport) -> None:
    squared = [f for f in report.findings if f.question == "3.2" and f.kind == "variant:square"]
    assert any("sigma_squared_for_sigma" in f.detail for f in squared)


def test_findings_name_question_and_line(report: KeyReport, key: Key) -> None:
    lines = {q.id: q.line for q in key.questions}
    assert all(f.line == lines[f.question] > 0 for f in report.findings)
    assert report.key == str(key.path)


def test_report_json_round_trips(report: KeyReport) -> None:
    data = json.loads(json.dumps(report.to_json()))
    assert data["ok"] is True and len(data["findings"]) == len(report.findings)
    assert set(data["findings"][0]) == {"question", "line", "kind", "status", "detail"}


def _broken_key(tmp_path: Path, old: str, new: str) -> Key:
    return load_key(rewrite_key(tmp_path, old, new))


BROKEN = [
    (
        "wrong-accepted-form",
        "accepted = ['X^T (X X^T + 2 n \\lambda I)^{-1} t'",
        "accepted = ['X^T (X X^T + 3 n \\lambda I)^{-1} t'",
        "1.2.2",
        "accepted",
    ),
    (
        "mistake-equal-to-reference",
        "answer = '(X^T X + n \\lambda I)^{-1} X^T t'",
        "answer = '(X^T X + 2 \\lambda n I)^{-1} X^T t'",
        "1.2.2",
        "mistake",
    ),
    (
        "wrong-reference",
        "reference = '\\sqrt{\\frac{1-p}{p}}'",
        "reference = '\\sqrt{\\frac{1-p}{p^2}}'",
        "3.2",
        "accepted",
    ),
    (
        "follow-through-reference-wrong",
        "reference = '\\frac{x}{w}'",
        "reference = '\\frac{x}{2 w}'",
        "1.2.3",
        "follow_through",
    ),
    (
        "choice-reference-unreadable",
        'reference = "Increase the model size."',
        'reference = "Either a larger batch or a larger model."',
        "2.2",
        "choice_reference",
    ),
]


@pytest.mark.parametrize(("old", "new", "qid", "kind"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_broken_key_is_caught(tmp_path: Path, old: str, new: str, qid: str, kind: str) -> None:
    broken = _broken_key(tmp_path, old, new)
    result = self_test(broken)
    assert not result.ok
    failed = result.failed
    assert any(f.question == qid and f.kind == kind for f in failed), failed
    assert all(f.question == qid for f in failed)  # nothing else is blamed
    assert result.key.endswith("key.toml") and str(tmp_path) in result.key


def test_finding_is_frozen() -> None:
    finding = KeyFinding("1", 3, "accepted", "ok", "")
    with pytest.raises(AttributeError):
        finding.status = "failed"  # type: ignore[misc]


def test_internal_errors_are_findings_with_the_cause() -> None:
    real = default_engine()

    def broken_compare(*args: object, **kwargs: object) -> object:
        raise ZeroDivisionError("compare is broken")

    result = self_test(load_key(), engine=replace(real, compare=broken_compare))
    math = {q.id for q in load_key().questions if q.kind != "choice"}
    assert not result.ok
    # Direct comparisons (accepted forms) raise: an "internal" finding; judged answers catch it:
    # a failed "reference" finding. Either way the cause is named and every question is checked.
    assert {f.question for f in result.failed if "compare is broken" in f.detail} == math
    assert any(f.kind == "internal" for f in result.failed)
    assert all(f.status == "ok" for f in result.findings if f.kind == "choice_reference")
