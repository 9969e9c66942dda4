"""Sphinx extension of the course website (loaded by book/_config.yml as `crm_course.site_ext`).

It adds what Jupyter Book does not know about this course:

- ``{course-map}``: the table chapter -> ideas -> exercise -> ``crmlib`` functions, read from the
  chapters and exercises present at build time (nothing is listed by hand, so a new chapter
  appears by itself): the ideas are a chapter's numbered section headings, the exercise is the
  notebook ``exercises/exNN-*/`` with the chapter's number, the functions are the ``crmlib``
  names the chapter's and the exercise's code actually use (found by parsing the code);
- ``{exercise-downloads}``: every exercise notebook as a download;
- ipywidgets explorers shown as a static picture at their starting values (the slider settings,
  the summary and the plot the kernel drew), with a note that they move in JupyterLab; the widget
  JavaScript would otherwise have to come from a CDN, and a static site has no kernel anyway;
- MathJax served from the site itself (copied from the ``jupyter-server-mathjax`` package), so
  that no page loads anything from the internet;
- the two editions (``crm_language``: "en" or "zh", the Chinese site built into ``zh/``): a link at
  the top of every page that has a counterpart in the other edition ("中文版" / "English"), the
  course map and downloads taking each edition's own exercises, and ``{glossary-zh}``, the
  glossary from Chinese to English, made from the English glossary.
"""

from __future__ import annotations

import ast
import html
import importlib
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: Section headings that every chapter has and that are not ideas of their own.
NOT_IDEAS = {"check yourself", "summary", "next", "objectives", "references", "further reading",
             "exercises", "exercise", "self-check", "self-checks", "what next",
             "自我检测", "小结", "下一章", "学习目标", "参考文献", "延伸阅读", "练习"}
#: The site's own words in each edition.
TEXTS = {
    "en": {"counterpart": "中文版", "counterpart_lang": "zh-CN", "chapter": "Chapter", "ideas": "Ideas",
           "exercise": "Exercise", "for_chapter": "for chapter", "no_exercises": "No exercise notebooks yet.",
           "widget_note": "Interactive explorer, shown here at its starting values. Open this chapter in JupyterLab "
                          "(<code>make lab</code>) to move the controls and see the numbers and the plot change."},
    "zh": {"counterpart": "English", "counterpart_lang": "en", "chapter": "章", "ideas": "概念",
           "exercise": "练习", "for_chapter": "配套章节", "no_exercises": "还没有练习笔记本。",
           "widget_note": "交互工具，这里显示的是它的初始状态。在 JupyterLab 中打开本章（<code>make lab</code>），"
                          "拖动控件即可看到数字和图表的变化。"},
}
#: crmlib modules that are the course's machinery, not its ideas: not listed in the course map.
MACHINERY = ("crmlib.grading",)


# ------------------------------------------------------------------------------------------------
# reading the chapters and exercises


@dataclass
class Chapter:
    """What the course map shows of one chapter notebook."""

    number: str  #: "03"
    docname: str  #: "chapters/03-customer-lifetime-value"
    title: str  #: "Customer lifetime value (客户终生价值, CLV)"
    ideas: list[str] = field(default_factory=list)
    exercise: str | None = None  #: path of the exercise notebook relative to the source folder
    functions: list[str] = field(default_factory=list)  #: "crmlib.clv.pvifa", ...


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8")).get("cells", [])


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def chapter_title(cells: list[dict], fallback: str) -> str:
    """The chapter's first level-1 heading, without its "3 · " number."""
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            for line in _source(cell).splitlines():
                if line.startswith("# "):
                    return re.sub(r"^\s*\d+\s*[·.:\-–]\s*", "", line[2:]).strip()
    return fallback


def chapter_ideas(cells: list[dict]) -> list[str]:
    """The chapter's level-2 headings: its numbered sections if it has any, else all but the
    standard ones (check yourself, summary)."""
    headings = []
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            in_fence = False
            for line in _source(cell).splitlines():
                if line.lstrip().startswith(("```", "~~~")):
                    in_fence = not in_fence
                if not in_fence and line.startswith("## "):
                    heading = line[3:].strip()
                    if heading not in headings:
                        headings.append(heading)
    numbered = [h for h in headings if re.match(r"\d+\.\d+\b", h)]
    if numbered:
        return numbered
    return [h for h in headings if h.lower().strip(" :.") not in NOT_IDEAS]


def _code(cells: list[dict]) -> str:
    """The code cells as one Python module (IPython magics and shell lines dropped)."""
    lines = []
    for cell in cells:
        if cell.get("cell_type") == "code":
            for line in _source(cell).splitlines():
                lines.append("" if line.lstrip().startswith(("%", "!")) else line)
    return "\n".join(lines)


def _resolve(dotted: str):
    """The crmlib object named ``dotted`` ("crmlib.clv.pvifa"), or None."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for name in parts[cut:]:
                obj = getattr(obj, name)
        except AttributeError:
            return None
        return obj
    return None


def crmlib_names(code: str) -> list[str]:
    """The public ``crmlib`` functions and classes that ``code`` uses, in order of first use,
    each under the module that defines it ("crmlib.clv.pvifa")."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    aliases: dict[str, str] = {}  # local name -> dotted crmlib name
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "crmlib":
                    if alias.asname:
                        aliases[alias.asname] = alias.name
                    else:
                        aliases["crmlib"] = "crmlib"
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "crmlib":
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def dotted(node) -> str | None:
        if isinstance(node, ast.Name):
            return aliases.get(node.id)
        if isinstance(node, ast.Attribute):
            base = dotted(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    uses = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Name, ast.Attribute)) and isinstance(getattr(node, "ctx", None), ast.Load):
            name = dotted(node)
            if name:
                uses.append((getattr(node, "lineno", 0), getattr(node, "col_offset", 0), name))
    found: list[str] = []
    for _, _, name in sorted(uses):
        obj = _resolve(name)
        if obj is None or not callable(obj) or isinstance(obj, type(importlib)):
            continue
        module, qualname = getattr(obj, "__module__", None) or "", getattr(obj, "__qualname__", None) or ""
        if not module.startswith("crmlib") or module.startswith(MACHINERY) or not qualname or qualname.startswith("_"):
            continue
        full = f"{module}.{qualname}"
        if full not in found:
            found.append(full)
    return found


def _is_edition(folder: str, language: str) -> bool:
    """Whether the exercise folder ``exNN-topic`` or ``exNN-topic-zh`` belongs to the edition ``language``."""
    return folder.endswith("-zh") == (language == "zh")


def read_chapters(srcdir: Path, chapters: str = "chapters", exercises: str = "exercises",
                  language: str = "en") -> list[Chapter]:
    """Every chapter notebook in ``srcdir/chapters``, in file-name order, with its exercise (the one of
    the same edition: ``exNN-topic-zh`` for the Chinese site)."""
    result = []
    for path in sorted((srcdir / chapters).glob("*.ipynb")):
        match = re.match(r"(\d+)", path.stem)
        number = match.group(1) if match else ""
        cells = _cells(path)
        code = _code(cells)
        exercise = None
        if number:
            found = sorted(p for p in (srcdir / exercises).glob(f"ex{number}-*/*.ipynb")
                           if _is_edition(p.parent.name, language))
            if found:
                exercise = found[0].relative_to(srcdir).as_posix()
                code += "\n" + _code(_cells(found[0]))
        result.append(Chapter(
            number=number,
            docname=path.relative_to(srcdir).with_suffix("").as_posix(),
            title=chapter_title(cells, path.stem),
            ideas=chapter_ideas(cells),
            exercise=exercise,
            functions=crmlib_names(code),
        ))
    return result


# ------------------------------------------------------------------------------------------------
# directives


def _short(full: str) -> str:
    """"crmlib.clv.pvifa" -> "clv.pvifa"."""
    return full.split(".", 1)[1] if full.startswith("crmlib.") else full


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("`", "")


class _ChapterDirective(SphinxDirective):
    has_content = False

    def chapters(self) -> list[Chapter]:
        srcdir = Path(self.env.srcdir)
        config = self.env.config
        found = read_chapters(srcdir, config.crm_chapters, config.crm_exercises, config.crm_language)
        # re-read this page when a chapter or an exercise is added, removed or changed
        for folder in (srcdir / config.crm_chapters, srcdir / config.crm_exercises):
            if folder.exists():
                self.env.note_dependency(str(folder))
        for chapter in found:
            self.env.note_dependency(str(srcdir / f"{chapter.docname}.ipynb"))
            if chapter.exercise:
                self.env.note_dependency(str(srcdir / chapter.exercise))
        return found

    def say(self, key: str) -> str:
        return TEXTS[self.env.config.crm_language][key]

    def parse_markdown(self, lines: list[str]) -> list[nodes.Node]:
        container = nodes.container()
        self.state.nested_parse(StringList(lines, source=self.env.docname), self.content_offset, container)
        return container.children


class CourseMap(_ChapterDirective):
    """The course map: one row per chapter, with its ideas, exercise and crmlib functions."""

    def run(self):
        lines = ["```{list-table}", ":header-rows: 1", ":widths: 20 40 10 30", ":class: crm-course-map", "",
                 f"* - {self.say('chapter')}", f"  - {self.say('ideas')}", f"  - {self.say('exercise')}",
                 "  - `crmlib`"]
        for chapter in self.chapters():
            label = f"{int(chapter.number)} · {chapter.title}" if chapter.number else chapter.title
            lines.append(f"* - {{doc}}`{_md_escape(label)} </{chapter.docname}>`")
            if chapter.ideas:
                lines.append(f"  - - {_md_escape(chapter.ideas[0])}")
                lines += [f"    - {_md_escape(idea)}" for idea in chapter.ideas[1:]]
            else:
                lines.append("  - ")
            if chapter.exercise:
                name = Path(chapter.exercise).stem.split("-")[0]
                lines.append(f"  - {{download}}`{name} </{chapter.exercise}>`")
            else:
                lines.append("  - –")
            by_module: dict[str, list[str]] = {}
            for full in chapter.functions:
                module, name = full.rsplit(".", 1)
                by_module.setdefault(module, []).append(f"{{py:obj}}`{name} <{full}>`")
            if by_module:
                for i, (module, refs) in enumerate(by_module.items()):
                    lead = "  - - " if i == 0 else "    - "
                    lines.append(f"{lead}{{py:mod}}`{_short(module)} <{module}>`: " + ", ".join(refs))
            else:
                lines.append("  - –")
        lines.append("```")
        return self.parse_markdown(lines)


class ExerciseDownloads(_ChapterDirective):
    """A list of every exercise notebook of the edition as a download, with its chapter when the
    edition has that chapter (a Chinese exercise may come before its chapter's translation)."""

    def run(self):
        lines = []
        chapters = {chapter.exercise: chapter for chapter in self.chapters() if chapter.exercise}
        srcdir, config = Path(self.env.srcdir), self.env.config
        for path in sorted((srcdir / config.crm_exercises).glob("ex*/*.ipynb")):
            if not _is_edition(path.parent.name, config.crm_language):
                continue
            exercise = path.relative_to(srcdir).as_posix()
            line = f"- {{download}}`{path.name} </{exercise}>`"
            if exercise in chapters:
                chapter = chapters[exercise]
                line += (f" {self.say('for_chapter')} "
                         f"{{doc}}`{int(chapter.number)} · {_md_escape(chapter.title)} </{chapter.docname}>`")
            lines.append(line)
        if not lines:
            lines = [self.say("no_exercises")]
        return self.parse_markdown(lines)


def glossary_entries(source: str) -> list[tuple[str, str]]:
    """(English term, its definition line) of every entry of the glossary page's ``{glossary}``
    block, whose entries read "Term" then "  **中文** — definition (ch. 2, 3)."."""
    block = source.split("```{glossary}", 1)[1].split("```", 1)[0]
    entries, term = [], None
    for line in block.splitlines():
        if not line.strip() or line.startswith(":"):
            continue
        if not line.startswith(" "):
            term = line.strip()
        elif term:
            entries.append((term, line.strip()))
            term = None
    return entries


class GlossaryZh(SphinxDirective):
    """The glossary from Chinese to English: each Chinese term (in the order of the Unicode table, that
    is by radical and strokes) with its English term and chapters, from the English glossary
    (``crm_glossary_source``)."""

    has_content = False

    def run(self):
        source = Path(self.env.config.crm_glossary_source)
        self.env.note_dependency(str(source))
        rows = []
        for english, definition in glossary_entries(source.read_text(encoding="utf-8")):
            chinese = definition.split(" — ")[0].strip("* ")
            found = re.search(r"\(ch\. ([\d, ]+)\)\.?$", definition)
            chapters = found.group(1) if found else ""
            for name in re.split(r"\s*/\s*", chinese):  # "钱包份额 / 客户份额": each name its own entry
                where = f"（第 {'、'.join(c.strip() for c in chapters.split(','))} 章）" if chapters else ""
                rows.append((name, f"- **{_md_escape(name)}**：{_md_escape(english)}{where}"))
        lines = [row for _, row in sorted(rows)]
        container = nodes.container(classes=["crm-glossary-zh"])
        self.state.nested_parse(StringList(lines, source=self.env.docname), self.content_offset, container)
        return [container]


class CounterpartLink(SphinxTransform):
    """A link at the top of every page that the other edition has too: "中文版" on the English
    site, "English" on the Chinese one (``crm_counterparts``, the other edition's page names, and
    ``crm_counterpart_root``, the other site's root relative to this one's)."""

    default_priority = 500

    def apply(self, **kwargs):
        config = self.env.config
        docname = self.env.docname
        if docname not in config.crm_counterparts:
            return
        up = "../" * docname.count("/")
        href = f"{up}{config.crm_counterpart_root}{docname}.html"
        texts = TEXTS[config.crm_language]
        link = (f'<p class="crm-language-switch"><a href="{html.escape(href)}" hreflang="{texts["counterpart_lang"]}" '
                f'lang="{texts["counterpart_lang"]}">{texts["counterpart"]}</a></p>')
        self.document.insert(0, nodes.raw("", link, format="html"))


# ------------------------------------------------------------------------------------------------
# ipywidgets explorers as static pictures


def _format(value, spec: str | None) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and spec:
        try:
            return format(value, spec)
        except (TypeError, ValueError):
            pass
    return str(value)


def _output_html(output: dict) -> str:
    """One output of an Output widget as HTML (images, HTML, text)."""
    data = output.get("data", {})
    for mime in ("image/png", "image/jpeg"):
        if mime in data:
            payload = data[mime] if isinstance(data[mime], str) else "".join(data[mime])
            return f'<img alt="plot drawn by the explorer" src="data:{mime};base64,{payload.strip()}"/>'
    if "image/svg+xml" in data:
        svg = data["image/svg+xml"]
        return svg if isinstance(svg, str) else "".join(svg)
    if "text/html" in data:
        text = data["text/html"]
        return text if isinstance(text, str) else "".join(text)
    text = output.get("text") or data.get("text/plain")
    if text:
        text = text if isinstance(text, str) else "".join(text)
        return f"<pre>{html.escape(text)}</pre>"
    return ""


def widget_html(model_id: str, models: dict, depth: int = 0) -> str:
    """The static HTML of one widget model and its children, at its saved state."""
    model = models.get(model_id)
    if model is None or depth > 20:
        return ""
    state = model.get("state", {})
    name = state.get("_model_name", "")
    if "children" in state:  # VBox, HBox, Box, interactive, Tab, Accordion
        parts = [widget_html(_ref(child), models, depth + 1) for child in state["children"]]
        return "".join(part for part in parts if part)
    if name == "OutputModel":
        return "".join(_output_html(output) for output in state.get("outputs", []))
    if name in ("HTMLModel", "HTMLMathModel"):
        return f'<div class="crm-widget-html">{state.get("value", "")}</div>'
    if name == "LabelModel":
        return f'<div class="crm-widget-html">{html.escape(str(state.get("value", "")))}</div>'
    if "value" in state and not name.startswith(("Layout", "Style", "Description")):
        value = state["value"]
        if isinstance(value, list) and len(value) == 2:  # range sliders
            shown = " – ".join(_format(v, state.get("readout_format")) for v in value)
        elif "_options_labels" in state and isinstance(value, int) and 0 <= value < len(state["_options_labels"]):
            shown = state["_options_labels"][value]
        else:
            shown = _format(value, state.get("readout_format"))
        label = state.get("description") or name.replace("Model", "")
        return (f'<div class="crm-widget-control">{html.escape(str(label))}: '
                f'<b>{html.escape(str(shown))}</b></div>')
    return ""


def _ref(child) -> str:
    return child[len("IPY_MODEL_"):] if isinstance(child, str) and child.startswith("IPY_MODEL_") else str(child)


class StaticWidgets(SphinxPostTransform):
    """Replace ipywidgets views by a static rendering of their saved state (before myst-nb picks
    a mime type to show), and drop the widget state script from the page."""

    default_priority = 3  # myst-nb's SelectMimeType runs at 4

    def run(self, **kwargs):
        from myst_nb.sphinx_ import NbMetadataCollector

        js_files = NbMetadataCollector.get_js_files(self.env, self.env.docname)
        models = {}
        if "ipywidgets_state" in js_files:
            _, script = js_files["ipywidgets_state"]
            try:
                models = json.loads(script.get("body", "{}")).get("state", {})
            except ValueError:
                models = {}

        def is_bundle(node):
            return isinstance(node, nodes.container) and node.get("nb_element") == "mime_bundle"

        found = False
        for bundle in list(self.document.findall(is_bundle)):
            views = [child for child in bundle.children if child.get("mime_type") == WIDGET_VIEW]
            if not views:
                continue
            found = True
            raw = views[0].astext()
            match = re.search(r'"model_id"\s*:\s*"([^"]+)"', raw.replace('\\"', '"'))
            body = widget_html(match.group(1), models) if match else ""
            note = TEXTS[self.env.config.crm_language]["widget_note"]
            bundle.replace_self(nodes.raw(
                "", f'<div class="crm-widget-static"><p class="crm-widget-note">{note}</p>{body}</div>',
                format="html"))
        if found or models:
            # the state is only needed by the widget JavaScript, which the site does not load
            js_files.pop("ipywidgets_state", None)


# ------------------------------------------------------------------------------------------------
# MathJax from the site itself


def copy_mathjax(app, exception) -> None:
    """Copy MathJax 2 (from the jupyter-server-mathjax package) to ``_static/mathjax``."""
    if exception is not None or app.builder.format != "html":
        return
    import jupyter_server_mathjax

    source = Path(jupyter_server_mathjax.__file__).parent / "static"
    target = Path(app.outdir) / "_static" / "mathjax"
    copied = target / "MathJax.js"
    if copied.exists() and copied.stat().st_size == (source / "MathJax.js").stat().st_size:
        return
    shutil.copytree(source, target, dirs_exist_ok=True)


def _without_thebe(app) -> None:
    """Switch sphinx-thebe (loaded by Jupyter Book) off: the site runs no code, and its set-up
    script is written twice into every page, which the browser reports as an error."""
    for listeners in app.events.listeners.values():
        for listener in list(listeners):
            handler = listener.handler
            if getattr(handler, "__module__", "").startswith("sphinx_thebe") and \
                    getattr(handler, "__name__", "") in ("init_thebe_core", "update_thebe_context"):
                app.disconnect(listener.id)


def setup(app):
    _without_thebe(app)
    app.add_config_value("crm_chapters", "chapters", "env")
    app.add_config_value("crm_exercises", "exercises", "env")
    app.add_config_value("crm_language", "en", "env")
    app.add_config_value("crm_counterparts", [], "env")
    app.add_config_value("crm_counterpart_root", "", "env")
    app.add_config_value("crm_glossary_source", "", "env")
    app.add_directive("course-map", CourseMap)
    app.add_directive("exercise-downloads", ExerciseDownloads)
    app.add_directive("glossary-zh", GlossaryZh)
    app.add_transform(CounterpartLink)
    app.add_post_transform(StaticWidgets)
    app.connect("build-finished", copy_mathjax)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
