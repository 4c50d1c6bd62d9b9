"""Stage 1: archive dumps in, entries (each with its file:line) out.

Two scrape formats occur, sometimes in the same folder:

* listing pages: ``DD Mon`` line, optional title line, paragraphs separated by
  blank lines, closed by ``点击阅读全文...``;
* byline pages: a title line, then ``By 苏剑林 | YYYY-MM-DD | N位读者 | 引用``
  with the first paragraph glued after ``引用`` and one paragraph per line.

One parser reads both, because the markers never collide and a messy scrape may
mix them.  Reading never raises on bad input: it returns what it could read
plus problems that name file and line.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .model import Block, BlockKind, Entry, Level, PartialDate, Problem, Source

MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}

DATE_LINE = re.compile(r"^(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\.?$")
BYLINE = re.compile(
    r"^By\s+(?P<author>[^|｜]+?)\s*[|｜]\s*(?P<date>\d{4}\s*-\s*\d{1,2}\s*-\s*\d{1,2})"
    r"(?:\s*[|｜]\s*[\d,，]+\s*位读者)?(?:\s*[|｜]\s*引用)?(?P<rest>.*)$"
)
MORE_LINE = re.compile(r"^点击阅读全文\s*(?:\.{2,}|…+|。+)?$")
CHROME_LINES = frozenset({"最近评论", "最新评论", "热门文章", "随机文章", "友情链接", "最近文章"})

SENTENCE_PUNCT = "。；;！!？?"
CLAUSE_END = ",，;；:：、"
HEADING_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+|\d+)[、.．]\s*")
URL = re.compile(r"https?://", re.IGNORECASE)
# A lost glyph leaves '?' glued to a bracket, as in "函数?(x)"; a real question mark is
# followed by text or nothing, so only the bracket cases are reported.
LOST_GLYPH = re.compile(r"\?(?=[(\[{])|(?<=[(\[{,])\?|\?(?=[)\]}])")

MAX_TITLE = 80
MAX_HEADING = 25


@dataclass
class Decoded:
    text: str | None
    problems: list[Problem] = field(default_factory=list)


def decode(data: bytes, name: str) -> Decoded:
    """Bytes to text, saying what was done to get there.

    UTF-8 is expected; GB18030 (a superset of GBK) is tried when UTF-8 fails
    broadly, since Chinese scrapes saved on Windows often are GBK.  A file with
    only a few bad bytes stays UTF-8 with the bytes replaced, not reinterpreted.
    """
    problems: list[Problem] = []
    if not data.strip():
        return Decoded(None, [Problem(Source(name, 1), "empty-file", "the file is empty; skipped")])
    head = data[:65536]
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13, 12))
    if b"\x00" in head or controls > len(head) * 0.05:
        return Decoded(None, [Problem(Source(name, 1), "binary-file",
                                      "the file looks binary (NUL or control bytes), not text; skipped",
                                      Level.ERROR)])
    try:
        return Decoded(data.decode("utf-8-sig"), problems)
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        lenient = data.decode("utf-8", errors="replace")
        bad = lenient.count("\ufffd")
    if bad * 200 > len(lenient):
        try:
            text = data.decode("gb18030")
            problems.append(Problem(Source(name, line), "not-utf8",
                                    "the file is not UTF-8; read it as GB18030/GBK"))
            return Decoded(text, problems)
        except UnicodeDecodeError:
            pass
    problems.append(Problem(Source(name, line), "bad-bytes",
                            f"{bad} byte sequence(s) are not valid UTF-8 (first at this line); "
                            "shown as U+FFFD"))
    return Decoded(lenient.lstrip("\ufeff"), problems)


def normalise_lines(text: str) -> list[str]:
    """Split on any line ending and drop what no reader sees (trailing blanks, controls)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    out = []
    for raw in text.split("\n"):
        line = "".join(ch for ch in raw if ch == "\t" or unicodedata.category(ch) != "Cc")
        out.append(line.replace("\t", " ").strip(" \u3000\u00a0\ufeff"))
    return out


def looks_like_title(line: str) -> bool:
    if not line or len(line) > MAX_TITLE or "。" in line:
        return False
    if line[-1] in CLAUSE_END or line.startswith(("$", "\\")) or URL.match(line):
        return False
    return not (BYLINE.match(line) or DATE_LINE.match(line))


def looks_like_heading(line: str) -> bool:
    if len(line) > MAX_HEADING or "$" in line or "\\" in line or URL.search(line):
        return False
    body = HEADING_NUMBER.sub("", line)
    if not body or any(ch in body for ch in "。，,;；:：、"):
        return False
    if body[-1] in "?？!！":
        return len(body) <= 16
    return True


@dataclass
class _Draft:
    source: Source
    fmt: str
    title: str | None = None
    date: PartialDate | None = None
    author: str | None = None
    lines: list[tuple[str, int]] = field(default_factory=list)
    truncated: bool = False
    glued_first: bool = False  # first body line came from after 引用


def _month_day(day: int, mon: str) -> tuple[int, int] | None:
    month = MONTHS.get(mon.lower())
    if month is None or not 1 <= day <= (29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31):
        return None
    return month, day


def _full_date(text: str) -> PartialDate | None:
    year, month, day = (int(x) for x in re.split(r"\s*-\s*", text))
    try:
        datetime.date(year, month, day)
    except ValueError:
        return None
    return PartialDate(month, day, year)


def read_text(text: str, name: str) -> tuple[list[Entry], list[Problem]]:
    """Parse one decoded dump."""
    lines = normalise_lines(text)
    problems: list[Problem] = []
    entries: list[Entry] = []
    draft: _Draft | None = None
    expect_title = True
    in_chrome = False

    def close() -> None:
        nonlocal draft
        if draft is not None:
            entry = _finish(draft, name, problems)
            if entry is not None:
                entries.append(entry)
        draft = None

    for number, line in enumerate(lines, 1):
        if not line:
            continue
        src = Source(name, number)
        date_match = DATE_LINE.match(line)
        byline = BYLINE.match(line)
        if date_match:
            close()
            in_chrome = False
            md = _month_day(int(date_match.group(1)), date_match.group(2))
            if md is None:
                problems.append(Problem(src, "bad-date", f"not a valid day and month: {line!r}"))
            draft = _Draft(src, "listing", date=PartialDate(*md) if md else None)
            expect_title = True
            continue
        if byline:
            in_chrome = False
            title, title_line = None, number
            if draft is not None and draft.lines:
                last, last_no = draft.lines[-1]
                # The line before a byline is the title by position, however long; only a
                # finished sentence says the title line itself is missing.
                if not last.endswith(("。", ".")) and not BYLINE.match(last):
                    draft.lines.pop()
                    title, title_line = last, last_no
                    if not draft.lines and draft.glued_first:
                        problems.append(Problem(Source(name, last_no), "glued-title",
                                                f"post {draft.title!r} has no body; the next post's "
                                                "title was glued after 引用", Level.INFO))
            elif draft is not None and draft.title and draft.date is None and draft.fmt == "listing":
                # A title line with nothing after it but this byline: it is this post's title.
                title, title_line = draft.title, draft.source.line
                draft = None
            if draft is not None and not draft.lines and draft.title is None and draft.date is None:
                draft = None
            close()
            date = _full_date(byline.group("date"))
            if date is None:
                problems.append(Problem(src, "bad-date", f"not a valid date: {byline.group('date')!r}"))
            if title is None:
                problems.append(Problem(src, "missing-title", "byline without a title line before it"))
            draft = _Draft(Source(name, title_line), "byline", title=title, date=date,
                           author=byline.group("author").strip())
            rest = byline.group("rest").strip()
            if rest:
                draft.lines.append((rest, number))
                draft.glued_first = True
            expect_title = False
            continue
        if MORE_LINE.match(line):
            if draft is None:
                problems.append(Problem(src, "stray-more", "点击阅读全文 with no post before it"))
            else:
                draft.truncated = True
            close()
            expect_title = True
            continue
        if line in CHROME_LINES:
            close()
            in_chrome = True
            continue
        if in_chrome:
            continue
        if draft is None:
            draft = _Draft(src, "listing")
        following = next((x for x in lines[number:] if x), "")
        if expect_title and not draft.lines and draft.title is None and looks_like_title(line) \
                and following != line:  # a line said twice is an image caption, not a title
            draft.title = line
            draft.source = Source(name, number) if draft.date is None else draft.source
            expect_title = False
            continue
        expect_title = False
        draft.lines.append((line, number))
    close()
    return entries, problems


def _finish(draft: _Draft, name: str, problems: list[Problem]) -> Entry | None:
    blocks: list[Block] = []
    for index, (text, number) in enumerate(draft.lines):
        src = Source(name, number)
        if blocks and blocks[-1].text == text and blocks[-1].kind != BlockKind.FIGURE \
                and len(text) <= 120 and "$" not in text:
            # Scrapes repeat an image's caption (alt text and figcaption); the image is gone.
            blocks[-1] = Block(BlockKind.FIGURE, text, blocks[-1].source)
            continue
        following = draft.lines[index + 1][0] if index + 1 < len(draft.lines) else ""
        # A short line that introduces display math is the start of a sentence, not a heading.
        heading = looks_like_heading(text) and not following.startswith(("$$", "\\begin", "\\["))
        kind = BlockKind.HEADING if heading else BlockKind.PARAGRAPH
        blocks.append(Block(kind, text, src))
    if not blocks and draft.title is None:
        problems.append(Problem(draft.source, "empty-entry", "an entry with neither title nor text; skipped"))
        return None
    for block in blocks:
        for m in LOST_GLYPH.finditer(block.text):
            context = block.text[max(0, m.start() - 8):m.end() + 8]
            problems.append(Problem(block.source, "lost-glyph",
                                    f"'?' where a character was probably lost: …{context}…", Level.INFO))
    # Missing titles and dates are judged after merging and the overlay, which may supply them.
    return Entry(source=draft.source, fmt=draft.fmt, title=draft.title, date=draft.date,
                 author=draft.author, blocks=tuple(blocks), truncated=draft.truncated)


def read_file(path: Path, name: str | None = None) -> tuple[list[Entry], list[Problem]]:
    name = name or path.name
    try:
        data = path.read_bytes()
    except OSError as err:
        return [], [Problem(Source(name, 1), "unreadable", str(err), Level.ERROR)]
    decoded = decode(data, name)
    if decoded.text is None:
        return [], decoded.problems
    entries, problems = read_text(decoded.text, name)
    if not entries:
        problems.append(Problem(Source(name, 1), "no-entries", "no post could be read from this file"))
    return entries, decoded.problems + problems


def read_archive(folder: Path) -> tuple[list[Entry], list[Problem]]:
    """Every ``*.txt`` dump in the folder, in name order (the order is part of the output)."""
    entries: list[Entry] = []
    problems: list[Problem] = []
    files = sorted(p for p in folder.glob("*.txt") if p.is_file())
    if not files:
        problems.append(Problem(Source(str(folder), 1), "no-dumps", "no *.txt dumps in the archive folder",
                                Level.ERROR))
    for path in files:
        got, found = read_file(path)
        entries.extend(got)
        problems.extend(found)
    return entries, problems
