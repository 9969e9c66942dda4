"""``crm-course``: the course's tools on the command line (``crm-course --help`` lists them).

The Makefile's targets call it: ``make course`` is ``crm-course build``, ``make exercises`` is
``crm-course exercises``, ``make site`` is ``crm-course site``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

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


def _clean(args) -> None:
    from crm_course.workspace import clean

    clean()


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
    "where": ("say where the chapters, exercises, demo class and site are", _where, None),
    "clean": ("remove build output only (make clean): never a gradebook, submission or my-work/", _clean, None),
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
