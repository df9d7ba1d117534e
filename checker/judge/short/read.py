"""An answer read once for every part of its question: tokens, clauses, scopes, decisions."""

from __future__ import annotations

from dataclasses import dataclass

from checker.caches import memo
from checker.judge.short import lexicon
from checker.judge.short.clauses import split_clauses, strip_label
from checker.judge.short.decide import PartDecision, decide, hedges_in
from checker.judge.short.normalize import Token, Vocabulary, phrase_stems, tokenize, vocabulary
from checker.judge.short.reading import Mention, read_mentions
from checker.judge.short.scopes import attribute
from checker.key import ChoicePart, Question

__all__ = ["AnswerReading", "question_vocabulary", "read_answer"]


@dataclass(frozen=True)
class AnswerReading:
    """An answer as read for a choice question.

    Attributes:
        tokens: its normalized tokens.
        decisions: one per part, in the key's order.
        mentions: each part's mentions, in the key's order (the evidence).
        blank: the answer says it is not an answer ("did not finish", "?"): the words, or None.
        signature: the options read per part, as a stable text ("learning rate=increases"):
            answers sharing it were read alike (review groups them).
    """

    tokens: tuple[Token, ...]
    decisions: tuple[PartDecision, ...]
    mentions: tuple[tuple[Mention, ...], ...]
    blank: str | None

    @property
    def signature(self) -> str:
        """The options read per part ("?" for undecided), joined."""
        return "; ".join(f"{d.part}={d.chosen or '?'}" for d in self.decisions)


@memo(maxsize=256)
def question_vocabulary(question: Question, parts: tuple[ChoicePart, ...] = ()) -> Vocabulary:
    """The words a question's answers are read against: its key's words and the lexicon's.

    ``parts``: parts read beyond the question's own (a claim inside a math question).
    """
    phrases: list[str] = [question.prompt, question.reference, *question.cues]
    phrases += [p for name, p in question.scopes if not p.startswith("re:") and len(p) > 1]
    for part in (*question.parts, *parts):
        phrases += list(part.about) + list(part.given)
        for _, option_phrases in part.choices:
            phrases += list(option_phrases)
        for option in part.options:
            phrases += list(option.of)
    return vocabulary(tuple(phrases))


def _blank(tokens: tuple[Token, ...]) -> str | None:
    words = [t.word for t in tokens if t.kind == "word"]
    if not words:
        return "".join(t.surface for t in tokens) or "nothing"
    stems = tuple(t.stem for t in tokens if t.kind == "word")
    for phrase in lexicon.NON_ANSWERS:
        target = phrase_stems(phrase)
        if target and len(stems) <= len(target) + 2:
            for k in range(len(stems) - len(target) + 1):
                if stems[k : k + len(target)] == target:
                    return phrase
    return None


def read_answer(question: Question, text: str, parts: tuple[ChoicePart, ...] | None = None) -> AnswerReading:
    """Read a short answer for every part of ``question`` (or only ``parts``).

    Args:
        question: a choice question (or any question carrying choice parts).
        text: the student's answer.
        parts: the parts to decide (default: all of the question's).

    Returns:
        The reading: tokens, a decision per part and its evidence.

    >>> from checker.key import load_key
    >>> q = load_key(validate_latex=False).question("2.1.1")
    >>> read_answer(q, "B ↑ ⇒ η* ↑").signature
    'learning rate=increases'
    """
    chosen_parts = parts if parts is not None else question.parts
    extra = tuple(p for p in chosen_parts if p not in question.parts)
    vocab = question_vocabulary(question, extra)
    tokens = tuple(tokenize(text, vocab))
    start = strip_label(tokens, text)
    clauses = split_clauses(tokens, text, start)
    attribution = attribute(question, tokens, clauses, text)
    all_clauses = attribution.clauses
    correction = None
    # A final "?" questions the whole answer ("C.  (the knee)?").
    asks = "?" if tokens and tokens[-1].surface == "?" else None
    for tok_index, tok in enumerate(tokens):
        if tok.word == "actually":
            correction = tok.surface
        elif (
            tok.word in ("vice", "other")
            and tok_index + 1 < len(tokens)
            and tokens[tok_index + 1].word in ("versa", "way")
        ):
            correction = f"{tok.surface} {tokens[tok_index + 1].surface}"
    decisions: list[PartDecision] = []
    evidence: list[tuple[Mention, ...]] = []
    per_part: list[list[Mention]] = []
    ids_per_part: list[list[int]] = []
    for part in chosen_parts:
        if part.scope is None:
            ids = list(range(len(all_clauses)))
        else:
            ids = [i for i, s in enumerate(attribution.scopes) if part.scope in s]
        ids_per_part.append(ids)
        per_part.append(
            read_mentions(
                part, tokens, all_clauses, ids, text, cues=question.cues, excluded=attribution.markers
            )
        )
    for part, ids, mentions in zip(chosen_parts, ids_per_part, per_part, strict=True):
        hedge = None
        for i in ids:
            found = hedges_in(tokens, all_clauses[i])
            if found is None:
                continue
            in_clause = {m.option for m in mentions if m.clause == i}
            if found == "?" and not in_clause:
                continue  # a question about something else ("<?", "Why?") hedges no option
            others = [m for pm in per_part for m in pm if m.clause == i]
            # A hedge next to another part's options only (same scope) leaves this part alone.
            if in_clause or not others or part.scope is None:
                hedge = found
                break
        for i, scope in enumerate(attribution.scopes):
            if hedge is None and not scope and part.scope is not None:
                found = hedges_in(tokens, all_clauses[i])
                if found is not None and found in lexicon.GLOBAL_HEDGES:
                    hedge = found
        hedge = hedge or asks
        where = f" in the part about {part.scope}" if part.scope else ""
        decisions.append(decide(part, mentions, hedge, correction, where))
        evidence.append(tuple(mentions))
    return AnswerReading(tokens, tuple(decisions), tuple(evidence), _blank(tokens))
