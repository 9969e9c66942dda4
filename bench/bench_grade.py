"""Grading a term on both cores: ``crm-course grade`` against ``nbgrader autograde``, side by side.

Target (issue 12): ``crm-course grade`` on 12+ submissions gives the same scores as
``nbgrader autograde`` in at most 0.65 of its time on 2 cores. Both run in the same kind of
term (``crm-course new-term``, sandboxed grading, the pilot exercise), on the same submissions
(a third correct, a third with one answer wrong, a third blank), in fresh copies of one term,
interleaved: nbgrader, crm-course, nbgrader, crm-course ... The median of each is reported.

    .venv/bin/python bench/bench_grade.py [--submissions 16] [--rounds 2]
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("CRM_COURSE_REPO", str(HERE.parent))

from crm_course import gradebook, nbgrader_api, notebooks, submissions  # noqa: E402
from crm_course.grade import grade  # noqa: E402
from crm_course.term import new_term, term_api  # noqa: E402

PILOT = "ex03-customer-lifetime-value"
KINDS = ("correct", "partly wrong", "blank")


def prepared_term(folder: Path, n: int) -> Path:
    """A term with the pilot generated and ``n`` submissions handed in."""
    new_term(folder)
    api = term_api(folder)
    nbgrader_api.generate(api, PILOT)
    released = notebooks.read_notebook(folder / "release" / PILOT / f"{PILOT}.ipynb")
    source = notebooks.read_notebook(folder / "source" / PILOT / f"{PILOT}.ipynb")
    for i in range(n):
        nb = submissions.make_submission(released, source, KINDS[i % len(KINDS)])
        notebooks.write_notebook(nb, folder / "submitted" / f"student{i + 1:02d}" / PILOT / f"{PILOT}.ipynb")
    return folder


def scores(term: Path, students: list[str]) -> dict[str, tuple]:
    api = term_api(term)
    return {s: gradebook.cell_grades(api, PILOT, s) for s in students}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    times = {"nbgrader autograde": [], "crm-course grade": []}
    results = {}
    with tempfile.TemporaryDirectory(prefix="crm-bench-grade-") as tmp, nbgrader_api.quiet_gradebook():
        template = prepared_term(Path(tmp) / "template", args.submissions)
        students = sorted(p.name for p in (template / "submitted").iterdir())
        for round_ in range(args.rounds):
            for name in times:
                term = Path(tmp) / f"{name.split()[0]}-{round_}"
                shutil.copytree(template, term)
                (term / "nbgrader_config.py").write_text(
                    (template / "nbgrader_config.py").read_text().replace(str(template), str(term)))
                start = time.perf_counter()
                if name == "nbgrader autograde":
                    result = term_api(term).autograde(PILOT, "*")
                    assert result["success"], result.get("log", "")[-2000:]
                else:
                    graded = grade(PILOT, term=term, out=io.StringIO())
                    assert all(g.ok for g in graded) and len(graded) == len(students)
                times[name].append(time.perf_counter() - start)
                results[name] = scores(term, students)
    same = results["nbgrader autograde"] == results["crm-course grade"]
    ours, theirs = statistics.median(times["crm-course grade"]), statistics.median(times["nbgrader autograde"])
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"load average {os.getloadavg()[0]:.1f}")
    for name, seconds in times.items():
        print(f"{name:<20} {args.submissions} submissions: " + ", ".join(f"{s:.1f} s" for s in seconds)
              + f" (median {statistics.median(seconds):.1f} s, {statistics.median(seconds) / args.submissions:.2f} s "
                "per submission)")
    print(f"ratio crm-course grade / nbgrader autograde: {ours / theirs:.2f} (target: at most 0.65)")
    print(f"the same scores, cell by cell, for every submission: {same}")
    return 0 if same and ours / theirs <= 0.65 else 1


if __name__ == "__main__":
    sys.exit(main())
