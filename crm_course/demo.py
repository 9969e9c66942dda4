"""The demo class of ``make course``: a whole term on synthetic submissions, in ``_build/demo-class/``.

Every exercise is generated and released into a local exchange; four synthetic students fetch
it, fill it in (correct, partly wrong or blank) and submit; the submissions are collected,
autograded into the SQLite gradebook (one submission per core at a time), feedback is written
and grades are exported. The demo is build output and is made anew on every run, except when
somebody graded in it by hand: then it is kept and the run refused (nothing an instructor graded
is ever deleted).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from traitlets.config import Config

from crm_course.errors import CourseError
from crm_course.grade import Graded, autograde_one
from crm_course.gradebook import grade_table
from crm_course.nbgrader_api import assignment_names, checked, generate, nbgrader_api, new_course_root
from crm_course.notebooks import read_notebook, write_notebook
from crm_course.repo import course_repo
from crm_course.submissions import make_submission

#: Each student's kind of submission rotates over the exercises, so that every exercise gets
#: correct, partly wrong and blank submissions.
DEMO_STUDENTS = ("ada", "bao", "chen", "dara")
DEMO_KINDS = ("correct", "partly wrong", "blank", "correct")


def _demo_api(root: Path):
    """The demo class's NbGraderAPI: the course's nbgrader_config.py, the demo's exchange, students
    who are not Unix users, and a SQLite gradebook that waits up to 60 s for another grader's write."""
    extra = Config()
    extra.ExchangeCollect.check_owner = False
    extra.CourseDirectory.db_url = f"sqlite:///{Path(root).resolve() / 'gradebook.db'}?timeout=60"
    return nbgrader_api(root, exchange=Path(root) / "exchange", extra=extra)


def _autograde(root: str, assignment: str, student: str) -> Graded:
    """Worker: autograde one submission of the demo class."""
    return autograde_one(_demo_api(Path(root)), assignment, student)


def manual_grading_in(gradebook: Path) -> int:
    """How many grades or comments of the SQLite ``gradebook`` a person entered (0 if none)."""
    if not gradebook.exists():
        return 0
    with sqlite3.connect(f"file:{gradebook}?mode=ro", uri=True) as db:
        grades = db.execute("SELECT COUNT(*) FROM grade WHERE manual_score IS NOT NULL").fetchone()[0]
        comments = db.execute("SELECT COUNT(*) FROM comment WHERE manual_comment IS NOT NULL "
                              "AND manual_comment != ''").fetchone()[0]
    return grades + comments


def remove_demo(root: Path) -> None:
    """Delete an earlier demo class, unless somebody graded in it by hand (then refuse, naming the file)."""
    if not root.exists():
        return
    gradebook = root / "gradebook.db"
    manual = manual_grading_in(gradebook)
    if manual:
        raise CourseError(
            f"{course_repo().relative(gradebook)} holds {manual} grade(s) or comment(s) entered by hand: "
            f"the demo class in {course_repo().relative(root)}/ is not replaced. Move that folder elsewhere "
            "to keep it, then run again."
        )
    shutil.rmtree(root)


def demo(root=None, *, assignments: list[str] | None = None, students=DEMO_STUDENTS) -> str:
    """Run a whole term on synthetic submissions in ``root`` and print the grade table.

    ``assignments`` and ``students`` narrow it down (the tests grade one exercise).
    """
    from nbgrader.utils import temp_attrs

    repo = course_repo()
    root = Path(root) if root is not None else repo.demo
    remove_demo(root)
    new_course_root(root)
    names = assignment_names(root / "solutions")
    if assignments is not None:
        names = [name for name in names if name in assignments]
    students = tuple(students)
    api = _demo_api(root)
    print(f"Demo class in {repo.relative(root)}/: {len(students)} students, {len(names)} exercise(s)")
    for name in names:
        generate(api, name)
        checked(api.release_assignment(name), f"release_assignment {name}")
        print(f"  generated and released {name}")

    kinds: dict[tuple[str, str], str] = {}
    for j, name in enumerate(names):
        sources = {p.stem: read_notebook(p) for p in sorted((root / "solutions" / name).glob("*.ipynb"))}
        for k, student in enumerate(students):
            kind = DEMO_KINDS[(k + j) % len(DEMO_KINDS)]
            kinds[name, student] = kind
            home = root / "students" / student
            home.mkdir(parents=True, exist_ok=True)
            exchange_kwargs = dict(coursedir=api.coursedir, authenticator=api.authenticator, parent=api)
            with temp_attrs(api.coursedir, assignment_id=name, student_id=student):
                fetch = api.exchange.FetchAssignment(**exchange_kwargs)
                fetch.assignment_dir = str(home)
                fetch.start()
                for stem, source in sources.items():
                    path = home / name / f"{stem}.ipynb"
                    write_notebook(make_submission(read_notebook(path), source, kind), path)
                submit = api.exchange.Submit(**exchange_kwargs)
                submit.assignment_dir = str(home)
                submit.start()
        checked(api.collect(name), f"collect {name}")
        print(f"  {len(students)} students fetched, answered and submitted {name}; collected")

    jobs = max(1, min(os.cpu_count() or 1, len(names) * len(students)))
    print(f"Autograding, {jobs} at a time (one line per submission):")
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(_autograde, str(root), name, student): name for name in names for student in students}
        for future in as_completed(futures):
            name, graded = futures[future], future.result()
            if not graded.ok:
                print(f"  {name} / {graded.student:<5} FAILED after {graded.seconds:.1f} s")
                print(graded.problem)
                continue
            pending = f" (+{graded.by_hand:g} to grade by hand)" if graded.by_hand else ""
            print(f"  {name} / {graded.student:<5} {kinds[name, graded.student]:<13} "
                  f"{graded.score:g} / {graded.max_score:g}{pending}  {graded.seconds:.1f} s", flush=True)
    print(f"  {len(names) * len(students)} submissions in {time.perf_counter() - started:.1f} s")

    for name in names:
        checked(api.generate_feedback(name), f"generate_feedback {name}")
    feedback = sorted((root / "feedback").rglob("*.html"))
    from nbgrader.plugins import CsvExportPlugin

    with api.gradebook as gb:
        CsvExportPlugin(to=str(root / "grades.csv")).export(gb)
    table = grade_table(api, names, list(students))
    print(f"  feedback: {len(feedback)} HTML files in {repo.relative(root / 'feedback')}/ "
          f"(e.g. {repo.relative(feedback[0]) if feedback else '-'})")
    print(f"  grades exported to {repo.relative(root / 'grades.csv')}")
    print("\nGrade table (gradebook: " + repo.relative(root / "gradebook.db") + ")\n")
    print(table)
    return table
