"""judge()'s decision logic, driven through a small fake engine (parse/compare/solve_for).

The fake parser reads a tiny fixed vocabulary; the fake comparison decides by SymPy simplification
after substituting the definitions, and says "undecided" whenever the symbol ``u`` appears.  These
tests pin the order of decisions and the wording channels; tests/judge/test_judge_hw3.py runs the
real parser and equivalence engine on the homework key.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import sympy

from checker.errors import LatexSyntaxError, ShapeError
from checker.judge.answer import INTERNAL_ERROR_FEEDBACK, Engine, judge
from checker.key import FollowThrough, Key, Mistake, Question, SymbolSpec, SymbolTable
from checker.verdict import Equivalence

a, b, s, q, u, k = (sympy.Symbol(n, positive=True) for n in "absquk")
y = sympy.Symbol("y", real=True)
m = sympy.Symbol("m", positive=True)  # forbidden; defined as a + b

VOCAB: dict[str, tuple[Any, ...]] = {
    "y": (y,),
    "s": (s,),
    "a+b": (a + b,),
    "b+a": (b + a,),
    "2a+2b": (2 * a + 2 * b,),
    "a-b": (a - b,),
    "a": (a,),
    "u": (u,),
    "m": (m,),
    "k": (k,),
    "k+1": (k + 1,),
    "q": (q,),
    "sqrt q": (sympy.sqrt(q),),
    "y = a+b": (y, a + b),
    "a+b = y": (a + b, y),
    "y = b+a = a+b": (y, b + a, a + b),
    "y = a+b = a-b": (y, a + b, a - b),
    "a+b = b+a": (a + b, b + a),
    "y = a-b": (y, a - b),
    "s^2 = q": (s**2, q),
    "s = q": (s, q),
    "s^2 = -q": (s**2, -q),
    "s^2 = q = u": (s**2, q, u),
    "y^2 = a": (y**2, a),
    "y = a": (y, a),
    "a+1": (a + 1,),
    "a-b-1": (a - b - 1,),
}
SHAPE_BAD = "X X"


def fake_parse(source: str, table: SymbolTable, *, options: Any = None) -> Any:
    if source == SHAPE_BAD:
        raise ShapeError("expected X X to fit, found shapes (n×d)(n×d)", source=source, start=2, end=3)
    if source == "BUG":
        raise KeyError("our bug in the parser")
    if source == "OOM":
        raise MemoryError
    try:
        sides = VOCAB[source]
    except KeyError:
        raise LatexSyntaxError(
            f"expected an expression, found token={source[-1]!r}", source=source, start=len(source) - 1
        ) from None
    defined = {spec.name for spec in table if spec.define is not None}

    class Parsed:
        pass

    parsed = Parsed()
    parsed.sides = sides  # type: ignore[attr-defined]
    parsed.read_as = " = ".join(sympy.latex(x) for x in sides)  # type: ignore[attr-defined]
    parsed.defined = defined  # type: ignore[attr-defined]
    return parsed


def fake_definitions(table: SymbolTable, options: Any) -> dict[Any, Any]:
    return {m: a + b} if any(spec.name == "m" and spec.define for spec in table) else {}


def fake_compare(
    reference: Any, candidate: Any, table: SymbolTable, *, config: Any, definitions: Mapping[Any, Any] | None
) -> Equivalence:
    if u in reference.free_symbols | candidate.free_symbols:
        return Equivalence("undecided", "none", "timed out in the symbolic stage")
    subs = dict(definitions or {})
    diff = sympy.simplify(reference.xreplace(subs) - candidate.xreplace(subs))
    if diff == 0:
        return Equivalence("equivalent", "symbolic", "proved")
    if candidate == k + 1:
        return Equivalence("not_equivalent", "shape", "expected a d×1 vector, found shape 1×1")
    return Equivalence(
        "not_equivalent",
        "random_instantiation",
        "disagrees at a random point",
        points=1,
        counterexample=(("a", "1"), ("b", "2"), ("reference", str(reference.subs({a: 1, b: 2})))),
    )


def fake_solve(sides: tuple[Any, ...], unknown: Any, table: SymbolTable, *, config: Any) -> tuple[Any, ...]:
    eqs = [sympy.Eq(sides[0], side) for side in sides[1:]]
    return tuple(sympy.solve(eqs[0], unknown)) if len(eqs) == 1 else ()


def fake_to_latex(expr: Any, table: SymbolTable) -> str:
    return str(sympy.latex(expr))


ENGINE = Engine(fake_parse, fake_compare, fake_solve, fake_definitions, fake_to_latex)


def buggy_compare(*args: Any, **kwargs: Any) -> Equivalence:
    return 1 // 0  # type: ignore[no-any-return]


BUGGY = Engine(fake_parse, buggy_compare, fake_solve, fake_definitions, fake_to_latex)

TABLE = SymbolTable(
    (
        SymbolSpec("a", "a", assumptions=frozenset({"positive"})),
        SymbolSpec("b", "b", assumptions=frozenset({"positive"})),
        SymbolSpec("y", "y"),
        SymbolSpec("m", "m", define="a+b", assumptions=frozenset({"positive"})),
        SymbolSpec("k", "k", assumptions=frozenset({"positive"})),
        SymbolSpec("u", "u", assumptions=frozenset({"positive"})),
    )
)
EXPR = Question(
    id="E",
    points=2.0,
    kind="expression",
    prompt="y",
    symbols=TABLE,
    target="y",
    reference="a+b",
    accepted=("b+a",),
    mistakes=(
        Mistake("a-b", "sign_flipped", 0.25, "Mind the sign of b."),
        Mistake("2a+2b", "doubled", 0, "Halve it."),
    ),
    forbid=("m",),
    forbid_feedback="Write it without m.",
    follow_through=FollowThrough(source="P", symbol="k", reference="k+1", share=0.5),
)
FULL_FOLLOW = Question(
    id="F",
    points=1.0,
    kind="expression",
    prompt="y",
    symbols=TABLE,
    target="y",
    reference="a+b",
    follow_through=FollowThrough(source="P", symbol="k", reference="k+1", share=1.0),
)
EQ_TABLE = SymbolTable(
    (
        SymbolSpec("s", "s", assumptions=frozenset({"positive"})),
        SymbolSpec("q", "q", assumptions=frozenset({"positive"})),
        SymbolSpec("u", "u", assumptions=frozenset({"positive"})),
    )
)
EQUATION = Question(
    id="S",
    points=1.0,
    kind="equation",
    prompt="s",
    symbols=EQ_TABLE,
    target="s",
    reference="sqrt q",
    mistakes=(Mistake("q", "squared", 0.5, "q is s squared."),),
)

# (id, question, answer, prior, verdict, score, answer_note)
CASES: list[tuple[str, Question, str, dict[str, str] | None, str, float, str]] = [
    ("expression", EXPR, "a+b", None, "correct", 2.0, "correct"),
    ("accepted-form", EXPR, "b+a", None, "correct", 2.0, "correct"),
    ("equation-target-left", EXPR, "y = a+b", None, "correct", 2.0, "correct"),
    ("equation-target-right", EXPR, "a+b = y", None, "correct", 2.0, "correct"),
    ("chain-last-side", EXPR, "y = b+a = a+b", None, "correct", 2.0, "correct"),
    ("chain-wrong-last-side", EXPR, "y = a+b = a-b", None, "incorrect", 0.5, "sign_flipped"),
    ("chain-without-target", EXPR, "a+b = b+a", None, "correct", 2.0, "correct"),
    ("mistake", EXPR, "a-b", None, "incorrect", 0.5, "sign_flipped"),
    ("mistake-in-equation", EXPR, "y = a-b", None, "incorrect", 0.5, "sign_flipped"),
    ("mistake-zero-share", EXPR, "2a+2b", None, "incorrect", 0.0, "doubled"),
    ("forbidden-symbol", EXPR, "m", None, "incorrect", 0.0, "uses_forbidden_symbol"),
    ("refuted", EXPR, "a", None, "incorrect", 0.0, "incorrect"),
    ("undecided", EXPR, "u", None, "needs_review", 0.0, "undecided"),
    ("shape-by-compare", EXPR, "k+1", None, "incorrect", 0.0, "shape_mismatch"),
    ("shape-error-in-parse", EXPR, SHAPE_BAD, None, "incorrect", 0.0, "shape_mismatch"),
    ("unparsed", EXPR, "a+", None, "unparsed", 0.0, "unparsed"),
    ("empty", EXPR, "", None, "missing", 0.0, "missing"),
    ("blank", EXPR, "  \n ", None, "missing", 0.0, "missing"),
    ("follow-through-share", EXPR, "a+1", {"P": "a"}, "incorrect", 1.0, "follow_through"),
    ("follow-through-full-share", FULL_FOLLOW, "a+1", {"P": "a"}, "correct", 1.0, "follow_through"),
    (
        "follow-through-prior-as-equation",
        FULL_FOLLOW,
        "a+1",
        {"P": "y = a"},
        "correct",
        1.0,
        "follow_through",
    ),
    ("follow-through-beats-mistake", EXPR, "a-b", {"P": "a-b-1"}, "incorrect", 1.0, "follow_through"),
    ("no-prior-no-follow-through", EXPR, "a+1", None, "incorrect", 0.0, "incorrect"),
    ("prior-of-other-question", EXPR, "a+1", {"Q": "a"}, "incorrect", 0.0, "incorrect"),
    ("unreadable-prior", FULL_FOLLOW, "a+1", {"P": "a+"}, "incorrect", 0.0, "incorrect"),
    ("prior-not-matching", FULL_FOLLOW, "a+1", {"P": "b"}, "incorrect", 0.0, "incorrect"),
    ("several-solutions", EXPR, "y^2 = a", None, "needs_review", 0.0, "several_solutions"),
    ("solve-for-target", EQUATION, "s^2 = q", None, "correct", 1.0, "correct"),
    ("bare-expression-for-equation", EQUATION, "sqrt q", None, "correct", 1.0, "correct"),
    ("target-equals-squared-value", EQUATION, "s = q", None, "incorrect", 0.5, "squared"),
    ("no-admissible-solution", EQUATION, "s^2 = -q", None, "needs_review", 0.0, "no_solution"),
    ("no-solution-chain", EQUATION, "s^2 = q = u", None, "needs_review", 0.0, "no_solution"),
]


@pytest.mark.parametrize(
    ("question", "answer", "prior", "expected"),
    [(c[1], c[2], c[3], c[4:]) for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_decisions(
    question: Question, answer: str, prior: dict[str, str] | None, expected: tuple[str, float, str]
) -> None:
    result = judge(question, answer, prior=prior, engine=ENGINE)
    assert (result.verdict, result.score, result.answer_note) == expected, result.feedback
    assert result.answer == answer
    assert result.max_score == question.points


def test_forbidden_symbol_gets_forbid_feedback() -> None:
    result = judge(EXPR, "m", engine=ENGINE)
    assert result.feedback == "Write it without m."
    assert result.equivalence is not None and result.equivalence.outcome == "equivalent"


def test_mistake_feedback_is_the_keys() -> None:
    result = judge(EXPR, "a-b", engine=ENGINE)
    assert result.feedback == "Mind the sign of b."
    assert result.evidence == "proved" and result.method == "symbolic"


def test_follow_through_feedback_names_the_earlier_question() -> None:
    result = judge(EXPR, "a+1", prior={"P": "a"}, engine=ENGINE)
    assert "question P" in result.feedback and "which was wrong" in result.feedback


def test_follow_through_feedback_uses_key_prompt() -> None:
    earlier = Question(id="P", points=1.0, kind="expression", prompt="find k", symbols=TABLE, reference="k")
    key = Key(path=Path("k.toml"), name="k", title="k", questions=(earlier, EXPR))
    result = judge(EXPR, "a+1", prior={"P": "a"}, key=key, engine=ENGINE)
    assert "P (find k)" in result.feedback


def test_refutation_feedback_shows_reading_and_counterexample() -> None:
    result = judge(EXPR, "a", engine=ENGINE)
    assert result.feedback.startswith("Your answer was read as $a$")
    assert "a = 1, b = 2" in result.feedback
    assert result.read_as == "a"
    assert result.equivalence is not None and result.equivalence.counterexample


def test_unparsed_feedback_has_caret_excerpt() -> None:
    result = judge(EXPR, "a+", engine=ENGINE)
    assert result.feedback.startswith("Your answer could not be read")
    assert result.feedback.endswith("a+\n ^")
    assert result.read_as is None


def test_shape_error_feedback_names_shapes() -> None:
    result = judge(EXPR, SHAPE_BAD, engine=ENGINE)
    assert "(n×d)(n×d)" in result.feedback


def test_undecided_says_a_ta_reviews() -> None:
    result = judge(EXPR, "u", engine=ENGINE)
    assert "TA" in result.feedback and "timed out" in result.feedback


@pytest.mark.parametrize(
    ("engine", "answer"), [(BUGGY, "a+b"), (ENGINE, "BUG")], ids=["bug-in-compare", "bug-in-parse"]
)
def test_internal_bug_is_error_verdict_with_traceback(engine: Engine, answer: str) -> None:
    result = judge(EXPR, answer, engine=engine)
    assert (result.verdict, result.score, result.feedback) == ("error", 0.0, INTERNAL_ERROR_FEEDBACK)
    assert result.internal is not None and "Traceback" in result.internal
    assert "Traceback" not in str(result.to_json())  # never shown to a student


def test_memory_error_reaches_the_worker() -> None:
    with pytest.raises(MemoryError):
        judge(EXPR, "OOM", engine=ENGINE)


def test_bad_key_latex_is_an_error_verdict_naming_the_key() -> None:
    broken = Question(id="B", points=1.0, kind="expression", prompt="", symbols=TABLE, reference="a+", line=7)
    result = judge(broken, "a", engine=ENGINE)
    assert result.verdict == "error"
    assert result.internal is not None and "Answer key error, line 7, question B" in result.internal


def test_key_side_is_parsed_once_per_question() -> None:
    calls: list[str] = []

    def counting_parse(source: str, table: SymbolTable, *, options: Any = None) -> Any:
        calls.append(source)
        return fake_parse(source, table, options=options)

    engine = Engine(counting_parse, fake_compare, fake_solve, fake_definitions, fake_to_latex)
    first = judge(EXPR, "a", engine=engine)
    second = judge(EXPR, "a+b", engine=engine)
    assert calls.count("a+b") == 2  # the reference once, the second answer once
    assert calls.count("a-b") == 1  # a mistake, parsed once for both answers
    assert (first.verdict, second.verdict) == ("incorrect", "correct")  # verdicts are not cached


def test_choice_questions_are_delegated() -> None:
    from checker.key import ChoicePart

    question = Question(
        id="C",
        points=1.0,
        kind="choice",
        prompt="",
        symbols=SymbolTable(()),
        parts=(ChoicePart("p", "yes", (("yes", ("yes",)), ("no", ("nope",)))),),
    )
    assert judge(question, "yes", engine=BUGGY).verdict == "correct"
