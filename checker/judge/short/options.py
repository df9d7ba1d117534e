"""A part's options compiled to stems once, the word classes of the lexicon, and raw mentions.

Shared by :mod:`.directions` and :mod:`.reading`: :func:`part_lexicon` (the key's options as
stem sequences), :func:`word_classes` (the lexicon's lists as stems or words), phrase matching
over tokens (:func:`find`), and :class:`Raw`, a mention found before it is judged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from checker.caches import memo
from checker.judge.short import lexicon
from checker.judge.short.normalize import Token, phrase_stems, stem
from checker.key import ChoiceOption, ChoicePart

__all__ = [
    "ADJECTIVE_DIRECTIONS",
    "ARTICLES",
    "AUXILIARIES",
    "CONDITIONALS",
    "COORD",
    "LABEL_WORDS",
    "NEGATOR_WORDS",
    "NEG_EXCEPTIONS",
    "SYMBOL_DIRECTIONS",
    "ClauseView",
    "Direction",
    "PartLexicon",
    "Raw",
    "find",
    "find_quantity",
    "part_lexicon",
    "quantity_stems",
    "stems_of",
    "word_classes",
    "words_of",
]

Direction = Literal["up", "down", "same"]


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


def quantity_stems(names: Sequence[str]) -> tuple[tuple[str, ...], ...]:
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
            for stems in quantity_stems(option.of or part.about):
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
        about=quantity_stems(part.about),
        given=quantity_stems(part.given),
        letters=tuple(letters),
        positions=tuple(positions),
    )


# ----------------------------------------------------------------------------------------------
# word classes, as stems
# ----------------------------------------------------------------------------------------------


def stems_of(words: Sequence[str]) -> frozenset[tuple[str, ...]]:
    return frozenset(s for s in (phrase_stems(w) for w in words) if s)


def words_of(phrases: Sequence[str]) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(p.lower().replace("'", " '").split()) for p in phrases)


@memo(maxsize=None)
def word_classes() -> dict[str, frozenset[tuple[str, ...]]]:
    return {
        "up": stems_of(lexicon.UP),
        "down": stems_of(lexicon.DOWN),
        "same": stems_of(lexicon.SAME),
        "change": stems_of(lexicon.CHANGE),
        "hedge": stems_of(lexicon.HEDGES),
        # Evaluations match whole words: "optimal" and "optimizer" share a stem.
        "positive": words_of(lexicon.POSITIVE_EVALUATION),
        "negative": words_of(lexicon.NEGATIVE_EVALUATION),
        "worse": words_of(lexicon.WORSE),
        "counterfactual": words_of(lexicon.COUNTERFACTUAL),
        "first_thought": words_of(lexicon.FIRST_THOUGHT),
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


NEGATOR_WORDS = frozenset({"not", "no", "never", "neither", "nor", "without", "none"})
NEG_EXCEPTIONS = frozenset({"only", "doubt", "matter", "question"})
COORD = frozenset({"or", "nor", "and", "&", "/", ",", "either", "neither", "the", "a", "an", "to"})
ARTICLES = frozenset(
    {"the", "a", "an", "our", "its", "their", "my", "optimal", "best", "ideal", "new", "overall", "total",
     "number", "amount", "of", "#", "much", "even", "way", "whole"}
)  # fmt: skip
ADJECTIVE_DIRECTIONS = frozenset(
    stem(w)
    for w in (
        "higher", "larger", "bigger", "more", "greater", "lower", "smaller", "less", "fewer", "big",
        "large", "high", "small", "low", "longer", "shorter", "extra", "same", "constant", "fixed",
        "unchanged", "steady", "wider", "deeper",
    )
)  # fmt: skip
SYMBOL_DIRECTIONS = frozenset({"↑", "↓"})
AUXILIARIES = frozenset(
    {
        "does",
        "do",
        "did",
        "will",
        "would",
        "is",
        "are",
        "was",
        "were",
        "can",
        "should",
        "could",
        "has",
        "have",
    }
)
# Premises whose options are conditions, not claims ("if compute is free, B"); "for A", "with
# more compute" only set the scene.
CONDITIONALS = frozenset({"if", "when", "whenever", "as", "once", "given"})
# Words around a letter that do not make its clause a description ("C is the answer").
LABEL_WORDS = frozenset(
    {"point", "pt", "option", "choice", "answer", "ans", "it", "is", "the", "i", "e", "ie", "would", "go",
     "think", "believe", "guess", "say", "reckon", "d", "we", "our",
     "with", "pick", "choose", "at", "batch", "size", "of", "one", "final", "my", "so", "that",
     "then", "therefore", "thus", "hence", "definitely", "clearly", "c", "b", "a", "obviously", "here"}
)  # fmt: skip


def match_at(tokens: Sequence[Token], i: int, stems: tuple[str, ...], end: int) -> int:
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


def find(tokens: Sequence[Token], first: int, last: int, stems: tuple[str, ...]) -> list[tuple[int, int]]:
    out = []
    i = first
    while i < last:
        end = match_at(tokens, i, stems, last)
        if end > 0:
            out.append((i, end))
            i = end
        else:
            i += 1
    return out


def is_symbol(stems: tuple[str, ...]) -> bool:
    return len(stems) == 1 and len(stems[0]) == 1 and stems[0].isalpha()


def find_quantity(
    tokens: Sequence[Token], first: int, last: int, stems: tuple[str, ...], original: Sequence[str]
) -> list[tuple[int, int]]:
    """A quantity's occurrences; a one-letter symbol (B, N) must match its case exactly."""
    if is_symbol(stems):
        letter = next((o for o in original if len(o) == 1 and o.lower() == stems[0]), stems[0])
        return [
            (i, i + 1)
            for i in range(first, last)
            if (tokens[i].word if tokens[i].surface.startswith("\\") else tokens[i].surface) == letter
        ]
    return find(tokens, first, last, stems)


# ----------------------------------------------------------------------------------------------
# reading one part
# ----------------------------------------------------------------------------------------------


@dataclass
class Raw:
    """A mention found, before it is judged in its clause (mutable while it is being built)."""

    option: str
    first: int
    last: int
    how: str
    clause: int
    direction_token: int = -1
    neg_consumed: bool = False
    words_span: tuple[int, int] | None = None  # the direction with its quantity, for evidence


@dataclass(frozen=True)
class ClauseView:
    """One clause as one part reads it.

    Attributes:
        part: the part.
        lex: its compiled options.
        tokens: the answer's tokens.
        first: the clause's first token.
        last: one past its last token.
        index: the clause's index.
    """

    part: ChoicePart
    lex: PartLexicon
    tokens: Sequence[Token]
    first: int
    last: int
    index: int
