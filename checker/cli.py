"""The ``derivcheck`` command: a thin adapter over the library.

It parses flags, builds frozen configs, calls the API, renders results and owns the exit codes.
The engine never prints; only this module writes to stdout/stderr.

Exit codes:
    0  the command ran (whatever the verdicts; ``verify``: every step and key check passed)
    1  ``verify`` found a failed step or key check
    2  a usage error a person can fix: bad flags, unknown question, unreadable key or file
    3  an internal error (a bug in derivcheck); the traceback goes to stderr for staff; or an
       output that could not be written (a full disk), named in one line
    141  the reader of standard output went away (``| head``): stopped quietly
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, NoReturn, TextIO

from checker.config import Budget, GradeConfig
from checker.errors import CheckerError, OutputError
from checker.key import DEFAULT_HOMEWORK, Key

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["main", "run"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a writer whose reader left

TextJson = Literal["text", "json"]


# ----------------------------------------------------------------------------------------------
# argument parsing: shared options are defined once, in parent parsers
# ----------------------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    key_opts = argparse.ArgumentParser(add_help=False)
    key_opts.add_argument(
        "--key",
        metavar="DIR",
        default=None,
        help=f"homework folder holding key.toml (default: the bundled {DEFAULT_HOMEWORK})",
    )
    budget_opts = argparse.ArgumentParser(add_help=False)
    budget_opts.add_argument(
        "--timeout",
        type=float,
        default=Budget().seconds,
        metavar="SECONDS",
        help=f"time budget per answer (default {Budget().seconds:g} s)",
    )

    def fmt(choices: Sequence[str], default: str) -> argparse.ArgumentParser:
        p = argparse.ArgumentParser(add_help=False)
        p.add_argument(
            "--format", choices=list(choices), default=default, help=f"output format (default {default})"
        )
        return p

    parser = argparse.ArgumentParser(
        prog="derivcheck",
        description="Symbolic derivation checker and autograder for written math homework.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser(
        "check",
        parents=[key_opts, budget_opts, fmt(("text", "json"), "text")],
        help="check one answer (or a JSON-lines batch) against the key",
        description="Check one LaTeX answer to QUESTION, or every line of --batch FILE.jsonl.",
    )
    check.add_argument("question", nargs="?", help="question id, e.g. 1.2.2")
    check.add_argument(
        "answer", nargs="?", help="the answer in LaTeX, e.g. '(X^T X + 2n\\lambda I)^{-1} X^T t'"
    )
    check.add_argument(
        "--batch", metavar="FILE.jsonl", help="JSON lines with at least 'question' and 'answer'"
    )
    check.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes for --batch")

    steps = sub.add_parser(
        "steps",
        parents=[key_opts, budget_opts, fmt(("text", "json"), "text")],
        help="check a chain of steps, one per line, and report the first that does not follow",
        description="Check every step of a derivation (one step per line) for QUESTION.",
    )
    steps.add_argument("question", help="question id, e.g. 1.2.2")
    steps.add_argument("file", help="file with one step per line, or - for standard input")

    grade = sub.add_parser(
        "grade",
        parents=[key_opts, budget_opts, fmt(("text", "json", "gradescope", "csv"), "text")],
        help="grade submissions (files, folders, globs)",
        description="Grade submissions: per question a verdict, score, feedback and checked steps.",
    )
    grade.add_argument("submissions", nargs="+", metavar="SUBMISSION", help="files, folders or globs")
    grade.add_argument("--out", metavar="PATH", help="write the report here instead of standard output")
    grade.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: the cores)"
    )
    grade.add_argument(
        "--resume",
        action="store_true",
        help=(
            "with --format json --out PATH: skip the submissions PATH already holds (matched by resolved "
            "path; a record with an error question is graded again) and append the rest"
        ),
    )
    grade.add_argument(
        "--decisions",
        metavar="FILE",
        help="a TA's review decisions (derivcheck review): an answer they cover is graded as decided",
    )

    review = sub.add_parser(
        "review",
        parents=[key_opts, budget_opts],
        help="decide a graded class's undecided answers, one group of alike answers at a time",
        description=(
            "Group the answers a TA must decide (needs_review, error) of GRADED.jsonl, the output of "
            "`grade --format json`: short answers by what was read, math answers by proven equivalence. "
            "Decide each group once on screen (c/i/p/s/q); decisions are kept in FILE (TOML, or JSON "
            "lines for .jsonl), which `grade --decisions FILE` applies on every regrade."
        ),
    )
    review.add_argument(
        "graded", metavar="GRADED.jsonl", help="JSON lines of `derivcheck grade --format json`"
    )
    review.add_argument(
        "--decisions",
        metavar="FILE",
        help="decisions to read and write (default: GRADED.decisions.toml beside the graded file)",
    )
    review.add_argument(
        "--update-key",
        action="store_true",
        help="fold the decisions into the key: accepted forms and phrasings, known mistakes",
    )
    review.add_argument(
        "--no-input",
        action="store_true",
        help='do not prompt: write the pending groups to FILE (verdict = "") to decide in an editor',
    )

    sub.add_parser(
        "verify",
        parents=[key_opts, fmt(("text", "json"), "text")],
        help="prove the homework's derivations, check them against its key, self-test the key",
        description=(
            "Prove every step of every derivation of the homework folder (--key DIR), check that each "
            "question's reference equals its derivation's answer and each known mistake differs from it, "
            "and self-test the key (accepted forms agree; mistakes and near misses are not graded correct)."
        ),
    )

    new = sub.add_parser(
        "new",
        help="write a starter homework folder (key.toml, derivations/, samples/)",
        description=(
            "Write a starter homework into DIR: key.toml commented for a first-time author, "
            "derivations/ with one reference derivation, samples/ with two submissions and their "
            "expected verdicts. It verifies and grades as it stands; DIR must be new or empty."
        ),
    )
    new.add_argument("dir", metavar="DIR", help="the folder to create")

    sub.add_parser(
        "schema",
        help="print the JSON Schema of key.toml (for editors)",
        description=(
            "Print the JSON Schema of a homework's key.toml: every table and field a key may have, "
            "with types, bounds and descriptions. Point an editor's TOML schema setting at it."
        ),
    )

    bundle = sub.add_parser(
        "gradescope-bundle",
        parents=[key_opts],
        help="write the Gradescope autograder zip",
        description="Write the autograder zip Gradescope expects (setup.sh, run_autograder, the key).",
    )
    bundle.add_argument(
        "--out", metavar="PATH", default="autograder.zip", help="zip to write (default autograder.zip)"
    )
    return parser


# ----------------------------------------------------------------------------------------------
# entry point
# ----------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (see the module docstring)."""
    parser = _parser()
    args = parser.parse_args(argv)
    out, err = _Stream(sys.stdout), _Stream(sys.stderr)
    commands: dict[str, Callable[[argparse.Namespace, _Stream, _Stream], int]] = {
        "check": _cmd_check,
        "steps": _cmd_steps,
        "grade": _cmd_grade,
        "review": _cmd_review,
        "verify": _cmd_verify,
        "gradescope-bundle": _cmd_bundle,
        "schema": _cmd_schema,
        "new": _cmd_new,
    }
    try:
        return commands[args.command](args, out, err)
    except OutputError as exc:
        # Not a usage problem and not our bug: one line naming the file, no traceback.
        err.print(f"derivcheck {args.command}: {exc.render()}", markup=False)
        return EXIT_INTERNAL
    except CheckerError as exc:
        err.print(f"derivcheck {args.command}: {exc.render()}", markup=False)
        return EXIT_USAGE
    except KeyboardInterrupt:
        err.print("derivcheck: interrupted", markup=False)
        return 130
    except BrokenPipeError:
        # The reader of standard output closed it (`derivcheck ... | head`): stop quietly, as other
        # commands do on SIGPIPE; stdout is pointed at /dev/null so the final flush cannot fail.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception:
        err.print(
            f"derivcheck {args.command}: internal error (a bug in derivcheck); details follow", markup=False
        )
        err.print(traceback.format_exc(), markup=False)
        return EXIT_INTERNAL


def run() -> NoReturn:
    """The ``derivcheck`` console script: :func:`main`, then exit without tearing the interpreter down.

    Finalizing the interpreter (freeing SymPy's heap object by object) takes 0.05-0.1 s after
    the output is complete, and buys nothing here: when :func:`main` returns, every file the
    command wrote is closed (``with`` blocks, ``try/finally``) and its worker pools are shut
    down (context-managed), so the ``atexit`` handlers that imports register (multiprocessing's,
    logging's) have nothing left to do.  Only the standard streams may still hold buffered
    output: they are flushed first.  ``main(argv)`` itself returns as always, for callers in the
    same process; ``SystemExit`` (``--help``, a bad flag) and other exceptions leave the usual way.
    """
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # e.g. a closed pipe: let the ordinary exit report it
        sys.exit(code)
    os._exit(code)


class _Stream:
    """A standard stream for the commands: JSON is written straight to ``file``; rich (~20 ms of
    imports) is loaded only when something is rendered through it (text output, a progress bar).
    """

    def __init__(self, file: TextIO) -> None:
        self.file = file
        self._console: Console | None = None

    @property
    def console(self) -> Console:
        if self._console is None:
            from rich.console import Console  # noqa: PLC0415  (see the class docstring)

            self._console = Console(file=self.file, soft_wrap=True, highlight=False)
        return self._console

    @property
    def is_terminal(self) -> bool:
        return self.console.is_terminal

    def print(self, *objects: Any, **kwargs: Any) -> None:
        self.console.print(*objects, **kwargs)


def _config(args: argparse.Namespace) -> GradeConfig:
    jobs = max(1, int(getattr(args, "jobs", 1) or 1))
    return GradeConfig(budget=Budget(seconds=args.timeout), jobs=jobs)


def _key(args: argparse.Namespace) -> Key:
    from checker.key import load_key  # noqa: PLC0415  (loads SymPy: not for --help)

    return load_key(args.key)


def _print_json(stream: _Stream, obj: Any) -> None:
    _write_stdout(stream, json.dumps(obj, ensure_ascii=False) + "\n")


# ----------------------------------------------------------------------------------------------
# check
# ----------------------------------------------------------------------------------------------


def _cmd_check(args: argparse.Namespace, out: _Stream, err: _Stream) -> int:
    from checker.run.check import check_answer, check_batch, read_json_lines  # noqa: PLC0415  (fast --help)

    if args.batch:
        if args.question or args.answer:
            raise _usage("check --batch FILE.jsonl takes no QUESTION or ANSWER")
        key = _key(args)
        config = _config(args)
        with _open_input(args.batch) as stream:
            for obj in check_batch(read_json_lines(stream), key, config=config):
                _print_json(out, obj)
        return EXIT_OK
    if args.question is None or args.answer is None:
        raise _usage("check needs QUESTION and ANSWER (or --batch FILE.jsonl)")
    try:
        key = _key(args)
        verdict = check_answer(key, args.question, args.answer, config=_config(args))
    except CheckerError as exc:
        if args.format == "json":
            # A script reading stdout gets a verdict object either way; the exit status says usage.
            _print_json(out, _error_verdict(args.question, exc))
        raise
    if args.format == "json":
        _print_json(out, verdict.to_json())
    else:
        from checker.report.render import render_verdict_text  # noqa: PLC0415  (rich: text output only)

        out.print(render_verdict_text(verdict))
    return EXIT_OK


def _error_verdict(question: str, exc: CheckerError) -> dict[str, Any]:
    """The contract's verdict object for a check that could not run (unknown question, bad key)."""
    return {
        "question": question,
        "verdict": "error",
        "score": 0.0,
        "max_score": 0.0,
        "feedback": exc.render(),
        "answer": None,
        "read_as": None,
        "evidence": None,
        "answer_note": "error",
        "steps": [],
        "first_invalid": None,
    }


# ----------------------------------------------------------------------------------------------
# steps
# ----------------------------------------------------------------------------------------------


def _cmd_steps(args: argparse.Namespace, out: _Stream, err: _Stream) -> int:
    from checker.run.check import check_chain  # noqa: PLC0415

    key = _key(args)
    question = key.question(args.question)
    if args.file == "-":
        text = sys.stdin.read()
    else:
        from checker.read import read_submission  # noqa: PLC0415

        text = read_submission(args.file)
    result = check_chain(key, question.id, text, config=_config(args))
    if args.format == "json":
        _print_json(out, result.to_json())
    else:
        from checker.report.render import render_steps_text  # noqa: PLC0415  (rich: text output only)

        out.print(render_steps_text(result))
    return EXIT_OK


# ----------------------------------------------------------------------------------------------
# grade
# ----------------------------------------------------------------------------------------------


def _cmd_grade(args: argparse.Namespace, out: _Stream, err: _Stream) -> int:
    from checker.read import find_submissions  # noqa: PLC0415
    from checker.report import render as report  # noqa: PLC0415
    from checker.run.grade import grade_paths  # noqa: PLC0415
    from checker.run.output import (  # noqa: PLC0415
        JsonLinesOutput,
        check_output_path,
        submission_identity,
        write_whole,
    )

    # Usage problems first, before any work: not even the key is loaded until they are ruled out.
    if args.resume and not (args.format == "json" and args.out):
        raise _usage("--resume needs --format json and --out PATH (the JSON lines it resumes)")
    if args.out:
        check_output_path(args.out)
    _check_named(args.submissions)
    # One submission per resolved path: `a.md` and `/abs/a.md` given together are graded once.
    found = find_submissions(args.submissions)
    for skipped in found.skipped:
        err.print(f"skipped {skipped.path}: {skipped.reason}", markup=False)
    identities: dict[str, str] = {}
    seen: set[str] = set()
    for path in found.files:
        ident = submission_identity(path)
        if ident not in seen:
            seen.add(ident)
            identities[path] = ident
    paths = list(identities)
    if not paths:
        raise _usage(f"expected submission files, folders or globs, found nothing at {args.submissions}")
    if args.format == "gradescope" and len(paths) != 1:
        raise _usage(
            f"--format gradescope grades one submission, found {len(paths)}: use json or csv for a class"
        )
    key = _key(args)
    config = _config(args)

    decided = _decisions(args.decisions)
    writer: JsonLinesOutput | None = None
    skip: set[str] = set()
    if args.format == "json" and args.out:
        # Locked for the whole run (a second run on this file is refused); on --resume a cut-short
        # last line is removed and records with an error question are dropped to be graded again.
        writer = JsonLinesOutput(args.out, resume=args.resume)
        resumed = writer.open()
        if resumed.cut_bytes:
            err.print(
                f"resume: removed a cut-short last line ({resumed.cut_bytes} bytes) from {args.out}; "
                "that submission is graded again",
                markup=False,
            )
        if resumed.regrade:
            err.print(
                f"resume: {resumed.regrade} submission(s) in {args.out} had an error question; grading them again",
                markup=False,
            )
        skip = {p for p in paths if identities[p] in resumed.done}

    def write_line(result: Any) -> None:
        # JSON lines are written as each submission finishes: a run killed halfway loses nothing.
        if writer is not None:
            ident = identities.get(result.submission) or submission_identity(result.submission)
            writer.write(ident, decided(result).to_json())
        elif args.format == "json":
            _write_stdout(out, report.render_json_line(decided(result)) + "\n")

    results = []
    try:
        with _progress(err, enabled=len(paths) > 1 and err.is_terminal) as progress:
            for result in grade_paths(
                paths, key, config=config, resume=skip, on_result=write_line, progress=progress
            ):
                results.append(decided(result))
    finally:
        if writer is not None:
            writer.close()
    # Reports list submissions in the order given, whatever order the workers finished in.
    order = {path: i for i, path in enumerate(paths)}
    results.sort(key=lambda r: order.get(r.submission, len(order)))
    if args.format == "json":
        if skip:
            err.print(f"resumed: skipped {len(skip)} submission(s) already in {args.out}", markup=False)
        return EXIT_OK
    if args.format == "csv":
        text = report.render_csv(results, key)
    elif args.format == "gradescope":
        text = json.dumps(report.render_gradescope(results[0] if results else None, key), indent=2)
    else:
        rendered = report.render_text(results, key)
        if not args.out:
            out.print(rendered)
            return EXIT_OK
        import io  # noqa: PLC0415

        from rich.console import Console  # noqa: PLC0415  (rich: text output only)

        buffer = io.StringIO()
        Console(file=buffer, width=120, soft_wrap=True).print(rendered)
        text = buffer.getvalue()
    text = text if text.endswith("\n") else text + "\n"
    if args.out:
        write_whole(args.out, text)
    else:
        _write_stdout(out, text)
    return EXIT_OK


def _decisions(path: str | None) -> Callable[[Any], Any]:
    """A TA's decisions as a function applied to each graded submission (identity without a file)."""
    if not path:
        return lambda result: result
    from checker.run.review import apply_decisions, read_decisions  # noqa: PLC0415

    if not Path(path).exists():
        raise _usage(
            f"expected a decisions file at {path}, found nothing; fix: run `derivcheck review` first"
        )
    decisions = read_decisions(path)
    return lambda result: apply_decisions(result, decisions)


# ----------------------------------------------------------------------------------------------
# review
# ----------------------------------------------------------------------------------------------


def _cmd_review(args: argparse.Namespace, out: _Stream, err: _Stream) -> int:
    from checker.report.review import render_review_summary, review_session  # noqa: PLC0415
    from checker.run.keyfold import fold_into_key  # noqa: PLC0415
    from checker.run.review import (  # noqa: PLC0415
        group_items,
        pending_groups,
        read_decisions,
        read_graded,
        review_items,
        write_decisions,
    )

    key = _key(args)
    graded = Path(args.graded)
    decisions_path = Path(args.decisions) if args.decisions else graded.with_suffix(".decisions.toml")
    items = review_items(read_graded(graded))
    groups = group_items(items, key, budget=Budget(seconds=args.timeout))
    decisions = read_decisions(decisions_path)
    pending = pending_groups(groups, decisions)
    out.print(render_review_summary(groups, decisions, pending))
    if pending and not args.no_input:
        decisions += review_session(pending, out.console, sys.stdin)
        pending = pending_groups(groups, decisions)
    if groups or decisions:
        write_decisions(decisions_path, decisions, pending)
        decided = len(groups) - len(pending)
        out.print(
            f"{decided} of {len(groups)} group(s) decided; {len(pending)} pending, written to "
            f'{decisions_path} (verdict = "" to fill in)',
            markup=False,
        )
    if args.update_key:
        fold = fold_into_key(key, decisions)
        for line in fold.added:
            out.print(f"key: {line}", markup=False)
        for line in fold.skipped:
            out.print(f"kept as a decision: {line}", markup=False)
        out.print(f"{fold.path}: {len(fold.added)} change(s), the key loads", markup=False)
    return EXIT_OK


def _check_named(submissions: Sequence[str]) -> None:
    """A submission named on the command line (not a glob) that does not exist is a usage error."""
    import glob  # noqa: PLC0415

    for raw in submissions:
        if not glob.has_magic(raw) and not os.path.lexists(raw):
            raise CheckerError(
                "expected a submission file or folder, found nothing at this path; fix: check the path",
                where=raw,
            )


def _write_stdout(out: _Stream, text: str) -> None:
    """Write to standard output; a full disk or device is a clear error, not a traceback."""
    from checker.errors import OutputError  # noqa: PLC0415

    try:
        out.file.write(text)
        out.file.flush()
    except BrokenPipeError:
        raise  # the reader went away (`| head`): not a disk problem; main exits quietly
    except OSError as exc:
        raise OutputError(
            f"could not write the output: {exc.strerror or exc}; fix: free space or write with --out PATH",
            where="standard output",
        ) from None


class _progress:
    """A rich progress bar on a terminal; a no-op callback otherwise."""

    def __init__(self, stream: _Stream, *, enabled: bool) -> None:
        self._enabled = enabled
        self._stream = stream
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Callable[[int, int], None]:
        if not self._enabled:
            return lambda done, total: None
        from rich.progress import Progress  # noqa: PLC0415

        self._bar = Progress(console=self._stream.console, transient=True)
        self._bar.__enter__()
        self._task = self._bar.add_task("grading", total=None)

        def update(done: int, total: int) -> None:
            self._bar.update(self._task, completed=done, total=total)

        return update

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)


# ----------------------------------------------------------------------------------------------
# verify
# ----------------------------------------------------------------------------------------------


def _cmd_verify(args: argparse.Namespace, out: _Stream, err: _Stream) -> int:
    from checker.run.verify import verify  # noqa: PLC0415

    key = _key(args)
    report = verify(key)
    if args.format == "json":
        _print_json(out, report.to_json())
    else:
        from checker.report.render import render_verify_text  # noqa: PLC0415  (rich: text output only)

        out.print(render_verify_text(report, key))
    return EXIT_OK if report.ok else EXIT_FAILED


# ----------------------------------------------------------------------------------------------
# new
# ----------------------------------------------------------------------------------------------


def _cmd_new(args: argparse.Namespace, out: _Stream, err: _Stream) -> int:
    from checker.key import write_starter  # noqa: PLC0415

    written = write_starter(args.dir)
    for path in written:
        out.print(f"wrote {path}", markup=False)
    out.print(
        f"next: edit {Path(args.dir) / 'key.toml'}, then derivcheck verify --key {args.dir} "
        f"and derivcheck grade {Path(args.dir) / 'samples'} --key {args.dir}",
        markup=False,
    )
    return EXIT_OK


# ----------------------------------------------------------------------------------------------
# schema
# ----------------------------------------------------------------------------------------------


def _cmd_schema(args: argparse.Namespace, out: _Stream, err: _Stream) -> int:
    from checker.key.schema import json_schema  # noqa: PLC0415

    out.file.write(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


# ----------------------------------------------------------------------------------------------
# gradescope-bundle
# ----------------------------------------------------------------------------------------------


def _cmd_bundle(args: argparse.Namespace, out: _Stream, err: _Stream) -> int:
    from checker.judge import self_test  # noqa: PLC0415

    # A key that does not pass its self-test would grade every student wrong on Gradescope:
    # refuse it here.  Its LaTeX is checked by the self-test (every problem listed, with its
    # line), not by loading (which stops at the first).
    from checker.key import load_key  # noqa: PLC0415
    from checker.report.gradescope import bundle_problems, write_bundle  # noqa: PLC0415

    key = load_key(args.key, validate_latex=False)
    report = self_test(key)
    problems = bundle_problems(report)
    if problems:
        err.print(
            f"derivcheck gradescope-bundle: refused: the key {key.path} fails its self-test "
            f"({len(problems)} problem(s)); fix them (`derivcheck verify --key DIR` shows all):",
            markup=False,
        )
        for problem in problems:
            err.print(f"  - {problem}", markup=False)
        return EXIT_FAILED
    key_dir = Path(args.key) if args.key else None
    path = write_bundle(Path(args.out), key_dir=key_dir, source=None, report=report)
    out.print(f"wrote {path}", markup=False)
    return EXIT_OK


# ----------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------


def _usage(message: str) -> CheckerError:
    return CheckerError(message)


class _open_input:
    """Open FILE or standard input (``-``) as bytes, as a context manager: each line is decoded
    on its own, so one line that is not UTF-8 is that line's problem, not the whole batch's."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._fh: IO[bytes] | None = None

    def __enter__(self) -> IO[bytes]:
        if self._name == "-":
            return sys.stdin.buffer
        try:
            self._fh = open(self._name, "rb")
        except OSError as exc:
            raise CheckerError(f"expected a readable file, found {exc.strerror}: {self._name!r}") from exc
        return self._fh

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            self._fh.close()


if __name__ == "__main__":  # pragma: no cover
    run()
