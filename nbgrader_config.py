"""nbgrader settings of the CRM Analytics course (nbgrader 0.9.6).

Run nbgrader from the repository root (where this file is), with the venv's ``bin/`` on PATH
(nbgrader runs ``alembic`` by name when it opens the gradebook)::

    export PATH="$PWD/.venv/bin:$PATH"
    nbgrader generate_assignment ex03-customer-lifetime-value --force

Python code (``crm_course``, the tests, the benchmark) does not rely on the working directory:
``crm_course.nbgrader_api.load_config(root)`` reads this file and sets ``CourseDirectory.root``
(NbGraderAPI does not read it by itself). docs/instructor-guide.md has the whole term's workflow.
"""

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)

from crm_course.grader import GuardedExecute

c = get_config()  # noqa: F821 (provided by nbgrader's config loader)

# --- folders -----------------------------------------------------------------------------------
# solutions/<assignment>/<assignment>.ipynb is the only hand-edited exercise file (the notebook
# must sit directly in the assignment folder: nbgrader silently drops notebooks in sub-folders).
# exercises/ is the student version that nbgrader generates from it; it is committed so that
# self-learners have it without nbgrader (`make exercises` regenerates it).
c.CourseDirectory.course_id = "crm-analytics"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
# Grading output: runtime state, ignored by git (see .gitignore), never committed.
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
# The gradebook defaults to sqlite:///<root>/gradebook.db (git-ignored). On a JupyterHub course
# set a shared database instead, e.g. c.CourseDirectory.db_url = "postgresql://grader@db/crm".
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints",
    "*.pyc",
    "__pycache__",
    ".pytest_cache",
    "feedback",
]

# --- generating the student version -------------------------------------------------------------
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# --- autograding ---------------------------------------------------------------------------------
# A test cell the student deleted is put back (from the gradebook's copy) and run.
c.OverwriteCells.add_missing_cells = True
# Per-cell time limit in seconds: an infinite loop is interrupted after this and the rest of the
# notebook is still graded. Every cell that runs the looping code costs one timeout, so keep it
# short; the exercises' cells run in well under a second.
c.Execute.timeout = 10
c.Execute.interrupt_on_timeout = True
c.Execute.iopub_timeout = 10
# Kill the kernel at the end of a notebook instead of asking it to shut down (faster; the
# notebook is finished by then).
c.Execute.shutdown_kernel = "immediate"
# Keep the kernels' own log quiet in the grader's terminal (ipykernel warns about TCP transport on
# every start, and logs the interrupt jupyter_client sends before every shutdown).
c.Execute.extra_arguments = ["--IPKernelApp.log_level=CRITICAL"]
# GuardedExecute is nbgrader's Execute plus: a kernel that dies (os._exit, a segfault, memory)
# or stays stuck after an interrupt is restarted, the cells above are re-run, the rest of the
# notebook is still graded; each cell keeps at most max_output_chars characters of output.
c.GuardedExecute.max_kernel_restarts = 2
c.GuardedExecute.max_output_chars = 20_000
c.LimitOutput.max_lines = 1000
c.Autograde.autograde_preprocessors = [
    GuardedExecute,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]

# --- exchange (only for a class on JupyterHub) ---------------------------------------------------
# A shared folder every student and the grader account can reach; see the instructor guide.
# c.Exchange.root = "/srv/nbgrader/exchange"
