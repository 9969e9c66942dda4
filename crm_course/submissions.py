"""Synthetic student submissions (correct, partly wrong, blank), for the demo class, the tests
and the benchmark: the released notebook with the solution's answers filled in or not."""

from __future__ import annotations

import ast
import copy

from nbformat import NotebookNode

from crm_course.notebooks import BEGIN_SOLUTION, END_SOLUTION


def _strip_lines(source: str, *markers: str) -> str:
    return "\n".join(line for line in source.split("\n") if not any(m in line for m in markers))


def _is_answer(cell) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return bool(meta.get("solution"))


def _last_assigned_name(source: str) -> str | None:
    """The variable assigned last at the top level of a code answer (None if there is none)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    names = [node.targets[0].id for node in tree.body
             if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)]
    return names[-1] if names else None


def make_submission(released: NotebookNode, source: NotebookNode, kind: str) -> NotebookNode:
    """A synthetic student submission of one notebook.

    - ``"correct"``: the released notebook with every answer filled in from the solution
      (solution regions kept, their marker lines dropped);
    - ``"partly wrong"``: correct, except that the last autograded answer is changed (its
      last assigned value is doubled, or set to None where it cannot be doubled, such as a
      table with dates; if it assigns nothing, the answer is left blank);
    - ``"blank"``: the released notebook as a student receives it.
    """
    if kind not in ("correct", "partly wrong", "blank"):
        raise ValueError(f"kind must be 'correct', 'partly wrong' or 'blank', got {kind!r}")
    nb = copy.deepcopy(released)
    if kind == "blank":
        return nb
    answers = {c.metadata["nbgrader"]["grade_id"]: c for c in source.cells if _is_answer(c)}
    autograded = [c for c in nb.cells if _is_answer(c) and c.cell_type == "code"
                  and not c.metadata["nbgrader"].get("grade")]
    # the slip goes into the last autograded answer: later questions may build on earlier
    # answers, and a slip there would cost every question after it
    slipped = autograded[-1] if kind == "partly wrong" and autograded else None
    for cell in nb.cells:
        if not _is_answer(cell):
            continue
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        solved = _strip_lines(answers[grade_id].source, BEGIN_SOLUTION, END_SOLUTION)
        if cell is slipped:
            name = _last_assigned_name(solved)
            if name is None:
                continue  # leave this answer blank
            solved += (  # a slip: the answer is doubled; one that cannot be doubled is lost instead
                f"\ntry:\n    {name} = {name} * 2\nexcept TypeError:\n    {name} = None"
            )
        cell.source = solved
    return nb
