"""One exception root for derivcheck, one subclass per condition a person can fix.

Every error that points into text (a student's answer, a key file, a derivation) carries that text
and the span as data (``source``, ``start``, ``end``) so that the excerpt with a caret is drawn by
one function, :func:`excerpt`, for every audience.  Errors pickle, so they cross the boundary of the
worker processes that judge answers under a budget.

Messages follow one formula: what was expected, what was found (``name=value``), how to fix it.
"""

from __future__ import annotations

__all__ = [
    "AmbiguousReadingError",
    "AnswerKeyError",
    "BudgetExceeded",
    "CheckerError",
    "DerivationError",
    "LatexSyntaxError",
    "OutputBusyError",
    "OutputError",
    "ShapeError",
    "SubmissionError",
    "UnknownQuestionError",
    "UnknownSymbolError",
    "UnsupportedConstructError",
    "excerpt",
]

_EXCERPT_WIDTH = 72


def excerpt(source: str, start: int | None, end: int | None = None, *, approximate: bool = False) -> str:
    """Draw the line of ``source`` holding ``start`` with a caret under ``start:end``.

    Long lines are windowed around the span so the caret stays on screen.  Positions outside the
    text are clamped.  When ``approximate`` is true the caret line says so.

    Args:
        source: the whole text the span points into.
        start: 0-based offset of the first character of the span, or None for no position.
        end: offset one past the last character (defaults to ``start + 1``).
        approximate: mark the position as approximate.

    Returns:
        Two lines: the excerpt and the caret line; the empty string when ``start`` is None.

    >>> print(excerpt("w^T x + }", 8))
    w^T x + }
            ^
    """
    if start is None:
        return ""
    start = max(0, min(start, len(source)))
    end = start + 1 if end is None else max(start + 1, min(end, len(source) + 1))
    line_start = source.rfind("\n", 0, start) + 1
    line_end = source.find("\n", start)
    if line_end == -1:
        line_end = len(source)
    line = source[line_start:line_end]
    col = start - line_start
    width = max(1, min(end, line_end + 1) - start)
    # Window long lines around the caret so the excerpt stays readable.
    offset = 0
    if len(line) > _EXCERPT_WIDTH:
        offset = max(0, min(col - _EXCERPT_WIDTH // 2, len(line) - _EXCERPT_WIDTH))
        line = ("…" if offset else "") + line[offset : offset + _EXCERPT_WIDTH] + "…"
        col = col - offset + (1 if offset else 0)
    printable = "".join(ch if ch.isprintable() else "?" for ch in line)
    caret = " " * col + "^" * min(width, _EXCERPT_WIDTH)
    if approximate:
        caret += "  (position approximate)"
    return f"{printable}\n{caret}"


class CheckerError(Exception):
    """Root of every error derivcheck raises on purpose.

    Cause: any condition a person can fix (bad answer text, bad key, bad derivation).
    Fix: read the message; it names what was expected, what was found and what to change.
    Anything else that escapes is our bug and is reported as an internal error.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        start: int | None = None,
        end: int | None = None,
        approximate: bool = False,
        where: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.start = start
        self.end = end
        self.approximate = approximate
        self.where = where

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only state does not survive the default Exception pickling; rebuild explicitly.
        return (_rebuild, (type(self), self.__dict__.copy()))

    def render(self) -> str:
        """The message, prefixed by ``where`` and followed by the caret excerpt when there is a span."""
        head = f"{self.where}: {self.message}" if self.where else self.message
        if self.source is not None and self.start is not None:
            return head + "\n" + excerpt(self.source, self.start, self.end, approximate=self.approximate)
        return head

    def __str__(self) -> str:
        return self.render()


def _rebuild(cls: type[CheckerError], state: dict[str, object]) -> CheckerError:
    err = cls.__new__(cls)
    Exception.__init__(err, state.get("message", ""))
    err.__dict__.update(state)
    return err


class LatexSyntaxError(CheckerError):
    """LaTeX that the grammar cannot read (unbalanced braces, a dangling operator, junk).

    Cause: the text is not well-formed math in the supported subset.
    Fix: correct the text at the caret; the message names the token expected and the one found.
    """


class UnsupportedConstructError(CheckerError):
    """Well-formed LaTeX that derivcheck refuses on purpose (``\\input``, ``\\def``, huge exponents).

    Cause: a construct outside the supported math subset, or one too large to evaluate safely.
    Fix: rewrite the answer without it; a TA can grade it by hand.
    """


class AmbiguousReadingError(CheckerError):
    """Math that reads two ways the key does not decide between (``\\ln xy``: ln(x)·y or ln(xy)).

    Cause: a spelling with two meanings under the question's symbols; derivcheck never guesses.
    Fix: add parentheses (or the key declares the convention); a TA reviews it meanwhile.
    ``readings`` names each reading, in LaTeX.
    """

    def __init__(self, message: str, *, readings: tuple[str, ...] = (), **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.readings = readings


class UnknownSymbolError(CheckerError):
    """A symbol that the question's symbol table does not declare.

    Cause: a name the key does not know (a typo, or notation the key lacks an alias for).
    Fix: students use the question's notation; key authors add the symbol or an alias to the key.
    """


class ShapeError(CheckerError):
    """An ill-typed matrix expression: a product, sum or equation whose shapes do not fit.

    Cause: e.g. ``X X`` with X n×d, or a missing transpose.
    Fix: the message names both shapes; insert the transpose or reorder the product.
    """


class AnswerKeyError(CheckerError):
    """An answer key that cannot be used.

    Cause: a missing field, bad LaTeX, an unknown question kind, an ill-formed symbol table.
    Raised when the key is loaded, never in the middle of grading.
    Fix: edit the key file at the named question and field.
    """


class UnknownQuestionError(CheckerError):
    """A question id that the key does not have.

    Cause: a typo in the id, or a key for another homework.
    Fix: use one of the ids the message lists (``derivcheck verify`` lists the key's questions).
    """


class DerivationError(CheckerError):
    """A malformed derivation.

    Cause: a step that is not an expression or equation, a shape mismatch, an unknown symbol,
    or a justification that names no known rule.
    Fix: edit the derivation module at the named step.
    """


class SubmissionError(CheckerError):
    """A submission file that cannot be read.

    Cause: the file is missing, binary, not UTF-8, or larger than the limit.
    Fix: the message names the file and the condition; re-export the submission as UTF-8 text.
    """


class BudgetExceeded(CheckerError):
    """Judging an answer ran past its time or memory budget.

    This is an undecided outcome, never a wrong answer.
    Fix: simplify the answer, or raise the budget (``--timeout``) when grading by hand.
    """


class OutputBusyError(CheckerError):
    """An output file that another derivcheck run is writing (it holds the file's advisory lock).

    Cause: two runs given one ``--out`` (a fresh run and a ``--resume``, or two of either).
    Fix: wait for the other run to finish, or write to another file.
    """


class OutputError(CheckerError):
    """An output file that could not be written.

    Cause: the disk is full, or the device failed.  What was written before the failure is kept
    whole (a half-written record is removed).
    Fix: free space (the message names the file), then run again with ``--resume``.
    """
