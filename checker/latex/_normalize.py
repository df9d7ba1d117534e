"""Rewrite student notation into the grammar's canonical form, keeping a map back to the source.

The grammar (``grammar.lark``) reads a small canonical language; everything loose about how people
write math is handled here, before parsing, as data (the tables below):

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
from types import MappingProxyType

from checker.errors import LatexSyntaxError, UnsupportedConstructError

from ._leibniz import DERIV_CLOSE, DERIV_OPEN, leibniz_split

__all__ = ["GREEK", "MAX_INPUT_CHARS", "Normalized", "normalize"]

MAX_INPUT_CHARS = 20_000

TRANSPOSE = "\ue001"
STAR = "\ue002"
PRIME = "\ue003"
SUPWORD_OPEN, SUPWORD_CLOSE = "\ue004", "\ue005"
WORD_OPEN, WORD_CLOSE = "\ue006", "\ue007"
NORM_OPEN, NORM_CLOSE = "\ue010", "\ue011"
ABS_OPEN, ABS_CLOSE = "\ue012", "\ue013"
MARKERS = frozenset({TRANSPOSE, STAR, PRIME, NORM_CLOSE, ABS_CLOSE, SUPWORD_CLOSE, WORD_CLOSE})

# Commands that read files, define macros or write: never expanded, always refused.
_FORBIDDEN = frozenset((
    "input", "include", "def", "edef", "gdef", "xdef", "newcommand", "renewcommand",
    "providecommand", "write", "immediate", "openin", "openout", "read", "catcode", "let",
    "futurelet", "csname", "endcsname", "expandafter", "usepackage", "documentclass", "special",
    "loop", "repeat", "makeatletter", "makeatother", "newenvironment", "renewenvironment",
    "DeclareMathOperator", "RequirePackage", "jobname",
))  # fmt: skip
GREEK = frozenset((
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda",
    "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega",
    "varphi", "vartheta", "varrho", "varsigma", "varpi", "Gamma", "Delta", "Theta", "Lambda", "Xi",
    "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
))  # fmt: skip
# Commands passed to the grammar unchanged (after renaming through _RENAME).
_PASS = GREEK | frozenset((
    "frac", "sqrt", "sum", "cdot", "times", "exp", "log", "ln", "sgn", "nabla", "hat", "tilde",
    "bar", "check", "breve", "dot", "ddot",
    "prod", "leftarrow",  # index notation (_indexed.py)
))  # fmt: skip
_RENAME = MappingProxyType({
    "dfrac": "frac", "tfrac": "frac", "cfrac": "frac", "varepsilon": "epsilon", "widehat": "hat",
    "widetilde": "tilde", "overline": "bar", "sign": "sgn", "div": "/", "ast": "*", "star": "*",
    "prime": "'", "top": "T", "intercal": "T", "implies": "Rightarrow", "Longrightarrow": "Rightarrow",
    "coloneqq": "leftarrow", "gets": "leftarrow",
})  # fmt: skip
_FONTS = frozenset((
    "mathbf", "boldsymbol", "bm", "mathsf", "mathit", "mathbb", "mathcal", "mathnormal", "pmb",
    "vec", "mathscr", "mathfrak",
))  # fmt: skip
_TEXT = frozenset((
    "text", "textrm", "textit", "textbf", "textsf", "mbox", "mathrm", "operatorname",
))  # fmt: skip
_DROP = frozenset((
    "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr",
    "Biggl", "Biggr", "middle", "displaystyle", "textstyle", "limits", "nolimits",
))  # fmt: skip
_SPACES = frozenset((
    "quad", "qquad", ",", ";", "!", ":", ">", "enspace", "thinspace", "medspace", "thickspace",
)) | {" "}  # fmt: skip
_LEADERS = frozenset({"therefore", "because", "Rightarrow"})
_ENVIRONMENTS = frozenset((
    "aligned", "align", "align*", "equation", "equation*", "split", "gathered", "gather", "gather*",
))  # fmt: skip
_FUNCTION_WORDS = MappingProxyType(
    {"sgn": "sgn", "sign": "sgn", "signum": "sgn", "exp": "exp", "log": "log", "ln": "ln"}
)
_ARITY = MappingProxyType(
    {"frac": 2, "sqrt": 1, "hat": 1, "tilde": 1, "bar": 1, "check": 1, "breve": 1, "dot": 1, "ddot": 1}
)
_UNICODE = MappingProxyType({
    "σ": "\\sigma", "ε": "\\epsilon", "ϵ": "\\epsilon", "λ": "\\lambda", "π": "\\pi", "α": "\\alpha",
    "β": "\\beta", "μ": "\\mu", "√": "\\sqrt", "−": "-", "–": "-", "·": "\\cdot", "⋅": "\\cdot",
    "×": "\\times", "ᵀ": "^T", "∴": "\\therefore", "⇒": "\\Rightarrow", "′": "'", "‖": "\\|",
    "²": "^2", "³": "^3", "∇": "\\nabla", "∑": "\\sum", "∗": "*", "₂": "_2", "∥": "\\|",
    "≔": ":=", "ℓ": "l", "←": "\\leftarrow", "∏": "\\prod",
})  # fmt: skip
_OPERAND_END = re.compile(r"[A-Za-z0-9})\]" + "".join(MARKERS) + r"]")
# A question label opening a block: 1.2.2, 2.1.2a, or 3.2 followed by \quad (a decimal never is).
_LABEL = re.compile(r"\s*(?:\d+(?:\.\d+){2,}[a-z]?\)?|[1-9]\d?\.\d{1,2}[a-z]?(?=\s*\\q?quad))(?=\s|\\|$)")
_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\s+|.", re.DOTALL)


@dataclass(frozen=True)
class _Tok:
    text: str
    start: int
    end: int


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
    _guard(source, max_depth)
    notes: list[str] = []
    tokens = [_Tok(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(source)]
    tokens = _expand_unicode(tokens)
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


def _guard(source: str, max_depth: int) -> None:
    if len(source) > MAX_INPUT_CHARS:
        raise UnsupportedConstructError(
            f"expected at most {MAX_INPUT_CHARS} characters of math, found length={len(source)}; "
            "fix: shorten the answer to the expression asked for",
            source=source,
            start=MAX_INPUT_CHARS,
            end=len(source),
        )
    for i, ch in enumerate(source):
        code = ord(ch)
        if (code < 32 and ch not in "\t\n\r") or code == 127 or 0xE000 <= code <= 0xF8FF:
            raise LatexSyntaxError(
                f"expected printable text, found control character={ch!r} at position={i}; "
                "fix: delete it (it is often an artefact of copying)",
                source=source,
                start=i,
                end=i + 1,
            )
    depth = 0
    opened: list[int] = []
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
            opened.append(i)
            if depth > max_depth:
                raise UnsupportedConstructError(
                    f"expected braces nested at most max_depth={max_depth} deep, found deeper nesting; "
                    "fix: simplify the expression",
                    source=source,
                    start=i,
                    end=i + 1,
                )
        elif ch == "}":
            if not opened:
                raise LatexSyntaxError(
                    "expected every } to close a {, found an unmatched }; fix: delete it or add the {",
                    source=source,
                    start=i,
                    end=i + 1,
                )
            opened.pop()
            depth -= 1
        i += 1
    if opened:
        raise LatexSyntaxError(
            "expected every { to be closed, found an unclosed {; fix: add the matching }",
            source=source,
            start=opened[-1],
            end=opened[-1] + 1,
        )


def _expand_unicode(tokens: list[_Tok]) -> list[_Tok]:
    out: list[_Tok] = []
    for tok in tokens:
        mapped = _UNICODE.get(tok.text)
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
    return _RENAME.get(name, name)


class _State:
    """One normalization run: the token list, open bars, notes."""

    def __init__(self, source: str, tokens: list[_Tok], notes: list[str]) -> None:
        self.source = source
        self.tokens = tokens
        self.notes = notes
        self.bars: list[tuple[str, _Tok]] = []

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
            if text in ("*", "'"):
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
        if name in _FORBIDDEN:
            raise self.error(
                UnsupportedConstructError,
                f"expected math only, found command=\\{name}, which defines macros or touches files; "
                "fix: remove it (derivcheck never runs TeX commands)",
                tok,
            )
        if name in _DROP:
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
        if name in _SPACES:
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
            if env not in _ENVIRONMENTS:
                raise self.error(
                    UnsupportedConstructError,
                    f"expected a math environment among {sorted(_ENVIRONMENTS)}, found environment={env!r}; "
                    "fix: write the expression without it",
                    tok,
                )
            return nxt, None
        if name in _LEADERS:
            if out.text().strip():
                raise self.error(
                    LatexSyntaxError,
                    f"expected one equation chain, found \\{name} in the middle; "
                    "fix: put each step in its own segment",
                    tok,
                )
            return i + 1, None
        if name in _FONTS:
            first, last, nxt = self.argument(i + 1, stop, f"\\{name}")
            inner = self.sub_text(first, last)
            braced = self.tokens[first - 1].text == "{" if first > 0 else False
            single = len(inner.text().strip()) <= 1 or last - first == 1
            if braced and not single:
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
        if name in _TEXT:
            return self.text_command(name, tok, i, stop, out, script=script), None
        if name in _ARITY:
            return self.with_arguments(name, tok, i, stop, out), None
        if name in {"/", "*", "'", "="}:
            mapped = {"/": "/", "*": STAR, "'": PRIME, "=": "="}[name]
            out.emit(mapped, tok.start, tok.end)
            return i + 1, None
        if name == "T":
            out.emit(TRANSPOSE if script else "T", tok.start, tok.end)
            return i + 1, None
        if name in _PASS:
            out.emit("\\" + name, tok.start, tok.end)
            out.emit(" ", tok.end, tok.end)
            return i + 1, None
        raise self.error(
            UnsupportedConstructError,
            f"expected a command of the supported math subset, found command=\\{name}; "
            "fix: rewrite without it (relations other than = and sets are not graded automatically)",
            tok,
        )

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
        for _ in range(_ARITY[name]):
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
        if word.lower() in _FUNCTION_WORDS:
            out.emit("\\" + _FUNCTION_WORDS[word.lower()], tok.start, end)
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

    def script(self, mark: str, tok: _Tok, i: int, stop: int, out: _Writer) -> int:
        first, last, nxt = self.argument(i + 1, stop, mark)
        inner = self.sub_text(first, last)
        content = re.sub(r"\s+", "", inner.text())
        end = self.tokens[nxt - 1].end
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
