"""Checks for the exercises' test cells: say what is wrong, in the course's words.

Every test cell of an exercise calls these functions. A check looks at an answer in three steps
and stops at the first problem it finds:

1. **type**: is it a number, a list of numbers, a Series, a table?
2. **shape**: the right length, the right customers (index), the right rows and columns?
3. **values**: equal to the expected values within a tolerance (numbers) or exactly (labels)?

A failure raises :class:`CheckFailed`, an ``AssertionError`` (so nbgrader counts the test cell as
failed), whose message says what is wrong in course terms and where to look: the customers whose
score is off and which way scores run, the first year and row of an LTV table that differs, a
likely mistake recognised from its value. A passing check prints one short line.

Called without ``expected``, a check only looks at type and shape: that is the visible sanity
test of a question; the hidden tests, run when the exercise is graded, pass ``expected``.

Checks never write to stderr and silence warnings while they compare: nbgrader gives a test cell
zero points as soon as it writes anything to stderr, and a pandas warning about the student's
dtype must not cost points. They also return ``None``: a test cell that ends in a number is read
by nbgrader as partial credit.

Examples
--------
>>> check_number("annuity_factor", 9.8181, expected=9.818147, rel=1e-4)
✓ annuity_factor = 9.8181: right.
>>> check_number("annuity_factor", 20, expected=9.818147,
...              mistakes={20: "that is the number of years, undiscounted."})
Traceback (most recent call last):
...
crmlib.grading.CheckFailed: annuity_factor = 20 but it should be 9.81815 (allowed difference ±0.00098).
  Likely mistake: that is the number of years, undiscounted.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "CheckFailed",
    "check_number",
    "check_values",
    "check_series",
    "check_scores",
    "check_table",
    "check_text",
]

#: How many customers, rows or positions a failure message lists before "and N more".
MAX_LISTED = 5
#: Tolerance of value checks when neither ``rel`` nor ``abs`` is given: relative 1e-4, plus an
#: absolute 1e-9 so that float noise around an expected 0 (1.6e6 - 1.6e6) passes.
DEFAULT_REL = 1e-4
DEFAULT_ABS = 1e-9


class CheckFailed(AssertionError):
    """An answer failed a check; the message says what is wrong and how to look for it.

    In a notebook, IPython shows only the error line with this message (through
    ``_render_traceback_``), not the frames inside this module: the student reads the message,
    not the checking code.
    """

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[0;31mCheckFailed\x1b[0m: {self}"]


# --------------------------------------------------------------------------------------------
# small helpers


def _fail(message: str, hint: str = "", extra: Sequence[str] = ()):
    """Raise :class:`CheckFailed` with a first line, indented detail lines and a hint."""
    __tracebackhide__ = True
    lines = [message]
    lines += [f"  {line}" for line in extra if line]
    if hint:
        lines.append(f"  How to look for it: {hint}")
    raise CheckFailed("\n".join(lines)) from None


def _passed(message: str) -> None:
    print(f"✓ {message}")


def _a(word: str) -> str:
    """The article for ``word``: "an R score", "an entry", "a customer", "a year".

    >>> _a("R"), _a("M"), _a("entry"), _a("segment"), _a("F score")
    ('an', 'an', 'an', 'a', 'an')
    """
    first = str(word).split(" ")[0]
    if len(first) == 1 and first.isalpha():  # a letter said by its name: "an F", "a B"
        return "an" if first.upper() in "AEFHILMNORSX" else "a"
    return "an" if first[:1].lower() in "aeio" else "a"


def _plural(label: str, kind: str = "values") -> str:
    """``label`` for several items: "customers", "years", "entries"; a column name such as
    ``basic_met`` or a letter such as ``k`` stays as written, followed by ``kind``
    ("basic_met values" or "basic_met rows", not "basic_mets").

    >>> _plural("customer"), _plural("entry"), _plural("customer id"), _plural("basic_met"), _plural("k", "rows")
    ('customers', 'entries', 'customer ids', 'basic_met values', 'k rows')
    """
    label = str(label)
    words = label.split(" ")
    if len(words[-1]) < 2 or not all(word.isalpha() and word.islower() for word in words):
        return f"{label} {kind}"  # a column name, a letter or a symbol
    if label.endswith(("s", "x", "ch", "sh")):
        return label + "es"
    if label.endswith("y") and label[-2:-1] not in ("a", "e", "i", "o", "u"):
        return label[:-1] + "ies"
    return label + "s"


def fmt(x) -> str:
    """A number as a student would write it: thousands separators, about six significant digits.

    >>> fmt(48000.0), fmt(23563.5537), fmt(9.818147), fmt(1.331), fmt(0.0125), fmt(-12.0)
    ('48,000', '23,563.55', '9.81815', '1.331', '0.0125', '-12')
    """
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if not isinstance(x, (numbers.Number, np.number)) or isinstance(x, complex):
        return repr(x)
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "infinity" if x > 0 else "-infinity"
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    magnitude = math.floor(math.log10(abs(x)))
    decimals = max(2 if abs(x) >= 100 else 0, 5 - magnitude)
    decimals = min(decimals, 10)
    text = f"{x:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _type_name(value) -> str:
    if value is None:
        return "None"
    if isinstance(value, pd.DataFrame):
        return f"a DataFrame with {value.shape[0]} rows and {value.shape[1]} columns"
    if isinstance(value, pd.Series):
        return f"a Series of {len(value)} values"
    if isinstance(value, np.ndarray):
        return f"a NumPy array of shape {value.shape}"
    if isinstance(value, str):
        return f"the text {value!r}" if len(value) <= 40 else "a text"
    if isinstance(value, (bool, np.bool_)):
        return f"the truth value {bool(value)}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, complex):
        return f"the complex number {value!r}"
    if isinstance(value, (numbers.Number, np.number)):
        return f"the number {fmt(value)}"
    return f"a {type(value).__name__}"


def _not_assigned(name: str, value) -> None:
    """Catch the two ways a student has not answered yet."""
    __tracebackhide__ = True
    if value is None:
        _fail(
            f"{name} is None: it has no answer yet.",
            extra=["A function that prints its result returns None: assign the result itself, "
                   f"e.g. {name} = <the computation>."],
        )
    if value is Ellipsis:
        _fail(f"{name} is still the placeholder ...: replace it with your answer.")


def _tolerances(rel: float | None, abs_: float | None) -> tuple[float, float]:
    """Defaults: a relative tolerance of 1e-4; naming only one of the two sets the other to 0."""
    if rel is None and abs_ is None:
        return DEFAULT_REL, DEFAULT_ABS
    return (rel or 0.0), (abs_ or 0.0)


def _tolerance(expected: float, rel: float, abs_: float) -> float:
    return abs_ + rel * abs(expected)


def _close(value: float, expected: float, rel: float, abs_: float) -> bool:
    if math.isnan(expected):
        return math.isnan(value)
    if math.isinf(expected):
        return value == expected
    return abs(value - expected) <= _tolerance(expected, rel, abs_)


def _mistake_lines(value, mistakes, compare) -> list[str]:
    """Explanations of the known mistakes whose wrong answer matches ``value``."""
    if not mistakes:
        return []
    pairs = mistakes.items() if isinstance(mistakes, Mapping) else mistakes
    found = []
    for wrong, explanation in pairs:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                matches = compare(value, wrong)
        except Exception:  # a malformed answer cannot match a known mistake
            matches = False
        if matches:
            found.append(f"Likely mistake: {explanation}")
    return found


def _generic_number_lines(value: float, expected: float, rel: float, abs_: float) -> list[str]:
    """Diagnoses that hold for any number: percent vs fraction, sign, rounding too early."""
    if expected == 0 or not math.isfinite(value):
        return []
    lines = []
    if _close(value, expected * 100, rel, abs_ * 100):
        lines.append("It is 100 times too large: is a percentage written as 10 instead of 0.10?")
    elif _close(value, expected / 100, rel, abs_):
        lines.append("It is 100 times too small: is a rate written as 0.10 where 10 was meant, "
                     "or a share where a percentage was asked?")
    elif _close(value, -expected, rel, abs_):
        lines.append("Only the sign is wrong: check which amounts are costs (subtracted) and "
                     "which are profit.")
    else:
        off = (value - expected) / abs(expected)
        if abs(off) < 0.01:
            for decimals in range(5):
                rounded = round(expected, decimals)
                if rounded != expected and math.isclose(value, rounded, rel_tol=1e-12, abs_tol=1e-12):
                    lines.append(f"It is the right value rounded to {decimals} decimals: keep more "
                                 "decimals (round only for display, at the very end).")
                    break
            else:
                if abs(off) < 0.001:
                    lines.append(f"It is close ({off:+.3%}): were intermediate values rounded?")
    return lines


def _as_float(name: str, value, what: str = "a number") -> float:
    """Type step for one number: a Python or NumPy number, not text, not a container."""
    __tracebackhide__ = True
    _not_assigned(name, value)
    if isinstance(value, (bool, np.bool_)):
        _fail(f"{name} is {_type_name(value)}, but it should be {what}.",
              extra=["A comparison such as a == b gives True/False: assign the number itself."])
    if isinstance(value, str):
        _fail(f"{name} is {_type_name(value)}, but it should be {what}.",
              extra=["Remove the quotes: 66.08 is a number, '66.08' is text."])
    if isinstance(value, (pd.Series, pd.DataFrame, np.ndarray, list, tuple)):
        size = np.size(value) if not isinstance(value, (list, tuple)) else len(value)
        how = ("take the single number out, e.g. with .iloc[0], .item() or float(...)"
               if size == 1 else "pick the one value that was asked for, e.g. with .loc[...]")
        _fail(f"{name} is {_type_name(value)}, but it should be {what}.", extra=[how.capitalize() + "."])
    if isinstance(value, (numbers.Number, np.number)) and not isinstance(value, complex):
        result = float(value)
        if math.isnan(result):
            _fail(f"{name} is NaN (not a number).",
                  extra=["A calculation used a missing value or divided 0 by 0: look at the inputs "
                         "of the last step."])
        return result
    _fail(f"{name} is {_type_name(value)}, but it should be {what}.")
    raise AssertionError  # unreachable: _fail raises


# --------------------------------------------------------------------------------------------
# numbers


def check_number(
    name: str,
    value,
    expected: float | None = None,
    *,
    rel: float | None = None,
    abs: float | None = None,  # noqa: A002 (the natural name, as in math.isclose)
    between: tuple[float, float] | None = None,
    unit: str = "",
    hint: str = "",
    mistakes: Mapping | Sequence | None = None,
) -> None:
    """Check one number: type, an optional plausible range, then the value within a tolerance.

    Parameters
    ----------
    name : str
        The variable the student filled in, as it appears in the notebook.
    value
        The student's answer.
    expected : float, optional
        The right value; without it only the type (and ``between``) are checked.
    rel, abs : float, optional
        Allowed difference: ``abs + rel * |expected|`` (as ``numpy.isclose``). Neither given:
        ``rel=1e-4, abs=1e-9``; only one given: the other is 0 (``abs=0.005`` accepts rounding
        to cents).
    between : (low, high), optional
        A range any sensible answer lies in; a value outside it fails even without ``expected``.
    unit : str
        Appended to numbers in messages (" yuan").
    hint : str
        How to compute the value, in course words; shown when the value is wrong.
    mistakes : {wrong value: explanation}, optional
        Known wrong answers and what usually causes them; a wrong value matching one (within
        the same tolerance) shows its explanation.

    Examples
    --------
    >>> check_number("undiscounted_value", 48000, expected=48000.0, unit=" yuan")
    ✓ undiscounted_value = 48,000 yuan: right.
    >>> check_number("ltv_year3", "66.08")
    Traceback (most recent call last):
    ...
    crmlib.grading.CheckFailed: ltv_year3 is the text '66.08', but it should be a number.
      Remove the quotes: 66.08 is a number, '66.08' is text.
    """
    __tracebackhide__ = True
    rel, abs = _tolerances(rel, abs)  # noqa: A001
    number = _as_float(name, value)
    if between is not None:
        low, high = between
        if not low <= number <= high:
            _fail(f"{name} = {fmt(number)}{unit} is outside the range a sensible answer lies in "
                  f"({fmt(low)} to {fmt(high)}{unit}).", hint=hint)
    if expected is None:
        _passed(f"{name} is a number" + (" in the expected range" if between else "")
                + " (its value is checked when the exercise is graded).")
        return
    expected = float(expected)
    if _close(number, expected, rel, abs):
        _passed(f"{name} = {fmt(number)}{unit}: right.")
        return
    known = _mistake_lines(number, mistakes, lambda v, w: _close(v, float(w), rel, abs))
    generic = [] if known else _generic_number_lines(number, expected, rel, abs)
    _fail(
        f"{name} = {fmt(number)}{unit} but it should be {fmt(expected)}{unit} "
        f"(allowed difference ±{_tolerance(expected, rel, abs):.2g}).",
        hint=hint,
        extra=known + generic,
    )


# --------------------------------------------------------------------------------------------
# sequences of numbers (one per year, one per position)


def _as_vector(name: str, value, what: str) -> np.ndarray:
    """Type step for a sequence of numbers: list, tuple, 1-D array, Series (or an n x 1 array)."""
    __tracebackhide__ = True
    _not_assigned(name, value)
    if isinstance(value, (str, bytes, Mapping, set, frozenset)) or np.ndim(value) == 0:
        _fail(f"{name} is {_type_name(value)}, but it should be {what}.",
              extra=["Keep all the values, in order: a list, a NumPy array or a pandas Series."])
    if isinstance(value, pd.DataFrame):
        if value.shape[1] == 1:
            value = value.iloc[:, 0]
        elif value.shape[0] == 1:
            value = value.iloc[0]
        else:
            _fail(f"{name} is {_type_name(value)}, but it should be {what}.",
                  extra=["Pick the one row or column that was asked for, e.g. table.loc['ltv']."])
    if isinstance(value, (list, tuple)):
        texts = [i for i, v in enumerate(value) if isinstance(v, (str, bytes))]
        if texts:
            _fail(f"{name} contains text at position {texts[0] + 1} ({str(value[texts[0]])!r}), "
                  f"but it should be {what}.", extra=["Remove the quotes around the numbers."])
    try:
        array = np.asarray(value, dtype=object) if isinstance(value, (list, tuple)) else np.asarray(value)
    except Exception:
        _fail(f"{name} is {_type_name(value)}, which cannot be read as {what}.")
    if array.ndim == 2 and 1 in array.shape:
        array = array.ravel()
    if array.ndim != 1:
        _fail(f"{name} is {_type_name(value)}, but it should be {what} (one dimension).")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            numeric = pd.to_numeric(pd.Series(array), errors="raise").to_numpy(dtype="float64")
    except (TypeError, ValueError):
        texts = [i for i, v in enumerate(array) if isinstance(v, (str, np.str_))]
        where = f" (position {texts[0] + 1}: {str(array[texts[0]])!r})" if texts else ""
        _fail(f"{name} contains something that is not a number{where}, but it should be {what}.")
    return numeric


def _positions(indices, labels, label: str) -> str:
    shown = ", ".join(f"{label} {labels[i]}" for i in indices[:MAX_LISTED])
    more = len(indices) - MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def check_values(
    name: str,
    value,
    expected=None,
    *,
    length: int | None = None,
    rel: float | None = None,
    abs: float | None = None,  # noqa: A002
    label: str = "position",
    labels: Sequence | None = None,
    unit: str = "",
    hint: str = "",
    mistakes: Sequence | None = None,
) -> None:
    """Check a sequence of numbers in a given order (one per year, say): type, length, values.

    Any container of numbers is accepted (list, tuple, NumPy array, Series; ints or floats); the
    values are compared position by position within ``abs + rel * |expected|``.

    Parameters
    ----------
    length : int, optional
        The expected length, for the sanity test (defaults to ``len(expected)``).
    label, labels : str, sequence
        How positions are named in messages: ``label="year", labels=[1, 2, 3]`` gives "year 3".
    mistakes : [(wrong values, explanation)], optional
        Known wrong sequences and their usual cause.

    Examples
    --------
    >>> check_values("factors", [1.1, 1.21, 1.331], expected=[1.1, 1.21, 1.331])
    ✓ factors: all 3 values right.
    >>> check_values("factors", [1.0, 1.1, 1.21], expected=[1.1, 1.21, 1.331],
    ...              label="year", labels=[1, 2, 3], hint="year t is divided by (1 + i)^t, t from 1.")
    Traceback (most recent call last):
    ...
    crmlib.grading.CheckFailed: factors is wrong in 3 of 3 places, first in year 1: 1 where 1.1 was expected.
      Wrong: year 1, year 2, year 3.
      How to look for it: year t is divided by (1 + i)^t, t from 1.
    """
    __tracebackhide__ = True
    rel, abs = _tolerances(rel, abs)  # noqa: A001
    what = "a sequence of numbers"
    vector = _as_vector(name, value, what)
    target = None if expected is None else np.asarray(expected, dtype="float64").ravel()
    n = len(target) if target is not None else length
    names = list(labels) if labels is not None else list(range(1, len(vector) + 1))
    if n is not None and len(vector) != n:
        per = f" (one per {label})" if label != "position" else ""
        _fail(f"{name} has {len(vector)} values but there should be {n}{per}.", hint=hint)
    if target is None:
        _passed(f"{name} has {len(vector)} numbers (their values are checked when the exercise is graded).")
        return
    if len(names) < len(vector):
        names += list(range(len(names) + 1, len(vector) + 1))
    ok = np.array([_close(v, e, rel, abs) for v, e in zip(vector, target)])
    if ok.all():
        _passed(f"{name}: all {len(vector)} values right.")
        return
    wrong = np.flatnonzero(~ok)
    first = wrong[0]
    known = _mistake_lines(
        vector, mistakes,
        lambda v, w: len(np.ravel(w)) == len(v)
        and all(_close(a, float(b), rel, abs) for a, b in zip(v, np.ravel(w))),
    )
    extra = [f"Wrong: {_positions(wrong, names, label)}."] + known
    if not known:
        extra += _generic_number_lines(vector[first], target[first], rel, abs)
    _fail(
        f"{name} is wrong in {len(wrong)} of {len(vector)} places, first in {label} {names[first]}: "
        f"{fmt(vector[first])}{unit} where {fmt(target[first])}{unit} was expected.",
        hint=hint,
        extra=extra,
    )


# --------------------------------------------------------------------------------------------
# labelled values: one per customer


def _as_series(name: str, value, what: str) -> pd.Series:
    __tracebackhide__ = True
    _not_assigned(name, value)
    if isinstance(value, pd.Series):
        return value
    if isinstance(value, pd.DataFrame):
        if value.shape[1] == 1:
            return value.iloc[:, 0]
        _fail(f"{name} is {_type_name(value)}, but it should be {what}.",
              extra=["Select the one column that was asked for, e.g. scores['R']."])
    if isinstance(value, Mapping):
        return pd.Series(dict(value))
    _fail(f"{name} is {_type_name(value)}, but it should be {what}.",
          extra=["A pandas Series keeps the customer ids as its index; a plain list or array "
                 "loses them."])
    raise AssertionError  # unreachable


def _label_list(labels, entity: str) -> str:
    labels = list(labels)
    shown = ", ".join(str(x) for x in labels[:MAX_LISTED])
    more = len(labels) - MAX_LISTED
    return f"{_plural(entity) if len(labels) > 1 else entity} {shown}" + (f" and {more} more" if more > 0 else "")


def _check_index(name: str, series: pd.Series, index, entity: str, hint: str) -> None:
    __tracebackhide__ = True
    if series.index.has_duplicates:
        dupes = series.index[series.index.duplicated()].unique()
        _fail(f"{name} has {_label_list(dupes, entity)} more than once: one row per {entity}.",
              hint=hint)
    got, want = pd.Index(series.index), pd.Index(index)
    missing = want.difference(got, sort=False)
    extra = got.difference(want, sort=False)
    if len(missing) or len(extra):
        lines = []
        if len(missing):
            lines.append(f"Missing: {_label_list(missing, entity)}.")
        if len(extra):
            lines.append(f"Not expected: {_label_list(extra, entity)}.")
        if len(missing) == len(want) and len(got) == len(want):
            lines.append(f"None of the labels match: is the index the {entity} id (set_index)?")
        _fail(f"{name} does not have the expected {_plural(entity)} ({len(got)} instead of {len(want)}).",
              hint=hint, extra=lines)


def _equal_labelled(got: pd.Series, want: pd.Series, rel: float, abs_: float) -> np.ndarray:
    """Element-wise agreement of two aligned Series: numbers within tolerance, labels exactly."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if pd.api.types.is_numeric_dtype(want) and not pd.api.types.is_bool_dtype(want):
            got_num = pd.to_numeric(got, errors="coerce").to_numpy(dtype="float64")
            want_num = want.to_numpy(dtype="float64")
            return np.array([_close(g, w, rel, abs_) for g, w in zip(got_num, want_num)], dtype=bool)
        got_txt = got.astype(object).where(got.notna(), None).map(lambda x: None if x is None else str(x))
        want_txt = want.astype(object).where(want.notna(), None).map(lambda x: None if x is None else str(x))
        return (got_txt.to_numpy() == want_txt.to_numpy()).astype(bool)


def check_series(
    name: str,
    value,
    expected: pd.Series | None = None,
    *,
    index=None,
    entity: str = "customer",
    what: str = "value",
    rel: float | None = None,
    abs: float | None = None,  # noqa: A002
    hint: str = "",
    mistakes: Sequence | None = None,
) -> None:
    """Check one value per customer (or per cell, per segment): type, index, then values.

    The order of the rows does not matter: rows are matched by their index label. Numbers are
    compared within ``abs + rel * |expected|`` (ints and floats alike), labels exactly (a
    categorical and a text column with the same labels agree).

    Parameters
    ----------
    expected : Series, optional
        The right values, indexed like the answer should be.
    index : list-like, optional
        The expected labels, for the sanity test when ``expected`` is not given.
    entity : str
        What the index labels are, for messages ("customer", "cell", "segment").
    what : str
        What the values are, for messages ("R score", "status").

    Examples
    --------
    >>> right = pd.Series({"A": "safe", "B": "high risk"})
    >>> check_series("status", pd.Series({"B": "high risk", "A": "safe"}), right, what="status")
    ✓ status: right for all 2 customers.
    >>> check_series("status", pd.Series({"A": "safe", "B": "watch"}), right, what="status")
    Traceback (most recent call last):
    ...
    crmlib.grading.CheckFailed: status is wrong for 1 of 2 customers.
      customer B: status 'watch' where 'high risk' was expected.
    """
    __tracebackhide__ = True
    rel, abs = _tolerances(rel, abs)  # noqa: A001
    series = _as_series(name, value, f"a Series with one {what} per {entity}")
    want_index = expected.index if expected is not None else index
    if want_index is not None:
        _check_index(name, series, want_index, entity, hint)
    if expected is None:
        _passed(f"{name} has one {what} for each of {len(series)} {_plural(entity)} "
                "(the values are checked when the exercise is graded).")
        return
    got = series.reindex(expected.index)
    ok = _equal_labelled(got, expected, rel, abs)
    if ok.all():
        _passed(f"{name}: right for all {len(expected)} {_plural(entity)}.")
        return
    wrong = np.flatnonzero(~ok)
    show = [_describe_entity(expected.index[i], got.iloc[i], expected.iloc[i], entity, what)
            for i in wrong[:MAX_LISTED]]
    if len(wrong) > MAX_LISTED:
        show.append(f"... and {len(wrong) - MAX_LISTED} more.")
    known = _mistake_lines(
        got, mistakes,
        lambda v, w: bool(_equal_labelled(v, pd.Series(w).reindex(expected.index), rel, abs).all()),
    )
    _fail(f"{name} is wrong for {len(wrong)} of {len(expected)} {_plural(entity)}.", hint=hint,
          extra=show + known)


def _show(x) -> str:
    if isinstance(x, (numbers.Number, np.number)) and not isinstance(x, (bool, np.bool_)):
        return fmt(x)
    if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA:
        return "missing"
    return repr(str(x)) if not isinstance(x, str) else repr(x)


def _describe_entity(label, got, want, entity: str, what: str) -> str:
    return f"{entity} {label}: {what} {_show(got)} where {_show(want)} was expected."


def check_scores(
    name: str,
    value,
    expected: pd.Series | None = None,
    *,
    index=None,
    score: str = "score",
    bins: int = 5,
    meaning: str = "",
    entity: str = "customer",
    hint: str = "",
) -> None:
    """Check quantile scores (RFM's R, F, M): whole numbers 1..bins per customer, then values.

    On top of :func:`check_series`, it tells a reversed scale apart from a shifted cut: when most
    wrong scores are ``bins + 1 - expected``, the scores run the wrong way round, and the message
    says which way they should run (``meaning``).

    Examples
    --------
    >>> right = pd.Series([5, 4, 1], index=[17, 18, 19])
    >>> check_scores("R", pd.Series([1, 2, 5], index=[17, 18, 19]), right, score="R",
    ...              meaning="higher R scores mean *more* recent buyers")
    Traceback (most recent call last):
    ...
    crmlib.grading.CheckFailed: R is wrong for 3 of 3 customers: the scores run the wrong way round.
      customer 17 has R = 1 but should have R = 5: higher R scores mean *more* recent buyers.
      customer 18: R 2 where 4 was expected.
      customer 19: R 5 where 1 was expected.
    """
    __tracebackhide__ = True
    series = _as_series(name, value, f"a Series with one {score} score per {entity}")
    want_index = expected.index if expected is not None else index
    if want_index is not None:
        _check_index(name, series, want_index, entity, hint)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        numeric = pd.to_numeric(series, errors="coerce")
    bad = series.index[numeric.isna() | (numeric % 1 != 0) | (numeric < 1) | (numeric > bins)]
    if len(bad):
        first = bad[0]
        _fail(f"{name} has scores that are not whole numbers from 1 to {bins}: "
              f"{entity} {first} has {_show(series.loc[first])}.",
              hint=hint, extra=[f"Found for {_label_list(bad, entity)}."])
    if expected is None:
        _passed(f"{name} has {_a(score)} {score} score from 1 to {bins} for each of {len(series)} "
                f"{_plural(entity)} (the values are checked when the exercise is graded).")
        return
    got = numeric.reindex(expected.index).astype("float64")
    want = expected.astype("float64")
    wrong = np.flatnonzero(got.to_numpy() != want.to_numpy())
    if len(wrong) == 0:
        _passed(f"{name}: right for all {len(expected)} {_plural(entity)}.")
        return
    reversed_ = (got.iloc[wrong] == bins + 1 - want.iloc[wrong]).mean() > 0.5
    show = []
    for k, i in enumerate(wrong[:MAX_LISTED]):
        label, g, w = expected.index[i], got.iloc[i], want.iloc[i]
        if k == 0 and reversed_ and meaning:
            show.append(f"{entity} {label} has {score} = {fmt(g)} but should have {score} = {fmt(w)}: {meaning}.")
        else:
            show.append(_describe_entity(label, g, w, entity, score))
    if len(wrong) > MAX_LISTED:
        show.append(f"... and {len(wrong) - MAX_LISTED} more.")
    head = f"{name} is wrong for {len(wrong)} of {len(expected)} {_plural(entity)}"
    head += ": the scores run the wrong way round." if reversed_ else "."
    _fail(head, hint=hint, extra=show)


# --------------------------------------------------------------------------------------------
# tables


def _label_text(labels) -> str:
    labels = [str(x) for x in labels]
    shown = ", ".join(repr(x) for x in labels[:MAX_LISTED * 2])
    more = len(labels) - MAX_LISTED * 2
    return shown + (f" and {more} more" if more > 0 else "")


def check_table(
    name: str,
    value,
    expected: pd.DataFrame | None = None,
    *,
    rows=None,
    columns=None,
    rel: float | None = None,
    abs: float | None = None,  # noqa: A002
    row_label: str = "row",
    column_label: str = "column",
    extra_rows_ok: bool = True,
    hint: str = "",
    row_hints: Mapping[str, str] | None = None,
) -> None:
    """Check a table: type, then its rows and columns, then its values, column by column.

    Rows and columns are matched by label, so their order does not matter, and a table with rows
    and columns swapped (years as rows instead of columns) is read the other way round. Extra rows
    are allowed (a student may keep intermediate rows) unless ``extra_rows_ok=False``.

    Values are compared column by column from the left, top to bottom in the expected table's row
    order; the message names the **first** cell that differs (the earliest year, the first row of
    that year) because later cells of an LTV table inherit its error, lists every row that
    differs, and adds that row's entry of ``row_hints``.

    Parameters
    ----------
    expected : DataFrame, optional
        The right table; without it only ``rows`` and ``columns`` are checked (sanity test).
    rows, columns : list-like, optional
        Labels that must be present when ``expected`` is not given.
    row_label, column_label : str
        How rows and columns are named in messages ("row", "year", "customer").
    row_hints : {row label: how to compute it}, optional
        Course-words reminders shown when that row is the first to differ.

    Examples
    --------
    >>> right = pd.DataFrame({"year 1": [100.0, -12.0], "year 2": [60.0, 23.0]},
    ...                      index=["customers", "ltv"])
    >>> check_table("cohort", right.iloc[::-1], right)
    ✓ cohort: all 4 values right.
    >>> wrong = right.copy(); wrong.loc["customers", "year 2"] = 50.0
    >>> check_table("cohort", wrong, right,
    ...             row_hints={"customers": "last year's customers x last year's retention."})
    Traceback (most recent call last):
    ...
    crmlib.grading.CheckFailed: cohort first differs in column 'year 2', row 'customers': 50 where 60 was expected.
      Rows that differ: 'customers'.
      Row 'customers': last year's customers x last year's retention.
    """
    __tracebackhide__ = True
    rel, abs = _tolerances(rel, abs)  # noqa: A001
    _not_assigned(name, value)
    if isinstance(value, pd.Series):
        _fail(f"{name} is {_type_name(value)}, but it should be a table (a DataFrame).",
              extra=["A single row or column was selected: keep the whole table."])
    if not isinstance(value, pd.DataFrame):
        _fail(f"{name} is {_type_name(value)}, but it should be a table (a DataFrame).", hint=hint)
    want_rows = list(expected.index) if expected is not None else (list(rows) if rows is not None else [])
    want_cols = list(expected.columns) if expected is not None else (list(columns) if columns is not None else [])
    table = value
    note = ""
    rows_named, columns_named = _plural(row_label, "rows"), _plural(column_label, "columns")

    def missing_in(frame):
        return ([r for r in want_rows if r not in frame.index],
                [c for c in want_cols if c not in frame.columns])

    miss_rows, miss_cols = missing_in(table)
    if miss_rows or miss_cols:
        t_rows, t_cols = missing_in(value.T)
        if not t_rows and not t_cols:
            table, note = value.T, f" ({rows_named} read from the columns)"
            miss_rows, miss_cols = [], []
    if miss_rows or miss_cols:
        lines = []
        if miss_rows:
            lines.append(f"Missing {rows_named}: {_label_text(miss_rows)}.")
        if miss_cols:
            lines.append(f"Missing {columns_named}: {_label_text(miss_cols)}.")
        lines.append(f"It has {rows_named} {_label_text(table.index)} and "
                     f"{columns_named} {_label_text(table.columns)}.")
        _fail(f"{name} does not have the expected {rows_named} and {columns_named}.",
              hint=hint, extra=lines)
    if table.index.has_duplicates or table.columns.has_duplicates:
        _fail(f"{name} has {_a(row_label)} {row_label} or {column_label} label more than once.", hint=hint)
    extra_rows = [r for r in table.index if r not in want_rows]
    if extra_rows and not extra_rows_ok and want_rows:
        _fail(f"{name} has {rows_named} that were not asked for: {_label_text(extra_rows)}.", hint=hint)
    if expected is None:
        _passed(f"{name} is a table with the expected {rows_named} and "
                f"{columns_named}{note} (its values are checked when the exercise is graded).")
        return
    got = table.loc[want_rows, want_cols]
    differing_rows: list = []
    first = None
    for col in want_cols:
        ok = _equal_labelled(got[col], expected[col], rel, abs)
        for i in np.flatnonzero(~ok):
            row = want_rows[i]
            if first is None:
                first = (col, row)
            if row not in differing_rows:
                differing_rows.append(row)
    if first is None:
        _passed(f"{name}: all {expected.size} values right{note}.")
        return
    col, row = first
    differing_rows.sort(key=want_rows.index)
    extra = [f"Rows that differ: {_label_text(differing_rows)}."]
    if row_hints and row in row_hints:
        extra.append(f"Row {str(row)!r}: {row_hints[row]}")
    _fail(
        f"{name} first differs in {column_label} {str(col)!r}, {row_label} {str(row)!r}: "
        f"{_show(got.loc[row, col])} where {_show(expected.loc[row, col])} was expected.",
        hint=hint,
        extra=extra,
    )


# --------------------------------------------------------------------------------------------
# labels


def check_text(
    name: str,
    value,
    expected: str | None = None,
    *,
    choices: Sequence[str] | None = None,
    hint: str = "",
) -> None:
    """Check a one-word answer such as a tier or a status; case and spaces around it do not matter.

    Examples
    --------
    >>> check_text("tier", " Gold", "gold", choices=["diamond", "gold", "brass", "lead"])
    ✓ tier = 'Gold': right.
    >>> check_text("tier", "silver", choices=["diamond", "gold", "brass", "lead"])
    Traceback (most recent call last):
    ...
    crmlib.grading.CheckFailed: tier = 'silver' is not one of the choices: 'diamond', 'gold', 'brass', 'lead'.
    """
    __tracebackhide__ = True
    _not_assigned(name, value)
    if not isinstance(value, str):
        _fail(f"{name} is {_type_name(value)}, but it should be a text answer in quotes.")
    answer = value.strip().lower()
    if choices is not None and answer not in [c.lower() for c in choices]:
        _fail(f"{name} = {value.strip()!r} is not one of the choices: {_label_text(choices)}.")
    if expected is None:
        _passed(f"{name} is one of the choices (checked when the exercise is graded).")
        return
    if answer == expected.strip().lower():
        _passed(f"{name} = {value.strip()!r}: right.")
        return
    _fail(f"{name} = {value.strip()!r} but it should be {expected!r}.", hint=hint)
