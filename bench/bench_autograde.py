"""Autograding speed: seconds per submission when nbgrader grades 30 submissions of the pilot.

Target (issue 3): at most 3 s per submission on 2 cores, autograding 30 submissions of
ex03-customer-lifetime-value in one batch (one ``NbGraderAPI.autograde(assignment, "*")`` call,
the course's nbgrader_config.py: GuardedExecute, 10 s cell timeout). The submissions are a
realistic mix: a third correct, a third with one answer wrong, a third blank (blank notebooks
stop at the first error of each cell, so they are the fastest).

    .venv/bin/python bench/bench_autograde.py [--submissions 30]

Prints the figures of record for bench/README.md. Not a timed test: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from crm_course import gradebook, nbgrader_api, notebooks, submissions  # noqa: E402

PILOT = "ex03-customer-lifetime-value"
KINDS = ("correct", "partly wrong", "blank")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=30)
    args = parser.parse_args(argv)
    n = args.submissions

    with tempfile.TemporaryDirectory(prefix="crm-bench-autograde-") as tmp, nbgrader_api.quiet_gradebook():
        root = nbgrader_api.new_course_root(Path(tmp) / "course")
        api = nbgrader_api.nbgrader_api(root, exchange=Path(tmp) / "exchange")
        t0 = time.perf_counter()
        nbgrader_api.generate(api, PILOT)
        generate_seconds = time.perf_counter() - t0

        released = notebooks.read_notebook(root / "exercises" / PILOT / f"{PILOT}.ipynb")
        source = notebooks.read_notebook(root / "solutions" / PILOT / f"{PILOT}.ipynb")
        kinds = {}
        for i in range(n):
            student = f"student{i + 1:02d}"
            kinds[student] = KINDS[i % len(KINDS)]
            nb = submissions.make_submission(released, source, kinds[student])
            notebooks.write_notebook(nb, root / "submitted" / student / PILOT / f"{PILOT}.ipynb")

        t0 = time.perf_counter()
        result = api.autograde(PILOT, "*")
        seconds = time.perf_counter() - t0

        scores = {s: gradebook.submission_score(api, PILOT, s) for s in kinds}
    graded = sum(1 for score in scores.values() if score[1] > 0)
    by_kind = {}
    for student, kind in kinds.items():
        by_kind.setdefault(kind, set()).add(scores[student][0])

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"generate_assignment (with a new gradebook): {generate_seconds:.1f} s")
    print(f"autograde, one batch: {n} submissions in {seconds:.1f} s "
          f"= {seconds / n:.2f} s per submission (target: at most 3 s)")
    print(f"graded: {graded} of {n}; batch success: {result.get('success')}; "
          "auto scores by kind: " + ", ".join(f"{k} {sorted(v)}" for k, v in by_kind.items()))
    ok = result.get("success") and graded == n and seconds / n <= 3.0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
