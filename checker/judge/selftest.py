"""The answer key's self-test (``derivcheck verify``): is the key consistent, and does the checker
refuse near misses of each reference?

Checks, per question:

* ``reference``: the reference, judged as an answer, is ``correct`` (a reference that uses a
  forbidden symbol, or that the engine cannot prove equal to itself, fails here);
* ``accepted``: every accepted alternative is equivalent to the reference;
* ``mistake``: every known mistake is *not* equivalent to the reference (refuted, not undecided),
  and judged as an answer it earns its own tag (two equivalent mistakes shadow each other);
* ``variant:*``: near misses generated from the parsed reference are not graded ``correct``:
  a numeric coefficient changed (2 → 3, 1 → 2), a transpose dropped (in the LaTeX; an ill-typed
  result must be refused as well; skipped for questions that read the 1-D shorthand ``X X`` as
  XᵀX on purpose), a matrix product reversed, a symbol squared or square-rooted, and for a scalar
  answer the whole answer squared or square-rooted (σ² for σ);
* ``follow_through``: the follow-through reference, with the source question's reference put in
  for the symbol, is equivalent to this question's reference;
* ``choice_reference``: a choice question's reference prose grades ``correct``;
* ``mistake`` (ill-typed): a known mistake that is ill-typed, judged as an answer, is matched
  untyped and earns its own tag;
* ``required``: each required form is equivalent to the reference (and the reference, judged
  as an answer, is in the form: the ``reference`` check);
* ``claim``: each claim of a math question reads its right option's first phrase as right, and
  each other option's first phrase as that option.

A math question's formula is judged without its claims (they are checked on their own).

Variants are rendered back to LaTeX with the engine's ``to_latex`` and judged by
:func:`checker.judge.answer.judge`, exactly like a student's answer.  A variant whose LaTeX does not parse
back is a failure (the round trip is broken); one the engine cannot decide (``needs_review``) is
not graded correct and passes, with the verdict in the detail.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any, Literal

from checker.config import EquivalenceConfig
from checker.errors import CheckerError
from checker.judge.answer import Engine, KeySide, default_engine, judge, key_side, scalar
from checker.judge.choice import decide_part, grade_choice
from checker.key import Key, Question

__all__ = ["KeyFinding", "KeyReport", "self_test", "variants"]


@dataclass(frozen=True)
class KeyFinding:
    """One check of the key.

    Attributes:
        question: the question id.
        line: the line of the question in the key file.
        kind: ``reference``, ``accepted``, ``mistake``, ``follow_through``, ``variant:coefficient``,
            ``internal`` (our bug while checking the question),
            ``variant:transpose``, ``variant:product_order``, ``variant:square``, ``variant:sqrt``,
            ``choice_reference``.
        status: ``ok`` or ``failed``.
        detail: what was checked and what came out, in words.
    """

    question: str
    line: int
    kind: str
    status: Literal["ok", "failed"]
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "line": self.line,
            "kind": self.kind,
            "status": self.status,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class KeyReport:
    """The self-test of one key file.

    Attributes:
        key: the key file's path.
        findings: every check, in key order.
    """

    key: str
    findings: tuple[KeyFinding, ...]

    @property
    def ok(self) -> bool:
        """True when no finding failed."""
        return all(f.status == "ok" for f in self.findings)

    @property
    def failed(self) -> tuple[KeyFinding, ...]:
        return tuple(f for f in self.findings if f.status == "failed")

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "ok": self.ok, "findings": [f.to_json() for f in self.findings]}


def self_test(
    key: Key, *, config: EquivalenceConfig = EquivalenceConfig(), engine: Engine | None = None
) -> KeyReport:
    """Check the key's consistency and that near misses of each reference are not accepted.

    Args:
        key: the loaded key.
        config: the equivalence cascade's knobs (the same as grading uses).
        engine: the parser and equivalence engine (default: the real ones).

    Returns:
        The report; ``report.ok`` is False when any check failed.  Problems in the key's LaTeX
        are findings too (with the key's line), never exceptions.

    >>> from checker.key import load_key
    >>> report = self_test(load_key())
    >>> report.ok, {f.kind for f in report.findings} >= {"accepted", "mistake", "variant:coefficient"}
    (True, True)
    """
    engine = engine or default_engine()
    findings: list[KeyFinding] = []
    for question in key.questions:
        try:
            findings += _check_question(key, question, config, engine)
        except MemoryError:
            raise
        except Exception as exc:  # our bug: reported on the question, the other questions still run
            detail = f"internal error while checking the key: {type(exc).__name__}: {exc}"
            findings.append(KeyFinding(question.id, question.line, "internal", "failed", detail))
    return KeyReport(key=str(key.path), findings=tuple(findings))


def _check_question(key: Key, q: Question, config: EquivalenceConfig, engine: Engine) -> list[KeyFinding]:
    def finding(kind: str, ok: bool, detail: str) -> KeyFinding:
        return KeyFinding(q.id, q.line, kind, "ok" if ok else "failed", detail)

    if q.kind == "choice":
        verdict = grade_choice(q, q.reference)
        return [
            finding(
                "choice_reference",
                verdict.verdict == "correct",
                f"the reference prose {q.reference!r} grades {verdict.verdict} ({verdict.evidence})",
            )
        ]
    try:
        side = key_side(q, engine)
    except CheckerError as exc:
        return [finding("reference", False, exc.render())]
    out: list[KeyFinding] = _claim_findings(q)
    q = replace(q, parts=())  # the formula alone; its claims are checked above

    def compare(form: Any) -> Any:
        return engine.compare(side.reference, form, q.symbols, config=config, definitions=side.definitions)

    verdict = judge(q, q.reference, config=config, engine=engine)
    out.append(
        finding(
            "reference",
            verdict.verdict == "correct",
            f"the reference {q.reference!r} judged as an answer: {verdict.verdict} ({verdict.feedback})"
            + _staff_detail(verdict.internal),
        )
    )
    for text, form in zip(q.accepted, side.accepted, strict=True):
        eq = compare(form)
        out.append(
            finding(
                "accepted",
                eq.outcome == "equivalent",
                f"{text!r} vs the reference: {eq.outcome} ({eq.evidence})",
            )
        )
    for mistake, form in side.mistakes:
        eq = compare(form)
        out.append(
            finding(
                "mistake",
                eq.outcome == "not_equivalent",
                f"{mistake.tag} {mistake.answer!r} vs the reference: {eq.outcome} ({eq.evidence})",
            )
        )
        judged = judge(q, mistake.answer, config=config, engine=engine)
        out.append(
            finding(
                "mistake",
                judged.answer_note == mistake.tag,
                f"{mistake.tag} {mistake.answer!r} judged as an answer: {judged.verdict}, "
                f"answer_note={judged.answer_note!r}",
            )
        )
    for mistake in side.ill_typed:
        judged = judge(q, mistake.answer, config=config, engine=engine)
        out.append(
            finding(
                "mistake",
                judged.answer_note == mistake.tag,
                f"{mistake.tag} {mistake.answer!r} (ill-typed) judged as an answer: {judged.verdict}, "
                f"answer_note={judged.answer_note!r}",
            )
        )
    if q.required is not None:
        for text, form in zip(q.required.forms, side.required, strict=True):
            eq = compare(form)
            out.append(
                finding(
                    "required",
                    eq.outcome == "equivalent",
                    f"required form {text!r} vs the reference: {eq.outcome} ({eq.evidence})",
                )
            )
    if q.follow_through is not None:
        out.append(_follow_through_finding(key, q, side, config, engine))
    known = {q.reference.strip(), *(a.strip() for a in q.accepted)}
    for kind, text in variants(q, side.reference, engine):
        if text.strip() in known:
            continue
        judged = judge(q, text, config=config, engine=engine)
        ok = judged.verdict not in ("correct", "unparsed", "error")
        detail = f"{text!r} judged {judged.verdict} (answer_note={judged.answer_note!r})"
        detail += _staff_detail(judged.internal)
        if judged.verdict == "unparsed":
            detail += "; the variant's LaTeX did not parse back: " + judged.feedback
        out.append(finding(f"variant:{kind}", ok, detail))
    return out


def _claim_findings(q: Question) -> list[KeyFinding]:
    """Each claim reads its options' own first phrases as those options."""
    out: list[KeyFinding] = []
    for part in q.claims:
        for option, phrases in part.choices:
            if not phrases or phrases[0].startswith("re:"):
                continue
            chosen = decide_part(q, part, phrases[0]).chosen
            out.append(
                KeyFinding(
                    q.id,
                    q.line,
                    "claim",
                    "ok" if chosen == option else "failed",
                    f"claim {part.name!r}: {phrases[0]!r} reads as {chosen!r}, expected {option!r}",
                )
            )
    return out


def _staff_detail(internal: str | None) -> str:
    """The last line of an internal error's traceback: the key's author is staff."""
    if not internal:
        return ""
    lines = [line for line in internal.strip().splitlines() if line.strip()]
    return f"; internal error: {lines[-1].strip()}" if lines else ""


def _follow_through_finding(
    key: Key, q: Question, side: KeySide, config: EquivalenceConfig, engine: Engine
) -> KeyFinding:
    """The follow-through reference with the source question's own reference substituted must be
    this question's reference: otherwise a student right on both would not be credited alike."""
    ft = q.follow_through
    assert ft is not None
    try:
        source = key.question(ft.source)
        parsed = engine.parse(source.reference, side.follow_table, options=q.options)
    except CheckerError as exc:
        return KeyFinding(q.id, q.line, "follow_through", "failed", exc.render())
    if side.follow_reference is None or side.follow_symbol is None:
        detail = f"follow_through.reference {ft.reference!r} does not use symbol {ft.symbol!r}"
        return KeyFinding(q.id, q.line, "follow_through", "failed", detail)
    value = scalar(parsed.sides[-1])
    expected = side.follow_reference.xreplace({side.follow_symbol: value})
    eq = engine.compare(
        side.reference, expected, q.symbols, config=config, definitions=side.follow_definitions
    )
    return KeyFinding(
        q.id,
        q.line,
        "follow_through",
        "ok" if eq.outcome == "equivalent" else "failed",
        f"{ft.reference!r} with {ft.symbol} := the reference of {ft.source} ({source.reference!r}) vs the "
        f"reference: {eq.outcome} ({eq.evidence})",
    )


# ----------------------------------------------------------------------------------------------
# near misses
# ----------------------------------------------------------------------------------------------

_TRANSPOSE = re.compile(
    r"\^\s*(?:\{\s*(?:T|\\top|\\intercal|\\mathsf\{T\}|\\mathrm\{T\})\s*\}|T\b|\\top\b|\\intercal\b)"
)
# Node classes whose arguments are rewritten; symbols, matrix symbols and identities are leaves
# (their arguments are names and shapes, not parts of the answer).
_DESCEND = frozenset(
    {"Add", "Mul", "Pow", "MatAdd", "MatMul", "MatPow", "Inverse", "Transpose", "HadamardProduct"}
)
_FIRST_ARG_ONLY = frozenset({"Inverse", "Transpose"})


def variants(question: Question, reference: Any, engine: Engine) -> Iterator[tuple[str, str]]:
    """Near misses of ``reference`` as ``(kind, latex)`` pairs, without duplicates.

    Args:
        question: the question (its table, options and reference LaTeX).
        reference: the parsed reference (SymPy).
        engine: renders variants back to LaTeX.

    Returns:
        An iterator of ``(kind, latex)``; kinds as in :class:`KeyFinding` without the prefix.

    >>> from checker.key import load_key
    >>> q = load_key().question("3.2")
    >>> engine = default_engine()
    >>> ("square", r"\\frac{1 - p}{p}") in set(variants(q, key_side(q, engine).reference, engine))
    True
    """
    try:
        seen: set[str] = {engine.to_latex(reference, question.symbols)}
    except (CheckerError, TypeError, ValueError, AttributeError):
        seen = set()

    def emit(kind: str, exprs: Iterator[Any]) -> Iterator[tuple[str, str]]:
        for expr in exprs:
            try:
                text = engine.to_latex(expr, question.symbols)
            except (CheckerError, TypeError, ValueError, AttributeError):
                continue  # a variant that cannot be written down is no test of the checker
            if text not in seen:
                seen.add(text)
                yield kind, text

    yield from emit("coefficient", _rewrite_one(reference, _bump_number))
    if not question.options.vector_shorthand:
        for m in _TRANSPOSE.finditer(question.reference):
            text = question.reference[: m.start()] + question.reference[m.end() :]
            if text not in seen:
                seen.add(text)
                yield "transpose", text
    yield from emit("product_order", _rewrite_one(reference, _reverse_product))
    dims = set(question.symbols.dimensions)
    scalars = sorted(
        (
            s
            for s in getattr(reference, "free_symbols", ())
            if getattr(s, "is_Symbol", False) and s.name not in dims
        ),
        key=lambda s: str(s.name),
    )
    yield from emit("square", (reference.xreplace({s: s**2}) for s in scalars))
    # √s is only a real-valued near miss for a symbol known not to be negative.
    roots = [s for s in scalars if s.is_nonnegative]
    yield from emit("sqrt", (reference.xreplace({s: _sqrt(s)}) for s in roots))
    if not getattr(reference, "is_Matrix", False):
        yield from emit("square", iter([reference**2]))
        yield from emit("sqrt", iter([_sqrt(reference)]))


def _sqrt(expr: Any) -> Any:
    import sympy  # noqa: PLC0415  (SymPy loads with the engine, not with this module)

    return sympy.sqrt(expr)


def _rewrite_one(expr: Any, rule: Callable[[Any], list[Any]]) -> Iterator[Any]:
    """Every copy of ``expr`` with exactly one node replaced by one of ``rule(node)``."""
    yield from rule(expr)
    if type(expr).__name__ not in _DESCEND:
        return
    args = expr.args
    # Inverse(A) carries its exponent -1 as a second argument: only A is part of the answer.
    editable = args[:1] if type(expr).__name__ in _FIRST_ARG_ONLY else args
    for i, arg in enumerate(editable):
        for new in _rewrite_one(arg, rule):
            rebuilt = _rebuild(expr, (*args[:i], new, *args[i + 1 :]))
            if rebuilt is not None:
                yield rebuilt


def _rebuild(expr: Any, args: tuple[Any, ...]) -> Any | None:
    try:
        return expr.func(*args, evaluate=False)
    except TypeError:
        try:
            return expr.func(*args)
        except Exception:
            return None
    except Exception:  # an ill-typed rebuild that SymPy refuses: not a variant we can write
        return None


def _bump_number(node: Any) -> list[Any]:
    """2 → 3, 1 → 2, -1 → -2, 1/2 → 3/2: one changed numeric coefficient or exponent."""
    if not getattr(node, "is_Number", False) or node == 0:
        return []
    if getattr(node, "is_Integer", False):
        return [node + 1 if node > 0 else node - 1]
    if getattr(node, "is_Rational", False):
        return [node + 1]
    return []


def _reverse_product(node: Any) -> list[Any]:
    """A matrix product with its matrix factors in reverse order (scalar factors kept in front)."""
    if type(node).__name__ != "MatMul":
        return []
    scalars = [a for a in node.args if not getattr(a, "is_Matrix", False)]
    matrices = [a for a in node.args if getattr(a, "is_Matrix", False)]
    if len(matrices) < 2:
        return []
    rebuilt = _rebuild(node, (*scalars, *reversed(matrices)))
    return [rebuilt] if rebuilt is not None and rebuilt != node else []
