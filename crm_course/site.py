"""The course website (``make site``): Jupyter Book 1 builds ``_build/html/`` (and the Chinese
edition's ``_build/html/zh/``) offline.

See ``book/_config.yml`` for the site's configuration and :mod:`crm_course.site_ext` for the
Sphinx extension that adds the course map, the exercise downloads, static widget pictures and
a local MathJax.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import shutil
import sys
import time
from pathlib import Path

from crm_course.errors import CourseError
from crm_course.nbgrader_api import put_venv_on_path
from crm_course.repo import CourseRepo, course_repo

SITE_CODE = Path(__file__).resolve().parent / "site_ext.py"
#: The Chinese site: its pages (``book/zh/``, merged over ``book/``'s configuration), its chapters
#: (``chapters/zh/``) and its instructor guide, built into ``_build/html/zh/``.
ZH = "zh"


def _digest(*paths: Path) -> str:
    sha = hashlib.sha256()
    for top in paths:
        files = [top] if top.is_file() else sorted(top.rglob("*")) if top.exists() else []
        for path in files:
            if path.is_file() and "__pycache__" not in path.parts:
                sha.update(path.relative_to(top.parent).as_posix().encode() + b"\0" + path.read_bytes())
    return sha.hexdigest()


def site_fingerprints(repo: CourseRepo) -> tuple[str, str]:
    """Hashes of what the site's pages depend on besides their own text: (the library and the
    data, which the chapters' outputs come from; the site's extension and templates)."""
    crmlib = repo.root / "crmlib"
    return (_digest(crmlib, repo.root / "datasets"),
            _digest(SITE_CODE, repo.book / "_templates"))


def _merged(base: dict, overrides: dict) -> dict:
    """``base`` with ``overrides`` put in, nested mappings merged key by key."""
    merged = dict(base)
    for key, value in overrides.items():
        merged[key] = _merged(merged[key], value) if isinstance(value, dict) and isinstance(merged.get(key), dict) \
            else value
    return merged


def _pages(source: Path) -> set[str]:
    """The page names (Sphinx docnames) of a staged site: its markdown pages and chapters."""
    return {p.relative_to(source).with_suffix("").as_posix() for p in [*source.glob("*.md"), *source.glob("chapters/*")]
            if p.suffix in (".md", ".ipynb")}


def _site_guide(text: str) -> str:
    """The Chinese instructor guide as a page of the site: its links to files of the repository (the
    English guide, the translation guide, deploy/) become the files' paths, as text."""
    def as_path(match) -> str:
        label, target = match.group(1), match.group(2)
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            return match.group(0)
        path = Path("docs", target.split("#")[0]).as_posix().replace("docs/../", "")
        return f"{label}（仓库中的 `{path}`）" if label.strip("`") != path else f"`{path}`"
    return re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", as_path, text)


def _stage(repo: CourseRepo, language: str) -> Path:
    """Copy one edition's pages, chapters and exercises into ``_build/site-src[-zh]/``; return it."""
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "_build", ZH)
    source = repo.build / ("site-src" if language == "en" else f"site-src-{language}")
    shutil.rmtree(source, ignore_errors=True)
    shutil.copytree(repo.book, source, ignore=ignore)  # copies keep their times: unchanged pages are not re-read
    chapters = repo.chapters if language == "en" else repo.chapters / language
    if language != "en":
        for name in ("_config.yml", "_toc.yml"):
            (source / name).unlink()
        for page in ("index.md", "course-map.md", "exercises.md", "glossary.md"):
            (source / page).unlink()
        shutil.rmtree(source / "api")
        shutil.copytree(repo.book / language, source, dirs_exist_ok=True, ignore=ignore)
        guide = repo.root / "docs" / f"instructor-guide.{language}.md"
        (source / "instructor-guide.md").write_text(_site_guide(guide.read_text(encoding="utf-8")), encoding="utf-8")
    if chapters.exists():
        shutil.copytree(chapters, source / "chapters", ignore=ignore)
    if repo.exercises.exists():
        shutil.copytree(repo.exercises, source / "exercises", ignore=ignore)
    return source


def _build_edition(source: Path, outdir: Path, config: Path, overrides: dict, *,
                   doctrees: Path, cache: Path, jobs: int, quiet: bool, log) -> None:
    from jupyter_book.sphinx import build_sphinx

    with contextlib.redirect_stderr(log):
        result = build_sphinx(source, outdir, noconfig=True, path_config=str(config),
                              confoverrides={"external_toc_path": str(source / "_toc.yml"),
                                             "latex_individualpages": False,
                                             "nb_execution_cache_path": str(cache), **overrides},
                              doctreedir=str(doctrees), jobs=jobs, quiet=quiet)
    if isinstance(result, BaseException) or result:
        cause, detail = getattr(result, "__cause__", None), ""
        if cause is not None:  # a chapter failed: say which, and its error
            lines = [line for line in str(cause).splitlines() if line.strip()]
            detail = f": {cause.ename}: {cause.evalue}" if getattr(cause, "ename", None) else \
                (f": {lines[-1]}" if lines else "")
        what = str(result).replace(f"{source}/", "") if isinstance(result, BaseException) else f"status {result}"
        raise CourseError(f"the site did not build: {type(result).__name__} {what}{detail} (see the messages above)")


def build_site(*, jobs: int = 1, quiet: bool = True) -> Path:
    """``make site``: build the course website into ``_build/html/`` (English) and
    ``_build/html/zh/`` (the Chinese edition); return the English index page.

    Jupyter Book 1 (Sphinx and MyST-NB, which build offline) runs on a staging folder per edition,
    ``_build/site-src/`` and ``_build/site-src-zh/``, holding copies of the edition's pages
    (``book/``; ``book/zh/`` with its configuration merged over ``book/_config.yml``), its chapters
    (``chapters/``, ``chapters/zh/``: executed during the build, the stored notebooks keep no
    outputs) and ``exercises/`` (offered as downloads, each edition its own). Every page that the
    other edition has too links to it. Chapter outputs are cached by notebook content in
    ``_build/.jupyter_cache``, shared by both editions; a change to ``crmlib/`` or ``datasets/``
    empties the cache, so every number on the site comes from the current library. A chapter cell
    that fails, fails the build with :class:`CourseError`. Two parallel Sphinx jobs were measured
    slower than one here.
    """
    import yaml

    put_venv_on_path()
    repo = course_repo()
    start = time.perf_counter()
    build = repo.build
    cache, stamp = build / ".jupyter_cache", build / ".site-fingerprints"
    doctrees = {"en": build / ".doctrees", ZH: build / f".doctrees-{ZH}"}
    library, site_code = site_fingerprints(repo)
    old = stamp.read_text().split() if stamp.exists() else ["", ""]
    if old[0] != library:
        shutil.rmtree(cache, ignore_errors=True)
    if old[0] != library or old[1:] != [site_code]:
        for folder in doctrees.values():
            shutil.rmtree(folder, ignore_errors=True)
    sources = {"en": _stage(repo, "en"), ZH: _stage(repo, ZH)}
    chapters = sorted(repo.chapters.glob("*.ipynb")) + sorted(repo.chapters.glob(f"{ZH}/*.ipynb"))
    print(f"Building the site from {len(chapters)} chapters in two editions (executing those not in the cache)")
    english_config = yaml.safe_load((repo.book / "_config.yml").read_text(encoding="utf-8"))
    chinese_config = _merged(english_config,
                             yaml.safe_load((repo.book / ZH / "_config.yml").read_text(encoding="utf-8")))
    (sources[ZH] / "_config.yml").write_text(yaml.safe_dump(chinese_config, allow_unicode=True), encoding="utf-8")
    pages = {language: _pages(source) for language, source in sources.items()}
    terminal = sys.stderr

    class Tee(io.StringIO):  # Sphinx's warnings still reach the terminal, and are counted
        def write(self, text):
            terminal.write(text)
            return super().write(text)

    log = Tee()
    common = {"crm_glossary_source": str(repo.book / "glossary.md")}
    _build_edition(sources["en"], repo.site_html, repo.book / "_config.yml",
                   {**common, "crm_counterparts": sorted(pages["en"] & pages[ZH]), "crm_counterpart_root": f"{ZH}/"},
                   doctrees=doctrees["en"], cache=cache, jobs=jobs, quiet=quiet, log=log)
    _build_edition(sources[ZH], repo.site_html / ZH, sources[ZH] / "_config.yml",
                   {**common, "crm_counterparts": sorted(pages["en"] & pages[ZH]), "crm_counterpart_root": "../"},
                   doctrees=doctrees[ZH], cache=cache, jobs=jobs, quiet=quiet, log=log)
    stamp.write_text(f"{library}\n{site_code}\n")
    warnings_seen = log.getvalue().count("WARNING")
    index = repo.site_html / "index.html"
    print(f"Site built in {time.perf_counter() - start:.0f} s ({warnings_seen} warnings): open {repo.relative(index)} "
          f"(中文版: {repo.relative(repo.site_html / ZH / 'index.html')})")
    return index
