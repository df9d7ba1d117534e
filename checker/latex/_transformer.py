"""Parse tree → typed SymPy: one method per grammar rule, named like the rule.

Lark calls the methods bottom-up; :meth:`Build._call_userfunc` gives each the rule's meaningful
children (punctuation is dropped here, see below) and its span.  Every method returns an :class:`~._algebra.Item` (value + span in
the normalized text) so that later errors can name and point at the operands.  Names are resolved
in :meth:`Build.postfix`, where the decorations that follow a name (``^*``, ``'``, ``_{ridge}``) are
known.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType

import sympy
from lark import Token, Transformer, Tree
from lark.exceptions import GrammarError, VisitError
from sympy.matrices.expressions.matexpr import MatrixExpr

from checker.caches import memo
from checker.errors import (
    CheckerError,
    LatexSyntaxError,
    ShapeError,
    UnknownSymbolError,
    UnsupportedConstructError,
)
from checker.symbols import dimension
from checker.table import FunctionSpec, SymbolSpec

from . import _algebra as alg
from ._algebra import Ctx, Item, Unsized
from ._calculus import CalculusRules
from ._indexed import IndexedRules, OperatorRef, bound_letters
from ._symbols import NameRef, Resolver, base_text, make_key, script_text

__all__ = ["Args", "Build", "FuncRef", "Placeholder", "Span", "SpanTransformer"]

_NAMEABLE = frozenset({"SUB", "STAR", "PRIME", "SUPWORD"})
_FUNCS = MappingProxyType({"\\exp": sympy.exp, "\\log": sympy.log, "\\ln": sympy.log, "\\sgn": sympy.sign})
_MAX_DIGITS = 1000
_MAX_DECORATIONS = 6


@dataclass(frozen=True)
class FuncRef:
    """A table function named but not applied yet (``f`` before ``(x; w)``); ``f'`` is its derivative."""

    spec: FunctionSpec
    prime: bool = False  # f'(x): derivatives (_calculus.py)


@dataclass(frozen=True)
class Refused:
    """A bracket's power that failed, kept until we know whether a function applies first."""

    error: CheckerError


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


class Build(IndexedRules, CalculusRules, SpanTransformer):
    """The transformer of one parse; holds the per-parse context (no module state).

    Index notation (entries, sums, iterates, E/Var/Cov) is :class:`~._indexed.IndexedRules`.
    """

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

    def transform(self, tree: Tree[Token]) -> object:
        self.bound = bound_letters(tree)  # index letters a \sum binds, read before the sum
        return super().transform(tree)

    def rule(self, tree: Tree[Token], span: Span | None, children: list[object]) -> object:
        """Call the rule's method as ``method(span, *children)``.

        The method is found once per rule (no ``v_args`` wrapper: Lark's rebinds the method and
        copies its metadata on every access, a cost paid per node).
        """
        func = _rule_function(type(self), str(tree.data))
        if func is None:
            raise LookupError(f"internal error: the grammar rule {tree.data!r} has no transformer method")
        return func(self, span or (0, 0), *children)

    # ---- structure ------------------------------------------------------------------------

    def start(self, span: Span, chain: list[Item | None]) -> list[Item | None]:
        return chain

    def chain(self, span: Span, *sides: Item | None) -> list[Item | None]:
        return list(sides)

    def side(self, span: Span, expr: Item | None = None) -> Item | None:
        return expr

    def sum(self, span: Span, *children: Item | Token) -> Item:
        terms: list[tuple[int, Item]] = []
        sign = 1
        for child in children:
            if isinstance(child, Token):
                sign = -1 if child == "-" else 1
            else:
                terms.append((sign, self._value(child)))
        return Item(alg.add(self.ctx, terms), *span)

    def product(self, span: Span, *children: Item | Token) -> Item:
        acc = self._value(children[0])  # type: ignore[arg-type]
        for op, operand in zip(children[1::2], children[2::2], strict=True):
            right = self._value(operand)  # type: ignore[arg-type]
            if str(op) == "/":
                value = alg.divide(self.ctx, acc, right)
            else:
                value = alg.multiply(self.ctx, acc, right, "".join(str(op).split()))
            acc = Item(value, acc.start, right.end)
        return acc

    def signed(self, span: Span, *children: Item | Token) -> Item:
        item = self._value(children[-1])  # type: ignore[arg-type]
        minus = sum(1 for c in children[:-1] if c == "-") % 2 == 1
        return Item(alg.negate(item.value) if minus else item.value, *span)

    def implicit(self, span: Span, *factors: Item) -> Item:
        acc: Item | None = None
        i = 0
        while i < len(factors):
            item = factors[i]
            if isinstance(item.value, FuncRef | OperatorRef):
                if i + 1 >= len(factors):
                    raise (
                        self._no_arguments(item, item.value)
                        if isinstance(item.value, FuncRef)
                        else self._no_operand(item)
                    )
                operand = factors[i + 1]
                bracket, power = operand.powered if operand.powered is not None else (operand, None)
                if isinstance(item.value, FuncRef):
                    item = self._apply_function(item, bracket)
                else:
                    item = self.apply_operator(item, bracket)
                if power is not None:
                    item = self._script(item, power)
                i += 1
            item = self._value(item)
            acc = item if acc is None else Item(alg.multiply(self.ctx, acc, item, ""), acc.start, item.end)
            i += 1
        assert acc is not None
        return acc

    # ---- big operators: \sum and \prod are index notation (IndexedRules, _indexed.py) -----

    def nabla(self, span: Span, sub: Token, body: Item) -> Item:
        name = script_text(sub)
        return self.differentiate(name, body, *span, f"\\nabla_{name}", operator="gradient")

    def apply(self, span: Span, func: Token, arg: Item) -> Item:
        # \log(x)^2 is (\log x)^2, as with operators and key functions (see postfix).
        bracket, power = arg.powered if arg.powered is not None else (arg, None)
        item = self._value(bracket)
        if not isinstance(item.value, sympy.Expr) or isinstance(item.value, MatrixExpr):
            raise self.ctx.fail(
                ShapeError,
                f"expected a scalar argument of {func}, found {self.ctx.text(item)} of shape "
                f"{alg.fmt_shape(alg.shape(item.value))}; fix: apply it to a scalar, e.g. w^T x",
                item.start,
                item.end,
            )
        fn = _FUNCS["".join(str(func).split())]
        applied = Item(fn(item.value), *span)
        return self._script(applied, power) if power is not None else applied

    # ---- postfix: names, scripts, powers --------------------------------------------------

    def postfix(self, span: Span, primary: Item, *scripts: Token | Item) -> Item:
        rest: list[Token | Item] = list(scripts)
        item = primary
        if isinstance(primary.value, NameRef):
            item, rest = self._resolve(primary, rest)
        elif (
            len(rest) == 1
            and isinstance(rest[0], Item)
            and (primary.kind == "paren" or isinstance(primary.value, Args))
        ):
            # [f]^2 after an operator or function: applied to the bracket first (see implicit).
            power = rest[0]
            value: object = primary.value
            if not isinstance(value, Args):
                try:
                    value = self._script(primary, power).value
                except CheckerError as exc:  # (x)^2 of a vector: an error only if nothing applies to (x)
                    value = Refused(exc)
            return Item(value, primary.start, power.end + 1, powered=(primary, power))
        for script in rest:
            item = self._script(item, script)
        return item

    def _resolve(self, primary: Item, scripts: list[Token | Item]) -> tuple[Item, list[Token | Item]]:
        ref = primary.value
        assert isinstance(ref, NameRef)
        indexed = self.indexed_name(primary, scripts)  # entries, iterates, indices, E/Var/Cov
        if indexed is not None:
            return indexed
        nameable: list[Token] = []
        for s in scripts:
            if not (isinstance(s, Token) and s.type in _NAMEABLE):
                break
            nameable.append(s)
        # A name carries at most a few decorations (w^*_{ridge}); longer runs are never a symbol.
        for k in range(min(len(nameable), _MAX_DECORATIONS), -1, -1):
            pieces = [(t.type, str(t)) for t in nameable[:k]]
            spec = self.resolver.lookup(make_key(ref, pieces))
            if spec is None:
                continue
            if k == len(nameable):
                end = nameable[k - 1].end_pos or 0 if k else primary.end
                return Item(self._symbol(spec, pieces), primary.start, end), scripts[k:]
            if k == len(nameable) - 1 and nameable[k].type == "SUB" and spec.shape == "identity":
                # I_d, I_{n}, I_3 even when the table lists no such alias: the size is explicit.
                sized = self._symbol(spec, [(t.type, str(t)) for t in nameable])
                if not isinstance(sized, Unsized):
                    return Item(sized, primary.start, nameable[k].end_pos or 0), scripts[k + 1 :]
            break
        if not nameable and not ref.accent:
            fn = self.resolver.functions.get(ref.base)
            if fn is not None:
                return Item(FuncRef(fn), primary.start, primary.end), scripts
        primed = self.resolver.functions.get(ref.base) if [t.type for t in nameable] == ["PRIME"] else None
        if primed is not None and not ref.accent:  # f'(x): derivatives (_calculus.py)
            return Item(FuncRef(primed, prime=True), primary.start, nameable[0].end_pos or 0), scripts[1:]
        if not nameable and not ref.accent:
            if ref.base == "e":
                self.ctx.note("read e as Euler's number")
                return Item(sympy.E, primary.start, primary.end), scripts
            if ref.base == "\\pi":
                return Item(sympy.pi, primary.start, primary.end), scripts
        end = nameable[-1].end_pos or 0 if nameable else primary.end
        found = self.ctx.text(Item(None, primary.start, end))
        raise self.ctx.fail(
            UnknownSymbolError,
            f"expected a symbol of this question ({self.resolver.declared()}), found name={found}; "
            "fix: use the question's notation",
            primary.start,
            end,
        )

    def _symbol(self, spec: SymbolSpec, scripts: list[tuple[str, str]]) -> object:
        if spec.shape != "identity":
            return self.resolver.symbol(spec)
        subs = [script_text(t) for k, t in scripts if k == "SUB"]
        if subs:
            sub = subs[0]
            if sub.isdigit():
                return sympy.Identity(sympy.Integer(int(sub[:6])))
            if self.resolver.table.has(sub) and sub in self.resolver.table.dimensions:
                return sympy.Identity(dimension(sub, self.resolver.table))
        return Unsized(sympy.Integer(1))

    def _script(self, item: Item, script: Token | Item) -> Item:
        if isinstance(script, Item):  # a superscript: a power
            base = self._value(item)
            return Item(alg.power(self.ctx, base, script), item.start, script.end + 1)
        end = script.end_pos or 0
        if script.type == "TRANSPOSE":
            return Item(alg.transpose(self._value(item).value), item.start, end)
        if script.type == "SUB" and item.kind == "norm" and script_text(str(script)) == "2":
            return Item(item.value, item.start, end)
        if item.kind == "norm" and script.type == "SUB":
            raise self.ctx.fail(
                UnsupportedConstructError,
                f"expected the Euclidean norm \\|v\\| or \\|v\\|_2, found the subscript {script_text(str(script))}; fix: write the norm out",
                script.start_pos or 0,
                end,
            )
        raise self.ctx.fail(
            UnknownSymbolError,
            f"expected a symbol of this question ({self.resolver.declared()}), found "
            f"name={self.ctx.text(Item(None, item.start, end))}; fix: use the question's notation",
            item.start,
            end,
        )

    def sup(self, span: Span, expr: Item) -> Item:
        # ``^{(i)}`` is kept apart from ``^{i}``: an index superscript where the key has one.
        kind = "supparen" if expr.kind == "paren" else "sup"
        return Item(self._value(expr).value, expr.start, expr.end, kind)

    # ---- primaries ------------------------------------------------------------------------

    def number(self, span: Span, token: Token) -> Item:
        start, end = span
        if len(token) > _MAX_DIGITS:
            raise self.ctx.fail(
                UnsupportedConstructError,
                f"expected a number of at most {_MAX_DIGITS} digits, found {len(token)} digits; fix: simplify it",
                start,
                end,
            )
        value = Fraction(str(token))
        return Item(sympy.Rational(value.numerator, value.denominator), start, end)

    def name(self, span: Span, token: Token | Item) -> Item:
        if isinstance(token, Item):  # an accent's inner name
            return token
        return Item(NameRef("", base_text(str(token))), *span)

    def accent(self, span: Span, accent: Token, inner: Item) -> Item:
        ref = inner.value
        assert isinstance(ref, NameRef)
        name = str(accent).strip()[1:]
        return Item(NameRef(f"{name}+{ref.accent}" if ref.accent else name, ref.base), *span)

    def paren(self, span: Span, expr: Item) -> Item:
        return Item(expr.value, *span, kind="paren")

    def group(self, span: Span, expr: Item) -> Item:
        return Item(expr.value, *span, kind="group")

    def arguments(self, span: Span, *items: Item) -> Item:
        return Item(Args(items), *span)

    def frac(self, span: Span, num: Item, den: Item) -> Item:
        return Item(alg.divide(self.ctx, self._value(num), self._value(den)), *span)

    def sqrt(self, span: Span, arg: Item) -> Item:
        half = Item(sympy.Rational(1, 2), arg.start, arg.end)
        return Item(self._root(arg, half), *span)

    def root(self, span: Span, index: Item, arg: Item) -> Item:
        k = self._value(index).value
        if not (isinstance(k, sympy.Integer) and 2 <= k <= self.ctx.options.max_exponent):
            raise self.ctx.fail(
                UnsupportedConstructError,
                f"expected a root index that is an integer from 2 to {self.ctx.options.max_exponent}, "
                f"found index={self.ctx.text(index)}; fix: use a power such as p^{{1/3}}",
                index.start,
                index.end,
            )
        return Item(self._root(arg, Item(sympy.Rational(1, k), index.start, index.end)), *span)

    def _root(self, arg: Item, exponent: Item) -> object:
        item = self._value(arg)
        if alg.shape(item.value) is not None or isinstance(item.value, Unsized):
            raise self.ctx.fail(
                ShapeError,
                f"expected a scalar under the root, found {self.ctx.text(item)} of shape "
                f"{alg.fmt_shape(alg.shape(item.value))}; fix: take the root of a scalar, e.g. \\|w\\|",
                item.start,
                item.end,
            )
        return alg.power(self.ctx, item, exponent)

    def norm(self, span: Span, expr: Item) -> Item:
        return Item(self._magnitude(self._value(expr)), *span, kind="norm")

    def abs(self, span: Span, expr: Item) -> Item:
        return Item(self._magnitude(self._value(expr)), *span)

    def _magnitude(self, item: Item) -> object:
        value = item.value
        dims = alg.shape(value)
        if dims is None and isinstance(value, sympy.Expr):
            return sympy.Abs(value)
        if dims is not None and (dims[0] == 1 or dims[1] == 1):
            column = sympy.Transpose(value) if dims[0] == 1 else value
            return sympy.sqrt(alg.collapse(sympy.MatMul(sympy.Transpose(column), column)))
        raise self.ctx.fail(
            UnsupportedConstructError,
            f"expected the norm of a vector or a scalar, found {self.ctx.text(item)} of shape "
            f"{'I' if isinstance(value, Unsized) else alg.fmt_shape(dims)}; fix: write the matrix norm out",
            item.start,
            item.end,
        )

    # ---- helpers ---------------------------------------------------------------------------

    def _no_arguments(self, item: Item, ref: FuncRef) -> CheckerError:
        """The error for a function name written without its arguments (``f`` instead of ``f(x; w)``)."""
        return self.ctx.fail(
            LatexSyntaxError,
            f"expected arguments after the function {ref.spec.name}, found none; "
            f"fix: write {ref.spec.name}({', '.join(ref.spec.params)})",
            item.start,
            item.end,
        )

    def _loose_index(
        self, index: sympy.Symbol, vector: sympy.MatrixSymbol, text: str, start: int, end: int
    ) -> None:
        self.placeholders[index] = Placeholder(vector, text, start, end)

    def _no_operand(self, item: Item) -> CheckerError:
        """The error for ``E``, ``Var`` or ``Cov`` written without what it is taken of."""
        return self.ctx.fail(
            LatexSyntaxError,
            f"expected what the {getattr(item.value, 'kind', 'operator')} is taken of, found nothing; "
            "fix: write it in brackets, e.g. E[...]",
            item.start,
            item.end,
        )

    def _value(self, item: Item) -> Item:
        """``item`` checked to be a value (not a bare function name or argument list)."""
        if isinstance(item.value, OperatorRef):
            raise self._no_operand(item)
        if isinstance(item.value, Refused):
            raise item.value.error
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

    def _apply_function(self, fn_item: Item, arg_item: Item) -> Item:
        ref = fn_item.value
        assert isinstance(ref, FuncRef)
        spec = ref.spec
        args = arg_item.value.items if isinstance(arg_item.value, Args) else (arg_item,)
        if len(args) > len(spec.params):
            raise self.ctx.fail(
                LatexSyntaxError,
                f"expected at most {len(spec.params)} arguments of {spec.name}({', '.join(spec.params)}), "
                f"found {len(args)}; fix: drop the extra arguments",
                arg_item.start,
                arg_item.end,
            )
        if spec.name in self.expanding:
            raise self.ctx.fail(
                UnsupportedConstructError,
                f"expected a function whose body does not call itself, found {spec.name}; fix: correct the key",
                fn_item.start,
                arg_item.end,
            )
        body = self.body_parser(spec, self.expanding | {spec.name})
        if ref.prime:
            body = self.prime(spec, body, fn_item.start, arg_item.end)
        mapping: dict[sympy.Basic, sympy.Basic] = {}
        for param, raw_arg in zip(spec.params, args, strict=False):
            arg = self._value(raw_arg)
            param_spec = self.resolver.table.symbol(param)
            symbol = self.resolver.symbol(param_spec)
            value = arg.value
            want, got = alg.shape(symbol), alg.shape(value)
            if want != got:
                raise self.ctx.fail(
                    ShapeError,
                    f"expected argument {param} of {spec.name} to be {alg.fmt_shape(want)}, found "
                    f"{self.ctx.text(arg)} of shape {alg.fmt_shape(got)}; fix: pass an argument of that shape",
                    arg.start,
                    arg.end,
                )
            mapping[symbol] = value
        return Item(alg.collapse(body.xreplace(mapping)), fn_item.start, arg_item.end)
