"""The English the short-answer reader knows, as data: no homework's options are named here.

Each list holds plain words or phrases as students write them; :mod:`.normalize` brings them to
the same form as an answer's words (lower case, British spellings folded, stemmed), so a list
names a concept once ("increase" covers "increases", "increased", "increasing").  The key names
the homework's own concepts (options, quantities); this module names the language around them:
directions, negation, hedges, clause roles, evaluations, ordinals.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "ABBREVIATIONS",
    "CHANGE",
    "CONCESSIVE",
    "CONCLUSION",
    "CONTRAST",
    "CORRECTION",
    "COUNTERFACTUAL",
    "DOWN",
    "EXCLUSION",
    "FIRST_THOUGHT",
    "FUNCTION_WORDS",
    "GLOBAL_HEDGES",
    "HEDGES",
    "HEDGE_MODALS",
    "JUSTIFICATION",
    "LABEL_BEFORE",
    "LETTER_CONTEXT_AFTER",
    "LETTER_CONTEXT_BEFORE",
    "NEGATIVE_EVALUATION",
    "NEGATORS",
    "NON_ANSWERS",
    "ORDINALS",
    "ORDINAL_NOUNS",
    "POSITIVE_EVALUATION",
    "PREMISE_OPENERS",
    "PRONOUNS",
    "ROMAN",
    "SAME",
    "UP",
    "WORSE",
]

# Directions of a quantity.  Multi-word entries match as phrases ("goes up").
UP: Final = (
    "increase", "increasing", "grow", "growing", "rise", "raise", "up", "higher", "larger", "bigger",
    "more", "greater", "double", "doubles", "go up", "goes up", "bump up", "crank up", "scale up",
    "scaled up", "scales up", "proportional", "proportionally", "add", "expand", "boost", "big",
    "large", "high", "longer", "extra", "↑", "upward", "grown", "gets bigger", "go bigger",
    "make bigger", "grew", "rose",
)  # fmt: skip
DOWN: Final = (
    "decrease", "decreasing", "lower", "smaller", "less", "fewer", "reduce", "drop", "fall", "shrink",
    "down", "go down", "goes down", "halve", "halves", "↓", "decline", "diminish", "small", "low",
    "inversely proportional", "downward", "shorter", "fell", "dropped",
)  # fmt: skip
SAME: Final = (
    "same", "constant", "fixed", "unchanged", "keep", "keeping", "kept", "stay", "remain", "independent",
    "unaffected", "no change", "not at all", "as is", "steady", "flat", "unchanging",
)  # fmt: skip
# Words that mean "changes" without a direction: negated, they mean "the same" ("doesn't
# change", "has no effect on", "doesn't depend on").
CHANGE: Final = ("change", "depend", "matter", "affect", "effect", "vary", "influence")

NEGATORS: Final = ("not", "no", "never", "neither", "nor", "without", "no longer", "none")
# Negate only the mention (or coordinated list of mentions) right after them.
EXCLUSION: Final = ("rather than", "instead of", "as opposed to", "not", "over")
CONTRAST: Final = ("but", "however", "whereas", "yet")
CONCESSIVE: Final = ("although", "though", "even though", "even if", "despite", "while", "whereas")
CONCLUSION: Final = ("so", "thus", "hence", "therefore", "∴", "which means", "meaning", "consequently")
JUSTIFICATION: Final = ("because", "since", "as", "b/c", "bc", "due to", "given that", "cause", "so that")
PREMISE_OPENERS: Final = ("as", "when", "whenever", "if", "with", "for", "given", "once", "of", "after")

# A hedge: the student is not committing; a TA decides.
HEDGES: Final = (
    "maybe", "perhaps", "probably", "prob", "possibly", "might", "may", "not sure", "unsure",
    "guess", "depends", "depending", "either", "unless", "somewhere between", "all three",
    "any of them", "equally", "or so", "not certain", "uncertain", "idk", "or maybe",
)  # fmt: skip
# Modals that hedge only when they open a claim ("it could go up", "could be").
HEDGE_MODALS: Final = ("could be", "could go", "could also", "it could", "could have")
# Hedges that apply to the whole answer wherever they stand.
GLOBAL_HEDGES: Final = ("not sure", "unsure", "i guess", "i'm guessing", "not certain", "no idea which")
# Self-corrections: with two different options asserted, the answer contradicts itself.
CORRECTION: Final = ("actually", "on second thought", "other way round", "other way around", "vice versa")
# "I first thought B": the mention that follows is rejected.
FIRST_THOUGHT: Final = (
    "first thought", "initially thought", "at first i thought", "thought at first",
    # a claim attributed to others: "Most people say it increases, but ..."
    "people say", "some say", "others say", "people think", "some people", "most people", "many people",
    "others think", "commonly believed", "a common mistake",
)  # fmt: skip
# "A smaller learning rate would only make sense if ...": a counterfactual, not a claim.
COUNTERFACTUAL: Final = ("would only", "would just", "only if", "only make sense", "would be wrong")

# Evaluations: a mention followed by one of these in its clause is chosen (positive) or rejected.
POSITIVE_EVALUATION: Final = (
    "best", "optimal", "optimum", "most efficient", "more efficient", "better", "ideal", "answer",
    "ans", "pick", "choose", "go with", "prefer", "winner", "✓", "the one", "optimial", "efficent",
    "is best", "sweet spot", "most efficent", "pick", "picks", "chose",
)  # fmt: skip
NEGATIVE_EVALUATION: Final = (
    "waste", "wastes", "wasting", "overfit", "saturate", "saturates", "saturation", "plateau",
    "diminishing", "too many", "too few", "too small", "too big", "too large", "too much", "too slow",
    "too long", "too expensive", "too noisy", "worse", "harder", "inefficient", "suboptimal", "barely", "hardly",
    "stops", "is past", "are past", "does not help", "do not help", "no help",
    "isn't worth", "not worth", "not needed", "expensive", "generalise worse", "generalize worse",
    "take too long", "leaving", "bad", "poor", "least efficient", "the least", "worst", "pointless",
    "useless", "is wrong", "is incorrect", "not the answer", "a mistake",
    # drawbacks: "A larger model needs more data"
    "needs more", "requires more", "costs more", "more expensive", "slower", "takes longer",
)  # fmt: skip
WORSE: Final = ("worse", "less efficient", "inferior")

# Letters: what may stand around an option letter, so the article "a" is never read as A.
# The only words before a lower-case "a" that make it a label ("point a"), not the article.
LABEL_BEFORE: Final = ("point", "pt", "option", "choice", "regime", "answer", "ans")
LETTER_CONTEXT_BEFORE: Final = (
    "point", "pt", "option", "choice", "answer", "ans", "at", "for", "than", "not", "is", "it's",
    "its", "nor", "neither", "pick", "choose", "with", "and", "or", "both", "between", "go",
    "regime", "be", "=", "→", ":", "(", "[", "*", ">",
)  # fmt: skip
LETTER_CONTEXT_AFTER: Final = (
    "is", "was", "has", "have", "isn't", "wastes", "uses", "needs", "and", "or", "but", "since",
    "because", "as", "rather", "not", "then", "would", "will", "gives", "sits", "takes", "are",
    "b/c", "doesn't", "can", "should", "could", "might", "seems", "looks", "processes", "reaches",
    "&", "for", "to",
)  # fmt: skip

ORDINALS: Final = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5, "last": -1,
}  # fmt: skip
ORDINAL_NOUNS: Final = ("one", "point", "pt", "option", "choice", "answer", "alternative")
ROMAN: Final = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5}

# Answers that are not answers: a TA gives them nothing.
NON_ANSWERS: Final = (
    "did not finish", "didn't finish", "see attached", "idk", "i don't know", "dont know",
    "no idea", "n/a", "skip", "skipped", "todo", "tbd", "blank", "no answer", "not attempted",
)  # fmt: skip

PRONOUNS: Final = ("it", "its", "it's", "this", "that", "they", "one")

# Common shorthand students write, expanded before reading.
ABBREVIATIONS: Final = {
    "w/": "with",
    "w/o": "without",
    "b/c": "because",
    "bc": "because",
    "incr": "increase",
    "decr": "decrease",
    "approx": "approximately",
    "ans": "answer",
    "pt": "point",
    "pts": "points",
}

# Words that carry no content of their own: a clause made only of these (and directions,
# pronouns, the part's quantities) says something about the part's subject ("It should be
# raised"); a clause with other content words ("the noise is smaller") is about something else.
FUNCTION_WORDS: Final = (
    "the", "a", "an", "is", "are", "be", "been", "being", "was", "were", "will", "would", "should",
    "can", "could", "must", "shall", "do", "does", "did", "to", "of", "in", "on", "at", "by", "for",
    "with", "as", "and", "or", "it", "its", "this", "that", "we", "you", "i", "one", "get", "gets",
    "got", "become", "becomes", "go", "goes", "gone", "going", "make", "made", "makes", "use",
    "used", "also", "too", "very", "much", "roughly", "approximately", "about", "around", "just",
    "then", "too", "well", "so", "further", "even", "still", "again", "monotonically", "linearly",
    "accordingly", "correspondingly", "answer", "optimal", "optimum", "best", "ideal", "have", "has",
    "had", "want", "slightly", "significantly", "considerably",
    "proportionally", "approx", "ie", "eg", "etc", "function", "same", "factor", "by", "up", "down",
    "increasing", "an", "value", "quite", "definitely", "certainly", "clearly", "obviously",
    "therefore", "thus", "hence", "too", "both", "all", "more", "less", "bit", "little", "lot",
    "should", "ought", "cannot", "not", "no", "never", "will", "ll", "d", "s", "re", "ve",
    "number", "amount", "#", "total", "overall", "way", "e", "ie", "first", "later", "initially",
    "eventually", "afterwards", "at", "some", "point", "certain", "beyond", "past", "there",
    "actually", "really", "simply", "indeed", "fact", "in", "think", "believe", "say", "feel", "reckon",
    "would", "definitely",
)  # fmt: skip
