"""Frozen, hashable configuration passed explicitly to every stage; no module-level state."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Budget", "EquivalenceConfig", "GradeConfig", "ParseOptions"]


@dataclass(frozen=True)
class Budget:
    """Resources one answer may use while it is judged in a worker process.

    Attributes:
        seconds: wall-clock limit per answer; past it the worker is killed and replaced and the
            verdict is ``error`` with "time limit" (undecided, never wrong).
        memory_mb: address-space cap of a worker process, in MiB.
        max_input_chars: answers longer than this are refused before parsing.
    """

    seconds: float = 2.0
    memory_mb: int = 2048
    max_input_chars: int = 20_000

    def __post_init__(self) -> None:
        if not self.seconds > 0:
            raise ValueError(f"Budget.seconds must be > 0, got seconds={self.seconds}")
        if self.memory_mb < 256:
            raise ValueError(f"Budget.memory_mb must be >= 256, got memory_mb={self.memory_mb}")
        if self.max_input_chars < 1:
            raise ValueError(f"Budget.max_input_chars must be >= 1, got {self.max_input_chars}")


@dataclass(frozen=True)
class ParseOptions:
    """How the LaTeX front end reads one question's answers.

    Attributes:
        vector_shorthand: accept the 1-D shorthand ``X^2`` for XᵀX and ``X t`` for Xᵀt when X and
            t are column vectors. Off by default: a missing transpose is then a shape error.
        max_exponent: largest integer exponent magnitude accepted (``(x+1)^{100000}`` is refused).
        max_depth: deepest nesting of groups accepted.
        relations: read ``<``, ``>``, ``\\le``, ``\\ge``, ``\\ne`` between sides (a claim such as
            ``\\epsilon > 0``). Off by default: a caller that only understands equation chains
            then gets an error for a relation, never an equation it did not write.
    """

    vector_shorthand: bool = False
    max_exponent: int = 64
    max_depth: int = 60
    relations: bool = False

    def __post_init__(self) -> None:
        if self.max_exponent < 2:
            raise ValueError(f"ParseOptions.max_exponent must be >= 2, got {self.max_exponent}")
        if self.max_depth < 4:
            raise ValueError(f"ParseOptions.max_depth must be >= 4, got {self.max_depth}")


@dataclass(frozen=True)
class EquivalenceConfig:
    """The equivalence cascade's knobs.

    Attributes:
        points: independent random points that must agree before a randomized acceptance.
        dimensions: (n, d) pairs tried for symbolic dimensions; both n > d and n < d appear.
        entry_bound: random rational entries are p/q with |p| <= entry_bound, 1 <= q <= entry_bound.
        seed: seed of the random points, so a verdict is reproducible.
        symbolic: try a bounded symbolic proof before instantiation.
        digits: precision for comparing values that are not rational (radicals), in digits.
    """

    points: int = 6
    dimensions: tuple[tuple[int, int], ...] = ((4, 2), (2, 3), (3, 3), (5, 1))
    entry_bound: int = 9
    seed: int = 20261129
    symbolic: bool = True
    digits: int = 60

    def __post_init__(self) -> None:
        if self.points < 1:
            raise ValueError(f"EquivalenceConfig.points must be >= 1, got points={self.points}")
        if not self.dimensions or any(n < 1 or d < 1 for n, d in self.dimensions):
            raise ValueError(f"EquivalenceConfig.dimensions must be positive pairs, got {self.dimensions}")
        if self.entry_bound < 2:
            raise ValueError(f"EquivalenceConfig.entry_bound must be >= 2, got {self.entry_bound}")
        if self.digits < 30:
            raise ValueError(f"EquivalenceConfig.digits must be >= 30, got digits={self.digits}")


@dataclass(frozen=True)
class GradeConfig:
    """Everything one grading run needs besides the key.

    Attributes:
        budget: per-answer resources.
        equivalence: the cascade's knobs.
        jobs: worker processes (>= 1).
    """

    budget: Budget = Budget()
    equivalence: EquivalenceConfig = EquivalenceConfig()
    jobs: int = 1

    def __post_init__(self) -> None:
        if self.jobs < 1:
            raise ValueError(f"GradeConfig.jobs must be >= 1, got jobs={self.jobs}")
