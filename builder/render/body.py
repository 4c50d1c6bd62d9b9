"""Page bodies: a chapter's units as Markdown, with the parallel text and the notices of a translation."""

from __future__ import annotations

import re
from dataclasses import replace

from .. import inline, texfix
from ..escape import html_text
from ..mathtext import Segment, display_body, formulas, paragraph_markdown, split_math
from ..model import Aligned, Block, BlockKind, Chapter, Markup, Problem, State, with_joined
from ..texsafety import unsafe_tex
from . import names
from .context import Context
from .markdown import Links, block_markdown

# Characters of one page's text that go into the search index: the whole of
# any real post (the longest run to about 30,000), while one absurd page cannot
# make every reader's first search wait for megabytes of index.
SEARCH_BUDGET = 60_000
MATH_ISSUES_SHOWN = 3  # per block: a hostile paragraph can hold thousands of unbalanced '$'

_NUMBERED = re.compile(r"\\(begin|end)\{(equation|align|gather|multline|eqnarray|alignat|flalign)\}")
_LABEL = re.compile(r"\\label\{[^{}]*\}")


def text_markdown(block: Block, text: str, ui: dict[str, str], links: Links,
                  problems: list[Problem] | None) -> tuple[str, int]:
    """One unit of text (any edition) as Markdown, and how many formulas it holds."""
    md, count = _markdown(block, text, ui, links, problems)
    if block.kind == BlockKind.MATH and texfix.only_definitions(text):
        # Nothing to see (the page's preamble holds its definitions): typeset out of sight, not an empty display.
        md = f'<div class="{names.MACROS}" hidden markdown="1">\n\n{md}\n\n</div>'
    return md, count


def _markdown(block: Block, text: str, ui: dict[str, str], links: Links,
              problems: list[Problem] | None) -> tuple[str, int]:
    kind = block.kind
    source = block.source
    markdown = block.markup == Markup.MARKDOWN
    split = split_math(text) if not markdown and kind != BlockKind.CODE else None
    if kind == BlockKind.MATH:
        found = [text]
    elif kind == BlockKind.CODE:
        found = []
    elif split is None:
        found = inline.formulas_in(text)
    else:
        found = formulas(split[0])
    if problems is not None:
        if split is not None:
            issues = split[1]
            for issue in issues[:MATH_ISSUES_SHOWN]:
                problems.append(Problem(source, "suspicious-math", issue.message))
            if len(issues) > MATH_ISSUES_SHOWN:
                problems.append(Problem(source, "suspicious-math",
                                        f"… and {len(issues) - MATH_ISSUES_SHOWN} more such problem(s) in this block"))
        for tex in found:
            for what in unsafe_tex(tex):
                problems.append(Problem(source, "unsafe-tex", f"{what} in the formula {tex[:60]!r}"))
    count = len(found)
    if markdown or kind in (BlockKind.CODE, BlockKind.IMAGE, BlockKind.RULE):
        return block_markdown(block, text, links), count
    assert split is not None
    segments = [s if s.kind == "text" else Segment(s.kind, links.tex(s.value)) for s in split[0]]
    if kind == BlockKind.HEADING:
        return "## " + paragraph_markdown(segments).replace("\n", " "), count
    if kind == BlockKind.FIGURE:
        caption = html_text(text)
        return (f'<div class="{names.FIGURE}" role="figure" aria-label="{caption}">'
                f'<span class="{names.FIGURE_MISSING}">{html_text(ui["figure_missing"])}</span>'
                f'<span class="{names.FIGURE_CAPTION}">{caption}</span></div>'), 0
    return paragraph_markdown(segments), count


# One chapter's units as Markdown, shared by its pages in every edition: (block, text, the words for a missing
# figure when the text may show one) → Markdown, formula count, problems found.  The other editions show most
# units in the original's text, and nothing else of an edition reaches a unit's Markdown.
UnitMemo = dict[tuple[int, str, str], tuple[str, int, tuple[Problem, ...]]]


def _memo_markdown(memo: UnitMemo, block: Block, text: str, ui: dict[str, str], links: Links,
                   problems: list[Problem] | None) -> tuple[str, int]:
    """:func:`text_markdown`, once per chapter for the same text (the figure's words are all it reads of ``ui``)."""
    figure = block.kind in (BlockKind.IMAGE, BlockKind.FIGURE) or "![" in text  # may show the words
    key = (id(block), text, links.figure_missing if figure else "")
    found = memo.get(key)
    if found is None:
        own: list[Problem] = []
        md, count = text_markdown(block, text, ui, links, own)
        found = memo[key] = (md, count, tuple(own))
    if problems is not None:
        problems += found[2]
    return found[0], found[1]


# A translation may use links and emphasis whatever the shape its source block was read from; a plain-text
# page's paragraph is plain, and the translations of plain blocks write their formulas as plain text does
# (a bare \begin{equation} too).  Such a text is put into the canonical dialect before it is rendered.
_DIALECT_KINDS = frozenset({BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.LIST_ITEM, BlockKind.QUOTE})


def as_translation(block: Block, text: str) -> tuple[Block, str]:
    """A translation's block and text as they are rendered: in the dialect, where the kind carries running text.

    The formulas are those the plain text holds (:func:`split_math`), written ``$…$`` / ``$$…$$``; the text
    between them is kept as written, links and emphasis included, with any '$' left in it literal.
    """
    if block.markup == Markup.MARKDOWN or block.kind not in _DIALECT_KINDS:
        return block, text
    parts: list[str] = []
    for seg in split_math(text)[0]:
        if seg.kind == "text":
            parts.append(seg.value.replace("$", "\\$"))
        elif seg.kind == "inline":
            parts.append(inline.math(seg.value))
        else:
            parts.append(inline.math(display_body(seg.value), display=True))
    return replace(block, markup=Markup.MARKDOWN), "".join(parts)


def unnumbered(text: str) -> str:
    """Formulas of a second copy: no numbers and no labels, so the first copy keeps both."""
    return _LABEL.sub("", _NUMBERED.sub(lambda m: f"\\{m.group(1)}{{{m.group(2)}*}}", text))


def _alt(block: Block, text: str, tag: str, ui: dict[str, str], links: Links) -> str:
    """Another edition's text, hidden until the reader asks for the parallel view."""
    text = unnumbered(text)
    if block.kind == BlockKind.HEADING:  # a paragraph, not a heading: the copy must not enter the table of contents
        md, _ = text_markdown(replace(block, kind=BlockKind.PARAGRAPH), text, ui, links, None)
        md = f'<div class="{names.ALT_HEADING}" markdown="1">\n\n{md}\n\n</div>'
    else:
        md, _ = text_markdown(block, text, ui, links, None)
    return (f'<div class="{names.ALT}" lang="{html_text(tag)}" data-search-exclude markdown="1">\n\n'
            f"{md}\n\n</div>")


def _unit(index: int, unit: Aligned, chapter: Chapter, ctx: Context, links: Links,
          problems: list[Problem], memo: UnitMemo) -> tuple[str, int, str]:
    """One unit's Markdown, its formula count, and the notice it goes under ("" for none)."""
    block = unit.block
    ui = ctx.ui
    original = ctx.editions.original
    if not block.translatable or unit.state == State.ORIGINAL and not ctx.is_original:
        return (*_memo_markdown(memo, block, block.text, ui, links, problems if ctx.is_original else None), "")
    if ctx.is_original:  # the archive's text, with every edition that has a current translation of it
        md, count = _memo_markdown(memo, block, block.text, ui, links, problems)
        alts = [_alt(*as_translation(block, other.text), e.tag, ui, links)
                for e in ctx.editions.translated if e.lang in chapter.texts
                for other in (chapter.texts[e.lang].units[index],)
                if other.state == State.CURRENT and other.text]
        if alts:
            return (f'<div class="{names.UNIT}" markdown="1">\n\n{md}\n\n' + "\n\n".join(alts) + "\n\n</div>",
                    count, "")
        return md, count, ""
    if unit.state == State.JOINED:  # its original is shown beside the translation of the run's first block
        return "", 0, ""
    if unit.state == State.CURRENT and unit.text:
        md, count = text_markdown(*as_translation(block, unit.text), ui, links, None)
        alts = "\n\n".join(_alt(u.block, u.block.text, original.tag, ui, links)
                             for u in with_joined(chapter.texts[ctx.lang].units, index))
        return f'<div class="{names.UNIT}" markdown="1">\n\n{md}\n\n{alts}\n\n</div>', count, ""
    md, count = _memo_markdown(memo, block, block.text, ui, links, None)
    return md, count, names.NOTICE_STALE if unit.state == State.STALE else names.NOTICE_MISSING


def _notice(kind: str, blocks: list[str], ctx: Context) -> str:
    """A run of units shown in the original (untranslated, or translated from an older text) under one label."""
    words = ctx.ui["stale"] if kind == names.NOTICE_STALE else ctx.ui["untranslated"]
    body = "\n\n".join(blocks)
    return (f'<div class="{names.NOTICE} {kind}" lang="{html_text(ctx.editions.original.tag)}" markdown="1">\n\n'
            f'<p class="{names.NOTICE_LABEL}" lang="{html_text(ctx.edition.tag)}">{html_text(words)}</p>'
            f"\n\n{body}\n\n</div>")


def _is_item(md: str) -> bool:
    return md.lstrip()[:1] in ("-", *"0123456789") and bool(md.strip())


def _append(blocks: list[str], md: str, block: Block, prev_item: bool) -> bool:
    """Add one unit's Markdown to ``blocks``; whether it ended in a bare list (the next item joins that list)."""
    if block.kind == BlockKind.LIST_ITEM and _is_item(md):
        if prev_item:  # the next item of the same list: one list, nested where the page nested it
            # An item of several paragraphs (a display formula under its text) makes the list loose: without
            # a blank line the next item's marker would be read as that formula's last line.
            loose = "\n\n" in md or "\n\n" in blocks[-1]
            blocks[-1] += ("\n\n" if loose else "\n") + md
            return True
        blocks.append(md.lstrip())  # a list's first item (or one after a wrapped unit) cannot start indented
        return True
    if block.kind == BlockKind.CODE and block.level and prev_item:
        # Code inside a list's item: under that item, so the list goes on (and an ordered one keeps counting).
        pad = "    " * min(block.level, 6)
        blocks[-1] += "\n\n" + "\n".join(pad + line if line else line for line in md.split("\n"))
        return True
    blocks.append(md)
    return False


def chapter_body(chapter: Chapter, ctx: Context, links: Links, problems: list[Problem], units: dict[str, int],
                 memo: UnitMemo) -> tuple[list[str], list[tuple[BlockKind, str]], int]:
    """The chapter's units as Markdown blocks, the text each shows (for the description), and its formula count.

    ``memo`` is shared by the chapter's pages in all editions (see :data:`UnitMemo`).
    """
    text = chapter.texts[ctx.lang]
    body: list[str] = []
    shown: list[tuple[BlockKind, str]] = []
    count = indexed = 0
    group: list[str] = []  # the current run of units under one notice
    group_kind = ""
    prev_item = False  # whether the last Markdown block is a bare list item, to which the next item belongs
    for index, unit in enumerate(text.units):
        units[unit.state.value] = units.get(unit.state.value, 0) + 1
        md, n, notice = _unit(index, unit, chapter, ctx, links, problems, memo)
        count += n
        visible = unit.shown()
        block = unit.block
        if not ctx.is_original and unit.state == State.CURRENT and unit.text:
            block, visible = as_translation(block, visible)
        if block.markup == Markup.MARKDOWN:
            visible = inline.plain(visible)
        shown.append((unit.block.kind, visible))
        indexed += len(visible)
        if md and indexed > SEARCH_BUDGET:  # shown on the page, kept out of the search index
            md = f'<div data-search-exclude markdown="1">\n\n{md}\n\n</div>'
        if not md:
            continue
        if not notice and group_kind and not unit.block.translatable:
            notice = group_kind  # a formula or code between paragraphs shown in the original stays in their run
        if notice != group_kind:
            if group:
                body.append(_notice(group_kind, group, ctx))
            group, group_kind, prev_item = [], notice, False
        prev_item = _append(group if notice else body, md, unit.block, prev_item)
    if group:
        body.append(_notice(group_kind, group, ctx))
    return body, shown, count


def has_parallel_text(chapter: Chapter, ctx: Context) -> bool:
    if ctx.is_original:
        return any(chapter.texts[e.lang].has_translation() for e in ctx.editions.translated if e.lang in chapter.texts)
    return chapter.texts[ctx.lang].has_translation()
