"""What every renderer is given: the edition it renders, the editorial words, and localised names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..editions import Edition, Editions
from ..glossary import Term
from ..model import Chapter, OutputFile, Part, Problem
from ..overlay import Overlay
from ..text import safe_title


@dataclass
class Rendered:
    files: list[OutputFile] = field(default_factory=list)
    nav: list[Any] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    formula_count: int = 0
    units: dict[str, int] = field(default_factory=dict)  # state → count


@dataclass(frozen=True)
class Context:
    overlay: Overlay
    ui: dict[str, str]  # this edition's words
    edition: Edition
    editions: Editions
    site_urls: dict[str, str]  # lang → absolute root URL of that edition, ending in "/"
    glossary: tuple[Term, ...] = ()
    nav_group_size: int = 40
    images: Mapping[str, str] = field(default_factory=dict)  # image URL → its path in the site (archive/images/)

    @property
    def lang(self) -> str:
        return self.edition.lang

    @property
    def is_original(self) -> bool:
        return self.edition.lang == self.editions.original.lang

    def local(self, owner: Any, name: str) -> str:
        """An editorial text in this edition: ``<name>_<lang>`` where the editor wrote one, else the original's."""
        if not self.is_original:
            value = getattr(owner, f"{name}_{self.lang}", None)
            if value:
                return str(value)
        return str(getattr(owner, name))


def chapter_title(chapter: Chapter, ctx: Context) -> str:
    text = chapter.texts.get(ctx.lang)
    if text is None:
        return chapter.post.title or ""
    return text.title if ctx.is_original else safe_title(text.title, limit=200)[0]  # translations run longer


def series_name(name: str | None, ctx: Context) -> str | None:
    if name is None or ctx.is_original:
        return name
    return getattr(ctx.overlay, f"series_{ctx.lang}", {}).get(name, name)


def author_name(name: str, ctx: Context) -> str:
    return ctx.local(ctx.overlay, "author") if name == ctx.overlay.author else name


def part_title(part: Part, ctx: Context) -> str:
    return ctx.local(part, "title")


def part_description(part: Part, ctx: Context) -> str:
    return ctx.local(part, "description")
