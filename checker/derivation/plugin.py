"""pytest plugin: every step of every reference derivation of a homework is its own test item.

Registered through the ``pytest11`` entry point, so pytest loads it in every run in an
environment where derivcheck is installed.  It therefore does nothing unless asked:

* it collects only files named ``derivations.toml``; such a file opts a directory in and names the
  homework folders whose derivations to prove (paths relative to the file)::

      [derivcheck]
      homeworks = ["../../answers/hw3", "../../answers/hw1"]

* importing this module imports neither SymPy nor any derivation: both are loaded when a
  ``derivations.toml`` is collected, so other projects pay nothing and see nothing.

Items are named ``<homework>/<question>/step <k>``
(``tests/derivation/derivations.toml::hw3::1.2.2::step 3``); a failed step reports the prover's
method and reason; a malformed derivation fails every one of its items with the
:class:`~checker.errors.DerivationError` message.  Each derivation is proved once per process
(:func:`checker.derivation.homework.proved`), when its first item runs, so ``verify`` and the
key's agreement check in the same run reuse the proof.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from checker.derivation.chain import Derivation, DerivationReport

__all__ = [
    "DerivationCollector",
    "DerivationsFile",
    "HomeworkCollector",
    "StepFailed",
    "StepItem",
    "pytest_collect_file",
]

_FILE_NAME = "derivations.toml"


class StepFailed(Exception):
    """A derivation step that the prover reports as failed (or a malformed derivation)."""


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect ``derivations.toml`` files; ignore everything else.

    Args:
        file_path: the file pytest offers.
        parent: the directory collector.

    Returns:
        A :class:`DerivationsFile` for ``derivations.toml``, None otherwise.
    """
    if file_path.name != _FILE_NAME:
        return None
    collector: DerivationsFile = DerivationsFile.from_parent(parent, path=file_path)
    return collector


class DerivationsFile(pytest.File):
    """A ``derivations.toml``: one :class:`HomeworkCollector` per homework folder it names."""

    def collect(self) -> Iterator[pytest.Item | pytest.Collector]:
        try:
            config = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise self.CollectError(f"{self.path}: expected a readable TOML file: {exc}") from exc
        section = config.get("derivcheck")
        homeworks = section.get("homeworks") if isinstance(section, dict) else None
        if not isinstance(homeworks, list) or not homeworks or not all(isinstance(h, str) for h in homeworks):
            raise self.CollectError(
                f'{self.path}: expected [derivcheck] homeworks = ["<homework folder>", ...], found {section!r}'
            )
        for folder in homeworks:
            path = (self.path.parent / folder).resolve()
            yield HomeworkCollector.from_parent(self, name=path.name, folder=path)


class HomeworkCollector(pytest.Collector):
    """One homework folder: its key is loaded and its derivations built, one collector each."""

    def __init__(self, *, folder: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.folder = folder

    def collect(self) -> Iterator[pytest.Collector]:
        # Imported here, not at the top: this module loads in every pytest run of the environment.
        from checker.derivation.homework import load_derivations  # noqa: PLC0415
        from checker.errors import CheckerError  # noqa: PLC0415
        from checker.key import load_key  # noqa: PLC0415

        try:
            homework = load_derivations(load_key(self.folder))
        except CheckerError as exc:  # a broken key or derivation module: a collection error
            raise self.CollectError(f"{self.folder}: {exc.render()}") from exc
        for derivation in homework.derivations:
            yield DerivationCollector.from_parent(self, name=derivation.question, derivation=derivation)


class DerivationCollector(pytest.Collector):
    """One derivation: yields a :class:`StepItem` per step; proves the chain once, lazily."""

    def __init__(self, *, derivation: Derivation, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.derivation = derivation
        self._error: str | None = None

    def collect(self) -> Iterator[pytest.Item]:
        for index, step in enumerate(self.derivation.steps, start=1):
            yield StepItem.from_parent(
                self, name=f"step {index}", index=index, justification=step.justification
            )

    def report(self) -> DerivationReport:
        """The derivation's report, proved on first use (once per process).

        Raises:
            StepFailed: when the derivation is malformed (the DerivationError's message).
        """
        from checker.derivation.homework import proved  # noqa: PLC0415  (see HomeworkCollector)
        from checker.errors import DerivationError  # noqa: PLC0415

        if self._error is not None:
            raise StepFailed(self._error)
        try:
            return proved(self.derivation)
        except DerivationError as exc:
            self._error = f"malformed derivation: {exc.render()}"
            raise StepFailed(self._error) from exc


class StepItem(pytest.Item):
    """One step: passes when it is given or proved, fails with the prover's reason otherwise."""

    def __init__(self, *, index: int, justification: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.index = index
        self.justification = justification

    @property
    def _derivation(self) -> DerivationCollector:
        parent = self.parent
        assert isinstance(parent, DerivationCollector)  # built only by DerivationCollector.collect
        return parent

    def runtest(self) -> None:
        report = self._derivation.report()
        proof = report.steps[self.index - 1]
        if proof.status == "failed":
            raise StepFailed(
                f"{report.question} step {proof.index} ({proof.justification}) does not follow\n"
                f"  claim:  {proof.claim}\n  method: {proof.method}\n  reason: {proof.reason}"
            )

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, StepFailed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        derivation = self._derivation.derivation
        return self.path, None, f"{derivation.question} step {self.index}: {self.justification}"
