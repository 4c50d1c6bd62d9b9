"""Stage 1: archive dumps in, entries (each with its file:line) out.

Two scrape formats occur, sometimes in the same folder:

* listing pages: ``DD Mon`` line, optional title line, paragraphs separated by
  blank lines, closed by ``点击阅读全文...``;
* byline pages: a title line, then ``By 苏剑林 | YYYY-MM-DD | N位读者 | 引用``
  with the first paragraph glued after ``引用`` and one paragraph per line.

One parser reads both, because the markers never collide and a messy scrape may
mix them.  Reading never raises on bad input: it returns what it could read
plus problems that name file and line.

The archive is untrusted input (anyone can send a dump, or a link in a pull
request): reading opens regular files only and never follows a link, removes
code points that break page metadata, caps file, line and block sizes, and
takes time linear in the input whatever its shape.
"""

from __future__ import annotations

import codecs
import datetime
import errno
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from .cache import Memo, decode_read, digest, encode_read
from .model import Block, BlockKind, Entry, Level, Markup, PartialDate, Problem, Source
from .parallel import fork_map
from .readers import article_md, article_text
from .texfix import restore_delimiters
from .text import remove_unsafe

# Caps on what one dump can make the builder hold and process; each cut is a warning naming file:line.
# A dump is one scraped page, about 10 KB (the bundled ones are 8-10 KB); the whole blog saved as a
# single file would be some 30 MB.  32 MiB lets even that through, yet bounds memory (a decoded
# character takes up to 4 bytes, and parsing keeps a few copies).
MAX_FILE_BYTES = 32 * 2**20
# The longest paragraph of the bundled archive has 355 characters and the blog's longest run to a
# few thousand.  A block is one source line, so this one cap bounds every paragraph, heading and
# caption, far above any real one and small enough for the later stages (formulas, escaping, the
# search index) to take at once.
MAX_LINE_CHARS = 100_000

MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}

DATE_LINE = re.compile(r"^(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\.?$")
# A byline is ``By <author> | <date> [| N位读者] [| 引用]<first paragraph>``.  The author runs to the
# first bar (it cannot hold one), so it is cut there by hand: a pattern for it backtracked over every
# way to split a long run of spaces.  The rest, from that bar on, is matched by this pattern.
BARS = "|｜"
BYLINE_TAIL = re.compile(
    r"\s*(?P<date>\d{4}\s*-\s*\d{1,2}\s*-\s*\d{1,2})"
    r"(?:\s*[|｜]\s*[\d,，]+\s*位读者)?(?:\s*[|｜]\s*引用)?"
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


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
# Byte order marks that name an encoding other than UTF-8 (Notepad's "Unicode" is UTF-16 LE); UTF-32's first.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def decode(data: bytes, name: str) -> Decoded:
    """Bytes to text, saying what was done to get there.

    A byte order mark says the encoding (UTF-16 and UTF-32 as well as UTF-8).  Otherwise UTF-8 is
    expected; GB18030 (a superset of GBK) is tried when UTF-8 fails broadly, since Chinese scrapes
    saved on Windows often are GBK.  A file with only a few bad bytes stays UTF-8 with the bytes
    replaced, not reinterpreted.  NUL bytes padding the end (a save cut short) are dropped; a file
    is binary, and skipped, when control bytes are more than a twentieth of what is left.
    """
    problems: list[Problem] = []
    if not data.strip():
        return Decoded(None, [Problem(Source(name, 1), "empty-file", "the file is empty; skipped")])
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = data[len(bom):].decode(codec, errors="replace")
            problems.append(Problem(Source(name, 1), "not-utf8",
                                    f"the file is {codec.upper()}, as its byte order mark says; read as such",
                                    Level.INFO))
            if "\ufffd" in text:
                problems.append(Problem(Source(name, 1), "bad-bytes",
                                        f"{text.count(chr(0xFFFD))} code unit(s) are not valid {codec.upper()}; "
                                        "shown as U+FFFD"))
            return Decoded(text, problems)
    unpadded = data.rstrip(b"\x00")
    if len(unpadded) < len(data):
        problems.append(Problem(Source(name, unpadded.count(b"\n") + 1), "nul-padding",
                                f"{len(data) - len(unpadded):,} NUL byte(s) after the text, as a save cut short "
                                "leaves them; removed"))
        data = unpadded
        if not data.strip():
            return Decoded(None, [Problem(Source(name, 1), "empty-file", "the file holds only NUL bytes; skipped")])
    head = data[:65536]
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls > len(head) * 0.05:
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


def normalise_lines(text: str, name: str = "<text>", *, keep_indent: bool = False) -> tuple[list[str], list[Problem]]:
    """Split on any line ending and drop what no reader sees, bounded and reported.

    Trailing blanks and tabs go silently; controls, noncharacters and lone surrogates are removed
    with a warning, since they once broke the front matter of the pages they reached; a line over
    ``MAX_LINE_CHARS`` is cut with a warning, so no later stage ever sees an unbounded block.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    lines = text.split("\n")
    problems: list[Problem] = []
    if remove_unsafe(text)[1]:
        removed = touched = first = 0
        for index, line in enumerate(lines):
            clean, offsets = remove_unsafe(line)
            if offsets:
                lines[index] = clean
                removed += len(offsets)
                touched += 1
                first = first or index + 1
        problems.append(Problem(Source(name, first), "unsafe-chars",
                                f"removed {removed} control, noncharacter or lone surrogate code point(s) "
                                f"from {touched} line(s), the first on this line"))
    out = []
    for number, raw in enumerate(lines, 1):
        line = (raw.rstrip(" \t\u3000\u00a0\ufeff") if keep_indent
                else raw.replace("\t", " ").strip(" \u3000\u00a0\ufeff"))
        if len(line) > MAX_LINE_CHARS:
            problems.append(Problem(Source(name, number), "long-line",
                                    f"a line of {len(line):,} characters; only its first {MAX_LINE_CHARS:,} are read"))
            line = line[:MAX_LINE_CHARS]
        out.append(line)
    return out, problems


@dataclass(frozen=True)
class Byline:
    """The parts of a byline line the reader uses."""

    author: str
    date: str  # as written, e.g. "2020-01-02"
    rest: str  # what follows the byline on its line: the first paragraph, glued


def parse_byline(line: str) -> Byline | None:
    """``By 苏剑林 | 2020-01-02 | 1位读者 | 引用…`` taken apart, in time linear in the line.

    ``By``, white space, an author (anything up to the first bar), then the date and the
    optional reader count and 引用 right after that bar.
    """
    if not line.startswith("By") or len(line) < 3 or not line[2].isspace():
        return None
    bar = min((i for i in (line.find(b) for b in BARS) if i != -1), default=-1)
    if bar < 4:  # "By", at least one space, at least one character of author
        return None
    tail = BYLINE_TAIL.match(line, bar + 1)
    if tail is None:
        return None
    return Byline(line[2:bar].strip(), tail.group("date"), line[tail.end():])


def looks_like_title(line: str) -> bool:
    if not line or len(line) > MAX_TITLE or "。" in line:
        return False
    if line[-1] in CLAUSE_END or line.startswith(("$", "\\")) or URL.match(line):
        return False
    return not (parse_byline(line) or DATE_LINE.match(line))


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
    """Parse one decoded dump, in time linear in its length."""
    lines, problems = normalise_lines(text, name)
    # The next non-blank line after each line, found in one pass from the end.
    following: list[str] = [""] * len(lines)
    after = ""
    for index in range(len(lines) - 1, -1, -1):
        following[index] = after
        after = lines[index] or after
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
        byline = parse_byline(line)
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
                if not last.endswith(("。", ".")) and not parse_byline(last):
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
            date = _full_date(byline.date)
            if date is None:
                problems.append(Problem(src, "bad-date", f"not a valid date: {byline.date!r}"))
            if title is None:
                problems.append(Problem(src, "missing-title", "byline without a title line before it"))
            draft = _Draft(Source(name, title_line), "byline", title=title, date=date,
                           author=byline.author)
            rest = byline.rest.strip()
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
        if expect_title and not draft.lines and draft.title is None and looks_like_title(line) \
                and following[number - 1] != line:  # a line said twice is an image caption, not a title
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


# Reading never follows a link, never blocks on a pipe, and opens only what fstat says is a regular
# file: the check and the read are on one descriptor, so nothing swapped in between is read.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def _skipped(name: str, why: str, level: Level = Level.WARNING) -> Problem:
    return Problem(Source(name, 1), "skipped-file", f"not read: {why}", level)


def file_kind(mode: int, named_like: str = "a dump") -> str:
    """What a path that is not a regular file is, for a message ("a named pipe (FIFO), not a file")."""
    if stat.S_ISDIR(mode):
        return f"a folder, though named like {named_like}"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a file"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def _read_regular(path: str, name: str, dir_fd: int | None = None) -> tuple[bytes | None, list[Problem]]:
    """The first ``MAX_FILE_BYTES`` (and one more, to tell) of a regular file, or why it was not read."""
    try:
        fd = os.open(path, _OPEN_FLAGS, dir_fd=dir_fd)
    except OSError as err:
        if err.errno in (errno.ELOOP, errno.EMLINK):  # O_NOFOLLOW met a link (EMLINK on BSD)
            return None, [_skipped(name, "a symbolic link; the archive reads regular files only", Level.ERROR)]
        return None, [Problem(Source(name, 1), "unreadable", err.strerror or str(err), Level.ERROR)]
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            return None, [_skipped(name, file_kind(mode))]
        try:
            return handle.read(MAX_FILE_BYTES + 1), []
        except OSError as err:
            return None, [Problem(Source(name, 1), "unreadable", err.strerror or str(err), Level.ERROR)]


def _bounded(data: bytes, name: str) -> tuple[bytes, list[Problem]]:
    """At most ``MAX_FILE_BYTES``, cut after a whole line where there is one."""
    if len(data) <= MAX_FILE_BYTES:
        return data, []
    cut = data.rfind(b"\n", 0, MAX_FILE_BYTES) + 1 or MAX_FILE_BYTES
    data = data[:cut]
    line = data.count(b"\n") + 1
    return data, [Problem(Source(name, line), "large-file",
                          f"the file is larger than {MAX_FILE_BYTES // 2**20} MiB; read up to this line only")]


def _read_bytes(data: bytes, name: str) -> tuple[list[Entry], list[Problem]]:
    data, problems = _bounded(data, name)
    decoded = decode(data, name)
    problems += decoded.problems
    if decoded.text is None:
        return [], problems
    entries, found = read_document(decoded.text, name)
    if not entries:
        found.append(Problem(Source(name, 1), "no-entries", "no post could be read from this file"))
    return entries, problems + found


# The article readers, tried in this order; a text none of them recognises is read as a dump.
READERS = (article_md, article_text)


def read_document(text: str, name: str) -> tuple[list[Entry], list[Problem]]:
    """One decoded file, by the reader that recognises its content (the dump reader when none does)."""
    for reader in READERS:
        if reader.recognise(text):
            lines, problems = normalise_lines(text, name, keep_indent=True)
            entries, found = reader.read("\n".join(lines), name)
            return [_restored(e, found) for e in entries], problems + found
    return read_text(text, name)


RESTORED_KINDS = (BlockKind.PARAGRAPH, BlockKind.QUOTE, BlockKind.LIST_ITEM)
LOST_SHOWN = 3  # per block


def _restored(entry: Entry, problems: list[Problem]) -> Entry:
    """A plain-text page's paragraphs with the formula delimiters the scrape lost put back where unambiguous."""
    blocks = []
    count = 0
    first = entry.source  # the first paragraph changed: where a person looks
    for block in entry.blocks:
        if block.markup == Markup.PLAIN and block.kind in RESTORED_KINDS:
            text, lost = restore_delimiters(block.text)
            if text != block.text:
                first = first if count else block.source
                count += 1
                block = replace(block, text=text)
            for found in lost[:LOST_SHOWN]:
                problems.append(Problem(block.source, "math-lost-delimiters",
                                        f"TeX outside any formula, left as text ({found.reason}): {found.snippet!r}"))
        blocks.append(block)
    if count:
        problems.append(Problem(first, "math-restored",
                                f"formula delimiters the scrape lost were put back in {count} paragraph(s)",
                                Level.INFO))
    return replace(entry, blocks=tuple(blocks))


def read_file(path: Path, name: str | None = None) -> tuple[list[Entry], list[Problem]]:
    """One dump, opened as the archive's are: a regular file, not through a link at its end."""
    name = name or path.name
    data, problems = _read_regular(str(path), name)
    if data is None:
        return [], problems
    return _read_bytes(data, name)


def _unsafe_name(name: str) -> bool:
    """A name that would carry invisible or line-breaking characters (or undecodable bytes) into pages."""
    return bool(remove_unsafe(name)[1]) or any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name)


def _link_problem(folder: Path, item: str, dir_fd: int, name: str) -> Problem:
    """Why a symbolic link is not read; an error when it points out of the archive (it could publish a secret)."""
    try:
        target = os.readlink(item, dir_fd=dir_fd)
    except OSError:
        target = "?"
    root = Path(os.path.realpath(folder))
    resolved = Path(os.path.realpath(root / name))
    if resolved != root and root not in resolved.parents:
        return _skipped(name, f"a symbolic link to {target!r}, outside the archive folder", Level.ERROR)
    if not resolved.exists():
        return _skipped(name, f"a symbolic link to {target!r}, which does not exist")
    return _skipped(name, f"a symbolic link to {target!r}; the archive reads regular files only "
                          "(copy the file instead)")


def _refusal(item: os.DirEntry, folder: Path, dir_fd: int, name: str) -> Problem | None:
    """Why a listed page file is not even opened, or None for a regular file (opened and checked again)."""
    if _unsafe_name(item.name):
        return _skipped(repr(name)[1:-1], "the file name holds control characters, invisible characters "
                                          "or bytes that are not UTF-8; rename it")
    try:
        if item.is_symlink():
            return _link_problem(folder, item.name, dir_fd, name)
        if not item.is_file(follow_symlinks=False):
            return _skipped(name, file_kind(item.stat(follow_symlinks=False).st_mode))
    except OSError as err:  # gone since the listing
        return Problem(Source(name, 1), "unreadable", err.strerror or str(err), Level.ERROR)
    return None


# Files the archive's readers take; anything else in the archive (images, notes) is left alone.
SUFFIXES = (".txt", ".md", ".markdown")
SKIPPED_FOLDERS = frozenset({"images"})  # archive/images/ holds the posts' pictures, not pages
MAX_DEPTH = 12
MAX_FILES = 100_000


def _listing(dir_fd: int) -> tuple[list[os.DirEntry], list[os.DirEntry], list[os.DirEntry]]:
    """A folder's page files, subfolders and other links, each in name order (the order is part of the output)."""
    with os.scandir(dir_fd) as listing:
        items = sorted((i for i in listing if not i.name.startswith(".")), key=lambda item: item.name)
    files = [i for i in items if i.name.endswith(SUFFIXES)]
    rest = [i for i in items if not i.name.endswith(SUFFIXES)]
    folders = [i for i in rest if i.is_dir(follow_symlinks=False)]
    links = [i for i in rest if i.is_symlink()]
    return files, folders, links


PARALLEL_FROM = 48  # files; below this, starting worker processes costs more than it saves


def _parse_all(loaded: list[tuple[bytes, str]], memo: Memo) -> list[tuple[list[Entry], list[Problem]]]:
    """Each file's entries, in the files' order; parsed on every core when there are many.

    Parsing is pure (bytes and name in, frozen entries out), so worker processes change nothing but
    the time, and a file read by an earlier run (same bytes, same name, same builder) is taken from
    the cache: the Markdown parser is the builder's largest cost at the blog's size.
    """
    keys = [digest("read", name, data) if memo.on else "" for data, name in loaded]
    # Stored results are loaded here: sending them back from workers costs more than decoding them.
    found = [memo.find("read", key, decode_read) for key in keys]
    todo = [i for i, got in enumerate(found) if got is None]

    def read(j: int) -> tuple[list[Entry], list[Problem]]:
        i = todo[j]
        return memo.through("read", keys[i], lambda: _read_bytes(*loaded[i]), lambda got: encode_read(*got),
                            decode_read)[0]

    for i, got in zip(todo, fork_map(read, len(todo), parallel_from=PARALLEL_FROM), strict=True):
        found[i] = got
    parsed = set(todo)
    for i, key in enumerate(keys):
        memo.used("read", key, hit=i not in parsed)
    return [got for got in found if got is not None]


def read_archive(folder: Path, memo: Memo | None = None) -> tuple[list[Entry], list[Problem]]:
    """Every page file (``*.txt``, ``*.md``) in the folder and its subfolders, in path order.

    Only regular files are read.  Symbolic links are never followed, not even to a file or folder
    inside the archive: a checkout can hold a link to anything (``../.git/config`` keeps CI's
    access token), and a file is never needed twice.  Folders are opened relative to their parent
    without following links, so no rename during the walk can lead it out of the archive.  Links,
    pipes, devices, sockets, folders named ``*.txt`` and names with control characters or
    undecodable bytes are skipped, each with a ``skipped-file`` problem naming it (an error for a
    link out of the folder); ``images/`` and hidden folders are not pages and are not read.
    ``memo`` holds what earlier runs read (:mod:`builder.cache`).
    """
    entries: list[Entry] = []
    problems: list[Problem] = []
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        root_fd = os.open(folder, flags)
    except OSError as err:
        return [], [Problem(Source(str(folder), 1), "no-dumps",
                            f"cannot open the archive folder: {err.strerror or err}", Level.ERROR)]
    read = 0
    loaded: list[tuple[bytes, str]] = []
    pending: list[tuple[int, str, int]] = [(root_fd, "", 0)]  # (folder fd, its path in the archive, depth)
    try:
        while pending:
            dir_fd, prefix, depth = pending.pop(0)
            try:
                files, folders, links = _listing(dir_fd)
                for item in links:  # a linked folder would be read twice, or lead out of the archive
                    problems.append(_link_problem(folder, item.name, dir_fd, prefix + item.name))
                for item in files:
                    name = prefix + item.name
                    refusal = _refusal(item, folder, dir_fd, name)
                    if read >= MAX_FILES:
                        problems.append(_skipped(name, f"the archive holds more than {MAX_FILES:,} files"))
                        break
                    data, found = (None, [refusal]) if refusal else _read_regular(item.name, name, dir_fd)
                    problems += found
                    if data is not None:
                        read += 1
                        loaded.append((data, name))
                for item in folders:
                    name = prefix + item.name
                    if (not prefix and item.name in SKIPPED_FOLDERS) or _unsafe_name(item.name):
                        continue
                    if depth >= MAX_DEPTH:
                        problems.append(_skipped(name + "/", f"folders nested deeper than {MAX_DEPTH} are not read"))
                        continue
                    try:
                        sub = os.open(item.name, flags | getattr(os, "O_NOFOLLOW", 0), dir_fd=dir_fd)
                    except OSError as err:
                        problems.append(Problem(Source(name + "/", 1), "unreadable", err.strerror or str(err),
                                                Level.ERROR))
                        continue
                    pending.append((sub, name + "/", depth + 1))
            finally:
                os.close(dir_fd)
    finally:
        for fd, _, _ in pending:
            os.close(fd)
    for got, found in _parse_all(loaded, memo or Memo()):
        entries += got
        problems += found
    if not read:
        problems.append(Problem(Source(str(folder), 1), "no-dumps", "no page files (*.txt) in the archive folder",
                                Level.ERROR))
    return entries, problems
