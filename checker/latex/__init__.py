"""The typed LaTeX front end: student LaTeX → typed SymPy, with spans back into the source.

Three parts, joined here: the normalizer (``_normalize``) rewrites loose notation into a canonical
text and keeps a map back to the source; the grammar (``grammar.lark``, LALR) parses it; the
transformer (``_transformer``, one method per rule) builds typed SymPy: MatrixSymbols for matrices
and vectors with their order kept, Symbols with the key's assumptions for scalars, 1×1 products
collapsed to scalars.  This grammar is the parser of record; nothing here calls ``eval``,
``sympify`` or ``parse_expr``.

>>> from checker.key import load_key
>>> table = load_key(validate_latex=False).question("1.2.2").symbols
>>> parse(r"\\therefore w^* = (X^T X + 2\\lambda n I)^{-1} X^T t", table).read_as
'w = \\\\left(X^{T} X + 2 \\\\lambda n I\\\\right)^{-1} X^{T} t'
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass, replace
from importlib import resources
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType

import lark
import sympy
from lark import Lark, Token, Tree
from lark.exceptions import (
    LarkError,
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)

from checker.caches import memo
from checker.config import ParseOptions
from checker.errors import (
    AmbiguousReadingError,
    CheckerError,
    LatexSyntaxError,
    ShapeError,
    UnknownSymbolError,
    UnsupportedConstructError,
)
from checker.symbols import sympy_symbol
from checker.table import FunctionSpec, SymbolTable

from . import _algebra as alg
from ._algebra import Ctx, Item, Unsized
from ._base import BodyParser
from ._indexed import main_claim
from ._normalize import PRIME, Normalized, normalize
from ._printer import render
from ._symbols import Resolver
from ._transformer import Build

__all__ = ["Parsed", "definitions", "parse", "parse_key", "shape_of", "to_latex"]

_NESTING = frozenset({
    "paren", "arguments", "group", "frac", "root", "sqrt", "norm", "abs", "sup", "apply", "bigsum", "nabla",
    "apply_power", "apply_base", "binom", "floor", "ceil", "matrix", "det_matrix", "integral", "limit",
    "bigprod", "derivative",  # index notation and calculus
})  # fmt: skip
_MAX_TREE_DEPTH = 400
_FRIENDLY = MappingProxyType({
    "RBRACE": "}", "LBRACE": "{", "RPAR": ")", "LPAR": "(", "RSQB": "]", "LSQB": "[", "RELOP": "=",
    "ADDOP": "+ or -", "MULOP": "\\cdot or /", "NUMBER": "a number", "LETTER": "a letter",
    "GREEK": "a Greek letter", "CIRCUMFLEX": "^", "_NORM_CLOSE": "a closing \\|", "_ABS_CLOSE": "a closing |",
    "_SEP": "; or ,", "$END": "the end of the expression", "FUNC": "a function such as \\sin",
    "_MAT_CLOSE": "\\end{bmatrix}", "_COL_SEP": "&", "_ROW_SEP": "\\\\", "BANG": "!",
})  # fmt: skip


@dataclass(frozen=True)
class Parsed:
    """One parsed expression or equation chain.

    Attributes:
        source: the text as given.
        sides: one element for an expression; two or more for an equation chain ``a = b = c``.
        spans: ``(start, end)`` of each side in ``source``.
        read_as: what was read, rendered back to LaTeX (sides joined by their relations).
        notes: interpretation notes, e.g. ``read X^2 as X^T X (1-D vector shorthand)``.
        relations: the relation between each pair of neighbouring sides (``=``, ``<``, ``>``,
            ``\\le``, ``\\ge``, ``\\ne``); anything but ``=`` only with ``ParseOptions(relations=True)``.
        operators: the operators the text applied, as ``(name, start, end)`` with the span in
            ``source``: ``gradient`` (``\\nabla_w``), and as the grammar reads them
            ``derivative``, ``expectation``, ``variance``.  The value is already evaluated; this
            says the answer was *written* with the operator (the judge refuses an answer that
            leaves the question's own operator unevaluated).  Index notation adds ``covariance``,
            ``sum`` and ``product``.
    """

    source: str
    sides: tuple[sympy.Basic, ...]
    spans: tuple[tuple[int, int], ...]
    read_as: str
    notes: tuple[str, ...] = ()
    relations: tuple[str, ...] = ()
    operators: tuple[tuple[str, int, int], ...] = ()

    def applied(self, side: int | None = None) -> frozenset[str]:
        """Names of the operators applied in the whole text, or within side ``side`` (an index).

        >>> from checker.key import load_key
        >>> table = load_key(validate_latex=False).question("1.2.2").symbols
        >>> parse(r"\\nabla_w (w^T w) = 2 w", table).applied(1)
        frozenset()
        """
        if side is None:
            return frozenset(name for name, _, _ in self.operators)
        lo, hi = self.spans[side]
        return frozenset(name for name, start, end in self.operators if lo <= start and end <= hi)

    @property
    def is_equation(self) -> bool:
        """True for a chain of two or more sides, every one equal to the next."""
        return len(self.sides) >= 2 and not self.is_relation

    @property
    def is_relation(self) -> bool:
        """True when some neighbouring sides are related by anything but ``=`` (a claim)."""
        return any(op != "=" for op in self.relations)

    def relation(self) -> sympy.Basic | None:
        """The chain as SymPy relations (``And`` of them for a longer chain), or None without one.

        >>> import sympy
        >>> x = sympy.Symbol("x")
        >>> Parsed("x > 0", (x, sympy.Integer(0)), ((0, 1), (4, 5)), "x > 0", (), (">",)).relation()
        x > 0
        """
        if not self.is_relation:
            return None
        make = {
            "=": sympy.Eq,
            "<": sympy.Lt,
            ">": sympy.Gt,
            "\\le": sympy.Le,
            "\\ge": sympy.Ge,
            "\\ne": sympy.Ne,
        }
        parts = [make[op](a, b) for op, a, b in zip(self.relations, self.sides, self.sides[1:], strict=False)]
        return parts[0] if len(parts) == 1 else sympy.And(*parts)

    @property
    def expr(self) -> sympy.Basic:
        """The last side (the answer of ``w^* = ...``)."""
        return self.sides[-1]


# How the grammar is compiled: every token kept (punctuation gives rule spans; the transformer drops
# it, see Build) and no positions propagated by Lark (SpanTransformer computes them).
_LARK_OPTIONS = MappingProxyType(
    {"parser": "lalr", "keep_all_tokens": True, "propagate_positions": False, "maybe_placeholders": False}
)


@memo(maxsize=None)
def _parser() -> Lark:
    """The LALR parser, built once per process (its tables loaded from a user cache when safe)."""
    grammar = resources.files("checker.latex").joinpath("grammar.lark").read_text(encoding="utf-8")
    cache = _parser_cache(grammar)
    return Lark(
        grammar,
        **_LARK_OPTIONS,
        cache=cache or False,
        cache_grammar=cache is not None,  # the grammar stays inspectable (grammar fuzzing)
    )


@memo(maxsize=None)
def _meaningful() -> frozenset[str]:
    """The token types the transformer's methods receive: the grammar's named terminals.

    Lark drops anonymous string terminals (``"("``, ``"="``) and ``_``-named ones from the
    children it hands a rule; the parser keeps them (their positions make the rule's span) and
    :class:`~._transformer.Build` drops them by this same rule.
    """
    return frozenset(name for name, _ in _parser().grammar.term_defs if not name.startswith("_"))


def _parser_cache(grammar: str) -> str | None:
    """Where Lark may keep the analysed grammar (saves ~50 ms of every start-up), or None.

    One file per grammar text, compile options, Lark and Python version: two installs or
    checkouts that differ in any of them never overwrite each other's tables.

    Lark's cache is a pickle: it is used only in a directory of the user's own cache home that
    nobody else can write to, and only when the file there is the user's and not writable by
    others (Lark checks the grammar's hash inside it and rebuilds on any mismatch or damage).
    """
    try:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        folder = base / "derivcheck"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        digest = hashlib.sha256(f"{grammar}\0{sorted(_LARK_OPTIONS.items())}".encode()).hexdigest()[:16]
        version = f"lark{lark.__version__}-py{sys.version_info[0]}{sys.version_info[1]}"
        path = folder / f"grammar-{version}-{digest}.cache"
        for item in (folder, path):
            if item.exists():
                info = item.stat()
                if info.st_uid != os.getuid() or info.st_mode & 0o022:
                    return None
    except (OSError, RuntimeError, AttributeError):  # no home, read-only, or no getuid (Windows)
        return None
    return str(path)


@memo(maxsize=64)
def _resolver(table: SymbolTable) -> Resolver:
    """The spelling index of a table, built once per table: every parse of a class reuses it.

    Keyed by the frozen, hashable table, so a different key or question never shares an index.
    """
    return Resolver.build(table)


def parse(source: str, table: SymbolTable, *, options: ParseOptions = ParseOptions()) -> Parsed:
    """Read one expression or equation chain of LaTeX as typed SymPy.

    Args:
        source: the LaTeX, without ``$`` delimiters (a leading ``\\therefore`` or question label is fine).
        table: the question's symbol table: names, shapes, assumptions, aliases, functions.
        options: vector shorthand, exponent and nesting limits.

    Returns:
        The sides with their spans, the text as read and the interpretation notes.

    Raises:
        LatexSyntaxError: malformed LaTeX (unbalanced braces, a dangling operator, control characters).
        UnsupportedConstructError: ``\\input``, ``\\def``, unknown commands, huge exponents, deep nesting.
        UnknownSymbolError: a name the table does not declare (the message lists what is declared).
        ShapeError: a product, sum or equation whose shapes do not fit (the message names both shapes).

    >>> from checker.key import load_key
    >>> table = load_key(validate_latex=False).question("1.1.2").symbols
    >>> parse("w^T x - \\\\epsilon \\\\|w\\\\|_2^2", table).read_as
    '- \\\\epsilon \\\\left(w^{T} w\\\\right) + \\\\left(w^{T} x\\\\right)'
    """
    try:
        return _parse(source, _resolver(table), options, frozenset())
    except RecursionError as exc:  # only reachable with a very large options.max_depth
        raise UnsupportedConstructError(
            f"expected an expression Python can hold, found nesting too deep for it "
            f"(max_depth={options.max_depth}); fix: simplify the expression",
            source=source,
            start=0,
            end=max(1, len(source)),
            approximate=True,
        ) from exc


@memo(maxsize=1024)
def parse_key(source: str, table: SymbolTable, *, options: ParseOptions = ParseOptions()) -> Parsed:
    """:func:`parse` for an answer key's own LaTeX, cached: loading validates, judging reuses.

    Args:
        source: LaTeX of the key, never an answer (the cache is bounded but sized for a key).
        table: the question's symbol table.
        options: the question's parse options (by keyword, as every caller passes them).

    Returns:
        The parsed value, shared by every caller (it is frozen).

    Raises:
        CheckerError: for LaTeX the parser cannot read (errors are not cached).

    >>> from checker.key import load_key
    >>> table = load_key(validate_latex=False).question("3.2").symbols
    >>> parse_key("\\sigma", table) is parse_key("\\sigma", table)
    True
    """
    return parse(source, table, options=options)


def _parse(source: str, resolver: Resolver, options: ParseOptions, expanding: frozenset[str]) -> Parsed:
    table = resolver.table
    if not isinstance(source, str):
        raise LatexSyntaxError(f"expected LaTeX text, found a {type(source).__name__}")
    norm, tree = _read(source, options.max_depth)
    ctx = Ctx(norm, options, list(norm.notes))
    _check_depth(tree, ctx)

    def body_parser(spec: FunctionSpec, inner: frozenset[str]) -> sympy.Basic:
        return _function_body(resolver.table, spec, options, inner)

    build = Build(ctx, resolver, body_parser, expanding, _meaningful())
    try:
        sides: list[Item | None] = build.transform(tree)  # type: ignore[assignment]
    except VisitError as exc:
        # A CheckerError means "this LaTeX is not math we read" (unparsed); anything else raised
        # while building is our bug and propagates unchanged, traceback included, so the judge
        # reports an `error` verdict for staff instead of a student's zero.
        if isinstance(exc.orig_exc, ShapeError) and PRIME in norm.text:
            _prime_ambiguity(norm, resolver, options, body_parser, expanding, exc.orig_exc)
        raise exc.orig_exc from None
    relations = build.relations
    if any(op != "=" for op in relations) and not options.relations:
        op = next(op for op in relations if op != "=")
        raise UnsupportedConstructError(
            f"expected an expression or an equation, found the relation {op}; fix: write the value "
            "or the equation asked for (relations are read only where a claim is asked for)",
            source=source,
            start=0,
            end=max(1, len(source)),
            approximate=True,
        )
    for k, op in enumerate(relations):
        if op != "=" and (sides[k] is None or sides[k + 1] is None):
            raise UnsupportedConstructError(
                f"expected math on both sides of the relation {op}, found a side with none; "
                "fix: write the claim in full",
                source=source,
                start=0,
                end=max(1, len(source)),
                approximate=True,
            )
    values = _finish(ctx, build, sides)
    if len(values) < len(sides):  # prose-only sides dropped: only "=" can have touched them
        kept = [k for k, side in enumerate(sides) if side is not None]
        relations = tuple(relations[i] if j == i + 1 else "=" for i, j in pairwise(kept))
    spans = tuple(norm.span(item.start, item.end)[:2] for item, _ in values)
    exprs = tuple(value for _, value in values)
    pieces = [to_latex(e, table) for e in exprs]
    read_as = pieces[0] + "".join(f" {op} {p}" for op, p in zip(relations, pieces[1:], strict=False))
    operators = tuple((name, *norm.span(start, end)[:2]) for name, start, end in build.operators)
    return Parsed(source, exprs, spans, read_as, tuple(ctx.notes), relations, operators)


def _prime_ambiguity(  # noqa: PLR0917 - the parse's own state, passed on once
    norm: Normalized,
    resolver: Resolver,
    options: ParseOptions,
    body_parser: BodyParser,
    expanding: frozenset[str],
    error: ShapeError,
) -> None:
    """A shape error with a declared primed symbol (``x'`` of hw3) that reads as a transpose.

    ``x'w`` with x' declared is x'·w, which does not fit; read with the prime as a transpose it
    is xᵀw, which does: the spelling is ambiguous under the key, so it is refused as such, naming
    both readings, never guessed.  Returns when the transpose reading does not fit either.
    """
    tree = _lark_parse(norm)
    ctx = Ctx(norm, options, [])
    build = Build(ctx, resolver, body_parser, expanding, _meaningful())
    build.prime_as_transpose = True
    try:
        sides = build.transform(tree)
        _finish(ctx, build, sides)  # type: ignore[arg-type]
    except (VisitError, CheckerError):
        return
    raise AmbiguousReadingError(
        f"expected one reading of the primes, found two: a declared primed symbol, which gives {error.message}, "
        "or a transpose, which fits; fix: write ^T for a transpose, or the symbol as the key spells it",
        source=norm.source,
        start=error.start,
        end=error.end,
        approximate=error.approximate,
        readings=("the declared primed symbol", "a transpose"),
    ) from error


@memo(maxsize=256)
def _function_body(
    table: SymbolTable, spec: FunctionSpec, options: ParseOptions, expanding: frozenset[str]
) -> sympy.Basic:
    """A key function's body (``f(x; w) := w^T x``), parsed once per process, not per call of ``f``.

    Key material only (the table's own function and the frozen options), so the cache is bounded
    by the key; an answer's text is never a key here.
    """
    return _parse(spec.body, _resolver(table), options, expanding).expr


@memo(maxsize=256)
def _read(source: str, max_depth: int) -> tuple[Normalized, Tree[Token]]:
    """The text normalized and its parse tree: they depend on neither the table nor the other
    options, so one answer read typed and then untyped (at two sizes) is tokenized and parsed
    once.  Both values are never changed after (the transformer builds new values)."""
    claim, condition = main_claim(source)  # offsets unchanged: the conditions are a suffix
    norm = normalize(claim, max_depth=max_depth)
    if condition is not None:
        norm = replace(norm, source=source, notes=(*norm.notes, condition))
    if not norm.text.strip():
        raise LatexSyntaxError(
            "expected an expression or an equation, found nothing (empty or prose only); "
            "fix: write the math of the answer",
            source=source,
            start=0,
            end=max(1, len(source)),
            approximate=bool(source),
        )
    return norm, _lark_parse(norm)


@memo(maxsize=256)
def _tree(text: str) -> Tree[Token]:
    """The parse tree of a normalized text.  Spellings that normalize alike (``X^\\top``, ``X^T``,
    ``X^{\\intercal}``; spacing; ``\\left(``) share it, and the tree is never changed after; a
    text that does not parse raises each time (the error's caret depends on the source)."""
    return _parser().parse(text)


def _lark_parse(norm: Normalized) -> Tree[Token]:
    try:
        return _tree(norm.text)
    except UnexpectedInput as exc:
        if isinstance(exc, UnexpectedCharacters):
            pos = exc.pos_in_stream or 0
            found = repr(norm.text[pos]) if pos < len(norm.text) else "the end"
            expected = sorted(exc.allowed or ())
        elif isinstance(exc, UnexpectedToken):
            pos = (exc.token.start_pos or 0) if exc.token.type != "$END" else len(norm.text)
            found = "the end" if exc.token.type == "$END" else repr(str(exc.token))
            expected = sorted(exc.expected)
        else:
            assert isinstance(exc, UnexpectedEOF)
            pos, found, expected = len(norm.text), "the end", sorted(exc.expected)
        names = ", ".join(dict.fromkeys(_FRIENDLY.get(e, e.lower().lstrip("_")) for e in expected[:8]))
        start, end, approximate = norm.span(pos, pos + 1)
        raise LatexSyntaxError(
            f"expected one of: {names}; found {found}; fix: check the text at the caret "
            "(a missing operand, an unbalanced bracket or a stray symbol)",
            source=norm.source,
            start=start,
            end=end,
            approximate=approximate,
        ) from exc
    except LarkError as exc:
        raise LatexSyntaxError(
            f"expected LaTeX the grammar reads, found an error: {exc}; fix: check the text",
            source=norm.source,
            start=0,
            end=1,
        ) from exc


def _check_depth(tree: Tree[Token], ctx: Ctx) -> None:
    """Refuse trees nested deeper than ``max_depth`` before the (recursive) transformer runs."""
    stack: list[tuple[Tree[Token], int, int]] = [(tree, 0, 0)]
    while stack:
        node, depth, total = stack.pop()
        if depth > ctx.options.max_depth or total > _MAX_TREE_DEPTH:
            start, end = _tree_span(node)
            raise ctx.fail(
                UnsupportedConstructError,
                f"expected groups nested at most max_depth={ctx.options.max_depth} deep, found deeper nesting; "
                "fix: simplify the expression",
                start,
                end,
            )
        for child in node.children:
            if isinstance(child, Tree):
                stack.append((child, depth + (child.data in _NESTING), total + 1))


def _tree_span(node: Tree[Token]) -> tuple[int, int]:
    """The span of a subtree: its leftmost token's start to its rightmost token's end ((0, 1) if none)."""

    def edge(children: list[Tree[Token] | Token], last: bool) -> Token | None:
        stack = list(children) if last else list(reversed(children))
        while stack:
            child = stack.pop()
            if isinstance(child, Token):
                return child
            stack.extend(child.children if last else reversed(child.children))
        return None

    first, final = edge(node.children, last=False), edge(node.children, last=True)
    if first is None or final is None:
        return (0, 1)
    return (first.start_pos or 0, final.end_pos or 0)


def _finish(ctx: Ctx, build: Build, sides: list[Item | None]) -> list[tuple[Item, sympy.Basic]]:
    items = [build._value(s) for s in sides if s is not None]
    if len(items) < len(sides):
        ctx.note("dropped a side with no math (prose only)")
    if not items:
        raise ctx.fail(
            LatexSyntaxError,
            "expected an expression on some side of =, found none; fix: write the math of the answer",
            0,
            len(ctx.norm.text),
        )
    for item in items:
        value = item.value
        if isinstance(value, sympy.Basic) and value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
            raise ctx.fail(
                UnsupportedConstructError,
                f"expected a finite expression, found {ctx.text(item)}, which divides by zero; "
                "fix: check the denominators and negative powers",
                item.start,
                item.end,
            )
        if build.placeholders and isinstance(value, sympy.Basic):  # free_symbols of a Sum is costly
            for symbol in value.free_symbols & set(build.placeholders):
                p = build.placeholders[symbol]
                raise ctx.fail(
                    UnknownSymbolError,
                    f"expected a symbol of this question, found name={ctx.text(Item(None, p.start, p.end))}, "
                    f"a component of {p.vector.name} outside a \\sum_{p.index}; "
                    f"fix: write the vector form (w^T x) or sum over {p.index}",
                    p.start,
                    p.end,
                )
    target = next((item for item in items if alg.shape(item.value) is not None), None)
    dims = alg.shape(target.value) if target is not None else None
    out: list[tuple[Item, sympy.Basic]] = []
    for item in items:
        value = item.value
        if isinstance(value, Unsized):
            if dims is None or dims[0] != dims[1]:
                raise ctx.fail(
                    ShapeError,
                    f"expected the size of I to follow from context, found {ctx.text(item)} alone; "
                    "fix: write I_d or I_n",
                    item.start,
                    item.end,
                )
            value = alg.size_to(value, dims[0])
        elif dims is not None and alg.shape(value) is None and value == 0:
            value = sympy.ZeroMatrix(*dims)
        elif alg.shape(value) != dims:
            assert target is not None
            first, second = sorted((target, item), key=lambda i: i.start)
            raise ctx.fail(
                ShapeError,
                f"expected every side of = to have one shape, found {ctx.text(first)} of shape "
                f"{alg.fmt_shape(alg.shape(first.value))} = {ctx.text(second)} of shape "
                f"{alg.fmt_shape(alg.shape(second.value))}; fix: check both sides of the equation",
                item.start,
                item.end,
            )
        assert isinstance(value, sympy.Basic)
        out.append((item, value))
    return out


def to_latex(expr: sympy.Basic, table: SymbolTable) -> str:
    """Render ``expr`` in LaTeX with the key's spellings (``x_adv`` → ``x'``, ``w`` → ``w^*`` where set).

    Args:
        expr: a value built by :func:`parse` (or by hand with :mod:`checker.symbols`).
        table: the symbol table whose ``latex`` spellings to use.

    Returns:
        LaTeX that :func:`parse` reads back to ``expr``.

    >>> from checker.key import load_key
    >>> table = load_key(validate_latex=False).question("1.1.2").symbols
    >>> to_latex(parse("x'", table).expr, table)
    "x'"
    """
    return render(expr, table)


def shape_of(expr: sympy.Basic) -> tuple[sympy.Expr, sympy.Expr] | None:
    """The shape ``(rows, cols)`` of a matrix value, None for a scalar.

    Args:
        expr: a value built by :func:`parse`.

    Returns:
        The SymPy dimensions, or None for a scalar (including a collapsed 1×1 product).

    >>> import sympy
    >>> shape_of(sympy.MatrixSymbol("w", 3, 1))
    (3, 1)
    """
    return alg.shape(expr)


def definitions(table: SymbolTable, options: ParseOptions = ParseOptions()) -> dict[sympy.Basic, sympy.Basic]:
    """The parsed ``define`` of every defined symbol of ``table``.

    Args:
        table: the question's symbol table.
        options: how to read the definitions (the question's options).

    Returns:
        symbol → its definition (the last side of the parsed ``define``), in table order.

    Raises:
        CheckerError: a definition that does not parse (a key error; ``load_key`` reports it first).

    >>> from checker.key import load_key
    >>> table = load_key(validate_latex=False).question("1.1.2").symbols
    >>> [str(k) for k in definitions(table)]
    ['x_adv']
    """
    return dict(_definitions(table, options))


@memo(maxsize=64)
def _definitions(table: SymbolTable, options: ParseOptions) -> tuple[tuple[sympy.Basic, sympy.Basic], ...]:
    """The key's definitions, parsed once per (frozen) table and options: key material only."""
    out: list[tuple[sympy.Basic, sympy.Basic]] = []
    for spec in table.symbols:
        if spec.define is None or spec.shape == "identity":
            continue
        out.append((sympy_symbol(spec, table), parse(spec.define, table, options=options).expr))
    return tuple(out)
