"""Leibniz notation found in the source text, before parsing (used by the normalizer).

Text only, no SymPy: :mod:`._calculus` evaluates what this marks.
"""

from __future__ import annotations

from checker.errors import UnsupportedConstructError

__all__ = ["DERIV_CLOSE", "DERIV_OPEN", "leibniz_split"]

DERIV_OPEN, DERIV_CLOSE = "\ue020", "\ue021"

# The differential as written: d, \partial, \mathrm{d}, \text{d}, \operatorname{d}.
_UPRIGHT = frozenset({"\\mathrm", "\\text", "\\operatorname", "\\textrm", "\\mathit"})


def _differential(tokens: list[str]) -> int:
    """How many leading tokens spell the differential d or ∂ (0: none)."""
    if tokens and tokens[0] in ("d", "\\partial"):
        return 1
    if len(tokens) >= 4 and tokens[0] in _UPRIGHT and tokens[1:4] == ["{", "d", "}"]:
        return 4
    return 0


def _name(token: str) -> bool:
    return (len(token) == 1 and token.isascii() and token.isalpha()) or (
        token.startswith("\\") and token[1:].isalpha() and token[1:] not in _NOT_NAMES
    )


_NOT_NAMES = frozenset({"frac", "sqrt", "sum", "prod", "left", "right", "cdot", "times", "partial"})


def _variable(rest: list[str]) -> bool:
    """One name, perhaps subscripted or primed: ``x``, ``\\lambda``, ``w_j``, ``x'``."""
    return bool(rest) and _name(rest[0]) and (len(rest) == 1 or rest[1] in ("_", "'", "^"))


def _operand(first: str) -> bool:
    """What can follow the differential in ``\\frac{dJ}{dw}``: a name or a bracket."""
    return _name(first) or first in ("(", "{", "[", "\\left", "\\|", "|")


def leibniz_split(numerator: list[str], denominator: list[str]) -> tuple[int, int] | None:
    """Where Leibniz notation splits a fraction, or None when it is an ordinary fraction.

    Args:
        numerator: the numerator's tokens, spaces removed.
        denominator: the denominator's tokens, spaces removed.

    Returns:
        ``(k, m)``: the numerator's first ``k`` tokens and the denominator's first ``m`` spell the
        differentials; the rest of the numerator is the operand (may be empty: an operator), the
        rest of the denominator the variable.  None when the numerator does not start with d or ∂,
        or the denominator is not that differential followed by a variable.

    Raises:
        UnsupportedConstructError: (without a position; the caller places it) for a higher
            derivative ``d^2 f / dx^2``.

    >>> leibniz_split(["d"], ["d", "p"])
    (1, 1)
    >>> leibniz_split(["\\\\partial", "J"], ["\\\\partial", "w"])
    (1, 1)
    >>> leibniz_split(["d"], ["2"]) is None, leibniz_split(["n"], ["d"]) is None
    (True, True)
    """
    k = _differential(numerator)
    m = _differential(denominator)
    if not k or not m or not _variable(denominator[m:]):
        return None
    if numerator[k : k + 1] == ["^"] or "^" in denominator[m:]:
        raise UnsupportedConstructError(
            "expected a first derivative, found a higher one (d^2/dx^2); fix: write the second derivative out"
        )
    if numerator[k:] and not _operand(numerator[k]):
        return None  # \frac{d + 1}{dp}: a numerator that is not d times something
    return k, m
