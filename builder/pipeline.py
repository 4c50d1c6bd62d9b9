"""The whole pipeline in one pass, shared by the CLI and the mkdocs hook.

read dumps → entries → merge into posts → place into a book → render pages →
write only what changed.  Each stage is a function of the previous stage's
output; this module only strings them together and times them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .attach import attach, load_translations
from .merge import merge
from .model import Book, Entry, Level, Post, Problem
from .overlay import Overlay, load_overlay, load_terms, load_ui
from .place import place
from .read import read_archive
from .render import Context, Rendered, render
from .write import WriteReport, write

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Paths:
    archive: Path = ROOT / "archive"
    editorial: Path = ROOT / "editorial"
    out: Path = ROOT / "build" / "book"
    translations: Path = ROOT / "translations"


@dataclass
class Result:
    entries: list[Entry]
    posts: list[Post]
    book: Book
    overlay: Overlay
    rendered: dict[str, Rendered]
    problems: list[Problem]
    timings: dict[str, float] = field(default_factory=dict)
    report: dict[str, WriteReport] = field(default_factory=dict)

    def worst(self) -> Level | None:
        levels = {p.level for p in self.problems}
        for level in (Level.ERROR, Level.WARNING, Level.INFO):
            if level in levels:
                return level
        return None


LANGUAGES = ("zh", "en")
DEFAULT_SITE = "http://127.0.0.1:8000/"


def site_urls(site_url: str | None) -> dict[str, str]:
    """Absolute roots of both editions: Chinese at the site root, English below it at en/."""
    base = (site_url or DEFAULT_SITE).rstrip("/") + "/"
    return {"zh": base, "en": base + "en/"}


def run(paths: Paths, *, languages: tuple[str, ...] = LANGUAGES, write_files: bool = True,
        site_url: str | None = None, progress: Callable[[str], None] | None = None) -> Result:
    timings: dict[str, float] = {}

    def stage(name: str) -> None:
        timings[name] = time.perf_counter()
        if progress:
            progress(name)

    stage("read")
    entries, problems = read_archive(paths.archive)
    overlay, overlay_problems = load_overlay(paths.editorial)
    problems += overlay_problems
    stage("merge")
    posts, found = merge(entries, overlay)
    problems += found
    stage("place")
    book, found = place(posts, overlay)
    problems += found
    stage("translate")
    glossary, found = load_terms(paths.editorial)
    problems += found
    translations, found = load_translations(paths.translations / "en")
    problems += found
    problems += attach(book, translations, glossary)
    stage("render")
    ui, found = load_ui(paths.editorial)
    problems += found
    urls = site_urls(site_url)
    rendered = {lang: render(book, Context(overlay, ui[lang], lang, translations, urls, tuple(glossary),
                                           overlay.nav_group_size))
                for lang in languages}
    for r in rendered.values():
        problems += r.problems
    reports = {}
    if write_files:
        stage("write")
        for lang, r in rendered.items():
            reports[lang] = write(r.files, paths.out / lang)
            problems += reports[lang].problems
    stage("done")
    names = list(timings)
    durations = {n: timings[names[i + 1]] - timings[n] for i, n in enumerate(names[:-1])}
    return Result(entries, posts, book, overlay, rendered, _dedupe(problems), durations, reports)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[Problem] = set()
    out = []
    for p in problems:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out
