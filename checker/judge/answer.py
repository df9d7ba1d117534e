"""Judge one answer against the key: a frozen :class:`~checker.verdict.QuestionVerdict`, never a bool.

The order of decisions for a math question (``expression`` or ``equation`` kind):

1. empty → ``missing``; unreadable → ``unparsed`` with the caret excerpt (never guessed, never
   ``incorrect``); a shape error while reading → ``incorrect`` naming the shapes;
2. the value the answer gives: an expression as written; an equation with the target on one end
   (``w^* = A = B``) by its other end; an equation in a scalar target (``\\sigma^2 = (1-p)/p``)
   solved for it under its assumptions, exactly one admissible solution; a chain of equal
   expressions not naming the target by its last side;
3. equivalent to the reference or an accepted form → ``correct``, unless it leaves in a symbol of
   ``question.forbid`` (then ``incorrect``, score 0, ``forbid_feedback``);
4. follow-through: equivalent to ``follow_through.reference`` with the student's own earlier answer
   substituted → ``points × share`` (``correct`` only when the share is 1);
5. a known mistake → ``incorrect``, ``points × mistake.score``, the mistake's feedback and tag;
   an ill-typed answer is matched against the key's ill-typed mistakes untyped (every matrix
   and vector a random square k×k matrix, at each k of :data:`~checker.key.untyped.UNTYPED_SIZES`:
   agreement at every k is the same mistake), never anything better than the mistake's share;
6. refuted → ``incorrect`` with what was read and the counterexample; undecided → ``needs_review``.

An equivalent answer is still not ``correct`` when:

* it leaves an operator unevaluated: one the key lists in ``unevaluated`` → ``incorrect``, 0
  points ("evaluate it"); by default any ``gradient``, ``derivative``, ``expectation`` or
  ``variance`` the value side of the answer applies (``\\nabla_x (x^T A x)`` for "the gradient of
  xᵀAx") → ``needs_review``, 0 points until a TA decides: the value is right, but the question
  asked for it evaluated.  An operator on the target side (``\\nabla_w L(w) = ...``) is not the
  answer and does not count;
* it leaves in a forbidden symbol → ``incorrect``, 0 points;
* it is not in the key's ``required`` form → ``incorrect`` with ``required.share`` of the points
  (see :class:`~checker.key.schema.RequiredEntry` for what "in the form" means).

A math question with claims (``parts`` with a ``share`` each) also reads them from the question's
whole text (``text``, the answer itself by default) with :func:`checker.judge.choice.decide_part`:
the formula earns ``1 − Σ share`` of the points, each right claim its share; ``correct`` needs
the formula and every claim right, an undecided claim makes it ``needs_review``.

Any exception that is not a :class:`~checker.errors.CheckerError` is our bug: an ``error`` verdict
with the traceback kept in ``internal`` for staff.  Choice questions go to :mod:`checker.judge.choice`.

The parser and the equivalence engine are reached through an :class:`Engine` (the real modules by
default) so tests can drive the logic with small fakes.  The key's side of a question (parsed
reference, accepted forms, mistakes, definitions) is cached per (question, engine); verdicts are
never cached.

Judging untrusted text under a time and memory budget, in worker processes, is
:mod:`checker.run.check`'s job; this module judges in-process.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from checker import engine as equivalence
from checker import latex
from checker.caches import memo
from checker.config import EquivalenceConfig
from checker.errors import AmbiguousReadingError, AnswerKeyError, CheckerError, ShapeError
from checker.judge.parts import in_form, with_claims
from checker.key import (
    UNTYPED_SIZES,
    FollowThrough,
    Key,
    Mistake,
    Question,
    SymbolTable,
    mistake_reading,
    untyped_options,
    untyped_table,
)
from checker.verdict import Equivalence, QuestionVerdict

__all__ = [
    "Engine",
    "KeySide",
    "default_engine",
    "internal_error",
    "judge",
    "key_side",
    "scalar",
]

#: The operators an answer may apply (Parsed.operators): left unevaluated, an equivalent answer
#: is not correct (a key's ``unevaluated`` makes it incorrect).
OPERATORS = ("gradient", "derivative", "expectation", "variance")

INTERNAL_ERROR_FEEDBACK = "internal error while checking this answer; a TA will grade it by hand"


@dataclass(frozen=True)
class Engine:
    """The stages :func:`judge` calls, with the signatures of :mod:`checker.latex` and
    :mod:`checker.engine.cascade`; tests pass small fakes.

    Attributes:
        parse: ``parse(source, table, *, options) -> Parsed`` (``.sides``, ``.read_as``).
        compare: ``compare(reference, candidate, table, *, config, definitions) -> Equivalence``.
        solve_for: ``solve_for(sides, unknown, table, *, config) -> tuple[solutions]``.
        definitions: ``definitions(table, options) -> dict[symbol, expr]``.
        to_latex: ``to_latex(expr, table) -> str``.
        parse_key: ``parse`` for the key's own LaTeX only, never an answer (it may cache); None
            reads the key with ``parse``.
    """

    parse: Callable[..., Any]
    compare: Callable[..., Equivalence]
    solve_for: Callable[..., tuple[Any, ...]]
    definitions: Callable[..., Mapping[Any, Any]]
    to_latex: Callable[[Any, SymbolTable], str]
    parse_key: Callable[..., Any] | None = None


def default_engine() -> Engine:
    """The real parser and equivalence engine; the key's LaTeX is read through the cache that
    loading the key filled (:func:`checker.latex.parse_key`), so it is parsed once.

    >>> default_engine().parse.__module__.startswith("checker.latex")
    True
    """
    return Engine(
        parse=latex.parse,
        compare=equivalence.compare,
        solve_for=equivalence.solve_for,
        definitions=latex.definitions,
        to_latex=latex.to_latex,
        parse_key=latex.parse_key,
    )


# ----------------------------------------------------------------------------------------------
# the key's side, cached
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class KeySide:
    """A question's parsed key material (built once per question and engine by :func:`key_side`)."""

    reference: Any
    accepted: tuple[Any, ...]
    mistakes: tuple[tuple[Mistake, Any], ...]
    target: Any | None
    target_name: str | None
    definitions: Mapping[Any, Any]
    follow_table: SymbolTable | None
    follow_reference: Any | None
    follow_symbol: Any | None
    follow_definitions: Mapping[Any, Any]
    claim: Any | None = None  # the parsed reference when it is a relation (a claim), else None
    ill_typed: tuple[Mistake, ...] = ()
    required: tuple[Any, ...] = ()


def _name(sym: Any) -> str | None:
    name = getattr(sym, "name", None)
    return name if isinstance(name, str) else None


def _value(parsed: Any) -> Any:
    """The value a parsed key entry gives (the last side of an equation chain)."""
    return parsed.sides[-1]


@memo(maxsize=128)
def key_side(question: Question, engine: Engine) -> KeySide:
    """The question's key material parsed once (cached per question and engine; never a verdict).

    Args:
        question: a math question of the key.
        engine: the parser to read it with.

    Returns:
        The parsed reference, accepted forms, mistakes, target, definitions and follow-through.

    Raises:
        AnswerKeyError: naming the question's line and field whose LaTeX does not parse.

    >>> from checker.key import load_key
    >>> key_side(load_key().question("3.2"), default_engine()).target_name
    'sigma'
    """
    table, options = question.symbols, question.options
    read = engine.parse_key or engine.parse

    def parse(text: str, what: str, tab: SymbolTable = table, opts: Any = options) -> Any:
        try:
            return read(text, tab, options=opts)
        except CheckerError as exc:
            raise AnswerKeyError(
                f"expected LaTeX the parser reads, found an error: {exc.render()}",
                where=f"Answer key error, line {question.line}, question {question.id}, field {what!r}",
            ) from exc

    parsed_reference = parse(question.reference, "reference", opts=replace(options, relations=True))
    claim = parsed_reference if getattr(parsed_reference, "is_relation", False) else None
    reference = _value(parsed_reference)
    accepted = tuple(_value(parse(a, "accepted")) for a in question.accepted)
    mistakes_parsed: list[tuple[Mistake, Any]] = []
    ill_typed: list[Mistake] = []
    for m in question.mistakes:
        try:
            if engine.parse_key is latex.parse_key:
                reading = mistake_reading(m.answer, table, options)  # read once, when the key loaded
            else:
                reading = read(m.answer, table, options=options)
        except ShapeError:
            reading = None
        except CheckerError:
            reading = parse(m.answer, f"mistakes.{m.tag}")  # raises for the author
        if reading is None:
            ill_typed.append(m)  # matched untyped (see _Judging.ill_typed_mistake)
        else:
            mistakes_parsed.append((m, _value(reading)))
    mistakes = tuple(mistakes_parsed)
    required = (
        tuple(_value(parse(f, "required.forms")) for f in question.required.forms)
        if question.required is not None
        else ()
    )
    target = target_name = None
    if question.target is not None:
        target = _value(parse(question.target, "target"))
        if getattr(target, "is_Symbol", False) or type(target).__name__ == "MatrixSymbol":
            target_name = _name(target)
    definitions = dict(engine.definitions(table, options))
    ft = question.follow_through
    follow_table = follow_reference = follow_symbol = None
    follow_definitions: dict[Any, Any] = {}
    if ft is not None:
        follow_table = table.without_definition(ft.symbol)
        follow_reference = _value(parse(ft.reference, "follow_through.reference", follow_table))
        follow_symbol = next(
            (s for s in getattr(follow_reference, "free_symbols", ()) if _name(s) == ft.symbol), None
        )
        follow_definitions = {k: v for k, v in definitions.items() if _name(k) != ft.symbol}
    return KeySide(
        reference=reference,
        accepted=accepted,
        mistakes=mistakes,
        target=target,
        target_name=target_name,
        definitions=definitions,
        follow_table=follow_table,
        follow_reference=follow_reference,
        follow_symbol=follow_symbol,
        follow_definitions=follow_definitions,
        claim=claim,
        ill_typed=tuple(ill_typed),
        required=required,
    )


def warm_key(key: Key) -> None:
    """Parse every math question's key material now (:func:`key_side`), in this process.

    Called by the parent before it forks its worker pool: the workers inherit the parsed key
    (and the parser) instead of each building it on its first answer.  A question whose key does
    not parse is left for the judgement that needs it, which reports it as a key error.
    """
    engine = default_engine()
    for question in key.questions:
        if question.kind == "choice":
            continue
        try:
            key_side(question, engine)
        except AnswerKeyError:
            continue


# ----------------------------------------------------------------------------------------------
# judging
# ----------------------------------------------------------------------------------------------


def judge(
    question: Question,
    answer: str,
    *,
    config: EquivalenceConfig = EquivalenceConfig(),
    prior: Mapping[str, str] | None = None,
    key: Key | None = None,
    engine: Engine | None = None,
    text: str | None = None,
) -> QuestionVerdict:
    """Judge one answer to one question, in process and without a budget.

    Use :func:`checker.run.check.check_answer` for untrusted input: it runs this under a time and
    memory budget in a worker process.

    Args:
        question: the key's question.
        answer: the answer as written (LaTeX for math questions, prose for choice questions).
        config: the equivalence cascade's knobs.
        prior: this student's answers to earlier questions (id → LaTeX), for follow-through.
        key: the whole key (names the source question of a follow-through in feedback).
        engine: the parser and equivalence engine (default: the real ones).
        text: the question's whole text in the submission, where its claims are read (default:
            the answer itself).

    Returns:
        The verdict, echoing the answer, what was read, the evidence and the method.

    >>> from checker.key import load_key
    >>> judge(load_key().question("3.2"), r"\\sigma^2 = \\frac{1-p}{p}").verdict
    'correct'
    """
    try:
        if question.kind == "choice":
            from checker.judge.choice import grade_choice  # noqa: PLC0415

            return grade_choice(question, answer)
        verdict = _Judging(
            question=question,
            answer=answer,
            config=config,
            prior=prior,
            key=key,
            engine=engine or default_engine(),
        ).run()
        if question.claims:
            verdict = with_claims(question, verdict, answer if text is None else text)
        return verdict
    except MemoryError:
        raise  # the worker reports it as "memory limit"
    except AnswerKeyError as exc:
        return internal_error(question, answer, f"answer key problem: {exc.render()}")
    except Exception:
        return internal_error(question, answer, traceback.format_exc())


def _one_sided(parsed: Any) -> tuple[str, Any] | None:
    """A single relation moved to one side: ``(">" | "\\ge" | "\\ne" | "=", lhs - rhs)``, else None."""
    relations: tuple[str, ...] = tuple(getattr(parsed, "relations", ()))
    if len(parsed.sides) != 2 or len(relations) != 1 or latex.shape_of(parsed.sides[0]) is not None:
        return None
    op = relations[0]
    left, right = parsed.sides
    if op in ("<", "\\le"):
        return (">" if op == "<" else "\\ge", right - left)
    return (op, left - right)


def internal_error(question: Question, answer: str | None, internal: str) -> QuestionVerdict:
    """The verdict for our own failure on an answer: ``error``, 0 points, a TA grades it by hand.

    The student sees only that; ``internal`` (a traceback, a worker's report) is kept for staff.

    >>> from checker.key import load_key
    >>> internal_error(load_key(validate_latex=False).question("3.2"), "x", "boom").answer_note
    'internal_error'
    """
    return QuestionVerdict.error(
        question.id,
        question.points,
        INTERNAL_ERROR_FEEDBACK,
        "internal_error",
        answer=answer,
        internal=internal,
    )


class _Judging:
    """One judgement: the answer, the key's side and the helpers that build verdicts."""

    def __init__(
        self,
        *,
        question: Question,
        answer: str,
        config: EquivalenceConfig,
        prior: Mapping[str, str] | None,
        key: Key | None,
        engine: Engine,
    ) -> None:
        self.q = question
        self.answer = answer
        self.config = config
        self.prior = prior or {}
        self.key = key
        self.engine = engine
        self.read_as: str | None = None
        self.parsed: Any = None
        self.value_side: int | None = None  # the side of the answer that gives its value (None: all)
        self.note = ""  # how the value was taken from the answer, prefixed to the evidence
        # The real engine remembers values at its sampled points for this judgement (the
        # candidate is compared with several key forms at the same points); fakes take no memo.
        self.memo_of: Callable[[bool], Any] | None = None
        if self.engine.compare is equivalence.compare:
            memos = {fixed: equivalence.PointMemo(reference_fixed=fixed) for fixed in (True, False)}
            self.memo_of = memos.__getitem__

    # -- verdict builders -----------------------------------------------------------------------

    def verdict(
        self,
        verdict: Any,
        share: float,
        feedback: str,
        note: str,
        equivalence: Equivalence | None = None,
    ) -> QuestionVerdict:
        return QuestionVerdict(
            question=self.q.id,
            verdict=verdict,
            score=round(self.q.points * share, 6),
            max_score=self.q.points,
            feedback=feedback,
            answer=self.answer,
            read_as=self.read_as,
            evidence=self.note + equivalence.evidence if equivalence is not None else None,
            answer_note=note,
            method=equivalence.method if equivalence is not None else None,
            equivalence=equivalence,
        )

    def shape_error(self, exc: ShapeError) -> QuestionVerdict:
        """An ill-typed answer: refuted by its shapes, named in the message (not unreadable)."""
        verdict = self.verdict(
            "incorrect", 0.0, f"Your answer does not fit together: {exc.render()}", "shape_mismatch"
        )
        return replace(verdict, method="shape", evidence=exc.message)

    def compare(
        self,
        reference: Any,
        candidate: Any,
        definitions: Mapping[Any, Any] | None,
        *,
        from_key: bool = True,
        readable: bool = True,
    ) -> Equivalence:
        """Compare with the engine; ``from_key`` says the reference is the key's own material,
        ``readable=False`` that only the outcome is used (no search for the simplest refutation).
        Only the real engine takes the per-judgement memo and ``readable``; fakes take neither."""
        real = {} if self.memo_of is None else {"memo": self.memo_of(from_key), "readable": readable}
        return self.engine.compare(
            reference, candidate, self.q.symbols, config=self.config, definitions=definitions, **real
        )

    # -- the decision -------------------------------------------------------------------------

    def run(self) -> QuestionVerdict:
        if not self.answer.strip():
            return self.verdict("missing", 0.0, f"No answer was found for question {self.q.id}.", "missing")
        side = key_side(self.q, self.engine)
        try:
            parsed = self.engine.parse(
                self.answer, self.q.symbols, options=replace(self.q.options, relations=True)
            )
        except ShapeError as exc:
            return self.ill_typed_mistake(side, exc) or self.shape_error(exc)
        except AmbiguousReadingError as exc:
            return self.verdict(
                "needs_review",
                0.0,
                f"Your answer can be read in more than one way: {exc.render()} A TA will review it.",
                "ambiguous_reading",
            )
        except CheckerError as exc:
            return self.verdict("unparsed", 0.0, f"Your answer could not be read: {exc.render()}", "unparsed")
        self.read_as = parsed.read_as
        self.parsed = parsed
        if getattr(parsed, "is_relation", False) or side.claim is not None:
            return self.relational(parsed, side.claim)
        try:
            picked = self.candidate(parsed.sides, side)
            if isinstance(picked, QuestionVerdict):
                return picked
            return self.decide(picked, side)
        except ShapeError as exc:
            return self.shape_error(exc)
        except CheckerError as exc:  # e.g. a budget inside the engine: undecided, for a TA
            return self.verdict(
                "needs_review",
                0.0,
                f"Your answer was read as ${self.read_as}$, but it could not be checked "
                f"automatically ({exc.message}); a TA will review it.",
                "undecided",
            )

    def relational(self, parsed: Any, reference: Any | None) -> QuestionVerdict:
        """A claim such as ``\\epsilon > 0``: compared with a relational reference, else for a TA.

        Both are moved to one side (``a < b`` is ``b - a > 0``); the same relation with
        equivalent sides (by the engine, exactly) is correct, the reversed strict relation
        incorrect; anything else (a scaled or rearranged claim) is left to a TA.
        """
        what = "a relation" if getattr(parsed, "is_relation", False) else "a value, not a claim"
        review = self.verdict(
            "needs_review",
            0.0,
            f"Your answer was read as ${self.read_as}$, {what}; the checker could not match it with "
            f"the expected {'claim' if reference is not None else 'value'} automatically. A TA will review it.",
            "relation_undecided",
        )
        if reference is None:
            return review
        ours, theirs = _one_sided(parsed), _one_sided(reference)
        if ours is None or theirs is None:
            return review
        try:
            if ours[0] == theirs[0] and self.compare(theirs[1], ours[1], None).outcome == "equivalent":
                same = self.compare(theirs[1], ours[1], None)
                return self.verdict("correct", 1.0, "Correct.", "relation", same)
            if {ours[0], theirs[0]} <= {">", "\\ge"} and self.compare(
                theirs[1], -ours[1], None
            ).outcome == "equivalent":
                opposite = self.compare(theirs[1], -ours[1], None)
                return self.verdict(
                    "incorrect",
                    0.0,
                    f"Your answer ${self.read_as}$ states the opposite of the expected claim.",
                    "relation_reversed",
                    opposite,
                )
        except CheckerError:
            return review
        return review

    def ill_typed_mistake(self, side: KeySide, exc: ShapeError) -> QuestionVerdict | None:
        """An ill-typed answer that is one of the key's ill-typed mistakes, read untyped.

        Both are read with every matrix and vector symbol a k×k matrix; equivalent (by the same
        cascade, random exact entries) at every k of UNTYPED_SIZES is a match.  Undecided or
        unreadable at any k is no match.  The verdict is the mistake's: ``incorrect``, its share.
        """
        if not side.ill_typed:
            return None
        read = self.engine.parse_key or self.engine.parse
        mine: dict[int, Any] = {}  # k → the answer read untyped at k: once, whatever the mistakes
        for mistake in side.ill_typed:
            found: Equivalence | None = None
            for k in UNTYPED_SIZES:
                table, options = untyped_table(self.q.symbols, k), untyped_options(self.q.options)
                if k not in mine:
                    try:
                        mine[k] = self.untyped_value(table, options)
                    except CheckerError:
                        return None  # the answer has no untyped reading at k: it matches no mistake
                try:
                    wrong = _value(read(mistake.answer, table, options=options))
                    found = self.engine.compare(wrong, mine[k], table, config=self.config, definitions=None)
                except CheckerError:
                    found = None
                if found is None or found.outcome != "equivalent":
                    found = None
                    break
            if found is not None:
                sizes = ", ".join(f"{k}×{k}" for k in UNTYPED_SIZES)
                verdict = self.verdict("incorrect", mistake.score, mistake.feedback, mistake.tag)
                return replace(
                    verdict,
                    method="untyped",
                    evidence=f"ill-typed ({exc.message.split('; fix:', 1)[0]}); read with every matrix square "
                    f"({sizes}) it equals the known mistake {mistake.tag}: {found.evidence}",
                )
        return None

    def untyped_value(self, table: SymbolTable, options: Any) -> Any:
        """The answer read untyped: its last side; when the whole does not read untyped (a
        left side such as ``\\nabla_w J(w)`` that has no untyped value), the text after its last
        ``=`` (a linear split; the result only ever matches a mistake, worth less than full marks)."""
        try:
            return self.engine.parse(self.answer, table, options=options).sides[-1]
        except CheckerError:
            head, equals, last = self.answer.rpartition("=")
            if not equals or not head.strip():
                raise
            return self.engine.parse(last, table, options=options).sides[-1]

    def is_target(self, expr: Any, side: KeySide) -> bool:
        if side.target is None:
            return False
        if expr == side.target:
            return True
        if _name(expr) is not None and _name(expr) == side.target_name:
            return True
        try:
            return self.compare(side.target, expr, None, readable=False).outcome == "equivalent"
        except CheckerError:
            return False

    def candidate(self, sides: tuple[Any, ...], side: KeySide) -> Any:
        """The value the answer gives, or a verdict when it gives none."""
        if len(sides) == 1:
            self.value_side = 0
            return sides[0]
        if self.is_target(sides[0], side):
            self.value_side = len(sides) - 1
            return sides[-1]
        if self.is_target(sides[-1], side):
            self.value_side = 0
            return sides[0]
        names = {_name(s) for s in _free(sides)}
        if side.target_name is None or side.target_name not in names:
            self.value_side = len(sides) - 1
            return sides[-1]  # a chain of equal expressions: its last side is the answer
        target_spec = (
            self.q.symbols.symbol(side.target_name) if self.q.symbols.has(side.target_name) else None
        )
        if target_spec is None or target_spec.is_matrix:
            return self.verdict(
                "needs_review",
                0.0,
                f"Your answer was read as ${self.read_as}$: an equation in {self.q.target} that does not "
                f"state {self.q.target} = ...; write the closed form. A TA will review it.",
                "unsolved_equation",
            )
        solutions = tuple(self.engine.solve_for(sides, side.target, self.q.symbols, config=self.config))
        if len(solutions) == 1:
            solved = self.engine.to_latex(solutions[0], self.q.symbols)
            self.note = f"solved for {self.q.target}: {self.q.target} = {solved}; "
            return solutions[0]
        if not solutions:
            # solve_for gives () both for "no admissible root" and "too hard to solve": a TA decides.
            return self.verdict(
                "needs_review",
                0.0,
                f"Your answer was read as ${self.read_as}$: an equation in {self.q.target} that the checker "
                f"could not solve for {self.q.target} under the question's assumptions; write "
                f"{self.q.target} = ... A TA will review it.",
                "no_solution",
            )
        shown = ", ".join(self.engine.to_latex(s, self.q.symbols) for s in solutions)
        return self.verdict(
            "needs_review",
            0.0,
            f"Your answer was read as ${self.read_as}$; it allows several values of {self.q.target} "
            f"({shown}): state which one. A TA will review it.",
            "several_solutions",
        )

    def decide(self, candidate: Any, side: KeySide) -> QuestionVerdict:
        reference = self.compare(side.reference, candidate, side.definitions)
        matched = reference if reference.outcome == "equivalent" else None
        for form in side.accepted:
            if matched is not None:
                break
            other = self.compare(form, candidate, side.definitions, readable=False)
            if other.outcome == "equivalent":
                matched = other
        if matched is not None:
            unevaluated = self.unevaluated(matched)
            if unevaluated is not None:
                return unevaluated
            used = sorted({n for n in (_name(s) for s in _free((candidate,))) if n in self.q.forbid})
            if used:
                names = ", ".join(self._latex_name(n) for n in used)
                return self.verdict(
                    "incorrect",
                    0.0,
                    self.q.forbid_feedback
                    or f"Your answer is equivalent but still uses {names}; the question asks for it without.",
                    "uses_forbidden_symbol",
                    matched,
                )
            required = self.q.required
            if required is not None and not in_form(candidate, side.required):
                return self.verdict(
                    "incorrect",
                    required.share,
                    required.feedback
                    or f"Your answer is equivalent but not in the required form {required.forms[0]}.",
                    "not_required_form",
                    matched,
                )
            return self.verdict("correct", 1.0, "Correct.", "correct", matched)
        follow = self.follow_through(candidate, side)
        if follow is not None:
            return follow
        for mistake, wrong in side.mistakes:
            found = self.compare(wrong, candidate, side.definitions, readable=False)
            if found.outcome == "equivalent":
                return self.verdict("incorrect", mistake.score, mistake.feedback, mistake.tag, found)
        if reference.outcome == "undecided":
            return self.verdict(
                "needs_review",
                0.0,
                f"Your answer was read as ${self.read_as}$; the checker could not decide whether it "
                f"equals the expected answer ({reference.evidence}). A TA will review it.",
                "undecided",
                reference,
            )
        if reference.method == "shape":
            return self.verdict(
                "incorrect",
                0.0,
                f"Your answer was read as ${self.read_as}$, but its shapes do not match the expected "
                f"answer: {reference.evidence}",
                "shape_mismatch",
                reference,
            )
        at = ""
        if reference.counterexample and "refuted at" not in reference.evidence:
            at = " For example at " + ", ".join(f"{k} = {v}" for k, v in reference.counterexample) + "."
        return self.verdict(
            "incorrect",
            0.0,
            f"Your answer was read as ${self.read_as}$, which is not equal to the expected answer: "
            f"{reference.evidence}.{at}",
            "incorrect",
            reference,
        )

    def unevaluated(self, matched: Equivalence) -> QuestionVerdict | None:
        """An equivalent answer whose value side still applies an operator: not ``correct``."""
        applied_in = getattr(self.parsed, "applied", None)
        if applied_in is None:
            return None
        applied = set(applied_in(self.value_side))
        banned = sorted(applied & set(self.q.unevaluated))
        if banned:
            return self.verdict(
                "incorrect",
                0.0,
                f"Your answer still applies the {' and the '.join(banned)} (read as ${self.read_as}$): "
                "evaluate it; the question asks for the result in closed form.",
                "unevaluated_operator",
                matched,
            )
        left = sorted(applied & set(OPERATORS))
        if left:
            return self.verdict(
                "needs_review",
                0.0,
                f"Your answer still applies the {' and the '.join(left)}: evaluate it and write the "
                "result; a TA will review it.",
                "unevaluated_operator",
                matched,
            )
        return None

    def follow_through(self, candidate: Any, side: KeySide) -> QuestionVerdict | None:
        ft: FollowThrough | None = self.q.follow_through
        if ft is None or side.follow_reference is None or side.follow_symbol is None:
            return None
        earlier = self.prior.get(ft.source)
        if earlier is None or not earlier.strip():
            return None
        try:
            parsed = self.engine.parse(earlier, side.follow_table, options=self.q.options)
        except CheckerError:
            return None  # an unreadable earlier answer earns no follow-through
        value = scalar(parsed.sides[-1])
        expected = side.follow_reference.xreplace({side.follow_symbol: value})
        # The expected value holds this student's earlier answer: not the key's fixed side.
        found = self.compare(expected, candidate, side.follow_definitions, from_key=False)
        if found.outcome != "equivalent":
            return None
        source = ft.source
        if self.key is not None:
            with_prompt = self.key.question(source).prompt
            source = f"{ft.source} ({with_prompt})" if with_prompt else ft.source
        credit = "full credit" if ft.share >= 1.0 else f"{ft.share:.0%} of the points"
        return self.verdict(
            "correct" if ft.share >= 1.0 else "incorrect",
            ft.share,
            f"Your answer is right given your answer to question {source}, which was wrong: "
            f"follow-through, {credit}.",
            "follow_through",
            found,
        )

    def _latex_name(self, name: str) -> str:
        return self.q.symbols.symbol(name).latex if self.q.symbols.has(name) else name


def _free(exprs: tuple[Any, ...]) -> set[Any]:
    out: set[Any] = set()
    for expr in exprs:
        out |= set(getattr(expr, "free_symbols", ()))
    return out


def scalar(value: Any) -> Any:
    """A 1×1 matrix expression (an earlier answer read in a 1-D question) as a scalar.

    Args:
        value: a SymPy expression.

    Returns:
        Its single entry when it is a 1×1 matrix, else ``value`` unchanged.

    >>> import sympy
    >>> scalar(sympy.Matrix([[3]])), scalar(sympy.Integer(4))
    (3, 4)
    """
    if getattr(value, "is_Matrix", False) and getattr(value, "shape", None) == (1, 1):
        return value[0, 0]
    return value
