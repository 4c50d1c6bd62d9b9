"""Full article pages (tests/fixtures/pages/archive: the three scrape shapes) built into a site, read in Chromium.

What a reader sees: every formula typeset once (multi-line ones too), no raw
TeX and no literal Markdown on the page, the article's headings in the table of
contents, links between posts landing on the other chapter in the same
edition, equation references across chapters landing on the equation, images
served from the site or shown as placeholders, and nothing fetched from
another host.  Every chapter page of both editions is visited.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from tests.browserutil import ARTIFACTS, Watch, build_and_serve, chromium
from tests.conftest import FIXTURES
from tests.siteutil import make_project

pytestmark = pytest.mark.browser
SHOTS = ARTIFACTS / "pages"
ARCHIVE = FIXTURES / "pages" / "archive"

# What must never be visible as text on a page: TeX outside a typeset formula, Markdown syntax, scrape leftovers.
RAW = re.compile(r"\\(?:begin|end|frac|boldsymbol|eqref|label|text|mathcal)\b|\]\(https?:|\[\\?#\]|\*\*|\\[_|*]")

# Pages whose TeX is broken on purpose (an unbalanced \begin{aligned}): shown as text, and reported by `check`.
BROKEN_ON_PURPOSE = ("/9902/",)

# The page went to an element: it exists and stands mid-window (an equation's id exists only once typeset,
# after the browser looked for it), or as near as the page's end allows.
IN_VIEW = """(id) => {
  const e = document.getElementById(id);
  if (!e) { return false; }
  const r = e.getBoundingClientRect();
  const atEnd = window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2;
  return Math.abs((r.top + r.bottom) / 2 - window.innerHeight / 2) < 40 || (atEnd && r.top > 0);
}"""

VISIBLE_TEXT = """() => {
  const a = document.querySelector('article').cloneNode(true);
  a.querySelectorAll('.arithmatex, mjx-container, pre, code, .kb-alt, .headerlink, script').forEach(e => e.remove());
  return a.innerText;
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[str, Path]:
    root = tmp_path_factory.mktemp("pages")
    project = make_project(root / "project", archive=ARCHIVE)
    return build_and_serve(project, root, strict=False)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from chromium()


def _chapters(site_dir: Path) -> list[str]:
    """Chapter pages of both editions (a part's page, the cover and the glossary are not articles)."""
    out = []
    for html in sorted(site_dir.rglob("index.html")):
        rel = html.parent.relative_to(site_dir).as_posix()
        parts = rel.split("/")
        if parts[0] == "en":
            parts = parts[1:]
        if len(parts) == 2 and parts[0] not in ("assets", "search", "pagefind", "images"):
            out.append(rel + "/")
    return out


def test_every_article_page_reads_as_the_blog_meant_it(site, browser):
    base, site_dir = site
    pages = _chapters(site_dir)
    assert len(pages) >= 16, pages  # both editions of the crafted pages
    SHOTS.mkdir(parents=True, exist_ok=True)
    findings: list[str] = []
    formulas = headings = 0
    watch = Watch(browser)
    for path in pages:
        response = watch.page.goto(base + path)
        assert response is not None and response.ok, path
        state = watch.math()
        formulas += state["rendered"]
        if state["rendered"] != state["total"] or state["doubled"] or state["merror"] or state["red"] \
                or state["nested"]:
            findings.append(f"{path}: math {state}")
        text = watch.page.evaluate(VISIBLE_TEXT)
        raw = sorted(set(RAW.findall(text)))
        if raw and not any(p in "/" + path for p in BROKEN_ON_PURPOSE):
            findings.append(f"{path}: raw TeX or Markdown visible: {raw}")
        toc = watch.page.evaluate("""() => [...document.querySelectorAll('.md-nav--secondary')].map(n => {
          const c = n.cloneNode(true);
          c.querySelectorAll('mjx-container').forEach(e => e.remove());
          return c.textContent;
        }).join(' ')""")
        if RAW.search(toc) or "\\(" in toc:
            findings.append(f"{path}: raw TeX in the table of contents: {toc.split()}")
        title = watch.page.evaluate("""() => { const h = document.querySelector('article h1').cloneNode(true);
          h.querySelectorAll('mjx-container, .headerlink').forEach(e => e.remove()); return h.textContent; }""")
        if "$" in title or "\\" in title:
            findings.append(f"{path}: raw TeX in the title: {title}")
        found = watch.page.evaluate("""() => ({
          headings: [...document.querySelectorAll('article h2[id], article h3[id]')]
                      .filter(h => !h.closest('.kb-alt')).map(h => h.id),
          toc: [...document.querySelectorAll('.md-sidebar--secondary .md-nav__link')]
                 .map(a => decodeURIComponent((a.getAttribute('href') || '').split('#')[1] || '')),
          images: [...document.querySelectorAll('article img')].map(i => [i.getAttribute('src'), i.naturalWidth]),
        })""")
        headings += len(found["headings"])
        if sorted(found["headings"]) != sorted(h for h in found["toc"] if h in found["headings"]) or \
                len(found["toc"]) < len(found["headings"]):
            findings.append(f"{path}: headings {found['headings']} but table of contents {found['toc']}")
        for src, width in found["images"]:
            if not width:
                findings.append(f"{path}: image {src} did not load")
        if path.endswith(("9001/", "9001/")):
            watch.page.screenshot(path=str(SHOTS / (path.strip("/").replace("/", "-") + ".png")), full_page=True)
    assert not findings, "\n".join(findings)
    assert formulas > 50 and headings > 10
    watch.page.goto(base + next(p for p in pages if p.endswith("/9003/")))
    watch.math()
    toc = watch.page.evaluate("() => document.querySelector('.md-sidebar--secondary .md-nav--secondary').innerText")
    assert "β" in toc or "𝛽" in toc, toc  # typeset, not \beta
    assert "(2)" in toc and "???" not in toc, toc  # \eqref{eq:adam} in a heading: the page's label is known there
    assert not watch.outside and not watch.dialogs, (watch.outside, watch.dialogs)
    watch.page.close()


def test_links_between_posts_land_on_the_other_chapter_in_the_same_edition(site, browser):
    base, site_dir = site
    watch = Watch(browser)
    followed = sections = 0
    equations: list[str] = []
    for path in _chapters(site_dir):
        watch.page.goto(base + path)
        hrefs = watch.page.evaluate("() => [...document.querySelectorAll('article a.kb-link-post')]"
                                    ".filter(a => !a.closest('.kb-alt')).map(a => a.href)")
        for href in hrefs:
            target = watch.page.context.request.get(href)
            assert target.ok, (path, href)
            fragment = unquote(href.partition("#")[2])
            if fragment.startswith("mjx-eqn"):  # the blog's equation anchor: MathJax makes the id on the page
                equations.append(href)
            elif fragment and not path.startswith("en/"):
                sections += 1  # the blog's section anchor is its heading's text: the chapter's heading has it
                assert f'id="{fragment}"' in target.text(), (path, href)
            assert href.startswith(base + "en/") == path.startswith("en/"), (path, href)  # same edition
            followed += 1
        external = watch.page.evaluate("() => [...document.querySelectorAll('article a.kb-link-external')]"
                                       ".map(a => a.href)")
        assert all(h.startswith(("http://", "https://")) and "127.0.0.1" not in h for h in external), external
    assert followed >= 4 and sections >= 1  # links in both editions, one to a section of another post
    assert equations  # and to an equation of another post, as the blog's MathJax 2 named it
    for href in equations:
        watch.page.goto(href)
        watch.math()
        assert watch.page.evaluate(IN_VIEW, unquote(href.partition("#")[2])), href
    watch.page.close()


def test_images_are_served_by_the_site_or_shown_as_placeholders(site, browser):
    base, site_dir = site
    watch = Watch(browser)
    loaded = missing = 0
    for path in _chapters(site_dir):
        watch.page.goto(base + path)
        watch.page.wait_for_load_state("load")
        found = watch.page.evaluate("""() => ({
          imgs: [...document.querySelectorAll('article img')].map(i => [i.currentSrc, i.naturalWidth]),
          holders: document.querySelectorAll('article .kb-figure__missing').length})""")
        for src, width in found["imgs"]:
            assert src.startswith(base) and width > 0, (path, src)
            loaded += 1
        missing += found["holders"]
    assert loaded >= 2 and missing >= 2
    assert not watch.outside, watch.outside
    watch.page.close()


def test_an_equation_reference_to_another_chapter_lands_on_that_equation(site, browser):
    """9002 cites eq:forward, which 9001 defines (tests/fixtures/pages/expected.yml: cross_post_refs)."""
    base, site_dir = site
    watch = Watch(browser)
    for edition in ("", "en/"):
        page = next(p for p in _chapters(site_dir) if p.endswith("/9002/") and p.startswith(edition or "")
                    and (edition or not p.startswith("en/")))
        watch.page.goto(base + page)
        watch.math()
        links = watch.page.evaluate("() => [...document.querySelectorAll('mjx-container a')]"
                                    ".map(a => [a.href, a.textContent])")
        across = [href for href, _ in links if "/9001/#" in href]
        assert across, (page, links)
        watch.page.goto(across[0])
        watch.math()
        fragment = across[0].split("#", 1)[1]
        assert watch.page.evaluate(IN_VIEW, unquote(fragment)), across[0]
        assert watch.page.url.startswith(base + edition)
    watch.page.close()


def _deep_phrases() -> list[tuple[str, str]]:
    """(post id, a phrase of its body) for the first pages of each scrape shape: text the title does not hold."""
    import yaml

    expected = yaml.safe_load((FIXTURES / "pages" / "expected.yml").read_text(encoding="utf-8"))["pages"]
    out: list[tuple[str, str]] = []
    for shape in ("markdown", "text", "body"):
        for page in expected.values():
            if page.get("shape") == shape and page.get("post_id") and not str(page["post_id"]).startswith("99"):
                phrase = next(p for p in reversed(page["must_contain"])
                              if len(re.findall(r"[\u4e00-\u9fff]", p)) >= 6 and p not in page.get("title", ""))
                out.append((str(page["post_id"]), phrase))
                break
    return out


def test_search_finds_article_text_in_both_editions(site, browser):
    """A phrase from deep in an article of each scrape shape finds that chapter in each edition, and only there."""
    from tests.browserutil import search

    base, _ = site
    watch = Watch(browser)
    phrases = _deep_phrases()
    assert len(phrases) == 3, phrases
    for edition in ("", "en/"):
        watch.page.goto(base + edition, wait_until="load")
        for post_id, phrase in phrases:
            results = search(watch.page, phrase)
            hrefs = [r["href"] for r in results]
            assert any(h.endswith(f"/{post_id}/") for h in hrefs), (edition, phrase, hrefs)
            assert all(h.startswith(base + edition) for h in hrefs), hrefs
            if not edition:
                assert not [h for h in hrefs if h.startswith(base + "en/")], hrefs
        watch.page.screenshot(path=str(SHOTS / f"search-{edition.strip('/') or 'zh'}.png"))
    assert not watch.outside and not watch.errors, (watch.outside, watch.errors)
    watch.page.close()
