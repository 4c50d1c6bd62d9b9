"""The pages of one edition: cover, parts, chapters, glossary; each a Markdown file with its front matter."""

from __future__ import annotations

import itertools
import marshal
import pickle
from collections.abc import Mapping, Sequence
from dataclasses import fields, is_dataclass
from enum import Enum
from typing import Any

from ..cache import Memo, decode_problem, digest, encode_problem
from ..escape import front_matter, html_text, md_text
from ..mathtext import Segment, paragraph_markdown, split_math
from ..model import Block, Book, Chapter, Level, OutputFile, Part, Problem, Source
from ..parallel import fork_map
from ..texsafety import unsafe_tex
from . import names
from .body import UnitMemo, chapter_body, has_parallel_text
from .context import Context, Rendered, chapter_title, part_description, part_title
from .markdown import Links
from .meta import chapter_footer, chapter_header, chapter_json_ld, description, format_date
from .nav import book_nav
from .tex import BookIndex, Numbered, PageTex


def chapter_page(chapter: Chapter, part: Part, ctx: Context, path: str, index: BookIndex, page_tex: PageTex,
                 problems: list[Problem], units: dict[str, int], memo: UnitMemo) -> tuple[str, int]:
    """One edition's page of a chapter; ``page_tex`` and ``memo`` are shared by the chapter's pages in all editions."""
    links = Links(page=path, chapters=index.paths, images=ctx.images, original=chapter.post.url,
                  figure_missing=ctx.ui["figure_missing"], tex=page_tex.tex)
    body, shown, count = chapter_body(chapter, ctx, links, problems, units, memo)
    if page_tex.preamble:
        body.insert(0, f'<div class="{names.MACROS}" hidden markdown="1">\n\n${page_tex.preamble}$\n\n</div>')
    title = chapter_title(chapter, ctx)
    meta = {
        "title": html_text(title),
        "description": html_text(description(shown, title)),
        "jsonld": chapter_json_ld(chapter, ctx, path),
        "kb": {"kind": "chapter", "key": chapter.post.key, "part": part.key, "formulas": count},
    }
    header = chapter_header(chapter, ctx, has_parallel_text(chapter, ctx))
    heading = title_heading(title, links)  # else Material's own, the title as text
    text = (front_matter(meta) + (heading + "\n\n" if heading else "") + header + "\n\n" + "\n\n".join(body)
            + "\n\n" + chapter_footer(chapter, ctx) + "\n")
    return text, count


def title_heading(title: str, links: Links) -> str:
    """The page's H1 with the title's formulas typeset (``当$x<0$时…``), or "" when it holds none.

    Only inline formulas the body's checks would pass: anything else (a display, an unpaired ``$``,
    TeX :func:`unsafe_tex` names) leaves the title to Material's H1, as text, like the navigation
    and the window's title, which are text whatever the title holds.
    """
    segments, issues = split_math(title)
    maths = [s for s in segments if s.kind != "text"]
    if issues or not maths or any(s.kind != "inline" or unsafe_tex(s.value) for s in maths):
        return ""
    return "# " + paragraph_markdown([s if s.kind == "text" else Segment(s.kind, links.tex(s.value))
                                      for s in segments]).replace("\n", " ")


def _date_range(part: Part, ui: dict[str, str]) -> str:
    years = sorted(c.post.date.year for c in part.chapters if c.post.date and c.post.date.year)
    if not years:
        return ""
    return str(years[0]) if years[0] == years[-1] else ui["date_range"].format(start=years[0], end=years[-1])


def part_page(part: Part, number: int, ctx: Context) -> str:
    ui = ctx.ui
    about = part_description(part, ctx)
    lines = [f'<p class="{names.PART_LABEL}">{html_text(ui["part_label"].format(n=number))}</p>', "",
             md_text(about), "", f"## {md_text(ui['chapters_heading'])}", "",
             f'<div class="{names.TOC}" markdown="1">', ""]
    for n, c in enumerate(part.chapters, 1):
        date = md_text(format_date(c.post.date, ui))
        lines.append(f"{n}. [{md_text(chapter_title(c, ctx))}]({c.slug}.md) "
                     f'<span class="{names.TOC_DATE}">{date}</span>')
    lines += ["", "</div>"]
    meta = {"title": html_text(part_title(part, ctx)), "description": html_text(about),
            "kb": {"kind": "part", "key": part.key}}
    return front_matter(meta) + "\n".join(lines) + "\n"


def _excerpt_intro(book: Book) -> str:
    """The cover's word for how much of the posts the book holds: every one an excerpt, some, or none ("")."""
    excerpts = [c.post.truncated for c in book.chapters()]
    return "" if not any(excerpts) else "excerpt_intro" if all(excerpts) else "excerpt_intro_some"


def cover_page(book: Book, ctx: Context) -> str:
    ui = ctx.ui
    title = ctx.local(ctx.overlay, "title")
    author = ctx.local(ctx.overlay, "author")
    lines = [f"# {md_text(title)}", "", f'<p class="{names.COVER_AUTHOR}">{html_text(author)}</p>', "",
             md_text(ui["book_intro"]), "",
             *([md_text(ui[intro]), ""] if (intro := _excerpt_intro(book)) else []),
             f"## {md_text(ui['parts_heading'])}", "", f'<div class="{names.PARTS}" markdown="1">', ""]
    for number, part in enumerate(book.parts, 1):
        span = _date_range(part, ui)
        n = len(part.chapters)
        count = ui["chapters_count_one" if n == 1 else "chapters_count"].format(n=n)
        lines.append(f"{number}. [{md_text(part_title(part, ctx))}]({part.slug}/index.md) "
                     f'<span class="{names.PARTS_COUNT}">{md_text(count)}</span>'
                     + (f' <span class="{names.PARTS_YEARS}">{md_text(span)}</span>' if span else "")
                     + f'<br><span class="{names.PARTS_DESC}">{md_text(part_description(part, ctx))}</span>')
    lines += ["", "</div>"]
    if book.parts:
        first = book.parts[0]
        lines += ["", f"## {md_text(ui['start_here'])}", "",
                  f'{md_text(ui["start_with"])}[{md_text(chapter_title(first.chapters[0], ctx))}]'
                  f"({first.slug}/{first.chapters[0].slug}.md)"]
    meta = {"title": html_text(title), "description": html_text(ui["book_intro"][:160]), "kb": {"kind": "cover"},
            "hide": ["navigation", "toc"]}
    return front_matter(meta) + "\n".join(lines) + "\n"


def glossary_page(ctx: Context) -> str:
    """The term base: the original's term and the English one, this edition's language first."""
    ui = ctx.ui
    first, second = ("zh", "en") if ctx.is_original else ("en", "zh")
    heads = {"zh": ui["glossary_zh"], "en": ui["glossary_en"]}
    terms = sorted(ctx.glossary, key=lambda t: t.zh if ctx.is_original else t.en.casefold())
    lines = [md_text(ui["glossary_intro"]), "", f"| {md_text(heads[first])} | {md_text(heads[second])} |",
             "|---|---|"]
    for t in terms:
        cell = {"zh": t.zh, "en": t.en + (f" ({', '.join(t.alt)})" if t.alt else "")}
        lines.append(f"| {md_text(cell[first])} | {md_text(cell[second])} |")
    meta = {"title": html_text(ui["glossary"]), "kb": {"kind": "glossary"}}
    return front_matter(meta) + "\n".join(lines) + "\n"


PARALLEL_FROM = 48  # chapters; below this, forking workers costs more than rendering here

# A chapter's page in each edition: its text, formula count, problems, and units by translation state.
ChapterPages = list[tuple[str, int, list[Problem], dict[str, int]]]


def render_editions(book: Book, contexts: Sequence[Context], memo: Memo | None = None) -> dict[str, Rendered]:
    """Every page of each edition (one context each), and its navigation.

    A chapter's pages in all editions are made together (on every core when the book is large):
    their untranslated units share the original's text, and so the work of parsing it.  Each worker
    numbers a chapter's equations and, unless its formulas refer to another chapter's labels, makes
    its pages at once, while the formulas are parsed; the others are made once every chapter is
    numbered.  ``memo`` holds what earlier runs made: a chapter's numbering and pages are a function
    of the chapter, its place, the book's skeleton and the editions' contexts, and a page that refers
    to other chapters' labels also of every chapter's numbering, so those are its keys.
    """
    memo = memo or Memo()
    skeleton = BookIndex.skeleton(book)
    places = [(part, chapter, f"{part.slug}/{chapter.slug}.md") for part in book.parts for chapter in part.chapters]
    # The contexts come from the editorial data the same way in every run; the skeleton holds the posts' ids.
    shared = (digest("editions", pickle.dumps(tuple(contexts), PICKLE), marshal.dumps(_plain(skeleton), 2))
              if memo.on else "")

    def pages(i: int, index: BookIndex) -> ChapterPages:
        part, chapter, path = places[i]
        tex_problems: list[Problem] = []  # the original edition reports them
        page_tex = index.tex_for(chapter, path, tex_problems)
        unit_memo: UnitMemo = {}
        out: ChapterPages = []
        for ctx in contexts:
            problems: list[Problem] = list(tex_problems) if ctx.is_original else []
            units: dict[str, int] = {}
            text, count = chapter_page(chapter, part, ctx, path, index, page_tex, problems, units, unit_memo)
            out.append((text, count, problems, units))
        return out

    def numbered_and_pages(i: int) -> tuple[str, Numbered, ChapterPages | None, bool]:
        part, chapter, path = places[i]

        def make() -> tuple[Numbered, ChapterPages | None]:
            done = Numbered.of(chapter)
            return done, None if done.refers_elsewhere() else pages(i, skeleton.with_numbers({chapter.post.key: done}))

        key = digest("chapter", shared, part.key, path, chapter_digest(chapter)) if memo.on else ""
        (done, made), hit = memo.through("chapter", key, make, _encode_chapter, _decode_chapter)
        return key, done, made, hit

    first = fork_map(numbered_and_pages, len(places), parallel_from=PARALLEL_FROM)
    index = skeleton.with_numbers({places[i][1].post.key: done for i, (_, done, _, _) in enumerate(first)})
    book_key = digest("book", *(key for key, _, _, _ in first)) if memo.on else ""
    later = [i for i, (_, _, made, _) in enumerate(first) if made is None]

    def late_pages(k: int) -> tuple[str, ChapterPages, bool]:
        key = digest("chapter-late", first[later[k]][0], book_key) if memo.on else ""
        made, hit = memo.through("chapter-late", key, lambda: pages(later[k], index), _encode_pages, _decode_pages)
        return key, made, hit

    made_later = fork_map(late_pages, len(later), parallel_from=PARALLEL_FROM)
    chapters: list[ChapterPages | None] = [made for _, _, made, _ in first]
    for i, (_, made, _) in zip(later, made_later, strict=True):
        chapters[i] = made
    for key, _, _, hit in first:
        memo.used("chapter", key, hit=hit)
    for key, _, hit in made_later:
        memo.used("chapter-late", key, hit=hit)
    rendered = {}
    for k, ctx in enumerate(contexts):
        out = Rendered()
        out.files.append(OutputFile("index.md", cover_page(book, ctx)))
        done = iter(zip(places, chapters, strict=True))  # every chapter's pages are made by now
        for number, part in enumerate(book.parts, 1):
            out.files.append(OutputFile(f"{part.slug}/index.md", part_page(part, number, ctx)))
            for (_, _, path), editions in itertools.islice(done, len(part.chapters)):
                assert editions is not None
                text, count, problems, units = editions[k]
                out.formula_count += count
                out.problems += problems
                for state, n in units.items():
                    out.units[state] = out.units.get(state, 0) + n
                out.files.append(OutputFile(path, text))
        if ctx.glossary:
            out.files.append(OutputFile("glossary.md", glossary_page(ctx)))
        out.nav = book_nav(book, ctx, bool(ctx.glossary))
        seen: set[str] = set()
        for f in out.files:
            if f.path in seen:
                out.problems.append(Problem(Source(f.path, 1), "duplicate-page", f"two pages at {f.path}",
                                            Level.ERROR))
            seen.add(f.path)
        rendered[ctx.lang] = out
    return rendered


BLOCK_FIELDS = ("kind", "text", "source", "markup", "level", "ordered", "info")  # what chapter_digest covers
UNIT_FIELDS = ("block", "state", "text", "old_source", "units")
TEXT_FIELDS = ("lang", "title", "title_state", "units")
CHAPTER_FIELDS = ("post", "slug", "number", "series_position", "role", "texts")


def _block(b: Block) -> tuple[Any, ...]:
    return b.kind.value, b.text, b.source.file, b.source.line, b.markup.value, b.level, b.ordered, b.info


def _plain(value: Any) -> Any:
    """Model data as builtin values only (enums by value, dataclasses as their fields)."""
    if isinstance(value, Enum):
        return value.value
    if is_dataclass(value) and not isinstance(value, type):
        return type(value).__name__, *(_plain(getattr(value, f.name)) for f in fields(value))
    if isinstance(value, (tuple, list)):
        return tuple(_plain(v) for v in value)
    if isinstance(value, Mapping):
        return tuple((k, _plain(v)) for k, v in value.items())
    return value


def chapter_digest(chapter: Chapter) -> bytes:
    """Everything a chapter holds, as bytes that depend on its values only.

    Not a pickle: a chapter made from parsed pages and the same chapter made from the read cache
    share strings and sources differently, which a pickle records and marshal's version 2 does
    not.  The post's blocks and the editions' units are spelled out (the tests hold the field lists
    to the model), a unit's block by its place where it is one of the post's.
    """
    post = chapter.post
    place = {id(b): n for n, b in enumerate(post.blocks)}
    head = tuple(_plain(getattr(post, f.name)) for f in fields(post) if f.name != "blocks")
    texts = tuple((lang, t.lang, t.title, t.title_state.value,
                   tuple((place[id(u.block)] if id(u.block) in place else _block(u.block), u.state.value,
                          None if u.text == u.block.text else u.text, u.old_source, u.units) for u in t.units))
                  for lang, t in chapter.texts.items())
    return marshal.dumps((head, tuple(_block(b) for b in post.blocks), chapter.slug, chapter.number,
                          chapter.series_position, chapter.role, texts), 2)


PICKLE = 5  # a fixed protocol: the bytes digested for a key must not change with the interpreter's default


def _encode_pages(made: ChapterPages) -> list[Any]:
    return [[text, count, [encode_problem(p) for p in problems], units] for text, count, problems, units in made]


def _decode_pages(value: Any) -> ChapterPages | None:
    if value is None:
        return None
    try:
        return [(str(text), int(count), [decode_problem(p) for p in problems],
                 {str(k): int(v) for k, v in units.items()}) for text, count, problems, units in value]
    except (TypeError, ValueError, AttributeError):
        return None


def _encode_chapter(chapter: tuple[Numbered, ChapterPages | None]) -> dict[str, Any]:
    done, made = chapter
    return {"formulas": list(done.formulas), "labels": done.labels,
            "pages": None if made is None else _encode_pages(made)}


def _decode_chapter(value: Any) -> tuple[Numbered, ChapterPages | None] | None:
    """A stored chapter: its numbering and, unless it refers to other chapters' labels, its pages."""
    try:
        done = Numbered(tuple(str(f) for f in value["formulas"]),
                        {str(k): str(v) for k, v in value["labels"].items()})
        made = _decode_pages(value["pages"])
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    if made is None and (value["pages"] is not None or not done.refers_elsewhere()):
        return None
    return done, made


def render(book: Book, ctx: Context) -> Rendered:
    """Every page of one edition, and its navigation."""
    return render_editions(book, [ctx])[ctx.lang]
