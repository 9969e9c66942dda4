"""Checks for the exercises' test cells: say what is wrong, in the course's words.

Every test cell of an exercise calls these functions. A check looks at an answer in three steps
and stops at the first problem it finds:

1. **type**: is it a number, a list of numbers, a Series, a table?
2. **shape**: the right length, the right customers (index), the right rows and columns?
3. **values**: compared in one of two ways:

   - ``expected=`` (the hidden tests, run when the exercise is graded): equal to the expected
     values within a tolerance (numbers) or exactly (labels); a failure shows the expected value;
   - ``fingerprint=`` with ``digits=`` (the visible checks a student runs before handing in):
     the answer, rounded to the question's stated precision, has the same :func:`fingerprint`
     as the expected value. The notebook holds only the fingerprint, a short hash, so the check
     says whether the value is right without containing the answer; a failure says that the
     value is not right yet, gives the hint and never the expected value.

A failure raises :class:`CheckFailed`, an ``AssertionError`` (so nbgrader counts the test cell as
failed), whose message says what is wrong in course terms and where to look: the customers whose
score is off and which way scores run, the first year and row of an LTV table that differs, a
likely mistake recognised from its value (``mistakes``, keyed by the wrong value, or by the wrong
value's fingerprint in a visible check), and the diagnoses that need no answer: only the sign is
wrong, a share written as a percentage, the wrong length, off by one period. A passing check
prints one short line.

Called with neither ``expected`` nor ``fingerprint``, a check looks at type and shape only.

Every text a student reads comes from one table, :data:`MESSAGES`, one entry per language.
:func:`checks` gives the checks that speak one language (``checks("en").check_number``, ...); the
module's own ``check_*`` functions are the English ones. The course speaks English (``"en"``)
and simplified Chinese (``"zh"``): an exercise of the Chinese edition sets ``grading =
checks("zh")`` once, after its imports, and its test cells, the same as the English ones, speak
Chinese. A new language is a new entry of :data:`MESSAGES` (and of :data:`GRAMMAR`, the article
and plural rules), with no change to the checks.

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

The visible check of the same question holds a fingerprint instead of the answer:

>>> fingerprint(9.818147, 4, "annuity_factor")
'd820c7400ac9'
>>> check_number("annuity_factor", 9.8181474, fingerprint="d820c7400ac9", digits=4)
✓ annuity_factor = 9.81815: right to 4 decimals.
>>> check_number("annuity_factor", 10.6036, fingerprint="d820c7400ac9", digits=4, period_factor=1.08,
...              hint="the annuity factor (chapter 3, 'Discounting').")
Traceback (most recent call last):
...
crmlib.grading.CheckFailed: annuity_factor = 10.6036 is not right yet (checked to 4 decimals).
  It is off by exactly one period (a factor of 1.08): check whether t starts at 0 or at 1.
  How to look for it: the annuity factor (chapter 3, 'Discounting').
"""

from __future__ import annotations

import hashlib
import math
import numbers
import re
import warnings
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "CheckFailed",
    "Checks",
    "GRAMMAR",
    "MESSAGES",
    "check_number",
    "check_scores",
    "check_series",
    "check_table",
    "check_text",
    "check_values",
    "checks",
    "fingerprint",
]

#: How many customers, rows or positions a failure message lists before "and N more".
MAX_LISTED = 5
#: Tolerance of value checks when neither ``rel`` nor ``abs`` is given: relative 1e-4, plus an
#: absolute 1e-9 so that float noise around an expected 0 (1.6e6 - 1.6e6) passes.
DEFAULT_REL = 1e-4
DEFAULT_ABS = 1e-9
#: A fingerprint is this many hexadecimal digits of a SHA-256 digest.
FINGERPRINT_LENGTH = 12
#: Float noise: a value this close (relative, at least 1e-9 absolute, at most a tenth of the last
#: stated digit) to a rounding boundary (x.xx5) is rounded both ways before its fingerprint is
#: compared, so that a right answer never fails because its last bits differ from the author's.
NOISE = 1e-9
#: Decimals used for numbers when a fingerprint compares labels (``digits`` not given).
LABEL_DIGITS = 9
#: At most this many ways of rounding the values near a boundary are tried for one answer.
MAX_ROUNDINGS = 64

_FINGERPRINT = re.compile(rf"[0-9a-f]{{{FINGERPRINT_LENGTH}}}")


# ================================================================================================
# The one table of student-facing texts. Each check builds its messages from these templates
# (str.format fields in braces); a translation is a new entry with the same keys.

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        # framing
        "passed": "✓ {message}",
        "hint": "How to look for it: {hint}",
        "likely_mistake": "Likely mistake: {explanation}",
        "and_more": "... and {n} more.",
        "list_and_more": "{shown} and {n} more",
        "list_separator": ", ",
        "verdict_right": "right",
        "verdict_consistent": "consistent with your earlier answer ({follows})",
        "follows_note": "This is computed from your earlier answer ({follows}), so that an earlier mistake "
        "is not counted twice.",
        "precision_decimals": "{digits} decimals",
        "precision_one_decimal": "1 decimal",
        "precision_whole": "the nearest whole number",
        "precision_rounded": "the nearest {step}",
        "missing_value": "missing",
        # default words
        "default_entity": "customer",
        "default_value": "value",
        "default_score": "score",
        "default_position": "position",
        "default_row": "row",
        "default_column": "column",
        "word_values": "values",
        "word_rows": "rows",
        "word_columns": "columns",
        # what an answer is
        "type_none": "None",
        "type_dataframe": "a DataFrame with {rows} rows and {columns} columns",
        "type_series": "a Series of {n} values",
        "type_array": "a NumPy array of shape {shape}",
        "type_short_text": "the text {text!r}",
        "type_text": "a text",
        "type_bool": "the truth value {value}",
        "type_container": "a {kind} of {n} items",
        "type_complex": "the complex number {value!r}",
        "type_number": "the number {value}",
        "type_other": "a {kind}",
        "wrong_type": "{name} is {got}, but it should be {what}.",
        # not answered yet
        "is_none": "{name} is None: it has no answer yet.",
        "is_none_detail": "A function that prints its result returns None: assign the result itself, "
        "e.g. {name} = <the computation>.",
        "is_placeholder": "{name} is still the placeholder ...: replace it with your answer.",
        # one number
        "what_number": "a number",
        "bool_for_number": "A comparison such as a == b gives True/False: assign the number itself.",
        "text_for_number": "Remove the quotes: 66.08 is a number, '66.08' is text.",
        "take_single_number": "Take the single number out, e.g. with .iloc[0], .item() or float(...).",
        "pick_one_number": "Pick the one value that was asked for, e.g. with .loc[...].",
        "is_nan": "{name} is NaN (not a number).",
        "is_nan_detail": "A calculation used a missing value or divided 0 by 0: look at the inputs of the "
        "last step.",
        "outside_range": "{name} = {value}{unit} is outside the range a sensible answer lies in "
        "({low} to {high}{unit}).",
        "number_shape_ok": "{name} is a number (its value is checked when the exercise is graded).",
        "number_range_ok": "{name} is a number in the expected range (its value is checked when the exercise "
        "is graded).",
        "number_right": "{name} = {value}{unit}: {verdict}.",
        "number_wrong": "{name} = {value}{unit} but it should be {expected}{unit} (allowed difference "
        "±{tolerance}).",
        "number_matches": "{name} = {value}{unit}: {verdict} to {precision}.",
        "number_not_yet": "{name} = {value}{unit} is not right yet (checked to {precision}).",
        # diagnoses that need no answer
        "times_100_large": "It is 100 times too large: is a percentage written as 10 instead of 0.10?",
        "times_100_small": "It is 100 times too small: is a rate written as 0.10 where 10 was meant, or a "
        "share where a percentage was asked?",
        "sign_only": "Only the sign is wrong: check which amounts are costs (subtracted) and which are "
        "profit.",
        "one_period_off": "It is off by exactly one period (a factor of {factor}): check whether t starts "
        "at 0 or at 1.",
        "rounded_early": "It is the right value rounded to {decimals} decimals: keep more decimals (round "
        "only for display, at the very end).",
        "close": "It is close ({off}): were intermediate values rounded?",
        "scores_reversed_hint": "Read the other way round, the scores would be right: {meaning}.",
        "scores_reversed_plain": "Read the other way round, the scores would be right: check which end of "
        "the scale is the best.",
        # sequences of numbers
        "what_sequence": "a sequence of numbers",
        "keep_all_values": "Keep all the values, in order: a list, a NumPy array or a pandas Series.",
        "pick_row_or_column": "Pick the one row or column that was asked for, e.g. table.loc['ltv'].",
        "text_at_position": "{name} contains text at position {position} ({text!r}), but it should be {what}.",
        "remove_quotes": "Remove the quotes around the numbers.",
        "unreadable": "{name} is {got}, which cannot be read as {what}.",
        "not_one_dimension": "{name} is {got}, but it should be {what} (one dimension).",
        "not_a_number_inside": "{name} contains something that is not a number{where}, but it should be "
        "{what}.",
        "at_position": " (position {position}: {text!r})",
        "wrong_length": "{name} has {got} values but there should be {n}{per}.",
        "one_per": " (one per {label})",
        "values_shape_ok": "{name} has {n} numbers (their values are checked when the exercise is graded).",
        "values_right": "{name}: all {n} values {verdict}.",
        "values_wrong": "{name} is wrong in {wrong} of {n} places, first in {label} {first}: {value}{unit} "
        "where {expected}{unit} was expected.",
        "wrong_places": "Wrong: {places}.",
        "values_matches": "{name}: all {n} values {verdict} to {precision}.",
        "values_not_yet": "{name} is not right yet: at least one of its {n} values differs (checked to "
        "{precision}).",
        # one value per customer
        "what_series": "a Series with one {what} per {entity}",
        "select_one_column": "Select the one column that was asked for, e.g. scores['R'].",
        "series_keeps_ids": "A pandas Series keeps the customer ids as its index; a plain list or array "
        "loses them.",
        "labels_twice": "{name} has {labels} more than once: one row per {entity}.",
        "labels_missing": "Missing: {labels}.",
        "labels_not_expected": "Not expected: {labels}.",
        "labels_none_match": "None of the labels match: is the index the {entity} id (set_index)?",
        "labels_wrong": "{name} does not have the expected {entities} ({got} instead of {n}).",
        "series_shape_ok": "{name} has one {what} for each of {n} {entities} (the values are checked when "
        "the exercise is graded).",
        "series_right": "{name}: {verdict} for all {n} {entities}.",
        "series_wrong": "{name} is wrong for {wrong} of {n} {entities}.",
        "entity_wrong": "{entity} {label}: {what} {value} where {expected} was expected.",
        "series_not_yet": "{name} is not right yet: the {what} of at least one of the {n} {entities} "
        "differs{checked}.",
        "checked_to": " (checked to {precision})",
        # scores
        "what_scores": "a Series with one {score} score per {entity}",
        "scores_not_whole": "{name} has scores that are not whole numbers from 1 to {bins}: {entity} {label} "
        "has {value}.",
        "found_for": "Found for {labels}.",
        "scores_shape_ok": "{name} has {article} {score} score from 1 to {bins} for each of {n} {entities} "
        "(the values are checked when the exercise is graded).",
        "scores_reversed": "{name} is wrong for {wrong} of {n} {entities}: the scores run the wrong way round.",
        "scores_reversed_first": "{entity} {label} has {score} = {value} but should have {score} = "
        "{expected}: {meaning}.",
        "scores_not_yet_reversed": "{name} is not right yet: the scores run the wrong way round.",
        # tables
        "what_table": "a table (a DataFrame)",
        "table_one_line": "A single row or column was selected: keep the whole table.",
        "table_missing": "Missing {things}: {labels}.",
        "table_has": "It has {rows} {row_labels} and {columns} {column_labels}.",
        "table_labels_wrong": "{name} does not have the expected {rows} and {columns}.",
        "table_label_twice": "{name} has {article} {row_label} or {column_label} label more than once.",
        "table_extra_rows": "{name} has {rows} that were not asked for: {labels}.",
        "table_transposed": " ({rows} read from the columns)",
        "table_shape_ok": "{name} is a table with the expected {rows} and {columns}{note} (its values are "
        "checked when the exercise is graded).",
        "table_right": "{name}: all {n} values {verdict}{note}.",
        "table_wrong": "{name} first differs in {column_label} {column!r}, {row_label} {row!r}: {value} "
        "where {expected} was expected.",
        "table_rows_differ": "Rows that differ: {labels}.",
        "table_row_hint": "Row {row!r}: {hint}",
        "table_matches": "{name}: all {n} values {verdict} to {precision}{note}.",
        "table_not_yet": "{name} is not right yet in {wrong} of {n} {columns}, first in {column_label} "
        "{column!r} (checked to {precision}){note}.",
        "table_columns_differ": "{Columns} that differ: {labels}.",
        # one word
        "text_not_text": "{name} is {got}, but it should be a text answer in quotes.",
        "text_not_a_choice": "{name} = {value!r} is not one of the choices: {choices}.",
        "text_shape_ok": "{name} is one of the choices (checked when the exercise is graded).",
        "text_right": "{name} = {value!r}: {verdict}.",
        "text_wrong": "{name} = {value!r} but it should be {expected!r}.",
        "text_not_yet": "{name} = {value!r} is not right yet.",
    },
    # 简体中文: the same keys and fields as "en" ("article" aside: Chinese has none), written as a
    # Chinese instructor would say it, with the course's terms (客户, 得分, 贴现 ...).
    "zh": {
        # framing
        "passed": "✓ {message}",
        "hint": "提示：{hint}",
        "likely_mistake": "可能的错误：{explanation}",
        "and_more": "……另有 {n} 个。",
        "list_and_more": "{shown}，另有 {n} 个",
        "list_separator": "、",
        "verdict_right": "正确",
        "verdict_consistent": "与你前面的答案（{follows}）一致",
        "follows_note": "这一项按你前面的答案（{follows}）来判，前面的错误不会重复扣分。",
        "precision_decimals": "{digits} 位小数",
        "precision_one_decimal": "1 位小数",
        "precision_whole": "整数",
        "precision_rounded": "{step} 的整数倍",
        "missing_value": "缺失值",
        # default words
        "default_entity": "客户",
        "default_value": "值",
        "default_score": "得分",
        "default_position": "位置",
        "default_row": "行",
        "default_column": "列",
        "word_values": "值",
        "word_rows": "行",
        "word_columns": "列",
        # what an answer is
        "type_none": "None",
        "type_dataframe": "一个 {rows} 行 {columns} 列的 DataFrame",
        "type_series": "一个含 {n} 个值的 Series",
        "type_array": "一个形状为 {shape} 的 NumPy 数组",
        "type_short_text": "文本 {text!r}",
        "type_text": "一段文本",
        "type_bool": "布尔值 {value}",
        "type_container": "一个含 {n} 项的 {kind}",
        "type_complex": "复数 {value!r}",
        "type_number": "数字 {value}",
        "type_other": "一个 {kind} 对象",
        "wrong_type": "{name} 是{got}，但应该是{what}。",
        # not answered yet
        "is_none": "{name} 是 None：还没有答案。",
        "is_none_detail": "只打印结果的函数返回的是 None：请把结果本身赋给变量，例如 {name} = <计算式>。",
        "is_placeholder": "{name} 还是占位符 ...：请换成你的答案。",
        # one number
        "what_number": "一个数字",
        "bool_for_number": "a == b 这样的比较得到的是 True/False：请把数字本身赋给变量。",
        "text_for_number": "去掉引号：66.08 是数字，'66.08' 是文本。",
        "take_single_number": "把这一个数取出来，例如用 .iloc[0]、.item() 或 float(...)。",
        "pick_one_number": "只取题目要的那一个值，例如用 .loc[...]。",
        "is_nan": "{name} 是 NaN（不是数字）。",
        "is_nan_detail": "计算中用到了缺失值，或者出现了 0 除以 0：检查最后一步的输入。",
        "outside_range": "{name} = {value}{unit}，不在合理答案的范围内（{low} 到 {high}{unit}）。",
        "number_shape_ok": "{name} 是一个数字（数值在批改时检查）。",
        "number_range_ok": "{name} 是一个在合理范围内的数字（数值在批改时检查）。",
        "number_right": "{name} = {value}{unit}：{verdict}。",
        "number_wrong": "{name} = {value}{unit}，但应为 {expected}{unit}（允许误差 ±{tolerance}）。",
        "number_matches": "{name} = {value}{unit}：{verdict}（检查精度：{precision}）。",
        "number_not_yet": "{name} = {value}{unit}，还不对（检查精度：{precision}）。",
        # diagnoses that need no answer
        "times_100_large": "大了 100 倍：是不是把百分数写成了 10，而不是 0.10？",
        "times_100_small": "小了 100 倍：是不是把本该写 10 的比率写成了 0.10，或者题目要百分数而你给了比例？",
        "sign_only": "只是正负号不对：检查哪些金额是成本（要减去），哪些是利润。",
        "one_period_off": "正好差了一期（相差 {factor} 倍）：检查 t 是从 0 还是从 1 开始。",
        "rounded_early": "这是正确值四舍五入到 {decimals} 位小数的结果：请多保留几位小数（只在最后显示时才取整）。",
        "close": "已经很接近了（{off}）：中间结果是不是提前取整了？",
        "scores_reversed_hint": "把得分反过来读就对了：{meaning}。",
        "scores_reversed_plain": "把得分反过来读就对了：检查刻度的哪一端代表最好。",
        # sequences of numbers
        "what_sequence": "一串数字",
        "keep_all_values": "按顺序保留所有的值：用列表、NumPy 数组或 pandas Series。",
        "pick_row_or_column": "只取题目要的那一行或那一列，例如 table.loc['ltv']。",
        "text_at_position": "{name} 在第 {position} 个位置上是文本（{text!r}），但应该是{what}。",
        "remove_quotes": "去掉数字两边的引号。",
        "unreadable": "{name} 是{got}，无法读成{what}。",
        "not_one_dimension": "{name} 是{got}，但应该是{what}（一维）。",
        "not_a_number_inside": "{name} 含有不是数字的内容{where}，但应该是{what}。",
        "at_position": "（第 {position} 个位置：{text!r}）",
        "wrong_length": "{name} 有 {got} 个值，但应该有 {n} 个{per}。",
        "one_per": "（每个{label}一个）",
        "values_shape_ok": "{name} 有 {n} 个数字（数值在批改时检查）。",
        "values_right": "{name}：全部 {n} 个值{verdict}。",
        "values_wrong": "{name} 的 {n} 个值中有 {wrong} 个不对，第一个在{label} {first}：是 {value}{unit}，"
        "应为 {expected}{unit}。",
        "wrong_places": "不对的位置：{places}。",
        "values_matches": "{name}：全部 {n} 个值{verdict}（检查精度：{precision}）。",
        "values_not_yet": "{name} 还不对：{n} 个值中至少有一个不同（检查精度：{precision}）。",
        # one value per customer
        "what_series": "一个每个{entity}对应一个{what}的 Series",
        "select_one_column": "只选题目要的那一列，例如 scores['R']。",
        "series_keeps_ids": "pandas Series 把客户编号保存在索引里；普通的列表或数组会把它们丢掉。",
        "labels_twice": "{name} 中{labels}出现了不止一次：每个{entity}只能有一行。",
        "labels_missing": "缺少：{labels}。",
        "labels_not_expected": "多出来的：{labels}。",
        "labels_none_match": "没有一个标签对得上：索引是不是{entity}编号（set_index）？",
        "labels_wrong": "{name} 的{entities}与预期不符（有 {got} 个，应为 {n} 个）。",
        "series_shape_ok": "{name} 为 {n} 个{entities}各给出一个{what}（数值在批改时检查）。",
        "series_right": "{name}：全部 {n} 个{entities}都{verdict}。",
        "series_wrong": "{name} 在 {n} 个{entities}中有 {wrong} 个不对。",
        "entity_wrong": "{entity} {label}：{what}是 {value}，应为 {expected}。",
        "series_not_yet": "{name} 还不对：{n} 个{entities}中至少有一个的{what}不同{checked}。",
        "checked_to": "（检查精度：{precision}）",
        # scores
        "what_scores": "一个每个{entity}对应一个 {score} 得分的 Series",
        "scores_not_whole": "{name} 中有不是 1 到 {bins} 之间整数的得分：{entity} {label} 的得分是 {value}。",
        "found_for": "出现在：{labels}。",
        "scores_shape_ok": "{name} 为 {n} 个{entities}各给出一个 1 到 {bins} 的 {score} 得分（数值在批改时检查）。",
        "scores_reversed": "{name} 在 {n} 个{entities}中有 {wrong} 个不对：得分的方向反了。",
        "scores_reversed_first": "{entity} {label} 的 {score} = {value}，但应为 {score} = {expected}：{meaning}。",
        "scores_not_yet_reversed": "{name} 还不对：得分的方向反了。",
        # tables
        "what_table": "一张表（DataFrame）",
        "table_one_line": "只选了一行或一列：请保留整张表。",
        "table_missing": "缺少{things}：{labels}。",
        "table_has": "它的{rows}是 {row_labels}，{columns}是 {column_labels}。",
        "table_labels_wrong": "{name} 的{rows}和{columns}与预期不符。",
        "table_label_twice": "{name} 中有重复的{row_label}或{column_label}标签。",
        "table_extra_rows": "{name} 有题目没要求的{rows}：{labels}。",
        "table_transposed": "（{rows}按列读取）",
        "table_shape_ok": "{name} 是一张{rows}和{columns}都符合预期的表{note}（数值在批改时检查）。",
        "table_right": "{name}：全部 {n} 个值{verdict}{note}。",
        "table_wrong": "{name} 第一处不同在{column_label} {column!r}、{row_label} {row!r}：是 {value}，"
        "应为 {expected}。",
        "table_rows_differ": "不同的行：{labels}。",
        "table_row_hint": "行 {row!r}：{hint}",
        "table_matches": "{name}：全部 {n} 个值{verdict}（检查精度：{precision}）{note}。",
        "table_not_yet": "{name} 还不对：{n} 个{columns}中有 {wrong} 个不同，第一个是{column_label} {column!r}"
        "（检查精度：{precision}）{note}。",
        "table_columns_differ": "不同的{Columns}：{labels}。",
        # one word
        "text_not_text": "{name} 是{got}，但应该是加了引号的文本答案。",
        "text_not_a_choice": "{name} = {value!r} 不在可选答案中：{choices}。",
        "text_shape_ok": "{name} 是可选答案之一（对不对在批改时检查）。",
        "text_right": "{name} = {value!r}：{verdict}。",
        "text_wrong": "{name} = {value!r}，但应为 {expected!r}。",
        "text_not_yet": "{name} = {value!r} 还不对。",
    },
}


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


def _no_article(word: str) -> str:
    """Chinese has no article."""
    return ""


def _plural_zh(label: str, kind: str = "值") -> str:
    """A Chinese word has no plural: "客户" stays "客户"; a column name or a letter (no Chinese in it)
    is followed by ``kind`` ("basic_met 值", "k 行"), as in English.

    >>> _plural_zh("客户"), _plural_zh("年份"), _plural_zh("basic_met"), _plural_zh("k", "行")
    ('客户', '年份', 'basic_met 值', 'k 行')
    """
    label = str(label)
    if any("\u3400" <= character <= "\u9fff" for character in label):
        return label
    return f"{label} {kind}"


#: Per language, the two grammar rules the templates need: the article before a word and the
#: plural of a word (with the kind of thing, "values" or "rows", after a name that has none).
GRAMMAR: dict[str, dict[str, Callable]] = {
    "en": {"article": _a, "plural": _plural},
    "zh": {"article": _no_article, "plural": _plural_zh},
}


class CheckFailed(AssertionError):
    """An answer failed a check; the message says what is wrong and how to look for it.

    In a notebook, IPython shows only the error line with this message (through
    ``_render_traceback_``), not the frames inside this module: the student reads the message,
    not the checking code.
    """

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[0;31mCheckFailed\x1b[0m: {self}"]


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


# ================================================================================================
# Fingerprints: a value rounded to the stated precision, hashed with the answer's name


def _is_number(x) -> bool:
    return isinstance(x, (numbers.Number, np.number)) and not isinstance(x, (bool, np.bool_, complex))


def _number_texts(x: float, digits: int) -> list[str]:
    """``x`` rounded to ``digits`` decimals, as text; two texts when ``x`` is within float noise
    of a rounding boundary (the nearest rounding first)."""
    x = float(x)
    if math.isnan(x):
        return ["nan"]
    if math.isinf(x):
        return ["inf" if x > 0 else "-inf"]
    noise = min(NOISE * max(1.0, abs(x)), 0.1 * 10.0 ** -digits)
    texts = []
    for y in (x, x - noise, x + noise):
        text = f"{round(y, digits):.{max(digits, 0)}f}"
        if float(text) == 0:
            text = text.lstrip("-")  # -0.00 is 0.00
        if text not in texts:
            texts.append(text)
    return texts


def _item_texts(x, digits: int | None) -> list[str]:
    """The texts one item of an answer can be fingerprinted as: a number rounded, a label as text."""
    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)) or x is pd.NaT:
        return ["nan"]
    if isinstance(x, (bool, np.bool_)):
        return [str(bool(x)).lower()]
    if _is_number(x):
        return _number_texts(x, LABEL_DIGITS if digits is None else digits)
    return [str(x).strip()]


def _combinations(options: list[list[str]]) -> list[list[str]]:
    """Every way of choosing one text per item, the nearest roundings first, at most MAX_ROUNDINGS."""
    chosen: list[list[str]] = [[]]
    for texts in options:
        if len(chosen) * len(texts) > MAX_ROUNDINGS:
            texts = texts[:1]
        chosen = [done + [text] for done in chosen for text in texts]
    return chosen


def _digest(name: str, canonical: str) -> str:
    return hashlib.sha256(f"{name}\n{canonical}".encode()).hexdigest()[:FINGERPRINT_LENGTH]


def _series_canonicals(series: pd.Series, digits: int | None) -> list[str]:
    """The labelled values of ``series`` sorted by label (order does not matter), as texts."""
    items = sorted(((str(label), value) for label, value in series.items()), key=lambda item: item[0])
    options = [[f"{label}={text}" for text in _item_texts(value, digits)] for label, value in items]
    return ["series:" + ";".join(choice) for choice in _combinations(options)]


def _canonicals(value, digits: int | None, kind: str) -> list[str]:
    """Every canonical text ``value`` may be fingerprinted as (the exact rounding first)."""
    if kind == "number":
        return ["number:" + text for text in _number_texts(value, LABEL_DIGITS if digits is None else digits)]
    if kind == "text":
        return ["text:" + str(value).strip().lower()]
    if kind == "series":
        return _series_canonicals(value, digits)
    options = [_item_texts(x, digits) for x in value]
    return ["values:" + ",".join(choice) for choice in _combinations(options)]


def _kind(value) -> str:
    if isinstance(value, pd.Series):
        return "series"
    if isinstance(value, str):
        return "text"
    if _is_number(value) or isinstance(value, (bool, np.bool_)):
        return "number"
    return "values"


def _fingerprints(value, digits: int | None, name: str, kind: str) -> set[str]:
    """The fingerprints of ``value`` under every rounding that float noise allows."""
    return {_digest(name, text) for text in _canonicals(value, digits, kind)}


def _column_name(name: str, column) -> str:
    return f"{name}[{column}]"


def fingerprint(value, digits: int | None, name: str):
    """A short hash of ``value`` rounded to ``digits`` decimals, salted with the answer's ``name``.

    A visible check holds the fingerprint of the right answer instead of the answer: the check
    computes the fingerprint of the student's answer the same way and compares the two. The
    author computes it once, with the answer and the name the check uses, and writes it out.

    What is hashed, ``name`` first:

    - a number: rounded to ``digits`` decimals (``digits=-3`` rounds to thousands);
    - a list, tuple or array: every number rounded, in order (for :func:`check_values`: pass
      the values, ``list(series)``, not a Series);
    - a Series: its (label, value) pairs sorted by label, so the order of the rows does not
      matter (for :func:`check_series` and :func:`check_scores`); text values as lower-case text;
    - a DataFrame: one fingerprint per column, ``{column: fingerprint}``, each of that column's
      (row, value) pairs (for :func:`check_table`);
    - a text: stripped, in lower case (for :func:`check_text`).

    Parameters
    ----------
    value
        The right answer (or a known wrong one, for ``mistakes``).
    digits : int or None
        Decimals the question states its answer to; needed for numbers, ``None`` for labels.
    name : str
        The answer's name as the check calls it: the same value under another name has another
        fingerprint, so fingerprints cannot be looked up in a table of common values.

    Returns
    -------
    str or dict
        12 hexadecimal digits; for a DataFrame a dict of them, one per column.

    Examples
    --------
    >>> fingerprint(9.818147, 4, "annuity_factor")
    'd820c7400ac9'
    >>> fingerprint(9.81814, 4, "annuity_factor") == fingerprint(9.8181, 4, "annuity_factor")
    True
    >>> fingerprint(9.818147, 4, "another_name") == fingerprint(9.818147, 4, "annuity_factor")
    False
    >>> a = pd.Series({"A": "safe", "B": "watch"})
    >>> fingerprint(a, None, "status") == fingerprint(a.iloc[::-1], None, "status")
    True
    """
    if not isinstance(name, str) or not name:
        raise TypeError("fingerprint() needs the answer's name, as the check calls it: name='annuity_factor'")
    if digits is not None and not isinstance(digits, (int, np.integer)):
        raise TypeError(f"digits must be a whole number of decimals (or None for labels), got {digits!r}")
    if isinstance(value, pd.DataFrame):
        return {column: fingerprint(value[column], digits, _column_name(name, column)) for column in value.columns}
    kind = _kind(value)
    if digits is None and _has_numbers(value, kind):
        raise TypeError(f"{name} holds numbers: say to how many decimals they are checked, digits=...")
    return _digest(name, _canonicals(value, digits, kind)[0])


def _has_numbers(value, kind: str) -> bool:
    if kind == "number":
        return True
    if kind == "text":
        return False
    items = value.tolist() if isinstance(value, pd.Series) else list(np.ravel(np.asarray(value, dtype=object)))
    return any(_is_number(x) for x in items)


def _is_fingerprint(key) -> bool:
    return isinstance(key, str) and bool(_FINGERPRINT.fullmatch(key))


# ================================================================================================
# small helpers that need no language


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


def _pairs(mistakes) -> list:
    if not mistakes:
        return []
    return list(mistakes.items() if isinstance(mistakes, Mapping) else mistakes)


def _quietly(compare: Callable[[], bool]) -> bool:
    """``compare()``, False when a malformed answer makes it fail, warnings silenced."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return bool(compare())
    except Exception:  # a malformed answer cannot match
        return False


def _geometric_ratio(vector: np.ndarray) -> float | None:
    """The common ratio of a sequence like (1 + i)^t, None if the sequence is not one."""
    if len(vector) < 2 or not np.isfinite(vector).all() or (vector == 0).any():
        return None
    ratios = vector[1:] / vector[:-1]
    ratio = float(ratios[0])
    if ratio <= 0 or math.isclose(ratio, 1.0, rel_tol=1e-9):
        return None
    return ratio if np.allclose(ratios, ratio, rtol=1e-9, atol=0) else None


def _equal_labelled(got: pd.Series, want: pd.Series, rel: float, abs_: float) -> np.ndarray:
    """Element-wise agreement of two aligned Series: numbers within tolerance, labels exactly."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if pd.api.types.is_numeric_dtype(want) and not pd.api.types.is_bool_dtype(want):
            got_num = pd.to_numeric(got, errors="coerce").to_numpy(dtype="float64")
            want_num = want.to_numpy(dtype="float64")
            return np.array([_close(g, w, rel, abs_) for g, w in zip(got_num, want_num, strict=True)], dtype=bool)
        got_txt = got.astype(object).where(got.notna(), None).map(lambda x: None if x is None else str(x))
        want_txt = want.astype(object).where(want.notna(), None).map(lambda x: None if x is None else str(x))
        return (got_txt.to_numpy() == want_txt.to_numpy()).astype(bool)


def _one_way(expected, fingerprint_) -> str:
    """Which way values are compared: "expected", "fingerprint" or "shape" (neither given)."""
    if expected is not None and fingerprint_ is not None:
        raise TypeError("give expected= (hidden tests) or fingerprint= (visible checks), not both")
    return "expected" if expected is not None else "fingerprint" if fingerprint_ is not None else "shape"


def _need_digits(digits, what: str) -> int:
    if digits is None:
        raise TypeError(f"a fingerprint of {what} needs digits=, the decimals the question states")
    return int(digits)


# ================================================================================================
# The checks, in one language


class Checks:
    """The checks, speaking one language of :data:`MESSAGES`.

    ``checks("en")`` (the module's own ``check_*`` functions) gives the English ones,
    ``checks("zh")`` the Chinese ones: a notebook of the Chinese edition sets ``grading =
    checks("zh")`` and calls ``grading.check_number(...)`` as the English notebook does.

    Examples
    --------
    >>> en = checks("en")
    >>> en.check_text("tier", "Gold", "gold")
    ✓ tier = 'Gold': right.
    >>> checks("zh").check_text("tier", "Gold", "gold")
    ✓ tier = 'Gold'：正确。
    """

    def __init__(self, language: str = "en"):
        if language not in MESSAGES or language not in GRAMMAR:
            known = ", ".join(repr(k) for k in MESSAGES if k in GRAMMAR)
            raise ValueError(f"no messages for language {language!r}: the checks speak {known}")
        self.language = language
        self.messages = MESSAGES[language]
        self.grammar = GRAMMAR[language]

    def __repr__(self) -> str:
        return f"checks({self.language!r})"

    # -- words -----------------------------------------------------------------------------

    def say(self, key: str, **fields) -> str:
        """The template ``key`` of this language filled in with ``fields``."""
        return self.messages[key].format(**fields)

    def _plural(self, label, kind: str = "word_values") -> str:
        return self.grammar["plural"](label, self.say(kind))

    def _article(self, word) -> str:
        return self.grammar["article"](word)

    def _verdict(self, follows: str) -> str:
        return self.say("verdict_consistent", follows=follows) if follows else self.say("verdict_right")

    def _precision(self, digits: int | None) -> str:
        if digits is None or digits > 1:
            return self.say("precision_decimals", digits=digits if digits is not None else LABEL_DIGITS)
        if digits == 1:
            return self.say("precision_one_decimal")
        if digits == 0:
            return self.say("precision_whole")
        return self.say("precision_rounded", step=fmt(10 ** -digits))

    def _more(self, shown: str, total: int, limit: int = MAX_LISTED) -> str:
        return self.say("list_and_more", shown=shown, n=total - limit) if total > limit else shown

    def _label_text(self, labels) -> str:
        labels = [str(x) for x in labels]
        shown = self.say("list_separator").join(repr(x) for x in labels[:MAX_LISTED * 2])
        return self._more(shown, len(labels), MAX_LISTED * 2)

    def _label_list(self, labels, entity: str) -> str:
        labels = list(labels)
        shown = self.say("list_separator").join(str(x) for x in labels[:MAX_LISTED])
        return f"{self._plural(entity) if len(labels) > 1 else entity} {self._more(shown, len(labels))}"

    def _positions(self, indices, labels, label: str) -> str:
        shown = self.say("list_separator").join(f"{label} {labels[i]}" for i in indices[:MAX_LISTED])
        return self._more(shown, len(indices))

    def _show(self, x) -> str:
        if _is_number(x):
            return fmt(x)
        if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA:
            return self.say("missing_value")
        return repr(str(x)) if not isinstance(x, str) else repr(x)

    def _type_name(self, value) -> str:
        if value is None:
            return self.say("type_none")
        if isinstance(value, pd.DataFrame):
            return self.say("type_dataframe", rows=value.shape[0], columns=value.shape[1])
        if isinstance(value, pd.Series):
            return self.say("type_series", n=len(value))
        if isinstance(value, np.ndarray):
            return self.say("type_array", shape=value.shape)
        if isinstance(value, str):
            return self.say("type_short_text", text=value) if len(value) <= 40 else self.say("type_text")
        if isinstance(value, (bool, np.bool_)):
            return self.say("type_bool", value=bool(value))
        if isinstance(value, (list, tuple)):
            return self.say("type_container", kind=type(value).__name__, n=len(value))
        if isinstance(value, complex):
            return self.say("type_complex", value=value)
        if isinstance(value, (numbers.Number, np.number)):
            return self.say("type_number", value=fmt(value))
        return self.say("type_other", kind=type(value).__name__)

    # -- outcomes --------------------------------------------------------------------------

    def _fail(self, message: str, hint: str = "", extra: Sequence[str] = ()):
        """Raise :class:`CheckFailed` with a first line, indented detail lines and a hint."""
        __tracebackhide__ = True
        lines = [message]
        lines += [f"  {line}" for line in extra if line]
        if hint:
            lines.append("  " + self.say("hint", hint=hint))
        raise CheckFailed("\n".join(lines)) from None

    def _passed(self, message: str) -> None:
        print(self.say("passed", message=message))

    def _wrong_type(self, name: str, value, what: str, *details: str, hint: str = ""):
        __tracebackhide__ = True
        self._fail(self.say("wrong_type", name=name, got=self._type_name(value), what=what),
                   hint=hint, extra=details)

    def _known(self, mistakes, matches: Callable[[object], bool]) -> list[str]:
        """Explanations of the known mistakes whose wrong answer ``matches`` the student's."""
        return [self.say("likely_mistake", explanation=explanation)
                for wrong, explanation in _pairs(mistakes) if _quietly(lambda w=wrong: matches(w))]

    def _known_by_fingerprint(self, mistakes, got: set[str], wrong_fingerprints: Callable) -> list[str]:
        """Known mistakes in a visible check: keyed by a fingerprint, or by a wrong value whose
        fingerprint ``wrong_fingerprints(value)`` gives."""
        return self._known(mistakes, lambda w: (w in got) if _is_fingerprint(w) else bool(wrong_fingerprints(w) & got))

    def _follows_line(self, follows: str) -> list[str]:
        return [self.say("follows_note", follows=follows)] if follows else []

    def _diagnoses(self, matches: Callable[[Callable], bool], period_factor: float | None,
                   own_ratio: float | None = None) -> list[str]:
        """The diagnoses that need no answer: ``matches(transform)`` says whether the answer,
        transformed, is right. ``period_factor`` (or a sequence's own common ratio) recognises
        a value off by one period."""
        if matches(lambda x: x / 100):
            return [self.say("times_100_large")]
        if matches(lambda x: x * 100):
            return [self.say("times_100_small")]
        if matches(lambda x: -x):
            return [self.say("sign_only")]
        for factor in (period_factor, own_ratio):
            if factor and (matches(lambda x, f=factor: x * f) or matches(lambda x, f=factor: x / f)):
                return [self.say("one_period_off", factor=fmt(factor if factor >= 1 else 1 / factor))]
        return []

    def _generic_number_lines(self, value: float, expected: float, rel: float, abs_: float,
                              period_factor: float | None = None) -> list[str]:
        """Diagnoses that hold for any number: percent vs fraction, sign, one period, rounding too early."""
        if expected == 0 or not math.isfinite(value):
            return []
        if _close(value, expected * 100, rel, abs_ * 100):
            return [self.say("times_100_large")]
        if _close(value, expected / 100, rel, abs_):
            return [self.say("times_100_small")]
        if _close(value, -expected, rel, abs_):
            return [self.say("sign_only")]
        if period_factor and any(_close(value, expected * f, rel, abs_) for f in (period_factor, 1 / period_factor)):
            return [self.say("one_period_off", factor=fmt(period_factor))]
        off = (value - expected) / abs(expected)
        if abs(off) < 0.01:
            for decimals in range(5):
                rounded = round(expected, decimals)
                if rounded != expected and math.isclose(value, rounded, rel_tol=1e-12, abs_tol=1e-12):
                    return [self.say("rounded_early", decimals=decimals)]
            if abs(off) < 0.001:
                return [self.say("close", off=f"{off:+.3%}")]
        return []

    # -- type steps ------------------------------------------------------------------------

    def _not_assigned(self, name: str, value) -> None:
        """Catch the two ways a student has not answered yet."""
        __tracebackhide__ = True
        if value is None:
            self._fail(self.say("is_none", name=name), extra=[self.say("is_none_detail", name=name)])
        if value is Ellipsis:
            self._fail(self.say("is_placeholder", name=name))

    def _as_float(self, name: str, value) -> float:
        """Type step for one number: a Python or NumPy number, not text, not a container."""
        __tracebackhide__ = True
        what = self.say("what_number")
        self._not_assigned(name, value)
        if isinstance(value, (bool, np.bool_)):
            self._wrong_type(name, value, what, self.say("bool_for_number"))
        if isinstance(value, str):
            self._wrong_type(name, value, what, self.say("text_for_number"))
        if isinstance(value, (pd.Series, pd.DataFrame, np.ndarray, list, tuple)):
            size = np.size(value) if not isinstance(value, (list, tuple)) else len(value)
            self._wrong_type(name, value, what,
                             self.say("take_single_number" if size == 1 else "pick_one_number"))
        if _is_number(value):
            result = float(value)
            if math.isnan(result):
                self._fail(self.say("is_nan", name=name), extra=[self.say("is_nan_detail")])
            return result
        self._wrong_type(name, value, what)
        raise AssertionError  # unreachable: _fail raises

    def _as_vector(self, name: str, value, what: str) -> np.ndarray:
        """Type step for a sequence of numbers: list, tuple, 1-D array, Series (or an n x 1 array)."""
        __tracebackhide__ = True
        self._not_assigned(name, value)
        if isinstance(value, (str, bytes, Mapping, set, frozenset)) or np.ndim(value) == 0:
            self._wrong_type(name, value, what, self.say("keep_all_values"))
        if isinstance(value, pd.DataFrame):
            if value.shape[1] == 1:
                value = value.iloc[:, 0]
            elif value.shape[0] == 1:
                value = value.iloc[0]
            else:
                self._wrong_type(name, value, what, self.say("pick_row_or_column"))
        if isinstance(value, (list, tuple)):
            texts = [i for i, v in enumerate(value) if isinstance(v, (str, bytes))]
            if texts:
                self._fail(self.say("text_at_position", name=name, position=texts[0] + 1,
                                    text=str(value[texts[0]]), what=what),
                           extra=[self.say("remove_quotes")])
        try:
            array = np.asarray(value, dtype=object) if isinstance(value, (list, tuple)) else np.asarray(value)
        except Exception:
            self._fail(self.say("unreadable", name=name, got=self._type_name(value), what=what))
        if array.ndim == 2 and 1 in array.shape:
            array = array.ravel()
        if array.ndim != 1:
            self._fail(self.say("not_one_dimension", name=name, got=self._type_name(value), what=what))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                numeric = pd.to_numeric(pd.Series(array), errors="raise").to_numpy(dtype="float64")
        except (TypeError, ValueError):
            texts = [i for i, v in enumerate(array) if isinstance(v, (str, np.str_))]
            where = self.say("at_position", position=texts[0] + 1, text=str(array[texts[0]])) if texts else ""
            self._fail(self.say("not_a_number_inside", name=name, where=where, what=what))
        return numeric

    def _as_series(self, name: str, value, what: str) -> pd.Series:
        __tracebackhide__ = True
        self._not_assigned(name, value)
        if isinstance(value, pd.Series):
            return value
        if isinstance(value, pd.DataFrame):
            if value.shape[1] == 1:
                return value.iloc[:, 0]
            self._wrong_type(name, value, what, self.say("select_one_column"))
        if isinstance(value, Mapping):
            return pd.Series(dict(value))
        self._wrong_type(name, value, what, self.say("series_keeps_ids"))
        raise AssertionError  # unreachable

    def _check_index(self, name: str, series: pd.Series, index, entity: str, hint: str) -> None:
        __tracebackhide__ = True
        if series.index.has_duplicates:
            dupes = series.index[series.index.duplicated()].unique()
            self._fail(self.say("labels_twice", name=name, labels=self._label_list(dupes, entity), entity=entity),
                       hint=hint)
        got, want = pd.Index(series.index), pd.Index(index)
        missing = want.difference(got, sort=False)
        extra = got.difference(want, sort=False)
        if len(missing) or len(extra):
            lines = []
            if len(missing):
                lines.append(self.say("labels_missing", labels=self._label_list(missing, entity)))
            if len(extra):
                lines.append(self.say("labels_not_expected", labels=self._label_list(extra, entity)))
            if len(missing) == len(want) and len(got) == len(want):
                lines.append(self.say("labels_none_match", entity=entity))
            self._fail(self.say("labels_wrong", name=name, entities=self._plural(entity), got=len(got), n=len(want)),
                       hint=hint, extra=lines)

    # -- numbers ---------------------------------------------------------------------------

    def check_number(
        self,
        name: str,
        value,
        expected: float | None = None,
        *,
        fingerprint: str | None = None,
        digits: int | None = None,
        rel: float | None = None,
        abs: float | None = None,  # noqa: A002 (the natural name, as in math.isclose)
        between: tuple[float, float] | None = None,
        unit: str = "",
        hint: str = "",
        mistakes: Mapping | Sequence | None = None,
        period_factor: float | None = None,
        follows: str = "",
    ) -> None:
        """Check one number: type, an optional plausible range, then the value.

        Parameters
        ----------
        name : str
            The variable the student filled in, as it appears in the notebook.
        value
            The student's answer.
        expected : float, optional
            The right value (hidden tests); a failure shows it.
        fingerprint : str, optional
            ``fingerprint(expected, digits, name)`` (visible checks): the value is right when it
            rounds to the same ``digits`` decimals; a failure does not show the expected value.
        digits : int
            With ``fingerprint``: the decimals the question states.
        rel, abs : float, optional
            With ``expected``: allowed difference ``abs + rel * |expected|`` (as
            ``numpy.isclose``). Neither given: ``rel=1e-4, abs=1e-9``; only one given: the other
            is 0 (``abs=0.005`` accepts rounding to cents).
        between : (low, high), optional
            A range any sensible answer lies in; a value outside it fails.
        unit : str
            Appended to numbers in messages (" yuan").
        hint : str
            The idea and the chapter section to look at, in course words; shown when the value is
            wrong.
        mistakes : {wrong value or its fingerprint: explanation}, optional
            Known wrong answers and what usually causes them. With ``expected`` a wrong value
            matches within the same tolerance; with ``fingerprint`` the keys are the wrong
            values' fingerprints (same ``digits`` and name), so that the check does not show
            them, or the wrong values themselves.
        period_factor : float, optional
            The growth of one period, (1 + i): a value off by exactly this factor is reported as
            off by one period.
        follows : str, optional
            The earlier answer ``expected`` was computed from (follow-through grading): a pass
            says "consistent with your earlier answer".

        Examples
        --------
        >>> check_number("undiscounted_value", 48000, expected=48000.0, unit=" yuan")
        ✓ undiscounted_value = 48,000 yuan: right.
        >>> check_number("ltv_year3", "66.08")
        Traceback (most recent call last):
        ...
        crmlib.grading.CheckFailed: ltv_year3 is the text '66.08', but it should be a number.
          Remove the quotes: 66.08 is a number, '66.08' is text.
        >>> check_number("share", 12.5, fingerprint=fingerprint(0.125, 3, "share"), digits=3)
        Traceback (most recent call last):
        ...
        crmlib.grading.CheckFailed: share = 12.5 is not right yet (checked to 3 decimals).
          It is 100 times too large: is a percentage written as 10 instead of 0.10?
        """
        __tracebackhide__ = True
        way = _one_way(expected, fingerprint)
        rel, abs = _tolerances(rel, abs)  # noqa: A001
        number = self._as_float(name, value)
        if between is not None:
            low, high = between
            if not low <= number <= high:
                self._fail(self.say("outside_range", name=name, value=fmt(number), unit=unit, low=fmt(low),
                                    high=fmt(high)), hint=hint)
        if way == "shape":
            self._passed(self.say("number_range_ok" if between else "number_shape_ok", name=name))
            return
        shown = {"name": name, "value": fmt(number), "unit": unit}
        if way == "fingerprint":
            digits = _need_digits(digits, "a number")
            got = _fingerprints(number, digits, name, "number")
            if fingerprint in got:
                self._passed(self.say("number_matches", **shown, verdict=self._verdict(follows),
                                      precision=self._precision(digits)))
                return
            known = self._known_by_fingerprint(mistakes, got, lambda w: _fingerprints(float(w), digits, name, "number"))
            generic = [] if known else self._diagnoses(
                lambda f: fingerprint in _fingerprints(f(number), digits, name, "number"), period_factor)
            self._fail(self.say("number_not_yet", **shown, precision=self._precision(digits)), hint=hint,
                       extra=known + generic + self._follows_line(follows))
        expected = float(expected)
        if _close(number, expected, rel, abs):
            self._passed(self.say("number_right", **shown, verdict=self._verdict(follows)))
            return
        known = self._known(mistakes, lambda w: _close(number, float(w), rel, abs))
        generic = [] if known else self._generic_number_lines(number, expected, rel, abs, period_factor)
        self._fail(
            self.say("number_wrong", **shown, expected=fmt(expected),
                     tolerance=f"{_tolerance(expected, rel, abs):.2g}"),
            hint=hint,
            extra=known + generic + self._follows_line(follows),
        )

    # -- sequences of numbers (one per year, one per position) -----------------------------

    def check_values(
        self,
        name: str,
        value,
        expected=None,
        *,
        fingerprint: str | None = None,
        digits: int | None = None,
        length: int | None = None,
        rel: float | None = None,
        abs: float | None = None,  # noqa: A002
        label: str | None = None,
        labels: Sequence | None = None,
        unit: str = "",
        hint: str = "",
        mistakes: Mapping | Sequence | None = None,
        period_factor: float | None = None,
        follows: str = "",
    ) -> None:
        """Check a sequence of numbers in a given order (one per year, say): type, length, values.

        Any container of numbers is accepted (list, tuple, NumPy array, Series; ints or floats); the
        values are compared position by position within ``abs + rel * |expected|``, or, with
        ``fingerprint`` (of the values as a list), rounded to ``digits`` decimals.

        Parameters
        ----------
        length : int, optional
            The expected length (defaults to ``len(expected)``); give it with ``fingerprint``, so
            that a wrong length is reported as such.
        label, labels : str, sequence
            How positions are named in messages: ``label="year", labels=[1, 2, 3]`` gives "year 3".
        mistakes : [(wrong values or their fingerprint, explanation)] or {fingerprint: explanation}
            Known wrong sequences and their usual cause.
        period_factor : float, optional
            The growth of one period, (1 + i). A sequence that grows by a constant factor (such as
            discount factors) is also recognised as shifted by one period without it.

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
        >>> secret = fingerprint([1.1, 1.21, 1.331], 4, "factors")
        >>> check_values("factors", [1.0, 1.1, 1.21], fingerprint=secret, digits=4, length=3)
        ... # doctest: +NORMALIZE_WHITESPACE
        Traceback (most recent call last):
        ...
        crmlib.grading.CheckFailed: factors is not right yet: at least one of its 3 values differs
          (checked to 4 decimals).
          It is off by exactly one period (a factor of 1.1): check whether t starts at 0 or at 1.
        """
        __tracebackhide__ = True
        way = _one_way(expected, fingerprint)
        rel, abs = _tolerances(rel, abs)  # noqa: A001
        label = label or self.say("default_position")
        what = self.say("what_sequence")
        vector = self._as_vector(name, value, what)
        target = None if way != "expected" else np.asarray(expected, dtype="float64").ravel()
        n = len(target) if target is not None else length
        names = list(labels) if labels is not None else list(range(1, len(vector) + 1))
        if n is not None and len(vector) != n:
            per = self.say("one_per", label=label) if label != self.say("default_position") else ""
            self._fail(self.say("wrong_length", name=name, got=len(vector), n=n, per=per), hint=hint)
        if way == "shape":
            self._passed(self.say("values_shape_ok", name=name, n=len(vector)))
            return
        if way == "fingerprint":
            digits = _need_digits(digits, "numbers")
            got = _fingerprints(vector, digits, name, "values")
            if fingerprint in got:
                self._passed(self.say("values_matches", name=name, n=len(vector), verdict=self._verdict(follows),
                                      precision=self._precision(digits)))
                return
            known = self._known_by_fingerprint(
                mistakes, got, lambda w: _fingerprints(np.asarray(w, dtype="float64").ravel(), digits, name, "values"))
            generic = [] if known else self._diagnoses(
                lambda f: fingerprint in _fingerprints(f(vector), digits, name, "values"),
                period_factor, _geometric_ratio(vector))
            self._fail(self.say("values_not_yet", name=name, n=len(vector), precision=self._precision(digits)),
                       hint=hint, extra=known + generic + self._follows_line(follows))
        if len(names) < len(vector):
            names += list(range(len(names) + 1, len(vector) + 1))
        ok = np.array([_close(v, e, rel, abs) for v, e in zip(vector, target, strict=True)])
        if ok.all():
            self._passed(self.say("values_right", name=name, n=len(vector), verdict=self._verdict(follows)))
            return
        wrong = np.flatnonzero(~ok)
        first = wrong[0]
        known = self._known(
            mistakes,
            lambda w: len(np.ravel(w)) == len(vector)
            and all(_close(a, float(b), rel, abs) for a, b in zip(vector, np.ravel(w), strict=True)),
        )
        extra = [self.say("wrong_places", places=self._positions(wrong, names, label))] + known
        if not known:
            extra += self._generic_number_lines(vector[first], target[first], rel, abs, period_factor)
        self._fail(
            self.say("values_wrong", name=name, wrong=len(wrong), n=len(vector), label=label, first=names[first],
                     value=fmt(vector[first]), expected=fmt(target[first]), unit=unit),
            hint=hint,
            extra=extra + self._follows_line(follows),
        )

    # -- labelled values: one per customer -------------------------------------------------

    def _describe_entity(self, label, got, want, entity: str, what: str) -> str:
        return self.say("entity_wrong", entity=entity, label=label, what=what, value=self._show(got),
                        expected=self._show(want))

    def _labelled(self, name: str, value, what: str, expected, index, entity: str, hint: str) -> pd.Series:
        """Type and shape steps of one value per customer: a Series with the expected labels."""
        __tracebackhide__ = True
        series = self._as_series(name, value, what)
        want_index = expected.index if expected is not None else index
        if want_index is not None:
            self._check_index(name, series, want_index, entity, hint)
        return series

    def _right_for_all(self, name: str, n: int, entity: str, follows: str) -> None:
        self._passed(self.say("series_right", name=name, verdict=self._verdict(follows), n=n,
                              entities=self._plural(entity)))

    def _listed(self, wrong, describe: Callable[[int, int], str]) -> list[str]:
        """``describe(k, i)`` for the first wrong positions ``i`` (``k`` counts them), then "and N more"."""
        lines = [describe(k, i) for k, i in enumerate(wrong[:MAX_LISTED])]
        if len(wrong) > MAX_LISTED:
            lines.append(self.say("and_more", n=len(wrong) - MAX_LISTED))
        return lines

    def _series_by_fingerprint(self, name, series, fingerprint_, digits, mistakes, *, what, entity, hint, follows,
                               reversed_: Callable | None = None, meaning: str = "", numeric: bool = False) -> None:
        """The value step of check_series and check_scores in a visible check."""
        __tracebackhide__ = True
        entities = self._plural(entity)
        got = _fingerprints(series, digits, name, "series")
        if fingerprint_ in got:
            self._right_for_all(name, len(series), entity, follows)
            return
        known = self._known_by_fingerprint(
            mistakes, got, lambda w: _fingerprints(pd.Series(w) if isinstance(w, Mapping) else w, digits, name,
                                                   "series"))
        if not known and reversed_ is not None and fingerprint_ in _fingerprints(reversed_(series), digits, name,
                                                                                   "series"):
            self._fail(self.say("scores_not_yet_reversed", name=name), hint=hint,
                       extra=[self.say("scores_reversed_hint", meaning=meaning) if meaning
                              else self.say("scores_reversed_plain")])
        generic = []
        if not known and numeric:
            generic = self._diagnoses(lambda f: fingerprint_ in _fingerprints(f(series), digits, name, "series"), None)
        checked = self.say("checked_to", precision=self._precision(digits)) if numeric else ""
        self._fail(self.say("series_not_yet", name=name, what=what, n=len(series), entities=entities, checked=checked),
                   hint=hint, extra=known + generic + self._follows_line(follows))

    def check_series(
        self,
        name: str,
        value,
        expected: pd.Series | None = None,
        *,
        fingerprint: str | None = None,
        digits: int | None = None,
        index=None,
        entity: str | None = None,
        what: str | None = None,
        rel: float | None = None,
        abs: float | None = None,  # noqa: A002
        hint: str = "",
        mistakes: Mapping | Sequence | None = None,
        follows: str = "",
    ) -> None:
        """Check one value per customer (or per cell, per segment): type, index, then values.

        The order of the rows does not matter: rows are matched by their index label. Numbers are
        compared within ``abs + rel * |expected|`` (ints and floats alike), labels exactly (a
        categorical and a text column with the same labels agree). With ``fingerprint`` (of the
        expected Series) numbers are rounded to ``digits`` decimals and labels compared in lower
        case.

        Parameters
        ----------
        expected : Series, optional
            The right values, indexed like the answer should be.
        index : list-like, optional
            The expected labels, when ``expected`` is not given.
        entity : str
            What the index labels are, for messages ("customer", "cell", "segment").
        what : str
            What the values are, for messages ("R score", "status").
        mistakes : [(wrong Series, or its fingerprint, explanation)] or {fingerprint: explanation}
            Known wrong answers and their usual cause.

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
        >>> check_series("status", pd.Series({"A": "safe", "B": "watch"}), what="status", index=["A", "B"],
        ...              fingerprint=fingerprint(right, None, "status"))
        Traceback (most recent call last):
        ...
        crmlib.grading.CheckFailed: status is not right yet: the status of at least one of the 2 customers differs.
        """
        __tracebackhide__ = True
        way = _one_way(expected, fingerprint)
        rel, abs = _tolerances(rel, abs)  # noqa: A001
        entity = entity or self.say("default_entity")
        what = what or self.say("default_value")
        series = self._labelled(name, value, self.say("what_series", what=what, entity=entity), expected, index,
                                entity, hint)
        if way == "shape":
            self._passed(self.say("series_shape_ok", name=name, what=what, n=len(series),
                                  entities=self._plural(entity)))
            return
        if way == "fingerprint":
            numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
            if numeric:
                digits = _need_digits(digits, "numbers")
            self._series_by_fingerprint(name, series, fingerprint, digits, mistakes, what=what, entity=entity,
                                        hint=hint, follows=follows, numeric=numeric)
            return
        got = series.reindex(expected.index)
        ok = _equal_labelled(got, expected, rel, abs)
        if ok.all():
            self._right_for_all(name, len(expected), entity, follows)
            return
        wrong = np.flatnonzero(~ok)
        show = self._listed(wrong, lambda k, i: self._describe_entity(expected.index[i], got.iloc[i], expected.iloc[i],
                                                                      entity, what))
        known = self._known(
            mistakes,
            lambda w: bool(_equal_labelled(got, pd.Series(w).reindex(expected.index), rel, abs).all()),
        )
        self._fail(self.say("series_wrong", name=name, wrong=len(wrong), n=len(expected),
                            entities=self._plural(entity)),
                   hint=hint, extra=show + known + self._follows_line(follows))

    def check_scores(
        self,
        name: str,
        value,
        expected: pd.Series | None = None,
        *,
        fingerprint: str | None = None,
        index=None,
        score: str | None = None,
        bins: int = 5,
        meaning: str = "",
        entity: str | None = None,
        hint: str = "",
        mistakes: Mapping | Sequence | None = None,
        follows: str = "",
    ) -> None:
        """Check quantile scores (RFM's R, F, M): whole numbers 1..bins per customer, then values.

        On top of :meth:`check_series`, it tells a reversed scale apart from a shifted cut: when
        most wrong scores (with ``fingerprint``: all of them) are ``bins + 1 - expected``, the
        scores run the wrong way round, and the message says which way they should run
        (``meaning``). The fingerprint is that of the expected scores with ``digits=0``.

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
        >>> check_scores("R", pd.Series([1, 2, 5], index=[17, 18, 19]), score="R",
        ...              fingerprint=fingerprint(right, 0, "R"), meaning="higher R scores mean *more* recent buyers")
        Traceback (most recent call last):
        ...
        crmlib.grading.CheckFailed: R is not right yet: the scores run the wrong way round.
          Read the other way round, the scores would be right: higher R scores mean *more* recent buyers.
        """
        __tracebackhide__ = True
        way = _one_way(expected, fingerprint)
        entity = entity or self.say("default_entity")
        score = score or self.say("default_score")
        entities = self._plural(entity)
        series = self._labelled(name, value, self.say("what_scores", score=score, entity=entity), expected, index,
                                entity, hint)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            numeric = pd.to_numeric(series, errors="coerce")
        bad = series.index[numeric.isna() | (numeric % 1 != 0) | (numeric < 1) | (numeric > bins)]
        if len(bad):
            first = bad[0]
            self._fail(self.say("scores_not_whole", name=name, bins=bins, entity=entity, label=first,
                                value=self._show(series.loc[first])),
                       hint=hint, extra=[self.say("found_for", labels=self._label_list(bad, entity))])
        if way == "shape":
            self._passed(self.say("scores_shape_ok", name=name, article=self._article(score), score=score, bins=bins,
                                  n=len(series), entities=entities))
            return
        if way == "fingerprint":
            self._series_by_fingerprint(name, numeric.astype("float64"), fingerprint, 0, mistakes, what=score,
                                        entity=entity, hint=hint, follows=follows,
                                        reversed_=lambda s: bins + 1 - s, meaning=meaning)
            return
        got = numeric.reindex(expected.index).astype("float64")
        want = expected.astype("float64")
        wrong = np.flatnonzero(got.to_numpy() != want.to_numpy())
        if len(wrong) == 0:
            self._right_for_all(name, len(expected), entity, follows)
            return
        reversed_ = (got.iloc[wrong] == bins + 1 - want.iloc[wrong]).mean() > 0.5

        def describe(k: int, i: int) -> str:
            label, g, w = expected.index[i], got.iloc[i], want.iloc[i]
            if k == 0 and reversed_ and meaning:
                return self.say("scores_reversed_first", entity=entity, label=label, score=score, value=fmt(g),
                                expected=fmt(w), meaning=meaning)
            return self._describe_entity(label, g, w, entity, score)

        show = self._listed(wrong, describe)
        known = self._known(mistakes, lambda w: bool((got == pd.Series(w).reindex(expected.index)).all()))
        self._fail(self.say("scores_reversed" if reversed_ else "series_wrong", name=name, wrong=len(wrong),
                            n=len(expected), entities=entities),
                   hint=hint, extra=show + known + self._follows_line(follows))

    # -- tables ----------------------------------------------------------------------------

    def check_table(
        self,
        name: str,
        value,
        expected: pd.DataFrame | None = None,
        *,
        fingerprint: Mapping[str, str] | None = None,
        digits: int | None = None,
        rows=None,
        columns=None,
        rel: float | None = None,
        abs: float | None = None,  # noqa: A002
        row_label: str | None = None,
        column_label: str | None = None,
        extra_rows_ok: bool = True,
        hint: str = "",
        row_hints: Mapping[str, str] | None = None,
        mistakes: Sequence | None = None,
        follows: str = "",
    ) -> None:
        """Check a table: type, then its rows and columns, then its values, column by column.

        Rows and columns are matched by label, so their order does not matter, and a table with rows
        and columns swapped (years as rows instead of columns) is read the other way round. Extra rows
        are allowed (a student may keep intermediate rows) unless ``extra_rows_ok=False``.

        With ``expected``, values are compared column by column from the left, top to bottom in the
        expected table's row order; the message names the **first** cell that differs (the
        earliest year, the first row of that year) because later cells of an LTV table inherit its
        error, lists every row that differs, and adds that row's entry of ``row_hints``.

        With ``fingerprint`` (``fingerprint(expected_table, digits, name)``, one per column), the
        ``rows`` given are compared column by column, rounded to ``digits`` decimals, and the
        message names the first column that is not right yet, without showing a value.

        Parameters
        ----------
        expected : DataFrame, optional
            The right table.
        fingerprint : {column: fingerprint}, optional
            The right table's fingerprint; its columns are the columns checked.
        rows, columns : list-like, optional
            Labels that must be present when ``expected`` is not given (``rows`` is needed with
            ``fingerprint``: the rows whose values are compared).
        row_label, column_label : str
            How rows and columns are named in messages ("row", "year", "customer").
        row_hints : {row label: how to compute it}, optional
            Course-words reminders shown when that row is the first to differ.
        mistakes : [(wrong table, or its fingerprint, explanation)], optional
            Known wrong tables and their usual cause.

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
        >>> check_table("cohort", wrong, fingerprint=fingerprint(right, 2, "cohort"), digits=2,
        ...             rows=["customers", "ltv"], column_label="year")  # doctest: +NORMALIZE_WHITESPACE
        Traceback (most recent call last):
        ...
        crmlib.grading.CheckFailed: cohort is not right yet in 1 of 2 years, first in year 'year 2'
          (checked to 2 decimals).
          Years that differ: 'year 2'.
        """
        __tracebackhide__ = True
        way = _one_way(expected, fingerprint)
        rel, abs = _tolerances(rel, abs)  # noqa: A001
        row_label = row_label or self.say("default_row")
        column_label = column_label or self.say("default_column")
        what = self.say("what_table")
        self._not_assigned(name, value)
        if isinstance(value, pd.Series):
            self._wrong_type(name, value, what, self.say("table_one_line"))
        if not isinstance(value, pd.DataFrame):
            self._wrong_type(name, value, what, hint=hint)
        if way == "fingerprint":
            if rows is None:
                raise TypeError("check_table(fingerprint=...) needs rows=, the rows whose values are compared")
            columns = list(fingerprint)
            digits = _need_digits(digits, "a table")
        want_rows = list(expected.index) if expected is not None else (list(rows) if rows is not None else [])
        want_cols = list(expected.columns) if expected is not None else (list(columns) if columns is not None else [])
        table = value
        note = ""
        rows_named = self._plural(row_label, "word_rows")
        columns_named = self._plural(column_label, "word_columns")

        def missing_in(frame):
            return ([r for r in want_rows if r not in frame.index],
                    [c for c in want_cols if c not in frame.columns])

        miss_rows, miss_cols = missing_in(table)
        if miss_rows or miss_cols:
            t_rows, t_cols = missing_in(value.T)
            if not t_rows and not t_cols:
                table, note = value.T, self.say("table_transposed", rows=rows_named)
                miss_rows, miss_cols = [], []
        if miss_rows or miss_cols:
            lines = []
            if miss_rows:
                lines.append(self.say("table_missing", things=rows_named, labels=self._label_text(miss_rows)))
            if miss_cols:
                lines.append(self.say("table_missing", things=columns_named, labels=self._label_text(miss_cols)))
            lines.append(self.say("table_has", rows=rows_named, row_labels=self._label_text(table.index),
                                  columns=columns_named, column_labels=self._label_text(table.columns)))
            self._fail(self.say("table_labels_wrong", name=name, rows=rows_named, columns=columns_named),
                       hint=hint, extra=lines)
        if table.index.has_duplicates or table.columns.has_duplicates:
            self._fail(self.say("table_label_twice", name=name, article=self._article(row_label), row_label=row_label,
                                column_label=column_label), hint=hint)
        extra_rows = [r for r in table.index if r not in want_rows]
        if extra_rows and not extra_rows_ok and want_rows:
            self._fail(self.say("table_extra_rows", name=name, rows=rows_named, labels=self._label_text(extra_rows)),
                       hint=hint)
        if way == "shape":
            self._passed(self.say("table_shape_ok", name=name, rows=rows_named, columns=columns_named, note=note))
            return
        got = table.loc[want_rows, want_cols]
        if way == "fingerprint":
            self._table_by_fingerprint(name, got, fingerprint, digits, mistakes, note=note, columns_named=columns_named,
                                       column_label=column_label, hint=hint, follows=follows)
            return
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
            self._passed(self.say("table_right", name=name, n=expected.size, verdict=self._verdict(follows), note=note))
            return
        col, row = first
        differing_rows.sort(key=want_rows.index)
        extra = [self.say("table_rows_differ", labels=self._label_text(differing_rows))]
        if row_hints and row in row_hints:
            extra.append(self.say("table_row_hint", row=str(row), hint=row_hints[row]))
        extra += self._known(mistakes, lambda w: all(_equal_labelled(got[c], w.loc[want_rows, c], rel, abs).all()
                                                     for c in want_cols))
        self._fail(
            self.say("table_wrong", name=name, column_label=column_label, column=str(col), row_label=row_label,
                     row=str(row), value=self._show(got.loc[row, col]), expected=self._show(expected.loc[row, col])),
            hint=hint,
            extra=extra + self._follows_line(follows),
        )

    def _table_by_fingerprint(self, name, got: pd.DataFrame, fingerprint_, digits, mistakes, *, note, columns_named,
                              column_label, hint, follows) -> None:
        """The value step of check_table in a visible check: one fingerprint per column."""
        __tracebackhide__ = True

        def column_fingerprints(frame) -> dict:
            return {c: _fingerprints(frame[c], digits, _column_name(name, c), "series") for c in frame.columns}

        found = column_fingerprints(got)
        wrong = [c for c in got.columns if fingerprint_[c] not in found[c]]
        if not wrong:
            self._passed(self.say("table_matches", name=name, n=got.size, verdict=self._verdict(follows),
                                  precision=self._precision(digits), note=note))
            return

        def same_table(w) -> bool:
            prints = w if isinstance(w, Mapping) else fingerprint(w.loc[got.index, got.columns], digits, name)
            return all(prints.get(c) in found[c] for c in got.columns)

        known = self._known(mistakes, same_table)
        self._fail(
            self.say("table_not_yet", name=name, wrong=len(wrong), n=len(got.columns), columns=columns_named,
                     column_label=column_label, column=str(wrong[0]), precision=self._precision(digits), note=note),
            hint=hint,
            extra=[self.say("table_columns_differ", Columns=columns_named[:1].upper() + columns_named[1:],
                            labels=self._label_text(wrong))] + known + self._follows_line(follows),
        )

    # -- labels ----------------------------------------------------------------------------

    def check_text(
        self,
        name: str,
        value,
        expected: str | None = None,
        *,
        fingerprint: str | None = None,
        choices: Sequence[str] | None = None,
        hint: str = "",
        mistakes: Mapping | None = None,
        follows: str = "",
    ) -> None:
        """Check a one-word answer such as a tier or a status; case and spaces around it do not matter.

        Parameters
        ----------
        fingerprint : str, optional
            ``fingerprint(expected, None, name)``.
        mistakes : {wrong answer or its fingerprint: explanation}, optional
            Known wrong answers and their usual cause.

        Examples
        --------
        >>> check_text("tier", " Gold", "gold", choices=["diamond", "gold", "brass", "lead"])
        ✓ tier = 'Gold': right.
        >>> check_text("tier", "silver", choices=["diamond", "gold", "brass", "lead"])
        Traceback (most recent call last):
        ...
        crmlib.grading.CheckFailed: tier = 'silver' is not one of the choices: 'diamond', 'gold', 'brass', 'lead'.
        >>> check_text("tier", "brass", fingerprint=fingerprint("gold", None, "tier"),
        ...            mistakes={"brass": "brass customers are profitable, but not the most."})
        Traceback (most recent call last):
        ...
        crmlib.grading.CheckFailed: tier = 'brass' is not right yet.
          Likely mistake: brass customers are profitable, but not the most.
        """
        __tracebackhide__ = True
        way = _one_way(expected, fingerprint)
        self._not_assigned(name, value)
        if not isinstance(value, str):
            self._fail(self.say("text_not_text", name=name, got=self._type_name(value)))
        answer = value.strip().lower()
        shown = value.strip()
        if choices is not None and answer not in [c.lower() for c in choices]:
            self._fail(self.say("text_not_a_choice", name=name, value=shown, choices=self._label_text(choices)))
        if way == "shape":
            self._passed(self.say("text_shape_ok", name=name))
            return
        if way == "fingerprint":
            got = _fingerprints(answer, None, name, "text")
            if fingerprint in got:
                self._passed(self.say("text_right", name=name, value=shown, verdict=self._verdict(follows)))
                return
            known = self._known_by_fingerprint(mistakes, got, lambda w: _fingerprints(w, None, name, "text"))
            self._fail(self.say("text_not_yet", name=name, value=shown), hint=hint,
                       extra=known + self._follows_line(follows))
        if answer == expected.strip().lower():
            self._passed(self.say("text_right", name=name, value=shown, verdict=self._verdict(follows)))
            return
        known = self._known(mistakes, lambda w: answer == str(w).strip().lower())
        self._fail(self.say("text_wrong", name=name, value=shown, expected=expected), hint=hint,
                   extra=known + self._follows_line(follows))


_CHECKS: dict[str, Checks] = {}


def checks(language: str = "en") -> Checks:
    """The checks that speak ``language`` (a key of :data:`MESSAGES`), with the ``check_*`` methods.

    >>> checks("en").check_number("ltv_year1", -12.0, -12.0)
    ✓ ltv_year1 = -12: right.
    >>> checks("zh").check_number("ltv_year1", 12.0, -12.0, unit=" 元")
    Traceback (most recent call last):
    ...
    crmlib.grading.CheckFailed: ltv_year1 = 12 元，但应为 -12 元（允许误差 ±0.0012）。
      只是正负号不对：检查哪些金额是成本（要减去），哪些是利润。
    """
    if language not in _CHECKS or _CHECKS[language].messages is not MESSAGES.get(language):
        _CHECKS[language] = Checks(language)
    return _CHECKS[language]


_ENGLISH = checks("en")
#: The English checks (see :class:`Checks` for their parameters).
check_number = _ENGLISH.check_number
check_values = _ENGLISH.check_values
check_series = _ENGLISH.check_series
check_scores = _ENGLISH.check_scores
check_table = _ENGLISH.check_table
check_text = _ENGLISH.check_text
