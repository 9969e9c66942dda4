"""``exercises/``: the student version of every exercise, generated from ``solutions/`` by nbgrader.

``crm-course exercises`` (``make exercises``) regenerates it. Self-learners may have answered
an exercise in ``exercises/`` itself (older versions of the course told them to): such a notebook
is never overwritten. The whole regeneration is checked first and refused, naming each notebook
that holds answers, before anything is written.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from nbformat import NotebookNode

from crm_course.errors import CourseError
from crm_course.nbgrader_api import assignment_names, generate, nbgrader_api, new_course_root, quiet_gradebook
from crm_course.notebooks import normalise_notebook, notebook_text, read_notebook
from crm_course.repo import course_repo

#: What nbgrader leaves in an answer cell of the student version (nbgrader_config.py's ClearSolutions).
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
TEXT_STUB = "YOUR ANSWER HERE"


def student_work(notebook: NotebookNode, release: NotebookNode) -> list[str]:
    """What ``notebook`` holds that the fresh ``release`` of the same exercise does not.

    Returns the grade ids of answer cells that hold something other than the release's text
    or nbgrader's stubs, and "cell N" for cells a student added. An empty list means the
    notebook can be replaced by the release without losing anybody's work.
    """
    released_answers = {c.metadata["nbgrader"]["grade_id"]: c.source.strip() for c in release.cells
                        if c.metadata.get("nbgrader", {}).get("solution")}
    released_sources = {c.source.strip() for c in release.cells}
    work = []
    for index, cell in enumerate(notebook.cells):
        text = cell.source.strip()
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            if text not in (released_answers.get(meta.get("grade_id"), CODE_STUB), CODE_STUB, TEXT_STUB, ""):
                work.append(meta.get("grade_id", f"cell {index + 1}"))
        elif not meta and text and text not in released_sources:
            work.append(f"cell {index + 1}")
    return work


def _answered(path: Path, release: NotebookNode | None) -> list[str]:
    try:
        notebook = read_notebook(path)
    except Exception:  # not a notebook nbformat can read: somebody's file, keep it
        return ["the whole file (it is not a notebook the tools can read)"]
    return student_work(notebook, release if release is not None else NotebookNode(cells=[]))


def build_exercises(solutions=None, exercises=None, *, quiet: bool = False) -> list[Path]:
    """Regenerate ``exercises/`` from ``solutions/`` with nbgrader; return the files written.

    Each assignment is generated (with force) in a temporary course root, and its release folder
    copied into ``exercises/<assignment>/`` with every notebook normalised. Before anything is
    written, every notebook that would be replaced or removed is checked with
    :func:`student_work`; if any holds answers, nothing is written and :class:`CourseError`
    names each such file and how to keep it. Assignment folders in ``exercises/`` without a
    source in ``solutions/`` are removed (when they hold no answers); top-level files are kept.
    """
    repo = course_repo()
    solutions = Path(solutions) if solutions is not None else repo.solutions
    exercises = Path(exercises) if exercises is not None else repo.exercises
    names = assignment_names(solutions)
    with tempfile.TemporaryDirectory(prefix="crm-exercises-") as tmp, quiet_gradebook():
        root = new_course_root(Path(tmp) / "course", solutions)
        api = nbgrader_api(root)
        release_root = Path(api.coursedir.root) / api.coursedir.release_directory
        fresh: dict[Path, bytes] = {}
        releases: dict[Path, NotebookNode] = {}
        for name in names:
            generate(api, name)
            for path in sorted((release_root / name).rglob("*")):
                if path.is_file():
                    dest = exercises / name / path.relative_to(release_root / name)
                    if path.suffix == ".ipynb":
                        releases[dest] = normalise_notebook(read_notebook(path))
                        fresh[dest] = notebook_text(releases[dest]).encode("utf-8")
                    else:
                        fresh[dest] = path.read_bytes()
    stale = [folder for folder in sorted(exercises.iterdir()) if folder.is_dir() and folder.name not in names
             and any(folder.rglob("*.ipynb"))] if exercises.exists() else []
    replaced = [dest for dest in fresh if dest.suffix == ".ipynb" and dest.exists()
                and dest.read_bytes() != fresh[dest]]
    replaced += [p for folder in stale for p in sorted(folder.rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts]
    refused = {path: work for path in replaced if (work := _answered(path, releases.get(path)))}
    if refused:
        lines = [f"  {repo.relative(path)}: answers in {', '.join(work[:6])}" for path, work in refused.items()]
        raise CourseError(
            "exercises/ was not regenerated: these notebooks hold answers that a fresh release would lose\n"
            + "\n".join(lines)
            + "\nKeep your work by moving each file into my-work/ (for example `mv FILE my-work/`), "
              "where the course tools never write; `crm-course start EXERCISE` makes a fresh working copy "
              "there. Then run `make exercises` again."
        )
    written = []
    for dest, content in fresh.items():
        if not dest.exists() or dest.read_bytes() != content:
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(content)
        written.append(dest)
        if not quiet:
            print(f"  {repo.relative(dest)}")
    for folder in stale:
        shutil.rmtree(folder)
        if not quiet:
            print(f"  removed {repo.relative(folder)}: no solutions/{folder.name}/ any more")
    return written


def regenerate_exercises() -> None:
    """``make exercises``: regenerate exercises/ from solutions/, saying what it writes."""
    print("Regenerating exercises/ from solutions/ with nbgrader")
    build_exercises()
