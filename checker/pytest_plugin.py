"""pytest plugin: every step of every reference derivation is its own test item.

Registered through the ``pytest11`` entry point, so pytest loads it in every run in an
environment where derivcheck is installed.  It therefore does nothing unless asked:

* it collects only files named ``derivations.toml``; such a file opts a directory in and names
  the package holding the derivations::

      [derivcheck]
      package = "derivations"     # a module with all_derivations() -> tuple[Derivation, ...]

* importing this module imports neither SymPy nor the derivations: both are loaded when a
  ``derivations.toml`` is collected, so other projects pay nothing and see nothing.

Items are named ``<question> step <k>`` (``tests/derivations/derivations.toml::1.2.2 step 3``);
a failed step reports the prover's method and reason; a malformed derivation fails every one of
its items with the :class:`~checker.errors.DerivationError` message.  Each derivation is proved
once, when its first item runs, and the report is kept on its collector node.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from checker.derivation import Derivation, DerivationReport

__all__ = ["DerivationCollector", "DerivationsFile", "StepFailed", "StepItem", "pytest_collect_file"]

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
    """A ``derivations.toml``: one :class:`DerivationCollector` per derivation of its package."""

    def collect(self) -> Iterator[pytest.Item | pytest.Collector]:
        try:
            config = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise self.CollectError(f"{self.path}: expected a readable TOML file: {exc}") from exc
        section = config.get("derivcheck")
        package = section.get("package") if isinstance(section, dict) else None
        if not isinstance(package, str) or not package:
            raise self.CollectError(
                f'{self.path}: expected [derivcheck] package = "<module with all_derivations()>", found {section!r}'
            )
        try:
            module = import_module(package)
            derivations: tuple[Derivation, ...] = module.all_derivations()
        except Exception as exc:  # a broken derivations package is a collection error, never a crash
            raise self.CollectError(
                f"{self.path}: cannot load derivations from {package!r}: {exc!r}"
            ) from exc
        for derivation in derivations:
            yield DerivationCollector.from_parent(self, name=derivation.question, derivation=derivation)


class DerivationCollector(pytest.Collector):
    """One derivation: yields a :class:`StepItem` per step; proves the chain once, lazily."""

    def __init__(self, *, derivation: Derivation, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.derivation = derivation
        self._report: DerivationReport | None = None
        self._error: str | None = None

    def collect(self) -> Iterator[pytest.Item]:
        for index, step in enumerate(self.derivation.steps, start=1):
            yield StepItem.from_parent(
                self, name=f"step {index}", index=index, justification=step.justification
            )

    def report(self) -> DerivationReport:
        """The derivation's report, proved on first use.

        Raises:
            StepFailed: when the derivation is malformed (the DerivationError's message).
        """
        # Imported here, not at the top: this module loads in every pytest run of the environment.
        from checker.derivation import prove  # noqa: PLC0415
        from checker.errors import DerivationError  # noqa: PLC0415

        if self._error is not None:
            raise StepFailed(self._error)
        if self._report is None:
            try:
                self._report = prove(self.derivation)
            except DerivationError as exc:
                self._error = f"malformed derivation: {exc.render()}"
                raise StepFailed(self._error) from exc
        return self._report


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
