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
from .cache import Cache, Memo
from .editions import Editions, load_editions
from .images import available
from .merge import merge
from .model import BlockKind, Book, Entry, Level, Markup, Post, Problem, Source
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
    cache: Path = ROOT / "build" / "cache"  # what earlier runs made (builder.cache), when a run uses it

    @classmethod
    def of(cls, project: Path, *, archive: str = "archive", editorial: str = "editorial",
           translations: str = "translations", build: str = "build") -> Paths:
        return cls(project / archive, project / editorial, project / build / "book", project / translations,
                   project / build / "cache")


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
    cached: dict[str, int] = field(default_factory=dict)  # kind → results taken from the cache


CACHED_KINDS = ("read", "chapter", "chapter-late")  # what builder.cache keeps: read files, rendered chapters
IMAGES = "images"  # archive/images/<URL path> holds the posts' pictures; the site serves them at images/<URL path>
DEFAULT_SITE = "http://127.0.0.1:8000/"


def site_urls(editions: Editions, site_url: str | None) -> dict[str, str]:
    """The absolute root of every edition, from the site's URL."""
    base = (site_url or DEFAULT_SITE).rstrip("/") + "/"
    return {e.lang: e.root_url(base) for e in editions.all}


@collector_paused()
def run(paths: Paths, *, editions: Editions | None = None, languages: tuple[str, ...] | None = None,
        write_files: bool = True, site_url: str | None = None,
        progress: Callable[[str], None] | None = None, cache: bool = False) -> Result:
    """Every stage once; pages for ``languages`` (default: every edition).

    ``editions`` are read from ``editorial/editions.yml`` unless the caller has
    them already (the plugin reads and reports them when mkdocs loads its config).
    With ``cache``, files and chapters an earlier run made the same way are taken
    from ``paths.cache`` and what this run made is stored there.
    """
    timings: dict[str, float] = {}
    store = Cache(paths.cache) if cache else None
    memo = Memo(store)

    def stage(name: str) -> None:
        timings[name] = time.perf_counter()
        if progress:
            progress(name)

    stage("read")
    entries, problems = read_archive(paths.archive, memo)
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
    rendered = render_editions(book, contexts, memo)
    for r in rendered.values():
        problems += r.problems
    reports = {}
    if write_files:
        stage("write")
        for lang, r in rendered.items():
            reports[lang] = write(r.files, paths.out / lang)
            problems += reports[lang].problems
    if store:
        stage("cache")
        if set(languages) == set(editions.langs()):  # a whole run: what it did not use is outdated
            for kind in CACHED_KINDS:
                store.prune(kind, memo.keys(kind))
        lost = 0 if store.refused else sum(store.unstored(kind, memo.made.get(kind, ())) for kind in CACHED_KINDS)
        if lost:
            store.refused = (f"{lost} result(s) made in worker processes could not be stored in {paths.cache} "
                             "(is the disk full, or the folder not writable?): the next build makes them again")
        if store.refused:
            problems.append(Problem(Source(str(paths.cache), 1), "cache-off", store.refused, Level.INFO))
    stage("done")
    names = list(timings)
    durations = {n: timings[names[i + 1]] - timings[n] for i, n in enumerate(names[:-1])}
    images = {f"{IMAGES}/{rel}": str(paths.archive / IMAGES / rel) for rel in served.values()}
    return Result(entries, posts, book, overlay, rendered, _dedupe(problems), editions, ui, durations, reports,
                  images, memo.hits())


def cache_line(result: Result) -> str:
    """What a run took from the cache, for its summary line ("" when nothing)."""
    if not result.cached:
        return ""
    chapters = result.cached.get("chapter", 0)
    return (f"; from the build cache: {result.cached.get('read', 0)} files read, {chapters} of "
            f"{len(result.book.chapters())} chapters rendered")


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
