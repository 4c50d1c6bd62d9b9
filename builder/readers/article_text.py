"""Reader for article pages saved as plain text: the browser's innerText, or the post's body alone.

Two shapes occur:

* ``page-text``: the whole page as the browser shows it.  The byline is spread
  over short lines (``By`` / ``苏剑林 |`` / ``2016-07-01 |`` / ``80170位读者`` /
  ``|``), the title (when the scrape kept it) on the line before; paragraphs
  run together on one line, each starting after a space; a heading shows as
  ``标题 #`` inside that run (the ``#`` is the theme's anchor link); display
  formulas stand on their own lines, possibly several; code has lost its
  indentation and is glued to the prose around it.
* ``page-body``: the post's body only, no title and no byline.  Only the
  footer (reprint line, citation, BibTeX) says which post it is.

Nothing marks structure for certain, so every rule here is a guess made
conservatively: a paragraph is split only after full-width sentence punctuation
followed by a space (the author never types one there), a heading only at a
``#`` standing alone after a short phrase, code only where lines read as code
with no Chinese outside strings and comments.  What cannot be recovered
(links, images, tables, emphasis, some paragraph breaks) is said in one
``page-partial`` problem per page.  Every block is PLAIN text: the renderer
escapes it, so markup in the page stays text.

Time is linear in the input: formulas are found with one left-to-right scan
whose closer searches are remembered, and every pattern is anchored or applied
to a bounded piece.
"""

from __future__ import annotations

import bisect
import datetime
import html.entities
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from ..mathtext import Closers
from ..model import Block, BlockKind, Entry, Level, Markup, PartialDate, Problem, Source
from ..text import fold, remove_unsafe
from .article_md import ANCHOR_HEADING
from .citation import PageFacts, footer_start, footer_strong, page_facts

FMT_TEXT = "page-text"
FMT_BODY = "page-body"

# Same cap as builder.read.MAX_LINE_CHARS (not imported: builder.read imports this module).
MAX_LINE_CHARS = 100_000
HEAD_LINES = 400  # the byline is within the first lines, after the site chrome
MAX_TITLE = 100
MAX_HEADING = 40
MAX_CODE_LINE = 400  # longer pieces are never taken for code
MAX_DISPLAY_LINES = 80  # a display formula spans at most this many lines
MAX_DOCSTRING = 30
MATH_PROBLEMS_SHOWN = 3

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e\u201c\u201d\u2018\u2019\u2014\u2026]")
IDEOGRAPH = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
SPACE = " \t\u3000\u00a0"

# --- the head: byline spread over short lines, date badge, title -------------------------------------------
_BY = re.compile(r"^By(?:\s+(?P<author>[^|｜]{1,40}?))?\s*[|｜]?$")
_AUTHOR = re.compile(r"^(?P<author>[^|｜\d\s][^|｜]{0,39}?)\s*[|｜]?$")  # right after "By" only
_AUTHOR_BAR = re.compile(r"^[^|｜\d\s][^|｜]{0,39}?\s*[|｜]$")
_HEAD_DATE = re.compile(r"^(\d{4})\s*-\s*(\d{1,2})\s*-\s*(\d{1,2})\s*[|｜]?$")
_READERS = re.compile(r"^[\d,，]+\s*位读者\s*[|｜]?$")
_BADGE = re.compile(r"^(?:\d{1,2}|\d{1,2}\s*[A-Za-z]{3,9}\.?|[A-Za-z]{3,9}\.?|[|｜])$")
MONTHS = frozenset({"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"})

# Section headers of the site's side bars and menus as innerText shows them.
CHROME_HEADERS = frozenset({"SEARCH", "MENU", "CATEGORIES", "NEWPOSTS", "COMMENTS", "USERLOGIN",
                            "最近评论", "最新评论", "热门文章", "随机文章", "友情链接", "最近文章",
                            "站内搜索", "分类目录", "文章归档", "标签云"})
CHROME_PHRASES = ("Scientific Spaces", "渴望成为一个小飞侠", "欢迎访问“科学空间”", "欢迎访问科学空间")

# --- Markdown and dump signs, which this reader must leave to the others --------------------------------------
_MD_TITLE = re.compile(r"^#{1,6}[ \t]+\[.+\]\(https?://")
_MORE = re.compile(r"^点击阅读全文\s*(?:\.{2,}|…+|。+)?$")
_ONE_LINE_BYLINE = re.compile(r"^By\s+[^|｜\s][^|｜]{0,39}[|｜]\s*\d{4}\s*-\s*\d{1,2}\s*-\s*\d{1,2}")
_DUMP_DATE = re.compile(r"^\d{1,2}\s+[A-Za-z]{3}[A-Za-z]*\.?$")
_MARKER_SIGN = re.compile(r"[\u3400-\u9fff？！…”」』）][ \t\u3000\u00a0]+#(?:[ \t\u3000\u00a0]|$)")

# --- the body ------------------------------------------------------------------------------------------------
# Environments MathJax typesets outside delimiters.  A fixed list keeps the number of distinct closers
# (and so the cost of finding them) bounded, whatever names a hostile page invents.
ENVIRONMENTS = ("equation", "align", "aligned", "alignat", "alignedat", "gather", "gathered", "multline", "split",
                "eqnarray", "flalign", "array", "matrix", "pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix",
                "cases", "subequations", "CD", "smallmatrix")
_ENV_OPEN = re.compile(r"\\begin\{(" + "|".join(ENVIRONMENTS) + r")(\*?)\}")
_OPENER = re.compile(r"[$\\]")
_INLINE_BODY = re.compile(r"(?:\\.|[^$\\\n])*")  # a $…$ body: never crosses a line
_URL = re.compile(r"https?://[^\s\u3000]+")
# A paragraph ends at full-width sentence punctuation (maybe closing a quote) followed by a space.
_BOUNDARY = re.compile(r"[。！？；：～…][”’」』）]?(?P<gap>[ \t\u3000\u00a0]+)(?=\S)")
HEADING_END = "！？…"  # a title may end in these: before a '#' marker they end the heading, not a paragraph
_MARKER_AHEAD = re.compile(r"#(?:[ \t\u3000\u00a0]|$)")
_SUBSECTION = re.compile(r"^\d+\.\d+")
# A title never ends in these: the phrase runs on into what follows ("代码的第 # 行").
NEVER_LAST = frozenset("，、：；第")
# Function words that also end compounds common in titles (实际应用, 梯度方向, 权重之和, 渐近行为, 解的存在).
FUNCTION_ENDINGS = frozenset("的了是在用以和或与把被将对从向为及里")
# Before a function word, these make it end a clause instead ("在Python中用 # 表示注释", "通常用", "我们用",
# "可以用"): locatives, modals and adverbs, negations, pronouns, and the function words themselves.
CLAUSE_GLUE = frozenset("中里上内时处可能会要该就都也还又再才只便常不没别我你他她它们这那其此") | FUNCTION_ENDINGS
# A paragraph never starts with these, so a '#' followed by one is inside a sentence ("井号 # ，也就是…").
NO_PARAGRAPH_START = frozenset("，、；：。！？）)”’」』")
_SPACES = re.compile(r"[ \t\u3000\u00a0]*")

# Code: strings and comments removed first, so Chinese in them does not make a line prose.
_STRING = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")
_COMMENT = re.compile(r"(?:^|\s)(?:#|//).*$")
_KEYWORD_LINE = re.compile(
    r"^(?:(?:def|class)\s+\w+.*:"
    r"|(?:for|while|if|elif|with)\s.*:"
    r"|(?:else|try|finally)\s*:|except\b.*:"
    r"|import\s+[\w.]+.*|from\s+[\w.]+\s+import\s+\S.*"
    r"|(?:return|yield|raise)(?:\s.*)?|break|continue|pass"
    r"|print\s*\(.*\)"
    r"|#include\s*[<\"].*|(?:var|let|const)\s+\w+\s*=.*|function\s+\w+\s*\(.*)$"
)
_ASSIGN_LINE = re.compile(
    r"^(?:[A-Za-z_][\w.]*(?:\[[^\]\n]*\])?(?:\s*,\s*[A-Za-z_][\w.]*)*\s*(?://|\*\*|[-+*/%&|^@])?=(?!=)\s*\S.*"
    r"|[A-Za-z_][\w.]*\(.*\)\s*;?"
    r"|.*[;{]|[}\])]+[;,]?)$"
)
_TRIPLE = ('"""', "'''")
_TEX_COMMAND = re.compile(r"\\[A-Za-z]{2,}")  # TeX left outside delimiters is broken math, not code

_ENTITY = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));")


def decode_entities(text: str) -> str:
    """HTML character references decoded once (``&amp;lt;`` becomes ``&lt;``, not ``<``).

    A reference to a code point no page may hold (NUL, controls, surrogates, noncharacters) stays
    as written; a no-break space becomes a space, which is what it means in text and in TeX.
    """
    if "&" not in text:
        return text

    def one(m: re.Match[str]) -> str:
        if m.group(3):
            value = html.entities.html5.get(m.group(3) + ";")
            if value is None:
                return m.group(0)
        else:
            code = int(m.group(1)) if m.group(1) else int(m.group(2), 16)
            if code > 0x10FFFF or code == 0:
                return m.group(0)
            value = chr(code)
        if remove_unsafe(value)[1]:
            return m.group(0)
        return value.replace("\u00a0", " ")

    return _ENTITY.sub(one, text)


def _squash(text: str) -> str:
    """One line of prose: runs of white space as one space."""
    return " ".join(text.split())


# --- recognising ---------------------------------------------------------------------------------------------

def _dump_markers(line: str) -> bool:
    return bool(_MORE.match(line) or _ONE_LINE_BYLINE.match(line))


def recognise(text: str) -> str | None:
    """``page-text`` or ``page-body`` when the text is a plain-text article page, else None.

    The footer in plain form (reprint line, citation, BibTeX) is the strongest sign; the byline
    spread over short lines, several ``标题 #`` headings, or one in a text without a listing's
    date badge, also tell.  A Markdown converter's page
    (title link, anchored headings, a footer with links) and the dump formats (``点击阅读全文``,
    a byline on one line, several ``DD Mon`` lines) are left to their readers.
    """
    lines = text.split("\n")
    footer = False
    markers = 0
    dates = 0
    for raw in lines:
        s = raw.strip()
        if not s:
            continue
        if _MD_TITLE.match(s) or ANCHOR_HEADING.match(s) or _dump_markers(s):
            return None
        if _DUMP_DATE.match(s):
            dates += 1
            if dates > 1:
                return None
        if footer_strong(s) is not None:
            if "](" in s or "\\[" in s:  # a footer with Markdown links or escapes: the converter's page
                return None
            footer = True
        elif markers < 2:
            markers += len(_MARKER_SIGN.findall(s, 0, 4000))
    head = _head(lines, min(len(lines), HEAD_LINES))
    if head.by_line is not None:
        return FMT_TEXT
    if footer or markers >= 2 or (markers and not dates):  # one heading and no sign of a listing: a page
        return FMT_BODY
    return None


# --- the head -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Head:
    title: str | None = None
    title_line: int | None = None
    author: str | None = None
    date: PartialDate | None = None
    by_line: int | None = None
    body_start: int = 0


def _full_date(m: re.Match[str]) -> PartialDate | None:
    year, month, day = (int(g) for g in m.groups())
    try:
        datetime.date(year, month, day)
    except ValueError:
        return None
    return PartialDate(month, day, year)


def _is_badge(s: str) -> bool:
    """The theme's date badge (``1`` / ``Jul``) or a lone bar: head decoration, not a title."""
    if not _BADGE.match(s):
        return False
    letters = "".join(ch for ch in s if ch.isalpha())
    return not letters or letters[:3].lower() in MONTHS


def _head(lines: Sequence[str], limit: int) -> _Head:
    """The byline spread over short lines, and the title on the line before it (date badge skipped)."""
    for i in range(limit):
        s = lines[i].strip()
        if not s.startswith("By") or len(s) > 50:
            continue
        by = _BY.match(s)
        if by is None:
            continue
        author = by.group("author")
        date = None
        end = i + 1
        seen_date = False
        for j in range(i + 1, min(len(lines), i + 12)):
            t = lines[j].strip()
            if not t:
                continue
            if author is None and (a := _AUTHOR.match(t)) and not _HEAD_DATE.match(t) and not _READERS.match(t):
                author = a.group("author").strip()
            elif (d := _HEAD_DATE.match(t)) and not seen_date:
                date, seen_date = _full_date(d), True
            elif _READERS.match(t) or t in ("|", "｜"):
                pass
            else:
                break
            end = j + 1
        if not seen_date:
            continue  # a line starting with "By" that is no byline
        title, title_line = None, None
        for k in range(i - 1, max(-1, i - 12), -1):
            t = lines[k].strip()
            if not t or _is_badge(t):
                continue
            if len(t) <= MAX_TITLE and t not in CHROME_HEADERS and not t.startswith("首页"):  # not the breadcrumb
                title, title_line = _squash(t), k
            break
        return _Head(title, title_line, author.strip() if author else None, date, i, end)
    return _Head()


def _after_chrome(lines: Sequence[str], start: int, end: int) -> int:
    """Without a byline: the first body line after the site's menus and side bars, and any head decoration."""
    last = None
    for k in range(start, min(end, start + HEAD_LINES)):
        s = lines[k].strip()
        if s in CHROME_HEADERS:
            last = k
    i = start
    if last is not None:
        i = last + 1
        while i < end:
            s = lines[i].strip()
            chrome = any(p in s for p in CHROME_PHRASES) or s.startswith("首页")
            short = len(s) <= 40 and not any(ch in s for ch in "。！？$#")
            if s and not (chrome or short):
                break
            i += 1
    while i < end:
        s = lines[i].strip()
        if s and not (_is_badge(s) or _READERS.match(s) or s == "By" or _AUTHOR_BAR.match(s) or _HEAD_DATE.match(s)):
            break
        i += 1
    return i


# --- display formulas ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Span:
    start: int
    end: int


def _display_spans(body: str, line_starts: list[int], blank_starts: list[int]) -> tuple[list[_Span], list[int]]:
    """Display formulas of the body (``$$…$$``, ``\\[…\\]``, environments outside ``$``) and unclosed openers.

    Inline ``$…$`` and ``\\(…\\)`` are skipped over (they stay in their paragraph) and never cross a
    line; a display formula may, but not across a blank line nor over more than MAX_DISPLAY_LINES.
    """
    closers = Closers(body)
    spans: list[_Span] = []
    unclosed: list[int] = []
    size = len(body)
    dead_until = -1  # a '$' before this offset cannot open an inline formula (its line has no closer)
    pos = 0

    def fits(p: int, q: int) -> bool:
        lines = bisect.bisect_right(line_starts, q) - bisect.bisect_right(line_starts, p)
        blank = bisect.bisect_right(blank_starts, p)
        return lines < MAX_DISPLAY_LINES and (blank >= len(blank_starts) or blank_starts[blank] >= q)

    while (m := _OPENER.search(body, pos)) is not None:
        p = m.start()
        if body[p] == "$":
            if body.startswith("$$", p):
                q = closers.find("$$", p + 3)
                if q != -1 and fits(p, q):
                    spans.append(_Span(p, q + 2))
                    pos = q + 2
                    continue
                unclosed.append(p)
                pos = p + 2
                continue
            if p >= dead_until:
                inner = _INLINE_BODY.match(body, p + 1)
                e = inner.end() if inner else p + 1
                if e < size and body[e] == "$" and e > p + 1:
                    pos = e + 1
                    continue
                dead_until = e
            pos = p + 1
            continue
        env = _ENV_OPEN.match(body, p)
        if env:
            closer = "\\end{" + env.group(1) + env.group(2) + "}"
            q = closers.find(closer, env.end())
            if q != -1 and fits(p, q):
                spans.append(_Span(p, q + len(closer)))
                pos = q + len(closer)
                continue
            unclosed.append(p)
            pos = env.end()
            continue
        if body.startswith("\\[", p):
            q = closers.find("\\]", p + 2)
            if q != -1 and fits(p, q) and q > p + 2:
                spans.append(_Span(p, q + 2))
                pos = q + 2
                continue
        if body.startswith("\\(", p):
            close = closers.find("\\)", p + 2)
            next_line = bisect.bisect_right(line_starts, p)
            if close != -1 and (next_line >= len(line_starts) or close < line_starts[next_line]):
                pos = close + 2
                continue
        pos = p + 2  # a backslash takes the next character with it (\$ is a dollar, not a delimiter)
    return spans, unclosed


# --- pieces, segments and what they are ----------------------------------------------------------------------

@dataclass
class _Seg:
    """A stretch of one line: a formula, or text up to a paragraph boundary."""

    kind: str  # "math" or "text"
    text: str
    masked: str  # text with inline formulas and URLs blanked, for finding boundaries and markers
    line: int  # 0-based index into the page's lines
    first: bool  # starts its line
    label: str = "P"  # text: K keyword code, A assignment-like code, D docstring, C comment, W weak, P prose


def _mask(text: str) -> str:
    """The text with inline formulas and URLs replaced by letters, so nothing inside them splits or marks."""
    spans: list[tuple[int, int]] = [m.span() for m in _URL.finditer(text)]
    pos = 0
    dollar_dead = paren_dead = False
    while (m := _OPENER.search(text, pos)) is not None:
        p = m.start()
        if text[p] == "$":
            if not dollar_dead:
                inner = _INLINE_BODY.match(text, p + 1)
                e = inner.end() if inner else p + 1
                if e < len(text) and text[e] == "$" and e > p + 1:
                    spans.append((p, e + 1))
                    pos = e + 1
                    continue
                dollar_dead = True
            pos = p + 1
            continue
        if not paren_dead and text.startswith("\\(", p):
            close = text.find("\\)", p + 2)
            if close != -1:
                spans.append((p, close + 2))
                pos = close + 2
                continue
            paren_dead = True
        pos = p + 2
    if not spans:
        return text
    spans.sort()
    out: list[str] = []
    last = 0
    for a, b in spans:
        a = max(a, last)
        if b <= a:
            continue
        out.append(text[last:a])
        out.append("x" * (b - a))
        last = b
    out.append(text[last:])
    return "".join(out)


def _segments(text: str, line: int, first: bool) -> list[_Seg]:
    """A text piece cut at paragraph boundaries (full-width sentence punctuation and a space)."""
    masked = _mask(text)
    out: list[_Seg] = []
    pos = 0
    for m in _BOUNDARY.finditer(masked):
        if masked[m.start()] in HEADING_END and _MARKER_AHEAD.match(masked, m.end()):
            continue  # 为什么有效？ # …: the question is a heading, which the marker search finds
        stop = m.start("gap")
        piece = text[pos:stop]
        if piece.strip():
            out.append(_Seg("text", piece, masked[pos:stop], line, first and not out))
        pos = m.end()
    if text[pos:].strip():
        out.append(_Seg("text", text[pos:], masked[pos:], line, first and not out))
    return out


def _code_label(text: str) -> str:
    """K, A or W when the stretch reads as code (no Chinese outside strings and comments), C for a comment, else P."""
    s = text.strip()
    if not s or len(s) > MAX_CODE_LINE:
        return "P"
    if s.startswith(_TRIPLE):
        return "D"
    if s.startswith(("#", "//")) and not s.startswith("#include"):
        return "C"
    unquoted = _STRING.sub("''", s)
    if s.startswith("#include"):  # a directive, not a comment: only what follows it may be one
        bare = "#" + _COMMENT.sub("", unquoted[1:]).strip()
    else:
        bare = _COMMENT.sub("", unquoted).strip()
    if not bare or CJK.search(bare) or "$" in bare or _TEX_COMMAND.search(bare):
        return "P"
    if _KEYWORD_LINE.match(bare) or s.startswith("#include"):
        return "K"
    if _ASSIGN_LINE.match(bare):
        return "A"
    if _URL.match(bare):
        return "P"
    return "W"


def _label(segs: list[_Seg]) -> list[_Seg]:
    """Label every text segment, splitting off the code that a prose line starts with after a code line."""
    out: list[_Seg] = []
    docstring = 0  # segments left inside an open docstring
    quote = ""
    for seg in segs:
        if seg.kind != "text":
            out.append(seg)
            docstring = 0
            continue
        if docstring:
            seg.label = "D"
            docstring -= 1
            if quote in seg.text:
                docstring = 0
            out.append(seg)
            continue
        seg.label = _code_label(seg.text)
        if seg.label == "D":
            quote = seg.text.strip()[:3]
            if seg.text.count(quote) == 1:
                docstring = MAX_DOCSTRING
        prev = out[-1] if out else None
        if (seg.label == "P" and seg.first and prev is not None and prev.kind == "text"
                and prev.label in ("K", "A", "D", "C") and prev.line < seg.line):
            split = _code_prefix(seg)
            if split is not None:
                out.extend(split)
                continue
        out.append(seg)
    return out


def _code_prefix(seg: _Seg) -> list[_Seg] | None:
    """``centers = [...] 然后，我们…``: the code before the first Chinese, when it reads as code."""
    unquoted = _STRING.sub(lambda q: "x" * len(q.group()), seg.masked)  # Chinese in a string is code's
    m = IDEOGRAPH.search(unquoted)
    if m is None:
        return None
    head = seg.text[:m.start()]
    ws = max(head.rfind(" "), head.rfind("\t"), head.rfind("\u3000"))
    if ws <= 0:
        return None
    label = _code_label(head[:ws])
    if label not in ("K", "A"):
        return None
    code = _Seg("text", head[:ws], seg.masked[:ws], seg.line, True, label)
    rest = _Seg("text", seg.text[ws:], seg.masked[ws:], seg.line, False, "P")
    return [code, rest]


def _code_runs(segs: list[_Seg]) -> list[tuple[int, int]]:
    """(first, last) index pairs of the segment runs taken for code.

    A run is consecutive code-like text segments (weak ones only inside); it is code when a line
    in it is unmistakable (a keyword line or a docstring) or two of its lines look like code.
    Comment lines count for nothing but belong to the code they touch, before, inside or after it.
    """
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(segs):
        if segs[i].kind != "text" or segs[i].label == "P":
            i += 1
            continue
        j = i
        while j + 1 < len(segs) and segs[j + 1].kind == "text" and segs[j + 1].label != "P":
            j += 1
        a, b = i, j
        while a <= b and segs[a].label in ("W", "C"):
            a += 1
        while b >= a and segs[b].label in ("W", "C"):
            b -= 1
        if a <= b:
            labels = [s.label for s in segs[a:b + 1]]
            strong = sum(1 for x in labels if x in ("K", "A"))
            if "K" in labels or ("D" in labels and strong) or strong >= 2:
                while a > i and segs[a - 1].label == "C":
                    a -= 1
                while b < j and segs[b + 1].label == "C":
                    b += 1
                runs.append((a, b))
        i = j + 1
    return runs


# --- headings and paragraphs ---------------------------------------------------------------------------------

def _markers(masked: str) -> list[tuple[int, int]]:
    """(start, end) of every theme anchor: a ``#`` with white space before it and white space or nothing after.

    Found from each ``#`` backwards, not with a pattern starting at the white space: that one would
    rescan a long run of spaces from each of its positions.
    """
    found: list[tuple[int, int]] = []
    floor = 0
    at = masked.find("#")
    while at != -1:
        after = masked[at + 1:at + 2]
        if at > floor and masked[at - 1] in SPACE and (not after or after in SPACE):
            k = at - 1
            while k > floor and masked[k - 1] in SPACE:
                k -= 1
            found.append((k, at + 1))
        floor = at + 1
        at = masked.find("#", at + 1)
    return found


def _heading_ok(text: str, alone: bool) -> bool:
    """Whether the phrase before a ``#`` marker reads as a section title.

    ``alone``: the phrase is all the text since a paragraph start (line start, sentence end, formula
    or previous marker), not the last words of a longer run.  Only such a phrase may end in a function
    word, and only where the character before it makes a compound (应用, 方向, 之和) and not a clause
    (中用, 常用, 们用): the '#' after "在Python中用" is a symbol the sentence talks about.
    """
    t = text.strip()
    if not 0 < len(t) <= MAX_HEADING or "。" in t or t[-1] in NEVER_LAST:
        return False
    if t[-1] in FUNCTION_ENDINGS and not (alone and len(t) > 1 and IDEOGRAPH.match(t[-2]) and t[-2] not in CLAUSE_GLUE):
        return False
    if not any(ch.isalpha() for ch in t):
        return False
    return _code_label(t) in ("P", "W")


def _prose_blocks(seg: _Seg, src: Source) -> tuple[list[Block], int]:
    """One prose segment: paragraphs, and a heading wherever a ``#`` marker closes a short phrase.

    The heading is the text between the previous marker (or the segment's start) and this one
    when that is short; otherwise the last space-separated phrase before the marker, the text
    before it staying a paragraph.  A marker that closes no plausible heading stays text; how many
    did is returned with the blocks, for the page's summary.
    """
    blocks: list[Block] = []
    left = 1 if _MARKER_AHEAD.match(seg.masked) else 0  # a '#' after a sentence end (结束了。 #) closes no title
    text = seg.text
    pos = 0  # start of the paragraph text not yet emitted
    prev = 0  # end of the previous marker: a heading never reaches back over one

    def para(part: str) -> None:
        part = _squash(decode_entities(part))
        if part:
            blocks.append(Block(BlockKind.PARAGRAPH, part, src, Markup.PLAIN))

    for m_start, m_end in _markers(seg.masked):
        before = text[prev:m_start]
        prev = m_end
        after = _SPACES.match(text, m_end).end()
        if after < len(text) and text[after] in NO_PARAGRAPH_START:
            left += 1
            continue
        start = None
        if len(before) <= 2 * MAX_HEADING and _heading_ok(before, alone=True):
            start = m_start - len(before)
        else:
            window = before[-(MAX_HEADING + 1):]
            cut = max(window.rfind(ch) for ch in SPACE)
            tail = window[cut + 1:]
            if (cut != -1 and len(before) - len(window) + cut > 0 and _heading_ok(tail, alone=False)
                    and IDEOGRAPH.search(tail)):
                start = m_start - len(tail)
        if start is None:
            left += 1
            continue
        para(text[pos:start])
        heading = _squash(decode_entities(text[start:m_start]))
        level = 3 if _SUBSECTION.match(heading) else 2
        blocks.append(Block(BlockKind.HEADING, heading, src, Markup.PLAIN, level=level))
        pos = m_end
    para(text[pos:])
    return blocks, left


# --- reading -------------------------------------------------------------------------------------------------

@dataclass
class _Body:
    blocks: list[Block]
    headings: int
    markers_left: int  # ' #' markers in prose that closed no plausible heading and stay text
    formulas: int
    code: int
    unclosed: list[int]  # 0-based lines of display openers with no closer


def _body(lines: Sequence[str], start: int, end: int, name: str) -> _Body:
    """The blocks of lines[start:end]: formulas first (they may span lines), then code, headings, paragraphs."""
    body_lines = list(lines[start:end])
    body = "\n".join(body_lines)
    line_starts: list[int] = []
    blank_starts: list[int] = []
    offset = 0
    for text in body_lines:
        line_starts.append(offset)
        if not text.strip():
            blank_starts.append(offset)
        offset += len(text) + 1
    spans, unclosed = _display_spans(body, line_starts, blank_starts)

    def line_of(offset: int) -> int:
        return bisect.bisect_right(line_starts, offset) - 1

    segs: list[_Seg] = []
    cursor = 0
    for span in [*spans, _Span(len(body), len(body))]:
        if cursor < span.start:  # the text before this formula, one piece per line
            ln = line_of(cursor)
            offset = cursor
            for piece in body[cursor:span.start].split("\n"):
                if piece.strip():
                    segs.extend(_segments(piece, start + ln, offset == line_starts[ln]))
                offset += len(piece) + 1
                ln += 1
        if span.end > span.start:
            tex = body[span.start:span.end]
            ln = line_of(span.start)
            segs.append(_Seg("math", tex, tex, start + ln, span.start == line_starts[ln]))
        cursor = span.end
    segs = _label(segs)
    runs = _code_runs(segs)
    in_code = {i: run for run in runs for i in range(run[0], run[1] + 1)}
    blocks: list[Block] = []
    headings = markers_left = formulas = code = 0
    i = 0
    while i < len(segs):
        seg = segs[i]
        src = Source(name, seg.line + 1)
        if seg.kind == "math":
            tex = decode_entities("\n".join(part.rstrip() for part in seg.text.strip().split("\n")))
            blocks.append(Block(BlockKind.MATH, tex, src, Markup.PLAIN))
            formulas += 1
            i += 1
            continue
        if i in in_code:
            a, b = in_code[i]
            parts: list[str] = []
            last_line = segs[a].line
            for s in segs[a:b + 1]:
                parts.extend([""] * min(2, max(0, s.line - last_line - 1)))  # blank lines kept, at most two
                parts.append(decode_entities(s.text.rstrip()))
                last_line = s.line
            # The page's own indentation is kept (Python's meaning is in it); only what every line shares goes.
            blocks.append(Block(BlockKind.CODE, textwrap.dedent("\n".join(parts)), src, Markup.PLAIN, info=""))
            code += 1
            i = b + 1
            continue
        found, left = _prose_blocks(seg, src)
        headings += sum(1 for b in found if b.kind == BlockKind.HEADING)
        markers_left += left
        blocks.extend(found)
        i += 1
    return _Body(blocks, headings, markers_left, formulas, code, sorted({line_of(p) + start for p in unclosed}))


def _capped(text: str, name: str) -> tuple[list[str], list[Problem]]:
    lines = text.split("\n")
    problems: list[Problem] = []
    for index, line in enumerate(lines):
        if len(line) > MAX_LINE_CHARS:
            problems.append(Problem(Source(name, index + 1), "long-line",
                                    f"a line of {len(line):,} characters; only its first {MAX_LINE_CHARS:,} are read"))
            lines[index] = line[:MAX_LINE_CHARS]
    return lines, problems


def _glued_footer(line: str) -> str:
    """Body text the scrape glued before the reprint notice on the footer's first line."""
    at = line.find("转载")
    return line[:at] if at > 0 and line[:at].strip() else ""


def read(text: str, name: str) -> tuple[list[Entry], list[Problem]]:
    """One entry from a plain-text or body-only page, with one ``page-partial`` problem saying what was lost."""
    lines, problems = _capped(text, name)
    found = footer_start(lines)
    end = len(lines) if found is None else found
    facts = page_facts(lines[end:]) if found is not None else page_facts([])
    head = _head(lines, min(end, HEAD_LINES))
    footer_line = end + 1  # 1-based, before any glued text is split off
    if found is not None:
        glued = _glued_footer(lines[end])
        if glued:
            lines = [*lines[:end], glued, *lines[end:]]  # the body keeps its last words; the footer moves down
            end += 1
    for why in facts.conflicts:
        problems.append(Problem(Source(name, footer_line), "page-conflict", why, Level.WARNING))

    title, title_from = _title(head, facts, name, problems)
    start = head.body_start if head.by_line is not None else _after_chrome(lines, 0, end)
    title_line = False
    if head.by_line is None and title:  # a body-only page may still start with its title
        first = next((k for k in range(start, end) if lines[k].strip()), None)
        if first is not None and fold(decode_entities(lines[first])) == fold(title):
            start, title_line = first + 1, True
    fmt = FMT_TEXT if head.by_line is not None or title_line else FMT_BODY

    parsed = _body(lines, start, end, name)
    for line in parsed.unclosed[:MATH_PROBLEMS_SHOWN]:
        problems.append(Problem(Source(name, line + 1), "suspicious-math",
                                "a display formula ('$$' or \\begin{…}) with no closer: shown as text"))
    if len(parsed.unclosed) > MATH_PROBLEMS_SHOWN:
        problems.append(Problem(Source(name, parsed.unclosed[MATH_PROBLEMS_SHOWN] + 1), "suspicious-math",
                                f"… and {len(parsed.unclosed) - MATH_PROBLEMS_SHOWN} more unclosed display formula(s)"))

    post_id = facts.post_id
    date = head.date or facts.date
    if head.date and facts.date and head.date != facts.date:
        problems.append(Problem(Source(name, (head.by_line or 0) + 1), "page-conflict",
                                f"the byline's date {head.date.iso()} differs from the citation's {facts.date.iso()}; "
                                "the byline's is used", Level.WARNING))
    author = head.author or facts.author
    level, message = _summary(fmt, parsed, title, title_from, date, post_id, found is not None)
    problems.append(Problem(Source(name, 1), "page-partial", message, level))
    if not parsed.blocks:
        problems.append(Problem(Source(name, start + 1), "empty-page", "no body text on this page", Level.WARNING))
        return [], problems
    entry = Entry(source=Source(name, 1), fmt=fmt, title=title, date=date,
                  author=author, blocks=tuple(parsed.blocks), truncated=False, post_id=post_id, url=facts.url,
                  category=facts.category, tags=facts.tags, complete=True)
    return [entry], problems


def _title(head: _Head, facts: PageFacts, name: str, problems: list[Problem]) -> tuple[str | None, str | None]:
    """The title and where it came from ("head" or "citation"), entities decoded.

    The line before the byline is the title only by position, so where the citation names
    another one, the citation's wins (and the difference is noted).
    """
    mine = decode_entities(head.title) if head.title else None
    cited = decode_entities(facts.title) if facts.title else None
    if cited and (mine is None or fold(mine) != fold(cited)):
        if mine is not None:
            problems.append(Problem(Source(name, (head.title_line or 0) + 1), "page-conflict",
                                    f"the line before the byline, {mine!r}, is not the title the citation gives, "
                                    f"{cited!r}; the citation's is used", Level.INFO))
        return cited, "citation"
    return mine, "head" if mine else None


def _summary(fmt: str, parsed: _Body, title: str | None, title_from: str | None, date: PartialDate | None,
             post_id: str | None, footer: bool) -> tuple[Level, str]:
    """The one sentence saying what this page could not give, and how bad that is."""
    if parsed.markers_left:  # so an editor can judge the guess: each one left shows as '… #' in a paragraph
        markers = (f"headings guessed from ' #' markers: {parsed.headings} taken as heading(s), "
                   f"{parsed.markers_left} left in the text")
    else:
        markers = f"headings guessed from ' #' markers ({parsed.headings})"
    lost = (f"{markers}, paragraphs that ran together split only at sentence ends, "
            f"code recognised by its look ({parsed.code} block(s)), no links, no images, no tables, no emphasis")
    if fmt == FMT_TEXT:
        where = "" if title_from != "citation" else "; title from the citation"
        lead = f"plain-text page: {lost}{where}"
    else:
        missing = [what for what, value in (("title", title), ("date", date), ("post id", post_id)) if not value]
        if title_from == "citation" and not missing:
            lead = f"body-only page: title, date and post id from the citation; {lost}"
        elif missing:
            lead = f"body-only page: {', '.join(missing)} missing (no citation gives them); {lost}"
        else:
            lead = f"body-only page: {lost}"
    if not footer:
        lead += "; no reprint notice or citation found, so the body runs to the end of the page"
    level = Level.ERROR if not title and not post_id else Level.WARNING
    return level, lead
