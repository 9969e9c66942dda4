"""crmlib: the computations of the CRM Analytics course, one module per idea.

This is the student's library: what a chapter or an exercise imports, nothing else. The course's
own tools (building, grading, terms, the website) are the separate package ``crm_course`` and its
command ``crm-course``.

=================  ===============================================================  =========
module             what it computes                                                 chapter
=================  ===============================================================  =========
``contract``       DataError, DataWarning, NotFittedError; shared input checks      all
``transactions``   the one door for purchase data: ``validate_transactions``        all
``lifecycle``      churn, retention, average lifetime, replacements, profit curve   2
``clv``            discounting, PVIFA, single and group CLV, the cohort table;      3, 10
                   retention-based CLV m r / (1 + d - r)
``value``          delivered value, Pareto table, value tiers, share of wallet      1, 4
``rfm``            the RFM table, quintile scores and cells, cell response          5
``churn``          purchase-cycle alerts (the Quansheng case)                       6
``segment``        scaled K-means segments, elbow, silhouette, evaluation rules     7
``satisfaction``   satisfaction against repurchase (the satisfaction trap)          8
``btyd``           the repeat-buying summary x, t_x, T of each customer             9
``models``         BG/NBD, Gamma-Gamma, shifted-beta-geometric; checks of a fit     9
``response``       ranking AUC, gains, lift, calibration, profit-maximising depth   9, 11
``profitability``  profit and cost to serve per customer, the whale curve, LTV to   10
                   CAC, customer equity, acquisition cohorts and the C3 table
``uplift``         control groups, treatment effect, two-model uplift, Qini curve   12
``sql``            the RFM query in SQL, run on DuckDB or Spark (needs [scale])     13
``datasets``       loaders for ``datasets/`` and the synthetic generators           all
``plots``          the course's figures; each returns the Axes                      all
``widgets``        ipywidgets explorers                                             3-5, 7, 10-12
``grading``        checks for the exercises' test cells, in course words            exercises
=================  ===============================================================  =========
"""

from crmlib.contract import DataError, DataWarning, NotFittedError

__all__ = ["DataError", "DataWarning", "NotFittedError"]
__version__ = "0.2.0"
