"""How many students one server serves: a class of N simulated students on the course's JupyterHub.

Run as root on the server to be measured (it makes N + 2 Unix accounts, crmbench-*, and removes
them at the end): ``.venv/bin/python bench/bench_hub.py --students 30``. Everything runs as
tests/test_jupyterhub.py runs it (deploy/jupyterhub/: the shared environment, PostgreSQL, the
hub, the formgrader service), on loopback. Then:

1. the hub starts every student's JupyterLab at once (as a class does at the start of a lesson):
   time until all answer, memory of one server;
2. N students at once, each through the hub's proxy and their own server (the requests the
   JupyterLab page and its Assignments panel make): load JupyterLab's page, fetch ex03 (nbgrader's
   ``assignments/fetch``), save an answered notebook (the contents API) and hand it in
   (``assignments/submit``): latency percentiles and failures of each step;
3. what one student reading a chapter costs: chapter 3 executed in a kernel of the shared
   environment (CPU seconds, the kernel's peak memory);
4. grading the class: collect, then autograde every submission through the formgrader service's
   API (one at a time, as its buttons do), and ``crm-course grade`` in the term as the grader
   account (all cores): seconds per submission.

It prints one report; the figures go to bench/README.md and deploy/jupyterhub/README.md.
"""

from __future__ import annotations

import argparse
import os
import pwd
import resource
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import nbformat  # noqa: E402
from hub_driver import (  # noqa: E402
    COURSE,
    class_folder,
    hub_problem,
    processes_of,
    remove_accounts,
    shared_environment,
    start_class,
    stop_class,
)

from crm_course.submissions import make_submission  # noqa: E402

A = "ex03-customer-lifetime-value"
NB = f"{A}.ipynb"
CHAPTER = ROOT / "chapters" / "03-customer-lifetime-value.ipynb"


def percentiles(seconds: list[float]) -> str:
    if not seconds:
        return "no successful request"
    ordered = sorted(seconds)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered):5.2f} s   p90 {p90:5.2f} s   max {ordered[-1]:5.2f} s"


def at_once(action, students: list[str]) -> tuple[list[float], list[str]]:
    """Run ``action(student)`` for every student at the same time; (latencies, failures)."""
    def timed(student):
        began = time.monotonic()
        try:
            action(student)
            return time.monotonic() - began, None
        except Exception as error:  # a failure is a result here
            return time.monotonic() - began, f"{student}: {type(error).__name__}: {str(error)[:200]}"

    with ThreadPoolExecutor(max_workers=len(students)) as pool:
        results = list(pool.map(timed, students))
    return [s for s, failure in results if failure is None], [f for _, f in results if f]


def rss_mb(uid: int) -> float:
    total = 0
    for pid in processes_of(uid):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


def chapter_cost(env: Path) -> tuple[float, float, float]:
    """Chapter 3 run top to bottom in a kernel of the shared environment: (wall s, CPU s, peak MB)."""
    code = ("import nbformat, nbclient, sys\n"
            "nb = nbformat.read(sys.argv[1], as_version=4)\n"
            "nbclient.NotebookClient(nb, timeout=120, kernel_name='python3').execute()\n")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.monotonic()
    subprocess.run([str(env / "bin" / "python"), "-c", code, str(CHAPTER)], check=True, cwd="/tmp",
                   capture_output=True, env={"PATH": f"{env}/bin:/usr/bin:/bin", "HOME": "/tmp", "MPLBACKEND": "Agg"})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return time.monotonic() - began, cpu, after.ru_maxrss / 1024


class Report(list):
    """The report's lines, each printed as soon as it is known."""

    def __init__(self, lines):
        super().__init__()
        for line in lines:
            self.append(line)

    def append(self, line: str) -> None:
        print(line, flush=True)
        super().append(line)

    def __iadd__(self, lines):
        for line in lines:
            self.append(line)
        return self


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=30)
    args = parser.parse_args()
    problem = hub_problem()
    if problem:  # (make bench runs every script: this one says why it did not run and goes on)
        print(f"bench_hub: not run here: {problem}")
        return
    students = tuple(f"crmbench-{i:03d}" for i in range(1, args.students + 1))
    accounts = ["crmbench-grader", "crmbench-teacher", *students]
    remove_accounts(accounts)
    env, seconds, reused = shared_environment()
    print(f"shared environment: {'reused' if reused else 'made'} in {seconds:.0f} s")
    times: dict[str, float] = {}
    base = class_folder()
    hub, postgres, _ = start_class(base, env, times, students=students, grader="crmbench-grader",
                                   teacher="crmbench-teacher")
    report = Report([f"{args.students} students, {os.cpu_count()} cores, load average before: "
                     f"{os.getloadavg()[0]:.1f}"])
    try:
        for what, value in times.items():
            report.append(f"{value:6.1f} s  {what}")
        teacher = hub.token_for(hub.teacher, [f"access:services!service={COURSE}"])

        def formgrader(method: str, path: str):
            status, reply = hub.request(method, f"/services/{COURSE}/formgrader/api/{path}", teacher, timeout=900)
            if status != 200 or (isinstance(reply, dict) and reply.get("success") is False):
                raise RuntimeError(f"{path}: {status} {str(reply)[:300]}")
            return reply

        formgrader("POST", f"assignment/{A}/assign")
        formgrader("POST", f"assignment/{A}/release")
        source = nbformat.read(hub.term / "source" / A / NB, as_version=4)
        tokens = {s: hub.token_for(s, [f"access:servers!user={s}"]) for s in students}

        # 1. every server at once
        began = time.monotonic()
        spawned, failed = at_once(lambda s: (hub.spawn(s), hub.wait_ready(s, timeout=900)), list(students))
        report.append(f"{time.monotonic() - began:6.1f} s  all {len(spawned)} JupyterLab servers started at once "
                      f"({len(failed)} failed)   {percentiles(spawned)}")
        memory = [rss_mb(pwd.getpwnam(s).pw_uid) for s in students]
        report.append(f"{statistics.median(memory):6.0f} MB  memory of one student's JupyterLab server (median RSS, "
                      f"no kernel); {sum(memory) / 1024:.1f} GB for the class")

        def call(student: str, method: str, path: str, body=None):
            status, reply = hub.request(method, f"/user/{student}{path}", tokens[student], body, timeout=600)
            if status >= 400 or (isinstance(reply, dict) and reply.get("success") is False):
                raise RuntimeError(f"{method} {path}: {status} {str(reply)[:200]}")
            return reply

        def answer_and_submit(student: str) -> None:
            path = f"/api/contents/crm-analytics/{A}/{NB}"
            model = call(student, "GET", path)
            answered = make_submission(nbformat.from_dict(model["content"]), source, "correct")
            call(student, "PUT", path, {"type": "notebook", "format": "json", "content": answered})
            call(student, "POST", "/assignments/submit", {"course_id": COURSE, "assignment_id": A})

        steps = [("open JupyterLab (the page through the proxy)", lambda s: call(s, "GET", "/lab")),
                 ("fetch ex03 (Assignments panel)",
                  lambda s: call(s, "POST", "/assignments/fetch", {"course_id": COURSE, "assignment_id": A})),
                 ("save the answers and hand in (contents API + Submit)", answer_and_submit)]
        for what, action in steps:
            began = time.monotonic()
            latencies, failures = at_once(action, list(students))
            report.append(f"{time.monotonic() - began:6.1f} s  {what}, {len(students)} at once: "
                          f"{percentiles(latencies)}   failures {len(failures)}")
            report += [f"          {f}" for f in failures[:5]]

        # 3. reading a chapter
        wall, cpu, peak = chapter_cost(env)
        report.append(f"{wall:6.1f} s  chapter 3 run top to bottom in one kernel: {cpu:.1f} CPU s, "
                      f"kernel peak {peak:.0f} MB")

        # 4. grading the class
        began = time.monotonic()
        formgrader("POST", f"assignment/{A}/collect")
        collected = time.monotonic() - began
        report.append(f"{collected:6.1f} s  collect ({len(students)} submissions)")
        began, failures = time.monotonic(), []
        for student in students:
            try:
                formgrader("POST", f"submission/{A}/{student}/autograde")
            except RuntimeError as error:
                failures.append(f"{student}: {str(error)[-600:]}")
        graded = time.monotonic() - began
        report.append(f"{graded:6.1f} s  autograde through the formgrader API, one at a time, sandboxed: "
                      f"{graded / len(students):.2f} s per submission, {len(failures)} failed")
        report += [f"          {f}" for f in failures[:3]]
        grader = pwd.getpwnam(hub.grader)
        began = time.monotonic()
        done = subprocess.run(["runuser", "-u", hub.grader, "--", "env", f"HOME={grader.pw_dir}",
                               f"PATH={env}/bin:/usr/bin:/bin", "crm-course", "grade", A, "--force"],
                              cwd=hub.term, capture_output=True, text=True)
        regraded = time.monotonic() - began
        if done.returncode != 0:
            report.append(f"crm-course grade failed: {done.stdout[-500:]} {done.stderr[-500:]}")
        report.append(f"{regraded:6.1f} s  crm-course grade --force as the grader account ({os.cpu_count()} at a "
                      f"time, sandboxed): {regraded / len(students):.2f} s per submission")
        report.append(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        stop_class(hub, postgres, base, accounts)


if __name__ == "__main__":
    main()
