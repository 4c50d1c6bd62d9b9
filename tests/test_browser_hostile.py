"""The book built from hostile input, judged in a real browser, channel by channel.

Archive dumps (tests/fixtures/hostile_site/archive), English translations
(tests/fixtures/hostile_site/translations) and editorial strings (patched into
a copy of the project's editorial files below) carry markup, script, MathJax's
HTML extension, characters YAML refuses and template syntax into every place a
value reaches a page: titles, descriptions, headings, body text, figure
captions, formulas in every delimiter, the parallel-text copy, navigation,
header, cover, JSON-LD and search results.  Text is text: every page must show
it as typed and never run it, load anything from another host, or let a
formula restyle or re-identify the page.  A unit test can check that a function
escapes; only a browser shows what the theme, Markdown, MathJax and the
page's scripts make of the result together.

Every page of both editions is visited (the list is fixed, and checked against
the build, so a page cannot go missing unnoticed).  Each test collects every
finding before it asserts, so one run names every hole at once.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.browserutil import ARTIFACTS, Watch, _pages, build_and_serve, chromium, no_results, search
from tests.conftest import FIXTURES
from tests.siteutil import make_project

pytestmark = pytest.mark.browser
HOSTILE = FIXTURES / "hostile_site"
SHOTS = ARTIFACTS / "hostile"

# Editorial attacks, written into the test's copy of editorial/book.yml and ui.yml.
BOOK_TITLE = {"zh": "科学空间\"><script>alert('book')</script>",
              "en": "Scientific \"Spaces\" </h1><script>alert('book-en')</script>"}
AUTHOR_EN = "Su Jianlin <img src=x onerror=alert('author-en')>"
CLICK = "[click](javascript:alert(1))"  # a Markdown link in a part description must stay text
PART = {  # the part "diffusion", which the overlay gives two of the hostile posts
    "zh": {"title": "生成\"><script>alert('part')</script>&amp;扩散",
           "description": CLICK + " <img src=x onerror=alert('part-desc')> **不是粗体**"},
    "en": {"title": "Part \"quoted\" </a><script>alert('part-en')</script>",
           "description": CLICK + " \"quoted\" <script>alert('part-desc-en')</script>"},
}
SERIES = "恶意系列\"><script>alert('series')</script>"  # editorial/posts.yml of the fixture names it
SERIES_EN = "Hostile \"series\" </script><script>alert('series-en')</script>"
UI = {
    "zh": {
        "cover_title": "封面<script>alert('ui-cover')</script>",
        "glossary": "术语表\"><img src=x onerror=alert('ui-glossary')>",
        "book_intro": "\"><script>alert('ui-intro')</script> 简介 [click](javascript:alert('ui-intro'))。",
        "by": "<script>alert('ui-by')</script>作者",
        "parallel_show": "显示\"><img src=x onerror=alert('ui-show')>",
        "parallel_hide": "隐藏\"><img src=x onerror=alert('ui-hide')>",
        "chapters_count": "{n} 章<img src=x onerror=alert('ui-count')>",
        "part_label": "第 {n} 部分</p><script>alert('ui-label')</script>",
        "original": "原文\"><script>alert('ui-original')</script>",
        "start_with": "[click](javascript:alert('ui-start'))：",
        "sources": "出处<plaintext>",
    },
    "en": {
        "cover_title": "Cover<script>alert('ui-cover-en')</script>",
        "glossary": "Glossary\"><img src=x onerror=alert('ui-glossary-en')>",
        "book_intro": "\"><script>alert('ui-intro-en')</script> Intro [click](javascript:alert('ui-intro-en')).",
        "by": "<script>alert('ui-by-en')</script>By",
        "parallel_show": "Show\"><img src=x onerror=alert('ui-show-en')>",
        "parallel_hide": "Hide\"><img src=x onerror=alert('ui-hide-en')>",
        "untranslated": "Not yet translated \"><img src=x onerror=alert('ui-untranslated')>",
        "title_untranslated": "<plaintext>(title not yet translated)",
        "original": "Original\"><script>alert('ui-original-en')</script>",
        "sources": "Sources<plaintext>",
    },
}

# What the archive and the translations hold (the fixture files), as a reader must see it.
A_TITLE = "\"><script>alert('title-a')</script>标题 & <b>不是粗体</b>"
A_DESC = "\"><script>alert(1)</script> 第一段是页面的描述，它以引号和尖括号开头 & 'single' \"double\" 都照原样。"
B_TITLE = "引号'单'与\"双\"及&amp;实体"
B_DESC = "\ufffe\uffff\x85\x9b\"><img src=x onerror=alert('desc-b')> 第二篇的第一段，含有不可见字符与一个HTML标签。"
C_TITLE = "</title><script>alert('title-c')</script>{{ config.site_name }}"
C_DESC = ("<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">\"><svg onload=alert('desc-c')> "
          "第三篇的描述，带有元标签与SVG。")
A_TITLE_EN = "GAN = \"Analysis\" + \"Sampling\" & <i>not italic</i>"
A_DESC_EN = ("\ufffe\x85\x9b\"><script>alert('en-desc')</script> The first paragraph, with \"double\" and 'single' "
             "quotes & an ampersand, {{ config }} and\u2028a line separator.")
C_TITLE_EN = "</script><script>alert('en-title-c')</script> {{ config }} \"Quoted\" \ufffe"
C_DESC_EN = "\ufffe\"><script>alert('en-desc-c')</script> The third description, \"quoted\"."


@dataclass(frozen=True)
class Expect:
    """What one page must show: its title (tab, h1, header, JSON-LD), its description, and literal text."""

    title: str | None = None
    description: str | None = None
    text: tuple[str, ...] = ()  # in the visible article
    alt: tuple[str, ...] = ()  # in the parallel-text copy, once revealed
    series: str | None = None


CHAPTER_A_TEXT = ("<plaintext>第一节", "<script>alert('body-a')</script>", "<img src=x onerror=alert('img-a')>",
                  "[click](javascript:alert('md-a'))", "{{ config }}", "\"><img src=x onerror=alert('fig')>图注")
EXPECT: dict[str, Expect] = {
    "": Expect(BOOK_TITLE["zh"], UI["zh"]["book_intro"], ("[click](javascript:alert('ui-intro'))",)),
    "about/": Expect(),
    "diffusion/": Expect(PART["zh"]["title"], PART["zh"]["description"], (CLICK,)),
    "diffusion/91001/": Expect(A_TITLE, A_DESC, CHAPTER_A_TEXT, ("<plaintext>Section one",), SERIES),
    "diffusion/91003/": Expect(C_TITLE, C_DESC, ("</div><plaintext>二", "{% include 'x' %}"),
                               ("</div><plaintext>Two",)),
    "glossary/": Expect(UI["zh"]["glossary"]),
    "notes/": Expect(),
    "notes/91002/": Expect(B_TITLE, B_DESC, ("<iframe src=\"javascript:alert('iframe-b')\"></iframe>",)),
    "en/": Expect(BOOK_TITLE["en"], UI["en"]["book_intro"], ("[click](javascript:alert('ui-intro-en'))", AUTHOR_EN)),
    "en/about/": Expect(),
    "en/diffusion/": Expect(PART["en"]["title"], PART["en"]["description"], (CLICK,)),
    "en/diffusion/91001/": Expect(A_TITLE_EN, A_DESC_EN, ("<plaintext>Section one",
                                                          "</script><script>alert('en-body')</script>"),
                                  ("<plaintext>第一节",), SERIES_EN),
    "en/diffusion/91003/": Expect(C_TITLE_EN, C_DESC_EN, ("</div><plaintext>Two",), ("</div><plaintext>二",)),
    "en/glossary/": Expect(UI["en"]["glossary"]),
    "en/notes/": Expect(),
    "en/notes/91002/": Expect(B_TITLE, B_DESC, (UI["en"]["untranslated"], UI["en"]["title_untranslated"])),
}
CHAPTER = re.compile(r"(en/)?[a-z-]+/\d+/")

# Everything a page must not hold, whatever its input; each finding names the element.
FINDINGS = r"""() => {
  const out = [];
  const short = e => e.outerHTML.slice(0, 200);
  const URLS = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background', 'ping',
                        'srcset', 'srcdoc']);
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      if (name.startsWith('on')) out.push(`inline handler ${name}: ${short(el)}`);
      const bare = a.value.replace(/[\u0000-\u0020\u007f-\u009f]/g, '').toLowerCase();
      if (URLS.has(name) && /^(javascript|data|vbscript):/.test(bare)) {
        out.push(`${name}=${a.value.slice(0, 80)}: ${short(el)}`);
      }
    }
  }
  const banned = 'plaintext, xmp, iframe, frame, frameset, object, embed, base, meta[http-equiv], '
    + '.md-content img, .md-content style, .md-content link, .md-content svg:not(.md-content mjx-container svg), '
    + ".md-content script:not([type='application/ld+json'])";
  for (const el of document.querySelectorAll(banned)) out.push(`element that input made: ${short(el)}`);
  for (const s of document.scripts) {
    if (s.src && new URL(s.src).origin !== location.origin) out.push(`script from another host: ${s.src}`);
    if (!s.src && !/json/.test(s.type) && /alert\(|evil\.example/.test(s.textContent)) {
      out.push(`injected script: ${short(s)}`);
    }
  }
  for (const s of document.querySelectorAll("script[type='application/ld+json']")) {
    try { JSON.parse(s.textContent); } catch (e) { out.push(`JSON-LD does not parse: ${short(s)}`); }
  }
  for (const el of document.querySelectorAll('mjx-container *')) {
    const style = el.getAttribute('style') || '';
    if (/position|background|url\(/i.test(style)) out.push(`formula sets a style: ${short(el)}`);
    if (el.id && !el.id.startsWith('mjx-')) out.push(`formula sets id ${el.id}: ${short(el)}`);
    for (const c of el.classList) if (!/^(mjx-|MJX-|TEX-)/.test(c)) out.push(`formula sets class ${c}: ${short(el)}`);
    for (const a of el.attributes) {
      if (a.name.startsWith('data-') && !a.name.startsWith('data-mjx-')) {
        out.push(`formula sets ${a.name}: ${short(el)}`);
      }
    }
  }
  const once = {'#__config': 1, '#__search': 1, '.md-header': 1, '.md-footer': 1, '.md-search': 1,
                "meta[name='description']": 1, 'title': 1, '.md-content h1': 1};
  for (const [sel, n] of Object.entries(once)) {
    const k = document.querySelectorAll(sel).length;
    if (k !== n) out.push(`${k} × ${sel}, expected ${n}`);
  }
  if (!document.querySelector('.md-footer .md-copyright, .md-footer-meta')) out.push('the footer lost its content');
  if (!document.querySelector('.md-sidebar--primary .md-nav')) out.push('the navigation is missing');
  return out;
}"""

PAGE_FACTS = """() => ({
  title: document.title,
  h1: [...document.querySelectorAll('.md-content h1')].map(h => {
    const copy = h.cloneNode(true);
    copy.querySelectorAll('.headerlink').forEach(a => a.remove());  // the permalink's ¶
    return copy.textContent;
  })[0],
  header: (document.querySelector("[data-md-component='header-topic']") || {textContent: null}).textContent,
  description: [...document.querySelectorAll("meta[name='description']")].map(m => m.getAttribute('content'))[0],
  ld: [...document.querySelectorAll("script[type='application/ld+json']")].map(s => s.textContent),
  nav: [...document.querySelectorAll('.md-nav__link')].map(a => a.textContent),
  text: (document.querySelector('.md-content') || {innerText: ''}).innerText,
})"""


def _visible(text: str | None) -> str:
    """Text as a reader sees it: controls, noncharacters and line separators count as space, runs of space as one.

    The builder may drop such code points or keep them (a browser shows
    neither); what must match is every visible character, in order.
    """
    if text is None:
        return ""
    kept = "".join(" " if unicodedata.category(ch) in ("Cc", "Cn", "Cs", "Co", "Zl", "Zp") else ch for ch in text)
    return " ".join(kept.replace("\u200b", "").split())


def _patch_editorial(editorial: Path) -> None:
    """The project's book.yml and ui.yml with hostile strings; the fixture's posts.yml with hostile ids and URLs."""
    book = yaml.safe_load((editorial / "book.yml").read_text(encoding="utf-8"))
    book["title"], book["title_en"], book["author_en"] = BOOK_TITLE["zh"], BOOK_TITLE["en"], AUTHOR_EN
    book["series_en"][SERIES] = SERIES_EN
    part = next(p for p in book["parts"] if p["key"] == "diffusion")
    part.update(title=PART["zh"]["title"], title_en=PART["en"]["title"],
                description=PART["zh"]["description"], description_en=PART["en"]["description"])
    (editorial / "book.yml").write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False), encoding="utf-8")
    ui = yaml.safe_load((editorial / "ui.yml").read_text(encoding="utf-8"))
    for lang, words in UI.items():
        assert set(words) <= set(ui[lang]), set(words) - set(ui[lang])  # a renamed word would test nothing
        ui[lang].update(words)
    (editorial / "ui.yml").write_text(yaml.safe_dump(ui, allow_unicode=True, sort_keys=False), encoding="utf-8")
    shutil.copy(HOSTILE / "editorial" / "posts.yml", editorial / "posts.yml")


@functools.cache
def _served(tmp: Path) -> tuple[str, Path]:
    """The hostile site, built once per session without --strict (its input is full of warnings by design)."""
    root = tmp / "hostile_site"
    project = make_project(root / "project", HOSTILE / "archive")
    shutil.rmtree(project / "translations")
    shutil.copytree(HOSTILE / "translations", project / "translations")
    _patch_editorial(project / "editorial")
    return build_and_serve(project, root, strict=False)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from chromium()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    return _served(tmp_path_factory.getbasetemp())


def test_fixtures_say_what_the_expectations_say() -> None:
    """The expected texts above are copied from the fixture files; an edit to one side must not go unnoticed."""
    dumps = "".join(p.read_text(encoding="utf-8") for p in sorted((HOSTILE / "archive").glob("*.txt")))
    for text in (A_TITLE, A_DESC, B_TITLE, B_DESC, C_TITLE, C_DESC, *CHAPTER_A_TEXT):
        assert text in dumps, text
    english = {}
    for path in sorted((HOSTILE / "translations" / "en").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        english[data["chapter"]] = [data["title"]["text"], *(u["text"] for u in data["units"])]
    assert english["91001"][:2] == [A_TITLE_EN, A_DESC_EN] and english["91003"][:2] == [C_TITLE_EN, C_DESC_EN]
    posts = yaml.safe_load((HOSTILE / "editorial" / "posts.yml").read_text(encoding="utf-8"))["posts"]
    assert posts[0]["series"] == SERIES


def test_every_page_of_the_hostile_site_is_visited(site: tuple[str, Path]) -> None:
    _, root = site
    assert sorted(_pages(root)) == sorted(EXPECT), "the build made other pages than this test visits"


def _twin(rel: str) -> str:
    return rel.removeprefix("en/") if rel.startswith("en/") else "en/" + rel


class Visit:
    """One page under test: a watched browser page and everything found wrong on it."""

    def __init__(self, browser: Any, base: str):
        self.base = base
        self.watch = Watch(browser)
        self.page = self.watch.page
        self.found: list[str] = []

    def note(self, where: str, what: list[str] | str) -> None:
        for item in [what] if isinstance(what, str) else what:
            self.found.append(f"{where}: {item}")

    def open(self, rel: str) -> None:
        self.page.goto(self.base + rel, wait_until="load")
        self.settle(rel)

    def settle(self, rel: str) -> None:
        """Wait for MathJax to finish with this page, then judge the whole DOM."""
        state = self.watch.math()
        if state["rendered"] != state["total"] or state["alt"]:
            self.note(rel, f"MathJax did not typeset every formula: {state}")
        self.note(rel, self.page.evaluate(FINDINGS))

    def click_formula_links(self, rel: str) -> int:
        """Click every link a formula holds, as a reader would; hidden ones (parallel copy) get a click event.

        Every ``\\href`` in the fixtures is hostile, so any link a formula holds at all is a finding; the
        click shows what it does (a dialog, a request to another host, a page left).
        """
        links = self.page.locator("mjx-container a, .arithmatex a")
        count = 0
        while count < min(links.count(), 200):  # counted afresh: a click on \toggle re-renders its formula
            link = links.nth(count)
            count += 1
            self.note(rel, f"a link inside a formula: {link.evaluate('a => a.outerHTML.slice(0, 160)')}")
            if link.is_visible():
                link.click(force=True, no_wait_after=True, timeout=5000)
            else:
                link.dispatch_event("click")
        if self.page.url != self.base + rel:
            self.note(rel, f"a formula link navigated to {self.page.url}")
            self.open(rel)
        return count

    def click(self, rel: str, selector: str) -> bool:
        """A reader's click; when something covers the control (a formula's fixed overlay), that is a finding."""
        from playwright.sync_api import Error

        try:
            self.page.locator(selector).click(timeout=5000)
        except Error as err:
            lines = [line.strip() for line in str(err).splitlines()]
            why = next((line for line in lines if "intercepts pointer events" in line), lines[0])
            self.note(rel, f"cannot click {selector}: {why}")
            return False
        return True

    def finish(self) -> list[str]:
        w = self.watch
        self.note("dialogs", w.dialogs)
        self.note("requests to other hosts", w.outside)
        self.note("console errors", w.errors)
        self.page.close()
        return self.found


def _check_facts(visit: Visit, rel: str, expect: Expect) -> None:
    """Title in the tab, the h1, the header and JSON-LD; description; literal text; no rewritten quotes."""
    facts = visit.page.evaluate(PAGE_FACTS)
    if expect.title is not None:
        title = _visible(expect.title)
        if not _visible(facts["title"]).startswith(title + " - "):
            visit.note(rel, f"document.title is {facts['title']!r}, expected {title!r} - site name")
        if _visible(facts["h1"]) != title:
            visit.note(rel, f"h1 shows {facts['h1']!r}, expected {title!r}")
        if _visible(facts["header"]) != title:
            visit.note(rel, f"header shows {facts['header']!r}, expected {title!r}")
        if '"' in expect.title and "＂" in facts["title"] + (facts["h1"] or ""):
            visit.note(rel, "quotes in the title were rewritten to ＂")
    if expect.description is not None and _visible(facts["description"]) != _visible(expect.description):
        visit.note(rel, f"meta description is {facts['description']!r}, expected {_visible(expect.description)!r}")
    text = _visible(facts["text"])
    for literal in expect.text:
        if _visible(literal) not in text:
            visit.note(rel, f"the page does not show {literal!r} as text")
    if CHAPTER.fullmatch(rel):
        lds = [json.loads(s) for s in facts["ld"] if s.strip().startswith("{")]
        if len(lds) != 1 or _visible(lds[0].get("headline")) != _visible(expect.title):
            visit.note(rel, f"JSON-LD headline is not the title: {facts['ld']}")
        elif expect.series and _visible(lds[0].get("isPartOf", {}).get("name")) != _visible(expect.series):
            visit.note(rel, f"JSON-LD series is not the series name: {lds[0].get('isPartOf')}")
        if expect.title and _visible(expect.title) not in [_visible(n) for n in facts["nav"]]:
            visit.note(rel, "the navigation does not show the chapter's title as text")


def _check_ui_words(visit: Visit, rel: str) -> None:
    """Interface words reach the nav, the byline and the toggle as text."""
    lang = "en" if rel.startswith("en/") else "zh"
    words = UI[lang]
    nav = [_visible(n) for n in visit.page.eval_on_selector_all(".md-nav__link", "els => els.map(e => e.textContent)")]
    if _visible(words["cover_title"]) not in nav:
        visit.note(rel, f"the navigation does not show {words['cover_title']!r}")
    if CHAPTER.fullmatch(rel):
        author = visit.page.locator(".kb-author").text_content()
        if not _visible(author).startswith(_visible(words["by"])):
            visit.note(rel, f"the byline shows {author!r}")


def _check_cover(visit: Visit, rel: str) -> None:
    """The part list on the cover: titles and descriptions as text, a Markdown link in a description not a link."""
    lang = "en" if rel.startswith("en/") else "zh"
    desc = visit.page.locator(".kb-parts__desc", has_text="[click]")
    if desc.count() != 1 or CLICK not in (desc.first.text_content() or ""):
        visit.note(rel, "the cover does not show the part description as text")
    elif desc.first.locator("a").count():
        visit.note(rel, f"the part description holds a link: {desc.first.inner_html()}")
    titles = [_visible(t) for t in visit.page.eval_on_selector_all(".kb-parts a", "els => els.map(e => e.textContent)")]
    if _visible(PART[lang]["title"]) not in titles:
        visit.note(rel, f"the cover does not list the part title as text: {titles}")


def _check_parallel_and_switch(visit: Visit, rel: str, expect: Expect) -> None:
    """Reveal the other language's copy (nothing in it may act or swallow the page), then switch language."""
    lang = "en" if rel.startswith("en/") else "zh"
    toggle = visit.page.locator(".kb-parallel-toggle")
    if toggle.count() != (1 if expect.alt else 0):  # only a translated chapter has a parallel text
        visit.note(rel, f"{toggle.count()} parallel-text toggles")
    elif expect.alt:
        if _visible(toggle.text_content()) != _visible(UI[lang]["parallel_show"]):
            visit.note(rel, f"the toggle reads {toggle.text_content()!r}")
        visit.click(rel, ".kb-parallel-toggle")
        alt = visit.page.locator(".kb-alt")
        if not alt.count() or not alt.first.is_visible():
            visit.note(rel, "the parallel text did not appear")
        shown = _visible(" ".join(alt.all_inner_texts()))
        for literal in expect.alt:
            if _visible(literal) not in shown:
                visit.note(rel, f"the parallel text does not show {literal!r} as text")
        if _visible(toggle.text_content()) != _visible(UI[lang]["parallel_hide"]):
            visit.note(rel, f"the toggle reads {toggle.text_content()!r} when on")
        visit.settle(rel + " (parallel text shown)")
        visit.click_formula_links(rel)
        visit.click(rel, ".kb-parallel-toggle")
    twin = _twin(rel)
    if visit.click(rel, "[data-kb-twin]"):
        visit.page.wait_for_url(visit.base + twin)
        visit.settle(twin + " (after the language switch)")


@pytest.mark.parametrize("rel", sorted(EXPECT))
def test_hostile_page_shows_text_and_runs_nothing(browser: Any, site: tuple[str, Path], rel: str) -> None:
    """One page: its DOM, its formulas' links, its title and description, its parallel text and language switch."""
    base, _ = site
    visit = Visit(browser, base)
    visit.open(rel)
    expect = EXPECT[rel]
    if rel in ("diffusion/91001/", ""):
        SHOTS.mkdir(parents=True, exist_ok=True)
        visit.page.screenshot(path=str(SHOTS / ("chapter.png" if rel else "cover.png")), full_page=True)
    _check_facts(visit, rel, expect)
    _check_ui_words(visit, rel)
    if rel in ("", "en/"):
        _check_cover(visit, rel)
    visit.click_formula_links(rel)
    if CHAPTER.fullmatch(rel):
        _check_parallel_and_switch(visit, rel, expect)
    found = visit.finish()
    assert not found, f"{len(found)} findings on {rel or 'the cover'}:\n" + "\n".join(found)


@functools.cache
@pytest.mark.parametrize("edition", ["", "en/"])
@pytest.mark.parametrize("query", ["<script>", "onerror", "javascript"])
def test_searching_for_the_attack_shows_it_as_text(browser: Any, site: tuple[str, Path], edition: str,
                                                    query: str) -> None:
    """Search results show titles and text from the index: what the archive said must arrive as text, in its edition."""
    base, _ = site
    visit = Visit(browser, base)
    visit.page.goto(base + edition, wait_until="load")
    visit.watch.math()
    results = search(visit.page, query, none=no_results("en" if edition else "zh"))
    items = [r["text"] for r in results]
    if query == "onerror" and not any("onerror" in item for item in items):
        visit.note(query, f"no result shows 'onerror' as text: {items}")
    if query == "<script>" and items and not any("<script>" in item for item in items):
        visit.note(query, f"no result shows '<script>' as text: {items}")
    for r in results:
        if not r["href"].startswith(base + edition) or (not edition and r["href"].startswith(base + "en/")):
            visit.note(query, f"a result leaves the edition: {r['href']}")
    visit.note(f"search {query!r}", visit.page.evaluate(FINDINGS))
    found = visit.finish()
    assert not found, f"{len(found)} findings searching {query!r} in /{edition}:\n" + "\n".join(found)
