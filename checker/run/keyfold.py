"""Folding a TA's review decisions into the key file: accepted forms, phrasings, known mistakes.

The key is TOML a TA wrote, with comments and a layout they chose: it is edited as text, in
place (a list grows by one item, a ``[[question.mistakes]]`` table is appended to its question),
never re-serialized.  The edited text is loaded again, LaTeX validated, before it is written.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from checker.judge.choice import grade_choice
from checker.judge.short import read_answer
from checker.key import Key, load_key
from checker.run.review import Decision, toml_string

__all__ = ["KeyFold", "fold_into_key"]


@dataclass(frozen=True)
class KeyFold:
    """What folding decisions into a key changed.

    Attributes:
        path: the key file.
        text: its new text.
        added: one line per change ("2.1.1: 'it gets bigger' accepted for increases").
        skipped: decisions that do not fold, and why.
    """

    path: Path
    text: str
    added: tuple[str, ...]
    skipped: tuple[str, ...]


def fold_into_key(key: Key, decisions: Sequence[Decision], *, write: bool = True) -> KeyFold:
    """Fold decisions into the key file as accepted forms, phrasings and known mistakes.

    * a math answer decided correct joins the question's ``accepted`` forms; decided incorrect,
      it becomes a ``[[question.mistakes]]`` entry (its score as the share, its feedback);
    * a short answer decided correct becomes a phrase of the right option of a single-part
      question (next term it reads as that option); other short decisions stay decisions (a key
      names options, not every wrong or hedged answer).

    The TOML text is edited in place (comments and layout kept), then loaded again to prove it
    still loads; the file is written only then.

    Raises:
        CheckerError: when the edited key does not load (the file is left as it was).
    """
    path = key.path
    text = path.read_text(encoding="utf-8")
    added: list[str] = []
    skipped: list[str] = []
    for d in decisions:
        if d.question not in {q.id for q in key.questions}:
            skipped.append(f"{d.question}: not a question of this key")
            continue
        question = key.question(d.question)
        # A math group is one equivalence class: its first answer stands for it (the key
        # recognizes the others by the same equivalence); each short phrasing is its own.
        answers = d.answers if question.kind == "choice" else d.answers[:1]
        for answer in answers:
            if question.kind == "choice":
                if d.verdict != "correct" or len(question.parts) != 1:
                    skipped.append(
                        f"{d.question}: {answer!r} stays a decision ({d.verdict}, {len(question.parts)} part(s))"
                    )
                    continue
                part = question.parts[0]
                if any(answer == p for _, ps in part.choices for p in ps):
                    continue
                why = read_answer(question, answer).decisions[0].why
                if why in ("hedge", "contradiction", "double_negation"):
                    skipped.append(
                        f"{d.question}: {answer!r} stays a decision (a {why.replace('_', ' ')} stays one)"
                    )
                    continue
                text = _add_phrase(text, d.question, part.answer, answer)
                added.append(f"{d.question}: {answer!r} accepted as {part.answer}")
            elif d.verdict == "correct":
                if answer in question.accepted or answer == question.reference:
                    continue
                text = _add_accepted(text, d.question, answer)
                added.append(f"{d.question}: {answer!r} accepted")
            else:
                if any(m.answer == answer for m in question.mistakes):
                    continue
                tag = f"ta_{hashlib.sha1(answer.encode()).hexdigest()[:8]}"
                share = min(d.score / question.points, 0.99) if question.points else 0.0
                text = _add_mistake(text, d.question, answer, tag=tag, share=share, feedback=d.feedback)
                added.append(f"{d.question}: {answer!r} a known mistake ({tag})")
    if added:
        folded = _check_loads(path, text)
        for d in decisions:
            if (
                d.question in {q.id for q in folded.questions}
                and folded.question(d.question).kind == "choice"
            ):
                for answer in d.answers:
                    verdict = grade_choice(folded.question(d.question), answer)
                    if d.verdict == "correct" and verdict.verdict != "correct":
                        # a hedge stays a hedge whatever the key lists: the decision keeps it
                        skipped.append(
                            f"{d.question}: {answer!r} still reads {verdict.verdict} ({verdict.evidence})"
                        )
        if write:
            path.write_text(text, encoding="utf-8")
    return KeyFold(path, text, tuple(added), tuple(skipped))


def _check_loads(path: Path, text: str) -> Key:
    trial = path.with_name(f".{path.name}.review-check")
    trial.write_text(text, encoding="utf-8")
    try:
        return load_key(trial, validate_latex=True)
    finally:
        trial.unlink(missing_ok=True)


def _literal(text: str) -> str:
    """A TOML string for key text: a literal string ('...') keeps LaTeX backslashes as typed."""
    if "'" not in text and "\n" not in text:
        return f"'{text}'"
    return toml_string(text)


_QUESTION = re.compile(r"^\[\[question\]\]\s*$", re.M)
# A table header that is not the question's own ([key], [symbols.x], [functions.f]).
_TOP_TABLE = re.compile(r"^\[\[?(?!\[)(?!question[.\]])[^\]]+\]\]?\s*$", re.M)


def _question_block(text: str, qid: str) -> tuple[int, int]:
    starts = [m.start() for m in _QUESTION.finditer(text)]
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        if re.search(rf'^id\s*=\s*"{re.escape(qid)}"\s*$', text[start:end], re.M):
            tail = _TOP_TABLE.search(text, start + 1, end)
            return start, tail.start() if tail else end
    raise ValueError(f"question {qid} not found in the key text")


def _insert_in_list(block: str, field: re.Pattern[str], item: str) -> str | None:
    m = field.search(block)
    if m is None:
        return None
    close = block.index("]", m.end())
    body = block[m.end() : close].rstrip()
    joiner = ", " if body.strip() else ""
    return block[: m.end()] + body + joiner + item + block[close:]


def _add_accepted(text: str, qid: str, answer: str) -> str:
    start, end = _question_block(text, qid)
    block = text[start:end]
    new = _insert_in_list(block, re.compile(r"^accepted\s*=\s*\[", re.M), _literal(answer))
    if new is None:
        ref = re.search(r"^reference\s*=.*$", block, re.M)
        at = ref.end() if ref else block.index("\n")
        new = block[:at] + f"\naccepted = [{_literal(answer)}]" + block[at:]
    return text[:start] + new + text[end:]


def _add_mistake(text: str, qid: str, answer: str, *, tag: str, share: float, feedback: str) -> str:
    start, end = _question_block(text, qid)
    block = text[start:end].rstrip("\n")
    entry = (
        "\n[[question.mistakes]]  # decided by a TA in review\n"
        f'answer = {_literal(answer)}\ntag = "{tag}"\nscore = {share:g}\n'
        f"feedback = {toml_string(feedback or 'A TA graded this answer incorrect in review.')}\n"
    )
    return text[:start] + block + "\n" + entry + "\n" + text[end:].lstrip("\n")


def _add_phrase(text: str, qid: str, option: str, phrase: str) -> str:
    start, end = _question_block(text, qid)
    block = text[start:end]
    table = re.search(rf"^\[question\.parts\.options\.{re.escape(option)}\]\s*$", block, re.M)
    if table is not None:
        nxt = re.search(r"^\[", block[table.end() :], re.M)
        sub_end = table.end() + (nxt.start() if nxt else len(block) - table.end())
        sub = block[table.end() : sub_end]
        new_sub = _insert_in_list(sub, re.compile(r"^phrases\s*=\s*\[", re.M), _literal(phrase))
        if new_sub is None:
            new_sub = f"\nphrases = [{_literal(phrase)}]" + sub
        block = block[: table.end()] + new_sub + block[sub_end:]
    else:
        choices = re.search(r"^\[question\.parts\.choices\]\s*$", block, re.M)
        pattern = re.compile(rf"^{re.escape(option)}\s*=\s*\[", re.M)
        new = _insert_in_list(block[choices.end() :], pattern, _literal(phrase)) if choices else None
        if choices is None or new is None:
            raise ValueError(f"option {option} of question {qid} not found in the key text")
        block = block[: choices.end()] + new
    return text[:start] + block + text[end:]
