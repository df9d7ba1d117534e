"""Loading a homework's ``key.toml`` into a frozen :class:`~checker.key.Key`: the TOML, its structure, its LaTeX.

Everything a key author can get wrong is found here, at load time, and raised as
:class:`~checker.errors.AnswerKeyError` naming the file, the line, the question and the field
(``Answer key error in answers/hw3/key.toml, line 12, question 1.2.2, field 'kind'``).  The
frozen types it builds live in :mod:`checker.key.model`; the key's LaTeX is read by the LaTeX stage
below this one (:func:`checker.latex.parse_key`), so a key is validated while it loads.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any, cast

from checker.config import ParseOptions
from checker.errors import AnswerKeyError, CheckerError
from checker.key.homework import homework_paths, key_file
from checker.key.model import (
    KINDS,
    ChoicePart,
    FollowThrough,
    Key,
    Mistake,
    Question,
    QuestionKind,
)
from checker.latex import definitions, parse_key
from checker.table import ASSUMPTIONS, FunctionSpec, ShapeSpec, SymbolSpec, SymbolTable

__all__ = ["load_key"]


def load_key(path: str | Path | None = None, *, validate_latex: bool = True) -> Key:
    """Load and validate a homework's answer key.

    Args:
        path: a homework folder (holding ``key.toml``) or the key file; None for the default
            bundled homework.
        validate_latex: also parse every reference, accepted form, mistake, definition and
            follow-through reference with the question's symbol table, so bad LaTeX fails here.

    Returns:
        The frozen key.

    Raises:
        AnswerKeyError: naming the file, line, question and field that is wrong.

    >>> load_key(validate_latex=False).question("1.2.2").points
    1.0
    """
    file = key_file(path)
    try:
        raw_text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AnswerKeyError(
            f"expected a readable UTF-8 key file, found an error reading it: {exc}; "
            "fix: pass --key DIR pointing at a directory with key.toml",
            where=str(file),
        ) from exc
    try:
        data = tomllib.loads(raw_text)
    except tomllib.TOMLDecodeError as exc:
        line = _toml_error_line(exc)
        raise AnswerKeyError(
            f"expected valid TOML, found a syntax error: {exc}",
            where=f"Answer key error in {file}" + (f", line {line}" if line else ""),
        ) from exc
    key = _build_key(file, raw_text, data)
    if validate_latex:
        _validate_latex(key, _Ctx(file, raw_text))
    return key


# ----------------------------------------------------------------------------------------------
# building
# ----------------------------------------------------------------------------------------------


class _Ctx:
    """Where we are in the key file, for messages."""

    def __init__(self, file: Path, text: str) -> None:
        self.file = file
        self.text = text

    def line_of(self, qid: str | None) -> int:
        if qid is None:
            return 0
        pattern = re.compile(r'^\s*id\s*=\s*["\']' + re.escape(qid) + r'["\']', re.MULTILINE)
        match = pattern.search(self.text)
        return self.text.count("\n", 0, match.start()) + 1 if match else 0

    def error(self, message: str, qid: str | None = None, fieldname: str | None = None) -> AnswerKeyError:
        where = f"Answer key error in {self.file}"
        line = self.line_of(qid)
        if line:
            where += f", line {line}"
        if qid is not None:
            where += f", question {qid}"
        if fieldname is not None:
            where += f", field {fieldname!r}"
        return AnswerKeyError(message, where=where)


def _toml_error_line(exc: tomllib.TOMLDecodeError) -> int | None:
    match = re.search(r"line (\d+)", str(exc))
    return int(match.group(1)) if match else None


def _build_key(file: Path, text: str, data: Mapping[str, Any]) -> Key:
    ctx = _Ctx(file, text)
    meta = _table(ctx, data, "key", None)
    name = _str(ctx, meta, "name", None)
    title = _str(ctx, meta, "title", None, default=name)
    base_symbols = _symbols(ctx, _table(ctx, data, "symbols", None), None, base={})
    functions = _functions(ctx, data.get("functions", {}))
    raw_questions = data.get("question")
    if not isinstance(raw_questions, list) or not raw_questions:
        raise ctx.error("expected at least one [[question]] table, found none")
    questions: list[Question] = []
    seen: set[str] = set()
    for raw in raw_questions:
        q = _question(ctx, raw, base_symbols, functions)
        if q.id in seen:
            raise ctx.error(f"expected unique question ids, found id={q.id!r} twice", q.id, "id")
        seen.add(q.id)
        questions.append(q)
    for q in questions:
        ft = q.follow_through
        if ft is not None and ft.source not in seen:
            raise ctx.error(
                f"expected follow_through.from to name a question of this key, found from={ft.source!r}",
                q.id,
                "follow_through",
            )
    derivations = _opt_str(ctx, meta, "derivations", None)
    homework = homework_paths(file, derivations)
    if derivations is not None and homework.derivations is not None and not homework.derivations.is_dir():
        raise ctx.error(
            f"expected derivations to name a folder relative to the key's, found nothing at {homework.derivations}",
            None,
            "key.derivations",
        )
    for q in questions:
        if q.derivation is None:
            continue
        folder = homework.derivations
        if folder is None or not (folder / f"{q.derivation}.py").is_file():
            where = folder / f"{q.derivation}.py" if folder is not None else f"derivations/{q.derivation}.py"
            raise ctx.error(
                f"expected derivation to name a module of the homework's derivations folder, found "
                f"derivation={q.derivation!r} with no file {where}; fix: add the module (derivcheck new DIR "
                "writes an example) or remove the field",
                q.id,
                "derivation",
            )
    return Key(
        path=file,
        name=name,
        title=title,
        questions=tuple(questions),
        functions=functions,
        homework=homework,
    )


_QUESTION_FIELDS = frozenset(
    {
        "id", "points", "kind", "prompt", "target", "reference", "accepted", "mistakes", "forbid",
        "forbid_feedback", "follow_through", "derivation", "parts", "scopes", "cues", "options",
        "symbols", "labels",
    }
)  # fmt: skip


def _question(
    ctx: _Ctx,
    raw: Any,
    base_symbols: dict[str, SymbolSpec],
    functions: tuple[FunctionSpec, ...],
) -> Question:
    if not isinstance(raw, dict):
        raise ctx.error(f"expected each [[question]] to be a table, found {type(raw).__name__}")
    qid = raw.get("id")
    if not isinstance(qid, str) or not qid.strip():
        raise ctx.error(f"expected every question to have a string 'id', found id={qid!r}")
    unknown = sorted(set(raw) - _QUESTION_FIELDS)
    if unknown:
        raise ctx.error(
            f"expected only known fields, found unknown={unknown}; known fields: "
            + ", ".join(sorted(_QUESTION_FIELDS)),
            qid,
        )
    points = raw.get("points")
    if isinstance(points, bool) or not isinstance(points, int | float) or points < 0:
        raise ctx.error(f"expected 'points' to be a number >= 0, found points={points!r}", qid, "points")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise ctx.error(f"expected kind to be one of {', '.join(KINDS)}, found kind={kind!r}", qid, "kind")
    kind = cast(QuestionKind, kind)
    symbols = _symbols(ctx, raw.get("symbols", {}), qid, base=base_symbols)
    table = SymbolTable(tuple(symbols.values()), functions)
    opts_raw = raw.get("options", {})
    if not isinstance(opts_raw, dict) or set(opts_raw) - {"vector_shorthand"}:
        raise ctx.error(
            f"expected options to hold only vector_shorthand, found options={opts_raw!r}", qid, "options"
        )
    options = ParseOptions(vector_shorthand=bool(opts_raw.get("vector_shorthand", False)))
    reference = _str(ctx, raw, "reference", qid)
    question = Question(
        id=qid,
        points=float(points),
        kind=kind,
        prompt=_str(ctx, raw, "prompt", qid, default=""),
        symbols=table,
        options=options,
        target=_opt_str(ctx, raw, "target", qid),
        reference=reference,
        accepted=_str_list(ctx, raw, "accepted", qid),
        mistakes=tuple(_mistake(ctx, m, qid) for m in _list(ctx, raw, "mistakes", qid)),
        forbid=_str_list(ctx, raw, "forbid", qid),
        forbid_feedback=_str(ctx, raw, "forbid_feedback", qid, default=""),
        follow_through=_follow_through(ctx, raw.get("follow_through"), qid),
        derivation=_opt_str(ctx, raw, "derivation", qid),
        parts=tuple(_part(ctx, p, qid) for p in _list(ctx, raw, "parts", qid)),
        scopes=tuple((k, _str(ctx, raw["scopes"], k, qid)) for k in raw.get("scopes", {})),
        cues=_str_list(ctx, raw, "cues", qid),
        labels=_str_list(ctx, raw, "labels", qid),
        line=ctx.line_of(qid),
    )
    _check_question(ctx, question)
    return question


def _check_question(ctx: _Ctx, q: Question) -> None:
    if q.kind == "choice":
        if not q.parts:
            raise ctx.error(
                "expected a choice question to have [[question.parts]], found none", q.id, "parts"
            )
        scope_names = {name for name, _ in q.scopes}
        for part in q.parts:
            options = [name for name, _ in part.choices]
            if part.answer not in options:
                raise ctx.error(
                    f"expected the part's answer to be one of its choices {options}, found answer={part.answer!r}",
                    q.id,
                    f"parts.{part.name}",
                )
            if part.scope is not None and part.scope not in scope_names:
                raise ctx.error(
                    f"expected scope to name one of [question.scopes] {sorted(scope_names)}, found scope={part.scope!r}",
                    q.id,
                    f"parts.{part.name}",
                )
        for name, pattern in q.scopes:
            _compile_pattern(ctx, pattern, q.id, f"scopes.{name}")
        for part in q.parts:
            for option, patterns in part.choices:
                for pattern in patterns:
                    _compile_pattern(ctx, pattern, q.id, f"parts.{part.name}.choices.{option}")
        return
    if not q.reference.strip():
        raise ctx.error("expected a non-empty LaTeX reference answer", q.id, "reference")
    if q.kind == "equation" and q.target is None:
        raise ctx.error("expected an equation question to name its target (the unknown)", q.id, "target")
    for name in q.forbid:
        if not q.symbols.has(name):
            raise ctx.error(
                f"expected forbid to list symbol names of the table, found {name!r}", q.id, "forbid"
            )
    ft = q.follow_through
    if ft is not None and not q.symbols.has(ft.symbol):
        raise ctx.error(
            f"expected follow_through.symbol to name a symbol of the table, found symbol={ft.symbol!r}",
            q.id,
            "follow_through",
        )


def _compile_pattern(ctx: _Ctx, pattern: str, qid: str, fieldname: str) -> None:
    if pattern.startswith("re:"):
        try:
            re.compile(pattern[3:])
        except re.error as exc:
            raise ctx.error(
                f"expected a valid regular expression, found {pattern!r}: {exc}", qid, fieldname
            ) from exc


_SYMBOL_FIELDS = frozenset(
    {"latex", "aliases", "shape", "assumptions", "lower", "upper", "define", "description"}
)


def _symbols(
    ctx: _Ctx, raw: Any, qid: str | None, *, base: Mapping[str, SymbolSpec]
) -> dict[str, SymbolSpec]:
    if not isinstance(raw, dict):
        raise ctx.error(f"expected [symbols] to be a table, found {type(raw).__name__}", qid, "symbols")
    out = dict(base)
    for name, spec in raw.items():
        if not isinstance(spec, dict):
            raise ctx.error(f"expected symbol {name!r} to be a table", qid, f"symbols.{name}")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
            raise ctx.error(
                f"expected a symbol name that is an identifier, found name={name!r}", qid, f"symbols.{name}"
            )
        unknown = sorted(set(spec) - _SYMBOL_FIELDS)
        if unknown:
            raise ctx.error(
                f"expected only the fields {sorted(_SYMBOL_FIELDS)}, found unknown={unknown}",
                qid,
                f"symbols.{name}",
            )
        fieldname = f"symbols.{name}"
        assumptions = frozenset(_str_list(ctx, spec, "assumptions", qid))
        bad = sorted(assumptions - ASSUMPTIONS)
        if bad:
            raise ctx.error(f"expected assumptions among {sorted(ASSUMPTIONS)}, found {bad}", qid, fieldname)
        out[name] = SymbolSpec(
            name=name,
            latex=_str(ctx, spec, "latex", qid, default=name),
            aliases=_str_list(ctx, spec, "aliases", qid),
            shape=_shape(ctx, spec.get("shape", "scalar"), qid, fieldname),
            assumptions=assumptions,
            lower=_bound(ctx, spec, "lower", qid, fieldname),
            upper=_bound(ctx, spec, "upper", qid, fieldname),
            define=_opt_str(ctx, spec, "define", qid),
            description=_str(ctx, spec, "description", qid, default=""),
        )
    dims = {n for n, s in out.items() if s.shape == "scalar" and "integer" in s.assumptions}
    for spec in out.values():
        if isinstance(spec.shape, tuple):
            for dim in spec.shape:
                if isinstance(dim, str) and dim not in dims:
                    raise ctx.error(
                        f"expected each shape entry to be a positive integer or a declared integer "
                        f"symbol, found {dim!r} in shape={list(spec.shape)}",
                        qid,
                        f"symbols.{spec.name}.shape",
                    )
        if spec.lower is not None and spec.upper is not None and not spec.lower < spec.upper:
            raise ctx.error(
                f"expected lower < upper, found lower={spec.lower}, upper={spec.upper}",
                qid,
                f"symbols.{spec.name}",
            )
    return out


def _shape(ctx: _Ctx, raw: Any, qid: str | None, fieldname: str) -> ShapeSpec:
    if raw in ("scalar", "identity"):
        return cast(ShapeSpec, raw)
    if (
        isinstance(raw, list)
        and len(raw) == 2
        and all(
            (isinstance(x, str) and x) or (isinstance(x, int) and not isinstance(x, bool) and x > 0)
            for x in raw
        )
    ):
        return (raw[0], raw[1])
    raise ctx.error(
        f'expected shape to be "scalar", "identity" or [rows, cols], found shape={raw!r}', qid, fieldname
    )


def _bound(ctx: _Ctx, spec: Mapping[str, Any], name: str, qid: str | None, fieldname: str) -> Fraction | None:
    raw = spec.get(name)
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ctx.error(f"expected {name} to be a number, found {name}={raw!r}", qid, fieldname)
    return Fraction(raw).limit_denominator(10**6)


def _functions(ctx: _Ctx, raw: Any) -> tuple[FunctionSpec, ...]:
    if not isinstance(raw, dict):
        raise ctx.error("expected [functions] to be a table", None, "functions")
    out = []
    for name, spec in raw.items():
        if not isinstance(spec, dict):
            raise ctx.error(f"expected function {name!r} to be a table", None, f"functions.{name}")
        out.append(
            FunctionSpec(
                name=name,
                params=_str_list(ctx, spec, "params", None),
                body=_str(ctx, spec, "body", None, **({"default": ""} if "elementwise" in spec else {})),
                description=_str(ctx, spec, "description", None, default=""),
                elementwise=_opt_str(ctx, spec, "elementwise", None),
            )
        )
    return tuple(out)


def _mistake(ctx: _Ctx, raw: Any, qid: str) -> Mistake:
    if not isinstance(raw, dict):
        raise ctx.error("expected each [[question.mistakes]] to be a table", qid, "mistakes")
    score = raw.get("score", 0)
    if isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score < 1:
        raise ctx.error(
            f"expected a mistake's score to be a share in [0, 1), found score={score!r}", qid, "mistakes"
        )
    tag = _str(ctx, raw, "tag", qid)
    if not re.fullmatch(r"[a-z][a-z0-9_]*", tag):
        raise ctx.error(f"expected a tag in snake_case, found tag={tag!r}", qid, "mistakes")
    return Mistake(
        answer=_str(ctx, raw, "answer", qid),
        tag=tag,
        score=float(score),
        feedback=_str(ctx, raw, "feedback", qid),
    )


def _follow_through(ctx: _Ctx, raw: Any, qid: str) -> FollowThrough | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ctx.error("expected [question.follow_through] to be a table", qid, "follow_through")
    share = raw.get("share", 0.5)
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share <= 1:
        raise ctx.error(f"expected share in (0, 1], found share={share!r}", qid, "follow_through")
    return FollowThrough(
        source=_str(ctx, raw, "from", qid),
        symbol=_str(ctx, raw, "symbol", qid),
        reference=_str(ctx, raw, "reference", qid),
        share=float(share),
    )


def _part(ctx: _Ctx, raw: Any, qid: str) -> ChoicePart:
    if not isinstance(raw, dict):
        raise ctx.error("expected each [[question.parts]] to be a table", qid, "parts")
    choices_raw = raw.get("choices")
    if not isinstance(choices_raw, dict) or not choices_raw:
        raise ctx.error("expected a part to have a non-empty [question.parts.choices] table", qid, "parts")
    choices = tuple((name, _str_list(ctx, choices_raw, name, qid)) for name in choices_raw)
    return ChoicePart(
        name=_str(ctx, raw, "name", qid),
        answer=_str(ctx, raw, "answer", qid),
        choices=choices,
        scope=_opt_str(ctx, raw, "scope", qid),
    )


def _table(ctx: _Ctx, raw: Mapping[str, Any], name: str, qid: str | None) -> Mapping[str, Any]:
    value = raw.get(name)
    if not isinstance(value, dict):
        raise ctx.error(f"expected a [{name}] table, found {type(value).__name__}", qid, name)
    return value


_MISSING: Any = object()


def _str(ctx: _Ctx, raw: Mapping[str, Any], name: str, qid: str | None, default: Any = _MISSING) -> str:
    value = raw.get(name, default)
    if value is _MISSING:
        raise ctx.error(f"expected field {name!r}, found it missing", qid, name)
    if not isinstance(value, str):
        raise ctx.error(f"expected {name!r} to be a string, found {name}={value!r}", qid, name)
    return value


def _opt_str(ctx: _Ctx, raw: Mapping[str, Any], name: str, qid: str | None) -> str | None:
    return _str(ctx, raw, name, qid) if name in raw else None


def _list(ctx: _Ctx, raw: Mapping[str, Any], name: str, qid: str | None) -> list[Any]:
    value = raw.get(name, [])
    if not isinstance(value, list):
        raise ctx.error(f"expected {name!r} to be a list, found {type(value).__name__}", qid, name)
    return value


def _str_list(ctx: _Ctx, raw: Mapping[str, Any], name: str, qid: str | None) -> tuple[str, ...]:
    values = _list(ctx, raw, name, qid)
    if not all(isinstance(v, str) for v in values):
        raise ctx.error(f"expected {name!r} to be a list of strings, found {values!r}", qid, name)
    return tuple(values)


# ----------------------------------------------------------------------------------------------
# LaTeX validation at load time
# ----------------------------------------------------------------------------------------------


def _validate_latex(key: Key, ctx: _Ctx) -> None:
    """Parse every piece of LaTeX in the key with its question's table; fail at load time."""
    for q in key.questions:
        if q.kind == "choice":
            continue
        table = q.symbols
        pieces = [("reference", q.reference, table), *(("accepted", a, table) for a in q.accepted)]
        pieces += [(f"mistakes.{m.tag}", m.answer, table) for m in q.mistakes]
        pieces += [("target", q.target, table)] if q.target is not None else []
        try:  # parsed once per table, cached in checker.latex where judging finds them
            definitions(table, q.options)
            recheck = {s.name for s in table if s.shape == "identity"}  # which `definitions` skips
        except CheckerError:
            recheck = {s.name for s in table}  # one by one below: the message names the culprit
        defined = [s for s in table if s.name in recheck]
        pieces += [(f"symbols.{s.name}.define", s.define, table) for s in defined if s.define is not None]
        if q.follow_through is not None:  # written with the earlier answer's symbol left free
            ft = q.follow_through
            pieces.append(("follow_through.reference", ft.reference, table.without_definition(ft.symbol)))
        for fieldname, text, piece_table in pieces:
            try:
                # a reference may be a claim (\epsilon > 0): judge.answer compares relations
                relational = replace(q.options, relations=True) if fieldname == "reference" else q.options
                parse_key(text, piece_table, options=relational)
            except CheckerError as exc:
                raise ctx.error(
                    f"expected LaTeX the parser reads, found an error: {exc.render()}", q.id, fieldname
                ) from exc
