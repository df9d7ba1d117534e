"""``derivcheck new DIR``: a starter homework that verifies and grades as it stands."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from checker.cli import main
from checker.key import load_key
from checker.key.starter import write_starter


@pytest.fixture(scope="module")
def starter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("starter") / "hw4"
    write_starter(folder)
    return folder


def test_it_writes_a_homework_folder(starter: Path) -> None:
    names = sorted(str(p.relative_to(starter)) for p in starter.rglob("*") if p.is_file())
    assert names == [
        "derivations/q1.py",
        "key.toml",
        "samples/expected.toml",
        "samples/good.md",
        "samples/mistakes.txt",
    ]
    key = load_key(starter)
    assert key.name == "hw4"
    text = (starter / "key.toml").read_text(encoding="utf-8")
    assert "derivcheck schema" in text and "derivcheck verify --key" in text
    assert "@" not in tomllib.loads(text)["key"]["title"]


def test_every_field_of_a_question_is_explained(starter: Path) -> None:
    # A first-time author finds each field of a question named in the key's comments.
    from checker.key.schema import QuestionEntry

    text = (starter / "key.toml").read_text(encoding="utf-8")
    comments = "\n".join(line for line in text.splitlines() if line.lstrip().startswith("#"))
    missing = [f for f in QuestionEntry.__struct_fields__ if f not in comments]
    assert not missing, f"fields not explained in the starter key: {missing}"


def test_verify_passes_through_the_cli(starter: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["verify", "--key", str(starter), "--format", "json"])
    obj = json.loads(capsys.readouterr().out)
    assert code == 0, obj
    assert obj["ok"] and [d["name"] for d in obj["derivations"]] == ["q1"]
    assert {f["status"] for f in obj["samples"]} == {"ok"} and len(obj["samples"]) == 4


def test_grade_grades_the_samples_through_the_cli(starter: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(p) for p in (starter / "samples").iterdir())  # as the shell expands samples/*
    code = main(["grade", *files, "--key", str(starter), "--format", "json", "--jobs", "1"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0
    got = {
        Path(r["submission"]).name: {q["question"]: (q["verdict"], q["answer_note"]) for q in r["questions"]}
        for r in lines
    }
    assert got == {
        "good.md": {"1": ("correct", "correct"), "2": ("correct", "correct")},
        "mistakes.txt": {"1": ("incorrect", "sign_flipped"), "2": ("incorrect", "wrong_choice")},
    }


@pytest.mark.parametrize("occupied", ["file", "folder"])
def test_it_refuses_to_overwrite(tmp_path: Path, occupied: str, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "hw"
    if occupied == "file":
        target.write_text("x", encoding="utf-8")
    else:
        target.mkdir()
        (target / "key.toml").write_text("mine", encoding="utf-8")
    assert main(["new", str(target)]) == 2
    assert "nothing was overwritten" in capsys.readouterr().err
    if occupied == "folder":
        assert (target / "key.toml").read_text(encoding="utf-8") == "mine"


def test_an_empty_folder_is_fine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", str(tmp_path)]) == 0
    assert (tmp_path / "derivations" / "q1.py").is_file()
    assert "derivcheck verify --key" in capsys.readouterr().out
