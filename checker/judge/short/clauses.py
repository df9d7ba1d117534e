"""Sentences and clauses of a short answer, each with its role in the argument.

A clause is a run of tokens between breaks: sentence ends (". ! ? ;", a blank line, ∴), commas,
colons, dashes, parentheses, table bars, and the connectives that open a clause of their own
("so", "because", "but", "although", "and it").  Its role says how much it counts:

* ``main``: the student's claim;
* ``conclusion``: opened by "so / thus / therefore / hence / ∴": the claim the argument ends on;
* ``premise``: a sentence's opening clause set up by "as / when / if / with / for / given / of",
  followed by another clause ("As the batch grows, ..."): it sets up the question;
* ``justification``: opened by "because / since / b/c / as" inside a sentence;
* ``concession``: opened by "although / even though / while": granted, not claimed;
* ``aside``: inside parentheses, when the sentence has more outside them.

Arrows (→ ⇒) do not break a clause: "bigger batch ⇒ bigger lr" is read by linking each
direction to its quantity (:mod:`.reading`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from checker.judge.short import lexicon
from checker.judge.short.normalize import Token

__all__ = ["Clause", "Role", "split_clauses", "strip_label"]

Role = Literal["main", "conclusion", "premise", "justification", "concession", "aside"]

_SENTENCE_END = frozenset({".", "!", "?", ";", "∴"})
_CLAUSE_BREAK = frozenset({",", ":", "—", "–", "|", "(", ")"})
_LEADING_PUNCTUATION = frozenset(
    {"*", "#", "-", "—", "–", ":", ";", ",", ".", "!", "|", "_", "'", '"', "`", ")", "]", "["}
)
_MODALS = frozenset({"should", "can", "could", "must", "need", "have", "will", "would", "might", "may"})
_SUBJECTS = frozenset({"it", "we", "you", "i", "they", "this", "that", "there", "one", "he", "she"})


@dataclass(frozen=True)
class Clause:
    """A clause: its tokens (indices into the answer's tokens), sentence and role.

    Attributes:
        first: index of its first token.
        last: index one past its last token.
        sentence: index of its sentence.
        role: how it counts (see the module's docstring).
        opener: the word that gave it its role, or None.
        question: its sentence ends with "?" (a question, not a claim).
    """

    first: int
    last: int
    sentence: int
    role: Role
    opener: str | None = None
    question: bool = False


def strip_label(tokens: Sequence[Token], text: str) -> int:
    """Index of the first token after a question label ("2.1.2 b)", "a)", "2.2.", "Ans:").

    A lone letter with ")" counts as a label only when lower case and followed by more text,
    so "A) noise" (option A's heading) and the answer "c)" stay.
    """
    i = 0
    while i < len(tokens) and tokens[i].surface in _LEADING_PUNCTUATION:
        i += 1  # leading punctuation ("**", ": ", "- ")
    lead = i
    while i < len(tokens) and (tokens[i].word.isdigit() or tokens[i].surface in (".",)):
        if tokens[i].surface == "." and i == lead:
            break
        i += 1
    if i > lead and i < len(tokens) and tokens[i].surface == "(":
        i += 1
    if (
        i + 2 < len(tokens)
        and len(tokens[i].surface) == 1
        and tokens[i].surface.islower()
        and tokens[i + 1].surface == ")"
        and any(t.kind == "word" for t in tokens[i + 2 :])
    ):
        i += 2
    return i


def _sentence_breaks(tokens: Sequence[Token], text: str, start: int) -> list[tuple[int, int, bool]]:
    """Sentences as (first, last, ends with "?")."""
    out: list[tuple[int, int, bool]] = []
    first = start
    for i in range(start, len(tokens)):
        tok = tokens[i]
        gap = text[tokens[i - 1].end : tok.start] if i > start else ""
        if i > first and ("\n\n" in gap or ("\n" in gap and _line_break_ends(tokens, i, text))):
            out.append((first, i, False))
            first = i
        if tok.surface == "?" and i == first and out and tokens[i - 1].end == tok.start:
            out[-1] = (out[-1][0], out[-1][1], True)  # "Larger model!?": the sentence asks
            first = i + 1
            continue
        if tok.surface in _SENTENCE_END and not _is_abbreviation_dot(tokens, text, i):
            if tok.surface == "∴":
                if i > first:
                    out.append((first, i, False))
                first = i  # "∴" opens the conclusion: it stays in the new sentence
                continue
            out.append((first, i + 1, tok.surface == "?"))
            first = i + 1
    if first < len(tokens):
        out.append((first, len(tokens), False))
    return [s for s in out if s[1] > s[0]]


def _line_break_ends(tokens: Sequence[Token], i: int, text: str) -> bool:
    """A single newline ends a sentence unless the line continues a phrase mid-way: after a joint
    word, or a soft wrap (a long line that stops mid-sentence and goes on in lower case, as text
    from a PDF or an OCR'd page does; short lines are a student's own list items)."""
    prev, nxt = tokens[i - 1], tokens[i]
    if prev.kind == "arrow" or prev.word in ("and", "or", "the", "a", "of", "to"):
        return False
    line_start = text.rfind("\n", 0, prev.end) + 1
    soft_wrap = (
        prev.end - line_start >= _WRAPPED_LINE
        and prev.kind == "word"
        and nxt.kind == "word"
        and nxt.surface[:1].islower()
    )
    return not soft_wrap


# A line at least this long that stops mid-sentence was wrapped by a page, not ended by a writer.
_WRAPPED_LINE = 60


def _is_abbreviation_dot(tokens: Sequence[Token], text: str, i: int) -> bool:
    if tokens[i].surface != ".":
        return False
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if nxt is None:
        return False
    if nxt.start == tokens[i].end:  # "2.1", "e.g"
        return True
    prev = tokens[i - 1] if i > 0 else None
    if prev is not None and prev.word in (
        "pt",
        "point",
        "fig",
        "eq",
        "e",
        "i",
        "approx",
        "approximately",
        "vs",
        "no",
        "increase",
    ):
        return True  # "Pt. C", "Fig. 4", "i.e.", "incr. model size"
    # "curv. dom.": an abbreviation then more lower-case text
    return prev is not None and prev.fix == "prefix" and not nxt.surface[:1].isupper()


def split_clauses(tokens: Sequence[Token], text: str, start: int = 0) -> list[Clause]:
    """The answer's clauses, in order, with their roles.

    Args:
        tokens: the answer's tokens.
        text: the answer (for line breaks between tokens).
        start: the first token to read (after a question label).

    Returns:
        Clauses covering every token from ``start`` except the breaks between them.
    """
    clauses: list[Clause] = []
    for s_index, (first, last, question) in enumerate(_sentence_breaks(tokens, text, start)):
        pieces = _split_sentence(tokens, first, last)
        outside = [
            p for p in pieces if p[2] != "aside" and any(t.kind == "word" for t in tokens[p[0] : p[1]])
        ]
        has_more = len(outside) > 1
        carried: str | None = None  # "Thus, I would scale up the model": the opener stands alone
        for k, (a, b, piece_kind, piece_opener) in enumerate(pieces):
            role: Role
            kind, opener = (
                ("opener", carried)
                if carried is not None and piece_kind == "plain"
                else (piece_kind, piece_opener)
            )
            carried = None
            if kind == "aside":
                role = "aside" if outside else "main"
            elif kind == "opener":
                role = _role_of(opener, is_first=k == 0, has_more=has_more)
                if opener in lexicon.CONCLUSION and b - a == len(opener.split()):
                    carried = opener
            else:
                role = "main"
            clauses.append(Clause(a, b, s_index, role, opener, question))
    return clauses


def _role_of(opener: str | None, *, is_first: bool, has_more: bool) -> Role:
    if opener in lexicon.CONCLUSION:
        return "conclusion"
    if opener in lexicon.CONCESSIVE:
        return "concession"
    if opener in lexicon.PREMISE_OPENERS and is_first:
        return "premise" if has_more else "main"
    if opener in lexicon.JUSTIFICATION:
        return "justification"
    return "main"


def _split_sentence(tokens: Sequence[Token], first: int, last: int) -> list[tuple[int, int, str, str | None]]:
    """(first, last, kind, opener) pieces: kind ``plain``, ``opener`` or ``aside``."""
    pieces: list[tuple[int, int, str, str | None]] = []
    a = first
    kind, opener = _opening(tokens, first, last, is_first=True)
    depth = 0
    applied = 0  # "lr*(B)", "f(x)": a bracket glued to a word applies it, it is no aside
    i = first
    while i < last:
        tok = tokens[i]
        if tok.surface in _SENTENCE_END and i == last - 1:
            break
        if (
            tok.surface == "("
            and i > first
            and tokens[i - 1].end == tok.start
            and (tokens[i - 1].kind != "sym" or tokens[i - 1].surface in ("*", "^", "'", "}"))
        ):
            applied += 1
        elif tok.surface == ")" and applied:
            applied -= 1
        elif tok.surface == "(" and any(t.surface == ")" for t in tokens[i + 1 : last]):
            if i > a:
                pieces.append((a, i, kind, opener))
            depth += 1
            a, kind, opener = i + 1, "aside", None
        elif tok.surface == ")" and depth:
            if i > a:
                pieces.append((a, i, "aside", None))
            depth -= 1
            a = i + 1
            kind, opener = _opening(tokens, a, last, is_first=False)
        elif depth == 0 and (
            tok.surface in _CLAUSE_BREAK
            or (tok.surface in ("-", "/") and _spaced(tokens, i))
            or _connective(tokens, i, a)
        ):
            if i > a:
                pieces.append((a, i, kind, opener))
            a = i if tok.kind == "word" else i + 1
            kind, opener = _opening(tokens, a, last, is_first=False)
        i += 1
    end = last - 1 if last - 1 >= a and tokens[last - 1].surface in _SENTENCE_END else last
    if end > a:
        pieces.append((a, end, kind, opener))
    return pieces


def _spaced(tokens: Sequence[Token], i: int) -> bool:
    prev = tokens[i - 1] if i > 0 else None
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    return prev is not None and nxt is not None and prev.end < tokens[i].start < nxt.start


def _connective(tokens: Sequence[Token], i: int, clause_start: int) -> bool:
    """A word that opens a new clause mid-sentence ("so", "because", "but", "and it")."""
    if i == clause_start:
        return False
    word = tokens[i].word
    if word == "but" and tokens[i - 1].word in ("anything", "everything", "all", "nothing"):
        return False  # "anything but C": an exclusion, not a contrast
    if word in ("so", "thus", "hence", "therefore", "because", "since", "but", "although", "though"):
        # "so that ..." opens a purpose (a justification); "so much", "so far" open nothing
        return not (word == "so" and i + 1 < len(tokens) and tokens[i + 1].word in ("much", "far"))
    if word == "∴":
        return True
    if word in ("whereas", "however", "while", "unless", "then"):
        return True
    if word == "and" and i + 1 < len(tokens) and tokens[i + 1].word in _SUBJECTS:
        return True
    # "instead of keeping the lr fixed | you should raise it": a new subject and its modal
    return word in ("you", "we", "i", "they") and i + 1 < len(tokens) and tokens[i + 1].word in _MODALS


def _opening(tokens: Sequence[Token], a: int, last: int, *, is_first: bool) -> tuple[str, str | None]:
    if a >= last:
        return "plain", None
    word = tokens[a].word
    two = f"{word} {tokens[a + 1].word}" if a + 1 < last else word
    for phrase in (two, word):
        if (
            phrase in lexicon.CONCLUSION
            or phrase in lexicon.CONCESSIVE
            or phrase in lexicon.JUSTIFICATION
            or (is_first and phrase in lexicon.PREMISE_OPENERS)
        ):
            return "opener", phrase
    return "plain", None
