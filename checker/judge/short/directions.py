r"""Directions of quantities: "bigger batch", "the lr ↑", "∝ 1/B", "keep the model fixed".

A direction word ("bigger", "↑", "doubles", "fixed", "doesn't change") is linked to the nearest
quantity of its clause: an adjective to the noun right after it, else to its subject before it; a
verb or an arrow symbol to its subject before it, else to the object right after it.  A word in
between that is not a quantity takes the direction for itself ("less noisy gradient").  A
direction of the part's ``given`` quantity is the premise ("as the batch grows"); "the same" of
an option's quantity rejects that option ("same model").  Proportionality (``∝ B``, "inversely
proportional to B", ``∝ 1/\sqrt{B}``, "scales as B^0") and ``≈ c/B`` read as directions too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from checker.judge.short import lexicon
from checker.judge.short.normalize import Token
from checker.judge.short.options import (
    ADJECTIVE_DIRECTIONS,
    ARTICLES,
    NEG_EXCEPTIONS,
    NEGATOR_WORDS,
    SYMBOL_DIRECTIONS,
    ClauseView,
    Direction,
    Raw,
    find_quantity,
    quantity_stems,
    word_classes,
)

__all__ = ["direction_at", "negated_before", "read_directions"]


@dataclass(frozen=True)
class _Quantity:
    first: int
    last: int
    name: str  # "about", "given", or an option's object
    stems: tuple[str, ...]


def _quantities(view: ClauseView, taken: set[int]) -> list[_Quantity]:
    part, lex, tokens, a, b = view.part, view.lex, view.tokens, view.first, view.last
    found: list[_Quantity] = []
    used: set[int] = set(taken)
    candidates: list[tuple[str, tuple[str, ...], Sequence[str]]] = []
    candidates += [("given", s, part.given) for s in lex.given]
    candidates += [("about", s, part.about) for s in lex.about]
    option_of = {o.name: (o.of or part.about) for o in part.options}
    candidates += [(f"option:{opt}", s, option_of.get(opt, ())) for opt, _, s in lex.objects]
    candidates.sort(key=lambda c: -len(c[1]))
    for name, stems, original in candidates:
        for s, e in find_quantity(tokens, a, b, stems, original):
            if not used & set(range(s, e)):
                found.append(_Quantity(s, e, name, stems))
                used |= set(range(s, e))
    found.sort(key=lambda q: q.first)
    return found


def direction_at(tokens: Sequence[Token], i: int, b: int) -> tuple[str | None, int]:
    # "up", "down", "same", or "change" (a change with no direction: "doesn't change" is "same")
    """The direction a word (or two-word phrase) at ``i`` names, and where it ends."""
    classes = word_classes()
    two = (tokens[i].stem, tokens[i + 1].stem) if i + 1 < b else None
    for name in ("up", "down", "same"):
        if two is not None and two in classes[name]:
            return name, i + 2
    one = (tokens[i].stem,)
    if tokens[i].word in SYMBOL_DIRECTIONS:
        return ("up" if tokens[i].word == "↑" else "down"), i + 1
    if tokens[i].word == "scale" or tokens[i].stem == "scale":
        return None, i + 1  # "scale" alone says nothing; "scale up" is a two-word up
    for name in ("up", "down", "same"):
        if one in classes[name]:
            return name, i + 1
    if one in classes["change"]:
        return "change", i + 1
    return None, i + 1


def content(tok: Token, quantities_at: dict[int, _Quantity]) -> bool:
    """A word that is about something other than directions and the part's quantities."""
    if tok.kind != "word":
        return False
    if (tok.stem,) in word_classes()["function"] or tok.word in lexicon.PRONOUNS:
        return False
    return not any(
        (tok.stem,) in word_classes()[k] for k in ("up", "down", "same", "change", "hedge", "positive")
    )


def read_directions(view: ClauseView, taken: set[int], last_object: str) -> tuple[list[Raw], str]:
    part, lex, tokens, a, b, c = view.part, view.lex, view.tokens, view.first, view.last, view.index
    quantities = _quantities(view, taken)
    at: dict[int, _Quantity] = {}
    for q in quantities:
        for k in range(q.first, q.last):
            at[k] = q
    out: list[Raw] = []
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
            raw, i = _proportional(view, i, at, last_object)
            if raw is not None:
                out.append(raw)
            continue
        if tok.word in ("≈", "~") or (tok.word == "=" and tok.math):
            raw = _relation(view, i, at)
            if raw is not None:
                out.append(raw)
                i = b
                continue
        direction, end = direction_at(tokens, i, b)
        if direction is None:
            i = end
            continue
        consumed = -1
        if direction == "change":
            negated, _ = negated_before(tokens, i, a)
            if not negated:
                i = end
                continue
            direction = "same"
            consumed = i  # "doesn't change": the negation is part of the word's meaning
        # "so does the learning rate": the subject follows the premise's direction.
        link = _link(view, i, end, at, direction)
        subject = link.name if isinstance(link, _Quantity) else None
        if link == "pronoun":
            subject = "about" if lex.about else (last_object or None)
        elif link is None and lex.about and _pronoun_or_bare(view, i, end, at):
            subject = "about"  # "Larger.", "It should be raised.": the part's subject
        if subject is None:
            i = end
            continue
        if isinstance(link, _Quantity):
            linked.add(link.first)
        if subject.startswith("option:"):
            last_object = subject
        raw = _direction_mention(view, subject, direction, i, end)
        if raw is not None:
            raw.neg_consumed = consumed >= 0
            if isinstance(link, _Quantity):
                raw.words_span = (min(i, link.first), max(end, link.last))
            out.append(raw)
        i = end
    # A quantity named with no direction at all ("model size"): named, the weakest mention.
    for q in quantities:
        if q.first not in linked and q.name.startswith("option:"):
            option = q.name.split(":", 1)[1]
            means = next((o.means for o in part.options if o.name == option), None)
            if means == "up" and not any(r.first <= q.first < r.last for r in out):
                out.append(Raw(option, q.first, q.last, "quantity", c))
                last_object = q.name
    return out, last_object


def _direction_mention(view: ClauseView, subject: str, direction: str, i: int, end: int) -> Raw | None:
    part, c = view.part, view.index
    if subject == "given" and direction == "same":
        subject = "about"  # "independent of the batch size", "no effect on": said of the answer
    if subject == "given":
        return Raw(f"given:{direction}", i, end, "premise", c)
    if subject == "about":
        # an option about the part's subject: no `of`, or an `of` naming the subject itself
        about = set(view.lex.about)
        for option in part.options:
            if option.means == direction and (not option.of or about & set(quantity_stems(option.of))):
                return Raw(option.name, i, end, "direction", c, i)
        return None
    option_name = subject.split(":", 1)[1]
    named = next((o for o in part.options if o.name == option_name), None)
    if named is None:
        return None
    if named.means == direction:
        return Raw(named.name, i, end, "direction", c, i)
    if direction == "same" and named.means == "up":
        return Raw(f"same:{named.name}", i, end, "direction", c, i)
    return None


def _link(
    view: ClauseView, i: int, end: int, at: dict[int, _Quantity], direction: str
) -> _Quantity | str | None:
    """The quantity a direction word belongs to.

    An adjective takes the quantity right after it ("bigger batch"), else its subject before
    ("the lr should be smaller"); a verb or an arrow symbol takes its subject before ("the lr
    increases", "B ↑"), else the object right after ("increase the model size").  A word in
    between that is neither says the direction is about something else ("less noisy gradient").
    """
    tokens, a, b = view.tokens, view.first, view.last
    tok = tokens[i]
    adjective = tok.stem in ADJECTIVE_DIRECTIONS or direction == "same"
    about_pronoun = any(q.name == "about" for q in at.values()) or not any(
        q.name.startswith("option:") for q in at.values()
    )
    after = _scan(tokens, end, b, 1, at, adjacent=True, about_pronoun=about_pronoun)
    before = _scan(tokens, i - 1, a - 1, -1, at, adjacent=False, about_pronoun=about_pronoun)
    order = (after, before) if adjective and tok.word not in SYMBOL_DIRECTIONS else (before, after)
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
            if content(tok, {}):
                return "pronoun" if pronoun else "content"
            if tok.word in ("and", "or", "but") or direction_at(tokens, k, len(tokens))[0] is not None:
                return "pronoun" if pronoun else None
            if adjacent and tok.word not in ARTICLES and not (step > 0 and tok.word in ("on", "in")):
                return "pronoun" if pronoun else None
            skipped += 1
            if skipped > 5:
                break
        k += step
    return "pronoun" if pronoun else None


def _pronoun_or_bare(view: ClauseView, i: int, end: int, at: dict[int, _Quantity]) -> bool:
    """The direction's clause says nothing else ("It should be raised.", "Larger.")."""
    tokens, a, b = view.tokens, view.first, view.last
    for k in range(a, b):
        if i <= k < end or k in at:
            continue
        if content(tokens[k], at):
            return False
    return True


def negated_before(tokens: Sequence[Token], i: int, a: int) -> tuple[bool, int]:
    count = 0
    k = i - 1
    steps = 0
    while k >= a and steps < 5:
        w = tokens[k].word
        if w in NEGATOR_WORDS and (k + 1 >= len(tokens) or tokens[k + 1].word not in NEG_EXCEPTIONS):
            count += 1
        k -= 1
        steps += 1
    return count > 0, count


def _proportional(
    view: ClauseView, i: int, at: dict[int, _Quantity], last_object: str
) -> tuple[Raw | None, int]:
    """ "η ∝ B", "∝ 1/B", "inversely proportional to B", "scales as B^0"."""
    lex, tokens, a, b = view.lex, view.tokens, view.first, view.last
    inverse = i > a and tokens[i - 1].stem in ("invers",)
    j = i + 1
    direction: Direction = "down" if inverse else "up"
    while j < b and j - i <= 6:
        if tokens[j].surface == "/" or tokens[j].stem in ("invers",):
            direction = "down"
        if j in at:
            q = at[j]
            if j + 2 < b and tokens[j + 1].surface == "^":
                # the exponent: "B^0" is the same, "B^{-1}" and "B^-0.5" flip the direction
                k = j + 2 + (tokens[j + 2].surface == "{")
                exp = tokens[k].surface if k < b else ""
                if exp == "0" and not (k + 1 < b and tokens[k + 1].surface == "."):
                    direction = "same"
                elif exp in ("-", "−"):
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
            return _direction_mention(view, subject, direction, i, end), end
        j += 1
    return None, i + 1


def _relation(view: ClauseView, i: int, at: dict[int, _Quantity]) -> Raw | None:
    """ "lr(B) ≈ lr(1)/B": the given quantity in a denominator reads as down."""
    tokens, a, b = view.tokens, view.first, view.last
    if not any(q.name == "about" for k, q in at.items() if a <= k < i):
        return None
    for j in range(i + 1, b):
        q = at.get(j)
        if q is not None and q.name == "given":
            before = tokens[j - 1].surface if j - 1 > i else ""
            direction = "down" if before == "/" or (before == "(" and tokens[j - 2].word == "sqrt") else "up"
            return _direction_mention(view, "about", direction, i, j + 1)
    return None
