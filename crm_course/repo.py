"""Where the course repository is, found at run time (not from where this package is installed).

The tools work on a clone of the course: its ``chapters/``, ``solutions/``, ``exercises/``,
``book/`` and ``nbgrader_config.py``. :func:`course_repo` finds that clone, in this order:

1. the folder named by the environment variable ``CRM_COURSE_REPO``;
2. the current folder or one of its parents;
3. the folder this package was loaded from, when that is a clone (an editable install).

A folder is a course repository when it holds ``pyproject.toml``, ``solutions/`` and ``chapters/``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from crm_course.errors import CourseError

ENVIRONMENT_VARIABLE = "CRM_COURSE_REPO"
MARKERS = ("pyproject.toml", "solutions", "chapters")


@dataclass(frozen=True)
class CourseRepo:
    """The folders of one clone of the course."""

    root: Path

    @property
    def chapters(self) -> Path:
        return self.root / "chapters"

    @property
    def solutions(self) -> Path:
        """nbgrader's source: the only hand-edited exercise files."""
        return self.root / "solutions"

    @property
    def exercises(self) -> Path:
        """The student versions, generated from ``solutions/`` (committed)."""
        return self.root / "exercises"

    @property
    def book(self) -> Path:
        return self.root / "book"

    @property
    def build(self) -> Path:
        """Build output (git-ignored): the site, the demo class."""
        return self.root / "_build"

    @property
    def site_html(self) -> Path:
        return self.build / "html"

    @property
    def demo(self) -> Path:
        """The demo class of ``make course`` (build output, never an instructor's term)."""
        return self.build / "demo-class"

    @property
    def nbgrader_config(self) -> Path:
        return self.root / "nbgrader_config.py"

    @property
    def my_work(self) -> Path:
        """Self-learners' working copies (git-ignored; the tools never overwrite them)."""
        return self.root / "my-work"

    def relative(self, path) -> str:
        """``path`` relative to the clone when it is inside it, else as given."""
        path = Path(path)
        try:
            return str(path.resolve().relative_to(self.root))
        except ValueError:
            return str(path)


def is_course_repo(folder) -> bool:
    folder = Path(folder)
    return all((folder / marker).exists() for marker in MARKERS)


def course_repo(start=None) -> CourseRepo:
    """The course repository (see the module docstring for where it is looked for)."""
    named = os.environ.get(ENVIRONMENT_VARIABLE)
    if named:
        if not is_course_repo(named):
            raise CourseError(f"{ENVIRONMENT_VARIABLE}={named} is not a clone of the course "
                              f"(it needs {', '.join(MARKERS)})")
        return CourseRepo(Path(named).resolve())
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_course_repo(folder):
            return CourseRepo(folder)
    installed = Path(__file__).resolve().parent.parent
    if is_course_repo(installed):
        return CourseRepo(installed)
    raise CourseError(
        f"no course repository found from {here}: run crm-course inside a clone of the course, "
        f"or set {ENVIRONMENT_VARIABLE} to the clone's folder"
    )
