"""Stage 1: a submission's text → question blocks with their math, and each block's final answer.

Students label questions in many ways; every form below is recognized at the start of a line
(after list markers, ``#`` headings and ``**`` emphasis), matched against the key's ids:

* ``1.2.2``, ``Q1.2.2``, ``Question 3.2``, ``Problem 3.2``, ``1.2.2)``, ``(1.2.2)``, ``3.2.``,
  ``1.2.2:``, ``**1.2.2**``, ``## 1.2.3``;
* inside display math: ``$$1.2.2 \\quad ...$$`` (the label is removed from the math);
* sub-parts: ``2.1.2 a)``, ``2.1.2(a)``, ``2.1.2a``, then a later bare ``b)`` → ``2.1.2b``; a
  sub-part letter on a question the key does not split (``2.1.1 a)``) is dropped (→ ``2.1.1``).

Section headings that match no key id (``Q1: Robustness & Regularization``) end the block before
them; text before the first label (name, student number, title) is the preamble, never an answer.

Math is read from ``$$..$$``, ``\\[..\\]``, ``\\(..\\)``, ``$..$`` and ``equation``/``align``/
``gather``/``multline`` (starred) environments, one :class:`MathSegment` per line (``\\\\`` and
newlines split lines, ``&`` is dropped, an ``&= b`` line continues the previous left side), and
from bare lines that are plainly LaTeX (``\\frac``, ``^{``, ``\\sqrt``... and few words).

This module never runs SymPy itself: :func:`final_answer` takes the question's parser as a
parameter (the real one by default) and is called in the worker processes that judge answers.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from checker.errors import CheckerError
from checker.key import Key, Question

__all__ = [
    "AnswerChoice",
    "Extraction",
    "MathSegment",
    "QuestionBlock",
    "extract",
    "final_answer",
    "split_sides",
    "step_lines",
]

#: ``parse(source, table, *, options)`` as in :func:`checker.latex.parse`; returns an object with
#: ``.expr``.  Injected so that extraction is testable without the LaTeX front end.
ParseFn = Callable[..., Any]


@dataclass(frozen=True)
class MathSegment:
    """One line of math in a submission.

    Attributes:
        latex: the line's LaTeX (label, ``&`` and line breaks removed; an ``&= b`` line carries
            the previous line's left side: ``a = b``).
        start: offset in the submission text of the line's first character.
        end: offset one past its last character.
        display: True for display math (``$$``, ``\\[``, environments) and bare LaTeX lines;
            False for inline ``$..$``/``\\(..\\)`` inside prose.
    """

    latex: str
    start: int
    end: int
    display: bool


@dataclass(frozen=True)
class QuestionBlock:
    """The part of a submission that answers one question.

    Attributes:
        id: the key's question id (``2.1.2b``).
        text: the submission's text from the end of the label to ``end`` (unstripped, so
            ``end - len(text)`` is where it starts).
        start: offset of the label in the submission text.
        end: offset one past the block's last character.
        math: the block's math lines in order.
        label: the label as written (``2.1.2 a)``, ``$$1.2.2 \\quad``, ``b)``).
    """

    id: str
    text: str
    start: int
    end: int
    math: tuple[MathSegment, ...]
    label: str

    @property
    def steps(self) -> tuple[str, ...]:
        """The block's derivation steps: its display math lines (inline math in prose is not a step)."""
        return step_lines(self)


@dataclass(frozen=True)
class Extraction:
    """A submission split into question blocks.

    Attributes:
        blocks: at most one per key question, in the order written.
        warnings: problems with the labels (none found, one given twice...).
        preamble: the text before the first label.
    """

    blocks: tuple[QuestionBlock, ...]
    warnings: tuple[str, ...]
    preamble: str

    def block(self, qid: str) -> QuestionBlock | None:
        """The block of question ``qid``, or None when the submission has none."""
        for b in self.blocks:
            if b.id == qid:
                return b
        return None


@dataclass(frozen=True)
class AnswerChoice:
    """The text taken as a question's final answer and why.

    Attributes:
        latex: the answer (LaTeX for math questions, the block's prose for choice questions).
        segment_index: index into ``block.math`` of the segment it came from (-1 for prose).
        reason: how it was chosen, for the feedback (``last equation with target \\epsilon on
            the left``, ``after \\therefore``, ``\\boxed``, ``last math``, ``whole block text``,
            ``last line of text (no math found)``).
    """

    latex: str
    segment_index: int
    reason: str


# ----------------------------------------------------------------------------------------------
# math segments
# ----------------------------------------------------------------------------------------------

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
_LINE_BREAK = re.compile(r"\\\\(?:\s*\[[^\]]*\])?|\n")
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


class _Lines:
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


class _Spans:
    """Sorted, non-overlapping spans with an O(log n) membership test."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [a for a, _ in self.spans]

    def holds(self, pos: int) -> bool:
        k = bisect.bisect_right(self.starts, pos) - 1
        return k >= 0 and pos < self.spans[k][1]

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


def _find_math(text: str, lines: _Lines) -> tuple[list[tuple[MathSegment, int, int]], _Spans]:
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
    groups = _Spans(spans)
    # Bare LaTeX lines outside any delimited group.
    for k, start in enumerate(lines.starts):
        stop = lines.starts[k + 1] if k + 1 < len(lines.starts) else len(text)
        line = text[start:stop]
        content = line.strip()
        if not content or groups.holds(start) or groups.holds(max(start, stop - 1)):
            continue
        if _is_bare_latex(content):
            lead = len(line) - len(line.lstrip())
            seg = MathSegment(content, start + lead, start + lead + len(content), True)
            segments.append((seg, start + lead, start + lead + len(content)))
    segments.sort(key=lambda item: item[0].start)
    return segments, groups


def _is_bare_latex(line: str) -> bool:
    if not _BARE_MARKERS.search(line) or "$" in line:
        return False
    words = _WORD.findall(_TEXT_CMD.sub(" ", line))
    return len(words) <= 2


# ----------------------------------------------------------------------------------------------
# labels
# ----------------------------------------------------------------------------------------------

# What may come before a label on its line: spaces, list markers, heading hashes, emphasis.
# (LaTeX submissions: ``\section*{1.2.2}``, ``\textbf{Q3.2}``, ``\item[2.2]``.)
_PREFIX = (
    r"[ \t]*(?:[-*+•][ \t]+)?(?:\#{1,6}[ \t]*)?(?:\*\*|__)?"
    r"(?:\\(?:(?:sub){0,2}section|paragraph|textbf|emph)\*?\{|\\item\s*\[)?[ \t]*"
)
_WORDS = r"(?:(?:Question|Problem|Exercise|Part|Q|Prob\.?|Ex\.?)[ \t]*)?"
# A sub-part: ``a)``, ``(a)``, ``a.``, ``a:`` or a letter glued to the id (``2.1.2a``).
# Roman numerals (``2.1.2 (i)``, ``(ii)``) name the parts a, b, c, d.
_SUB = r"(?:[ \t]*\(?(?P<sub>[a-h]|i{1,3}|iv)(?:\)|\.(?!\d)|:)|(?P<glued>[a-h])(?![A-Za-z]))"
_ROMAN = {"i": "a", "ii": "b", "iii": "c", "iv": "d"}
_END = r"(?:\*\*|__|\}|\])?(?:[ \t]*[).:])?(?:\*\*|__|\}|\])?(?=[\s$\\]|$)"
_SECTION = re.compile(
    _PREFIX + r"(?:Q|Question|Problem|Part|Section)[ \t]*\d+(?![.\d])[^\n]*$", re.MULTILINE | re.IGNORECASE
)


@dataclass(frozen=True)
class _Ids:
    """The key's ids as labels: bases (``2.1.2``) and the sub-part letters each base has."""

    bases: tuple[str, ...]
    subparts: tuple[tuple[str, tuple[str, ...]], ...]
    whole: frozenset[str]

    def letters(self, base: str) -> tuple[str, ...]:
        for b, letters in self.subparts:
            if b == base:
                return letters
        return ()


def _ids(key: Key) -> _Ids:
    whole = frozenset(q.id for q in key.questions)
    subparts: dict[str, list[str]] = {}
    bases: set[str] = set()
    for q in key.questions:
        m = re.fullmatch(r"(.*\d)([a-z])", q.id)
        if m and m.group(1) not in whole:
            subparts.setdefault(m.group(1), []).append(m.group(2))
            bases.add(m.group(1))
        else:
            bases.add(q.id)
    ordered = tuple(sorted(bases, key=lambda s: (-len(s), s)))
    return _Ids(ordered, tuple((b, tuple(v)) for b, v in subparts.items()), whole)


def _label_regex(ids: _Ids) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(b) for b in ids.bases)
    return re.compile(
        r"^(?P<label>" + _PREFIX + r"\(?" + _WORDS + r"(?P<id>" + alternatives + r")(?![\d])(?!\.\d)"
        r"\)?(?:" + _SUB + r")?" + _END + r")",
        re.MULTILINE | re.IGNORECASE,
    )


_BARE_SUB = re.compile(
    r"^(?P<label>" + _PREFIX + r"\(?(?P<sub>[a-h]|i{1,3}|iv)(?:\)|\.|:)(?:\*\*|__)?)(?=\s|$)", re.MULTILINE
)


_MATH_LABEL = (
    r"\s*\(?"
    + _WORDS
    + r"(?P<id>{ids})(?![\d])(?!\.\d)\)?(?:"
    + _SUB
    + r")?"
    + (r"(?:[ \t]*[).:])?(?:[ \t]*(?:\\quad|\\qquad|\\,|\\;|~)|[ \t]+|$)+")
)


@dataclass(frozen=True)
class _Label:
    qid: str
    start: int  # where the block starts (the label's line, or the math group holding it)
    end: int  # one past the label text
    label: str
    heading_only: bool = False  # a split question's bare base id (``2.1.2``) awaiting ``a)``


def _resolve(ids: _Ids, base: str, letter: str | None) -> tuple[str, bool]:
    """The key id for ``base`` + optional sub-part letter; (id, heading_only)."""
    letters = ids.letters(base)
    if not letters:
        return base, False  # ``2.1.1 a)`` where the key has only 2.1.1
    part = _part_letter(letter, letters)
    if part is not None and part in letters:
        return base + part, False
    return base + letters[0], True


def _part_letter(written: str | None, letters: Sequence[str]) -> str | None:
    """``a`` for ``a``/``A``, and for the roman ``i`` when the key has no part ``i``."""
    if written is None:
        return None
    written = written.lower()
    return written if written in letters else _ROMAN.get(written, written)


_GROUP_OPENER = re.compile(r"\$\$|\\\[|\\begin\{" + _ENVS + r"\}|\\\(|\$")


def _find_labels(text: str, ids: _Ids, groups: _Spans, lines: _Lines) -> list[_Label]:
    labels: list[_Label] = []
    for m in _label_regex(ids).finditer(text):
        if groups.holds(m.start("id")):
            continue
        letter = m.group("sub") or m.group("glued")
        qid, heading = _resolve(ids, _canonical(ids, m.group("id")), letter)
        labels.append(_Label(qid, m.start(), m.end("label"), m.group("label").strip(), heading))
    # Labels at the very start of a display math group: ``$$1.2.2 \quad ...$$``.
    alternatives = "|".join(re.escape(b) for b in ids.bases)
    math_label = re.compile(_MATH_LABEL.replace("{ids}", alternatives), re.IGNORECASE)
    for a, b in groups:
        opener = _GROUP_OPENER.match(text, a, b)
        if opener is None:
            continue
        body_start = opener.end()
        found = math_label.match(text, body_start, b)
        if found is None or found.end() >= b - 1:
            continue
        letter = found.group("sub") or found.group("glued")
        qid, heading = _resolve(ids, _canonical(ids, found.group("id")), letter)
        line_start = lines.start_of(a)
        start = line_start if not text[line_start:a].strip() else a
        labels.append(_Label(qid, start, found.end(), text[a : found.end()].strip(), heading))
    labels.sort(key=lambda lab: lab.start)
    return _with_bare_subparts(text, ids, labels, groups)


def _canonical(ids: _Ids, written: str) -> str:
    for base in ids.bases:
        if base.lower() == written.lower():
            return base
    return written


def _with_bare_subparts(text: str, ids: _Ids, labels: list[_Label], groups: _Spans) -> list[_Label]:
    """Add bare ``b)`` labels that continue the sub-parts of the question labelled before them."""
    if not labels:
        return labels
    out: list[_Label] = []
    for i, lab in enumerate(labels):
        out.append(lab)
        base = re.sub(r"[a-h]$", "", lab.qid) if (lab.qid not in ids.bases) else lab.qid
        letters = ids.letters(base)
        if not letters:
            continue
        stop = labels[i + 1].start if i + 1 < len(labels) else len(text)
        for m in _BARE_SUB.finditer(text, lab.end, stop):
            letter = _part_letter(m.group("sub"), letters)
            if letter not in letters or groups.holds(m.start()):
                continue
            out.append(_Label(base + letter, m.start(), m.end("label"), m.group("label").strip()))
    out.sort(key=lambda lab: lab.start)
    return out


# ----------------------------------------------------------------------------------------------
# extract
# ----------------------------------------------------------------------------------------------


def extract(text: str, key: Key) -> Extraction:
    """Split a submission into one block per labelled question.

    Args:
        text: the submission (Markdown or LaTeX, possibly OCR'd).
        key: the answer key whose question ids the labels are matched against.

    Returns:
        The blocks in the order written (one per question; a label given twice keeps the last,
        with a warning), the warnings, and the preamble before the first label.

    Example:
        >>> from checker.key import load_key
        >>> ex = extract("Jane\\n1.2.2 $$w = (X^T X)^{-1} X^T t$$\\n3.2. sigma", load_key(validate_latex=False))
        >>> [b.id for b in ex.blocks], ex.preamble.strip()
        (['1.2.2', '3.2'], 'Jane')
        >>> ex.blocks[0].math[0].latex
        'w = (X^T X)^{-1} X^T t'
    """
    ids = _ids(key)
    lines = _Lines(text)
    segments, groups = _find_math(text, lines)
    labels = _find_labels(text, ids, groups, lines)
    warnings: list[str] = []
    if not labels:
        known = ", ".join(q.id for q in key.graded)
        found = "an empty submission" if not text.strip() else "none"
        warnings.append(
            f"expected question labels such as '1.2.2' or 'Q3.2' at the start of a line, found {found}; "
            f"every question is graded as missing (the key's questions: {known})"
        )
        return Extraction((), tuple(warnings), text)
    sections = [m.start() for m in _SECTION.finditer(text)]
    group_starts = [ga for _seg, ga, _gb in segments]  # non-decreasing: groups do not overlap
    blocks: list[QuestionBlock] = []
    for i, lab in enumerate(labels):
        stop = labels[i + 1].start if i + 1 < len(labels) else len(text)
        # A section heading that is no label ("Q2: Trading off...") ends the block.
        k = bisect.bisect_left(sections, lab.end)
        if k < len(sections) and sections[k] < stop:
            stop = sections[k]
        if lab.heading_only and not text[lab.end : stop].strip():
            continue  # ``2.1.2`` on its own line, parts ``a)``/``b)`` follow
        if lab.heading_only:
            warnings.append(
                f"question {lab.qid[:-1]} has parts {', '.join(ids.letters(lab.qid[:-1]))}; "
                f"the text after label {lab.label!r} was read as part {lab.qid}"
            )
        first, last = bisect.bisect_left(group_starts, lab.start), bisect.bisect_left(group_starts, stop)
        math = tuple(
            _clip(seg, lab.end)
            for seg, _ga, _gb in segments[first:last]
            if seg.start >= lab.start and seg.end <= stop
        )
        math = tuple(seg for seg in math if seg.latex)
        blocks.append(QuestionBlock(lab.qid, text[lab.end : stop], lab.start, stop, math, lab.label))
    blocks = _last_of_each(blocks, lines, warnings)
    return Extraction(tuple(blocks), tuple(warnings), text[: labels[0].start])


def _clip(seg: MathSegment, label_end: int) -> MathSegment:
    """Drop the part of a math line that is the question label (``$$1.1.2 \\quad ...``)."""
    if seg.start >= label_end:
        return seg
    cut = label_end - seg.start
    rest = seg.latex[cut:] if cut <= len(seg.latex) else ""
    lead = len(rest) - len(rest.lstrip())
    return replace(seg, latex=rest.strip(), start=label_end + lead)


def _last_of_each(blocks: list[QuestionBlock], lines: _Lines, warnings: list[str]) -> list[QuestionBlock]:
    last: dict[str, int] = {}
    for i, b in enumerate(blocks):
        last[b.id] = i
    for qid in dict.fromkeys(b.id for b in blocks):
        numbers = [lines.number(b.start) for b in blocks if b.id == qid]
        if len(numbers) > 1:
            where = ", ".join(str(n) for n in numbers[:6]) + (", ..." if len(numbers) > 6 else "")
            warnings.append(
                f"question {qid} is labelled {len(numbers)} times (lines {where}); the last one is graded"
            )
    return [b for i, b in enumerate(blocks) if last[b.id] == i]


# ----------------------------------------------------------------------------------------------
# steps and the final answer
# ----------------------------------------------------------------------------------------------


def step_lines(block: QuestionBlock) -> tuple[str, ...]:
    """The block's derivation steps: its display math lines, in order.

    Inline math inside prose (``the $2\\lambda n$ term``) is not a step.

    Args:
        block: a question block.

    Returns:
        The LaTeX of each step, label removed.

    >>> seg = MathSegment("x' = x - \\\\epsilon w", 0, 5, True)
    >>> step_lines(QuestionBlock("1.1.2", "", 0, 5, (seg,), "1.1.2"))
    ("x' = x - \\\\epsilon w",)
    """
    return tuple(seg.latex for seg in block.math if seg.display)


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


def _strip_connective(latex: str) -> str:
    previous = None
    while previous != latex:
        previous = latex
        latex = _CONNECTIVE.sub("", latex, count=1)
    return latex.strip()


def final_answer(
    block: QuestionBlock, question: Question, *, parse: ParseFn | None = None
) -> AnswerChoice | None:
    """Choose the text of a block that is the question's final answer.

    In order: the last equation whose left side is the question's target (or an alias: decided by
    parsing the left side with the question's symbol table and comparing it to the parsed target);
    else the last ``\\boxed{..}``; else what follows ``\\therefore``/"so"; else the last math.
    For a choice question, the whole block text.  This parses student text: call it in a worker.

    Args:
        block: the question's block.
        question: the key's question (target, symbol table, parse options, kind).
        parse: ``checker.latex.parse`` (the default) or a stand-in with the same signature.

    Returns:
        The choice, or None when the block holds no answer text at all.

    Example:
        >>> from checker.key import load_key
        >>> q = load_key(validate_latex=False).question("2.2")
        >>> final_answer(QuestionBlock("2.2", " larger model", 0, 9, (), "2.2"), q).reason
        'whole block text'
    """
    if question.kind == "choice":
        text = block.text.strip()
        return AnswerChoice(text, -1, "whole block text") if text else None
    math = block.math
    if not math:
        # No math at all (plain-text or Unicode math): the last line written, so that the
        # verdict shows what was there (usually unparsed, for a TA) instead of calling it missing.
        lines = [line.strip() for line in block.text.splitlines() if line.strip()]
        lines = [line for line in lines if not _CLOSERS.fullmatch(line)]
        return AnswerChoice(lines[-1], -1, "last line of text (no math found)") if lines else None
    if question.target is not None:
        target = _parsed(question.target, question, parse)
        if target is not None:
            for i in range(len(math) - 1, -1, -1):
                sides = split_sides(_strip_connective(math[i].latex))
                if len(sides) < 2:
                    continue
                lhs = _parsed(sides[0], question, parse)
                if lhs is not None and _same(lhs, target):
                    answer = " = ".join((sides[0], sides[-1])) if len(sides) > 2 else " = ".join(sides)
                    return AnswerChoice(answer, i, f"last equation with target {question.target} on the left")
    for i in range(len(math) - 1, -1, -1):
        boxed = _boxed(math[i].latex)
        if boxed is not None:
            return AnswerChoice(boxed, i, "\\boxed")
    for i in range(len(math) - 1, -1, -1):
        seg = math[i]
        if _CONNECTIVE.match(seg.latex) and _strip_connective(seg.latex):
            return AnswerChoice(_strip_connective(seg.latex), i, "after \\therefore")
        before = _line_before(block, seg)
        if re.search(r"(?:\bso|\bthus|\bhence|\btherefore|∴|\\therefore)[\s,:]*$", before, re.IGNORECASE):
            return AnswerChoice(_strip_connective(seg.latex), i, "after \\therefore")
    for i in range(len(math) - 1, -1, -1):
        latex = _strip_connective(math[i].latex)
        if latex:
            return AnswerChoice(latex, i, "last math")
    return None


def _line_before(block: QuestionBlock, seg: MathSegment) -> str:
    """The prose right before a math segment on its line (``so $x = 1$``), from the block text."""
    # ``block.text`` is the submission from the label's end to ``block.end``, unstripped.
    text_start = block.end - len(block.text)
    line = block.text[: max(0, seg.start - text_start)].rsplit("\n", 1)[-1]
    return re.sub(r"(?:\$\$|\\\[|\\\(|\$)\s*$", "", line)


def _boxed(latex: str) -> str | None:
    start = latex.rfind("\\boxed{")
    if start == -1:
        return None
    depth = 0
    for j in range(start + len("\\boxed"), len(latex)):
        if latex[j] == "{":
            depth += 1
        elif latex[j] == "}":
            depth -= 1
            if depth == 0:
                inner = latex[start + len("\\boxed{") : j].strip()
                return inner or None
    return None


def _parsed(source: str, question: Question, parse: ParseFn | None) -> Any:
    if parse is None:
        from checker.latex import parse as real_parse  # noqa: PLC0415  (the LaTeX front end loads SymPy)

        parse = real_parse
    try:
        return parse(source, question.symbols, options=question.options).expr
    except CheckerError:
        return None


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except Exception:  # a SymPy comparison that cannot decide is "not the target"
        return False
