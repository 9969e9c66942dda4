"""The course's tools, crm_course and its command crm-course: found without an editable install,
and never losing anybody's work (answered exercises, my-work/, a demo graded by hand)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crm_course import demo, exercises, notebooks, repo, workspace
from crm_course.errors import CourseError

ROOT = Path(__file__).resolve().parent.parent
CRM_COURSE = str(Path(sys.executable).parent / "crm-course")
SUBCOMMANDS = ("build", "execute", "exercises", "demo", "site", "start", "where", "clean")


def run(*args, cwd=ROOT, env=None):
    return subprocess.run([CRM_COURSE, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=600)


def test_crm_course_help_lists_the_subcommands():
    shown = run("--help")
    assert shown.returncode == 0
    for name in SUBCOMMANDS:
        assert f"\n    {name}" in shown.stdout, name


def test_the_repository_is_found_from_inside_it_from_a_variable_and_not_from_elsewhere(tmp_path, monkeypatch):
    monkeypatch.delenv(repo.ENVIRONMENT_VARIABLE, raising=False)
    assert repo.course_repo(ROOT / "chapters").root == ROOT
    monkeypatch.setenv(repo.ENVIRONMENT_VARIABLE, str(ROOT))
    assert repo.course_repo(tmp_path).root == ROOT
    monkeypatch.setenv(repo.ENVIRONMENT_VARIABLE, str(tmp_path))
    with pytest.raises(CourseError, match=f"CRM_COURSE_REPO={tmp_path} is not a clone of the course"):
        repo.course_repo()


def test_crm_course_where_runs_from_another_folder_given_the_repository(tmp_path):
    env = {"PATH": str(Path(sys.executable).parent), "HOME": str(tmp_path), "CRM_COURSE_REPO": str(ROOT)}
    shown = run("where", cwd=tmp_path, env=env)
    assert shown.returncode == 0, shown.stderr
    assert "chapters/ (" in shown.stdout and "my-work/" in shown.stdout


# ------------------------------------------------------------------------------------------------
# nothing lost


@pytest.fixture
def clone(tmp_path, monkeypatch) -> Path:
    """A copy of the course's exercise folders, as the tools see a clone."""
    for name in ("pyproject.toml", "nbgrader_config.py"):
        shutil.copy2(ROOT / name, tmp_path / name)
    for folder in ("solutions", "exercises"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "chapters").mkdir()
    monkeypatch.setenv(repo.ENVIRONMENT_VARIABLE, str(tmp_path))
    return tmp_path


def _answer(path: Path, grade_id: str, text: str) -> None:
    nb = notebooks.read_notebook(path)
    (cell,) = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    cell.source = text
    notebooks.write_notebook(nb, path)


def _first_answer_id(path: Path) -> str:
    nb = notebooks.read_notebook(path)
    return next(c.metadata["nbgrader"]["grade_id"] for c in nb.cells
                if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code")


def test_make_exercises_refuses_to_overwrite_an_answered_notebook_and_names_it(clone):
    name = "ex03-customer-lifetime-value"
    answered = clone / "exercises" / name / f"{name}.ipynb"
    grade_id = _first_answer_id(answered)
    _answer(answered, grade_id, "my_answer = 42  # my own work")
    before = {p: p.read_bytes() for p in (clone / "exercises").rglob("*.ipynb")}
    # a change to another exercise's source would be written, if the run were allowed
    other = clone / "solutions" / "ex01-relationship-marketing" / "ex01-relationship-marketing.ipynb"
    nb = notebooks.read_notebook(other)
    nb.cells[0].source += "\n\nA new line."
    notebooks.write_notebook(nb, other)
    with pytest.raises(CourseError) as info:
        exercises.build_exercises(quiet=True)
    message = str(info.value)
    assert f"exercises/{name}/{name}.ipynb: answers in {grade_id}" in message
    assert "my-work/" in message and "crm-course start" in message
    after = {p: p.read_bytes() for p in (clone / "exercises").rglob("*.ipynb")}
    assert after == before, "a refused regeneration writes nothing at all"


def test_make_exercises_replaces_an_unanswered_older_release(clone):
    name = "ex01-relationship-marketing"
    path = clone / "exercises" / name / f"{name}.ipynb"
    source = clone / "solutions" / name / f"{name}.ipynb"
    nb = notebooks.read_notebook(source)
    nb.cells[0].source += "\n\nA new line."
    notebooks.write_notebook(nb, source)
    exercises.build_exercises(quiet=True)
    assert "A new line." in notebooks.read_notebook(path).cells[0].source


def test_make_exercises_keeps_an_answered_exercise_whose_source_was_removed(clone):
    name = "ex02-customer-lifecycle"
    path = clone / "exercises" / name / f"{name}.ipynb"
    _answer(path, _first_answer_id(path), "churn = 0.2  # mine")
    shutil.rmtree(clone / "solutions" / name)
    with pytest.raises(CourseError, match=f"exercises/{name}/{name}.ipynb: answers in"):
        exercises.build_exercises(quiet=True)
    assert path.exists()


def test_student_work_sees_added_cells_and_ignores_stubs():
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    answer = new_code_cell(exercises.CODE_STUB, metadata={"nbgrader": {"solution": True, "grade_id": "q1"}})
    written = new_markdown_cell(exercises.TEXT_STUB, metadata={"nbgrader": {"solution": True, "grade_id": "q2"}})
    release = new_notebook(cells=[new_markdown_cell("# Exercise"), answer, written])
    assert exercises.student_work(release, release) == []
    mine = new_notebook(cells=[*release.cells, new_code_cell("print('my scratch work')")])
    assert exercises.student_work(mine, release) == ["cell 4"]


def test_start_makes_a_working_copy_once_and_then_refuses(clone):
    notebook = workspace.start("ex03")
    assert notebook == clone / "my-work" / "ex03-customer-lifetime-value" / "ex03-customer-lifetime-value.ipynb"
    assert notebook.read_bytes() == (clone / "exercises" / notebook.parent.name / notebook.name).read_bytes()
    notebook.write_text(notebook.read_text() + " ")  # the learner's work
    mine = notebook.read_bytes()
    with pytest.raises(CourseError, match="my-work/ex03-customer-lifetime-value/ex03-customer-lifetime-value.ipynb "
                                          "already exists: open it"):
        workspace.start("ex03")
    assert notebook.read_bytes() == mine
    with pytest.raises(CourseError, match="no exercise called 'ex99'"):
        workspace.start("ex99")
    # the Chinese edition's exercise: "ex03-zh"
    chinese = workspace.start("ex03-zh")
    assert chinese == clone / "my-work" / "ex03-customer-lifetime-value-zh" / "ex03-customer-lifetime-value-zh.ipynb"


def _gradebook_with_a_manual_grade(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE grade (id TEXT, manual_score FLOAT)")
        db.execute("CREATE TABLE comment (id TEXT, manual_comment TEXT)")
        db.execute("INSERT INTO grade VALUES ('g1', 3.0)")


def test_a_demo_class_graded_by_hand_is_not_deleted_by_make_course_or_make_clean(clone):
    gradebook = clone / "_build" / "demo-class" / "gradebook.db"
    _gradebook_with_a_manual_grade(gradebook)
    (clone / "my-work").mkdir()
    (clone / "my-work" / "notes.txt").write_text("mine")
    with pytest.raises(CourseError, match=r"_build/demo-class/gradebook.db holds 1 grade\(s\) or comment\(s\) "
                                          "entered by hand"):
        demo.demo(assignments=[])
    with pytest.raises(CourseError, match="entered by hand"):
        workspace.clean()
    assert gradebook.exists() and (clone / "my-work" / "notes.txt").read_text() == "mine"


def test_make_clean_removes_build_output_only(clone):
    for path in ("_build/html/index.html", "_build/demo-class/feedback/a.html", "my-work/ex03/ex03.ipynb",
                 "gradebook.db"):
        (clone / path).parent.mkdir(parents=True, exist_ok=True)
        (clone / path).write_text("x")
    workspace.clean()
    assert not (clone / "_build" / "html").exists() and not (clone / "_build" / "demo-class").exists()
    assert (clone / "my-work" / "ex03" / "ex03.ipynb").exists() and (clone / "gradebook.db").exists()
