"""The whole pipeline in one pass, shared by the CLI and the mkdocs plugin.

read dumps → entries → merge into posts → place into a book → render pages →
write only what changed.  Each stage is a function of the previous stage's
output; this module only strings them together and times them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import inline
from .attach import attach, load_translations
from .editions import Editions, load_editions
from .images import available
from .merge import merge
from .model import BlockKind, Book, Entry, Markup, Post, Problem
from .overlay import Overlay, load_overlay, load_terms, load_ui
from .parallel import collector_paused
from .place import place
from .read import read_archive
from .render import Context, Rendered, render_editions
from .translations import Translation
from .write import WriteReport, write

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Paths:
    """The folders one run reads and writes.

    A project is one folder (the CLI's ``--project``, the mkdocs configuration's
    folder for the plugin); :meth:`of` gives its folders.  The field defaults are
    those of the project this package was installed from, for tests and tools.
    """

    archive: Path = ROOT / "archive"
    editorial: Path = ROOT / "editorial"
    out: Path = ROOT / "build" / "book"
    translations: Path = ROOT / "translations"

    @classmethod
    def of(cls, project: Path, *, archive: str = "archive", editorial: str = "editorial",
           translations: str = "translations", build: str = "build") -> Paths:
        return cls(project / archive, project / editorial, project / build / "book", project / translations)


@dataclass
class Result:
    entries: list[Entry]
    posts: list[Post]
    book: Book
    overlay: Overlay
    rendered: dict[str, Rendered]
    problems: list[Problem]
    editions: Editions
    ui: dict[str, dict[str, str]]
    timings: dict[str, float] = field(default_factory=dict)
    report: dict[str, WriteReport] = field(default_factory=dict)
    images: dict[str, str] = field(default_factory=dict)  # path in the site → file in archive/images/


IMAGES = "images"  # archive/images/<URL path> holds the posts' pictures; the site serves them at images/<URL path>
DEFAULT_SITE = "http://127.0.0.1:8000/"


def site_urls(editions: Editions, site_url: str | None) -> dict[str, str]:
    """The absolute root of every edition, from the site's URL."""
    base = (site_url or DEFAULT_SITE).rstrip("/") + "/"
    return {e.lang: e.root_url(base) for e in editions.all}


@collector_paused()
def run(paths: Paths, *, editions: Editions | None = None, languages: tuple[str, ...] | None = None,
        write_files: bool = True, site_url: str | None = None,
        progress: Callable[[str], None] | None = None) -> Result:
    """Every stage once; pages for ``languages`` (default: every edition).

    ``editions`` are read from ``editorial/editions.yml`` unless the caller has
    them already (the plugin reads and reports them when mkdocs loads its config).
    """
    timings: dict[str, float] = {}

    def stage(name: str) -> None:
        timings[name] = time.perf_counter()
        if progress:
            progress(name)

    stage("read")
    entries, problems = read_archive(paths.archive)
    if editions is None:
        editions, found = load_editions(paths.editorial)
        problems += found
    if languages is None:
        languages = editions.langs()
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
    translations: dict[str, dict[str, Translation]] = {}
    for edition in editions.translated:
        translations[edition.lang], found = load_translations(paths.translations / edition.lang)
        problems += found
    book, found = attach(book, editions, translations, glossary)
    problems += found
    stage("images")
    served, found = available(paths.archive, book_image_urls(book))
    problems += found
    site_images = {url: f"{IMAGES}/{rel}" for url, rel in served.items()}
    stage("render")
    ui, found = load_ui(paths.editorial, editions.langs())
    problems += found
    urls = site_urls(editions, site_url)
    contexts = []
    for lang in languages:
        edition = editions.get(lang)
        if edition is None:
            raise ValueError(f"no edition {lang!r} in editions.yml")  # callers name editions from editions.yml
        contexts.append(Context(overlay, ui[lang], edition, editions, urls, tuple(glossary),
                                overlay.nav_group_size, site_images))
    rendered = render_editions(book, contexts)
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
    images = {f"{IMAGES}/{rel}": str(paths.archive / IMAGES / rel) for rel in served.values()}
    return Result(entries, posts, book, overlay, rendered, _dedupe(problems), editions, ui, durations, reports,
                  images)


def book_image_urls(book: Book) -> list[str]:
    """Every image the book's posts show, standing alone or inside text, once each, in reading order."""
    seen: dict[str, None] = {}
    for chapter in book.chapters():
        for block in chapter.post.blocks:
            if block.kind == BlockKind.IMAGE and block.info:
                seen.setdefault(block.info, None)
            elif block.markup == Markup.MARKDOWN and "![" in block.text:
                for tok in inline.parse(block.text):
                    if tok.type == "image" and tok.attrs.get("src"):
                        seen.setdefault(str(tok.attrs["src"]), None)
    return list(seen)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[Problem] = set()
    out = []
    for p in problems:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out
