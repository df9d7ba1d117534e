"""Gradescope: the autograder bundle and the entry point that runs inside it.

Gradescope unzips the bundle into ``/autograder/source``, runs ``setup.sh`` once when the image
is built, then for each submission copies ``run_autograder`` to ``/autograder/run_autograder``,
puts the student's files in ``/autograder/submission`` and reads
``/autograder/results/results.json``.

The bundle is self-contained: it carries the project source (``derivcheck/``, installed by
``setup.sh`` with pip into a virtual environment together with its dependencies) and the answer
key (``key/key.toml``).

Which files are graded (:func:`run_autograder`): every ``.md``, ``.tex`` and ``.txt`` file under
``submission/``, in sorted path order.  One file is graded as it is; several are concatenated
(separated by blank lines) and graded as one submission, because students often upload one file
per question; a label given in two files is graded from the later file, with a warning.  Files
that cannot be read (binary, not UTF-8, too large) are skipped with a warning; when no file can
be read the results say why, score 0.

``results.json`` is always written, even when grading fails (score 0, one test per question,
and the reason; an internal error's traceback goes to ``results/derivcheck-error.log`` for staff).  Environment overrides (for tests and local runs): ``DERIVCHECK_GRADESCOPE_ROOT``
(default ``/autograder``), ``DERIVCHECK_PYTHON`` (the interpreter ``run_autograder`` uses).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import tempfile
import traceback
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from importlib import metadata
from pathlib import Path

from checker.config import GradeConfig
from checker.errors import AnswerKeyError, CheckerError, SubmissionError
from checker.judge import KeyReport, self_test
from checker.key import Key, bundled_key_dir, load_key
from checker.read import SUBMISSION_SUFFIXES, read_submission
from checker.report.render import render_gradescope
from checker.run.grade import grade_text

__all__ = ["ROOT_ENV", "bundle_problems", "run_autograder", "write_bundle"]

#: Environment variable overriding the autograder root (default ``/autograder``).
ROOT_ENV = "DERIVCHECK_GRADESCOPE_ROOT"
_SUFFIXES = SUBMISSION_SUFFIXES
_SKIP_DIRS = {
    "__pycache__",
    ".venv",
    "venv",
    ".git",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    "build",
    "dist",
}
_SOURCE_ITEMS = ("pyproject.toml", "README.md", "LICENSE", "checker", "derivations", "answers")

_SETUP_SH = r"""#!/usr/bin/env bash
# Gradescope runs this once while building the autograder image.
# Installs Python >= 3.11 if missing, then derivcheck and its dependencies (from the project source
# in this bundle) into a virtual environment.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="${DERIVCHECK_GRADESCOPE_ROOT:-/autograder}"
VENV="$ROOT/derivcheck-venv"

find_python() {
    for candidate in python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 \
            && "$candidate" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

PYTHON="$(find_python || true)"
if [ -z "$PYTHON" ]; then
    if command -v apt-get >/dev/null 2>&1; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update
        # Ubuntu 24.04 ships 3.12 as python3; 22.04 has python3.11 in its archive.
        apt-get install -y --no-install-recommends python3 python3-venv python3-pip \
            || true
        if ! find_python >/dev/null; then
            apt-get install -y --no-install-recommends python3.11 python3.11-venv
        fi
        PYTHON="$(find_python)"
    else
        echo "setup.sh: expected python >= 3.11 or apt-get, found neither" >&2
        exit 1
    fi
fi

"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --upgrade pip
"$VENV/bin/python" -m pip install "$HERE/derivcheck"
"$VENV/bin/python" -c 'import checker.report.gradescope' && echo "setup.sh: derivcheck installed in $VENV"
"""

_RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# Gradescope runs this once per submission: grade /autograder/submission into
# /autograder/results/results.json (always written, even when grading fails).
set -uo pipefail
ROOT="${DERIVCHECK_GRADESCOPE_ROOT:-/autograder}"
PYTHON="${DERIVCHECK_PYTHON:-$ROOT/derivcheck-venv/bin/python}"
if [ ! -x "$PYTHON" ]; then
    PYTHON="$(command -v python3 || true)"
fi
mkdir -p "$ROOT/results"
if [ -n "$PYTHON" ]; then
    "$PYTHON" -c 'import sys; from checker.report.gradescope import run_autograder; sys.exit(run_autograder())'
    status=$?
else
    status=127
fi
if [ "$status" -ne 0 ] && [ ! -s "$ROOT/results/results.json" ]; then
    # Python or derivcheck is broken: still give Gradescope a valid results.json.
    printf '%s\n' '{"score": 0.0, "output": "The autograder could not start (derivcheck is not installed correctly). A TA will grade this submission by hand.", "tests": [], "visibility": "visible"}' \
        > "$ROOT/results/results.json"
fi
exit "$status"
"""


def _add_installed_source(zf: zipfile.ZipFile) -> None:
    """Bundle the installed package (no checkout, e.g. from a wheel): its packages as they are
    installed (the key already inside ``checker/_bundled``) and a minimal pyproject.toml naming
    the same dependencies, so that ``setup.sh`` installs it the same way."""
    import checker  # noqa: PLC0415  (the installed package itself, the bundled homeworks inside it)

    base = Path(str(checker.__file__)).parent
    for file in _walk(base):
        zf.write(file, f"derivcheck/{base.name}/{file.relative_to(base).as_posix()}")
    try:
        requires = [r for r in metadata.requires("derivcheck") or [] if "extra ==" not in r]
        version = metadata.version("derivcheck")
    except metadata.PackageNotFoundError:
        requires, version = ["sympy>=1.13,<2", "lark>=1.2,<2", "rich>=13.7"], "0"
    deps = "".join(f"    {json.dumps(r)},\n" for r in requires)
    zf.writestr(
        "derivcheck/pyproject.toml",
        "[build-system]\n"
        'requires = ["hatchling>=1.25"]\n'
        'build-backend = "hatchling.build"\n\n'
        "[project]\n"
        'name = "derivcheck"\n'
        f'version = "{version}"\n'
        'requires-python = ">=3.11"\n'
        f"dependencies = [\n{deps}]\n\n"
        "[project.scripts]\n"
        'derivcheck = "checker.cli:main"\n\n'
        "[tool.hatch.build.targets.wheel]\n"
        'packages = ["checker"]\n',
    )


def _project_root() -> Path | None:
    """The checkout this package runs from (a directory with pyproject.toml), or None."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "pyproject.toml").is_file() and (root / "checker").is_dir() else None


def _walk(base: Path) -> Iterator[Path]:
    for path in sorted(base.rglob("*")):
        rel = path.relative_to(base)
        if any(part in _SKIP_DIRS or part.endswith(".egg-info") for part in rel.parts):
            continue
        if path.is_file() and path.suffix not in (".pyc", ".pyo"):
            yield path


def _add_homework(zf: zipfile.ZipFile, key: Key) -> None:
    """The homework folder under ``key/``, its derivations kept where the key says they are.

    Both are written relative to the folder that holds them both, so the key's ``derivations``
    path still points at them (``answers/hw3/key.toml`` and ``derivations/hw3/``); the key file's
    place in the zip is recorded in ``key/HOMEWORK``.
    """
    root = key.path.resolve().parent
    parts = [root]
    if key.homework is not None and key.homework.derivations is not None:
        parts.append(key.homework.derivations)
    base = Path(os.path.commonpath([str(p) for p in parts]))
    for part in parts:
        for file in _walk(part):
            zf.write(file, f"key/{file.relative_to(base).as_posix()}")
    zf.writestr("key/HOMEWORK", key.path.resolve().relative_to(base).as_posix() + "\n")


def _add_executable(zf: zipfile.ZipFile, name: str, content: str) -> None:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFREG | 0o755) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, content)


def bundle_problems(report: KeyReport) -> list[str]:
    """The failed checks of a key's self-test, one line each, for the author of the key.

    >>> from checker.judge import KeyFinding
    >>> bundle_problems(KeyReport("key.toml", (KeyFinding("3.2", 12, "reference", "failed", "does not parse"),)))
    ['question 3.2 (key.toml, line 12), reference: does not parse']
    """
    return [
        f"question {f.question} ({report.key}, line {f.line}), {f.kind}: {f.detail}" for f in report.failed
    ]


def write_bundle(
    dest: Path, *, key_dir: Path | None, source: Path | None, report: KeyReport | None = None
) -> Path:
    """Write the autograder zip Gradescope expects.

    The zip holds ``setup.sh``, ``run_autograder`` (both executable, at the top level), the
    project source under ``derivcheck/`` (pyproject.toml, checker/, derivations/, answers/) and
    the key under ``key/``.

    Args:
        dest: the zip to write (its folder is created); a folder means ``dest/autograder.zip``.
        key_dir: the folder holding ``key.toml`` (default: the bundled hw3 key).  It is loaded
            and self-tested first (:func:`checker.judge.self_test`), so a broken key fails here
            and not on Gradescope, where every student would be graded by it.
        source: the project checkout to bundle (default: the checkout this package runs from).
        report: the key's self-test, when the caller already ran it.

    Returns:
        The path of the zip.

    Raises:
        AnswerKeyError: when the key does not load or fails its self-test (the problems listed).
        CheckerError: when ``source`` is given but holds no pyproject.toml.

    Example:
        >>> import tempfile, zipfile
        >>> path = write_bundle(Path(tempfile.mkdtemp()) / "autograder.zip", key_dir=None, source=None)
        >>> sorted(n for n in zipfile.ZipFile(path).namelist() if "/" not in n)
        ['run_autograder', 'setup.sh']
    """
    key = load_key(key_dir or bundled_key_dir(), validate_latex=False)
    problems = bundle_problems(report if report is not None else self_test(key))
    if problems:
        raise AnswerKeyError(
            f"expected a key that passes its self-test, found {len(problems)} problem(s): "
            + "; ".join(problems)
            + "; fix: correct the key (`derivcheck verify --key DIR` shows every check)",
            where=str(key.path),
        )
    root = source or _project_root()
    if root is not None and not (root / "pyproject.toml").is_file():
        raise CheckerError(
            f"expected the derivcheck project source (a folder with pyproject.toml), found source={root}; "
            "fix: pass the checkout's folder, or nothing to bundle the installed package"
        )
    if dest.is_dir():
        dest = dest / "autograder.zip"
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        _add_executable(zf, "setup.sh", _SETUP_SH)
        _add_executable(zf, "run_autograder", _RUN_AUTOGRADER)
        if root is None:
            _add_installed_source(zf)
        else:
            for item in _SOURCE_ITEMS:
                path = root / item
                if path.is_file():
                    zf.write(path, f"derivcheck/{item}")
                elif path.is_dir():
                    for file in _walk(path):
                        zf.write(file, f"derivcheck/{item}/{file.relative_to(path).as_posix()}")
        _add_homework(zf, key)
    os.replace(tmp, dest)
    return dest


# ----------------------------------------------------------------------------------------------
# inside Gradescope
# ----------------------------------------------------------------------------------------------


def _key_for(root: Path, *, validate: bool = True) -> Key:
    folder = root / "source" / "key"
    marker = folder / "HOMEWORK"
    bundled = folder / marker.read_text(encoding="utf-8").strip() if marker.is_file() else None
    return load_key(bundled, validate_latex=validate)


def _submission_text(folder: Path) -> tuple[str, tuple[str, ...]]:
    """The text to grade and warnings; raises SubmissionError when nothing can be read."""
    if not folder.is_dir():
        raise SubmissionError(f"expected a submission folder, found nothing at {folder}")
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in _SUFFIXES)
    if not files:
        others = sorted(p.name for p in folder.rglob("*") if p.is_file())
        found = ", ".join(others[:5]) if others else "no files"
        raise SubmissionError(
            f"expected a {', '.join(_SUFFIXES)} file, found {found}; fix: upload the answers as "
            "LaTeX, a notebook, a PDF with text, Markdown or plain text",
            where="submission",
        )
    texts: list[str] = []
    warnings: list[str] = []
    problems: list[str] = []
    for path in files:
        try:
            texts.append(read_submission(str(path)))
        except SubmissionError as exc:
            problems.append(exc.render())
    if not texts:
        raise SubmissionError("; ".join(problems), where="submission")
    warnings.extend(f"skipped a file that could not be read: {p}" for p in problems)
    if len(texts) > 1:
        names = ", ".join(p.name for p in files)
        warnings.append(f"{len(texts)} files were graded as one submission, in this order: {names}")
    return "\n\n".join(texts), tuple(warnings)


def run_autograder(root: Path | None = None) -> int:
    """Grade ``root/submission`` into ``root/results/results.json``; the results are always written.

    Args:
        root: the autograder root; default the ``DERIVCHECK_GRADESCOPE_ROOT`` environment
            variable, else ``/autograder``.

    Returns:
        0 when results.json was written (graded, or explaining why it could not be), 1 when even
        that failed.

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp())
        >>> run_autograder(root)  # no submission folder: results say so
        0
        >>> json.loads((root / "results" / "results.json").read_text())["score"]
        0.0
    """
    base = root or Path(os.environ.get(ROOT_ENV, "/autograder"))
    out = base / "results" / "results.json"
    key: Key | None = None
    results: dict[str, object]
    try:
        key = _key_for(base)
        try:
            text, warnings = _submission_text(base / "submission")
        except SubmissionError as exc:
            results = render_gradescope(None, key, error=exc.render())
        else:
            config = GradeConfig(jobs=max(1, min(4, os.cpu_count() or 1)))
            graded = grade_text(text, key, config=config, name="submission")
            if warnings:
                graded = replace(graded, warnings=graded.warnings + warnings)
            results = render_gradescope(graded, key)
    except Exception as exc:
        # Students see only that the autograder failed: a key error's message quotes the key (its
        # reference answer among it) and an internal error's repr is for staff.  Both go to the
        # staff-only log below.
        message = (
            exc.render()
            if isinstance(exc, SubmissionError)
            else "the autograder could not grade this submission (a problem on the course's side, not in "
            "your work)"
        )
        if key is None:
            # One test per question even now, when the key's questions can be listed at all.
            with contextlib.suppress(Exception):
                key = _key_for(base, validate=False)
        if key is not None:
            results = render_gradescope(None, key, error=message)
        else:
            results = {
                "score": 0.0,
                "output": "The autograder failed: " + message,
                "tests": [],
                "visibility": "visible",
            }
        results["stdout_visibility"] = "hidden"
        # The traceback is for staff: beside results.json, never in what students see.
        with contextlib.suppress(OSError):
            out.parent.mkdir(parents=True, exist_ok=True)
            detail = exc.render() if isinstance(exc, CheckerError) else repr(exc)
            (out.parent / "derivcheck-error.log").write_text(
                f"{detail}\n\n{traceback.format_exc()}", encoding="utf-8"
            )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=out.parent, delete=False, encoding="utf-8") as fh:
            json.dump(results, fh, indent=2, ensure_ascii=False)
        shutil.move(fh.name, out)
    except OSError:
        return 1
    return 0
