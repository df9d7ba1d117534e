"""The typed schema of ``key.toml``: what a key author may write, checked field by field.

Each table of the file is a :class:`msgspec.Struct` that forbids unknown fields, so a typo
(``scroe = 0.5``, ``[function.f]`` for ``[functions.f]``, ``[[questions]]``) is an error naming its
field path, which :mod:`checker.key.load` turns into the file's line.  Types and bounds are
declared here (a share in [0, 1), a tag in snake_case, a shape that is ``"scalar"``,
``"identity"`` or ``[rows, cols]``); what needs the whole key (a part's answer among its options, a
``forbid`` naming a declared symbol, LaTeX that parses, definitions without a circle) is checked by
the loader.  :func:`json_schema` is the same schema for editors (``derivcheck schema``).

These are the file's shapes, not the model: the loader builds the frozen :mod:`checker.key.model`
from them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

__all__ = [
    "FollowThroughEntry",
    "FunctionEntry",
    "IndexEntry",
    "KeyFile",
    "KeyMeta",
    "MistakeEntry",
    "OptionsEntry",
    "PartEntry",
    "QuestionEntry",
    "RandomEntry",
    "SymbolEntry",
    "decode",
    "json_schema",
]

Doc = msgspec.Meta
Share = Annotated[float, Doc(ge=0, lt=1, description="a share of the question's points, in [0, 1)")]
Tag = Annotated[str, Doc(pattern=r"^[a-z][a-z0-9_]*$", description="a stable snake_case tag")]
Name = Annotated[str, Doc(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", description="an identifier")]
Assumption = Literal["positive", "nonnegative", "nonzero", "integer"]
Dim = Annotated[str, Doc(min_length=1)] | Annotated[int, Doc(ge=1)]
Shape = Literal["scalar", "identity"] | tuple[Dim, Dim]


class _Table(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, omit_defaults=True):
    """A TOML table: unknown fields are errors."""


class KeyMeta(_Table):
    """``[key]``: the homework's name and where its derivations are."""

    name: Annotated[str, Doc(min_length=1, description="short name, e.g. hw3")]
    title: Annotated[str | None, Doc(description="the title reports show (default: the name)")] = None
    version: Annotated[int, Doc(ge=1, description="the key file format's version")] = 1
    derivations: Annotated[
        str | None,
        Doc(
            description="folder of the reference derivations, relative to this file's folder "
            "(default: derivations/ beside key.toml)"
        ),
    ] = None


# ---- index notation and random variables -----------------------------------------------------


class RandomEntry(_Table):
    """``random = {...}`` of a symbol: its distribution, every entry drawn i.i.d. from it."""

    distribution: Annotated[
        Literal["bernoulli", "normal", "uniform", "categorical", "moments"],
        Doc(
            description="bernoulli (p), normal (mean, variance), uniform (lower, upper), "
            "categorical (values, probabilities), moments (mean, variance only)"
        ),
    ]
    p: Annotated[str | None, Doc(description="LaTeX of the success probability (bernoulli)")] = None
    mean: Annotated[str | None, Doc(description="LaTeX of the mean (normal, moments; default 0)")] = None
    variance: Annotated[str | None, Doc(description="LaTeX of the variance (normal, moments)")] = None
    lower: Annotated[str | None, Doc(description="LaTeX of the lower end (uniform)")] = None
    upper: Annotated[str | None, Doc(description="LaTeX of the upper end (uniform)")] = None
    values: Annotated[list[str], Doc(description="LaTeX of each value (categorical)")] = []
    probabilities: Annotated[
        list[str], Doc(description="LaTeX of each value's probability (categorical)")
    ] = []


class IndexEntry(_Table):
    """``[indices.NAME]``: a letter answers use as an index (or an iteration counter)."""

    latex: Annotated[str | None, Doc(description="its spelling (default: the name)")] = None
    aliases: Annotated[list[str], Doc(description="other spellings")] = []
    over: Annotated[str | None, Doc(description="the dimension symbol it runs over, 1 to that dimension")] = (
        None
    )
    iteration: Annotated[bool, Doc(description="it counts iterations (w^{(t+1)}), not entries")] = False
    description: str = ""


# ---- symbols ---------------------------------------------------------------------------------


class SymbolEntry(_Table):
    """``[symbols.NAME]`` (or ``[question.symbols.NAME]``): one symbol answers may use."""

    latex: Annotated[str | None, Doc(description="how it is printed; also read as this symbol")] = None
    aliases: Annotated[list[str], Doc(description="other LaTeX spellings read as this symbol")] = []
    shape: Annotated[Shape, Doc(description='"scalar", "identity" (sized by context) or [rows, cols]')] = (
        "scalar"
    )
    assumptions: list[Assumption] = []
    lower: Annotated[float | None, Doc(description="open lower bound (p > 0)")] = None
    upper: Annotated[float | None, Doc(description="open upper bound (p < 1)")] = None
    define: Annotated[str | None, Doc(description="LaTeX of its definition in other symbols")] = None
    description: str = ""
    entries: Annotated[
        list[str],
        Doc(description="spellings of one entry or row, written with index letters (X_{ij}, x^{(i)})"),
    ] = []
    random: Annotated[RandomEntry | None, Doc(description="its distribution: a random symbol")] = None
    iterate: Annotated[
        str | None, Doc(description="the iteration index naming its iterates (t in w^{(t+1)})")
    ] = None


class FunctionEntry(_Table):
    """``[functions.NAME]``: a function the homework defines, e.g. f(x; w) := wᵀx."""

    params: Annotated[list[Name], Doc(description="parameter symbol names, in order")]
    body: Annotated[str, Doc(description="LaTeX of the body in the parameters")]
    description: str = ""


class OptionsEntry(_Table):
    """``[question.options]``: how the question's answers are read."""

    vector_shorthand: Annotated[
        bool, Doc(description="read X^2 as X^T X and X t as X^T t when X, t are columns (1-D questions)")
    ] = False


class MistakeEntry(_Table):
    """``[[question.mistakes]]``: a known wrong answer, its share of the points and its feedback."""

    answer: Annotated[str, Doc(description="LaTeX of the wrong form")]
    tag: Tag
    feedback: Annotated[str, Doc(description="what the student should change")]
    score: Share = 0.0


class FollowThroughEntry(_Table):
    """``[question.follow_through]``: credit for an answer right given the student's earlier answer."""

    source: str = msgspec.field(name="from")
    symbol: Annotated[str, Doc(description="the symbol the earlier answer defines here")]
    reference: Annotated[str, Doc(description="this question's answer in terms of that symbol")]
    share: Annotated[float, Doc(gt=0, le=1, description="share of the points it earns, in (0, 1]")] = 0.5


class PartEntry(_Table):
    """``[[question.parts]]``: one graded choice of a short-answer question."""

    name: str
    answer: Annotated[str, Doc(description="the right option's name (a key of choices)")]
    choices: Annotated[
        dict[str, list[str]],
        Doc(
            description="option → phrases naming it (a literal phrase, or a regular expression written re:...)"
        ),
    ]
    scope: Annotated[str | None, Doc(description="a name of [question.scopes]: the part reads only it")] = (
        None
    )


class QuestionEntry(_Table):
    """``[[question]]``: one question of the homework."""

    id: Annotated[str, Doc(min_length=1, description="the id used everywhere (1.2.2)")]
    points: Annotated[float, Doc(ge=0, description="full marks (0 for a reference-only derivation)")]
    kind: Literal["expression", "equation", "choice"]
    reference: Annotated[str, Doc(description="the reference answer: LaTeX, or prose for choice")]
    prompt: str = ""
    target: Annotated[str | None, Doc(description="LaTeX of what the answer gives the value of")] = None
    accepted: Annotated[list[str], Doc(description="other forms equivalent to the reference")] = []
    mistakes: list[MistakeEntry] = []
    forbid: Annotated[list[str], Doc(description="symbol names an answer must not leave in")] = []
    forbid_feedback: str = ""
    follow_through: FollowThroughEntry | None = None
    derivation: Annotated[str | None, Doc(description="module of the derivations folder backing it")] = None
    parts: list[PartEntry] = []
    scopes: Annotated[dict[str, str], Doc(description="scope name → pattern splitting a choice answer")] = {}
    cues: Annotated[list[str], Doc(description="phrases introducing the student's decision")] = []
    labels: Annotated[list[str], Doc(description="other ways students label it (Q1 (a), Problem 1a)")] = []
    options: OptionsEntry | None = None
    symbols: Annotated[dict[Name, SymbolEntry], Doc(description="overrides of the key's symbols")] = {}
    indices: Annotated[dict[Name, IndexEntry], Doc(description="overrides of the key's indices")] = {}


class KeyFile(_Table):
    """A whole ``key.toml``."""

    key: KeyMeta
    question: Annotated[list[QuestionEntry], Doc(min_length=1, description="the questions, in order")]
    symbols: dict[Name, SymbolEntry] = {}
    functions: dict[Name, FunctionEntry] = {}
    indices: dict[Name, IndexEntry] = {}


def decode(data: dict[str, Any]) -> KeyFile:
    """The key file's data as typed entries.

    Args:
        data: what :func:`tomllib.loads` read.

    Returns:
        The typed entries.

    Raises:
        msgspec.ValidationError: naming the field path (``$.question[3].mistakes[0]``).

    >>> decode({"key": {"name": "hw"}, "question": [{"id": "1", "points": 1, "kind": "expression",
    ...         "reference": "x"}]}).question[0].points
    1.0
    """
    return msgspec.convert(data, KeyFile)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of ``key.toml`` (TOML maps onto JSON), for editors.

    >>> json_schema()["$ref"]
    '#/$defs/KeyFile'
    """
    schema: dict[str, Any] = msgspec.json.schema(KeyFile)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "derivcheck key.toml"
    return schema
