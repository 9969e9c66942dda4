"""The grading sandbox: student code runs inside bubblewrap, seeing only its own submission.

Autograding runs every submitted notebook. That code is hostile until shown otherwise: it may try
to rewrite the gradebook, read the solutions (``source/``) or a classmate's submission, read the
instructor's secrets from the environment, or phone home. :class:`SandboxedKernelManager` starts
each grading kernel with Debian's ``bubblewrap`` (``bwrap``, unprivileged user namespaces), so that
the kernel sees

- its own submission folder (``autograded/<student>/<assignment>/``), read-write;
- the Python environment and the system's libraries, read-only (only the folders Python needs:
  the environment, its base installation, and crmlib's own folders when it is an editable install;
  never the course repository itself);
- an empty home and temporary folder of its own (``/sandbox``);

and nothing else: no gradebook, no ``source/``, no other student, no term folder, no network
(a network namespace of its own), no other process (a PID namespace of its own), an environment
with none of the grader's variables (``--clearenv``), and no capabilities. The kernel talks to the
grader over Unix sockets (ZeroMQ's ``ipc`` transport) in a private folder, and is interrupted by
message (a signal cannot reach into its session).

nbgrader's ``Execute`` step picks this kernel manager when ``GuardedExecute.sandbox`` is
``"bubblewrap"`` (the default in every course configuration, see :mod:`crm_course.grader`).
Where bubblewrap cannot run, grading stops with :class:`SandboxUnavailable`, which says how to
install it; grading without the sandbox needs the explicit setting ``GuardedExecute.sandbox =
"off"`` (``crm-course grade --unsandboxed``), and is announced loudly.

When the grader runs as root, the sandboxed code runs as uid 65534 inside its user namespace
(mapped to root outside it, with no capabilities, so the mounts above are all it can reach). In
production run the grader as an unprivileged account (the JupyterHub grader account does): then
the sandboxed code has that account's rights, and only on the folders above.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Integer

#: System folders the kernel reads (the ones that exist are mounted read-only; /bin, /lib... may be
#: symbolic links into /usr, and are recreated as such).
SYSTEM_FOLDERS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
#: Single files and folders under /etc that libraries read (fonts for matplotlib, the linker cache,
#: time zone, locale aliases). Nothing with a secret in it.
SYSTEM_FILES = ("/etc/fonts", "/etc/ld.so.cache", "/etc/localtime", "/etc/alternatives", "/etc/locale.alias",
                "/etc/matplotlibrc", "/etc/mime.types")
#: The sandbox's own writable scratch space (a tmpfs): its home and temporary folders. Not /tmp, so
#: that folders mounted from the host's /tmp do not sit inside something writable.
SCRATCH = "/sandbox"
SANDBOX_HOME = f"{SCRATCH}/home"
SANDBOX_TMP = f"{SCRATCH}/tmp"


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create its namespaces here; the message says what to do."""


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


@functools.lru_cache(maxsize=1)
def sandbox_problem() -> str | None:
    """Why the sandbox cannot run here (None when it can): bwrap missing, or namespaces refused."""
    bwrap = bwrap_path()
    if bwrap is None:
        return ("bubblewrap (bwrap) is not installed: install it with `apt-get install bubblewrap` "
                "(Debian/Ubuntu) or `dnf install bubblewrap`")
    trial = subprocess.run([bwrap, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "true"],
                           capture_output=True, text=True, timeout=30)
    if trial.returncode != 0:
        return (f"bubblewrap cannot create its namespaces here ({trial.stderr.strip()}): allow unprivileged "
                "user namespaces (sysctl kernel.unprivileged_userns_clone=1), or in a container run it with "
                "--security-opt seccomp=unconfined; see docs/instructor-guide.md, 'The grading sandbox'")
    return None


def python_folders() -> list[Path]:
    """The folders the kernel's Python needs: the environment, its base installation, and crmlib's
    own folders when crmlib is not installed inside the environment (an editable install)."""
    folders = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), Path(sys.executable).resolve().parent}
    for name in ("crmlib", "crmlib.data"):
        spec = importlib.util.find_spec(name)
        for location in (spec.submodule_search_locations or []) if spec else []:
            folders.add(Path(location).resolve())
    inside = [f for f in folders if any(f != other and f.is_relative_to(other) for other in folders)]
    return sorted(folders - set(inside))


def _system_mounts() -> list[str]:
    args = []
    for name in SYSTEM_FOLDERS + SYSTEM_FILES:
        path = Path(name)
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), name]
        elif path.exists():
            args += ["--ro-bind", name, name]
    return args


def sandbox_command(command: list[str], *, writable: Path, runtime: Path, uid: int = 65534) -> list[str]:
    """``command`` wrapped in bubblewrap: read-write only ``writable`` (the submission folder) and
    ``runtime`` (the kernel's connection file and sockets); see the module docstring."""
    bwrap = bwrap_path()
    if bwrap is None:
        raise SandboxUnavailable(sandbox_problem())
    args = [bwrap, "--unshare-all", "--unshare-user", "--uid", str(uid), "--gid", str(uid),
            "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            *_system_mounts(),
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", SCRATCH, "--dir", SANDBOX_HOME, "--dir", SANDBOX_TMP]
    for folder in python_folders():
        args += ["--ro-bind", str(folder), str(folder)]
    args += ["--bind", str(writable), str(writable), "--bind", str(runtime), str(runtime),
             # the sandbox's own root (the folders bwrap made to mount on) is read-only too
             "--remount-ro", "/", "--chdir", str(writable), "--clearenv"]
    environment = {
        "HOME": SANDBOX_HOME,
        "TMPDIR": SANDBOX_TMP,
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "MPLCONFIGDIR": f"{SANDBOX_HOME}/.matplotlib",
        "PYTHONNOUSERSITE": "1",
        # one thread per kernel: grading runs one kernel per core
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    for name, value in environment.items():
        args += ["--setenv", name, value]
    return [*args, "--", *command]


class SandboxedKernelManager(AsyncKernelManager):
    """A grading kernel started inside bubblewrap (see the module docstring).

    The folder the kernel starts in (nbgrader's ``autograded/<student>/<assignment>/``) is the only
    one it may write; its connection file and ZeroMQ sockets live in a private folder that is
    removed when the kernel is cleaned up.
    """

    sandbox_uid = Integer(65534, help="The user id the code has inside the sandbox").tag(config=True)

    _runtime: Path | None = None

    async def _async_pre_start_kernel(self, **kw):
        problem = sandbox_problem()
        if problem:
            raise SandboxUnavailable(f"grading refused: the sandbox cannot run: {problem}. To grade without it "
                                     "(only submissions you trust), run crm-course grade --unsandboxed.")
        self._remove_runtime()
        self._runtime = Path(tempfile.mkdtemp(prefix="crm-sandbox-"))
        self.transport = "ipc"
        self.ip = str(self._runtime / "kernel")
        self.connection_file = str(self._runtime / "kernel.json")
        writable = Path(kw.get("cwd") or os.getcwd()).resolve()
        command, kw = await super()._async_pre_start_kernel(**kw)
        os.chmod(self._runtime, 0o700)
        command = sandbox_command(command, writable=writable, runtime=self._runtime, uid=self.sandbox_uid)
        kw["cwd"] = str(self._runtime)
        # bubblewrap itself gets a minimal environment; the kernel's is set by --setenv
        kw["env"] = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
        return command, kw

    async def _async_interrupt_kernel(self) -> None:
        # A signal sent to the kernel's process group cannot reach into the sandbox's own session:
        # ask the kernel to interrupt itself (ipykernel's interrupt_request) instead.
        if self.has_kernel:
            message = self.session.msg("interrupt_request", content={})
            self._connect_control_socket()
            self.session.send(self._control_socket, message)
        else:
            await super()._async_interrupt_kernel()

    interrupt_kernel = _async_interrupt_kernel

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            self._remove_runtime()

    cleanup_resources = _async_cleanup_resources

    def _remove_runtime(self) -> None:
        if self._runtime is not None:
            shutil.rmtree(self._runtime, ignore_errors=True)
            self._runtime = None
