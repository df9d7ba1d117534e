"""Question labels in a submission, recognized from the key's own ids and aliases.

Nothing here knows a homework: every form is derived from the key.  A label sits at the start of a
line, after list markers (``-``, ``*``, ``•``), heading marks (``#``, ``===``), emphasis (``**``) or
a display-math opener (``$$1.2.2 \\quad ...``).  Recognized:

* the id, with a word or not: ``1.2.2``, ``Q1.2.2``, ``Q 1.2.2``, ``Question 3.2``, ``Problem 1``,
  ``1.2.2)``, ``(1.2.2)``, ``3.2.``, ``1.2.2:``, ``**1.2.2**``; OCR slips where the reading is still
  unique: a space around a dot (``1.2 .2``), ``l``/``I`` for 1 and ``O`` for 0 (``l.2.3``);
* part letters of a question the key splits (``2.1.2a``, ``2.1.2b``; ``1a``, ``1b``): glued
  (``2.1.2a``), after the id (``Q1 (a)``, ``2.1.2 a)``), or alone after it (``(a)``, ``a)``,
  ``Part (a)``, roman ``(i)`` for a), and several parts on one line (``a) C   b) A is ...``);
* a question's declared ``labels`` (``Question.labels``: any other way students write it).

A label-shaped line the key does not know ends the block before it and is reported: with a word
(``Question 4``, ``Q2.5``), as a heading, or as a dotted number closed by ``)``/``:`` (``1.2.5)``), or
a part letter the question does not have (``(c)``).  A heading that only groups known questions
(``Q2: Trading off resources``, ``=== Question 1 ===``) ends the block silently.

Every scan is linear: lines are visited once, and each regular expression runs on at most
:data:`HEAD` characters at the start of a line, so no run of spaces or label-like fragments can
make it backtrack over the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from checker.key import Key

__all__ = ["HEAD", "Label", "LabelSet", "find_labels"]

#: Characters at the start of a line that label patterns look at (a hard bound on their input).
HEAD = 160

# LaTeX written into Markdown (``\\section*{1.2.2}``, ``\\textbf{Q3.2}``, ``\\item[2.2]``) is peeled too.
_PEEL = re.compile(
    r"(?:[-*+•][ \t]+|\#{1,6}[ \t]*|={2,}[ \t]*|\*\*|__|\$\$|\\\[|\\noindent\b"
    r"|\\(?:(?:sub){0,2}section|paragraph|textbf|emph)\*?\{|\\item[ \t]*\[)"
)
_WORD = (
    r"(?P<word>question|problem|exercise|solution|answer|task|part|prob\.?|ex\.?|sol\.?|soln\.?|ans\.?|q\.?)"
    r"(?![a-z])"
)
_ID = re.compile(
    r"(?:" + _WORD + r"[ \t]*)?[(\[]?"
    r"(?P<num>[0-9lIO]{1,3}(?:[ \t]?\.(?:[ \t]?[0-9]|[0-9lIO])[0-9lIO]{0,2}){0,5})(?P<glued>[a-h](?![A-Za-z0-9]))?"
    r"(?P<close>[ \t]*[).:,]|\*\*|__|\}|\])*"
    r"(?:[ \t]*(?:\*\*|__)?(?:part[ \t]*)?\(?(?P<sub>[a-h]|i{1,3}|iv)(?:\)|\.(?![\w])|:)(?:\*\*|__)?)?"
    r"(?:\*\*|__|\}|\]|[ \t]*[).:])*",
    re.IGNORECASE,
)
_BARE = re.compile(
    r"(?P<part>part[ \t]*)?(?P<open>\()?(?P<sub>[a-h]|i{1,3}|iv)(?P<close>\)|\.(?!\w)|:)?(?:\*\*|__)?(?:[ \t]*[.:])?",
    re.IGNORECASE,
)
_ALIAS_END = re.compile(r"(?:\*\*|__)?[ \t]*[).:]?(?:\*\*|__)?")
_SPACER = re.compile(r"(?:[ \t]*(?:\\quad|\\qquad|\\,|\\;|~|\\mathrm\{~\}))*")
_ROMAN = {"i": "a", "ii": "b", "iii": "c", "iv": "d"}
_OCR = str.maketrans({"l": "1", "I": "1", "O": "0", "o": "0", " ": "", "\t": ""})


@dataclass(frozen=True)
class Label:
    """One label found in a submission.

    Attributes:
        qid: the key's question id, or None for a label the key does not know.
        start: where the block starts (the label's line, or the math group holding it).
        end: one past the label text (and the spacing after it).
        label: the label as written.
        heading_only: a split question's bare id (``2.1.2``) whose parts follow.
        section: an unknown label that only groups known questions (``Q2: ...``): not reported.
    """

    qid: str | None
    start: int
    end: int
    label: str
    heading_only: bool = False
    section: bool = False


@dataclass(frozen=True)
class LabelSet:
    """The labels a key's questions may be written with.

    Attributes:
        bases: ids without part letters (``2.1.2`` for 2.1.2a/2.1.2b), longest first.
        letters: ``(base, part letters)`` of the questions the key splits.
        aliases: ``(written form, lowercased without spaces, question id)``, longest first.
        prefixes: dotted prefixes of the ids (``2``, ``2.1``): section headings, not questions.
    """

    bases: tuple[str, ...]
    letters: tuple[tuple[str, tuple[str, ...]], ...]
    aliases: tuple[tuple[str, str, str], ...]
    prefixes: frozenset[str]

    @classmethod
    def of(cls, key: Key) -> LabelSet:
        """The label set of ``key`` (every question, graded or not).

        >>> from checker.key import load_key
        >>> labels = LabelSet.of(load_key(validate_latex=False))
        >>> labels.part_letters("2.1.2"), "2.1" in labels.prefixes
        (('a', 'b'), True)
        """
        whole = {q.id for q in key.questions}
        letters: dict[str, list[str]] = {}
        bases: set[str] = set()
        for q in key.questions:
            m = re.fullmatch(r"(.*\d)([a-z])", q.id)
            if m and m.group(1) not in whole:
                letters.setdefault(m.group(1), []).append(m.group(2))
                bases.add(m.group(1))
            else:
                bases.add(q.id)
        prefixes = set()
        for base in bases:
            parts = base.split(".")
            for k in range(1, len(parts)):
                prefixes.add(".".join(parts[:k]).lower())
        aliases = [
            (alias, _squash(alias), q.id) for q in key.questions for alias in q.labels if _squash(alias)
        ]
        aliases.sort(key=lambda a: -len(a[1]))
        return cls(
            tuple(sorted(bases, key=lambda s: (-len(s), s))),
            tuple((b, tuple(v)) for b, v in letters.items()),
            tuple(aliases),
            frozenset(prefixes - {b.lower() for b in bases}),
        )

    def part_letters(self, base: str) -> tuple[str, ...]:
        """The part letters of ``base`` (empty when the key does not split it)."""
        for b, letters in self.letters:
            if b == base:
                return letters
        return ()

    def base_of(self, written: str) -> str | None:
        """The key's base id for a written number, OCR slips forgiven where unambiguous."""
        exact = written.replace(" ", "").replace("\t", "").rstrip(".").lower()
        for base in self.bases:
            if base.lower() == exact:
                return base
        canonical = written.translate(_OCR).rstrip(".").lower()
        if canonical == exact or "." not in canonical or not any(c.isdigit() for c in written):
            return None
        found = [base for base in self.bases if base.lower() == canonical]
        return found[0] if len(found) == 1 else None

    def base_and_letter(self, qid: str) -> tuple[str, str | None]:
        """``2.1.2b`` → (``2.1.2``, ``b``); an unsplit id → (id, None)."""
        for base, letters in self.letters:
            if qid.startswith(base) and qid[len(base) :] in letters:
                return base, qid[len(base) :]
        return qid, None


def _squash(text: str) -> str:
    return "".join(text.lower().split())


def _part(written: str | None, letters: Sequence[str]) -> str | None:
    if written is None:
        return None
    written = written.lower()
    return written if written in letters else _ROMAN.get(written, written)


def _boundary(head: str, end: int) -> bool:
    return end >= len(head) or head[end] in " \t$\\*"


@dataclass
class _Scan:
    """Per-submission scanning state (local to one call)."""

    labels: list[Label]
    base: str | None = None  # the base of the last known label, for bare part letters
    letter: str | None = None


def _alias_at(head: str, at: int, labels: LabelSet, current: str | None) -> tuple[str, int] | None:
    """(question id, end in head) of a declared alias written at ``head[at:]``.

    An alias several questions declare (``(a)`` for 1a and for 2a) names the one whose base is
    the question being read (``current``); with no such question it is no label at all.
    """
    if not labels.aliases:
        return None
    squashed: list[str] = []
    ends: list[int] = []
    for i in range(at, len(head)):
        ch = head[i]
        if ch in " \t":
            continue
        squashed.append(ch.lower())
        ends.append(i + 1)
    flat = "".join(squashed)
    for _alias, form, _qid in labels.aliases:
        if not flat.startswith(form):
            continue
        end = ends[len(form) - 1]
        if end < len(head) and head[end].isalnum() and form[-1].isalnum():
            continue
        owners = [qid for _a, f, qid in labels.aliases if f == form]
        if len(owners) > 1:
            owners = [qid for qid in owners if labels.base_and_letter(qid)[0] == current]
            if len(owners) != 1:
                continue
        closing = _ALIAS_END.match(head, end)
        return owners[0], closing.end() if closing is not None else end
    return None


def find_labels(
    text: str,
    labels: LabelSet,
    *,
    in_math: Callable[[int], int | None],
) -> list[Label]:
    """Every label at a line start, in order, known or not.

    Args:
        text: the document text.
        labels: the key's label set.
        in_math: ``in_math(offset)`` is the start of the math group holding ``offset``, or None.

    Returns:
        The labels by position (several on one line when parts are written on one line).

    >>> from checker.key import load_key
    >>> ls = LabelSet.of(load_key(validate_latex=False))
    >>> found = find_labels("Q 1.2.2 x\\nl.2.3 y\\n2.1.2) a) C   b) A is\\nQ2: more\\n1.2.9) z", ls, in_math=lambda _: None)
    >>> [(lab.qid, lab.label) for lab in found]
    [('1.2.2', 'Q 1.2.2'), ('1.2.3', 'l.2.3'), ('2.1.2a', '2.1.2) a)'), ('2.1.2b', 'b)'), (None, 'Q2:'), (None, '1.2.9)')]
    """
    scan = _Scan([])
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        line_end = n if nl == -1 else nl
        _line(text, (pos, line_end), labels, scan, in_math)
        if nl == -1:
            break
        pos = nl + 1
    return scan.labels


def _line(
    text: str,
    span: tuple[int, int],
    labels: LabelSet,
    scan: _Scan,
    in_math: Callable[[int], int | None],
) -> None:
    line_start, line_end = span
    # Skip leading blanks without a regular expression (a long run of spaces costs its length once).
    first = line_start
    while first < line_end and text[first] in " \t\r\f\v":
        first += 1
    if first == line_end:
        return
    head = text[first : min(line_end, first + HEAD)]
    at = 0
    heading = False
    math_opener: int | None = None
    for _ in range(4):
        peel = _PEEL.match(head, at)
        if peel is None or peel.end() == at:
            break
        if peel.group().startswith(("$$", "\\[")):
            math_opener = first + at
        else:
            heading = True
        at = peel.end()
        while at < len(head) and head[at] in " \t":
            at += 1
    if at >= len(head):
        return
    holder = in_math(first + at)
    start = line_start
    if holder is not None and holder != math_opener:
        opener = text[holder:first].strip()
        if opener not in ("$$", "\\["):
            return  # inside math (an aligned line starting with a number), not a label
        # ``$$`` alone on the line before: the label opens the group's first line.
        math_opener = holder
        start = text.rfind("\n", 0, holder) + 1
    found = _known_or_unknown(head, at, labels, scan, heading=heading)
    if found is None:
        return
    qid, end, heading_only, section, letter_base = found
    spacer = _SPACER.match(head, end)
    end = spacer.end() if spacer is not None else end
    written = (text[math_opener : first + end] if math_opener is not None else head[at:end]).strip()
    scan.labels.append(Label(qid, start, first + end, written, heading_only, section))
    if letter_base is None:
        return
    # Further parts on the same line: ``a) C   b) A is ...``.
    base, letter = letter_base
    letters = labels.part_letters(base)
    rest_from = first + end
    while letter in letters and letters.index(letter) + 1 < len(letters):
        nxt = letters[letters.index(letter) + 1]
        hit = _next_part(text, rest_from, line_end, nxt)
        if hit is None:
            return
        a, b = hit
        scan.labels.append(Label(base + nxt, a, b, text[a:b].strip()))
        scan.base, scan.letter = base, nxt
        letter, rest_from = nxt, b


def _next_part(text: str, start: int, end: int, letter: str) -> tuple[int, int] | None:
    """(start, end) of `` b) `` or `` (b) `` after whitespace in ``text[start:end]``."""
    for form in (f"({letter})", f"{letter})"):
        k = text.find(form, start, end)
        while k != -1:
            before = text[k - 1] if k > 0 else " "
            after = k + len(form)
            if before in " \t" and (after >= end or text[after] in " \t"):
                return k, after
            k = text.find(form, k + 1, end)
    return None


def _known_or_unknown(
    head: str, at: int, labels: LabelSet, scan: _Scan, *, heading: bool
) -> tuple[str | None, int, bool, bool, tuple[str, str] | None] | None:
    """(qid or None, end in head, heading_only, section, (base, letter) when a part) or None."""
    alias = _alias_at(head, at, labels, scan.base)
    if alias is not None:
        qid, end = alias
        alias_base, alias_letter = labels.base_and_letter(qid)
        scan.base, scan.letter = alias_base, alias_letter
        return qid, end, False, False, (alias_base, alias_letter) if alias_letter else None
    m = _ID.match(head, at)
    if m is not None and _boundary(head, m.end()):
        base = labels.base_of(m.group("num"))
        if base is not None:
            letters = labels.part_letters(base)
            written = m.group("sub") or m.group("glued")
            scan.base = base
            if not letters:
                scan.letter = None
                return base, m.end(), False, False, None
            part = _part(written, letters)
            if part in letters:
                scan.letter = part
                return base + part, m.end(), False, False, (base, part)
            scan.letter = letters[0]
            return base + letters[0], m.end(), True, False, (base, letters[0])
        number = m.group("num").translate(_OCR).rstrip(".").lower()
        closed = bool(m.group("close")) or m.end() >= len(head)
        # A prefix of the key's ids is a section heading (``Q2:``, ``# 2``, ``2.1)``), but a bare
        # ``1.`` or ``2)`` is a numbered step inside an answer: not a label at all.
        if number in labels.prefixes and (m.group("word") or heading or ("." in number and closed)):
            scan.base = scan.letter = None
            return None, m.end(), False, True, None
        if number in labels.prefixes:
            return None
        if m.group("word") or heading or ("." in number and closed and any(c.isdigit() for c in number)):
            scan.base = scan.letter = None
            return None, m.end(), False, False, None
    bare = _BARE.match(head, at)
    if bare is not None and scan.base is not None and _boundary(head, bare.end()):
        close = bare.group("close")
        # ``a)``, ``(a)``, ``a.``, ``a:``, ``Part A``; a capital only in parentheses or after
        # "Part" (``B: curvature ...`` is prose).
        if bare.group("part") is None and (
            close is None or (bare.group("sub")[0].isupper() and close != ")")
        ):
            return None
        letters = labels.part_letters(scan.base)
        if not letters:
            return None
        part = _part(bare.group("sub"), letters)
        if part in letters:
            scan.letter = part
            return scan.base + part, bare.end(), False, False, (scan.base, part)
        # A part letter past the question's last one (``(c)`` for a, b): a label the key does not know.
        if (
            (bare.group("open") or bare.group("close") == ")")
            and part is not None
            and len(part) == 1
            and part > letters[-1]
        ):
            scan.base = scan.letter = None
            return None, bare.end(), False, False, None
    return None
