"""crm-course check: a self-learner grades their own exercise with every test, hidden ones included.

For every exercise, a correct and a blank notebook (filled in from the solution, as a student
would) are checked in one call: full and zero autograded marks, each notebook byte for byte
unchanged, no new file beside it, nothing written into exercises/.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from crm_course.nbgrader_api import assignment_names
from crm_course.notebooks import read_notebook, write_notebook
from crm_course.submissions import make_submission

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ASSIGNMENTS = assignment_names(ROOT / "solutions")
SCORE = re.compile(r"^score: (\S+) of (\S+) autograded points$")


def _state(folder: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_check_gives_full_marks_to_a_correct_notebook_and_none_to_a_blank_one(assignment, tmp_path):
    released = read_notebook(ROOT / "exercises" / assignment / f"{assignment}.ipynb")
    source = read_notebook(ROOT / "solutions" / assignment / f"{assignment}.ipynb")
    work = tmp_path / "my-work"
    notebooks = {kind: write_notebook(make_submission(released, source, kind), work / kind / f"{assignment}.ipynb")
                 for kind in ("correct", "blank")}
    before, exercises_before = _state(work), _state(ROOT / "exercises")
    done = subprocess.run([str(BIN / "crm-course"), "check", str(notebooks["correct"]), str(notebooks["blank"])],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    scores = [SCORE.match(line).groups() for line in done.stdout.splitlines() if SCORE.match(line)]
    assert len(scores) == 2, done.stdout
    (correct, maximum), (blank, blank_maximum) = [(float(a), float(b)) for a, b in scores]
    assert maximum == blank_maximum > 0
    assert correct == maximum, done.stdout
    assert blank == 0, done.stdout
    assert done.stdout.rstrip().endswith(f"score: {blank:g} of {maximum:g} autograded points")
    assert _state(work) == before, "check wrote into the notebooks' folders"
    assert _state(ROOT / "exercises") == exercises_before


def test_check_names_the_problem_with_a_notebook_that_is_not_an_exercise(tmp_path):
    stray = tmp_path / "notes.ipynb"
    write_notebook(read_notebook(ROOT / "chapters" / "00-start-here.ipynb"), stray)
    done = subprocess.run([str(BIN / "crm-course"), "check", str(stray)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 1
    assert f"{stray} is not one of the course's exercises" in done.stderr
