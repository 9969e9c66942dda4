"""A class on JupyterHub, on this machine: the helpers of test_jupyterhub.py and bench/bench_hub.py.

Everything runs as deploy/jupyterhub/README.md writes it, on loopback:

- :func:`shared_environment`: the hub's environment made by ``deploy/jupyterhub/make-env`` from
  Debian's /usr/bin/python3 (pip's work: a few minutes), kept between runs in a folder named by a
  hash of what goes into it (pyproject.toml, crmlib/, crm_course/, datasets/, make-env), and
  made again when one of them changes;
- :class:`Postgres`: Debian's PostgreSQL server in a temporary folder, run by the ``postgres``
  account, on 127.0.0.1; the gradebook's database and role, whose password only the grader
  account's ~/.pgpass holds;
- :class:`Hub`: the settings file and class list, ``configure-class`` (the Unix accounts, the
  term, the exchange, the students' settings), then JupyterHub with the course's
  ``jupyterhub_config.py`` and, for the test only, the DummyAuthenticator and a token for the test
  driver; it stops every process it started (the hub, the proxy, the formgrader service, the
  users' servers and their kernels) and removes the Unix accounts it made;
- :class:`HubStudent`: a student in a real browser (Debian's Chromium driven by Playwright): logs
  in on the hub's page, and fetches, hands in and fetches feedback in JupyterLab's Assignments
  panel (nbgrader's lab extension) by clicking its buttons.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from lab_driver import CHROMIUM, Student, free_port

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy" / "jupyterhub"
COURSE = "crm-analytics"
#: The test's Unix accounts (made by configure-class, removed at the end): the grader account, an
#: instructor, two students.
GRADER, TEACHER = "crmtest-grader", "crmtest-teacher"
STUDENTS = ("crmtest-ana", "crmtest-ben")
#: configure-class writes this at the start of the comment (GECOS) of each account it makes; the
#: tests remove only accounts that carry it.
ACCOUNT_MARK = "crm-analytics "
SYSTEM_PYTHON = Path("/usr/bin/python3")
#: What the shared environment is made from: a change to any of these makes it again.
ENV_INPUTS = ("pyproject.toml", "README.md", "crmlib", "crm_course", "datasets", "deploy/jupyterhub/make-env")


def postgres_bin() -> Path | None:
    """Debian's PostgreSQL programs (the newest installed version), or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    return found[-1].parent if found else None


def hub_problem() -> str | None:
    """Why the hub test cannot run here (None when it can)."""
    from crm_course.sandbox import sandbox_problem

    missing = []
    if os.geteuid() != 0:
        missing.append("it must run as root (the hub spawns each user's server as that Unix user)")
    if postgres_bin() is None:
        missing.append("Debian's PostgreSQL server is not installed (apt-get install postgresql)")
    if shutil.which("configurable-http-proxy") is None:
        missing.append("configurable-http-proxy is not installed (npm install -g configurable-http-proxy)")
    venv = subprocess.run([str(SYSTEM_PYTHON), "-c", "import ensurepip, venv"], capture_output=True) \
        if SYSTEM_PYTHON.exists() else None
    if venv is None or venv.returncode != 0:
        missing.append(f"{SYSTEM_PYTHON} cannot make a venv (apt-get install python3-venv)")
    if sandbox_problem():
        missing.append(f"the grading sandbox cannot run: {sandbox_problem()}")
    if not CHROMIUM.exists():
        missing.append(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
        import psycopg  # noqa: F401
    except ImportError as error:
        missing.append(f"{error.name} is not installed (pip install -e '.[dev]')")
    return "; ".join(missing) or None


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


# ------------------------------------------------------------------------------------------------
# the shared environment


def environment_key() -> str:
    """A hash of everything the shared environment is made from."""
    digest = hashlib.sha256()
    for name in ENV_INPUTS:
        path = ROOT / name
        files = [path] if path.is_file() else sorted(
            p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")
        for file in files:
            digest.update(str(file.relative_to(ROOT)).encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _world_traversable(path: Path) -> bool:
    return all(p.stat().st_mode & 0o001 for p in [path, *path.parents] if p.exists())


def environment_cache() -> Path:
    """Where shared environments are kept between runs: the clone's _build/hub-env/ when every user
    can reach it (the hub's users run it), else a folder in the temporary directory."""
    build = ROOT / "_build"
    if _world_traversable(build if build.exists() else ROOT):
        return build / "hub-env"
    return Path(tempfile.gettempdir()) / "crm-analytics-hub-env"


def shared_environment(log=print) -> tuple[Path, float, bool]:
    """The shared environment for the current sources: (its folder, seconds spent, reused?).

    Made with deploy/jupyterhub/make-env when no environment for this key exists (others are
    removed), else reused. A lock keeps two test sessions from making it at once.
    """
    cache = environment_cache()
    cache.mkdir(parents=True, exist_ok=True)
    for folder in (cache, *[p for p in cache.parents if p == ROOT / "_build"]):
        folder.chmod(folder.stat().st_mode | 0o755)
    key = environment_key()
    start = time.monotonic()
    with open(cache / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        env = cache / key / "env"
        if (cache / key / "ready").exists():
            return env, time.monotonic() - start, True
        for old in cache.iterdir():
            if old.is_dir():
                shutil.rmtree(old)
        log(f"making the hub's environment in {env} (deploy/jupyterhub/make-env)")
        done = subprocess.run([str(DEPLOY / "make-env"), str(env)], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"make-env failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        (cache / key / "ready").write_text(f"made in {time.monotonic() - start:.0f} s\n")
        (cache / key).chmod(0o755)
    return env, time.monotonic() - start, False


# ------------------------------------------------------------------------------------------------
# PostgreSQL


@dataclass
class Postgres:
    """Debian's PostgreSQL server with its data in ``folder``, run by the ``postgres`` account on
    127.0.0.1:``port``; its Unix socket is in ``folder`` (mode 700: only postgres and root use it)."""

    folder: Path
    port: int = field(default_factory=free_port)
    running: bool = False

    @property
    def bin(self) -> Path:
        return postgres_bin()

    def _as_postgres(self, *command: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        done = subprocess.run(["runuser", "-u", "postgres", "--", *command], input=stdin, capture_output=True,
                              text=True, cwd="/", timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
        return done

    def start(self) -> "Postgres":
        postgres = pwd.getpwnam("postgres")
        self.folder.mkdir(parents=True)
        os.chown(self.folder, postgres.pw_uid, postgres.pw_gid)
        self.folder.chmod(0o700)
        self._as_postgres(str(self.bin / "initdb"), "-D", str(self.folder / "data"), "-U", "postgres",
                          "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-instructions")
        options = f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.folder}"
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-l",
                          str(self.folder / "server.log"), "-o", options, "-w", "start")
        self.running = True
        return self

    def create_gradebook(self, role: str, database: str) -> str:
        """A login role with a new random password and a database it owns; return the password."""
        password = secrets.token_urlsafe(24)
        self._as_postgres(str(self.bin / "psql"), "-h", str(self.folder), "-p", str(self.port), "-U", "postgres",
                          "-v", "ON_ERROR_STOP=1", "-q",
                          stdin=f"CREATE ROLE {role} LOGIN PASSWORD '{password}';\n"
                                f"CREATE DATABASE {database} OWNER {role};\n")
        return password

    def query(self, database: str, sql: str, *args) -> list[tuple]:
        """Rows of ``sql``, as the server's superuser over its Unix socket."""
        import psycopg

        with psycopg.connect(host=str(self.folder), port=self.port, user="postgres", dbname=database) as db:
            return db.execute(sql, args).fetchall()

    def stop(self) -> None:
        if self.running:
            self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")
            self.running = False


# ------------------------------------------------------------------------------------------------
# Unix accounts and processes


def account_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def processes_of(uid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    found.append(int(entry.name))
            except FileNotFoundError:
                pass
    return found


def descendants(pid: int) -> set[int]:
    """The processes below ``pid`` (children, grandchildren ...), from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (FileNotFoundError, ProcessLookupError, IndexError):
                pass
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def kill(pids, sig=signal.SIGKILL) -> None:
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def remove_accounts(names) -> list[str]:
    """Remove the test's accounts (only those configure-class made: their comment starts with
    ACCOUNT_MARK), ending their processes first; return the names removed."""
    removed = []
    for name in names:
        if not account_exists(name):
            continue
        entry = pwd.getpwnam(name)
        if not entry.pw_gecos.startswith(ACCOUNT_MARK):
            raise RuntimeError(f"the account {name} exists and was not made by configure-class "
                               f"(comment {entry.pw_gecos!r}): the test does not touch it")
        kill(processes_of(entry.pw_uid))
        subprocess.run(["userdel", "--remove", name], capture_output=True, check=True)
        removed.append(name)
    return removed


def environ_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.split("=", 1) for item in raw.decode(errors="replace").split("\0") if "=" in item)


def processes_holding(text: str, skip=()) -> list[str]:
    """Every process whose environment holds ``text`` (its pid and command line)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) not in skip:
            try:
                if text.encode() in (entry / "environ").read_bytes():
                    command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                    found.append(f"{entry.name}: {command}")
            except (FileNotFoundError, ProcessLookupError, PermissionError):
                pass
    return found


# ------------------------------------------------------------------------------------------------
# the hub


@dataclass
class Hub:
    """The course's JupyterHub for a class of two students, started from the shared environment
    ``env`` with all its state under ``base`` (a folder every user can reach: mode 755)."""

    base: Path
    env: Path
    gradebook_url: str
    students: tuple[str, ...] = STUDENTS
    grader: str = GRADER
    teacher: str = TEACHER
    port: int = field(default_factory=free_port)
    driver_token: str = field(default_factory=lambda: secrets.token_hex(32))
    proc: subprocess.Popen | None = None
    started_in: float | None = None
    stopped_in: float | None = None
    _tree: set[int] = field(default_factory=set)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def term(self) -> Path:
        return Path(pwd.getpwnam(self.grader).pw_dir) / "term"

    @property
    def exchange(self) -> Path:
        return self.base / "exchange"

    @property
    def log_path(self) -> Path:
        return self.base / "jupyterhub.log"

    @property
    def accounts(self) -> tuple[str, ...]:
        return (self.grader, self.teacher, *self.students)

    def write_settings(self) -> Path:
        """The settings file and class list (README.md, "Set-up"), and the test's own additions."""
        roster = self.base / "students.csv"
        roster.write_text("id,last_name,first_name,email\n" + "".join(
            f"{s},{s.split('-')[-1].title()},Student,{s}@example.edu\n" for s in self.students))
        settings = self.base / "hub.toml"
        settings.write_text("\n".join([
            f'course_id = "{COURSE}"',
            f'environment = "{self.env}"',
            f'term = "/home/{self.grader}/term"',
            f'gradebook = "{self.gradebook_url}"',
            f'grader_account = "{self.grader}"',
            f'instructors = ["{self.teacher}"]',
            f'roster = "{roster}"',
            f'exchange = "{self.exchange}"',
            f'state = "{self.base / "state"}"',
            f'bind_url = "{self.url}"',
            f'hub_bind_url = "http://127.0.0.1:{free_port()}"',
            f'proxy_api_url = "http://127.0.0.1:{free_port()}"',
            f"service_port = {free_port()}",
            "start_timeout = 120",
        ]) + "\n")
        # the test's additions: the dummy authenticator, a token for the driver, a quick stop
        (self.base / "test_config.py").write_text(
            "c = get_config()  # noqa: F821\n"
            f"load_subconfig({str(DEPLOY / 'jupyterhub_config.py')!r})  # noqa: F821\n"
            'c.JupyterHub.authenticator_class = "dummy"\n'
            f"c.JupyterHub.pid_file = {str(self.base / 'state' / 'jupyterhub.pid')!r}\n"
            "c.LocalProcessSpawner.interrupt_timeout = 3\n"
            f'c.JupyterHub.services.append({{"name": "crm-test-driver", "api_token": {self.driver_token!r}}})\n'
            'c.JupyterHub.load_roles.append({"name": "crm-test-driver", "services": ["crm-test-driver"],\n'
            '    "scopes": ["admin:users", "admin:servers", "tokens", "read:groups"]})\n')
        return settings

    def configure(self) -> subprocess.CompletedProcess:
        """deploy/jupyterhub/configure-class with the settings file."""
        done = subprocess.run([str(DEPLOY / "configure-class"), str(self.base / "hub.toml")], capture_output=True,
                              text=True, timeout=600)
        if done.returncode != 0:
            raise RuntimeError(f"configure-class failed:\n{done.stdout}\n{done.stderr}")
        return done

    def start(self, timeout: float = 180.0) -> "Hub":
        began = time.monotonic()
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [str(self.env / "bin" / "jupyterhub"), "-f", str(self.base / "test_config.py")],
            cwd=self.base, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            env={"PATH": f"{self.env}/bin:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
                 "CRM_HUB_SETTINGS": str(self.base / "hub.toml")})
        log.close()
        while time.monotonic() - began < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the hub exited with {self.proc.returncode}:\n{self.log()}")
            if "JupyterHub is now running" in self.log_path.read_text(errors="replace"):
                self.started_in = time.monotonic() - began
                return self
            time.sleep(0.3)
        raise RuntimeError(f"the hub did not start within {timeout:.0f} s:\n{self.log()}")

    def log(self, last: int = 80) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-last:])
        except FileNotFoundError:
            return "(no log)"

    def request(self, method: str, path: str, token: str | None = None, body=None, timeout: float = 300.0):
        """(status, decoded JSON or text) of a request through the hub's public address."""
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"token {token}"
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method, headers=headers)
        try:
            with _opener().open(request, timeout=timeout) as response:
                raw = response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            raw, status = error.read(), error.code
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, raw.decode(errors="replace")

    def api(self, method: str, path: str, body=None, token: str | None = None):
        """The hub's REST API as the test driver (or with ``token``); fails on an error status."""
        status, reply = self.request(method, f"/hub/api{path}", token or self.driver_token, body)
        if status >= 400:
            raise RuntimeError(f"{method} /hub/api{path}: {status} {reply}")
        return reply

    def token_for(self, user: str, scopes: list[str]) -> str:
        """A token of ``user`` with ``scopes`` (the hub refuses scopes the user does not have)."""
        return self.api("POST", f"/users/{user}/tokens", {"scopes": scopes, "note": "crm-analytics test"})["token"]

    def spawn(self, user: str) -> None:
        """Start ``user``'s server now (the hub starts it in the background)."""
        status, reply = self.request("POST", f"/hub/api/users/{user}/server", self.driver_token, {})
        if status not in (201, 202, 400):  # 400: it is already running
            raise RuntimeError(f"starting {user}'s server: {status} {reply}")

    def wait_ready(self, user: str, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            model = self.api("GET", f"/users/{user}")
            server = (model.get("servers") or {}).get("")
            if server and server.get("ready"):
                return
            time.sleep(0.5)
        raise RuntimeError(f"{user}'s server was not ready within {timeout:.0f} s:\n{self.log()}")

    def remember_processes(self) -> None:
        """Note every process the hub started so far (the proxy, the service, servers, kernels)."""
        if self.proc is not None:
            self._tree |= descendants(self.proc.pid)

    def stop(self, timeout: float = 60.0) -> None:
        """Stop the users' servers, then the hub (which stops its service and proxy); then end any
        process it started that is still there (and only those)."""
        if self.proc is None:
            return
        began = time.monotonic()
        self.remember_processes()
        if self.proc.poll() is None:
            for user in (*self.students, self.teacher):
                self.request("DELETE", f"/hub/api/users/{user}/server", self.driver_token, timeout=60)
            self.remember_processes()
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        left = [pid for pid in self._tree if Path(f"/proc/{pid}").exists()]
        kill(left)
        self.proc = None
        self.stopped_in = time.monotonic() - began


# ------------------------------------------------------------------------------------------------
# a student in the browser


class HubStudent(Student):
    """A student on the hub, in a real browser: logs in, and works the Assignments panel by clicks."""

    def __init__(self, page, artifacts: Path, hub: Hub, name: str, timeout: float = 60.0):
        super().__init__(page, artifacts, timeout=timeout)
        self.hub, self.name = hub, name

    def log_in(self) -> None:
        """The hub's login page: name, password, Sign in; then JupyterLab opens on the server."""
        self.page.goto(f"{self.hub.url}/hub/login")
        self.page.fill("#username_input", self.name)
        self.page.fill("#password_input", "any password: the test's hub uses the DummyAuthenticator")
        self.page.click("#login_submit")
        self.page.wait_for_url(f"**/user/{self.name}/lab**", timeout=self.timeout * 1000)
        self.page.locator("#jp-menu-panel .lm-MenuBar-itemLabel").first.wait_for(timeout=self.timeout * 1000)

    def open_assignments(self) -> None:
        """Nbgrader -> Assignment List: the Assignments panel."""
        if not self.page.locator("#nbgrader-assignment-list").is_visible():
            self.menu("Nbgrader", "Assignment List")
        self.page.locator("#nbgrader-assignment-list").wait_for(timeout=self.timeout * 1000)

    def section(self, which: str):
        """The rows of one list of the panel: "released", "fetched" or "submitted"."""
        return self.page.locator(f"#{which}_assignments_list .list_item").filter(has=self.page.locator(".item_course"))

    def row(self, which: str, assignment: str):
        row = self.section(which).filter(has_text=assignment).first
        row.wait_for(timeout=self.timeout * 1000)
        return row

    def fetch(self, assignment: str) -> None:
        self.row("released", assignment).get_by_role("button", name="Fetch").click()
        self.row("fetched", assignment)

    def submit(self, assignment: str) -> None:
        self.row("fetched", assignment).get_by_role("button", name="Submit").click()
        self.row("submitted", assignment)

    def fetch_feedback(self, assignment: str) -> None:
        """Fetch Feedback, then "(view feedback)": the file browser opens the feedback folder."""
        row = self.row("submitted", assignment)
        row.get_by_role("button", name="Fetch Feedback").click()
        view = self.page.locator("#submitted_assignments_list").get_by_text("(view feedback)")
        view.first.wait_for(timeout=self.timeout * 1000)
        view.first.click()

    def open_feedback_page(self, assignment: str) -> str:
        """Double-click the feedback page in the file browser; return the text it shows."""
        name = f"{assignment}.html"
        item = self.page.locator("#filebrowser .jp-DirListing-item").filter(
            has=self.page.locator(".jp-DirListing-itemText").get_by_text(name, exact=True))
        item.dblclick(timeout=self.timeout * 1000)
        frame = self.page.frame_locator(".jp-HTMLViewer iframe").first
        body = frame.locator("body")
        body.get_by_text("Score", exact=False).first.wait_for(timeout=self.timeout * 1000)
        return body.inner_text()


# ------------------------------------------------------------------------------------------------
# the whole set-up, as README.md's "Set-up" does it


def start_class(base: Path, env: Path, times: dict, **accounts) -> tuple[Hub, Postgres, str]:
    """PostgreSQL with the gradebook's database, the settings, configure-class, the grader
    account's ~/.pgpass, the hub: (the hub, the database server, the gradebook's password).
    ``accounts``: Hub's students, grader, teacher. On failure, what was started is stopped."""
    began = time.monotonic()
    postgres = Postgres(base / "postgres")
    hub = None
    try:
        postgres.start()
        password = postgres.create_gradebook("crm_grader", "crm_analytics")
        times["PostgreSQL started, gradebook database made"] = time.monotonic() - began
        url = f"postgresql+psycopg://crm_grader@127.0.0.1:{postgres.port}/crm_analytics"  # no password in it
        hub = Hub(base, env, url, **accounts)
        hub.write_settings()
        step = time.monotonic()
        hub.configure()
        times["configure-class: accounts, term, exchange, settings"] = time.monotonic() - step
        grader = pwd.getpwnam(hub.grader)
        pgpass = Path(grader.pw_dir) / ".pgpass"  # README.md, "The gradebook on PostgreSQL"
        pgpass.write_text(f"127.0.0.1:{postgres.port}:crm_analytics:crm_grader:{password}\n")
        os.chown(pgpass, grader.pw_uid, grader.pw_gid)
        pgpass.chmod(0o600)
        step = time.monotonic()
        hub.start()
        times["hub started with the formgrader service"] = time.monotonic() - step
        return hub, postgres, password
    except BaseException:
        if hub is not None:
            hub.stop()
        postgres.stop()
        raise


def stop_class(hub: Hub | None, postgres: Postgres, base: Path, accounts) -> None:
    """Stop every process the class started, remove its accounts and its folder."""
    try:
        if hub is not None:
            hub.stop()
    finally:
        postgres.stop()
        remove_accounts(accounts)
        shutil.rmtree(base, ignore_errors=True)


def class_folder() -> Path:
    """A new temporary folder every user can reach (mode 755): the exchange and the hub's state."""
    base = Path(tempfile.mkdtemp(prefix="crm-hub-"))
    base.chmod(0o755)
    return base
