"""The Gradescope bundle and its run_autograder, in a temporary folder laid out like /autograder."""

from __future__ import annotations

import json
import math
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from homeworks import rewrite_key

from checker.key import bundled_key_dir, load_key
from checker.report.gradescope import ROOT_ENV, run_autograder, write_bundle

SAMPLE = bundled_key_dir() / "samples" / "sample-submission.md"
KEY = load_key(validate_latex=False)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_bundle(tmp_path_factory.mktemp("bundle") / "autograder.zip", key_dir=None, source=None)


@pytest.fixture(scope="module")
def unzipped(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("autograder")
    source = root / "source"
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(source)
        for info in zf.infolist():  # extractall drops the permission bits
            mode = info.external_attr >> 16
            if mode:
                (source / info.filename).chmod(stat.S_IMODE(mode))
    return root


def read_results(root: Path) -> dict[str, object]:
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert isinstance(results, dict)
    return results


def assert_valid(results: dict[str, object]) -> None:
    tests = results["tests"]
    assert isinstance(tests, list)
    scores = [t["score"] for t in tests]
    assert results["score"] == round(math.fsum(scores), 4)
    for t in tests:
        assert {"name", "score", "max_score", "output", "visibility"} <= set(t)


# ----------------------------------------------------------------------------------------------
# the bundle
# ----------------------------------------------------------------------------------------------


def test_bundle_holds_what_gradescope_needs(bundle: Path) -> None:
    with zipfile.ZipFile(bundle) as zf:
        names = set(zf.namelist())
        modes = {i.filename: i.external_attr >> 16 for i in zf.infolist()}
    for required in (
        "setup.sh",
        "run_autograder",
        "key/HOMEWORK",
        "key/answers/hw3/key.toml",
        "key/derivations/hw3/q1_2_2.py",
        "derivcheck/pyproject.toml",
        "derivcheck/checker/run/grade.py",
        "derivcheck/checker/report/gradescope.py",
        "derivcheck/answers/hw3/key.toml",
    ):
        assert required in names, required
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    assert not any(n.startswith("derivcheck/tests/") for n in names)


@pytest.mark.parametrize("script", ["setup.sh", "run_autograder"])
def test_bundle_scripts_are_valid_bash(unzipped: Path, script: str) -> None:
    proc = subprocess.run(["bash", "-n", str(unzipped / "source" / script)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_setup_installs_the_bundled_source_with_pip(unzipped: Path) -> None:
    setup = (unzipped / "source" / "setup.sh").read_text(encoding="utf-8")
    assert "pip install" in setup and '"$HERE/derivcheck"' in setup
    assert "apt-get install" in setup  # python3 when the image lacks it


def test_bundle_carries_the_given_key(tmp_path: Path) -> None:
    key_file = rewrite_key(tmp_path / "mine", 'title = "Homework 3', 'title = "Custom 3')
    path = write_bundle(tmp_path, key_dir=key_file.parent, source=None)
    assert path.name == "autograder.zip"
    with zipfile.ZipFile(path) as zf:
        assert zf.read("key/HOMEWORK").decode().strip() == "answers/hw3/key.toml"
        assert "Custom 3" in zf.read("key/answers/hw3/key.toml").decode()


def test_bundle_from_the_installed_package_without_a_checkout(tmp_path: Path) -> None:
    from checker.report.gradescope import _add_installed_source

    with zipfile.ZipFile(tmp_path / "a.zip", "w") as zf:
        _add_installed_source(zf)
    with zipfile.ZipFile(tmp_path / "a.zip") as zf:
        names = set(zf.namelist())
        pyproject = zf.read("derivcheck/pyproject.toml").decode()
    assert {"derivcheck/checker/run/grade.py", "derivcheck/checker/report/gradescope.py"} <= names
    assert "sympy" in pyproject and "pytest" not in pyproject
    import tomllib

    assert tomllib.loads(pyproject)["project"]["name"] == "derivcheck"


def test_bundle_refuses_a_folder_without_the_project(tmp_path: Path) -> None:
    from checker.errors import CheckerError

    with pytest.raises(CheckerError, match=r"pyproject\.toml"):
        write_bundle(tmp_path / "a.zip", key_dir=None, source=tmp_path)


# ----------------------------------------------------------------------------------------------
# run_autograder as Gradescope runs it: the bundle's script, the root overridden
# ----------------------------------------------------------------------------------------------


def test_bundle_run_autograder_grades_the_sample(unzipped: Path) -> None:
    root = unzipped
    (root / "submission").mkdir(exist_ok=True)
    shutil.copy(SAMPLE, root / "submission" / "hw3.md")
    env = {**os.environ, ROOT_ENV: str(root), "DERIVCHECK_PYTHON": sys.executable}
    proc = subprocess.run(
        ["bash", str(root / "source" / "run_autograder")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    results = read_results(root)
    assert_valid(results)
    assert [t["name"] for t in results["tests"]] == [f"Question {q.id}" for q in KEY.graded]  # type: ignore[union-attr]
    assert results["score"] == 8.0  # every answer of the sample is right
    by_name = {t["name"]: t for t in results["tests"]}  # type: ignore[union-attr]
    assert "step 2" in by_name["Question 1.2.3"]["output"]  # the design-matrix step, flagged


def test_bundle_run_autograder_writes_results_when_python_is_broken(unzipped: Path, tmp_path: Path) -> None:
    root = tmp_path / "broken"
    (root / "submission").mkdir(parents=True)
    env = {**os.environ, ROOT_ENV: str(root), "DERIVCHECK_PYTHON": "/bin/false"}
    proc = subprocess.run(
        ["bash", str(unzipped / "source" / "run_autograder")], env=env, capture_output=True, text=True
    )
    assert proc.returncode != 0
    results = read_results(root)
    assert results["score"] == 0.0 and "could not start" in str(results["output"])


# ----------------------------------------------------------------------------------------------
# run_autograder in-process: which files, and failures
# ----------------------------------------------------------------------------------------------

SUBMISSIONS = [
    ("one-markdown", {"answers.md": "2.2 the best option is a larger model"}, 1.0),
    ("tex", {"hw.tex": "2.2 I would use a bigger model"}, 1.0),
    (
        "several-files-concatenated",
        {"q2a.md": "2.1.1 it increases", "q2b.txt": "2.2 a larger model"},
        2.0,
    ),
    ("nested-folder", {"sub/dir/hw.md": "2.2 larger model"}, 1.0),
    ("only-a-pdf", {"hw.pdf": "%PDF-1.4"}, 0.0),
    ("binary-md", {"hw.md": b"\x00\x01\x02"}, 0.0),
    ("empty-folder", {}, 0.0),
    ("unreadable-file-skipped", {"a.md": b"\xff\xfe", "b.md": "2.2 larger model"}, 1.0),
]


@pytest.mark.parametrize(("files", "score"), [r[1:] for r in SUBMISSIONS], ids=[r[0] for r in SUBMISSIONS])
def test_run_autograder_in_process(tmp_path: Path, files: dict[str, str | bytes], score: float) -> None:
    submission = tmp_path / "submission"
    submission.mkdir()
    for name, content in files.items():
        path = submission / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    assert run_autograder(tmp_path) == 0
    results = read_results(tmp_path)
    assert_valid(results)
    assert len(results["tests"]) == len(KEY.graded)  # type: ignore[arg-type]
    assert results["score"] == score


def test_run_autograder_failure_message_reaches_the_student(tmp_path: Path) -> None:
    (tmp_path / "submission").mkdir()
    (tmp_path / "submission" / "hw.pdf").write_bytes(b"%PDF")
    run_autograder(tmp_path)
    results = read_results(tmp_path)
    assert "hw.pdf" in str(results["output"])


def test_run_autograder_root_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ROOT_ENV, str(tmp_path))
    assert run_autograder() == 0
    assert (tmp_path / "results" / "results.json").is_file()


def test_run_autograder_with_a_broken_key_still_writes_results(tmp_path: Path) -> None:
    (tmp_path / "source" / "key").mkdir(parents=True)
    (tmp_path / "source" / "key" / "key.toml").write_text("this is [not toml", encoding="utf-8")
    (tmp_path / "source" / "key" / "HOMEWORK").write_text("key.toml\n", encoding="utf-8")
    (tmp_path / "submission").mkdir()
    assert run_autograder(tmp_path) == 0
    results = read_results(tmp_path)
    assert results["score"] == 0.0 and "could not grade" in str(results["output"])
    assert "TOML" not in json.dumps(results), "a key error quotes the key: staff only"
    assert "TOML" in (tmp_path / "results" / "derivcheck-error.log").read_text(encoding="utf-8")
