"""Writing grading output so that a crash, a full disk or a second run never corrupts it.

``grade --format json --out PATH`` appends one JSON line per submission as each finishes, so that
a run killed halfway loses nothing done and ``--resume`` grades only the rest.  Three hazards
are handled here, once:

* **A line cut short** (a kill or a full disk mid-write).  A record is written with one
  ``write`` of its whole line; if that fails the file is truncated back to its last whole line.
  On ``--resume`` a partial last line left by an older run is cut off (and reported), never
  appended onto.
* **Two runs on one file.**  The writer holds an advisory lock on the file for the whole run
  (:func:`fcntl.lockf`, a POSIX record lock); another run, fresh or ``--resume``, is refused
  with :class:`~checker.errors.OutputBusyError` before it changes a byte.  POSIX locks, not
  ``flock``, because grading forks worker processes: an ``flock`` lock belongs to the open file,
  which the workers inherit, so a worker outliving a killed parent would keep the file locked;
  a POSIX lock belongs to the process and dies with it.  (Its one trap: closing *any* descriptor
  of the file in this process drops the lock, so the writer reads the file through its own.)
* **A full disk** is :class:`~checker.errors.OutputError` naming the file, with every record
  written before it kept whole.

**Submission identity.**  Records are keyed by the submission's resolved path
(:func:`submission_identity`: absolute, symlinks resolved), stored in each record as ``"path"``
beside ``"submission"`` (the path as given).  So ``results/a.md`` and ``/home/ta/results/a.md``
resume alike, from any working folder.  A path, not a content hash: a student who hands in a
new version under the same name is one submission, graded once (``--resume`` keeps the first
grading; a fresh run regrades everything).

A record whose questions include an ``error`` verdict (a time limit, a crash, an unreadable
file) is not done: ``--resume`` drops it and grades the submission again.

Whole-file formats (text, CSV, Gradescope) are written by :func:`write_whole`: to a temporary
file beside the target, then renamed over it, so a reader never sees half a report.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any

from checker.errors import CheckerError, OutputBusyError, OutputError

__all__ = [
    "JsonLinesOutput",
    "Resumed",
    "check_output_path",
    "submission_identity",
    "write_whole",
]


def submission_identity(path: str) -> str:
    """The stable identity of a submission file: its resolved absolute path.

    >>> submission_identity("/tmp/../tmp/a.md") == os.path.realpath("/tmp/a.md")
    True
    """
    return os.path.realpath(path)


def check_output_path(path: str) -> None:
    """Refuse an output path that cannot be written, before any work is done.

    Args:
        path: the ``--out`` path.

    Raises:
        CheckerError: naming the path: its folder does not exist or is not writable, or the
            path is a folder or a file that cannot be written.

    >>> check_output_path("/nonexistent-folder/results.jsonl")
    Traceback (most recent call last):
    ...
    checker.errors.CheckerError: /nonexistent-folder/results.jsonl: expected --out in an existing folder, found no folder /nonexistent-folder; fix: create the folder first, or write elsewhere
    """
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise CheckerError(
            "expected --out to name a file, found a folder; fix: name a file inside it", where=path
        )
    if os.path.exists(path):
        if not os.access(path, os.W_OK):
            raise CheckerError(
                "expected --out to be writable, found it read-only; fix: write elsewhere", where=path
            )
        return
    if not os.path.isdir(folder):
        raise CheckerError(
            f"expected --out in an existing folder, found no folder {folder}; "
            "fix: create the folder first, or write elsewhere",
            where=path,
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CheckerError(
            f"expected --out in a writable folder, found {folder} read-only; fix: write elsewhere",
            where=path,
        )


def _write_failed(path: str, exc: OSError, kept: int | None) -> OutputError:
    """The error for a failed write: ``kept`` records kept whole (JSON lines), or None for a
    report written whole or not at all."""
    what = "disk full" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else (exc.strerror or repr(exc))
    if kept is None:
        after = "the file is left as it was; fix: free space, then run again"
    else:
        after = f"the {kept} record(s) written before it are kept whole; fix: free space, then run again with --resume"
    return OutputError(f"could not write the output: {what} ({exc.strerror or exc}); {after}", where=path)


def write_whole(path: str, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (a temporary file renamed over it).

    A path that is not a regular file (``/dev/stdout``, a pipe) is written directly.

    Raises:
        OutputError: the disk is full or the write failed; ``path`` is left as it was.

    >>> d = tempfile.mkdtemp(); write_whole(os.path.join(d, "r.csv"), "a,b\\n")
    >>> open(os.path.join(d, "r.csv")).read()
    'a,b\\n'
    """
    data = text.encode("utf-8")
    if os.path.exists(path) and not os.path.isfile(path):
        try:
            with open(path, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise _write_failed(path, exc, None) from None
        return
    folder = os.path.dirname(os.path.abspath(path))
    tmp: str | None = None
    try:
        with tempfile.NamedTemporaryFile("wb", dir=folder, prefix=".derivcheck-", delete=False) as fh:
            tmp = fh.name
            fh.write(data)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise _write_failed(path, exc, None) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


@dataclass(frozen=True)
class Resumed:
    """What ``--resume`` found in an existing output file.

    Attributes:
        done: identities (:func:`submission_identity`) of the submissions graded without error.
        kept: records kept.
        cut_bytes: bytes of a cut-short last line that were removed (0: none).
        regrade: records dropped to be graded again (an ``error`` question).
        dropped: lines dropped as unreadable or as a second record of one submission.
    """

    done: frozenset[str] = frozenset()
    kept: int = 0
    cut_bytes: int = 0
    regrade: int = 0
    dropped: int = 0


def _record_identity(obj: Any) -> str | None:
    if not isinstance(obj, Mapping) or not isinstance(obj.get("submission"), str):
        return None
    path = obj.get("path")
    return path if isinstance(path, str) else submission_identity(obj["submission"])


def _has_error(obj: Mapping[str, Any]) -> bool:
    questions = obj.get("questions")
    if obj.get("error") or not isinstance(questions, list):
        return True
    return any(not isinstance(q, Mapping) or q.get("verdict") == "error" for q in questions)


class JsonLinesOutput:
    """A JSON-lines output file held for one run: locked, appended whole records, resumable.

    Args:
        path: the file (created when missing).
        resume: keep what the file holds (see :meth:`open`); else start it empty.
        file: an open binary file to write through instead of opening ``path`` (tests inject
            one that fails); it is neither locked nor closed here.

    Use it as a context manager; :attr:`resumed` says what an existing file held.

    >>> d = tempfile.mkdtemp(); p = os.path.join(d, "r.jsonl")
    >>> with JsonLinesOutput(p, resume=False) as out:
    ...     out.write("/s/a.md", {"submission": "a.md", "questions": []})
    >>> open(p).read()
    '{"submission": "a.md", "questions": [], "path": "/s/a.md"}\\n'
    """

    def __init__(self, path: str, *, resume: bool, file: IO[bytes] | None = None) -> None:
        self.path = path
        self.resume = resume
        self.resumed = Resumed()
        self.written = 0
        self._fh: IO[bytes] | None = file
        self._own = file is None
        self._size = 0  # bytes of whole records in the file

    def __enter__(self) -> JsonLinesOutput:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> Resumed:
        """Open and lock the file; on resume, cut a partial last line and drop records to regrade.

        Returns:
            What the file held (empty for a fresh run, whose file is emptied).

        Raises:
            OutputBusyError: another run holds the file.
            CheckerError: the file cannot be opened.
            OutputError: the file could not be rewritten (disk full).
        """
        if self._fh is None:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise CheckerError(
                    f"expected a writable --out file, found {exc.strerror}; fix: write elsewhere",
                    where=self.path,
                ) from None
            self._fh = os.fdopen(fd, "r+b", buffering=0)
            try:
                fcntl.lockf(self._fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                self._fh.close()
                self._fh = None
                if exc.errno in (errno.EACCES, errno.EAGAIN):
                    raise OutputBusyError(
                        "expected the output file to be free, found it held by another derivcheck run; "
                        "fix: wait for that run to finish, or write to another --out",
                        where=self.path,
                    ) from None
                raise  # a file system without locks is not silently shared
        fh = self._fh
        if not self.resume:
            self._truncate(0)
            return self.resumed
        fh.seek(0)
        data = fh.read() or b""
        self.resumed = self._compact(data)
        return self.resumed

    def _truncate(self, size: int) -> None:
        assert self._fh is not None
        with contextlib.suppress(OSError):  # a device or a pipe cannot be truncated
            if not self._fh.seekable():
                return
            self._fh.truncate(size)
            self._fh.seek(size)
        self._size = size

    def _compact(self, data: bytes) -> Resumed:
        """Keep the whole, error-free, first record of each submission; rewrite only when needed."""
        end = data.rfind(b"\n") + 1
        cut = len(data) - end
        kept: list[bytes] = []
        done: set[str] = set()
        regrade = dropped = 0
        for line in data[:end].splitlines(keepends=True):
            if not line.strip():
                dropped += 1
                continue
            try:
                obj = json.loads(line)
            except (ValueError, RecursionError):
                dropped += 1
                continue
            identity = _record_identity(obj)
            if identity is None or identity in done:
                dropped += 1
                continue
            if _has_error(obj):
                regrade += 1
                continue
            done.add(identity)
            kept.append(line)
        if regrade or dropped:
            body = b"".join(kept)
            # In place, under the lock: a crash here leaves at worst a cut line and duplicates,
            # which the next --resume drops (and regrades), never a record counted twice.
            self._rewrite(body, len(kept))
        elif cut:
            self._truncate(end)
            self._size = end
        else:
            self._size = end
            assert self._fh is not None
            self._fh.seek(end)
        return Resumed(frozenset(done), len(kept), cut, regrade, dropped)

    def _rewrite(self, body: bytes, records: int) -> None:
        assert self._fh is not None
        try:
            self._fh.seek(0)
            self._write_all(body)
            self._fh.truncate(len(body))
        except OSError as exc:
            raise _write_failed(self.path, exc, records) from None
        self._size = len(body)

    def _write_all(self, data: bytes) -> None:
        assert self._fh is not None
        view = memoryview(data)
        while view:
            n = self._fh.write(view)
            if n is None or n <= 0:
                raise OSError(errno.EIO, "the write made no progress")
            view = view[n:]

    def write(self, identity: str, record: Mapping[str, Any]) -> None:
        """Append one record (with ``"path": identity``) as one whole line.

        Raises:
            OutputError: the write failed (disk full): the file is cut back to its last whole
                record, so nothing written before is lost and no partial line is left.
        """
        if self._fh is None:
            raise RuntimeError("JsonLinesOutput is not open; use it as a context manager")
        line = (json.dumps({**record, "path": identity}, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            self._write_all(line)
        except OSError as exc:
            self._truncate(self._size)
            raise _write_failed(self.path, exc, self.resumed.kept + self.written) from None
        self._size += len(line)
        self.written += 1

    def close(self) -> None:
        """Release the lock and close the file (an injected file is left open)."""
        if self._fh is not None and self._own:
            with contextlib.suppress(OSError):
                self._fh.close()
        self._fh = None
