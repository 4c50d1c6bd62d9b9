"""Article blocks to the Markdown mkdocs renders, every leaf escaped once.

A block of an article page holds the canonical inline dialect of
:mod:`builder.inline`.  It is parsed (never pattern-matched) and written back
token by token in the layout Python-Markdown and ``pymdownx.arithmatex`` read
reliably: text through :func:`builder.escape.md_text`, formulas as ``$…$`` or
a display block standing alone, emphasis and links as HTML tags the builder
writes itself, code in code spans and fences longer than any run inside.
Links to other posts of the book point at their chapter in the same edition;
other http(s) links are marked external; anything else stays text.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from pymdownx.slugs import slugify

from .. import inline, texfix
from ..escape import html_text, md_text, safe_href
from ..model import Block, BlockKind, Markup
from . import names


def page_url(path: str) -> str:
    """Site-relative URL of a generated page (directory URLs)."""
    if path == "index.md":
        return ""
    return path[: -len("index.md")] if path.endswith("/index.md") else path[:-3] + "/"

# A post of the blog, also at one of its comment pages or with a query (?replytocom=…): the same chapter.
_BLOG_POST = re.compile(r"^https?://(?:www\.)?(?:kexue\.fm|spaces\.ac\.cn)/archives/(\d{1,7})(?:/comment-page-\d{1,5})?/?"
                        r"(?:\?[^#]*)?(?:#(.*))?$", re.I)
_FENCE = re.compile(r"`{3,}|~{3,}")
_SEPARATOR = re.compile(r":?-{3,}:?")  # a table's separator cell: dashes, a colon on the side it aligns to
_MATHJAX2_EQUATION = "mjx-eqn-"  # the blog's equation anchors: "mjx-eqn-" + escape(label)
# A heading's id as the toc extension makes it: mkdocs.yml configures the same function (a test holds them equal).
HEADING_ID = slugify(case="lower")


@dataclass(frozen=True)
class Links:
    """Where the links and images of one page go."""

    page: str = "index.md"  # this page's path in its edition (``part/chapter.md``)
    chapters: Mapping[str, str] = field(default_factory=dict)  # post id → chapter path in this edition
    images: Mapping[str, str] = field(default_factory=dict)  # image URL → its path in the site
    original: str | None = None  # the post on the blog, for images the archive lacks
    figure_missing: str = "图片未收录"
    tex: Callable[[str], str] = str  # every formula's TeX passes through this (MathJax 2 → 3, references)

    def relative(self, target: str) -> str:
        """The URL of a site path (a file, or a page's directory URL) relative to this page's URL.

        Written into HTML the builder makes itself, which mkdocs does not rewrite; pages have
        directory URLs (``part/chapter/``), as mkdocs gives them by default.
        """
        here = page_url(self.page) or "."
        rel = posixpath.relpath(target or ".", here)
        return rel + "/" if target.endswith("/") and not rel.endswith("/") else rel

    def chapter(self, url: str) -> tuple[str, str] | None:
        """(relative URL, fragment) when ``url`` is a post of the book.

        A fragment naming one of the blog's equations (MathJax 2's ``mjx-eqn-`` + the label, escaped)
        names it as MathJax 3 does on the chapter; a section's (its heading's text as written, TeX and
        all: ``直击$H(X)$！``) becomes the id the chapter gives that heading (``直击hx``).
        """
        m = _BLOG_POST.match(url.strip())
        if not m or m.group(1) not in self.chapters:
            return None
        fragment = m.group(2) or ""
        if fragment.startswith(_MATHJAX2_EQUATION) and len(fragment) > len(_MATHJAX2_EQUATION):
            fragment = texfix.equation_anchor(unquote(fragment[len(_MATHJAX2_EQUATION):]))
        elif fragment:
            fragment = quote(HEADING_ID(unquote(fragment), "-"), safe="-_") or fragment
        return self.relative(page_url(self.chapters[m.group(1)])), fragment


def _math(tex: str, cell: bool) -> str:
    tex = " ".join(tex.split())
    if cell:  # a table row is cut at '|' before formulas are found
        tex = tex.replace("\\|", "\\Vert ").replace("|", "\\vert ")
    return f"${tex}$"


def _code(content: str) -> str:
    return inline.code_span(content.replace("\n", " "))


def _image(alt: str, url: str, links: Links) -> str:
    local = links.images.get(url)
    if local:
        return f'<img src="{html_text(links.relative(local))}" alt="{html_text(alt)}" loading="lazy">'
    return f'<span class="{names.FIGURE_MISSING}">[{md_text(alt or links.figure_missing, autolink=False)}]</span>'


def render_inline(text: str, links: Links, *, cell: bool = False, heading: bool = False) -> list[str]:
    """One block's text → Markdown pieces; a display formula inside running text is a piece of its own.

    In a table ``cell`` a '|' would end the cell: text escapes it, markup spells it as a character
    reference, and code spans keep it, as the table reads it there as text.
    """
    pieces: list[str] = []
    out: list[str] = []

    def add(piece: str) -> None:
        out.append(piece.replace("|", "&#124;") if cell else piece)

    anchor: list[bool] = []  # for each open link: whether it became a link (else its label is text)
    for tok in inline.parse(text):
        t = tok.type
        if t == "text":
            out.append(md_text(tok.content, autolink=not anchor))
        elif t in ("softbreak",):
            add(" ")
        elif t == "hardbreak":
            add(" " if cell or heading else "<br>")
        elif t == "math_inline":
            add(_math(links.tex(tok.content), cell))
        elif t == "math_inline_double":
            if cell or heading or anchor:
                add(_math("\\displaystyle " + links.tex(tok.content), cell))
            else:
                pieces.append("".join(out).strip())
                out = []
                pieces.append("$$\n" + links.tex(tok.content).strip() + "\n$$")
        elif t == "code_inline":
            out.append(_code(tok.content))
        elif t == "strong_open":
            add("<strong>")
        elif t == "strong_close":
            add("</strong>")
        elif t == "em_open":
            add("<em>")
        elif t == "em_close":
            add("</em>")
        elif t == "link_open":
            href = str(tok.attrs.get("href", ""))
            internal = links.chapter(href)
            if internal and not heading:
                target, fragment = internal
                add(f'<a href="{html_text(target)}{"#" + html_text(fragment) if fragment else ""}" '
                    f'class="{names.LINK_POST}">')
                anchor.append(True)
            elif (safe := safe_href(href)) and not heading and not anchor:
                add(f'<a href="{html_text(safe)}" class="{names.LINK_EXTERNAL}" rel="noopener">')
                anchor.append(True)
            else:
                anchor.append(False)
        elif t == "link_close":
            if anchor and anchor.pop():
                add("</a>")
        elif t == "image":
            add(_image(tok.content, str(tok.attrs.get("src", "")), links))
    pieces.append("".join(out).strip())
    return [p for p in pieces if p]


def _prefixed(pieces: list[str], prefix: str) -> str:
    return "\n\n".join(pieces) if not prefix else "\n>\n".join(prefix + p.replace("\n", "\n" + prefix)
                                                            for p in pieces)


def _fence(code: str, info: str) -> str:
    longest = max((len(m.group()) for m in _FENCE.finditer(code)), default=2)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{code}\n{fence}"


def _table(text: str, links: Links) -> str:
    """The canonical table (one row a line, cells split on unescaped '|') with each cell rendered."""
    rows = []
    for line in text.split("\n"):
        cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
        rows.append(cells)
    if len(rows) < 2:
        return ""
    out = []
    for k, cells in enumerate(rows):
        if k == 1:  # the separator: each column's alignment where the canonical table gives one
            given = [c.strip() for c in cells] + [""] * len(rows[0])
            out.append("|" + "".join((a if _SEPARATOR.fullmatch(a) else "---") + "|" for a in given[:len(rows[0])]))
            continue
        rendered = [" ".join(render_inline(c.strip().replace("\\|", "|"), links, cell=True)) for c in cells]
        rendered += [""] * (len(rows[0]) - len(rendered))
        out.append("| " + " | ".join(rendered[: len(rows[0])]) + " |")
    return "\n".join(out)


def block_markdown(block: Block, text: str, links: Links) -> str:
    """One Markdown-markup block (``text`` is the edition's text for it) as Markdown for mkdocs."""
    kind = block.kind
    if kind == BlockKind.HEADING:
        body = " ".join(render_inline(text, links, heading=True))
        return "#" * max(2, min(block.level or 2, 6)) + " " + body if body else ""
    if kind == BlockKind.CODE:
        return _fence(text, re.sub(r"[^A-Za-z0-9_+-]", "", block.info)[:30])
    if kind == BlockKind.TABLE:
        return _table(text, links)
    if kind == BlockKind.RULE:
        return "***"
    if kind == BlockKind.IMAGE:
        return figure(inline.plain(text) if block.markup == Markup.MARKDOWN else text, block.info, links)
    pieces = render_inline(text, links)
    if kind == BlockKind.LIST_ITEM:
        marker = f"{block.info}." if block.ordered and block.info.isdigit() else "-"
        indent = "    " * max(0, min(block.level, 6))
        first, rest = (pieces[0], pieces[1:]) if pieces else ("", [])
        return indent + marker + " " + first + "".join("\n\n" + indent + "    " + p.replace("\n", "\n    " + indent)
                                                       for p in rest)
    if kind == BlockKind.QUOTE:
        return _prefixed(pieces, "> " * max(1, min(block.level, 6)))
    if kind == BlockKind.FOOTNOTE:
        label = md_text(f"[{block.info}]", autolink=False)
        return f'<div class="{names.FOOTNOTE}" markdown="1">\n\n{label} ' + "\n\n".join(pieces) + "\n\n</div>"
    return "\n\n".join(pieces)


def figure(alt: str, url: str, links: Links) -> str:
    """An image standing alone: the local copy with its caption, or a placeholder linking to the original."""
    local = links.images.get(url)
    caption = html_text(alt)
    if local:  # no alt: the line under the figure is its caption (readers.article_md._captions_once)
        return (f'<figure class="{names.FIGURE}"><img src="{html_text(links.relative(local))}" alt="{caption}" '
                f'loading="lazy">' + (f"<figcaption>{caption}</figcaption>" if caption else "") + "</figure>")
    original = safe_href(links.original)
    see = (f' <a class="{names.LINK_EXTERNAL}" href="{html_text(original)}" rel="noopener">{html_text(original)}</a>'
           if original else "")
    return (f'<div class="{names.FIGURE}" role="figure"' + (f' aria-label="{caption}"' if caption else "") + ">"
            f'<span class="{names.FIGURE_MISSING}">{html_text(links.figure_missing)}{see}</span>'
            + (f'<span class="{names.FIGURE_CAPTION}">{caption}</span>' if caption else "") + "</div>")
