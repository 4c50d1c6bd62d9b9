"""Page bodies: a chapter's units as Markdown, with the parallel text and the notices of a translation."""

from __future__ import annotations

import re

from ..escape import html_text
from ..mathtext import formulas, paragraph_markdown, split_math
from ..model import Aligned, BlockKind, Chapter, Problem, Source, State
from ..texsafety import unsafe_tex
from . import names
from .context import Context

# Characters of one page's text that go into the search index: the whole of
# any real post (the longest run to about 30,000), while one absurd page cannot
# make every reader's first search wait for megabytes of index.
SEARCH_BUDGET = 60_000
MATH_ISSUES_SHOWN = 3  # per block: a hostile paragraph can hold thousands of unbalanced '$'

_NUMBERED = re.compile(r"\\(begin|end)\{(equation|align|gather|multline|eqnarray|alignat|flalign)\}")
_LABEL = re.compile(r"\\label\{[^{}]*\}")


def text_markdown(kind: BlockKind, text: str, ui: dict[str, str], source: Source,
                  problems: list[Problem] | None) -> tuple[str, int]:
    """One unit of text (any edition) as Markdown, and how many formulas it holds."""
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
        return (f'<div class="{names.FIGURE}" role="figure" aria-label="{caption}">'
                f'<span class="{names.FIGURE_MISSING}">{html_text(ui["figure_missing"])}</span>'
                f'<span class="{names.FIGURE_CAPTION}">{caption}</span></div>'), 0
    return paragraph_markdown(segments), count


def unnumbered(text: str) -> str:
    """Formulas of a second copy: no numbers and no labels, so the first copy keeps both."""
    return _LABEL.sub("", _NUMBERED.sub(lambda m: f"\\{m.group(1)}{{{m.group(2)}*}}", text))


def _alt(kind: BlockKind, text: str, tag: str, ui: dict[str, str], source: Source) -> str:
    """Another edition's text, hidden until the reader asks for the parallel view."""
    text = unnumbered(text)
    if kind == BlockKind.HEADING:  # a paragraph, not a heading: the copy must not enter the table of contents
        md, _ = text_markdown(BlockKind.PARAGRAPH, text, ui, source, None)
        md = f'<div class="{names.ALT_HEADING}" markdown="1">\n\n{md}\n\n</div>'
    else:
        md, _ = text_markdown(kind, text, ui, source, None)
    return (f'<div class="{names.ALT}" lang="{html_text(tag)}" data-search-exclude markdown="1">\n\n'
            f"{md}\n\n</div>")


def _unit(index: int, unit: Aligned, chapter: Chapter, ctx: Context, problems: list[Problem]) -> tuple[str, int]:
    block = unit.block
    ui = ctx.ui
    original = ctx.editions.original
    if ctx.is_original:  # the archive's text, with every edition that has a current translation of it
        md, count = text_markdown(block.kind, block.text, ui, block.source, problems)
        alts = [_alt(block.kind, other.text, e.tag, ui, block.source)
                for e in ctx.editions.translated if e.lang in chapter.texts
                for other in (chapter.texts[e.lang].units[index],)
                if other.state == State.CURRENT and other.text]
        if alts:
            return f'<div class="{names.UNIT}" markdown="1">\n\n{md}\n\n' + "\n\n".join(alts) + "\n\n</div>", count
        return md, count
    if unit.state == State.CURRENT and unit.text:
        md, count = text_markdown(block.kind, unit.text, ui, block.source, None)
        return (f'<div class="{names.UNIT}" markdown="1">\n\n{md}\n\n'
                f'{_alt(block.kind, block.text, original.tag, ui, block.source)}\n\n</div>'), count
    md, count = text_markdown(block.kind, block.text, ui, block.source, None)
    stale = unit.state == State.STALE
    notice = ui["stale"] if stale else ui["untranslated"]
    kind = names.NOTICE_STALE if stale else names.NOTICE_MISSING
    return (f'<div class="{names.NOTICE} {kind}" lang="{html_text(original.tag)}" markdown="1">\n\n'
            f'<p class="{names.NOTICE_LABEL}" lang="{html_text(ctx.edition.tag)}">{html_text(notice)}</p>'
            f"\n\n{md}\n\n</div>"), count


def chapter_body(chapter: Chapter, ctx: Context, problems: list[Problem],
                 units: dict[str, int]) -> tuple[list[str], list[tuple[BlockKind, str]], int]:
    """The chapter's units as Markdown blocks, the text each shows (for the description), and its formula count."""
    text = chapter.texts[ctx.lang]
    body: list[str] = []
    shown: list[tuple[BlockKind, str]] = []
    count = indexed = 0
    for index, unit in enumerate(text.units):
        units[unit.state.value] = units.get(unit.state.value, 0) + 1
        md, n = _unit(index, unit, chapter, ctx, problems)
        count += n
        visible = unit.shown()
        shown.append((unit.block.kind, visible))
        indexed += len(visible)
        if md and indexed > SEARCH_BUDGET:  # shown on the page, kept out of the search index
            md = f'<div data-search-exclude markdown="1">\n\n{md}\n\n</div>'
        if md:
            body.append(md)
    return body, shown, count


def has_parallel_text(chapter: Chapter, ctx: Context) -> bool:
    if ctx.is_original:
        return any(chapter.texts[e.lang].has_translation() for e in ctx.editions.translated if e.lang in chapter.texts)
    return chapter.texts[ctx.lang].has_translation()
