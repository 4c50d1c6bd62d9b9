"""The mkdocs side: a thin plugin over the same pipeline the CLI runs.

``mkdocs serve`` and ``mkdocs build`` run the builder themselves; there is no
separate step.  The plugin (``kexue-book`` in a mkdocs configuration; its
option ``edition`` names which edition of ``editorial/editions.yml`` that
configuration builds, the original by default) does four things:

* ``on_config``: the edition's site URL, the editions' roots and relative
  paths for the templates (``config.extra.kb_editions``);
* ``on_pre_build``: one pipeline run for every edition (in the original's
  build), or the pages handed over by that build (in another edition's,
  see :mod:`builder.orchestrate`); the navigation;
* ``on_files``: the generated pages and the installed MathJax as mkdocs files
  (a hand-written page in ``docs/`` wins), then the other editions' builds
  start, into ``<site>/<prefix>``, in parallel;
* ``on_post_page``: each page's search copy, made from the HTML as it is
  written (:func:`builder.search.search_page`), or taken from the build cache
  when an earlier build wrote the same HTML;
* ``on_post_build``: this edition's Pagefind search index over those copies
  (:mod:`builder.search`); the other editions finished.

Generated pages never go into ``docs/``: a one-off build keeps them in memory,
``mkdocs serve`` writes them to ``build/book/<lang>/`` (only when changed) so
that a dirty reload sees unchanged files as unchanged.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from pathspec.gitignore import GitIgnoreSpec

from .assets import mathjax_files
from .cache import Cache, Memo, digest
from .editions import Edition, Editions, load_editions
from .escape import html_text
from .model import Level
from .orchestrate import EditionJob, Prepared, Running, finish, start
from .pipeline import DEFAULT_SITE, Paths, Result, cache_line, run
from .search import LOCK, SERVE_SHARD_BYTES, SHARD_BYTES, SearchIndexError, index_edition, index_language, search_page

# Archive problems are the content's, not the site's: logged outside the "mkdocs"
# logger so that `mkdocs build --strict` judges the site, and `python -m builder
# check --strict` judges the archive.
log = logging.getLogger("kexue_book")
log.propagate = False
if not log.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(levelname)-7s -  book: %(message)s"))
    log.addHandler(_handler)
    log.setLevel(logging.INFO)


class BookConfig(base.Config):
    edition = c.Optional(c.Type(str))  # a `lang` of editorial/editions.yml; the original when unset
    archive = c.Type(str, default="archive")
    editorial = c.Type(str, default="editorial")
    translations = c.Type(str, default="translations")
    build = c.Type(str, default="build")  # generated files: build/book/<lang>/, build/cache/
    cache = c.Type(bool, default=True)  # take what an earlier build made the same way from build/cache/
    # Search copies per Pagefind run (builder.search): Pagefind's memory is about 28 times this.
    search_shard_kb = c.Type(int, default=SHARD_BYTES // 1000)
    serve_shard_kb = c.Type(int, default=SERVE_SHARD_BYTES // 1000)  # the same under mkdocs serve


class BookPlugin(BasePlugin[BookConfig]):
    """State lives here, per build: the project, the edition, the pipeline's pages, the editions building."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.prepared: Prepared | None = None  # set by builder.orchestrate in another edition's process
        self.on_disk = False
        self.dirty = False
        self.root = Path.cwd()
        self.paths = Paths()
        self.editions: Editions | None = None
        self.edition: Edition | None = None
        self.base = DEFAULT_SITE
        self.jobs: list[EditionJob] = []
        self.running: list[Running] = []
        self.pages: Prepared | None = None
        self.cache: Cache | None = None
        self.memo = Memo()
        self.cache_note = ""  # why the cache was off as the build began
        self.copies: dict[str, str | None] = {}  # page's path in the site → its search copy
        self.copying = 0.0  # seconds spent making the copies
        self.spent = 0.0

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.on_disk = command == "serve"
        self.dirty = dirty

    def on_config(self, config: Any) -> Any:
        start_time = time.perf_counter()
        self.root = Path(config.config_file_path).resolve().parent
        self.paths = Paths.of(self.root, archive=self.config.archive, editorial=self.config.editorial,
                              translations=self.config.translations, build=self.config.build)
        editions, problems = load_editions(self.paths.editorial)
        for problem in problems:
            log.error(str(problem))
        wanted = self.config.edition or editions.original.lang
        edition = editions.get(wanted)
        if edition is None:
            raise PluginError(f"{config.config_file_path}: edition {wanted!r} is not in "
                              f"{self.paths.editorial / 'editions.yml'} ({', '.join(editions.langs())})")
        self.editions, self.edition = editions, edition
        self.cache = Cache(self.paths.cache) if self.config.cache else None
        for name in ("search_shard_kb", "serve_shard_kb"):
            if self.config[name] < 1:
                raise PluginError(f"{config.config_file_path}: {name} must be at least 1 (it is {self.config[name]})")
        if edition is editions.original:  # the other editions' hand-written pages are theirs, not the original's
            folders = [f"/{e.prefix}" for e in editions.translated]
            patterns = list(config.exclude_docs.patterns) if config.exclude_docs else []
            config.exclude_docs = GitIgnoreSpec(patterns + list(GitIgnoreSpec.from_lines(folders).patterns))
        self.base = (config.site_url or DEFAULT_SITE).rstrip("/") + "/"
        config.site_url = edition.root_url(self.base)
        config.extra["kb_editions"] = [
            {"lang": e.lang, "tag": e.tag, "name": e.name, "root": e.root_url(self.base),
             "path": edition.path_to(e), "current": e.lang == edition.lang}
            for e in editions.all]
        self.spent = time.perf_counter() - start_time
        return config

    def on_pre_build(self, *, config: Any) -> None:
        start_time = time.perf_counter()
        assert self.editions is not None and self.edition is not None
        self.jobs, self.running, self.copies, self.copying = [], [], {}, 0.0
        self.memo = Memo(self.cache)
        self.cache_note = self.cache.refused if self.cache else ""  # the pipeline's run reports this one
        if self.prepared is not None:
            self.pages = self.prepared
            self.on_disk = self.prepared.written  # its files, unchanged ones untouched, let a dirty build skip them
            log.info(f"{self.pages.lang}: {len(self.pages.files)} pages from the original edition's pipeline run")
        else:
            original = self.edition.lang == self.editions.original.lang
            langs = self.editions.langs() if original else (self.edition.lang,)
            result = run(self.paths, editions=self.editions, languages=langs, site_url=self.base,
                         write_files=self.on_disk, cache=self.config.cache)
            for problem in result.problems:
                if problem.level != Level.INFO or problem.code == "cache-off":
                    log.warning(str(problem))
            prepared = {lang: Prepared(lang, tuple(r.files), r.nav, result.ui[lang].get("about", ""),
                                       _summary(result, lang), tuple(sorted(result.images.items())), self.on_disk)
                        for lang, r in result.rendered.items()}
            self.pages = prepared[self.edition.lang]
            for lang in langs:
                log.info(prepared[lang].summary)
            for other in self.editions.all:
                if other.lang == self.edition.lang or other.lang not in prepared:
                    continue
                config_file = self.root / other.config
                if not config_file.is_file():
                    raise PluginError(f"edition {other.lang}: its configuration {config_file} does not exist "
                                      f"(editions.yml line {other.source.line})")
                self.jobs.append(EditionJob(str(config_file), str(Path(config.site_dir) / other.prefix),
                                            bool(config.strict), prepared[other.lang],
                                            logging.getLogger("mkdocs").getEffectiveLevel(), self.dirty))
        about = html_text(self.pages.about)
        extra = [{about: "about.md"}] if about and (Path(config.docs_dir) / "about.md").exists() else []
        config.nav = self.pages.nav + extra
        self.spent += time.perf_counter() - start_time

    def on_files(self, files: Files, *, config: Any) -> Files:
        start_time = time.perf_counter()
        assert self.pages is not None and self.edition is not None
        out = self.paths.out / self.edition.lang
        for generated in self.pages.files:
            if files.get_file_from_path(generated.path) is not None:
                log.warning(f"{config.docs_dir}/{generated.path} is hand-written; the generated page is not used")
                continue
            if self.on_disk and (out / generated.path).is_file():
                files.append(File.generated(config, generated.path, abs_src_path=str(out / generated.path)))
            else:
                files.append(File.generated(config, generated.path, content=generated.content))
        shared = self.root / "docs" / "assets"
        if Path(config.docs_dir).resolve() != (self.root / "docs").resolve():
            for path in sorted(shared.rglob("*")):  # every edition serves the original's assets
                rel = "assets/" + path.relative_to(shared).as_posix()
                if path.is_file() and files.get_file_from_path(rel) is None:
                    files.append(File.generated(config, rel, abs_src_path=str(path)))
        for site_path, source in mathjax_files().items():
            files.append(File.generated(config, site_path, abs_src_path=str(source)))
        for site_path, source in self.pages.images:  # the posts' pictures, from archive/images/
            if files.get_file_from_path(site_path) is None:
                files.append(File.generated(config, site_path, abs_src_path=source))
        # mkdocs has cleaned the site folder by now: the other editions may build into it.
        self.running = [start(job) for job in self.jobs]
        self.spent += time.perf_counter() - start_time
        return files

    @event_priority(-100)  # after every other plugin: the copy is made of the page as it is written
    def on_post_page(self, output: str, *, page: Any, config: Any) -> str:
        start_time = time.perf_counter()
        assert self.editions is not None
        language = index_language(self.editions.original.tag)
        key = digest("search", language, output) if self.memo.on else ""
        (copy,), hit = self.memo.through("search", key, lambda: (search_page(output, language),),
                                         lambda made: {"copy": made[0]}, _stored_copy)
        self.memo.used("search", key, hit=hit)
        self.copies[page.file.dest_uri] = copy
        self.copying += time.perf_counter() - start_time
        return output

    def _shard_kb(self) -> int:
        """Under mkdocs serve (its pages on disk, in this edition's process or the original's) the smaller shards."""
        return self.config.serve_shard_kb if self.on_disk else self.config.search_shard_kb

    @event_priority(-100)  # after every other plugin has written its files: the index reads the finished pages
    def on_post_build(self, *, config: Any) -> None:
        assert self.edition is not None and self.editions is not None
        unindexed = ""
        self.spent += self.copying
        try:  # this edition's pages only: the other editions build below it meanwhile, and index themselves
            # Every edition is indexed in the original's language: where a unit is not translated the page
            # shows the original's (Chinese) text, which only that language's tokenizer cuts into words.
            indexed = index_edition(Path(config.site_dir), self.editions.original.tag, self.edition.prefix,
                                    [e.prefix for e in self.editions.all], self.copies,
                                    self._shard_kb() * 1000, self.paths.out.parent / LOCK, self.memo,
                                    stable=self.on_disk)  # under mkdocs serve an edit must not move the cuts
            pruned = time.perf_counter()
            for kind in ("search", "pagefind") if self.cache else ():
                self.cache.prune(kind, self.memo.keys(kind))
            own = indexed.prepared + time.perf_counter() - pruned
            self.spent += own
            log.info(f"{self.edition.lang}: search index of {indexed.pages} pages in {indexed.shards} "
                     f"shard(s) ({indexed.reused} kept from an earlier build), {indexed.seconds:.2f} s "
                     f"(the builder's part, with the pages' search copies: {self.copying + own:.2f} s)")
        except SearchIndexError as err:
            unindexed = f"{self.edition.lang}: search index: {err}"
        if self.cache is not None and self.cache.refused != self.cache_note:  # the copies or the index were not kept
            log.warning(f"{self.edition.lang}: build cache: {self.cache.refused}")
        log.info(f"{self.edition.lang}: builder work in this build {self.spent:.2f} s")
        failed = [r.job for r in self.running if finish(r) != 0]
        self.running = []
        if failed:
            raise PluginError("edition(s) failed to build: " + ", ".join(
                f"{job.prepared.lang} ({job.config_file})" for job in failed) + "; their messages are above")
        if unindexed:
            raise PluginError(unindexed)

    def on_serve(self, server: Any, *, config: Any, builder: Any) -> Any:
        folders = [self.paths.archive, self.paths.editorial, self.paths.translations]
        if self.editions is not None:
            folders += [self.root / "docs" / e.prefix for e in self.editions.translated]
        for folder in folders:
            if folder.exists():
                server.watch(str(folder))
        return server


def _stored_copy(value: Any) -> tuple[str | None] | None:
    """A search copy from the cache (None where the page has no article), or None when it is not one."""
    if isinstance(value, dict) and "copy" in value and isinstance(value["copy"], (str, type(None))):
        return (value["copy"],)
    return None


def _summary(result: Result, lang: str) -> str:
    counts = {level: sum(1 for p in result.problems if p.level == level) for level in Level}
    return (f"{lang}: {len(result.book.chapters())} chapters from {len(result.entries)} entries; "
            f"{len(result.rendered[lang].files)} pages; {counts[Level.ERROR]} errors, "
            f"{counts[Level.WARNING]} warnings, {counts[Level.INFO]} notes (python -m builder check lists them)"
            + cache_line(result))
