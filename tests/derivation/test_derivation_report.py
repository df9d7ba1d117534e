"""The report's shape (the contract `derivcheck verify` prints) and the registry."""

from __future__ import annotations

import json

import pytest
import sympy
from hw3_derivations import NAMES, all_derivations, get

from checker.derivation.chain import RULES
from checker.derivation.homework import proved
from checker.errors import DerivationError


def test_report_json_has_the_contract_fields() -> None:
    report = proved(get("q1_2_4"))
    data = report.to_json()
    assert set(data) == {"name", "question", "title", "steps"}
    assert (data["name"], data["question"]) == ("q1_2_4", "1.2.4")
    assert [s["index"] for s in data["steps"]] == list(range(1, len(get("q1_2_4").steps) + 1))
    for step in data["steps"]:
        assert set(step) == {"index", "status", "justification", "claim", "method", "reason"}
        assert step["status"] in ("given", "proved", "failed")
    json.dumps(data)  # JSON-ready
    assert report.ok and report.failed == ()


def test_claims_are_latex() -> None:
    report = proved(get("q1_2_4"))
    assert report.steps[7].claim == sympy.latex(get("q1_2_4").steps[7].claim)
    assert "\\operatorname{sign}" in report.steps[6].claim or "sgn" in report.steps[6].claim


def test_push_through_is_proved_at_concrete_dimensions_and_says_so() -> None:
    report = proved(get("q1_2_2"))
    assert report.ok
    last = report.steps[-1]
    assert last.method.startswith("symbolic at concrete dimensions (n, d) in {(3,2), (2,3), (1,1)}")
    assert all(s.method == "symbolic at general dimensions" for s in report.steps[1:5])


def test_registry() -> None:
    names = [d.name for d in all_derivations()]
    assert names == list(NAMES)
    assert len({d.question for d in all_derivations()}) == len(names)
    with pytest.raises(DerivationError, match=r"expected a derivation of .*it has: q1_1_2"):
        get("q9_9")


def test_every_derivation_uses_known_rules_and_answers_a_step() -> None:
    for derivation in all_derivations():
        assert all(step.rule in RULES for step in derivation.steps)
        assert derivation.answer is not None


def test_a_derivation_is_proved_once_per_process() -> None:
    # verify, the pytest plugin's items and these tests share checker.derivation.homework.proved:
    # loading the homework again builds equal derivations, and their proof is the same object.
    from checker.derivation import load_derivations
    from checker.key import load_key

    again = load_derivations(load_key()).named("q1_2_4")
    assert again == get("q1_2_4") and again is not get("q1_2_4")
    assert proved(again) is proved(get("q1_2_4"))
