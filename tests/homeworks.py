"""Copies of a bundled homework folder for tests that change its key (the layout kept)."""

from __future__ import annotations

import shutil
from pathlib import Path

from checker.key import bundled_root


def copy_homework(dest: Path, name: str = "hw3") -> Path:
    """Copy ``answers/<name>`` and ``derivations/<name>`` under ``dest``; return the homework folder.

    The relative layout is kept, so the copied key's ``derivations = "../../derivations/<name>"``
    still points at its derivations.
    """
    root = bundled_root()
    for part in ("answers", "derivations"):
        source = root / part / name
        if source.is_dir():
            shutil.copytree(source, dest / part / name, ignore=shutil.ignore_patterns("__pycache__"))
    return dest / "answers" / name


def rewrite_key(dest: Path, old: str, new: str, name: str = "hw3") -> Path:
    """A copy of the homework whose key.toml has its first ``old`` replaced by ``new``; its key file."""
    folder = copy_homework(dest, name)
    key_file = folder / "key.toml"
    text = key_file.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in the {name} key"
    key_file.write_text(text.replace(old, new, 1), encoding="utf-8")
    return key_file
