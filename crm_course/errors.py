"""The one error type of the course tools."""


class CourseError(RuntimeError):
    """A course step failed or was refused; the message names the notebook, assignment or file and why."""
