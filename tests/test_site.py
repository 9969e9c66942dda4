"""The course website (``make site``): built once per test session, then checked as files and in a
real browser.

The build is the one ``make site`` runs (:func:`crm_course.site.build_site`, into ``_build/html``).
Under pytest-xdist every worker has its own session, so a file lock makes the first worker build
and the others reuse that build.

The browser test drives the system Chromium (Debian package ``chromium``) with Playwright; it
never downloads a browser. Without Chromium it skips, unless ``CRM_REQUIRE_BROWSER=1`` (as in CI),
where a skip would hide a missing install and so it fails instead.
"""

from __future__ import annotations

import base64
import fcntl
import functools
import http.server
import json
import os
import pkgutil
import re
import shutil
import threading
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
ARTIFACTS = ROOT / "test-artifacts"
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
EXERCISES = sorted(p for p in (ROOT / "exercises").glob("ex*/*.ipynb") if not p.parent.name.endswith("-zh"))
#: The Chinese edition: its chapters and exercises, on the Chinese site (_build/html/zh/).
ZH = HTML / "zh"
CHAPTERS_ZH = sorted((ROOT / "chapters" / "zh").glob("*.ipynb"))
EXERCISES_ZH = sorted((ROOT / "exercises").glob("ex*-zh/*.ipynb"))
#: A hang guard, not a speed target: the site builds in about 40-50 s on 2 cores (recorded in
#: test-artifacts/site-build-time.txt); speed is measured in bench/, not asserted on a shared machine.
HANG_SECONDS = 900
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CJK = re.compile(r"[\u4e00-\u9fff]")


# ------------------------------------------------------------------------------------------------
# the build, once per session


@dataclass
class Site:
    html: Path
    seconds: float  #: how long the build took (in whichever process built it)


@pytest.fixture(scope="session")
def site() -> Site:
    from crm_course.site import build_site

    run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"pid-{os.getpid()}"
    (ROOT / "_build").mkdir(exist_ok=True)
    done = ROOT / "_build" / ".site-test-run.json"
    with open(ROOT / "_build" / ".site-test.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if done.exists():
            record = json.loads(done.read_text())
            if record.get("run") == run:
                return Site(HTML, record["seconds"])
        done.unlink(missing_ok=True)
        start = time.perf_counter()
        build_site()
        seconds = time.perf_counter() - start
        done.write_text(json.dumps({"run": run, "seconds": seconds}))
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "site-build-time.txt").write_text(f"make site (build_site) took {seconds:.1f} s\n")
    return Site(HTML, seconds)


# ------------------------------------------------------------------------------------------------
# reading the built pages


class _Page(HTMLParser):
    """The links, images, ids and title of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.images: list[str] = []
        self.ids: set[str] = set()
        self.title, self._in_title = "", False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        for attribute in ("href", "src"):
            if attrs.get(attribute) and tag in ("a", "link", "script", "img", "iframe", "source"):
                self.refs.append((tag, attribute, attrs[attribute]))
        if tag == "img" and attrs.get("src"):
            self.images.append(attrs["src"])
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


@functools.lru_cache(maxsize=None)
def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def html_pages() -> list[Path]:
    """Every page of the site (``_static/`` holds the theme's template macros, not pages)."""
    return sorted(p for p in HTML.rglob("*.html") if "_static" not in p.relative_to(HTML).parts)


def is_external(url: str) -> bool:
    return bool(re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", url)) or url.startswith("//")


def chapter_page(notebook: Path) -> Path:
    return HTML / "chapters" / f"{notebook.stem}.html"


def notebook_title(notebook: Path) -> str:
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return notebook.stem


# ------------------------------------------------------------------------------------------------
# the build


def test_site_builds(site):
    assert (site.html / "index.html").exists()
    assert site.seconds < HANG_SECONDS, f"the site took {site.seconds:.0f} s to build: something hangs"


def test_chapters_exist_to_build_from():
    assert CHAPTERS, "chapters/ holds no notebooks: the site has nothing to show"


@pytest.mark.parametrize("notebook", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_every_chapter_has_an_executed_page(site, notebook):
    page = chapter_page(notebook)
    assert page.exists(), f"{notebook.name} has no page in the site ({page.relative_to(ROOT)} missing)"
    text = page.read_text(encoding="utf-8")
    title = notebook_title(notebook)
    assert title.split("(")[0].strip() in parse(page).title, (
        f"{page.name}: its title {parse(page).title!r} does not name the chapter {title!r}")
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    if any(cell["cell_type"] == "code" and cell["source"] for cell in cells):
        assert "cell_output" in text, f"{page.name} shows no output: was the chapter executed?"
    assert "output traceback" not in text, f"{page.name} shows an error output"


def test_stored_chapters_stay_without_outputs(site):
    for notebook in CHAPTERS:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        with_outputs = [i for i, cell in enumerate(cells) if cell.get("outputs")]
        assert not with_outputs, f"building the site wrote outputs into {notebook.name} (cells {with_outputs})"


def test_every_image_on_every_page_exists(site):
    missing = []
    for page in html_pages():
        for src in parse(page).images:
            if src.startswith("data:"):
                payload = src.split(",", 1)[1] if "," in src else ""
                if ";base64" in src.split(",", 1)[0]:
                    ok = len(base64.b64decode(payload + "=" * (-len(payload) % 4))) > 0
                else:
                    ok = bool(payload)
                if not ok:
                    missing.append(f"{page.relative_to(HTML)}: empty data image")
            elif is_external(src):
                missing.append(f"{page.relative_to(HTML)}: image from outside the site {src}")
            else:
                target = (page.parent / unquote(urlsplit(src).path)).resolve()
                if not target.is_file() or target.stat().st_size == 0:
                    missing.append(f"{page.relative_to(HTML)}: {src}")
    assert not missing, "images missing or empty:\n" + "\n".join(missing)


def _draws(notebook: Path) -> bool:
    code = "\n".join("".join(cell["source"]) for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]
                     if cell["cell_type"] == "code")
    return bool(re.search(r"\bplots\.\w+\(|\bplt\.\w+\(|\.plot\(", code))


def test_chapter_plots_are_on_their_pages(site):
    for notebook in filter(_draws, CHAPTERS):
        assert parse(chapter_page(notebook)).images, f"{notebook.name} draws plots but its page shows none"


def test_no_internal_link_is_broken(site):
    broken = []
    for page in html_pages():
        for tag, attribute, url in parse(page).refs:
            if is_external(url) or url == "#":
                continue
            parts = urlsplit(url)
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            where = f"{page.relative_to(HTML)}: <{tag} {attribute}={url!r}>"
            if not target.exists():
                broken.append(f"{where} -> missing file")
            elif parts.fragment and target.suffix == ".html" and tag == "a":
                if unquote(parts.fragment) not in parse(target).ids:
                    hint = (" (a reStructuredText markup error in a docstring or page: see the build's"
                            " warnings)" if re.fullmatch(r"id\d+", parts.fragment) else "")
                    broken.append(f"{where} -> no anchor #{parts.fragment}{hint}")
    assert not broken, f"{len(broken)} broken internal links:\n" + "\n".join(broken[:50])


def test_no_page_loads_anything_from_the_internet(site):
    outside = []
    for page in html_pages():
        for tag, attribute, url in parse(page).refs:
            if tag != "a" and is_external(url) and not url.startswith("data:"):
                outside.append(f"{page.relative_to(HTML)}: <{tag} {attribute}={url!r}>")
    assert not outside, "pages that load from outside the site (it must work offline):\n" + "\n".join(outside)


def test_landing_page_says_what_for_whom_and_how_to_start(site):
    text = (HTML / "index.html").read_text(encoding="utf-8")
    for heading in ("What the course teaches", "Who it is for", "How to start"):
        assert heading in text
    refs = {url for _, _, url in parse(HTML / "index.html").refs}
    for target in ("course-map.html", "glossary.html", "exercises.html", "api/index.html"):
        assert target in refs, f"the landing page does not link to {target}"


def test_course_map_links_every_chapter_exercise_and_function(site):
    page = HTML / "course-map.html"
    refs = [url for _, _, url in parse(page).refs]
    for notebook in CHAPTERS:
        assert f"chapters/{notebook.stem}.html" in refs, f"the course map does not link {notebook.stem}"
    for exercise in EXERCISES:
        assert any(url.startswith("_downloads/") and url.endswith(exercise.name) for url in refs), (
            f"the course map offers no download of {exercise.name}")
    api_links = [url for url in refs if url.startswith("api/generated/crmlib.") and "#crmlib." in url]
    assert api_links, "the course map links no crmlib function to the API reference"


def test_exercises_are_offered_as_downloads_identical_to_the_repository(site):
    text = (HTML / "exercises.html").read_text(encoding="utf-8")
    for exercise in EXERCISES:
        copies = list((HTML / "_downloads").rglob(exercise.name))
        assert copies, f"{exercise.name} is not offered as a download"
        assert copies[0].read_bytes() == exercise.read_bytes()
        assert exercise.name in text


@pytest.mark.parametrize("notebook", CHAPTERS_ZH, ids=[p.stem for p in CHAPTERS_ZH])
def test_every_chinese_chapter_has_an_executed_page_on_the_chinese_site(site, notebook):
    page = ZH / "chapters" / f"{notebook.stem}.html"
    assert page.exists(), f"chapters/zh/{notebook.name} has no page ({page.relative_to(ROOT)} missing)"
    text = page.read_text(encoding="utf-8")
    title = notebook_title(notebook)
    assert re.sub(r"^\d+\s*·\s*", "", title).split("（")[0] in parse(page).title
    assert 'lang="zh-CN"' in text, "the Chinese pages say they are in Chinese (for fonts and screen readers)"
    assert "cell_output" in text and "output traceback" not in text
    if _draws(notebook):
        assert parse(page).images, f"chapters/zh/{notebook.name} draws plots but its page shows none"


def _links(page: Path) -> dict[str, list[str]]:
    """{href: the texts of the page's links to it}."""
    found, parser = {}, HTMLParser(convert_charrefs=True)
    current = []

    def start(tag, attrs):
        if tag == "a":
            current.append(dict(attrs).get("href", ""))
            found.setdefault(current[-1], []).append("")

    def data(text):
        if current:
            found[current[-1]][-1] += text

    def end(tag):
        if tag == "a" and current:
            current.pop()

    parser.handle_starttag, parser.handle_data, parser.handle_endtag = start, data, end
    parser.feed(page.read_text(encoding="utf-8"))
    return found


def test_every_page_links_to_its_counterpart_in_the_other_edition(site):
    pairs = [("index", "index"), ("course-map", "course-map"), ("glossary", "glossary"), ("exercises", "exercises")]
    pairs += [(f"chapters/{nb.stem}", f"chapters/{nb.stem}") for nb in CHAPTERS_ZH]
    for english, chinese in pairs:
        depth = "../" * english.count("/")
        to_chinese = _links(HTML / f"{english}.html").get(f"{depth}zh/{chinese}.html", [])
        assert "中文版" in [t.strip() for t in to_chinese], f"{english}.html does not link to its Chinese page"
        to_english = _links(ZH / f"{chinese}.html").get(f"{depth}../{english}.html", [])
        assert "English" in [t.strip() for t in to_english], f"zh/{chinese}.html does not link to its English page"
    untranslated = [nb for nb in CHAPTERS if not (ROOT / "chapters" / "zh" / nb.name).exists()]
    for notebook in untranslated[:1]:  # a page without a counterpart offers no link to it
        assert "中文版" not in [t.strip() for texts in _links(chapter_page(notebook)).values() for t in texts]


def test_the_course_map_and_downloads_of_each_edition_offer_its_own_exercises(site):
    for page in ("course-map.html", "exercises.html"):
        english = [url for _, _, url in parse(HTML / page).refs]
        assert not [url for url in english if url.endswith("-zh.ipynb")], f"the English {page} offers Chinese exercises"
    chinese = [url for _, _, url in parse(ZH / "exercises.html").refs]
    for exercise in EXERCISES_ZH:  # every Chinese exercise, even before its chapter is translated
        assert any(url.startswith("_downloads/") and url.endswith(exercise.name) for url in chinese), (
            f"the Chinese exercises page offers no download of {exercise.name}")
        copies = list((ZH / "_downloads").rglob(exercise.name))
        assert copies and copies[0].read_bytes() == exercise.read_bytes()
    course_map = [url for _, _, url in parse(ZH / "course-map.html").refs]
    for notebook in CHAPTERS_ZH:
        assert f"chapters/{notebook.stem}.html" in course_map
        number = notebook.stem[:2]
        for exercise in (e for e in EXERCISES_ZH if e.name.startswith(f"ex{number}-")):
            assert any(url.endswith(exercise.name) for url in course_map), f"{exercise.name} not in the course map"
    assert not [url for url in course_map if url.endswith(".ipynb") and not url.endswith("-zh.ipynb")]


def test_the_chinese_site_has_the_glossary_from_chinese_to_english_and_the_instructor_guide(site):
    text = re.sub(r"<[^>]+>", "", (ZH / "glossary.html").read_text(encoding="utf-8")).replace("’", "'")
    for english, definition in _glossary_entries():
        for chinese in re.split(r"\s*/\s*", definition.split(" — ")[0].strip("* ")):
            assert f"{chinese}：{english}" in text, f"the Chinese glossary lacks {chinese} ({english})"
    guide = ZH / "instructor-guide.html"
    assert guide.exists() and "教师指南" in parse(guide).title
    assert "instructor-guide.html" in _links(ZH / "index.html")
    shown = re.sub(r"<[^>]+>", "", guide.read_text(encoding="utf-8"))
    assert "crm-course new-term ~/crm-terms/2026-autumn --lang zh" in shown


def _glossary_entries() -> list[tuple[str, str]]:
    from crm_course.site_ext import glossary_entries

    return glossary_entries((ROOT / "book" / "glossary.md").read_text(encoding="utf-8"))


def test_glossary_has_at_least_60_english_chinese_terms_each_defined_in_one_line():
    entries = _glossary_entries()
    assert len(entries) >= 60, f"the glossary has {len(entries)} terms; the course needs at least 60"
    terms = [term for term, _ in entries]
    assert len(set(terms)) == len(terms), "a glossary term appears twice"
    for term, definition in entries:
        assert not CJK.search(term), f"{term!r}: the term line is the English term"
        assert CJK.search(definition.split(" — ")[0]), f"{term!r}: the definition does not start with its Chinese term"
        assert len(definition.split(" — ", 1)) == 2 and len(definition) > 30, f"{term!r}: no one-line definition"
    # Sphinx reads a term line right after a definition as part of it ("glossary term must be preceded
    # by empty line"): every entry starts after an empty line
    lines = (ROOT / "book" / "glossary.md").read_text(encoding="utf-8").splitlines()
    glued = [f"line {n + 1}: {line!r}" for n, line in enumerate(lines[1:], start=1)
             if line.strip() and not line.startswith((" ", "`", ":")) and lines[n - 1].startswith("  **")]
    assert not glued, "a glossary term without an empty line before it: " + "; ".join(glued)


def test_glossary_page_shows_every_term(site):
    page = parse(HTML / "glossary.html")
    ids = [i for i in page.ids if i.startswith("term-")]
    assert len(ids) >= len(_glossary_entries()) >= 60


def test_api_reference_documents_every_crmlib_module_from_its_docstrings(site):
    import crmlib

    modules = ["crmlib"] + [m.name for m in pkgutil.walk_packages(crmlib.__path__, "crmlib.")
                            if not m.name.rsplit(".", 1)[-1].startswith("_")]
    missing = [m for m in modules if not (HTML / "api" / "generated" / f"{m}.html").exists()]
    assert not missing, f"modules without an API page: {missing}"
    from crmlib import clv

    page = HTML / "api" / "generated" / "crmlib.clv.html"
    assert "crmlib.clv.pvifa" in parse(page).ids
    first_line = clv.pvifa.__doc__.strip().splitlines()[0][:30]
    assert first_line.split("(")[0].strip() in page.read_text(encoding="utf-8").replace("\n", " ")


# ------------------------------------------------------------------------------------------------
# in a real browser


def _browser_or_skip():
    """Playwright's sync API, or skip (fail when CRM_REQUIRE_BROWSER=1) saying what is missing."""
    required = os.environ.get("CRM_REQUIRE_BROWSER") == "1"
    problem = None
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        problem = (f"Chromium is not installed ({CHROMIUM} missing): install the Debian package "
                   "`chromium` to run the browser test")
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            problem = "the Python package `playwright` is not installed (pip install -e '.[dev]')"
    if problem:
        if required:
            pytest.fail(f"CRM_REQUIRE_BROWSER=1 but {problem}")
        pytest.skip(problem)
    return sync_playwright


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def server(site):
    """``_build/html`` served on 127.0.0.1 at a free port, from a thread."""
    handler = functools.partial(_QuietHandler, directory=str(site.html))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _chapter_with_plots() -> Path:
    """The first chapter page with an output plot, preferring one with formulas too."""
    pages = [chapter_page(nb) for nb in CHAPTERS if chapter_page(nb).exists()]
    with_plots = [p for p in pages if any(not s.startswith("http") for s in parse(p).images)]
    assert with_plots, "no chapter page shows a plot"
    with_math = [p for p in with_plots if 'class="math' in p.read_text(encoding="utf-8")]
    return (with_math or with_plots)[0]


def test_site_in_a_real_browser(site, server):
    sync_playwright = _browser_or_skip()
    ARTIFACTS.mkdir(exist_ok=True)
    chapter = _chapter_with_plots()
    blocked, console_errors, page_errors, failed = [], [], [], []

    def only_loopback(route):
        host = urlsplit(route.request.url).hostname or ""
        if host in ("127.0.0.1", "localhost", "::1"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists()
                                             else shutil.which("chromium"), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.route("**/*", only_loopback)
            page = context.new_page()
            page.on("console", lambda m: m.type == "error" and console_errors.append(f"{page.url}: {m.text}"))
            page.on("pageerror", lambda e: page_errors.append(f"{page.url}: {e}"))
            page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))

            # the landing page
            page.goto(f"{server}/index.html", wait_until="networkidle")
            assert "CRM Analytics" in page.title()
            assert page.locator("h1").first.inner_text().startswith("CRM Analytics")
            page.screenshot(path=str(ARTIFACTS / "site-landing.png"), full_page=True)

            # a chapter page with plots (and formulas, when one has them)
            url = f"{server}/{chapter.relative_to(site.html).as_posix()}"
            page.goto(url, wait_until="networkidle")
            title = parse(chapter).title.split(" — ")[0].strip()
            assert title and title in page.title(), f"{chapter.name}: browser title {page.title()!r}"
            sizes = page.eval_on_selector_all(
                ".cell_output img",
                "els => els.map(e => { e.scrollIntoView(); const r = e.getBoundingClientRect();"
                " return {src: e.src.slice(0, 60), done: e.complete, natural: e.naturalWidth,"
                " width: r.width, height: r.height}; })")
            assert sizes, f"{chapter.name}: no plot images in the browser"
            empty = [s for s in sizes if not (s["done"] and s["natural"] > 0 and s["width"] > 0 and s["height"] > 0)]
            assert not empty, f"{chapter.name}: plots that did not render: {empty}"
            if page.locator(".math").count():
                page.wait_for_function(
                    "document.querySelectorAll('.MathJax, .MathJax_Display, .MathJax_SVG, mjx-container').length > 0",
                    timeout=15000)
            plot = page.locator(".cell_output img").first
            plot.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "site-chapter.png"))
            plot.screenshot(path=str(ARTIFACTS / "site-chapter-plot.png"))
        finally:
            browser.close()

    assert not blocked, "the site tried to reach outside the machine (requests aborted):\n" + "\n".join(blocked)
    assert not failed, "requests that failed:\n" + "\n".join(failed)
    assert not page_errors, "JavaScript errors on the site:\n" + "\n".join(page_errors)
    assert not console_errors, "errors in the browser console:\n" + "\n".join(console_errors)


#: Fonts that draw Chinese: Debian's fonts-noto-cjk (the site's CSS names it first for Chinese pages).
CJK_FONT_FAMILIES = ("Noto Sans CJK", "Noto Serif CJK", "Source Han", "PingFang", "Microsoft YaHei")


def _platform_fonts(cdp, root: int, selector: str) -> list[dict] | None:
    """The fonts Chromium used to draw the text of the first element matching ``selector`` (the
    DevTools protocol's CSS.getPlatformFontsForNode: one entry per font, with its glyph count), or
    None when the page has no such element."""
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"] if node else None


def test_a_chinese_chapter_with_a_plot_renders_its_chinese_with_a_cjk_font(site, server):
    """No tofu: every glyph of the Chinese title, text and table of a Chinese chapter comes from a
    font with Chinese characters, as Chromium reports the fonts it rendered with (not only that the
    page loads); the page and its plot are kept as screenshots in test-artifacts/."""
    sync_playwright = _browser_or_skip()
    pages = [ZH / "chapters" / f"{nb.stem}.html" for nb in CHAPTERS_ZH if _draws(nb)]
    assert pages, "no Chinese chapter draws a plot"
    chapter = pages[0]
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists()
                                             else shutil.which("chromium"), args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
            page.goto(f"{server}/{chapter.relative_to(site.html).as_posix()}", wait_until="networkidle")
            assert CJK.search(page.title()), f"the Chinese chapter's title {page.title()!r} is not in Chinese"
            plot = page.locator(".cell_output img").first
            plot.scroll_into_view_if_needed()
            assert plot.evaluate("e => e.complete && e.naturalWidth > 0"), "the plot did not render"
            page.screenshot(path=str(ARTIFACTS / "site-chapter-zh.png"))
            plot.screenshot(path=str(ARTIFACTS / "site-chapter-zh-plot.png"))
            cdp = page.context.new_cdp_session(page)
            cdp.send("DOM.enable")
            cdp.send("CSS.enable")
            root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
            checked = {}
            for selector in ("article h1", "article section p", "article td", "nav.bd-links li a"):
                fonts = _platform_fonts(cdp, root, selector)
                if fonts is None and selector == "article td":
                    continue  # a chapter without a table
                checked[selector] = fonts
                assert fonts, f"{selector}: Chromium reports no font"
                other = [f for f in fonts if not f["familyName"].startswith(CJK_FONT_FAMILIES)]
                assert not other, f"{selector} is drawn partly in fonts without Chinese glyphs: {other}"
            (ARTIFACTS / "site-chapter-zh-fonts.json").write_text(json.dumps(checked, ensure_ascii=False, indent=1))
        finally:
            browser.close()
