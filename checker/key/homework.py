"""A homework is a folder a TA owns: its key, its reference derivations and its sample submissions.

::

    DIR/key.toml          the answer key (``[key] derivations = "..."`` may point elsewhere)
    DIR/derivations/      one Python module per reference derivation (``derivation(key)``)
    DIR/samples/          submissions with their expected verdicts (``samples/expected.toml``)

The bundled homeworks use the very same mechanism: ``answers/hw3/key.toml`` says
``derivations = "../../derivations/hw3"``, so the repository keeps its top-level ``answers/`` and
``derivations/`` and a wheel carries both under ``checker/_bundled/`` with the same relative layout.
Nothing here knows a homework's name but :data:`DEFAULT_HOMEWORK`, the one ``--key`` defaults to.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from checker.errors import AnswerKeyError

__all__ = [
    "DEFAULT_HOMEWORK",
    "KEY_FILE",
    "SAMPLES_DIR",
    "bundled_homeworks",
    "bundled_key_dir",
    "bundled_root",
    "key_file",
]

#: The bundled homework ``--key`` defaults to (a folder of ``answers/``).
DEFAULT_HOMEWORK = "hw3"
KEY_FILE = "key.toml"
SAMPLES_DIR = "samples"
DERIVATIONS_DIR = "derivations"


def bundled_root() -> Path:
    """The folder holding the bundled ``answers/`` and ``derivations/``.

    A wheel carries them inside the package (``checker/_bundled/``); a checkout or an editable
    install has them at the top of the repository.
    """
    packaged = Path(str(resources.files("checker"))) / "_bundled"
    if (packaged / "answers").is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent.parent


def bundled_key_dir(name: str = DEFAULT_HOMEWORK) -> Path:
    """The folder of a bundled homework (default: the one ``--key`` defaults to).

    >>> (bundled_key_dir() / "key.toml").is_file()
    True
    """
    return bundled_root() / "answers" / name


def bundled_homeworks() -> tuple[str, ...]:
    """Names of the bundled homeworks, sorted.

    >>> "hw3" in bundled_homeworks()
    True
    """
    answers = bundled_root() / "answers"
    return tuple(sorted(p.name for p in answers.iterdir() if (p / KEY_FILE).is_file()))


def key_file(path: str | Path | None) -> Path:
    """The ``key.toml`` of a homework folder (or the file itself); None for the default homework.

    Raises:
        AnswerKeyError: when there is no key file there, naming the path.
    """
    if path is None:
        return bundled_key_dir() / KEY_FILE
    p = Path(path)
    if p.is_dir():
        p = p / KEY_FILE
    if not p.is_file():
        raise AnswerKeyError(
            f"expected a homework folder with a key.toml (or the key file itself), found nothing at "
            f"path={str(p)!r}; fix: pass --key DIR, where DIR holds key.toml (derivcheck new DIR writes one)",
            where="Answer key error",
        )
    return p


@dataclass(frozen=True)
class HomeworkPaths:
    """Where a homework's parts are on disk.

    Attributes:
        root: the homework folder (the one holding ``key.toml``).
        derivations: the folder of its reference derivations, or None when it has none.
        samples: the folder of its sample submissions, or None when it has none.
    """

    root: Path
    derivations: Path | None
    samples: Path | None


def homework_paths(key_path: Path, derivations: str | None) -> HomeworkPaths:
    """The parts of the homework whose key file is ``key_path``.

    Args:
        key_path: the key file.
        derivations: the key's ``[key] derivations`` setting (a folder relative to the key's
            folder), or None for ``derivations/`` beside the key when it exists.
    """
    root = key_path.resolve().parent
    if derivations is None:
        folder: Path | None = root / DERIVATIONS_DIR
        if not folder.is_dir():  # type: ignore[union-attr]
            folder = None
    else:
        folder = (root / derivations).resolve()
    samples = root / SAMPLES_DIR
    return HomeworkPaths(root=root, derivations=folder, samples=samples if samples.is_dir() else None)
