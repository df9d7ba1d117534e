"""Stage 5: results → text (rich renderables), JSON lines, CSV gradebooks, Gradescope results.json.

Every function returns a value (a string, a dict or a rich renderable); nothing here prints.
Student text is always wrapped in :class:`rich.text.Text`, never interpreted as console markup,
so ``[a]`` in an answer stays ``[a]``.
"""

from __future__ import annotations

import csv
import io
import json
import math
import statistics
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from checker.key import Key, Question
from checker.verdict import VERDICTS, QuestionVerdict, StepCheck, SubmissionResult

if TYPE_CHECKING:
    from checker.run.verify import VerifyReport

__all__ = [
    "Format",
    "render_csv",
    "render_gradescope",
    "render_json_line",
    "render_steps_text",
    "render_text",
    "render_verdict_text",
    "render_verify_text",
]

Format = Literal["text", "json", "gradescope", "csv"]

_STYLE = {
    "correct": "bold green",
    "incorrect": "bold red",
    "unparsed": "bold yellow",
    "needs_review": "bold yellow",
    "missing": "dim",
    "error": "bold magenta",
}
_STEP_STYLE = {"given": "cyan", "follows": "green", "does_not_follow": "bold red", "unparsed": "yellow"}
_DIGITS = 4  # scores are rounded to this many decimals in every report


def _points(x: float) -> str:
    return f"{round(x, _DIGITS):g}"


# ----------------------------------------------------------------------------------------------
# JSON lines
# ----------------------------------------------------------------------------------------------


def render_json_line(result: SubmissionResult) -> str:
    """One submission as one JSON line (``grade --format json``).

    Args:
        result: the graded submission.

    Returns:
        ``{"submission", "score", "max_score", "questions": [verdict objects with "steps"],
        "warnings", "error"}`` on one line, no trailing newline.

    Example:
        >>> import json
        >>> json.loads(render_json_line(SubmissionResult("a.md", ())))["submission"]
        'a.md'
    """
    return json.dumps(result.to_json(), ensure_ascii=False)


# ----------------------------------------------------------------------------------------------
# text
# ----------------------------------------------------------------------------------------------


def render_verdict_text(v: QuestionVerdict) -> RenderableType:
    """One verdict for a person (``derivcheck check``): verdict, points, what was read, evidence,
    feedback and flagged steps.

    Args:
        v: the verdict.

    Returns:
        A rich renderable.

    Example:
        >>> from rich.console import Console
        >>> c = Console(width=80, record=True, file=io.StringIO())
        >>> c.print(render_verdict_text(QuestionVerdict("2.2", "correct", 1.0, 1.0, "Right.")))
        >>> "2.2: correct (1/1)" in c.export_text()
        True
    """
    head = Text()
    head.append(f"{v.question}: ")
    head.append(v.verdict, style=_STYLE.get(v.verdict, ""))
    head.append(f" ({_points(v.score)}/{_points(v.max_score)})")
    lines: list[RenderableType] = [head]
    for label, value in (
        ("answer read", v.answer),
        ("read as", v.read_as),
        ("evidence", v.evidence),
        ("method", v.method),
        ("note", v.answer_note if v.answer_note not in (None, "correct") else None),
    ):
        if value:
            lines.append(Text(f"  {label}: ", style="bold").append(Text(str(value), style="")))
    if v.feedback:
        lines.append(Text("  feedback: ", style="bold").append(v.feedback))
    flagged = _flagged(v.steps)
    if flagged:
        lines.append(Text("  steps that do not follow:", style="bold"))
        lines.extend(_step_line(s, indent="    ") for s in flagged)
    unread = _unread_note(v.steps)
    if unread:
        lines.append(Text("  " + unread, style="yellow"))
    return Group(*lines)


def render_steps_text(result: Any) -> RenderableType:
    """A checked chain of steps for a person (``derivcheck steps``).

    Args:
        result: a ``checker.judge.steps.StepsResult`` (``.steps``, ``.first_invalid``; ``.question``
            when it has one).

    Returns:
        A rich renderable: one line per step with its status and reason, then a summary.

    Example:
        >>> from types import SimpleNamespace
        >>> from rich.console import Console
        >>> r = SimpleNamespace(question="1.2.3", first_invalid=None, steps=(StepCheck(1, "x = 1", "given"),))
        >>> c = Console(width=80, record=True, file=io.StringIO()); c.print(render_steps_text(r))
        >>> "every step follows" in c.export_text()
        True
    """
    steps: Sequence[StepCheck] = getattr(result, "steps", ())
    first = getattr(result, "first_invalid", None)
    question = getattr(result, "question", None)
    lines: list[RenderableType] = []
    if question:
        lines.append(Text(f"question {question}: {len(steps)} step(s)", style="bold"))
    lines.extend(_step_line(s, indent="") for s in steps)
    if first is None:
        lines.append(Text("every step follows from the ones before it", style="green"))
    else:
        lines.append(Text(f"first step that does not follow: step {first}", style="bold red"))
    return Group(*lines)


def _flagged(steps: Sequence[StepCheck]) -> list[StepCheck]:
    return [s for s in steps if s.status == "does_not_follow"]


def _unread_note(steps: Sequence[StepCheck]) -> str | None:
    """One line for the steps that could not be read (not checked, not wrong): their numbers and
    the first reason, instead of one paragraph each (a proof in notation the key lacks)."""
    unread = [s for s in steps if s.status == "unparsed"]
    if not unread:
        return None
    numbers = ", ".join(str(s.index) for s in unread)
    first = next((s.reason for s in unread if s.reason), "")
    head = f"step {numbers} could not be read" if len(unread) == 1 else f"steps {numbers} could not be read"
    return head + " (not checked)" + (f"; e.g. {_short(first, 160)}" if first else "")


def _step_line(step: StepCheck, *, indent: str) -> Text:
    line = Text(f"{indent}{step.index:>2}. ")
    line.append(f"{step.status:<15}", style=_STEP_STYLE.get(step.status, ""))
    line.append(" ")
    line.append(step.latex)
    if step.reason:
        line.append("\n" + indent + "    " + step.reason, style="dim")
    return line


def render_text(results: Sequence[SubmissionResult], key: Key) -> RenderableType:
    """The human report of ``derivcheck grade``.

    One submission: its score, warnings, and a table of questions (verdict, points, feedback,
    what was read, flagged steps with reasons).  Several: a class summary (score distribution,
    mean and median, per-question averages and verdict counts, most common mistakes by
    ``answer_note``, submissions that could not be read).

    Args:
        results: graded submissions.
        key: the key (titles, question order).

    Returns:
        A rich renderable (print it with a :class:`rich.console.Console`).

    Example:
        >>> from checker.key import load_key
        >>> from rich.console import Console
        >>> c = Console(width=100, record=True, file=io.StringIO())
        >>> c.print(render_text([], load_key(validate_latex=False)))
        >>> "no submissions" in c.export_text()
        True
    """
    if not results:
        return Text("no submissions graded")
    if len(results) == 1:
        return _render_one(results[0], key)
    return _render_class(results, key)


def _render_one(result: SubmissionResult, key: Key) -> RenderableType:
    parts: list[RenderableType] = []
    head = Text(f"{result.submission}: ", style="bold")
    head.append(f"{_points(result.score)}/{_points(result.max_score)}", style="bold")
    head.append(f"   ({key.title})", style="dim")
    parts.append(head)
    if result.error:
        parts.append(Text("could not be graded: " + result.error, style="bold magenta"))
    for w in result.warnings:
        parts.append(Text("warning: " + w, style="yellow"))
    table = Table(show_lines=True, expand=False)
    table.add_column("Q", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    table.add_column("points", justify="right", no_wrap=True)
    table.add_column("what was read / feedback / steps", overflow="fold")
    for v in result.questions:
        detail = Text()
        if v.answer:
            detail.append("read: ", style="bold")
            detail.append(_short(v.answer, 160))
            detail.append("\n")
        if v.evidence:
            detail.append("evidence: ", style="bold")
            detail.append(v.evidence + "\n", style="dim")
        if v.feedback:
            detail.append(v.feedback)
        for step in _flagged(v.steps):
            detail.append(f"\nstep {step.index} {step.status.replace('_', ' ')}: ", style="bold red")
            detail.append(_short(step.latex, 120))
            if step.reason:
                detail.append(" (" + step.reason + ")", style="dim")
        unread = _unread_note(v.steps)
        if unread:
            detail.append("\n" + unread, style="yellow")
        table.add_row(
            v.question,
            Text(v.verdict, style=_STYLE.get(v.verdict, "")),
            f"{_points(v.score)}/{_points(v.max_score)}",
            detail,
        )
    parts.append(table)
    return Group(*parts)


def _short(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _render_class(results: Sequence[SubmissionResult], key: Key) -> RenderableType:
    scores = [r.score for r in results]
    max_score = key.max_score if not results else max(r.max_score for r in results)
    parts: list[RenderableType] = []
    head = Text(f"{key.title}: {len(results)} submissions\n", style="bold")
    head.append(
        f"mean {statistics.fmean(scores):.2f}   median {statistics.median(scores):g}   "
        f"min {_points(min(scores))}   max {_points(max(scores))}   out of {_points(max_score)}"
    )
    parts.append(head)
    # Score distribution: one bar per whole point (partial credit rounds down).
    bins = Counter(min(math.floor(s + 1e-9), int(max_score)) for s in scores)
    dist = Table(title="score distribution", show_header=True, box=None)
    dist.add_column("score", justify="right")
    dist.add_column("n", justify="right")
    dist.add_column("")
    width = max(bins.values())
    for b in range(int(max_score) + 1):
        n = bins.get(b, 0)
        label = f"{b}" if b == int(max_score) else f"{b}–{b + 1}"
        dist.add_row(label, str(n), "█" * max(0, round(40 * n / width)) if n else "")
    parts.append(dist)
    per_q = Table(title="per question", show_header=True, box=None, padding=(0, 1), header_style="bold")
    per_q.add_column("Q", no_wrap=True, min_width=6)
    per_q.add_column("mean", justify="right", no_wrap=True, min_width=6)
    for label in VERDICTS:
        per_q.add_column(label, justify="right", no_wrap=True, min_width=len(label))
    for q in key.graded:
        verdicts = [v for r in results for v in r.questions if v.question == q.id]
        counts = Counter(v.verdict for v in verdicts)
        mean = statistics.fmean(v.score for v in verdicts) if verdicts else 0.0
        per_q.add_row(
            q.id, f"{mean:.2f}/{_points(q.points)}", *(str(counts.get(lab, 0) or "") for lab in VERDICTS)
        )
    parts.append(per_q)
    notes = Counter(
        (v.question, v.answer_note)
        for r in results
        for v in r.questions
        if v.answer_note and v.verdict in ("incorrect", "unparsed", "needs_review")
    )
    if notes:
        common = Table(title="most common mistakes", show_header=True, box=box.SIMPLE_HEAD)
        common.add_column("Q")
        common.add_column("answer_note")
        common.add_column("n", justify="right")
        for (qid, note), n in notes.most_common(10):
            common.add_row(qid, str(note), str(n))
        parts.append(common)
    review = _review_groups(results, key)
    if review is not None:
        parts.append(review)
    broken = [r for r in results if r.error]
    if broken:
        text = Text(f"{len(broken)} submission(s) could not be read:\n", style="bold magenta")
        for r in broken[:20]:
            text.append(f"  {r.submission}: {_short(r.error or '', 140)}\n")
        parts.append(text)
    return Group(*parts)


def _review_groups(results: Sequence[SubmissionResult], key: Key) -> RenderableType | None:
    """What a TA must decide, in groups: short answers by what was read, math answers by text
    (``derivcheck review`` also merges equivalent math answers)."""
    from checker.run.review import group_items, review_items  # noqa: PLC0415

    groups = group_items(review_items(r.to_json() for r in results), key, equivalence=False)
    if not groups:
        return None
    table = Table(title="to review (derivcheck review)", show_header=True, box=box.SIMPLE_HEAD)
    table.add_column("Q", no_wrap=True)
    table.add_column("answers", justify="right")
    table.add_column("groups", justify="right")
    table.add_column("group sizes", overflow="fold")
    by_question: dict[str, list[int]] = {}
    for g in groups:
        by_question.setdefault(g.question, []).append(g.size)
    for qid, sizes in by_question.items():
        sizes.sort(reverse=True)
        shown = ", ".join(map(str, sizes[:12])) + (" ..." if len(sizes) > 12 else "")
        table.add_row(qid, str(sum(sizes)), str(len(sizes)), shown)
    return table


# ----------------------------------------------------------------------------------------------
# CSV
# ----------------------------------------------------------------------------------------------


def render_csv(results: Sequence[SubmissionResult], key: Key) -> str:
    """A gradebook: a header, then one row per submission with one column per graded question,
    the total, the maximum and the problem that stopped grading (empty when none).

    Args:
        results: graded submissions.
        key: the key (the columns, in key order).

    Returns:
        CSV text with ``\\n`` line ends.

    Example:
        >>> from checker.key import load_key
        >>> render_csv([], load_key(validate_latex=False)).splitlines()[0]
        'submission,1.1.2,1.2.2,1.2.3,2.1.1,2.1.2a,2.1.2b,2.2,3.2,total,max_score,error'
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    ids = [q.id for q in key.graded]
    writer.writerow(["submission", *ids, "total", "max_score", "error"])
    for r in results:
        by_id = {v.question: v for v in r.questions}
        row = [_points(by_id[i].score) if i in by_id else "" for i in ids]
        writer.writerow([r.submission, *row, _points(r.score), _points(r.max_score), r.error or ""])
    return buffer.getvalue()


# ----------------------------------------------------------------------------------------------
# Gradescope
# ----------------------------------------------------------------------------------------------


def render_gradescope(
    result: SubmissionResult | None, key: Key, *, error: str | None = None
) -> dict[str, Any]:
    """Gradescope's ``results.json`` for one submission; always producible.

    One test per graded question (name ``Question 1.2.2``, score, max_score, Markdown output with
    the verdict, what was read, feedback and step notes, visibility ``visible``).  Scores are
    rounded to 4 decimals per test and the total is the sum of the rounded test scores, so the
    two always agree.  When grading failed (``result`` is None, ``result.error`` is set, or
    ``error`` is given) every question is a test worth 0 with the message, and the score is 0.

    Args:
        result: the graded submission, or None when there is none.
        key: the key (question ids and points).
        error: why grading failed, when it did.

    Returns:
        A JSON-ready dict.

    Example:
        >>> from checker.key import load_key
        >>> out = render_gradescope(None, load_key(validate_latex=False), error="no file submitted")
        >>> out["score"], len(out["tests"])
        (0.0, 8)
    """
    problem = error or (result.error if result is not None else None)
    if result is None and problem is None:
        problem = "no graded result was produced"
    tests: list[dict[str, Any]] = []
    if problem is not None or result is None:
        message = (
            f"**The submission could not be graded automatically:** {problem}\n\nA TA will grade it by hand."
        )
        for q in key.graded:
            tests.append(_test(f"Question {q.id}", 0.0, q.points, message, status="failed"))
        return _results(tests, message)
    by_id = {v.question: v for v in result.questions}
    for q in key.graded:
        v = by_id.get(q.id)
        if v is None:
            tests.append(_test(f"Question {q.id}", 0.0, q.points, "Not graded.", status="failed"))
            continue
        score = round(v.score, _DIGITS)
        status = "passed" if v.verdict == "correct" else "failed"
        output = _for_students(_markdown(v), q, v.answer or "")
        tests.append(_test(f"Question {q.id}", score, round(v.max_score, _DIGITS), output, status=status))
    summary = "\n".join(f"- warning: {w}" for w in result.warnings)
    return _results(tests, summary)


# What the engine's sentences say of the key's own answer; cut from what students see.
_REFERENCE_VALUE = ("reference = ", ", candidate = ")
_EXPECTED_OPTION = "; the expected answer is '"
_STAFF_MIN_CHARS = 3  # shorter key strings ("C", "A") are option names any sentence may hold


def _for_students(text: str, question: Question, answer: str) -> str:
    """``text`` with the key's answers taken out: it is shown to students (Gradescope).

    The reference, accepted forms and known mistakes of the key are staff material: a
    counterexample names the student's value, not the reference's; a choice's "expected
    answer" is not named; and any key string the student did not write themselves is replaced.
    Every scan is a plain substring search (linear time; the text holds student writing).
    """
    head, sep = _REFERENCE_VALUE
    out: list[str] = []
    rest = text
    while (at := rest.find(head)) != -1 and (cut := rest.find(sep, at)) != -1:
        out.append(rest[:at] + "your answer = ")
        rest = rest[cut + len(sep) :]
    text = "".join(out) + rest
    out, rest = [], text
    while (at := rest.find(_EXPECTED_OPTION)) != -1 and (
        end := rest.find("'", at + len(_EXPECTED_OPTION))
    ) != -1:
        out.append(rest[:at] + "; that is not the expected answer")
        rest = rest[end + 1 :]
    text = "".join(out) + rest
    staff = {
        s.strip() for s in (question.reference, *question.accepted, *(m.answer for m in question.mistakes))
    }
    for secret in sorted(staff, key=len, reverse=True):
        if len(secret) >= _STAFF_MIN_CHARS and secret in text and secret not in answer:
            text = text.replace(secret, "(the key's answer)")
    return text


def _test(name: str, score: float, max_score: float, output: str, *, status: str) -> dict[str, Any]:
    return {
        "name": name,
        "score": score,
        "max_score": max_score,
        "status": status,
        "output": output,
        "output_format": "md",
        "visibility": "visible",
    }


def _results(tests: list[dict[str, Any]], output: str) -> dict[str, Any]:
    total = round(math.fsum(t["score"] for t in tests), _DIGITS)
    out: dict[str, Any] = {
        "score": total,
        "tests": tests,
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "output_format": "md",
    }
    if output:
        out["output"] = output
    return out


def _md_code(text: str) -> str:
    flat = " ".join(text.split())
    fence = "``" if "`" in flat else "`"
    return f"{fence} {flat} {fence}" if fence == "``" else f"`{flat}`"


def _markdown(v: QuestionVerdict) -> str:
    lines = [f"**{v.verdict.replace('_', ' ')}** ({_points(v.score)}/{_points(v.max_score)})", ""]
    if v.answer:
        lines.append(f"- Answer read: {_md_code(_short(v.answer, 400))}")
    if v.read_as:
        lines.append(f"- Read as: {_md_code(v.read_as)}")
    if v.feedback:
        lines.append(f"- {v.feedback}")
    if v.evidence:
        lines.append(f"- Evidence: {v.evidence}")
    flagged = _flagged(v.steps)
    if flagged:
        lines.append("")
        lines.append("Steps to look at again:")
        for s in flagged:
            reason = f": {s.reason}" if s.reason else ""
            lines.append(
                f"- step {s.index} {_md_code(_short(s.latex, 200))} {s.status.replace('_', ' ')}{reason}"
            )
    unread = _unread_note(v.steps)
    if unread:
        lines.append("")
        lines.append(f"Note: {unread}.")
    return "\n".join(lines)


def render_verify_text(report: VerifyReport, key: Key) -> RenderableType:
    """``derivcheck verify`` as text: a table per derivation, then the key's failed checks.

    Args:
        report: what :func:`checker.run.verify.verify` found.
        key: the verified key (its path names where a failed check points).

    Returns:
        A rich renderable (nothing is printed here).
    """
    parts: list[RenderableType] = []
    for r in report.derivations:
        table = Table(title=f"{r.question}  {r.title}  ({r.name})", title_justify="left", expand=False)
        table.add_column("step", justify="right")
        table.add_column("status")
        table.add_column("claim")
        table.add_column("justification / method")
        for s in r.steps:
            colour = {"proved": "green", "given": "cyan", "failed": "bold red"}[s.status]
            detail = s.justification + (f" [{s.method}]" if s.method else "")
            if s.status == "failed":
                detail += f"\n{s.reason}"
            table.add_row(str(s.index), Text(s.status, style=colour), Text(s.claim), Text(detail))
        parts.append(table)
    for problem in report.problems:
        parts.append(Text(problem, style="bold red"))
    failed = report.key.failed
    parts.append(
        Text(
            f"key {report.key.key}: {len(report.key.findings) - len(failed)} check(s) ok, {len(failed)} failed"
        )
    )
    for f in failed:
        parts.append(Text(f"  {key.path}, line {f.line}, question {f.question}: {f.kind}: {f.detail}"))
    if report.samples:
        wrong = [f for f in report.samples if f.status == "failed"]
        parts.append(
            Text(f"samples: {len(report.samples) - len(wrong)} ok, {len(wrong)} not as expected.toml says")
        )
        for f in wrong:
            parts.append(Text(f"  question {f.question}: {f.detail}"))
    verdict = "all steps proved, key consistent" if report.ok else "FAILED"
    parts.append(Text(verdict, style="green" if report.ok else "bold red"))
    return Group(*parts)
