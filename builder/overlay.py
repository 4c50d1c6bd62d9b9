"""Editorial data: the book's parts and rules, and facts about known posts.

Everything an editor may change lives in ``editorial/*.yml``; this module only
loads and validates it.  Every record remembers its line so a mistake in the
data is reported as ``editorial/posts.yml:42``, like a mistake in a dump.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .model import Level, PartialDate, Problem, Source
from .yamldata import load_with_lines

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


@dataclass(frozen=True)
class PartRule:
    key: str
    title: str
    title_en: str
    description: str
    series: tuple[str, ...]
    keywords: tuple[str, ...]
    fallback: bool
    source: Source
    description_en: str = ""


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


def _load(path: Path, problems: list[Problem]) -> dict[str, Any]:
    if not path.exists():
        problems.append(Problem(Source(str(path), 1), "overlay-missing", "editorial file not found"))
        return {}
    try:
        data = load_with_lines(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problems.append(Problem(Source(str(path), line), "overlay-invalid", f"cannot read YAML: {err}",
                                Level.ERROR))
        return {}
    if not isinstance(data, dict):
        problems.append(Problem(Source(str(path), 1), "overlay-invalid", "expected a mapping at the top",
                                Level.ERROR))
        return {}
    return data


def _date(value: Any) -> PartialDate | None:
    if isinstance(value, datetime.date):
        return PartialDate(value.month, value.day, value.year)
    if isinstance(value, str):
        m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value.strip())
        if m:
            try:
                d = datetime.date(*(int(x) for x in m.groups()))
            except ValueError:
                return None
            return PartialDate(d.month, d.day, d.year)
    return None


def load_overlay(folder: Path) -> tuple[Overlay, list[Problem]]:
    """Read ``book.yml`` and ``posts.yml``; a bad record is skipped with a message, never fatal."""
    problems: list[Problem] = []
    overlay = Overlay()
    book_path, posts_path = folder / "book.yml", folder / "posts.yml"
    book = _load(book_path, problems)
    for key in ("title", "title_en", "author", "author_en", "site"):
        if isinstance(book.get(key), str):
            setattr(overlay, key, book[key])
    if isinstance(book.get("nav_group_size"), int) and book["nav_group_size"] >= 5:
        overlay.nav_group_size = book["nav_group_size"]
    if isinstance(book.get("series_en"), dict):
        overlay.series_en = {str(k): str(v) for k, v in book["series_en"].items() if k != "__line__"}
    seen: set[str] = set()
    for raw in book.get("parts") or []:
        src = Source(str(book_path), raw.get("__line__", 1) if isinstance(raw, dict) else 1)
        if not isinstance(raw, dict) or not isinstance(raw.get("key"), str) or not SLUG.match(raw["key"]):
            problems.append(Problem(src, "overlay-invalid",
                                    "a part needs a `key` of lowercase letters, digits and '-'", Level.ERROR))
            continue
        if raw["key"] in seen:
            problems.append(Problem(src, "overlay-invalid", f"part key {raw['key']!r} used twice", Level.ERROR))
            continue
        seen.add(raw["key"])
        overlay.parts.append(PartRule(
            key=raw["key"], title=str(raw.get("title") or raw["key"]),
            title_en=str(raw.get("title_en") or raw.get("title") or raw["key"]),
            description=str(raw.get("description") or ""),
            description_en=str(raw.get("description_en") or ""),
            series=tuple(str(s) for s in raw.get("series") or ()),
            keywords=tuple(str(k) for k in raw.get("keywords") or ()),
            fallback=bool(raw.get("fallback")), source=src))
    if overlay.parts and not any(p.fallback for p in overlay.parts):
        problems.append(Problem(Source(str(book_path), 1), "overlay-invalid",
                                "no part has `fallback: true`; the last part takes unplaced posts"))
    posts = _load(posts_path, problems)
    ids: set[str] = set()
    for raw in posts.get("posts") or []:
        src = Source(str(posts_path), raw.get("__line__", 1) if isinstance(raw, dict) else 1)
        if not isinstance(raw, dict) or not raw.get("id") or not isinstance(raw.get("match"), str):
            problems.append(Problem(src, "overlay-invalid", "a post needs `id` and `match`", Level.ERROR))
            continue
        pid = str(raw["id"])
        if not SLUG.match(pid) or pid in ids:
            problems.append(Problem(src, "overlay-invalid", f"post id {pid!r} is not a unique slug",
                                    Level.ERROR))
            continue
        ids.add(pid)
        date = _date(raw.get("date")) if raw.get("date") is not None else None
        if raw.get("date") is not None and date is None:
            problems.append(Problem(src, "overlay-invalid", f"date {raw['date']!r} is not YYYY-MM-DD"))
        url = raw.get("url")
        if url is not None and not re.match(r"^https?://", str(url)):
            problems.append(Problem(src, "overlay-invalid", f"url {url!r} is not http(s); ignored"))
            url = None
        number = raw.get("series_number")
        overlay.posts.append(PostFact(
            id=pid, match=raw["match"], source=src,
            title=str(raw["title"]) if raw.get("title") else None, date=date,
            url=str(url) if url else None, part=str(raw["part"]) if raw.get("part") else None,
            series=str(raw["series"]) if raw.get("series") else None,
            series_number=int(number) if isinstance(number, int) else None,
            order=float(raw["order"]) if isinstance(raw.get("order"), (int, float)) else None))
    known = {p.key for p in overlay.parts}
    for fact in overlay.posts:
        if fact.part and fact.part not in known:
            problems.append(Problem(fact.source, "overlay-invalid", f"part {fact.part!r} is not in book.yml"))
    return overlay, problems
