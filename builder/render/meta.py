"""Metadata: the line under a chapter's title, its footer, its description and its JSON-LD."""

from __future__ import annotations

from typing import Any

from ..escape import html_text, json_ld, safe_href
from ..mathtext import plain_text, split_math
from ..model import BlockKind, Chapter, PartialDate, State
from . import names
from .context import Context, author_name, chapter_title, series_name

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def format_date(date: PartialDate | None, ui: dict[str, str]) -> str:
    if date is None:
        return ui["date_unknown"]
    month_name = MONTHS[date.month - 1]
    if date.year is None:
        return ui["date_fmt_noyear"].format(m=date.month, d=date.day, month_name=month_name) + ui["year_unknown"]
    return ui["date_fmt"].format(y=date.year, m=date.month, d=date.day, month_name=month_name)


def page_url(path: str) -> str:
    """Site-relative URL of a generated page (directory URLs)."""
    if path == "index.md":
        return ""
    return path[: -len("index.md")] if path.endswith("/index.md") else path[:-3] + "/"


def description(blocks: list[tuple[BlockKind, str]], fallback: str) -> str:
    for kind, text in blocks:
        if kind == BlockKind.PARAGRAPH:
            plain = " ".join(plain_text(split_math(text)[0]).split())
            if plain:
                return plain[:160]
    return fallback


def chapter_header(chapter: Chapter, ctx: Context, parallel: bool) -> str:
    """Author, date, series, original link; the parallel-text toggle; a notice when the title is untranslated."""
    post = chapter.post
    ui = ctx.ui
    items = [f'<span class="{names.AUTHOR}">{html_text(ui["by"])} {html_text(author_name(post.author, ctx))}'
             "</span>"]
    iso = post.date.iso() if post.date else None
    date_text = html_text(format_date(post.date, ui))
    items.append(f'<time datetime="{iso}">{date_text}</time>' if iso else f"<span>{date_text}</span>")
    series = series_name(post.series, ctx)
    if series:
        key = "series_position" if post.series_number is not None else "series_position_nonum"
        text = ui[key].format(series=series, number=post.series_number)
        if chapter.series_position and chapter.series_position[1] > 1:
            text += ui["series_in_book"].format(index=chapter.series_position[0], count=chapter.series_position[1])
        items.append(f'<span class="{names.SERIES}">{html_text(text)}</span>')
    original = safe_href(post.url)
    if original:
        items.append(f'<a class="{names.ORIGINAL}" href="{html_text(original)}">{html_text(ui["original"])}</a>')
    else:
        items.append(f'<span class="{names.ORIGINAL}">{html_text(ui["original_unknown"])}</span>')
    if post.title_source == "provisional":
        items.append(f'<span class="{names.PROVISIONAL}">{html_text(ui["title_provisional"])}</span>')
    header = f'<p class="{names.META}" data-search-exclude>' + " · ".join(items) + "</p>"
    if parallel:
        show, hide = html_text(ui["parallel_show"]), html_text(ui["parallel_hide"])
        header += (f'\n\n<p class="{names.PARALLEL}" data-search-exclude>'
                   f'<button type="button" class="{names.PARALLEL_TOGGLE} md-button" aria-pressed="false" '
                   f'data-show="{show}" data-hide="{hide}">{show}</button></p>')
    if not ctx.is_original and chapter.texts[ctx.lang].title_state != State.CURRENT:
        header = (f'<p class="{names.NOTICE} {names.NOTICE_MISSING}">{html_text(ui["title_untranslated"])}</p>'
                  "\n\n" + header)
    return header


def chapter_footer(chapter: Chapter, ctx: Context) -> str:
    post = chapter.post
    ui = ctx.ui
    original = safe_href(post.url)
    footer = [f'<div class="{names.EXCERPT}" data-search-exclude markdown="1">']
    if post.truncated or original:
        note = html_text(ui["excerpt_notice"]) if post.truncated else ""
        if original:
            label = ui["read_full"] if post.truncated else ui["original"]  # a full article: just its source
            note += f' <a href="{html_text(original)}">{html_text(label)} →</a>'
        footer.append(f"<p>{note.strip()}</p>")
    sources = ", ".join(str(s) for s in post.sources)
    footer.append(f'<p class="{names.SOURCES}">{html_text(ui["sources"])}: {html_text(sources)}</p>')
    footer.append("</div>")
    return "\n".join(footer)


def chapter_json_ld(chapter: Chapter, ctx: Context, path: str) -> str:
    """schema.org Article; the original names its translations, each translation the original."""
    post = chapter.post
    ld: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": chapter_title(chapter, ctx),
        "author": {"@type": "Person", "name": post.author},
        "inLanguage": ctx.edition.tag,
        "url": ctx.site_urls[ctx.lang] + page_url(path),
    }
    if ctx.is_original:
        twins = [{"@id": ctx.site_urls[e.lang] + page_url(path)} for e in ctx.editions.translated]
        if twins:
            ld["workTranslation"] = twins[0] if len(twins) == 1 else twins
    else:
        ld["translationOfWork"] = {"@id": ctx.site_urls[ctx.editions.original.lang] + page_url(path)}
    iso = post.date.iso() if post.date else None
    if iso:
        ld["datePublished"] = iso
    elif post.date:
        ld["temporalCoverage"] = f"--{post.date.month:02d}-{post.date.day:02d}"
    original = safe_href(post.url)
    if original:
        ld["isBasedOn"] = original
    if post.series:
        ld["isPartOf"] = {"@type": "CreativeWorkSeries", "name": series_name(post.series, ctx)}
        if post.series_number is not None:
            ld["position"] = post.series_number
    return json_ld(ld)
