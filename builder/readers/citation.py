"""What a page's footer says about the post: reprint line, citation, BibTeX, category and tags.

Every article page of the blog ends with the same block, whatever shape the
scraper saved it in::

    转载到请包括本文地址：https://kexue.fm/archives/3873
    …
    苏剑林. (Jul. 01, 2016). 《title 》[Blog post]. Retrieved from https://kexue.fm/archives/3873
    @online{kexuefm-3873,
            title={title}, author={苏剑林}, year={2016}, month={Jul},
            url={\\url{https://kexue.fm/archives/3873}},
    }
    分类： 信息时代    标签： vae, 生成模型, DDPM, 扩散75 评论

It is the one place a body-only scrape says which post it is, and on every page
it marks where the body ends.  This module reads it from *plain text lines*
(the Markdown reader unescapes its lines first), so it relies on the words and
punctuation the blog prints, never on markup.  Each line is looked at a fixed
number of times with ``str.find`` or anchored patterns: time is linear in the
input, whatever a hostile page holds.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import PartialDate

# A post's address on the blog or its mirror; the id is the post's identity everywhere in the builder.
BLOG_POST = re.compile(r"https?://(?:www\.)?(?:kexue\.fm|spaces\.ac\.cn)/archives/(\d{1,7})(?!\d)", re.IGNORECASE)
CANONICAL = "https://kexue.fm/archives/{}"

REPRINT = "转载到请包括本文地址"
CITE_INTRO = "如果您需要引用本文"
BLOG_POST_MARK = re.compile(r"\[\s*Blog\s+post\s*\]", re.IGNORECASE)
RETRIEVED = re.compile(r"Retrieved\s+from", re.IGNORECASE)
CITE_DATE = re.compile(r"\(\s*([A-Za-z]{3,9})\.?\s*(\d{1,2})\s*,\s*(\d{4})\s*\)")
BIBTEX_HEAD = re.compile(r"@\s*[A-Za-z]{2,20}\s*\{\s*([^,\s{}]{0,80})\s*,")
BIBTEX_KEY_ID = re.compile(r"kexuefm-(\d{1,7})(?!\d)", re.IGNORECASE)
BIBTEX_FIELD = re.compile(r"([A-Za-z]{1,20})\s*=\s*\{")
BIBTEX_URL = re.compile(r"\\url\s*\{([^{}]*)\}")
SEPARATORS = re.compile(r"[,，、;；]")
WIDE_GAP = re.compile(r"\s{2,}")

MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}

# Lines that sit between the body and the citation when the reprint line is missing: the FAQ
# pointer, the invitation to comment, the tip jar (its QR codes leave "科学空间" alt texts).
FOOTER_PHRASES = ("转载事宜", "疑惑或建议", "本文还不错", "打赏", "引用本文", "建议或需求", "科学空间FAQ")
FOOTER_LINES = frozenset({"科学空间", "分享", "/"})
WALK_BACK = 30  # lines above the citation the footer may start on
BIBTEX_LINES = 40  # a BibTeX entry longer than this is not the blog's
MAX_NAME = 60  # category and tag names: longer ones are not names but glued text
MAX_TAGS = 60
MAX_TITLE = 200  # the blog's titles are under 80 characters; a longer "title" is glued or unclosed text


@dataclass(frozen=True)
class PageFacts:
    """The post as the footer names it; each ``*_line`` is the 0-based index of the line the fact came from.

    ``post_ids`` holds every distinct id the footer names, most authoritative first (reprint line,
    citation, BibTeX key, BibTeX url); ``post_id`` is the first.  ``conflicts`` says in words where
    two parts of the footer disagree, for the caller to report: the footer itself cannot say which
    one is right.
    """

    title: str | None = None
    date: PartialDate | None = None
    post_id: str | None = None
    url: str | None = None
    author: str | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()
    title_line: int | None = None
    date_line: int | None = None
    post_id_line: int | None = None
    url_line: int | None = None
    author_line: int | None = None
    category_line: int | None = None
    tags_line: int | None = None
    post_ids: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Citation:
    """``苏剑林. (Jul. 06, 2022). 《title 》[Blog post]. Retrieved from URL`` taken apart."""

    author: str | None
    date: PartialDate | None
    title: str | None
    post_id: str | None


@dataclass(frozen=True)
class BibTeX:
    """The fields of the ``@online{kexuefm-ID, …}`` entry the builder uses."""

    key_id: str | None
    url_id: str | None
    title: str | None
    author: str | None
    year: int | None
    month: int | None
    end: int  # index of the entry's last line


def post_id_of(url: str) -> str | None:
    """The post id of a blog address (``https://kexue.fm/archives/ID``, the mirror, http, www), else None."""
    m = BLOG_POST.match(url.strip())
    return m.group(1) if m else None


def canonical_url(post_id: str) -> str:
    """The one address the builder writes for a post, whichever host or scheme the page used."""
    return CANONICAL.format(post_id)


def reprint_id(line: str) -> tuple[bool, str | None]:
    """Whether the line is the reprint notice, and the post id its URL names (None when it names none).

    Spaces may fall anywhere (around the colon, before the URL), so they are dropped before
    matching; URLs hold none.
    """
    if "址" not in line:  # cheap test before building the squeezed copy of a long line
        return False, None
    squeezed = "".join(line.split())
    at = squeezed.find(REPRINT)
    if at == -1:
        return False, None
    rest = squeezed[at + len(REPRINT):]
    if rest[:1] in ("：", ":"):
        rest = rest[1:]
    m = BLOG_POST.match(rest)
    return True, m.group(1) if m else None


def is_reprint(line: str) -> bool:
    return reprint_id(line)[0]


def parse_citation(line: str) -> Citation | None:
    """The citation line taken apart, or None when the line is not one.

    ``[Blog post]`` and ``Retrieved from`` make it one; the title is everything between the
    first ``《`` and the last ``》`` before ``[Blog post]`` (a title can quote a book in 《》).
    """
    mark = BLOG_POST_MARK.search(line)
    if mark is None:
        return None
    retrieved = RETRIEVED.search(line, mark.end())
    if retrieved is None:
        return None
    close = line.rfind("》", 0, mark.start())
    open_ = line.find("《", 0, close) if close != -1 else -1
    title = _short(line[open_ + 1:close]) if open_ != -1 else None
    head = line[:open_ if open_ != -1 else mark.start()]
    head = head[-200:]  # the author and date are short; a long head is glued body text
    date = None
    author = None
    dm = CITE_DATE.search(head)
    if dm:
        date = _date(dm.group(3), dm.group(1), dm.group(2))
        author = head[:dm.start()].strip().rstrip(".").strip() or None
        if author and len(author) > 40:
            author = None
    url = BLOG_POST.search(line, retrieved.end(), retrieved.end() + 300)
    if title is None and date is None and url is None:
        return None  # the words without anything they would cite: not the footer's line
    return Citation(author, date, title, url.group(1) if url else None)


def _short(text: str, limit: int = MAX_TITLE) -> str | None:
    """The text on one line, or None when empty or longer than any real title or name."""
    if len(text) > 4 * limit:
        return None
    clean = " ".join(text.split())
    return clean if 0 < len(clean) <= limit else None


def _date(year: str, month: str, day: str) -> PartialDate | None:
    mon = MONTHS.get(month[:3].lower())
    if mon is None:
        return None
    try:
        datetime.date(int(year), mon, int(day))
    except ValueError:
        return None
    return PartialDate(mon, int(day), int(year))


def bibtex_head(line: str) -> str | None:
    """The key of a BibTeX entry starting on this line (``@online{kexuefm-3873,``), else None."""
    stripped = line.strip()
    if not stripped.startswith("@"):
        return None
    m = BIBTEX_HEAD.match(stripped)
    return m.group(1) if m else None


def parse_bibtex(lines: Sequence[str], start: int) -> BibTeX | None:
    """The entry whose head is on ``lines[start]``, read up to its closing brace (at most BIBTEX_LINES lines)."""
    key = bibtex_head(lines[start])
    if key is None:
        return None
    parts: list[str] = []
    depth = 0
    end = start
    for index in range(start, min(len(lines), start + BIBTEX_LINES)):
        line = lines[index]
        parts.append(line)
        end = index
        depth += _brace_balance(line)
        if depth <= 0:
            break
    text = "\n".join(parts)
    text = text[text.find("{") + 1:]
    fields = _bibtex_fields(text)
    key_match = BIBTEX_KEY_ID.fullmatch(key)
    url_field = fields.get("url", "")
    inner = BIBTEX_URL.search(url_field)
    url_id = post_id_of(inner.group(1) if inner else url_field)
    year = fields.get("year", "").strip()
    month = fields.get("month", "").strip()
    month_number = MONTHS.get(month[:3].lower()) if month[:3].isalpha() else (
        int(month) if month.isdigit() and 1 <= int(month) <= 12 else None)
    return BibTeX(
        key_id=key_match.group(1) if key_match else None,
        url_id=url_id,
        title=_short(fields.get("title", "")),
        author=_short(fields.get("author", ""), MAX_NAME),
        year=int(year) if year.isdigit() and len(year) == 4 else None,
        month=month_number,
        end=end,
    )


def _brace_balance(line: str) -> int:
    """Opening minus closing braces, not counting escaped ones (``\\{``)."""
    return line.count("{") - line.count("\\{") - line.count("}") + line.count("\\}")


def _bibtex_fields(text: str) -> dict[str, str]:
    """``name={value}`` pairs, values brace-matched (``url={\\url{…}}``); the first of each name wins."""
    fields: dict[str, str] = {}
    pos = 0
    while (m := BIBTEX_FIELD.search(text, pos)) is not None:
        depth = 1
        k = m.end()
        while k < len(text) and depth:
            ch = text[k]
            if ch == "\\":
                k += 2
                continue
            depth += 1 if ch == "{" else -1 if ch == "}" else 0
            k += 1
        value = text[m.end():k - 1] if depth == 0 else text[m.end():]
        fields.setdefault(m.group(1).lower(), value)
        pos = k
    return fields


def category_and_tags(line: str) -> tuple[str | None, tuple[str, ...] | None]:
    """``分类：X`` and ``标签：a, b, c`` from a line that starts with either (both may share it).

    The page prints the comment count right after the last tag with no separator (``扩散75
    评论``): a trailing ``N 评论`` is cut off before the tags are split.  A tag that itself ends
    in digits cannot be told apart from the count in that form; the count takes every digit.
    """
    s = line.strip()
    category: str | None = None
    tags: tuple[str, ...] | None = None
    rest = _after_label(s, "分类")
    if rest is not None:
        tag_at = _label_at(rest, "标签")
        value = rest[:tag_at] if tag_at != -1 else rest
        value = WIDE_GAP.split(value.strip(), maxsplit=1)[0] if value.strip() else ""
        category = value if 0 < len(value) <= MAX_NAME else None
        s = rest[tag_at:].strip() if tag_at != -1 else ""
    rest = _after_label(s, "标签")
    if rest is not None:
        tags = _split_tags(_without_comment_count(rest))
    return category, tags


def _after_label(s: str, label: str) -> str | None:
    """The text after ``label：`` when ``s`` starts with it (colon full or half width, spaces allowed)."""
    if not s.startswith(label):
        return None
    rest = s[len(label):].lstrip()
    if rest[:1] not in ("：", ":"):
        return None
    return rest[1:]


def _label_at(s: str, label: str) -> int:
    """Where ``label：`` starts in ``s``, or -1."""
    at = s.find(label)
    while at != -1:
        after = s[at + len(label):at + len(label) + 4].lstrip()
        if after[:1] in ("：", ":"):
            return at
        at = s.find(label, at + 1)
    return -1


def _without_comment_count(value: str) -> str:
    """``扩散75 评论`` → ``扩散``; also ``扩散 12 条评论`` and ``暂无评论`` / ``没有评论`` after the last tag."""
    value = value.rstrip()
    if not value.endswith("评论"):
        return value
    head = value[:-2].rstrip()
    for phrase in ("暂无", "没有"):
        if head.endswith(phrase):
            return head[:-len(phrase)]
    if head.endswith("条"):
        head = head[:-1].rstrip()
    j = len(head)
    while j > 0 and head[j - 1] in "0123456789,":
        j -= 1
    return head[:j] if j < len(head) else value


def _split_tags(value: str) -> tuple[str, ...]:
    seen: list[str] = []
    for part in SEPARATORS.split(value):
        tag = " ".join(part.split())
        if tag and len(tag) <= MAX_NAME and tag not in seen:
            seen.append(tag)
        if len(seen) >= MAX_TAGS:
            break
    return tuple(seen)


def footer_strong(line: str) -> str | None:
    """``"reprint"``, ``"citation"`` or ``"bibtex"`` when the line is that part of the footer, else None."""
    if is_reprint(line):
        return "reprint"
    if parse_citation(line) is not None:
        return "citation"
    if bibtex_head(line) is not None and BIBTEX_KEY_ID.search(line):
        return "bibtex"
    return None


def _footer_ish(line: str) -> bool:
    s = line.strip()
    return not s or s in FOOTER_LINES or (len(s) <= 300 and any(p in s for p in FOOTER_PHRASES))


def footer_start(lines: Sequence[str], start: int = 0) -> int | None:
    """Index of the first footer line, where the post's body ends; None when the page has no footer.

    The reprint line when there is one.  Otherwise the citation block: its first strong line
    (citation or BibTeX), moved up over the footer lines just above it (the invitation to cite,
    the tip jar, the FAQ pointer) so none of them is read as body text.
    """
    first_strong = None
    for index in range(start, len(lines)):
        line = lines[index]
        if is_reprint(line):
            return index
        if first_strong is None and footer_strong(line) is not None:
            first_strong = index
    if first_strong is None:
        return None
    top = first_strong
    while top > start and first_strong - (top - 1) <= WALK_BACK and _footer_ish(lines[top - 1]):
        top -= 1
    while top < first_strong and not lines[top].strip():
        top += 1
    return top


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def page_facts(lines: Sequence[str], start: int = 0) -> PageFacts:
    """Title, date, post id, URL, author, category and tags as the footer states them.

    The first occurrence of each part counts (comments further down can quote a citation).
    Ids are taken from the reprint line, the citation and the BibTeX entry; where they, the
    two titles or the two dates disagree, ``conflicts`` says so.
    """
    reprint: tuple[int, str | None] | None = None
    citation: tuple[int, Citation] | None = None
    bibtex: tuple[int, BibTeX] | None = None
    cat: tuple[int, str] | None = None
    tags: tuple[int, tuple[str, ...]] | None = None
    for index in range(start, len(lines)):
        if reprint and citation and bibtex and cat and tags:
            break  # the lines after the footer (related posts, comments) are not read
        line = lines[index]
        if reprint is None:
            found, pid = reprint_id(line)
            if found:
                reprint = (index, pid)
                continue
        if citation is None:
            cited = parse_citation(line)
            if cited is not None:
                citation = (index, cited)
                continue
        if bibtex is None and bibtex_head(line) is not None:
            entry = parse_bibtex(lines, index)
            if entry is not None:
                bibtex = (index, entry)
                continue
        if cat is None or tags is None:
            c, t = category_and_tags(line)
            if c is not None and cat is None:
                cat = (index, c)
            if t is not None and tags is None:
                tags = (index, t)
    return _combine(reprint, citation, bibtex, cat, tags)


def _combine(reprint: tuple[int, str | None] | None, citation: tuple[int, Citation] | None,
             bibtex: tuple[int, BibTeX] | None, cat: tuple[int, str] | None,
             tags: tuple[int, tuple[str, ...]] | None) -> PageFacts:
    """One set of facts from the footer's parts, most authoritative first, with their disagreements."""
    ids: list[tuple[str, int, str]] = []  # (id, line, which part named it)
    if reprint and reprint[1]:
        ids.append((reprint[1], reprint[0], "the reprint line"))
    if citation and citation[1].post_id:
        ids.append((citation[1].post_id, citation[0], "the citation"))
    if bibtex and bibtex[1].key_id:
        ids.append((bibtex[1].key_id, bibtex[0], "the BibTeX key"))
    if bibtex and bibtex[1].url_id:
        ids.append((bibtex[1].url_id, bibtex[0], "the BibTeX url"))
    conflicts: list[str] = []
    post_ids: list[str] = []
    for pid, _, _ in ids:
        if pid not in post_ids:
            post_ids.append(pid)
    if len(post_ids) > 1:
        first = ids[0]
        other = next(item for item in ids if item[0] != first[0])
        conflicts.append(f"{first[2]} names post {first[0]} but {other[2]} names post {other[0]}; "
                         f"{first[0]} is used")

    title, title_line = None, None
    if citation and citation[1].title:
        title, title_line = citation[1].title, citation[0]
    if bibtex and bibtex[1].title:
        if title is None:
            title, title_line = bibtex[1].title, bibtex[0]
        elif _fold(title) != _fold(bibtex[1].title):
            conflicts.append(f"the citation's title {title!r} differs from the BibTeX title {bibtex[1].title!r}; "
                             "the citation's is used")

    date, date_line = (citation[1].date, citation[0]) if citation and citation[1].date else (None, None)
    if date and bibtex and bibtex[1].year and (bibtex[1].year != date.year
                                               or (bibtex[1].month and bibtex[1].month != date.month)):
        conflicts.append(f"the citation's date {date.iso()} differs from the BibTeX year/month "
                         f"{bibtex[1].year}/{bibtex[1].month or '?'}; the citation's is used")

    author, author_line = None, None
    if citation and citation[1].author:
        author, author_line = citation[1].author, citation[0]
    elif bibtex and bibtex[1].author:
        author, author_line = bibtex[1].author, bibtex[0]

    post_id = ids[0][0] if ids else None
    return PageFacts(
        title=title, date=date, post_id=post_id, url=canonical_url(post_id) if post_id else None,
        author=author, category=cat[1] if cat else None, tags=tags[1] if tags else (),
        title_line=title_line, date_line=date_line,
        post_id_line=ids[0][1] if ids else None, url_line=ids[0][1] if ids else None,
        author_line=author_line, category_line=cat[0] if cat else None, tags_line=tags[0] if tags else None,
        post_ids=tuple(post_ids), conflicts=tuple(conflicts),
    )
