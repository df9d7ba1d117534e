"""Stage 1: a document's text → question blocks with their math, and each block's final answer.

Labels are found by :mod:`checker.read.labels` (every form derived from the key: ids, part letters,
declared aliases, OCR slips), math by :mod:`checker.read.segments` (delimited LaTeX, bare LaTeX
lines, math written as ASCII or Unicode text).  Each label starts a block that runs to the next
label; a label the key does not know ends the block before it and is reported, so its text is
never merged into the previous question.  Text before the first label (name, student number,
title) is the preamble, never an answer.

The final answer of a block (:func:`final_answer`), in order: a ``\\boxed``/``\\fbox`` answer;
math introduced by "final answer" or "answer:"; the last equation that states the target (an
equation written later whose left side cannot be read is taken instead of an earlier step, so an
unreadable answer is ``unparsed``, never replaced by a step); math after "therefore"/"so"/``∴``;
the last math.  Readers leave crossed-out work, quoted e-mail and LaTeX comments out of the text,
so they are never chosen.  A block that says it holds no answer ("(did not finish)") has none.

This module never runs SymPy itself: :func:`final_answer` takes the question's parser as a
parameter (the real one by default) and is called in the worker processes that judge answers.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from checker.errors import CheckerError
from checker.key import Key, Question
from checker.read.labels import LabelSet, find_labels
from checker.read.segments import Lines, MathSegment, find_math, split_sides

__all__ = [
    "AnswerChoice",
    "Extraction",
    "MathSegment",
    "QuestionBlock",
    "extract",
    "final_answer",
    "non_answer",
    "split_sides",
    "step_lines",
]

#: ``parse(source, table, *, options)`` as in :func:`checker.latex.parse`; returns an object with
#: ``.expr``.  Injected so that extraction is testable without the LaTeX front end.
ParseFn = Callable[..., Any]

_CLOSERS = re.compile(r"(?:\$\$|\\\]|\\end\{[a-z]*\*?\})+")
_CONNECTIVE = re.compile(
    r"^\s*(?:\\therefore|\\because|\\Rightarrow|\\implies|\\Longrightarrow|\\to|\\rightarrow|"
    r"\\quad|\\qquad|\\,|\\;|∴|⇒|so\b|thus\b|hence\b|then\b|therefore\b)\s*",
    re.IGNORECASE,
)
_ANSWER_CUE = re.compile(
    r"(?:final\s+answer|answer)\s*(?:is)?\s*[:=]?[\s*]*(?:\$\$|\\\[|\\\(|\$|\\begin\{[a-z]+\*?\})?\s*$",
    re.IGNORECASE,
)
#: Labels the key does not know that are listed one by one (a file of label-like lines is not a report).
_MAX_UNKNOWN = 20
# A block that says there is no answer: missing, not unparsed.
_NON_ANSWER = re.compile(
    r"(?:i\s+)?(?:did\s*n[o']?t\s+(?:finish|do\s+(?:it|this)|get\s+to\s+(?:it|this))|not\s+(?:finished|attempted|done)"
    r"|unfinished|no\s+answer|skip(?:ped)?|todo|tbd|n/?a|none|blank|-+|\?+)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class QuestionBlock:
    """The part of a submission that answers one question.

    Attributes:
        id: the key's question id (``2.1.2b``).
        text: the submission's text from the end of the label to ``end`` (unstripped, so
            ``end - len(text)`` is where it starts).
        start: offset of the label in the submission text.
        end: offset one past the block's last character.
        math: the block's math lines in order.
        label: the label as written (``2.1.2 a)``, ``$$1.2.2 \\quad``, ``b)``).
    """

    id: str
    text: str
    start: int
    end: int
    math: tuple[MathSegment, ...]
    label: str

    @property
    def steps(self) -> tuple[str, ...]:
        """The block's derivation steps: its display math lines (inline math in prose is not a step)."""
        return step_lines(self)


@dataclass(frozen=True)
class Extraction:
    """A submission split into question blocks.

    Attributes:
        blocks: at most one per key question, in the order written.
        warnings: problems with the labels (none found, one given twice...).
        preamble: the text before the first label.
    """

    blocks: tuple[QuestionBlock, ...]
    warnings: tuple[str, ...]
    preamble: str

    def block(self, qid: str) -> QuestionBlock | None:
        """The block of question ``qid``, or None when the submission has none."""
        for b in self.blocks:
            if b.id == qid:
                return b
        return None


@dataclass(frozen=True)
class AnswerChoice:
    """The text taken as a question's final answer and why.

    Attributes:
        latex: the answer (LaTeX for math questions, the block's prose for choice questions).
        segment_index: index into ``block.math`` of the segment it came from (-1 for prose).
        reason: how it was chosen, for the feedback (``last equation with target \\epsilon on
            the left``, ``after \\therefore``, ``\\boxed``, ``last math``, ``whole block text``,
            ``last line of text (no math found)``).
    """

    latex: str
    segment_index: int
    reason: str


# ----------------------------------------------------------------------------------------------
# extract
# ----------------------------------------------------------------------------------------------


def extract(text: str, key: Key, *, locate: Callable[[int], str] | None = None) -> Extraction:
    """Split a submission into one block per labelled question.

    Args:
        text: the document text (a reader's :attr:`~checker.read.document.Document.text`, or
            Markdown/OCR'd text as it is).
        key: the answer key whose ids, part letters and aliases the labels are matched against.
        locate: renders an offset of ``text`` as a place in the file, for warnings (``line N``
            by default).

    Returns:
        The blocks in the order written (one per question; a label given twice keeps the last,
        with a warning), the warnings (labels the key does not know among them), and the
        preamble before the first label.

    Example:
        >>> from checker.key import load_key
        >>> ex = extract("Jane\\n1.2.2 $$w = (X^T X)^{-1} X^T t$$\\n3.2. sigma", load_key(validate_latex=False))
        >>> [b.id for b in ex.blocks], ex.preamble.strip()
        (['1.2.2', '3.2'], 'Jane')
        >>> ex.blocks[0].math[0].latex
        'w = (X^T X)^{-1} X^T t'
    """
    lines = Lines(text)
    where = locate or (lambda offset: f"line {lines.number(offset)}")
    segments, groups = find_math(text, lines)
    label_set = LabelSet.of(key)
    labels = find_labels(text, label_set, in_math=groups.holder)
    warnings: list[str] = []
    if not any(lab.qid is not None for lab in labels):
        known = ", ".join(q.id for q in key.graded)
        found = "an empty submission" if not text.strip() else "none"
        warnings.append(
            f"expected question labels such as {_examples(key)} at the start of a line, found {found}; "
            f"every question is graded as missing (the key's questions: {known})"
        )
        return Extraction((), tuple(warnings), text)
    group_starts = [ga for _seg, ga, _gb in segments]  # non-decreasing: groups do not overlap
    blocks: list[QuestionBlock] = []
    unknown = 0
    for i, lab in enumerate(labels):
        stop = labels[i + 1].start if i + 1 < len(labels) else len(text)
        if lab.qid is None:
            unknown += 0 if lab.section else 1
            if unknown == _MAX_UNKNOWN + 1:
                warnings.append(
                    f"more labels the key does not know follow ({where(lab.start)} on); not listed"
                )
            if not lab.section and unknown <= _MAX_UNKNOWN:
                warnings.append(
                    f"label {lab.label!r} ({where(lab.start)}) matches no question of the key; the text "
                    f"after it was not graded and not added to the question before it "
                    f"(the key's questions: {', '.join(q.id for q in key.graded)})"
                )
            continue
        if lab.heading_only and not text[lab.end : stop].strip():
            continue  # ``2.1.2`` on its own line, parts ``a)``/``b)`` follow
        if lab.heading_only:
            base = lab.qid[:-1]
            warnings.append(
                f"question {base} has parts {', '.join(label_set.part_letters(base))}; "
                f"the text after label {lab.label!r} was read as part {lab.qid}"
            )
        first, last = bisect.bisect_left(group_starts, lab.start), bisect.bisect_left(group_starts, stop)
        math = tuple(
            _clip(seg, lab.end)
            for seg, _ga, _gb in segments[first:last]
            if seg.start >= lab.start and seg.end <= stop
        )
        math = tuple(seg for seg in math if seg.latex)
        blocks.append(QuestionBlock(lab.qid, text[lab.end : stop], lab.start, stop, math, lab.label))
    blocks = _last_of_each(blocks, where, warnings)
    first_known = next(lab for lab in labels if lab.qid is not None)
    return Extraction(tuple(blocks), tuple(warnings), text[: min(labels[0].start, first_known.start)])


def _examples(key: Key) -> str:
    ids = [q.id for q in key.graded][:2]
    return " or ".join(f"'{i}'" for i in ids) if ids else "'1'"


def _clip(seg: MathSegment, label_end: int) -> MathSegment:
    """Drop the part of a math line that is the question label (``$$1.1.2 \\quad ...``)."""
    if seg.start >= label_end:
        return seg
    cut = label_end - seg.start
    rest = seg.latex[cut:] if cut <= len(seg.latex) else ""
    lead = len(rest) - len(rest.lstrip())
    return replace(seg, latex=rest.strip(), start=label_end + lead)


def _last_of_each(
    blocks: list[QuestionBlock], where: Callable[[int], str], warnings: list[str]
) -> list[QuestionBlock]:
    last: dict[str, int] = {}
    for i, b in enumerate(blocks):
        last[b.id] = i
    for qid in dict.fromkeys(b.id for b in blocks):
        places = [where(b.start) for b in blocks if b.id == qid]
        if len(places) > 1:
            shown = ", ".join(places[:6]) + (", ..." if len(places) > 6 else "")
            warnings.append(
                f"question {qid} is labelled {len(places)} times ({shown}); the last one is graded"
            )
    return [b for i, b in enumerate(blocks) if last[b.id] == i]


# ----------------------------------------------------------------------------------------------
# steps and the final answer
# ----------------------------------------------------------------------------------------------


def step_lines(block: QuestionBlock) -> tuple[str, ...]:
    """The block's derivation steps: its display math lines, in order.

    Inline math inside prose (``the $2\\lambda n$ term``) is not a step.

    Args:
        block: a question block.

    Returns:
        The LaTeX of each step, label removed.

    >>> seg = MathSegment("x' = x - \\\\epsilon w", 0, 5, True)
    >>> step_lines(QuestionBlock("1.1.2", "", 0, 5, (seg,), "1.1.2"))
    ("x' = x - \\\\epsilon w",)
    """
    return tuple(seg.latex for seg in block.math if seg.display)


def _strip_connective(latex: str) -> str:
    previous = None
    while previous != latex:
        previous = latex
        latex = _CONNECTIVE.sub("", latex, count=1)
    return latex.strip()


def non_answer(text: str) -> bool:
    """Whether a block's whole text says there is no answer ("(did not finish)", "TODO", "?").

    >>> non_answer(" (did not finish) "), non_answer("w = 0 (did not finish)")
    (True, False)
    """
    core = text.strip().strip("()[]*_.:!").strip()
    return len(core) <= 60 and (not core or _NON_ANSWER.fullmatch(core) is not None) and bool(text.strip())


def final_answer(
    block: QuestionBlock, question: Question, *, parse: ParseFn | None = None
) -> AnswerChoice | None:
    """Choose the text of a block that is the question's final answer.

    In order: the last ``\\boxed{..}``; math introduced by "final answer" / "answer:"; the last
    equation whose left side is the question's target (decided by parsing the left side with the
    question's symbol table and comparing it to the parsed target), unless an equation written
    after it has a left side that cannot be read (then that one: its verdict is ``unparsed``, an
    earlier step is never graded in its place); math after ``\\therefore``/"so"; the last math.
    For a choice question, the whole block text.  This parses student text: call it in a worker.

    Args:
        block: the question's block.
        question: the key's question (target, symbol table, parse options, kind).
        parse: ``checker.latex.parse`` (the default) or a stand-in with the same signature.

    Returns:
        The choice, or None when the block holds no answer: nothing written, or only a note
        that there is none ("(did not finish)").

    Example:
        >>> from checker.key import load_key
        >>> q = load_key(validate_latex=False).question("2.2")
        >>> final_answer(QuestionBlock("2.2", " larger model", 0, 9, (), "2.2"), q).reason
        'whole block text'
    """
    if non_answer(block.text):
        return None
    if question.kind == "choice":
        text = block.text.strip()
        return AnswerChoice(text, -1, "whole block text") if text else None
    math = block.math
    if not math:
        # No math found: the last line written, so that the verdict shows what was there
        # (unparsed, for a TA) instead of calling it missing.
        lines = [line.strip() for line in block.text.splitlines() if line.strip()]
        lines = [line for line in lines if not _CLOSERS.fullmatch(line)]
        return AnswerChoice(lines[-1], -1, "last line of text (no math found)") if lines else None
    for i in range(len(math) - 1, -1, -1):
        boxed = _boxed(math[i].latex)
        if boxed is not None:
            return AnswerChoice(boxed, i, "\\boxed")
    for i in range(len(math) - 1, -1, -1):
        if _ANSWER_CUE.search(_text_before(block, math[i], math[i - 1] if i else None)):
            latex = _strip_connective(math[i].latex)
            if latex:
                return AnswerChoice(latex, i, "math introduced as the final answer")
    if question.target is not None:
        chosen = _target_equation(math, question, parse)
        if chosen is not None:
            return chosen
    # The last step (display math), or inline math after it that a "so"/"therefore" introduces;
    # inline math in a closing remark ("a larger $\\lambda$ ...") is not an answer.
    for i in range(len(math) - 1, -1, -1):
        seg = math[i]
        latex = _strip_connective(seg.latex)
        if not latex:
            continue
        after_connective = bool(_CONNECTIVE.match(seg.latex)) or bool(
            re.search(
                r"(?:\bso|\bthus|\bhence|\btherefore|∴|\\therefore)[\s,:]*$",
                _line_before(block, seg),
                re.IGNORECASE,
            )
        )
        if after_connective:
            return AnswerChoice(_value(latex, question), i, "after \\therefore")
        if seg.display:
            return AnswerChoice(_value(latex, question), i, "last math")
    for i in range(len(math) - 1, -1, -1):
        latex = _strip_connective(math[i].latex)
        if latex:
            return AnswerChoice(_value(latex, question), i, "last math")
    return None


def _value(latex: str, question: Question) -> str:
    """For an expression question with no target, the value an equation ends with
    (``\\frac{d}{dw} L = 2x(wx - t)`` answers with ``2x(wx - t)``); otherwise the math as written."""
    if question.kind != "expression" or question.target is not None:
        return latex
    sides = split_sides(latex)
    return sides[-1] if len(sides) > 1 and sides[-1] else latex


def _target_equation(
    math: tuple[MathSegment, ...], question: Question, parse: ParseFn | None
) -> AnswerChoice | None:
    """The last equation stating the target, or a later one whose left side cannot be read."""
    assert question.target is not None
    target = _parsed(question.target, question, parse)
    if target is None:
        return None
    unreadable: int | None = None
    for i in range(len(math) - 1, -1, -1):
        sides = split_sides(_strip_connective(math[i].latex))
        if len(sides) < 2 or not sides[0]:
            continue
        lhs = _parsed(sides[0], question, parse)
        if lhs is None:
            if unreadable is None:
                unreadable = i
            continue
        if _same(lhs, target):
            if unreadable is not None:
                # The target was stated, then restated in a form that cannot be read: grade that.
                latex = _strip_connective(math[unreadable].latex)
                return AnswerChoice(latex, unreadable, "last equation (its left side could not be read)")
            answer = " = ".join((sides[0], sides[-1])) if len(sides) > 2 else " = ".join(sides)
            return AnswerChoice(answer, i, f"last equation with target {question.target} on the left")
    return None


def _text_before(block: QuestionBlock, seg: MathSegment, previous: MathSegment | None) -> str:
    """Up to 80 characters of prose between the previous math line (or the label) and ``seg``."""
    text_start = block.end - len(block.text)
    lo = max(text_start, previous.end if previous is not None else text_start, seg.start - 80)
    return block.text[lo - text_start : max(lo, seg.start) - text_start]


def _line_before(block: QuestionBlock, seg: MathSegment) -> str:
    """The prose right before a math segment on its line (``so $x = 1$``), from the block text."""
    # ``block.text`` is the submission from the label's end to ``block.end``, unstripped.
    text_start = block.end - len(block.text)
    k = max(0, seg.start - text_start)
    line = block.text[max(0, k - 200) : k].rsplit("\n", 1)[-1]
    return re.sub(r"(?:\$\$|\\\[|\\\(|\$)\s*$", "", line)


def _boxed(latex: str) -> str | None:
    start = latex.rfind("\\boxed{")
    if start == -1:
        return None
    depth = 0
    for j in range(start + len("\\boxed"), len(latex)):
        if latex[j] == "{":
            depth += 1
        elif latex[j] == "}":
            depth -= 1
            if depth == 0:
                inner = latex[start + len("\\boxed{") : j].strip()
                return inner or None
    return None


def _parsed(source: str, question: Question, parse: ParseFn | None) -> Any:
    if parse is None:
        from checker.latex import parse as real_parse  # noqa: PLC0415  (the LaTeX front end loads SymPy)

        parse = real_parse
    try:
        return parse(source, question.symbols, options=question.options).expr
    except CheckerError:
        return None


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except Exception:  # a SymPy comparison that cannot decide is "not the target"
        return False
