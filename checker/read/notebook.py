"""Reader of Jupyter notebooks: the markdown and raw cells in order, positions as cell and line.

Code cells and their outputs are never answers (a printed ``1.2.2 w* = ...`` or a comment
``# 2.2 answer: ...`` is code, not the written answer), so they are left out entirely.  Cells are
joined with a blank line, so a label or a math group never runs from one cell into the next.
"""

from __future__ import annotations

import warnings
from typing import Any

from checker.errors import SubmissionError
from checker.read.document import Document, TextBuilder

__all__ = ["read_notebook"]


def _source(cell: Any) -> str:
    src = cell.get("source", "")
    if isinstance(src, list):
        src = "".join(str(s) for s in src)
    return str(src).replace("\r\n", "\n")


def read_notebook(text: str, *, source: str = "<submission>") -> Document:
    """Read a notebook's markdown and raw cells.

    Args:
        text: the ``.ipynb`` file's JSON.
        source: its name.

    Returns:
        The document; positions are ``cell N, line L`` (cells counted from 1, code cells included).

    Raises:
        SubmissionError: the file is not a notebook nbformat can read.

    >>> nb = '{"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["3.2 $\\\\\\\\sigma$"]}],'
    >>> nb += ' "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    >>> read_notebook(nb).text
    '3.2 $\\\\sigma$\\n\\n'
    """
    import nbformat  # noqa: PLC0415  (only notebooks need it)

    try:
        with warnings.catch_warnings():  # nbformat warns about old notebooks it still reads
            warnings.simplefilter("ignore")
            # Parsed and converted to version 4, not schema-validated: validation costs more than
            # the rest of reading, and a cell missing a field the reader does not use is no reason
            # to refuse a student's notebook.
            notebook = nbformat.convert(nbformat.reader.reads(text), 4)  # type: ignore[no-untyped-call]
        cells = list(notebook.get("cells", []))
    except Exception as exc:  # nbformat raises JSON, validation and key errors alike
        raise SubmissionError(
            f"expected a Jupyter notebook (.ipynb JSON), found a file nbformat cannot read "
            f"({type(exc).__name__}); fix: download the notebook again with File > Download .ipynb",
            where=source,
        ) from exc
    units: list[tuple[str, str]] = []
    kept: list[int] = []
    for number, cell in enumerate(cells, start=1):
        if not hasattr(cell, "get"):
            continue
        kind = cell.get("cell_type")
        if kind in ("markdown", "raw"):
            units.append((f"cell {number}", _source(cell)))
            kept.append(number)
    builder = TextBuilder(units or [("", "")])
    for index, (_name, body) in enumerate(units):
        builder.copy(index, 0, len(body))
        builder.emit("\n\n", index, len(body))
    if not units:
        builder.notes.append("the notebook has no markdown or raw cells: nothing written to grade")
    return builder.build(source, "notebook")
