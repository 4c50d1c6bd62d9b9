"""What the browser tests share: Chromium via Playwright, a site built and served under a sub-path, a watched page.

Kept out of the test modules so that the tests on the real archive
(tests/test_browser.py) and on hostile input (tests/test_browser_hostile.py)
judge pages by the same rules: the same launch flags, the same notion of an
outside request, the same way of waiting for MathJax.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.siteutil import build, free_port

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SUBPATH = "kexue-book"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
               "--disable-background-networking", "--disable-component-update"]

MATH_STATE = """() => {
  const els = [...document.querySelectorAll('.arithmatex')].filter(e => !e.closest('.kb-alt'));
  const top = e => [...e.querySelectorAll('mjx-container')].filter(c => !c.parentElement.closest('mjx-container'));
  return {
    total: els.length,
    rendered: els.filter(e => top(e).length === 1).length,
    doubled: els.filter(e => top(e).length > 1).length,
    nested: document.querySelectorAll('mjx-container mjx-container').length,
    merror: document.querySelectorAll('mjx-merror').length,
    red: document.querySelectorAll("mjx-container [style*='color: red'], mjx-container [style*='color:red']").length,
    alt: [...document.querySelectorAll('.kb-alt .arithmatex')].filter(e => !e.querySelector('mjx-container')).length,
  };
}"""


def _require_browser() -> None:
    """Skip without Chromium or Playwright, except under CI=true, where a skipped browser test would hide a failure."""
    try:
        from playwright.sync_api import sync_playwright  # noqa: F401
    except ImportError:
        reason = "Playwright is not installed (pip install -e '.[test]')"
    else:
        reason = None if Path(CHROMIUM).exists() else f"{CHROMIUM} not found (apt-get install chromium)"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests must run in CI: {reason}")
        pytest.skip(f"browser tests skipped: {reason}")


def chromium() -> Iterator[Any]:
    """One Chromium for a module's tests (a generator for a module-scoped fixture to yield from)."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:  # noqa: D401 - silence the access log
        pass


def build_and_serve(project: Path, root: Path, strict: bool) -> tuple[str, Path]:
    """Build a project under /kexue-book/ (a GitHub-Pages-like sub-path) and serve it on 127.0.0.1.

    Returns the site's base URL and the folder the site was written to.  The
    server thread is a daemon: it lives as long as the test session.
    """
    port = free_port()
    base = f"http://127.0.0.1:{port}/{SUBPATH}/"
    done = build(project, root / "www" / SUBPATH, site_url=base, strict=strict)
    assert done.returncode == 0, done.stdout + done.stderr
    handler = functools.partial(_Quiet, directory=str(root / "www"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return base, root / "www" / SUBPATH


class Watch:
    """A page with every outside request blocked and every complaint recorded."""

    def __init__(self, browser: Any, width: int = 1280):
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.page.route("**/*", self._route)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if re.match(r"^(https?|wss?)://127\.0\.0\.1[:/]", url) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def math(self) -> dict:
        self.page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        self.page.evaluate("() => MathJax.startup.promise.then(() => true)")
        return self.page.evaluate(MATH_STATE)


SEARCH_RESULTS = """() => [...document.querySelectorAll('.kb-search .md-search-result__item')].map(li => ({
  title: li.querySelector('.md-search-result__article h1').innerText,
  href: li.querySelector('.md-search-result__link').href,
  text: li.innerText,
}))"""


def no_results(lang: str) -> str:
    """Material's own words for an empty result list, from the theme installed (they change between versions)."""
    import material

    words = (Path(material.__file__).parent / "templates" / "partials" / "languages" / f"{lang}.html")
    return re.search(r'"search\.result\.none":\s*"([^"]*)"', words.read_text(encoding="utf-8")).group(1)


def search(page: Any, query: str, none: str | None = None) -> list[dict]:
    """Type a query into the header's search box (Pagefind's, overrides/partials/search.html); its results.

    Waits until the box has answered this query: results drawn for it, or
    ``none`` (the theme's words for no result) as the count.
    """
    box = page.locator(".kb-search input.md-search__input")
    box.click()
    box.fill(query)
    page.wait_for_function(
        """([query, none]) => {
          const list = document.querySelector('.kb-search .md-search-result__list');
          const meta = document.querySelector('.kb-search .md-search-result__meta').textContent.trim();
          return list.getAttribute('data-kb-query') === query && (list.children.length > 0 || meta === none);
        }""", arg=[query, none])
    return page.evaluate(SEARCH_RESULTS)


def _pages(site: Path) -> list[str]:
    """Every page of both editions, as paths relative to the site root (search index and assets left out)."""
    out = []
    for html in sorted(site.rglob("index.html")):
        rel = html.parent.relative_to(site).as_posix()
        if rel.startswith(("search", "assets", "pagefind", "en/search", "en/assets", "en/pagefind")):
            continue
        out.append("" if rel == "." else rel + "/")
    return out
