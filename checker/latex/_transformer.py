"""Parse tree → typed SymPy: one method per grammar rule, named like the rule.

Lark calls the methods bottom-up; :meth:`~._base.SpanTransformer._call_userfunc` gives each the
rule's meaningful children (punctuation is dropped) and its span.  Every method returns an
:class:`~._algebra.Item` (value + span in the normalized text) so that later errors can name and
point at the operands.  Names are resolved in :meth:`Build.postfix`, where the decorations that
follow a name (``^*``, ``'``, ``_{ridge}``) are known.

This module holds the core (chains and relations, sums of terms, products, names and scripts,
numbers, fractions and roots); each other family of notation is a mixin in its own module:
``_functions`` (named functions), ``_matrices`` (literals, norms, ``\\odot``), ``_sums``
(integrals, limits), ``_indexed`` (index notation: entries, sums and products, iterates,
E/Var/Cov), ``_calculus`` (derivatives).  :class:`Build` joins them.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import pairwise

import sympy
from lark import Token, Tree

from checker.errors import (
    AmbiguousReadingError,
    ShapeError,
    UnknownSymbolError,
    UnsupportedConstructError,
)
from checker.symbols import dimension
from checker.table import SymbolSpec

from . import _algebra as alg
from ._algebra import Ctx, Item, Unsized
from ._base import Args, FuncRef, NormOf, OperatorRef, Scripted, Span, SpanTransformer
from ._calculus import CalculusRules
from ._functions import FunctionRules
from ._indexed import IndexedRules, bound_letters
from ._matrices import MatrixRules
from ._sums import SumRules
from ._symbols import NameRef, base_text, make_key, script_text

__all__ = ["Build", "Ctx", "SpanTransformer"]

_NAMEABLE = frozenset({"SUB", "STAR", "PRIME", "SUPWORD"})
_MAX_DIGITS = 1000
_MAX_DECORATIONS = 6
_RELATIONS = {"=": "=", "<": "<", ">": ">", "\\le": "\\le", "\\ge": "\\ge", "\\ne": "\\ne"}


class Build(IndexedRules, CalculusRules, SumRules, FunctionRules, MatrixRules):
    """The transformer of one parse: the core rules here, the families from the mixins.

    Index notation (entries, sums and products, iterates, E/Var/Cov) is
    :class:`~._indexed.IndexedRules`; derivatives (Leibniz, ``\\nabla_w``, ``f'``)
    :class:`~._calculus.CalculusRules`.
    """

    prime_as_transpose = False  # read X' as a transpose even where X' is declared (ambiguity probe)

    def transform(self, tree: Tree[Token]) -> object:
        self.bound = bound_letters(tree)  # index letters a \sum binds, read before the sum
        return super().transform(tree)

    # ---- structure ------------------------------------------------------------------------

    def start(self, span: Span, chain: list[Item | None]) -> list[Item | None]:
        return chain

    def chain(self, span: Span, *children: Item | Token | None) -> list[Item | None]:
        """The sides of ``a = b < c``; the relations between them are kept in :attr:`relations`."""
        self.relations = tuple(
            "".join(str(c).split()) for c in children if isinstance(c, Token) and c.type == "RELOP"
        )
        return [c for c in children if not isinstance(c, Token)]

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
            elif str(op).strip() == "\\odot":
                value = self.hadamard(acc, right)
            else:
                value = alg.multiply(self.ctx, acc, right, "".join(str(op).split()))
            acc = Item(value, acc.start, right.end)
        return acc

    def signed(self, span: Span, *children: Item | Token) -> Item:
        item = self._value(children[-1])  # type: ignore[arg-type]
        minus = sum(1 for c in children[:-1] if c == "-") % 2 == 1
        return Item(alg.negate(item.value) if minus else item.value, *span)

    def implicit(self, span: Span, *factors: Item) -> Item:
        self._check_juxtaposition(factors)
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
                # f(x)^2 and E[x]^2 are (f(x))^2 and (E[x])^2: the bracket first, then its scripts
                bracket, scripts = (
                    (operand.value.primary, operand.value.scripts)
                    if isinstance(operand.value, Scripted)
                    else (operand, ())
                )
                if isinstance(item.value, FuncRef):
                    item = self._apply_function(item, bracket)
                else:
                    item = self.apply_operator(item, bracket)
                if scripts:
                    item = self.apply_scripts(item, scripts)
                i += 1
            item = self._value(item)
            acc = item if acc is None else Item(alg.multiply(self.ctx, acc, item, ""), acc.start, item.end)
            i += 1
        assert acc is not None
        return acc

    def _check_juxtaposition(self, factors: tuple[Item, ...]) -> None:
        """Refuse juxtapositions with two readings: digit groups and unbracketed function arguments.

        ``1 000`` is not 1·000 (nor, surely, 1000); ``\\ln x y`` is ln(x)·y to some and ln(xy) to
        others (``\\sin a \\cos b`` is not ambiguous: a function starts the next factor).
        """
        for left, right in pairwise(factors):
            if left.kind == "number" and right.kind == "number":
                raise self.ctx.fail(
                    UnsupportedConstructError,
                    f"expected an operator between the numbers {self.ctx.text(left)} and {self.ctx.text(right)}, "
                    "found a space; fix: write one number without spaces (1000) or the product with \\cdot",
                    left.start,
                    right.end,
                )
            if left.kind == "bare_apply" and right.kind not in ("apply", "bare_apply"):
                fn = self.ctx.text(left)
                rest = self.ctx.text(Item(None, right.start, factors[-1].end))
                readings = (f"({fn}) \\cdot {rest}", f"the function applied to the whole product {fn} {rest}")
                err = self.ctx.fail(
                    AmbiguousReadingError,
                    f"expected one reading of {fn} {rest}, found two: {readings[0]}, or {readings[1]}; "
                    "fix: put the function's argument in parentheses",
                    left.start,
                    factors[-1].end,
                )
                assert isinstance(err, AmbiguousReadingError)
                err.readings = readings
                raise err

    # ---- postfix: names, scripts, powers --------------------------------------------------

    def postfix(self, span: Span, primary: Item, *scripts: Token | Item) -> Item:
        rest: list[Token | Item] = list(scripts)
        item = primary
        if isinstance(primary.value, NameRef):
            item, rest = self._resolve(primary, rest)
        elif rest and (primary.kind == "paren" or isinstance(primary.value, Args)):
            return Item(Scripted(primary, tuple(rest)), *span, kind="scripted")
        return self.apply_scripts(item, tuple(rest))

    def apply_scripts(self, item: Item, scripts: tuple[object, ...]) -> Item:
        for script in scripts:
            assert isinstance(script, Token | Item)
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
            if spec is None or (self.prime_as_transpose and self._primed_matrix(ref, pieces)):
                continue
            if k == len(nameable):
                end = nameable[k - 1].end_pos or 0 if k else primary.end
                return Item(self._symbol(spec, pieces), primary.start, end), scripts[k:]
            if k == len(nameable) - 1 and nameable[k].type == "SUB" and spec.shape == "identity":
                # I_d, I_{n}, I_3 even when the table lists no such alias: the size is explicit.
                sized = self._symbol(spec, [(t.type, str(t)) for t in nameable])
                if not isinstance(sized, Unsized):
                    return Item(sized, primary.start, nameable[k].end_pos or 0), scripts[k + 1 :]
            if nameable[k].type == "PRIME" and isinstance(spec.shape, tuple):
                # X'X with no symbol X' declared: the prime is a transpose (the key decides: x' in
                # a key that declares x' is that symbol, found above with every decoration).
                prime = nameable[k]
                end = prime.end_pos or 0
                self.ctx.note(f"read {self.ctx.text(Item(None, primary.start, end))} as a transpose")
                mark = Token("TRANSPOSE", "\ue001", prime.start_pos, end_pos=end)
                return Item(self._symbol(spec, pieces), primary.start, primary.end), [mark, *scripts[k + 1 :]]
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

    def _primed_matrix(self, ref: NameRef, pieces: list[tuple[str, str]]) -> bool:
        """A primed spelling whose unprimed name is a declared matrix or vector (a transpose too)."""
        if not any(kind == "PRIME" for kind, _ in pieces):
            return False
        base = self.resolver.lookup(make_key(ref, [p for p in pieces if p[0] != "PRIME"]))
        return base is not None and isinstance(base.shape, tuple)

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
        if isinstance(item.value, NormOf) and script.type == "SUB":
            return self.norm_value(item, script)
        if script.type == "BANG":
            return self.factorial(self._value(item), end)
        if script.type == "TRANSPOSE":
            return Item(alg.transpose(self._value(item).value), item.start, end)
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
        return Item(sympy.Rational(value.numerator, value.denominator), start, end, kind="number")

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
        return Item(self._inner(expr), *span, kind="paren")

    def group(self, span: Span, expr: Item) -> Item:
        return Item(self._inner(expr), *span, kind="group")

    def _inner(self, expr: Item) -> object:
        """The value inside a bracket: scripts on an inner bracket apply now (E[(a)^2] is E[a²],
        never (E[a])²; σ((a)^2) is σ(a²)), whatever is written before the outer bracket."""
        return self._value(expr).value if isinstance(expr.value, Scripted) else expr.value

    def arguments(self, span: Span, *items: Item) -> Item:
        return Item(Args(items), *span)

    def frac(self, span: Span, num: Item, den: Item) -> Item:
        # Leibniz notation (\frac{d}{dx}) never gets here: the normalizer marks it (_leibniz.py)
        return Item(alg.divide(self.ctx, self._value(num), self._value(den)), *span)

    def sqrt(self, span: Span, arg: Item) -> Item:
        half = Item(sympy.Rational(1, 2), arg.start, arg.end)
        return Item(self._root(arg, half), *span)

    def root(self, span: Span, index: Item, arg: Item) -> Item:
        k = self._value(index).value
        if isinstance(k, sympy.Expr) and alg.shape(k) is None and k.free_symbols and not k.is_number:
            # \sqrt[y]{x} is x^{1/y}: read, though the engine leaves symbolic exponents undecided
            return Item(self._root(arg, Item(sympy.Pow(k, -1), index.start, index.end)), *span)
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
