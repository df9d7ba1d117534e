"""Named functions: trig and logs, ``\\log_b``, det/tr/diag, min/max, factorials, binomials, floor
and ceiling, and the functions a key declares (``f(x; w) := w^T x``, or element-wise σ, ReLU...).

A function written without parentheses takes the next power as its argument (``\\sin x^2`` is
sin(x²)); when more factors follow it (``\\ln xy``) the argument is ambiguous and the answer is
refused as such, naming both readings, never guessed (see ``Build.implicit``).
"""

from __future__ import annotations

from types import MappingProxyType

import sympy
from lark import Token
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix
from sympy.matrices.expressions.matexpr import MatrixExpr

from checker.errors import AmbiguousReadingError, LatexSyntaxError, ShapeError, UnsupportedConstructError
from checker.table import FunctionSpec

from . import _algebra as alg
from ._algebra import Item, Unsized
from ._base import Args, FuncRef, Rules, Scripted, Span

__all__ = ["ELEMENTWISE", "FunctionRules"]

_SCALAR = MappingProxyType({
    "exp": sympy.exp, "log": sympy.log, "ln": sympy.log, "sgn": sympy.sign, "sin": sympy.sin,
    "cos": sympy.cos, "tan": sympy.tan, "cot": sympy.cot, "sec": sympy.sec, "csc": sympy.csc,
    "arcsin": sympy.asin, "arccos": sympy.acos, "arctan": sympy.atan, "sinh": sympy.sinh,
    "cosh": sympy.cosh, "tanh": sympy.tanh,
})  # fmt: skip
_INVERSE = MappingProxyType({
    "sin": sympy.asin, "cos": sympy.acos, "tan": sympy.atan, "cot": sympy.acot, "sec": sympy.asec,
    "csc": sympy.acsc, "sinh": sympy.asinh, "cosh": sympy.acosh, "tanh": sympy.atanh,
})  # fmt: skip
_Z = sympy.Symbol("z", real=True)
# What a key's ``elementwise`` field may name: the scalar function applied to every entry.
ELEMENTWISE = MappingProxyType(
    {
        "sigmoid": sympy.Lambda(_Z, 1 / (1 + sympy.exp(-_Z))),
        "exp": sympy.Lambda(_Z, sympy.exp(_Z)),
        "log": sympy.Lambda(_Z, sympy.log(_Z)),
        "tanh": sympy.Lambda(_Z, sympy.tanh(_Z)),
        "relu": sympy.Lambda(_Z, sympy.Max(0, _Z)),
        "softmax": sympy.Lambda(_Z, sympy.exp(_Z)),  # normalized over the vector in FunctionRules
    }
)
_MAX_FACTORIAL = 2000
_MAX_MATRIX = 6


def _name(func: Token) -> str:
    return "".join(str(func).split()).lstrip("\\")


class FunctionRules(Rules):
    """``\\sin x``, ``\\log_2 x``, ``\\det A``, ``\\min(a, b)``, ``x!``, ``\\binom{n}{k}``, ``f(x; w)``."""

    def apply(self, span: Span, func: Token, arg: Item) -> Item:
        if isinstance(arg.value, Scripted):  # \sin(x)^2 is (\sin x)^2
            inner = self.apply(span, func, arg.value.primary)
            return Item(self.apply_scripts(inner, arg.value.scripts).value, *span, kind="apply")
        kind = "apply" if arg.kind in ("paren", "arguments", "group") else "bare_apply"
        name = _name(func)
        try:
            return Item(self._call(name, arg), *span, kind=kind)
        except ShapeError:
            if kind == "apply" or name not in ("det", "tr", "diag"):
                raise
            # \tr X^T X: tr(X^T) fails on shapes; tr(X^T X) may be meant: never guessed
            err = self.ctx.fail(
                AmbiguousReadingError,
                f"expected the argument of \\{name} in parentheses, found \\{name} {self.ctx.text(arg)}..., "
                f"which reads two ways; fix: write \\{name}(...) around the whole argument",
                *span,
            )
            assert isinstance(err, AmbiguousReadingError)
            err.readings = (f"\\{name}({self.ctx.text(arg)}) ...", f"\\{name}({self.ctx.text(arg)} ...)")
            raise err from None

    def apply_power(self, span: Span, func: Token, sup: Item, arg: Item) -> Item:
        if isinstance(arg.value, Scripted):
            inner = self.apply_power(span, func, sup, arg.value.primary)
            return Item(self.apply_scripts(inner, arg.value.scripts).value, *span, kind="apply")
        name = _name(func)
        kind = "apply" if arg.kind in ("paren", "arguments", "group") else "bare_apply"
        exponent = self._value(sup)
        if exponent.value == -1 and name in _INVERSE:
            return Item(_INVERSE[name](self._scalar_arg(name, arg)), *span, kind=kind)
        if exponent.value == -1 and name in ("exp", "log", "ln", "lg", "arcsin", "arccos", "arctan"):
            raise self.ctx.fail(
                UnsupportedConstructError,
                f"expected a power of \\{name} other than -1, found \\{name}^{{-1}}, which reads as an inverse "
                f"function or a reciprocal; fix: write 1/\\{name}(x) or the inverse function",
                sup.start,
                sup.end,
            )
        value = Item(self._call(name, arg), *span)
        return Item(alg.power(self.ctx, value, exponent), *span, kind=kind)

    def apply_base(self, span: Span, func: Token, base: Item, arg: Item) -> Item:
        """``\\log_b x`` (the normalizer gives a subscript only to \\log as an expression)."""
        if isinstance(arg.value, Scripted):
            inner = self.apply_base(span, func, base, arg.value.primary)
            return Item(self.apply_scripts(inner, arg.value.scripts).value, *span, kind="apply")
        kind = "apply" if arg.kind in ("paren", "arguments", "group") else "bare_apply"
        b = self._scalar_arg("log", base)
        if b.is_number and (b.is_positive is False or b == 1):
            raise self.ctx.fail(
                UnsupportedConstructError,
                f"expected a logarithm base that is positive and not 1, found base={self.ctx.text(base)}; "
                "fix: check the base",
                base.start,
                base.end,
            )
        return Item(sympy.log(self._scalar_arg("log", arg), b), *span, kind=kind)

    def _scalar_arg(self, name: str, arg: Item) -> sympy.Expr:
        item = self._value(arg)
        if not isinstance(item.value, sympy.Expr) or isinstance(item.value, MatrixExpr):
            raise self.ctx.fail(
                ShapeError,
                f"expected a scalar argument of \\{name}, found {self.ctx.text(item)} of shape "
                f"{'I' if isinstance(item.value, Unsized) else alg.fmt_shape(alg.shape(item.value))}; "
                "fix: apply it to a scalar, e.g. w^T x",
                item.start,
                item.end,
            )
        return item.value

    def _call(self, name: str, arg: Item) -> object:
        if name in _SCALAR:
            return _SCALAR[name](self._scalar_arg(name, arg))
        if name == "lg":
            return sympy.log(self._scalar_arg(name, arg), 10)
        if name in ("min", "max"):
            items = arg.value.items if isinstance(arg.value, Args) else (arg,)
            values = [self._scalar_arg(name, item) for item in items]
            return (sympy.Min if name == "min" else sympy.Max)(*values)
        return self._matrix_function(name, self._value(arg))

    def _matrix_function(self, name: str, item: Item) -> object:
        value = item.value
        dims = alg.shape(value)
        if dims is None and isinstance(value, sympy.Expr) and name in ("det", "tr"):
            return value  # a scalar is its own 1×1 determinant and trace
        if name in ("det", "tr") and dims is not None and dims[0] == dims[1]:
            assert isinstance(value, MatrixExpr)
            return sympy.Determinant(value) if name == "det" else sympy.Trace(value)
        if name == "diag" and dims is not None and (dims[0] == 1 or dims[1] == 1) and dims != (1, 1):
            assert isinstance(value, MatrixExpr)
            column = sympy.Transpose(value) if dims[0] == 1 else value
            return DiagMatrix(column)
        want = "a vector" if name == "diag" else "a square matrix"
        raise self.ctx.fail(
            ShapeError,
            f"expected {want} as the argument of \\{name}, found {self.ctx.text(item)} of shape "
            f"{'I' if isinstance(value, Unsized) else alg.fmt_shape(dims)}; fix: check the argument",
            item.start,
            item.end,
        )

    # ---- factorials, binomials, floor and ceiling --------------------------------------------

    def factorial(self, item: Item, end: int) -> Item:
        value = self._scalar_arg("!", item)
        if isinstance(value, sympy.Integer) and not 0 <= int(value) <= _MAX_FACTORIAL:
            raise self.ctx.fail(
                UnsupportedConstructError,
                f"expected a factorial of an integer from 0 to {_MAX_FACTORIAL}, found {self.ctx.text(item)}!; "
                "fix: simplify it",
                item.start,
                end,
            )
        return Item(sympy.factorial(value), item.start, end)

    def binom(self, span: Span, top: Item, bottom: Item) -> Item:
        n, k = self._scalar_arg("binom", top), self._scalar_arg("binom", bottom)
        if isinstance(n, sympy.Integer) and abs(int(n)) > _MAX_FACTORIAL:
            raise self.ctx.fail(
                UnsupportedConstructError,
                f"expected a binomial of at most {_MAX_FACTORIAL}, found {self.ctx.text(top)}; fix: simplify it",
                *span,
            )
        return Item(sympy.binomial(n, k), *span)

    def floor(self, span: Span, arg: Item) -> Item:
        return Item(sympy.floor(self._scalar_arg("lfloor", arg)), *span)

    def ceil(self, span: Span, arg: Item) -> Item:
        return Item(sympy.ceiling(self._scalar_arg("lceil", arg)), *span)

    # ---- functions the key declares ------------------------------------------------------------

    def _apply_function(self, fn_item: Item, arg_item: Item) -> Item:
        ref = fn_item.value
        assert isinstance(ref, FuncRef)
        spec = ref.spec
        args = arg_item.value.items if isinstance(arg_item.value, Args) else (arg_item,)
        if spec.elementwise is not None:
            if ref.prime:  # never a guess: the derivative of an entry-wise function is not read
                raise self.ctx.fail(
                    UnsupportedConstructError,
                    f"expected f' of a function of one scalar, found {spec.name}', applied entry by entry; "
                    "fix: write the derivative out",
                    fn_item.start,
                    arg_item.end,
                )
            return self._elementwise(spec, fn_item, args, arg_item)
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

    def _elementwise(self, spec: FunctionSpec, fn_item: Item, args: tuple[Item, ...], arg_item: Item) -> Item:
        """σ(z), ReLU(z), softmax(z) as the key declares them: entry by entry on a matrix argument."""
        kind = spec.elementwise or ""
        if len(args) != 1 or kind not in ELEMENTWISE:
            raise self.ctx.fail(
                LatexSyntaxError,
                f"expected one argument of {spec.name}, found {len(args)}; fix: write {spec.name}(z)",
                arg_item.start,
                arg_item.end,
            )
        item = self._value(args[0])
        value = item.value
        func = ELEMENTWISE[kind]
        end = (fn_item.start, arg_item.end)
        if isinstance(value, Unsized):
            raise self.ctx.fail(
                ShapeError, f"expected a scalar, vector or matrix argument of {spec.name}, found I", *end
            )
        if alg.shape(value) is None:
            assert isinstance(value, sympy.Expr)
            return Item(sympy.Integer(1) if kind == "softmax" else func(value), *end)
        assert isinstance(value, MatrixExpr)
        mapped = ElementwiseApplyFunction(func, value)
        if kind != "softmax":
            return Item(mapped, *end)
        rows, cols = value.shape
        if cols != 1:
            raise self.ctx.fail(
                ShapeError,
                f"expected a column vector as the argument of softmax, found {self.ctx.text(item)} of shape "
                f"{alg.fmt_shape(alg.shape(value))}; fix: apply it to a vector",
                *end,
            )
        total = alg.collapse(sympy.MatMul(sympy.OneMatrix(1, rows), mapped))
        return Item(sympy.MatMul(sympy.Pow(total, -1), mapped), *end)
