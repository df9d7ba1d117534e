"""Index notation, typed by the key: entries, sums and products, iterates, E/Var/Cov.

The rules of :class:`~._transformer.Build` that read index notation live here, as a mixin:

* **indices**: a letter the key declares in ``[indices]`` (``i`` over n, ``j`` over d), or one a
  ``\\sum`` of the same expression binds, reads as an integer index symbol;
* **entries**: ``w_j``, ``X_{ij}``, ``x_j^{(i)}``, ``t^{(i)}`` read as ``MatrixElement`` s of the
  declared symbol, by the spellings the key lists in ``entries`` (an index over the rows'
  dimension picks the row); a subscript letter on a declared vector is its component;
* **sums and products**: ``\\sum_{i=1}^{n}``, ``\\sum_j`` (the range implied by what the index
  picks), nested, with summands that depend on the index: ``sympy.Sum`` / ``sympy.Product``,
  valued exactly at the sampled sizes by the engine;
* **iterates**: ``w^{(t+1)}``, ``w_{t+1}``, ``w^{k+1}`` name the next iterate of a symbol the key
  declares with ``iterate``; ``w \\leftarrow e`` (or ``\\gets``, ``:=``) reads as "next iterate = e";
* **random variables**: ``E``, ``\\mathbb{E}_m``, ``\\operatorname{Var}``, ``\\text{var}_m``,
  ``\\operatorname{Cov}`` applied to a bracket, over the key's random symbols
  (:class:`~checker.symbols.Expectation` and friends, exact in the engine).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy
from lark import Token, Tree
from sympy.matrices.expressions.matexpr import MatrixElement, MatrixExpr

from checker.caches import memo
from checker.errors import CheckerError, ShapeError, UnknownSymbolError, UnsupportedConstructError
from checker.symbols import (
    Covariance,
    Expectation,
    Variance,
    index_symbol,
    iterate_name,
    random_over,
    shape_of,
)
from checker.table import FunctionSpec, IndexSpec, SymbolSpec, SymbolTable

from . import _algebra as alg
from ._algebra import Item
from ._base import OperatorRef, Rules
from ._normalize import normalize
from ._symbols import NameRef, SymbolKey, base_text, make_key, script_text, spelling_key

__all__ = ["IndexedRules", "OperatorRef", "bound_letters", "main_claim"]

# Where a step's conditions begin ("... \quad \text{if} \quad ŷ = ... \text{where} π ~ N(0, σ²)"):
# the claim before them is the step; the conditions restate the key's declarations.
_CONDITION = re.compile(r"\\(?:text|textrm|mathrm|mbox)\s*\{\s*(?:if|where|for|with|s\.t\.|since|given)\b")


def main_claim(source: str) -> tuple[str, str | None]:
    """The claim of a step written with conditions after it (``a = b \\text{if} c = d``).

    Returns:
        The text before the first condition word (offsets unchanged), and a note, or
        ``(source, None)`` when there is no condition.

    >>> main_claim(r"E[y] = x \\quad \\text{if} \\quad y = x")[0]
    'E[y] = x \\\\quad '
    """
    match = _CONDITION.search(source)
    if match is None or not source[: match.start()].strip():
        return source, None
    word = source[match.start() : match.end()]
    return source[: match.start()], f"read the claim before {word}}}; the conditions after it are not checked"


_OPERATORS = {"E": "expectation", "var": "variance", "Var": "variance", "VAR": "variance",
              "Cov": "covariance", "cov": "covariance", "COV": "covariance", "V": "variance"}  # fmt: skip
_NAMEABLE = frozenset({"SUB", "STAR", "PRIME", "SUPWORD"})
_INDEX_TOKEN = re.compile(r"\\[A-Za-z]+|[A-Za-z]|[0-9]+")
_OFFSET = re.compile(r"^(?P<index>\\?[A-Za-z]+)(?:(?P<sign>[+-])(?P<k>[0-9]{1,3}))?$")


@dataclass(frozen=True)
class _Pattern:
    """One entry spelling of the key: ``x_j^{(i)}`` is base x, subscript (j,), superscript i."""

    spec: SymbolSpec
    accent: str
    base: str
    sub: tuple[str, ...]
    sup: str | None


def bound_letters(tree: Tree[Token]) -> frozenset[str]:
    """Letters some ``\\sum``/``\\prod`` of the tree binds (``\\sum_{k=1}^{10}`` binds k).

    The transformer works bottom-up, so a summand's ``k`` is read before the sum that binds it:
    the letters are found first, and a bound letter reads as an index wherever it appears.
    """
    out: set[str] = set()
    for node in tree.iter_subtrees():
        if node.data in ("bigsum", "bigprod"):
            for child in node.children:
                if isinstance(child, Token) and child.type == "SUB":
                    head = script_text(str(child)).partition("=")[0]
                    out.update(piece for piece in head.split(",") if piece)
    return frozenset(out)


class IndexedRules(Rules):
    """The index-notation rules of the transformer (a mixin of :class:`~._transformer.Build`)."""

    # ---- names: indices, entries, iterates, operators ----------------------------------------

    def _index_spec(self, text: str) -> IndexSpec | None:
        for spec in self.resolver.table.indices:
            if text in (base_text(s) for s in spec.spellings):
                return spec
        return None

    def _index_value(self, text: str) -> sympy.Expr | None:
        """An index written in a script: a declared or bound index letter, or a whole number."""
        text = text.strip()
        if text.isdigit():
            return sympy.Integer(int(text[:6]))
        spec = self._index_spec(text)
        if spec is not None:
            return index_symbol(spec.name)
        if text in self.bound and len(text) == 1 and text.isalpha():
            return index_symbol(text)
        return None

    def indexed_name(
        self, primary: Item, scripts: list[Token | Item]
    ) -> tuple[Item, list[Token | Item]] | None:
        """A name that index notation reads (an index, an entry, an iterate, an operator), else None.

        Called before the table's plain spellings are tried, and only when the name with all its
        decorations is not itself a declared spelling.
        """
        ref = primary.value
        assert isinstance(ref, NameRef)
        lookup = self.resolver.lookup
        head = [s for s in scripts[:2] if (isinstance(s, Token) and s.type == "SUB") or _is_sup(s)]
        full = spelling_key_of(ref, [s for s in scripts if isinstance(s, Token)])
        if (
            full is not None
            and lookup(full) is not None
            and len(head) <= sum(isinstance(s, Token) for s in scripts)
        ):
            return None
        operator = self._operator(primary, scripts)
        if operator is not None:
            return operator
        iterate = self._iterate(primary, scripts)
        if iterate is not None:
            return iterate
        entry = self._entry_by_pattern(primary, scripts)
        if entry is not None:
            return entry
        for script in scripts[:2]:
            if isinstance(script, Item) and script.kind == "supparen" and _has_index(script.value):
                raise self.ctx.fail(
                    UnknownSymbolError,
                    f"expected an entry the key declares, found "
                    f"name={self.ctx.text(Item(None, primary.start, script.end + 1))} (an index in a superscript); "
                    "fix: use the question's notation for entries",
                    primary.start,
                    script.end + 1,
                )
        plain = lookup(
            ("", ref.base, 0, 0, (), ()) if not ref.accent else (ref.accent, ref.base, 0, 0, (), ())
        )
        if plain is None and not (scripts and isinstance(scripts[0], Token) and scripts[0].type in _NAMEABLE):
            value = self._index_value(ref.base) if not ref.accent else None
            if value is not None and isinstance(value, sympy.Symbol):
                return Item(value, primary.start, primary.end), scripts
        return None

    def _operator(self, primary: Item, scripts: list[Token | Item]) -> tuple[Item, list[Token | Item]] | None:
        ref = primary.value
        assert isinstance(ref, NameRef)
        kind = _OPERATORS.get(ref.base)
        if kind is None or ref.accent or not any(s.random for s in self.resolver.table):
            return None
        if self.resolver.lookup(("", ref.base, 0, 0, (), ())) is not None:
            return None  # a declared symbol keeps its meaning
        over: list[str] = []
        rest = list(scripts)
        if rest and isinstance(rest[0], Token) and rest[0].type == "SUB":
            for piece in script_text(str(rest[0])).split(","):
                key = spelling_key(piece)
                spec = self.resolver.lookup(key) if key is not None else None
                if spec is None or spec.random is None:
                    raise self.ctx.fail(
                        UnknownSymbolError,
                        f"expected {ref.base}_v with v a random symbol of this question "
                        f"({', '.join(s.latex for s in self.resolver.table if s.random)}), found v={piece}; "
                        "fix: name the random variable the expectation is over",
                        primary.start,
                        rest[0].end_pos or primary.end,
                    )
                over.append(spec.name)
            end = rest[0].end_pos or primary.end
            rest = rest[1:]
        else:
            end = primary.end
        return Item(OperatorRef(kind, tuple(over)), primary.start, end), rest

    def apply_operator(self, op_item: Item, arg_item: Item) -> Item:
        """``E[body]``, ``Var(body)``, ``Cov(a, b)``: the exact node over the random symbols."""
        op = op_item.value
        assert isinstance(op, OperatorRef)
        listed = getattr(arg_item.value, "items", None)  # an argument list (a, b): _transformer.Args
        args: tuple[Item, ...] = listed if isinstance(listed, tuple) else (arg_item,)
        want = 2 if op.kind == "covariance" else 1
        if len(args) != want:
            raise self.ctx.fail(
                UnsupportedConstructError,
                f"expected {want} argument(s) of the {op.kind}, found {len(args)}; "
                f"fix: write {'Cov[a, b]' if want == 2 else 'E[...]'}",
                arg_item.start,
                arg_item.end,
            )
        bodies: list[sympy.Basic] = []
        for raw in args:
            item = self._value(raw)
            value = item.value
            if not isinstance(value, sympy.Expr) or isinstance(value, MatrixExpr):
                raise self.ctx.fail(
                    UnsupportedConstructError,
                    f"expected a scalar inside the {op.kind}, found {self.ctx.text(item)} of shape "
                    f"{alg.fmt_shape(alg.shape(value))}; fix: take it of one entry or a scalar",
                    item.start,
                    item.end,
                )
            bodies.append(self._defined(value))
        names = op.over or tuple(
            spec.name
            for spec in self.resolver.table
            if spec.random is not None and any(b.has(self.resolver.symbol(spec)) for b in bodies)
        )
        over = sympy.Tuple(*(self._random(name) for name in names))
        node: sympy.Basic
        if op.kind == "expectation":
            node = Expectation(bodies[0], over)
        elif op.kind == "variance":
            node = Variance(bodies[0], over)
        else:
            node = Covariance(bodies[0], bodies[1], over)
        self.applied(op.kind, op_item.start, arg_item.end)
        return Item(node, op_item.start, arg_item.end)

    def _random(self, name: str) -> sympy.Tuple:
        spec = self.resolver.table.symbol(name)
        assert spec.random is not None
        values: dict[str, sympy.Basic] = {}
        for key, text in spec.random.parameters:
            if key in ("values", "probabilities"):
                values[key] = sympy.Tuple(
                    *(self._key_latex(f"{name}.{key}{k}", piece) for k, piece in enumerate(text.split(";")))
                )
            else:
                values[key] = self._key_latex(f"{name}.{key}", text)
        return random_over(spec.random, self.resolver.symbol(spec), values)

    def _key_latex(self, label: str, text: str) -> sympy.Basic:
        """A piece of the key's LaTeX (a parameter, a definition), parsed once per process."""
        return self.body_parser(FunctionSpec(f"_{label}", (), text.strip()), self.expanding)

    def _defined(self, value: sympy.Basic) -> sympy.Basic:
        """``value`` with the table's defined symbols replaced by their definitions, so that an
        expectation sees the random symbols a definition uses (E[J] with J := ... over m)."""
        table = self.resolver.table
        for _ in range(8):
            mapping: dict[sympy.Basic, sympy.Basic] = {}
            for spec in table:
                if spec.define is None or spec.shape == "identity" or spec.name in self.expanding:
                    continue
                symbol = self.resolver.symbol(spec)
                if value.has(symbol):
                    body = self._key_latex(f"define.{spec.name}", spec.define)
                    if alg.shape(body) == alg.shape(symbol):
                        mapping[symbol] = body
            if not mapping:
                break
            value = value.xreplace(mapping)
        return value

    def _iterate(self, primary: Item, scripts: list[Token | Item]) -> tuple[Item, list[Token | Item]] | None:
        """``w^{(t+1)}``, ``w_{t+1}``, ``w^{t}``: an iterate of a symbol the key declares with one."""
        ref = primary.value
        assert isinstance(ref, NameRef)
        spec = self.resolver.lookup((ref.accent, ref.base, 0, 0, (), ()))
        if spec is None or spec.iterate is None or not scripts:
            return None
        index = self.resolver.table.index(spec.iterate)
        if index is None:
            return None
        for position, script in enumerate(scripts[:2]):
            offset = self._offset(script, index)
            if offset is None:
                continue
            rest = [s for k, s in enumerate(scripts) if k != position]
            symbol = self._iterate_symbol(spec, offset)
            end = script.end if isinstance(script, Item) else script.end_pos or primary.end
            item = Item(symbol, primary.start, end)
            if rest and ((isinstance(rest[0], Token) and rest[0].type == "SUB") or _is_sup(rest[0])):
                entry = self._entry_of(spec, symbol, rest[0], primary)
                if entry is not None:
                    return entry, rest[1:]
            return item, rest
        return None

    def _offset(self, script: Token | Item, index: IndexSpec) -> int | None:
        if isinstance(script, Token):
            if script.type != "SUB":
                return None
            text = script_text(str(script))
        elif script.kind in ("sup", "supparen"):
            value = script.value
            symbol = index_symbol(index.name)
            if not isinstance(value, sympy.Expr) or not value.has(symbol):
                return None
            rest = sympy.expand(value - symbol)
            return int(rest) if rest.is_Integer and abs(int(rest)) <= 999 else None
        else:
            return None
        match = _OFFSET.match(text.replace(" ", ""))
        if match is None or match.group("index") not in (base_text(s) for s in index.spellings):
            return None
        k = int(match.group("k") or 0)
        return -k if match.group("sign") == "-" else k

    def _iterate_symbol(self, spec: SymbolSpec, offset: int) -> sympy.Basic:
        base = self.resolver.symbol(spec)
        if offset == 0:
            return base
        name = iterate_name(spec.name, offset)
        if isinstance(base, sympy.MatrixSymbol):
            return sympy.MatrixSymbol(name, *base.shape)
        assert isinstance(base, sympy.Symbol)
        return sympy.Symbol(name, **base.assumptions0)

    def _entry_by_pattern(
        self, primary: Item, scripts: list[Token | Item]
    ) -> tuple[Item, list[Token | Item]] | None:
        ref = primary.value
        assert isinstance(ref, NameRef)
        for pattern, written in self._patterns(ref, scripts):
            values = self._match(pattern, written)
            if values is None:
                continue
            end = max(s.end if isinstance(s, Item) else s.end_pos or 0 for s in written)
            item = self._entry_value(pattern.spec, self.resolver.symbol(pattern.spec), values, primary, end)
            return item, scripts[len(written) :]
        # a subscript letter on a declared vector: its component (w_j), as before the key said more
        spec = self.resolver.lookup((ref.accent, ref.base, 0, 0, (), ()))
        if spec is not None and spec.shape == "identity":
            return None
        if spec is not None and scripts and isinstance(scripts[0], Token) and scripts[0].type == "SUB":
            entry = self._entry_of(spec, self.resolver.symbol(spec), scripts[0], primary)
            if entry is not None:
                return entry, scripts[1:]
        return None

    def _patterns(
        self, ref: NameRef, scripts: list[Token | Item]
    ) -> list[tuple[_Pattern, list[Token | Item]]]:
        out: list[tuple[_Pattern, list[Token | Item]]] = []
        for pattern in _entry_patterns(self.resolver.table):
            if (pattern.accent, pattern.base) != (ref.accent, ref.base):
                continue
            need = (1 if pattern.sub else 0) + (1 if pattern.sup is not None else 0)
            written = scripts[:need]
            if len(written) == need:
                out.append((pattern, written))
        return out

    def _match(self, pattern: _Pattern, written: list[Token | Item]) -> dict[str, sympy.Expr] | None:
        values: dict[str, sympy.Expr] = {}
        subs = [s for s in written if isinstance(s, Token) and s.type == "SUB"]
        sups = [s for s in written if _is_sup(s)]
        if len(subs) != (1 if pattern.sub else 0) or len(sups) != (1 if pattern.sup is not None else 0):
            return None
        if subs:
            pieces = _split_indices(script_text(str(subs[0])), len(pattern.sub))
            if pieces is None:
                return None
            for letter, piece in zip(pattern.sub, pieces, strict=True):
                if self.resolver.table.index(letter) is None:  # a literal part of the spelling
                    if base_text(piece) != letter:
                        return None
                    continue
                value = self._index_value(piece)
                if value is None:
                    return None
                values[letter] = value
        if sups:
            sup = sups[0]
            assert isinstance(sup, Item) and pattern.sup is not None
            if sup.kind != "supparen" or not _is_index_expr(sup.value):
                return None
            values[pattern.sup] = sup.value
        return values

    def _entry_of(
        self, spec: SymbolSpec, symbol: sympy.Basic, script: Token | Item, primary: Item
    ) -> Item | None:
        """A one-letter subscript on a vector: its component, the index implied by the vector."""
        if not isinstance(script, Token) or script.type != "SUB":
            return None
        dims = shape_of(spec, self.resolver.table)
        text = script_text(str(script))
        if dims is None or not (dims[0] == 1 or dims[1] == 1):
            return None
        value = self._index_value(text)
        if value is None:
            if (
                len(text) != 1
                or not text.isalpha()
                or self.resolver.lookup(("", text, 0, 0, (), ())) is not None
            ):
                return None
            value = index_symbol(text)  # a letter no sum binds: refused when it stays free
            assert isinstance(symbol, sympy.MatrixSymbol)
            self._loose_index(value, symbol, text, primary.start, script.end_pos or 0)
        position = "row" if dims[1] == 1 else "col"
        entry = (
            MatrixElement(symbol, value - 1, 0) if position == "row" else MatrixElement(symbol, 0, value - 1)
        )
        return Item(entry, primary.start, script.end_pos or primary.end)

    def _entry_value(
        self, spec: SymbolSpec, symbol: sympy.Basic, values: dict[str, sympy.Expr], primary: Item, end: int
    ) -> Item:
        table = self.resolver.table
        dims = shape_of(spec, table)
        if dims is None:
            raise self.ctx.fail(
                ShapeError,
                f"expected entries of a vector or matrix, found {self.ctx.text(Item(None, primary.start, end))} "
                f"of the scalar {spec.latex}; fix: correct the key's entries",
                primary.start,
                end,
            )
        rows, cols = dims
        row: sympy.Expr | None = None
        col: sympy.Expr | None = None
        loose: list[sympy.Expr] = []
        for letter, value in values.items():
            index = table.index(letter)
            over = index.over if index is not None else None
            dim = sympy.Symbol(over) if over else None
            if dim is not None and row is None and str(rows) == str(dim):
                row = value
            elif dim is not None and col is None and str(cols) == str(dim):
                col = value
            else:
                loose.append(value)
        for value in loose:
            if row is None and rows != 1:
                row = value
            elif col is None and cols != 1:
                col = value
            else:
                raise self.ctx.fail(
                    ShapeError,
                    f"expected indices matching the shape {alg.fmt_shape(dims)} of {spec.latex}, found "
                    f"{self.ctx.text(Item(None, primary.start, end))}; fix: check the key's entries",
                    primary.start,
                    end,
                )
        if spec.define is not None and alg.shape(self._key_latex(f"define.{spec.name}", spec.define)) is None:
            # an entry-wise definition (\hat{y}^{(i)} := \sum_j ...): its index letters take the values written
            body = self._key_latex(f"define.{spec.name}", spec.define)
            mapping = {index_symbol(letter): value for letter, value in values.items()}
            return Item(body.xreplace(mapping), primary.start, end)
        if row is None and rows == 1:
            row = sympy.Integer(1)
        if col is None and cols == 1:
            col = sympy.Integer(1)
        if row is None or col is None:
            raise self.ctx.fail(
                UnsupportedConstructError,
                f"expected one entry of {spec.latex}, found a row or column "
                f"{self.ctx.text(Item(None, primary.start, end))}; fix: write the entry with both indices",
                primary.start,
                end,
            )
        for value, size in ((row, rows), (col, cols)):
            if value.is_Integer and (value < 1 or (sympy.sympify(size).is_Integer and value > size)):
                raise self.ctx.fail(
                    ShapeError,
                    f"expected an index from 1 to {sympy.sstr(size)}, found {value}; fix: check the index",
                    primary.start,
                    end,
                )
        return Item(MatrixElement(symbol, row - 1, col - 1), primary.start, end)

    # ---- updates ------------------------------------------------------------------------------

    def update(self, span: tuple[int, int], *children: Item | Token | None) -> list[Item | None]:
        """``w \\leftarrow e``: "next iterate = e" when the key declares w's iterates, else ``w = e``."""
        sides = [c for c in children if not isinstance(c, Token)]
        lhs = sides[0]
        if lhs is not None:
            value = lhs.value
            target = value.parent if isinstance(value, MatrixElement) else value
            name = getattr(target, "name", None)
            spec = next((s for s in self.resolver.table if s.name == name and s.iterate), None)
            if spec is not None:
                following = self._iterate_symbol(spec, 1)
                value = (
                    MatrixElement(following, value.i, value.j)
                    if isinstance(value, MatrixElement)
                    else following
                )
                self.ctx.note(
                    f"read {self.ctx.text(lhs)} \\leftarrow ... as the next iterate of {spec.latex}"
                )
                sides[0] = Item(value, lhs.start, lhs.end, lhs.kind)
        # the arrow is "=" between the iterates; the relations after it are the chain's
        relops = ("".join(str(c).split()) for c in children if isinstance(c, Token) and c.type == "RELOP")
        self.relations = ("=", *relops)
        return sides

    # ---- sums and products ---------------------------------------------------------------------

    def bigsum(self, span: tuple[int, int], *children: Item | Token) -> Item:
        return self._big(span, children, sympy.Sum, "\\sum")

    def bigprod(self, span: tuple[int, int], *children: Item | Token) -> Item:
        return self._big(span, children, sympy.Product, "\\prod")

    def _big(self, span: tuple[int, int], children: tuple[Item | Token, ...], op: type, name: str) -> Item:
        start, end = span
        sub = next((c for c in children if isinstance(c, Token) and c.type == "SUB"), None)
        upper = next((c for c in children if isinstance(c, Item) and c.kind in ("sup", "supparen")), None)
        body = self._value(children[-1])  # type: ignore[arg-type]
        if sub is None:
            raise self.ctx.fail(
                UnsupportedConstructError,
                f"expected {name} with an index, found none; fix: write {name}_{{i=1}}^{{n}} ...",
                start,
                end,
            )
        head, _, lower_text = script_text(str(sub)).partition("=")
        letters = [piece for piece in head.split(",") if piece]
        value = body.value
        if not isinstance(value, sympy.Expr) or isinstance(value, MatrixExpr):
            raise self.ctx.fail(
                UnsupportedConstructError,
                f"expected a scalar term under {name}, found {self.ctx.text(body)} of shape "
                f"{alg.fmt_shape(alg.shape(value))}; fix: write the matrix product instead",
                body.start,
                body.end,
            )
        for letter in reversed(letters):
            if (
                self.resolver.lookup(("", letter, 0, 0, (), ())) is not None
                and self._index_spec(letter) is None
            ):
                raise self.ctx.fail(
                    UnsupportedConstructError,
                    f"expected an index letter that is not a symbol of this question, found {letter}; "
                    "fix: sum over another letter (i, j, k)",
                    start,
                    end,
                )
            if not (len(letter) == 1 and letter.isalpha()) and self._index_spec(letter) is None:
                raise self.ctx.fail(
                    UnsupportedConstructError,
                    f"expected one index letter under {name}, found {letter}; fix: write {name}_{{i=1}}^{{n}}",
                    start,
                    end,
                )
            index = index_symbol((self._index_spec(letter) or IndexSpec(letter, letter)).name)
            lower = self._lower(lower_text if len(letters) == 1 else "", start, end)
            hi = self._upper(index, upper if len(letters) == 1 else None, value, start, end)
            if (
                lower != 1
                and all(sympy.expand(hi - lower + 1 - size) == 0 for size in _implied_ranges(index, value))
                and _only_in_entries(index, value)
            ):
                # 0-based bounds over whole components (\sum_{i=0}^{d-1} w_i x_i): the entries shift
                value = value.xreplace({index: index - lower + 1})
            self._check_range(
                index=index,
                lower=lower if not _only_in_entries(index, value) or lower == 1 else sympy.Integer(1),
                upper=hi if lower == 1 or not _only_in_entries(index, value) else hi - lower + 1,
                body=value,
                start=start,
                end=end,
            )
            value = op(value, (index, lower, hi))
        self.applied("sum" if op is sympy.Sum else "product", start, end)
        return Item(value, start, end)

    def _lower(self, text: str, start: int, end: int) -> sympy.Expr:
        text = text.strip()
        if not text:
            return sympy.Integer(1)
        if text.lstrip("-").isdigit() and len(text) <= 6:
            return sympy.Integer(int(text))
        raise self.ctx.fail(
            UnsupportedConstructError,
            f"expected a whole number as the lower bound, found {text}; fix: start the index at 1",
            start,
            end,
        )

    def _upper(
        self, index: sympy.Symbol, upper: Item | None, body: sympy.Expr, start: int, end: int
    ) -> sympy.Expr:
        if upper is not None:
            value = upper.value
            if not isinstance(value, sympy.Expr) or isinstance(value, MatrixExpr) or value.has(index):
                raise self.ctx.fail(
                    UnsupportedConstructError,
                    f"expected a whole number or a dimension as the upper bound, found {self.ctx.text(upper)}; "
                    "fix: write it as n, d or a number",
                    upper.start,
                    upper.end,
                )
            return value
        implied = _implied_ranges(index, body)
        spec = self.resolver.table.index(index.name)
        if not implied and spec is not None and spec.over is not None:
            implied.add(self.resolver.symbol(self.resolver.table.symbol(spec.over)))
        if len(implied) == 1:
            return next(iter(implied))
        raise self.ctx.fail(
            UnsupportedConstructError,
            f"expected the range of the index {index.name} to follow from the vectors it picks entries of, "
            f"found {'none' if not implied else 'several: ' + ', '.join(sorted(map(str, implied)))}; "
            f"fix: write the bounds, e.g. \\sum_{{{index.name}=1}}^{{n}}",
            start,
            end,
        )

    def _check_range(
        self,
        *,
        index: sympy.Symbol,
        lower: sympy.Expr,
        upper: sympy.Expr,
        body: sympy.Expr,
        start: int,
        end: int,
    ) -> None:
        """The written bounds must cover exactly the entries the index picks (1 to their length)."""
        for size in _implied_ranges(index, body):
            if sympy.expand(lower - 1) != 0 or sympy.expand(upper - size) != 0:
                raise self.ctx.fail(
                    ShapeError,
                    f"expected the index {index.name} to run over the {sympy.sstr(size)} components it picks, "
                    f"found bounds {sympy.sstr(lower)} to {sympy.sstr(upper)}; fix: write the bounds 1 to "
                    f"{sympy.sstr(size)}",
                    start,
                    end,
                )


def _implied_ranges(index: sympy.Symbol, body: sympy.Basic) -> set[sympy.Expr]:
    """The sizes of the dimensions ``index`` picks entries along in ``body``."""
    out: set[sympy.Expr] = set()
    for element in body.atoms(MatrixElement):
        rows, cols = element.parent.shape
        if sympy.expand(element.i - index + 1) == 0:
            out.add(rows)
        if sympy.expand(element.j - index + 1) == 0:
            out.add(cols)
    return out


def _only_in_entries(index: sympy.Symbol, body: sympy.Basic) -> bool:
    """``index`` appears only inside entry positions (never as a value of its own)."""
    stripped = body.replace(lambda e: isinstance(e, MatrixElement), lambda e: sympy.Symbol("_entry"))
    return bool(body.atoms(MatrixElement)) and not stripped.has(index)


def _has_index(value: object) -> bool:
    return _is_index_expr(value) and bool(getattr(value, "free_symbols", None))


def _is_sup(script: Token | Item) -> bool:
    return isinstance(script, Item) and script.kind in ("sup", "supparen")


def _is_index_expr(value: object) -> bool:
    if not isinstance(value, sympy.Expr) or isinstance(value, MatrixExpr):
        return False
    return all(s.is_integer for s in value.free_symbols) and bool(value.free_symbols or value.is_Integer)


def _split_indices(text: str, count: int) -> list[str] | None:
    """``ij``, ``i,j``, ``i j``, ``\\ell k`` into ``count`` pieces, or None."""
    if "," in text:
        pieces = [p.strip() for p in text.split(",")]
    else:
        pieces = _INDEX_TOKEN.findall(text)
        if "".join(pieces) != text.replace(" ", ""):
            return None
    return pieces if len(pieces) == count and all(pieces) else None


def spelling_key_of(ref: NameRef, tokens: list[Token]) -> SymbolKey | None:
    """The table key of ``ref`` with its name-like decorations (or None when there are none)."""
    pieces = [(t.type, str(t)) for t in tokens if t.type in ("SUB", "STAR", "PRIME", "SUPWORD")]
    if not pieces:
        return None
    return make_key(ref, pieces)


@memo(maxsize=64)
def _entry_patterns(table: SymbolTable) -> tuple[_Pattern, ...]:
    """Every entry spelling of the table, parsed once per (frozen) table: key material only."""
    out: list[_Pattern] = []
    for spec in table:
        for spelling in spec.entries:
            pattern = _parse_pattern(spec, spelling)
            if pattern is not None:
                out.append(pattern)
    return tuple(out)


_PATTERN = re.compile(r"^(?P<name>.*?)(?P<scripts>(?:_\{[^{}]*\}|\^\{\([^{}()]*\)\})+)$")


def _parse_pattern(spec: SymbolSpec, spelling: str) -> _Pattern | None:
    try:
        text = "".join(normalize(spelling, max_depth=8).text.split())
    except CheckerError:  # a key error: the loader reports unreadable spellings
        return None
    match = _PATTERN.match(text)
    if match is None:
        return None
    key = spelling_key(match.group("name"))
    if key is None:
        return None
    sub: tuple[str, ...] = ()
    sup: str | None = None
    for piece in re.findall(r"_\{[^{}]*\}|\^\{\([^{}()]*\)\}", match.group("scripts")):
        if piece.startswith("_"):
            parts = _split_indices(piece[2:-1], len(_INDEX_TOKEN.findall(piece[2:-1])))
            sub = tuple(base_text(p) for p in parts or ())
        else:
            sup = piece[3:-2]
    return _Pattern(spec, key[0], key[1], sub, sup)
