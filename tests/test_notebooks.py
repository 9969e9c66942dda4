"""Every notebook in chapters/ and solutions/ executes top to bottom, and all notebooks are stored clean.

Execution happens on an in-memory copy; the stored files keep no outputs. Each chapter must run in
under 20 s on 2 cores (the limit here is looser, 120 s, because the test machines are shared:
bench/README.md records the measured times).
"""

import json
import subprocess
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
EXECUTED = sorted(ROOT.glob("chapters/*.ipynb")) + sorted(ROOT.glob("solutions/*/*.ipynb"))
# The Chinese chapters (chapters/zh/) are executed by tests/test_chinese_edition.py, which also checks
# that every character of their figures has a glyph.
STORED = EXECUTED + sorted(ROOT.glob("chapters/zh/*.ipynb")) + sorted(ROOT.glob("exercises/*/*.ipynb"))


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", EXECUTED, ids=_name)
def test_notebook_executes(path):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    seconds = []  # per cell, so that a slow notebook names its slow cell
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            start = time.perf_counter()
            client.execute_cell(cell, index)
            seconds.append(time.perf_counter() - start)
    errors = [o for cell in notebook.cells for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"{_name(path)} raised {errors[0]['ename']}: {errors[0]['evalue']}"
    slowest = max(range(len(seconds)), key=seconds.__getitem__)
    assert sum(seconds) < 120, (
        f"{_name(path)} took {sum(seconds):.0f} s; its slowest cell, {slowest}, took {seconds[slowest]:.0f} s: "
        f"{notebook.cells[slowest].source[:80]!r}"
    )


@pytest.mark.parametrize("path", STORED, ids=_name)
def test_notebook_is_stored_without_outputs(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{_name(path)} is stored with outputs"
            assert cell.get("execution_count") is None, f"{_name(path)} is stored with execution counts"
    assert notebook["metadata"].get("kernelspec", {}).get("name") == "python3"


def _notebooks_git_sees() -> list[Path]:
    """Every notebook git tracks or would offer to track: what is ignored (my-work/, _build/, a
    term's submitted/, autograded/...) is a user's or the tools' business, not the course's."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.ipynb"],
                            cwd=ROOT, capture_output=True, text=True, check=True)
    return [ROOT / line for line in listed.stdout.splitlines() if (ROOT / line).exists()]


def test_there_are_no_stray_notebooks():
    allowed = set(STORED)
    stray = [p for p in _notebooks_git_sees() if p not in allowed]
    assert not stray, f"notebooks outside chapters/, solutions/ and exercises/: {stray}"


def test_a_self_learners_and_a_graders_notebooks_are_not_strays(tmp_path):
    # Real use leaves notebooks in git-ignored places: they must not fail the test suite.
    ignored = [ROOT / "my-work" / "ex99-test" / "ex99-test.ipynb", ROOT / "autograded" / "li" / "ex99" / "ex99.ipynb"]
    made = []
    try:
        for path in ignored:
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text("{}")
                made.append(path)
        assert not set(ignored) & set(_notebooks_git_sees())
    finally:
        for path in made:
            path.unlink()
            for parent in path.parents:
                if parent == ROOT or any(parent.iterdir()):
                    break
                parent.rmdir()
