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
    "OptionEntry",
    "OptionsEntry",
    "PartEntry",
    "QuestionEntry",
    "RandomEntry",
    "RequiredEntry",
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
    body: Annotated[str, Doc(description="LaTeX of the body in the parameters (none when elementwise)")] = ""
    description: str = ""
    elementwise: Annotated[
        Literal["sigmoid", "exp", "log", "tanh", "relu", "softmax"] | None,
        Doc(description="the standard function applied entry by entry (sigma(Xw)); then no body"),
    ] = None


class OptionsEntry(_Table):
    """``[question.options]``: how the question's answers are read."""

    vector_shorthand: Annotated[
        bool, Doc(description="read X^2 as X^T X and X t as X^T t when X, t are columns (1-D questions)")
    ] = False


class MistakeEntry(_Table):
    """``[[question.mistakes]]``: a known wrong answer, its share of the points and its feedback.

    The answer may be ill-typed (XXᵀ where XᵀX belongs, a scalar added to a matrix): an ill-typed
    student answer is matched against it untyped, every matrix and vector symbol read as a random
    square k×k matrix at several k, and earns the mistake's share and feedback."""

    answer: Annotated[
        str,
        Doc(description="LaTeX of the wrong form; may be ill-typed (X X^T for X^T X), matched untyped"),
    ]
    tag: Tag
    feedback: Annotated[str, Doc(description="what the student should change")]
    score: Share = 0.0


class FollowThroughEntry(_Table):
    """``[question.follow_through]``: credit for an answer right given the student's earlier answer."""

    source: str = msgspec.field(name="from")
    symbol: Annotated[str, Doc(description="the symbol the earlier answer defines here")]
    reference: Annotated[str, Doc(description="this question's answer in terms of that symbol")]
    share: Annotated[float, Doc(gt=0, le=1, description="share of the points it earns, in (0, 1]")] = 0.5


class OptionEntry(_Table):
    """``[question.parts.options.NAME]``: one option of a part, described by concepts.

    The reader knows English: word forms (a stemmer), typos and OCR noise, negation ("not",
    "rather than", "fixed", "keep"), hedges, premises, arrows, ``↑ ↓ ∝``.  So an option lists the
    concepts that name it and a few phrasings, not every inflection: ``means = "up"`` with
    ``of = ["model", "parameters"]`` reads "a bigger model", "scale up the params", "model size ↑",
    "more layers" alike.
    """

    phrases: Annotated[
        list[str],
        Doc(
            description="phrasings naming the option, matched by word stems with bounded typo tolerance "
            '("higher order optimizer" also reads "higher-order optimisers"); re:... is a regular expression'
        ),
    ] = []
    means: Annotated[
        Literal["up", "down", "same"] | None,
        Doc(description="a direction of the quantities in `of`: up (grows, ↑, doubles), down, same (fixed)"),
    ] = None
    of: Annotated[
        list[str],
        Doc(description="the quantities `means` applies to (default: the part's `about`)"),
    ] = []
    letter: (
        Annotated[
            str,
            Doc(
                pattern=r"^[A-Za-z]$",
                description="the option's letter label (C): read in any case, never as the article 'a'",
            ),
        ]
        | None
    ) = None
    position: (
        Annotated[
            int,
            Doc(
                ge=1,
                description='its 1-based place in the list the question gives ("Option 3", "the third", "(iii)")',
            ),
        ]
        | None
    ) = None


class RequiredEntry(_Table):
    """``[question.required]``: the form an answer must take for full credit.

    An answer equivalent to the reference but not in the form earns ``share`` of the points and
    the feedback.  "In the form": the answer's value is, after the parser's canonicalization,
    structurally one of ``forms`` (so ``X^T(XX^T)^{-1}t`` and ``X^{T}\\left(X X^T\\right)^{-1} t``
    both are), or it inverts matrices of the same shapes as a form does (the n×n inverse of
    Xᵀ(XXᵀ)⁻¹t, not the d×d one of (XᵀX)⁻¹Xᵀt), when the forms invert any."""

    forms: Annotated[list[str], Doc(min_length=1, description="LaTeX of the required form(s)")]
    share: Share = 0.5
    feedback: Annotated[str, Doc(description="what a student answering in another form should change")] = ""


Operator = Literal["gradient", "derivative", "expectation", "variance"]


class PartEntry(_Table):
    """``[[question.parts]]``: one graded choice of a short-answer question.

    Options are written either as ``[question.parts.options.NAME]`` tables (concepts: phrases, a
    direction of a quantity, a letter, a position) or, in the older form, as a
    ``[question.parts.choices]`` table of option → phrases; both may be combined.  On an
    expression or equation question a part is a claim, read from the question's whole text and
    carrying ``share`` of its points.
    """

    name: str
    answer: Annotated[str, Doc(description="the right option's name (a key of options or choices)")]
    choices: Annotated[
        dict[str, list[str]],
        Doc(
            description="option → phrases naming it (a literal phrase, or a regular expression written re:...)"
        ),
    ] = {}
    options: Annotated[
        dict[str, OptionEntry],
        Doc(description="option name → how the option is named (phrases, means/of, letter, position)"),
    ] = {}
    scope: Annotated[str | None, Doc(description="a name of [question.scopes]: the part reads only it")] = (
        None
    )
    about: Annotated[
        list[str],
        Doc(description='the quantity the part asks about ("learning rate", "lr"): what a bare "it" means'),
    ] = []
    given: Annotated[
        list[str],
        Doc(
            description='the quantity the question varies ("batch size"): mentioned in the premise, not the answer'
        ),
    ] = []
    share: Annotated[
        float | None,
        Doc(
            description="a claim of an expression/equation question: its share of the points, in "
            "(0, 1); the formula earns the rest (not set on a choice question's parts)"
        ),
    ] = None


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
    scopes: Annotated[
        dict[str, str],
        Doc(
            description="scope name → what marks it in a choice answer: a letter (A: 'A', 'point a', "
            "'the first point') or a pattern re:..."
        ),
    ] = {}
    cues: Annotated[list[str], Doc(description="phrases introducing the student's decision")] = []
    labels: Annotated[list[str], Doc(description="other ways students label it (Q1 (a), Problem 1a)")] = []
    options: OptionsEntry | None = None
    symbols: Annotated[dict[Name, SymbolEntry], Doc(description="overrides of the key's symbols")] = {}
    required: Annotated[
        RequiredEntry | None,
        Doc(description="the form an answer must take for full credit, and the share another form earns"),
    ] = None
    unevaluated: Annotated[
        list[Operator],
        Doc(
            description="operators an answer must not leave unevaluated (gradient, derivative, "
            "expectation, variance): an answer applying one is incorrect. Without it, an equivalent "
            "answer that still applies one of them is needs_review, never correct"
        ),
    ] = []
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
