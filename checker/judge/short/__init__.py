"""The reader of short written answers: clauses, negation, hedges, directions, letters, typos.

Deterministic and explainable: every decision names the words that decided it.  Split by
responsibility: :mod:`.lexicon` (the English it knows, as data), :mod:`.normalize` (tokens,
stems, OCR and typo repair), :mod:`.clauses` (sentences, clauses and their roles),
:mod:`.scopes` (which point a clause is about), :mod:`.reading` (mentions of options, judged in
context), :mod:`.decide` (a part's decision).  :mod:`checker.judge.choice` is the entry point.
"""

from checker.judge.short.decide import PartDecision
from checker.judge.short.read import AnswerReading, read_answer

__all__ = ["AnswerReading", "PartDecision", "read_answer"]
