"""The book's editions (languages), defined once, in ``editorial/editions.yml``.

Everything about where an edition lives and how its pages point at their
twins derives from this data: each edition's root URL, the relative path from
one edition's root to another's (the language switch), the hreflang
alternates in the sitemaps and the JSON-LD pairing.  Adding an edition is a
data change (a record here, a mkdocs config that names it, translations in
``translations/<lang>/`` and its words in ``ui.yml``), not a code change.

The first edition is the original: the archive's own language, at the site
root; the others are translations of it, each below its own prefix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .model import Level, Problem, Source
from .yamldata import EDITORIAL_MAX_BYTES, load_checked

FILE = "editions.yml"
_PREFIX = re.compile(r"^(?:[a-z][a-z0-9-]*/)?$")


@dataclass(frozen=True)
class Edition:
    lang: str  # the key of its words in ui.yml and of its translations folder
    tag: str  # BCP 47, for <html lang> and hreflang
    name: str  # the edition's name in its own language, shown on the switch
    prefix: str  # "" for the original, else "<folder>/" below the site root
    config: str  # the mkdocs configuration that builds it, relative to the project
    source: Source

    def root_url(self, base: str) -> str:
        """The edition's absolute root, from the site's (``site_url``, ending in /)."""
        return base.rstrip("/") + "/" + self.prefix

    def path_to(self, other: Edition) -> str:
        """The relative path from this edition's root to the other's: the language switch's prefix."""
        up = "../" * self.prefix.count("/")
        return up + other.prefix


@dataclass(frozen=True)
class Editions:
    all: tuple[Edition, ...]

    @property
    def original(self) -> Edition:
        return self.all[0]

    @property
    def translated(self) -> tuple[Edition, ...]:
        return self.all[1:]

    def get(self, lang: str) -> Edition | None:
        return next((e for e in self.all if e.lang == lang), None)

    def langs(self) -> tuple[str, ...]:
        return tuple(e.lang for e in self.all)


DEFAULT = Editions((
    Edition("zh", "zh-CN", "中文", "", "mkdocs.yml", Source(FILE, 1)),
    Edition("en", "en", "English", "en/", "mkdocs.en.yml", Source(FILE, 1)),
))


def load_editions(editorial: Path) -> tuple[Editions, list[Problem]]:
    """The editions file, validated; on any error the built-in Chinese and English pair, with the error."""
    path = editorial / FILE
    if not path.exists():
        return DEFAULT, []
    checked = load_checked(path, "editions", code="editions-invalid", max_bytes=EDITORIAL_MAX_BYTES,
                           record=lambda where: None)  # any error spoils the whole file: it is six lines
    problems = list(checked.problems)
    if checked.data is None:
        problems.append(Problem(Source(str(path), 1), "editions-invalid",
                                "using the built-in editions (zh at the root, en at en/)", Level.ERROR))
        return DEFAULT, problems
    editions = [Edition(raw["lang"], raw["tag"], raw["name"], raw.get("prefix") or "", raw["config"],
                        Source(str(path), checked.line(("editions", index))))
                for index, raw in enumerate(checked.data["editions"])]
    found = _consistency(editions, path)
    if found:
        return DEFAULT, problems + found
    return Editions(tuple(editions)), problems


def _consistency(editions: list[Edition], path: Path) -> list[Problem]:
    """What a schema cannot say: one original at the root, distinct languages, prefixes and configs."""
    problems = []
    if editions[0].prefix != "":
        problems.append(Problem(editions[0].source, "editions-invalid",
                                "the first edition is the original and lives at the site root: prefix \"\""))
    for attr in ("lang", "prefix", "config", "tag"):
        seen: dict[str, Edition] = {}
        for e in editions:
            value = getattr(e, attr)
            if value in seen:
                problems.append(Problem(e.source, "editions-invalid",
                                        f"{attr} {value!r} is also the {attr} of the edition at line "
                                        f"{seen[value].source.line}"))
            seen[value] = e
    for e in editions[1:]:
        if not _PREFIX.match(e.prefix) or not e.prefix:
            problems.append(Problem(e.source, "editions-invalid",
                                    f"prefix {e.prefix!r}: a translated edition needs one folder name and '/'"))
    return [Problem(p.source, p.code, p.message + f" ({path.name}); using the built-in editions", Level.ERROR)
            for p in problems]
