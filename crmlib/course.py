"""The course's main job: run the notebooks, regenerate the exercises, grade a demo class.

::

    python -m crmlib.course all         execute, exercises, demo, then say where things are
    python -m crmlib.course execute     run every chapter and solution notebook (in a temp copy)
    python -m crmlib.course exercises   regenerate exercises/ from solutions/ with nbgrader
    python -m crmlib.course demo        grade synthetic submissions of every exercise in demo-class/

``make course`` runs ``all`` and ``make exercises`` runs ``exercises``.

This module also holds the nbgrader plumbing that the tests and the benchmark share:

- :func:`load_config` reads ``nbgrader_config.py`` for a given course root (``NbGraderAPI`` does
  not read it by itself) and :func:`nbgrader_api` builds the API from it;
- :class:`GuardedExecute`, the autograder's Execute step installed by ``nbgrader_config.py``: a
  crashed or stuck kernel is restarted and the rest of the notebook still graded, and huge
  outputs are cut;
- :func:`normalise_notebook` (the stored form of every notebook: no outputs, one kernelspec);
- :func:`make_submission`, synthetic student submissions (correct, partly wrong, blank);
- :func:`cell_grades` and :func:`grade_table`, reading the gradebook.

nbgrader facts this relies on (seen with nbgrader 0.9.6): ``generate_assignment`` without force
silently does nothing, so it is always forced and its output checked; CLI exit codes are not
trusted, the API's ``success`` and the files on disk are; nbgrader runs ``alembic`` by name, so
the venv's ``bin/`` is put on PATH first.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import copy
import os
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path

import nbformat
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Integer
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

REPO = Path(__file__).resolve().parent.parent
CONFIG_FILE = REPO / "nbgrader_config.py"
SOLUTIONS = REPO / "solutions"
EXERCISES = REPO / "exercises"
CHAPTERS = REPO / "chapters"
DEMO = REPO / "demo-class"
BOOK = REPO / "book"
SITE_BUILD = REPO / "_build"
SITE_HTML = SITE_BUILD / "html"

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
#: Cell metadata kept in stored notebooks; everything else (collapsed, scrolled, execution
#: timings, trusted...) is editor state.
KEPT_CELL_METADATA = ("nbgrader", "deletable", "editable", "tags", "slideshow")

BEGIN_SOLUTION = "BEGIN SOLUTION"
END_SOLUTION = "END SOLUTION"
BEGIN_HIDDEN = "BEGIN HIDDEN TESTS"
END_HIDDEN = "END HIDDEN TESTS"


class CourseError(RuntimeError):
    """A course step failed; the message says which notebook or assignment and why."""


# ------------------------------------------------------------------------------------------------
# nbgrader configuration and API


def put_venv_on_path() -> None:
    """Put this Python's ``bin/`` first on PATH: nbgrader runs ``alembic`` by name."""
    bindir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if parts[0] != bindir:
        os.environ["PATH"] = os.pathsep.join([bindir] + [p for p in parts if p != bindir])


def load_config(root, *, exchange=None, extra: Config | None = None) -> Config:
    """The course's ``nbgrader_config.py``, with the course root (and exchange) set explicitly.

    Parameters
    ----------
    root : path
        The course root: holds ``solutions/``, ``exercises/``, ``submitted/``, ``autograded/``,
        ``feedback/`` and ``gradebook.db``.
    exchange : path, optional
        An exchange folder (release, submit, collect); also used as the exchange's cache.
    extra : Config, optional
        Further settings merged last (tests use it, e.g. for a shorter timeout).
    """
    put_venv_on_path()
    config = PyFileConfigLoader(CONFIG_FILE.name, path=str(CONFIG_FILE.parent)).load_config()
    config.CourseDirectory.root = str(Path(root).resolve())
    if exchange is not None:
        exchange = Path(exchange).resolve()
        config.Exchange.root = str(exchange / "root")
        config.Exchange.cache = str(exchange / "cache")
        (exchange / "root").mkdir(parents=True, exist_ok=True)
        (exchange / "cache").mkdir(parents=True, exist_ok=True)
    if extra is not None:
        config.merge(extra)
    return config


def nbgrader_api(root, **kwargs):
    """An ``NbGraderAPI`` for the course root ``root`` (keyword arguments go to :func:`load_config`)."""
    from nbgrader.apps import NbGraderAPI

    return NbGraderAPI(config=load_config(root, **kwargs))


@contextlib.contextmanager
def quiet_gradebook():
    """Silence the SQLAlchemy warnings nbgrader 0.9.6's gradebook raises on every autograde.

    ("Object of type <SubmittedAssignment> not in session ...": harmless, and printed once per
    submission.) Only inside this block, never process-wide.
    """
    from sqlalchemy.exc import SAWarning

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=SAWarning)
        yield


def _checked(result: dict, what: str) -> dict:
    """Fail loudly when an NbGraderAPI call reports failure (its log and traceback attached)."""
    if not result.get("success"):
        log = result.get("log", "").strip()
        error = result.get("error", "").strip()
        raise CourseError(f"{what} failed.\n{log}\n{error}".strip())
    return result


def assignment_names(solutions=SOLUTIONS) -> list[str]:
    """The assignments: folders of ``solutions/`` with a notebook directly inside.

    A notebook in a sub-folder of an assignment would be silently dropped by nbgrader, so it
    is an error here.
    """
    solutions = Path(solutions)
    names = []
    for folder in sorted(p for p in solutions.iterdir() if p.is_dir() and not p.name.startswith(".")):
        notebooks = sorted(folder.glob("*.ipynb"))
        nested = [p for p in folder.rglob("*.ipynb") if p.parent != folder and ".ipynb_checkpoints" not in p.parts]
        if nested:
            raise CourseError(
                f"{nested[0].relative_to(solutions.parent)}: nbgrader ignores notebooks in "
                f"sub-folders of an assignment; move it to {folder.relative_to(solutions.parent)}/"
            )
        if notebooks:
            names.append(folder.name)
    return names


def new_course_root(root, solutions=SOLUTIONS) -> Path:
    """Make ``root`` a course root holding a copy of ``solutions/`` (the nbgrader source)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    source = root / "solutions"
    if source.exists():
        shutil.rmtree(source)
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc")
    for name in assignment_names(solutions):
        shutil.copytree(Path(solutions) / name, source / name, ignore=ignore)
    return root


def generate(api, assignment: str) -> list[Path]:
    """``generate_assignment`` with force, then check that the release notebooks really exist."""
    _checked(api.generate_assignment(assignment, force=True), f"generate_assignment {assignment}")
    coursedir = api.coursedir
    release = Path(coursedir.format_path(coursedir.release_directory, ".", assignment))
    source = Path(coursedir.format_path(coursedir.source_directory, ".", assignment))
    expected = sorted(p.name for p in source.glob("*.ipynb"))
    found = sorted(p.name for p in release.glob("*.ipynb"))
    if found != expected:
        raise CourseError(f"generate_assignment {assignment} produced {found}, expected {expected}")
    return sorted(release.glob("*.ipynb"))


# ------------------------------------------------------------------------------------------------
# the autograder's Execute step


#: Error names of cells that timed out or lost the kernel: not re-run after a kernel restart.
LOST_CELL_ERRORS = ("CellTimeoutError", "KeyboardInterrupt", "KernelDied", "KernelUnresponsive", "NotRun")


class GuardedExecute(Execute):
    """nbgrader's Execute step, made to survive bad submissions; installed by nbgrader_config.py.

    - A kernel that **dies** while running a cell (``os._exit``, a segmentation fault, memory
      exhausted) no longer fails the whole submission: that cell gets a ``KernelDied`` error,
      a new kernel is started, the code cells above that are not test cells are re-run quietly,
      and grading goes on with the cell below.
    - A kernel that **stays busy** after the timeout interrupt (a loop inside C code) is
      restarted the same way, instead of costing a timeout in every later cell.
    - After ``max_kernel_restarts`` restarts the remaining cells are marked as not run (test
      cells score 0: a test cell with no output would otherwise count as passed).
    - Each cell keeps at most ``max_output_chars`` characters of output (nbgrader's LimitOutput
      counts lines only, so one huge line would pass through to the feedback).
    """

    max_kernel_restarts = Integer(2, help="Kernel restarts allowed per notebook").tag(config=True)
    max_output_chars = Integer(20_000, help="Characters of output kept per cell (-1: all)").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        from nbclient import NotebookClient

        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        start, restarts = 0, 0
        while True:
            problem = None
            with self.setup_kernel():
                info = self.wait_for_reply(self.kc.kernel_info())
                self.nb.metadata["language_info"] = info["content"]["language_info"]
                if start and not self._replay(start):
                    self._mark_not_run(start, "the kernel died again while the cells above were re-run")
                    break
                problem = self._run_cells(start, resources)
            if problem is None:
                break
            index, ename, what = problem
            restarts += 1
            start = index + 1
            if restarts > self.max_kernel_restarts:
                self._add_error(self.nb.cells[index], ename, what)
                self._mark_not_run(start, f"the kernel was already restarted {self.max_kernel_restarts} times")
                break
            self._add_error(self.nb.cells[index], ename, f"{what} The grader started a new kernel, "
                            "re-ran the cells above and went on with the cells below.")
            self.log.warning("Kernel restarted after cell %d: %s", index, what)
        self.set_widgets_metadata()
        return self.nb, self.resources

    def _run_cells(self, start: int, resources):
        """Run cells from ``start``; return (index, error name, what happened) if the kernel was lost."""
        for index in range(start, len(self.nb.cells)):
            cell = self.nb.cells[index]
            try:
                self.preprocess_cell(cell, resources, index)
            except DeadKernelError:
                self._cap_output(cell)
                return index, "KernelDied", (
                    "the Python kernel crashed while running this cell (for example os._exit(), "
                    "a segmentation fault or running out of memory)."
                )
            except CellTimeoutError:
                self._cap_output(cell)
                return index, "KernelUnresponsive", (
                    f"this cell did not stop within {self.timeout} s and the kernel did not respond "
                    "to the interrupt."
                )
            self._cap_output(cell)
        return None

    def _replay(self, upto: int) -> bool:
        """Quietly re-run the code cells above ``upto`` that are not test cells; False if it died."""
        from nbgrader.utils import is_grade

        for index, cell in enumerate(self.nb.cells[:upto]):
            if cell.cell_type != "code" or is_grade(cell):
                continue
            if any(out.get("ename") in LOST_CELL_ERRORS
                   for out in cell.get("outputs", [])):
                continue
            try:
                self.execute_cell(copy.deepcopy(cell), index, store_history=False)
            except (DeadKernelError, CellTimeoutError):
                return False
        return True

    def _mark_not_run(self, start: int, why: str) -> None:
        for cell in self.nb.cells[start:]:
            if cell.cell_type == "code":
                cell.outputs = []
                self._add_error(cell, "NotRun", f"this cell was not run: {why}.")

    @staticmethod
    def _add_error(cell, ename: str, evalue: str) -> None:
        cell.setdefault("outputs", []).append(
            NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])
        )

    def _cap_output(self, cell) -> None:
        budget = self.max_output_chars
        if budget < 0 or cell.cell_type != "code":
            return
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                out.text, budget = _cut(out.text, budget)
            elif out.output_type in ("execute_result", "display_data"):
                for mime in ("text/plain", "text/html", "text/markdown", "text/latex"):
                    if mime in out.get("data", {}):
                        text = out.data[mime]
                        text = "".join(text) if isinstance(text, list) else text
                        out.data[mime], budget = _cut(text, budget)


def _cut(text: str, budget: int) -> tuple[str, int]:
    if len(text) <= budget:
        return text, budget - len(text)
    note = f"\n... {len(text) - budget:,} more characters of output cut by the grader ...\n"
    return text[:budget] + note, 0


# ------------------------------------------------------------------------------------------------
# notebooks


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


def write_notebook(nb: NotebookNode, path) -> Path:
    """Write ``nb`` as nbformat JSON (sorted keys, one-space indent, final newline)."""
    text = nbformat.writes(nb, version=4)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    return path


def read_notebook(path) -> NotebookNode:
    return nbformat.read(str(path), as_version=4)


# ------------------------------------------------------------------------------------------------
# exercises/: the student version, generated from solutions/


def build_exercises(solutions=SOLUTIONS, exercises=EXERCISES, *, quiet: bool = False) -> list[Path]:
    """Regenerate ``exercises/`` from ``solutions/`` with nbgrader; return the files written.

    Each assignment is generated (with force) in a temporary course root, and its release folder
    copied into ``exercises/<assignment>/`` with every notebook normalised. Assignment folders
    in ``exercises/`` without a source in ``solutions/`` are removed; top-level files are kept.
    """
    solutions, exercises = Path(solutions), Path(exercises)
    names = assignment_names(solutions)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="crm-exercises-") as tmp, quiet_gradebook():
        root = new_course_root(Path(tmp) / "course", solutions)
        api = nbgrader_api(root)
        release_root = Path(api.coursedir.root) / api.coursedir.release_directory
        for name in names:
            generate(api, name)
            target = exercises / name
            if target.exists():
                shutil.rmtree(target)
            for path in sorted((release_root / name).rglob("*")):
                if path.is_dir():
                    continue
                dest = target / path.relative_to(release_root / name)
                if path.suffix == ".ipynb":
                    write_notebook(normalise_notebook(read_notebook(path)), dest)
                else:
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, dest)
                written.append(dest)
                if not quiet:
                    print(f"  {_rel(dest)}")
    if exercises.exists():
        for folder in sorted(p for p in exercises.iterdir() if p.is_dir()):
            if folder.name not in names and any(folder.rglob("*.ipynb")):
                shutil.rmtree(folder)
                if not quiet:
                    print(f"  removed {_rel(folder)}: no solutions/{folder.name}/ any more")
    return written


def _rel(path) -> str:
    path = Path(path)
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)


# ------------------------------------------------------------------------------------------------
# executing chapters and solutions


def course_notebooks() -> list[Path]:
    """Every chapter notebook and every solution notebook, in course order."""
    chapters = sorted(CHAPTERS.glob("*.ipynb")) if CHAPTERS.exists() else []
    solutions = [p for name in (assignment_names() if SOLUTIONS.exists() else [])
                 for p in sorted((SOLUTIONS / name).glob("*.ipynb"))]
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
            raise CourseError(f"{_rel(path)}: {where} failed: {lines[-1] if lines else error}") from None
    return time.perf_counter() - start


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
    width = max([len(_rel(p)) for p in paths] + [40])

    def report(path, seconds, error):
        if error:
            print(f"  FAILED {error}", flush=True)
            failures.append(error)
        else:
            print(f"  {_rel(path):<{width}}  {seconds:5.1f} s", flush=True)

    if jobs == 1 or len(paths) < 2:
        for path in paths:
            report(*_timed_execution(path))
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for result in pool.map(_timed_execution, paths):
                report(*result)
    if failures:
        raise CourseError(f"{len(failures)} notebook(s) failed:\n" + "\n".join(failures))


# ------------------------------------------------------------------------------------------------
# synthetic submissions


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


# ------------------------------------------------------------------------------------------------
# reading the gradebook


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


# ------------------------------------------------------------------------------------------------
# the demo class


#: The demo class: each student's kind of submission rotates over the exercises, so that every
#: exercise gets correct, partly wrong and blank submissions.
DEMO_STUDENTS = ("ada", "bao", "chen", "dara")
DEMO_KINDS = ("correct", "partly wrong", "blank", "correct")


def demo(root=DEMO, *, assignments: list[str] | None = None, students=DEMO_STUDENTS) -> str:
    """Run a whole term on synthetic submissions in ``demo-class/`` and print the grade table.

    Generate and release every exercise into a local exchange, let each student fetch it, fill
    it in (correct, partly wrong or blank) and submit it, collect, autograde into the embedded
    SQLite gradebook (one line per submission), write feedback, export grades to CSV.
    ``assignments`` and ``students`` narrow it down (the tests grade one exercise).
    """
    from nbgrader.utils import temp_attrs

    root = Path(root)
    if root.exists():
        shutil.rmtree(root)
    new_course_root(root)
    names = assignment_names(root / "solutions")
    if assignments is not None:
        names = [name for name in names if name in assignments]
    students = tuple(students)
    extra = Config()
    extra.ExchangeCollect.check_owner = False  # the demo's students are not Unix users
    api = nbgrader_api(root, exchange=root / "exchange", extra=extra)
    print(f"Demo class in {_rel(root)}/: {len(students)} students, {len(names)} exercise(s)")
    for name in names:
        generate(api, name)
        _checked(api.release_assignment(name), f"release_assignment {name}")
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
        _checked(api.collect(name), f"collect {name}")
        print(f"  {len(students)} students fetched, answered and submitted {name}; collected")

    print("Autograding (one line per submission):")
    started = time.perf_counter()
    for name in names:
        for student in students:
            t0 = time.perf_counter()
            result = api.autograde(name, student)
            seconds = time.perf_counter() - t0
            if not result.get("success"):
                print(f"  {name} / {student:<5} FAILED after {seconds:.1f} s")
                print(result.get("log", "")[-2000:])
                continue
            score, maximum, by_hand = submission_score(api, name, student)
            pending = f" (+{by_hand:g} to grade by hand)" if by_hand else ""
            print(f"  {name} / {student:<5} {kinds[name, student]:<13} {score:g} / {maximum:g}{pending}"
                  f"  {seconds:.1f} s")
    print(f"  {len(names) * len(students)} submissions in {time.perf_counter() - started:.1f} s")

    for name in names:
        _checked(api.generate_feedback(name), f"generate_feedback {name}")
    feedback = sorted((root / "feedback").rglob("*.html"))
    from nbgrader.plugins import CsvExportPlugin

    with api.gradebook as gb:
        CsvExportPlugin(to=str(root / "grades.csv")).export(gb)
    table = grade_table(api, names, list(students))
    print(f"  feedback: {len(feedback)} HTML files in {_rel(root / 'feedback')}/ "
          f"(e.g. {_rel(feedback[0]) if feedback else '-'})")
    print(f"  grades exported to {_rel(root / 'grades.csv')}")
    print("\nGrade table (gradebook: " + _rel(root / "gradebook.db") + ")\n")
    print(table)
    return table


# ------------------------------------------------------------------------------------------------
# the command line


def exercises() -> None:
    """``make exercises``: regenerate exercises/ from solutions/."""
    print("Regenerating exercises/ from solutions/ with nbgrader")
    build_exercises()


def where() -> None:
    """Say where everything is after ``make course``."""
    chapters = sorted(CHAPTERS.glob("*.ipynb")) if CHAPTERS.exists() else []
    names = assignment_names() if SOLUTIONS.exists() else []
    site = SITE_HTML / "index.html"
    rows = [
        ("chapters", f"chapters/ ({len(chapters)} notebooks)"),
        ("exercises", f"exercises/ (student versions of {len(names)} exercise(s); `make exercises` regenerates them)"),
        ("solutions", "solutions/ (the instructor's source of the exercises)"),
        ("gradebook", f"{_rel(DEMO / 'gradebook.db')} (demo class; grades also in {_rel(DEMO / 'grades.csv')})"),
        ("feedback", f"{_rel(DEMO / 'feedback')}/"),
        ("site", _rel(site) if site.exists() else "not built (make site)"),
        ("JupyterLab", "make lab"),
        ("instructor", "docs/instructor-guide.md"),
    ]
    print("\nWhere things are:")
    for label, text in rows:
        print(f"  {label:<11} {text}")


#: The steps of ``all``, in order; ``build_site`` (defined below) is appended after it.
ALL_STEPS: list[Callable[[], object]] = [execute, exercises, demo]


def run_all() -> None:
    for step in ALL_STEPS:
        print(f"\n== {step.__name__} ==")
        step()
    where()


def _quietly(step: Callable[[], object]) -> Callable[[], object]:
    def run():
        with quiet_gradebook():
            return step()

    run.__name__ = step.__name__
    return run


COMMANDS: dict[str, Callable[[], object]] = {
    "all": run_all,
    "execute": execute,
    "exercises": exercises,
    "demo": demo,
    "where": where,
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crmlib.course", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=sorted(COMMANDS), help="what to do")
    args = parser.parse_args(argv)
    put_venv_on_path()
    try:
        _quietly(COMMANDS[args.command])()
    except CourseError as error:
        print(f"\nERROR: {error}", file=sys.stderr)
        return 1
    return 0


# ------------------------------------------------------------------------------------------------
# the course website (make site); see book/_config.yml and book/_ext/crm_site.py

def _site_fingerprints() -> tuple[str, str]:
    """Hashes of what the site's pages depend on besides their own text: (the library and the
    data, which the chapters' outputs come from; the site's extension and templates)."""
    import hashlib

    def digest(*folders: Path) -> str:
        sha = hashlib.sha256()
        for folder in folders:
            for path in sorted(folder.rglob("*")) if folder.exists() else []:
                if path.is_file() and "__pycache__" not in path.parts:
                    sha.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes())
        return sha.hexdigest()

    return digest(REPO / "crmlib", REPO / "datasets"), digest(BOOK / "_ext", BOOK / "_templates")


def build_site(*, jobs: int = 1, quiet: bool = True) -> Path:
    """``make site``: build the course website into ``_build/html/``; return its index page.

    Jupyter Book 1 (Sphinx and MyST-NB, which build offline) runs on a staging folder,
    ``_build/site-src/``, holding copies of ``book/`` (the site's configuration and pages),
    ``chapters/`` (executed during the build: the stored notebooks keep no outputs) and
    ``exercises/`` (offered as downloads). Chapter outputs are cached by notebook content in
    ``_build/.jupyter_cache``; a change to ``crmlib/`` or ``datasets/`` empties the cache, so every
    number on the site comes from the current library. A chapter cell that fails, fails the build
    with :class:`CourseError`. Two parallel Sphinx jobs were measured slower than one here.
    """
    import contextlib
    import io

    from jupyter_book.sphinx import build_sphinx

    put_venv_on_path()
    start = time.perf_counter()
    source, doctrees, cache = SITE_BUILD / "site-src", SITE_BUILD / ".doctrees", SITE_BUILD / ".jupyter_cache"
    stamp = SITE_BUILD / ".site-fingerprints"
    library, site_code = _site_fingerprints()
    old = stamp.read_text().split() if stamp.exists() else ["", ""]
    if old[0] != library:
        shutil.rmtree(cache, ignore_errors=True)
    if old[0] != library or old[1:] != [site_code]:
        shutil.rmtree(doctrees, ignore_errors=True)
    shutil.rmtree(source, ignore_errors=True)
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "_build", "_ext")
    shutil.copytree(BOOK, source, ignore=ignore)  # copies keep their times: unchanged pages are not re-read
    for folder in (CHAPTERS, EXERCISES):
        if folder.exists():
            shutil.copytree(folder, source / folder.name, ignore=ignore)
    chapters = sorted(CHAPTERS.glob("*.ipynb"))
    print(f"Building the site from {len(chapters)} chapters (executing those not in the cache)")

    terminal = sys.stderr

    class Tee(io.StringIO):  # Sphinx's warnings still reach the terminal, and are counted
        def write(self, text):
            terminal.write(text)
            return super().write(text)

    log = Tee()
    with contextlib.redirect_stderr(log):
        result = build_sphinx(source, SITE_HTML, noconfig=True, path_config=str(BOOK / "_config.yml"),
                              confoverrides={"external_toc_path": str(source / "_toc.yml"),
                                             "latex_individualpages": False,
                                             "nb_execution_cache_path": str(cache)},
                              doctreedir=str(doctrees), jobs=jobs, quiet=quiet)
    if isinstance(result, BaseException) or result:
        cause, detail = getattr(result, "__cause__", None), ""
        if cause is not None:  # a chapter failed: say which, and its error
            lines = [line for line in str(cause).splitlines() if line.strip()]
            detail = f": {cause.ename}: {cause.evalue}" if getattr(cause, "ename", None) else \
                (f": {lines[-1]}" if lines else "")
        what = str(result).replace(f"{source}/", "") if isinstance(result, BaseException) else f"status {result}"
        raise CourseError(f"the site did not build: {type(result).__name__} {what}{detail} (see the messages above)")
    stamp.write_text(f"{library}\n{site_code}\n")
    warnings_seen = log.getvalue().count("WARNING")
    index = SITE_HTML / "index.html"
    print(f"Site built in {time.perf_counter() - start:.0f} s ({warnings_seen} warnings): open {_rel(index)}")
    return index


ALL_STEPS.append(build_site)
COMMANDS["site"] = build_site


if __name__ == "__main__":
    sys.exit(main())
