"""Test set-up shared by the tests in tests/ and the doctests of crmlib: a headless matplotlib, and
every figure closed after each test (the plots' doctests open one each)."""

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
