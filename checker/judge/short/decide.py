"""One part's decision from its mentions: chosen, wrong, or left to a TA with the reason.

Mentions count in tiers, strongest first: chosen by a cue ("the best is X", "X > Y"), the
conclusion ("so X"), main clauses, weak clauses (justifications, asides, concessions), a quantity
named bare ("model size").  The first tier holding an asserted option decides: one option → the
choice; several → undecided, unless none of them is the right option (then every reading is
wrong, and the part is wrong).  A hedge ("maybe", "?", "either", "not sure"), a double negation
or a self-correction ("Actually ...") with two options asserted leaves the part to a TA: never
``correct``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from checker.judge.short import lexicon
from checker.judge.short.clauses import Clause
from checker.judge.short.normalize import Token, phrase_stems, stem
from checker.judge.short.reading import Mention
from checker.key import ChoicePart

__all__ = ["PartDecision", "decide", "hedges_in"]

_TIERS = ("cue", "conclusion", "main", "weak", "named")
_TIER_LABEL = {
    "cue": "the option chosen explicitly",
    "conclusion": "the conclusion's option",
    "main": "the only option asserted",
    "weak": "the only option given (in a justification or aside)",
    "named": "the only quantity named",
}


@dataclass(frozen=True)
class PartDecision:
    """What one part of a choice answer was read as.

    Attributes:
        part: the part's name.
        chosen: the option recognized, or None when undecided.
        expected: the key's option.
        asserted: options asserted (after negations and premises), in order of appearance.
        negated: options mentioned under a negation or rejected.
        reason: how it was decided, in words, naming the words that decided.
        words: the answer's words that decided (the chosen mention, a hedge, ...).
        why: the kind of decision: ``chosen``, ``none_right`` (several options, none the key's),
            or why it is left to a TA: ``several``, ``hedge``, ``none`` (no option named),
            ``negated``, ``contradiction``, ``double_negation``.
    """

    part: str
    chosen: str | None
    expected: str
    asserted: tuple[str, ...]
    negated: tuple[str, ...]
    reason: str
    words: tuple[str, ...] = ()
    why: str = "chosen"

    @property
    def right(self) -> bool:
        """The chosen option is the key's."""
        return self.chosen == self.expected


def hedges_in(tokens: Sequence[Token], clause: Clause) -> str | None:
    """The hedge of a clause ("maybe", "not sure", "could be", a question mark), or None.

    "depends" hedges only without a quantity before it ("It depends on the dataset", not "the
    lr only depends on the curvature") and when not negated ("doesn't depend" is a claim).
    """
    words = [t for t in tokens[clause.first : clause.last] if t.kind == "word"]
    stems = [t.stem for t in words]
    for phrase in (*lexicon.GLOBAL_HEDGES, *lexicon.HEDGE_MODALS, *lexicon.HEDGES):
        target = phrase_stems(phrase)
        n = len(target)
        for k in range(len(stems) - n + 1):
            if tuple(stems[k : k + n]) != target:
                continue
            if target == (stem("depends"),) or target == (stem("depending"),):
                # "It depends on ...", "depends on the model": a hedge; "the lr only depends on
                # the curvature", "doesn't depend": a claim.
                before = [w.word for w in words[:k] if w.word not in ("all", "really", "just", "only")]
                if before and before[-1] not in ("it", "this", "which", "that", "answer"):
                    continue
            if target == (stem("between"),) and k + 1 < len(words) and words[k + 1].word in ("the",):
                continue
            return " ".join(w.surface for w in words[k : k + n])
    if clause.question:
        return "?"
    if clause.role == "aside" and words and words[0].word == "or":
        return "(or ...)"  # "increases (or decreases if the model is large)": an alternative
    return None


def decide(
    part: ChoicePart,
    mentions: Sequence[Mention],
    hedge: str | None,
    correction: str | None,
    where: str = "",
) -> PartDecision:
    """Decide a part from its mentions.

    Args:
        part: the part.
        mentions: its mentions (:func:`~checker.judge.short.reading.read_mentions`).
        hedge: a hedge in the text the part reads, or None.
        correction: a self-correction marker in the answer ("actually"), or None.
        where: how to name the part's scope in reasons ("in the part about A").

    Returns:
        The decision.
    """
    mentions = [m for m in mentions if not m.option.startswith("given:")]
    asserted = tuple(dict.fromkeys(m.option for m in mentions if m.status == "asserted"))
    negated = tuple(dict.fromkeys(m.option for m in mentions if m.status in ("negated", "rejected")))

    def result(
        chosen: str | None, reason: str, words: Sequence[str] = (), why: str = "chosen"
    ) -> PartDecision:
        return PartDecision(part.name, chosen, part.answer, asserted, negated, reason, tuple(words), why)

    doubled = [m for m in mentions if m.status == "double_negation"]
    if doubled:
        return result(
            None, f"{doubled[0].note} of '{doubled[0].words}'", [doubled[0].words], "double_negation"
        )
    if hedge is not None:
        named = f" ({', '.join(asserted)})" if asserted else ""
        return result(None, f"the answer hedges ('{hedge}'){named}", [hedge], "hedge")
    if correction is not None and len(asserted) > 1:
        return result(
            None,
            f"the answer corrects itself ('{correction}') between {', '.join(asserted)}",
            [correction],
            "contradiction",
        )
    # A cue chooses among options written apart ("B has fewer steps but C is the most efficient"),
    # not between options claimed side by side ("The answer is A or C", "the best is X. Y.").
    claimed = {m.option for m in mentions if m.status == "asserted" and m.strength in ("main", "conclusion")}
    cued = [m for m in mentions if m.status == "asserted" and m.strength == "cue"]
    cue_clauses = {m.clause for m in cued}
    rivals = {
        m.option
        for m in mentions
        if m.status == "asserted" and m.strength != "named" and m.clause in cue_clauses
    } | claimed
    if cued and rivals - {m.option for m in cued}:
        mentions = [
            replace(m, strength="main") if m.status == "asserted" and m.strength == "cue" else m
            for m in mentions
        ]
    for tier in _TIERS:
        tier_mentions = [m for m in mentions if m.status == "asserted" and m.strength == tier]
        options = list(dict.fromkeys(m.option for m in tier_mentions))
        if len(options) == 1:
            m = tier_mentions[0]
            # "not a larger model; ... a bigger N": the option is both denied and claimed.
            denied = next((d for d in mentions if d.option == options[0] and d.status == "negated"), None)
            if denied is not None and options[0] != part.answer and part.answer not in asserted:
                # "more steps don't help ... the best is to train longer": either reading is wrong
                return result(
                    options[0],
                    f"the answer contradicts itself ('{m.words}' and '{denied.words}'), "
                    "and neither reading is the expected option",
                    [m.words, denied.words],
                    "none_right",
                )
            if denied is not None:
                return result(
                    None,
                    f"the answer contradicts itself: '{m.words}' and '{denied.words}' ({denied.note})",
                    [m.words, denied.words],
                    "contradiction",
                )
            how = f"'{m.words}'" + (f" ({m.note})" if m.note else "")
            return result(options[0], f"{_TIER_LABEL[tier]} is {options[0]!r}: {how}", [m.words])
        if len(options) > 1:
            words = [m.words for m in tier_mentions]
            if part.answer not in options:
                return result(
                    options[0],
                    f"several options are asserted ({', '.join(options)}), none of them the expected one",
                    words,
                    "none_right",
                )
            return result(None, f"several options are asserted ({', '.join(options)})", words, "several")
    if not mentions:
        return result(None, f"no option is named{where}", why="none")
    first = mentions[0]
    return result(
        None,
        f"every option mentioned is negated or part of the premise ('{first.words}': {first.note or first.status})",
        [m.words for m in mentions],
        "negated",
    )
