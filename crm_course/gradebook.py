"""Reading the gradebook: each cell's grade, a submission's score, the grade table, the grades
of a whole class as a CSV file an instructor can hand in (``crm-course gradebook --csv FILE``).

The gradebook is nbgrader's database (SQLite in the course root, or PostgreSQL on a hub); these
functions read it through nbgrader's ``Gradebook`` API, never by writing SQL of their own.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

from nbgrader.api import MissingEntry


def cell_grades(api, assignment: str, student: str) -> dict[str, tuple]:
    """{grade_id: (score, max_score, needs_manual_grade)} of one submission, every notebook."""
    grades = {}
    with api.gradebook as gb:
        submission = gb.find_submission(assignment, student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                grades[grade.name] = (grade.score, grade.max_score, bool(grade.needs_manual_grade))
    return grades


def submission_score(api, assignment: str, student: str) -> tuple[float, float, float]:
    """(score so far, maximum, points still to grade by hand) of one submission."""
    score = maximum = by_hand = 0.0
    for got, most, manual in cell_grades(api, assignment, student).values():
        maximum += most
        if manual:
            by_hand += most
        else:
            score += got or 0.0
    return score, maximum, by_hand


def grade_table(api, assignments: list[str], students: list[str]) -> str:
    """The demo class's grade table: one row per assignment, one column per student,
    "score / max" (a few students, many assignments: the table stays narrow)."""
    first = max(len(a) for a in [*assignments, "assignment"]) + 2
    width = max([len(s) for s in students] + [len("00 / 00 *")]) + 2
    lines = [("assignment".ljust(first) + "".join(s.ljust(width) for s in students)).rstrip()]
    pending = False
    for assignment in assignments:
        row = assignment.ljust(first)
        for student in students:
            try:
                score, maximum, by_hand = submission_score(api, assignment, student)
            except MissingEntry:
                row += "-".ljust(width)
                continue
            mark = " *" if by_hand else ""
            pending |= bool(by_hand)
            row += f"{score:g} / {maximum:g}{mark}".ljust(width)
        lines.append(row.rstrip())
    if pending:
        lines.append("* written answers still to grade by hand in the formgrader (they count 0 until then)")
    return "\n".join(lines)


def class_grades(gradebook) -> tuple[list[str], list[dict]]:
    """(assignments, one row per student) from an open nbgrader ``Gradebook``.

    Each row: ``student_id``, ``last_name``, ``first_name``, the points of each assignment (after
    the late penalty; empty where nothing was handed in, counted as 0), ``total``, ``max_total``
    (the points of every assignment), ``percent``, ``to_grade_by_hand`` (the assignments whose
    written answers still need a grader) and ``late`` (each late assignment with its days late and
    the points it lost).
    """
    assignments = [a.name for a in gradebook.assignments]
    maxima = {a.name: a.max_score for a in gradebook.assignments}
    rows = []
    for student in sorted(gradebook.students, key=lambda s: s.id):
        row = {"student_id": student.id, "last_name": student.last_name or "", "first_name": student.first_name or ""}
        total, by_hand, late = 0.0, [], []
        for name in assignments:
            try:
                submission = gradebook.find_submission(name, student.id)
            except MissingEntry:
                row[name] = ""
                continue
            penalty = submission.late_submission_penalty or 0.0
            points = max(0.0, submission.score - penalty)
            row[name] = f"{points:g}"
            total += points
            if submission.needs_manual_grade:
                by_hand.append(name)
            if submission.total_seconds_late > 0:
                days = math.ceil(submission.total_seconds_late / 86_400)
                late.append(f"{name} ({days} day{'s' if days != 1 else ''} late, -{penalty:g})")
        max_total = sum(maxima.values())
        row.update(total=f"{total:g}", max_total=f"{max_total:g}",
                   percent=f"{100 * total / max_total:.1f}" if max_total else "",
                   to_grade_by_hand="; ".join(by_hand), late="; ".join(late))
        rows.append(row)
    return assignments, rows


def write_class_grades(api, path) -> Path:
    """Write :func:`class_grades` to the CSV file ``path``; return it."""
    path = Path(path)
    with api.gradebook as gradebook:
        assignments, rows = class_grades(gradebook)
    columns = ["student_id", "last_name", "first_name", *assignments, "total", "max_total", "percent",
               "to_grade_by_hand", "late"]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path
