"""Where Lark's analysed grammar is cached: a pickle, so only in a place nobody else can write.

One file per grammar text and compile options, so checkouts or installs that differ never
overwrite each other's tables.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lark import Lark

from checker.latex import _LARK_OPTIONS, _parser, _parser_cache
from checker.latex._normalize import normalize

pytestmark = pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX ownership checks")


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path


def test_the_cache_lives_in_a_private_folder_of_the_users_cache_home(cache_home: Path) -> None:
    path = _parser_cache("start: WORD")
    assert path is not None
    folder = Path(path).parent
    assert folder == cache_home / "derivcheck"
    assert folder.stat().st_mode & 0o077 == 0


def test_each_grammar_text_has_its_own_file(cache_home: Path) -> None:
    assert _parser_cache("start: A") != _parser_cache("start: B")
    assert _parser_cache("start: A") == _parser_cache("start: A")


def test_a_folder_others_can_write_is_not_used(cache_home: Path) -> None:
    folder = cache_home / "derivcheck"
    folder.mkdir(mode=0o700)
    folder.chmod(0o777)
    assert _parser_cache("start: A") is None


def test_a_cache_file_others_can_write_is_not_used(cache_home: Path) -> None:
    path = _parser_cache("start: A")
    assert path is not None
    Path(path).write_bytes(b"not a pickle anyone should load")
    Path(path).chmod(0o666)
    assert _parser_cache("start: A") is None


def test_an_unusable_cache_home_means_no_cache(cache_home: Path) -> None:
    blocker = cache_home / "derivcheck"
    blocker.write_text("a file where the folder should be")
    assert _parser_cache("start: A") is None


def test_a_cached_parser_reads_like_a_fresh_one(cache_home: Path) -> None:
    grammar = _parser().source_grammar
    path = _parser_cache(grammar)
    assert path is not None
    first = Lark(grammar, **_LARK_OPTIONS, cache=path, cache_grammar=True)
    assert Path(path).exists()  # written by the first build ...
    again = Lark(grammar, **_LARK_OPTIONS, cache=path, cache_grammar=True)  # ... loaded by the next
    text = normalize(r"w^T x = 2 \frac{p}{q}", max_depth=20).text
    assert again.parse(text) == first.parse(text) == _parser().parse(text)
