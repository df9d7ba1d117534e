"""Review by answer groups: grouping by meaning, decisions that reach exactly their group,
decisions files, regrades, folding decisions into the key."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from checker.config import Budget
from checker.judge.choice import grade_choice
from checker.key import Key, load_key
from checker.report.review import render_review_summary, review_session
from checker.run.keyfold import fold_into_key
from checker.run.review import (
    AnswerGroup,
    ReviewError,
    ReviewItem,
    apply_decisions,
    decide,
    group_items,
    pending_groups,
    read_decisions,
    review_items,
    write_decisions,
)
from checker.run.sandbox import WorkerPool
from checker.verdict import QuestionVerdict, SubmissionResult

ROOT = Path(__file__).resolve().parents[2]
KEY = load_key(validate_latex=False)
CORPUS = [
    json.loads(line)
    for line in (ROOT / "tests" / "judge" / "data" / "short_answers.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]
# Answers written the ways students write, that the checker leaves to a TA.
UNDECIDED = [(r["question"], r["answer"]) for r in CORPUS if r["verdict"] == "needs_review"]


def _item(
    question: str, answer: str | None, submission: str = "s", verdict: str = "needs_review"
) -> ReviewItem:
    return ReviewItem(submission, question, answer, verdict, 0.0, 1.0)


SHORT_GROUPS = [
    # (question, answers, expected group sizes, largest first)
    ("hedged-alike", "2.1.1", ["maybe increases", "Maybe it goes up?", "probably increases, not sure"], [3]),
    (
        "hedge-vs-depends",
        "2.1.1",
        ["maybe increases", "It depends on the dataset.", "depends on the model"],
        [2, 1],
    ),
    ("several-options", "2.1.2a", ["A or C", "either A or C", "B/C"], [2, 1]),
    ("spacing-and-case", "2.2", ["Either one", "either  one", "EITHER ONE"], [3]),
]


@pytest.mark.parametrize(
    ("question", "answers", "sizes"), [c[1:] for c in SHORT_GROUPS], ids=[c[0] for c in SHORT_GROUPS]
)
def test_short_answers_group_by_what_was_read(question: str, answers: list[str], sizes: list[int]) -> None:
    groups = group_items([_item(question, a, f"s{i}") for i, a in enumerate(answers)], KEY)
    assert [g.size for g in groups] == sizes
    assert all(g.kind == "short" and g.question == question for g in groups)


def test_groups_keep_questions_apart_in_key_order() -> None:
    items = [_item("2.2", "either one"), _item("2.1.1", "maybe increases"), _item("2.2", "either one", "t")]
    assert [(g.question, g.size) for g in group_items(items, KEY)] == [("2.1.1", 1), ("2.2", 2)]


def test_math_answers_group_by_proven_equivalence() -> None:
    key = load_key()
    items = [
        _item("3.2", "\\sigma^2 = \\frac{1-p}{p}", "s1"),
        _item("3.2", "\\sigma^2=\\frac{1}{p} - 1", "s2"),
        _item("3.2", "\\sigma = 7", "s3"),
        _item("3.2", "\\sigma^2 = \\frac{1 - p}{p}", "s4"),  # the same text, spaced differently
        _item("3.2", None, "s5", verdict="error"),
    ]
    with WorkerPool(Budget(seconds=5), context=key) as pool:
        groups = group_items(items, key, pool=pool)
    sizes = sorted(((g.size, g.basis) for g in groups), reverse=True)
    assert [s for s, _ in sizes] == [3, 1, 1]
    assert sizes[0][1] == "equivalent to \\sigma^2 = \\frac{1-p}{p}"
    assert {m.submission for g in groups if g.size == 3 for m in g.members} == {"s1", "s2", "s4"}


def test_review_items_are_the_undecided_answers() -> None:
    graded = [
        {
            "submission": "s1",
            "questions": [
                {
                    "question": "2.2",
                    "verdict": "needs_review",
                    "score": 0,
                    "max_score": 1,
                    "answer": "either",
                },
                {"question": "1.2.2", "verdict": "error", "score": 0, "max_score": 1, "answer": "\\frac{"},
                {"question": "3.2", "verdict": "correct", "score": 1, "max_score": 1, "answer": "x"},
                {"question": "2.1.1", "verdict": "incorrect", "score": 0, "max_score": 1, "answer": "down"},
            ],
        }
    ]
    assert [(i.question, i.verdict) for i in review_items(graded)] == [
        ("2.2", "needs_review"),
        ("1.2.2", "error"),
    ]


def _result(name: str, answers: list[tuple[str, str]]) -> SubmissionResult:
    return SubmissionResult(
        name,
        tuple(
            QuestionVerdict(q, "needs_review", 0.0, 1.0, "a TA will review it", answer=a) for q, a in answers
        ),
    )


@given(
    answers=st.lists(st.sampled_from(UNDECIDED), min_size=1, max_size=25),
    pick=st.integers(min_value=0),
    verdict=st.sampled_from(["correct", "incorrect"]),
)
def test_a_group_decision_reaches_every_member_and_nothing_else(
    answers: list[tuple[str, str]], pick: int, verdict: Any
) -> None:
    items = [_item(q, a, f"s{i}") for i, (q, a) in enumerate(answers)]
    groups = group_items(items, KEY)
    group = groups[pick % len(groups)]
    decision = decide(group, verdict)
    members = {(m.submission, m.question) for m in group.members}
    member_texts = {(m.question, " ".join(m.answer.split()).lower()) for m in group.members if m.answer}
    for i, (q, a) in enumerate(answers):
        after = apply_decisions(_result(f"s{i}", [(q, a)]), [decision]).questions[0]
        reached = after.verdict != "needs_review"
        # a member is reached; a non-member only when it has a member's very text
        expected = (f"s{i}", q) in members or (q, " ".join(a.split()).lower()) in member_texts
        assert reached == expected, (q, a, group.basis)
        if reached:
            assert after.verdict == verdict and after.method == "ta_decision"


@pytest.mark.parametrize("suffix", [".toml", ".jsonl"], ids=["toml", "json-lines"])
def test_decisions_file_round_trip(tmp_path: Path, suffix: str) -> None:
    items = [
        _item("2.1.1", 'maybe "it" increases\\'),
        _item("2.2", "either one", "t"),
        _item("2.2", "A or C?", "u"),
    ]
    groups = group_items(items, KEY)
    made = [
        decide(groups[0], "correct", feedback="hedged but right"),
        decide(groups[1], "incorrect", score=0.5),
    ]
    path = tmp_path / f"decisions{suffix}"
    write_decisions(path, made, pending=groups[2:])
    assert read_decisions(path) == made
    assert pending_groups(groups, read_decisions(path)) == groups[2:]


BAD_DECISIONS = [
    (
        "bad-verdict",
        '[[decision]]\nquestion = "2.2"\nverdict = "maybe"\nanswers = ["x"]\n',
        "verdict='maybe'",
    ),
    ("no-answers", '[[decision]]\nquestion = "2.2"\nverdict = "correct"\n', "answers"),
    ("bad-toml", "[[decision]\n", "TOML"),
]


@pytest.mark.parametrize(
    ("text", "needle"), [c[1:] for c in BAD_DECISIONS], ids=[c[0] for c in BAD_DECISIONS]
)
def test_a_bad_decisions_file_names_the_problem(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "d.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReviewError) as info:
        read_decisions(path)
    assert needle in info.value.render()
    assert str(path) in info.value.render()


def test_session_reads_choices_from_a_stream() -> None:
    items = [
        _item("2.1.1", "maybe increases"),
        _item("2.2", "either one"),
        _item("2.1.2a", "A or C"),
        _item("2.2", "?!"),
    ]
    groups = group_items(items, KEY)
    screen = Console(file=io.StringIO(), width=100, record=True)
    # correct; partial 0.5 with feedback; skip; then the stream ends
    made = review_session(groups, screen, io.StringIO("c\np\n0.5\nhalf right\ns\n"))
    assert [(d.question, d.verdict, d.score, d.feedback) for d in made] == [
        (groups[0].question, "correct", 1.0, ""),
        (groups[1].question, "incorrect", 0.5, "half right"),
    ]
    assert "group 1/4" in screen.export_text()


def test_session_stops_at_quit() -> None:
    groups = group_items([_item("2.1.1", "maybe increases"), _item("2.2", "either one")], KEY)
    assert review_session(groups, Console(file=io.StringIO()), io.StringIO("q\nc\n")) == []


def test_summary_shows_group_sizes() -> None:
    items = [
        _item("2.1.1", "maybe increases", "a"),
        _item("2.1.1", "Maybe it goes up?", "b"),
        _item("2.2", "either"),
    ]
    groups = group_items(items, KEY)
    screen = Console(file=io.StringIO(), width=120, record=True)
    screen.print(render_review_summary(groups, [], groups))
    text = screen.export_text()
    assert "2, " not in text and "│ 2.1.1 │       2 │      1 │ 2 " in text


@pytest.fixture
def homework(tmp_path: Path) -> Key:
    """A copy of the bundled hw3 folder (its derivations beside, as the key's relative path wants)."""
    shutil.copytree(ROOT / "answers" / "hw3", tmp_path / "answers" / "hw3")
    shutil.copytree(ROOT / "derivations" / "hw3", tmp_path / "derivations" / "hw3")
    return load_key(tmp_path / "answers" / "hw3")


def test_fold_into_key_edits_the_toml_minimally_and_the_key_loads(homework: Key) -> None:
    before = homework.path.read_text(encoding="utf-8")
    short = group_items([_item("2.1.1", "it gets biggish")], homework)[0]
    wrong = AnswerGroup("3.2", "math", "b", (_item("3.2", "\\sigma = \\frac{1-p}{p}"),))
    right = AnswerGroup("3.2", "math", "c", (_item("3.2", "\\left(\\frac{1-p}{p}\\right)^{1/2}"),))
    hedged = group_items([_item("2.2", "either one")], homework)[0]
    fold = fold_into_key(
        homework,
        [
            decide(short, "correct"),
            decide(wrong, "incorrect", feedback="take the square root"),
            decide(right, "correct"),
            decide(hedged, "incorrect"),
        ],
    )
    after = homework.path.read_text(encoding="utf-8")
    assert len(fold.added) == 3 and len(fold.skipped) == 1
    # comments and every line that was there stay; only additions
    assert [line for line in before.splitlines() if line.startswith("#")] == [
        line for line in after.splitlines() if line.startswith("#")
    ]
    removed = set(before.splitlines()) - set(after.splitlines())
    assert len(removed) == 2  # the two list lines that grew (phrases, accepted)
    key = load_key(homework.path.parent)
    assert "it gets biggish" in key.question("2.1.1").parts[0].options[0].phrases
    assert "\\left(\\frac{1-p}{p}\\right)^{1/2}" in key.question("3.2").accepted
    assert any(
        m.answer == "\\sigma = \\frac{1-p}{p}" and m.feedback == "take the square root"
        for m in key.question("3.2").mistakes
    )


def test_decisions_survive_a_regrade(tmp_path: Path) -> None:
    from checker.cli import main

    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "a.md").write_text("2.1.1 maybe it increases\n2.2 either one\n", encoding="utf-8")
    (subs / "b.md").write_text("2.1.1 Maybe it  increases\n2.2 a larger model\n", encoding="utf-8")
    graded = tmp_path / "graded.jsonl"
    decisions = tmp_path / "d.toml"
    assert main(["grade", str(subs), "--format", "json", "--out", str(graded), "--jobs", "1"]) == 0
    stdin = io.StringIO("p\n0.5\nhedged\n")  # the hedged group; then the input ends
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("sys.stdin", stdin)
        assert main(["review", str(graded), "--decisions", str(decisions)]) == 0
    pending = [d for d in _toml(decisions)["decision"] if not d["verdict"]]
    assert [d["answers"] for d in pending] == [["either one"]]  # written for an editor
    again = tmp_path / "again.jsonl"
    assert (
        main(
            [
                "grade",
                str(subs),
                "--format",
                "json",
                "--out",
                str(again),
                "--decisions",
                str(decisions),
                "--jobs",
                "1",
            ]
        )
        == 0
    )
    rows = {json.loads(line)["submission"]: json.loads(line) for line in again.read_text().splitlines()}
    for sub in rows.values():
        q211 = next(q for q in sub["questions"] if q["question"] == "2.1.1")
        assert (q211["verdict"], q211["score"], q211["feedback"]) == ("incorrect", 0.5, "hedged")
        q22 = next(q for q in sub["questions"] if q["question"] == "2.2")
        assert q22["answer_note"] != "ta_decision"  # undecided or the checker's own verdict


def _toml(path: Path) -> dict[str, Any]:
    import tomllib

    return tomllib.loads(path.read_text(encoding="utf-8"))


def test_review_without_input_writes_the_pending_groups_for_an_editor(tmp_path: Path, homework: Key) -> None:
    from checker.cli import main

    (tmp_path / "a.md").write_text("2.1.1 it gets biggish\n2.2 either one\n", encoding="utf-8")
    graded = tmp_path / "graded.jsonl"
    key_dir = str(homework.path.parent)
    assert (
        main(
            [
                "grade",
                str(tmp_path / "a.md"),
                "--key",
                key_dir,
                "--format",
                "json",
                "--out",
                str(graded),
                "--jobs",
                "1",
            ]
        )
        == 0
    )
    decisions = tmp_path / "decisions.jsonl"
    assert main(["review", str(graded), "--key", key_dir, "--decisions", str(decisions), "--no-input"]) == 0
    rows = [json.loads(line) for line in decisions.read_text(encoding="utf-8").splitlines()]
    assert sorted((r["question"], r["verdict"]) for r in rows) == [("2.1.1", ""), ("2.2", "")]
    # the TA decides in an editor; the next review folds the decision into the key
    rows = [{**r, "verdict": "correct"} if r["question"] == "2.1.1" else r for r in rows]
    decisions.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert (
        main(
            [
                "review",
                str(graded),
                "--key",
                key_dir,
                "--decisions",
                str(decisions),
                "--no-input",
                "--update-key",
            ]
        )
        == 0
    )
    folded = load_key(key_dir).question("2.1.1")
    assert "it gets biggish" in folded.parts[0].options[0].phrases
    assert grade_choice(folded, "it gets biggish").verdict == "correct"  # next term: decided by the key
