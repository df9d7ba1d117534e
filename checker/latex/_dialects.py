"""ASCII and Unicode math as input dialects, rewritten into LaTeX tokens before normalizing.

Students type ``w* = (X'X + 2*n*lambda*I)^-1 X't`` in e-mail and ``σ = √((1−p)/p)`` in OCR'd
notes.  This pass turns each such spelling into the LaTeX the normalizer reads, token by token,
every new token keeping the source span of what it replaces (errors still point at the text the
student wrote):

* ASCII names: Greek words of three or more letters (``lambda``, ``epsilon``, ``sigma``) and
  ``eps``, read only as a whole run of letters (``lambdaI`` is not rewritten); two-letter Greek
  words (``pi``, ``mu``) stay letters, as in LaTeX;
* ASCII operators: ``**`` is ``^``, ``<=`` ``>=`` ``!=`` are relations; function words followed by
  ``(`` (``sqrt``, ``exp``, ``log``, ``tr``, ``det``...) are the functions; ``inv(A)`` is ``(A)^{-1}``;
* Unicode superscript runs (``⁻¹``, ``²``, ``ᵀ``, ``⁻ᵀ``) become one braced superscript.

Primes (``X'X``) are decided by the transformer, where the key's symbols are known.  Every scan is
linear in the number of tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["TOKEN", "Tok", "may_hold_dialect", "rewrite"]

TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\s+|.", re.DOTALL)
# Something :func:`rewrite` may change: a run of two letters outside a command, a pair operator,
# a superscript character.  Plain LaTeX (most answers) has none and skips the token pass.
_HINT = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{2}|\*\*|[<>!]=|[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺ᵀⁿᵗ]")


def may_hold_dialect(source: str) -> bool:
    """Whether ``source`` may hold an ASCII or Unicode spelling (a linear-time scan).

    >>> may_hold_dialect(r"X^T X + 2 n \\lambda I"), may_hold_dialect("2*n*lambda")
    (False, True)
    """
    return _HINT.search(source) is not None


@dataclass(frozen=True)
class Tok:
    """One source token: its text and its span in the source."""

    text: str
    start: int
    end: int


_GREEK_WORDS = MappingProxyType({
    **{name: name for name in (
        "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "theta", "iota", "kappa", "lambda",
        "sigma", "upsilon", "omega", "Gamma", "Delta", "Theta", "Lambda", "Sigma", "Omega",
    )},
    "eps": "epsilon", "varepsilon": "epsilon",
})  # fmt: skip
# Words read as a function only when "(" follows (``tr`` alone may be t·r).
_CALL_WORDS = MappingProxyType({
    "sqrt": "sqrt", "exp": "exp", "log": "log", "ln": "ln", "sin": "sin", "cos": "cos",
    "tan": "tan", "tanh": "tanh", "det": "det", "tr": "tr", "trace": "tr", "diag": "diag",
    "min": "min", "max": "max", "abs": "abs",
})  # fmt: skip
_SUPERSCRIPT = MappingProxyType({
    "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8",
    "⁹": "9", "⁻": "-", "⁺": "+", "ᵀ": "T", "ⁿ": "n", "ᵗ": "t",
})  # fmt: skip
_PAIRS = MappingProxyType({("*", "*"): "^", ("<", "="): "\\le", (">", "="): "\\ge", ("!", "="): "\\ne"})


def _letter(tok: Tok) -> bool:
    return len(tok.text) == 1 and ("a" <= tok.text <= "z" or "A" <= tok.text <= "Z")


def rewrite(tokens: list[Tok]) -> list[Tok]:
    """The tokens with every ASCII or Unicode spelling of the module doc rewritten as LaTeX.

    Args:
        tokens: the source split by :data:`TOKEN`.

    Returns:
        New tokens; each rewritten piece carries the span of the source it replaces.

    >>> [t.text for t in rewrite([Tok(c, i, i + 1) for i, c in enumerate("lambda**2")])]
    ['\\\\lambda', '^', '2']
    """
    out: list[Tok] = []
    after: dict[int, list[Tok]] = {}  # tokens to emit right after the token at an index (inv's ^{-1})
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        if i in after:
            out.append(Tok("|", tok.start, tok.end) if after[i] == [] else tok)
            out.extend(after.pop(i))
            i += 1
            continue
        if tok.text in _SUPERSCRIPT:
            j = i
            while j < n and tokens[j].text in _SUPERSCRIPT:
                j += 1
            inner = "".join(_SUPERSCRIPT[t.text] for t in tokens[i:j])
            out.extend(Tok(t, tok.start, tokens[j - 1].end) for t in ("^", "{", *inner, "}"))
            i = j
            continue
        if i + 1 < n and (tok.text, tokens[i + 1].text) in _PAIRS:
            out.append(Tok(_PAIRS[tok.text, tokens[i + 1].text], tok.start, tokens[i + 1].end))
            i += 2
            continue
        if not _letter(tok) or (out and _letter(out[-1])):
            out.append(tok)
            i += 1
            continue
        j = i
        while j < n and _letter(tokens[j]):
            j += 1
        word = "".join(t.text for t in tokens[i:j])
        follows = tokens[j].text if j < n else ""
        span = (tok.start, tokens[j - 1].end)
        if word in _GREEK_WORDS:
            out.append(Tok("\\" + _GREEK_WORDS[word], *span))
        elif word in ("inv", "abs") and follows == "(" and (close := _matching(tokens, j)) is not None:
            # inv(A) is (A)^{-1}; abs(a) is |a|: the closing ) is rewritten when it is reached
            if word == "inv":
                out.append(tokens[j])
                after[close] = [Tok(t, *span) for t in ("^", "{", "-", "1", "}")]
            else:
                out.append(Tok("|", *span))
                after[close] = []
            i = j + 1
            continue
        elif word in _CALL_WORDS and follows == "(":
            out.append(Tok("\\" + _CALL_WORDS[word], *span))
        else:
            out.extend(tokens[i:j])
        i = j
    return out


def _matching(tokens: list[Tok], j: int) -> int | None:
    """The index of the ``)`` closing the ``(`` at ``j``, or None."""
    depth = 0
    for k in range(j, len(tokens)):
        if tokens[k].text == "(":
            depth += 1
        elif tokens[k].text == ")":
            depth -= 1
            if depth == 0:
                return k
    return None
