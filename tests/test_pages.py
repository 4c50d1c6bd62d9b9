"""Crafted article pages in the three shapes, hostile ones included, held to tests/fixtures/pages/expected.yml.

The pages were written for these tests (original text on the blog's subjects), in the shapes the
scraper produces: the HTML-to-Markdown converter's page, the plain-text (innerText) page and the
body-only page, plus two excerpt dumps of posts that also have a full page.  expected.yml says,
by construction, what a correct reader yields for each file.

Only the reader's public face is used: ``builder.read.read_document`` (and ``read_archive`` and
``merge`` for identity across files), the model, and ``builder.mathtext.split_math`` to find the
formulas in a block's text.  A block's text is read as its ``markup`` says: MARKDOWN blocks in the
canonical dialect (CommonMark inline syntax with ``$…$``/``$$…$$`` formulas, raw HTML off),
parsed here by a parser of our own so that no reader's code decides what the test sees.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from builder.mathtext import split_math
from builder.model import Block, BlockKind, Entry, Level, Markup, Problem
from builder.read import read_document

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
ARCHIVE = PAGES / "archive"
EXPECTED = yaml.safe_load((PAGES / "expected.yml").read_text(encoding="utf-8"))
FACTS: dict[str, dict] = EXPECTED["pages"]
CHROME: list[str] = EXPECTED["chrome_phrases"]

DUMP_SHAPES = ("listing", "byline")
PAGE_NAMES = [name for name, facts in FACTS.items() if facts["shape"] not in DUMP_SHAPES]
DUMP_NAMES = [name for name, facts in FACTS.items() if facts["shape"] in DUMP_SHAPES]
HOSTILE_NAMES = [name for name in PAGE_NAMES if FACTS[name].get("hostile")]
READER_OF = {"markdown": "the Markdown-converter reader (builder.readers.article_md)",
             "text": "the plain-text reader (builder.readers.article_text)",
             "body": "the plain-text reader (builder.readers.article_text), body-only pages"}

POST_LINK = re.compile(r"https?://(?:www\.)?(?:kexue\.fm|spaces\.ac\.cn)/archives/(\d{1,7})")
# What the converter's escaping leaves in TeX when a reader forgets to undo it: a doubled backslash
# before a command (``\\frac``), escaped ``_ | * #`` and ``\left\[``.  None of the crafted pages'
# formulas holds any of these as real TeX.
CONVERTER_TEX = re.compile(r"(?<!\\)\\\\[A-Za-z]|\\[_|*#]|\\left\\\[|\\right\\\]")
# ... and in text a reader shows: any escape of these characters means an escape was not undone.
CONVERTER_TEXT = re.compile(r"\\[_|*#\[\]]")
ENTITIES = ("&amp;", "&lt;", "&gt;")
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "file:")
SAFE_DATA = re.compile(r"data:image/(?:png|gif|jpeg|webp)[;,]", re.I)


def _dialect(html: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": html, "linkify": False}).use(
        dollarmath_plugin, allow_space=True, allow_digits=True, double_inline=True, allow_labels=False)
    md.validateLink = lambda url: True  # see every destination, also those a renderer would refuse
    return md


DIALECT = _dialect(html=False)
DIALECT_HTML = _dialect(html=True)


@cache
def _read(name: str) -> tuple[list[Entry], list[Problem], int]:
    """read_document on one fixture, once: entries, problems, lines in the file."""
    text = (ARCHIVE / name).read_text(encoding="utf-8")
    entries, problems = read_document(text, name)
    return entries, problems, text.count("\n") + 1


def _entry(name: str) -> Entry:
    facts = FACTS[name]
    entries, problems, _ = _read(name)
    if facts["shape"] not in DUMP_SHAPES:
        assert entries, f"{name}: no entry; {READER_OF[facts['shape']]} did not read it: {problems[:3]}"
        assert entries[0].fmt not in DUMP_SHAPES, (
            f"{name} was read as a {entries[0].fmt} dump: {READER_OF[facts['shape']]} did not recognise it")
    assert len(entries) == 1, f"{name}: {len(entries)} entries, expected one"
    return entries[0]


def _tokens(block: Block, md: MarkdownIt = DIALECT) -> list:
    tokens = md.parseInline(block.text) if block.text else []
    return list(tokens[0].children or []) if tokens else []


def visible(block: Block) -> str:
    """What a reader sees of a block, formulas left out: escapes undone, link labels and image alts kept."""
    if block.kind == BlockKind.CODE:
        return block.text
    if block.kind == BlockKind.MATH:
        return ""
    if block.markup != Markup.MARKDOWN:
        segments, _ = split_math(block.text)
        return "".join(s.value for s in segments if s.kind == "text")
    out = []
    for tok in _tokens(block):
        if tok.type in ("text", "code_inline"):
            out.append(tok.content)
        elif tok.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif tok.type == "image":
            out.append(tok.content)
    return "".join(out)


def formulas(entry: Entry) -> list[str]:
    """Every formula of the body: each display MATH block, and each formula in the text of the others but code.

    PLAIN text is cut by split_math.  MARKDOWN text is parsed in its dialect instead: split_math reads
    plain text, where ``\\[4\\]`` (the dialect's escaped "[4]") would be a display formula.  A table
    writes a pipe as ``\\|``, also inside TeX (GFM); that is a pipe in the formula.
    """
    found = []
    for block in entry.blocks:
        if block.kind == BlockKind.MATH:
            found.append(block.text)
        elif block.kind == BlockKind.CODE:
            continue
        elif block.markup == Markup.MARKDOWN:
            tex = [t.content for t in _tokens(block) if t.type.startswith("math_")]
            found += [t.replace("\\|", "|") for t in tex] if block.kind == BlockKind.TABLE else tex
        else:
            found += [s.value for s in split_math(block.text)[0] if s.kind != "text"]
    return found


def formula_count(entry: Entry) -> int:
    return len(formulas(entry))


def _fold(text: str) -> str:
    return " ".join(text.split())


def _post_links(entry: Entry) -> set[str]:
    return {m.group(1) for b in entry.blocks if b.kind != BlockKind.CODE for m in POST_LINK.finditer(b.text)}


def _kinds(entry: Entry, kind: BlockKind) -> list[Block]:
    return [b for b in entry.blocks if b.kind == kind]


# --- the fixtures themselves ------------------------------------------------------------------------------


def test_expected_lists_every_fixture_file():
    on_disk = {str(p.relative_to(ARCHIVE)) for p in ARCHIVE.rglob("*.txt") if "images" not in p.parts}
    assert on_disk == set(FACTS)


def test_the_offline_image_is_a_real_png():
    data = (ARCHIVE / "images" / "usr" / "uploads" / "2022" / "07" / "1.png").read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and b"IEND" in data and len(data) < 200
    assert not (ARCHIVE / "images" / "usr" / "uploads" / "2022" / "07" / "2.png").exists()


# --- one entry per page, with the page's facts ------------------------------------------------------------


@pytest.mark.parametrize("name", list(FACTS))
def test_entry_facts(name):
    facts = FACTS[name]
    entry = _entry(name)
    assert entry.title == facts["title"]
    if facts["shape"] == "listing":
        assert entry.fmt == "listing" and entry.truncated
        assert entry.date is not None and [entry.date.month, entry.date.day] == facts["month_day"]
        return
    assert (entry.date.iso() if entry.date else None) == facts["date"]
    if facts["shape"] == "byline":
        assert entry.fmt == "byline"
        return
    assert entry.complete, f"{name}: a whole page must be marked complete"
    assert not entry.truncated
    assert entry.author == facts["author"]
    assert entry.post_id == facts["post_id"]
    assert entry.url == facts["url"]
    assert entry.category == facts["category"]
    assert list(entry.tags) == facts["tags"]


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_headings(name):
    facts = FACTS[name]
    headings = _kinds(_entry(name), BlockKind.HEADING)
    if isinstance(facts["headings"], dict):
        assert dict(Counter(h.level for h in headings)) == {int(k): v for k, v in facts["headings"].items()}
    else:
        assert len(headings) == facts["headings"], [visible(h) for h in headings]
    assert [visible(h).strip() for h in headings] == facts["heading_texts"]


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_formulas(name):
    """As many formulas as the author wrote, each as TeX again: no converter escape, no HTML entity."""
    facts = FACTS[name]
    entry = _entry(name)
    found = formulas(entry)
    if facts.get("formulas") is not None:
        assert len(found) == facts["formulas"], [_fold(f)[:60] for f in found]
    folded = [_fold(f) for f in found]
    for tex in facts.get("formulas_include", []):
        assert any(_fold(tex) in f for f in folded), f"{name}: no formula holds {tex!r}"
    if facts.get("hostile"):
        return  # hostile pages hold deliberately broken TeX
    for tex in folded:
        assert not CONVERTER_TEX.search(tex), f"{name}: a converter escape is left in {tex[:80]!r}"
        assert not any(e in tex for e in ENTITIES), f"{name}: an HTML entity is left in {tex[:80]!r}"


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_tables_code_images_quotes_lists(name):
    facts = FACTS[name]
    entry = _entry(name)
    assert len(_kinds(entry, BlockKind.TABLE)) == facts["tables"]
    code = _kinds(entry, BlockKind.CODE)
    if facts.get("code_blocks") is not None:
        assert len(code) == facts["code_blocks"]
    assert all(c.text.strip() for c in code), "an emptied fence must not become an empty code block"
    for line in facts.get("code_contains", []):
        assert any(line in c.text.split("\n") for c in code), f"{name}: no code block has the line {line!r}"
    images = _kinds(entry, BlockKind.IMAGE)
    assert [i.info for i in images] == facts["images"]
    if "image_alts" in facts:
        assert [visible(i) for i in images] == facts["image_alts"]
    assert len(_kinds(entry, BlockKind.QUOTE)) == facts["quote_paragraphs"]
    if facts.get("list_items") is not None:
        items = _kinds(entry, BlockKind.LIST_ITEM)
        want = facts["list_items"]
        assert (len(items), sum(i.ordered for i in items), sum(i.level >= 1 for i in items)) == (
            want["total"], want["ordered"], want["nested"])


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_links_to_other_posts(name):
    assert sorted(_post_links(_entry(name))) == FACTS[name]["links_to_posts"]


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_body_text_survives_and_nothing_else_gets_in(name):
    """The body's text is all there, and the chrome, footer, comments and converter escapes are not."""
    facts = FACTS[name]
    entry = _entry(name)
    seen = "\n".join(visible(b) for b in entry.blocks)
    for phrase in facts.get("must_contain", []):
        assert phrase in seen, f"{name}: {phrase!r} was lost"
    for phrase in CHROME + facts.get("must_not_contain", []):
        hits = [b.source for b in entry.blocks if phrase in b.text or phrase in visible(b)]
        assert not hits, f"{name}: {phrase!r} got into the body at {hits[0]}"
    for block in entry.blocks:
        if block.kind == BlockKind.CODE:
            continue
        assert "[\\#](" not in block.text and "\\#%" not in block.text, f"heading anchor left at {block.source}"
        assert "\\\\frac" not in block.text, f"converter escape left in TeX at {block.source}"
        left = CONVERTER_TEXT.search(visible(block))
        assert not left, f"{name}: converter escape {left.group()!r} left in the text at {block.source}"


@pytest.mark.parametrize("name", list(FACTS))
def test_problems_name_file_and_line(name):
    facts = FACTS[name]
    entries, problems, lines = _read(name)
    for p in problems:
        assert p.source.file == name, str(p)
        assert 1 <= p.source.line <= lines, str(p)
    named = {p.source.line for p in problems}
    for line in facts.get("problem_lines", []):
        assert line in named, f"{name}: no problem names line {line}; problems: {[str(p) for p in problems]}"
    if "problem_between" in facts:
        low, high = facts["problem_between"]
        inside = [p for p in problems if low <= p.source.line <= high]
        assert inside, [str(p) for p in problems]
        for p in inside:  # a line the message names is a line of the file too, not of some part of it
            for number in re.findall(r"\bline (\d+)", p.message):
                assert low <= int(number) <= high, f"{name}: the message names line {number}: {p}"
    if facts.get("warns"):
        assert any(p.level in (Level.WARNING, Level.ERROR) for p in problems), [str(p) for p in problems]


# --- hostile pages -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_markup_stays_text(name):
    """No block links or points to javascript:, vbscript:, file: or data:text, and no Markdown block holds raw HTML."""
    entry = _entry(name)
    for block in entry.blocks:
        if block.markup != Markup.MARKDOWN or block.kind in (BlockKind.CODE, BlockKind.MATH):
            continue
        urls = [str(t.attrs.get("href") or t.attrs.get("src") or "") for t in _tokens(block)
                if t.type in ("link_open", "image")]
        if block.kind == BlockKind.IMAGE:
            urls.append(block.info)
        for url in urls:
            squeezed = "".join(url.split()).lower()
            assert not squeezed.startswith(UNSAFE_SCHEMES), f"{block.source}: link to {url!r}"
            assert not squeezed.startswith("data:") or SAFE_DATA.match(squeezed), f"{block.source}: {url!r}"
        if block.kind != BlockKind.IMAGE:  # an image block's text is its alt text, never markup
            raw = [t.content for t in _tokens(block, DIALECT_HTML) if t.type == "html_inline"]
            assert not raw, f"{block.source}: raw HTML {raw[0]!r} in a Markdown block"


# --- dumps of the same posts ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", DUMP_NAMES)
def test_dump_opens_like_its_page(name):
    """An excerpt and the full page of one post start with the same paragraph, so merging can pair them."""
    page = FACTS[name]["same_post_as"]
    dump, full = _entry(name), _entry(page)
    first = [visible(b) for b in dump.blocks if b.kind == BlockKind.PARAGRAPH][0]
    page_first = [visible(b) for b in full.blocks if b.kind == BlockKind.PARAGRAPH][0]
    assert "".join(first.split()) == "".join(page_first.split())


# --- identity across files --------------------------------------------------------------------------------


def _post_text(post) -> str:
    return "\n".join(visible(b) for b in post.blocks)


def test_archive_identity():
    """Every file gives an entry; an excerpt merges into its page; two pages claiming one id are both kept.

    A page claiming another's post id with another title and text is a conflict: it is reported
    (naming both files) and neither text is dropped.
    """
    from builder.merge import merge
    from builder.overlay import Overlay
    from builder.read import read_archive

    entries, _ = read_archive(ARCHIVE)
    assert {e.source.file for e in entries} == set(FACTS)
    posts, problems = merge(entries, Overlay())
    assert len(entries) == len(posts) + sum(len(p.sources) - 1 for p in posts)

    claimed = FACTS["hostile/9903.md.txt"]["same_id_as"]
    assert any("冒名页标记" in _post_text(p) for p in posts), "the page claiming a taken id was dropped"
    assert any("先逐步加噪" in _post_text(p) for p in posts), "the page whose id was claimed was dropped"
    assert any(p.level != Level.INFO and claimed in str(p) and "hostile/9903.md.txt" in str(p) for p in problems), (
        "two pages with one post id and different titles must be reported as a conflict")

    for dump in DUMP_NAMES:
        page = FACTS[dump]["same_post_as"]
        holding = [p for p in posts if any(s.file == page for s in p.sources)]
        assert len(holding) == 1
        post = holding[0]
        if FACTS[dump]["title"] == FACTS[page]["title"]:
            assert dump in {s.file for s in post.sources}, f"{dump} did not merge into {page}"
        else:  # an older title: merged (on other evidence) or kept apart with a note naming both
            assert dump in {s.file for s in post.sources} or any(
                dump in str(p) and page in str(p) for p in problems)
        headings = FACTS[page]["headings"]
        assert sum(b.kind == BlockKind.HEADING for b in post.blocks) == sum(headings.values()), (
            "the whole page's text must win over the excerpt")
