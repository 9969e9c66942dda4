"""crmlib.datasets: the shipped files, the Quansheng case facts and the synthetic generator.

The Quansheng checks compute F, P, R and delta directly with pandas (not with crmlib.churn), so a
fault in the file and a fault in the alert code cannot hide each other.
"""

import io
import shutil
import subprocess
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest

from crmlib import datasets

TODAY = pd.Timestamp("2004-11-27")
WINDOW_START = TODAY - pd.Timedelta(days=365)  # 2003-11-27, not included
FIRMS = ["甲", "乙", "丙", "丁", "戊", "己", "庚"]


# -- real files: row and customer counts -------------------------------------------------------

def test_cdnow_master_has_69659_rows_of_23570_customers():
    master = datasets.load_cdnow_master()
    assert master.columns.tolist() == ["customer_id", "date", "cds", "amount"]
    assert len(master) == 69_659
    assert master["customer_id"].nunique() == 23_570
    assert master["customer_id"].min() == 1 and master["customer_id"].max() == 23_570
    assert master["date"].min() == pd.Timestamp("1997-01-01")
    assert master["date"].max() == pd.Timestamp("1998-06-30")
    assert master["amount"].sum() == pytest.approx(2_500_315.63, abs=0.005)
    assert int(master["cds"].sum()) == 167_881
    assert int((master["amount"] == 0).sum()) == 80


def test_cdnow_master_dtypes():
    dtypes = datasets.load_cdnow_master().dtypes.astype(str).to_dict()
    assert dtypes == {"customer_id": "int64", "date": "datetime64[ns]", "cds": "int64", "amount": "float64"}


def test_cdnow_sample_has_6919_rows_of_2357_customers():
    sample = datasets.load_cdnow_sample()
    assert sample.columns.tolist() == ["customer_id", "date", "cds", "amount", "master_id"]
    assert sample.dtypes.astype(str).tolist() == ["int64", "datetime64[ns]", "int64", "float64", "int64"]
    assert len(sample) == 6_919
    assert sample["customer_id"].nunique() == 2_357
    assert sample["master_id"].nunique() == 2_357
    assert sample["customer_id"].min() == 1 and sample["customer_id"].max() == 2_357
    assert sample["amount"].sum() == pytest.approx(244_091.94, abs=0.005)


def test_cdnow_sample_customers_are_master_customers_with_all_their_purchases():
    sample = datasets.load_cdnow_sample()
    master = datasets.load_cdnow_master()
    per_sample = sample.groupby("master_id").size()
    per_master = master.groupby("customer_id").size().reindex(per_sample.index)
    pd.testing.assert_series_equal(per_sample, per_master, check_names=False)
    # one sample id <-> one master id
    assert (sample.groupby("customer_id")["master_id"].nunique() == 1).all()


def test_donations_has_22_patterns_of_11104_donors():
    donations = datasets.load_donations()
    assert donations.columns.tolist() == ["frequency", "recency", "periods", "weights"]
    assert (donations.dtypes == "int64").all()
    assert len(donations) == 22
    assert int(donations["weights"].sum()) == 11_104
    assert (donations["periods"] == 6).all()
    assert (donations["recency"] >= donations["frequency"].clip(upper=1)).all()
    assert donations.iloc[0].tolist() == [0, 0, 6, 3464]


def test_cohort_ltv_inputs_are_keyword_arguments_without_the_about_note():
    inputs = datasets.load_cohort_ltv_inputs()
    assert "about" not in inputs
    assert inputs["initial_customers"] == 10_000
    assert inputs["retention"] == [0.60, 0.80, 0.85]
    assert isinstance(inputs["orders_per_customer"], list)
    assert inputs["acquisition_cost"] == 60.0
    assert inputs["cost_of_sales_rate"][0] == 0.70
    assert sum(line[1] for line in inputs["yearly_costs"].values()) == 20
    assert inputs["discount_rate"] * inputs["risk_factor"] == pytest.approx(0.20)
    # a fresh dict every call: a caller changing it cannot change the next one
    inputs["retention"].append(1.0)
    assert datasets.load_cohort_ltv_inputs()["retention"] == [0.60, 0.80, 0.85]


def test_data_file_names_a_missing_file():
    with pytest.raises(FileNotFoundError, match="no data file 'nope.csv'"):
        datasets.data_file("nope.csv")


def test_every_data_file_has_a_data_card(root):
    card = (root / "datasets" / "README.md").read_text(encoding="utf-8")
    shipped = sorted(p.name for p in (root / "datasets").iterdir()
                     if p.is_file() and p.suffix in {".csv", ".txt", ".json"})
    assert "quansheng_transactions.csv" in shipped
    for name in shipped:
        assert f"## `{name}`" in card, f"datasets/README.md has no data card section for {name}"


# -- loaders work from anywhere -----------------------------------------------------------------

def test_loaders_work_from_another_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert len(datasets.load_cdnow_master()) == 69_659
    assert len(datasets.load_cdnow_sample()) == 6_919
    assert len(datasets.load_donations()) == 22
    assert datasets.load_cohort_ltv_inputs()["initial_customers"] == 10_000
    assert datasets.load_quansheng()["customer_id"].nunique() == 1000
    assert datasets.load_sbg_retention().loc[7].tolist() == [241, 491]
    assert len(datasets.load_satisfaction_survey()) == 2000


def _build_wheel(src, out):
    """Build the wheel offline with the venv's own setuptools (a [dev] requirement)."""
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-index", "--no-build-isolation",
         "--quiet", "-w", str(out), str(src)],
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = out.glob("crmlib-*.whl")
    return wheel


def test_an_installed_wheel_carries_the_data(root, tmp_path):
    # Build from a copy of the package's own files, so that the build leaves nothing in the tree.
    src = tmp_path / "src"
    src.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for name in ("pyproject.toml", "README.md", "LICENSE", "MANIFEST.in", "setup.py", "setup.cfg"):
        if (root / name).exists():
            shutil.copy2(root / name, src / name)
    for folder in ("crmlib", "crm_course", "datasets"):
        shutil.copytree(root / folder, src / folder, ignore=ignore)
    wheel = _build_wheel(src, tmp_path / "dist")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
        assert "crmlib/data/CDNOW_sample.txt" in archive.namelist()
        assert "crmlib/data/quansheng_transactions.csv" in archive.namelist()
    run = tmp_path / "elsewhere"
    run.mkdir()
    code = ("import crmlib.datasets as d; "
            "assert d.__file__.startswith(%r), d.__file__; "
            "print(len(d.load_cdnow_sample()), len(d.load_quansheng()))" % str(site))
    done = subprocess.run([sys.executable, "-c", code], cwd=run, capture_output=True, text=True,
                          env={"PYTHONPATH": str(site), "PATH": ""}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["6919", "6000"]


# -- the Quansheng case -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def quansheng():
    return datasets.load_quansheng()


@pytest.fixture(scope="module")
def per_customer(quansheng):
    """F, P, R, delta and the TM rank of every customer, computed here with plain pandas.

    The columns have the words of crmlib.churn.purchase_cycle_alerts: F = frequency, P = cycle_days,
    R = recency_days.
    """
    in_window = quansheng[(quansheng["date"] > WINDOW_START) & (quansheng["date"] <= TODAY)]
    table = in_window.groupby("customer_id").agg(
        name=("customer_name", "first"),
        industry=("industry", "first"),
        TM=("amount", "sum"),
        frequency=("amount", "size"),
        last=("date", "max"),
    )
    table["cycle_days"] = 365 / table["frequency"]
    table["recency_days"] = (TODAY - table["last"]).dt.days
    table["delta"] = table["cycle_days"] - table["recency_days"]
    table = table.sort_values("TM", ascending=False)
    table["rank"] = np.arange(1, len(table) + 1)
    return table


def test_quansheng_shipped_csv_is_rebuilt_byte_for_byte(root, tmp_path):
    rebuilt = datasets.write_quansheng(tmp_path / "quansheng_transactions.csv")
    shipped = (root / "datasets" / "quansheng_transactions.csv").read_bytes()
    assert rebuilt.read_bytes() == shipped, (
        "datasets/quansheng_transactions.csv differs from make_quansheng(2004): rebuild it with "
        "python -m crmlib.datasets quansheng datasets/quansheng_transactions.csv"
    )


def test_quansheng_loader_equals_generator(quansheng):
    pd.testing.assert_frame_equal(quansheng, datasets.make_quansheng(), check_exact=True)


def test_quansheng_is_deterministic_and_the_seed_matters():
    pd.testing.assert_frame_equal(datasets.make_quansheng(7), datasets.make_quansheng(7))
    assert not datasets.make_quansheng(7).equals(datasets.make_quansheng(8))


def test_quansheng_columns_and_dtypes(quansheng):
    assert quansheng.columns.tolist() == ["customer_id", "customer_name", "industry", "date", "amount"]
    assert str(quansheng["date"].dtype) == "datetime64[ns]"
    assert quansheng["amount"].dtype == "float64"
    for column in ("customer_id", "customer_name", "industry"):
        assert pd.api.types.is_string_dtype(quansheng[column])
    assert quansheng["customer_id"].str.fullmatch(r"C\d{4}").all()
    assert (quansheng["amount"] > 0).all()
    assert (quansheng["amount"].round(2) == quansheng["amount"]).all()
    assert quansheng[["date", "customer_id"]].equals(
        quansheng[["date", "customer_id"]].sort_values(["date", "customer_id"], ignore_index=True))


def test_quansheng_1000_customers_one_year_to_2004_11_27_over_40_million_yuan(quansheng):
    assert quansheng["customer_id"].nunique() == 1000
    assert sorted(quansheng["customer_id"].unique()) == [f"C{i:04d}" for i in range(1, 1001)]
    assert (quansheng["date"] > WINDOW_START).all()  # after 2003-11-27
    assert (quansheng["date"] <= TODAY).all()
    total = quansheng["amount"].sum()
    assert 40_000_000 < total < 48_000_000
    assert total == pytest.approx(44_306_730.33, abs=0.01)
    assert len(quansheng) == 6_000


def test_quansheng_no_customer_buys_twice_on_one_day(quansheng):
    assert not quansheng.duplicated(["customer_id", "date"]).any()


def test_quansheng_one_name_and_industry_per_customer(quansheng):
    per_id = quansheng.groupby("customer_id")[["customer_name", "industry"]].nunique()
    assert (per_id == 1).all().all()
    names = quansheng.drop_duplicates("customer_id").set_index("customer_id")["customer_name"]
    assert names.is_unique
    others = names[~names.isin(FIRMS)]
    assert len(others) == 993
    assert (others == "客户" + others.index.str[1:]).all()


def test_quansheng_top_5_are_the_beverage_makers_with_very_large_volumes(per_customer):
    top5 = per_customer[per_customer["rank"] <= 5]
    assert (top5["industry"] == "beverage").all()
    assert (per_customer["industry"] == "beverage").sum() == 5
    assert top5["TM"].min() > 2 * per_customer.loc[per_customer["rank"] == 6, "TM"].iloc[0]
    assert top5["TM"].sum() > 0.3 * per_customer["TM"].sum()


def test_quansheng_tiers_by_tm_rank_are_10_40_150_800(per_customer):
    tier = pd.cut(per_customer["rank"], [0, 10, 50, 200, 1000], labels=["top", "high", "mid", "low"])
    assert tier.value_counts(sort=False).tolist() == [10, 40, 150, 800]
    # no tie across a tier boundary: the tiers are the same whichever way ties are broken
    tm = per_customer["TM"].to_numpy()
    assert all(tm[i - 1] > tm[i] for i in (10, 50, 200))
    # the 20/80 rule, roughly: the top 20 % of customers bring about 80 % of sales
    assert 0.75 < tm[:200].sum() / tm.sum() < 0.85


def test_quansheng_the_seven_firms_are_high_end_or_mid_range(per_customer):
    firms = per_customer.set_index("name").loc[FIRMS]
    assert firms["rank"].between(11, 200).all(), firms["rank"].to_dict()
    assert firms["rank"].to_dict() == {"甲": 14, "乙": 27, "丙": 38, "丁": 66, "戊": 21, "己": 83, "庚": 120}


def test_quansheng_jia_wu_geng_are_safe_with_days_to_spare(per_customer):
    firms = per_customer.set_index("name")
    for firm in "甲戊庚":
        assert firms.loc[firm, "delta"] >= 3, (firm, firms.loc[firm, "delta"])


def test_quansheng_ding_is_exactly_on_the_line_f_5_r_73(per_customer):
    ding = per_customer.set_index("name").loc["丁"]
    assert ding["frequency"] == 5
    assert ding["recency_days"] == 73
    assert ding["cycle_days"] == 73.0
    assert ding["delta"] == 0.0


def test_quansheng_yi_is_4_days_over_its_46_day_cycle(per_customer):
    yi = per_customer.set_index("name").loc["乙"]
    assert yi["frequency"] == 8
    assert yi["cycle_days"] == 45.625 and round(yi["cycle_days"]) == 46
    assert yi["recency_days"] == 50
    assert yi["delta"] == pytest.approx(-4.375)
    assert round(-yi["delta"]) == 4


def test_quansheng_bing_is_26_days_over_its_17_day_cycle(per_customer):
    bing = per_customer.set_index("name").loc["丙"]
    assert bing["frequency"] == 21
    assert round(bing["cycle_days"]) == 17
    assert bing["recency_days"] == 43
    assert bing["delta"] == pytest.approx(365 / 21 - 43)
    assert round(-bing["delta"]) == 26
    assert -bing["delta"] > bing["cycle_days"]  # more than a whole cycle over: high risk


def test_quansheng_ji_is_22_days_over_its_17_day_cycle(per_customer):
    ji = per_customer.set_index("name").loc["己"]
    assert ji["frequency"] == 21
    assert round(ji["cycle_days"]) == 17
    assert ji["recency_days"] == 39
    assert round(-ji["delta"]) == 22
    assert -ji["delta"] > ji["cycle_days"]


def test_quansheng_firms_buy_about_once_a_cycle(quansheng):
    for firm in FIRMS:
        days = quansheng.loc[quansheng["customer_name"] == firm, "date"].sort_values()
        gaps = days.diff().dt.days.dropna()
        cycle = 365 / len(days)
        assert gaps.between(0.7 * cycle, 1.1 * cycle + 1).all(), (firm, gaps.tolist())


def test_quansheng_high_and_mid_tiers_show_a_realistic_mix_of_alerts(per_customer):
    watched = per_customer[per_customer["rank"].between(11, 200)]
    assert len(watched) == 190
    overdue = -watched["delta"]
    assert (watched["delta"] > 0).mean() > 0.6  # most customers are inside their cycle
    assert (overdue > watched["cycle_days"]).sum() >= 5  # but some are more than a cycle over
    assert watched["industry"].nunique() >= 8
    assert watched["frequency"].nunique() >= 15


def test_quansheng_purchases_spread_through_the_year(quansheng):
    months = quansheng["date"].dt.to_period("M").value_counts()
    assert len(months) == 13  # late Nov 2003 .. Nov 2004
    full_months = months.drop([pd.Period("2003-11"), pd.Period("2004-11")])
    assert full_months.min() > 0.7 * full_months.max()


# -- make_transactions --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def synthetic():
    return datasets.make_transactions(n_customers=5000, seed=3)


def test_make_transactions_same_seed_same_frame_other_seed_other_frame():
    first = datasets.make_transactions(n_customers=500, seed=11)
    pd.testing.assert_frame_equal(first, datasets.make_transactions(n_customers=500, seed=11))
    assert not first.equals(datasets.make_transactions(n_customers=500, seed=12))


def test_make_transactions_columns_dtypes_and_order(synthetic):
    assert synthetic.columns.tolist() == ["customer_id", "date", "amount"]
    assert synthetic["customer_id"].dtype == "int64"
    assert str(synthetic["date"].dtype) in {"datetime64[ns]", "datetime64[us]"}
    assert synthetic["amount"].dtype == "float64"
    assert isinstance(synthetic.index, pd.RangeIndex)
    assert (synthetic["date"] == synthetic["date"].dt.normalize()).all()  # whole days
    assert (synthetic["amount"] > 0).all()
    assert (synthetic["amount"].round(2) == synthetic["amount"]).all()
    ordered = synthetic.sort_values(["date", "customer_id"], kind="stable", ignore_index=True)
    assert synthetic[["date", "customer_id"]].equals(ordered[["date", "customer_id"]])


def test_make_transactions_every_customer_in_the_period(synthetic):
    assert sorted(synthetic["customer_id"].unique()) == list(range(1, 5001))
    assert synthetic["date"].min() >= pd.Timestamp("2023-01-01")
    assert synthetic["date"].max() <= pd.Timestamp("2024-12-31")


def test_make_transactions_about_10_purchases_per_customer(synthetic):
    per_customer = synthetic.groupby("customer_id").size()
    assert 8.5 < per_customer.mean() < 11.5


def test_make_transactions_heavy_and_light_buyers(synthetic):
    purchases = synthetic.groupby("customer_id").size()
    assert (purchases == 1).mean() > 0.15  # some customers buy once
    assert purchases.quantile(0.95) > 4 * purchases.median()  # and a few buy very often
    spend = synthetic.groupby("customer_id")["amount"].sum().sort_values(ascending=False)
    assert spend.iloc[: len(spend) // 5].sum() / spend.sum() > 0.6  # top 20 % hold well over 20 %
    levels = synthetic.groupby("customer_id")["amount"].median()
    assert levels.quantile(0.9) > 3 * levels.quantile(0.1)  # spend levels differ


def test_make_transactions_first_purchases_spread_and_customers_churn(synthetic):
    first = synthetic.groupby("customer_id")["date"].min()
    assert first.dt.year.value_counts().min() > 0.35 * len(first)  # acquisitions in both years
    last = synthetic.groupby("customer_id")["date"].max()
    repeat = synthetic.groupby("customer_id").size() > 5
    # customers who bought often but stopped long before the end: churners
    assert (repeat & (last < pd.Timestamp("2024-06-30"))).sum() > 0.03 * len(last)


def test_make_transactions_december_is_the_peak_month(synthetic):
    by_month = synthetic.groupby(synthetic["date"].dt.month).size()
    assert by_month.idxmax() == 12
    for year in (2023, 2024):
        one_year = synthetic[synthetic["date"].dt.year == year]
        assert one_year.groupby(one_year["date"].dt.month).size().idxmax() == 12


def test_make_transactions_other_period():
    tx = datasets.make_transactions(n_customers=200, seed=5, start="2020-03-01", end="2020-03-31")
    assert tx["date"].min() >= pd.Timestamp("2020-03-01")
    assert tx["date"].max() <= pd.Timestamp("2020-03-31")
    assert tx["customer_id"].nunique() == 200


@pytest.mark.parametrize("kwargs, message", [
    ({"n_customers": 0}, "n_customers must be at least 1"),
    ({"start": "2024-01-02", "end": "2024-01-01"}, "must not be before start"),
])
def test_make_transactions_rejects_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        datasets.make_transactions(**kwargs)


def test_make_transactions_100000_customers():
    # its speed (about 0.5 s) is measured in bench/bench_rfm.py, not asserted on a shared machine
    tx = datasets.make_transactions(n_customers=100_000, seed=0)
    assert 800_000 < len(tx) < 1_200_000


def test_quansheng_csv_is_plain_utf8(root):
    raw = (root / "datasets" / "quansheng_transactions.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw
    text = raw.decode("utf-8")
    assert text.splitlines()[0] == "customer_id,customer_name,industry,date,amount"
    assert len(pd.read_csv(io.StringIO(text))) == 6_000
