"""Submission files: which paths to grade (files, folders, globs) and reading one with its reader.

Only regular files are read: a FIFO, a device or a socket is reported as skipped with the reason
and never opened (``stat`` first, then ``open`` with ``O_NONBLOCK`` and ``fstat`` again, so a file
swapped for a FIFO in between cannot block).  Folder walks and ``**`` globs follow a directory
symlink once and never round a loop (directories are identified by device and inode); each entry
that cannot be read is reported once.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass

from checker.errors import SubmissionError
from checker.read.document import Document
from checker.read.notebook import read_notebook
from checker.read.pdf import read_pdf
from checker.read.tex import read_tex
from checker.read.text import read_email, read_markdown

__all__ = [
    "SUBMISSION_SUFFIXES",
    "Found",
    "Skipped",
    "expand_paths",
    "find_submissions",
    "read_document",
    "read_submission",
]

#: File suffixes a folder is searched for, each with the reader that reads it.
SUBMISSION_SUFFIXES = (".md", ".markdown", ".tex", ".txt", ".text", ".eml", ".ipynb", ".pdf")
_BINARY_SUFFIXES = (".pdf",)
#: Larger limits for formats that carry images (notebook outputs, PDF pages).
_LARGE_SUFFIXES = (".ipynb", ".pdf")


@dataclass(frozen=True)
class Skipped:
    """A path that was not graded and why (``not a regular file (FIFO)``, ``unsupported suffix``)."""

    path: str
    reason: str


@dataclass(frozen=True)
class Found:
    """What a list of paths expands to.

    Attributes:
        files: the submission files to grade, sorted, each once (by resolved path).
        skipped: every path left out, with the reason, each once.
    """

    files: tuple[str, ...]
    skipped: tuple[Skipped, ...]


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def _suffix(path: str) -> str:
    return os.path.splitext(path)[1].lower()


class _Walker:
    """Collects files and skipped entries; remembers visited directories and files."""

    def __init__(self) -> None:
        self.files: dict[str, str] = {}  # resolved path → path as found
        self.skipped: dict[str, str] = {}
        self.seen_dirs: set[tuple[int, int]] = set()

    def skip(self, path: str, reason: str) -> None:
        self.skipped.setdefault(os.path.normpath(path), reason)

    def add_file(self, path: str, *, named: bool) -> None:
        """A file found by a walk (``named`` False: its suffix decides) or named/globbed."""
        try:
            st = os.stat(path)
        except OSError as exc:
            self.skip(path, f"cannot be read ({exc.strerror or exc})")
            return
        if not stat.S_ISREG(st.st_mode):
            self.skip(path, f"{_kind(st.st_mode)}, not a regular file: never opened")
            return
        if not named and _suffix(path) not in SUBMISSION_SUFFIXES:
            self.skip(
                path,
                f"unsupported suffix {_suffix(path) or '(none)'!r}; read: {', '.join(SUBMISSION_SUFFIXES)}",
            )
            return
        resolved = os.path.realpath(path)
        self.files.setdefault(resolved, os.path.normpath(path))

    def walk(self, root: str) -> None:
        """Every file under ``root``; directory symlinks followed once, loops reported once."""
        stack = [root]
        while stack:
            folder = stack.pop()
            try:
                st = os.stat(folder)
            except OSError as exc:
                self.skip(folder, f"cannot be read ({exc.strerror or exc})")
                continue
            ident = (st.st_dev, st.st_ino)
            if ident in self.seen_dirs:
                if os.path.islink(folder):
                    self.skip(folder, "a symlink back into a folder already searched (a loop): not followed")
                continue
            self.seen_dirs.add(ident)
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError as exc:
                self.skip(folder, f"cannot be listed ({exc.strerror or exc})")
                continue
            for entry in entries:
                path = os.path.join(folder, entry.name)
                if entry.name.startswith("."):
                    continue  # hidden: .git, .ipynb_checkpoints (copies of the notebooks)
                try:
                    is_dir = entry.is_dir(follow_symlinks=True)
                except OSError as exc:
                    self.skip(path, f"cannot be read ({exc.strerror or exc})")
                    continue
                if is_dir:
                    stack.append(path)
                else:
                    self.add_file(path, named=False)

    def glob(self, pattern: str) -> bool:
        """Files matching a glob; ``**`` is walked without rounding symlink loops.  False: no match."""
        if "**" in pattern:
            head = pattern.split("**", 1)[0]
            roots = glob.glob(head) if glob.has_magic(head) else [head or "."]
            matched = 0
            for root in roots:
                if os.path.isdir(root):
                    sub = _Walker()  # its own visited set: another pattern may reach the same folders
                    sub.walk(root)
                    for resolved, path in sub.files.items():
                        if fnmatch.fnmatch(path, os.path.normpath(pattern)) or fnmatch.fnmatch(path, pattern):
                            self.files.setdefault(resolved, path)
                            matched += 1
                    for path, reason in sub.skipped.items():
                        if reason.startswith("unsupported suffix") and not fnmatch.fnmatch(path, pattern):
                            continue
                        self.skip(path, reason)
            return matched > 0
        matches = glob.glob(pattern)
        for match in sorted(matches):
            if os.path.isdir(match):
                self.walk(match)
            else:
                self.add_file(match, named=True)
        return bool(matches)


def find_submissions(paths: Sequence[str]) -> Found:
    """Files, folders (searched for every supported suffix) and globs → the files to grade.

    A path that is neither an existing file, nor a folder, nor a glob that matches is kept as a
    file, so that grading reports it as unreadable instead of silently dropping it.

    Args:
        paths: as given on the command line.

    Returns:
        The files (sorted, each once) and the paths skipped with their reasons.

    Example:
        >>> import tempfile, pathlib, os
        >>> d = pathlib.Path(tempfile.mkdtemp())
        >>> for name in ("a.md", "b.ipynb", "c.docx"): _ = (d / name).write_text("x")
        >>> os.mkfifo(d / "pipe.md")
        >>> found = find_submissions([str(d)])
        >>> [os.path.basename(f) for f in found.files]
        ['a.md', 'b.ipynb']
        >>> sorted((os.path.basename(s.path), s.reason.split(",")[0]) for s in found.skipped)
        [('c.docx', "unsupported suffix '.docx'; read: .md"), ('pipe.md', 'a FIFO (named pipe)')]
    """
    walker = _Walker()
    for raw in paths:
        if os.path.isdir(raw):
            walker.walk(raw)
        elif os.path.lexists(raw):
            walker.add_file(raw, named=True)
        elif glob.has_magic(raw):
            if not walker.glob(raw):
                walker.skip(raw, "the pattern matches no file")
        else:
            walker.files.setdefault(os.path.realpath(raw), os.path.normpath(raw))
    files = sorted(set(walker.files.values()))
    skipped = tuple(Skipped(p, r) for p, r in sorted(walker.skipped.items()))
    return Found(tuple(files), skipped)


def expand_paths(paths: Sequence[str]) -> list[str]:
    """The files of :func:`find_submissions` (what it skipped is dropped: use it to report them).

    >>> expand_paths(["b.md", "a.md", "b.md"])
    ['a.md', 'b.md']
    """
    return list(find_submissions(paths).files)


def _read_bytes(path: str, max_bytes: int) -> bytes:
    """The file's bytes; only a regular file is ever opened, and never in a blocking way."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise SubmissionError(
                f"expected a regular file, found {_kind(st.st_mode)}; fix: grade the file itself", where=path
            )
        if st.st_size > max_bytes:
            raise SubmissionError(
                f"expected a submission of at most {max_bytes:,} bytes, found size={st.st_size:,} bytes; "
                "fix: submit the written answers only (export text, not images)",
                where=path,
            )
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped between stat and open
                raise SubmissionError(
                    "expected a regular file, found something else; fix: grade the file itself", where=path
                )
            chunks: list[bytes] = []
            size = 0
            while size <= max_bytes:
                chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        finally:
            os.close(fd)
    except OSError as exc:
        raise SubmissionError(
            f"expected a readable file, found {exc.strerror or exc}; fix: check the path", where=path
        ) from exc
    data = b"".join(chunks)
    if len(data) > max_bytes:  # grew while we looked
        raise SubmissionError(f"expected a submission of at most {max_bytes:,} bytes, found more", where=path)
    return data


def _decode(data: bytes, path: str) -> str:
    nul = data.find(b"\x00")
    if nul != -1:
        raise SubmissionError(
            f"expected a text file, found binary data (a NUL byte at offset {nul}); "
            "fix: export the submission as Markdown, LaTeX or plain text",
            where=path,
        )
    try:
        # Windows line ends become \n, so that labels and math lines are found the same way.
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        raise SubmissionError(
            f"expected UTF-8 text, found byte 0x{data[exc.start]:02x} at offset {exc.start} that is not "
            "UTF-8; fix: re-export the submission as UTF-8",
            where=path,
        ) from exc


def read_document(path: str, *, max_bytes: int = 2_000_000) -> Document:
    """Read a submission file with the reader its suffix names.

    ``.tex`` LaTeX source, ``.ipynb`` notebook, ``.pdf`` text layer, ``.txt``/``.eml`` e-mail style
    text, anything else Markdown.

    Args:
        path: the file.
        max_bytes: larger text files are refused (notebooks and PDFs may be ten times larger).

    Returns:
        The document.

    Raises:
        SubmissionError: naming the file and the condition: missing or unreadable, not a regular
            file, too large, binary, not UTF-8, or not a notebook/PDF its library can open.

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.tex"
        >>> _ = p.write_text("\\\\section*{3.2} % \\\\sigma = p\\n$\\\\sigma = 1$")
        >>> read_document(str(p)).text
        '\\n\\n# 3.2\\n \\n$\\\\sigma = 1$'
    """
    suffix = _suffix(path)
    limit = max_bytes * 10 if suffix in _LARGE_SUFFIXES else max_bytes
    data = _read_bytes(path, limit)
    if suffix == ".pdf":
        document = read_pdf(data, source=path)
    else:
        text = _decode(data, path)
        if suffix == ".tex":
            document = read_tex(text, source=path)
        elif suffix == ".ipynb":
            document = read_notebook(text, source=path)
        elif suffix in (".txt", ".text", ".eml"):
            document = read_email(text, source=path)
        else:
            document = read_markdown(text, source=path)
    # The hard bound on what extraction scans (a notebook's images do not count, its text does).
    if len(document.text) > max_bytes:
        raise SubmissionError(
            f"expected at most {max_bytes:,} characters of written answers, found "
            f"size={len(document.text):,}; fix: submit the written answers only",
            where=path,
        )
    return document


def read_submission(path: str, *, max_bytes: int = 2_000_000) -> str:
    """The text of a submission file as extraction reads it (see :func:`read_document`).

    Raises:
        SubmissionError: as :func:`read_document`, and for a file with nothing to read (a PDF
            without a text layer).

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.md"
        >>> _ = p.write_bytes("\\ufeff3.2 $\\\\sigma$".encode())
        >>> read_submission(str(p))
        '3.2 $\\\\sigma$'
    """
    document = read_document(path, max_bytes=max_bytes)
    if document.unreadable is not None:
        raise SubmissionError(f"expected text to grade, found {document.unreadable}", where=path)
    return document.text
