"""Hostile dumps for the benchmark: shapes that once cost quadratic time, at any scale.

Each shape is one dump whose size grows linearly with ``scale``; a linear builder
takes about 4× the time at scale 4 as at scale 1, a quadratic one 16×.  The
shapes come from a hostile review of the reader and the formula tokenizer:

* ``short-lines``: one post of many short lines (the reader once sliced the rest
  of the file for every line);
* ``tiny-entries``: many tiny posts in one file (the same slice, per entry);
* ``byline-spaces``: ``By a`` and a long run of spaces with no ``|`` (the byline
  pattern once backtracked over every split of the run);
* ``unclosed-env``: ``\\begin{equation}x`` repeated without ``\\end`` (the
  tokenizer once searched to the end of the paragraph for every opener);
* ``unclosed-mixed``: ``\\[``, ``\\(``, ``\\begin{`` and ``\\end{`` openers that never close, and one ``$$``;
* ``huge-paragraph``: one paragraph far over the reader's line cap;
* ``page-brackets``: a converter page whose body is unclosed ``[`` and ``](`` (link
  parsing that rescans for every opener is quadratic);
* ``page-nesting``: a converter page of blockquotes and lists nested as deep as a
  line allows, line after line;
* ``page-run-together``: an innerText page whose paragraphs run together on long
  lines, with `` 标题 # `` heading marks and unbalanced ``$`` every few hundred characters.

Sizes at scale 1 are chosen so that the whole row runs in a few seconds; each
line stays under the reader's line cap at scale 4 except in ``huge-paragraph``,
whose point is the cap.

Some inputs never pass through a dump: the search copy is made from a built
page, and placement is handed posts and rules that a page or the editorial
data could give but a reader would cut short.  :data:`STAGES` times such a
stage on its own (``copy-*``: :func:`builder.search.search_page` on lines
that once cost it quadratic time; ``place-*``: :func:`builder.place.place` on
absurd titles, tags and rules; ``align-*``: :func:`builder.translations.align`
on a translation file and a page that match only in runs, part late, or not at
all), so that the unit tests need assert only what those inputs give, never
how long they take.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from builder.model import Block, BlockKind, PartialDate, Post, Source
from builder.overlay import Overlay, PartRule
from builder.place import place
from builder.search import search_page
from builder.translations import Translation, Unit, align, unit_hash

HEAD = "1 Jan\n\n一篇敌意的文章\n\n"


def short_lines(scale: int) -> str:
    return HEAD + "".join(f"第{i}行。\n" for i in range(2_500 * scale))


def tiny_entries(scale: int) -> str:
    # Each a post of its own, as a hostile dump would make them: later stages take them per post.
    return "".join(f"{i % 28 + 1} Jan\n\n短文{i}\n\n短。\n\n" for i in range(500 * scale))


def byline_spaces(scale: int) -> str:
    return HEAD + "".join("By a" + " " * (4_000 * scale) + f"b{i}\n" for i in range(10))


def unclosed_env(scale: int) -> str:
    return HEAD + "".join("前文" + "\\begin{equation}x" * (500 * scale) + "\n" for _ in range(5))


def unclosed_mixed(scale: int) -> str:
    return HEAD + "".join("前文$$" + "\\[x\\(y\\begin{z\\end{w" * (400 * scale) + "\n" for _ in range(5))


def huge_paragraph(scale: int) -> str:
    return HEAD + "很长的一段话，公式$x_1$照常。" * (10_000 * scale) + "\n"


def _converter_page(body: str) -> str:
    """A page the Markdown reader takes: the title line, the split byline, the body, the reprint line."""
    url = "https://kexue.fm/archives/1"
    return (f"# [敌意的页面]({url})\n\nBy 苏剑林 \\|\n2024-01-01 \\|\n1位读者 \\|\n\n{body}\n\n"
            f"_**转载到请包括本文地址：** [{url}]({url})_\n")


def page_brackets(scale: int) -> str:
    line = "正文[链接" * 4_000 + "](" * 4_000 + "\n"
    return _converter_page("".join(line for _ in range(2 * scale)))


def page_nesting(scale: int) -> str:
    quote = "> " * 300 + "深处。\n"
    items = "".join("    " * depth + "- 一项\n" for depth in range(60))
    return _converter_page("".join(quote + "\n" + items + "\n" for _ in range(40 * scale)))


def page_run_together(scale: int) -> str:
    chunk = "很长的一段话，其中有公式$x_1$也有孤立的$符号" * 6 + " 小标题 # "
    line = chunk * 250 + "\n"
    head = "\n 1 \n Jan \n \n By \n 苏剑林 |\n 2024-01-01 |\n 1位读者 \n | \n"
    foot = " 转载到请包括本文地址： https://kexue.fm/archives/2 \n"
    return head + "".join(line for _ in range(2 * scale)) + foot


SHAPES: dict[str, Callable[[int], str]] = {
    "short-lines": short_lines,
    "tiny-entries": tiny_entries,
    "byline-spaces": byline_spaces,
    "unclosed-env": unclosed_env,
    "unclosed-mixed": unclosed_mixed,
    "huge-paragraph": huge_paragraph,
    "page-brackets": page_brackets,
    "page-nesting": page_nesting,
    "page-run-together": page_run_together,
}


def write_shape(folder: Path, shape: str, scale: int) -> Path:
    """An archive folder holding the one hostile dump."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{shape}.txt"
    path.write_text(SHAPES[shape](scale), encoding="utf-8")
    return path


def _article(body: str) -> str:
    return f'<html><body><article class="md-content__inner md-typeset">{body}</article></body></html>'


def _copy(body: str) -> Callable[[], object]:
    page = _article(body)
    return lambda: search_page(page, "zh")


def _post(n: int, title: str, tags: tuple[str, ...] = (), category: str | None = None) -> Post:
    return Post(key=f"k{n:05d}", title=title, title_source="archive", date=PartialDate(1, 1, 2020), author="苏剑林",
                blocks=(), truncated=False, sources=(Source("hostile.md", n),), category=category, tags=tags)


def _rule(key: str, line: int, keywords: tuple[str, ...] = (), tags: tuple[str, ...] = (),
          fallback: bool = False) -> PartRule:
    return PartRule(key=key, title=key, title_en=key, description="", series=(), keywords=keywords, tags=tags,
                    fallback=fallback, source=Source("editorial/book.yml", line))


def _place(posts: list[Post], rules: list[PartRule]) -> Callable[[], object]:
    overlay = Overlay(parts=rules)
    return lambda: place(posts, overlay)


def place_long_titles(scale: int) -> Callable[[], object]:
    n = 25_000 * scale
    titles = ["a" + " " * n + "b（一）", "（" * n, "漫谈" + "（一" * (n // 2), "1" * n + "：2.", "x" * n + "（上）",
              ":" + " " * n + "1."]
    keywords = (*(f"词{i}" for i in range(1000)), "b（一）")
    return _place([_post(i, t) for i, t in enumerate(titles, 1)],
                  [_rule("a", 2, keywords=keywords), _rule("rest", 3, fallback=True)])


def place_absurd_tags(scale: int) -> Callable[[], object]:
    n = 25_000 * scale
    posts = [_post(1, "一篇", tags=(*(f"t{i}" for i in range(n)), "VAE")),
             _post(2, "两篇", tags=("标" * n, " " * n), category="信" * n)]
    return _place(posts, [_rule("by-tag", 2, tags=("vae",)), _rule("rest", 3, fallback=True)])


def place_many_rules(scale: int) -> Callable[[], object]:
    rules = [_rule(f"p{i}", i + 2, keywords=tuple(f"关键词{i}-{j}" for j in range(250)),
                   tags=tuple(f"标签{i}-{j}" for j in range(250))) for i in range(50 * scale)]
    posts = [_post(n, f"第{n}篇：谈谈关键词{n % 250}-{n % 1000}与其他",
                   tags=tuple(f"标签{n % 300}-{k}" for k in range(20))) for n in range(325 * scale)]
    return _place(posts, [*rules, _rule("rest", 100_000, fallback=True)])


def _align(blocks: list[str], units: list[tuple[str, str]]) -> Callable[[], object]:
    post = replace(_post(1, "一篇"), blocks=tuple(Block(BlockKind.PARAGRAPH, t, Source("hostile.md", i + 1))
                                                  for i, t in enumerate(blocks)))
    tr = Translation("k00001", Path("k00001.yml"), None, [Unit(unit_hash(s), s, t) for s, t in units])
    return lambda: align(post, tr)


def align_repeated_pieces(scale: int) -> Callable[[], object]:
    """Every unit is two of the page's identical blocks: each a run to match, none a shortcut."""
    piece = "重复的句子在这里。"
    return _align([piece] * (2_000 * scale), [(piece * 2, "Two.")] * (1_000 * scale))


def align_late_parting(scale: int) -> Callable[[], object]:
    """Blocks and units that open alike and part at their very end: every start is tried, none matches."""
    body = "相同的开头" * 40
    return _align([f"{body}块{i}" for i in range(1_000 * scale)],
                  [(f"{body}{body}单元{i}", "Unit.") for i in range(1_000 * scale)])


def align_stale_candidates(scale: int) -> Callable[[], object]:
    """A file whose units all differ from the page's blocks: each block is weighed against old units."""
    return _align([f"第{i}段，说的是一件事情的第{i}个方面。" for i in range(250 * scale)],
                  [(f"旧的第{i}段，讲的是另一件事情的第{i}个方面。", "Old.") for i in range(250 * scale)])


def align_crossed_anchors(scale: int) -> Callable[[], object]:
    """Current blocks that jump between the file's first and last units, a new block after each: every gap
    spans all the old units in between."""
    n = 500 * scale
    units = [(f"锚点{i}号的段落。", f"Anchor {i}.") for i in range(2 * n)] + [(f"旧段{i}。", "Old.") for i in range(n)]
    order = [units[i if i % 2 == 0 else 2 * n - i][0] for i in range(n)]
    return _align([b for i, text in enumerate(order) for b in (text, f"新段{i}，从未译过。")], units)


STAGES: dict[str, Callable[[int], Callable[[], object]]] = {
    "copy-brackets": lambda scale: _copy("<" * (25_000 * scale)),
    "copy-unended-tag": lambda scale: _copy("<p " + "a" * (25_000 * scale)),
    "copy-unclosed-nesting": lambda scale: _copy('<div class="kb-alt">' + "<div>" * (12_500 * scale)),
    "copy-ideographs": lambda scale: _copy("<p>" + "判别器" * (10_000 * scale) + "</p>"),
    "copy-many-elements": lambda scale: _copy(("<span>x</span>" + '<span class="arithmatex">\\(t\\)</span>')
                                              * (2_500 * scale)),
    "place-long-titles": place_long_titles,
    "place-absurd-tags": place_absurd_tags,
    "place-many-rules": place_many_rules,
    "align-repeated-pieces": align_repeated_pieces,
    "align-late-parting": align_late_parting,
    "align-stale-candidates": align_stale_candidates,
    "align-crossed-anchors": align_crossed_anchors,
}
