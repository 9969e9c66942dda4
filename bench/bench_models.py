"""Benchmark: fitting the predictive CLV models (crmlib.models) on the CDNOW data.

Target (issue 6): fitting BG/NBD on the CDNOW 1/10 sample (2,357 customers, 39-week
calibration) takes at most 0.1 s on 2 cores. Also timed: BG/NBD on the full CDNOW file (23,570
customers), the summaries that feed them (btyd_summary), Gamma-Gamma on the repeat buyers and
sBG on the Fader & Hardie (2007) cohorts. Each time is the median of several runs after a
warm-up; the parameters printed alongside show that each fit found the published answer.

Run: ``.venv/bin/python bench/bench_models.py``.
"""

from __future__ import annotations

import os
import statistics
import time

import numpy as np
import pandas as pd
import scipy

from crmlib.btyd import btyd_summary
from crmlib.datasets import load_cdnow_master, load_cdnow_sample, load_sbg_retention
from crmlib.models import BetaGeo, GammaGamma, ShiftedBetaGeometric

CALIBRATION_END = "1997-09-30"
TARGET_SAMPLE_FIT = 0.1


def timed(function, repeats: int):
    """Median seconds of ``repeats`` calls after one warm-up call, and the last result."""
    result = function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def show(label: str, seconds: float, detail: str = "") -> None:
    print(f"  {label:<44} {seconds * 1000:8.1f} ms  {detail}")


def main() -> None:
    print(f"{os.cpu_count()} cores, numpy {np.__version__}, scipy {scipy.__version__}, pandas {pd.__version__}")
    sample_tx, master_tx = load_cdnow_sample(), load_cdnow_master()

    t, sample = timed(lambda: btyd_summary(sample_tx, CALIBRATION_END, returns="keep"), 20)
    show("btyd_summary, CDNOW sample", t, f"{len(sample):,} customers, {int(sample['x'].sum()):,} repeat purchases")
    t, full = timed(lambda: btyd_summary(master_tx, CALIBRATION_END, returns="keep"), 10)
    show("btyd_summary, full CDNOW", t, f"{len(full):,} customers, {int(full['x'].sum()):,} repeat purchases")

    t_sample, model = timed(lambda: BetaGeo().fit(sample), 20)
    verdict = "OK" if t_sample <= TARGET_SAMPLE_FIT else "SLOWER THAN TARGET"
    show("BetaGeo.fit, CDNOW sample", t_sample,
         f"{model!r}, LL {model.log_likelihood_:.1f}  (target <= {TARGET_SAMPLE_FIT * 1000:.0f} ms: {verdict})")
    t, model = timed(lambda: BetaGeo().fit(full), 5)
    show("BetaGeo.fit, full CDNOW", t, f"{model!r}, LL {model.log_likelihood_:.1f}")

    t, spend = timed(lambda: GammaGamma().fit(sample), 20)
    show("GammaGamma.fit, CDNOW sample repeat buyers", t, f"{spend!r} on {spend.n_customers_} buyers")
    # one customer of the full file made only free repeat purchases ($0.00): Gamma-Gamma needs spend > 0
    paying = full[(full["x"] == 0) | (full["monetary"] > 0)]
    t, spend = timed(lambda: GammaGamma().fit(paying), 10)
    show("GammaGamma.fit, full CDNOW repeat buyers", t, f"{spend!r} on {spend.n_customers_:,} buyers")

    cohorts = load_sbg_retention()
    for cohort in ("regular", "high_end"):
        t, retention = timed(lambda: ShiftedBetaGeometric().fit(cohorts.loc[0:7, cohort]), 20)
        show(f"ShiftedBetaGeometric.fit, {cohort}", t, repr(retention))

    bgnbd = BetaGeo().fit(sample)
    t, _ = timed(lambda: bgnbd.expected_purchases(sample, 39.0), 20)
    show("BetaGeo.expected_purchases, sample, 39 weeks", t)
    t, _ = timed(lambda: bgnbd.clv(full, 35.0, years=3, discount_rate=0.1), 5)
    show("BetaGeo.clv, full CDNOW, 3 years monthly", t)


if __name__ == "__main__":
    main()
