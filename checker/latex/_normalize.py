"""Rewrite student notation into the grammar's canonical form, keeping a map back to the source.

The grammar (``grammar.lark``) reads a small canonical language; everything loose about how people
write math is handled here, before parsing, as data (the tables of ``_notation``), after the
ASCII and Unicode dialects are rewritten as LaTeX (``_dialects``) and the input is checked
(``_guard``):

* fonts (``\\mathbf``, ``\\boldsymbol``, ``\\bm``, ``\\mathsf``, ...) are dropped, ``\\left``/``\\right``
  and sizes are dropped, spacing (``\\quad``, ``\\,``, ``~``) becomes a space;
* every script is braced (``x^2`` → ``x^{2}``), decorations become private-use marker characters
  (transpose, star, prime), ``\\|`` and ``|`` become paired open/close markers;
* ``\\text{...}`` prose is dropped (noted), an operator name followed by a script is kept as a word;
* a leading ``\\therefore``/``\\Rightarrow`` and a leading question label (``1.2.2``) are dropped;
* ``\\input``, ``\\def`` and friends are refused, and so is any command we do not know.

Every output character remembers the source span it came from, so errors point into the text the
student wrote (:meth:`Normalized.span`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checker.errors import LatexSyntaxError, UnsupportedConstructError

from ._dialects import TOKEN as _TOKEN
from ._dialects import Tok as _Tok
from ._dialects import may_hold_dialect as _may_hold_dialect
from ._dialects import rewrite as _rewrite_dialects
from ._guard import guard
from ._leibniz import DERIV_CLOSE, DERIV_OPEN, leibniz_split
from ._notation import (
    ABS_CLOSE,
    ABS_OPEN,
    ARITY,
    ARROWS,
    COL_SEP,
    DIFF_CLOSE,
    DIFF_OPEN,
    DROP,
    ENVIRONMENTS,
    FONTS,
    FORBIDDEN,
    FUNCTION_WORDS,
    GREEK,
    INTEGRAL,
    LEADERS,
    LIMIT,
    LIMIT_FROM_ABOVE,
    LIMIT_FROM_BELOW,
    LIMIT_TO,
    MARKERS,
    MATRIX_CLOSE,
    MATRIX_ENVIRONMENTS,
    MAX_INPUT_CHARS,
    NORM_CLOSE,
    NORM_OPEN,
    PASS,
    PRIME,
    RENAME,
    ROW_SEP,
    SPACES,
    STAR,
    SUPWORD_CLOSE,
    SUPWORD_OPEN,
    TEXT,
    TRANSPOSE,
    UNICODE,
    WORD_CLOSE,
    WORD_OPEN,
)

__all__ = [  # the markers and tables re-exported for the spelling index, the front end and tests
    "GREEK", "MAX_INPUT_CHARS", "NORM_CLOSE", "NORM_OPEN", "PRIME", "STAR", "SUPWORD_CLOSE",
    "SUPWORD_OPEN", "TRANSPOSE", "WORD_CLOSE", "WORD_OPEN", "Normalized", "normalize",
]  # fmt: skip

_OPERAND_END = re.compile(r"[A-Za-z0-9})\]" + "".join(MARKERS) + r"]")
# A question label opening a block: 1.2.2, 2.1.2a, or 3.2 followed by \quad (a decimal never is).
_LABEL = re.compile(r"\s*(?:\d+(?:\.\d+){2,}[a-z]?\)?|[1-9]\d?\.\d{1,2}[a-z]?(?=\s*\\q?quad))(?=\s|\\|$)")


@dataclass(frozen=True)
class Normalized:
    """The canonical text the grammar reads, with a map back into the source.

    Attributes:
        source: the text as given.
        text: the canonical text.
        starts: for each character of ``text``, the source offset where its piece starts.
        ends: for each character of ``text``, the source offset where its piece ends.
        verbatim: for each character of ``text``, whether it was copied unchanged.
        head: for each character of ``text``, whether it begins a rewritten piece.
        tail: for each character of ``text``, whether it ends a rewritten piece.
        notes: interpretation notes made while rewriting (prose dropped, label dropped).
    """

    source: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    verbatim: tuple[bool, ...]
    head: tuple[bool, ...]
    tail: tuple[bool, ...]
    notes: tuple[str, ...]

    def span(self, start: int, end: int) -> tuple[int, int, bool]:
        """Map ``text[start:end]`` to ``(start, end, approximate)`` in ``source``."""
        if not self.text:
            return 0, len(self.source), True
        start = max(0, min(start, len(self.text) - 1))
        last = max(start, min(end, len(self.text)) - 1)
        src_start, src_end = self.starts[start], self.ends[last]
        approximate = not (
            (self.verbatim[start] or self.head[start]) and (self.verbatim[last] or self.tail[last])
        )
        if src_start >= len(self.source):  # a synthesized piece at the very end: point at the last char
            src_start, approximate = max(0, len(self.source) - 1), True
        src_end = min(max(src_end, src_start + 1), max(len(self.source), 1))
        return src_start, src_end, approximate


class _Writer:
    """Accumulates output pieces with their source spans."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.verbatim: list[bool] = []
        self.head: list[bool] = []
        self.tail: list[bool] = []

    def emit(self, text: str, start: int, end: int, *, verbatim: bool = False) -> None:
        size = len(text)
        self.parts.append(text)
        self.starts.extend([start] * size)
        self.ends.extend([end] * size)
        self.verbatim.extend([verbatim] * size)
        self.head.extend([True] + [False] * (size - 1))
        self.tail.extend([False] * (size - 1) + [True])

    def last_char(self) -> str:
        for part in reversed(self.parts):
            stripped = part.rstrip()
            if stripped:
                return stripped[-1]
        return ""

    def text(self) -> str:
        return "".join(self.parts)


def normalize(source: str, *, max_depth: int) -> Normalized:
    """Rewrite ``source`` into the grammar's canonical text.

    Args:
        source: the student's (or key author's) LaTeX.
        max_depth: deepest brace nesting accepted.

    Returns:
        The canonical text with its map back to ``source`` and the notes made.

    Raises:
        LatexSyntaxError: control characters, unbalanced braces, a line break ``\\\\``.
        UnsupportedConstructError: input too long, nesting too deep, a refused or unknown command.
    """
    guard(source, max_depth)
    notes: list[str] = []
    tokens = [_Tok(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(source)]
    tokens = _expand_unicode(_rewrite_dialects(tokens) if _may_hold_dialect(source) else tokens)
    label = _LABEL.match(source)
    if label:
        notes.append(f"dropped the question label {label.group().strip()}")
        tokens = [t for t in tokens if t.start >= label.end()]
    state = _State(source, tokens, notes)
    out = _Writer()
    state.run(0, len(tokens), out, script=False)
    if state.bars:
        kind, tok = state.bars[-1]
        raise LatexSyntaxError(
            f"expected a closing {'norm' if kind == NORM_OPEN else 'absolute-value'} bar, found none; "
            "fix: close every \\| or | that you open",
            source=source,
            start=tok.start,
            end=tok.end,
        )
    return Normalized(
        source,
        out.text(),
        tuple(out.starts),
        tuple(out.ends),
        tuple(out.verbatim),
        tuple(out.head),
        tuple(out.tail),
        tuple(notes),
    )


def _expand_unicode(tokens: list[_Tok]) -> list[_Tok]:
    out: list[_Tok] = []
    for tok in tokens:
        mapped = UNICODE.get(tok.text)
        if mapped is None:
            out.append(tok)
            continue
        out.extend(_Tok(m.group(), tok.start, tok.end) for m in _TOKEN.finditer(mapped))
    return out


def _command(tok: _Tok) -> str | None:
    """The command name of a ``\\name`` token after renaming, else None."""
    if len(tok.text) < 2 or tok.text[0] != "\\":
        return None
    name = tok.text[1:]
    return RENAME.get(name, name)


class _State:
    """One normalization run: the token list, open bars, notes."""

    def __init__(self, source: str, tokens: list[_Tok], notes: list[str]) -> None:
        self.source = source
        self.tokens = tokens
        self.notes = notes
        self.bars: list[tuple[str, _Tok]] = []
        self.matrices: list[_Tok] = []  # open matrix environments (\\ and & separate entries)

    def error(
        self, cls: type[LatexSyntaxError] | type[UnsupportedConstructError], msg: str, tok: _Tok
    ) -> Exception:
        return cls(msg, source=self.source, start=tok.start, end=tok.end)

    def skip_space(self, i: int, stop: int) -> int:
        while i < stop and self.tokens[i].text.isspace():
            i += 1
        return i

    def argument(self, i: int, stop: int, what: str) -> tuple[int, int, int]:
        """Locate the argument starting at ``i``: ``(first, last, next)`` token indices (braces excluded)."""
        i = self.skip_space(i, stop)
        if i >= stop:
            anchor = self.tokens[min(i, len(self.tokens)) - 1] if self.tokens else _Tok("", 0, 0)
            raise self.error(
                LatexSyntaxError,
                f"expected an argument after {what}, found the end of the text; fix: complete it, e.g. {what}{{...}}",
                anchor,
            )
        tok = self.tokens[i]
        if tok.text == "{":
            depth = 0
            for j in range(i, stop):
                if self.tokens[j].text == "{":
                    depth += 1
                elif self.tokens[j].text == "}":
                    depth -= 1
                    if depth == 0:
                        return i + 1, j, j + 1
            raise self.error(LatexSyntaxError, "expected a closing }, found none", tok)
        if tok.text in "}^_":
            raise self.error(
                LatexSyntaxError,
                f"expected an argument after {what}, found {tok.text!r}; fix: brace it, e.g. {what}{{...}}",
                tok,
            )
        return i, i + 1, i + 1

    def matching_paren(self, j: int, stop: int) -> int:
        depth = 0
        for k in range(j, stop):
            if self.tokens[k].text == "(":
                depth += 1
            elif self.tokens[k].text == ")":
                depth -= 1
                if depth == 0:
                    return k
        raise self.error(LatexSyntaxError, "expected ) closing this (, found none", self.tokens[j])

    def raw(self, first: int, last: int) -> str:
        if first >= last:
            return ""
        return self.source[self.tokens[first].start : self.tokens[last - 1].end]

    def sub_text(self, first: int, last: int) -> _Writer:
        out = _Writer()
        self.run(first, last, out, script=True)
        return out

    def run(self, i: int, stop: int, out: _Writer, *, script: bool) -> None:
        force: str | None = None  # "open"/"close" from \left, \right, \bigl...
        while i < stop:
            tok = self.tokens[i]
            text = tok.text
            if text.isspace():
                out.emit(" ", tok.start, tok.end)
                i += 1
                continue
            name = _command(tok)
            if name is not None and name not in ("|", "{", "}", "\\"):
                i, force = self.command(name, tok, i, stop, out, script=script, force=force)
                continue
            if self.matrices and text in ("\\\\", "&"):
                out.emit(ROW_SEP if text == "\\\\" else COL_SEP, tok.start, tok.end)
                i += 1
                continue
            if text == "\\\\":
                raise self.error(
                    LatexSyntaxError,
                    "expected one expression or equation chain, found a line break \\\\; "
                    "fix: put each line in its own segment",
                    tok,
                )
            if text in ("|", "\\|"):
                self.bar(NORM_OPEN if text == "\\|" else ABS_OPEN, tok, out, force)
                force = None
                i += 1
                continue
            force = None
            if text in ("^", "_"):
                i = self.script(text, tok, i, stop, out)
                continue
            if text == "*" and self.is_product_star(i, stop, out):
                out.emit("\\cdot ", tok.start, tok.end)
            elif text in ("*", "'"):
                out.emit(STAR if text == "*" else PRIME, tok.start, tok.end)
            elif text == "\\{":
                out.emit("(", tok.start, tok.end)
            elif text == "\\}":
                out.emit(")", tok.start, tok.end)
            elif text == ":" and i + 1 < stop and self.tokens[i + 1].text == "=":
                out.emit("\\leftarrow ", tok.start, self.tokens[i + 1].end)  # := assigns (_indexed.py)
                i += 1
            elif text in ("~", "&", "$"):
                out.emit(" ", tok.start, tok.end)
            else:
                out.emit(text, tok.start, tok.end, verbatim=True)
            i += 1

    def is_product_star(self, i: int, stop: int, out: _Writer) -> bool:
        """``*`` between two operands is a product (``2*n``, ``2 * n``); otherwise a star (``w*``,
        ``w^*``).  Attached to the name before it and spaced from what follows (``w* x``), it is
        that name's star, as ASCII writes w*."""
        if not _OPERAND_END.match(out.last_char() or " ") or out.last_char() == STAR:
            return False
        attached = i > 0 and not self.tokens[i - 1].text.isspace()
        if attached and i + 1 < stop and self.tokens[i + 1].text.isspace():
            return False
        j = self.skip_space(i + 1, stop)
        if j >= stop:
            return False
        nxt = self.tokens[j].text
        name = _command(self.tokens[j])
        return (
            nxt[0].isalnum()
            or nxt in ("(", "{", "[", "\\|", "|")
            or (
                name is not None
                and (name in PASS or name in FONTS or name in TEXT or name in ("left", "lVert"))
            )
        )

    def bar(self, kind: str, tok: _Tok, out: _Writer, force: str | None) -> None:
        close = NORM_CLOSE if kind == NORM_OPEN else ABS_CLOSE
        top = self.bars[-1][0] if self.bars else None
        if force == "open":
            closing = False
        elif force == "close":
            closing = True
        else:
            closing = top == kind and bool(_OPERAND_END.match(out.last_char() or " "))
        if closing:
            if top != kind:
                raise self.error(LatexSyntaxError, "expected a matching opening bar before this one", tok)
            self.bars.pop()
            out.emit(close, tok.start, tok.end)
        else:
            self.bars.append((kind, tok))
            out.emit(kind, tok.start, tok.end)

    def command(
        self, name: str, tok: _Tok, i: int, stop: int, out: _Writer, *, script: bool, force: str | None
    ) -> tuple[int, str | None]:
        if name in FORBIDDEN:
            raise self.error(
                UnsupportedConstructError,
                f"expected math only, found command=\\{name}, which defines macros or touches files; "
                "fix: remove it (derivcheck never runs TeX commands)",
                tok,
            )
        if name in DROP:
            nxt = self.skip_space(i + 1, stop)
            if nxt < stop and self.tokens[nxt].text == "." and name in ("left", "right", "middle"):
                return nxt + 1, None
            mode = (
                "open"
                if name == "left" or name.endswith("l")
                else "close"
                if name == "right" or name.endswith("r")
                else None
            )
            return i + 1, mode or force
        if name in SPACES:
            out.emit(" ", tok.start, tok.end)
            return i + 1, None
        if name in ("Vert", "lVert", "rVert", "vert", "lvert", "rvert"):
            kind = NORM_OPEN if "V" in name else ABS_OPEN
            mode = "open" if name.startswith("l") else "close" if name.startswith("r") else force
            self.bar(kind, tok, out, mode)
            return i + 1, None
        if name in ("begin", "end"):
            first, last, nxt = self.argument(i + 1, stop, f"\\{name}")
            env = self.raw(first, last).strip()
            if env in MATRIX_ENVIRONMENTS:
                if name == "begin":
                    self.matrices.append(tok)
                    out.emit(MATRIX_ENVIRONMENTS[env], tok.start, self.tokens[nxt - 1].end)
                elif self.matrices:
                    self.matrices.pop()
                    out.emit(MATRIX_CLOSE, tok.start, self.tokens[nxt - 1].end)
                else:
                    raise self.error(
                        LatexSyntaxError, f"expected \\begin{{{env}}} before \\end{{{env}}}, found none", tok
                    )
                return nxt, None
            if env not in ENVIRONMENTS:
                raise self.error(
                    UnsupportedConstructError,
                    f"expected a math environment among {sorted(ENVIRONMENTS)}, found environment={env!r}; "
                    "fix: write the expression without it",
                    tok,
                )
            return nxt, None
        if name == "int":
            return self.integral(tok, i, stop, out), None
        if name == "lim":
            return self.limit(tok, i, stop, out), None
        if name in LEADERS:
            if out.text().strip():
                raise self.error(
                    LatexSyntaxError,
                    f"expected one equation chain, found \\{name} in the middle; "
                    "fix: put each step in its own segment",
                    tok,
                )
            return i + 1, None
        if name in FONTS:
            first, last, nxt = self.argument(i + 1, stop, f"\\{name}")
            inner = self.sub_text(first, last)
            braced = self.tokens[first - 1].text == "{" if first > 0 else False
            single = len(inner.text().strip()) <= 1 or last - first == 1
            compact = re.sub(r"\s+", "", inner.text())
            word = compact.rstrip(PRIME + STAR)
            if braced and len(word) >= 2 and word.isascii() and word.isalpha():
                # \mathit{rate}, \mathbf{foo}: one multi-letter name, never a product of letters.
                end = self.tokens[nxt - 1].end
                out.emit(WORD_OPEN + word + WORD_CLOSE, tok.start, end)
                for mark in compact[len(word) :]:
                    out.emit(mark, tok.start, end)
                out.emit(" ", end, end)
            elif name == "mathit" and not (word.isascii() and word.isalpha()):
                raise self.error(
                    UnsupportedConstructError,
                    f"expected a name in \\mathit{{...}}, found {self.raw(first, last)!r}; "
                    "fix: write the expression without \\mathit",
                    tok,
                )
            elif braced and not single:
                out.emit("{", tok.start, tok.end)
                _copy(inner, out)
                out.emit("}", tok.start, self.tokens[nxt - 1].end)
            elif single:
                # One name: the whole \mathbf{w} maps to the one piece, so spans cover the command.
                out.emit(inner.text().strip(), tok.start, self.tokens[nxt - 1].end)
                out.emit(" ", self.tokens[nxt - 1].end, self.tokens[nxt - 1].end)
            else:
                _copy(inner, out)
            return nxt, None
        if name in TEXT:
            return self.text_command(name, tok, i, stop, out, script=script), None
        if name in ARITY:
            return self.with_arguments(name, tok, i, stop, out), None
        if name in {"/", "*", "'", "=", "<", ">"}:
            mapped = {"/": "/", "*": STAR, "'": PRIME, "=": "=", "<": "<", ">": ">"}[name]
            out.emit(mapped, tok.start, tok.end)
            return i + 1, None
        if name == "T":
            out.emit(TRANSPOSE if script else "T", tok.start, tok.end)
            return i + 1, None
        if name in PASS:
            out.emit("\\" + name, tok.start, tok.end)
            out.emit(" ", tok.end, tok.end)
            j = self.skip_space(i + 1, stop)
            if name == "log" and j < stop and self.tokens[j].text == "_":
                return self.script(
                    "_", self.tokens[j], j, stop, out, lower=True
                ), None  # \log_{b}: an expression
            return i + 1, None
        raise self.error(
            UnsupportedConstructError,
            f"expected a command of the supported math subset, found command=\\{name}; "
            "fix: rewrite without it (relations other than = and sets are not graded automatically)",
            tok,
        )

    def integral(self, tok: _Tok, i: int, stop: int, out: _Writer) -> int:
        """``\\int_a^b f dx``: the limits, the integrand, then the differential as one marker.

        The differential is the first ``d`` followed by one name that starts a factor at the
        integrand's top level (``x dx``, ``(x+a)dx``, ``\\,dx``), or the numerator's in
        ``\\frac{3 dz}{z}``; without one the integral is refused (never read as a product with d).
        """
        out.emit(INTEGRAL, tok.start, tok.end)
        j = self.skip_space(i + 1, stop)
        while j < stop and (
            self.tokens[j].text in ("_", "^") or _command(self.tokens[j]) in ("limits", "nolimits")
        ):
            if self.tokens[j].text in ("_", "^"):
                j = self.script(self.tokens[j].text, self.tokens[j], j, stop, out, lower=True)
            else:
                j += 1
            j = self.skip_space(j, stop)
        end = self.group_end(j, stop)
        k = self.differential(j, end)
        if k is not None:
            if k == j:
                out.emit("1", self.tokens[k].start, self.tokens[k].start)
            self.run(j, k, out, script=False)
            return self.emit_differential(k, out)
        frac = j if j < end and _command(self.tokens[j]) == "frac" else None
        if frac is not None:
            first, last, nxt = self.argument(frac + 1, end, "\\frac")
            k = self.differential(first, last)
            if k is not None and self.skip_space(self.argument(nxt, end, "\\frac")[2], end) == end:
                before = k
                if before > first and _command(self.tokens[self.skip_back(before - 1, first)]) in (
                    "cdot",
                    "times",
                ):
                    before = self.skip_back(before - 1, first)
                out.emit("\\frac", self.tokens[frac].start, self.tokens[frac].end)
                out.emit("{", self.tokens[first - 1].start, self.tokens[first - 1].end)
                if not "".join(t.text for t in self.tokens[first:before]).strip():
                    out.emit("1", self.tokens[k].start, self.tokens[k].end)
                self.run(first, before, out, script=False)
                self.run(k + 2, last, out, script=False)
                out.emit("}", self.tokens[last].start, self.tokens[last].end)
                d_first, d_last, d_next = self.argument(nxt, end, "\\frac")
                out.emit("{", self.tokens[d_first - 1].start, self.tokens[d_first - 1].end)
                self.run(d_first, d_last, out, script=False)
                out.emit("}", self.tokens[d_next - 1].start, self.tokens[d_next - 1].end)
                self.emit_differential(k, out)
                return d_next
        raise self.error(
            UnsupportedConstructError,
            "expected an integral with its differential (\\int f(x)\\,dx), found none; "
            "fix: write the differential dx",
            tok,
        )

    def limit(self, tok: _Tok, i: int, stop: int, out: _Writer) -> int:
        """``\\lim_{x \\to a^+} f``: the marker, then ``_{x TO a FROM}`` for the grammar."""
        j = self.skip_space(i + 1, stop)
        if j >= stop or self.tokens[j].text != "_":
            raise self.error(
                LatexSyntaxError,
                "expected \\lim_{x \\to a}, found \\lim without its subscript; fix: add it",
                tok,
            )
        first, last, nxt = self.argument(j + 1, stop, "\\lim_")
        arrow = next((k for k in range(first, last) if _command(self.tokens[k]) in ARROWS), None)
        if arrow is None:
            raise self.error(
                LatexSyntaxError,
                "expected \\lim_{x \\to a}, found no \\to in the subscript; fix: add it",
                tok,
            )
        end, side = last, ""
        k = last - 1
        while k > arrow and self.tokens[k].text.isspace():
            k -= 1
        # a one-sided limit: a^+, a^-, a^{+}, a^{-}
        if k > arrow and self.tokens[k].text == "}" and k - 2 > arrow and self.tokens[k - 2].text == "{":
            sign, hat = self.tokens[k - 1].text, k - 3
        else:
            sign, hat = self.tokens[k].text, k - 1
        if sign in ("+", "-") and hat > arrow and self.tokens[hat].text == "^":
            end, side = hat, LIMIT_FROM_ABOVE if sign == "+" else LIMIT_FROM_BELOW
        out.emit(LIMIT, tok.start, tok.end)
        out.emit("_ {", self.tokens[j].start, self.tokens[j].end)
        self.run(first, arrow, out, script=False)
        out.emit(LIMIT_TO, self.tokens[arrow].start, self.tokens[arrow].end)
        self.run(arrow + 1, end, out, script=False)
        if side:
            out.emit(side, self.tokens[end].start, self.tokens[last - 1].end)
        out.emit("}", self.tokens[nxt - 1].start, self.tokens[nxt - 1].end)
        return nxt

    def group_end(self, j: int, stop: int) -> int:
        """The end of the group that ``j`` is in: its closing brace, or ``stop``."""
        depth = 0
        for k in range(j, stop):
            text = self.tokens[k].text
            if text == "{":
                depth += 1
            elif text == "}":
                if depth == 0:
                    return k
                depth -= 1
        return stop

    def skip_back(self, k: int, first: int) -> int:
        while k > first and self.tokens[k].text.isspace():
            k -= 1
        return k

    def differential(self, j: int, end: int) -> int | None:
        """The index of the ``d`` of a differential between ``j`` and ``end`` (top level), or None."""
        depth = 0
        for k in range(j, end):
            text = self.tokens[k].text
            if text in ("{", "("):
                depth += 1
            elif text in ("}", ")"):
                depth -= 1
            if depth or text != "d" or k + 1 >= end:
                continue
            prev = self.tokens[k - 1].text if k > j else " "
            var = self.tokens[k + 1]
            after = self.tokens[k + 2].text if k + 2 < end else " "
            starts = prev.isspace() or prev in ")}]+-" or (prev.startswith("\\") and k > j)
            one_name = (
                len(var.text) == 1 and var.text.isalpha() and not (len(after) == 1 and after.isalpha())
            ) or (_command(var) in GREEK)
            if starts and one_name:
                return k
        return None

    def emit_differential(self, k: int, out: _Writer) -> int:
        var = self.tokens[k + 1]
        name = var.text if len(var.text) == 1 else "\\" + (_command(var) or "")
        out.emit(DIFF_OPEN + name + DIFF_CLOSE, self.tokens[k].start, var.end)
        return k + 2

    def with_arguments(self, name: str, tok: _Tok, i: int, stop: int, out: _Writer) -> int:
        if name == "frac":
            nxt = self.leibniz(tok, i, stop, out)
            if nxt is not None:
                return nxt
        out.emit("\\" + name, tok.start, tok.end)
        nxt = i + 1
        if name == "sqrt":
            j = self.skip_space(nxt, stop)
            if j < stop and self.tokens[j].text == "[":
                close = next((k for k in range(j, stop) if self.tokens[k].text == "]"), None)
                if close is None:
                    raise self.error(
                        LatexSyntaxError,
                        "expected ] closing the root index, found none; fix: write \\sqrt[3]{...}",
                        self.tokens[j],
                    )
                out.emit("[", self.tokens[j].start, self.tokens[j].end)
                self.run(j + 1, close, out, script=False)
                out.emit("]", self.tokens[close].start, self.tokens[close].end)
                nxt = close + 1
            j = self.skip_space(nxt, stop)
            if j < stop and self.tokens[j].text == "(":
                # \sqrt(1-p) and √(1-p): read the parenthesised group as the argument.
                close = self.matching_paren(j, stop)
                out.emit("{", self.tokens[j].start, self.tokens[j].end)
                self.run(j, close + 1, out, script=False)
                out.emit("}", self.tokens[close].start, self.tokens[close].end)
                return close + 1
        for _ in range(ARITY[name]):
            first, last, nxt = self.argument(nxt, stop, f"\\{name}")
            out.emit("{", self.tokens[first].start if first < last else tok.start, tok.end)
            self.run(first, last, out, script=False)
            out.emit("}", self.tokens[nxt - 1].start, self.tokens[nxt - 1].end)
        return nxt

    # -- derivatives: Leibniz notation is an operator, never a fraction (_calculus.py) ----------

    def leibniz(self, tok: _Tok, i: int, stop: int, out: _Writer) -> int | None:
        """``\\frac{d}{dx}`` → DERIV(x); ``\\frac{dJ}{dx}`` → ``{DERIV(x) {J}}``; None for a fraction."""
        n_first, n_last, after_num = self.argument(i + 1, stop, "\\frac")
        d_first, d_last, after_den = self.argument(after_num, stop, "\\frac")
        num = [k for k in range(n_first, n_last) if not self.tokens[k].text.isspace()]
        den = [k for k in range(d_first, d_last) if not self.tokens[k].text.isspace()]
        try:
            split = leibniz_split([self.tokens[k].text for k in num], [self.tokens[k].text for k in den])
        except UnsupportedConstructError as exc:
            raise self.error(UnsupportedConstructError, exc.message, tok) from None
        if split is None:
            return None
        k, m = split
        end = self.tokens[after_den - 1].end
        operand = num[k:]
        if operand:
            out.emit("{", tok.start, tok.end)
        out.emit(DERIV_OPEN, tok.start, tok.end)
        variable = self.sub_text(den[m], d_last)
        out.emit(re.sub(r"\s+", "", variable.text()), self.tokens[den[m]].start, self.tokens[d_last - 1].end)
        out.emit(DERIV_CLOSE + " ", end - 1, end)
        if operand:
            out.emit("{", self.tokens[operand[0]].start, self.tokens[operand[0]].start)
            self.run(operand[0], n_last, out, script=False)
            operand_end = self.tokens[n_last - 1].end
            out.emit("}", operand_end, operand_end)  # the operand's span ends with the operand
            out.emit("}", end - 1, end)
        return after_den

    def text_command(self, name: str, tok: _Tok, i: int, stop: int, out: _Writer, *, script: bool) -> int:
        first, last, nxt = self.argument(i + 1, stop, f"\\{name}")
        raw = self.raw(first, last)
        word = raw.strip()
        end = self.tokens[nxt - 1].end
        follow = self.skip_space(nxt, stop)
        follower = self.tokens[follow].text if follow < stop else ""
        compact = re.sub(r"\s+", "", word)
        if script:
            if compact == "T":
                out.emit(TRANSPOSE, tok.start, end)
            else:
                out.emit(compact, tok.start, end)
            return nxt
        if word.lower() in FUNCTION_WORDS:
            out.emit("\\" + FUNCTION_WORDS[word.lower()], tok.start, end)
            out.emit(" ", end, end)
            return nxt
        if name == "mathrm" and len(compact) == 1:
            out.emit(compact, tok.start, end)
            return nxt
        if re.fullmatch(r"[A-Za-z]+", compact) and (
            name == "operatorname" or follower in ("_", "^", "(", "[")
        ):
            out.emit(WORD_OPEN + compact + WORD_CLOSE, tok.start, end)
            return nxt
        if word:
            self.notes.append(f"dropped prose \\{name}{{{word}}}")
        out.emit(" ", tok.start, end)
        return nxt

    def script(self, mark: str, tok: _Tok, i: int, stop: int, out: _Writer, *, lower: bool = False) -> int:
        j = self.skip_space(i + 1, stop)
        if mark == "^" and j < stop and self.tokens[j].text == "(":
            # ASCII x^(n+1), (A)^(-1): the parenthesised group is the exponent
            close = self.matching_paren(j, stop)
            first, last, nxt = j + 1, close, close + 1
        elif mark == "^" and j + 1 < stop and self.tokens[j].text in ("-", "+"):
            # ASCII A^-1, A^-T: the sign and the next token
            _, last, nxt = self.argument(j + 1, stop, mark + self.tokens[j].text)
            first = j
        elif j < stop and _command(self.tokens[j]) in ARITY:
            # x^\frac{1}{2}: the command with its arguments is the script
            first, nxt = j, j + 1
            for _ in range(ARITY[_command(self.tokens[j]) or ""]):
                nxt = self.argument(nxt, stop, mark)[2]
            last = nxt
        else:
            first, last, nxt = self.argument(i + 1, stop, mark)
        inner = self.sub_text(first, last)
        content = re.sub(r"\s+", "", inner.text())
        end = self.tokens[nxt - 1].end
        if mark == "_" and lower:  # a lower limit: an expression, not a name's subscript
            out.emit("_ {", tok.start, tok.end)
            _copy(inner, out)
            out.emit("}", end - 1, end)
            return nxt
        if mark == "_":
            out.emit("_{", tok.start, tok.end)
            _copy(inner, out)
            out.emit("}", end - 1, end)
            return nxt
        decorations = content.replace("T", TRANSPOSE)
        if content and all(ch in (TRANSPOSE, STAR, PRIME) for ch in decorations):
            for ch in decorations:
                out.emit(ch, tok.start, end)
            return nxt
        if content in ("-T", "-" + TRANSPOSE):
            out.emit("^{-1}" + TRANSPOSE, tok.start, end)
            return nxt
        if re.fullmatch(r"[A-Za-z]{3,}", content):
            out.emit(SUPWORD_OPEN + content + SUPWORD_CLOSE, tok.start, end)
            return nxt
        out.emit("^{", tok.start, tok.end)
        _copy(inner, out)
        out.emit("}", end - 1, end)
        return nxt


def _copy(src: _Writer, dst: _Writer) -> None:
    dst.parts.extend(src.parts)
    dst.starts.extend(src.starts)
    dst.ends.extend(src.ends)
    dst.verbatim.extend(src.verbatim)
    dst.head.extend(src.head)
    dst.tail.extend(src.tail)
