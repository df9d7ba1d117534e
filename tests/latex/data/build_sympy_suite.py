"""Regenerate ``sympy_suite.jsonl`` and ``sympy_suite_bad.jsonl`` from SymPy's own LaTeX-parser tests.

Usage (from the repository root, with the project venv)::

    .venv/bin/python tests/latex/data/build_sympy_suite.py            # write both files, print a summary
    .venv/bin/python tests/latex/data/build_sympy_suite.py --check    # print the summary only

Source material (third-party, written by the SymPy developers, not by us): the installed
``sympy/parsing/tests/test_latex.py`` (ANTLR backend: ``GOOD_PAIRS``, ``BAD_STRINGS``,
``FAILING_BAD_STRINGS``) and ``sympy/parsing/tests/test_latex_lark.py`` (Lark backend: every
module-level ``*_PAIRS`` table).  The expected expressions are the table objects themselves, taken by
importing the two test modules; the line of each row is found by walking the test file's AST, so
``source`` points at the row as written.

One JSON object per table row (duplicates across tables are kept: the same string often appears in
an unevaluated and an evaluated table with different expected trees)::

    latex            the LaTeX string
    expected_srepr   sympy.srepr of the suite's expected expression
    lark_srepr       sympy.srepr of parse_latex(latex, backend="lark") under default evaluation, or null
                     (lark ``Token`` names are printed as plain strings so the text evals back)
    lark_ok          whether that parse returned a SymPy object (false when it raised, or when it
                     returned lark's raw ``Tree('_ambig', ...)`` for an ambiguous input)
    category         one of CATEGORIES (first matching rule in ``categorize``)
    in_scope         scalar real-valued math a homework grader should read (see ``in_scope``)
    source           "test_latex.py:LINE" / "test_latex_lark.py:LINE"
    table            the suite's table name
    suite_evaluate   False when the suite compares this row inside ``with evaluate(False)``
    suite_xfail      True when the suite itself skips or XFAILs this row (its expectation is unverified)
    lark_match       "structural" (== or identical srepr), "equivalent" (simplify(a - b) == 0, per side
                     for relations, after doit() for matrices), "different", "undecided" (the
                     comparison raised or timed out), "lark_failed" (raised) or "lark_ambiguous"
    lark_alternatives  srepr of each reading in lark's ambiguity tree, else null
    lark_equal_in_suite_mode  lark's parse under the suite's own evaluate setting == the expected
                     object (what the SymPy test itself asserts), or prints the same srepr

Caveat on srepr: SymPy's repr printer orders Add/Mul arguments and pulls signs out of numbers, so
for the deliberately unevaluated trees (``Add(1, 1, evaluate=False)``, ``Mul(1, x)``...) the text is
faithful in value but not always in argument order or nesting; eval it inside
``with sympy.evaluate(False)`` and compare by value, not by tree shape.

Bad strings (``BAD_STRINGS`` must raise; ``FAILING_BAD_STRINGS`` must raise in strict mode) go to
the second file as ``{"latex", "source", "list", "lark_rejects", "lark_status", "lark_srepr"}`` (lark_status is
"ok", "failed" or "ambiguous"; only "ok" counts as Lark accepting the string).
"""

from __future__ import annotations

import argparse
import ast
import collections
import json
import re
import signal
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import lark
import sympy
from sympy.core.parameters import evaluate
from sympy.parsing.latex import parse_latex
from sympy.parsing.tests import test_latex, test_latex_lark
from sympy.utilities.exceptions import SymPyDeprecationWarning

# The Lark backend builds some trees through deprecated Mul/Add-of-Tuple paths; that noise is not ours.
warnings.filterwarnings("ignore", category=SymPyDeprecationWarning)

HERE = Path(__file__).resolve().parent
OUT_GOOD = HERE / "sympy_suite.jsonl"
OUT_BAD = HERE / "sympy_suite_bad.jsonl"
TIMEOUT_S = 20

# Rows the suite skips (``expected_failures`` index sets) or whose whole test is @XFAIL, copied from
# the test functions of sympy 1.14's test_latex_lark.py.
SUITE_XFAIL: dict[str, set[int] | None] = {  # None: every row
    "SYMBOL_EXPRESSION_PAIRS": {6, 7},
    "UNEVALUATED_SIMPLE_EXPRESSION_PAIRS": {20},
    "EVALUATED_SIMPLE_EXPRESSION_PAIRS": {20},
    "UNEVALUATED_POWER_EXPRESSION_PAIRS": {3},
    "EVALUATED_POWER_EXPRESSION_PAIRS": {3},
    "UNEVALUATED_INTEGRAL_EXPRESSION_PAIRS": {14},
    "EVALUATED_INTEGRAL_EXPRESSION_PAIRS": {14},
    "DERIVATIVE_EXPRESSION_PAIRS": {3, 4},
    "TRIGONOMETRIC_EXPRESSION_PAIRS": {3},
    "APPLIED_FUNCTION_EXPRESSION_PAIRS": None,
    "SPACING_RELATED_EXPRESSION_PAIRS": None,
}
# Lark tables whose test compares inside ``with evaluate(False)`` (DERIVATIVE is compared both ways).
UNEVALUATED_TABLES = {
    "SYMBOL_EXPRESSION_PAIRS",
    "RELATION_EXPRESSION_PAIRS",
    "DERIVATIVE_EXPRESSION_PAIRS",
    "TRIGONOMETRIC_EXPRESSION_PAIRS",
    "APPLIED_FUNCTION_EXPRESSION_PAIRS",
    "SPACING_RELATED_EXPRESSION_PAIRS",
    "MISCELLANEOUS_EXPRESSION_PAIRS",
}

CATEGORIES = (
    "arithmetic", "fraction", "power/root", "relation", "trig", "log", "function-application",
    "derivative", "integral", "limit", "sum/product", "factorial/binomial", "matrix/det/trace",
    "abs/floor/ceil", "min/max", "spacing", "subscripts", "greek", "misc",
)  # fmt: skip

GREEK = [
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta",
    "iota", "kappa", "lambda", "mu", "nu", "xi", "pi", "varpi", "rho", "varrho", "sigma", "varsigma",
    "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda",
    "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
]  # fmt: skip
TRIG = [
    "sin", "cos", "tan", "csc", "sec", "cot", "arcsin", "arccos", "arctan", "arccsc", "arcsec",
    "arccot", "sinh", "cosh", "tanh", "csch", "sech", "coth", "arsinh", "arcosh", "artanh",
]  # fmt: skip
SPACES = r"\\(?:[,:;!]|quad|qquad|thinspace|medspace|thickspace|negthinspace|negmedspace|negthickspace)(?![A-Za-z])"
COMMAND = re.compile(r"\\(?:[A-Za-z]+|[^A-Za-z])")


def _cmd(*names: str) -> re.Pattern[str]:
    return re.compile(r"\\(?:" + "|".join(names) + r")(?![A-Za-z])")


# (category, rule) in priority order: the first rule that matches names the row's category.
RULES: list[tuple[str, re.Pattern[str]]] = [
    ("matrix/det/trace", _cmd("begin", "det", "trace", "adjugate")),
    ("misc", _cmd("langle", "rangle", "overline")),  # quantum bra/ket, complex conjugate
    ("integral", _cmd("int", "iint", "oint")),
    ("limit", _cmd("lim")),
    ("sum/product", _cmd("sum", "prod")),
    ("derivative", re.compile(r"\\[dt]?frac\{\s*d[^}]*\}\{\s*d")),
    ("relation", re.compile(r"=|<|>|" + _cmd("neq", "ne", "leq", "le", "geq", "ge", "lt", "gt").pattern)),
    ("spacing", re.compile(SPACES)),
    ("log", _cmd("log", "ln", "lg", "exp")),  # \exp files with log (the exp/log family)
    ("power/root", _cmd("sqrt")),  # before trig: \sqrt[3]{\sin x} is a root
    ("trig", _cmd(*TRIG)),
    ("min/max", _cmd("min", "max")),
    ("abs/floor/ceil", re.compile(r"\||" + _cmd("lfloor", "rfloor", "lceil", "rceil", "vert").pattern)),
    ("factorial/binomial", re.compile(r"!|" + _cmd("binom", "tbinom", "dbinom").pattern)),
    ("power/root", re.compile(r"\^")),
    ("fraction", _cmd("frac", "dfrac", "tfrac")),
    # an applied undefined function: a letter or greek letter with optional primes/subscript, then (
    (
        "function-application",
        re.compile(
            r"^\s*(?:[A-Za-z]|\\(?:" + "|".join(GREEK) + r")(?![A-Za-z]))"
            r"(?:'|_\{[^}]*\}|_(?:\\[A-Za-z]+|[A-Za-z0-9]))*'*\s*\("
        ),
    ),
    ("subscripts", re.compile(r"_")),
    ("greek", _cmd(*GREEK)),
    # \mathit names, \left...\right and [...] grouping, \infty, bare primed symbols (a', a'')
    ("misc", re.compile(r"\\(?:mathit|left|right|infty)(?![A-Za-z])|^\s*\[|^[A-Za-z]'+$")),
]

OUT_OF_SCOPE = [
    (_cmd("overline", "bar", "conjugate"), "complex conjugate"),
    (_cmd("imaginaryunit"), "complex literal"),
    (_cmd("langle", "rangle"), "quantum bra/ket"),
    (_cmd("pmod", "bmod", "mod"), "modular arithmetic"),
    (_cmd("in", "notin", "cup", "cap", "setminus", "subset", "subseteq", "emptyset"), "set theory"),
]


def categorize(latex: str) -> str:
    for category, rule in RULES:
        if rule.search(latex):
            return category
    return "arithmetic"


def in_scope(latex: str, category: str) -> bool:
    """Scalar real-valued math: not matrices, complex-only constructs, bra-kets, \\pmod or sets."""
    if category == "matrix/det/trace":
        return False
    return not any(rule.search(latex) for rule, _why in OUT_OF_SCOPE)


class _Timeout(Exception):
    pass


@contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    def _raise(signum: int, frame: Any) -> None:
        raise _Timeout

    old = signal.signal(signal.SIGALRM, _raise)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def lark_parse(latex: str, *, evaluated: bool = True) -> tuple[str, Any]:
    """("ok", expr), ("ambiguous", [alternatives]) or ("failed", exception).

    SymPy's Lark backend returns the raw ``lark.Tree('_ambig', ...)`` when its grammar is ambiguous
    for the input; that is not a reading, so it is reported apart from a successful parse.
    """
    try:
        with _time_limit(TIMEOUT_S), evaluate(evaluated):
            result = parse_latex(latex, backend="lark")
    except Exception as exc:  # every parser error counts as "did not read it"
        return "failed", exc
    if isinstance(result, lark.Tree):
        return "ambiguous", list(result.children)
    return "ok", result


_TOKEN = re.compile(r"Token\('[A-Z_0-9]+', ('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")\)")


def srepr(value: Any) -> str:
    """sympy.srepr with lark ``Token`` names (a str subclass the Lark backend leaks) shown as strings."""
    try:
        text = sympy.srepr(value)
    except Exception:  # malformed trees (an Add of Tuples from a bad string) cannot be ordered
        try:
            text = sympy.srepr(value, order="none")
        except Exception:
            text = repr(value)
    return _TOKEN.sub(r"\1", text)


def _zero(diff: Any) -> bool:
    if diff == 0:
        return True
    simplified = sympy.simplify(diff)
    if isinstance(simplified, sympy.MatrixBase):
        return bool(simplified.is_zero_matrix)
    return bool(simplified == 0)


def _is_matrix(value: Any) -> bool:
    return isinstance(value, sympy.MatrixBase | sympy.MatrixExpr)


def compare(expected: Any, got: Any) -> str:
    if expected == got or srepr(expected) == srepr(got):
        return "structural"
    try:
        with _time_limit(TIMEOUT_S):
            if _is_matrix(expected) or _is_matrix(got):  # MatAdd/Transpose/...: compare explicit values
                expected, got = sympy.sympify(expected).doit(), sympy.sympify(got).doit()
            if isinstance(expected, sympy.core.relational.Relational):
                same = type(expected) is type(got) and all(
                    _zero(sympy.sympify(a) - sympy.sympify(b))
                    for a, b in zip(expected.args, got.args, strict=True)
                )
            else:
                same = _zero(sympy.sympify(expected) - sympy.sympify(got))
    except Exception:
        return "undecided"
    return "equivalent" if same else "different"


def _row_lines(path: Path) -> dict[str, list[int]]:
    """Line of each element of every module-level list assignment, by table name."""
    lines: dict[str, list[int]] = {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.List):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    lines[target.id] = [elt.lineno for elt in node.value.elts]
    return lines


def _tables(module: Any) -> Iterator[tuple[str, str, list[int], list[Any]]]:
    path = Path(module.__file__)
    lines = _row_lines(path)
    for name, rows in vars(module).items():
        if name.isupper() and isinstance(rows, list) and name in lines:
            assert len(lines[name]) == len(rows), name
            yield path.name, name, lines[name], rows


def build() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    good: list[dict[str, Any]] = []
    bad: list[dict[str, Any]] = []
    for module in (test_latex, test_latex_lark):
        for filename, table, lines, rows in _tables(module):
            if table.endswith("BAD_STRINGS"):
                for line, latex in zip(lines, rows, strict=True):
                    status, got = lark_parse(latex)
                    bad.append({"latex": latex, "source": f"{filename}:{line}", "list": table,
                                "lark_rejects": status != "ok", "lark_status": status,
                                "lark_srepr": srepr(got) if status == "ok" else None})  # fmt: skip
                continue
            if not (table == "GOOD_PAIRS" or table.endswith("_PAIRS")):
                continue
            xfail = SUITE_XFAIL.get(table, set())
            for index, (line, (latex, expected)) in enumerate(zip(lines, rows, strict=True)):
                expected = sympy.sympify(expected) if isinstance(expected, int | float) else expected
                status, got = lark_parse(latex)
                suite_evaluate = not (table.startswith("UNEVALUATED") or table in UNEVALUATED_TABLES)
                suite_status, suite_got = lark_parse(latex, evaluated=suite_evaluate)
                category = categorize(latex)
                good.append({
                    "latex": latex,
                    "expected_srepr": srepr(expected),
                    "lark_srepr": srepr(got) if status == "ok" else None,
                    "lark_ok": status == "ok",
                    "category": category,
                    "in_scope": in_scope(latex, category),
                    "source": f"{filename}:{line}",
                    "table": table,
                    "suite_evaluate": suite_evaluate,
                    "suite_xfail": xfail is None or index in xfail,
                    "lark_match": compare(expected, got) if status == "ok" else f"lark_{status}",
                    "lark_alternatives": [srepr(alt) for alt in got] if status == "ambiguous" else None,
                    "lark_equal_in_suite_mode": suite_status == "ok"
                    and (suite_got == expected or srepr(suite_got) == srepr(expected)),
                })  # fmt: skip
    return good, bad


def summary(good: list[dict[str, Any]], bad: list[dict[str, Any]]) -> str:
    scoped = [r for r in good if r["in_scope"]]
    out = [
        f"pairs: {len(good)} rows ({len({r['latex'] for r in good})} distinct strings, "
        f"{len({(r['latex'], r['expected_srepr']) for r in good})} distinct (string, expected) pairs)",
        f"in scope: {len(scoped)} rows ({len({r['latex'] for r in scoped})} distinct strings, "
        f"{len({(r['latex'], r['expected_srepr']) for r in scoped})} distinct pairs)",
        f"bad strings: {len(bad)} (lark rejects {sum(b['lark_rejects'] for b in bad)})",
        "",
        f"{'category':22}{'rows':>6}{'in':>6}{'distinct-in':>13}",
    ]
    for cat in CATEGORIES:
        rows = [r for r in good if r["category"] == cat]
        ins = [r for r in rows if r["in_scope"]]
        out.append(f"{cat:22}{len(rows):>6}{len(ins):>6}{len({r['latex'] for r in ins}):>13}")
    for label, rows in (("all", good), ("in scope", scoped)):
        counts = collections.Counter(r["lark_match"] for r in rows)
        out.append(f"lark vs expected ({label}): {dict(counts.most_common())}")
    commands: collections.Counter[str] = collections.Counter()
    rows_with: collections.Counter[str] = collections.Counter()
    distinct_with: collections.Counter[str] = collections.Counter()
    for latex in (r["latex"] for r in scoped):
        found = COMMAND.findall(latex)
        commands.update(found)
        rows_with.update(set(found))
    for latex in {r["latex"] for r in scoped}:
        distinct_with.update(set(COMMAND.findall(latex)))
    out.append("top 40 commands in in-scope rows (occurrences / rows with it / distinct strings with it):")
    out.extend(
        f"  {cmd:16}{n:>5}{rows_with[cmd]:>5}{distinct_with[cmd]:>5}" for cmd, n in commands.most_common(40)
    )
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="print the summary without writing files")
    args = parser.parse_args()
    good, bad = build()
    if not args.check:
        OUT_GOOD.write_text("".join(json.dumps(r) + "\n" for r in good))
        OUT_BAD.write_text("".join(json.dumps(r) + "\n" for r in bad))
    print(summary(good, bad))


if __name__ == "__main__":
    main()
