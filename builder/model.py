"""Plain data passed between the pipeline stages.

Each stage takes the previous stage's objects and returns new ones; none of
these classes does I/O, so every stage can be tested on hand-made values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from itertools import islice


@dataclass(frozen=True)
class Source:
    """Where a piece of text came from, so every message can name file:line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


class Level(str, Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Problem:
    """A finding about the input: shown by `check`, logged by `build`."""

    source: Source
    code: str
    message: str
    level: Level = Level.WARNING

    def __str__(self) -> str:
        return f"{self.source}: {self.level.value}: [{self.code}] {self.message}"


class BlockKind(str, Enum):
    PARAGRAPH = "paragraph"
    HEADING = "heading"
    FIGURE = "figure"  # a caption whose image the archive does not hold (dumps)
    LIST_ITEM = "list_item"  # one item of a list; consecutive items form one list
    QUOTE = "quote"  # a paragraph inside a blockquote
    TABLE = "table"  # the whole table, as canonical Markdown (one row a line)
    CODE = "code"  # a code block: text is the code, info its language
    MATH = "math"  # a display formula standing alone, with its delimiters
    IMAGE = "image"  # text is the alt text, info the image's URL
    FOOTNOTE = "footnote"  # a footnote's text, info its label
    RULE = "rule"  # a thematic break


class Markup(str, Enum):
    """How a block's text is to be read; decided by the reader, kept by every later stage.

    PLAIN text shows as typed: only formulas (``$…$``, ``\\(…\\)``, environments) and bare
    http(s) URLs are recognised (the dump formats and the plain-text pages).  MARKDOWN text is
    the canonical inline Markdown an article reader writes: escaped text plus emphasis, code
    spans, links, images and ``$…$`` formulas, re-parsed by the renderer with HTML turned off.
    """

    PLAIN = "plain"
    MARKDOWN = "markdown"


UNTRANSLATED_KINDS = frozenset({BlockKind.CODE, BlockKind.MATH, BlockKind.RULE})


@dataclass(frozen=True)
class Block:
    """One unit of a post's body: a translation unit, with the file:line it came from."""

    kind: BlockKind
    text: str
    source: Source
    markup: Markup = Markup.PLAIN
    level: int = 0  # heading level (1-6); list depth (0 = top level); quote depth
    ordered: bool = False  # an item of a numbered list
    info: str = ""  # CODE: language; IMAGE: URL; FOOTNOTE: label; LIST_ITEM: its number when ordered

    @property
    def translatable(self) -> bool:
        """Code, display formulas and rules read the same in every edition, as does an image without a caption."""
        return self.kind not in UNTRANSLATED_KINDS and (self.kind != BlockKind.IMAGE or bool(self.text.strip()))


@dataclass(frozen=True)
class PartialDate:
    """A date whose year may be unknown (the listing format has day and month only)."""

    month: int
    day: int
    year: int | None = None

    def iso(self) -> str | None:
        if self.year is None:
            return None
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year if self.year is not None else 9999, self.month, self.day)


@dataclass(frozen=True)
class Entry:
    """One post as one dump shows it: the unit the reader produces."""

    source: Source
    fmt: str  # "listing" or "byline"
    title: str | None
    date: PartialDate | None
    author: str | None
    blocks: tuple[Block, ...]
    truncated: bool  # ended in 点击阅读全文: the dump holds an excerpt only
    post_id: str | None = None  # the post's number on kexue.fm, where the dump says it: the strongest identity
    url: str | None = None  # the original article's address, where the dump says it
    category: str | None = None  # the blog's category (分类), from an article page
    tags: tuple[str, ...] = ()  # the blog's tags (标签), from an article page
    complete: bool = False  # a whole article page (not an excerpt or a listing): its text wins a merge


@dataclass(frozen=True)
class Post:
    """One post after merging every entry that shows it.

    Frozen, like the chapters, parts and book built from it: a stage that needs
    another value (``place`` reading the series from the title) makes a new post
    with ``dataclasses.replace``, so the stage before keeps what it returned.
    """

    key: str  # stable identity: overlay id, or a hash of the text
    title: str | None
    title_source: str  # "archive", "overlay" or "provisional"
    date: PartialDate | None
    author: str
    blocks: tuple[Block, ...]
    truncated: bool
    sources: tuple[Source, ...]  # every entry merged into this post
    url: str | None = None
    overlay_id: str | None = None
    post_id: str | None = None  # the post's number on kexue.fm, when any entry knew it
    category: str | None = None
    tags: tuple[str, ...] = ()
    series: str | None = None
    series_number: int | None = None
    part_hint: str | None = None  # part named by the overlay, if any
    order: float | None = None  # overlay's explicit order within its part

    @property
    def source(self) -> Source:
        return self.sources[0]


@dataclass(frozen=True)
class Chapter:
    """A post at its place in a part; ``attach`` returns copies holding each edition's text."""

    post: Post
    slug: str  # path below the part's folder, ASCII only
    number: int  # 1-based within its part
    series_position: tuple[int, int] | None = None  # (index, count) in its series group
    role: str = "related"  # "series" or "related"
    texts: Mapping[str, ChapterText] = field(default_factory=dict)  # edition lang → its text (stage "attach")


@dataclass(frozen=True)
class Part:
    """A part of the book, its chapters in reading order."""

    key: str
    slug: str
    title: str
    title_en: str
    description: str
    description_en: str = ""
    chapters: tuple[Chapter, ...] = ()


@dataclass(frozen=True)
class Book:
    """What ``place`` makes of the posts, and every later stage reads."""

    title: str
    author: str
    parts: tuple[Part, ...]

    def chapters(self) -> tuple[Chapter, ...]:
        """Every chapter in reading order, across parts."""
        return tuple(c for p in self.parts for c in p.chapters)


@dataclass(frozen=True)
class OutputFile:
    """A file the builder owns, by path relative to the output folder."""

    path: str
    content: str


class State(str, Enum):
    """How an edition holds one unit (or title) of a chapter; decided once, in builder.translations.align."""

    ORIGINAL = "original"  # the original edition: the archive's own text
    CURRENT = "current"  # translated from the text the archive holds now
    STALE = "stale"  # translated from an older version of it
    MISSING = "missing"  # not translated
    SHARED = "shared"  # the same in every edition: code, a display formula, a rule (Block.translatable is false)
    JOINED = "joined"  # translated with the blocks before it: one unit made for a paragraph the page splits


@dataclass(frozen=True)
class Aligned:
    """One source block and what an edition holds for it."""

    block: Block
    state: State
    text: str | None = None  # the edition's text: the source (original), the translation (current or stale)
    old_source: str | None = None  # for stale units: the source the text was made from
    units: tuple[int, ...] = ()  # the translation file's units the text comes from (current or stale), in order

    def shown(self) -> str:
        """What the edition's page shows for it: its text when it is current, else the source; nothing when the
        text of the block before it covers it too (joined)."""
        if self.state == State.JOINED:
            return ""
        return self.text if self.state in (State.ORIGINAL, State.CURRENT) and self.text else self.block.text


def with_joined(units: Sequence[Aligned], index: int) -> list[Aligned]:
    """The unit at ``index`` and the joined units after it: the blocks whose source its text translates."""
    run = [units[index]]
    for unit in islice(units, index + 1, None):
        if unit.state != State.JOINED:
            break
        run.append(unit)
    return run


@dataclass(frozen=True)
class ChapterText:
    """A chapter as one edition has it: title and units, each with its state."""

    lang: str
    title: str  # the edition's title when current, else the source title
    title_state: State
    units: tuple[Aligned, ...]

    def has_translation(self) -> bool:
        return any(u.state == State.CURRENT for u in self.units)
