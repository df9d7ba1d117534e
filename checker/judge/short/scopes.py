"""Which scope (point A, point B, ...) each clause of an answer talks about.

A question with ``[question.scopes]`` asks about several things at once (the regime of A and of
B).  Each scope is marked in the answer by its letter ("A:", "point a", "(A)", "for A") or, in
older keys, by a pattern.  Attribution reads the clauses in order:

* a clause with one marker (or a coordinated group: "A and B", "A & B", "both") belongs to it,
  and so do the unmarked clauses before it that no marker claimed yet ("noise dominated: A");
* a clause without a marker continues the last marker's scope ("A: noise dominated, parallel");
* a clause with two marker groups is cut between them: after the first group when the second is
  written after its properties ("parallel compute for A and higher order for B"), else before it;
* a marker inside parentheses right after another marker is a remark, not a scope ("A ($B$
  small)": there B is the batch size).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from checker.judge.short import lexicon
from checker.judge.short.clauses import Clause
from checker.judge.short.normalize import Token, phrase_stems
from checker.key import Question

__all__ = ["Attribution", "attribute"]

_INLINE_BEFORE = frozenset({"for", "at", "is", "are", "=", "in", "to", "of", "→", "regime"})
_GROUP_JOIN = frozenset({"and", "&", ",", "or", "/"})
_ALL = frozenset({"both", "each"})


@dataclass(frozen=True)
class Attribution:
    """Clauses (cut where one holds two scopes) and the scopes each belongs to.

    Attributes:
        clauses: the clauses, in order.
        scopes: for each clause, the scope names it talks about (empty: none).
        markers: token indices that mark scopes (not words of any part).
    """

    clauses: tuple[Clause, ...]
    scopes: tuple[frozenset[str], ...]
    markers: frozenset[int]


def _marker_at(
    tokens: Sequence[Token], i: int, letters: dict[str, str], *, lower_a: bool = False
) -> str | None:
    tok = tokens[i]
    if tok.kind != "word" or len(tok.surface) != 1:
        return None
    name = letters.get(tok.surface.lower())
    if name is None:
        return None
    prev = tokens[i - 1] if i > 0 else None
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if nxt is not None and nxt.surface in ("_", "^") and nxt.start == tok.end:
        return None
    if tok.math and any(
        n is not None and n.math and n.surface not in "{}" and abs(n.start - tok.start) < 3 + len(n.surface)
        for n in (prev, nxt)
    ):
        return None  # "$B \ll B_{noise}$": the batch size
    # The article "a" is never a marker: only where a label stands ("point a", "a:", "a is"), or
    # at a clause's start when the answer labels the other points in lower case too ("b noise").
    if (
        tok.surface == "a"
        and nxt is not None
        and nxt.kind == "word"
        and nxt.word not in lexicon.LETTER_CONTEXT_AFTER
        and (prev is None or prev.word not in lexicon.LABEL_BEFORE)
        and not (lower_a and (prev is None or prev.kind != "word"))
    ):
        return None
    if (
        tok.surface.isupper()
        and nxt is not None
        and nxt.kind == "word"
        and nxt.word in ("larger", "bigger", "few", "lot", "better")
    ):
        return None
    return name


def attribute(
    question: Question, tokens: Sequence[Token], clauses: Sequence[Clause], text: str
) -> Attribution:
    """Attribute each clause of an answer to the question's scopes.

    Args:
        question: the question (its ``scopes``).
        tokens: the answer's tokens.
        clauses: the answer's clauses.
        text: the answer.

    Returns:
        The attribution; every clause belongs to no scope when the question has none.
    """
    if not question.scopes:
        return Attribution(tuple(clauses), tuple(frozenset() for _ in clauses), frozenset())
    letters: dict[str, str] = {}
    regexes: list[tuple[str, re.Pattern[str]]] = []
    phrases: list[tuple[str, tuple[str, ...]]] = []
    for name, pattern in question.scopes:
        if pattern.startswith("re:"):
            regexes.append((name, re.compile(pattern[3:])))
        elif len(pattern) == 1 and pattern.isalpha():
            letters[pattern.lower()] = name
        else:
            phrases.append((name, phrase_stems(pattern)))
    every = frozenset(name for name, _ in question.scopes)
    marks: dict[int, str] = {}
    starts = {c.first for c in clauses}
    lower_a = any(
        i in starts
        and t.surface != "a"
        and t.surface.islower()
        and _marker_at(tokens, i, letters) is not None
        for i, t in enumerate(tokens)
    )
    for i in range(len(tokens)):
        found = _marker_at(tokens, i, letters, lower_a=lower_a)
        if found is not None:
            marks[i] = found
    for name, regex in regexes:
        for m in regex.finditer(text):
            at = next((k for k, t in enumerate(tokens) if t.start >= m.start()), None)
            if at is not None and at not in marks:
                marks[at] = name
    for name, stems in phrases:
        for i in range(len(tokens)):
            if tuple(t.stem for t in tokens[i : i + len(stems)]) == stems:
                marks[i] = name
    out_clauses: list[Clause] = []
    out_scopes: list[frozenset[str]] = []
    used_marks: set[int] = set()
    current: frozenset[str] = frozenset()
    pending: list[int] = []
    prev_had_marker = False
    for index, clause in enumerate(clauses):
        groups = _groups(tokens, clause, marks, every)
        if clause.role == "aside" and groups and prev_had_marker:
            groups = []  # "A ($B$ small)": a remark about the batch size, not scope B
        for g in groups:
            used_marks.update(g[2])
        prev_had_marker = bool(groups)
        if not groups:
            out_clauses.append(clause)
            # "Noise dominated: A": a property written before its letter waits for the letter.
            nxt = clauses[index + 1] if index + 1 < len(clauses) else None
            waits = (
                nxt is not None
                and nxt.sentence == clause.sentence
                and nxt.first in marks
                and clause.last < len(tokens)
                and (tokens[clause.last].surface in (":", "=") or tokens[clause.last].kind == "arrow")
            )
            out_scopes.append(frozenset() if waits else current)
            if waits or not current:
                pending.append(len(out_clauses) - 1)
            continue
        pieces = _cut(tokens, clause, groups)
        for piece, scope in pieces:
            out_clauses.append(piece)
            out_scopes.append(scope)
            for p in pending:
                out_scopes[p] = scope
            pending = []
            current = scope
    return Attribution(tuple(out_clauses), tuple(out_scopes), frozenset(used_marks))


def _groups(
    tokens: Sequence[Token], clause: Clause, marks: dict[int, str], every: frozenset[str]
) -> list[tuple[int, frozenset[str], tuple[int, ...]]]:
    """Coordinated marker groups of a clause: (first index, scopes, marker token indices)."""
    groups: list[tuple[int, frozenset[str], tuple[int, ...]]] = []
    i = clause.first
    while i < clause.last:
        if tokens[i].word in _ALL and not (i + 1 < clause.last and i + 1 in marks):
            groups.append((i, every, ()))
            i += 1
            continue
        if i not in marks:
            i += 1
            continue
        names = {marks[i]}
        idx = [i]
        j = i + 1
        while j + 1 < clause.last and tokens[j].word in _GROUP_JOIN and j + 1 in marks:
            names.add(marks[j + 1])
            idx.append(j + 1)
            j += 2
        groups.append((i, frozenset(names), tuple(idx)))
        i = j
    return groups


def _cut(
    tokens: Sequence[Token], clause: Clause, groups: list[tuple[int, frozenset[str], tuple[int, ...]]]
) -> list[tuple[Clause, frozenset[str]]]:
    if len(groups) == 1:
        return [(clause, groups[0][1])]
    pieces: list[tuple[Clause, frozenset[str]]] = []
    start = clause.first
    for k, (first, group_scope, idx) in enumerate(groups):
        scope = group_scope
        if k + 1 < len(groups):
            nxt_first = groups[k + 1][0]
            last_mark = idx[-1] if idx else first
            follows = tokens[last_mark + 1] if last_mark + 1 < clause.last else None
            # "parallel compute for A and higher order for B": A's properties stand before it, so
            # cut right after A; "for A use parallelism and for B ...": they follow it.
            if follows is None or follows.word in ("and", "&", ",", "while", "whereas"):
                cut = last_mark + 1
            else:
                cut = nxt_first
                while cut - 1 > start and tokens[cut - 1].word in ("point", "pt", "for", "at", "and", "&"):
                    cut -= 1
                nxt_idx = groups[k + 1][2]
                nxt_last = nxt_idx[-1] if nxt_idx else nxt_first
                trailing = nxt_last + 1 >= clause.last or tokens[nxt_last + 1].word in ("and", "&", ",")
                if tokens[nxt_first - 1].word in _INLINE_BEFORE and trailing:
                    # "A noise ... B curvature, higher order ... optimizers for A": the properties
                    # before a trailing "for A" may be B's or A's: both read them (a TA decides)
                    pieces.append((replace(clause, first=start, last=last_mark + 1), scope))
                    start = last_mark + 1
                    scope = scope | groups[k + 1][1]
                    cut = nxt_first
            cut = max(cut, start + 1)
        else:
            cut = clause.last
        pieces.append((replace(clause, first=start, last=cut), scope))
        start = cut
    return pieces
