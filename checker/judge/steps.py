"""Checking a chain of steps: which step is the first that does not follow?

Every math line is a step.  A step *follows* when it holds at every random point that satisfies the
steps before it; the table's definitions (``x' := x − εw``) are always carried, by substitution.
Equations are constraints: the latest earlier equation that shares a symbol with the step is solved
for an unknown (the question's target when it can, else a shared symbol it is solvable for) at
random concrete values of everything else, exactly, and the step is tested
at those points: each equality of a chain ``a = b = c`` must hold, for every admissible solution.
Earlier equations on symbols disjoint from that one are solved too, each for its own unknown, so
``a = 2b``, ``c = 3`` ⇒ ``a + c = 2b + 3`` follows; an earlier equation overlapping the latest one
is superseded by it (the chain is checked step to step, not as one system).

Statuses: ``given`` (the first step read, or a condition nothing earlier constrains), ``follows``,
``does_not_follow`` (a refuting point, shapes that do not fit, or a contradiction of the
definitions the step uses), ``unparsed`` (the front end could not read it: the step is skipped and
does not break the chain).  A step that cannot be checked within bounds is ``given`` with a reason
starting "not checked".

A broken step is itself a constraint for the steps after it, so one slip is reported once: in
``a = 0 → b = 0 (a factor dropped) → c = 0``, only the middle step does not follow.

Points are drawn, skipped where undefined and made readable for a refutation by the engine's one
sampling path (:mod:`checker.engine.search`), the same the equivalence cascade uses.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import sympy
from sympy.matrices.expressions.matexpr import MatrixElement

from checker import latex
from checker.caches import memo
from checker.config import EquivalenceConfig, ParseOptions
from checker.engine import (
    NotAffine,
    Point,
    Unsupported,
    Value,
    Variables,
    ZeroTest,
    cycled,
    disagreement,
    first_defined,
    names_in,
    plain_name,
    point_text,
    sampled,
    shape_text,
    simplest,
    sizes_for,
    solve_unknown,
    substitute_definitions,
    value_text,
    variables_in,
)
from checker.errors import CheckerError, ShapeError
from checker.key import Question, SymbolTable
from checker.verdict import StepCheck, StepStatus

__all__ = ["ReadStep", "StepsResult", "check_read_steps", "check_steps", "split_steps"]

_VALUE_CHARS = 120


@dataclass(frozen=True)
class StepsResult:
    """The checked chain: one :class:`~checker.verdict.StepCheck` per step.

    Attributes:
        question: the question id.
        steps: the checked steps, in order (index 1-based).
        first_invalid: index of the first step that does not follow, None when none.
    """

    question: str
    steps: tuple[StepCheck, ...]
    first_invalid: int | None

    def to_json(self) -> dict[str, Any]:
        """The command-line contract's object: ``{"question", "steps", "first_invalid"}``."""
        return {
            "question": self.question,
            "steps": [s.to_json() for s in self.steps],
            "first_invalid": self.first_invalid,
        }


@dataclass(frozen=True)
class ReadStep:
    """One step as read by the front end, before it is checked.

    Attributes:
        latex: the step's text as written.
        sides: the sides (1 = an expression, >= 2 = an equation chain); empty when not read.
        error: the front end's error when the step was not read.
        read_as: the step rendered back to LaTeX, when read.
    """

    latex: str
    sides: tuple[sympy.Basic, ...] = ()
    error: CheckerError | None = field(default=None, compare=False)
    read_as: str | None = None


# ---------------------------------------------------------------------------------------------
# splitting a chain
# ---------------------------------------------------------------------------------------------

_DELIMITERS = re.compile(r"\$\$|\\\[|\\\]|(?<!\\)\$")
_ENVIRONMENT = re.compile(
    r"\\(?:begin|end)\{(?:align|aligned|alignat|gather|gathered|split|eqnarray|equation)\*?\}"
)


def split_steps(text: str) -> tuple[str, ...]:
    """Split a chain into steps: one per line, also at ``\\\\`` outside braces and matrices.

    ``$$``, ``$``, ``\\[ \\]`` and alignment environments are dropped, alignment ``&`` is removed
    (``&=`` reads as ``=``), blank steps are dropped.  Question labels (``1.2.2 \\quad``) are
    kept: the front end reads and drops them.

    Args:
        text: a chain from a file or stdin.

    Returns:
        The steps, in order.

    Raises:
        Nothing: any text splits.

    >>> split_steps("$$a &= b \\\\\\\\ &= c$$\\n\\n\\\\[ d = e \\\\]")
    ('a = b', '= c', 'd = e')
    """
    out: list[str] = []
    for raw in text.splitlines():
        line = _ENVIRONMENT.sub(" ", _DELIMITERS.sub(" ", raw))
        for piece in _split_rows(line):
            step = re.sub(r"\s+", " ", piece).strip()
            if step:
                out.append(step)
    return tuple(out)


def _split_rows(line: str) -> list[str]:
    """Split at ``\\\\`` and drop alignment ``&``, both only outside braces and environments."""
    pieces: list[str] = []
    current: list[str] = []
    depth = env = 0
    i = 0
    while i < len(line):
        if line.startswith("\\begin", i):
            env += 1
        elif line.startswith("\\end", i):
            env = max(0, env - 1)
        outside = depth == 0 and env == 0
        if line.startswith("\\\\", i) and outside:
            pieces.append("".join(current))
            current = []
            i += 2
            continue
        if line[i] == "\\":  # a command or an escaped character: keep the backslash and one char
            current.append(line[i : i + 2])
            i += 2
            continue
        if line[i] == "{":
            depth += 1
        elif line[i] == "}":
            depth = max(0, depth - 1)
        if not (line[i] == "&" and outside):
            current.append(line[i])
        i += 1
    pieces.append("".join(current))
    return pieces


# ---------------------------------------------------------------------------------------------
# checking
# ---------------------------------------------------------------------------------------------


def check_steps(
    lines: Sequence[str],
    question: Question,
    *,
    config: EquivalenceConfig = EquivalenceConfig(),
    judge_only: int | None = None,
) -> StepsResult:
    """Check a chain of steps written for ``question``.

    Each line is read with the question's symbol table and options (``checker.latex``); the
    table's definitions are carried; the unknown is the question's target when it names a symbol.

    Args:
        lines: the steps' LaTeX, one per step (see :func:`split_steps`).
        question: the key's question (symbol table, options, target).
        config: points, sizes, seed.
        judge_only: judge only the step with this 1-based index (every step is still read, as
            the steps before it constrain it); the others' statuses are then placeholders.
            ``derivcheck steps`` runs one step per budgeted task this way.

    Returns:
        The checked chain.

    Raises:
        Nothing of ours for a student's text (unreadable steps are ``unparsed``); an unexpected
        exception is an internal error and propagates.

    >>> from checker.key import load_key
    >>> q = load_key(validate_latex=False).question("3.2")
    >>> r = check_steps([r"\\sigma^2 = \\frac{1-p}{p}", r"\\sigma = \\sqrt{\\frac{1-p}{p}}"], q)
    >>> [s.status for s in r.steps]
    ['given', 'follows']
    """

    table, options = question.symbols, question.options
    read: list[ReadStep] = []
    for raw in lines:
        try:
            parsed = latex.parse(raw, table, options=options)  # the front end drops question labels
        except CheckerError as exc:
            read.append(ReadStep(raw, error=exc))
            continue
        read.append(ReadStep(raw, tuple(parsed.sides), read_as=parsed.read_as))
    target = _target(question.target, table, options) if question.target else None
    definitions = latex.definitions(table, options)
    return check_read_steps(
        read,
        table,
        question=question.id,
        target=target,
        definitions=definitions,
        config=config,
        judge_only=judge_only,
    )


@memo(maxsize=64)
def _target(text: str, table: SymbolTable, options: ParseOptions) -> sympy.Basic | None:
    """The key's target symbol, parsed once per question's (frozen) table: key material only."""
    try:
        candidate = latex.parse(text, table, options=options).expr
    except CheckerError:
        return None
    return candidate if isinstance(candidate, sympy.Symbol | sympy.MatrixSymbol) else None


def check_read_steps(
    steps: Sequence[ReadStep],
    table: SymbolTable,
    *,
    question: str = "",
    target: sympy.Basic | None = None,
    definitions: Mapping[sympy.Basic, sympy.Basic] | None = None,
    config: EquivalenceConfig = EquivalenceConfig(),
    judge_only: int | None = None,
) -> StepsResult:
    """Check steps already read (the SymPy-level core of :func:`check_steps`).

    Args:
        steps: the steps as read.
        table: the symbol table.
        question: the question id for the result.
        target: the symbol the chain solves for, preferred as the unknown.
        definitions: symbol → expression, substituted into every step.
        config: points, sizes, seed.
        judge_only: as for :func:`check_steps`.

    Returns:
        The checked chain.

    Raises:
        Nothing of ours: a step that cannot be checked within bounds is ``given`` with a reason
        starting "not checked"; an unexpected exception is an internal error and propagates.

    >>> s = sympy.Symbol("s", positive=True)
    >>> r = check_read_steps([ReadStep("s^2 = 4", (s**2, sympy.Integer(4))), ReadStep("s = 2", (s, sympy.Integer(2)))],
    ...                 SymbolTable(()))
    >>> [c.status for c in r.steps]
    ['given', 'follows']
    """
    checks: list[StepCheck] = []
    equations: list[tuple[int, tuple[sympy.Basic, ...]]] = []
    seen_first = False
    for index, step in enumerate(steps, start=1):
        if step.error is not None or not step.sides:
            if isinstance(step.error, ShapeError):
                checks.append(StepCheck(index, step.latex, "does_not_follow", step.error.message))
            else:
                reason = step.error.message if step.error is not None else "nothing to read"
                checks.append(StepCheck(index, step.latex, "unparsed", reason))
            continue
        sides = _prepare(step.sides, definitions or {})
        mismatch = _shape_mismatch(sides)
        if mismatch is not None:
            checks.append(StepCheck(index, step.latex, "does_not_follow", mismatch, step.read_as))
            continue
        status: StepStatus
        if not seen_first:
            seen_first = True
            status, reason = "given", "the first step: taken as given"
        elif len(sides) == 1:
            status, reason = "follows", "an expression, not a claim: nothing to check"
        elif judge_only is not None and index != judge_only:
            status, reason = "given", f"not checked: only step {judge_only} was judged"
        else:
            used = {k: v for k, v in (definitions or {}).items() if any(side.has(k) for side in step.sides)}
            status, reason = _judge(sides, equations, table, target, config, used=used)
        checks.append(StepCheck(index, step.latex, status, reason, step.read_as))
        if len(sides) >= 2 and not _identity(sides, table, config, status, reason):
            equations.append((index, sides))
    first = next((c.index for c in checks if c.status == "does_not_follow"), None)
    return StepsResult(question, tuple(checks), first)


def _prepare(
    sides: Sequence[sympy.Basic], definitions: Mapping[sympy.Basic, sympy.Basic]
) -> tuple[sympy.Basic, ...]:
    out = []
    for raw in sides:
        side = substitute_definitions(raw, definitions) if definitions else raw
        if isinstance(side, sympy.MatrixExpr) and side.shape == (1, 1):
            side = MatrixElement(side, 0, 0)  # the front end's convention for 1×1 results
        out.append(side)
    return tuple(out)


def _shape_mismatch(sides: Sequence[sympy.Basic]) -> str | None:
    """Name the first two sides whose shapes differ (a literal 0 fits any shape)."""
    sized = [(k, side) for k, side in enumerate(sides, start=1) if side != 0]
    for (k1, a), (k2, b) in itertools.pairwise(sized):
        sa, sb = shape_text(a), shape_text(b)
        if sa != sb:
            return (
                f"shapes do not fit: side {k1} is {sa} but side {k2} is {sb}; "
                "check for a missing transpose or a symbol used in place of another"
            )
    return None


def _identity(
    sides: tuple[sympy.Basic, ...], table: SymbolTable, config: EquivalenceConfig, status: str, reason: str
) -> bool:
    """A step that holds at every point (the bias–variance decomposition) constrains nothing: it
    is not solved for an unknown when later steps are checked."""
    if status == "follows":
        return reason.startswith("an identity")
    if status != "given":
        return False
    return _unconstrained(sides, table, config, {})[0] == "follows"


def _names(sides: Sequence[sympy.Basic], dims: frozenset[str]) -> set[str]:
    """The names a step could be solved for: not dimensions, indices or random symbols (those
    are averaged over or range over entries, never unknowns)."""
    return names_in(sides, dims)


def _unknowns(table: SymbolTable) -> frozenset[str]:
    """Names never solved for: the table's dimensions, indices and random symbols."""
    return (
        frozenset(table.dimensions)
        | frozenset(spec.name for spec in table.indices)
        | frozenset(spec.name for spec in table if spec.random is not None)
    )


def _judge(
    sides: tuple[sympy.Basic, ...],
    equations: Sequence[tuple[int, tuple[sympy.Basic, ...]]],
    table: SymbolTable,
    target: sympy.Basic | None,
    config: EquivalenceConfig,
    *,
    used: Mapping[sympy.Basic, sympy.Basic],
) -> tuple[StepStatus, str]:
    """The status of one equation step after the first, with its reason."""
    dims = _unknowns(table)
    names = _names(sides, dims)
    target_name = getattr(target, "name", None)
    constraint = None
    if target_name in names:
        constraint = next((eq for eq in reversed(equations) if target_name in _names(eq[1], dims)), None)
    if constraint is None:
        constraint = next((eq for eq in reversed(equations) if names & _names(eq[1], dims)), None)
    if constraint is None:
        return _unconstrained(sides, table, config, used)
    shared = names & _names(constraint[1], dims)
    unknowns = ([target_name] if target_name in shared else []) + sorted(shared - {target_name})
    # Earlier equations on symbols disjoint from the chosen one constrain the step independently
    # (``a = 2b``, ``c = 3`` ⇒ ``a + c = 2b + 3``); overlapping ones are superseded by the latest.
    extras: list[_Constraint] = []
    taken = _names(constraint[1], dims)
    for number, eq_sides in reversed(equations):
        eq_names = _names(eq_sides, dims)
        if number == constraint[0] or not eq_names & names or eq_names & taken:
            continue
        extras.append((number, eq_sides, sorted(eq_names & names)[0]))
        taken |= eq_names
    problems: list[str] = []
    unchecked: tuple[StepStatus, str] | None = None
    for unknown in unknowns:
        assert unknown is not None
        primary: _Constraint = (constraint[0], constraint[1], unknown)
        for constraints in ([primary, *extras], [primary]) if extras else ([primary],):
            try:
                status, reason = _against(sides, constraints, table, config)
            except Unsupported as exc:
                problems.append(f"{unknown}: {exc}")
                continue
            if status != "given":
                return status, reason
            unchecked = unchecked or (status, reason)
    # The earlier step could not be used (no admissible point, or not solvable): the step may
    # still be an identity, or be refuted by the definitions it uses.
    fallback = _unconstrained(sides, table, config, used)
    if fallback[0] != "given":
        return fallback
    if unchecked is not None:
        return unchecked
    return "given", f"not checked: step {constraint[0]} could not be solved ({'; '.join(problems)})"


def _spelled(name: str, table: SymbolTable) -> str:
    """A symbol's name for a student's sentence: the key's spelling (``x'``), else the plain name."""
    return table.symbol(name).latex if table.has(name) else plain_name(name)


def _unconstrained(
    sides: tuple[sympy.Basic, ...],
    table: SymbolTable,
    config: EquivalenceConfig,
    used: Mapping[sympy.Basic, sympy.Basic],
) -> tuple[StepStatus, str]:
    """No earlier equation shares a symbol: an identity follows; a step that the definitions it
    uses refute does not follow; anything else is a new given."""
    zt = ZeroTest(digits=config.digits)
    checked = 0

    def probe(point: Point) -> tuple[str | None]:
        return (disagreement(sides, sampled(point), zt, limit=_VALUE_CHARS),)

    try:
        variables = variables_in(sides, table)
        for index, dims in enumerate(cycled(sizes_for(variables, config), config.points)):
            found = first_defined(variables, dims, config, index, probe)
            if found is None:
                continue
            point, (failure,) = found
            if failure is not None and used:
                defs = "; ".join(
                    f"{_spelled(getattr(k, 'name', str(k)), table)} := {sympy.sstr(v)}"
                    for k, v in used.items()
                )
                where = point_text(sampled(point), variables)
                return "does_not_follow", f"contradicts the definitions ({defs}): at {where}, {failure}"
            if failure is not None:
                return "given", "introduces a condition that no earlier step constrains: taken as given"
            checked += 1
    except Unsupported as exc:
        return "given", f"introduces a condition that could not be checked ({exc}): taken as given"
    if checked == 0:
        return "given", "no point where the step is defined: taken as given"
    return "follows", f"an identity: holds at {checked} random points"


_Constraint = tuple[int, tuple[sympy.Basic, ...], str]  # (step number, sides, unknown solved for)
_MAX_BRANCHES = 16
_Refuted = tuple[dict[str, Value], dict[str, Value], str]  # (point, solved unknowns, failure)


@dataclass(frozen=True)
class _Probe:
    """Testing one step against earlier equations, each solved for its own unknown.

    ``sampled`` are the variables drawn at a point: everything but the unknowns solved for.
    """

    sides: tuple[sympy.Basic, ...]
    constraints: tuple[_Constraint, ...]
    everything: Variables
    sampled: Variables
    not_affine: NotAffine = field(default_factory=set)  # learnt at one point, used at the next

    def at(self, point: Point, zt: ZeroTest) -> _Refuted | Literal[True] | None:
        """None: no admissible point here; True: the step holds; else (point, solved, failure)."""
        env = sampled(point)
        branches: list[list[Value]] = []
        for k, (_, eq_sides, unknown) in enumerate(self.constraints):
            rng = random.Random(f"{point.config.seed}|solve|{point.number}|{point.attempt}|{point.bound}|{k}")
            solutions = solve_unknown(
                eq_sides, unknown, self.everything, point, zt=zt, rng=rng, not_affine=self.not_affine
            )
            if not solutions:
                return None
            branches.append(solutions)
        names = [unknown for _, _, unknown in self.constraints]
        results = [
            (solved, disagreement(self.sides, {**env, **solved}, zt, limit=_VALUE_CHARS))
            for solved in (
                dict(zip(names, combo, strict=True))
                for combo in itertools.islice(itertools.product(*branches), _MAX_BRANCHES)
            )
        ]
        for solved, failure in results:
            if failure is not None:
                return dict(env), solved, failure
        return True


def _against(
    sides: tuple[sympy.Basic, ...],
    constraints: Sequence[_Constraint],
    table: SymbolTable,
    config: EquivalenceConfig,
) -> tuple[StepStatus, str]:
    """Test the step at points satisfying every constraint, each solved for its unknown."""
    everything = variables_in([*sides, *(side for _, eq, _ in constraints for side in eq)], table)
    drawn = everything
    for _, _, unknown in constraints:
        drawn = drawn.without(unknown)
    probe = _Probe(sides, tuple(constraints), everything, drawn)
    sizes = sizes_for(everything, config)
    zt = ZeroTest(digits=config.digits)
    sources = " and ".join(
        f"step {number} (solved for {plain_name(unknown)})" for number, _, unknown in constraints
    )
    checked = 0
    for index, dims in enumerate(cycled(sizes, config.points)):
        found = first_defined(drawn, dims, config, index, lambda point: probe.at(point, zt))
        if found is None:
            continue
        outcome = found[1]
        if isinstance(outcome, tuple):
            simpler = simplest(
                drawn, sizes, config, lambda point: probe.at(point, zt), lambda o: isinstance(o, tuple)
            )
            refuted = simpler[1] if simpler is not None and isinstance(simpler[1], tuple) else outcome
            env, solved, failure = refuted
            where = point_text(env, drawn)
            values = ", ".join(
                f"{plain_name(unknown)} = {value_text(solved[unknown], _VALUE_CHARS)} solved from step {number}"
                for number, _, unknown in constraints
            )
            numbers = " and ".join(f"step {number}" for number, _, _ in constraints)
            return (
                "does_not_follow",
                f"does not follow from {numbers}: at {where}, with {values}, {failure}",
            )
        checked += 1
    if checked == 0:
        return "given", f"not checked: no random point satisfies {sources}"
    return "follows", f"follows from {sources}: holds at {checked} random points"
