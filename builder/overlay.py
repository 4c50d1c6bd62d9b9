"""Editorial data: the book's parts and rules, facts about known posts, the glossary, the interface words.

Everything an editor may change lives in ``editorial/*.yml``, and all of it is
loaded here, through :func:`builder.yamldata.load_checked` and a schema per
file.  Every record remembers its line, so a mistake is reported as
``editorial/posts.yml:42`` like a mistake in a dump, and costs only that record:
a file that cannot be read at all leaves its defaults, a bad ui word the
project's own.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .model import Level, PartialDate, Problem, Source
from .text import key_of
from .yamldata import EDITORIAL_MAX_BYTES, MAX_REPORTED, Checked, Where, load_checked, records_in, schema, show

# The project's own interface words: what a missing or bad key of an editorial folder's ui.yml falls back to.
BUNDLED_UI = Path(__file__).resolve().parent.parent / "editorial" / "ui.yml"


@dataclass(frozen=True)
class PartRule:
    """One part of the book and what claims a post for it (see the header of editorial/book.yml).

    ``series`` and ``tags`` and ``categories`` are whole names, compared by :func:`name_key`;
    ``keywords`` are looked for inside titles, compared by :func:`title_key`.
    """

    key: str
    title: str
    title_en: str
    description: str
    series: tuple[str, ...]
    keywords: tuple[str, ...]
    fallback: bool
    source: Source
    description_en: str = ""
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()


# The lists of a part that claim posts.  A mistake in one costs that list only: the part keeps its
# title, its place in the book and its other rules, so its posts do not all fall to the fallback.
RULE_LISTS = ("series", "keywords", "tags", "categories")


def title_key(text: str) -> str:
    """A title or keyword as compared: NFKC (ＧＡＮ is GAN, （ is () and case-folded (gan is GAN)."""
    return unicodedata.normalize("NFKC", text).casefold()


def name_key(text: str) -> str:
    """A tag or category as compared: :func:`title_key`, with runs of white space as one space, none at the ends.

    Names are compared whole, never as parts of each other: the blog's tags are a
    vocabulary in which ``vae`` and ``VAE`` are one tag, but ``vae`` and ``VAEs``, or
    ``attention`` and ``self-attention``, are two.  An editor lists every tag a part takes.
    """
    return " ".join(title_key(text).split())


@dataclass(frozen=True)
class PostFact:
    id: str
    match: str
    source: Source
    title: str | None = None
    date: PartialDate | None = None
    url: str | None = None
    part: str | None = None
    series: str | None = None
    series_number: int | None = None
    order: float | None = None


@dataclass
class Overlay:
    title: str = "科学空间"
    title_en: str = "Scientific Spaces"
    author: str = "苏剑林"
    author_en: str = "Su Jianlin"
    site: str = "https://kexue.fm"
    series_en: dict[str, str] = field(default_factory=dict)
    nav_group_size: int = 40
    parts: list[PartRule] = field(default_factory=list)
    posts: list[PostFact] = field(default_factory=list)


@dataclass(frozen=True)
class Term:
    """One glossary entry: the Chinese term, its English rendering, other accepted forms, a note for translators."""

    zh: str
    en: str
    alt: tuple[str, ...] = ()
    note: str = ""


def _load(path: Path, schema_name: str, code: str, collections: tuple[str, ...],
          problems: list[Problem]) -> Checked:
    checked = load_checked(path, schema_name, code=code, max_bytes=EDITORIAL_MAX_BYTES,
                           record=records_in(*collections))
    problems += checked.problems
    return checked


def _missing(path: Path, problems: list[Problem]) -> bool:
    if path.exists():
        return False
    problems.append(Problem(Source(str(path), 1), "overlay-missing", "editorial file not found"))
    return True


def _date(value: str) -> PartialDate | None:
    """A real calendar date from the schema's YYYY-MM-DD (which lets 2024-02-31 through)."""
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if not m:
        return None
    try:
        d = datetime.date(*(int(x) for x in m.groups()))
    except ValueError:
        return None
    return PartialDate(d.month, d.day, d.year)


def load_overlay(folder: Path) -> tuple[Overlay, list[Problem]]:
    """Read ``book.yml`` and ``posts.yml``; a bad record is skipped with a message, never fatal.

    An editorial folder that does not exist is one error (``editorial-missing``), and
    the book is built from defaults; so is a file that cannot be read at all.
    """
    problems: list[Problem] = []
    overlay = Overlay()
    if not folder.is_dir():
        problems.append(Problem(Source(str(folder), 1), "editorial-missing",
                                "the editorial folder does not exist", Level.ERROR))
        return overlay, problems
    book_path, posts_path = folder / "book.yml", folder / "posts.yml"
    if not _missing(book_path, problems):
        book = load_checked(book_path, "book", code="overlay-invalid", max_bytes=EDITORIAL_MAX_BYTES,
                            record=_book_record)
        problems += book.problems
        _read_book(book, overlay, problems)
    if not _missing(posts_path, problems):
        _read_posts(_load(posts_path, "posts", "overlay-invalid", ("posts",), problems), overlay, problems)
    known = {p.key for p in overlay.parts}
    for fact in overlay.posts:
        if fact.part and fact.part not in known:
            problems.append(Problem(fact.source, "overlay-invalid", f"part {fact.part!r} is not in book.yml"))
    return overlay, problems


_book_records = records_in("parts", "series_en")


def _book_record(where: Where) -> Where | None:
    """An error spoils one part, or only one of its rule lists (``parts[3].tags``), or one series name."""
    if len(where) >= 3 and where[0] == "parts" and where[2] in RULE_LISTS:
        return where[:3]
    return _book_records(where)


def _read_book(book: Checked, overlay: Overlay, problems: list[Problem]) -> None:
    for key in ("title", "title_en", "author", "author_en", "site"):
        if book.get(key) is not None:
            setattr(overlay, key, book.get(key))
    if book.get("nav_group_size") is not None:
        overlay.nav_group_size = int(book.get("nav_group_size"))
    overlay.series_en = {str(where[1]): name for where, name in book.entries("series_en")}
    seen: set[str] = set()
    claimed: dict[tuple[str, str], tuple[str, int]] = {}
    shadowed: list[Problem] = []
    for where, raw in book.entries("parts"):
        src = Source(str(book.path), book.line(where))
        if raw["key"] in seen:
            problems.append(Problem(src, "overlay-invalid", f"part key {raw['key']!r} used twice", Level.ERROR))
            continue
        seen.add(raw["key"])
        lists = {name: tuple(book.get(*where, name) or ()) for name in RULE_LISTS}
        overlay.parts.append(PartRule(
            key=raw["key"], title=raw.get("title") or raw["key"],
            title_en=raw.get("title_en") or raw.get("title") or raw["key"],
            description=raw.get("description") or "", description_en=raw.get("description_en") or "",
            series=lists["series"], keywords=lists["keywords"], tags=lists["tags"], categories=lists["categories"],
            fallback=bool(raw.get("fallback")), source=src))
        shadowed += _shadowed(book, where, lists, claimed)
    problems += shadowed[:MAX_REPORTED]
    if len(shadowed) > MAX_REPORTED:
        problems.append(Problem(shadowed[MAX_REPORTED].source, "overlay-shadowed",
                                f"… and {len(shadowed) - MAX_REPORTED} more name(s) claimed twice"))
    if overlay.parts and not any(p.fallback for p in overlay.parts):
        problems.append(Problem(Source(str(book.path), book.line(("parts",))), "overlay-invalid",
                                "no part has `fallback: true`; the last part takes unplaced posts"))


def _shadowed(book: Checked, where: Where, lists: dict[str, tuple[str, ...]],
              claimed: dict[tuple[str, str], tuple[str, int]]) -> list[Problem]:
    """Warnings where a part lists a series, tag or category an earlier part already claims: it would never get it.

    ``claimed`` maps (list, compared name) to the part and line that claimed it first,
    and is filled here; keywords are left out, as one may rightly lie inside another.
    """
    key = book.get(*where, "key")
    found = []
    for name in ("series", "tags", "categories"):
        compare = name_key if name != "series" else key_of
        for index, value in enumerate(lists[name]):
            line = book.line(where + (name, index))
            first = claimed.setdefault((name, compare(value)), (key, line))
            if first != (key, line) and first[0] != key:
                found.append(Problem(Source(str(book.path), line), "overlay-shadowed",
                                     f"{show(where + (name, index))}: {value!r} is already claimed by the part "
                                     f"{first[0]!r} (line {first[1]}); part {key!r} never gets a post by it"))
    return found


def _read_posts(posts: Checked, overlay: Overlay, problems: list[Problem]) -> None:
    ids: set[str] = set()
    for where, raw in posts.entries("posts"):
        src = Source(str(posts.path), posts.line(where))
        pid = str(raw["id"])
        if pid in ids:
            problems.append(Problem(src, "overlay-invalid", f"post id {pid!r} used twice", Level.ERROR))
            continue
        ids.add(pid)
        date = _date(raw["date"]) if raw.get("date") is not None else None
        if raw.get("date") is not None and date is None:
            problems.append(Problem(Source(str(posts.path), posts.line(where + ("date",))), "overlay-invalid",
                                    f"date {raw['date']!r} is not a day of the calendar; ignored"))
        number = raw.get("series_number")
        order = raw.get("order")
        overlay.posts.append(PostFact(
            id=pid, match=raw["match"], source=src, title=raw.get("title") or None, date=date,
            url=raw.get("url") or None, part=raw.get("part") or None, series=raw.get("series") or None,
            series_number=int(number) if number is not None else None,
            order=float(order) if order is not None else None))


def load_terms(folder: Path) -> tuple[list[Term], list[Problem]]:
    """The glossary (``glossary.yml``); none when the file is absent, and a bad term is skipped with a message."""
    problems: list[Problem] = []
    path = folder / "glossary.yml"
    if not path.exists():
        return [], problems
    checked = _load(path, "glossary", "glossary-invalid", ("terms",), problems)
    terms = [Term(raw["zh"], raw["en"], tuple(raw.get("alt") or ()), raw.get("note") or "")
             for _, raw in checked.entries("terms")]
    return terms, problems


def ui_keys() -> tuple[str, ...]:
    """The keys every edition's words have, as the ui schema lists them (the schema is the list)."""
    return tuple(schema("ui")["$defs"]["words"]["properties"])


def _ui_words(path: Path, problems: list[Problem]) -> dict[tuple[str, str], str]:
    keys = ui_keys()
    checked = load_checked(path, "ui", code="ui-invalid", max_bytes=EDITORIAL_MAX_BYTES,
                           record=lambda where: where[:2] if where else None)  # an error spoils one word
    problems += checked.problems
    languages = tuple(checked.data) if isinstance(checked.data, dict) else ()
    words = {(lang, key): checked.get(lang, key) for lang in languages for key in keys}
    return {where: value for where, value in words.items() if isinstance(value, str)}


def load_ui(editorial: Path, languages: tuple[str, ...] = ("zh", "en")
            ) -> tuple[dict[str, dict[str, str]], list[Problem]]:
    """Interface words for each edition's language: a folder's ``ui.yml``, else the project's, else the key's name.

    Each string is safe to ``.format()`` with the names the ui schema gives for its
    key (bare ``{name}`` fields only), so no word an editor writes can make the
    renderer fail or allocate without bound.
    """
    problems: list[Problem] = []
    path = editorial / "ui.yml"
    own = _ui_words(path, problems) if path.exists() else {}
    keys = ui_keys()
    fallback: dict[tuple[str, str], str] = {}
    if len(own) < len(languages) * len(keys) and path.resolve() != BUNDLED_UI:
        fallback = _ui_words(BUNDLED_UI, problems)
    for lang in languages:
        if not any((lang, key) in own or (lang, key) in fallback for key in keys):
            problems.append(Problem(Source(str(path), 1), "ui-invalid",
                                    f"no words for the edition {lang!r}: its pages show the keys' names",
                                    Level.ERROR))
    return {lang: {key: own.get((lang, key), fallback.get((lang, key), key)) for key in keys}
            for lang in languages}, problems
