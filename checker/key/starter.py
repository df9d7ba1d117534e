"""A starter homework folder for a first-time key author (``derivcheck new DIR``).

It writes a complete, working homework that ``derivcheck verify --key DIR`` passes and
``derivcheck grade DIR/samples/* --key DIR`` grades as it stands::

    DIR/key.toml                 every field commented, pointing at ``derivcheck schema``
    DIR/derivations/q1.py        one reference derivation, ``derivation(key) -> Derivation``
    DIR/samples/good.md          a right submission
    DIR/samples/mistakes.txt     a submission with a known mistake and a wrong claim
    DIR/samples/expected.toml    what a TA gives each sample

The files are package data (``checker/key/starter/``), copied with the folder's name filled in.
"""

from __future__ import annotations

import re
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from checker.errors import CheckerError

__all__ = ["write_starter"]


def _files(root: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    out: list[tuple[str, Traversable]] = []
    for item in sorted(root.iterdir(), key=lambda t: t.name):
        if item.name == "__pycache__":
            continue
        if item.is_dir():
            out += _files(item, f"{prefix}{item.name}/")
        else:
            out.append((prefix + item.name, item))
    return out


def write_starter(folder: str | Path) -> tuple[Path, ...]:
    """Write a starter homework into ``folder`` (created if needed).

    Args:
        folder: where to write; it must not exist or be empty.

    Returns:
        The files written, in order.

    Raises:
        CheckerError: ``folder`` is a file or a non-empty folder (nothing is overwritten).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [p.name for p in write_starter(Path(tmp) / "hw4")][:2]
    ['q1.py', 'key.toml']
    """
    dest = Path(folder)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise CheckerError(
            f"expected a new or empty folder, found {'a file' if not dest.is_dir() else 'a non-empty folder'} "
            f"at path={str(dest)!r}; fix: choose another folder (nothing was overwritten)"
        )
    name = re.sub(r"[^\w.-]", "_", dest.resolve().name)  # a TOML string and a report's name as is
    fill = {"@NAME@": name, "@DIR@": re.sub(r"[\r\n]", " ", str(folder))}
    written: list[Path] = []
    for relative, source in _files(resources.files("checker.key").joinpath("starter")):
        text = source.read_text(encoding="utf-8")
        for placeholder, value in fill.items():
            text = text.replace(placeholder, value)
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return tuple(written)
