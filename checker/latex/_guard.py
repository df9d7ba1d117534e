"""The checks every input passes before it is normalized: size, characters, brace balance.

Each is one linear scan of the text; a failure is a :class:`~checker.errors.CheckerError` with
the span of the offending character.
"""

from __future__ import annotations

from checker.errors import LatexSyntaxError, UnsupportedConstructError

from ._notation import MAX_INPUT_CHARS

__all__ = ["guard"]


def guard(source: str, max_depth: int) -> None:
    """Refuse text that is too long, holds control or private-use characters, or unbalanced braces.

    Raises:
        UnsupportedConstructError: longer than ``MAX_INPUT_CHARS`` or braces deeper than ``max_depth``.
        LatexSyntaxError: a control or private-use character, an unmatched ``{`` or ``}``.

    >>> guard("w^T x", max_depth=4)
    """
    if len(source) > MAX_INPUT_CHARS:
        raise UnsupportedConstructError(
            f"expected at most {MAX_INPUT_CHARS} characters of math, found length={len(source)}; "
            "fix: shorten the answer to the expression asked for",
            source=source,
            start=MAX_INPUT_CHARS,
            end=len(source),
        )
    for i, ch in enumerate(source):
        code = ord(ch)
        if (code < 32 and ch not in "\t\n\r") or code == 127 or 0xE000 <= code <= 0xF8FF:
            raise LatexSyntaxError(
                f"expected printable text, found control character={ch!r} at position={i}; "
                "fix: delete it (it is often an artefact of copying)",
                source=source,
                start=i,
                end=i + 1,
            )
    depth = 0
    opened: list[int] = []
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
            opened.append(i)
            if depth > max_depth:
                raise UnsupportedConstructError(
                    f"expected braces nested at most max_depth={max_depth} deep, found deeper nesting; "
                    "fix: simplify the expression",
                    source=source,
                    start=i,
                    end=i + 1,
                )
        elif ch == "}":
            if not opened:
                raise LatexSyntaxError(
                    "expected every } to close a {, found an unmatched }; fix: delete it or add the {",
                    source=source,
                    start=i,
                    end=i + 1,
                )
            opened.pop()
            depth -= 1
        i += 1
    if opened:
        raise LatexSyntaxError(
            "expected every { to be closed, found an unclosed {; fix: add the matching }",
            source=source,
            start=opened[-1],
            end=opened[-1] + 1,
        )
