"""The text a reader makes of a submission file, with a way back from each position to the file.

Every reader (Markdown and plain text, e-mail, LaTeX source, Jupyter notebook, PDF) turns its file
into one :class:`Document`: Markdown-like text that extraction splits into question blocks, plus a
piecewise map from each offset of that text to a place in the file (line and column, or cell and
line, or page and line), so that a verdict can say where its answer was found.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

__all__ = ["Document", "TextBuilder", "Unit"]


@dataclass(frozen=True)
class Unit:
    """A part of the file that positions are counted in: the whole file, a notebook cell, a PDF page.

    Attributes:
        name: how a person finds it (``""`` for the whole file, ``"cell 4"``, ``"page 2"``).
        text: its text as written (line numbers are counted in it).
    """

    name: str
    text: str


@dataclass(frozen=True)
class Document:
    """A submission as extraction reads it.

    Attributes:
        text: Markdown-like text: labels at line starts, math in ``$``/``$$``/``\\[``/environments;
            comments, code, quoted e-mail, signatures and crossed-out work already left out.
        source: the file's name (for messages and locations).
        format: the reader that made it (``markdown``, ``email``, ``latex``, ``notebook``, ``pdf``).
        units: the parts of the file positions are counted in.
        pieces: ``(text offset, unit index, unit offset, copied)`` for each piece of ``text`` in
            order; a copied piece maps offset by offset, a generated one (a macro's expansion, a
            label made from ``\\item``) maps to where it was generated.
        notes: what the reader left out or refused, for the submission's warnings.
        unreadable: set when nothing in the file can be read (a PDF without a text layer): every
            question is then an ``error`` for a TA, never ``missing``.
    """

    text: str
    source: str = "<submission>"
    format: str = "markdown"
    units: tuple[Unit, ...] = ()
    pieces: tuple[tuple[int, int, int, bool], ...] = ()
    notes: tuple[str, ...] = ()
    unreadable: str | None = None
    _starts: tuple[int, ...] = field(default=(), compare=False, repr=False)

    @classmethod
    def plain(cls, text: str, *, source: str = "<submission>", format: str = "markdown") -> Document:
        """A document whose text is the file itself (offsets are the file's).

        >>> Document.plain("a\\nb = 1").locate(4)
        'line 2'
        """
        return cls(text, source, format, (Unit("", text),), ((0, 0, 0, True),))

    def locate(self, offset: int) -> str:
        """Where in the file the text at ``offset`` came from: ``line 12``, ``cell 4, line 2``.

        Args:
            offset: a position in :attr:`text`.

        Returns:
            The place in words (``""`` when the document has no map).

        >>> b = TextBuilder([("", "x = 1\\n% c\\ny = 2")])
        >>> b.copy(0, 0, 6); b.copy(0, 10, 15)
        >>> b.build("s.tex", "latex").locate(7)
        'line 3'
        """
        if not self.pieces or not self.units:
            return ""
        starts = self._starts or tuple(p[0] for p in self.pieces)
        k = max(0, bisect.bisect_right(starts, offset) - 1)
        out_start, unit_index, unit_offset, copied = self.pieces[k]
        unit = self.units[unit_index]
        at = unit_offset + (offset - out_start if copied else 0)
        at = max(0, min(at, len(unit.text)))
        line = unit.text.count("\n", 0, at) + 1
        return f"{unit.name}, line {line}" if unit.name else f"line {line}"


class TextBuilder:
    """Builds a :class:`Document`'s text piece by piece, remembering where each piece came from.

    Args:
        units: ``(name, text)`` of each unit of the file, in order.

    Example:
        >>> b = TextBuilder([("cell 1", "# Q"), ("cell 3", "x\\n3.2 $y$")])
        >>> b.copy(0, 0, 3); b.emit("\\n\\n", 0, 3); b.copy(1, 2, 10)
        >>> doc = b.build("nb.ipynb", "notebook")
        >>> doc.text, doc.locate(doc.text.index("$y$"))
        ('# Q\\n\\n3.2 $y$', 'cell 3, line 2')
    """

    def __init__(self, units: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> None:
        self.units = tuple(Unit(name, text) for name, text in units)
        self._parts: list[str] = []
        self._pieces: list[tuple[int, int, int, bool]] = []
        self._length = 0
        self.notes: list[str] = []

    def copy(self, unit: int, start: int, end: int) -> None:
        """Append ``units[unit].text[start:end]`` as it is."""
        if end > start:
            self._add(self.units[unit].text[start:end], unit, start, True)

    def emit(self, text: str, unit: int, at: int) -> None:
        """Append generated ``text`` that stands for the unit's text at ``at``."""
        if text:
            self._add(text, unit, at, False)

    def _add(self, text: str, unit: int, at: int, copied: bool) -> None:
        self._pieces.append((self._length, unit, at, copied))
        self._parts.append(text)
        self._length += len(text)

    def build(self, source: str, format: str, *, unreadable: str | None = None) -> Document:
        """The document made so far."""
        pieces = tuple(self._pieces) or ((0, 0, 0, True),)
        return Document(
            "".join(self._parts),
            source,
            format,
            self.units,
            pieces,
            tuple(self.notes),
            unreadable,
            tuple(p[0] for p in pieces),
        )
