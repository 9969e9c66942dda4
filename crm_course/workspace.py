"""The self-learner's side of the repository: ``my-work/``, and what ``crm-course where`` and
``crm-course clean`` show and touch.

``my-work/`` is git-ignored and no command of the tools ever writes into a file that exists
there: ``crm-course start EXERCISE`` copies a fresh exercise in and refuses when the copy is
already there.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from crm_course.demo import remove_demo
from crm_course.errors import CourseError
from crm_course.nbgrader_api import assignment_names
from crm_course.repo import CourseRepo, course_repo


def exercise_name(name: str, repo: CourseRepo) -> str:
    """The full name of an exercise from a prefix: "ex03" -> "ex03-customer-lifetime-value";
    the Chinese edition's with "-zh": "ex03-zh" -> "ex03-customer-lifetime-value-zh"."""
    names = assignment_names(repo.exercises) if repo.exercises.exists() else []
    chinese = name.endswith("-zh")
    prefix = name[:-len("-zh")] if chinese else name
    matches = [n for n in names if n == name or (n.startswith(f"{prefix}-") and n.endswith("-zh") == chinese)]
    if len(matches) != 1:
        raise CourseError(f"no exercise called {name!r}: the exercises are {', '.join(names)}"
                          if not matches else f"{name!r} names several exercises: {', '.join(matches)}")
    return matches[0]


def start(exercise: str) -> Path:
    """``crm-course start EXERCISE``: a working copy of a fresh exercise in ``my-work/``.

    Refuses (naming the file) when ``my-work/`` already holds that exercise's notebook.
    """
    repo = course_repo()
    name = exercise_name(exercise, repo)
    source, target = repo.exercises / name, repo.my_work / name
    existing = sorted(p for p in target.rglob("*") if p.is_file()) if target.exists() else []
    clashes = [p for p in existing if (source / p.relative_to(target)).exists()]
    if clashes:
        raise CourseError(
            f"{repo.relative(clashes[0])} already exists: open it to go on with your work. "
            f"To start this exercise over, rename that folder first (for example to my-work/{name}-old)."
        )
    shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    notebook = target / f"{name}.ipynb"
    print(f"Your copy of {name}: {repo.relative(notebook)}\n"
          f"Open it in JupyterLab (make lab); check it any time with: crm-course check {repo.relative(notebook)}")
    return notebook


def where() -> None:
    """``crm-course where``: say where everything is after ``make course``."""
    repo = course_repo()
    chapters = sorted(repo.chapters.glob("*.ipynb")) if repo.chapters.exists() else []
    names = assignment_names(repo.solutions) if repo.solutions.exists() else []
    site = repo.site_html / "index.html"
    rows = [
        ("chapters", f"chapters/ ({len(chapters)} notebooks)"),
        ("exercises", f"exercises/ (student versions of {len(names)} exercise(s); `make exercises` regenerates them)"),
        ("your work", "my-work/ (`crm-course start ex03` makes a working copy there; never overwritten)"),
        ("solutions", "solutions/ (the instructor's source of the exercises)"),
        ("demo class", f"{repo.relative(repo.demo)}/ (gradebook.db, feedback/, grades.csv; build output)"),
        ("site", repo.relative(site) if site.exists() else "not built (make site)"),
        ("JupyterLab", "make lab"),
        ("a term", "crm-course new-term DIR (a real class, outside this folder)"),
        ("instructor", "docs/instructor-guide.md"),
    ]
    print("\nWhere things are:")
    for label, text in rows:
        print(f"  {label:<11} {text}")


#: Build output that ``crm-course clean`` removes (relative to the repository); the demo class is
#: removed only when nobody graded in it by hand.
BUILD_OUTPUT = ("_build/html", "_build/site-src", "_build/site-src-zh", "_build/.doctrees", "_build/.doctrees-zh",
                "_build/.jupyter_cache",
                "_build/.site-fingerprints", "bench/results", ".pytest_cache", ".hypothesis")


def clean() -> None:
    """``make clean``: remove build output only; never a gradebook, a submission or ``my-work/``."""
    repo = course_repo()
    remove_demo(repo.demo)
    for name in BUILD_OUTPUT:
        path = repo.root / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    for cache in repo.root.rglob("__pycache__"):
        if ".venv" not in cache.parts:
            shutil.rmtree(cache, ignore_errors=True)
    print("Removed the build output (site, demo class, caches). Kept: .venv, my-work/, every term.")
