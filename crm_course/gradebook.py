"""Reading the gradebook: each cell's grade, a submission's score, the grade table.

The gradebook is nbgrader's database (SQLite in the course root, or PostgreSQL on a hub); these
functions read it through nbgrader's ``Gradebook`` API, never by writing SQL of their own.
"""

from __future__ import annotations


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
    """The grade table: one row per student, one column per assignment, "score / max"."""
    width = max([len(a) for a in assignments] + [14])
    lines = [("student".ljust(10) + "".join(a.ljust(width + 2) for a in assignments)).rstrip()]
    pending = False
    for student in students:
        row = student.ljust(10)
        for assignment in assignments:
            try:
                score, maximum, by_hand = submission_score(api, assignment, student)
            except Exception:
                row += "-".ljust(width + 2)
                continue
            mark = " *" if by_hand else ""
            pending |= bool(by_hand)
            row += f"{score:g} / {maximum:g}{mark}".ljust(width + 2)
        lines.append(row.rstrip())
    if pending:
        lines.append("* written answers still to grade by hand in the formgrader (they count 0 until then)")
    return "\n".join(lines)
