"""The review screen: a group of answers shown once, decided once (rich panels and prompts).

:func:`review_session` walks the pending groups; per group the TA answers ``c`` (correct, full
marks), ``i`` (incorrect), ``p`` (partial: then the points), ``s`` (skip for now) or ``q`` (stop
here).  Prompts read any text stream, so a session is scripted by feeding it lines (tests, or
``printf 'c\\ni\\n' | derivcheck review ...``); the end of the stream stops the session, and
what was decided so far is kept.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import IO, Any, TextIO, cast

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.prompt import FloatPrompt, Prompt
from rich.table import Table
from rich.text import Text

from checker.run.review import AnswerGroup, Decision, decide

__all__ = ["render_group", "render_review_summary", "review_session"]

_SHOWN = 6


def render_group(group: AnswerGroup, index: int, total: int) -> RenderableType:
    """One group as the TA sees it: question, size, what the members share, their texts.

    >>> import io
    >>> from checker.run.review import ReviewItem
    >>> g = AnswerGroup("2.2", "short", "best use=?(hedge: larger_model)",
    ...                 (ReviewItem("s1", "2.2", "maybe a bigger model", "needs_review", 0, 1),))
    >>> c = Console(file=io.StringIO(), width=100, record=True)
    >>> c.print(render_group(g, 1, 3))
    >>> "maybe a bigger model" in c.export_text()
    True
    """
    counts = Counter(m.answer or "(no answer)" for m in group.members)
    table = Table(show_header=True, box=None, pad_edge=False)
    table.add_column("×", justify="right", no_wrap=True)
    table.add_column("answer as written", overflow="fold")
    for text, n in counts.most_common(_SHOWN):
        table.add_row(str(n), text)
    more = len(counts) - _SHOWN
    parts: list[RenderableType] = [
        Text.assemble(("read as: ", "bold"), group.basis),
        table,
    ]
    if more > 0:
        parts.append(Text(f"... and {more} more distinct text(s)", style="dim"))
    evidence = next((m.evidence for m in group.members if m.evidence), None)
    if evidence:
        parts.append(Text.assemble(("checker: ", "bold"), (evidence, "dim")))
    title = f"group {index}/{total}: question {group.question}, {group.size} answer(s)"
    return Panel(Group(*parts), title=title, title_align="left")


def render_review_summary(
    groups: Sequence[AnswerGroup], decisions: Sequence[Decision], pending: Sequence[AnswerGroup]
) -> RenderableType:
    """Answers to decide, group sizes per question, and how many are decided.

    >>> import io
    >>> c = Console(file=io.StringIO(), width=100, record=True)
    >>> c.print(render_review_summary([], [], []))
    >>> "nothing to review" in c.export_text()
    True
    """
    if not groups:
        return Text("nothing to review: every answer was decided by the checker")
    table = Table(title="answers a TA must decide, by question")
    table.add_column("Q", no_wrap=True)
    table.add_column("answers", justify="right")
    table.add_column("groups", justify="right")
    table.add_column("group sizes", overflow="fold")
    table.add_column("pending", justify="right")
    by_question: dict[str, list[AnswerGroup]] = {}
    for g in groups:
        by_question.setdefault(g.question, []).append(g)
    waiting = {g.id for g in pending}
    for qid, gs in by_question.items():
        sizes = sorted((g.size for g in gs), reverse=True)
        table.add_row(
            qid,
            str(sum(sizes)),
            str(len(gs)),
            ", ".join(map(str, sizes[:12])) + (" ..." if len(sizes) > 12 else ""),
            str(sum(1 for g in gs if g.id in waiting)),
        )
    answers = sum(g.size for g in groups)
    line = Text(
        f"{answers} answer(s) in {len(groups)} group(s); {len(decisions)} decision(s) on record, "
        f"{len(pending)} group(s) pending"
    )
    return Group(table, line)


class _EndOfInput(Exception):
    """The prompt's stream ended: the session stops, keeping what was decided."""


class _Lines:
    """A text stream whose end raises :class:`_EndOfInput` (rich would re-ask forever)."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def readline(self) -> str:
        line = self._stream.readline()
        if line == "":
            raise _EndOfInput
        return line


def review_session(groups: Sequence[AnswerGroup], console: Console, stream: IO[str] | Any) -> list[Decision]:
    """Ask the TA to decide each group; returns the decisions made (skipped groups make none).

    Args:
        groups: the pending groups, in order.
        console: where the screen is drawn.
        stream: where answers are read (standard input, or any text stream).

    Returns:
        The decisions, in order.

    >>> import io
    >>> from checker.run.review import ReviewItem
    >>> g = AnswerGroup("2.2", "short", "b", (ReviewItem("s1", "2.2", "either one", "needs_review", 0, 1),))
    >>> out = Console(file=io.StringIO())
    >>> [d.verdict for d in review_session([g], out, io.StringIO("i\\n"))]
    ['incorrect']
    """
    lines = cast(TextIO, _Lines(stream))  # rich reads it with readline() only
    decisions: list[Decision] = []
    for index, group in enumerate(groups, 1):
        console.print(render_group(group, index, len(groups)))
        try:
            choice = Prompt.ask(
                "c = correct, i = incorrect, p = partial points, s = skip, q = quit",
                choices=["c", "i", "p", "s", "q"],
                console=console,
                stream=lines,
            )
            if choice == "q":
                break
            if choice == "s":
                continue
            feedback = ""
            if choice == "p":
                full = max(m.max_score for m in group.members)
                score = FloatPrompt.ask(f"points (0 to {full:g})", console=console, stream=lines)
                feedback = Prompt.ask("feedback for the student", default="", console=console, stream=lines)
                decisions.append(
                    decide(group, "incorrect", score=min(max(score, 0.0), full), feedback=feedback)
                )
            else:
                decisions.append(
                    decide(group, "correct" if choice == "c" else "incorrect", feedback=feedback)
                )
        except _EndOfInput:
            break
    return decisions
