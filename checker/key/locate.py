"""Where a field of a TOML file is written: a field path → the line of the item at fault.

:mod:`tomllib` gives values without positions.  A key author's message must point at the line of
the item that is wrong (``[[question.mistakes]]``'s ``scroe = 0.5``), not at the question, so this
module reads the TOML text once, line by line, and records where each table header and each
``key = value`` starts, under the path tomllib gives the same value (``("question", 3, "mistakes",
0, "scroe")``).  The scan is linear in the text; it understands headers, arrays of tables, dotted
keys and multi-line strings, which is all a key uses.  A path it does not know is found by its
longest known prefix, so every message gets the nearest line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["Path", "TomlLines", "path_text"]

Path = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*'))*)\s*="""
)
_PART = re.compile(r"""[A-Za-z0-9_\-]+|"[^"]*"|'[^']*'""")


def _parts(dotted: str) -> list[str]:
    return [p[1:-1] if p[:1] in "\"'" else p for p in _PART.findall(dotted)]


def path_text(path: Sequence[str | int]) -> str:
    """A field path as a key author reads it: ``mistakes[0].score``.

    >>> path_text(("question", 3, "mistakes", 0, "score"))
    'question[3].mistakes[0].score'
    """
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


class TomlLines:
    """The line (1-based) of every table header and key of a TOML text, by field path.

    >>> lines = TomlLines('[key]\\nname = "x"\\n[[question]]\\nid = "1"\\n[[question.mistakes]]\\nscroe = 1\\n')
    >>> lines.line_of(("question", 0, "mistakes", 0, "scroe")), lines.line_of(("key", "name"))
    (6, 2)
    >>> lines.line_of(("question", 0, "mistakes", 0, "tag"))  # not written: the table's header
    5
    """

    def __init__(self, text: str) -> None:
        self._lines: dict[Path, int] = {}
        counters: dict[Path, int] = {}  # array-of-tables path → index of its last element
        table: Path = ()
        in_string: str | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            if in_string is not None:
                if line.count(in_string) % 2 == 1:
                    in_string = None
                continue
            header = _HEADER.match(line)
            if header is not None:
                parts = _parts(header.group(2))
                if header.group(1) == "[[":  # a new element of an array of tables
                    array = (*self._resolve(parts[:-1], counters), parts[-1])
                    counters[array] = counters.get(array, -1) + 1
                    table = (*array, counters[array])
                else:
                    table = self._resolve(parts, counters)
                for end in range(1, len(table) + 1):  # a header also marks the tables it opens
                    self._lines.setdefault(table[:end], number)
                continue
            key = _KEY.match(line)
            if key is None:
                continue
            path = (*table, *_parts(key.group(1)))
            self._lines.setdefault(path, number)
            rest = line[key.end() :]
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2 == 1:
                    in_string = quote

    @staticmethod
    def _resolve(parts: list[str], counters: dict[Path, int]) -> Path:
        """A header's dotted name as a path: arrays of tables met on the way take their last index."""
        path: Path = ()
        for part in parts:
            path = (*path, part)
            if path in counters:
                path = (*path, counters[path])
        return path

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """The line of ``path``, or of its longest written prefix; None when nothing matches."""
        probe = tuple(path)
        while probe:
            if probe in self._lines:
                return self._lines[probe]
            probe = probe[:-1]
        return None
