"""Navigation: the book's parts and chapters as mkdocs' ``nav``, split so that no page carries all of it."""

from __future__ import annotations

from typing import Any

from ..escape import html_text
from ..model import Book, Chapter, Part
from .context import Context, chapter_title, part_title, series_name


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
    groups: list[tuple[str | None, list[Chapter]]] = []
    for c in part.chapters:
        label = series_name(c.post.series, ctx) if c.role == "series" else None
        if groups and groups[-1][0] == label:
            groups[-1][1].append(c)
        else:
            groups.append((label, [c]))
    nav: list[Any] = []
    for label, chapters in groups:
        for start in range(0, len(chapters), size):
            run = chapters[start:start + size]
            name = label or _date_label(run, ctx)
            if label and len(chapters) > size:
                name += f" ({start + 1}–{start + len(run)})"
            nav.append({html_text(name): [entry(c) for c in run]})
    return nav


def book_nav(book: Book, ctx: Context, glossary: bool) -> list[Any]:
    """Titles are HTML to mkdocs and the theme, so they are escaped here, once."""
    nav: list[Any] = [{html_text(ctx.ui["cover_title"]): "index.md"}]
    for part in book.parts:
        nav.append({html_text(part_title(part, ctx)): [f"{part.slug}/index.md", *part_nav(part, ctx)]})
    if glossary:
        nav.append({html_text(ctx.ui["glossary"]): "glossary.md"})
    return nav
