"""The ``coldstart`` command: the TUI by default, and plain subcommands for scripts.

Everything here calls the same functions the TUI uses; output meant for
people goes to stdout, errors to stderr with a non-zero exit code.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from course import __version__

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def build_parser():
    import argparse  # not needed to open the app, which is what most starts do

    parser = argparse.ArgumentParser(
        prog="coldstart",
        description="Learn AWS serverless in the terminal. Run without a command to open the app.",
    )
    parser.add_argument("--version", action="version", version=f"coldstart {__version__}")
    parser.add_argument("--pack", metavar="DIR", type=Path,
                        help="study this lesson pack instead of the bundled course")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    modules = sub.add_parser("modules", help="list the modules with your progress")
    modules.add_argument("--json", action="store_true", help="machine-readable output")

    quiz = sub.add_parser("quiz", help="take a practice quiz")
    quiz.add_argument("--module", action="append", metavar="ID", help="module id (repeatable); default: all")
    quiz.add_argument("--count", type=int, default=10, help="number of questions (default 10)")
    quiz.add_argument("--only-wrong", action="store_true", help="only questions you last got wrong")
    quiz.add_argument("--plain", action="store_true",
                      help="ask in plain lines on stdin/stdout instead of the full-screen app")
    quiz.add_argument("--seed", type=int, help=argparse.SUPPRESS)

    validate = sub.add_parser("validate", help="check lesson packs and print every problem")
    validate.add_argument("packs", nargs="*", type=Path, metavar="PACK_DIR",
                          help="pack folders (default: the bundled course)")

    progress = sub.add_parser("progress", help="show or reset your progress")
    progress_sub = progress.add_subparsers(dest="progress_command", metavar="ACTION")
    reset = progress_sub.add_parser("reset", help="forget progress (all, or one module)")
    reset.add_argument("--module", metavar="ID", help="only this module")
    reset.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    _add_exercise_commands(sub)
    return parser


def _add_exercise_commands(sub) -> None:
    exercises = sub.add_parser("exercises", help="list the hands-on exercises with your status")
    exercises.add_argument("--json", action="store_true", help="machine-readable output")

    exercise = sub.add_parser("exercise", help="work on a hands-on exercise")
    exercise_sub = exercise.add_subparsers(dest="exercise_command", metavar="ACTION", required=True)
    start = exercise_sub.add_parser("start", help="copy an exercise's starter files into a workspace folder")
    start.add_argument("id", metavar="ID", help="exercise id (see 'coldstart exercises')")
    start.add_argument("--workspace", metavar="DIR", type=Path, help="where to put the files (default: your data folder)")
    start.add_argument("--force", action="store_true", help="put the starter files back over your changes")

    check = sub.add_parser("check", help="run an exercise's checks against your workspace")
    check.add_argument("id", metavar="ID", help="exercise id")
    check.add_argument("--workspace", metavar="DIR", type=Path, help="the workspace to check (default: your data folder)")
    check.add_argument("--json", action="store_true", help="machine-readable report")

    dev = sub.add_parser("dev", help="tools for pack authors")
    dev_sub = dev.add_subparsers(dest="dev_command", metavar="ACTION", required=True)
    dev_check = dev_sub.add_parser("check", help="validate a pack; every starter must fail and every solution pass")
    dev_check.add_argument("pack", nargs="?", type=Path, metavar="PACK_DIR", help="pack folder (default: the bundled course)")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # Plain `coldstart` opens the app: skip building the parser, a start-up cost on every launch.
    args = _APP_ONLY if not argv else build_parser().parse_args(argv)
    try:
        if args.command is None:
            return _run_app(args)
        if args.command == "validate":
            return cmd_validate(args.packs)
        if args.command == "quiz" and not args.plain:
            return _run_app(args, quiz=True)
        handler = {"modules": cmd_modules, "quiz": cmd_quiz_plain, "progress": cmd_progress,
                   "exercises": cmd_exercises, "exercise": cmd_exercise_start, "check": cmd_check,
                   "dev": cmd_dev_check}[args.command]
        return handler(args)
    except CliError as exc:
        print(f"coldstart: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130


class _AppOnly:
    command = None
    pack = None


_APP_ONLY = _AppOnly()


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_FAIL):
        super().__init__(message)
        self.code = code


def _load(args, outline: bool = False):
    """The pack to study, from the cache when none of its files changed since last time.

    ``outline``: for the app, whose first screen needs only titles and ids (see load_pack_cached).
    """
    from course.content.cache import load_pack_cached
    from course.paths import bundled_pack_dir, data_dir

    root = args.pack or bundled_pack_dir()
    result = load_pack_cached(root, data_dir() / "cache", outline=outline)
    if result.ok:
        return result.pack
    if args.pack:
        raise CliError(f"the pack has problems; run 'coldstart validate {args.pack}' to see them", EXIT_USAGE)
    problems = "\n".join(str(p) for p in result.problems)  # a broken installation, not the learner's fault
    raise CliError(f"the bundled course failed to load:\n{problems}", EXIT_USAGE)


def _store():
    from course.store import StoreError, open_store

    try:
        store = open_store()
    except StoreError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    for notice in store.notices:
        print(f"coldstart: {notice}", file=sys.stderr)
    return store


def _run_app(args, quiz: bool = False) -> int:
    pack = _load(args, outline=True)
    store = _store()
    from course.app import CourseApp

    start = None
    if quiz:
        start = {"modules": args.module or [], "count": args.count, "only_wrong": args.only_wrong}
        _check_modules(pack, args.module)
    try:
        CourseApp(pack, store, start_quiz=start).run()
    finally:
        store.close()
    return EXIT_OK


def _check_modules(pack, module_ids) -> None:
    from course.content.problems import did_you_mean

    for module_id in module_ids or []:
        if pack.module(module_id) is None:
            known = [m.id for m in pack.modules]
            raise CliError(f"no module '{module_id}'{did_you_mean(module_id, known)}; "
                           f"modules: {', '.join(known)}", EXIT_USAGE)


def cmd_validate(packs: list[Path]) -> int:
    from course.content import load_pack
    from course.paths import bundled_pack_dir

    failed = False
    for root in packs or [bundled_pack_dir()]:
        result = load_pack(root)
        for problem in result.problems:
            print(problem)
        if result.problems:
            failed = True
            print(f"{root}: {len(result.problems)} problem{'s' if len(result.problems) != 1 else ''}",
                  file=sys.stderr)
        else:
            pack = result.pack
            questions = sum(len(m.questions) for m in pack.modules)
            modules = len(pack.modules)
            print(f"{root}: ok — {pack.info.title} {pack.info.version}: {modules} module{'s' if modules != 1 else ''}, "
                  f"{questions} questions")
    return EXIT_FAIL if failed else EXIT_OK


def cmd_modules(args) -> int:
    from course.quiz.progress import pack_progress

    pack = _load(args)
    store = _store()
    try:
        progress = pack_progress(pack, store)
    finally:
        store.close()
    if args.json:
        rows = [{
            "id": m.id,
            "title": m.title,
            "lessons": len(m.lessons),
            "sections": m.section_count,
            "questions": len(m.questions),
            "progress": progress[m.id].as_dict(),
        } for m in pack.modules]
        print(json.dumps(rows, indent=2))
        return EXIT_OK
    from rich.console import Console
    from rich.table import Table

    table = Table(title=pack.info.title, title_justify="left")
    for column, justify in (("id", "left"), ("module", "left"), ("read", "right"),
                            ("questions", "right"), ("accuracy", "right"), ("mastery", "right")):
        table.add_column(column, justify=justify)
    for m in pack.modules:
        p = progress[m.id]
        accuracy = "—" if p.accuracy is None else f"{p.accuracy:.0%}"
        table.add_row(m.id, m.title, f"{p.sections_read}/{p.sections_total}", str(len(m.questions)),
                      accuracy, f"{p.mastery:.0%}")
    Console().print(table)
    return EXIT_OK


def cmd_progress(args) -> int:
    from course.quiz.progress import pack_progress

    pack = _load(args)
    store = _store()
    try:
        if args.progress_command == "reset":
            return _reset(args, pack, store)
        progress = pack_progress(pack, store)
        answered = sum(p.answered for p in progress.values())
        correct = sum(p.correct for p in progress.values())
        read = sum(p.sections_read for p in progress.values())
        total = sum(p.sections_total for p in progress.values())
        print(f"Sections read: {read} of {total}")
        print(f"Questions answered: {answered}" + (f", {correct / answered:.0%} correct" if answered else ""))
        for m in pack.modules:
            p = progress[m.id]
            accuracy = "no answers yet" if p.accuracy is None else f"{p.accuracy:.0%} of {p.answered} correct"
            print(f"  {m.title}: read {p.sections_read}/{p.sections_total}, {accuracy}, mastery {p.mastery:.0%}")
        sessions = store.sessions()
        if sessions:
            last = max(sessions, key=lambda s: s.started)
            print(f"Quizzes taken: {len(sessions)}; last scored {last.correct}/{last.asked}")
        return EXIT_OK
    finally:
        store.close()


def _reset(args, pack, store) -> int:
    if args.module:
        _check_modules(pack, [args.module])
    what = f"progress for module '{args.module}'" if args.module else "all progress"
    if not args.yes:
        print(f"Forget {what}? This cannot be undone. [y/N] ", end="", flush=True)
        reply = sys.stdin.readline().strip().lower()
        if reply not in ("y", "yes"):
            print("Nothing was changed.")
            return EXIT_FAIL
    store.reset(args.module)
    print(f"Forgot {what}.")
    return EXIT_OK


def cmd_quiz_plain(args) -> int:
    import random

    from course.quiz.engine import QuizRun, select_questions
    from course.quiz.plain import ask_all

    pack = _load(args)
    _check_modules(pack, args.module)
    if args.count < 1:
        raise CliError("--count must be at least 1", EXIT_USAGE)
    store = _store()
    try:
        questions = select_questions(pack, store, args.module, args.count, args.only_wrong,
                                     random.Random(args.seed))
        if not questions:
            what = "questions you got wrong" if args.only_wrong else "questions"
            print(f"There are no {what} to ask here.")
            return EXIT_OK
        run = QuizRun(questions, store, mode="practice", module_ids=args.module or [])
        ask_all(run, sys.stdin, sys.stdout)
        return EXIT_OK
    finally:
        store.close()


def _exercises(args):
    """The pack's exercises; an exercise with problems is left out and the learner told once."""
    from course.grading.vocabulary import load_exercises
    from course.paths import bundled_pack_dir

    root = args.pack or bundled_pack_dir()
    exercises, problems = load_exercises(root)
    if problems:
        broken = sorted({Path(p.mark.file).parent.name for p in problems})
        print(f"coldstart: {len(broken)} exercise{'s' if len(broken) != 1 else ''} left out because of problems "
              f"({', '.join(broken)}); run 'coldstart dev check {root}' to see them", file=sys.stderr)
    return exercises, root


def _exercise(args):
    from course.content.problems import did_you_mean

    exercises, root = _exercises(args)
    for exercise in exercises:
        if exercise.id == args.id:
            return exercise
    known = [e.id for e in exercises]
    listing = f"; exercises: {', '.join(known)}" if known else "; this pack has no exercises"
    raise CliError(f"no exercise '{args.id}'{did_you_mean(args.id, known)}{listing}", EXIT_USAGE)


def _workspace(args, exercise_id: str) -> Path:
    from course.paths import data_dir

    return getattr(args, "workspace", None) or data_dir() / "workspaces" / exercise_id


def cmd_exercises(args) -> int:
    from course.attempts import exercise_status

    exercises, _ = _exercises(args)
    store = _store()
    try:
        rows = [{"id": e.id, "title": e.title, "module": e.module, "difficulty": e.difficulty,
                 "checks": len(e.checks), "status": exercise_status(store, e.id, _workspace(args, e.id))}
                for e in exercises]
    finally:
        store.close()
    if args.json:
        print(json.dumps(rows, indent=2))
        return EXIT_OK
    if not rows:
        print("This pack has no exercises yet.")
        return EXIT_OK
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Exercises", title_justify="left")
    for column in ("id", "exercise", "module", "difficulty", "status"):
        table.add_column(column)
    for row in rows:
        table.add_row(row["id"], row["title"], row["module"], row["difficulty"], row["status"])
    Console().print(table)
    return EXIT_OK


def cmd_exercise_start(args) -> int:
    from course.grading.workspace import WorkspaceExists, start_workspace

    exercise = _exercise(args)
    try:
        path = start_workspace(exercise, _workspace(args, exercise.id), force=args.force)
    except WorkspaceExists as exc:
        raise CliError(str(exc)) from None
    print(path)
    return EXIT_OK


def cmd_check(args) -> int:
    from course.grading.runner import grade
    from course.grading.workspace import write_result

    exercise = _exercise(args)
    workspace = _workspace(args, exercise.id)
    if not workspace.is_dir():
        raise CliError(f"no workspace at {workspace}; run 'coldstart exercise start {exercise.id}' first", EXIT_USAGE)
    report = grade(exercise, workspace)
    write_result(report, workspace)
    from course.attempts import record_attempt

    store = _store()
    try:
        record_attempt(store, exercise, report)
    finally:
        store.close()
    print(json.dumps(report.as_dict(), indent=2) if args.json else report.text())
    return report.exit_code


def cmd_dev_check(args) -> int:
    from course.content import load_pack
    from course.grading.devcheck import dev_check
    from course.paths import bundled_pack_dir

    root = args.pack or bundled_pack_dir()
    result = load_pack(root)
    for problem in result.problems:
        print(problem)
    modules = [m.id for m in result.pack.modules] if result.pack is not None else None
    violations = dev_check(root, modules)
    for violation in violations:
        print(violation)
        if violation.detail:  # an internal error: authors need the traceback, learners never see it
            print("    " + violation.detail.rstrip().replace("\n", "\n    "))
    count = len(result.problems) + len(violations)
    if count:
        print(f"{root}: {count} problem{'s' if count != 1 else ''}", file=sys.stderr)
        return EXIT_FAIL
    from course.grading.vocabulary import load_exercises

    exercises, _ = load_exercises(root, modules)
    checks = sum(len(e.checks) for e in exercises)
    print(f"{root}: ok — {len(exercises)} exercise{'s' if len(exercises) != 1 else ''}, {checks} checks; "
          "every starter fails and every solution passes")
    return EXIT_OK
