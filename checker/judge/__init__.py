"""The judge stage: one answer, one chain of steps or one key, judged against the key in-process.

* :mod:`checker.judge.answer`: a math answer → a :class:`~checker.verdict.QuestionVerdict`;
* :mod:`checker.judge.choice`: a short written answer → the option it chooses;
* :mod:`checker.judge.steps`: a chain of steps → the first that does not follow;
* :mod:`checker.judge.selftest`: the key's self-test (accepted forms agree, mistakes and generated
  near misses do not grade correct), which judges the key's own material as answers.

Judging untrusted text under a budget in worker processes is the run stage's job.
"""

from checker.judge.answer import (
    Engine,
    KeySide,
    default_engine,
    internal_error,
    judge,
    key_side,
    scalar,
    warm_key,
)
from checker.judge.choice import grade_choice
from checker.judge.selftest import KeyFinding, KeyReport, self_test
from checker.judge.steps import ReadStep, StepsResult, check_steps, split_steps

__all__ = [
    "Engine",
    "KeyFinding",
    "KeyReport",
    "KeySide",
    "ReadStep",
    "StepsResult",
    "check_steps",
    "default_engine",
    "grade_choice",
    "internal_error",
    "judge",
    "key_side",
    "scalar",
    "self_test",
    "split_steps",
    "warm_key",
]
