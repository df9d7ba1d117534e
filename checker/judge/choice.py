"""Grade short-text choice answers (Q2) against the key's parts, in free wording.

Each :class:`~checker.key.ChoicePart` lists its options with the phrases that name them.  A part
reads the text of its scope (from a match of that scope's pattern to the next match of another
scope; the whole answer when the part has no scope) and recognizes:

* **mentions**: a phrase of an option, matched case-insensitively at word boundaries (a space also
  matches a hyphen, a trailing plural ``s`` is allowed), or a ``re:`` regular expression as written
  (case-sensitive, so ``\\bA\\b`` does not match the article "a");
* **negations**: "not", "n't", "no longer", "never", "rather than", "instead of", "without" shortly
  before a mention, or "doesn't / does not / don't / won't / isn't ..." shortly after it ("more
  steps doesn't lead to ...") → that option is *not* chosen;
* **premises**: clauses that set up the question rather than answer it ("as batch size
  increases", "with larger batch size", "the larger the batch, ...", parentheses) are ignored;
* **cues** (``question.cues``, "the best option is"): the first asserted option after a cue wins.

Exactly one asserted option → the part's choice; none or several → the part is undecided, and the
question goes to a TA (``needs_review``) with the partial score of the decided parts, never a
silent zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checker.key import ChoicePart, Question
from checker.verdict import QuestionVerdict

__all__ = ["PartDecision", "decide_part", "grade_choice", "scope_text"]

_NEG_BEFORE = re.compile(
    # "not only", "no doubt", "no matter" do not negate what follows.
    r"(?:\bnot\b(?!\s+only)|n't\b|\bno longer\b|\bnever\b|\brather than\b|\binstead of\b|\bwithout\b"
    r"|\bno\b(?!\s+(?:doubt|matter|question)))"
    r"(?:\W+\w+){0,3}\W*$",
    re.IGNORECASE,
)
_NEG_AFTER = re.compile(
    r"^\W*(?:\w+\W+){0,2}?(?:doesn't|does not|don't|do not|won't|will not|isn't|is not|aren't|are not|"
    r"cannot|can't|wouldn't|would not|didn't|did not|no longer)\b",
    re.IGNORECASE,
)
# A clause that sets up the situation instead of answering: "as batch size increases", "with
# larger batch size", "when B grows", "if ...", "since ...", "because ...".
_PREMISE = re.compile(r"^\W*(?:as|when|whenever|if|with|since|because|while|once|given)\b", re.IGNORECASE)
# A prepositional premise carries no verb of its own, so without a comma it ends where the main
# clause's subject begins: "with a bigger batch | the best learning rate is higher".  (A "when"
# clause has its own subject, "when the batch grows", so it cannot be cut this way.)
_PREP_PREMISE = re.compile(
    r"^\W*(?:with|given)\s+(?:[\w-]+\s+){1,4}?(?=(?:the|our|its|a|an)\b)", re.IGNORECASE
)
_CONCLUSION = re.compile(r"^\W*(?:so|thus|hence|therefore|\\therefore|∴)\b", re.IGNORECASE)
_CORRELATIVE = re.compile(r"^\W*the\s+(?:\w+er|more|less|fewer)\b", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<!\d)[.!?](?!\d)|\n\s*\n|\\therefore|∴|;")
# Clause breaks: punctuation, connectives, and subordinators that open a premise mid-sentence
# ("the learning rate decreases | as the batch size increases").
_CLAUSE = re.compile(
    r",|:|\n|\b(?:so|thus|hence|therefore|then|but|as|when|whenever|if|since|because|while|once)\b",
    re.IGNORECASE,
)
_PAREN = re.compile(r"\([^()]*\)")
_LIST_JOIN = re.compile(r"\s*,?\s*(?:or|and|nor)\s+(?:(?:a|an|the|to)\s+)*", re.IGNORECASE)


@dataclass(frozen=True)
class PartDecision:
    """What one part of a choice answer was read as.

    Attributes:
        part: the part's name.
        chosen: the option recognized, or None when undecided.
        expected: the key's option.
        asserted: options asserted (after negations and premises), in order of appearance.
        negated: options mentioned under a negation.
        reason: how it was decided, in words.
    """

    part: str
    chosen: str | None
    expected: str
    asserted: tuple[str, ...]
    negated: tuple[str, ...]
    reason: str

    @property
    def right(self) -> bool:
        return self.chosen == self.expected


def _compile(pattern: str) -> re.Pattern[str]:
    if pattern.startswith("re:"):
        return re.compile(pattern[3:])
    words = [re.escape(w) for w in pattern.split()]
    body = r"[\s\-]+".join(words)
    return re.compile(rf"(?<![\w-]){body}(?:e?s)?(?![\w])", re.IGNORECASE)


def scope_text(question: Question, part: ChoicePart, text: str) -> str:
    """The text a part reads: its scope's stretches, or the whole answer when it has no scope.

    A scope's stretch runs from a match of its pattern to the next match of any other scope.

    >>> from checker.key import load_key
    >>> q = load_key(validate_latex=False).question("2.1.2b")
    >>> scope_text(q, q.parts[2], "Point A: noise. Point B: curvature")
    'Point B: curvature'
    """
    if part.scope is None:
        return text
    marks: list[tuple[int, str]] = []
    for name, pattern in question.scopes:
        regex = _compile(pattern)
        marks += [(m.start(), name) for m in regex.finditer(text)]
    marks.sort()
    pieces: list[tuple[int, int]] = []
    for i, (start, name) in enumerate(marks):
        if name != part.scope:
            continue
        end = next((s for s, other in marks[i + 1 :] if other != part.scope), len(text))
        if pieces and start < pieces[-1][1]:
            continue  # already inside the previous stretch of this scope
        pieces.append((start, end))
    return "\n\n".join(text[s:e] for s, e in pieces)  # stretches never share a sentence


@dataclass(frozen=True)
class _Mention:
    option: str
    start: int
    end: int
    negated: bool
    premise: bool
    aside: bool
    conclusion: bool


def _mentions(part: ChoicePart, text: str) -> list[_Mention]:
    """Non-overlapping mentions of the part's options, longest phrase first."""
    found: list[tuple[int, int, str]] = []
    for option, patterns in part.choices:
        for pattern in patterns:
            for m in _compile(pattern).finditer(text):
                if m.end() > m.start():
                    found.append((m.start(), m.end(), option))
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    taken: list[tuple[int, int, str]] = []
    for start, end, option in found:
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, option))
    taken.sort()
    out: list[_Mention] = []
    for s, e, option in taken:
        negated = _negated(text, s, e)
        if not negated and out and out[-1].negated:
            # "rather than a larger batch or more steps": the negation covers the whole list.
            negated = bool(_LIST_JOIN.fullmatch(text[out[-1].end : s]))
        out.append(
            _Mention(option, s, e, negated, _in_premise(text, s), _in_aside(text, s), _in_conclusion(text, s))
        )
    return out


def _clause_bounds(text: str, pos: int) -> tuple[int, int]:
    start = 0
    for m in _SENTENCE.finditer(text, 0, pos):
        # "∴" ends the previous sentence and opens a conclusion: keep it in the new clause.
        start = m.start() if m.group(0) in ("\\therefore", "∴") else m.end()
    for m in _CLAUSE.finditer(text, start, pos):
        start = m.end() if m.group(0) in ",:\n" else m.start()
    end = len(text)
    for regex in (_SENTENCE, _CLAUSE):
        after = regex.search(text, pos)
        if after and after.start() < end:
            end = after.start()
    return start, end


def _negated(text: str, start: int, end: int) -> bool:
    c_start, c_end = _clause_bounds(text, start)
    before = text[c_start:start]
    after = text[end:c_end]
    return bool(_NEG_BEFORE.search(before) or _NEG_AFTER.search(after))


def _in_aside(text: str, pos: int) -> bool:
    """Inside parentheses: an aside, used only when nothing outside asserts an option."""
    return any(m.start() < pos < m.end() for m in _PAREN.finditer(text))


def _in_conclusion(text: str, pos: int) -> bool:
    """In a clause opened by "so", "thus", "therefore", "hence" or ∴: the student's conclusion."""
    c_start, c_end = _clause_bounds(text, pos)
    return bool(_CONCLUSION.match(text[c_start:c_end]))


def _in_premise(text: str, pos: int) -> bool:
    """In a clause that sets up the situation ("as the batch size grows") instead of answering."""
    c_start, c_end = _clause_bounds(text, pos)
    clause = text[c_start:c_end]
    if _PREMISE.search(clause):
        prep = _PREP_PREMISE.match(clause)
        return prep is None or pos < c_start + prep.end()
    if _CORRELATIVE.search(clause):
        # "the larger the batch, the larger the learning rate": only the first half is a premise.
        rest = text[c_end:]
        return bool(re.match(r"^[,\s]*the\b", rest, re.IGNORECASE))
    return False


def decide_part(question: Question, part: ChoicePart, text: str) -> PartDecision:
    """Read which option of ``part`` the answer chooses.

    Args:
        question: the choice question (its scopes and cues).
        part: the part to read.
        text: the student's answer.

    Returns:
        The decision; ``chosen`` is None when no option or several are asserted.

    >>> from checker.key import load_key
    >>> q = load_key(validate_latex=False).question("2.1.1")
    >>> decide_part(q, q.parts[0], "It does not decrease; it goes up.").chosen
    'increases'
    """
    region = scope_text(question, part, text)
    mentions = _mentions(part, region)
    negated = tuple(dict.fromkeys(m.option for m in mentions if m.negated))
    candidates = [m for m in mentions if not m.negated and not m.premise]
    main = [m for m in candidates if not m.aside]
    asserted = tuple(dict.fromkeys(m.option for m in main or candidates))

    def result(chosen: str | None, reason: str) -> PartDecision:
        return PartDecision(part.name, chosen, part.answer, asserted, negated, reason)

    cued: list[str] = []
    for cue in question.cues:
        for c in _compile(cue).finditer(region):
            sentence_end = _SENTENCE.search(region, c.end())
            stop = sentence_end.start() if sentence_end else len(region)
            first = next((m for m in mentions if not m.negated and c.end() <= m.start < stop), None)
            if first is not None:
                cued.append(first.option)
    # Tiers, strongest first: the option after a cue; the options of the conclusion ("so ...",
    # "therefore ..."); every asserted option outside parentheses; asides in parentheses.
    tiers = (
        ("the option after a cue", list(dict.fromkeys(cued))),
        ("the conclusion's option", list(dict.fromkeys(m.option for m in main if m.conclusion))),
        ("the only option asserted", list(asserted)),
    )
    for label, options in tiers:
        if len(options) == 1:
            return result(options[0], f"{label} is {options[0]!r}")
        if len(options) > 1:
            return result(None, f"several options are asserted ({label}): {', '.join(options)}")
    if not mentions:
        where = f" in the part about {part.scope}" if part.scope else ""
        return result(None, f"no option is named{where}")
    return result(None, "every option mentioned is negated or part of the premise")


def grade_choice(question: Question, answer: str) -> QuestionVerdict:
    """Grade a choice question: each part right, wrong or undecided.

    Score = points × (right parts / parts).  Any undecided part → ``needs_review`` (with the
    partial score of the decided parts, feedback naming the part); all right → ``correct``;
    otherwise ``incorrect`` naming each wrong part and the expected option.

    Args:
        question: a question of kind ``choice``.
        answer: the student's text (kept in the verdict's ``answer`` for the TA).

    Returns:
        The verdict.

    >>> from checker.key import load_key
    >>> grade_choice(load_key(validate_latex=False).question("2.2"),
    ...              "More steps barely help; the best option is a larger model.").verdict
    'correct'
    """
    if not answer.strip():
        return QuestionVerdict.missing(
            question.id, question.points, f"No answer was found for question {question.id}.", answer=answer
        )
    decisions = [decide_part(question, part, answer) for part in question.parts]
    right = sum(d.right for d in decisions)
    score = round(question.points * right / len(decisions), 6)
    read_as = "; ".join(f"{d.part}: {d.chosen or '?'}" for d in decisions)
    evidence = "; ".join(f"{d.part}: {d.reason}" for d in decisions)
    undecided = [d for d in decisions if d.chosen is None]
    wrong = [d for d in decisions if d.chosen is not None and not d.right]
    if undecided:
        names = ", ".join(f"'{d.part}' ({d.reason})" for d in undecided)
        feedback = (
            f"The checker could not tell which option your answer chooses for {names}; a TA will review it."
        )
        verdict, note = "needs_review", "undecided_choice"
    elif wrong:
        feedback = " ".join(
            f"For '{d.part}' your answer reads as '{d.chosen}'; the expected answer is '{d.expected}'."
            for d in wrong
        )
        verdict, note = "incorrect", "wrong_choice"
    else:
        feedback, verdict, note = "Correct.", "correct", "correct"
    return QuestionVerdict(
        question=question.id,
        verdict=verdict,  # type: ignore[arg-type]
        score=score,
        max_score=question.points,
        feedback=feedback,
        answer=answer,
        read_as=read_as,
        evidence=evidence,
        answer_note=note,
        method="choice",
    )
