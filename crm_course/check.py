"""``crm-course check NOTEBOOK``: a self-learner grades their own exercise, hidden tests included.

The notebook is graded as nbgrader grades a submission, but in a temporary course of its own: the
exercise's source (with the hidden tests) is copied from the course repository's ``solutions/``,
generated, and the notebook is autograded as a copy. Nothing is written beside the notebook, into
``exercises/`` or into any gradebook; the notebook itself is only read. The report gives each
question's points and the checks' messages, and ends with ``score: X of Y autograded points``.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from crm_course.errors import CourseError
from crm_course.gradebook import cell_grades
from crm_course.nbgrader_api import SKIPPED_FILES, checked, generate, nbgrader_api, quiet_gradebook
from crm_course.notebooks import read_notebook
from crm_course.repo import course_repo

STUDENT = "self-check"


@dataclass
class Question:
    """The tests of one question (grade ids sharing their first part, e.g. ``q3_...``)."""

    name: str
    score: float = 0.0
    max_score: float = 0.0
    by_hand: float = 0.0
    messages: list[str] = field(default_factory=list)


def exercise_of(notebook: Path, solutions: Path) -> str:
    """The exercise a notebook belongs to: the solution folder whose notebook has its name, or
    whose grade ids it carries."""
    if (solutions / notebook.stem / notebook.name).exists():
        return notebook.stem
    cells = read_notebook(notebook).cells
    ids = {c.metadata.get("nbgrader", {}).get("grade_id") for c in cells} - {None}
    chinese = "zh_language" in ids  # the Chinese edition's locked language cell: its messages are Chinese
    for source in sorted(solutions.glob("*/*.ipynb"), key=lambda p: p.parent.name.endswith("-zh") != chinese):
        if ids and ids <= {c.metadata.get("nbgrader", {}).get("grade_id") for c in read_notebook(source).cells}:
            return source.parent.name
    raise CourseError(f"{notebook} is not one of the course's exercises (no notebook of solutions/ has its "
                      "name or its questions): check an exercise notebook, e.g. my-work/ex03-.../ex03-....ipynb")


def _question_of(grade_id: str) -> str:
    match = re.match(r"(q\d+[a-z]?)_", grade_id)
    return match.group(1) if match else grade_id


def _messages(cell) -> list[str]:
    """What a graded test cell said: its ✓ lines, or the first lines of its error."""
    said = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            said += [line for line in output.get("text", "").splitlines() if line.strip()]
        elif output.get("output_type") == "error":
            text = output.get("evalue", "")
            said.append(f"{output.get('ename')}: {text}" if output.get("ename") != "CheckFailed" else text)
    return said


def check(*notebooks, out=sys.stdout) -> list[tuple[float, float]]:
    """Grade each notebook with the full hidden tests in a temporary course (one per exercise);
    print a report for each; return their (autograded points, autograded maximum)."""
    paths = [Path(n).resolve() for n in notebooks]
    for path in paths:
        if not path.is_file() or path.suffix != ".ipynb":
            raise CourseError(f"{path}: give the path of an exercise notebook (.ipynb)")
    repo = course_repo(paths[0].parent)
    results: dict[Path, tuple[float, float]] = {}
    by_exercise: dict[str, list[Path]] = {}
    for path in paths:
        by_exercise.setdefault(exercise_of(path, repo.solutions), []).append(path)
    for assignment, group in by_exercise.items():
        with tempfile.TemporaryDirectory(prefix="crm-check-") as tmp, quiet_gradebook():
            root = Path(tmp) / "course"
            shutil.copytree(repo.solutions / assignment, root / "solutions" / assignment, ignore=SKIPPED_FILES)
            api = nbgrader_api(root)
            generate(api, assignment)
            source = read_notebook(root / "solutions" / assignment / f"{assignment}.ipynb")
            for number, path in enumerate(group):
                student = f"{STUDENT}-{number}"
                target = root / "submitted" / student / assignment / f"{assignment}.ipynb"
                target.parent.mkdir(parents=True)
                shutil.copyfile(path, target)
                print(f"Checking {path} against every test of {assignment}, hidden tests included "
                      "(in a temporary folder; your notebook is not changed)", file=out, flush=True)
                checked(api.autograde(assignment, student), f"grading {path.name}")
                graded = read_notebook(root / "autograded" / student / assignment / f"{assignment}.ipynb")
                results[path] = report(cell_grades(api, assignment, student), graded, source, out=out)
    return [results[path] for path in paths]


def report(grades: dict, graded, source, *, out=sys.stdout) -> tuple[float, float]:
    """Print each question's points and messages, then ``score: X of Y autograded points``."""
    # answers graded by a person (a written answer): both a solution and a grade cell in the source
    by_a_person = {c.metadata["nbgrader"]["grade_id"] for c in source.cells
                   if c.metadata.get("nbgrader", {}).get("solution") and c.metadata["nbgrader"].get("grade")}
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in graded.cells}
    questions: dict[str, Question] = {}
    for grade_id, (score, max_score, _) in grades.items():
        question = questions.setdefault(_question_of(grade_id), Question(_question_of(grade_id)))
        if grade_id in by_a_person:
            question.by_hand += max_score
            continue
        question.score += score or 0.0
        question.max_score += max_score
        if grade_id in cells and cells[grade_id].cell_type == "code":
            question.messages += [m for m in _messages(cells[grade_id]) if m not in question.messages]
    total = sum(q.score for q in questions.values())
    maximum = sum(q.max_score for q in questions.values())
    for question in questions.values():
        if question.max_score:
            print(f"\n{question.name}: {question.score:g} of {question.max_score:g} points", file=out)
            for message in question.messages:
                print("    " + message.replace("\n", "\n    "), file=out)
        if question.by_hand:
            print(f"\n{question.name}: written answer, {question.by_hand:g} points graded by a person "
                  "(compare yours with the chapter)", file=out)
    print(f"\nscore: {total:g} of {maximum:g} autograded points", file=out, flush=True)
    return total, maximum
