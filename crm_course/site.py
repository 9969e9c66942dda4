"""The course website (``make site``): Jupyter Book 1 builds ``_build/html/`` offline.

See ``book/_config.yml`` for the site's configuration and :mod:`crm_course.site_ext` for the
Sphinx extension that adds the course map, the exercise downloads, static widget pictures and
a local MathJax.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import shutil
import sys
import time
from pathlib import Path

from crm_course.errors import CourseError
from crm_course.nbgrader_api import put_venv_on_path
from crm_course.repo import CourseRepo, course_repo

SITE_CODE = Path(__file__).resolve().parent / "site_ext.py"


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


def build_site(*, jobs: int = 1, quiet: bool = True) -> Path:
    """``make site``: build the course website into ``_build/html/``; return its index page.

    Jupyter Book 1 (Sphinx and MyST-NB, which build offline) runs on a staging folder,
    ``_build/site-src/``, holding copies of ``book/`` (the site's configuration and pages),
    ``chapters/`` (executed during the build: the stored notebooks keep no outputs) and
    ``exercises/`` (offered as downloads). Chapter outputs are cached by notebook content in
    ``_build/.jupyter_cache``; a change to ``crmlib/`` or ``datasets/`` empties the cache, so every
    number on the site comes from the current library. A chapter cell that fails, fails the build
    with :class:`CourseError`. Two parallel Sphinx jobs were measured slower than one here.
    """
    from jupyter_book.sphinx import build_sphinx

    put_venv_on_path()
    repo = course_repo()
    start = time.perf_counter()
    build = repo.build
    source, doctrees, cache = build / "site-src", build / ".doctrees", build / ".jupyter_cache"
    stamp = build / ".site-fingerprints"
    library, site_code = site_fingerprints(repo)
    old = stamp.read_text().split() if stamp.exists() else ["", ""]
    if old[0] != library:
        shutil.rmtree(cache, ignore_errors=True)
    if old[0] != library or old[1:] != [site_code]:
        shutil.rmtree(doctrees, ignore_errors=True)
    shutil.rmtree(source, ignore_errors=True)
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "_build")
    shutil.copytree(repo.book, source, ignore=ignore)  # copies keep their times: unchanged pages are not re-read
    for folder in (repo.chapters, repo.exercises):
        if folder.exists():
            shutil.copytree(folder, source / folder.name, ignore=ignore)
    chapters = sorted(repo.chapters.glob("*.ipynb"))
    print(f"Building the site from {len(chapters)} chapters (executing those not in the cache)")

    terminal = sys.stderr

    class Tee(io.StringIO):  # Sphinx's warnings still reach the terminal, and are counted
        def write(self, text):
            terminal.write(text)
            return super().write(text)

    log = Tee()
    with contextlib.redirect_stderr(log):
        result = build_sphinx(source, repo.site_html, noconfig=True, path_config=str(repo.book / "_config.yml"),
                              confoverrides={"external_toc_path": str(source / "_toc.yml"),
                                             "latex_individualpages": False,
                                             "nb_execution_cache_path": str(cache)},
                              doctreedir=str(doctrees), jobs=jobs, quiet=quiet)
    if isinstance(result, BaseException) or result:
        cause, detail = getattr(result, "__cause__", None), ""
        if cause is not None:  # a chapter failed: say which, and its error
            lines = [line for line in str(cause).splitlines() if line.strip()]
            detail = f": {cause.ename}: {cause.evalue}" if getattr(cause, "ename", None) else \
                (f": {lines[-1]}" if lines else "")
        what = str(result).replace(f"{source}/", "") if isinstance(result, BaseException) else f"status {result}"
        raise CourseError(f"the site did not build: {type(result).__name__} {what}{detail} (see the messages above)")
    stamp.write_text(f"{library}\n{site_code}\n")
    warnings_seen = log.getvalue().count("WARNING")
    index = repo.site_html / "index.html"
    print(f"Site built in {time.perf_counter() - start:.0f} s ({warnings_seen} warnings): open {repo.relative(index)}")
    return index
