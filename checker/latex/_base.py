"""What every family of transformer rules shares: spans, the per-parse state and value checks.

The transformer is split by responsibility into mixins of :class:`Rules`, one module per family
of notation (``_transformer`` the core: chains, sums of terms, products, names, primaries;
``_functions`` named functions; ``_matrices`` matrix literals, norms, element-wise products;
``_sums`` integrals and limits; ``_indexed`` index notation, sums and products, E/Var/Cov;
``_calculus`` derivatives).  :class:`~._transformer.Build` joins them, and Lark
finds a rule's method on whichever mixin defines it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sympy
from lark import Token, Transformer, Tree
from lark.exceptions import GrammarError, VisitError

from checker.caches import memo
from checker.errors import CheckerError, LatexSyntaxError
from checker.table import FunctionSpec

from ._algebra import Ctx, Item
from ._symbols import Resolver

__all__ = [
    "Args",
    "BodyParser",
    "FuncRef",
    "NormOf",
    "OperatorRef",
    "Placeholder",
    "Rules",
    "Scripted",
    "Span",
    "SpanTransformer",
]


@dataclass(frozen=True)
class FuncRef:
    """A table function named but not applied yet (``f`` before ``(x; w)``); ``f'`` is its derivative."""

    spec: FunctionSpec
    prime: bool = False  # f'(x): derivatives (_calculus.py)


@dataclass(frozen=True)
class OperatorRef:
    """``E``, ``Var`` or ``Cov`` named (with the random symbols of its subscript), not applied yet."""

    kind: str  # expectation | variance | covariance
    over: tuple[str, ...]  # names of the random symbols in the subscript; () = those in the body


@dataclass(frozen=True)
class Args:
    """A parenthesized argument list ``(a; b)``."""

    items: tuple[Item, ...]


@dataclass(frozen=True)
class Placeholder:
    """A vector component ``w_j`` waiting for the ``\\sum_j`` that gives it meaning."""

    vector: sympy.MatrixSymbol
    index: str
    start: int
    end: int


@dataclass(frozen=True)
class NormOf:
    """``\\|inner\\|`` before its subscript is known (read by ``_matrices.MatrixRules``)."""

    inner: Item


@dataclass(frozen=True)
class Scripted:
    """``(a)^2`` or ``(x; w)^T`` before it is known whether a function name precedes it.

    ``\\sigma(a)^2`` is σ(a) squared, never σ(a²): the function takes the parenthesis, then the
    scripts apply to its value (``Build.implicit``, ``FunctionRules.apply``).  Anywhere else the
    scripts apply to the parenthesis itself.
    """

    primary: Item
    scripts: tuple[object, ...]


BodyParser = Callable[[FunctionSpec, frozenset[str]], sympy.Basic]


Span = tuple[int, int]
"""A rule's ``(start, end)`` in the normalized text, punctuation included (``(0, 0)`` when empty)."""


@memo(maxsize=None)
def _rule_function(cls: type, rule: str) -> Callable[..., object] | None:
    """The plain function defined on ``cls`` (or a base) for grammar rule ``rule``, or None."""
    for klass in cls.__mro__:
        attr = vars(klass).get(rule)
        if attr is not None:
            return attr if callable(attr) else None
    return None


class SpanTransformer(Transformer[Token, object]):
    """Rule spans and meaningful children for a tree parsed with every token kept.

    The parser keeps every token (``keep_all_tokens``) and computes no positions of its own:
    Lark's ``propagate_positions`` costs as much as the whole parse without it.  Here a rule's
    span runs from its first child's start to its last child's end, punctuation included, exactly
    as Lark's would (children with no text, such as an empty side, are skipped); then the
    punctuation, every token type not in ``meaningful``, is dropped, as Lark's default filter
    would, and :meth:`rule` gets the rest.  Errors are wrapped in ``VisitError`` as Lark does.
    """

    def __init__(self, meaningful: frozenset[str]) -> None:
        super().__init__()
        self.meaningful = meaningful
        # Span of every subtree transformed so far, by id (the tree is alive for the whole
        # transform); None for a rule with no text.
        self._spans: dict[int, Span | None] = {}

    def rule(self, tree: Tree[Token], span: Span | None, children: list[object]) -> object:
        """Build the value of one rule from its span and its meaningful, transformed children."""
        raise NotImplementedError

    def _call_userfunc(self, tree: Tree[Token], new_children: list[object] | None = None) -> object:
        raw = tree.children
        values = new_children if new_children is not None else raw
        span = self._span(raw)
        self._spans[id(tree)] = span
        kept = [
            value
            for child, value in zip(raw, values, strict=True)
            if not (isinstance(child, Token) and child.type not in self.meaningful)
        ]
        try:
            return self.rule(tree, span, kept)
        except GrammarError:
            raise
        except Exception as exc:
            raise VisitError(str(tree.data), tree, exc) from exc  # type: ignore[no-untyped-call]

    def _span(self, raw: list[Tree[Token] | Token]) -> Span | None:
        start = self._edge(raw, last=False)
        return None if start is None else (start, self._edge(reversed(raw), last=True) or 0)

    def _edge(self, children: Iterable[Tree[Token] | Token], *, last: bool) -> int | None:
        """The start (or, with ``last``, the end) of the first child in ``children`` that has text."""
        for child in children:
            if isinstance(child, Token):
                return (child.end_pos if last else child.start_pos) or 0
            found = self._spans.get(id(child))
            if found is not None:
                return found[1] if last else found[0]
        return None


class Rules(SpanTransformer):
    """The per-parse state every rule family reads, and the checks they share (no module state)."""

    relations: tuple[str, ...] = ()  # between the sides of a chain (Parsed.relations)
    bound: frozenset[str] = frozenset()  # index letters some \sum/\prod of the parse binds

    def __init__(
        self,
        ctx: Ctx,
        resolver: Resolver,
        body_parser: BodyParser,
        expanding: frozenset[str],
        meaningful: frozenset[str],
    ) -> None:
        super().__init__(meaningful)
        self.ctx = ctx
        self.resolver = resolver
        self.body_parser = body_parser
        self.expanding = expanding
        self.placeholders: dict[sympy.Symbol, Placeholder] = {}
        # Operators the text applied, as (name, start, end) in the normalized text: "gradient",
        # "derivative", "expectation", "variance" (Parsed.operators; the judge asks whether an
        # answer left one unevaluated).
        self.operators: list[tuple[str, int, int]] = []

    def applied(self, name: str, start: int, end: int) -> None:
        """Record that the text applied operator ``name`` over ``[start, end)`` (normalized text)."""
        self.operators.append((name, start, end))

    def rule(self, tree: Tree[Token], span: Span | None, children: list[object]) -> object:
        """Call the rule's method as ``method(span, *children)``.

        The method is found once per rule (no ``v_args`` wrapper: Lark's rebinds the method and
        copies its metadata on every access, a cost paid per node).
        """
        func = _rule_function(type(self), str(tree.data))
        if func is None:
            raise LookupError(f"internal error: the grammar rule {tree.data!r} has no transformer method")
        return func(self, span or (0, 0), *children)

    def _no_arguments(self, item: Item, ref: FuncRef) -> CheckerError:
        """The error for a function name written without its arguments (``f`` instead of ``f(x; w)``)."""
        return self.ctx.fail(
            LatexSyntaxError,
            f"expected arguments after the function {ref.spec.name}, found none; "
            f"fix: write {ref.spec.name}({', '.join(ref.spec.params)})",
            item.start,
            item.end,
        )

    def _no_operand(self, item: Item) -> CheckerError:
        """The error for ``E``, ``Var`` or ``Cov`` written without what it is taken of."""
        return self.ctx.fail(
            LatexSyntaxError,
            f"expected what the {getattr(item.value, 'kind', 'operator')} is taken of, found nothing; "
            "fix: write it in brackets, e.g. E[...]",
            item.start,
            item.end,
        )

    def _loose_index(
        self, index: sympy.Symbol, vector: sympy.MatrixSymbol, text: str, start: int, end: int
    ) -> None:
        """Remember an undeclared index letter, refused at the end if no sum binds it."""
        self.placeholders[index] = Placeholder(vector, text, start, end)

    def prime(self, spec: FunctionSpec, body: sympy.Basic, start: int, end: int) -> sympy.Basic:
        """The body of ``f'`` (``_calculus.CalculusRules``)."""
        raise NotImplementedError

    def norm_value(self, item: Item, sub: Token | None) -> Item:
        """The value of a :class:`NormOf` item with its subscript (``_matrices.MatrixRules``)."""
        raise NotImplementedError

    def apply_scripts(self, item: Item, scripts: tuple[object, ...]) -> Item:
        """``item`` with its scripts applied in order (the core transformer's ``_script``)."""
        raise NotImplementedError

    def _value(self, item: Item) -> Item:
        """``item`` checked to be a value (not a bare function name or argument list).

        A norm still waiting for its subscript becomes the Euclidean norm here.
        """
        if isinstance(item.value, NormOf):
            return self.norm_value(item, None)
        if isinstance(item.value, Scripted):
            return self._value(self.apply_scripts(item.value.primary, item.value.scripts))
        if isinstance(item.value, OperatorRef):
            raise self._no_operand(item)
        if isinstance(item.value, FuncRef):
            raise self._no_arguments(item, item.value)
        if isinstance(item.value, Args):
            raise self.ctx.fail(
                LatexSyntaxError,
                "expected one expression in parentheses, found a list separated by ; or ,; "
                "fix: lists are only read as a function's arguments, f(x; w)",
                item.start,
                item.end,
            )
        return item
