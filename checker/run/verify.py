"""Verifying a homework folder (``derivcheck verify``): its derivations, its key, its samples.

* every step of every reference derivation is proved (:func:`checker.derivation.prove`);
* the key agrees with its derivations: each reference equals its derivation's answer, each known
  mistake differs from it (:func:`checker.derivation.homework.check_against_key`);
* the key's self-test passes (:func:`checker.judge.self_test`: accepted forms agree, mistakes and
  generated near misses are not graded correct);
* the homework's sample submissions grade as ``samples/expected.toml`` says (:func:`check_samples`,
  which the tests use too).

A derivation module that cannot be built is a failure of the report (named with its file), not an
exception: the rest of the homework is still verified.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.config import EquivalenceConfig, GradeConfig
from checker.derivation.chain import DerivationReport
from checker.derivation.homework import check_against_key, load_derivations, proved
from checker.errors import DerivationError
from checker.judge import KeyFinding, KeyReport, self_test
from checker.key import Expectation, Key, load_expectations
from checker.verdict import QuestionVerdict

__all__ = ["VerifyReport", "check_samples", "verify"]


@dataclass(frozen=True)
class VerifyReport:
    """What ``derivcheck verify`` found.

    Attributes:
        derivations: one proof report per derivation, in the key's question order.
        key: the key's self-test and its agreement with the derivations.
        problems: derivation modules that could not be built (the message names the file).
        samples: one finding per (sample file, question) of ``samples/expected.toml``
            (kind ``sample``), empty when the homework has no expectations.
    """

    derivations: tuple[DerivationReport, ...]
    key: KeyReport
    problems: tuple[str, ...] = ()
    samples: tuple[KeyFinding, ...] = ()

    @property
    def ok(self) -> bool:
        """True when every step is proved, every key check passed, every sample graded as
        expected and nothing failed to build."""
        return (
            not self.problems
            and self.key.ok
            and all(r.ok for r in self.derivations)
            and all(f.status == "ok" for f in self.samples)
        )

    def to_json(self) -> dict[str, Any]:
        """The contract's object: ``{"derivations": [...], "key": {...}, "problems": [...],
        "samples": [...], "ok"}``."""
        return {
            "derivations": [r.to_json() for r in self.derivations],
            "key": self.key.to_json(),
            "problems": list(self.problems),
            "samples": [f.to_json() for f in self.samples],
            "ok": self.ok,
        }


def verify(
    key: Key, *, config: EquivalenceConfig = EquivalenceConfig(), samples: GradeConfig | None = None
) -> VerifyReport:
    """Prove a homework's derivations, check them against its key, self-test the key and grade
    its samples.

    Args:
        key: the homework's loaded key (its folder says where the derivations are).
        config: the equivalence knobs the self-test judges with (as grading does).
        samples: how the samples are graded (default: one worker, the default budget).

    Returns:
        The report; ``ok`` is False when anything failed.

    >>> import tempfile
    >>> from checker.key import load_key
    >>> from checker.key import write_starter
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = write_starter(tmp)
    ...     report = verify(load_key(tmp))
    >>> report.ok, [d.name for d in report.derivations], len(report.samples)
    (True, ['q1'], 4)
    """
    problems: list[str] = []
    agreement: tuple[KeyFinding, ...] = ()
    reports: tuple[DerivationReport, ...] = ()
    try:
        homework = load_derivations(key)
    except DerivationError as exc:
        problems.append(exc.render())
    else:
        built: list[DerivationReport] = []
        for derivation in homework.derivations:
            try:
                built.append(proved(derivation))
            except DerivationError as exc:
                problems.append(f"{derivation.name}: malformed derivation: {exc.render()}")
        reports = tuple(built)
        agreement = check_against_key(homework)
    report = self_test(key, config=config)
    combined = KeyReport(key=report.key, findings=report.findings + agreement)
    graded = check_samples(key, config=samples or GradeConfig(jobs=1, equivalence=config))
    return VerifyReport(derivations=reports, key=combined, problems=tuple(problems), samples=graded)


def check_samples(key: Key, *, config: GradeConfig = GradeConfig(jobs=1)) -> tuple[KeyFinding, ...]:
    """Grade the homework's sample submissions and compare with ``samples/expected.toml``.

    One finding (kind ``sample``) per listed (file, question): ``ok`` when the verdict, and the
    score and note where listed, are what the TA expects.  A sample file with no table, a table
    naming no file, and a graded question a table leaves out are failed findings too: every
    sample says what each question should get.

    Args:
        key: the homework's loaded key.
        config: how the samples are graded (workers, budget, equivalence knobs).

    Returns:
        The findings, by file then in the key's question order; empty when the homework has no
        samples or no ``expected.toml``.

    Raises:
        AnswerKeyError: ``expected.toml`` is malformed (see :mod:`checker.key.samples`).

    >>> from checker.key import load_key
    >>> found = check_samples(load_key())
    >>> len(found) >= 8, all(f.status == "ok" for f in found)
    (True, True)
    """
    from checker.run.grade import grade_paths  # noqa: PLC0415  (grading starts workers)

    found = load_expectations(key)
    if found is None or not found.expected:
        return ()
    by_file: dict[str, dict[str, Expectation]] = {}
    for entry in found.expected:
        by_file.setdefault(entry.file, {})[entry.question] = entry
    lines = {q.id: q.line for q in key.questions}
    findings: list[KeyFinding] = []
    names = {p.name: p for p in found.files}
    for name in sorted(set(names) - set(by_file)):
        findings.append(
            KeyFinding("-", 0, "sample", "failed", f"{name}: no table [{name!r}] in samples/expected.toml")
        )
    for name in sorted(set(by_file) - set(names)):
        findings.append(
            KeyFinding("-", 0, "sample", "failed", f"[{name!r}] of expected.toml: no such sample")
        )
    paths = [str(names[n]) for n in sorted(set(names) & set(by_file))]
    results = {Path(r.submission).name: r for r in grade_paths(paths, key, config=config)}
    for name in sorted(results):
        expected = by_file[name]
        for verdict in results[name].questions:
            e = expected.get(verdict.question)
            line = lines.get(verdict.question, 0)
            if e is None:
                if verdict.max_score > 0:
                    findings.append(
                        KeyFinding(
                            verdict.question,
                            line,
                            "sample",
                            "failed",
                            f"{name}: expected.toml does not say what question {verdict.question} "
                            f"should get (it was graded {_said(verdict)})",
                        )
                    )
                continue
            ok = (
                verdict.verdict == e.verdict
                and (e.score is None or abs(verdict.score - e.score) < 1e-6)
                and (e.note is None or verdict.answer_note == e.note)
            )
            want = e.verdict + (f", score {e.score:g}" if e.score is not None else "")
            want += f", note {e.note}" if e.note is not None else ""
            detail = f"{name}: expected {want}, graded {_said(verdict)}"
            if not ok:
                detail += f" ({verdict.feedback})"
            findings.append(KeyFinding(verdict.question, line, "sample", "ok" if ok else "failed", detail))
    return tuple(findings)


def _said(verdict: QuestionVerdict) -> str:
    return f"{verdict.verdict}, score {verdict.score:g}, note {verdict.answer_note}"
