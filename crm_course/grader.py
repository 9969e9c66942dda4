"""How the course grades: the autograder's settings and its Execute step.

:func:`configure_grading` is what every course configuration calls (the repository's
``nbgrader_config.py`` and each term's): it installs :class:`GuardedExecute`, nbgrader's Execute
plus the safety nets that keep one broken submission from stopping the batch (a dead or stuck
kernel is restarted and the rest of the notebook still graded, huge outputs are cut) and the
sandbox that keeps a hostile one away from everything but its own folder
(:mod:`crm_course.sandbox`).
"""

from __future__ import annotations

import copy

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Enum, Integer

UNSANDBOXED = ("GRADING WITHOUT THE SANDBOX (GuardedExecute.sandbox = 'off'): the submitted code runs with "
               "the grader's rights and can read and change the gradebook, the solutions and other "
               "students' work. Do this only for submissions you trust.")

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
    sandbox = Enum(["bubblewrap", "if-available", "off"], default_value="bubblewrap",
                   help="Run each submission in the bubblewrap sandbox (crm_course.sandbox): 'bubblewrap' "
                        "(required: grading refuses where it cannot run), 'if-available' (the course's own "
                        "builds: the demo class and the tests), or 'off' (only for submissions you trust)"
                   ).tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        from nbclient import NotebookClient

        NotebookClient.__init__(self, nb, km)
        from crm_course.sandbox import SandboxedKernelManager, sandbox_problem

        if self.sandbox == "bubblewrap" or (self.sandbox == "if-available" and sandbox_problem() is None):
            self.kernel_manager_class = SandboxedKernelManager
        else:
            self.log.warning(UNSANDBOXED)
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


def configure_grading(c, *, timeout: int = 10, sandbox: str = "bubblewrap") -> None:
    """The course's grading settings, written into the nbgrader configuration ``c``.

    - a deleted test cell is put back (from the gradebook's copy) and run
      (``OverwriteCells.add_missing_cells``);
    - each cell may run ``timeout`` seconds, then it is interrupted and the rest of the notebook
      is still graded (an infinite loop costs one timeout for every cell that runs the looping
      code, so keep it short; the exercises' cells run in well under a second);
    - the autograder runs :class:`GuardedExecute` in the sandbox (``GuardedExecute.sandbox``:
      ``sandbox`` is "bubblewrap" for a term, "if-available" for the course's own builds);
    - a cell keeps at most 20,000 characters and 1,000 lines of output;
    - the student version gets nbgrader's stubs ("# YOUR CODE HERE", "YOUR ANSWER HERE").

    A configuration file can change any of these after the call (``c.Execute.timeout = 30``).
    """
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        IgnorePattern,
        LimitOutput,
        SaveAutoGrades,
    )

    c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
    c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
    c.OverwriteCells.add_missing_cells = True
    c.Execute.timeout = timeout
    c.Execute.interrupt_on_timeout = True
    c.Execute.iopub_timeout = timeout
    # Kill the kernel at the end of a notebook instead of asking it to shut down (faster; the
    # notebook is finished by then), and keep the kernels' own log out of the grader's terminal.
    c.Execute.shutdown_kernel = "immediate"
    c.Execute.extra_arguments = ["--IPKernelApp.log_level=CRITICAL"]
    c.GuardedExecute.max_kernel_restarts = 2
    c.GuardedExecute.max_output_chars = 20_000
    c.GuardedExecute.sandbox = sandbox
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
