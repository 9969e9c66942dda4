"""Shared test set-up: the venv's bin/ on PATH, and a few small fixtures (conftest.py at the root
makes matplotlib headless and closes figures)."""

import os
import sys
from pathlib import Path

import pytest

# nbgrader runs `alembic` (and notebooks run `jupyter`) by name: the venv's bin/ must be on PATH.
VENV_BIN = str(Path(sys.executable).parent)
if VENV_BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = VENV_BIN + os.pathsep + os.environ.get("PATH", "")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def root() -> Path:
    """The repository root."""
    return ROOT

