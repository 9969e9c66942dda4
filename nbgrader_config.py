"""nbgrader settings of the CRM Analytics course repository (nbgrader 0.9.6).

This configuration builds the course: ``make exercises`` generates ``exercises/`` from
``solutions/`` with it, and ``make course`` grades the demo class with it. **A real class does not
run here**: ``crm-course new-term DIR`` makes a term folder outside the repository with its own
configuration, gradebook and exchange (docs/instructor-guide.md).

Python code (``crm_course``, the tests, the benchmark) does not rely on the working directory:
``crm_course.nbgrader_api.load_config(root)`` reads this file and sets ``CourseDirectory.root``
(NbGraderAPI does not read it by itself). Run nbgrader by hand with the venv's ``bin/`` on PATH
(nbgrader runs ``alembic`` by name when it opens the gradebook).
"""

from crm_course.grader import configure_grading

c = get_config()  # noqa: F821 (provided by nbgrader's config loader)

# --- folders -----------------------------------------------------------------------------------
# solutions/<assignment>/<assignment>.ipynb is the only hand-edited exercise file (the notebook
# must sit directly in the assignment folder: nbgrader silently drops notebooks in sub-folders).
# exercises/ is the student version that nbgrader generates from it; it is committed so that
# self-learners have it without nbgrader (`make exercises` regenerates it).
c.CourseDirectory.course_id = "crm-analytics"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", ".pytest_cache", "feedback"]

# --- grading: timeouts, restored test cells, the sandbox (crm_course.grader) ----------------------
# The repository grades only the course's own notebooks (the demo class, the tests): sandboxed where
# bubblewrap runs, else with a warning. A term requires the sandbox.
configure_grading(c, sandbox="if-available")
