"""The book in a real browser: Debian's Chromium driven by Playwright.

The site is built with a GitHub-Pages-like project sub-path and served on
127.0.0.1.  Every request to another host is blocked and recorded.  Outside CI
these tests skip when Chromium or Playwright is missing; under CI=true they
must run.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browserutil import (
    ARTIFACTS,
    SEARCH_RESULTS,
    Watch,
    _pages,
    build_and_serve,
    chromium,
    no_results,
    search,
)
from tests.conftest import FIXTURES
from tests.siteutil import make_project, pagefind_fragments, shard_search

SHARD_KB = 25

pytestmark = pytest.mark.browser


@functools.cache
def _served(kind: str, tmp: Path) -> tuple[str, Path]:
    """Build a site (real archive, the same with its search index in shards, or hostile fixtures) and serve it."""
    root = tmp / kind
    archive = FIXTURES / "hostile" if kind == "hostile" else None
    project = make_project(root / "project", archive)
    if kind == "sharded":  # about 100 KB of search copies per edition: four shards each, merged by the search box
        shard_search(project, SHARD_KB)
    if kind == "stale":  # one paragraph of 9152 edited after it was translated
        dump = project / "archive" / "002_c805ef0609284980.txt"
        dump.write_text(dump.read_text(encoding="utf-8").replace("所以,本文就从VAE的角度", "所以,本文改从VAE的角度"),
                        encoding="utf-8")
    if kind == "quote":  # 6331's full page, its four-point summary one quote of four paragraphs, as converters write it
        (project / "archive" / "6331.md").write_text(_quoted_page(project / "archive" / "000_572a7b03ff7c8812.txt"),
                                                     encoding="utf-8")
    return build_and_serve(project, root, strict=kind in ("real", "sharded"))


def _quoted_page(dump: Path) -> str:
    """A converter page of post 6331 from the bundled excerpt: its opening, then its numbered points as one quote."""
    from builder.read import read_file

    entries, _ = read_file(dump)
    (entry,) = [e for e in entries if any("推导了能量分布" in b.text for b in e.blocks)]  # untitled in the dump
    url = "https://kexue.fm/archives/6331"
    lines = [f"# [能量视角下的GAN模型（二）：GAN＝“分析”＋“采样”]({url})", "",
             "By 苏剑林 \\|", "", "2019-02-15 \\|", ""]
    points = 0
    for block in entry.blocks:
        if re.match(r"\d、", block.text):
            lines += [">", f"> {block.text}"] if points else [f"> {block.text}"]
            points += 1
        elif points:  # the page ends after the quote: no TeX to escape as a converter would
            break
        else:
            lines += [block.text, ""]
    assert points == 4
    return "\n".join(lines + ["", f"转载到请包括本文地址：[{url}]({url})", ""])


@pytest.fixture(scope="module")
def browser() -> Iterator:
    yield from chromium()


def test_every_page_renders_math_once_offline(browser, tmp_path_factory):
    base, site = _served("real", tmp_path_factory.getbasetemp())
    pages = _pages(site)
    assert len(pages) == 2 * (1 + 8 + 35 + 1 + 1)  # per language: cover, parts, chapters, glossary, about
    watch = Watch(browser)
    chapter_formulas = {"zh": 0, "en": 0}
    for rel in pages:
        watch.page.goto(base + rel, wait_until="load")
        state = watch.math()
        assert state["rendered"] == state["total"] and state["alt"] == 0, (rel, state)
        assert state["doubled"] == state["nested"] == state["merror"] == state["red"] == 0, (rel, state)
        lang = "en" if rel.startswith("en/") else "zh"
        assert watch.page.evaluate("() => document.documentElement.lang") == lang
        if re.fullmatch(r"(en/)?[a-z-]+/\d+/", rel):
            chapter_formulas[lang] += state["total"]
            ld = watch.page.locator("script[type='application/ld+json']").inner_text()
            assert '"@type":"Article"' in ld and ('"translationOfWork"' in ld) == (lang == "en")
            twin = base + (rel.removeprefix("en/") if lang == "en" else "en/" + rel)
            switch = watch.page.locator("a[rel=alternate][hreflang]")
            assert switch.evaluate("a => a.href") == twin
            assert switch.get_attribute("hreflang") == ("zh-CN" if lang == "en" else "en")
    assert chapter_formulas == {"zh": 64, "en": 64}
    assert watch.outside == [] and watch.errors == [] and watch.dialogs == []
    ARTIFACTS.mkdir(exist_ok=True)
    watch.page.goto(base + "diffusion/9262/", wait_until="load")
    watch.math()
    watch.page.screenshot(path=str(ARTIFACTS / "chapter.png"))
    watch.page.goto(base, wait_until="load")
    watch.page.screenshot(path=str(ARTIFACTS / "cover.png"))


def test_math_after_instant_navigation(browser, tmp_path_factory):
    base, site = _served("real", tmp_path_factory.getbasetemp())
    watch = Watch(browser)
    watch.page.goto(base + "diffusion/9152/", wait_until="load")
    watch.math()
    watch.page.evaluate("() => { window.__sameDocument = true; }")
    seen = 0
    for expected in ("diffusion/9257/", "diffusion/9262/", "diffusion/9271/", "diffusion/9280/"):
        html = (site / expected / "index.html").read_text(encoding="utf-8")
        title = re.search(r"<title>(.*?) - ", html).group(1)
        watch.page.locator("a.md-footer__link--next").click()
        watch.page.wait_for_url(base + expected)
        watch.page.wait_for_function("(t) => document.title.startsWith(t)", arg=title)
        state = watch.math()
        assert watch.page.evaluate("() => window.__sameDocument === true"), "navigation was not instant"
        everything = watch.page.evaluate("() => document.querySelectorAll('.arithmatex').length")
        assert everything == html.count('class="arithmatex"'), (expected, state)  # the page really changed
        assert state["rendered"] == state["total"] and state["alt"] == 0, (expected, state)
        assert state["doubled"] == state["nested"] == state["merror"] == state["red"] == 0, (expected, state)
        seen += state["total"]
    assert seen >= 10  # 9262 and 9271 hold boldsymbol and mathcal formulas
    assert watch.outside == [] and watch.errors == []


@pytest.mark.parametrize("query,expected", [
    ("扩散", "生成扩散模型漫谈"),
    ("变分自编码器", "变分自编码器(八):估计样本概率密度"),
    ("能量", "能量视角下的GAN模型（二）"),
    ("幂等", "幂等生成网络IGN"),
    ("路径积分", "路径积分系列:3.路径积分"),
])
@pytest.mark.parametrize("kind", ["real", "sharded"])
def test_chinese_search(browser, tmp_path_factory, kind, query, expected):
    base, site = _served(kind, tmp_path_factory.getbasetemp())
    assert (site / "pagefind" / "pagefind.js").is_file() and (site / "en" / "pagefind" / "pagefind.js").is_file()
    watch = Watch(browser)
    watch.page.goto(base, wait_until="load")
    results = search(watch.page, query)
    titles = [r["title"] for r in results]
    assert any(expected in t for t in titles), titles
    assert not [r["href"] for r in results if r["href"].startswith(base + "en/") or not r["href"].startswith(base)]
    assert watch.outside == [] and watch.errors == []


def _phrase(content: str, english: bool) -> str | None:
    """A query for words from the middle of an indexed page: eight ideographs, or four English words quoted."""
    text = content.replace("\u200b", "")
    middle = text[len(text) // 3:]
    if english:
        words = re.search(r"(?<=\s)[A-Za-z]{3,}(?: [A-Za-z]{3,}){3}\b", middle)  # whole words: after a space
        return f'"{words.group()}"' if words else None
    run = re.search(r"[\u4e00-\u9fff]{8}", middle)
    return run.group() if run else None


def test_search_finds_pages_of_every_shard(browser, tmp_path_factory):
    """The index comes in shards (SHARD_KB): a page indexed in any of them is found by the one search box."""
    base, site = _served("sharded", tmp_path_factory.getbasetemp())
    watch = Watch(browser)
    for prefix in ("", "en/"):
        bundle = site / prefix / "pagefind"
        folders = json.loads((bundle / "shards.json").read_text(encoding="utf-8"))
        assert len(folders) >= 3, folders
        watch.page.goto(base + prefix, wait_until="load")
        for folder in ["", *folders]:
            chapters = [f for f in pagefind_fragments(bundle / folder) if re.fullmatch(r"/[a-z-]+/\d+/", f["url"])]
            queries = [(f["url"], _phrase(f["content"], prefix == "en/")) for f in chapters]
            url, query = next((u, q) for u, q in queries if q)
            hrefs = [r["href"] for r in search(watch.page, query, none=no_results("en" if prefix else "zh"))]
            assert base + prefix + url.lstrip("/") in hrefs, (prefix, folder, query, hrefs)
    assert watch.outside == [] and watch.errors == []


# Records when Material runs its "close the drawer and the search box" step (it
# does so shortly after every change of location): the drawer toggle is made to
# read as open, so Material clicks it, and the click is recorded (and dropped).
# Also records when instant navigation pushed the new location.
MATERIAL_CLOSES = """() => {
  window.__materialClosed = [];
  window.__pushedAt = Infinity;
  const drawer = document.getElementById('__drawer');
  Object.defineProperty(drawer, 'checked', {get() { return true; }, set(v) {}});
  drawer.click = () => window.__materialClosed.push(performance.now());
  const push = history.pushState.bind(history);
  history.pushState = (...args) => { window.__pushedAt = performance.now(); return push(...args); };
}"""


def test_search_after_instant_navigation_by_keyboard(browser, tmp_path_factory):
    """The box lives in the header, which instant navigation keeps: it must still answer, and keys must drive it."""
    base, site = _served("real", tmp_path_factory.getbasetemp())
    watch = Watch(browser)
    watch.page.goto(base + "diffusion/9152/", wait_until="load")
    watch.page.evaluate(MATERIAL_CLOSES)
    watch.page.evaluate("() => { window.__sameDocument = true; }")
    watch.page.locator("a.md-footer__link--next").click()
    watch.page.wait_for_url(base + "diffusion/9257/")
    title = re.search(r"<title>(.*?) - ", (site / "diffusion/9257/index.html").read_text(encoding="utf-8")).group(1)
    watch.page.wait_for_function("(t) => document.title.startsWith(t)", arg=title)
    watch.math()  # the new page is in place
    # Material closes the search box 125 ms after every change of location; a reader is slower than that.
    watch.page.wait_for_function("() => window.__materialClosed.some(t => t > window.__pushedAt)")
    watch.page.keyboard.press("/")
    assert watch.page.evaluate("() => document.activeElement.matches('.kb-search input.md-search__input')")
    assert watch.page.evaluate("() => document.getElementById('__search').checked")
    watch.page.keyboard.type("幂等")
    watch.page.wait_for_function("() => document.querySelector('.kb-search .md-search-result__list')"
                                 ".getAttribute('data-kb-query') === '幂等'")
    first = watch.page.evaluate(SEARCH_RESULTS)[0]
    assert first["href"] == base + "gan/9969/", first
    watch.page.keyboard.press("ArrowDown")
    assert watch.page.evaluate("() => document.activeElement.href") == first["href"]
    watch.page.keyboard.press("Enter")
    watch.page.wait_for_url(first["href"])
    watch.page.wait_for_function("() => document.title.startsWith('幂等生成网络IGN')")
    assert watch.page.evaluate("() => window.__sameDocument === true"), "the result did not open by instant navigation"
    assert not watch.page.evaluate("() => document.getElementById('__search').checked"), "the box stayed open"
    results = search(watch.page, "路径积分")  # the same box, on the page instant navigation brought
    assert any("路径积分系列" in r["title"] for r in results), results
    watch.page.keyboard.press("Escape")
    assert not watch.page.evaluate("() => document.getElementById('__search').checked")
    assert watch.outside == [] and watch.errors == []


def _switch_target(watch) -> str:
    return watch.page.locator("[data-kb-twin]").evaluate("a => a.href")


def test_language_switch_lands_on_the_twin(browser, tmp_path_factory):
    base, _ = _served("real", tmp_path_factory.getbasetemp())
    watch = Watch(browser)
    for here, there in [("gan/9969/", "en/gan/9969/"), ("en/vae/8791/", "vae/8791/"), ("", "en/"),
                        ("en/diffusion/", "diffusion/"), ("glossary/", "en/glossary/")]:
        watch.page.goto(base + here, wait_until="load")
        watch.page.locator("[data-kb-twin]").click()
        watch.page.wait_for_url(base + there)
    # after instant navigation the switch follows the page

    def instant(link: str, page: str, twin: str) -> None:
        watch.page.evaluate("() => { window.__sameDocument = true; }")
        watch.page.locator(link).click()
        watch.page.wait_for_url(base + page)
        watch.page.wait_for_function("(want) => document.querySelector('[data-kb-twin]').href === want",
                                     arg=base + twin)
        assert watch.page.evaluate("() => window.__sameDocument === true"), "navigation was not instant"

    watch.page.goto(base + "diffusion/9152/", wait_until="load")
    instant("a.md-footer__link--next", "diffusion/9257/", "en/diffusion/9257/")
    watch.page.locator("[data-kb-twin]").click()
    watch.page.wait_for_url(base + "en/diffusion/9257/")
    assert "Conditional" in watch.page.locator("h1").inner_text()
    instant("a.md-footer__link--prev", "en/diffusion/9152/", "diffusion/9152/")
    assert watch.outside == [] and watch.errors == []


@pytest.mark.parametrize("query,expected", [("diffusion", "Musings on Generative Diffusion Models"),
                                            ("variational", "Variational Autoencoders (8)"),
                                            ("energy", "GANs from the Energy Perspective (2)"),
                                            ("idempotent", "Idempotent Generative Network")])
@pytest.mark.parametrize("kind", ["real", "sharded"])
def test_english_search_stays_english(browser, tmp_path_factory, kind, query, expected):
    base, _ = _served(kind, tmp_path_factory.getbasetemp())
    watch = Watch(browser)
    watch.page.goto(base + "en/", wait_until="load")
    results = search(watch.page, query)
    links, titles = [r["href"] for r in results], [r["title"] for r in results]
    assert any(expected in t for t in titles), titles
    assert links and all(link.startswith(base + "en/") for link in links), links
    assert titles and not [t for t in titles if re.search(r"[\u4e00-\u9fff]", t)], titles
    assert watch.outside == [] and watch.errors == []


@pytest.mark.parametrize("query,page,written", [
    ("autoencoders", "diffusion/9152/", "autoencoder"),  # a plural finds the singular
    ("optimiser", "deep-learning/6575/", "optimizer"),  # one spelling finds the other
    ("minimising", "vae/8791/", "minimiz"),  # both at once
])
def test_english_search_finds_other_forms_of_a_word(browser, tmp_path_factory, query, page, written):
    base, site = _served("real", tmp_path_factory.getbasetemp())
    html = (site / "en" / page / "index.html").read_text(encoding="utf-8")
    article = re.sub(r"<[^>]*>", " ", html[html.index("<article"):html.rindex("</article>")]).lower()
    assert written in article and not re.search(rf"\b{query}\b", article)  # the text holds another form only
    watch = Watch(browser)
    watch.page.goto(base + "en/", wait_until="load")
    links = [r["href"] for r in search(watch.page, query)]
    assert base + "en/" + page in links, links
    assert all(link.startswith(base + "en/") for link in links), links
    assert watch.outside == [] and watch.errors == []


def test_stale_paragraph_shows_its_notice(browser, tmp_path_factory):
    base, _ = _served("stale", tmp_path_factory.getbasetemp())
    watch = Watch(browser)
    watch.page.goto(base + "en/diffusion/9152/", wait_until="load")
    notice = watch.page.locator(".kb-notice--stale")
    assert notice.count() == 1 and notice.is_visible()
    assert "changed since this was translated" in notice.inner_text() and "本文改从VAE的角度" in notice.inner_text()
    assert watch.page.locator(".kb-notice--missing").count() == 0
    watch.page.goto(base + "en/diffusion/9257/", wait_until="load")
    assert watch.page.locator(".kb-notice").count() == 0


def test_a_translated_quote_of_several_paragraphs_reads_as_one_quote(browser, tmp_path_factory):
    """Each paragraph is a unit of its own (with its translation beside it): drawn as one quote, one bar."""
    base, _ = _served("quote", tmp_path_factory.getbasetemp())
    watch = Watch(browser)
    watch.page.goto(base + "gan/6331/", wait_until="load")
    boxes = """() => [...document.querySelectorAll('.kb-unit > blockquote:first-child')].map(q => {
      const r = q.getBoundingClientRect(); return [r.top, r.bottom]; })"""
    quotes = watch.page.evaluate(boxes)
    assert len(quotes) == 4, quotes  # the translations attached to the page's quote paragraphs
    pairs = list(zip(quotes, quotes[1:], strict=False))
    assert all(abs(after[0] - before[1]) < 1 for before, after in pairs), quotes
    watch.page.locator(".kb-parallel-toggle").click()  # each English paragraph now goes under its own
    quotes = watch.page.evaluate(boxes)
    assert all(after[0] - before[1] > 10 for before, after in zip(quotes, quotes[1:], strict=False)), quotes
    assert watch.outside == [] and watch.errors == []


def test_parallel_text_reveals_the_original(browser, tmp_path_factory):
    base, _ = _served("real", tmp_path_factory.getbasetemp())
    watch = Watch(browser)
    for rel, other in (("en/vae/8791/", "本文就从估计概率密度的角度"), ("vae/8791/", "This article sets out")):
        watch.page.goto(base + rel, wait_until="load")
        watch.math()
        original = watch.page.locator(".kb-alt", has_text=other)
        assert original.count() == 1 and not original.is_visible()
        watch.page.locator(".kb-parallel-toggle").click()
        assert original.is_visible()
        assert watch.page.locator(".kb-parallel-toggle").get_attribute("aria-pressed") == "true"
        if rel.startswith("en/"):
            ARTIFACTS.mkdir(exist_ok=True)
            watch.page.screenshot(path=str(ARTIFACTS / "parallel.png"))
        watch.page.locator(".kb-parallel-toggle").click()
        assert not original.is_visible()
    assert watch.outside == [] and watch.errors == []


def test_hostile_archive_never_runs_a_script(browser, tmp_path_factory):
    base, site = _served("hostile", tmp_path_factory.getbasetemp())
    watch = Watch(browser)
    seen_text = ""
    for rel in _pages(site):
        watch.page.goto(base + rel, wait_until="load")
        watch.math()
        seen_text += watch.page.locator("body").inner_text()
        assert watch.page.locator(".md-content script:not([type='application/ld+json'])").count() == 0
        assert watch.page.locator(".md-content img, .md-content svg[onload], .md-content [onerror]").count() == 0
    assert watch.dialogs == []
    assert "<script>alert(1)</script>" in seen_text
    assert "{{ config.site_name }}" in seen_text and "!!! note" in seen_text
    assert "# 这不是标题" in seen_text
    assert watch.outside == [] and watch.errors == []


@pytest.mark.parametrize("query", ["saxophones", "bicycles", "giraffe", "umbrellas noise"])
def test_an_english_word_the_book_does_not_hold_finds_nothing(browser, tmp_path_factory, query):
    """Pagefind answers a word it lacks with the pages of its longest beginning that it holds: "bicycles"
    listed the glossary for its "bi-encoder", "stir" every page with an "s" (the blog's)."""
    base, site = _served("real", tmp_path_factory.getbasetemp())
    for html in (site / "en").rglob("index.html"):
        assert not re.search(rf"\b{query[:4]}", html.read_text(encoding="utf-8").lower()), html
    watch = Watch(browser)
    watch.page.goto(base + "en/", wait_until="load")
    assert search(watch.page, query, none=no_results("en")) == []
    assert [r["href"] for r in search(watch.page, "noise", none=no_results("en"))]  # a word it holds still finds
    assert watch.outside == [] and watch.errors == []
