"""A homework's sample submissions and the verdicts a TA expects for them (``samples/expected.toml``).

::

    ["sample-submission.md"]          # one table per file of samples/
    "1.2.2" = "correct"               # per question a verdict ...
    "3.2" = { verdict = "incorrect", score = 0.5, note = "sigma_squared_for_sigma" }   # ... or more

``score`` is the points the question earns (not a share), ``note`` the verdict's ``answer_note``
(a known mistake's tag).  Every graded question of the key must be listed for every file, so a
sample says what a TA would give it, question by question.  Grading the samples and comparing is
:func:`checker.run.verify.check_samples` (``derivcheck verify`` and the tests use it).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import msgspec

from checker.errors import AnswerKeyError
from checker.key.model import Key
from checker.verdict import VerdictLabel

__all__ = ["EXPECTED_FILE", "Expectation", "SampleExpectations", "load_expectations", "sample_files"]

EXPECTED_FILE = "expected.toml"


class _Expected(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    verdict: VerdictLabel
    score: Annotated[float, msgspec.Meta(ge=0)] | None = None
    note: str | None = None


_FileTable = dict[str, VerdictLabel | _Expected]


@dataclass(frozen=True)
class Expectation:
    """What a TA expects for one question of one sample.

    Attributes:
        file: the sample's file name (in ``samples/``).
        question: the question id.
        verdict: the expected verdict.
        score: the expected points, or None when only the verdict is said.
        note: the expected ``answer_note``, or None.
    """

    file: str
    question: str
    verdict: VerdictLabel
    score: float | None = None
    note: str | None = None


@dataclass(frozen=True)
class SampleExpectations:
    """A homework's samples folder: its submissions and what each should be graded.

    Attributes:
        folder: the samples folder.
        files: the sample submissions (every file but ``expected.toml`` and ``README*``), sorted.
        expected: one entry per (file, question) of ``expected.toml``, in file order.
    """

    folder: Path
    files: tuple[Path, ...]
    expected: tuple[Expectation, ...]


def sample_files(folder: Path) -> tuple[Path, ...]:
    """The sample submissions of a samples folder: its files but ``expected.toml`` and READMEs."""
    return tuple(
        sorted(
            p
            for p in folder.iterdir()
            if p.is_file() and p.name != EXPECTED_FILE and not p.name.lower().startswith("readme")
        )
    )


def load_expectations(key: Key) -> SampleExpectations | None:
    """The key's samples and their expected verdicts, or None when the homework has no samples.

    Args:
        key: a loaded key (its homework folder says where ``samples/`` is).

    Returns:
        The samples and expectations (an empty ``expected`` when there is no ``expected.toml``).

    Raises:
        AnswerKeyError: ``expected.toml`` is not valid TOML or not of the form above, or names a
            question the key does not have; the message names the file and the entry.

    >>> from checker.key import load_key
    >>> found = load_expectations(load_key(validate_latex=False))
    >>> found is not None and found.expected[0].file
    'sample-submission.md'
    """
    folder = key.homework.samples if key.homework is not None else None
    if folder is None:
        return None
    files = sample_files(folder)
    path = folder / EXPECTED_FILE
    if not path.is_file():
        return SampleExpectations(folder=folder, files=files, expected=())
    where = f"Answer key error in {path}"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        tables = msgspec.convert(data, dict[str, _FileTable])
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise AnswerKeyError(f"expected a readable TOML file, found: {exc}", where=where) from exc
    except msgspec.ValidationError as exc:
        raise AnswerKeyError(
            f"expected one table per sample file, per question a verdict or "
            f"{{verdict, score, note}}, found: {exc}; fix: correct the entry",
            where=where,
        ) from exc
    ids = {q.id for q in key.questions}
    out: list[Expectation] = []
    for file, table in tables.items():
        for qid, value in table.items():
            if qid not in ids:
                raise AnswerKeyError(
                    f"expected question ids of the key, found question={qid!r} in table [{file!r}]; "
                    f"fix: one of {', '.join(sorted(ids))}",
                    where=where,
                )
            if isinstance(value, str):
                out.append(Expectation(file, qid, value))
            else:
                out.append(Expectation(file, qid, value.verdict, value.score, value.note))
    return SampleExpectations(folder=folder, files=files, expected=tuple(out))
