"""Course notebooks: their stored form, reading and writing them, executing them.

Every notebook of the course is stored **without outputs** and with normalised metadata
(:func:`normalise_notebook`); chapters and solutions are executed by the tests and by
``crm-course execute`` in temporary copies, never in place.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from crm_course.errors import CourseError
from crm_course.nbgrader_api import assignment_names, put_venv_on_path
from crm_course.repo import course_repo

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
#: Cell metadata kept in stored notebooks; everything else (collapsed, scrolled, execution
#: timings, trusted...) is editor state.
KEPT_CELL_METADATA = ("nbgrader", "deletable", "editable", "tags", "slideshow")

BEGIN_SOLUTION = "BEGIN SOLUTION"
END_SOLUTION = "END SOLUTION"
BEGIN_HIDDEN = "BEGIN HIDDEN TESTS"
END_HIDDEN = "END HIDDEN TESTS"


def normalise_notebook(nb: NotebookNode) -> NotebookNode:
    """The stored form of a course notebook: no outputs, one kernelspec, no editor state.

    Notebook metadata becomes the python3 kernelspec and ``language_info`` with the name only;
    cells keep their id and the metadata in :data:`KEPT_CELL_METADATA` (nbgrader's, the
    read-only flags, tags); code cells lose outputs and execution counts.
    """
    nb.nbformat, nb.nbformat_minor = 4, 5
    nb.metadata = NotebookNode({"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}})
    for index, cell in enumerate(nb.cells):
        cell.metadata = NotebookNode({k: v for k, v in cell.metadata.items() if k in KEPT_CELL_METADATA})
        if "id" not in cell:
            cell["id"] = f"cell-{index:03d}"
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
            if cell.cell_type == "markdown" and not cell.get("attachments"):
                cell.pop("attachments", None)
    return nb


def notebook_text(nb: NotebookNode) -> str:
    """``nb`` as the course stores it: nbformat JSON (sorted keys, one-space indent, final newline)."""
    text = nbformat.writes(nb, version=4)
    return text if text.endswith("\n") else text + "\n"


def write_notebook(nb: NotebookNode, path) -> Path:
    """Write ``nb`` as :func:`notebook_text` to ``path`` (its folder is made if needed)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(notebook_text(nb), encoding="utf-8")
    return path


def read_notebook(path) -> NotebookNode:
    return nbformat.read(str(path), as_version=4)


def course_notebooks(repo=None) -> list[Path]:
    """Every chapter notebook (English, then the Chinese edition's) and every solution notebook."""
    repo = repo or course_repo()
    chapters = sorted(repo.chapters.glob("*.ipynb")) + sorted(repo.chapters.glob("zh/*.ipynb"))
    solutions = [p for name in (assignment_names(repo.solutions) if repo.solutions.exists() else [])
                 for p in sorted((repo.solutions / name).glob("*.ipynb"))]
    return chapters + solutions


def execute_notebook(path, *, timeout: int = 300) -> float:
    """Run one notebook top to bottom in a temporary copy of its folder; return the seconds.

    The stored notebook is never written to. On an error, :class:`CourseError` names the
    notebook, the cell (number and first line) and the error.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    path = Path(path)
    put_venv_on_path()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="crm-execute-") as tmp:
        folder = Path(tmp) / path.parent.name
        shutil.copytree(path.parent, folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        nb = read_notebook(folder / path.name)
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                extra_arguments=["--IPKernelApp.log_level=CRITICAL"], shutdown_kernel="immediate",
                                resources={"metadata": {"path": str(folder)}})
        try:
            client.execute()
        except CellExecutionError as error:
            index = next((i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
                          and any(o.get("output_type") == "error" for o in cell.get("outputs", []))), None)
            where = "a cell"
            if index is not None:
                first = (nb.cells[index].source.strip().splitlines() or [""])[0]
                where = f"cell {index + 1} ({first[:60]!r})"
            lines = [line for line in str(error).splitlines() if line.strip()]
            raise CourseError(f"{_shown(path)}: {where} failed: {lines[-1] if lines else error}") from None
    return time.perf_counter() - start


def _shown(path) -> str:
    """``path`` relative to the course repository when there is one, else as given."""
    try:
        return course_repo().relative(path)
    except CourseError:
        return str(path)


def _timed_execution(path: Path) -> tuple[Path, float | None, str]:
    try:
        return path, execute_notebook(path), ""
    except CourseError as error:
        return path, None, str(error)


def execute(paths: Iterable[Path] | None = None, *, jobs: int | None = None) -> None:
    """Execute every chapter and solution notebook; one line per notebook; fail at the end.

    ``jobs`` notebooks run at a time (default: 2, or 1 on a single core).
    """
    from concurrent.futures import ProcessPoolExecutor

    paths = list(paths) if paths is not None else course_notebooks()
    jobs = jobs or min(2, os.cpu_count() or 1)
    print(f"Executing {len(paths)} notebooks, {jobs} at a time (in temporary copies; outputs are not saved)")
    failures = []
    width = max([len(_shown(p)) for p in paths] + [40])

    def report(path, seconds, error):
        if error:
            print(f"  FAILED {error}", flush=True)
            failures.append(error)
        else:
            print(f"  {_shown(path):<{width}}  {seconds:5.1f} s", flush=True)

    if jobs == 1 or len(paths) < 2:
        for path in paths:
            report(*_timed_execution(path))
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for result in pool.map(_timed_execution, paths):
                report(*result)
    if failures:
        raise CourseError(f"{len(failures)} notebook(s) failed:\n" + "\n".join(failures))
