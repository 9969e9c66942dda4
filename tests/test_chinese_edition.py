"""The Chinese edition (issue 17): paired notebooks, Chinese feedback, figures with Chinese glyphs.

Layout (README, "The Chinese edition"; docs/translation-guide.md): each English chapter
``chapters/NN-topic.ipynb`` has its Chinese counterpart ``chapters/zh/NN-topic.ipynb``; each exercise
``solutions/exNN-topic/`` has ``solutions/exNN-topic-zh/exNN-topic-zh.ipynb``, an assignment of its own.
A pair has the same cells in the same order, except ONE code cell of the Chinese notebook, right after
its first code cell that imports something (a chapter's first code cell; an exercise's set-up cell,
after the cell for the student's name) and tagged ``zh-only``, that sets the language
(``plots.use_language("zh")``; exercises also ``grading = checks("zh")``, in a locked cell). This file
proves, for every pair:

- the Chinese counterpart exists, unless the English notebook is listed in :data:`NOT_YET_TRANSLATED`
  (which must shrink to empty; a listed one must really be missing or untranslated);
- the code cells are the same after masking what a translation may change (:func:`masked_code`):
  string constants, the texts of f-strings and comments; the ``zh-only`` cell holds only a language
  setting;
- cell types, nbgrader metadata (grade ids, points, locks) are identical;
- at least :data:`CJK_SHARE` of the Chinese edition's markdown letters are CJK (:func:`cjk_share`).

It also checks the machinery both languages share: ``crmlib.grading``'s and ``crmlib.plots``' text
tables have the same keys and fields in both languages, every text a figure draws comes from the
table, and in Chinese every character of every figure has a glyph in the font that draws it. The
grading round trip of the Chinese exercises is in tests/test_grading.py, the terms in
tests/test_term.py, the website in tests/test_site.py.
"""

from __future__ import annotations

import ast
import doctest
import io
import os
import re
import string
import unicodedata
import warnings
from pathlib import Path

import matplotlib
import pytest

from crm_course.notebooks import read_notebook
from crmlib import grading, plots

ROOT = Path(__file__).resolve().parent.parent

#: English notebooks whose Chinese counterpart is still to be written (relative to the repository).
#: It must shrink to empty: a notebook listed here must really have no translated counterpart.
NOT_YET_TRANSLATED: list[str] = []

#: The share of the Chinese edition's markdown letters that must be CJK (see :func:`cjk_share`).
CJK_SHARE = 0.60
#: The tag of the one extra code cell of a Chinese notebook.
ZH_ONLY = "zh-only"
#: An exercise's zh-only cell is locked (nbgrader puts its text back if a student edits it).
ZH_ONLY_NBGRADER = {"grade": False, "grade_id": "zh_language", "locked": True, "schema_version": 3,
                    "solution": False}


def chinese_counterpart(english: Path) -> Path:
    """``chapters/NN-x.ipynb`` -> ``chapters/zh/NN-x.ipynb``;
    ``solutions/exNN-x/exNN-x.ipynb`` -> ``solutions/exNN-x-zh/exNN-x-zh.ipynb``."""
    if english.parent.name == "chapters":
        return english.parent / "zh" / english.name
    name = f"{english.parent.name}-zh"
    return english.parent.parent / name / f"{name}.ipynb"


ENGLISH = sorted(ROOT.glob("chapters/*.ipynb")) + sorted(
    p for p in ROOT.glob("solutions/*/*.ipynb") if not p.parent.name.endswith("-zh"))
PAIRS = [(p, chinese_counterpart(p)) for p in ENGLISH]
TRANSLATED = [(en, zh) for en, zh in PAIRS if zh.exists()]
CHINESE = [zh for _, zh in TRANSLATED]


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _ids(pairs):
    return [_name(en) for en, _ in pairs]


# ================================================================================================
# What a translation may change in a code cell


class _Mask(ast.NodeTransformer):
    """Every string constant becomes "…", every f-string keeps its expressions only."""

    def visit_Constant(self, node):
        if isinstance(node.value, str):
            return ast.copy_location(ast.Constant("…"), node)
        return node

    def visit_JoinedStr(self, node):
        values = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                # the expression is code; the format spec ("{x:,.0f}") is kept as written: it is
                # part of the number's form, not of the text
                value.value = self.visit(value.value)
                values.append(value)
        return ast.copy_location(ast.JoinedStr(values), node)


def python_and_magics(source: str) -> tuple[str, list[str]]:
    """A code cell's Python (IPython magics and shell lines, ``%`` and ``!``, blanked out so the
    line numbers stay) and those magic lines."""
    lines, magics = [], []
    for line in source.splitlines():
        if line.lstrip().startswith(("%", "!")):
            magics.append(line.strip())
            lines.append("")
        else:
            lines.append(line)
    return "\n".join(lines), magics


def masked_code(source: str) -> str:
    """The code of a cell as a translation must leave it: its AST (so comments and layout do not
    count) with every string constant replaced by "…" and every f-string reduced to its
    expressions. IPython magics and shell lines (``%``, ``!``) are kept as they are."""
    python, magics = python_and_magics(source)
    tree = _Mask().visit(ast.parse(python))
    return "\n".join(magics + [ast.dump(tree, include_attributes=False)])


def test_masking_hides_texts_and_comments_but_not_code():
    english = 'ax.set_title(f"{n:,} customers")  # the title\nx = 1\n'
    chinese = 'ax.set_title(f"{n:,} 位客户")  # 标题\n\nx = 1\n'
    assert masked_code(english) == masked_code(chinese)
    assert masked_code("x = 1") != masked_code("x = 2")
    assert masked_code('f(a, "b")') != masked_code('f(b, "b")')
    assert masked_code('print(f"{a}")') != masked_code('print(f"{b}")')
    assert masked_code('print(f"{a:.2f}")') != masked_code('print(f"{a:.3f}")')


#: What the zh-only cell may do: imports, and these calls (and assignments of their results).
LANGUAGE_SETTINGS = ("plots.use_language", "use_language", "checks", "grading.checks", "crmlib.grading.checks")


def is_language_setting(source: str) -> bool:
    """A zh-only cell holds imports of crmlib and calls that set the language to "zh", nothing else."""
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            if not all(m.split(".")[0] == "crmlib" for m in modules):
                return False
            continue
        call = node.value if isinstance(node, (ast.Expr, ast.Assign)) else None
        if not isinstance(call, ast.Call) or ast.unparse(call.func) not in LANGUAGE_SETTINGS:
            return False
        if [ast.literal_eval(a) for a in call.args] != ["zh"] or call.keywords:
            return False
        if isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] != ["grading"]:
            return False
    return bool(tree.body)


def test_a_language_setting_is_recognised():
    assert is_language_setting('plots.use_language("zh")  # 中文图表')
    assert is_language_setting('from crmlib import plots\nplots.use_language("zh")')
    assert is_language_setting('from crmlib.grading import checks\n\ngrading = checks("zh")')
    assert not is_language_setting('plots.use_language("en")')
    assert not is_language_setting('grading = checks("zh")\nx = 1')
    assert not is_language_setting('import os\nplots.use_language("zh")')


# ================================================================================================
# Which characters count: the CJK share of markdown

_CODE_BLOCK = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]*\$", re.S)
_URL = re.compile(r"\]\([^)]*\)|<https?://[^>]*>|https?://\S+")
_HTML_TAG = re.compile(r"<[^>]+>")


def is_cjk(character: str) -> bool:
    """A CJK ideograph (Unified Ideographs, Extension A, Compatibility Ideographs)."""
    return ("\u4e00" <= character <= "\u9fff" or "\u3400" <= character <= "\u4dbf"
            or "\uf900" <= character <= "\ufaff")


def cjk_share(markdown: str) -> tuple[int, int]:
    """(CJK characters, letters) of a markdown text.

    Counted are the *letters* of the prose: first removed are fenced code blocks, inline code
    (`...`), math ($...$ and $$...$$), link targets and bare URLs, and HTML tags (``<sup>``,
    ``<details>``); of what is left, a letter is a character whose Unicode category is a letter
    (``L*``: Latin, Greek, CJK ideographs ...). Digits, punctuation (Chinese and Western),
    symbols and whitespace are not letters. The CJK characters are the letters that are CJK
    ideographs (:func:`is_cjk`). So "第 3 章 · RFM 分析" has 7 letters, of which 4 are CJK.
    """
    text = _CODE_BLOCK.sub(" ", markdown)
    for pattern in (_INLINE_CODE, _MATH, _URL, _HTML_TAG):
        text = pattern.sub(" ", text)
    letters = [c for c in text if unicodedata.category(c).startswith("L")]
    return sum(is_cjk(c) for c in letters), len(letters)


def test_the_cjk_share_counts_letters_of_prose_only():
    assert cjk_share("第 3 章 · RFM 分析") == (4, 7)
    assert cjk_share("用 `clv.pvifa` 计算 $PVIFA(i, T)$，见 [文档](https://example.org/docs)。") == (6, 6)
    assert cjk_share("```python\nx = 1\n```\n客户") == (2, 2)
    assert cjk_share("<sup>t</sup> 贴现") == (2, 3)


# ================================================================================================
# Part 1: the pairs


def test_not_yet_translated_lists_english_notebooks_without_a_chinese_counterpart():
    english = {_name(p) for p in ENGLISH}
    unknown = [name for name in NOT_YET_TRANSLATED if name not in english]
    assert not unknown, f"NOT_YET_TRANSLATED names notebooks that do not exist: {unknown}"
    assert len(NOT_YET_TRANSLATED) == len(set(NOT_YET_TRANSLATED))
    done = [name for name in NOT_YET_TRANSLATED if chinese_counterpart(ROOT / name).exists()
            and _translated(chinese_counterpart(ROOT / name))]
    assert not done, f"these are translated now: remove them from NOT_YET_TRANSLATED: {done}"


def _translated(chinese: Path) -> bool:
    cjk, letters = cjk_share("\n".join(c.source for c in read_notebook(chinese).cells if c.cell_type == "markdown"))
    return letters > 0 and cjk / letters >= CJK_SHARE


@pytest.mark.parametrize("english", ENGLISH, ids=_name)
def test_every_english_notebook_has_its_chinese_counterpart(english):
    if _name(english) in NOT_YET_TRANSLATED:
        pytest.skip(f"not yet translated (NOT_YET_TRANSLATED): {_name(chinese_counterpart(english))}")
    assert chinese_counterpart(english).exists(), (
        f"{_name(english)} has no Chinese counterpart {_name(chinese_counterpart(english))}: translate it "
        "(docs/translation-guide.md) or, until then, list it in NOT_YET_TRANSLATED")


def test_every_chinese_notebook_has_its_english_original():
    chinese = sorted(ROOT.glob("chapters/zh/*.ipynb")) + sorted(ROOT.glob("solutions/*-zh/*.ipynb"))
    orphans = [_name(p) for p in chinese if p not in CHINESE]
    assert not orphans, f"Chinese notebooks without an English original of the same name: {orphans}"


def _without_zh_only(nb) -> tuple[list, list]:
    """The cells of a Chinese notebook without its zh-only cells, and the zh-only cells."""
    extra = [c for c in nb.cells if ZH_ONLY in c.metadata.get("tags", [])]
    return [c for c in nb.cells if c not in extra], extra


@pytest.mark.parametrize(("english", "chinese"), TRANSLATED, ids=_ids(TRANSLATED))
def test_the_zh_only_cell_follows_the_first_code_cell_and_only_sets_the_language(english, chinese):
    nb = read_notebook(chinese)
    _, extra = _without_zh_only(nb)
    assert len(extra) == 1, f"{_name(chinese)} has {len(extra)} cells tagged {ZH_ONLY!r}: it needs exactly one"
    (cell,) = extra
    assert cell.cell_type == "code"
    first_imports = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and _imports(c.source))
    assert nb.cells.index(cell) == first_imports + 1, (
        "the zh-only cell comes right after the first code cell that imports something")
    assert is_language_setting(cell.source), f"the zh-only cell may only set the language:\n{cell.source}"
    assert "use_language" in cell.source
    if chinese.parent.name.endswith("-zh"):
        assert "checks" in cell.source, "an exercise's zh-only cell also sets grading = checks('zh')"
        assert cell.metadata.get("nbgrader") == ZH_ONLY_NBGRADER, (
            "an exercise's zh-only cell is locked like the set-up cell (nbgrader restores it if edited)")
    else:
        assert "nbgrader" not in cell.metadata


def _imports(source: str) -> bool:
    try:
        return any(isinstance(node, (ast.Import, ast.ImportFrom)) for node in ast.parse(source).body)
    except SyntaxError:
        return False


@pytest.mark.parametrize(("english", "chinese"), TRANSLATED, ids=_ids(TRANSLATED))
def test_the_code_cells_cell_types_and_nbgrader_metadata_are_the_same(english, chinese):
    en = read_notebook(english).cells
    zh, _ = _without_zh_only(read_notebook(chinese))
    assert [c.cell_type for c in zh] == [c.cell_type for c in en], "the cells differ in number, order or type"
    for number, (a, b) in enumerate(zip(en, zh, strict=True), start=1):
        assert a.metadata.get("nbgrader") == b.metadata.get("nbgrader"), (
            f"cell {number}: nbgrader metadata (grade id, points, locks) differ")
        assert a.metadata.get("tags", []) == b.metadata.get("tags", []), f"cell {number}: tags differ"
        if a.cell_type == "code":
            assert masked_code(a.source) == masked_code(b.source), (
                f"cell {number} ({a.source.strip().splitlines()[0][:60]!r}): the code differs beyond texts and "
                "comments")


@pytest.mark.parametrize(("english", "chinese"), TRANSLATED, ids=_ids(TRANSLATED))
def test_solution_and_hidden_test_markers_are_where_the_english_ones_are(english, chinese):
    en = read_notebook(english).cells
    zh, _ = _without_zh_only(read_notebook(chinese))
    for a, b in zip(en, zh, strict=True):
        for marker in ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"):
            assert a.source.count(marker) == b.source.count(marker)


# ================================================================================================
# Numbers: a translation changes the words, never a number


#: Numbers the Chinese text writes in Chinese units or words, by (notebook, cell number, the English
#: number): the form the Chinese cell must hold instead. Every other number of an English cell's text
#: (its markdown, or the strings and comments of a code cell) is in its Chinese counterpart as written.
NUMBERS_IN_CHINESE_FORM = {
    ("chapters/01-relationship-marketing.ipynb", 3, "1980"): "20世纪80年代",
    ("chapters/03-customer-lifetime-value.ipynb", 32, "10"): "九折",
    ("chapters/06-rfm-case-quansheng.ipynb", 2, "40"): "4000多万元",
    ("chapters/06-rfm-case-quansheng.ipynb", 6, "1"): "步骤一",
    ("chapters/06-rfm-case-quansheng.ipynb", 13, "2"): "步骤二",
    ("chapters/06-rfm-case-quansheng.ipynb", 27, "2"): "步骤二",
    ("chapters/09-predictive-clv.ipynb", 38, "3"): "三年",
    ("chapters/10-customer-profitability.ipynb", 19, "1990"): "20 世纪 90 年代",
    ("chapters/10-customer-profitability.ipynb", 54, "3.41"): "341 万",
    ("chapters/10-customer-profitability.ipynb", 58, "3.41"): "341 万",
    ("chapters/13-rfm-at-scale.ipynb", 1, "100"): "1 亿",
    ("chapters/13-rfm-at-scale.ipynb", 13, "2"): "200 万",
    ("chapters/13-rfm-at-scale.ipynb", 16, "100"): "1 亿",
    ("chapters/13-rfm-at-scale.ipynb", 23, "40"): "4,000 万",
    ("solutions/ex04-value-segmentation/ex04-value-segmentation.ipynb", 1, "20"): "二八法则",
    ("solutions/ex04-value-segmentation/ex04-value-segmentation.ipynb", 10, "80"): "五分之四",
    ("solutions/ex06-rfm-case-quansheng/ex06-rfm-case-quansheng.ipynb", 14, "2"): "步骤二",
    ("solutions/ex06-rfm-case-quansheng/ex06-rfm-case-quansheng.ipynb", 19, "2"): "步骤二",
    ("solutions/ex13-rfm-at-scale/ex13-rfm-at-scale.ipynb", 25, "400"): "4 亿",
    ("solutions/ex13-rfm-at-scale/ex13-rfm-at-scale.ipynb", 28, "400"): "4 亿",
}

_NUMBER = re.compile(r"(?<![A-Za-z0-9_.])\d+(?:[.,]\d+)*")


def numbers_in_text(cell) -> set[str]:
    """The numbers a reader sees in ``cell``: in markdown its text (link targets left out), in code
    its string constants and comments. "1,031", "21.7" and "2004" are numbers; "x1" and "ex03" are not."""
    if cell.cell_type == "markdown":
        text = re.sub(r"\]\([^)]*\)", "]", cell.source)
    else:
        python, _ = python_and_magics(cell.source)
        strings = [node.value for node in ast.walk(ast.parse(python))
                   if isinstance(node, ast.Constant) and isinstance(node.value, str)]
        comments = [line.split("#", 1)[1] for line in cell.source.splitlines() if "#" in line]
        text = "\n".join(strings + comments)
    return {number.rstrip(".,") for number in _NUMBER.findall(text)}


def test_numbers_in_text_are_what_a_reader_sees():
    from nbformat.v4 import new_code_cell, new_markdown_cell

    assert numbers_in_text(new_markdown_cell("555 (1,031 customers), 21.7 % in [ex03](../ex03/x.ipynb).")) == {
        "555", "1,031", "21.7"}
    assert numbers_in_text(new_code_cell('x1 = f(2)  # 10 % off\nprint("3 years")')) == {"10", "3"}


@pytest.mark.parametrize(("english", "chinese"), TRANSLATED, ids=_ids(TRANSLATED))
def test_every_number_of_the_english_text_is_in_the_chinese_one(english, chinese):
    en = read_notebook(english).cells
    zh, _ = _without_zh_only(read_notebook(chinese))
    problems = []
    for number, (a, b) in enumerate(zip(en, zh, strict=True), start=1):
        found = numbers_in_text(b)
        for missing in sorted(numbers_in_text(a) - found):
            chinese_form = NUMBERS_IN_CHINESE_FORM.get((_name(english), number, missing))
            if chinese_form is None:
                problems.append(f"cell {number}: {missing} is not in the Chinese text")
            elif chinese_form not in b.source:
                problems.append(f"cell {number}: {missing} should be written {chinese_form!r} in the Chinese text")
    assert not problems, f"{_name(chinese)}:\n" + "\n".join(problems)


def test_every_number_written_in_chinese_form_is_still_needed():
    unused = []
    for (name, number, english_number), _ in NUMBERS_IN_CHINESE_FORM.items():
        cell = read_notebook(ROOT / name).cells[number - 1]
        if english_number not in numbers_in_text(cell):
            unused.append(f"{name} cell {number} has no {english_number} any more")
    assert not unused, "remove from NUMBERS_IN_CHINESE_FORM:\n" + "\n".join(unused)


def test_the_chinese_editions_markdown_is_mostly_chinese():
    cjk = letters = 0
    for path in CHINESE:
        for cell in read_notebook(path).cells:
            if cell.cell_type == "markdown":
                c, n = cjk_share(cell.source)
                cjk, letters = cjk + c, letters + n
    assert CHINESE, "no Chinese notebook yet"
    assert cjk / letters >= CJK_SHARE, f"{cjk:,} of {letters:,} letters are CJK ({cjk / letters:.0%})"


@pytest.mark.parametrize("chinese", CHINESE, ids=_name)
def test_each_chinese_notebook_is_translated(chinese):
    cjk, letters = cjk_share("\n".join(c.source for c in read_notebook(chinese).cells if c.cell_type == "markdown"))
    assert cjk / letters >= CJK_SHARE, f"{_name(chinese)}: only {cjk / letters:.0%} of its markdown letters are CJK"


_CJK_TEXT = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’…—"
_BROKEN_LINE = re.compile(f"[{_CJK_TEXT}]\n[ \t]*[{_CJK_TEXT}]")


def broken_chinese_lines(markdown: str) -> list[str]:
    """Line breaks between two Chinese characters outside code blocks: a browser (and JupyterLab)
    shows each as a space in the middle of a Chinese sentence, so a paragraph is one line."""
    text = _CODE_BLOCK.sub(" ", markdown)
    return [text[max(0, m.start() - 8):m.end() + 8].replace("\n", "⏎") for m in _BROKEN_LINE.finditer(text)]


def test_a_line_break_between_chinese_characters_is_found():
    assert broken_chinese_lines("说明画图也\n没有问题。") == ["说明画图也⏎没有问题。"]
    assert broken_chinese_lines("一段。\n\n另一段。") == []
    assert broken_chinese_lines("```\n# 注释\n# 注释\n```") == []


CHINESE_PAGES = (sorted(ROOT.glob("book/zh/*.md")) + sorted(ROOT.glob("docs/*.zh.md")))


@pytest.mark.parametrize("path", CHINESE + CHINESE_PAGES, ids=_name)
def test_chinese_paragraphs_are_not_broken_across_lines(path):
    texts = ([c.source for c in read_notebook(path).cells if c.cell_type == "markdown"] if path.suffix == ".ipynb"
             else [path.read_text(encoding="utf-8")])
    found = [where for text in texts for where in broken_chinese_lines(text)]
    assert not found, f"{_name(path)}: line breaks inside Chinese sentences (shown as spaces): {found[:5]}"


# ================================================================================================
# Part 2: the text tables of crmlib.grading and crmlib.plots

_FIELDS = string.Formatter()


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in _FIELDS.parse(template) if name}


#: Template fields only a language with articles needs.
GRAMMAR_ONLY_FIELDS = {"article"}
#: Texts that hold words but are the same kind of thing in both languages: Python's None, a formula.
SAME_IN_BOTH = {"type_none", "alert.diagonal"}


@pytest.mark.parametrize(("table", "name"), [(grading.MESSAGES, "crmlib.grading.MESSAGES"),
                                             (plots.LABELS, "crmlib.plots.LABELS")])
def test_both_languages_have_every_key_with_the_same_fields(table, name):
    assert set(table) >= {"en", "zh"}
    assert set(table["zh"]) == set(table["en"]), f"{name}: keys only in one language: " \
        f"{sorted(set(table['zh']) ^ set(table['en']))}"
    for key, english in table["en"].items():
        chinese = table["zh"][key]
        assert fields(chinese) == fields(english) - GRAMMAR_ONLY_FIELDS or fields(chinese) == fields(english), (
            f"{name}[{key!r}]: fields {sorted(fields(chinese))} in Chinese, {sorted(fields(english))} in English")
        if key in SAME_IN_BOTH or not re.search("[A-Za-z]{3}", re.sub(r"\{[^}]*\}", "", english)):
            continue  # no words to translate
        assert any(is_cjk(c) for c in chinese), f"{name}[{key!r}] is not translated: {chinese!r}"


def test_grammar_has_both_languages():
    assert set(grading.GRAMMAR) == set(grading.MESSAGES)
    zh = grading.GRAMMAR["zh"]
    assert zh["article"]("R") == "" and zh["plural"]("客户", "值") == "客户" and zh["plural"]("R", "值") == "R 值"


def test_checks_in_chinese_speak_chinese(capsys):
    zh = grading.checks("zh")
    zh.check_number("annuity_factor", 9.8181474, fingerprint="d820c7400ac9", digits=4)
    assert capsys.readouterr().out == "✓ annuity_factor = 9.81815：正确（检查精度：4 位小数）。\n"
    with pytest.raises(grading.CheckFailed) as info:
        zh.check_values("factors", [1.0, 1.1, 1.21], [1.1, 1.21, 1.331], label="年份", labels=[1, 2, 3],
                        hint="贴现（第 3 章 3.2 节）。")
    assert str(info.value).splitlines() == [
        "factors 的 3 个值中有 3 个不对，第一个在年份 1：是 1，应为 1.1。",
        "  不对的位置：年份 1、年份 2、年份 3。",
        "  提示：贴现（第 3 章 3.2 节）。",
    ]
    # the English checks are untouched
    with pytest.raises(grading.CheckFailed, match="^factors is wrong in 3 of 3 places"):
        grading.check_values("factors", [1.0, 1.1, 1.21], [1.1, 1.21, 1.331], label="year", labels=[1, 2, 3])


#: Calls whose arguments are texts a figure or an explorer shows: positions of text arguments.
TEXT_ARGUMENTS = {"set_title": 0, "set_xlabel": 0, "set_ylabel": 0, "suptitle": 0, "annotate": 0, "text": 2}
TEXT_KEYWORDS = {"label", "title", "xlabel", "ylabel", "description"}


def _english_words(node) -> list[str]:
    """Words (2+ Latin letters) written out in a text expression (its branches followed)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        parts = [node.value]
    elif isinstance(node, ast.JoinedStr):
        parts = [v.value for v in node.values if isinstance(v, ast.Constant)]
    elif isinstance(node, ast.IfExp):
        return _english_words(node.body) + _english_words(node.orelse)
    elif isinstance(node, ast.BoolOp):
        return [w for v in node.values for w in _english_words(v)]
    elif isinstance(node, ast.BinOp):
        return _english_words(node.left) + _english_words(node.right)
    else:
        return []
    return [w for part in parts for w in re.findall(r"[A-Za-z]{2,}", re.sub(r"<[^>]*>", "", part))
            if w != "_nolegend_"]


@pytest.mark.parametrize("module", ["crmlib/plots.py", "crmlib/widgets.py"])
def test_every_text_a_figure_or_an_explorer_draws_comes_from_the_label_table(module):
    """A new figure's texts go into ``plots.LABELS["en"]`` and ``["zh"]`` and are drawn with
    ``_t(key, ...)`` (``plots.plot_text``): then the Chinese chapters show them in Chinese."""
    tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        texts = []
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in TEXT_ARGUMENTS and len(node.args) > TEXT_ARGUMENTS[name]:
                texts.append(node.args[TEXT_ARGUMENTS[name]])
            texts += [k.value for k in node.keywords if k.arg in TEXT_KEYWORDS]
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Attribute) and t.attr == "value"
                                                  for t in node.targets):
            texts.append(node.value)  # an explorer's summary.value = ...
        for text in texts:
            words = _english_words(text)
            if words:
                found.append(f"line {text.lineno}: {ast.unparse(text)[:80]}")
    assert not found, f"{module} draws texts that are not in plots.LABELS:\n" + "\n".join(found)


# ================================================================================================
# Part 3: figures in Chinese have a glyph for every character


#: The figures' tests need a font with Chinese glyphs: without one they skip (CI installs Debian's
#: fonts-noto-cjk and sets CRM_REQUIRE_CJK_FONT=1, which makes the skip a failure).
needs_cjk_font = pytest.mark.skipif(
    plots.cjk_font() is None and not os.environ.get("CRM_REQUIRE_CJK_FONT"),
    reason="no font with Chinese characters: sudo apt-get install fonts-noto-cjk "
           "(CRM_REQUIRE_CJK_FONT=1 makes this a failure)")


@pytest.fixture
def chinese_figures():
    """The figures speak Chinese for one test, and English again afterwards."""
    import matplotlib.pyplot as plt

    if plots.use_language("zh") != "zh":
        plots.use_language("en")
        pytest.fail("no CJK font: install Debian's fonts-noto-cjk (sudo apt-get install fonts-noto-cjk)")
    plt.close("all")
    yield
    plt.close("all")
    plots.use_language("en")


def missing_glyphs(figure) -> list[str]:
    """Characters of the figure's texts that the font drawing them has no glyph for: "'帕' in 'title'
    (DejaVu Sans)". The fonts are those matplotlib chooses for each text (its font properties,
    through the same lookup the renderer uses, fallback fonts included)."""
    from matplotlib import font_manager
    from matplotlib.text import Text

    missing = []
    for artist in figure.findobj(Text):
        text = artist.get_text()
        if not text.strip() or not artist.get_visible():
            continue
        paths = font_manager.fontManager._find_fonts_by_props(artist.get_fontproperties())
        fonts = [font_manager.get_font([path]) for path in paths]
        maps = [set(font.get_charmap()) for font in fonts]
        for character in set(text) - set(" \n\t"):
            if not any(ord(character) in charmap for charmap in maps):
                missing.append(f"{character!r} in {text!r} ({', '.join(f.family_name for f in fonts)})")
    return missing


def draw_recording_warnings(figure) -> list[str]:
    """Render ``figure`` (as the notebook's inline backend does) and return matplotlib's warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure.savefig(io.BytesIO(), format="png")
    return [str(w.message) for w in caught]


def _plot_examples() -> list[tuple[str, str]]:
    """(function name, the code of its docstring example) for every figure of crmlib.plots."""
    examples = []
    for test in doctest.DocTestFinder().find(plots):
        name = test.name.rsplit(".", 1)[-1]
        if test.examples and name not in ("use_language", "plot_text", "plots"):
            examples.append((name, "".join(example.source for example in test.examples)))
    return examples


@needs_cjk_font
def test_every_figure_draws_its_texts_in_chinese_with_a_glyph_for_every_character(chinese_figures):
    import matplotlib.pyplot as plt

    english = {text for key, text in plots.LABELS["en"].items() if "{" not in text and plots.LABELS["zh"][key] != text}
    examples = _plot_examples()
    assert len(examples) >= 20, "every figure has a docstring example"
    problems = []
    for name, code in examples:
        plt.close("all")
        namespace = dict(vars(plots))  # the examples run in the module's namespace, as doctests do
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the examples' own warnings (small data) are not the point here
            exec(compile(code, name, "exec"), namespace)  # noqa: S102 (the module's own doctest examples)
        for number in plt.get_fignums():
            figure = plt.figure(number)
            problems += [f"{name}: {m}" for m in missing_glyphs(figure)]
            problems += [f"{name}: {w}" for w in draw_recording_warnings(figure) if "Glyph" in w]
            left = [t.get_text() for t in figure.findobj(matplotlib.text.Text)
                    if t.get_text() in english and f'"{t.get_text()}"' not in code]  # not a name the example gave
            problems += [f"{name}: still in English: {t!r}" for t in left]
    assert not problems, "\n".join(problems)


@needs_cjk_font
def test_use_language_en_puts_matplotlibs_fonts_back():
    before = list(matplotlib.rcParams["font.sans-serif"])
    assert plots.use_language("zh") == "zh"
    assert matplotlib.rcParams["font.sans-serif"][0] == "Noto Sans CJK SC"
    assert plots.plot_text("pareto.title") == "帕累托曲线（二八法则）"
    assert plots.use_language("en") == "en"
    assert list(matplotlib.rcParams["font.sans-serif"]) == before
    assert plots.plot_text("pareto.title") == "Pareto curve (20/80 rule)"
    with pytest.raises(plots.DataError, match="language 'fr'"):
        plots.use_language("fr")


def test_without_a_cjk_font_the_figures_stay_in_english_and_say_which_package_to_install(monkeypatch):
    monkeypatch.setattr(plots, "cjk_font", lambda: None)
    with pytest.warns(plots.FontWarning, match="sudo apt-get install fonts-noto-cjk"):
        assert plots.use_language("zh") == "en"
    assert plots.plot_text("pareto.title") == "Pareto curve (20/80 rule)"


CHINESE_CHAPTERS = [p for p in CHINESE if p.parent.name == "zh"]

#: Put first into an executed Chinese chapter: every figure the kernel renders (inline figures and
#: the explorers' pictures alike go through ``FigureCanvasBase.print_figure``) is checked for
#: characters without a glyph (:func:`missing_glyphs`) and for matplotlib's "Glyph ... missing"
#: warnings, and its texts are counted.
_INSTRUMENT = '''
import json as _json
import warnings as _warnings

import matplotlib.backend_bases as _backend_bases
from matplotlib.text import Text

_GLYPHS = {"figures": 0, "texts": 0, "cjk_texts": 0, "missing": [], "warnings": []}
_print_figure = _backend_bases.FigureCanvasBase.print_figure


def _checked_print_figure(self, *args, **kwargs):
    texts = [t.get_text() for t in self.figure.findobj(Text) if t.get_text().strip()]
    _GLYPHS["figures"] += 1
    _GLYPHS["texts"] += len(texts)
    _GLYPHS["cjk_texts"] += sum(any(0x4E00 <= ord(c) <= 0x9FFF for c in t) for t in texts)
    _GLYPHS["missing"] += missing_glyphs(self.figure)
    with _warnings.catch_warnings(record=True) as caught:
        _warnings.simplefilter("always")
        result = _print_figure(self, *args, **kwargs)
    _GLYPHS["warnings"] += [str(w.message) for w in caught if "Glyph" in str(w.message)]
    return result


_backend_bases.FigureCanvasBase.print_figure = _checked_print_figure
'''


@pytest.mark.parametrize("chapter", CHINESE_CHAPTERS, ids=_name)
def test_a_chinese_chapter_runs_and_draws_every_character_of_its_figures(chapter):
    """The chapter is executed (this is the Chinese chapters' execution test: tests/test_notebooks.py
    runs the English ones), with every figure's texts checked against the fonts that draw them."""
    import inspect

    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell

    nb = read_notebook(chapter)
    nb.cells.insert(0, new_code_cell(inspect.getsource(missing_glyphs) + _INSTRUMENT))
    nb.cells.append(new_code_cell('print("GLYPH-REPORT " + _json.dumps(_GLYPHS))'))
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(chapter.parent)}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"{_name(chapter)} raised {errors[0]['ename']}: {errors[0]['evalue']}"
    if needs_cjk_font.args[0]:
        pytest.skip(f"{_name(chapter)} runs; its figures' glyphs are not checked: {needs_cjk_font.kwargs['reason']}")
    stderr = [o["text"] for c in nb.cells for o in c.get("outputs", [])
              if o.get("name") == "stderr" and "Glyph" in o.get("text", "")]
    report = next(line for o in nb.cells[-1].outputs for line in o.get("text", "").splitlines()
                  if line.startswith("GLYPH-REPORT "))
    glyphs = __import__("json").loads(report[len("GLYPH-REPORT "):])
    assert not glyphs["missing"], "characters without a glyph:\n" + "\n".join(glyphs["missing"])
    assert not glyphs["warnings"] and not stderr, glyphs["warnings"] + stderr
    if glyphs["figures"]:
        assert glyphs["cjk_texts"] > 0, f"{_name(chapter)}'s figures hold no Chinese: is plots.use_language('zh') set?"


def test_jupyterlab_speaks_chinese_when_asked():
    """The course extra installs JupyterLab's Chinese language pack (Settings > Language > 中文（简体））."""
    from jupyterlab_server.translation_utils import get_language_packs

    packs, _ = get_language_packs("en")
    assert "zh_CN" in packs


def test_ci_installs_the_cjk_font_and_the_readme_says_so():
    script = (ROOT / ".ci" / "run").read_text()
    assert "fonts-noto-cjk" in script and "export CRM_REQUIRE_CJK_FONT=1" in script
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "sudo apt-get install\nfonts-noto-cjk" in readme or "sudo apt-get install fonts-noto-cjk" in readme
    assert "jupyterlab-language-pack-zh-CN" in readme and "Settings ▸ Language" in readme
