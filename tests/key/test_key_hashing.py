"""The key's frozen objects hash once: the kept hash is the fields' hash, in every process and copy.

They are the keys of the per-process caches (``judge.key_side``, the parser's and printer's
tables...), so each keeps its hash after the first use instead of walking every field at every
lookup.  A wrong kept hash would silently miss (or worse, split) those caches, so these tests check
it against the fields' own hash after every way an object is made: loading, ``replace()``,
``copy``, and pickling into a process whose str hashes differ.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import json
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from checker._frozen import hash_once
from checker.key import (
    ChoicePart,
    FollowThrough,
    FunctionSpec,
    Key,
    Mistake,
    Question,
    SymbolSpec,
    SymbolTable,
    load_key,
)

KEY_TYPES = (SymbolSpec, FunctionSpec, SymbolTable, Mistake, FollowThrough, ChoicePart, Question, Key)


def fields_hash(obj: Any) -> int:
    """What dataclass's generated ``__hash__`` computes: the hash of the tuple of the fields."""
    return hash(tuple(getattr(obj, f.name) for f in dataclasses.fields(obj)))


def every_object(key: Key) -> list[Any]:
    """Every frozen key object reachable from ``key``, one row per object, ``key`` first."""
    out: list[Any] = [key, *key.functions]
    for q in key.questions:
        out += [q, q.symbols, *q.symbols.symbols, *q.symbols.functions, *q.mistakes, *q.parts]
        out += [q.follow_through] if q.follow_through is not None else []
    return out


@pytest.fixture(scope="module")
def key() -> Key:
    return load_key(validate_latex=False)


def test_every_frozen_key_type_is_covered(key: Key) -> None:
    assert {type(obj) for obj in every_object(key)} == set(KEY_TYPES)


@pytest.mark.parametrize("cls", KEY_TYPES, ids=lambda c: c.__name__)
def test_dataclass_keeps_the_explicit_hash_and_the_object_stays_frozen(cls: type) -> None:
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    assert params.frozen and params.eq
    assert cls.__hash__ is hash_once, "dataclass replaced the explicit __hash__"


def test_kept_hash_is_the_fields_hash_and_stays(key: Key) -> None:
    for obj in every_object(key):
        first = hash(obj)
        assert first == fields_hash(obj) == hash(obj), obj


def test_equal_objects_loaded_twice_hash_alike(key: Key) -> None:
    again = load_key(validate_latex=False)
    for one, other in zip(every_object(key), every_object(again), strict=True):
        assert one is not other
        assert one == other and hash(one) == hash(other)


def test_objects_stay_immutable_after_hashing(key: Key) -> None:
    question = key.question("1.2.2")
    hash(question)
    with pytest.raises(dataclasses.FrozenInstanceError):
        question.points = 5.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        question._hash = 0  # type: ignore[attr-defined]
    assert question.points == 1.0 and hash(question) == fields_hash(question)


def test_kept_hash_is_no_field(key: Key) -> None:
    question = key.question("1.2.2")
    hash(question)
    assert "_hash" not in repr(question)
    assert [f.name for f in dataclasses.fields(question)] == list(Question.__dataclass_fields__)
    unhashed = dataclasses.replace(question)  # equal, and not hashed yet
    assert unhashed == question and question == unhashed


def test_replace_gives_an_object_with_its_own_hash(key: Key) -> None:
    question = key.question("1.2.2")
    hash(question)
    more = dataclasses.replace(question, points=3.0)
    assert hash(more) == fields_hash(more)
    assert more != question and hash(more) != hash(question)
    same = dataclasses.replace(question)
    assert same == question and hash(same) == hash(question)


def test_without_definition_gives_a_table_with_its_own_hash(key: Key) -> None:
    table = key.question("1.2.3").symbols
    hash(table)
    free = table.without_definition("w")
    assert free != table
    assert hash(free) == fields_hash(free)
    assert hash(free) == hash(SymbolTable(free.symbols, free.functions, free.indices))


@pytest.mark.parametrize("clone", [copy.copy, copy.deepcopy], ids=["copy", "deepcopy"])
def test_copies_hash_alike(key: Key, clone: Any) -> None:
    for obj in every_object(key):
        hash(obj)
        twin = clone(obj)
        assert twin == obj and hash(twin) == hash(obj) == fields_hash(twin)


def test_pickle_carries_no_kept_hash(key: Key) -> None:
    hash(key)
    for obj in every_object(key):
        hash(obj)
    back = pickle.loads(pickle.dumps(key))
    for obj in every_object(back):  # before anything hashes them here
        assert "_hash" not in vars(obj), obj
    assert back == key and hash(back) == hash(key)
    for obj in every_object(back):
        assert hash(obj) == fields_hash(obj)


# Run in a fresh interpreter with a given PYTHONHASHSEED: load the key, hash every object and
# either write the pickle (``dump PATH``) or read it back and compare with a key loaded there
# (``load PATH``), printing what it found as JSON.
CHILD_MAIN = r"""
mode, path = sys.argv[1], sys.argv[2]
here = load_key(validate_latex=False)
for obj in every_object(here):
    hash(obj)
if mode == "dump":
    with open(path, "wb") as out:
        pickle.dump(here, out)
    print(json.dumps({"hash": hash(here)}))
else:
    with open(path, "rb") as src:
        came = pickle.load(src)
    rows = list(zip(every_object(came), every_object(here), strict=True))
    print(json.dumps({
        "hash": hash(came),
        "equal": all(a == b for a, b in rows),
        "hash_alike": all(hash(a) == hash(b) == fields_hash(a) for a, b in rows),
        "found_in_dict": all({b: True}.get(a, False) for a, b in rows),
        "questions_found": all(came.question(q.id) == q for q in here.questions),
    }))
"""
CHILD = "\n".join(
    [
        "import dataclasses, json, pickle, sys",
        "from typing import Any",
        "from checker.key import Key, load_key",
        inspect.getsource(fields_hash),
        inspect.getsource(every_object),
        CHILD_MAIN,
    ]
)


def run_child(seed: str, mode: str, path: Path) -> dict[str, Any]:
    root = Path(__file__).resolve().parents[2]  # this checkout's checker, not another one
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=root,
        env={"PYTHONHASHSEED": seed, "PYTHONPATH": str(root)},
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def test_a_key_pickled_in_one_process_hashes_right_in_another(tmp_path: Path) -> None:
    """Workers under spawn get the key pickled: str hashes differ there (hash randomization)."""
    path = tmp_path / "key.pickle"
    sent = run_child("1", "dump", path)
    got = run_child("2", "load", path)
    assert got["hash"] != sent["hash"], "the two processes should hash str differently"
    assert got == {
        "hash": got["hash"],
        "equal": True,
        "hash_alike": True,
        "found_in_dict": True,
        "questions_found": True,
    }
