"""``crm-course``: the course's tools on the command line (``crm-course --help`` lists them).

The Makefile's targets call it: ``make course`` is ``crm-course build``, ``make exercises`` is
``crm-course exercises``, ``make site`` is ``crm-course site``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from crm_course.errors import CourseError


def _build(args) -> None:
    from crm_course.demo import demo
    from crm_course.exercises import regenerate_exercises
    from crm_course.notebooks import execute
    from crm_course.site import build_site
    from crm_course.workspace import where

    for title, step in (("execute", execute), ("exercises", regenerate_exercises), ("demo", demo),
                        ("site", build_site)):
        print(f"\n== {title} ==")
        step()
    where()


def _execute(args) -> None:
    from crm_course.notebooks import execute

    execute(args.notebooks or None)


def _exercises(args) -> None:
    from crm_course.exercises import regenerate_exercises

    regenerate_exercises()


def _demo(args) -> None:
    from crm_course.demo import demo

    demo()


def _site(args) -> None:
    from crm_course.site import build_site

    build_site()


def _where(args) -> None:
    from crm_course.workspace import where

    where()


def _start(args) -> None:
    from crm_course.workspace import start

    start(args.exercise)


def _check(args) -> None:
    from crm_course.check import check

    check(*args.notebook)


def _clean(args) -> None:
    from crm_course.workspace import clean

    clean()


def _new_term(args) -> None:
    from crm_course.term import new_term

    folder = new_term(args.folder, db_url=args.db_url, exchange=args.exchange, lang=args.lang,
                      course_id=args.course_id, late_percent_per_day=args.late_percent_per_day,
                      hub=args.hub)
    print(f"A new term in {folder}: read {folder / 'README.md'}, then run the term's commands from there "
          f"(cd {folder}).")


def _grade(args) -> None:
    from crm_course.grade import grade

    results = grade(args.assignment, students=args.student or None, force=args.force, jobs=args.jobs,
                    unsandboxed=args.unsandboxed)
    failed = [g.student for g in results if not g.ok]
    if failed:
        raise CourseError(f"{len(failed)} submission(s) could not be graded: {', '.join(failed)}")


def _gradebook(args) -> None:
    from crm_course.gradebook import write_class_grades
    from crm_course.term import find_term, term_api

    target = Path(args.csv)
    if target.exists() and not args.force:
        raise CourseError(f"{target} already exists: give another file name, or --force to replace it")
    term = find_term()
    write_class_grades(term_api(term), target)
    print(f"Grades of every student written to {target} (one row per student, a column per exercise)")


def _backup(args) -> None:
    from crm_course.term import backup, find_term

    print(f"Gradebook copied to {backup(find_term())}")


def _new_term_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", help="a new or empty folder outside the course repository")
    p.add_argument("--db-url", help="the gradebook on a database server (default: gradebook.db in the folder)")
    p.add_argument("--exchange", help="the exchange folder (default: exchange/ in the folder)")
    p.add_argument("--lang", default="en", choices=("en", "zh"),
                   help="the course's edition: en (default) or zh, the Chinese exercises under the English names")
    p.add_argument("--course-id", default="crm-analytics", help="the course id students see (crm-analytics)")
    p.add_argument("--late-percent-per-day", type=float, default=10.0,
                   help="percent of the score a late submission loses per day late (10)")
    p.add_argument("--hub", action="store_true",
                   help="the term of a class on JupyterHub (deploy/jupyterhub/): students are the hub's Unix users; "
                        "needs --exchange outside the term")


def _grade_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("assignment", help="the assignment, e.g. ex03-customer-lifetime-value")
    p.add_argument("--student", action="append", help="only this student (may be repeated)")
    p.add_argument("--force", action="store_true", help="grade again the submissions graded before")
    p.add_argument("--jobs", type=int, help="submissions graded at a time (default: the number of cores)")
    p.add_argument("--unsandboxed", action="store_true",
                   help="grade WITHOUT the sandbox: only for submissions you trust")


#: name -> (what it does, function, how to add its arguments)
COMMANDS: dict[str, tuple[str, Callable, Callable[[argparse.ArgumentParser], None] | None]] = {
    "build": ("execute every notebook, regenerate exercises/, grade the demo class, build the site "
              "(make course)", _build, None),
    "execute": ("run every chapter and solution notebook in a temporary copy (outputs are not saved)", _execute,
                lambda p: p.add_argument("notebooks", nargs="*", help="only these notebooks")),
    "exercises": ("regenerate exercises/ from solutions/ with nbgrader (refuses to overwrite answers)",
                  _exercises, None),
    "demo": ("grade synthetic submissions of every exercise in _build/demo-class/", _demo, None),
    "site": ("build the course website into _build/html/ (make site)", _site, None),
    "start": ("make a working copy of an exercise in my-work/ (never overwritten)", _start,
              lambda p: p.add_argument("exercise", help="the exercise, e.g. ex03")),
    "check": ("grade your own exercise notebook with every test, hidden ones included (nothing is written)",
              _check, lambda p: p.add_argument("notebook", nargs="+", help="exercise notebooks (in my-work/)")),
    "where": ("say where the chapters, exercises, demo class and site are", _where, None),
    "clean": ("remove build output only (make clean): never a gradebook, submission or my-work/", _clean, None),
    "new-term": ("make a folder outside the repository the course root of one class's term", _new_term,
                 _new_term_arguments),
    "grade": ("(in a term) autograde every submission of an assignment, sandboxed, on all cores", _grade,
              _grade_arguments),
    "gradebook": ("(in a term) write the class's grades: one row per student, a column per exercise", _gradebook,
                  lambda p: (p.add_argument("--csv", required=True, metavar="FILE", help="the CSV file to write"),
                             p.add_argument("--force", action="store_true", help="replace FILE if it exists"))),
    "backup": ("(in a term) copy the SQLite gradebook into backups/", _backup, None),
}


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="crm-course", description="The CRM Analytics course's tools.")
    commands = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (what, _, arguments) in COMMANDS.items():
        sub = commands.add_parser(name, help=what, description=what)
        if arguments is not None:
            arguments(sub)
    return top


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        import nbgrader  # noqa: F401
    except ImportError:
        print("ERROR: crm-course needs the course tools' packages (nbgrader, JupyterLab, Jupyter Book): "
              "install them with  pip install -e '.[course]'  in the course repository", file=sys.stderr)
        return 1
    from crm_course.nbgrader_api import put_venv_on_path, quiet_gradebook

    put_venv_on_path()
    try:
        with quiet_gradebook():
            COMMANDS[args.command][1](args)
    except CourseError as error:
        print(f"\nERROR: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
