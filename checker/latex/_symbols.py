"""Symbol lookup: every spelling in the table and every name in the input map to one canonical key.

A key is ``(accent, base, stars, primes, subscripts, superscript words)``.  Spellings from the table
(``latex`` and ``aliases``) go through the same normalizer as student input, so ``\\mathbf{w}``,
``\\boldsymbol w`` and ``w`` meet at one key, and ``w^*_{ridge}`` equals ``w_{ridge}^*``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType

import sympy

from checker.errors import CheckerError
from checker.symbols import sympy_symbol
from checker.table import FunctionSpec, SymbolSpec, SymbolTable

from ._normalize import GREEK, PRIME, STAR, SUPWORD_CLOSE, SUPWORD_OPEN, WORD_CLOSE, WORD_OPEN, normalize

__all__ = ["NameRef", "Resolver", "SymbolKey", "base_text", "make_key"]

SymbolKey = tuple[str, str, int, int, tuple[str, ...], tuple[str, ...]]

_NAME = r"(?:[A-Za-z]|\\[A-Za-z]+|" + WORD_OPEN + r"[A-Za-z]+" + WORD_CLOSE + ")"
_SCRIPT = r"(?:_\{[^{}]*\}|" + STAR + "|" + PRIME + "|" + SUPWORD_OPEN + r"[A-Za-z]+" + SUPWORD_CLOSE + ")"
_SPELLING = re.compile(
    r"(?:\\(?P<accent>hat|tilde|bar|check|breve|dot|ddot)\{(?P<inner>"
    + _NAME
    + r")\}|(?P<base>"
    + _NAME
    + r"))"
    r"(?P<scripts>" + _SCRIPT + r"*)"
)
_SCRIPT_RE = re.compile(_SCRIPT)
_PLAIN = re.compile(r"[A-Za-z]|\\(?:" + "|".join(sorted(GREEK)) + ")")
_RENAME = MappingProxyType({"\\varepsilon": "\\epsilon"})


@dataclass(frozen=True)
class NameRef:
    """A name as read, before lookup: ``\\hat{w}`` is ``NameRef("hat", "w")``."""

    accent: str
    base: str


def base_text(token: str) -> str:
    """The canonical text of a name token (``\\lambda``, ``w``, an operator word)."""
    text = "".join(token.split())
    if text.startswith(WORD_OPEN):
        return text[1:-1]
    return text


def script_text(token: str) -> str:
    """The canonical text of a subscript or superscript-word token, braces and spaces removed."""
    text = "".join(token.split())
    if text.startswith("_{"):
        return text[2:-1]
    if text.startswith(SUPWORD_OPEN):
        return text[1:-1]
    return text


def make_key(ref: NameRef, scripts: list[tuple[str, str]]) -> SymbolKey:
    """The key of ``ref`` decorated by ``scripts``, each ``(kind, text)`` with kind SUB/STAR/PRIME/SUPWORD."""
    subs = tuple(sorted(script_text(t) for k, t in scripts if k == "SUB"))
    sups = tuple(sorted(script_text(t) for k, t in scripts if k == "SUPWORD"))
    stars = sum(1 for k, _ in scripts if k == "STAR")
    primes = sum(1 for k, _ in scripts if k == "PRIME")
    return (ref.accent, ref.base, stars, primes, subs, sups)


def spelling_key(spelling: str) -> SymbolKey | None:
    """The key of one table spelling, or None when it is not a (decorated) name."""
    plain = spelling.strip()
    if _PLAIN.fullmatch(plain):  # fast path: a letter or a Greek command needs no rewriting
        return ("", _RENAME.get(plain, plain), 0, 0, (), ())
    try:
        text = "".join(normalize(spelling, max_depth=8).text.split())
    except CheckerError:
        return None
    match = _SPELLING.fullmatch(text)
    if match is None:
        return None
    accent = match.group("accent") or ""
    base = base_text(match.group("inner") or match.group("base"))
    scripts: list[tuple[str, str]] = []
    for piece in _SCRIPT_RE.findall(match.group("scripts")):
        kind = (
            "STAR"
            if piece == STAR
            else "PRIME"
            if piece == PRIME
            else "SUB"
            if piece.startswith("_")
            else "SUPWORD"
        )
        scripts.append((kind, piece))
    return make_key(NameRef(accent, base), scripts)


@dataclass(frozen=True)
class Resolver:
    """The table's spellings by key, and its functions by name."""

    table: SymbolTable
    by_key: dict[SymbolKey, SymbolSpec]
    functions: dict[str, FunctionSpec]
    objects: dict[str, tuple[SymbolSpec, sympy.Basic]] = field(default_factory=dict)

    @classmethod
    def build(cls, table: SymbolTable) -> Resolver:
        """Index every spelling of every symbol of ``table`` (the first symbol wins a clash)."""
        by_key: dict[SymbolKey, SymbolSpec] = {}
        for spec in table.symbols:
            for spelling in spec.spellings:
                key = spelling_key(spelling)
                if key is not None and key not in by_key:
                    by_key[key] = spec
        functions = {fn.name: fn for fn in table.functions}
        # A function named after a Greek letter ([functions.sigma]) is written \sigma.
        functions.update({"\\" + fn.name: fn for fn in table.functions if fn.name in GREEK})
        objects = {
            spec.name: (spec, sympy_symbol(spec, table)) for spec in table.symbols if spec.shape != "identity"
        }
        return cls(table, by_key, functions, objects)

    def symbol(self, spec: SymbolSpec) -> sympy.Basic:
        """:func:`checker.symbols.sympy_symbol` of one of the table's own specs, built once per table."""
        found = self.objects.get(spec.name)
        if found is not None and found[0] is spec:
            return found[1]
        return sympy_symbol(spec, self.table)

    def lookup(self, key: SymbolKey) -> SymbolSpec | None:
        return self.by_key.get(key)

    def declared(self) -> str:
        """The declared symbols and functions for messages: ``n, d, X, ..., f(x, w)``."""
        out = [spec.latex for spec in self.table.symbols]
        out.extend(f"{fn.name}({', '.join(fn.params)})" for fn in self.table.functions)
        return ", ".join(out)
