"""nbgrader plumbing shared by every command: reading a course's configuration, the API, the
assignments of a source folder, generating an assignment and checking that it really happened.

nbgrader facts this relies on (seen with nbgrader 0.9.6): ``generate_assignment`` without force
silently does nothing, so it is always forced and its output checked; CLI exit codes are not
trusted, the API's ``success`` and the files on disk are; nbgrader runs ``alembic`` by name, so
the environment's ``bin/`` is put on PATH first; ``NbGraderAPI`` does not read
``nbgrader_config.py`` by itself, so :func:`load_config` does.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import warnings
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from crm_course.errors import CourseError
from crm_course.repo import course_repo


def put_venv_on_path() -> None:
    """Put this Python's ``bin/`` first on PATH: nbgrader runs ``alembic`` by name."""
    bindir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if parts[0] != bindir:
        os.environ["PATH"] = os.pathsep.join([bindir] + [p for p in parts if p != bindir])


def load_config(root, *, config_file=None, exchange=None, extra: Config | None = None) -> Config:
    """A course's nbgrader configuration, with the course root (and exchange) set explicitly.

    Parameters
    ----------
    root : path
        The course root: holds the source folder, ``submitted/``, ``autograded/``,
        ``feedback/`` and the gradebook.
    config_file : path, optional
        The ``nbgrader_config.py`` to read; by default the course repository's own.
    exchange : path, optional
        An exchange folder (release, submit, collect); also used as the exchange's cache.
    extra : Config, optional
        Further settings merged last (tests use it, e.g. for a shorter timeout).
    """
    put_venv_on_path()
    config_file = Path(config_file) if config_file is not None else course_repo().nbgrader_config
    config = PyFileConfigLoader(config_file.name, path=str(config_file.parent)).load_config()
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


def checked(result: dict, what: str) -> dict:
    """Fail loudly when an NbGraderAPI call reports failure (its log and traceback attached)."""
    if not result.get("success"):
        log = result.get("log", "").strip()
        error = result.get("error", "").strip()
        raise CourseError(f"{what} failed.\n{log}\n{error}".strip())
    return result


def assignment_names(solutions) -> list[str]:
    """The assignments: folders of ``solutions`` with a notebook directly inside.

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


SKIPPED_FILES = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc")


def copy_assignments(solutions, target) -> list[str]:
    """Copy every assignment of ``solutions`` into the folder ``target``; return their names.

    ``target`` must not exist yet: nothing is overwritten.
    """
    target = Path(target)
    if target.exists():
        raise CourseError(f"{target} already exists: the assignments are not copied over it")
    names = assignment_names(solutions)
    target.mkdir(parents=True)
    for name in names:
        shutil.copytree(Path(solutions) / name, target / name, ignore=SKIPPED_FILES)
    return names


def new_course_root(root, solutions=None) -> Path:
    """Make the new folder ``root`` a course root holding a copy of ``solutions/`` (the nbgrader source)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    copy_assignments(solutions if solutions is not None else course_repo().solutions, root / "solutions")
    return root


def generate(api, assignment: str) -> list[Path]:
    """``generate_assignment`` with force, then check that the release notebooks really exist."""
    checked(api.generate_assignment(assignment, force=True), f"generate_assignment {assignment}")
    coursedir = api.coursedir
    release = Path(coursedir.format_path(coursedir.release_directory, ".", assignment))
    source = Path(coursedir.format_path(coursedir.source_directory, ".", assignment))
    expected = sorted(p.name for p in source.glob("*.ipynb"))
    found = sorted(p.name for p in release.glob("*.ipynb"))
    if found != expected:
        raise CourseError(f"generate_assignment {assignment} produced {found}, expected {expected}")
    return sorted(release.glob("*.ipynb"))
