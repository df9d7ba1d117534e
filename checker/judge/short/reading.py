"""What a short answer says about one part: the options it names, each asserted or not, and why.

An option is named four ways, all driven by the key (:class:`~checker.key.ChoiceOption`):

* a **phrase** of the option, matched by stems ("higher-order optimisers" for "higher order");
* a **direction** of a quantity: a direction word ("bigger", "↑", "doubles", "fixed") linked to
  the nearest quantity of its clause (an adjective to the noun after it, a verb or arrow to the
  subject before it; a neighbouring word that is not a quantity takes the direction for itself:
  "less noisy gradient").  A direction of the part's ``given`` quantity is the premise ("as the
  batch grows"); a falling premise flips the answer's sign ("smaller batch → smaller lr" says the
  lr grows with the batch).  "∝ B", "∝ 1/B", "inversely proportional", "≈ c/B" read as up/down;
* a **letter** ("C", "pt c", "(c)"), never the article "a";
* a **position** ("Option 3", "the third one", "(iii)").

Each mention is then judged in its clause: negated ("not", "n't", "never", "neither/nor",
"rather than", "instead of", "X doesn't help"), rejected ("X wastes steps", "worse than",
"would only make sense if", "I first thought X"), chosen ("the best is X", "X > Y"), or hedged
("maybe", "?", "either").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from checker.caches import memo
from checker.judge.short import lexicon
from checker.judge.short.clauses import Clause
from checker.judge.short.normalize import Token, phrase_stems, stem
from checker.key import ChoiceOption, ChoicePart

__all__ = ["Mention", "PartLexicon", "Status", "Strength", "part_lexicon", "read_mentions"]

Status = Literal["asserted", "negated", "rejected", "premise", "double_negation"]
Strength = Literal["cue", "conclusion", "main", "weak", "named"]
Direction = Literal["up", "down", "same"]


@dataclass(frozen=True)
class Mention:
    """One naming of an option in the answer.

    Attributes:
        option: the option named.
        clause: index of its clause.
        first: index of its first token.
        last: index one past its last token.
        words: the answer's words that named it.
        how: ``phrase``, ``direction``, ``letter``, ``position`` or ``quantity``.
        status: asserted, or why not (negated, rejected, premise, double negation).
        strength: how much it counts: chosen by a cue, a conclusion, a main clause, a weak
            clause (justification, aside, concession), or a bare quantity named.
        note: the words that set the status or strength ("negated by 'not'").
    """

    option: str
    clause: int
    first: int
    last: int
    words: str
    how: str
    status: Status
    strength: Strength
    note: str = ""


@dataclass(frozen=True)
class PartLexicon:
    """A part's options, compiled to stems once per part.

    Attributes:
        phrases: (option, stems) for every phrase, longest first.
        regexes: (option, pattern) for ``re:`` phrases.
        objects: (option, direction, stems) for every quantity an option's direction applies to.
        about: the part's subject quantities as stems.
        given: the part's premise quantities as stems.
        letters: letter (lower case) → option.
        positions: position → option.
        means: options by (direction, subject) for the part's ``about``.
    """

    phrases: tuple[tuple[str, tuple[str, ...]], ...]
    regexes: tuple[tuple[str, str], ...]
    objects: tuple[tuple[str, Direction, tuple[str, ...]], ...]
    about: tuple[tuple[str, ...], ...]
    given: tuple[tuple[str, ...], ...]
    letters: tuple[tuple[str, str], ...]
    positions: tuple[tuple[int, str], ...]


def _quantity_stems(names: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    out = []
    for name in names:
        stems = phrase_stems(name)
        if stems:
            out.append(stems)
    return tuple(sorted(set(out), key=lambda s: -len(s)))


@memo(maxsize=512)
def part_lexicon(part: ChoicePart) -> PartLexicon:
    """The part's options as stems, compiled once."""
    options: tuple[ChoiceOption, ...] = part.options or tuple(
        ChoiceOption(name=name, phrases=phrases) for name, phrases in part.choices
    )
    phrases: list[tuple[str, tuple[str, ...]]] = []
    regexes: list[tuple[str, str]] = []
    objects: list[tuple[str, Direction, tuple[str, ...]]] = []
    letters: list[tuple[str, str]] = []
    positions: list[tuple[int, str]] = []
    for option in options:
        for phrase in option.phrases:
            if phrase.startswith("re:"):
                regexes.append((option.name, phrase[3:]))
            elif stems := phrase_stems(phrase):
                phrases.append((option.name, stems))
        if option.means is not None:
            for stems in _quantity_stems(option.of or part.about):
                objects.append((option.name, option.means, stems))
        if option.letter:
            letters.append((option.letter.lower(), option.name))
        if option.position:
            positions.append((option.position, option.name))
    phrases.sort(key=lambda p: -len(p[1]))
    return PartLexicon(
        phrases=tuple(phrases),
        regexes=tuple(regexes),
        objects=tuple(objects),
        about=_quantity_stems(part.about),
        given=_quantity_stems(part.given),
        letters=tuple(letters),
        positions=tuple(positions),
    )


# ----------------------------------------------------------------------------------------------
# word classes, as stems
# ----------------------------------------------------------------------------------------------


def _stems_of(words: Sequence[str]) -> frozenset[tuple[str, ...]]:
    return frozenset(s for s in (phrase_stems(w) for w in words) if s)


def _words_of(phrases: Sequence[str]) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(p.lower().replace("'", " '").split()) for p in phrases)


@memo(maxsize=None)
def _classes() -> dict[str, frozenset[tuple[str, ...]]]:
    return {
        "up": _stems_of(lexicon.UP),
        "down": _stems_of(lexicon.DOWN),
        "same": _stems_of(lexicon.SAME),
        "change": _stems_of(lexicon.CHANGE),
        "hedge": _stems_of(lexicon.HEDGES),
        # Evaluations match whole words: "optimal" and "optimizer" share a stem.
        "positive": _words_of(lexicon.POSITIVE_EVALUATION),
        "negative": _words_of(lexicon.NEGATIVE_EVALUATION),
        "worse": _words_of(lexicon.WORSE),
        "counterfactual": _words_of(lexicon.COUNTERFACTUAL),
        "first_thought": _words_of(lexicon.FIRST_THOUGHT),
        "function": frozenset(
            (stem(w),)
            for w in (
                *lexicon.FUNCTION_WORDS,
                *lexicon.PREMISE_OPENERS,
                *lexicon.JUSTIFICATION,
                *lexicon.CONCLUSION,
                *lexicon.CONTRAST,
                *lexicon.CONCESSIVE,
                *lexicon.NEGATORS,
                "when",
                "whenever",
                "while",
                "then",
            )
            if " " not in w
        ),
    }


_NEGATOR_WORDS = frozenset({"not", "no", "never", "neither", "nor", "without", "none"})
_NEG_EXCEPTIONS = frozenset({"only", "doubt", "matter", "question"})
_EXCLUSION = (("rather", "than"), ("instead", "of"), ("as", "oppos", "to"))
_COORD = frozenset({"or", "nor", "and", "&", "/", ",", "either", "neither", "the", "a", "an", "to"})
_ARTICLES = frozenset(
    {"the", "a", "an", "our", "its", "their", "my", "optimal", "best", "ideal", "new", "overall", "total",
     "number", "amount", "of", "#", "much", "even", "way", "whole"}
)  # fmt: skip
_ADJECTIVE_DIRECTIONS = frozenset(
    stem(w)
    for w in (
        "higher", "larger", "bigger", "more", "greater", "lower", "smaller", "less", "fewer", "big",
        "large", "high", "small", "low", "longer", "shorter", "extra", "same", "constant", "fixed",
        "unchanged", "steady", "wider", "deeper",
    )
)  # fmt: skip
_SYMBOL_DIRECTIONS = frozenset({"↑", "↓"})
_AUXILIARIES = frozenset(
    {"does", "do", "did", "will", "would", "is", "are", "was", "were", "can", "should", "could", "has", "have"}
)
# Premises whose options are conditions, not claims ("if compute is free, B"); "for A", "with
# more compute" only set the scene.
_CONDITIONALS = frozenset({"if", "when", "whenever", "as", "once", "given"})
# Words around a letter that do not make its clause a description ("C is the answer").
_LABEL_WORDS = frozenset(
    {"point", "pt", "option", "choice", "answer", "ans", "it", "is", "the", "i", "e", "ie", "would", "go",
     "with", "pick", "choose", "at", "batch", "size", "of", "one", "final", "my", "so", "that",
     "then", "therefore", "thus", "hence", "definitely", "clearly", "c", "b", "a", "obviously", "here"}
)  # fmt: skip


def _match_at(tokens: Sequence[Token], i: int, stems: tuple[str, ...], end: int) -> int:
    """End index when ``stems`` match at ``i`` (articles may sit between words), else -1."""
    j = i
    for k, s in enumerate(stems):
        while k and j < end and tokens[j].kind == "word" and tokens[j].word in ("the", "a", "an"):
            j += 1
        if j >= end or tokens[j].stem != s:
            if j < end and tokens[j].kind == "sym" and tokens[j].surface == "-" and k:
                j += 1
                if j < end and tokens[j].stem == s:
                    j += 1
                    continue
            return -1
        j += 1
    return j


def _find(tokens: Sequence[Token], first: int, last: int, stems: tuple[str, ...]) -> list[tuple[int, int]]:
    out = []
    i = first
    while i < last:
        end = _match_at(tokens, i, stems, last)
        if end > 0:
            out.append((i, end))
            i = end
        else:
            i += 1
    return out


def _is_symbol(stems: tuple[str, ...]) -> bool:
    return len(stems) == 1 and len(stems[0]) == 1 and stems[0].isalpha()


def _find_quantity(
    tokens: Sequence[Token], first: int, last: int, stems: tuple[str, ...], original: Sequence[str]
) -> list[tuple[int, int]]:
    """A quantity's occurrences; a one-letter symbol (B, N) must match its case exactly."""
    if _is_symbol(stems):
        letter = next((o for o in original if len(o) == 1 and o.lower() == stems[0]), stems[0])
        return [
            (i, i + 1)
            for i in range(first, last)
            if (tokens[i].word if tokens[i].surface.startswith("\\") else tokens[i].surface) == letter
        ]
    return _find(tokens, first, last, stems)


# ----------------------------------------------------------------------------------------------
# reading one part
# ----------------------------------------------------------------------------------------------


@dataclass
class _Raw:
    option: str
    first: int
    last: int
    how: str
    clause: int
    direction_token: int = -1
    neg_consumed: bool = False


def read_mentions(
    part: ChoicePart,
    tokens: Sequence[Token],
    clauses: Sequence[Clause],
    clause_ids: Sequence[int],
    text: str,
    cues: Sequence[str] = (),
    excluded: frozenset[int] = frozenset(),
) -> list[Mention]:
    """Every mention of the part's options in the given clauses, judged in context.

    Args:
        part: the part.
        tokens: the answer's tokens.
        clauses: the answer's clauses.
        clause_ids: the clauses this part reads (its scope's, or all).
        text: the answer.
        cues: the question's cue phrases ("the best option is").
        excluded: token indices that are not the part's words (scope markers).

    Returns:
        The mentions, in order.
    """
    lex = part_lexicon(part)
    cue_stems = _words_of(cues) | _classes()["positive"]
    mentions: list[Mention] = []
    last_object = ""
    for c in clause_ids:
        clause = clauses[c]
        raws, last_object = _clause_mentions(part, lex, tokens, clause, c, text, excluded, last_object)
        for raw in raws:
            mentions.append(_judge(raw, tokens, clause, cue_stems, raws))
    return _apply_rankings(tokens, clauses, _sign_from_premise(part, clauses, mentions))


def _clause_mentions(
    part: ChoicePart,
    lex: PartLexicon,
    tokens: Sequence[Token],
    clause: Clause,
    c: int,
    text: str,
    excluded: frozenset[int],
    last_object: str,
) -> tuple[list[_Raw], str]:
    a, b = clause.first, clause.last
    taken: set[int] = set(excluded)
    raws: list[_Raw] = []
    for option, stems in lex.phrases:
        for s, e in _find(tokens, a, b, stems):
            if not taken & set(range(s, e)):
                raws.append(_Raw(option, s, e, "phrase", c))
                taken |= set(range(s, e))
    if lex.regexes and b > a:
        span_start, span_end = tokens[a].start, tokens[b - 1].end
        for option, pattern in lex.regexes:
            for m in re.finditer(pattern, text[span_start:span_end]):
                s = next((i for i in range(a, b) if tokens[i].end > span_start + m.start()), b)
                e = next((i for i in range(s, b) if tokens[i].start >= span_start + m.end()), b)
                if e > s and not taken & set(range(s, e)):
                    raws.append(_Raw(option, s, e, "phrase", c))
                    taken |= set(range(s, e))
    for i in range(a, b):
        if i in taken:
            continue
        letter = _letter_at(tokens, i, a, b, lex)
        if letter is not None:
            raws.append(_Raw(letter, i, i + 1, "letter", c))
            taken.add(i)
    for option, s, e in _positions(tokens, a, b, lex, taken):
        raws.append(_Raw(option, s, e, "position", c))
        taken |= set(range(s, e))
    if lex.objects or lex.about:
        found, last_object = _directions(part, lex, tokens, a, b, c, taken, last_object)
        raws += found
    raws.sort(key=lambda r: r.first)
    return raws, last_object


def _letter_at(tokens: Sequence[Token], i: int, a: int, b: int, lex: PartLexicon) -> str | None:
    tok = tokens[i]
    if tok.kind != "word" or len(tok.surface) != 1 or not lex.letters:
        return None
    option = dict(lex.letters).get(tok.surface.lower())
    if option is None:
        return None
    prev = tokens[i - 1] if i > a else None
    nxt = tokens[i + 1] if i + 1 < b else None
    if nxt is not None and nxt.surface in ("_", "^"):
        return None  # B_crit, B^2: a symbol
    if tok.math and any(
        n is not None
        and n.math
        and n.surface not in ("{", "}", "$")
        and abs(n.start - tok.start) <= 3 + len(n.surface)
        for n in (prev if i > 0 else None, tokens[i + 1] if i + 1 < len(tokens) else None)
    ):
        return None  # "$B \approx B_{crit}$": the batch size, not option B
    if nxt is not None and nxt.surface in ("=", "≈") and i + 2 < len(tokens) and "_" in tokens[i + 2].surface:
        return None  # "B = B_crit": the batch size, not the option
    if tok.surface.lower() != "a":
        if tok.surface.isupper() or prev is None or nxt is None:
            return option
    # "a" / lower-case letters: only where an option label can stand, never the article.
    if nxt is None or nxt.kind != "word" or nxt.word in lexicon.LETTER_CONTEXT_AFTER:
        return option
    if prev is not None and (
        prev.word in lexicon.LETTER_CONTEXT_BEFORE or prev.surface in lexicon.LETTER_CONTEXT_BEFORE
    ):
        return option if nxt.word not in _ARTICLE_FOLLOWERS else None
    if tok.surface == "A" and nxt.kind == "word" and nxt.word.endswith("s") and not nxt.word.endswith("ss"):
        return option  # "A wastes steps", "A uses ..."
    return None


# Words that follow the article "a" (so "a larger model" is never option A).
_ARTICLE_FOLLOWERS = frozenset(
    {
        "larger",
        "bigger",
        "smaller",
        "lower",
        "higher",
        "better",
        "more",
        "model",
        "batch",
        "point",
        "few",
        "lot",
        "bit",
    }
)


def _positions(
    tokens: Sequence[Token], a: int, b: int, lex: PartLexicon, taken: set[int]
) -> list[tuple[str, int, int]]:
    if not lex.positions:
        return []
    by_pos = dict(lex.positions)
    out: list[tuple[str, int, int]] = []
    for i in range(a, b):
        if i in taken:
            continue
        w = tokens[i].word
        nxt = tokens[i + 1] if i + 1 < b else None
        # "Option 3", "option (iii)", "choice 2"
        if w in ("option", "choice", "alternative") and nxt is not None:
            j = i + 1 + (nxt.surface == "(")
            if j < b:
                n = tokens[j].word
                pos = int(n) if n.isdigit() else lexicon.ROMAN.get(n)
                if pos in by_pos:
                    out.append((by_pos[pos], i, j + 1))
                    continue
        # "the third one", "3rd option", "second option"
        if w in lexicon.ORDINALS and nxt is not None and nxt.word in lexicon.ORDINAL_NOUNS:
            pos = lexicon.ORDINALS[w]
            if pos == -1:
                pos = max(by_pos)
            if pos in by_pos:
                out.append((by_pos[pos], i, i + 2))
                continue
        # "(iii)", "(i)": a numeral in parentheses
        if (
            w in lexicon.ROMAN
            and 0 < i < len(tokens) - 1
            and tokens[i - 1].surface == "("
            and tokens[i + 1].surface == ")"
            and lexicon.ROMAN[w] in by_pos
        ):
            out.append((by_pos[lexicon.ROMAN[w]], i, i + 1))
    return out


# ----------------------------------------------------------------------------------------------
# directions of quantities
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Quantity:
    first: int
    last: int
    name: str  # "about", "given", or an option's object
    stems: tuple[str, ...]


def _quantities(
    part: ChoicePart, lex: PartLexicon, tokens: Sequence[Token], a: int, b: int, taken: set[int]
) -> list[_Quantity]:
    found: list[_Quantity] = []
    used: set[int] = set(taken)
    candidates: list[tuple[str, tuple[str, ...], Sequence[str]]] = []
    candidates += [("given", s, part.given) for s in lex.given]
    candidates += [("about", s, part.about) for s in lex.about]
    option_of = {o.name: (o.of or part.about) for o in part.options}
    candidates += [(f"option:{opt}", s, option_of.get(opt, ())) for opt, _, s in lex.objects]
    candidates.sort(key=lambda c: -len(c[1]))
    for name, stems, original in candidates:
        for s, e in _find_quantity(tokens, a, b, stems, original):
            if not used & set(range(s, e)):
                found.append(_Quantity(s, e, name, stems))
                used |= set(range(s, e))
    found.sort(key=lambda q: q.first)
    return found


def _direction_at(tokens: Sequence[Token], i: int, b: int) -> tuple[Direction | None, int]:
    """The direction a word (or two-word phrase) at ``i`` names, and where it ends."""
    classes = _classes()
    two = (tokens[i].stem, tokens[i + 1].stem) if i + 1 < b else None
    for name in ("up", "down", "same"):
        if two is not None and two in classes[name]:
            return name, i + 2  # type: ignore[return-value]
    one = (tokens[i].stem,)
    if tokens[i].word in _SYMBOL_DIRECTIONS:
        return ("up" if tokens[i].word == "↑" else "down"), i + 1
    if tokens[i].word == "scale" or tokens[i].stem == "scale":
        return None, i + 1  # "scale" alone says nothing; "scale up" is a two-word up
    for name in ("up", "down", "same"):
        if one in classes[name]:
            return name, i + 1  # type: ignore[return-value]
    if one in classes["change"]:
        return "change", i + 1  # type: ignore[return-value]
    return None, i + 1


def _content(tok: Token, quantities_at: dict[int, _Quantity]) -> bool:
    """A word that is about something other than directions and the part's quantities."""
    if tok.kind != "word":
        return False
    if (tok.stem,) in _classes()["function"] or tok.word in lexicon.PRONOUNS:
        return False
    return not any(
        (tok.stem,) in _classes()[k] for k in ("up", "down", "same", "change", "hedge", "positive")
    )


def _directions(
    part: ChoicePart,
    lex: PartLexicon,
    tokens: Sequence[Token],
    a: int,
    b: int,
    c: int,
    taken: set[int],
    last_object: str,
) -> tuple[list[_Raw], str]:
    quantities = _quantities(part, lex, tokens, a, b, taken)
    at: dict[int, _Quantity] = {}
    for q in quantities:
        for k in range(q.first, q.last):
            at[k] = q
    out: list[_Raw] = []
    i = a
    linked: set[int] = set()
    while i < b:
        if i in taken or i in at:
            i += 1
            continue
        tok = tokens[i]
        if tok.stem == "invers" and i + 1 < b and tokens[i + 1].stem.startswith("proport"):
            i += 1  # "inversely proportional": read by the proportional relation below
            continue
        if tok.word == "∝" or tok.stem in ("proport", "proportion"):
            raw, i = _proportional(part, lex, tokens, i, a, b, c, at, last_object)
            if raw is not None:
                out.append(raw)
            continue
        if tok.word in ("≈", "~") or (tok.word == "=" and tok.math):
            raw = _relation(part, lex, tokens, i, a, b, c, at)
            if raw is not None:
                out.append(raw)
                i = b
                continue
        direction, end = _direction_at(tokens, i, b)
        if direction is None:
            i = end
            continue
        consumed = -1
        if direction == "change":
            negated, _ = _negated_before(tokens, i, a)
            if not negated:
                i = end
                continue
            direction = "same"
            consumed = i  # "doesn't change": the negation is part of the word's meaning
        # "so does the learning rate": the subject follows the premise's direction.
        q = _link(tokens, i, end, a, b, at, direction)
        subject = q.name if isinstance(q, _Quantity) else None
        if q == "pronoun":
            subject = "about" if lex.about else (last_object or None)
        elif q is None and lex.about and _pronoun_or_bare(tokens, i, end, a, b, at):
            subject = "about"  # "Larger.", "It should be raised.": the part's subject
        if subject is None:
            i = end
            continue
        if isinstance(q, _Quantity):
            linked.add(q.first)
        if subject.startswith("option:"):
            last_object = subject
        raw = _direction_mention(part, lex, subject, direction, i, end, c)
        if raw is not None:
            raw.neg_consumed = consumed >= 0
            out.append(raw)
        i = end
    # A quantity named with no direction at all ("model size"): named, the weakest mention.
    for q in quantities:
        if q.first not in linked and q.name.startswith("option:"):
            option = q.name.split(":", 1)[1]
            means = next((o.means for o in part.options if o.name == option), None)
            if means == "up" and not any(r.first <= q.first < r.last for r in out):
                out.append(_Raw(option, q.first, q.last, "quantity", c))
                last_object = q.name
    return out, last_object


def _direction_mention(
    part: ChoicePart, lex: PartLexicon, subject: str, direction: str, i: int, end: int, c: int
) -> _Raw | None:
    if subject == "given" and direction == "same":
        subject = "about"  # "independent of the batch size", "no effect on": said of the answer
    if subject == "given":
        return _Raw(f"given:{direction}", i, end, "premise", c)
    if subject == "about":
        for option in part.options:
            if option.means == direction and not option.of:
                return _Raw(option.name, i, end, "direction", c, i)
        return None
    option_name = subject.split(":", 1)[1]
    option = next((o for o in part.options if o.name == option_name), None)
    if option is None:
        return None
    if option.means == direction:
        return _Raw(option.name, i, end, "direction", c, i)
    if direction == "same" and option.means == "up":
        return _Raw(f"same:{option.name}", i, end, "direction", c, i)
    return None


def _link(
    tokens: Sequence[Token], i: int, end: int, a: int, b: int, at: dict[int, _Quantity], direction: str
) -> _Quantity | str | None:
    """The quantity a direction word belongs to.

    An adjective takes the quantity right after it ("bigger batch"), else its subject before
    ("the lr should be smaller"); a verb or an arrow symbol takes its subject before ("the lr
    increases", "B ↑"), else the object right after ("increase the model size").  A word in
    between that is neither says the direction is about something else ("less noisy gradient").
    """
    tok = tokens[i]
    adjective = tok.stem in _ADJECTIVE_DIRECTIONS or direction == "same"
    about_pronoun = any(q.name == "about" for q in at.values()) or not any(
        q.name.startswith("option:") for q in at.values()
    )
    after = _scan(tokens, end, b, 1, at, adjacent=True, about_pronoun=about_pronoun)
    before = _scan(tokens, i - 1, a - 1, -1, at, adjacent=False, about_pronoun=about_pronoun)
    order = (after, before) if adjective and tok.word not in _SYMBOL_DIRECTIONS else (before, after)
    for found in order:
        if isinstance(found, _Quantity) or found == "pronoun":
            return found
    return None


def _scan(
    tokens: Sequence[Token],
    start: int,
    stop: int,
    step: int,
    at: dict[int, _Quantity],
    *,
    adjacent: bool,
    about_pronoun: bool = True,
) -> _Quantity | str | None:
    """Walk from ``start`` over function words: the first quantity, "content", or None.

    ``adjacent``: only articles may stand between ("increase the model size", not "bigger for
    the batch").  A direction word or a clause-like joint ("and", an arrow) stops the walk.
    """
    k = start
    skipped = 0
    pronoun = False
    while k != stop and 0 <= k < len(tokens):
        if k in at:
            return at[k]
        tok = tokens[k]
        if tok.kind == "arrow" or tok.word in ("=", ">", "<", "≈", "∝"):
            return None
        if tok.kind == "word":
            if tok.word in ("it", "its", "they"):
                if about_pronoun:
                    return "pronoun"  # the part's subject: "for large batches it goes down"
                pronoun = True  # "train it for longer": a quantity before the pronoun wins
                k += step
                continue
            if tok.word in ("we", "you", "i", "he", "she"):
                return "pronoun" if pronoun else None  # another subject: "... means we should"
            if _content(tok, {}):
                return "pronoun" if pronoun else "content"
            if tok.word in ("and", "or", "but") or _direction_at(tokens, k, len(tokens))[0] is not None:
                return "pronoun" if pronoun else None
            if adjacent and tok.word not in _ARTICLES and not (step > 0 and tok.word == "on"):
                return "pronoun" if pronoun else None
            skipped += 1
            if skipped > 5:
                break
        k += step
    return "pronoun" if pronoun else None


def _pronoun_or_bare(
    tokens: Sequence[Token], i: int, end: int, a: int, b: int, at: dict[int, _Quantity]
) -> bool:
    """The direction's clause says nothing else ("It should be raised.", "Larger.")."""
    for k in range(a, b):
        if i <= k < end or k in at:
            continue
        if _content(tokens[k], at):
            return False
    return True


def _negated_before(tokens: Sequence[Token], i: int, a: int) -> tuple[bool, int]:
    count = 0
    k = i - 1
    steps = 0
    while k >= a and steps < 5:
        w = tokens[k].word
        if w in _NEGATOR_WORDS and (k + 1 >= len(tokens) or tokens[k + 1].word not in _NEG_EXCEPTIONS):
            count += 1
        k -= 1
        steps += 1
    return count > 0, count


def _proportional(
    part: ChoicePart,
    lex: PartLexicon,
    tokens: Sequence[Token],
    i: int,
    a: int,
    b: int,
    c: int,
    at: dict[int, _Quantity],
    last_object: str,
) -> tuple[_Raw | None, int]:
    """ "η ∝ B", "∝ 1/B", "inversely proportional to B", "scales as B^0"."""
    inverse = i > a and tokens[i - 1].stem in ("invers",)
    j = i + 1
    direction: Direction = "down" if inverse else "up"
    while j < b and j - i <= 6:
        if tokens[j].surface == "/" or tokens[j].stem in ("invers",):
            direction = "down"
        if j in at:
            q = at[j]
            if j + 2 < b and tokens[j + 1].surface == "^":
                exp = tokens[j + 2].surface
                if exp in ("0", "{"):
                    direction = (
                        "same" if exp == "0" or (j + 3 < b and tokens[j + 3].surface == "0") else direction
                    )
                elif exp == "-":
                    direction = "down" if direction == "up" else "up"
            end = q.last
            if q.name != "given":
                return None, end
            subject_q = _scan(tokens, i - 1 - inverse, a - 1, -1, at, adjacent=False)
            if isinstance(subject_q, _Quantity):
                subject = subject_q.name
            elif subject_q == "content":
                return None, end
            else:
                subject = "about" if lex.about else last_object
            if not subject or subject == "given":
                return None, end
            return _direction_mention(part, lex, subject, direction, i, end, c), end
        j += 1
    return None, i + 1


def _relation(
    part: ChoicePart,
    lex: PartLexicon,
    tokens: Sequence[Token],
    i: int,
    a: int,
    b: int,
    c: int,
    at: dict[int, _Quantity],
) -> _Raw | None:
    """ "lr(B) ≈ lr(1)/B": the given quantity in a denominator reads as down."""
    if not any(q.name == "about" for k, q in at.items() if a <= k < i):
        return None
    for j in range(i + 1, b):
        q = at.get(j)
        if q is not None and q.name == "given":
            before = tokens[j - 1].surface if j - 1 > i else ""
            direction = "down" if before == "/" or (before == "(" and tokens[j - 2].word == "sqrt") else "up"
            return _direction_mention(part, lex, "about", direction, i, j + 1, c)
    return None


def _sign_from_premise(part: ChoicePart, clauses: Sequence[Clause], mentions: list[Mention]) -> list[Mention]:
    """ "Smaller batch → smaller lr": a falling premise flips the direction of the answer."""
    flip = {"up": "down", "down": "up"}
    by_direction = {o.means: o.name for o in part.options if o.means in flip and not o.of}
    if len(by_direction) < 2:
        return mentions
    out = []
    for m in mentions:
        # the premise of this claim: given directions before it, in its clause or a premise clause
        given = {
            g.option.split(":", 1)[1]
            for g in mentions
            if g.option.startswith("given:")
            and g.first < m.first
            and (
                g.clause == m.clause
                or (
                    clauses[g.clause].role == "premise"
                    and clauses[g.clause].sentence == clauses[m.clause].sentence
                )
            )
        }
        means = next((d for d, name in by_direction.items() if name == m.option), None)
        if m.how == "direction" and means is not None and given == {"down"}:
            other = by_direction[flip[means]]
            m = Mention(other, m.clause, m.first, m.last, m.words, m.how, m.status, m.strength,
                        (m.note + "; " if m.note else "") + "its premise falls, so the direction flips")  # fmt: skip
        out.append(m)
    return out


def _judge(
    raw: _Raw,
    tokens: Sequence[Token],
    clause: Clause,
    cue_stems: frozenset[tuple[str, ...]],
    raws: list[_Raw],
) -> Mention:
    words = " ".join(t.surface for t in tokens[raw.first : raw.last])
    a, b = clause.first, clause.last
    if raw.how == "premise" or raw.option.startswith("given:"):
        return Mention(
            raw.option, raw.clause, raw.first, raw.last, words, raw.how, "premise", "weak", "the premise"
        )
    if clause.role == "premise" and clause.opener in _CONDITIONALS:
        return Mention(
            raw.option, raw.clause, raw.first, raw.last, words, raw.how, "premise", "weak",
            f"in the premise opened by '{clause.opener}'",
        )  # fmt: skip
    others = [r for r in raws if r is not raw and not r.option.startswith("given:")]
    # Negation before: "not", "n't", "never", "neither ... nor", "rather than", "instead of".
    status: Status = "asserted"
    note = ""
    negators = _negators_before(raw, tokens, a, others)
    if (
        len(negators) >= 2
        and abs(negators[0][0] - negators[1][0]) <= 2
        and negators[0][1] == negators[1][1] == "not"
    ):
        status, note = "double_negation", "double negation"
    elif negators:
        status, note = "negated", f"negated by '{negators[0][1]}'"
    # "same model": an up-option kept the same is rejected.
    if raw.option.startswith("same:"):
        option = raw.option.split(":", 1)[1]
        if status == "asserted":
            return Mention(
                option,
                raw.clause,
                raw.first,
                raw.last,
                words,
                raw.how,
                "rejected",
                "weak",
                f"kept the same by '{words}'",
            )
        return Mention(option, raw.clause, raw.first, raw.last, words, raw.how, "premise", "weak", note)
    # Negation after: "X doesn't help", "C isn't at the minimum", "more steps won't help".
    if status == "asserted":
        nxt_other = min((o.first for o in others if o.first >= raw.last), default=b)
        for k in range(raw.last, min(nxt_other, raw.last + 6, b)):
            w = tokens[k].word
            if w in ("not", "never") or (w == "no" and k + 1 < b and tokens[k + 1].word == "longer"):
                if raw.how == "direction" and raw.direction_token >= 0:
                    break  # "increases, not decreases": the negation is the next word's
                status, note = "negated", f"negated by '{tokens[k - 1].surface} {tokens[k].surface}'"
                break
    # Rejections: "A wastes steps", "would only make sense if", "worse than", "than B".
    if status == "asserted":
        verdict = _evaluation(raw, tokens, a, b, others, cue_stems)
        if verdict is not None:
            status_or_strength, why = verdict
            if status_or_strength == "rejected":
                status, note = "rejected", why
            else:
                return Mention(
                    raw.option, raw.clause, raw.first, raw.last, words, raw.how, status, "cue", why
                )
    strength: Strength
    opens_with_or = tokens[a].word == "or" or (
        a > 0 and tokens[a - 1].surface == "(" and tokens[a].word == "or"
    )
    if raw.how == "quantity":
        strength = "named"
    elif clause.role in ("aside", "justification") and opens_with_or:
        strength = "main"  # "C (or B if compute is free)": an alternative, not an aside
    elif raw.how in ("letter", "position") and _describes(tokens, a, b, raw, others):
        strength = "weak"  # "A is small-batch": a description of the point, not a choice
        note = "a description of it"
    elif clause.role == "conclusion":
        strength = "conclusion"
    elif clause.role in ("justification", "aside", "concession"):
        strength = "weak"
    else:
        strength = "main"
    if strength != "named" and clause.role != "concession" and status == "asserted":
        note = note or f"in a {clause.role} clause"
    if clause.role == "premise" and strength == "main":
        strength = "weak"
    elif clause.role == "concession":
        note = f"conceded ('{clause.opener}')"
    return Mention(raw.option, raw.clause, raw.first, raw.last, words, raw.how, status, strength, note)


def _describes(tokens: Sequence[Token], a: int, b: int, raw: _Raw, others: Sequence[_Raw]) -> bool:
    """A letter's clause says more than "C" / "the answer is C": it describes the point."""
    taken = {k for o in others for k in range(o.first, o.last)}
    for k in range(a, b):
        if raw.first <= k < raw.last or k in taken:
            continue
        tok = tokens[k]
        if tok.kind == "word" and tok.word not in _LABEL_WORDS and not tok.word.isdigit():
            return True
    return False


def _negators_before(
    raw: _Raw, tokens: Sequence[Token], a: int, others: Sequence[_Raw]
) -> list[tuple[int, str]]:
    """Negators scoping a mention, nearest first.

    "not", "n't", "never", "no", "neither/nor", "without" scope the rest of their clause up to
    "but" or an arrow ("not A but C", "don't just use the same model with a bigger batch");
    "rather than", "instead of", "as opposed to" scope only the next mention or list ("instead
    of keeping the lr fixed you should raise it").  A negator right after an earlier mention is
    that mention's ("A larger batch doesn't help").
    """
    found: list[tuple[int, str]] = []
    passed_other = False
    skip_one = raw.neg_consumed
    k = raw.first - 1
    while k >= a:
        other = next((o for o in others if o.first <= k < o.last), None)
        if other is not None:
            between = tokens[other.last : raw.first]
            if other.option != raw.option and not all(t.word in _COORD or t.kind == "sym" for t in between):
                passed_other = True
            k = other.first - 1
            continue
        tok = tokens[k]
        w = tok.word
        if w in ("but", "yet", "however") or tok.kind == "arrow" or tok.word in ("=", ">"):
            break
        if w == "than" and k > a and tokens[k - 1].word == "rather":
            if not passed_other or k - 1 <= a + 1:
                found.append((k, "rather than"))
            k -= 2
            continue
        if w == "of" and k > a and tokens[k - 1].word == "instead":
            if not passed_other or k - 1 <= a + 1:
                found.append((k, "instead of"))
            k -= 2
            continue
        if w in _NEGATOR_WORDS and not (k + 1 < len(tokens) and tokens[k + 1].word in _NEG_EXCEPTIONS):
            # "A larger batch doesn't help": the negation is the earlier mention's
            after_other = k > a and tokens[k - 1].word in _AUXILIARIES and any(o.last <= k < o.last + 3 for o in others)
            if skip_one:
                skip_one = False
            elif not after_other:
                found.append((k, w))
        k -= 1
    return found


def _has(tokens: Sequence[Token], start: int, end: int, seqs: frozenset[tuple[str, ...]]) -> str | None:
    """The first phrase of ``seqs`` (word tuples; a plural "s" may follow) in tokens[start:end]."""
    for k in range(max(start, 0), end):
        for n in (3, 2, 1):
            if k + n > end:
                continue
            words = tuple(t.word for t in tokens[k : k + n])
            singular = (*words[:-1], words[-1][:-1]) if words[-1].endswith("s") else words
            if words in seqs or singular in seqs:
                return " ".join(t.surface for t in tokens[k : k + n])
    return None


def _evaluation(
    raw: _Raw,
    tokens: Sequence[Token],
    a: int,
    b: int,
    others: Sequence[_Raw],
    cue_stems: frozenset[tuple[str, ...]],
) -> tuple[str, str] | None:
    classes = _classes()
    before_other = max((o.last for o in others if o.last <= raw.first), default=a)
    after_other = min((o.first for o in others if o.first >= raw.last), default=b)
    before = (before_other, raw.first)
    after = (raw.last, after_other)
    # "than B", "compared with B", "vs B": the base of a comparison is not the choice, unless
    # the comparison says the others are worse ("A and B are worse than C").
    k = raw.first - 1
    while k >= a and tokens[k].word in ("the", "a", "an", "point", "option"):
        k -= 1
    if (
        (k >= a
        and tokens[k].word == "from")
        or (k >= a and tokens[k].word == "to" and any(t.word == "from" for t in tokens[max(a, k - 4) : k]))
    ):
        return "rejected", "a range ('from ... to'), not a choice"
    than = next(
        (j for j in range(max(a, raw.first - 5), raw.first) if tokens[j].word in ("than", "vs", "versus")),
        None,
    )
    if than is not None:
        k = than
    if than is not None or (
        k >= a + 1 and tokens[k].word in ("with", "to") and tokens[k - 1].stem == "compar"
    ):
        worse = _has(tokens, before_other, raw.first, classes["worse"])
        if worse:
            return "cue", f"the others are '{worse}' than it"
        return "rejected", f"the base of a comparison ('{tokens[k].surface}')"
    if (first := _has(tokens, a, raw.first, classes["first_thought"])) is not None:
        return "rejected", f"a thought given up ('{first}')"
    if (cf := _has(tokens, *after, classes["counterfactual"])) is not None:
        return "rejected", f"a counterfactual ('{cf}')"
    if (neg := _has(tokens, *after, classes["negative"])) is not None:
        return "rejected", f"judged negatively ('{neg}')"
    if (pos := _has(tokens, before[0], after[1], cue_stems)) is not None:
        negated, _ = _negated_before(tokens, raw.first, before[0])
        if not negated and not any(t.word == "also" for t in tokens[a:b]):
            return "cue", f"chosen ('{pos}')"
    return None


def _apply_rankings(
    tokens: Sequence[Token], clauses: Sequence[Clause], mentions: list[Mention]
) -> list[Mention]:
    """ "B > C > A": the first of a ranking is chosen, the rest rejected."""
    out = list(mentions)
    for index, m in enumerate(mentions):
        if m.status != "asserted":
            continue
        clause = clauses[m.clause]
        ranked = [o for o in mentions if o.clause == m.clause and o.option != m.option]
        before = [
            k for k in range(clause.first, m.first) if tokens[k].surface == ">" and any(o.last <= k for o in ranked)
        ]
        after = [
            k for k in range(m.last, clause.last) if tokens[k].surface == ">" and any(o.first > k for o in ranked)
        ]
        if before:
            out[index] = Mention(
                m.option,
                m.clause,
                m.first,
                m.last,
                m.words,
                m.how,
                "rejected",
                m.strength,
                "ranked below another",
            )
        elif after:
            out[index] = Mention(
                m.option, m.clause, m.first, m.last, m.words, m.how, m.status, "cue", "ranked first ('>')"
            )
    return out
