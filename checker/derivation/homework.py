"""A homework's reference derivations: the Python modules of its ``derivations/`` folder.

Each module of the folder whose name does not start with ``_`` is one derivation and defines::

    def derivation(key: Key) -> Derivation: ...

It receives the loaded key, so its symbols are the key's (:func:`symbols_of`): a derivation and
the LaTeX parser mean the same thing by ``w``.  Modules starting with ``_`` are shared helpers,
imported with relative imports (``from ._symbols import dims``): the folder is loaded as a
package of its own, under a name derived from its path, so two homeworks never share modules and
nothing is imported from the current directory.  The bundled homeworks and a TA's folder anywhere
on disk are loaded by this one mechanism.

Proofs are kept once per process (:func:`proved`): ``pytest`` items, ``verify`` and the key's
check against its derivations share them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sympy

from checker.caches import memo
from checker.derivation import rules
from checker.derivation.chain import Derivation, DerivationReport, prove
from checker.engine import substitute_definitions
from checker.errors import CheckerError, DerivationError
from checker.judge import KeyFinding
from checker.key import Key, Question
from checker.latex import definitions, parse_key
from checker.symbols import sympy_symbol
from checker.table import SymbolTable

__all__ = [
    "HomeworkDerivations",
    "check_against_key",
    "derivation_files",
    "key_entries",
    "latex_names",
    "load_derivations",
    "proved",
    "symbols_of",
]


@dataclass(frozen=True)
class HomeworkDerivations:
    """The derivations of one homework, built from its folder with its key.

    Attributes:
        key: the homework's key.
        folder: the derivations folder (None when the homework has none).
        derivations: one per module, in the key's question order, then by name.
    """

    key: Key
    folder: Path | None
    derivations: tuple[Derivation, ...]

    def named(self, name: str) -> Derivation:
        """The derivation of module ``name``.

        Raises:
            DerivationError: naming the derivations the folder has.
        """
        for d in self.derivations:
            if d.name == name:
                return d
        known = ", ".join(d.name for d in self.derivations) or "none"
        raise DerivationError(f"expected a derivation of {self.folder}, found name={name!r}; it has: {known}")


def derivation_files(folder: Path | None) -> tuple[Path, ...]:
    """The derivation modules of a folder: ``*.py`` not starting with ``_``, sorted by name."""
    if folder is None or not folder.is_dir():
        return ()
    return tuple(sorted(p for p in folder.glob("*.py") if not p.name.startswith("_")))


def _package(folder: Path) -> str:
    """Import the folder as a package of its own (once per process) and return its name."""
    digest = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
    name = f"_derivcheck_derivations_{digest}"
    if name not in sys.modules:
        init = folder / "__init__.py"
        if init.is_file():
            spec = importlib.util.spec_from_file_location(
                name, init, submodule_search_locations=[str(folder)]
            )
            if spec is None or spec.loader is None:  # pragma: no cover - a file that is not Python
                raise DerivationError(f"expected a Python package, found {init} that cannot be loaded")
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
        else:
            package = types.ModuleType(name)
            package.__path__ = [str(folder)]
            package.__package__ = name
            sys.modules[name] = package
    return name


def _build(key: Key, path: Path) -> Derivation:
    package = _package(path.parent)
    try:
        module = importlib.import_module(f"{package}.{path.stem}")
        build = getattr(module, "derivation", None)
        if not callable(build):
            raise DerivationError(
                f"expected {path} to define derivation(key) -> Derivation, found no such function; "
                "fix: add it (derivcheck new DIR writes an example)"
            )
        built = build(key)
    except DerivationError as exc:
        if exc.where is None:
            exc.where = f"Derivation error in {path}"
        raise
    except Exception as exc:  # the author's code failed: name the file, keep the cause
        raise DerivationError(
            f"expected derivation(key) to build a Derivation, found it raised {type(exc).__name__}: {exc}",
            where=f"Derivation error in {path}",
        ) from exc
    if not isinstance(built, Derivation):
        raise DerivationError(
            f"expected derivation(key) to return a Derivation, found {type(built).__name__}",
            where=f"Derivation error in {path}",
        )
    if built.name != path.stem:
        raise DerivationError(
            f"expected the derivation's name to be its module's, found name={built.name!r} in {path.name}; "
            f"fix: name={path.stem!r}",
            where=f"Derivation error in {path}",
        )
    return built


def load_derivations(key: Key) -> HomeworkDerivations:
    """Build every derivation of the key's homework folder, passing each the loaded key.

    Args:
        key: a loaded key (its ``homework.derivations`` says where the folder is).

    Returns:
        The derivations, in the key's question order, then the rest by name.

    Raises:
        DerivationError: a module that does not import, has no ``derivation(key)``, raises, or
            builds something else; the message names the file.

    >>> from checker.key import load_key
    >>> [d.name for d in load_derivations(load_key()).derivations][:2]
    ['q1_1_2', 'q1_2_2']
    """
    folder = key.homework.derivations if key.homework is not None else None
    built = {p.stem: _build(key, p) for p in derivation_files(folder)}
    order = [q.derivation for q in key.questions if q.derivation in built]
    names = list(dict.fromkeys([*order, *sorted(built)]))
    return HomeworkDerivations(key=key, folder=folder, derivations=tuple(built[n] for n in names))


@memo(maxsize=256)
def proved(derivation: Derivation) -> DerivationReport:
    """:func:`~checker.derivation.chain.prove`, once per process per derivation (reports are frozen)."""
    return prove(derivation)


def symbols_of(key: Key, question: str) -> dict[str, Any]:
    """Every declared scalar, vector and matrix symbol of a question of ``key``, by name.

    Dimension symbols (``n``, ``d``) are included; the identity is not (size it with
    ``sympy.Identity``).

    >>> from checker.key import load_key
    >>> sorted(symbols_of(load_key(), "1.2.2"))[:3]
    ['X', 'd', 'epsilon']
    """
    table = key.question(question).symbols
    return {spec.name: sympy_symbol(spec, table) for spec in table if spec.shape != "identity"}


def latex_names(key: Key, question: str) -> tuple[tuple[str, str], ...]:
    """``(name, LaTeX)`` for the key symbols whose LaTeX differs from their name (``x_adv`` → ``x'``).

    Names SymPy already prints well (``lambda``, ``epsilon``, ``sigma``) are left alone.

    >>> from checker.key import load_key
    >>> dict(latex_names(load_key(), "1.2.3"))["w"]
    'w^*'
    """
    table = key.question(question).symbols
    return tuple(
        (spec.name, spec.latex)
        for spec in table
        if spec.latex != spec.name and sympy.latex(sympy.Symbol(spec.name)) != spec.latex
    )


def check_against_key(homework: HomeworkDerivations) -> tuple[KeyFinding, ...]:
    """The key and its derivations say the same thing: one finding per check.

    * every derivation backs a question of the key that names it (``derivation:unused``), and its
      ``question`` is that question (``derivation:question``);
    * each backed question's reference and accepted forms equal the derivation's answer step
      (``derivation:reference``, ``derivation:accepted``), and each known mistake does not
      (``derivation:mistake``); equality is the prover's exact zero test, at general dimensions
      or at the derivation's concrete ones.

    Args:
        homework: the derivations built with the key.

    Returns:
        The findings, ``ok`` or ``failed`` each, with the key's line of the question.

    >>> from checker.key import load_key
    >>> found = check_against_key(load_derivations(load_key()))
    >>> all(f.status == "ok" for f in found), len(found) > 10
    (True, True)
    """
    key = homework.key
    findings: list[KeyFinding] = []
    by_name = {d.name: d for d in homework.derivations}
    for derivation in homework.derivations:
        users = [q for q in key.questions if q.derivation == derivation.name]
        if not users:
            findings.append(
                KeyFinding(
                    derivation.question,
                    0,
                    "derivation:unused",
                    "failed",
                    f"{derivation.name}.py backs no question: expected a question with "
                    f"derivation = {derivation.name!r}",
                )
            )
    for q in key.questions:
        if q.derivation is None or q.derivation not in by_name:
            continue
        derivation = by_name[q.derivation]

        def finding(kind: str, ok: bool, detail: str, q: Question = q) -> KeyFinding:
            return KeyFinding(q.id, q.line, kind, "ok" if ok else "failed", detail)

        if derivation.question != q.id:
            findings.append(
                finding(
                    "derivation:question",
                    False,
                    f"{derivation.name}.py says question={derivation.question!r}, but question {q.id} names it",
                )
            )
            continue
        if q.kind == "choice":
            continue
        forms = [("derivation:reference", q.reference), *(("derivation:accepted", a) for a in q.accepted)]
        for kind, latex in forms:
            agrees, reason = _agrees(derivation, q, latex)
            findings.append(
                finding(
                    kind,
                    agrees,
                    f"{latex!r} {'equals' if agrees else 'differs from'} the answer of "
                    f"{derivation.name}.py ({reason})",
                )
            )
        for mistake in q.mistakes:
            agrees, reason = _agrees(derivation, q, mistake.answer)
            findings.append(
                finding(
                    "derivation:mistake",
                    not agrees,
                    f"mistake {mistake.tag} {'equals' if agrees else 'differs from'} the answer of "
                    f"{derivation.name}.py ({reason})",
                )
            )
    return tuple(findings)


def _scalar(expr: Any) -> Any:
    """A 1×1 matrix expression as the scalar the parser reads it as."""
    if rules.is_matrix(expr) and expr.shape == (1, 1):
        return expr[0, 0]
    return expr


def key_entries(expr: Any, table: SymbolTable) -> Any:
    """Members of an indexed family named like a key vector or matrix, as that symbol's entries.

    A derivation in index notation writes ``X[i, j]`` (an ``IndexedBase`` named ``X``) for the
    key's X_{ij}, 1-based as the homework writes it; the LaTeX parser reads ``x_j^{(i)}`` as the
    matrix entry ``X[i - 1, j - 1]``.  This maps the first onto the second, so both mean the same
    object; families no key matrix is named after (noise, per-example names) are left alone.

    Args:
        expr: a derivation's expression.
        table: the question's symbol table.

    Returns:
        ``expr`` with each such member replaced by the key symbol's entry.

    >>> from checker.key import load_key
    >>> i, j = sympy.symbols("i j", integer=True, positive=True)
    >>> key_entries(sympy.IndexedBase("X")[i, j] * sympy.IndexedBase("w")[j], load_key().question("3.1").symbols)
    X[i - 1, j - 1]*w[j - 1, 0]
    """
    matrices = {
        spec.name: sympy_symbol(spec, table) for spec in table if spec.is_matrix and spec.shape != "identity"
    }

    def entry(member: sympy.Indexed) -> Any:
        symbol = matrices.get(str(member.base.label))
        if symbol is None:
            return member
        rows, cols = symbol.shape
        at = [k - 1 for k in member.indices]
        if len(at) == 2:
            return symbol[at[0], at[1]]
        if len(at) == 1 and cols == 1:
            return symbol[at[0], 0]
        if len(at) == 1 and rows == 1:
            return symbol[0, at[0]]
        return member

    if not isinstance(expr, sympy.Basic):
        return expr
    return expr.replace(lambda e: isinstance(e, sympy.Indexed), entry)


@memo(maxsize=512)
def _agrees(derivation: Derivation, question: Question, latex: str) -> tuple[bool, str]:
    """Whether the key's LaTeX equals the derivation's answer, by the prover's exact zero test
    (once per process: verify, the tests and the docs ask it of the same frozen values).

    Both sides are brought into the key's terms first: the key's definitions substituted, an
    indexed family named like a key symbol read as its entries (:func:`key_entries`).
    """
    try:
        parsed = parse_key(latex, question.symbols, options=question.options).expr
        defined = definitions(question.symbols, question.options)
    except CheckerError as exc:
        return False, f"the key's LaTeX does not parse: {exc.message}"
    answer = key_entries(derivation.answer, question.symbols)
    if defined:
        parsed = substitute_definitions(parsed, defined)
        answer = substitute_definitions(answer, defined)
    sizes = rules.Sizes(tuple(derivation.dimensions), derivation.trial_dimensions)
    try:
        outcome = rules.prove_zero(_scalar(answer) - _scalar(parsed), sizes, what="answer - key")
    except (TypeError, ValueError, sympy.ShapeError) as exc:  # ill-typed: not equal
        return False, f"shapes do not fit ({exc})"
    return outcome.ok, outcome.method if outcome.ok else outcome.reason
