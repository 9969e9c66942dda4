"""Test set-up shared by the tests in tests/ and the doctests of crmlib: a headless matplotlib, and
after each test every figure closed (the plots' doctests open one each) and the figures' language
English again (a Chinese notebook run in the test process calls ``plots.use_language("zh")``)."""

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
    from crmlib import plots

    plots.use_language("en")
