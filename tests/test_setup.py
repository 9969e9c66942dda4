"""The set-up files agree with each other, and what the README says exists."""

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


#: pip extras that only choose how a package is built, with no conda counterpart: psycopg[binary] is
#: psycopg with its own libpq, which conda-forge's psycopg always brings.
PIP_BUILD_EXTRAS = {"psycopg[binary]": "psycopg"}


def _pyproject_requirements() -> set[str]:
    """crmlib's requirements and every extra's, less the extras' references to crmlib itself."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements += [r for r in extra if not r.startswith(f"{project['name']}[")]
    requirements = [r.replace(" ", "") for r in requirements]
    for pip_name, conda_name in PIP_BUILD_EXTRAS.items():
        requirements = [conda_name + r[len(pip_name):] if r.startswith(pip_name) else r for r in requirements]
    return set(requirements)


def _conda_requirements() -> set[str]:
    """The conda dependencies, less python itself and pip."""
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed = [d.replace(" ", "") for d in environment["dependencies"] if isinstance(d, str)]
    return {d for d in listed if re.match(r"[A-Za-z0-9_.-]+", d).group() not in {"python", "pip"}}


def test_environment_yml_lists_the_same_packages_and_versions_as_pyproject():
    assert _conda_requirements() == _pyproject_requirements()


def test_environment_yml_installs_crmlib_itself():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = [d for d in environment["dependencies"] if isinstance(d, dict)]
    assert pip_section == [{"pip": ["-e ."]}]


def test_readme_links_and_paths_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", readme)
    local = [t for t in targets if not re.match(r"[a-z]+://", t)]
    assert local, "the README links to the course's files"
    missing = [t for t in local if not (ROOT / t).exists()]
    assert not missing, f"README links to files that do not exist: {missing}"


def test_readme_make_targets_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z]+):", makefile, flags=re.M))
    used = set(re.findall(r"\bmake ([a-z]+)\b", readme))
    assert {"course", "test", "lab"} <= used
    assert used <= targets, f"README names make targets the Makefile lacks: {used - targets}"


def test_make_test_runs_ruff_and_ruff_is_configured():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "ruff check ." in recipe
    lint = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]["lint"]
    assert {"E", "F", "W", "I", "B"} <= set(lint["select"])


def test_ci_runs_make_test_with_the_browser_tests_required():
    script = (ROOT / ".ci" / "run").read_text()
    assert "make test" in script
    assert "export CRM_REQUIRE_BROWSER=1" in script and "export CRM_REQUIRE_SANDBOX=1" in script
    assert "bubblewrap" in script
    # a class on JupyterHub (tests/test_jupyterhub.py): PostgreSQL, a venv from Debian's Python, the proxy
    assert "export CRM_REQUIRE_HUB=1" in script
    for needed in ("postgresql", "python3-venv", "npm install -g --silent configurable-http-proxy"):
        assert needed in script, needed
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "CRM_REQUIRE_BROWSER=1" in readme and "apt-get install chromium" in readme


def test_ci_installs_java_and_requires_the_spark_tests():
    script = (ROOT / ".ci" / "run").read_text()
    assert "openjdk-17-jre-headless" in script and "export CRM_REQUIRE_SPARK=1" in script
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "CRM_REQUIRE_SPARK=1" in readme and "apt-get install openjdk-17-jre-headless" in readme


def test_gitignore_keeps_grading_output_and_builds_out_of_git():
    ignored = (ROOT / ".gitignore").read_text().split()
    for entry in (".venv/", "gradebook.db", "submitted/", "autograded/", "feedback/", "_build/"):
        assert entry in ignored


def test_make_targets_go_through_crm_course():
    makefile = (ROOT / "Makefile").read_text()
    recipes = dict(re.findall(r"^([a-z]+):[^\n]*\n((?:\t[^\n]*\n)+)", makefile, flags=re.M))
    assert "crm-course build" in recipes["course"]
    assert "crm-course exercises" in recipes["exercises"]
    assert "crm-course site" in recipes["site"]
    assert "rm -rf" not in makefile, "make clean goes through crm-course clean, which keeps graded work"


# ------------------------------------------------------------------------------------------------
# two packages: crmlib (the student's library) and crm_course (the course's tools)

CRMLIB_MODULES = sorted(
    "crmlib." + p.relative_to(ROOT / "crmlib").with_suffix("").as_posix().replace("/", ".")
    for p in (ROOT / "crmlib").rglob("*.py") if p.name != "__init__.py"
) + ["crmlib", "crmlib.models"]
TOOL_PACKAGES = ("nbgrader", "jupyterlab", "nbclient", "jupyter-book", "jupyter_book", "jupyter-server")


def test_crmlib_does_not_mention_the_course_tools_packages():
    # crmlib is what a notebook imports: the grading checks' docs may name nbgrader, nothing else.
    found = subprocess.run(["grep", "-rn", r"nbgrader\|nbclient\|jupyter_book", "crmlib/"], cwd=ROOT,
                           capture_output=True, text=True).stdout.splitlines()
    outside_grading_docs = [line for line in found if not line.startswith("crmlib/grading.py:")]
    assert not outside_grading_docs, outside_grading_docs
    grading_code = [line for line in found if line.startswith("crmlib/grading.py:")
                    and re.search(r"^\S+:\d+:\s*(import|from)\s", line)]
    assert not grading_code, grading_code


def test_the_wheel_installs_into_an_empty_venv_without_the_course_tools(tmp_path):
    """``pip install .`` (the wheel, built offline) into an empty venv: crmlib's own requirements
    only, and every crmlib module imports there, from a folder outside the repository."""
    src = tmp_path / "src"
    src.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    shutil.copy2(ROOT / "pyproject.toml", src)
    shutil.copy2(ROOT / "README.md", src)
    for folder in ("crmlib", "crm_course", "datasets"):
        shutil.copytree(ROOT / folder, src / folder, ignore=ignore)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-index", "--no-build-isolation",
                            "--quiet", "-w", str(tmp_path / "dist"), str(src)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("crmlib-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    installed = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                                str(wheel)], capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr
    listed = subprocess.run([str(python), "-m", "pip", "list", "--format=freeze"], capture_output=True,
                            text=True, check=True).stdout.lower()
    names = {line.split("==")[0] for line in listed.split()}
    assert not names & set(TOOL_PACKAGES), f"the base install pulled in {names & set(TOOL_PACKAGES)}"
    code = ("import importlib, sys\n"
            f"for name in {CRMLIB_MODULES!r}:\n"
            "    module = importlib.import_module(name)\n"
            "    assert module.__file__.startswith(sys.prefix), module.__file__\n"
            "import crmlib.datasets as d\n"
            "print(len(d.load_cdnow_sample()))\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    ran = subprocess.run([str(python), "-c", code], cwd=elsewhere, capture_output=True, text=True,
                         env={"PATH": str(venv / "bin"), "MPLBACKEND": "Agg", "HOME": str(tmp_path)}, timeout=300)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split() == ["6919"]
    # the course's command is there, and says what it needs instead of a traceback
    tools = subprocess.run([str(venv / "bin" / "crm-course"), "where"], capture_output=True, text=True,
                           cwd=elsewhere, env={"PATH": str(venv / "bin"), "HOME": str(tmp_path)})
    assert tools.returncode == 1
    assert "pip install -e '.[course]'" in tools.stderr
