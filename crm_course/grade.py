"""``crm-course grade ASSIGNMENT``: autograde every submission of a term on all cores, sandboxed.

It runs nbgrader's own autograder (``NbGraderAPI.autograde``, with the term's configuration and so
its sandbox) for several students at once, one worker process per core, and shows a progress bar:
the scores are exactly those of ``nbgrader autograde``. Like ``nbgrader autograde`` it skips the
submissions already graded unless ``--force`` is given. The SQLite gradebook is opened with a
write timeout (the term's ``db_url`` ends in ``?timeout=60``) so that the workers take turns
writing; a PostgreSQL gradebook needs nothing.
"""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from crm_course.errors import CourseError
from crm_course.grader import UNSANDBOXED
from crm_course.term import find_term, term_api


@dataclass
class Graded:
    """The outcome of grading one submission."""

    student: str
    ok: bool
    score: float = 0.0
    max_score: float = 0.0
    by_hand: float = 0.0  #: points still to grade by hand
    seconds: float = 0.0
    problem: str = ""


def autograde_one(api, assignment: str, student: str, **options) -> Graded:
    """Autograde one submission with ``api`` (an NbGraderAPI; ``options`` go to its ``autograde``)
    and read its score back; a failure keeps the last lines of nbgrader's log and error."""
    from crm_course.gradebook import submission_score
    from crm_course.nbgrader_api import quiet_gradebook

    start = time.perf_counter()
    with quiet_gradebook():
        result = api.autograde(assignment, student, **options)
        seconds = time.perf_counter() - start
        if not result.get("success"):
            lines = [line for line in (result.get("log", "") + "\n" + result.get("error", "")).splitlines()
                     if line.strip()]
            return Graded(student, False, seconds=seconds, problem="\n".join(lines[-6:]))
        score, maximum, by_hand = submission_score(api, assignment, student)
    return Graded(student, True, score, maximum, by_hand, seconds)


def _grade_one(term: str, assignment: str, student: str, unsandboxed: bool) -> Graded:
    """Worker: autograde one submission with the term's configuration."""
    from traitlets.config import Config

    extra = Config()
    if unsandboxed:
        extra.GuardedExecute.sandbox = "off"
    return autograde_one(term_api(Path(term), extra=extra), assignment, student, force=True, create=True)


def submissions(term: Path, assignment: str) -> list[str]:
    """The students with a submission of ``assignment`` in ``submitted/``."""
    folder = term / "submitted"
    return sorted(p.name for p in folder.iterdir() if (p / assignment).is_dir()) if folder.exists() else []


def progress_bar(done: int, total: int, width: int = 24) -> str:
    """``[########----------------]  3/12``"""
    filled = round(width * done / total) if total else width
    return f"[{'#' * filled}{'-' * (width - filled)}] {done:>{len(str(total))}}/{total}"


def grade(assignment: str, *, term=None, students: list[str] | None = None, force: bool = False,
          jobs: int | None = None, unsandboxed: bool = False, out=sys.stdout) -> list[Graded]:
    """Autograde the submissions of ``assignment`` in the term folder ``term`` (default: the one
    holding the working folder); return one :class:`Graded` per submission graded."""
    from crm_course.sandbox import sandbox_problem

    term = Path(term).resolve() if term is not None else find_term()
    try:  # nbgrader itself would only log a broken configuration and grade without it
        term_api(term)
    except Exception as error:
        raise CourseError(f"{term / 'nbgrader_config.py'} has an error, so nothing was graded: "
                          f"{type(error).__name__}: {error}") from None
    if not (term / "source" / assignment).is_dir():
        known = sorted(p.name for p in (term / "source").iterdir() if p.is_dir())
        raise CourseError(f"no assignment {assignment!r} in {term / 'source'}: the term has {', '.join(known)}")
    if unsandboxed:
        print(f"\n{'!' * 100}\n{UNSANDBOXED}\n{'!' * 100}\n", file=out, flush=True)
    elif problem := sandbox_problem():
        raise CourseError(f"grading refused: the sandbox cannot run: {problem}. "
                          "Grade without it only submissions you trust: crm-course grade --unsandboxed")
    found = submissions(term, assignment)
    if students:
        missing = sorted(set(students) - set(found))
        if missing:
            raise CourseError(f"no submission of {assignment} from {', '.join(missing)} in {term / 'submitted'}")
        found = [s for s in found if s in students]
    already = [s for s in found if (term / "autograded" / s / assignment).exists()]
    todo = found if force else [s for s in found if s not in already]
    if already and not force:
        print(f"Skipping {len(already)} submission(s) graded before ({', '.join(already[:5])}"
              f"{' ...' if len(already) > 5 else ''}): add --force to grade them again.", file=out)
    if not todo:
        print(f"Nothing to grade for {assignment}.", file=out)
        return []
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    print(f"Grading {len(todo)} submission(s) of {assignment} in {term}, {jobs} at a time"
          f"{' (sandboxed)' if not unsandboxed else ''}", file=out, flush=True)
    started, results = time.perf_counter(), []
    width = max(len(s) for s in todo)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_grade_one, str(term), assignment, student, unsandboxed) for student in todo]
        for future in as_completed(futures):
            graded = future.result()
            results.append(graded)
            if graded.ok:
                pending = f" (+{graded.by_hand:g} by hand)" if graded.by_hand else ""
                what = f"{graded.score:g} / {graded.max_score:g}{pending}"
            else:
                what = "FAILED: " + graded.problem.replace("\n", "\n      ")
            print(f"{progress_bar(len(results), len(todo))}  {graded.student:<{width}}  {what}  "
                  f"{graded.seconds:.1f} s", file=out, flush=True)
    failed = [g.student for g in results if not g.ok]
    print(f"{len(results) - len(failed)} graded in {time.perf_counter() - started:.1f} s"
          + (f"; FAILED: {', '.join(failed)} (see above; fix and run with --student ... --force)" if failed else ""),
          file=out, flush=True)
    return sorted(results, key=lambda g: g.student)
