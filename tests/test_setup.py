"""The set-up files agree with each other, and what the README says exists."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _pyproject_requirements() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements += extra
    # an extra that pulls in another ("crmlib[scale]" in dev) names no package of its own
    return {r.replace(" ", "") for r in requirements if not r.startswith(project["name"] + "[")}


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


def test_ci_runs_make_test_with_the_browser_tests_required():
    script = (ROOT / ".ci" / "run").read_text()
    assert "make test" in script
    assert "export CRM_REQUIRE_BROWSER=1" in script
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
