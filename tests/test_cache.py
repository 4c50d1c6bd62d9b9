"""The build cache (builder/cache.py): a rebuild takes unchanged files and chapters from build/cache/, and
its book is the one a build without the cache makes; changed input, a broken cache file or a link in the
cache's place never shows through."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from builder import cache, parallel, read
from builder.model import Aligned, Block, Chapter, ChapterText
from builder.pipeline import Paths, Result, run
from builder.render import pages

ROOT = Path(__file__).resolve().parent.parent
PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The crafted article pages and the bundled dumps, with the project's editorial data and translations."""
    dest = tmp_path / "project"
    shutil.copytree(PAGES, dest / "archive" / "pages")
    for dump in (ROOT / "archive").glob("*.txt"):
        shutil.copy(dump, dest / "archive" / dump.name)
    shutil.copytree(ROOT / "editorial", dest / "editorial")
    shutil.copytree(ROOT / "translations", dest / "translations")
    return dest


def book(result: Result) -> tuple:
    """What a run made, to compare runs: pages, navigation, problems and the entries read."""
    return ({lang: [(f.path, f.content) for f in r.files] for lang, r in result.rendered.items()},
            {lang: r.nav for lang, r in result.rendered.items()},
            [p for p in result.problems if p.code != "cache-off"], result.entries)


def stored(project: Path, kind: str) -> set[str]:
    return {p.stem for p in (project / "build" / "cache" / kind).rglob("*.json")}


def test_a_rebuild_takes_everything_from_the_cache_and_makes_the_same_book(project: Path) -> None:
    paths = Paths.of(project)
    plain = run(paths, write_files=False)
    first = run(paths, write_files=False, cache=True)
    assert first.cached == {}
    files = len(stored(project, "read"))
    assert files == len({e.source.file for e in first.entries}) > 10
    again = run(paths, write_files=False, cache=True)
    chapters = len(again.book.chapters())
    late = len(stored(project, "chapter-late"))
    assert again.cached == {"read": files, "chapter": chapters, **({"chapter-late": late} if late else {})}
    assert book(again) == book(first) == book(plain)


def test_only_a_changed_file_is_read_again_and_its_new_text_shows(project: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "KEEP_FOR", -1)  # what a run does not use is outdated at once
    paths = Paths.of(project)
    first = run(paths, write_files=False, cache=True)
    before = stored(project, "read")
    page = project / "archive" / "pages" / "archive" / "2016" / "5001.txt"
    page.write_text(page.read_text(encoding="utf-8").replace("小角度下", "缓存之后改写的话，小角度下", 1),
                    encoding="utf-8")
    again = run(paths, write_files=False, cache=True)
    assert again.cached["read"] == len(before) - 1
    assert len(stored(project, "read") - before) == 1 and len(before - stored(project, "read")) == 1  # pruned
    assert book(again) == book(run(paths, write_files=False))
    assert "缓存之后改写的话" in "".join(f.content for f in again.rendered["zh"].files)
    assert "缓存之后改写的话" not in "".join(f.content for f in first.rendered["zh"].files)


def test_what_a_run_did_not_use_is_kept_a_while(project: Path) -> None:
    paths = Paths.of(project)
    run(paths, write_files=False, cache=True)
    before = stored(project, "chapter")
    run(paths, write_files=False, cache=True, site_url="https://example.org/book/")  # other pages: other keys
    after = stored(project, "chapter")
    assert before < after  # the other site URL's chapters are kept beside the first ones
    assert run(paths, write_files=False, cache=True).cached["chapter"] == len(before)


def test_a_broken_cache_file_is_a_miss(project: Path) -> None:
    paths = Paths.of(project)
    expected = book(run(paths, write_files=False, cache=True))
    files = sorted((project / "build" / "cache").rglob("*.json"))
    for n, path in enumerate(files):
        path.write_text(["{not json", json.dumps({"entries": [{"title": 1}]}), json.dumps([1, 2]), "null",
                         json.dumps({"formulas": "x", "labels": [], "pages": 3})][n % 5], encoding="utf-8")
    again = run(paths, write_files=False, cache=True)
    assert book(again) == expected
    assert sum(again.cached.values()) == 0


def test_a_link_in_the_caches_place_is_not_followed(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / "build").mkdir()
    (project / "build" / "cache").symlink_to(elsewhere, target_is_directory=True)
    result = run(Paths.of(project), write_files=False, cache=True)
    assert [p.code for p in result.problems if p.code == "cache-off"] == ["cache-off"]
    assert not any(elsewhere.iterdir())


def test_a_link_inside_the_cache_is_not_followed(project: Path, tmp_path: Path) -> None:
    paths = Paths.of(project)
    expected = book(run(paths, write_files=False, cache=True))
    elsewhere = tmp_path / "elsewhere"
    folder = next((project / "build" / "cache" / "read").iterdir())
    shutil.move(folder, elsewhere)
    folder.symlink_to(elsewhere, target_is_directory=True)
    again = run(paths, write_files=False, cache=True)
    assert again.cached["read"] < len(stored(project, "read") | {p.stem for p in elsewhere.glob("*.json")})
    assert book(again) == expected


def test_workers_store_what_they_make(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read, "PARALLEL_FROM", 1)
    monkeypatch.setattr(pages, "PARALLEL_FROM", 1)
    paths = Paths.of(project)
    first = run(paths, write_files=False, cache=True)
    again = run(paths, write_files=False, cache=True)
    assert again.cached["chapter"] == len(first.book.chapters())
    assert book(again) == book(first)


def test_a_worker_that_cannot_store_says_so(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk seen by forked workers only: their refusal stays in their copy of the cache, yet the run tells."""
    monkeypatch.setattr(read, "PARALLEL_FROM", 1)
    monkeypatch.setattr(pages, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    parent = os.getpid()
    real = cache.Cache.store

    def store(self: cache.Cache, kind: str, items: Iterable[tuple[str, Any]]) -> int:
        if os.getpid() != parent:
            self.refused = "cannot write: No space left on device"
            return 0
        return real(self, kind, items)

    monkeypatch.setattr(cache.Cache, "store", store)
    result = run(Paths.of(project), write_files=False, cache=True)
    notes = [p.message for p in result.problems if p.code == "cache-off"]
    assert len(notes) == 1 and "made in worker processes could not be stored" in notes[0], notes
    assert not stored(project, "read") and not stored(project, "chapter")
    monkeypatch.setattr(cache.Cache, "store", real)  # the disk has room again
    again = run(Paths.of(project), write_files=False, cache=True)
    kept = sum(len(stored(project, kind)) for kind in ("read", "chapter", "chapter-late"))
    assert notes[0].startswith(f"{kept} result(s)") and "cache-off" not in [p.code for p in again.problems]


def test_another_builder_is_another_key(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = Paths.of(project)
    run(paths, write_files=False, cache=True)
    monkeypatch.setattr(cache, "fingerprint", lambda: "a changed builder")
    assert run(paths, write_files=False, cache=True).cached == {}


def test_without_the_option_nothing_is_read_or_written(project: Path) -> None:
    run(Paths.of(project), write_files=False)
    assert not (project / "build" / "cache").exists()


def test_the_chapter_digest_covers_every_field_of_the_model() -> None:
    """A field added to the model and left out of the digest would let a changed chapter hit an old page."""
    names = lambda cls: tuple(f.name for f in dataclasses.fields(cls))  # noqa: E731
    assert names(Block) == pages.BLOCK_FIELDS
    assert names(Aligned) == pages.UNIT_FIELDS
    assert names(ChapterText) == pages.TEXT_FIELDS
    assert names(Chapter) == pages.CHAPTER_FIELDS


def test_the_chapter_digest_tells_apart_what_differs(project: Path) -> None:
    result = run(Paths.of(project), write_files=False)
    chapter = next(c for c in result.book.chapters() if len(c.post.blocks) > 2 and "en" in c.texts)
    block = chapter.post.blocks[1]
    unit = chapter.texts["en"].units[1]
    variants = [
        chapter,
        dataclasses.replace(chapter, slug=chapter.slug + "x"),
        dataclasses.replace(chapter, post=dataclasses.replace(chapter.post, title=(chapter.post.title or "") + "x")),
        dataclasses.replace(chapter, post=dataclasses.replace(chapter.post, blocks=(
            chapter.post.blocks[0], dataclasses.replace(block, level=block.level + 1), *chapter.post.blocks[2:]))),
        dataclasses.replace(chapter, texts={**chapter.texts, "en": dataclasses.replace(chapter.texts["en"], units=(
            chapter.texts["en"].units[0], dataclasses.replace(unit, text=(unit.text or "") + "x"),
            *chapter.texts["en"].units[2:]))}),
    ]
    assert len({pages.chapter_digest(c) for c in variants}) == len(variants)
