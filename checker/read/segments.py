"""Math in a submission's text: delimited groups, bare LaTeX lines and math written as text.

Math is read from ``$$..$$``, ``\\[..\\]``, ``\\(..\\)``, ``$..$`` and ``equation``/``align``/
``gather``/``multline`` (starred) environments, one :class:`MathSegment` per line (``\\\\`` and
newlines split lines, ``&`` is dropped, an ``&= b`` line continues the previous left side), from
bare lines that are plainly LaTeX (``\\frac``, ``^{``, ``\\sqrt``... and few words), and from
lines where math is written as text, in ASCII (``w* = (X^T X + 2*n*lambda*I)^(-1) X^T t``) or
Unicode (``w* = (XᵀX + 2nλI)⁻¹Xᵀt``): the run of math-looking words around an ``=`` is the
segment, the prose before and after it is not.  Whether such text can be read is the LaTeX
front end's business: a segment is handed over as written.

An implication chain on one line (``A \\Rightarrow B \\implies C``, ``⇒``) is one segment per
link, so its last equation is the line's answer and each link is a step.

Every scan is linear in the text (delimiters are found with ``str.find``; regular expressions
run on one line at a time without nested quantifiers).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

__all__ = ["Lines", "MathSegment", "Spans", "find_math", "split_sides"]


@dataclass(frozen=True)
class MathSegment:
    """One line of math in a submission.

    Attributes:
        latex: the line's math (label, ``&`` and line breaks removed; an ``&= b`` line carries
            the previous line's left side: ``a = b``).
        start: offset in the submission text of the line's first character.
        end: offset one past its last character.
        display: True for display math (``$$``, ``\\[``, environments), bare LaTeX lines and
            math-as-text lines standing alone; False for inline ``$..$``/``\\(..\\)`` in prose.
    """

    latex: str
    start: int
    end: int
    display: bool


_ENVS = r"(?:equation|align|aligned|gather|multline|eqnarray|split|displaymath)\*?"
# Openers of delimited math; each closer is found with str.find (linear, see _scan_math).
_OPENER = re.compile(
    r"(?P<dd>(?<!\\)\$\$)|(?P<env>\\begin\{(?P<env_name>" + _ENVS + r")\})|(?P<br>\\\[)|(?P<pa>\\\()"
    r"|(?P<d>(?<![\\$])\$(?![\s$]))"
)
# A bare line is LaTeX when it holds one of these and few words.
_BARE_MARKERS = re.compile(
    r"\\(?:d?frac|sqrt|sum|prod|nabla|left|right|mathbb|mathcal|mathbf|boldsymbol|top|cdot|partial"
    r"|lVert|rVert|\||int|epsilon|varepsilon|lambda|sigma|hat)\b|\^\{|\^T\b|\^\\top|\^\{?-1|\\\|"
)
_WORD = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{3,}")
_TEXT_CMD = re.compile(r"\\(?:text|mathrm|textbf|textit|operatorname)\s*\{[^{}]*\}")
# Line breaks of display math: ``\\`` (optionally ``\\[2pt]``) and newlines.
_LINE_BREAK = re.compile(r"\\\\(?:[ \t]*\[[^\]\n]{0,24}\])?|\n")
# Words that only connect steps (stripped from the front of an answer).
# Lines that close math or a document, never an answer.
_CLOSERS = re.compile(r"(?:\$\$|\\\]|\\end\{[a-z]*\*?\})+")
_CONNECTIVE = re.compile(
    r"^\s*(?:\\therefore|\\because|\\Rightarrow|\\implies|\\Longrightarrow|\\to|\\rightarrow|"
    r"\\quad|\\qquad|\\,|\\;|∴|⇒|so\b|thus\b|hence\b|then\b|therefore\b)\s*",
    re.IGNORECASE,
)


def _display_lines(body: str, body_start: int) -> list[tuple[str, int, int]]:
    """Split display math into lines with spans; ``&`` dropped, ``&= b`` continues the left side."""
    out: list[tuple[str, int, int]] = []
    pos = 0
    previous_lhs: str | None = None
    pieces: list[tuple[int, int]] = []
    for brk in _LINE_BREAK.finditer(body):
        pieces.append((pos, brk.start()))
        pos = brk.end()
    pieces.append((pos, len(body)))
    for a, b in pieces:
        raw = body[a:b]
        stripped = raw.strip()
        if not stripped or re.fullmatch(r"\\(?:nonumber|notag)|\\(?:begin|end)\{[a-z]*\*?\}", stripped):
            continue
        lead = len(raw) - len(raw.lstrip())
        continues = stripped.startswith("&")
        line = re.sub(r"(?<!\\)&", " ", stripped)
        line = re.sub(r"\\(?:nonumber|notag)\b", "", line)
        line = re.sub(r"[ \t]{2,}", " ", line).strip().rstrip(",;").strip()
        if re.fullmatch(r".*[^\\]\.", line) and not re.search(r"\d\.$", line):
            line = line[:-1].rstrip()
        if not line:
            continue
        if continues and line.startswith("=") and previous_lhs is not None:
            line = f"{previous_lhs} {line}"
        else:
            sides = split_sides(line)
            if len(sides) > 1:
                previous_lhs = sides[0]
        out.append((line, body_start + a + lead, body_start + a + lead + len(stripped)))
    return out


class Lines:
    """Line starts of a text, for O(log n) line lookups (student text can be one 2 MB line)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def start_of(self, pos: int) -> int:
        return self.starts[bisect.bisect_right(self.starts, pos) - 1]

    def end_of(self, pos: int) -> int:
        k = bisect.bisect_right(self.starts, pos)
        return self.starts[k] - 1 if k < len(self.starts) else len(self.text)

    def number(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos)


class Spans:
    """Sorted, non-overlapping spans with an O(log n) membership test."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [a for a, _ in self.spans]

    def holds(self, pos: int) -> bool:
        return self.holder(pos) is not None

    def overlaps(self, start: int, end: int) -> bool:
        """Whether any span meets ``[start, end)``."""
        k = bisect.bisect_right(self.starts, max(start, end - 1)) - 1
        return k >= 0 and self.spans[k][1] > start

    def holder(self, pos: int) -> int | None:
        """The start of the span holding ``pos``, or None."""
        k = bisect.bisect_right(self.starts, pos) - 1
        return self.spans[k][0] if k >= 0 and pos < self.spans[k][1] else None

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return iter(self.spans)


def _closing(text: str, kind: str, opener: re.Match[str], paragraph_end: int) -> tuple[int, int] | None:
    """(body end, group end) of the math opened by ``opener``, or None when it is never closed."""
    start = opener.end()
    if kind == "dd":
        idx = text.find("$$", start)
        while idx != -1 and text[idx - 1] == "\\":
            idx = text.find("$$", idx + 1)
        return (idx, idx + 2) if idx != -1 else None
    if kind in ("br", "pa"):
        closer = "\\]" if kind == "br" else "\\)"
        idx = text.find(closer, start)
        return (idx, idx + 2) if idx != -1 else None
    if kind == "env":
        closer = "\\end{" + opener.group("env_name") + "}"
        idx = text.find(closer, start)
        return (idx, idx + len(closer)) if idx != -1 else None
    # Inline $...$: the next unescaped $ in the same paragraph, not after a space, not before a digit.
    idx = text.find("$", start, paragraph_end)
    while idx != -1 and text[idx - 1] == "\\":
        idx = text.find("$", idx + 1, paragraph_end)
    if idx in (-1, start) or text[idx - 1].isspace() or text[idx + 1 : idx + 2].isdigit():
        return None
    if text[idx + 1 : idx + 2] == "$":  # ``$a$$b$`` is not one group
        return None
    return (idx, idx + 1)


def _scan_math(text: str) -> Iterator[tuple[str, int, int, int, int]]:
    """Delimited math groups as (kind, start, body start, body end, end), left to right.

    Linear in the text: an opener with no closer anywhere after it means no later opener of that
    kind has one either, so each kind's closer is searched for to the end at most once.
    """
    unclosed: set[str] = set()
    paragraphs = [m.start() for m in re.finditer(r"\n[ \t]*\n", text)] + [len(text)]
    pos = 0
    while True:
        m = _OPENER.search(text, pos)
        if m is None:
            return
        kind = m.lastgroup or ""
        if kind == "env_name":
            kind = "env"
        tag = kind + (m.group("env_name") or "" if kind == "env" else "")
        if kind != "d" and tag in unclosed:
            pos = m.end()
            continue
        paragraph_end = paragraphs[bisect.bisect_right(paragraphs, m.start())] if kind == "d" else len(text)
        found = _closing(text, kind, m, paragraph_end)
        if found is None:
            if kind != "d":
                unclosed.add(tag)
            pos = m.end()
            continue
        body_end, end = found
        yield kind, m.start(), m.end(), body_end, end
        pos = end


def find_math(text: str, lines: Lines) -> tuple[list[tuple[MathSegment, int, int]], Spans]:
    """Every math line of the text (with the span of the delimited group it belongs to) and the
    spans of the delimited groups (so labels inside math are recognized only at the start)."""
    segments: list[tuple[MathSegment, int, int]] = []
    spans: list[tuple[int, int]] = []
    for kind, start, body_start, body_end, end in _scan_math(text):
        body = text[body_start:body_end]
        spans.append((start, end))
        if kind in ("dd", "env", "br"):
            for line, a, b in _display_lines(body, body_start):
                segments.append((MathSegment(line, a, b, True), start, end))
            continue
        line_start, line_end = lines.start_of(start), lines.end_of(end)
        # Inline math standing alone on its line is a step like display math.
        if (start - line_start) + (line_end - end) > 200:
            alone = False
        else:
            alone = not _WORD.search(text[line_start:start] + " " + text[end:line_end])
        latex = body.strip()
        lead = len(body) - len(body.lstrip())
        if latex:
            seg = MathSegment(latex, body_start + lead, body_start + lead + len(latex), alone)
            segments.append((seg, start, end))
    groups = Spans(spans)
    # Bare LaTeX lines outside any delimited group.
    for k, start in enumerate(lines.starts):
        stop = lines.starts[k + 1] if k + 1 < len(lines.starts) else len(text)
        line = text[start:stop]
        content = line.strip()
        if not content or groups.overlaps(start, stop):
            continue
        lead = len(line) - len(line.lstrip())
        if _is_bare_latex(content):
            seg = MathSegment(content, start + lead, start + lead + len(content), True)
            segments.append((seg, start + lead, start + lead + len(content)))
        elif "$" not in content and "\\(" not in content and _MATHLIKE.search(content):
            spans_in_line = text_math(content)
            for a, b in spans_in_line:
                alone = len(spans_in_line) == 1 and b - a >= 0.6 * len(content)
                seg = MathSegment(
                    content[a:b], start + lead + a, start + lead + b, alone or len(content) < 120
                )
                segments.append((seg, seg.start, seg.end))
    out: list[tuple[MathSegment, int, int]] = []
    for seg, ga, gb in segments:
        out.extend((link, ga, gb) for link in _links(seg))
    out.sort(key=lambda item: item[0].start)
    return out, groups


# ----------------------------------------------------------------------------------------------
# implication chains
# ----------------------------------------------------------------------------------------------

_ARROWS = ("\\Longrightarrow", "\\Rightarrow", "\\implies", "⇒", "⟹", "=>")
_SPACERS = re.compile(r"\\(?:mathrm|text)\s*\{[ \t~]*\}")


def _links(seg: MathSegment) -> list[MathSegment]:
    """A segment split at its top-level implication arrows (each link a step), spacers removed."""
    latex = _SPACERS.sub(" ", seg.latex) if "{" in seg.latex else seg.latex
    cuts: list[tuple[int, int]] = []
    depth = 0
    i = 0
    while i < len(latex):
        ch = latex[i]
        if ch in "{([":
            depth += 1
        elif ch in "})]":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in "\\⇒⟹=":
            arrow = next((a for a in _ARROWS if latex.startswith(a, i)), None)
            if arrow is not None and not (
                arrow[0] == "\\" and latex[i + len(arrow) : i + len(arrow) + 1].isalpha()
            ):
                cuts.append((i, i + len(arrow)))
                i += len(arrow)
                continue
        if ch == "\\":
            escaped = latex[i + 1 : i + 2]
            if escaped in ("{", "}"):  # a set's braces group like any other
                depth = depth + 1 if escaped == "{" else max(0, depth - 1)
            i += 2
            continue
        i += 1
    if not cuts:
        return [seg if latex == seg.latex else MathSegment(latex.strip(), seg.start, seg.end, seg.display)]
    pieces: list[MathSegment] = []
    last = 0
    for a, b in [*cuts, (len(latex), len(latex))]:
        piece = latex[last:a]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            start = min(seg.end, seg.start + last + lead)
            pieces.append(MathSegment(stripped, start, min(seg.end, start + len(stripped)), seg.display))
        last = b
    return pieces


# ----------------------------------------------------------------------------------------------
# math written as text (ASCII and Unicode)
# ----------------------------------------------------------------------------------------------

# Pieces of a line that are separate statements: ``a = b, so c = d``, ``a = b -> c = d``.
_SEPARATORS = re.compile(
    r"⇒|=>|->|→|∴|∵|,\s+(?:so|thus|hence|i\.e\.|then)\s|\s(?:so|thus|hence|i\.e\.?|then)\s"
)
_TOKEN = re.compile(r"\S+")
_NEGATION = re.compile(r"\b(?:not|wrong|incorrect|instead\s+of|rather\s+than|isn't|never)\b", re.IGNORECASE)
_LETTERS = re.compile(r"[A-Za-z]+")
# Letter runs that are math, not prose (names students type for symbols and functions).
_MATH_WORDS = frozenset(
    [
        "sqrt",
        "lambda",
        "lam",
        "eps",
        "epsilon",
        "sigma",
        "inv",
        "exp",
        "log",
        "ln",
        "sum",
        "prod",
        "grad",
        "argmin",
        "argmax",
        "min",
        "max",
        "det",
        "tr",
        "trace",
        "var",
        "cov",
        "alpha",
        "beta",
        "gamma",
        "delta",
        "theta",
        "mu",
        "pi",
        "phi",
        "psi",
        "omega",
        "rho",
        "tau",
        "eta",
        "nabla",
        "frac",
        "cdot",
        "top",
        "dw",
        "dx",
        "np",
        "transpose",
        "sgn",
        "sign",
        "abs",
        "norm",
    ]
)
_STOPWORDS = frozenset(
    [
        "is",
        "so",
        "to",
        "of",
        "by",
        "as",
        "at",
        "in",
        "on",
        "or",
        "if",
        "we",
        "it",
        "be",
        "an",
        "and",
        "the",
        "for",
        "are",
        "was",
        "but",
        "not",
        "with",
        "from",
        "then",
        "thus",
        "hence",
        "where",
        "which",
        "this",
        "that",
        "gives",
        "get",
        "got",
        "yes",
        "no",
        "my",
        "our",
        "its",
    ]
)
# An operator: a line of math words holds one (``b) y`` or ``(C)`` is not math).
_OPERATOR = re.compile(r"[=+\-*/^ᵀ⁻¹²³√‖∑∏∇·×−]")
# A line worth scanning for math written as text.
_MATHLIKE = re.compile(r"[=+*/^ᵀ⁻√‖∑∇×−]")


def _mathy(token: str) -> bool:
    """A whitespace-separated token that reads as math, not prose."""
    for run in _LETTERS.findall(token):
        low = run.lower()
        if low in _STOPWORDS or (len(run) >= 3 and low not in _MATH_WORDS):
            return False
    return True


def _math_run(tokens: list[re.Match[str]], eq: int) -> tuple[int, int] | None:
    """The run of math tokens around ``tokens[eq]`` (which holds ``=``), as token indexes."""
    a = eq
    while a > 0 and _mathy(tokens[a - 1].group()) and not tokens[a - 1].group().endswith((":", ",", ".")):
        a -= 1
    b = eq
    while b + 1 < len(tokens) and _mathy(tokens[b + 1].group()):
        b += 1
        if tokens[b].group().endswith((",", ";", ":")) or re.search(r"[a-z)]\.$", tokens[b].group()):
            break
    return a, b


def text_math(line: str) -> list[tuple[int, int]]:
    """Spans of ``line`` that are math written as text (ASCII or Unicode), prose left out.

    A span is the run of math-looking words around an ``=``; a line made only of math words
    with an operator is one span.  Trailing punctuation and unbalanced closing words are dropped.

    Args:
        line: one line of a submission (no ``$`` delimiters).

    Returns:
        ``(start, end)`` offsets in ``line``, left to right.

    >>> line = "1-D, so w* = X^T t / (X^T X + 2 lambda) is a number."
    >>> [line[a:b] for a, b in text_math(line)]
    ['w* = X^T t / (X^T X + 2 lambda)']
    >>> line = "Not sure, but w = x t, not w = t / x"
    >>> [line[a:b] for a, b in text_math(line)]
    ['w = x t']
    >>> line = "σ² = (1−p)/p, so σ = √((1−p)/p)"
    >>> [line[a:b] for a, b in text_math(line)]
    ['σ² = (1−p)/p', 'σ = √((1−p)/p)']
    """
    if len(line) > 2000:
        return []
    pieces: list[tuple[int, int]] = []
    last = 0
    for m in _SEPARATORS.finditer(line):
        pieces.append((last, m.start()))
        last = m.end()
    pieces.append((last, len(line)))
    out: list[tuple[int, int]] = []
    for a, b in pieces:
        tokens = list(_TOKEN.finditer(line, a, b))
        if not tokens:
            continue
        used = -1
        found = False
        for i, tok in enumerate(tokens):
            if i <= used or "=" not in tok.group() or not _mathy(tok.group()):
                continue
            run = _math_run(tokens, i)
            if run is None:
                continue
            lo, hi = run
            lo, hi = _balanced(tokens, lo, hi)
            text = line[tokens[lo].start() : tokens[hi].end()]
            sides = [side.strip() for side in text.split("=")]
            if lo <= hi and all(sides) and len(sides) >= 2:
                out.append(_trim(line, tokens[lo].start(), tokens[hi].end()))
                found = True
            used = hi
        # A whole line of math words with an operator and a symbol: ``(X^T X + 2*n*lambda*I)^(-1) X^T t``.
        whole_line = a == 0 and b == len(line)
        if (
            not found
            and whole_line
            and all(_mathy(t.group()) for t in tokens)
            and _OPERATOR.search(line, a, b) is not None
            and any(_LETTERS.search(t.group()) or any(c in "λεσ" for c in t.group()) for t in tokens)
        ):
            out.append(_trim(line, tokens[0].start(), tokens[-1].end()))
    kept: list[tuple[int, int]] = []
    for x, y in out:
        # "w = 1, not w = 2": math the student rejects in the same line is not an answer.
        if y > x and not (kept and _NEGATION.search(line, kept[-1][1], x)):
            kept.append((x, y))
    return kept


def _balanced(tokens: list[re.Match[str]], lo: int, hi: int) -> tuple[int, int]:
    """Drop words from the end while the run opens more parentheses than it closes."""
    while hi > lo:
        text = "".join(t.group() for t in tokens[lo : hi + 1])
        if text.count("(") <= text.count(")") and text.count("[") <= text.count("]"):
            break
        hi -= 1
    return lo, hi


def _trim(line: str, a: int, b: int) -> tuple[int, int]:
    while b > a and line[b - 1] in ".,;:":
        b -= 1
    return a, b


def _is_bare_latex(line: str) -> bool:
    # Without a backslash it is math written as text (``X^T X w``), read by text_math.
    if "\\" not in line or not _BARE_MARKERS.search(line) or "$" in line:
        return False
    words = [w for w in _WORD.findall(_TEXT_CMD.sub(" ", line)) if w.lower() not in _MATH_WORDS]
    return len(words) <= 2


def split_sides(latex: str) -> tuple[str, ...]:
    """Split ``a = b = c`` at the ``=`` signs outside braces, brackets and parentheses.

    ``\\leq``, ``\\neq`` and ``==`` are not split on; ``:=`` counts as ``=``.

    Args:
        latex: one line of math.

    Returns:
        The sides, stripped (one element when there is no ``=``).

    >>> split_sides(r"\\epsilon = \\frac{x}{w} = \\frac{a}{b}")
    ('\\\\epsilon', '\\\\frac{x}{w}', '\\\\frac{a}{b}')
    """
    sides: list[str] = []
    depth = 0
    last = 0
    i = 0
    while i < len(latex):
        ch = latex[i]
        if ch == "\\":
            i += 2
            continue
        if ch in "{([":
            depth += 1
        elif ch in "})]":
            depth = max(0, depth - 1)
        elif ch == "=" and depth == 0:
            prev = latex[i - 1] if i else ""
            nxt = latex[i + 1] if i + 1 < len(latex) else ""
            if nxt != "=" and prev not in "<>!=":
                sides.append(latex[last:i].rstrip(":").strip())
                last = i + 1
        i += 1
    sides.append(latex[last:].strip())
    return tuple(sides)
