"""Stage 5: the book in, Markdown pages and the navigation out.

Pages carry their metadata in YAML front matter (written by PyYAML, so no
value can break out of it) and their JSON-LD pre-serialised with ``<``, ``>``
and ``&`` as ``\\u`` escapes, so it is inert inside ``<script>``.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any

import yaml

from .mathtext import escape_text, formulas, paragraph_markdown, plain_text, split_math
from .model import Block, BlockKind, Book, Chapter, Level, OutputFile, Part, PartialDate, Problem
from .overlay import Overlay

LANG_TAG = {"zh": "zh-CN", "en": "en"}


@dataclass
class Rendered:
    files: list[OutputFile] = field(default_factory=list)
    nav: list[Any] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    formula_count: int = 0


def json_ld(data: dict[str, Any]) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def front_matter(meta: dict[str, Any]) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=True, width=10**6) + "---\n\n"


def format_date(date: PartialDate | None, ui: dict[str, str]) -> str:
    if date is None:
        return ui["date_unknown"]
    if date.year is None:
        return ui["date_fmt_noyear"].format(m=date.month, d=date.day) + ui["year_unknown"]
    return ui["date_fmt"].format(y=date.year, m=date.month, d=date.day)


def block_markdown(block: Block, ui: dict[str, str], problems: list[Problem]) -> tuple[str, int]:
    """One archive block as Markdown, and how many formulas it holds."""
    segments, issues = split_math(block.text)
    for issue in issues:
        problems.append(Problem(block.source, "suspicious-math", issue.message))
    count = len(formulas(segments))
    if block.kind == BlockKind.HEADING:
        return "## " + paragraph_markdown(segments).replace("\n", " "), count
    if block.kind == BlockKind.FIGURE:
        caption = html.escape(block.text)
        return (f'<div class="kb-figure" role="figure" aria-label="{caption}">'
                f'<span class="kb-figure__missing">{html.escape(ui["figure_missing"])}</span>'
                f'<span class="kb-figure__caption">{caption}</span></div>'), 0
    return paragraph_markdown(segments), count


def _description(chapter: Chapter) -> str:
    for block in chapter.post.blocks:
        if block.kind == BlockKind.PARAGRAPH:
            text = " ".join(plain_text(split_math(block.text)[0]).split())
            if text:
                return text[:120]
    return chapter.post.title or ""


def _rel(from_dir_depth: int, path: str) -> str:
    return "../" * from_dir_depth + path


def chapter_page(chapter: Chapter, part: Part, overlay: Overlay, ui: dict[str, str], lang: str,
                 problems: list[Problem]) -> tuple[str, int]:
    post = chapter.post
    body: list[str] = []
    count = 0
    for block in post.blocks:
        md, n = block_markdown(block, ui, problems)
        count += n
        if md:
            body.append(md)

    meta_lines = [f'<span class="kb-author">{html.escape(ui["by"])}：{html.escape(post.author)}</span>']
    iso = post.date.iso() if post.date else None
    date_text = html.escape(format_date(post.date, ui))
    meta_lines.append(f'<time datetime="{iso}">{date_text}</time>' if iso else f"<span>{date_text}</span>")
    if post.series:
        key = "series_position" if post.series_number is not None else "series_position_nonum"
        text = ui[key].format(series=post.series, number=post.series_number)
        if chapter.series_position and chapter.series_position[1] > 1:
            text += ui["series_in_book"].format(index=chapter.series_position[0],
                                                count=chapter.series_position[1])
        meta_lines.append(f'<span class="kb-series">{html.escape(text)}</span>')
    if post.url:
        meta_lines.append(f'<a class="kb-original" href="{html.escape(post.url)}">{html.escape(ui["original"])}</a>')
    else:
        meta_lines.append(f'<span class="kb-original">{html.escape(ui["original_unknown"])}</span>')
    if post.title_source == "provisional":
        meta_lines.append(f'<span class="kb-provisional">{html.escape(ui["title_provisional"])}</span>')
    header = '<p class="kb-meta">' + " · ".join(meta_lines) + "</p>"

    footer = ['<div class="kb-excerpt" markdown="1">']
    if post.truncated or post.url:
        note = ui["excerpt_notice"] if post.truncated else ""
        if post.url:
            note += f' <a href="{html.escape(post.url)}">{html.escape(ui["read_full"])} →</a>'
        footer.append(f'<p>{note.strip()}</p>')
    sources = ", ".join(str(s) for s in post.sources)
    footer.append(f'<p class="kb-sources">{html.escape(ui["sources"])}：{html.escape(sources)}</p>')
    footer.append("</div>")

    ld: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": post.title,
        "author": {"@type": "Person", "name": post.author},
        "inLanguage": LANG_TAG[lang],
    }
    if iso:
        ld["datePublished"] = iso
    elif post.date:
        ld["temporalCoverage"] = f"--{post.date.month:02d}-{post.date.day:02d}"
    if post.url:
        ld["isBasedOn"] = post.url
    if post.series:
        ld["isPartOf"] = {"@type": "CreativeWorkSeries", "name": post.series}
        if post.series_number is not None:
            ld["position"] = post.series_number
    meta = {
        "title": post.title,
        "description": _description(chapter),
        "jsonld": json_ld(ld),
        "kb": {"kind": "chapter", "key": post.key, "part": part.key, "formulas": count},
    }
    text = front_matter(meta) + header + "\n\n" + "\n\n".join(body) + "\n\n" + "\n".join(footer) + "\n"
    return text, count


def _date_range(part: Part, ui: dict[str, str]) -> str:
    years = sorted(c.post.date.year for c in part.chapters if c.post.date and c.post.date.year)
    if not years:
        return ""
    return str(years[0]) if years[0] == years[-1] else ui["date_range"].format(start=years[0], end=years[-1])


def part_page(part: Part, number: int, ui: dict[str, str]) -> str:
    lines = [f'<p class="kb-part-label">{html.escape(ui["part_label"].format(n=number))}</p>', "",
             escape_text(part.description), "", f"## {escape_text(ui['chapters_heading'])}", "",
             '<div class="kb-toc" markdown="1">', ""]
    for n, c in enumerate(part.chapters, 1):
        date = html.escape(format_date(c.post.date, ui))
        lines.append(f'{n}. [{escape_text(c.post.title or "")}]({c.slug}.md) '
                     f'<span class="kb-toc__date">{date}</span>')
    lines += ["", "</div>"]
    meta = {"title": part.title, "description": part.description, "kb": {"kind": "part", "key": part.key}}
    return front_matter(meta) + "\n".join(lines) + "\n"


def cover_page(book: Book, overlay: Overlay, ui: dict[str, str]) -> str:
    chapters = book.chapters()
    lines = [f"# {escape_text(overlay.title)}", "", f'<p class="kb-cover-author">{html.escape(overlay.author)}</p>', "",
             escape_text(ui["book_intro"]), "", escape_text(ui["excerpt_intro"]), "",
             f"## {escape_text(ui['parts_heading'])}", "", '<div class="kb-parts" markdown="1">', ""]
    for number, part in enumerate(book.parts, 1):
        span = _date_range(part, ui)
        count = ui["chapters_count"].format(n=len(part.chapters))
        lines.append(f'{number}. [{escape_text(part.title)}]({part.slug}/index.md) '
                     f'<span class="kb-parts__count">{html.escape(count)}</span>'
                     + (f' <span class="kb-parts__years">{html.escape(span)}</span>' if span else "")
                     + f'<br><span class="kb-parts__desc">{html.escape(part.description)}</span>')
    lines += ["", "</div>"]
    if chapters:
        first = book.parts[0]
        lines += ["", f"## {escape_text(ui['start_here'])}", "",
                  f'{escape_text(ui["start_with"])}[{escape_text(first.chapters[0].post.title or "")}]'
                  f'({first.slug}/{first.chapters[0].slug}.md)']
    meta = {"title": overlay.title, "description": ui["book_intro"][:150], "kb": {"kind": "cover"},
            "hide": ["navigation", "toc"]}
    return front_matter(meta) + "\n".join(lines) + "\n"


def render(book: Book, overlay: Overlay, ui: dict[str, str], lang: str = "zh") -> Rendered:
    out = Rendered()
    out.files.append(OutputFile("index.md", cover_page(book, overlay, ui)))
    out.nav.append({ui["cover_title"]: "index.md"})
    for number, part in enumerate(book.parts, 1):
        out.files.append(OutputFile(f"{part.slug}/index.md", part_page(part, number, ui)))
        section: list[Any] = [f"{part.slug}/index.md"]
        for chapter in part.chapters:
            text, count = chapter_page(chapter, part, overlay, ui, lang, out.problems)
            out.formula_count += count
            path = f"{part.slug}/{chapter.slug}.md"
            out.files.append(OutputFile(path, text))
            section.append({chapter.post.title: path})
        out.nav.append({part.title: section})
    seen: set[str] = set()
    for f in out.files:
        if f.path in seen:
            out.problems.append(Problem(_src(f.path), "duplicate-page", f"two pages at {f.path}", Level.ERROR))
        seen.add(f.path)
    return out


def _src(path: str):  # noqa: ANN202 - tiny helper
    from .model import Source

    return Source(path, 1)
