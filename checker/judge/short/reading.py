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

from checker.judge.short import lexicon
from checker.judge.short.clauses import Clause
from checker.judge.short.directions import negated_before, read_directions
from checker.judge.short.normalize import Token
from checker.judge.short.options import (
    AUXILIARIES,
    CONDITIONALS,
    COORD,
    LABEL_WORDS,
    NEG_EXCEPTIONS,
    NEGATOR_WORDS,
    ClauseView,
    PartLexicon,
    Raw,
    find,
    part_lexicon,
    word_classes,
    words_of,
)
from checker.key import ChoicePart

__all__ = ["Mention", "Status", "Strength", "read_mentions"]

Status = Literal["asserted", "negated", "rejected", "premise", "double_negation"]
Strength = Literal["cue", "conclusion", "main", "weak", "named"]


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


def read_mentions(
    part: ChoicePart,
    tokens: Sequence[Token],
    clauses: Sequence[Clause],
    clause_ids: Sequence[int],
    text: str,
    *,
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
    cue_stems = words_of(cues) | word_classes()["positive"]
    mentions: list[Mention] = []
    last_object = ""
    for c in clause_ids:
        clause = clauses[c]
        view = ClauseView(part, lex, tokens, clause.first, clause.last, c)
        raws, last_object = _clause_mentions(view, text, excluded, last_object)
        for raw in raws:
            mentions.append(_judge(raw, tokens, clause, cue_stems, raws))
    ranked = _apply_rankings(tokens, clauses, _sign_from_premise(part, clauses, mentions))
    return _list_items(tokens, clauses, ranked)


def _clause_mentions(
    view: ClauseView, text: str, excluded: frozenset[int], last_object: str
) -> tuple[list[Raw], str]:
    lex, tokens, a, b, c = view.lex, view.tokens, view.first, view.last, view.index
    taken: set[int] = set(excluded)
    raws: list[Raw] = []
    for option, stems in lex.phrases:
        for s, e in find(tokens, a, b, stems):
            if not taken & set(range(s, e)):
                raws.append(Raw(option, s, e, "phrase", c))
                taken |= set(range(s, e))
    if lex.regexes and b > a:
        span_start, span_end = tokens[a].start, tokens[b - 1].end
        for option, pattern in lex.regexes:
            for m in re.finditer(pattern, text[span_start:span_end]):
                s = next((i for i in range(a, b) if tokens[i].end > span_start + m.start()), b)
                e = next((i for i in range(s, b) if tokens[i].start >= span_start + m.end()), b)
                if e > s and not taken & set(range(s, e)):
                    raws.append(Raw(option, s, e, "phrase", c))
                    taken |= set(range(s, e))
    for i in range(a, b):
        if i in taken:
            continue
        letter = _letter_at(tokens, i, a, b, lex)
        if letter is not None:
            raws.append(Raw(letter, i, i + 1, "letter", c))
            taken.add(i)
    for option, s, e in _positions(tokens, a, b, lex, taken):
        raws.append(Raw(option, s, e, "position", c))
        taken |= set(range(s, e))
    if lex.objects or lex.about:
        found, last_object = read_directions(view, taken, last_object)
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
    if nxt is not None and nxt.surface in ("_", "^") and nxt.start == tok.end:
        return None  # B_crit, B^2: a symbol
    if tok.math and any(
        n is not None
        and n.math
        and n.surface not in ("{", "}", "$")
        and abs(n.start - tok.start) <= 3 + len(n.surface)
        for n in (prev if i > 0 else None, tokens[i + 1] if i + 1 < len(tokens) else None)
    ):
        return None  # "$B \approx B_{crit}$": the batch size, not option B
    if nxt is not None and nxt.word in ("=", "≈") and i + 3 < len(tokens) and tokens[i + 3].surface == "_":
        return None  # "B = B_crit": the batch size, not the option
    if tok.surface.lower() != "a" and (tok.surface.isupper() or prev is None or nxt is None):
        return option
    # "a" / lower-case letters: only where an option label can stand, never the article.
    if nxt is None or nxt.kind != "word" or nxt.word in lexicon.LETTER_CONTEXT_AFTER:
        return option
    # before "a", only a label word ("point a noise"): "with a", "is a" are the article
    before = lexicon.LABEL_BEFORE if tok.surface == "a" else lexicon.LETTER_CONTEXT_BEFORE
    if prev is not None and (prev.word in before or prev.surface in before):
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


def _sign_from_premise(part: ChoicePart, clauses: Sequence[Clause], mentions: list[Mention]) -> list[Mention]:
    """ "Smaller batch → smaller lr": a falling premise flips the direction of the answer."""
    flip: dict[str, str] = {"up": "down", "down": "up"}
    by_direction: dict[str, str] = {o.means: o.name for o in part.options if o.means in flip and not o.of}
    if len(by_direction) < 2:
        return mentions
    out = []
    for mention in mentions:
        m = mention
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
    raw: Raw,
    tokens: Sequence[Token],
    clause: Clause,
    cue_stems: frozenset[tuple[str, ...]],
    raws: list[Raw],
) -> Mention:
    w_first, w_last = raw.words_span or (raw.first, raw.last)
    words = " ".join(t.surface for t in tokens[w_first:w_last])
    a, b = clause.first, clause.last
    if raw.how == "premise" or raw.option.startswith("given:"):
        return Mention(
            raw.option, raw.clause, raw.first, raw.last, words, raw.how, "premise", "weak", "the premise"
        )
    # A conditional premise names options as conditions ("if B is too big, C"); a direction there
    # was already told apart from the answer by the quantity it belongs to.
    if clause.role == "premise" and clause.opener in CONDITIONALS and raw.how != "direction":
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
        words_seen = 0
        for k in range(raw.last, min(nxt_other, b)):
            w = tokens[k].word
            words_seen += tokens[k].kind == "word"
            if words_seen > 8:
                break
            if w in ("not", "never") or (w == "no" and k + 1 < b and tokens[k + 1].word == "longer"):
                if raw.how == "direction" and _negates_next(k, b, others):
                    break  # "increases not decreases": the negation is the next word's
                status, note = "negated", f"negated by '{tokens[k - 1].surface} {tokens[k].surface}'"
                break
    # Rejections: "A wastes steps", "would only make sense if", "worse than", "than B".
    if status == "asserted":
        verdict = _evaluation(raw, tokens, clause, others, cue_stems)
        if verdict is not None:
            status_or_strength, why = verdict
            if status_or_strength == "rejected":
                status, note = "rejected", why
            elif status_or_strength == "also":
                return Mention(
                    raw.option, raw.clause, raw.first, raw.last, words, raw.how, status, "main", why
                )
            elif raw.how != "quantity":  # a quantity named bare ("train ...") is never the choice
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
    elif (
        raw.how in ("letter", "position")
        and _describes(tokens, a, b, raw, others)
        and not any(t.word == "also" for t in tokens[a:b])
    ):
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


def _span_start(r: Raw) -> int:
    """Where a mention's words start (a direction's quantity may stand before it)."""
    return min(r.first, r.words_span[0]) if r.words_span else r.first


def _span_end(r: Raw) -> int:
    """Where a mention's words end (a direction's quantity may follow it)."""
    return max(r.last, r.words_span[1]) if r.words_span else r.last


def _coordinated(between: Sequence[Token]) -> bool:
    """Two mentions joined as a list ("X and Y", "X, Y or Z", "training longer or using a larger
    batch"): a joint, and nothing else but one light verb ahead of the second mention."""
    light = [t for t in between if not (t.word in COORD or t.kind == "sym")]
    return (
        bool(between)
        and (not light or (len(light) == 1 and light[0].word in _LIGHT_VERBS))
        and any(t.word in ("and", "or", "nor", "&", ",", "/") for t in between)
    )


# Verbs that only introduce the next item of a list of actions ("... or using a larger batch").
_LIGHT_VERBS = frozenset({"using", "use", "making", "make", "having", "getting", "going", "taking"})


def _negates_next(k: int, b: int, others: Sequence[Raw]) -> bool:
    """The negator at ``k`` bears on another option's mention right after it ("not decreases")."""
    return any(k < o.first <= k + 2 and o.first < b for o in others)


def _describes(tokens: Sequence[Token], a: int, b: int, raw: Raw, others: Sequence[Raw]) -> bool:
    """A letter's clause says more than "C" / "the answer is C": it describes the point."""
    taken = {k for o in others for k in range(o.first, o.last)}
    for k in range(a, b):
        if raw.first <= k < raw.last or k in taken:
            continue
        tok = tokens[k]
        if tok.kind == "word" and tok.word not in LABEL_WORDS and not tok.word.isdigit():
            return True
    return False


def _negators_before(
    raw: Raw, tokens: Sequence[Token], a: int, others: Sequence[Raw]
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
        other = next((o for o in others if _span_start(o) <= k < _span_end(o)), None)
        if other is not None:
            between = tokens[_span_end(other) : _span_start(raw)]
            if other.option != raw.option and not all(t.word in COORD or t.kind == "sym" for t in between):
                passed_other = True
            k = _span_start(other) - 1
            continue
        tok = tokens[k]
        w = tok.word
        excluding = w == "but" and k > a and tokens[k - 1].word in ("anything", "everything", "all")
        # "Don't keep it constant and raise it": "and" opens a new predicate; "not A and B" is a list
        if w == "and" and not any(_span_start(o) <= k - 1 < _span_end(o) for o in others):
            break
        if (
            (w in ("but", "yet", "however") and not excluding)
            or tok.kind == "arrow"
            or tok.word in ("=", ">")
        ):
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
        # "anything but C", "all except C", "other than C", "apart from C": C is excluded
        if w in ("except", "excluding") or (
            w == "but" and k > a and tokens[k - 1].word in ("anything", "everything", "all")
        ):
            if not passed_other:
                found.append((k, w if w != "but" else f"{tokens[k - 1].word} but"))
            k -= 1
            continue
        if (w == "than" and k > a and tokens[k - 1].word == "other") or (
            w == "from" and k > a and tokens[k - 1].word == "apart"
        ):
            if not passed_other:
                found.append((k, f"{tokens[k - 1].word} {w}"))
            k -= 2
            continue
        if w in NEGATOR_WORDS and not (k + 1 < len(tokens) and tokens[k + 1].word in NEG_EXCEPTIONS):
            # "A larger batch doesn't help": the negation is the earlier mention's
            after_other = (
                k > a and tokens[k - 1].word in AUXILIARIES and any(o.last <= k < o.last + 3 for o in others)
            )
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
    raw: Raw,
    tokens: Sequence[Token],
    clause: Clause,
    others: Sequence[Raw],
    cue_stems: frozenset[tuple[str, ...]],
) -> tuple[str, str] | None:
    a, b = clause.first, clause.last
    classes = word_classes()
    before_other = max((o.last for o in others if o.last <= raw.first), default=a)
    after_other = min((o.first for o in others if o.first >= raw.last), default=b)

    # "More steps and bigger batches both hit diminishing returns": coordinated subjects share
    # the predicate that follows the last of them.
    end = _span_end(raw)
    following = sorted((o for o in others if _span_start(o) >= end), key=_span_start)
    while following and _coordinated(tokens[end : _span_start(following[0])]):
        end = _span_end(following[0])
        following = [o for o in following[1:] if _span_start(o) >= end]
        after_other = min((o.first for o in others if o.first >= end), default=b)
    before = (before_other, raw.first)
    after = (end, after_other) if end != raw.last else (raw.last, after_other)
    # "than B", "compared with B", "vs B": the base of a comparison is not the choice, unless
    # the comparison says the others are worse ("A and B are worse than C").
    k = raw.first - 1
    while k >= a and tokens[k].word in ("the", "a", "an", "point", "option"):
        k -= 1
    if (k >= a and tokens[k].word == "from") or (
        k >= a and tokens[k].word == "to" and any(t.word == "from" for t in tokens[max(a, k - 4) : k])
    ):
        return "rejected", "a range ('from ... to'), not a choice"
    # everything after "than" in the clause is the base ("better use of compute than training
    # for longer or using a bigger batch"); "rather than" negates instead
    than = next(
        (
            j
            for j in range(a, raw.first)
            if tokens[j].word in ("than", "vs", "versus") and not (j > a and tokens[j - 1].word == "rather")
        ),
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
        negated, _ = negated_before(tokens, raw.first, before[0])
        if not negated and any(t.word == "also" for t in tokens[a:b]):
            return "also", f"also judged well ('{pos}')"  # "A is also efficient": a second claim
        if not negated:
            return "cue", f"chosen ('{pos}')"
    return None


def _list_items(tokens: Sequence[Token], clauses: Sequence[Clause], mentions: list[Mention]) -> list[Mention]:
    """ "Of A, B, C, ...", "C > A, B": a clause that is only a list item continues the clause
    before it (same sentence, after a comma), so it takes that clause's last mention's standing."""
    out = list(mentions)
    for index, m in enumerate(mentions):
        clause = clauses[m.clause]
        if m.clause == 0 or m.status != "asserted":
            continue
        prev_clause = clauses[m.clause - 1]
        if prev_clause.sentence != clause.sentence or tokens[prev_clause.last].surface != ",":
            continue
        own = {k for o in mentions if o.clause == m.clause for k in range(o.first, o.last)}
        if any(
            t.kind == "word" and k not in own and t.word not in COORD
            for k, t in enumerate(tokens[clause.first : clause.last], clause.first)
        ):
            continue  # more than a list item
        before = [o for o in out if o.clause == m.clause - 1]
        # only a premise's list ("Of A, B, C") or a ranking's ("C > A, B"): after "Not C," the
        # next item is the choice
        if before and (
            (before[-1].status == "asserted" and before[-1].strength == "weak")
            or before[-1].note == "ranked below another"
        ):
            last = before[-1]
            out[index] = Mention(
                m.option, m.clause, m.first, m.last, m.words, m.how, last.status, last.strength,
                f"a list item after '{last.words}'",
            )  # fmt: skip
    return out


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
            k
            for k in range(clause.first, m.first)
            if tokens[k].surface == ">" and any(o.last <= k for o in ranked)
        ]
        after = [
            k
            for k in range(m.last, clause.last)
            if tokens[k].surface == ">" and any(o.first > k for o in ranked)
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
