"""Reader for article pages saved by an HTML-to-Markdown converter (the commonest scrape).

Such a page is CommonMark: site chrome (menus, category lists, recent posts and
comments), ``# [title](https://kexue.fm/archives/ID)``, a byline split over
lines, the body, then the footer (reprint notice, citation, BibTeX, category
and tags, related posts, comments).  The converter backslash-escapes every
character Markdown could read as syntax, inside TeX too (``x\\_t``,
``\\\\frac``, ``p(z\\|x)``), and writes TeX's line break ``\\\\`` at a line end
as a Markdown hard break.

So the page is *parsed*, never pattern-matched: markdown-it undoes the escapes
and gives the structure (headings, lists, quotes, tables, code, images,
links); formulas are then found in the unescaped text of each paragraph, where
a multi-line ``\\begin{equation}…\\end{equation}`` is one stretch of text.  Each
block is written back in the canonical dialect of :mod:`builder.inline`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import overload

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from .. import inline
from ..mathtext import MathIssue, display_body, split_math
from ..model import Block, BlockKind, Entry, Level, Markup, PartialDate, Problem, Source
from ..texfix import restore_delimiters
from .citation import PageFacts, footer_start, page_facts

FMT = "page-markdown"
BLOG_POST = r"https?://(?:www\.)?(?:kexue\.fm|spaces\.ac\.cn)/archives/(\d{1,7})"
_TITLE_LINE = re.compile(r"^#[ \t]+\[(?P<title>.+)\]\((?P<url>" + BLOG_POST + r")/?(?:[ \t]+\"[^\"]*\")?\)[ \t]*$")
ANCHOR_HEADING = re.compile(r"^#{2,6}[ \t].*\[\\?#\]\(")
_REPRINT_MD = re.compile(r"转载到请包括本文地址.{0,80}\]\(")  # the link's text is its URL: 30-40 characters
_CITATION_MD = re.compile(r"\\\[Blog post\\\]")  # only a converter escapes the citation's brackets
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_BY = re.compile(r"^\s*By\s+(?P<author>[^\\|｜]{1,40}?)\s*(?:\\?[|｜]|$)")
_READERS = re.compile(r"\d[\d,]*\s*位读者")
_CODE_INFO = re.compile(r"[^A-Za-z0-9_+#.-]")
HB = "\ue000"  # a hard break while the text of a paragraph is collected (TeX's \\ at a line end)
MATH_ISSUES_SHOWN = 3


def recognise(text: str) -> str | None:
    """``page-markdown`` when the text is a converter's article page: its title link, anchored headings or footer."""
    head = text[:400_000]
    for line in head.splitlines():
        if _TITLE_LINE.match(line) or ANCHOR_HEADING.match(line) or _REPRINT_MD.search(line) or (
                _CITATION_MD.search(line)):
            return FMT
    return None



# Where the page parser's rules start (footnotes add '^[' and '[^'; there are no formula rules here).
PAGE_STOPS = "\n\\`*_[]!<&^~"


def page_parser(stock: bool = False) -> MarkdownIt:
    """The parser of converter pages; ``stock`` keeps markdown-it's own text rule (the tests compare the two)."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").use(footnote_plugin)
    return md if stock else inline.fast_text(md, PAGE_STOPS)


_PAGE = page_parser()


@lru_cache(maxsize=4096)
def line_text(md: str) -> str:
    """One line of the page as a reader sees it: markup gone, the converter's escapes undone everywhere.

    TeX included (``$\\\\pi$`` is ``$\\pi$``): the page's parser has no math rule, so its text
    tokens are unescaped whole, as in the body.  Cached (a pure function of the line): every page's
    footer repeats the same lines (the reprint notice, the FAQ link, BibTeX's fields), about two
    lines in five of those the citation parser reads.
    """
    out: list[str] = []
    for tok in _PAGE.parseInline(md)[0].children or []:
        if tok.type in ("text", "code_inline", "image"):
            out.append(tok.content)
        elif tok.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return "".join(out)


@dataclass
class _Out:
    """What one page's walk collects."""

    name: str
    offset: int  # the body's first line in the file, 0-based
    blocks: list[Block] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    restored: int = 0  # stretches of text in which lost formula delimiters were put back
    first_restored: Source | None = None  # the first of them: where a person looks

    def source(self, tok: Token | None) -> Source:
        line = tok.map[0] if tok is not None and tok.map else 0
        return Source(self.name, self.offset + line + 1)

    def add(self, kind: BlockKind, text: str, src: Source, **kw: object) -> None:
        self.blocks.append(Block(kind, text, src, Markup.MARKDOWN if kind not in (BlockKind.CODE, BlockKind.MATH)
                                 else Markup.PLAIN, **kw))  # type: ignore[arg-type]


def _math_problems(issues: list[MathIssue], src: Source, out: _Out) -> None:
    for issue in issues[:MATH_ISSUES_SHOWN]:
        out.problems.append(Problem(src, "suspicious-math", issue.message))
    if len(issues) > MATH_ISSUES_SHOWN:
        out.problems.append(Problem(src, "suspicious-math",
                                    f"… and {len(issues) - MATH_ISSUES_SHOWN} more such problem(s) in this block"))


def _run(text: str, src: Source, out: _Out, split_display: bool) -> Iterator[tuple[str, str]]:
    """Unescaped text of a paragraph run → ("md", canonical) and, when splitting, ("display", tex) pieces.

    TeX that lost its ``$`` (a page scraped after MathJax ran) gets them back where that is unambiguous.
    """
    restored, lost = restore_delimiters(text)
    if restored != text:
        out.restored += 1
        out.first_restored = out.first_restored or src
    for found in lost[:MATH_ISSUES_SHOWN]:
        out.problems.append(Problem(src, "math-lost-delimiters",
                                    f"TeX outside any formula, left as text ({found.reason}): {found.snippet!r}"))
    segments, issues = split_math(restored)
    _math_problems(issues, src, out)
    for seg in segments:
        value = seg.value.replace(HB, "\\\n")  # in TeX, the converter's hard break was the row break \\
        if seg.kind == "text":  # in text, a line break: the dialect's hard break, between escaped pieces
            yield "md", "\\\n".join(inline.escape(piece) for piece in seg.value.split(HB))
        elif seg.kind == "inline":
            yield "md", inline.math(value)
        elif split_display:
            yield "display", value
        else:
            yield "md", inline.math(display_body(value), display=True)


def _matching(children: list[Token], start: int) -> int:
    """Index of the token closing the one opened at ``start`` (nesting counted)."""
    depth = 0
    for k in range(start, len(children)):
        depth += children[k].nesting
        if depth == 0:
            return k
    return len(children) - 1


def _pieces(children: list[Token], src: Source, out: _Out, split_display: bool) -> Iterator[tuple[str, str]]:
    """Inline tokens of the page → canonical pieces; formulas are found in each stretch of text."""
    run: list[str] = []
    k = 0
    while k < len(children):
        tok = children[k]
        if tok.type == "text":
            run.append(tok.content)
        elif tok.type == "softbreak":
            if run and _lone_backslash_at_end(run[-1]):  # the converter's other <br>: '\\' at a line end
                run[-1] = run[-1][:-1]
                run.append(HB)
            else:
                run.append("\n")
        elif tok.type == "hardbreak":
            run.append(HB)
        else:
            if run:
                yield from _run("".join(run), src, out, split_display)
                run = []
            if tok.nesting == 1:
                end = _matching(children, k)
                inner = children[k + 1:end]
                label = "".join(v for _, v in _pieces(inner, src, out, False))
                if tok.type == "link_open":
                    href = str(tok.attrs.get("href", ""))
                    lone = [t for t in inner if not (t.type == "text" and not t.content.strip())]
                    if len(lone) == 1 and lone[0].type == "image":
                        yield "image", _image_piece(lone[0])
                    else:
                        yield "md", inline.link(label, href) if href else label
                elif tok.type == "strong_open":
                    yield "md", f"**{label}**"
                elif tok.type == "em_open":
                    yield "md", f"*{label}*"
                else:
                    yield "md", label
                k = end
            elif tok.type == "code_inline":
                yield "md", inline.code_span(tok.content)
            elif tok.type == "footnote_ref":
                yield "md", inline.escape(f"[{tok.meta.get('label', '')}]")
            elif tok.type == "image":
                yield "image", _image_piece(tok)
        k += 1
    if run:
        yield from _run("".join(run), src, out, split_display)


MAX_CAPTION = 200  # a line under a figure that repeats its alt and is no longer than this is its caption


def _captions_once(blocks: list[Block]) -> list[Block]:
    """Figures whose caption the next line repeats show it once: that line, which may hold formulas.

    The blog writes a figure as an image whose alt is the caption, then the caption as a line of
    text; both were shown.  The image keeps no caption of its own then (its alt goes too: the
    caption stands next to it).
    """
    out = list(blocks)
    for k in range(len(out) - 1):
        image, below = out[k], out[k + 1]
        if image.kind != BlockKind.IMAGE or below.kind != BlockKind.PARAGRAPH or not image.text.strip():
            continue
        caption, alt = inline.fold(inline.plain(below.text)), inline.fold(image.text)
        # The alt whole, or followed by what only adds to it (热传导示意图（$u_t = \Delta u$）), not by more words.
        if len(caption) <= MAX_CAPTION and caption.startswith(alt) and not caption[len(alt):len(alt) + 1].isalnum():
            out[k] = replace(image, text="")
    return out


def _lone_backslash_at_end(text: str) -> bool:
    """Whether the text ends in one backslash (an odd run): the converter's escaped backslash before a line end.

    An even run is text the page escaped twice, or TeX's row break ``\\\\``.
    """
    run = len(text) - len(text.rstrip("\\"))
    return run % 2 == 1


def _image_piece(tok: Token) -> str:
    return inline.image(tok.content, str(tok.attrs.get("src", "")))


def _checked(md: str) -> str:
    """Emphasis that would not parse back (CommonMark's flanking rules and CJK punctuation) is dropped."""
    if "**" not in md:  # then dropping "**" changes nothing, whatever the parse
        return md
    tokens = inline.parse(md)
    if any(t.type == "text" and "**" in t.content for t in tokens):
        return md.replace("**", "")
    return md


def _paragraph(children: list[Token], src: Source, out: _Out, kind: BlockKind, **kw: object) -> None:
    """One page paragraph → blocks: text, display formulas standing alone, images standing alone."""
    text: list[str] = []

    def flush() -> None:
        body = "".join(text).strip()
        text.clear()
        if body:
            out.add(kind, _checked(body), src, **kw)

    for what, value in _pieces(children, src, out, split_display=kind in (BlockKind.PARAGRAPH, BlockKind.QUOTE)):
        if what == "md":
            text.append(value)
        elif what == "display":
            flush()
            out.add(BlockKind.MATH, value, src)
        else:  # an image
            tokens = inline.parse(value)
            image = next((t for t in tokens if t.type == "image"), None)
            if image is None:
                continue
            if "".join(text).strip() or kind != BlockKind.PARAGRAPH:
                text.append(value)  # an image inside running text stays there
            else:
                out.add(BlockKind.IMAGE, image.content, src, info=str(image.attrs.get("src", "")))
    flush()


def _heading(children: list[Token]) -> list[Token]:
    """The heading's tokens without the theme's trailing ``[#](url#anchor)`` link."""
    kids = list(children)
    while kids and kids[-1].type == "text" and not kids[-1].content.strip():
        kids.pop()
    if len(kids) >= 3 and kids[-1].type == "link_close":
        start = max(k for k, t in enumerate(kids) if t.type == "link_open")
        label = "".join(t.content for t in kids[start + 1:-1])
        if label.strip() in ("#", "¶", "") and "#" in str(kids[start].attrs.get("href", "")):
            kids = kids[:start]
    while kids and kids[-1].type == "text" and not kids[-1].content.strip():
        kids.pop()
    if kids and kids[-1].type == "text":
        kids[-1] = _with_content(kids[-1], kids[-1].content.rstrip())
    return kids


def _with_content(tok: Token, content: str) -> Token:
    copy = tok.copy()
    copy.content = content
    return copy


def _cell(children: list[Token], src: Source, out: _Out) -> str:
    md = "".join(v if w != "display" else inline.math(display_body(v), True)
                 for w, v in _pieces(children, src, out, False))
    return _checked(md).replace("|", "\\|").replace("\n", " ")


_ALIGNED = {"text-align:left": ":---", "text-align:center": ":---:", "text-align:right": "---:"}


def _table(tokens: list[Token], start: int, end: int, out: _Out) -> None:
    rows: list[list[str]] = []
    aligns: list[str] = []  # each column's separator, as the page's aligned it (its first row's cells say)
    for k in range(start, end):
        tok = tokens[k]
        if tok.type == "tr_open":
            rows.append([])
        elif tok.type in ("th_open", "td_open") and len(rows) == 1:
            aligns.append(_ALIGNED.get(str(tok.attrs.get("style", "")), "---"))
        elif tok.type == "inline" and rows:
            rows[-1].append(_cell(tok.children or [], out.source(tokens[start]), out))
    rows = [r for r in rows if r]
    if not rows:
        return
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    header, body = rows[0], rows[1:]
    if not any(c.strip() for c in header) and body:  # converters write an empty header row
        header, body = body[0], body[1:]
    aligns = (aligns + ["---"] * width)[:width]
    lines = ["| " + " | ".join(header) + " |", "|" + "".join(a + "|" for a in aligns)]
    lines += ["| " + " | ".join(r) + " |" for r in body]
    out.add(BlockKind.TABLE, "\n".join(lines), out.source(tokens[start]))


_BEGIN = re.compile(r"\\begin\s*\{")
_END = re.compile(r"\\end\s*\{")
# \[ and \] as delimiters: an odd run of backslashes (in \\[2pt], TeX's row break and its spacing, the [ is not one)
_DISPLAY_OPEN = re.compile(r"(?<!\\)(?:\\\\)*\\\[")
_DISPLAY_CLOSE = re.compile(r"(?<!\\)(?:\\\\)*\\\]")
MAX_JOINED = 80  # paragraphs one formula may span (the converter puts blank lines between its rows)


def _open_math(children: list[Token]) -> bool:
    """Whether a paragraph leaves a display formula open (``$$``, ``\\[`` or ``\\begin`` without its end)."""
    text = "".join(t.content for t in children if t.type == "text")
    return (text.count("$$") % 2 == 1 or len(_DISPLAY_OPEN.findall(text)) > len(_DISPLAY_CLOSE.findall(text))
            or len(_BEGIN.findall(text)) > len(_END.findall(text)))


def _joined(tokens: list[Token], k: int) -> tuple[list[Token], int]:
    """The children of the paragraph at ``k`` and of the next ones a formula opened in it runs through.

    Returns them joined by soft breaks and the index of the last paragraph's closing token.
    """
    children = list(tokens[k + 1].children or [])
    end = k + 2
    joined = 0
    while _open_math(children) and joined < MAX_JOINED:
        j = end + 1
        if j + 2 >= len(tokens) or tokens[j].type != "paragraph_open" or tokens[j].level != tokens[k].level:
            break
        children += [Token("softbreak", "br", 0), *(tokens[j + 1].children or [])]
        end = j + 2
        joined += 1
    return children, end


def _walk(tokens: list[Token], out: _Out) -> None:
    lists: list[list[int]] = []  # per open list: [ordered, next number]
    quote = 0
    note: str | None = None  # the label of the footnote being read
    item_first = False
    k = 0
    while k < len(tokens):
        tok = tokens[k]
        t = tok.type
        if t == "blockquote_open":
            quote += 1
        elif t == "blockquote_close":
            quote -= 1
        elif t in ("bullet_list_open", "ordered_list_open"):
            start = int(tok.attrs.get("start", 1) or 1) if t == "ordered_list_open" else 0
            lists.append([1 if t == "ordered_list_open" else 0, start])
        elif t in ("bullet_list_close", "ordered_list_close"):
            if lists:
                lists.pop()
        elif t == "list_item_open":
            item_first = True
        elif t == "footnote_open":
            note = str(tok.meta.get("label", "")) if tok.meta else ""
        elif t == "footnote_close":
            note = None
        elif t == "heading_open":
            level = int(tok.tag[1]) if tok.tag[1:].isdigit() else 2
            kids = _heading(tokens[k + 1].children or [])
            md = "".join(v if w != "display" else inline.math(display_body(v), True)
                         for w, v in _pieces(kids, out.source(tok), out, False)).replace("\n", " ").strip()
            if md:
                out.add(BlockKind.HEADING, _checked(md), out.source(tok), level=max(2, min(level, 6)))
            k += 2
        elif t == "paragraph_open":
            children, last = _joined(tokens, k)
            src = out.source(tok)
            if lists and item_first:
                ordered, number = lists[-1]
                lists[-1][1] += 1
                _paragraph(children, src, out, BlockKind.LIST_ITEM, level=len(lists) - 1, ordered=bool(ordered),
                           info=str(number) if ordered else "")
                item_first = False
            elif note is not None:
                _paragraph(children, src, out, BlockKind.FOOTNOTE, info=note)
            elif quote:
                _paragraph(children, src, out, BlockKind.QUOTE, level=quote)
            else:
                _paragraph(children, src, out, BlockKind.PARAGRAPH)
            k = last
        elif t in ("fence", "code_block"):
            code = tok.content.rstrip("\n")
            if code.strip():  # level: the depth of the list whose item holds it (0: none)
                out.add(BlockKind.CODE, code, out.source(tok), info=_CODE_INFO.sub("", tok.info.split()[0])[:30]
                        if tok.info.strip() else "", level=len(lists))
            else:
                out.problems.append(Problem(out.source(tok), "empty-code",
                                            "an empty code block (the scraper lost its content): left out",
                                            Level.INFO))
        elif t == "table_open":
            end = next((j for j in range(k, len(tokens)) if tokens[j].type == "table_close"), len(tokens) - 1)
            _table(tokens, k, end, out)
            k = end
        elif t == "hr":
            out.add(BlockKind.RULE, "---", out.source(tok))
        k += 1


_FOOTER_MARK = re.compile(r"转载到请包括本文地址|如果您需要引用本文|@online\{kexuefm-")
FOOTER_BEFORE = 8  # lines before the first marker the footer may start on
FOOTER_LINES = 200  # lines read for the citation block (the comments after it can run to thousands)


class _PlainLines(Sequence[str]):
    """The page's lines as text (escapes undone, link labels kept) for the citation parser.

    Indices are the file's line numbers; lines outside ``[first, stop)`` read as empty.  Each line is
    turned into text when it is first read, and the parser stops once it has every fact, so the
    related posts and comments after the footer (most of many pages) are never converted.
    """

    def __init__(self, lines: list[str], first: int, stop: int) -> None:
        self._lines = lines
        self._first = first
        self._stop = stop
        self._plain: dict[int, str] = {}

    def __len__(self) -> int:
        return self._stop

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._stop))]
        if index < 0:
            index += self._stop
        if not 0 <= index < self._stop:
            raise IndexError(index)
        if index < self._first:
            return ""
        text = self._plain.get(index)
        if text is None:
            line = self._lines[index]
            text = self._plain[index] = line_text(line) if line.strip() else ""
        return text


@dataclass(frozen=True)
class _Head:
    title: str | None
    url: str | None
    post_id: str | None
    author: str | None
    date: PartialDate | None
    body_start: int  # index of the first body line


def _title_links(lines: list[str]) -> list[_Head]:
    """The page's title links with their bylines, up to the first that has a byline.

    The chrome can hold another post's title link (a "latest post" box) above the post's own, and
    the body can hold one below it: the post's own is the first that a byline follows.  A page
    without bylines gives every title link, for the footer to choose from (:func:`read`).
    """
    found: list[_Head] = []
    for i, line in enumerate(lines):
        m = _TITLE_LINE.match(line)
        if m:
            found.append(_head_at(lines, i, m))
            if found[-1].author or found[-1].date:
                break
    return found


def _head_at(lines: list[str], i: int, m: re.Match[str]) -> _Head:
    """The title link on line ``i`` and the byline after it; the body starts after the byline."""
    title = line_text(m.group("title")).strip() or None
    author, date, end = None, None, i + 1
    for j in range(i + 1, min(i + 12, len(lines))):
        text = lines[j].strip()
        if not text:
            continue
        by = _BY.match(text)
        d = _DATE.search(text)
        if by and author is None:
            author, end = by.group("author").strip(), j + 1
        elif d and date is None and len(text) < 40:
            date, end = _date(d), j + 1
        elif _READERS.search(text) and len(text) < 40:
            end = j + 1
        else:
            break
    return _Head(title, m.group("url"), m.group(3), author, date, end)


_NO_HEAD = _Head(None, None, None, None, None, 0)


def _date(m: re.Match[str]) -> PartialDate | None:
    year, month, day = (int(g) for g in m.groups())
    if 1 <= month <= 12 and 1 <= day <= 31:
        return PartialDate(month, day, year)
    return None


def _footer(lines: list[str], body_start: int, name: str) -> tuple[int, PageFacts, list[Problem]]:
    """Where the body ends (the footer's first line, or the page's end) and what the footer says."""
    # Only the footer's lines are turned into text for the citation parser (the chrome and the
    # comments can be most of a page): from the first footer marker, or the whole page without one.
    marker = next((i for i in range(body_start, len(lines)) if _FOOTER_MARK.search(lines[i])), None)
    first = max(body_start, marker - FOOTER_BEFORE) if marker is not None else body_start
    plain = _PlainLines(lines, first, min(len(lines), first + FOOTER_LINES) if marker is not None else len(lines))
    end = footer_start(plain, first)
    problems = []
    if end is None or end <= body_start:
        problems.append(Problem(Source(name, 1), "page-partial",
                                "no reprint notice or citation found: the body is taken to the end of the page, "
                                "so related posts and comments may show as text", Level.WARNING))
        end = len(lines)
    return end, page_facts(plain, end if end < len(lines) else first), problems


def read(text: str, name: str) -> tuple[list[Entry], list[Problem]]:
    """One entry: the page's facts from its head (or its citation block) and its body as blocks."""
    lines = text.split("\n")
    candidates = _title_links(lines)
    head = candidates[-1] if candidates and (candidates[-1].author or candidates[-1].date) else (
        candidates[0] if candidates else _NO_HEAD)
    end, facts, partial = _footer(lines, head.body_start, name)
    if not (head.author or head.date) and facts.post_id and head.post_id != facts.post_id:
        own = next((c for c in candidates if c.post_id == facts.post_id), None)  # no byline: the footer says which
        if own is not None:
            head = own
            end, facts, partial = _footer(lines, head.body_start, name)
    problems: list[Problem] = list(partial)
    start = head.body_start
    if not head.title:  # no title link: the body starts after the chrome, which ends with the breadcrumb
        start = _after_chrome(lines, end)
    body = "\n".join(lines[start:end])
    out = _Out(name, start)
    _walk(_PAGE.parse(body), out)
    out.blocks = _captions_once(out.blocks)
    problems += out.problems
    if out.restored:
        problems.append(Problem(out.first_restored or Source(name, start + 1), "math-restored",
                                f"formula delimiters the scrape lost were put back in {out.restored} paragraph(s)",
                                Level.INFO))
    for why in facts.conflicts:
        problems.append(Problem(Source(name, end + 1), "page-conflict", why, Level.WARNING))
    title = head.title or facts.title
    post_id = head.post_id or facts.post_id
    if head.post_id and facts.post_id and head.post_id != facts.post_id:
        problems.append(Problem(Source(name, 1), "page-conflict",
                                f"the title links to post {head.post_id} but the footer names post {facts.post_id}; "
                                f"{head.post_id} is used", Level.WARNING))
    if head.date and facts.date and ((head.date.month, head.date.day) != (facts.date.month, facts.date.day) or (
            head.date.year and facts.date.year and head.date.year != facts.date.year)):
        problems.append(Problem(Source(name, 1), "page-conflict",
                                f"the byline is dated {head.date.iso()} but the footer {facts.date.iso()}; "
                                f"{head.date.iso()} is used", Level.WARNING))
    if not title:
        problems.append(Problem(Source(name, 1), "missing-title", "no title link and no citation on this page"))
    if not out.blocks:
        problems.append(Problem(Source(name, start + 1), "empty-page", "no body text on this page", Level.WARNING))
        return [], problems
    entry = Entry(source=Source(name, 1), fmt=FMT, title=title, date=head.date or facts.date,
                  author=head.author or ("苏剑林" if facts.title else None), blocks=tuple(out.blocks),
                  truncated=False, post_id=post_id, url=head.url or facts.url, category=facts.category,
                  tags=tuple(facts.tags), complete=True)
    return [entry], problems


_CHROME = re.compile(r"^\s*(?:-\s*\[|##\s+(?:SEARCH|MENU|CATEGORIES|NEWPOSTS|COMMENTS|USERLOGIN)\b|\[科学空间)")


def _after_chrome(lines: list[str], end: int) -> int:
    """Without a title link: skip the leading run of menus and link lists (the site chrome)."""
    last = 0
    for i in range(min(end, len(lines))):
        line = lines[i].strip()
        if not line:
            continue
        if _CHROME.match(line) or line.startswith("!["):
            last = i + 1
        elif i - last > 3:
            break
    return last
