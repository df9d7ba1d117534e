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
from collections.abc import Mapping, Sequence
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any, cast

import msgspec

from checker.config import ParseOptions
from checker.errors import AnswerKeyError, CheckerError
from checker.key.homework import homework_paths, key_file
from checker.key.locate import TomlLines, path_text
from checker.key.model import (
    ChoiceOption,
    ChoicePart,
    FollowThrough,
    Key,
    Mistake,
    Question,
    RequiredForm,
)
from checker.key.schema import IndexEntry, KeyFile, PartEntry, QuestionEntry, RandomEntry, SymbolEntry, decode
from checker.key.untyped import UNTYPED_SIZES, mistake_reading, untyped_options, untyped_table
from checker.latex import definitions, parse_key
from checker.table import FunctionSpec, IndexSpec, RandomSpec, ShapeSpec, SymbolSpec, SymbolTable

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
    ctx = _Ctx(file, raw_text)
    try:
        entries = decode(data)
    except msgspec.ValidationError as exc:
        raise _validation_error(ctx, exc, data) from exc
    key = _build_key(ctx, entries)
    if validate_latex:
        _validate_latex(key, ctx, entries)
    return key


# ----------------------------------------------------------------------------------------------
# where: messages for the key's author, at the line of the item at fault
# ----------------------------------------------------------------------------------------------


class _Ctx:
    """The key file being loaded: its name, its lines by field path, and the author's messages."""

    def __init__(self, file: Path, text: str) -> None:
        self.file = file
        self.lines = TomlLines(text)

    def error(self, message: str, path: FieldPath, *, qid: str | None = None) -> AnswerKeyError:
        """``Answer key error in FILE, line N, question Q, field 'F': message`` (author-facing)."""
        where = f"Answer key error in {self.file}"
        line = self.lines.line_of(path)
        if line is not None:
            where += f", line {line}"
        if qid is not None:
            where += f", question {qid}"
        inner = path[2:] if len(path) > 2 and path[0] == "question" else path
        if inner:
            where += f", field {path_text(inner)!r}"
        return AnswerKeyError(message, where=where)

    def line(self, path: FieldPath) -> int:
        return self.lines.line_of(path) or 0


FieldPath = tuple[str | int, ...]


def _validation_error(ctx: _Ctx, exc: msgspec.ValidationError, data: Mapping[str, Any]) -> AnswerKeyError:
    """A schema error as the author's message: the field path → the line, the fix in words."""
    text = str(exc)
    message, _, at = text.rpartition(" - at `")
    if not message:
        message, at = text, "$`"
    path: list[str | int] = []
    for name, index, key in re.findall(r"\.([^.\[`]+)|\[(\d+)\]|\[(\.\.\.)\]", at.rstrip("`")):
        path.append(int(index) if index else (name or key))
    path = _name_map_keys(data, path, text)
    unknown = re.match(r"Object contains unknown field `([^`]+)`", message)
    missing = re.match(r"Object missing required field `([^`]+)`", message)
    if unknown is not None:
        path.append(unknown.group(1))
        message = (
            f"expected only the fields this table has, found unknown field {unknown.group(1)!r}; "
            "fix: check its spelling (derivcheck schema lists every field)"
        )
    elif missing is not None:
        message = f"expected field {missing.group(1)!r}, found it missing; fix: add it"
    else:
        found = _value_at(data, path)
        name = path_text([p for p in path[2:]] if path[:1] == ["question"] else path) or "value"
        message = f"expected {_expectation(path, message)}, found {name}={found!r}; fix: correct the value"
    qid = _qid_at(data, path)
    return ctx.error(message, tuple(path), qid=qid)


def _name_map_keys(data: Mapping[str, Any], path: list[str | int], text: str) -> list[str | int]:
    """msgspec writes a table's key as ``[...]``: find which key it is (the one whose entry alone
    gives the same error)."""
    for i, part in enumerate(path):
        if part != "...":
            continue
        table = _value_at(data, path[:i])
        if not isinstance(table, dict):
            break
        for name in table:
            trial = _only(data, path[:i], name)
            try:
                decode(trial)
            except msgspec.ValidationError as exc:
                if str(exc).split(" - at ")[0] == text.split(" - at ", maxsplit=1)[0]:
                    path = [*path[:i], name, *path[i + 1 :]]
                    break
    return path


def _only(data: Any, path: Sequence[str | int], name: str) -> Any:
    """A copy of ``data`` whose table at ``path`` holds only ``name``."""
    if not path:
        return {name: data[name]} if isinstance(data, dict) else data
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {**data, head: _only(data[head], rest, name)}
    if isinstance(data, list) and isinstance(head, int):
        return [*data[:head], _only(data[head], rest, name), *data[head + 1 :]]
    return data


_EXPECTED = {
    "kind": "one of expression, equation, choice",
    "assumptions": "assumptions among integer, nonnegative, nonzero, positive",
    "shape": '"scalar", "identity" or [rows, cols] (each a dimension symbol or a positive integer)',
}


def _expectation(path: Sequence[str | int], message: str) -> str:
    """What the schema expected, in words (msgspec's message, made readable)."""
    named = [p for p in path if isinstance(p, str)]
    if named and named[-1] in _EXPECTED:
        return _EXPECTED[named[-1]]
    if "shape" in named:
        return _EXPECTED["shape"]
    if "assumptions" in named:
        return _EXPECTED["assumptions"]
    return re.sub(r"^Expected ", "", message.replace("`", "")).replace(", got ", " (got ") + (
        ")" if ", got " in message else ""
    )


def _value_at(data: Any, path: Sequence[str | int]) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _qid_at(data: Mapping[str, Any], path: Sequence[str | int]) -> str | None:
    if len(path) >= 2 and path[0] == "question" and isinstance(path[1], int):
        questions = data.get("question")
        if isinstance(questions, list) and path[1] < len(questions) and isinstance(questions[path[1]], dict):
            qid = questions[path[1]].get("id")
            return qid if isinstance(qid, str) else None
    return None


def _toml_error_line(exc: tomllib.TOMLDecodeError) -> int | None:
    match = re.search(r"line (\d+)", str(exc))
    return int(match.group(1)) if match else None


# ----------------------------------------------------------------------------------------------
# building the model from the typed entries
# ----------------------------------------------------------------------------------------------


def _build_key(ctx: _Ctx, entries: KeyFile) -> Key:
    name = entries.key.name
    title = entries.key.title or name
    base_symbols = _symbols(ctx, entries.symbols, ("symbols",), None, base={})
    base_indices = _indices(ctx, entries.indices, ("indices",), None, base={}, symbols=base_symbols)
    functions = tuple(
        FunctionSpec(
            name=n, params=tuple(f.params), body=f.body, description=f.description, elementwise=f.elementwise
        )
        for n, f in entries.functions.items()
    )
    for n, f in entries.functions.items():
        if bool(f.body.strip()) == (f.elementwise is not None):
            raise ctx.error(
                "expected exactly one of body (f(x; w) := ...) or elementwise (a standard function applied "
                f"entry by entry), found {'both' if f.body.strip() else 'neither'}; fix: keep one",
                ("functions", n),
            )
    questions: list[Question] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries.question):
        path: FieldPath = ("question", index)
        if entry.id in seen:
            raise ctx.error(
                f"expected unique question ids, found id={entry.id!r} twice (first at question[{seen[entry.id]}])",
                (*path, "id"),
                qid=entry.id,
            )
        seen[entry.id] = index
        questions.append(_question(ctx, entry, path, base_symbols, functions, base_indices=base_indices))
    for index, q in enumerate(questions):
        ft = q.follow_through
        if ft is not None and ft.source not in seen:
            raise ctx.error(
                f"expected follow_through.from to name a question of this key, found from={ft.source!r}; "
                f"fix: one of {', '.join(seen)}",
                ("question", index, "follow_through", "from"),
                qid=q.id,
            )
    homework = homework_paths(ctx.file, entries.key.derivations)
    if (
        entries.key.derivations is not None
        and homework.derivations is not None
        and not homework.derivations.is_dir()
    ):
        raise ctx.error(
            f"expected derivations to name a folder relative to the key's, found nothing at {homework.derivations}; "
            "fix: correct the path, or remove the field to use derivations/ beside key.toml",
            ("key", "derivations"),
        )
    for index, q in enumerate(questions):
        if q.derivation is None:
            continue
        folder = homework.derivations
        if folder is None or not (folder / f"{q.derivation}.py").is_file():
            where = folder / f"{q.derivation}.py" if folder is not None else f"derivations/{q.derivation}.py"
            raise ctx.error(
                f"expected derivation to name a module of the homework's derivations folder, found "
                f"derivation={q.derivation!r} with no file {where}; fix: add the module (derivcheck new DIR "
                "writes an example) or remove the field",
                ("question", index, "derivation"),
                qid=q.id,
            )
    return Key(
        path=ctx.file,
        name=name,
        title=title,
        questions=tuple(questions),
        functions=functions,
        homework=homework,
    )


def _question(
    ctx: _Ctx,
    entry: QuestionEntry,
    path: FieldPath,
    base_symbols: dict[str, SymbolSpec],
    functions: tuple[FunctionSpec, ...],
    *,
    base_indices: dict[str, IndexSpec],
) -> Question:
    qid = entry.id
    symbols = _symbols(ctx, entry.symbols, (*path, "symbols"), qid, base=base_symbols)
    indices = _indices(ctx, entry.indices, (*path, "indices"), qid, base=base_indices, symbols=symbols)
    table = SymbolTable(tuple(symbols.values()), functions, tuple(indices.values()))
    options = ParseOptions(vector_shorthand=entry.options.vector_shorthand if entry.options else False)
    ft = entry.follow_through
    question = Question(
        id=qid,
        points=float(entry.points),
        kind=entry.kind,
        prompt=entry.prompt,
        symbols=table,
        options=options,
        target=entry.target,
        reference=entry.reference,
        accepted=tuple(entry.accepted),
        mistakes=tuple(
            Mistake(answer=m.answer, tag=m.tag, score=float(m.score), feedback=m.feedback)
            for m in entry.mistakes
        ),
        forbid=tuple(entry.forbid),
        forbid_feedback=entry.forbid_feedback,
        follow_through=(
            FollowThrough(source=ft.source, symbol=ft.symbol, reference=ft.reference, share=float(ft.share))
            if ft is not None
            else None
        ),
        derivation=entry.derivation,
        parts=tuple(_part(p) for p in entry.parts),
        scopes=tuple(entry.scopes.items()),
        cues=tuple(entry.cues),
        labels=tuple(entry.labels),
        required=(
            RequiredForm(
                forms=tuple(entry.required.forms),
                share=float(entry.required.share),
                feedback=entry.required.feedback,
            )
            if entry.required is not None
            else None
        ),
        unevaluated=tuple(dict.fromkeys(entry.unevaluated)),
        line=ctx.line((*path, "id")),
    )
    _check_question(ctx, question, entry, path)
    return question


def _part(entry: PartEntry) -> ChoicePart:
    """A part's options: the concept tables, then the older form's choices (phrases only)."""
    options = [
        ChoiceOption(
            name=name,
            phrases=tuple(o.phrases) + tuple(entry.choices.get(name, ())),
            means=o.means,
            of=tuple(o.of),
            letter=o.letter,
            position=o.position,
        )
        for name, o in entry.options.items()
    ]
    options += [
        ChoiceOption(name=name, phrases=tuple(phrases))
        for name, phrases in entry.choices.items()
        if name not in entry.options
    ]
    return ChoicePart(
        name=entry.name,
        answer=entry.answer,
        choices=tuple((o.name, o.phrases) for o in options),
        scope=entry.scope,
        options=tuple(options),
        about=tuple(entry.about),
        given=tuple(entry.given),
        share=entry.share,
    )


def _check_question(ctx: _Ctx, q: Question, entry: QuestionEntry, path: FieldPath) -> None:
    if q.kind == "choice" and not q.parts:
        raise ctx.error(
            "expected a choice question to have [[question.parts]], found none; fix: add at least one part",
            (*path, "parts"),
            qid=q.id,
        )
    _check_parts(ctx, q, path)
    if q.kind == "choice":
        for field in ("required", "unevaluated"):
            if getattr(entry, field):
                raise ctx.error(
                    f"expected {field} only on an expression or equation question, found it on a "
                    "choice question; fix: remove it",
                    (*path, field),
                    qid=q.id,
                )
        return
    _check_math_question(ctx, q, path)


def _check_parts(ctx: _Ctx, q: Question, path: FieldPath) -> None:
    """A choice question's parts, or a math question's claims (each with its share)."""
    for index, part in enumerate(q.parts):
        if q.kind == "choice" and part.share is not None:
            raise ctx.error(
                "expected no share on a choice question's part (its parts share the points equally), "
                f"found share={part.share}; fix: remove it",
                (*path, "parts", index, "share"),
                qid=q.id,
            )
        if q.kind != "choice" and (part.share is None or not 0 < part.share < 1):
            raise ctx.error(
                "expected a claim of an expression or equation question to carry its share of the "
                f"points in (0, 1), found share={part.share}; fix: add share = 0.25 (the formula "
                "earns the rest)",
                (*path, "parts", index, "share" if part.share is not None else "name"),
                qid=q.id,
            )
    if q.kind != "choice" and q.parts:
        total = sum(p.share or 0 for p in q.parts)
        if total >= 1:
            raise ctx.error(
                f"expected the claims' shares to leave the formula a share, found a total of {total:g}; "
                "fix: make them add up to less than 1",
                (*path, "parts", 0, "share"),
                qid=q.id,
            )
    if q.parts:
        scope_names = {name for name, _ in q.scopes}
        for index, part in enumerate(q.parts):
            options = [name for name, _ in part.choices]
            if not options:
                raise ctx.error(
                    "expected a part to have options ([question.parts.options.NAME] or "
                    "[question.parts.choices]), found none",
                    (*path, "parts", index, "choices"),
                    qid=q.id,
                )
            if part.answer not in options:
                raise ctx.error(
                    f"expected the part's answer to be one of its choices {options}, found answer={part.answer!r}",
                    (*path, "parts", index, "answer"),
                    qid=q.id,
                )
            if part.scope is not None and part.scope not in scope_names:
                raise ctx.error(
                    f"expected scope to name one of [question.scopes] {sorted(scope_names)}, found scope={part.scope!r}",
                    (*path, "parts", index, "scope"),
                    qid=q.id,
                )
            for option, patterns in part.choices:
                for pattern in patterns:
                    _compile_pattern(ctx, pattern, (*path, "parts", index, "choices", option), q.id)
        for name, pattern in q.scopes:
            _compile_pattern(ctx, pattern, (*path, "scopes", name), q.id)


def _check_math_question(ctx: _Ctx, q: Question, path: FieldPath) -> None:
    if not q.reference.strip():
        raise ctx.error(
            "expected a non-empty LaTeX reference answer, found an empty one", (*path, "reference"), qid=q.id
        )
    if q.kind == "equation" and q.target is None:
        raise ctx.error(
            "expected an equation question to name its target (the unknown), found none; fix: add target = '...'",
            (*path, "kind"),
            qid=q.id,
        )
    for name in q.forbid:
        if not q.symbols.has(name):
            raise ctx.error(
                f"expected forbid to list symbol names of the table, found {name!r}",
                (*path, "forbid"),
                qid=q.id,
            )
    ft = q.follow_through
    if ft is not None and not q.symbols.has(ft.symbol):
        raise ctx.error(
            f"expected follow_through.symbol to name a symbol of the table, found symbol={ft.symbol!r}",
            (*path, "follow_through", "symbol"),
            qid=q.id,
        )


def _compile_pattern(ctx: _Ctx, pattern: str, path: FieldPath, qid: str) -> None:
    if pattern.startswith("re:"):
        try:
            re.compile(pattern[3:])
        except re.error as exc:
            raise ctx.error(
                f"expected a valid regular expression, found {pattern!r}: {exc}; fix: correct the pattern",
                path,
                qid=qid,
            ) from exc


def _symbols(
    ctx: _Ctx,
    entries: Mapping[str, SymbolEntry],
    path: FieldPath,
    qid: str | None,
    *,
    base: Mapping[str, SymbolSpec],
) -> dict[str, SymbolSpec]:
    out = dict(base)
    for name, entry in entries.items():
        out[name] = SymbolSpec(
            name=name,
            latex=entry.latex if entry.latex is not None else name,
            aliases=tuple(entry.aliases),
            shape=cast(
                ShapeSpec, tuple(entry.shape) if isinstance(entry.shape, list | tuple) else entry.shape
            ),
            assumptions=frozenset(entry.assumptions),
            lower=_bound(entry.lower),
            upper=_bound(entry.upper),
            define=entry.define,
            description=entry.description,
            entries=tuple(entry.entries),
            random=_random(entry.random),
            iterate=entry.iterate,
        )
    dims = {n for n, s in out.items() if s.shape == "scalar" and "integer" in s.assumptions}
    for spec in out.values():
        where = (*path, spec.name) if spec.name in entries else ("symbols", spec.name)
        if isinstance(spec.shape, tuple):
            for dim in spec.shape:
                if isinstance(dim, str) and dim not in dims:
                    raise ctx.error(
                        f"expected each shape entry to be a positive integer or a declared integer "
                        f"symbol, found {dim!r} in shape={list(spec.shape)}; fix: declare {dim} with "
                        'assumptions = ["integer", "positive"]',
                        (*where, "shape"),
                        qid=qid,
                    )
        if spec.lower is not None and spec.upper is not None and not spec.lower < spec.upper:
            raise ctx.error(
                f"expected lower < upper, found lower={spec.lower}, upper={spec.upper}",
                (*where, "lower"),
                qid=qid,
            )
    return out


def _bound(value: float | None) -> Fraction | None:
    return None if value is None else Fraction(value).limit_denominator(10**6)


# ----------------------------------------------------------------------------------------------
# LaTeX validation at load time
# ----------------------------------------------------------------------------------------------


def _author_message(exc: CheckerError) -> str:
    """A parser error reworded for the key's author: the student's 'fix:' dropped, the caret kept."""
    message = exc.message.split("; fix:", 1)[0]
    excerpt = exc.render().split("\n", 1)[1] if "\n" in exc.render() else ""
    return f"expected LaTeX the parser reads, found: {message}; fix: correct the key's LaTeX" + (
        f"\n{excerpt}" if excerpt else ""
    )


def _validate_latex(key: Key, ctx: _Ctx, entries: KeyFile) -> None:
    """Parse every piece of LaTeX in the key with its question's table, refuse circular
    definitions; fail at load time, at the line of the item at fault."""
    for index, q in enumerate(key.questions):
        if q.kind == "choice":
            continue
        path: FieldPath = ("question", index)
        table = q.symbols
        pieces: list[tuple[FieldPath, str, SymbolTable]] = [((*path, "reference"), q.reference, table)]
        pieces += [((*path, "accepted", i), a, table) for i, a in enumerate(q.accepted)]
        if q.required is not None:
            pieces += [((*path, "required", "forms", i), f, table) for i, f in enumerate(q.required.forms)]
        pieces += [((*path, "target"), q.target, table)] if q.target is not None else []
        own = set(entries.question[index].symbols)  # overridden here: their lines are the question's
        for spec in table:
            if spec.define is not None and spec.shape != "identity":
                where = (
                    (*path, "symbols", spec.name, "define")
                    if spec.name in own
                    else ("symbols", spec.name, "define")
                )
                pieces.append((where, spec.define, table))
        if q.follow_through is not None:  # written with the earlier answer's symbol left free
            ft = q.follow_through
            pieces.append(
                ((*path, "follow_through", "reference"), ft.reference, table.without_definition(ft.symbol))
            )
        for where, text, piece_table in pieces:
            try:
                # a reference may be a claim (\epsilon > 0): judge.answer compares relations
                relational = replace(q.options, relations=True) if where[-1] == "reference" else q.options
                parse_key(text, piece_table, options=relational)
            except CheckerError as exc:
                raise ctx.error(_author_message(exc), where, qid=q.id) from exc
        for i, m in enumerate(q.mistakes):
            _validate_mistake(ctx, q, m, (*path, "mistakes", i, "answer"))
        _refuse_circular_definitions(ctx, q, path, own)
        definitions(table, q.options)  # parsed once per table, cached where judging finds them


def _validate_mistake(ctx: _Ctx, q: Question, mistake: Mistake, where: FieldPath) -> None:
    """A mistake parses with the question's table, or is ill-typed and parses untyped."""
    try:
        if mistake_reading(mistake.answer, q.symbols, q.options) is not None:
            return  # well-typed; else an ill-typed mistake (X X^T for X^T X), matched untyped
    except CheckerError as exc:
        raise ctx.error(_author_message(exc), where, qid=q.id) from exc
    for k in UNTYPED_SIZES:
        try:
            parse_key(mistake.answer, untyped_table(q.symbols, k), options=untyped_options(q.options))
        except CheckerError as exc:
            raise ctx.error(
                "expected an ill-typed mistake to read as an expression when every matrix is square "
                f"{k}×{k}, found: {exc.message.split('; fix:', 1)[0]}; fix: correct the key's LaTeX",
                where,
                qid=q.id,
            ) from exc


def _refuse_circular_definitions(ctx: _Ctx, q: Question, path: FieldPath, own: set[str]) -> None:
    """A definition that uses itself, directly or through others, is refused: substituting it
    never ends, and where it stops would change verdicts."""
    table = q.symbols
    uses: dict[str, set[str]] = {}
    for spec in table:
        if spec.define is None or spec.shape == "identity":
            continue
        parsed = parse_key(spec.define, table, options=q.options)
        uses[spec.name] = {
            str(getattr(s, "name", s)) for side in parsed.sides for s in getattr(side, "free_symbols", ())
        } & {s.name for s in table if s.define is not None}
    state: dict[str, int] = {}  # 1: on the current walk, 2: done

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for used in sorted(uses.get(name, ())):
            if state.get(used) == 1:
                cycle = [*trail[trail.index(used) :], used] if used in trail else [name, used]
                where = (*path, "symbols", name, "define") if name in own else ("symbols", name, "define")
                raise ctx.error(
                    "expected definitions that do not depend on themselves, found the circle "
                    f"{' -> '.join(cycle)}; fix: define one of them in the others' terms only",
                    where,
                    qid=q.id,
                )
            if state.get(used) is None:
                visit(used, [*trail, used])
        state[name] = 2

    for name in sorted(uses):
        if state.get(name) is None:
            visit(name, [name])


# ----------------------------------------------------------------------------------------------
# index notation and random variables
# ----------------------------------------------------------------------------------------------


def _random(entry: RandomEntry | None) -> RandomSpec | None:
    """A symbol's ``random = {...}`` as the model's :class:`RandomSpec` (parameters as LaTeX)."""
    if entry is None:
        return None
    params: list[tuple[str, str]] = []
    for name in ("p", "mean", "variance", "lower", "upper"):
        value = getattr(entry, name)
        if value is not None:
            params.append((name, value))
    if entry.values:
        params.append(("values", "; ".join(entry.values)))
    if entry.probabilities:
        params.append(("probabilities", "; ".join(entry.probabilities)))
    return RandomSpec(entry.distribution, tuple(params))


_NEEDS = {
    "bernoulli": ("p",),
    "normal": ("variance",),
    "uniform": ("lower", "upper"),
    "categorical": ("values", "probabilities"),
    "moments": ("variance",),
}


def _indices(
    ctx: _Ctx,
    entries: Mapping[str, IndexEntry],
    path: FieldPath,
    qid: str | None,
    *,
    base: Mapping[str, IndexSpec],
    symbols: Mapping[str, SymbolSpec],
) -> dict[str, IndexSpec]:
    """The ``[indices]`` table (a question's overrides on top of ``base``), checked against the symbols."""
    out = dict(base)
    for name, entry in entries.items():
        if entry.over is not None and entry.over not in symbols:
            raise ctx.error(
                f"expected over to name a declared dimension symbol, found over={entry.over!r}; "
                "fix: declare it under [symbols] or correct the name",
                (*path, name, "over"),
                qid=qid,
            )
        out[name] = IndexSpec(
            name=name,
            latex=entry.latex if entry.latex is not None else name,
            aliases=tuple(entry.aliases),
            over=entry.over,
            iteration=entry.iteration,
        )
    for spec in symbols.values():
        where = (*path[:-1], "symbols", spec.name) if qid is not None else ("symbols", spec.name)
        if spec.iterate is not None and spec.iterate not in out:
            raise ctx.error(
                f"expected iterate to name a declared index, found iterate={spec.iterate!r}; "
                f"fix: declare [indices.{spec.iterate}] with iteration = true",
                (*where, "iterate"),
                qid=qid,
            )
        if spec.random is not None:
            given = {key for key, _ in spec.random.parameters}
            missing = [key for key in _NEEDS[spec.random.distribution] if key not in given]
            if missing:
                raise ctx.error(
                    f"expected a {spec.random.distribution} distribution to give {', '.join(missing)}, "
                    f"found random={dict(spec.random.parameters)}; fix: add {missing[0]} = '...'",
                    (*where, "random"),
                    qid=qid,
                )
    return out
