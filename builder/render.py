"""Stage 5: the book in, Markdown pages and the navigation out, per language.

Every value from the archive, the translations or the editorial data meets
its output channel through :mod:`builder.escape`, once: Markdown text through
``md_text``, HTML the builder writes (and the titles and descriptions the theme
prints as they are) through ``html_text``, metadata through ``front_matter``
and ``json_ld``.

Both editions have the same paths, so a page's twin in the other language is
always at the same place below the other edition's root.  Each paragraph also
carries its other-language text, hidden, for the parallel-text view; that copy
is kept out of the search index (``data-search-exclude``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .escape import front_matter, html_text, json_ld, md_text, safe_href
from .glossary import Term
from .mathtext import formulas, paragraph_markdown, plain_text, split_math
from .model import BlockKind, Book, Chapter, Level, OutputFile, Part, PartialDate, Problem, Source
from .overlay import Overlay
from .texsafety import unsafe_tex
from .text import safe_title
from .translations import Aligned, State, Translation, align, unit_hash

LANG_TAG = {"zh": "zh-CN", "en": "en"}
OTHER = {"zh": "en", "en": "zh"}
# Characters of one page's text that go into the search index: the whole of
# any real post (the longest run to about 30,000), while one absurd page cannot
# make every reader's first search wait for megabytes of index.
SEARCH_BUDGET = 60_000
MATH_ISSUES_SHOWN = 3  # per block: a hostile paragraph can hold thousands of unbalanced '$'
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


@dataclass
class Rendered:
    files: list[OutputFile] = field(default_factory=list)
    nav: list[Any] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    formula_count: int = 0
    units: dict[str, int] = field(default_factory=dict)  # state → count (English edition)


@dataclass(frozen=True)
class Context:
    overlay: Overlay
    ui: dict[str, str]
    lang: str
    translations: dict[str, Translation]
    site_urls: dict[str, str]  # lang → absolute root URL of that edition, ending in "/"
    glossary: tuple[Term, ...] = ()
    nav_group_size: int = 40


def format_date(date: PartialDate | None, ui: dict[str, str]) -> str:
    if date is None:
        return ui["date_unknown"]
    month_name = MONTHS[date.month - 1]
    if date.year is None:
        return ui["date_fmt_noyear"].format(m=date.month, d=date.day, month_name=month_name) + ui["year_unknown"]
    return ui["date_fmt"].format(y=date.year, m=date.month, d=date.day, month_name=month_name)


def text_markdown(kind: BlockKind, text: str, ui: dict[str, str], source: Source,
                  problems: list[Problem] | None) -> tuple[str, int]:
    """One unit of text (either language) as Markdown, and how many formulas it holds."""
    segments, issues = split_math(text)
    found = formulas(segments)
    if problems is not None:
        for issue in issues[:MATH_ISSUES_SHOWN]:
            problems.append(Problem(source, "suspicious-math", issue.message))
        if len(issues) > MATH_ISSUES_SHOWN:
            problems.append(Problem(source, "suspicious-math",
                                    f"… and {len(issues) - MATH_ISSUES_SHOWN} more such problem(s) in this block"))
        for tex in found:
            for what in unsafe_tex(tex):
                problems.append(Problem(source, "unsafe-tex", f"{what} in the formula {tex[:60]!r}"))
    count = len(found)
    if kind == BlockKind.HEADING:
        return "## " + paragraph_markdown(segments).replace("\n", " "), count
    if kind == BlockKind.FIGURE:
        caption = html_text(text)
        return (f'<div class="kb-figure" role="figure" aria-label="{caption}">'
                f'<span class="kb-figure__missing">{html_text(ui["figure_missing"])}</span>'
                f'<span class="kb-figure__caption">{caption}</span></div>'), 0
    return paragraph_markdown(segments), count


_NUMBERED = re.compile(r"\\(begin|end)\{(equation|align|gather|multline|eqnarray|alignat|flalign)\}")
_LABEL = re.compile(r"\\label\{[^{}]*\}")


def unnumbered(text: str) -> str:
    """Formulas of a second copy: no numbers and no labels, so the first copy keeps both."""
    return _LABEL.sub("", _NUMBERED.sub(lambda m: f"\\{m.group(1)}{{{m.group(2)}*}}", text))


def _alt(kind: BlockKind, text: str, lang: str, ui: dict[str, str], source: Source) -> str:
    """The other language's text, hidden until the reader asks for the parallel view."""
    text = unnumbered(text)
    if kind == BlockKind.HEADING:  # a paragraph, not a heading: the copy must not enter the table of contents
        md, _ = text_markdown(BlockKind.PARAGRAPH, text, ui, source, None)
        md = f'<div class="kb-alt__heading" markdown="1">\n\n{md}\n\n</div>'
    else:
        md, _ = text_markdown(kind, text, ui, source, None)
    return (f'<div class="kb-alt" lang="{LANG_TAG[lang]}" data-search-exclude markdown="1">\n\n'
            f"{md}\n\n</div>")


def _unit_markdown(aligned: Aligned, ctx: Context, problems: list[Problem]) -> tuple[str, int]:
    block = aligned.block
    ui = ctx.ui
    if ctx.lang == "zh":
        md, count = text_markdown(block.kind, block.text, ui, block.source, problems)
        if aligned.state == State.CURRENT and aligned.text:
            return f'<div class="kb-unit" markdown="1">\n\n{md}\n\n' \
                   f'{_alt(block.kind, aligned.text, "en", ui, block.source)}\n\n</div>', count
        return md, count
    if aligned.state == State.CURRENT and aligned.text:
        md, count = text_markdown(block.kind, aligned.text, ui, block.source, None)
        return f'<div class="kb-unit" markdown="1">\n\n{md}\n\n' \
               f'{_alt(block.kind, block.text, "zh", ui, block.source)}\n\n</div>', count
    md, count = text_markdown(block.kind, block.text, ui, block.source, None)
    notice = ui["stale"] if aligned.state == State.STALE else ui["untranslated"]
    kind = "stale" if aligned.state == State.STALE else "missing"
    return (f'<div class="kb-notice kb-notice--{kind}" lang="zh-CN" markdown="1">\n\n'
            f'<p class="kb-notice__label" lang="en">{html_text(notice)}</p>\n\n{md}\n\n</div>'), count


def _description(blocks: list[tuple[BlockKind, str]], fallback: str) -> str:
    for kind, text in blocks:
        if kind == BlockKind.PARAGRAPH:
            plain = " ".join(plain_text(split_math(text)[0]).split())
            if plain:
                return plain[:160]
    return fallback


def chapter_title(chapter: Chapter, ctx: Context) -> str:
    post = chapter.post
    if ctx.lang == "zh":
        return post.title or ""
    tr = ctx.translations.get(post.key)
    if tr and tr.title and tr.title.text.strip() and tr.title.hash == unit_hash(post.title or ""):
        return _plain_title(tr.title.text)
    return post.title or ""


def _plain_title(text: str) -> str:
    return safe_title(text, limit=200)[0]  # English titles run about twice as long as Chinese ones


def series_name(name: str | None, ctx: Context) -> str | None:
    if name is None or ctx.lang == "zh":
        return name
    return ctx.overlay.series_en.get(name, name)


def page_url(path: str) -> str:
    """Site-relative URL of a generated page (directory URLs)."""
    if path == "index.md":
        return ""
    return path[: -len("index.md")] if path.endswith("/index.md") else path[:-3] + "/"


def chapter_page(chapter: Chapter, part: Part, ctx: Context, path: str,
                 problems: list[Problem], units: dict[str, int]) -> tuple[str, int]:
    post = chapter.post
    ui = ctx.ui
    aligned = align(post, ctx.translations.get(post.key))
    body: list[str] = []
    count = 0
    shown: list[tuple[BlockKind, str]] = []
    indexed = 0
    for a in aligned:
        units[a.state.value] = units.get(a.state.value, 0) + 1
        md, n = _unit_markdown(a, ctx, problems)
        count += n
        use_english = ctx.lang == "en" and a.state == State.CURRENT and a.text
        text = a.text if use_english else a.block.text
        shown.append((a.block.kind, text))  # type: ignore[arg-type]
        indexed += len(text or "")
        if md and indexed > SEARCH_BUDGET:  # shown on the page, kept out of the search index
            md = f'<div data-search-exclude markdown="1">\n\n{md}\n\n</div>'
        if md:
            body.append(md)
    has_alt = any(a.state == State.CURRENT for a in aligned)

    meta_lines = [f'<span class="kb-author">{html_text(ui["by"])} {html_text(_author(post.author, ctx))}'
                  "</span>"]
    iso = post.date.iso() if post.date else None
    date_text = html_text(format_date(post.date, ui))
    meta_lines.append(f'<time datetime="{iso}">{date_text}</time>' if iso else f"<span>{date_text}</span>")
    series = series_name(post.series, ctx)
    if series:
        key = "series_position" if post.series_number is not None else "series_position_nonum"
        text = ui[key].format(series=series, number=post.series_number)
        if chapter.series_position and chapter.series_position[1] > 1:
            text += ui["series_in_book"].format(index=chapter.series_position[0],
                                                count=chapter.series_position[1])
        meta_lines.append(f'<span class="kb-series">{html_text(text)}</span>')
    original = safe_href(post.url)
    if original:
        meta_lines.append(f'<a class="kb-original" href="{html_text(original)}">{html_text(ui["original"])}</a>')
    else:
        meta_lines.append(f'<span class="kb-original">{html_text(ui["original_unknown"])}</span>')
    if post.title_source == "provisional":
        meta_lines.append(f'<span class="kb-provisional">{html_text(ui["title_provisional"])}</span>')
    header = '<p class="kb-meta" data-search-exclude>' + " · ".join(meta_lines) + "</p>"
    if has_alt:
        show, hide = html_text(ui["parallel_show"]), html_text(ui["parallel_hide"])
        header += ('\n\n<p class="kb-parallel" data-search-exclude>'
                   '<button type="button" class="kb-parallel-toggle md-button" aria-pressed="false" '
                   f'data-show="{show}" data-hide="{hide}">{show}</button></p>')
    title = chapter_title(chapter, ctx)
    if ctx.lang == "en" and title == post.title:
        header = f'<p class="kb-notice kb-notice--missing">{html_text(ui["title_untranslated"])}</p>\n\n' + header

    footer = ['<div class="kb-excerpt" data-search-exclude markdown="1">']
    if post.truncated or original:
        note = html_text(ui["excerpt_notice"]) if post.truncated else ""
        if original:
            note += f' <a href="{html_text(original)}">{html_text(ui["read_full"])} →</a>'
        footer.append(f"<p>{note.strip()}</p>")
    sources = ", ".join(str(s) for s in post.sources)
    footer.append(f'<p class="kb-sources">{html_text(ui["sources"])}: {html_text(sources)}</p>')
    footer.append("</div>")

    ld: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": title,
        "author": {"@type": "Person", "name": post.author},
        "inLanguage": LANG_TAG[ctx.lang],
        "url": ctx.site_urls[ctx.lang] + page_url(path),
    }
    twin = ctx.site_urls[OTHER[ctx.lang]] + page_url(path)
    if ctx.lang == "en":
        ld["translationOfWork"] = {"@id": twin}
    else:
        ld["workTranslation"] = {"@id": twin}
    if iso:
        ld["datePublished"] = iso
    elif post.date:
        ld["temporalCoverage"] = f"--{post.date.month:02d}-{post.date.day:02d}"
    if original:
        ld["isBasedOn"] = original
    if post.series:
        ld["isPartOf"] = {"@type": "CreativeWorkSeries", "name": series}
        if post.series_number is not None:
            ld["position"] = post.series_number
    meta = {
        "title": html_text(title),
        "description": html_text(_description(shown, title)),
        "jsonld": json_ld(ld),
        "kb": {"kind": "chapter", "key": post.key, "part": part.key, "formulas": count},
    }
    text = front_matter(meta) + header + "\n\n" + "\n\n".join(body) + "\n\n" + "\n".join(footer) + "\n"
    return text, count


def _author(name: str, ctx: Context) -> str:
    if ctx.lang == "en" and name == ctx.overlay.author:
        return ctx.overlay.author_en
    return name


def _part_title(part: Part, lang: str) -> str:
    return part.title_en if lang == "en" else part.title


def _part_description(part: Part, lang: str) -> str:
    return (part.description_en or part.description) if lang == "en" else part.description


def _date_range(part: Part, ui: dict[str, str]) -> str:
    years = sorted(c.post.date.year for c in part.chapters if c.post.date and c.post.date.year)
    if not years:
        return ""
    return str(years[0]) if years[0] == years[-1] else ui["date_range"].format(start=years[0], end=years[-1])


def part_page(part: Part, number: int, ctx: Context) -> str:
    ui = ctx.ui
    description = _part_description(part, ctx.lang)
    lines = [f'<p class="kb-part-label">{html_text(ui["part_label"].format(n=number))}</p>', "",
             md_text(description), "", f"## {md_text(ui['chapters_heading'])}", "",
             '<div class="kb-toc" markdown="1">', ""]
    for n, c in enumerate(part.chapters, 1):
        date = md_text(format_date(c.post.date, ui))
        lines.append(f"{n}. [{md_text(chapter_title(c, ctx))}]({c.slug}.md) "
                     f'<span class="kb-toc__date">{date}</span>')
    lines += ["", "</div>"]
    meta = {"title": html_text(_part_title(part, ctx.lang)), "description": html_text(description),
            "kb": {"kind": "part", "key": part.key}}
    return front_matter(meta) + "\n".join(lines) + "\n"


def cover_page(book: Book, ctx: Context) -> str:
    ui = ctx.ui
    overlay = ctx.overlay
    title = overlay.title_en if ctx.lang == "en" else overlay.title
    author = overlay.author_en if ctx.lang == "en" else overlay.author
    lines = [f"# {md_text(title)}", "", f'<p class="kb-cover-author">{html_text(author)}</p>', "",
             md_text(ui["book_intro"]), "", md_text(ui["excerpt_intro"]), "",
             f"## {md_text(ui['parts_heading'])}", "", '<div class="kb-parts" markdown="1">', ""]
    for number, part in enumerate(book.parts, 1):
        span = _date_range(part, ui)
        count = ui["chapters_count"].format(n=len(part.chapters))
        lines.append(f"{number}. [{md_text(_part_title(part, ctx.lang))}]({part.slug}/index.md) "
                     f'<span class="kb-parts__count">{md_text(count)}</span>'
                     + (f' <span class="kb-parts__years">{md_text(span)}</span>' if span else "")
                     + f'<br><span class="kb-parts__desc">{md_text(_part_description(part, ctx.lang))}</span>')
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
    ui = ctx.ui
    first, second = ("zh", "en") if ctx.lang == "zh" else ("en", "zh")
    heads = {"zh": ui["glossary_zh"], "en": ui["glossary_en"]}
    terms = sorted(ctx.glossary, key=lambda t: t.en.casefold() if ctx.lang == "en" else t.zh)
    lines = [md_text(ui["glossary_intro"]), "", f"| {md_text(heads[first])} | {md_text(heads[second])} |",
             "|---|---|"]
    for t in terms:
        cell = {"zh": t.zh, "en": t.en + (f" ({', '.join(t.alt)})" if t.alt else "")}
        lines.append(f"| {md_text(cell[first])} | {md_text(cell[second])} |")
    meta = {"title": html_text(ui["glossary"]), "kb": {"kind": "glossary"}}
    return front_matter(meta) + "\n".join(lines) + "\n"


def _date_label(chapters: list[Chapter], ctx: Context) -> str:
    dates = [c.post.date for c in chapters if c.post.date and c.post.date.year]
    if not dates:
        return ctx.ui["date_unknown"]
    first, last = min(d.sort_key() for d in dates), max(d.sort_key() for d in dates)
    start, end = f"{first[0]}.{first[1]:02d}", f"{last[0]}.{last[1]:02d}"
    return start if start == end else f"{start} – {end}"


def part_nav(part: Part, ctx: Context) -> list[Any]:
    """A part's navigation: flat when small; else one section per series and runs of dated chapters.

    With ``navigation.prune`` a page then carries only its own section's entries,
    so a page's size does not grow with the size of its part.
    """
    size = ctx.nav_group_size

    def entry(c: Chapter) -> dict[str, str]:
        return {html_text(chapter_title(c, ctx)): f"{part.slug}/{c.slug}.md"}

    if len(part.chapters) <= size:
        return [entry(c) for c in part.chapters]
    groups: list[tuple[str, list[Chapter]]] = []
    for c in part.chapters:
        label = series_name(c.post.series, ctx) if c.role == "series" else None
        if groups and groups[-1][0] == label:
            groups[-1][1].append(c)
        else:
            groups.append((label, [c]))  # type: ignore[arg-type]
    nav: list[Any] = []
    for label, chapters in groups:
        for start in range(0, len(chapters), size):
            run = chapters[start:start + size]
            name = label or _date_label(run, ctx)
            if label and len(chapters) > size:
                name += f" ({start + 1}–{start + len(run)})"
            nav.append({html_text(name): [entry(c) for c in run]})
    return nav


def render(book: Book, ctx: Context) -> Rendered:
    out = Rendered()
    out.files.append(OutputFile("index.md", cover_page(book, ctx)))
    out.nav.append({html_text(ctx.ui["cover_title"]): "index.md"})
    for number, part in enumerate(book.parts, 1):
        out.files.append(OutputFile(f"{part.slug}/index.md", part_page(part, number, ctx)))
        for chapter in part.chapters:
            path = f"{part.slug}/{chapter.slug}.md"
            text, count = chapter_page(chapter, part, ctx, path, out.problems, out.units)
            out.formula_count += count
            out.files.append(OutputFile(path, text))
        out.nav.append({html_text(_part_title(part, ctx.lang)): [f"{part.slug}/index.md", *part_nav(part, ctx)]})
    if ctx.glossary:
        out.files.append(OutputFile("glossary.md", glossary_page(ctx)))
        out.nav.append({html_text(ctx.ui["glossary"]): "glossary.md"})
    seen: set[str] = set()
    for f in out.files:
        if f.path in seen:
            out.problems.append(Problem(Source(f.path, 1), "duplicate-page", f"two pages at {f.path}", Level.ERROR))
        seen.add(f.path)
    return out

