"""Drive a real JupyterLab in a real browser, as a student would: the helpers of test_lab_e2e.py.

Three pieces:

- :func:`copy_course` makes the temporary copy of the course the server runs on (what a student
  gets: README, Makefile, chapters, exercises, datasets; not the solutions);
- :class:`LabServer` starts JupyterLab on that copy **through** ``make lab`` (so the test also
  proves the make target), on loopback, on a free port with a random token, with its own Jupyter
  and IPython settings directories, and stops only the processes it started;
- :class:`Student` works a JupyterLab page the way a person does: double-clicks through the file
  browser, types into a cell, uses the Run and Kernel menus, reads what the cells show, moves a
  widget's slider with the mouse, and takes a screenshot after every step.

The browser is Debian's Chromium driven by Playwright (no browser download). Every request that
does not go to loopback is aborted and recorded (:class:`BrowserWatch`), and so is every console
error, so that the test can assert that nothing left the machine and the course raised nothing.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

#: Debian's Chromium; Playwright drives it through ``executable_path`` (``playwright install`` cannot
#: download here, and is never needed).
CHROMIUM = Path(os.environ.get("CRM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: What a student's copy of the course holds: everything but the solutions, the build output and
#: the grading state.
COURSE_FILES = ("README.md", "Makefile", "pyproject.toml", "nbgrader_config.py")
COURSE_DIRS = ("chapters", "exercises", "datasets")

#: The environment whose ``jupyter`` serves the course: the one running the tests (the repository's
#: .venv), or the repository's .venv when the tests run elsewhere.
VENV = Path(sys.prefix) if (Path(sys.prefix) / "bin" / "jupyter").exists() \
    else Path(__file__).resolve().parent.parent / ".venv"


# ------------------------------------------------------------------------------------------------
# the course copy and the server


def copy_course(root: Path, dest: Path) -> Path:
    """Copy the student's part of the course at ``root`` into ``dest``; return ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in COURSE_FILES:
        shutil.copy2(root / name, dest / name)
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    for name in COURSE_DIRS:
        shutil.copytree(root / name, dest / name, ignore=ignore)
    return dest


def free_port() -> int:
    """A TCP port free on loopback right now (the server is told not to move off it if taken)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _local_opener() -> urllib.request.OpenerDirector:
    """urllib without proxies: the server is on loopback, whatever http_proxy says."""
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class LabServer:
    """JupyterLab on ``course`` started by ``make lab``, with all its state inside ``state``.

    ``JUPYTER_CONFIG_DIR``, ``JUPYTER_DATA_DIR``, ``JUPYTER_RUNTIME_DIR`` and ``IPYTHONDIR`` point into
    ``state``, so the server neither reads nor writes the user's Jupyter settings; the venv's own
    data and config directories (where the widget and nbgrader extensions live) stay on the path.
    """

    course: Path
    state: Path
    venv: Path = VENV
    port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    proc: subprocess.Popen | None = None
    started_in: float | None = None  # seconds from launch to the first answer
    stopped_in: float | None = None  # seconds from stop() to no process of the group left

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.state / "jupyterlab.log"

    def lab_args(self) -> list[str]:
        """Options the test adds to ``make lab``'s own: loopback, this port only, a token, no news."""
        return [
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            # the server itself must not go out either: no announcements, no update check
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]

    def command(self) -> list[str]:
        return [
            "make", "--no-print-directory", "-C", str(self.course),
            # the venv is the repository's; never (re)install it from the copy
            "-o", f"{self.venv}/installed", f"VENV={self.venv}",
            f"LAB_ARGS={shlex.join(self.lab_args())}",
            "lab",
        ]

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        for var, sub in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                         ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython")]:
            (self.state / sub).mkdir(parents=True, exist_ok=True)
            env[var] = str(self.state / sub)
        env["JUPYTER_PREFER_ENV_PATH"] = "1"  # the venv's kernel and extensions, not a user's
        env["PATH"] = f"{self.venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        for var in ("JUPYTER_PATH", "JUPYTER_TOKEN", "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR"):
            env.pop(var, None)
        return env

    def start(self, timeout: float = 40.0) -> "LabServer":
        self.state.mkdir(parents=True, exist_ok=True)
        # the student's answer to JupyterLab's first question ("get notified about Jupyter news?"):
        # no; the toast would otherwise cover the bottom of every screenshot
        settings = self.state / "config" / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
        settings.mkdir(parents=True, exist_ok=True)
        (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
        log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            self.command(), cwd=self.course, env=self.environment(), stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,  # its own process group
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"make lab exited with {self.proc.returncode} before serving:\n{self.log()}"
                )
            try:
                self.api("GET", "/api/status")
                self.started_in = time.monotonic() - (deadline - timeout)
                return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer on {self.url} within {timeout:.0f} s:\n{self.log()}")

    def api(self, method: str, path: str, timeout: float = 5.0):
        request = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with _local_opener().open(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log(self, last: int = 60) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(lines[-last:])

    def stop(self, timeout: float = 15.0) -> None:
        """Shut the kernels down, then end this server's process group (and only that)."""
        if self.proc is None:
            return
        began = time.monotonic()
        if self.proc.poll() is None:
            try:
                for kernel in self.api("GET", "/api/kernels"):
                    self.api("DELETE", f"/api/kernels/{kernel['id']}", timeout=10)
            except (urllib.error.URLError, OSError, ValueError):
                pass  # the server is going away anyway; its kernels follow their parent
        pgid = self.proc.pid  # start_new_session: the group id is make's pid
        _signal_group(pgid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _group_alive(pgid) and time.monotonic() < deadline:
            self.proc.poll()
            time.sleep(0.1)
        if _group_alive(pgid):
            _signal_group(pgid, signal.SIGKILL)
        self.proc.wait(timeout=timeout)
        self.proc = None
        self.stopped_in = time.monotonic() - began

    def __enter__(self) -> "LabServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# ------------------------------------------------------------------------------------------------
# the browser


def is_loopback(url: str) -> bool:
    """True for URLs that stay on this machine (127.0.0.0/8, ::1, localhost) or never touch a network.

    >>> [is_loopback(u) for u in ("http://127.0.0.1:8888/lab", "ws://localhost:1/api", "http://[::1]/",
    ...                           "data:image/png;base64,AAAA", "https://cdn.jsdelivr.net/x.js",
    ...                           "http://10.0.0.1/")]
    [True, True, True, True, False, False]
    """
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "chrome", "devtools"):
        return True
    host = (parts.hostname or "").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class BrowserWatch:
    """What the browser tried to do behind the student's back: requests off loopback, console errors."""

    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def attach(self, context, page) -> None:
        context.route("**/*", self._route)
        # websockets bypass context.route: off-loopback ones get a mock that closes at once
        context.route_web_socket(lambda url: not is_loopback(url), self._websocket_route)
        page.on("websocket", self._websocket)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(f"uncaught: {error}"))

    def _block(self, url: str) -> None:
        if url not in self.blocked:
            self.blocked.append(url)

    def _route(self, route) -> None:
        if is_loopback(route.request.url):
            route.continue_()
        else:
            self._block(route.request.url)
            route.abort("blockedbyclient")

    def _websocket_route(self, ws) -> None:
        self._block(ws.url)
        ws.close()

    def _websocket(self, ws) -> None:
        if not is_loopback(ws.url):
            self._block(ws.url)

    def _console(self, message) -> None:
        if message.type == "error":
            location = message.location or {}
            where = location.get("url", "")
            self.console_errors.append(f"{message.text} [{where}]" if where else message.text)


# ------------------------------------------------------------------------------------------------
# the student


def notebook_cell_index(path: Path, grade_id: str) -> int:
    """Position of the cell with nbgrader ``grade_id`` in the notebook file (as JupyterLab shows it)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for index, cell in enumerate(cells):
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            return index
    raise LookupError(f"{path.name} has no cell with grade_id {grade_id!r}")


def notebook_cell_containing(path: Path, text: str) -> int:
    """Position of the first code cell of the notebook file whose source contains ``text``."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for index, cell in enumerate(cells):
        if cell["cell_type"] == "code" and text in "".join(cell["source"]):
            return index
    raise LookupError(f"{path.name} has no code cell containing {text!r}")


class Student:
    """A JupyterLab page worked through the UI only: clicks, typing, menus, the mouse.

    Cells are addressed by their position in the notebook file (see :func:`notebook_cell_index`):
    JupyterLab shows every cell of the file, in order.
    """

    def __init__(self, page, artifacts: Path, timeout: float = 30.0):
        self.page = page
        self.artifacts = artifacts
        self.timeout = timeout
        self.shots: list[Path] = []
        self.times: list[tuple[str, float]] = []  # (screenshot, seconds since this student began)
        self._began = time.monotonic()
        artifacts.mkdir(parents=True, exist_ok=True)

    # -- looking

    def screenshot(self, name: str, cell: int | None = None) -> Path:
        """Save what the student sees now, after scrolling cell ``cell`` into view."""
        if cell is not None:
            self.cell(cell).scroll_into_view_if_needed()
            # cells off screen skip rendering (content-visibility): let a few frames paint them
            for _ in range(3):
                self.page.evaluate("() => new Promise(done => requestAnimationFrame(() => done()))")
        path = self.artifacts / f"{len(self.shots) + 1:02d}-{name}.png"
        self.page.screenshot(path=str(path))
        self.shots.append(path)
        self.times.append((path.name, time.monotonic() - self._began))
        return path

    @property
    def notebook(self):
        """The notebook panel in front."""
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")

    def cell(self, index: int):
        return self.notebook.locator(".jp-Notebook .jp-Cell").nth(index)

    def output_text(self, index: int) -> str:
        """Everything the cell's output area shows, as text ('' when it has no output)."""
        outputs = self.cell(index).locator(".jp-OutputArea-output")
        return "\n".join(outputs.all_text_contents())

    def prompt(self, index: int) -> str:
        return (self.cell(index).locator(".jp-InputPrompt").text_content() or "").strip()

    def kernel_status(self) -> str:
        return self.page.locator("#jp-main-statusbar").inner_text()

    def file_browser_names(self) -> list[str]:
        return self.page.locator("#filebrowser .jp-DirListing-itemText").all_text_contents()

    def menu_bar(self) -> list[str]:
        return self.page.locator("#jp-menu-panel .lm-MenuBar-itemLabel").all_text_contents()

    def error_outputs(self) -> list[str]:
        """Texts of the outputs shown as errors or stderr (red) in the notebook in front."""
        selector = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
        return self.notebook.locator(selector).all_text_contents()

    # -- waiting

    def wait_for(self, condition, what, timeout: float | None = None):
        """Call ``condition`` until it returns something true; fail with ``what()`` after the timeout."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            result = condition()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout or self.timeout:.0f} s waiting for {what()}")
            time.sleep(0.1)

    def wait_idle(self) -> None:
        """Wait for the status bar's kernel item to read Idle."""
        self.page.locator("#jp-main-statusbar").get_by_text(re.compile(r"\|\s*Idle\s*$")).wait_for(
            timeout=self.timeout * 1000
        )

    def _done(self) -> bool:
        prompts = self.notebook.locator(".jp-InputPrompt").all_text_contents()
        return "| Idle" in self.kernel_status() and not any("*" in p for p in prompts)

    def wait_for_output(self, index: int, text: str) -> str:
        """Wait until cell ``index`` shows ``text`` and the kernel has nothing left to run."""
        def shown():
            output = self.output_text(index)
            return output if text in output and self._done() else ""
        return self.wait_for(shown, lambda: f"cell {index} to show {text!r}; it shows "
                             f"{self.output_text(index)!r}, prompt {self.prompt(index)!r}, "
                             f"status {self.kernel_status()!r}")

    def wait_until_run(self, indices: list[int]) -> None:
        """Wait until every cell in ``indices`` has an execution count and the kernel is idle."""
        def pending() -> dict[int, str]:
            return {i: p for i in indices if not re.fullmatch(r"\[\d+\]:", p := self.prompt(i))}

        self.wait_for(lambda: self._done() and not pending(),
                      lambda: f"all cells to run; not run yet (cell: prompt): {pending()}")

    # -- doing

    def open_lab(self, url: str, token: str) -> None:
        self.page.goto(f"{url}/lab?token={token}")
        self.page.locator("#filebrowser .jp-DirListing-item").first.wait_for(timeout=self.timeout * 1000)

    def open_from_file_browser(self, relative_path: str) -> None:
        """From the file browser's root, double-click each folder of ``relative_path``, then the file."""
        browser = self.page.locator("#filebrowser")
        browser.locator(".jp-BreadCrumbs-home").click()
        folders, filename = relative_path.split("/")[:-1], relative_path.split("/")[-1]
        for name in [*folders, filename]:
            text = self.page.locator(".jp-DirListing-itemText").get_by_text(name, exact=True)
            browser.locator(".jp-DirListing-item").filter(has=text).dblclick(timeout=self.timeout * 1000)
            if name != filename:  # wait for the folder's listing before the next double-click
                browser.locator(".jp-BreadCrumbs").get_by_text(name).wait_for(timeout=self.timeout * 1000)
        tab = self.page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current")
        tab.filter(has_text=Path(relative_path).stem).wait_for(timeout=self.timeout * 1000)
        self.notebook.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=self.timeout * 1000)
        self.wait_idle()

    def replace_cell_source(self, index: int, source: str) -> None:
        """Click into the cell's editor, select everything in it and type ``source`` instead."""
        self.cell(index).locator(".cm-content").click()
        self.page.keyboard.press("ControlOrMeta+a")
        self.page.keyboard.press("Delete")
        self.page.keyboard.insert_text(source)
        self.page.keyboard.press("Escape")  # leave the editor, as a student does before running

    def menu(self, menu: str, item: str) -> None:
        """Click ``menu`` in the menu bar, then ``item`` in it."""
        self.page.locator("#jp-menu-panel").get_by_role("menuitem", name=menu, exact=True).click()
        self.page.locator(".lm-Menu").get_by_role("menuitem", name=re.compile(rf"^{re.escape(item)}")).click()

    def run_all(self) -> None:
        """Run → Run All Cells."""
        self.menu("Run", "Run All Cells")

    def restart_and_run_all(self) -> None:
        """Kernel → Restart Kernel and Run All Cells, and confirm the restart in the dialog."""
        self.menu("Kernel", "Restart Kernel and Run All Cells")
        self.page.locator(".jp-Dialog .jp-mod-accept").click(timeout=self.timeout * 1000)

    def drag_slider(self, cell: int, label: str, dx: float) -> str:
        """Drag the handle of the widget slider labelled ``label`` in ``cell`` by ``dx`` pixels;
        return the slider's new value (``aria-valuetext``: ``aria-valuenow`` is rounded to 1 decimal)."""
        slider = self.cell(cell).locator(".widget-slider").filter(
            has=self.page.locator(".widget-label").get_by_text(label, exact=True)
        )
        handle = slider.locator(".noUi-handle")
        before = handle.get_attribute("aria-valuetext")
        handle.scroll_into_view_if_needed()
        box = handle.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        self.page.mouse.move(x, y)
        self.page.mouse.down()
        self.page.mouse.move(x + dx, y, steps=8)
        self.page.mouse.up()
        return self.wait_for(
            lambda: (value := handle.get_attribute("aria-valuetext")) != before and value,
            lambda: f"the {label!r} slider to move from {before}",
        )
