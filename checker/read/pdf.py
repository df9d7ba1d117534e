"""Reader of PDFs: the text layer of each page (pypdf), read like OCR'd text.

A PDF without a text layer (a photographed or scanned page) has nothing to read: the document is
marked unreadable ("no text layer: grade by hand") and every question becomes an ``error`` for a
TA, never ``missing``.  pypdf runs in the parent on a bounded input: at most ``max_pages`` pages of
a file already bounded in size.
"""

from __future__ import annotations

import io
import re

from checker.errors import SubmissionError
from checker.read.document import Document, TextBuilder

__all__ = ["NO_TEXT_LAYER", "read_pdf"]

NO_TEXT_LAYER = "no text layer: grade by hand (the PDF holds only images, e.g. a scan or a photo)"

# Justified text extracts with runs of spaces; one space reads the same and keeps parts apart.
_SPACES = re.compile(r"[ \t\u00a0]{2,}")


def read_pdf(data: bytes, *, source: str = "<submission>", max_pages: int = 100) -> Document:
    """Read the text layer of a PDF, page by page.

    Args:
        data: the file's bytes.
        source: its name.
        max_pages: pages past this are not read (noted).

    Returns:
        The document; positions are ``page N, line L``.  ``unreadable`` is set when no page has text.

    Raises:
        SubmissionError: the file is not a PDF pypdf can open.

    >>> read_pdf(b"not a pdf")
    Traceback (most recent call last):
    ...
    checker.errors.SubmissionError: <submission>: expected a PDF, found a file pypdf cannot open (PdfStreamError); fix: export the PDF again, or hand in the .tex/.md source
    """
    import pypdf  # noqa: PLC0415  (only PDFs need it)

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        pages = list(reader.pages)
        texts = []
        for page in pages[:max_pages]:
            texts.append(page.extract_text() or "")
    except Exception as exc:  # pypdf raises many types on broken files
        raise SubmissionError(
            f"expected a PDF, found a file pypdf cannot open ({type(exc).__name__}); "
            "fix: export the PDF again, or hand in the .tex/.md source",
            where=source,
        ) from exc
    units = [(f"page {n}", t.replace("\r\n", "\n")) for n, t in enumerate(texts, start=1)]
    builder = TextBuilder(units or [("", "")])
    if len(pages) > max_pages:
        builder.notes.append(f"only the first {max_pages} of {len(pages)} PDF pages were read")
    for index, (_name, body) in enumerate(units):
        pos = 0
        for m in _SPACES.finditer(body):
            builder.copy(index, pos, m.start())
            builder.emit(" ", index, m.start())
            pos = m.end()
        builder.copy(index, pos, len(body))
        builder.emit("\n\n", index, len(body))
    if not any(t.strip() for t in texts):
        return builder.build(source, "pdf", unreadable=NO_TEXT_LAYER)
    return builder.build(source, "pdf")
