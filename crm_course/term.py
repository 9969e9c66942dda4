"""A term: one class's work, in a folder of its own outside the course repository.

``crm-course new-term DIR`` makes DIR an nbgrader course root for one term: its own
``nbgrader_config.py``, ``source/`` (a copy of the repository's ``solutions/``), the gradebook, an
exchange, and a README saying what each folder holds. Plain ``nbgrader ...`` commands and the
formgrader work inside DIR; so do ``crm-course grade`` and ``crm-course gradebook``.

The term's configuration also installs what keeps a class's work safe:

- grading in the sandbox (:mod:`crm_course.sandbox`) with the course's settings
  (:func:`crm_course.grader.configure_grading`);
- :func:`refuse_regenerating_after_submissions`: ``generate_assignment --force`` on an assignment
  that has submissions stops before nbgrader deletes anything;
- :class:`ReleaseFeedback`: ``release_feedback`` skips (and names) the submissions that were
  copied in by hand instead of failing for the whole class;
- :class:`LatePenalty`: a late-submission penalty in percent per day;
- zip_collect's file-name pattern (:data:`ZIP_FILE_NAMES`).
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import sqlite3
import textwrap
from datetime import datetime, timezone
from pathlib import Path

from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback
from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Float

from crm_course.errors import CourseError
from crm_course.nbgrader_api import SKIPPED_FILES, assignment_names
from crm_course.repo import course_repo

#: The file that marks a term folder (and records where it came from).
TERM_FILE = ".crm-term.json"
#: zip_collect: files named "<student id>_<notebook name>.ipynb", e.g.
#: "li.wei_ex03-customer-lifetime-value.ipynb" (matched against the whole path).
ZIP_FILE_NAMES = r".*/(?P<student_id>[^/_]+)_(?P<file_id>[^/]+\.ipynb)$"
#: Set this environment variable to 1 to regenerate an assignment that has submissions anyway.
REGENERATE_ANYWAY = "CRM_REGENERATE_AFTER_SUBMISSIONS"
#: The course's editions: English, and the Chinese edition (exercises exNN-topic-zh in solutions/).
LANGUAGES = ("en", "zh")

TERM_FOLDERS = {
    "source/": "the exercises with their solutions and hidden tests (nbgrader's source), copied from the "
               "course repository's solutions/ when the term was made; edit them here for this term",
    "release/": "the student versions nbgrader generates from source/ (generate_assignment)",
    "exchange/": "where students fetch exercises and hand in (release_assignment, collect) and fetch feedback",
    "submitted/": "collected submissions, one folder per student (collect, zip_collect, or copied in by hand)",
    "autograded/": "the graded copies of the submissions (autograde, crm-course grade)",
    "feedback/": "the feedback pages (generate_feedback), released with release_feedback",
    "downloaded/": "zip files or notebooks downloaded from your LMS, for zip_collect "
                   "(downloaded/<assignment>/archive/)",
    "gradebook.db": "the gradebook (SQLite), unless the term uses a database server (db_url)",
    "backups/": "gradebook backups (crm-course backup)",
}


def _is_inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def new_term(folder, *, db_url: str | None = None, exchange=None, lang: str = "en",
             course_id: str = "crm-analytics", late_percent_per_day: float = 10.0, hub: bool = False) -> Path:
    """Make ``folder`` the course root of a new term (see the module docstring); return it.

    Refuses a folder inside the course repository (a class's data never lives in the clone) and
    a folder that exists and is not empty (nothing is ever overwritten).

    ``hub=True``: the term of a class on JupyterHub (deploy/jupyterhub/): students are Unix users
    of the hub and members of its group ``nbgrader-<course id>`` (nbgrader's JupyterHubAuthPlugin),
    collect checks who owns each submission, and the exchange, which must lie outside the term (the
    term is private to the grader account), is made writable by every user as nbgrader needs
    (mode 1777) when it does not exist yet.
    """
    repo = course_repo()
    folder = Path(folder).expanduser().resolve()
    if _is_inside(folder, repo.root):
        raise CourseError(f"{folder} is inside the course repository {repo.root}: a term holds a class's "
                          "submissions and grades, which never go into the clone. Choose a folder outside it, "
                          "for example ~/crm-terms/2026-autumn")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise CourseError(f"{folder} already exists and is not empty: a new term never overwrites anything. "
                          "Choose a new folder (or an empty one)")
    if lang not in LANGUAGES:
        raise CourseError(f"--lang {lang!r}: the course has the editions {', '.join(LANGUAGES)}")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", course_id):
        raise CourseError(f"course id {course_id!r}: use letters, digits, '.', '_' and '-' only")
    if hub and (not exchange or _is_inside(Path(exchange).expanduser().resolve(), folder)):
        raise CourseError("--hub: students cannot reach an exchange inside the term folder (it is private to the "
                          "grader account): give a shared one, e.g. --exchange /srv/nbgrader/exchange")
    exchange = Path(exchange).expanduser().resolve() if exchange else folder / "exchange"
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    names, in_english = copy_edition(repo.solutions, folder / "source", lang)
    for name in ("downloaded", "backups"):
        (folder / name).mkdir()
    if hub and not exchange.exists():
        exchange.mkdir(parents=True)
        exchange.chmod(0o1777)  # every user writes here; nobody removes what another made
    exchange.mkdir(parents=True, exist_ok=True)
    config = folder / "nbgrader_config.py"
    config.write_text(term_config(course_id=course_id, db_url=db_url, exchange=exchange, lang=lang,
                                  late_percent_per_day=late_percent_per_day, hub=hub), encoding="utf-8")
    config.chmod(0o600)
    (folder / "README.md").write_text(term_readme(folder, names, db_url=db_url, exchange=exchange, lang=lang,
                                                  in_english=in_english), encoding="utf-8")
    (folder / TERM_FILE).write_text(json.dumps({
        "course_repository": str(repo.root), "course_id": course_id, "lang": lang,
        "made": datetime.now(timezone.utc).isoformat(timespec="seconds"), "assignments": names, "hub": hub,
        "in_english": in_english,
    }, indent=2) + "\n", encoding="utf-8")
    return folder


def copy_edition(solutions, target, lang: str = "en") -> tuple[list[str], list[str]]:
    """Copy one edition of the course's exercises into the folder ``target`` (a term's ``source/``).

    Every exercise keeps its English name, whatever the edition, so that a class's assignment ids
    and notebook names are the same in both: with ``lang="en"`` the English exercises are copied
    (not the ``-zh`` ones); with ``lang="zh"`` each exercise's Chinese edition,
    ``solutions/exNN-topic-zh/exNN-topic-zh.ipynb``, is copied as ``exNN-topic/exNN-topic.ipynb``,
    and an exercise that has no Chinese edition yet is copied in English. Returns the names
    copied and those copied in English for want of a translation (empty for ``"en"``). ``target``
    must not exist yet: nothing is overwritten.
    """
    solutions, target = Path(solutions), Path(target)
    if target.exists():
        raise CourseError(f"{target} already exists: the assignments are not copied over it")
    available = set(assignment_names(solutions))
    names = [name for name in sorted(available) if not name.endswith("-zh")]
    target.mkdir(parents=True)
    in_english = []
    for name in names:
        chinese = f"{name}-zh"
        if lang == "zh" and chinese in available:
            shutil.copytree(solutions / chinese, target / name, ignore=SKIPPED_FILES)
            for path in (target / name).glob(f"{chinese}.*"):
                path.rename(path.with_name(name + path.suffix))
        else:
            shutil.copytree(solutions / name, target / name, ignore=SKIPPED_FILES)
            if lang != "en":
                in_english.append(name)
    return names, in_english


#: Who the students are: on one machine, one Unix account for the class; on JupyterHub (--hub), each
#: student a Unix user of the hub.
STUDENT_ACCOUNTS = {
    False: ("# (on one machine the students are not Unix users of their own)\n"
            "c.ExchangeCollect.check_owner = False"),
    True: ("\n# --- JupyterHub (crm-course new-term --hub; deploy/jupyterhub/) ---------------------------------\n"
           "# Each student is a Unix user of the hub and a member of its group nbgrader-<course id>: only they\n"
           "# fetch and hand in, and collect checks that each submission's folder in the exchange belongs to\n"
           "# the student it names. Under the hub (the formgrader service, a terminal opened in it) nbgrader\n"
           "# also puts each student it adds into that group; in a plain terminal it leaves the hub alone, so\n"
           "# that `nbgrader db student import` works there too (nbgrader 0.9.6 would stop with 'JUPYTERHUB_USER\n"
           "# env is required').\n"
           'if os.environ.get("JUPYTERHUB_API_TOKEN"):\n'
           '    c.Authenticator.plugin_class = "nbgrader.auth.JupyterHubAuthPlugin"'),
}


def term_config(*, course_id: str, db_url: str | None, exchange: Path, lang: str,
                late_percent_per_day: float, hub: bool = False) -> str:
    """The text of a term's ``nbgrader_config.py``."""
    if db_url:
        database = (f"c.CourseDirectory.db_url = {db_url!r}\n"
                    "# (a password does not belong here: use ~/.pgpass, or read it from the grader's environment,\n"
                    "# which the grading sandbox never passes on to student code)")
    else:
        database = ("# SQLite in this folder; timeout: graders working at once wait for each other's writes\n"
                    'c.CourseDirectory.db_url = f"sqlite:///{TERM}/gradebook.db?timeout=60"')
    return textwrap.dedent('''\
        """nbgrader settings of one term of the CRM Analytics course (made by crm-course new-term).

        Run every command of the term from this folder: `nbgrader ...` (generate_assignment, release_assignment,
        collect, zip_collect, autograde, generate_feedback, release_feedback, export), the formgrader
        (`jupyter lab` started here), `crm-course grade ASSIGNMENT` and `crm-course gradebook --csv FILE`.
        README.md says what each folder holds; docs/instructor-guide.md of the course walks through a term.
        """

        import os

        from crm_course import term
        from crm_course.grader import configure_grading

        c = get_config()  # noqa: F821 (provided by nbgrader's config loader)
        TERM = os.path.dirname(os.path.abspath(__file__))

        # --- folders -----------------------------------------------------------------------------------
        c.CourseDirectory.course_id = {course_id!r}
        c.CourseDirectory.root = TERM
        c.CourseDirectory.source_directory = "source"
        c.CourseDirectory.release_directory = "release"
        c.CourseDirectory.submitted_directory = "submitted"
        c.CourseDirectory.autograded_directory = "autograded"
        c.CourseDirectory.feedback_directory = "feedback"
        c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", ".pytest_cache", "feedback"]
        # the course's edition for this term: {lang}

        # --- the gradebook -----------------------------------------------------------------------------
        {database}

        # --- the exchange: students fetch and hand in here ----------------------------------------------
        c.Exchange.root = {exchange!r}
        c.Exchange.path_includes_course = True
        {accounts}

        # --- grading: timeouts, restored test cells, the sandbox ----------------------------------------
        configure_grading(c)
        # never let generate_assignment --force delete a release that students have handed in
        term.refuse_regenerating_after_submissions()

        # --- late submissions: {late}% of the score per day (or part of a day) late, at most all of it ------
        c.AssignLatePenalties.plugin_class = term.LatePenalty
        c.LatePenalty.percent_per_day = {late}

        # --- feedback: a submission copied in by hand (no exchange secret) is skipped and named ----------
        c.ExchangeFactory.release_feedback = term.ReleaseFeedback

        # --- zip_collect: downloaded/<assignment>/archive/ holds "<student id>_<notebook>.ipynb" files ---
        c.ZipCollectApp.collector_plugin = "nbgrader.plugins.FileNameCollectorPlugin"
        c.FileNameCollectorPlugin.named_regexp = term.ZIP_FILE_NAMES
        ''').format(course_id=course_id, lang=lang, database=database, accounts=STUDENT_ACCOUNTS[hub],
                    exchange=str(exchange), late=f"{late_percent_per_day:g}")


def term_readme(folder: Path, names: list[str], *, db_url: str | None, exchange: Path, lang: str = "en",
                in_english: list[str] = ()) -> str:
    rows = "\n".join(f"| `{name}` | {what} |" for name, what in TERM_FOLDERS.items())
    edition = "English" if lang == "en" else "Chinese (简体中文: the exercises' texts and their checks' messages)"
    if in_english:
        edition += f"; not yet translated, so in English: {', '.join(in_english)}"
    where = f"`{db_url.split('@')[-1]}` (db_url in nbgrader_config.py)" if db_url else "`gradebook.db` in this folder"
    return textwrap.dedent(f"""\
        # A term of the CRM Analytics course

        Made by `crm-course new-term` from the course repository. This folder holds one class's work; the
        course repository holds the course. Nothing in the course repository ever writes here except the
        commands you run in this folder.

        | in this folder | what it holds |
        |---|---|
        {rows}

        The gradebook: {where}. The exchange: `{exchange}`.
        The exercises of this term: {", ".join(names)}.
        The course's edition: {edition}.

        Run every command from this folder, with the course's environment on PATH:

        ```
        nbgrader generate_assignment ex03-customer-lifetime-value --force
        nbgrader release_assignment ex03-customer-lifetime-value
        nbgrader collect ex03-customer-lifetime-value          # add --update for re-submissions
        crm-course grade ex03-customer-lifetime-value          # all submissions, sandboxed, on all cores
        nbgrader generate_feedback ex03-customer-lifetime-value
        nbgrader release_feedback ex03-customer-lifetime-value
        crm-course gradebook --csv grades.csv                  # one row per student
        crm-course backup                                      # a copy of the gradebook in backups/
        ```

        The course's instructor guide (docs/instructor-guide.md in the repository) walks through a whole term.
        """).replace("\n        ", "\n")


def find_term(start=None) -> Path:
    """The term folder holding ``start`` (default: the working folder)."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / TERM_FILE).exists() and (folder / "nbgrader_config.py").exists():
            return folder
    raise CourseError(f"{here} is not inside a term folder: run this command in the folder that "
                      "crm-course new-term made (it holds nbgrader_config.py and .crm-term.json)")


def term_api(term: Path, **kwargs):
    """An ``NbGraderAPI`` for the term folder ``term``, with the term's own configuration."""
    from crm_course.nbgrader_api import nbgrader_api

    return nbgrader_api(term, config_file=term / "nbgrader_config.py", **kwargs)


# ------------------------------------------------------------------------------------------------
# what the term's configuration installs


class LatePenalty(LateSubmissionPlugin):
    """A late submission loses ``percent_per_day`` % of its score per day late (a part of a day counts
    as a day), at most ``max_percent`` %.

    penalty = score x min(max_percent, percent_per_day x ceil(seconds late / 86,400)) / 100
    """

    percent_per_day = Float(10.0, help="Percent of the score lost per day (or part of a day) late").tag(config=True)
    max_percent = Float(100.0, help="The most a late submission can lose, in percent of its score").tag(config=True)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float:
        days = math.ceil(total_seconds_late / 86_400) if total_seconds_late > 0 else 0
        percent = min(self.max_percent, self.percent_per_day * days)
        self.log.info("Late submission of %s: %d day(s) late, %g %% of %g points", student_id, days, percent, score)
        return score * percent / 100.0


class ReleaseFeedback(ExchangeReleaseFeedback):
    """nbgrader's release_feedback, except that a submission copied in by hand (it has no
    ``submission_secret.txt``, which only the exchange writes) is skipped with a warning that names
    the student and the feedback file to hand over directly, instead of failing for the whole class."""

    def copy_files(self):
        feedback = Path(self.coursedir.format_path(self.coursedir.feedback_directory, "*",
                                                   self.coursedir.assignment_id))
        hand_copied = []
        for folder in sorted(Path(feedback.parent.parent).glob(f"*/{feedback.name}")):
            if not (folder / "submission_secret.txt").exists() or not (folder / "timestamp.txt").exists():
                hand_copied.append(folder.parent.name)
                for page in sorted(folder.glob("*.html")):
                    self.log.warning("Not released through the exchange: %s was copied in by hand (it has no "
                                     "submission secret); give the student this file directly: %s",
                                     folder.parent.name, page)
        excluded = [s for s in (self.coursedir.student_id_exclude or "").split(",") if s]
        saved = self.coursedir.student_id_exclude
        self.coursedir.student_id_exclude = ",".join(excluded + hand_copied)
        try:
            super().copy_files()
        finally:
            self.coursedir.student_id_exclude = saved


def submissions_in_gradebook(db_url: str, assignment: str) -> int:
    """How many submissions of ``assignment`` the gradebook holds (0 if it has none or does not exist)."""
    from nbgrader.api import Gradebook, MissingEntry

    if db_url.startswith("sqlite:///"):
        path = Path(db_url[len("sqlite:///"):].split("?")[0])
        if not path.exists():
            return 0
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
                row = db.execute("SELECT COUNT(*) FROM submitted_assignment JOIN assignment "
                                 "ON submitted_assignment.assignment_id = assignment.id WHERE assignment.name = ?",
                                 (assignment,)).fetchone()
            return int(row[0])
        except sqlite3.OperationalError:  # no tables yet
            return 0
    with Gradebook(db_url) as gradebook:
        try:
            return len(gradebook.find_assignment(assignment).submissions)
        except MissingEntry:
            return 0


def refuse_regenerating_after_submissions() -> None:
    """Make ``generate_assignment`` refuse an assignment that has submissions, before it deletes
    anything (nbgrader with ``--force`` deletes the release folder first, and removes it again when
    a later step fails).

    Installed by a term's ``nbgrader_config.py``; covers the command line and the formgrader.
    Setting the environment variable ``CRM_REGENERATE_AFTER_SUBMISSIONS=1`` lets it through (for a
    change that keeps every cell, such as a typo in a question's text).
    """
    from nbgrader.converters import GenerateAssignment
    from nbgrader.converters.base import NbGraderException

    if getattr(GenerateAssignment.start, "_crm_guarded", False):
        return
    original = GenerateAssignment.start

    def start(self) -> None:
        pattern = self.coursedir.assignment_id or "*"
        source = Path(self.coursedir.root) / self.coursedir.source_directory
        for folder in sorted(source.glob(pattern)) if source.exists() else []:
            count = submissions_in_gradebook(self.coursedir.db_url, folder.name)
            if count and os.environ.get(REGENERATE_ANYWAY) != "1":
                message = (f"{folder.name} has {count} submission(s) in the gradebook: it is not generated again "
                           f"(nothing was changed or deleted). To change an exercise that students have handed "
                           f"in, release a corrected copy under a new name (e.g. {folder.name}-v2); for a change "
                           f"that keeps every cell as it is, set {REGENERATE_ANYWAY}=1.")
                self.log.error(message)
                raise NbGraderException(message)
        return original(self)

    start._crm_guarded = True
    GenerateAssignment.start = start


# ------------------------------------------------------------------------------------------------
# backups


def backup(term: Path) -> Path:
    """Copy the term's SQLite gradebook into ``backups/`` (a consistent copy, even while grading)."""
    from crm_course.nbgrader_api import load_config

    db_url = load_config(term, config_file=term / "nbgrader_config.py").CourseDirectory.db_url
    if not db_url.startswith("sqlite:///"):
        raise CourseError(f"the gradebook is on a database server ({db_url.split('@')[-1]}): back it up with "
                          "the server's own tool, e.g. pg_dump -Fc DBNAME > backups/gradebook.dump")
    source = Path(db_url[len("sqlite:///"):].split("?")[0])
    if not source.exists():
        raise CourseError(f"{source} does not exist yet: there is nothing to back up")
    target = term / "backups" / f"gradebook-{datetime.now():%Y-%m-%d-%H%M%S}.db"
    target.parent.mkdir(exist_ok=True)
    if target.exists():
        raise CourseError(f"{target} already exists: wait a second and run again")
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as db, sqlite3.connect(target) as copy:
        db.backup(copy)
    return target
