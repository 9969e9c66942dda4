"""Benchmark: fitting the predictive CLV models (crmlib.models), beside lifetimes 0.11.3.

Targets:

- issue 11: BG/NBD on the CDNOW sample summary *as lifetimes writes it* (its CSV copy,
  ``lifetimes/datasets/cdnow_customers_summary.csv``: weeks, t_x and T as floats read back from
  CSV, 2,357 customers) fits in at most half the time of lifetimes 0.11.3's
  ``BetaGeoFitter().fit`` on the same input, measured side by side in this one process;
- issue 6: BG/NBD on crmlib's own CDNOW sample summary in at most 0.1 s on 2 cores.

Side by side means: one warm-up call of each, then rounds in which each library fits once, the
order alternating from round to round; the figure is each side's median. Both sides compute
their standard errors during the fit (lifetimes with autograd's Hessian, crmlib with central
differences of its analytic gradient). The estimates and standard errors are printed beside
each other, so the table also says that both fits found the same answer.

lifetimes is not part of crmlib's install: ``.venv/bin/pip install -e ".[bench]"`` adds it (the
``bench`` extra of pyproject.toml pins ``lifetimes==0.11.3``). Without it the lifetimes rows are
skipped with a note. (``lifetimes.datasets`` needs ``pkg_resources``, which setuptools 81 and
later no longer ship, so the CSV is read from the installed package's folder with pandas.)

Run: ``.venv/bin/python bench/bench_models.py``.
"""

from __future__ import annotations

import os
import statistics
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import scipy

from crmlib.btyd import btyd_summary
from crmlib.datasets import load_cdnow_master, load_cdnow_sample, load_sbg_retention
from crmlib.models import BetaGeo, GammaGamma, ShiftedBetaGeometric

CALIBRATION_END = "1997-09-30"
TARGET_SAMPLE_FIT = 0.1
TARGET_RATIO = 0.5

try:
    import lifetimes
    from lifetimes import BetaGeoFitter, GammaGammaFitter
except ImportError:  # the bench extra is not installed
    lifetimes = None


def timed(function, repeats: int):
    """Median seconds of ``repeats`` calls after one warm-up call, and the last result."""
    result = function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def side_by_side(functions: dict, rounds: int) -> tuple[dict, dict]:
    """Median seconds per function over ``rounds`` interleaved rounds (order alternating), and results."""
    results = {name: function() for name, function in functions.items()}  # warm-up
    times = {name: [] for name in functions}
    names = list(functions)
    for round_number in range(rounds):
        for name in names if round_number % 2 == 0 else names[::-1]:
            start = time.perf_counter()
            results[name] = functions[name]()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}, results


def show(label: str, seconds: float, detail: str = "") -> None:
    print(f"  {label:<50} {seconds * 1000:8.1f} ms  {detail}")


def lifetimes_csv(name: str) -> pd.DataFrame:
    """A CSV that lifetimes ships, read from the installed package's datasets folder."""
    return pd.read_csv(Path(lifetimes.__file__).parent / "datasets" / name, index_col=0)


def compare_bgnbd(label: str, summary: pd.DataFrame, rounds: int) -> float:
    """Fit BG/NBD with both libraries on one (x, t_x, T) summary; print times, ratio, estimates."""
    x, t_x, T = summary["x"], summary["t_x"], summary["T"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lifetimes' own FutureWarnings
        medians, fits = side_by_side({
            "crmlib": lambda: BetaGeo().fit(summary),
            "lifetimes": lambda: BetaGeoFitter().fit(x, t_x, T),
        }, rounds)
    ratio = medians["crmlib"] / medians["lifetimes"]
    verdict = "OK" if ratio <= TARGET_RATIO else "ABOVE TARGET"
    print(f"\n  BG/NBD on {label}: {len(summary):,} customers, "
          f"{summary[['x', 't_x', 'T']].drop_duplicates().shape[0]:,} distinct histories, {rounds} rounds")
    show("crmlib BetaGeo().fit", medians["crmlib"])
    show("lifetimes 0.11.3 BetaGeoFitter().fit", medians["lifetimes"])
    print(f"  {'ratio crmlib / lifetimes':<50} {ratio:8.2f}     (target <= {TARGET_RATIO}: {verdict})")
    ours, theirs = fits["crmlib"], fits["lifetimes"]
    table = pd.DataFrame({"crmlib": ours.params_, "se": ours.standard_errors_,
                          "lifetimes": theirs.params_[list(ours.params_.index)],
                          "se ": theirs.standard_errors_[list(ours.params_.index)]})
    print("  " + table.to_string(float_format=lambda v: f"{v:.6f}").replace("\n", "\n  "))
    print(f"  log-likelihood: crmlib {ours.log_likelihood_:.4f}")
    return ratio


def main() -> None:
    print(f"{os.cpu_count()} cores, numpy {np.__version__}, scipy {scipy.__version__}, pandas {pd.__version__}"
          + (f", lifetimes {lifetimes.__version__}" if lifetimes else ""))
    sample_tx, master_tx = load_cdnow_sample(), load_cdnow_master()

    t, sample = timed(lambda: btyd_summary(sample_tx, CALIBRATION_END, returns="keep"), 20)
    show("btyd_summary, CDNOW sample", t, f"{len(sample):,} customers, {int(sample['x'].sum()):,} repeat purchases")
    t, full = timed(lambda: btyd_summary(master_tx, CALIBRATION_END, returns="keep"), 10)
    show("btyd_summary, full CDNOW", t, f"{len(full):,} customers, {int(full['x'].sum()):,} repeat purchases")

    if lifetimes is None:
        print('\n  lifetimes is not installed: .venv/bin/pip install -e ".[bench]" to time it side by side')
    else:
        written = lifetimes_csv("cdnow_customers_summary.csv").rename(columns={"frequency": "x", "recency": "t_x"})
        compare_bgnbd("the CDNOW sample summary as lifetimes writes it (its CSV)", written, 15)
        compare_bgnbd("crmlib's btyd_summary of the CDNOW sample", sample, 15)
        compare_bgnbd("crmlib's btyd_summary of the full CDNOW file", full, 5)

        spend = lifetimes_csv("cdnow_customers_summary_with_transactions.csv")
        repeat = spend[spend["x"] > 0].rename(columns={"zbar": "monetary"})
        medians, fits = side_by_side({
            "crmlib": lambda: GammaGamma().fit(repeat),
            "lifetimes": lambda: GammaGammaFitter().fit(repeat["x"], repeat["monetary"]),
        }, 15)
        print(f"\n  Gamma-Gamma on lifetimes' CSV of the {len(repeat)} repeat buyers, 15 rounds")
        show("crmlib GammaGamma().fit", medians["crmlib"], repr(fits["crmlib"]))
        show("lifetimes 0.11.3 GammaGammaFitter().fit", medians["lifetimes"],
             ", ".join(f"{k}={v:.3f}" for k, v in fits["lifetimes"].params_.items()))
        print(f"  {'ratio crmlib / lifetimes':<50} {medians['crmlib'] / medians['lifetimes']:8.2f}")

    print()
    t_sample, model = timed(lambda: BetaGeo().fit(sample), 20)
    verdict = "OK" if t_sample <= TARGET_SAMPLE_FIT else "SLOWER THAN TARGET"
    show("BetaGeo.fit, CDNOW sample", t_sample,
         f"{model!r}, LL {model.log_likelihood_:.1f}  (target <= {TARGET_SAMPLE_FIT * 1000:.0f} ms: {verdict})")
    t, model = timed(lambda: BetaGeo().fit(full), 5)
    show("BetaGeo.fit, full CDNOW", t, f"{model!r}, LL {model.log_likelihood_:.1f}")

    t, spend_model = timed(lambda: GammaGamma().fit(sample), 20)
    show("GammaGamma.fit, CDNOW sample repeat buyers", t, f"{spend_model!r} on {spend_model.n_customers_} buyers")
    # one customer of the full file made only free repeat purchases ($0.00): Gamma-Gamma needs spend > 0
    paying = full[(full["x"] == 0) | (full["monetary"] > 0)]
    t, spend_model = timed(lambda: GammaGamma().fit(paying), 10)
    show("GammaGamma.fit, full CDNOW repeat buyers", t, f"{spend_model!r} on {spend_model.n_customers_:,} buyers")

    cohorts = load_sbg_retention()
    for cohort in ("regular", "high_end"):
        t, retention = timed(lambda cohort=cohort: ShiftedBetaGeometric().fit(cohorts.loc[0:7, cohort]), 20)
        show(f"ShiftedBetaGeometric.fit, {cohort}", t, repr(retention))

    bgnbd = BetaGeo().fit(sample)
    t, _ = timed(lambda: bgnbd.expected_purchases(sample, 39.0), 20)
    show("BetaGeo.expected_purchases, sample, 39 weeks", t)
    t, _ = timed(lambda: bgnbd.clv(full, 35.0, years=3, discount_rate=0.1), 5)
    show("BetaGeo.clv, full CDNOW, 3 years monthly", t)


if __name__ == "__main__":
    main()
