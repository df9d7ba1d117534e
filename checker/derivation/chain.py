"""Reference derivations as SymPy step chains, and the prover that checks every step.

A derivation is a tuple of :class:`Step`; each step makes a claim (an expression, an equation, a
matrix equation or an inequality) and names the *rule* by which it follows from an earlier step.
:func:`prove` checks every step against the steps before it and returns a frozen
:class:`DerivationReport`: each step ``given``, ``proved`` or ``failed``, with the method (general
or concrete dimensions) and the reason.

Rules (``Step.rule``):

``given``
    a premise of the problem (the objective, an assumption ``x·Xᵀt > 0``); not checked.
``definition``
    ``name = value`` with a fresh ``name``; later steps may use it, and checks substitute it.
``equivalent``
    same value (expressions) or the same equation as ``ref``; with ``by`` the equation is ``by``
    times ``ref`` (``by`` must be a nonzero scalar); with ``using`` the check holds in every sign
    case allowed by those premises.
``implies``
    follows from the equation ``ref``: left-multiplied by ``by`` (always a valid implication), or
    solved for ``solve_for`` (the claimed value must be the unique solution under the symbols'
    assumptions, verified by substituting it back).
``derivative``
    the value equals d(value of ``ref``)/d``wrt``, by SymPy's (matrix) calculus.
``stationary``
    ``g = 0`` where ``g`` is d(value of ``ref``)/d``wrt``: the first-order condition of a minimum.
``expectation`` / ``variance``
    the value equals E / Var of the value of ``ref`` over the derivation's ``noise``, derived from
    the distributions by sympy.stats (linearity, independence across the summation index).
``positive``
    ``e > 0``, proved from SymPy's assumptions in every sign case the premises ``using`` allow.
``coefficient``
    the value equals the coefficient of ``of`` in the value of ``ref``.

A step whose reference failed is checked against that reference's own reference when the failed
step was a plain ``equivalent`` step (it claimed the same thing), so one wrong step is reported
once instead of failing everything after it.

What is *not* checked, by design: ``given`` steps; that a matrix written as an inverse is
invertible (multiplying by ``A⁻¹`` presupposes it); that a ``stationary`` point is a minimum
(convexity).  The justification should say why those hold.  SymPy itself checks concrete shapes
when an expression is built; symbolic shapes (``n×d`` times ``n×d``) are checked by :func:`prove`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import sympy
import sympy.stats
from sympy.matrices.expressions.matexpr import MatrixElement

from checker.derivation import rules as _prove
from checker.derivation.rules import MatrixEquation, ProofOutcome, Sizes
from checker.errors import DerivationError

__all__ = [
    "RULES",
    "Derivation",
    "DerivationReport",
    "MatrixEquation",
    "Noise",
    "Rule",
    "Step",
    "StepProof",
    "StepStatus",
    "prove",
]

Rule = Literal[
    "given",
    "definition",
    "equivalent",
    "implies",
    "derivative",
    "stationary",
    "expectation",
    "variance",
    "positive",
    "coefficient",
]
RULES: tuple[Rule, ...] = get_args(Rule)
StepStatus = Literal["given", "proved", "failed"]
Distribution = Literal["bernoulli", "normal"]


@dataclass(frozen=True)
class Noise:
    """An i.i.d. family of noise variables: ``family[j]`` (or ``family[i, j]``) ~ distribution.

    Attributes:
        family: the ``sympy.IndexedBase`` whose members are the noise variables (``m``, ``pi``).
        distribution: ``bernoulli`` (params: success probability) or ``normal`` (mean, std).
        params: the distribution's parameters as SymPy expressions.
    """

    family: sympy.IndexedBase
    distribution: Distribution
    params: tuple[Any, ...]

    def random_symbol(self) -> Any:
        """The sympy.stats random symbol with this distribution (its moments come from it)."""
        name = f"{self.family.label}_rv"
        if self.distribution == "bernoulli":
            return sympy.stats.Bernoulli(name, *self.params)
        return sympy.stats.Normal(name, *self.params)


@dataclass(frozen=True)
class Step:
    """One claim of a derivation and how it follows.

    Attributes:
        claim: a scalar expression, a matrix expression, ``sympy.Eq``, a :class:`MatrixEquation`
            or a strict inequality (``sympy.Gt``) for ``given`` and ``positive`` steps.
        justification: one line for people (``differentiate``, ``collect w``...).
        rule: how the prover checks it (see the module docstring and :data:`RULES`).
        ref: 1-based index of the step it follows from; None for the previous step.
        wrt: the variable of a ``derivative`` or ``stationary`` step.
        by: the factor of an ``equivalent`` or ``implies`` step (multiplied on the left).
        solve_for: the unknown of an ``implies`` step that solves an equation.
        using: 1-based indices of premises (inequalities) the check may use.
        of: the term whose coefficient a ``coefficient`` step reads.
    """

    claim: Any
    justification: str
    rule: Rule
    ref: int | None = None
    wrt: Any = None
    by: Any = None
    solve_for: Any = None
    using: tuple[int, ...] = ()
    of: Any = None


@dataclass(frozen=True)
class Derivation:
    """A reference derivation: named steps over declared symbols.

    Attributes:
        name: module name in ``derivations/`` (``q1_2_2``).
        question: the key's question id (``1.2.2``).
        title: one line for people.
        symbols: every symbol the claims may use (Symbols, MatrixSymbols, IndexedBases, indices).
        steps: the chain.
        dimensions: the dimension symbols (``n``, ``d``) in the order of ``concrete``.
        concrete: dimension values tried when SymPy cannot decide at general dimensions; include
            n > d and n < d.  None: ``((3, 2), (2, 3), (1, 1))`` for two dimensions,
            ``((1,), (2,), (3,))`` for one, ``((),)`` for none.
        noise: i.i.d. noise families for ``expectation`` and ``variance`` steps.
        answer_step: 1-based index of the step whose value answers the question (None: the last).
        latex_names: ``(symbol name, LaTeX)`` pairs for the report (``("x_adv", "x'")``).
    """

    name: str
    question: str
    title: str
    symbols: tuple[Any, ...]
    steps: tuple[Step, ...]
    dimensions: tuple[sympy.Symbol, ...] = ()
    concrete: tuple[tuple[int, ...], ...] | None = None
    noise: tuple[Noise, ...] = ()
    answer_step: int | None = None
    latex_names: tuple[tuple[str, str], ...] = ()

    @property
    def trial_dimensions(self) -> tuple[tuple[int, ...], ...]:
        """``concrete``, or its default for the number of dimension symbols (empty if none fits)."""
        if self.concrete is not None:
            return tuple(self.concrete)
        defaults: dict[int, tuple[tuple[int, ...], ...]] = {
            0: ((),),
            1: ((1,), (2,), (3,)),
            2: ((3, 2), (2, 3), (1, 1)),
        }
        return defaults.get(len(self.dimensions), ())

    @property
    def answer(self) -> Any:
        """The value of the answer step (the right side of an equation)."""
        index = self.answer_step if self.answer_step is not None else len(self.steps)
        return _prove.value_of(self.steps[index - 1].claim)


@dataclass(frozen=True)
class StepProof:
    """The prover's finding about one step.

    Attributes:
        index: 1-based position in the derivation.
        status: ``given``, ``proved`` or ``failed``.
        justification: the step's justification as written.
        claim: LaTeX of the claim.
        method: how it was decided (``symbolic at general dimensions``, ``symbolic at concrete
            dimensions (n, d) in {...} with symbolic entries``, ...).
        reason: why it is proved or why it failed (the residual, the dimensions).
    """

    index: int
    status: StepStatus
    justification: str
    claim: str
    method: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        """``{"index", "status", "justification", "claim", "method", "reason"}``."""
        return {
            "index": self.index,
            "status": self.status,
            "justification": self.justification,
            "claim": self.claim,
            "method": self.method,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class DerivationReport:
    """Every step of one derivation, proved or not."""

    name: str
    question: str
    title: str
    steps: tuple[StepProof, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when no step failed."""
        return all(step.status != "failed" for step in self.steps)

    @property
    def failed(self) -> tuple[int, ...]:
        """1-based indices of the failed steps."""
        return tuple(step.index for step in self.steps if step.status == "failed")

    def to_json(self) -> dict[str, Any]:
        """``{"name", "question", "title", "steps": [...]}`` for ``derivcheck verify``."""
        return {
            "name": self.name,
            "question": self.question,
            "title": self.title,
            "steps": [step.to_json() for step in self.steps],
        }


def prove(derivation: Derivation) -> DerivationReport:
    """Check every step of ``derivation`` against the steps before it.

    Args:
        derivation: the chain to check.

    Returns:
        A :class:`DerivationReport` with one :class:`StepProof` per step.

    Raises:
        DerivationError: for a malformed derivation (a claim that is not an expression or an
            equation, an ill-typed matrix expression, an unknown symbol or rule, a bad reference),
            naming the derivation, the step and what is wrong.

    >>> a, b = sympy.symbols("a b", real=True)
    >>> chain = Derivation("demo", "0", "demo", (a, b), (
    ...     Step(sympy.Eq(a, (b + 1) ** 2), "given", "given"),
    ...     Step(sympy.Eq(a, b**2 + 2 * b + 1), "expand the square", "equivalent"),
    ... ))
    >>> [s.status for s in prove(chain).steps]
    ['given', 'proved']
    """
    return _Prover(derivation).run()


_CAN_FAIL = (TypeError, ValueError, NotImplementedError, AttributeError, sympy.matrices.exceptions.ShapeError)


class _Prover:
    """One run of :func:`prove`: state lives here, never at module level."""

    def __init__(self, derivation: Derivation) -> None:
        self.der = derivation
        self.sizes = Sizes(tuple(derivation.dimensions), derivation.trial_dimensions)
        self.known: set[Any] = set(derivation.symbols) | set(derivation.dimensions)
        # An indexed family appears in free_symbols through its label Symbol.
        self.known |= {b.label for b in derivation.symbols if isinstance(b, sympy.IndexedBase)}
        self.defs: dict[Any, Any] = {}
        self.seen: set[Any] = set()
        self.proofs: list[StepProof] = []
        self.noise: dict[Any, Any] = {}

    # -- errors and bookkeeping ------------------------------------------------------------

    def error(self, index: int | None, message: str) -> DerivationError:
        where = f"Derivation error in derivations/{self.der.name}.py (question {self.der.question})"
        head = f"step {index}: " if index is not None else ""
        return DerivationError(head + message, where=where)

    def expand(self, expr: Any) -> Any:
        """Substitute every definition and named result (values are stored already expanded).

        Sums get canonical bound variables, so ``(X.T*t)[0, 0]`` built twice (SymPy gives each a
        fresh Dummy index) is one object to every later substitution and sign case.
        """
        if not isinstance(expr, sympy.Basic):
            return expr
        out = expr.xreplace(self.defs) if self.defs else expr
        # One spelling for an entry of a product, evaluated or not: the canonical sum.
        out = out.replace(
            lambda e: isinstance(e, MatrixElement) and not isinstance(e.parent, sympy.MatrixSymbol),
            lambda e: e.doit(),
        )
        return _prove.canonical_sums(out)

    # -- validation ------------------------------------------------------------------------

    def validate_derivation(self) -> None:
        der = self.der
        if not der.steps:
            raise self.error(None, "expected at least one step, found steps=()")
        if der.answer_step is not None and not 1 <= der.answer_step <= len(der.steps):
            raise self.error(
                None, f"expected answer_step in 1..{len(der.steps)}, found answer_step={der.answer_step}"
            )
        for noise in der.noise:
            if noise.family not in der.symbols:
                raise self.error(
                    None, f"expected the noise family {noise.family} to be declared in Derivation.symbols"
                )
            if noise.distribution not in get_args(Distribution):
                raise self.error(
                    None, f"expected a distribution in {get_args(Distribution)}, found {noise.distribution!r}"
                )
        concrete = self.sizes.concrete
        if not concrete or any(len(vals) != len(der.dimensions) for vals in concrete):
            raise self.error(
                None,
                f"expected concrete to be a non-empty tuple of {len(der.dimensions)}-tuples (one value per "
                f"dimension {der.dimensions}), found concrete={der.concrete}",
            )

    def validate(self, index: int, step: Step) -> None:
        if not isinstance(step, Step):
            raise self.error(index, f"expected a Step, found {type(step).__name__}: {step!r}")
        if step.rule not in RULES:
            raise self.error(
                index, f"expected rule to be one of {', '.join(RULES)}; found rule={step.rule!r}"
            )
        if not isinstance(step.justification, str) or not step.justification.strip():
            raise self.error(index, "expected a one-line justification, found an empty one")
        claim = step.claim
        if isinstance(claim, sympy.logic.boolalg.BooleanAtom):
            raise self.error(
                index,
                f"expected an expression or an equation, found claim={claim}: SymPy decided the equation "
                "from the symbols' assumptions (it can never hold, or always holds); for matrices write "
                "MatrixEquation(lhs, rhs)",
            )
        if not isinstance(claim, MatrixEquation | sympy.Expr | sympy.Eq | sympy.StrictGreaterThan):
            raise self.error(
                index,
                f"expected an expression, an equation or an inequality e > 0, found claim={claim!r} "
                f"of type {type(claim).__name__}",
            )
        if isinstance(claim, sympy.Eq) and any(_prove.is_matrix(side) for side in (claim.lhs, claim.rhs)):
            raise self.error(
                index, f"expected MatrixEquation(lhs, rhs) for a matrix equation, found sympy.Eq: {claim}"
            )
        if isinstance(claim, sympy.StrictGreaterThan) and step.rule not in ("given", "positive"):
            raise self.error(
                index, f"expected an inequality only in a given or positive step, found rule={step.rule!r}"
            )
        parts = _prove.claim_parts(claim)
        for part in parts:
            if not isinstance(part, sympy.Basic):
                raise self.error(index, f"expected SymPy sides, found {part!r} of type {type(part).__name__}")
            problem = _prove.shape_problem(part)
            if problem:
                raise self.error(index, f"shape mismatch: {problem}")
        if isinstance(claim, MatrixEquation):
            lhs, rhs = claim.lhs, claim.rhs
            if not (rhs == 0 or lhs == 0 or _prove.same_shape(lhs, rhs)):
                raise self.error(
                    index,
                    f"shape mismatch: expected both sides of the equation to have one shape, found "
                    f"{getattr(lhs, 'shape', 'scalar')} and {getattr(rhs, 'shape', 'scalar')}",
                )
        self.validate_names(index, step)
        self.validate_fields(index, step)

    def label_of(self, step: Step) -> Any:
        """The name a step introduces: a definition's left side, or a fresh name ``g = ...``."""
        claim = step.claim
        if not _prove.is_equation(claim) or not isinstance(claim.lhs, sympy.Symbol | sympy.MatrixSymbol):
            return None
        lhs = claim.lhs
        if lhs in self.seen or lhs in self.defs:
            return None
        if step.rule == "definition" or lhs not in self.known:
            return lhs
        return None

    def validate_names(self, index: int, step: Step) -> None:
        label = self.label_of(step)
        used: set[Any] = set()
        for part in _prove.claim_parts(step.claim):
            used |= _prove.names(part)
        for extra in (step.wrt, step.by, step.solve_for, step.of):
            used |= _prove.names(extra)
        allowed = self.known | set(self.defs) | ({label} if label is not None else set())
        unknown = sorted(str(s) for s in used - allowed)
        if unknown:
            raise self.error(
                index,
                f"expected symbols declared in Derivation.symbols (or introduced by an earlier step), "
                f"found unknown symbol(s) {', '.join(unknown)}; declare them or fix the spelling/assumptions",
            )
        if step.rule == "definition":
            if label is None:
                raise self.error(
                    index,
                    "expected a definition `name = value` with a name not used by an earlier step, "
                    f"found claim={step.claim}",
                )
            if label in _prove.names(step.claim.rhs):
                raise self.error(index, f"expected the definition of {label} not to use {label} itself")

    def validate_fields(self, index: int, step: Step) -> None:
        refs = ([step.ref] if step.ref is not None else []) + list(step.using)
        for ref in refs:
            if not isinstance(ref, int) or not 1 <= ref < index:
                raise self.error(index, f"expected references to earlier steps 1..{index - 1}, found {ref!r}")
        for ref in step.using:
            if not isinstance(self.der.steps[ref - 1].claim, sympy.StrictGreaterThan):
                raise self.error(
                    index,
                    f"expected `using` to name premises e > 0, found step {ref}: {self.der.steps[ref - 1].claim}",
                )
        needs = {
            "derivative": ("wrt",),
            "stationary": ("wrt",),
            "coefficient": ("of",),
        }
        for name in needs.get(step.rule, ()):
            if getattr(step, name) is None:
                raise self.error(index, f"expected a {step.rule} step to give {name}=..., found none")
        if step.rule not in {"given", "definition"} and index == 1:
            raise self.error(
                index, f"expected the first step to be given or a definition, found rule={step.rule!r}"
            )
        if step.rule == "implies" and (step.by is None) == (step.solve_for is None):
            raise self.error(
                index, "expected an implies step to give exactly one of by=... (multiply) or solve_for=..."
            )
        if step.by is not None and step.rule not in ("equivalent", "implies"):
            raise self.error(
                index, f"expected by=... only on equivalent or implies steps, found rule={step.rule!r}"
            )
        if step.rule == "equivalent" and step.by is not None and _prove.is_matrix(step.by):
            raise self.error(
                index,
                "expected a nonzero scalar `by` in an equivalent step; multiply by a matrix with rule implies",
            )
        if step.rule == "positive" and not isinstance(step.claim, sympy.StrictGreaterThan):
            raise self.error(index, f"expected a positive step to claim e > 0, found {step.claim}")
        if step.rule == "stationary" and not (_prove.is_equation(step.claim) and step.claim.rhs == 0):
            raise self.error(index, f"expected a stationary step to claim `gradient = 0`, found {step.claim}")
        if step.solve_for is not None and not isinstance(step.solve_for, sympy.Symbol):
            raise self.error(
                index,
                f"expected solve_for to be a scalar Symbol, found {step.solve_for!r}; for a matrix unknown "
                "multiply by the inverse with by=...",
            )
        if (
            step.rule == "implies"
            and step.solve_for is not None
            and not (isinstance(step.claim, sympy.Eq) and step.claim.lhs == step.solve_for)
        ):
            raise self.error(
                index,
                f"expected `{step.solve_for} = value` when solving for {step.solve_for}, found {step.claim}",
            )
        if step.rule in ("expectation", "variance") and not self.noise:
            raise self.error(index, f"expected Derivation.noise for a {step.rule} step, found none")
        if step.rule not in ("given", "definition", "positive"):
            ref_claim = self.der.steps[(step.ref or index - 1) - 1].claim
            if isinstance(ref_claim, sympy.StrictGreaterThan):
                raise self.error(
                    index,
                    f"expected a {step.rule} step to follow from an expression or equation, found the "
                    f"premise {ref_claim}; name premises with using=(...) and the step it follows with ref=",
                )
        if step.rule == "implies":
            ref = self.der.steps[(step.ref or index - 1) - 1].claim
            if not _prove.is_equation(ref):
                raise self.error(
                    index, f"expected an implies step to follow from an equation, found the reference {ref}"
                )

    # -- the run ----------------------------------------------------------------------------

    def run(self) -> DerivationReport:
        # Validate every step before proving any, so a malformed step is reported at once.
        self.validate_derivation()
        self.noise = {nz.family: nz.random_symbol() for nz in self.der.noise}
        for index, step in enumerate(self.der.steps, start=1):
            self.validate(index, step)
            self.advance(step, self.label_of(step))
        self.defs, self.seen = {}, set()
        for index, step in enumerate(self.der.steps, start=1):
            label = self.label_of(step)
            if step.rule in ("given", "definition"):
                what = "definition" if step.rule == "definition" else "premise"
                outcome = ProofOutcome(True, "taken as given", f"{what} of the problem")
                status: StepStatus = "given"
            else:
                try:
                    outcome = self.check(index, step)
                except _CAN_FAIL as exc:
                    outcome = ProofOutcome(
                        False, "not decided", f"SymPy could not check this step: {type(exc).__name__}: {exc}"
                    )
                status = "proved" if outcome.ok else "failed"
            self.proofs.append(
                StepProof(
                    index,
                    status,
                    step.justification,
                    _prove.claim_latex(step.claim, dict(self.der.latex_names)),
                    outcome.method,
                    outcome.reason,
                )
            )
            self.advance(step, label)
        return DerivationReport(self.der.name, self.der.question, self.der.title, tuple(self.proofs))

    def advance(self, step: Step, label: Any) -> None:
        """Record the name a step introduces (with its value, definitions substituted) and its symbols."""
        if label is not None:
            value = self.expand(step.claim.rhs)
            self.defs = {k: v.xreplace({label: value}) for k, v in self.defs.items()}
            self.defs[label] = value
        for part in _prove.claim_parts(step.claim):
            self.seen |= _prove.names(part)

    def resolve_ref(self, index: int, step: Step) -> tuple[int, str]:
        ref = step.ref if step.ref is not None else index - 1
        note = ""
        while ref >= 1 and self.proofs[ref - 1].status == "failed":
            failed = self.der.steps[ref - 1]
            if failed.rule != "equivalent" or failed.by is not None or failed.using:
                break
            nxt = failed.ref if failed.ref is not None else ref - 1
            note = f" (step {ref} failed; checked against step {nxt}, which it restates)"
            ref = nxt
        return ref, note

    def check(self, index: int, step: Step) -> ProofOutcome:
        ref_index, note = self.resolve_ref(index, step)
        ref = self.der.steps[ref_index - 1]
        checker = getattr(self, f"check_{step.rule}")
        outcome: ProofOutcome = checker(step, ref)
        return ProofOutcome(outcome.ok, outcome.method, outcome.reason + note)

    def premises(self, step: Step) -> list[Any]:
        return [self.expand(_prove.residual_gt(self.der.steps[k - 1].claim)) for k in step.using]

    def zero(self, expr: Any, step: Step, what: str = "the difference") -> ProofOutcome:
        if not step.using:
            return _prove.prove_zero(expr, self.sizes, what=what)
        cases = _prove.sign_cases(self.premises(step))
        last = ProofOutcome(True, "symbolic at general dimensions", "")
        for case in cases:
            last = _prove.prove_zero(expr.xreplace(case), self.sizes, what=what)
            if not last.ok:
                return ProofOutcome(False, last.method, last.reason + " in a sign case the premises allow")
        steps = ", ".join(str(k) for k in step.using)
        return ProofOutcome(
            True,
            last.method,
            f"{last.reason} in each of the {len(cases)} sign cases allowed by step(s) {steps}",
        )

    def compare(self, claim_value: Any, target: Any, step: Step, what: str) -> ProofOutcome:
        if not _prove.same_shape(claim_value, target) and not (
            _prove.is_matrix(claim_value) and _prove.is_matrix(target)
        ):
            return ProofOutcome(False, "shape check", f"{what}: a scalar and a matrix cannot be equal")
        if _prove.is_matrix(claim_value) and not _prove.same_shape(claim_value, target):
            return ProofOutcome(
                False, "shape check", f"{what}: shapes differ, {claim_value.shape} vs {target.shape}"
            )
        return self.zero(claim_value - target, step, what)

    # -- one method per rule ----------------------------------------------------------------

    def check_equivalent(self, step: Step, ref: Step) -> ProofOutcome:
        claim = step.claim
        both_equations = (
            _prove.is_equation(claim) and _prove.is_equation(ref.claim) and self.label_of(step) is None
        )
        if not both_equations:
            return self.compare(
                self.expand(_prove.value_of(claim)),
                self.expand(_prove.value_of(ref.claim)),
                step,
                "the value differs from the reference's",
            )
        mine = self.expand(_prove.residual(claim))
        theirs = self.expand(_prove.residual(ref.claim))
        if step.by is not None:
            nonzero = self.nonzero(step.by, step)
            if not nonzero.ok:
                return nonzero
            outcome = self.compare(
                mine,
                _prove.distribute(self.expand(step.by), theirs),
                step,
                "(lhs - rhs) - by·(reference's lhs - rhs)",
            )
            return ProofOutcome(outcome.ok, outcome.method, f"{outcome.reason}; {nonzero.reason}")
        direct = self.compare(mine, theirs, step, "(lhs - rhs) - (reference's lhs - rhs)")
        if direct.ok:
            return direct
        swapped = self.compare(mine, -theirs, step, "the equation with its sides swapped")
        return swapped if swapped.ok else direct

    def nonzero(self, factor: Any, step: Step) -> ProofOutcome:
        factor = self.expand(factor)
        cases = _prove.sign_cases(self.premises(step)) if step.using else [{}]
        for case in cases:
            value = sympy.sympify(factor).xreplace(case)
            if value.is_nonzero is not True and sympy.simplify(value).is_nonzero is not True:
                return ProofOutcome(
                    False,
                    "assumptions",
                    f"cannot show that {factor} is nonzero from the assumptions and premises",
                )
        return ProofOutcome(True, "assumptions", f"{factor} is nonzero under the assumptions")

    def check_implies(self, step: Step, ref: Step) -> ProofOutcome:
        theirs = self.expand(_prove.residual(ref.claim))
        if step.by is not None:
            mine = self.expand(_prove.residual(step.claim))
            outcome = self.compare(
                mine,
                _prove.distribute(self.expand(step.by), theirs),
                step,
                "(lhs - rhs) - by·(reference's lhs - rhs)",
            )
            if outcome.ok:
                return ProofOutcome(
                    True,
                    outcome.method,
                    f"{outcome.reason}: the claim is the reference multiplied on the left by {step.by}",
                )
            return outcome
        unknown = step.solve_for
        value = self.expand(step.claim.rhs)
        # Entries of products and sums are constants to solve(); hide them so it cannot rewrite
        # them (it would evaluate (Xᵀt)₀₀ into a sum that no premise mentions).
        hidden = {a: sympy.Dummy("c") for a in theirs.atoms(MatrixElement, sympy.Sum)}
        solutions = sympy.solve(theirs.xreplace(hidden), unknown, dict=False)
        if isinstance(solutions, list):
            unhide = {v: k for k, v in hidden.items()}
            solutions = [sympy.sympify(sol).xreplace(unhide) for sol in solutions]
        if not isinstance(solutions, list) or len(solutions) != 1:
            return ProofOutcome(
                False, "sympy.solve", f"expected one solution for {unknown}, found {solutions}"
            )
        match = self.compare(value, solutions[0], step, f"the claimed value minus the solution for {unknown}")
        if not match.ok:
            return match
        back = self.zero(
            theirs.xreplace({unknown: value}), step, "the reference with the value substituted back"
        )
        if not back.ok:
            return back
        denominator = sympy.denom(sympy.together(value))
        if denominator == 1:
            safe = ProofOutcome(True, "assumptions", "the solution divides by nothing")
        else:
            safe = self.nonzero(denominator, step)
        if not safe.ok:
            return ProofOutcome(False, "sympy.solve", f"the solution divides by {denominator}: {safe.reason}")
        return ProofOutcome(
            True,
            match.method,
            f"the unique solution for {unknown} under its assumptions; verified by substituting it back; {safe.reason}",
        )

    def check_derivative(self, step: Step, ref: Step) -> ProofOutcome:
        target = _prove.derivative(self.expand(_prove.value_of(ref.claim)), step.wrt)
        return self.compare(
            self.expand(_prove.value_of(step.claim)),
            target,
            step,
            f"the claim minus d/d{step.wrt} of the reference",
        )

    def check_stationary(self, step: Step, ref: Step) -> ProofOutcome:
        target = _prove.derivative(self.expand(_prove.value_of(ref.claim)), step.wrt)
        outcome = self.compare(
            self.expand(step.claim.lhs), target, step, f"the left side minus d/d{step.wrt} of the reference"
        )
        if not outcome.ok:
            return outcome
        return ProofOutcome(
            True,
            outcome.method,
            f"{outcome.reason}: the gradient of the reference's objective, set to 0 (first-order condition)",
        )

    def check_expectation(self, step: Step, ref: Step) -> ProofOutcome:
        return self.moment_check(step, ref, _prove.expectation, "E")

    def check_variance(self, step: Step, ref: Step) -> ProofOutcome:
        return self.moment_check(step, ref, _prove.variance, "Var")

    def moment_check(self, step: Step, ref: Step, compute: Any, name: str) -> ProofOutcome:
        source = self.expand(_prove.value_of(ref.claim))
        claim_value = self.expand(_prove.value_of(step.claim))
        found = compute(source, self.noise, self.sizes)
        laws = ", ".join(
            f"{nz.family} ~ {nz.distribution.capitalize()}({', '.join(map(str, nz.params))})"
            for nz in self.der.noise
        )
        if isinstance(found, tuple):
            value, method = found
            outcome = self.zero(claim_value - value, step, f"the claim minus {name}[reference]")
            method = method if outcome.method.endswith("general dimensions") else outcome.method
            return ProofOutcome(outcome.ok, f"{method}; moments from sympy.stats ({laws})", outcome.reason)
        for values, exact in found:
            residual = _prove.instantiate(claim_value, self.sizes, values) - exact
            if sympy.simplify(residual) != 0:
                at = ", ".join(f"{s}={v}" for s, v in zip(self.sizes.symbols, values, strict=True))
                return ProofOutcome(
                    False, "exact moments at concrete dimensions", f"{name} differs at {at}: {residual}"
                )
        return ProofOutcome(
            True,
            f"exact moments at concrete dimensions {self.sizes.describe()} ({laws})",
            f"{name}[reference] expanded over independent noise matches at every dimension tried",
        )

    def check_positive(self, step: Step, ref: Step) -> ProofOutcome:
        expr = self.expand(_prove.residual_gt(step.claim))
        cases = _prove.sign_cases(self.premises(step)) if step.using else [{}]
        for case in cases:
            value = expr.xreplace(case)
            if value.is_positive is not True and sympy.simplify(value).is_positive is not True:
                return ProofOutcome(
                    False,
                    "assumptions",
                    f"cannot show {sympy.simplify(value)} > 0 in a sign case the premises allow",
                )
        where = (
            f" in each of the {len(cases)} sign cases allowed by step(s) {', '.join(map(str, step.using))}"
            if step.using
            else ""
        )
        return ProofOutcome(
            True, "symbolic (SymPy assumptions)", f"positive by the symbols' assumptions{where}"
        )

    def check_coefficient(self, step: Step, ref: Step) -> ProofOutcome:
        source = self.expand(_prove.value_of(ref.claim))
        marker = sympy.Dummy("T")
        replaced = sympy.expand(source).subs(sympy.expand(self.expand(step.of)), marker)
        if not replaced.has(marker):
            return ProofOutcome(False, "symbolic", f"the term {step.of} does not occur in the reference")
        coefficient = sympy.diff(replaced, marker)
        if coefficient.has(marker):
            return ProofOutcome(False, "symbolic", f"the reference is not linear in {step.of}")
        return self.compare(
            self.expand(_prove.value_of(step.claim)),
            coefficient,
            step,
            f"the claim minus the coefficient of {step.of}",
        )
