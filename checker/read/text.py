"""Readers of text written as text: Markdown (OCR'd handwriting included) and e-mail style plain text.

Both keep every offset of the file (what they leave out becomes spaces, line ends kept), so a
position in the document is the same position in the file.

* Markdown: struck-through work (``~~...~~``, ``<del>...</del>``, ``<s>...</s>``) is crossed out,
  never an answer.
* E-mail: quoted lines (``> ...``), the attribution line before them (``On ... wrote:``) and the
  signature (everything after a ``-- `` line) are never answers; struck-through text as in Markdown.
"""

from __future__ import annotations

from dataclasses import replace

from checker.read.document import Document

__all__ = ["read_email", "read_markdown"]

# Crossed-out text: (opener, closer).  Each pair is searched with str.find: linear.
_STRIKES = (("~~", "~~"), ("<del>", "</del>"), ("<s>", "</s>"), ("<strike>", "</strike>"))


def _blank(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "


def _strike_out(text: str, chars: list[str]) -> None:
    """Blank every struck-through span that opens and closes within one paragraph."""
    for opener, closer in _STRIKES:
        pos = 0
        while True:
            a = text.find(opener, pos)
            if a == -1:
                break
            b = text.find(closer, a + len(opener))
            if b == -1:
                break
            paragraph = text.find("\n\n", a, b)
            if paragraph != -1:  # no closer in this paragraph: not a strike-through
                pos = paragraph
                continue
            _blank(chars, a, b + len(closer))
            pos = b + len(closer)


def read_markdown(text: str, *, source: str = "<submission>") -> Document:
    """Read Markdown or OCR'd text: struck-through work is left out.

    Args:
        text: the file's text.
        source: its name.

    Returns:
        The document (same offsets as the file).

    >>> read_markdown("3.2 ~~$$\\\\sigma = p$$~~ $\\\\sigma = 1$").text.strip()
    '3.2                    $\\\\sigma = 1$'
    """
    chars = list(text)
    _strike_out(text, chars)
    return replace(Document.plain(text, source=source), text="".join(chars))


#: Lines of one's own (not quoted) a signature may hold: name, affiliation, a quote, a phone number,
#: an attribution line.  More after a ``--`` line means it separates answers.
_SIGNATURE_LINES = 8


def _is_signature_line(line: str) -> bool:
    return line in ("-- ", "--", "-- \r")


def read_email(text: str, *, source: str = "<submission>") -> Document:
    """Read e-mail style plain text: quoted lines, attributions and signatures are left out.

    Args:
        text: the file's text.
        source: its name.

    Returns:
        The document (same offsets as the file).

    >>> doc = read_email("3.2) sigma = 1\\n> 3.2) sigma = p\\n-- \\nx = 2\\n")
    >>> doc.text.split()
    ['3.2)', 'sigma', '=', '1']
    """
    chars = list(text)
    lines: list[tuple[int, int]] = []
    pos = 0
    while pos <= len(text):
        end = text.find("\n", pos)
        end = len(text) if end == -1 else end
        lines.append((pos, end))
        pos = end + 1
    # Own lines after each line (not quoted, not blank), counted from the end: linear.
    own_after = [0] * (len(lines) + 1)
    for k in range(len(lines) - 1, -1, -1):
        a, b = lines[k]
        stripped = text[a:b].strip()
        own_after[k] = own_after[k + 1] + (1 if stripped and not stripped.startswith(">") else 0)
    signature = False
    for k, (a, b) in enumerate(lines):
        line = text[a:b]
        stripped = line.lstrip()
        if signature or stripped.startswith(">"):
            _blank(chars, a, b)
        elif _is_signature_line(line) and own_after[k + 1] <= _SIGNATURE_LINES:
            # A signature is short; a "--" with answers after it is a separator, not a signature.
            signature = True
            _blank(chars, a, b)
        elif stripped.rstrip().endswith("wrote:") and text[b + 1 : b + 2] == ">":
            _blank(chars, a, b)
    _strike_out(text, chars)
    return replace(Document.plain(text, source=source, format="email"), text="".join(chars))
