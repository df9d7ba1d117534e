"""Checking chains of steps: the stories of the sample submission, SymPy-level and through LaTeX."""

from __future__ import annotations

import json

import pytest
import sympy
from hw3_symbols import el, question, symbols, table

from checker.errors import LatexSyntaxError, ShapeError
from checker.judge.steps import ReadStep, StepsResult, check_read_steps, check_steps
from checker.key import SymbolTable

ZERO = sympy.Integer(0)
R = symbols("1.2.2")
I_d = sympy.Identity(R.d)


def _statuses(result: StepsResult) -> list[str]:
    return [s.status for s in result.steps]


def _ridge_chain(factor: int) -> list[ReadStep]:
    X, w, t, n, lam = R.X, R.w, R.t, R.n, R.lam
    return [
        ReadStep("gradient", (X.T * (X * w - t) / n + 2 * lam * w, ZERO)),
        ReadStep("expanded", (X.T * X * w - X.T * t + factor * lam * n * w, ZERO)),
        ReadStep("collected", ((X.T * X + factor * lam * n * I_d) * w, X.T * t)),
        ReadStep("solved", (w, (X.T * X + factor * lam * n * I_d).I * X.T * t)),
    ]


def test_ridge_chain_follows() -> None:
    result = check_read_steps(_ridge_chain(2), table("1.2.2"), target=R.w)
    assert _statuses(result) == ["given", "follows", "follows", "follows"]
    assert result.first_invalid is None
    assert "solved for w" in result.steps[1].reason


def test_dropped_factor_is_reported_once() -> None:
    result = check_read_steps(_ridge_chain(1), table("1.2.2"), target=R.w)
    assert _statuses(result) == ["given", "does_not_follow", "follows", "follows"]
    assert result.first_invalid == 2
    assert "does not follow from step 1" in result.steps[1].reason
    assert "n=" in result.steps[1].reason and "λ=" in result.steps[1].reason


W = symbols("1.2.3")
XX, XT = el(W.X.T * W.X), el(W.X.T * W.t)
DEFS_123 = {W.x_adv: W.x - W.eps * W.w, W.w: XT / (XX + 2 * W.n * W.lam)}


def test_one_d_chain() -> None:
    steps = [
        ReadStep("f(x'; w*) = ... = 0", (W.w * W.x_adv, W.w * W.x - W.eps * W.w**2, ZERO)),
        ReadStep("eps = x/w*", (W.eps, W.x / W.w)),
        ReadStep("eps = ...", (W.eps, W.x / W.w, W.x * (XX + 2 * W.lam * W.n) / XT)),
        ReadStep("eps = wrong", (W.eps, W.x * (XX + W.lam * W.n) / XT)),
    ]
    result = check_read_steps(steps, table("1.2.3"), target=W.eps, definitions=DEFS_123)
    assert _statuses(result) == ["given", "follows", "follows", "does_not_follow"]
    assert result.first_invalid == 4


def test_shape_mismatch_within_a_step_names_the_shapes() -> None:
    steps = [
        ReadStep("f = 0", (W.w * W.x - W.eps * W.w**2, ZERO)),
        ReadStep("eps = w X / w^2", (W.eps, W.X * W.w / W.w**2)),
    ]
    result = check_read_steps(steps, table("1.2.3"), target=W.eps, definitions=DEFS_123)
    assert _statuses(result) == ["given", "does_not_follow"]
    assert "a scalar" in result.steps[1].reason and "n×1" in result.steps[1].reason


D = symbols("3.2")
SIGMA_CASES = [
    ("root", sympy.sqrt((1 - D.p) / D.p), "follows"),
    ("quotient", sympy.sqrt(1 - D.p) / sympy.sqrt(D.p), "follows"),
    ("variance_for_sigma", (1 - D.p) / D.p, "does_not_follow"),
    ("negative_root", -sympy.sqrt((1 - D.p) / D.p), "does_not_follow"),
]


@pytest.mark.parametrize(("rhs", "status"), [c[1:] for c in SIGMA_CASES], ids=[c[0] for c in SIGMA_CASES])
def test_sigma_from_its_square(rhs: sympy.Basic, status: str) -> None:
    steps = [ReadStep("s2", (D.sigma**2, (1 - D.p) / D.p)), ReadStep("s", (D.sigma, rhs))]
    result = check_read_steps(steps, table("3.2"), target=D.sigma)
    assert _statuses(result) == ["given", status]


def test_unparsed_steps_are_skipped_not_breaking() -> None:
    steps = [
        ReadStep("\\mathbb{E}[J] = ...", error=LatexSyntaxError("expected a symbol, found \\mathbb")),
        ReadStep("s2", (D.sigma**2, (1 - D.p) / D.p)),
        ReadStep("junk", error=LatexSyntaxError("expected }, found the end")),
        ReadStep("s", (D.sigma, sympy.sqrt((1 - D.p) / D.p))),
    ]
    result = check_read_steps(steps, table("3.2"), target=D.sigma)
    assert _statuses(result) == ["unparsed", "given", "unparsed", "follows"]
    assert result.steps[0].reason.startswith("expected a symbol")
    assert result.first_invalid is None


def test_shape_error_from_the_front_end_does_not_follow() -> None:
    steps = [
        ReadStep("s2", (D.sigma**2, (1 - D.p) / D.p)),
        ReadStep(
            "X X", error=ShapeError("expected fitting shapes, found X of shape n×d times X of shape n×d")
        ),
    ]
    result = check_read_steps(steps, table("3.2"))
    assert _statuses(result) == ["given", "does_not_follow"]
    assert "n×d" in result.steps[1].reason
    assert result.first_invalid == 2


def test_a_new_condition_on_unconstrained_symbols_is_given() -> None:
    steps = [ReadStep("s2", (D.sigma**2, (1 - D.p) / D.p)), ReadStep("lambda", (R.lam, sympy.Integer(3)))]
    result = check_read_steps(steps, table("3.2"))
    assert _statuses(result) == ["given", "given"]
    assert "no earlier step constrains" in result.steps[1].reason


def test_identities_and_expressions_follow() -> None:
    steps = [
        ReadStep("s2", (D.sigma**2, (1 - D.p) / D.p)),
        ReadStep("identity", ((R.lam + 1) ** 2, R.lam**2 + 2 * R.lam + 1)),
        ReadStep("expression", (R.lam + 1,)),
    ]
    result = check_read_steps(steps, table("3.2"))
    assert _statuses(result) == ["given", "follows", "follows"]


def test_to_json_matches_the_contract() -> None:
    result = check_read_steps(_ridge_chain(1), table("1.2.2"), question="1.2.2", target=R.w)
    data = json.loads(json.dumps(result.to_json()))
    assert set(data) == {"question", "steps", "first_invalid"}
    assert data["first_invalid"] == 2
    assert [s["index"] for s in data["steps"]] == [1, 2, 3, 4]
    assert all(set(s) == {"index", "latex", "status", "reason", "read_as"} for s in data["steps"])


def test_deterministic() -> None:
    a = check_read_steps(_ridge_chain(1), table("1.2.2"), target=R.w)
    b = check_read_steps(_ridge_chain(1), table("1.2.2"), target=R.w)
    assert a == b


# ---------------------------------------------------------------------------------------------
# through the LaTeX front end, with the sample submission's exact text
# ---------------------------------------------------------------------------------------------

SAMPLE_CHAINS = [
    (
        "1.2.2",
        [
            r"1.2.2 \quad \text{Gradient of loss} = \frac{1}{n} X^T (Xw^* - t) + 2\lambda w^* = 0",
            r"X^T X w^* - X^T t + 2\lambda n w^* = 0",
            r"(X^T X + 2\lambda n I) w^* = X^T t",
            r"\therefore w^* = (X^T X + 2\lambda n I)^{-1} X^T t",
        ],
        ["given", "follows", "follows", "follows"],
    ),
    (
        "1.2.2",
        [
            r"\frac{1}{n} X^T (Xw^* - t) + 2\lambda w^* = 0",
            r"X^T X w^* - X^T t + \lambda n w^* = 0",
            r"(X^T X + \lambda n I) w^* = X^T t",
            r"\therefore w^* = (X^T X + \lambda n I)^{-1} X^T t",
        ],
        ["given", "does_not_follow", "follows", "follows"],
    ),
    (
        "1.2.3",
        [
            r"1.2.3 \quad f(x'; w^*) = w^{*T} x - \epsilon w^{*T} w^* = 0",
            r"\epsilon = w^{*T} X (w^{*T} w^*)^{-1}",
            r"\epsilon = \frac{x}{w^*} = \frac{x (X^2 + 2\lambda n)}{X t}",
        ],
        ["given", "does_not_follow", "follows"],
    ),
    (
        "3.2",
        [
            r"\therefore \sigma^2 = \frac{1-p}{p}",
            r"\therefore \sigma = \sqrt{\frac{1-p}{p}}",
        ],
        ["given", "follows"],
    ),
    (
        "3.2",
        [r"\sigma^2 = \frac{1-p}{p}", r"\sigma = \frac{1-p}{p}"],
        ["given", "does_not_follow"],
    ),
    (
        "1.1.2",
        [r"x' = x - \epsilon w", r"\therefore f(x'; w) = w^T x' = w^T (x - \epsilon w)"],
        ["given", "follows"],
    ),
    (
        "1.1.2",
        [r"x' = x - \epsilon w", r"f(x'; w) = w^T x + \epsilon w^T w"],
        ["given", "does_not_follow"],
    ),
]


@pytest.mark.parametrize(
    ("qid", "lines", "statuses"),
    SAMPLE_CHAINS,
    ids=["1.2.2", "1.2.2-dropped-2", "1.2.3", "3.2", "3.2-variance", "1.1.2", "1.1.2-sign"],
)
def test_sample_chains_through_latex(qid: str, lines: list[str], statuses: list[str]) -> None:
    result = check_steps(lines, question(qid))
    assert _statuses(result) == statuses, [s.reason for s in result.steps]
    expected_first = statuses.index("does_not_follow") + 1 if "does_not_follow" in statuses else None
    assert result.first_invalid == expected_first
    assert result.question == qid
    for check in result.steps:
        assert (check.read_as is None) == (check.status == "unparsed" or "shape" in check.reason)


def test_the_design_matrix_in_place_of_x_names_the_shapes() -> None:
    result = check_steps(
        [r"f(x'; w^*) = w^{*T} x - \epsilon w^{*T} w^* = 0", r"\epsilon = w^{*T} X (w^{*T} w^*)^{-1}"],
        question("1.2.3"),
    )
    reason = result.steps[1].reason
    assert "n×1" in reason and "scalar" in reason


def test_unreadable_latex_is_unparsed_with_the_message() -> None:
    result = check_steps(
        [r"\sigma^2 = \frac{1-p}{p}", r"\sigma = \frac{1-p}{", r"\sigma = \sqrt{\frac{1-p}{p}}"],
        question("3.2"),
    )
    assert _statuses(result) == ["given", "unparsed", "follows"]
    assert result.steps[1].reason
    assert result.steps[1].read_as is None


def test_a_deeply_nested_step_is_not_checked_and_does_not_crash() -> None:
    e: sympy.Basic = R.lam
    for k in range(300):
        e = sympy.Pow(sympy.Add(e, k + 1, evaluate=False), -1, evaluate=False)
    steps = [ReadStep("s2", (D.sigma**2, (1 - D.p) / D.p)), ReadStep("deep", (D.sigma, e))]
    result = check_read_steps(steps, table("3.2"), target=D.sigma)
    assert _statuses(result) == ["given", "given"]
    assert "not checked" in result.steps[1].reason


def test_a_step_refuted_by_the_definitions_does_not_follow() -> None:
    F = symbols("1.1.2")
    defs = {F.x_adv: F.x - F.eps * F.w}
    steps = [
        ReadStep("unrelated", (D.sigma**2, (1 - D.p) / D.p)),
        ReadStep("wrong sign", (el(F.w.T * F.x_adv), el(F.w.T * F.x) + F.eps * el(F.w.T * F.w))),
        ReadStep("right", (el(F.w.T * F.x_adv), el(F.w.T * F.x) - F.eps * el(F.w.T * F.w))),
    ]
    result = check_read_steps(steps, table("1.1.2"), definitions=defs)
    assert _statuses(result) == ["given", "does_not_follow", "follows"]
    assert "contradicts the definitions (x' := " in result.steps[1].reason


def test_a_step_combining_two_independent_earlier_equations_follows() -> None:
    a, b, c = (sympy.Symbol(name, real=True) for name in "abc")
    steps = [
        ReadStep("a = 2b", (a, 2 * b)),
        ReadStep("c = 3", (c, sympy.Integer(3))),
        ReadStep("a + c = 2b + 3", (a + c, 2 * b + 3)),
        ReadStep("a + c = 2b + 4", (a + c, 2 * b + 4)),
    ]
    result = check_read_steps(steps, SymbolTable(()))
    assert _statuses(result) == ["given", "given", "follows", "does_not_follow"]
    assert "step 2" in result.steps[2].reason and "step 1" in result.steps[2].reason
