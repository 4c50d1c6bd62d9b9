"""The synthetic archive: deterministic, shaped like the real dumps, read back whole."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks.synth import chinese_numeral, write_archive, write_editorial
from builder.mathtext import formulas, split_math
from builder.pipeline import Paths, run
from builder.place import series_of_title


@pytest.mark.parametrize("n,text", [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (13, "十三"), (20, "二十"),
                                    (31, "三十一")])
def test_chinese_numerals(n, text):
    assert chinese_numeral(n) == text


def _archive(tmp_path: Path, n: int, **kw) -> Paths:
    write_archive(tmp_path / "archive", n, **kw)
    return Paths(tmp_path / "archive", write_editorial(tmp_path / "editorial"), tmp_path / "out", tmp_path / "tr")


def test_same_seed_same_bytes(tmp_path: Path):
    write_archive(tmp_path / "a", 60, seed=7)
    write_archive(tmp_path / "b", 60, seed=7)
    write_archive(tmp_path / "c", 60, seed=8)
    read = lambda d: {p.name: p.read_bytes() for p in sorted(d.glob("*.txt"))}  # noqa: E731
    assert read(tmp_path / "a") == read(tmp_path / "b") != read(tmp_path / "c")


def test_every_post_comes_back_once(tmp_path: Path):
    stats = write_archive(tmp_path / "archive", 200, seed=3)
    assert stats["duplicates"] > 0 and stats["untitled"] > 0 and stats["no_year"] > 0
    names = {p.name.split("_")[0] for p in (tmp_path / "archive").glob("*.txt")}
    assert names == {"listing", "byline"}
    result = run(_archive(tmp_path / "x", 200, seed=3), write_files=False)
    assert len(result.posts) == 200
    codes = {p.code for p in result.problems}
    assert {"merged-duplicate", "missing-title", "missing-year"} <= codes
    numbered = [p.title for p in result.posts if series_of_title(p.title or "")]
    assert any(re.search(r"（[一二三四五六七八九十]+）", t) for t in numbered)  # Chinese numerals
    assert any(re.search(r"[:：]\d+\.", t) for t in numbered)  # arabic numerals


def test_long_form_posts_have_article_length_and_formulas(tmp_path: Path):
    result = run(_archive(tmp_path, 20, seed=5, long_form=True), write_files=False)
    for post in result.posts:
        text = "".join(b.text for b in post.blocks)
        count = sum(len(formulas(split_math(b.text)[0])) for b in post.blocks)
        assert 3000 <= len(text) <= 12000
        assert 8 <= count <= 40


def test_rebuild_writes_nothing_then_only_what_changed(tmp_path: Path):
    paths = _archive(tmp_path, 150, seed=2)
    first = run(paths)
    assert sum(len(r.written) for r in first.report.values()) == 2 * (150 + len(first.book.parts) + 2)
    again = run(paths)
    assert sum(len(r.written) for r in again.report.values()) == 0
    post = next(p for p in again.posts if len(p.sources) == 1 and len(p.blocks) > 2)
    dump = paths.archive / post.source.file
    old = post.blocks[2].text
    dump.write_text(dump.read_text(encoding="utf-8").replace(old, old + "补充一句。", 1), encoding="utf-8")
    changed = run(paths)
    written = {lang: r.written for lang, r in changed.report.items()}
    assert written == {"zh": [_path(changed, post.key)], "en": [_path(changed, post.key)]}


def _path(result, key: str) -> str:
    for part in result.book.parts:
        for c in part.chapters:
            if c.post.key == key:
                return f"{part.slug}/{c.slug}.md"
    raise KeyError(key)


def test_large_parts_are_split_in_the_navigation(tmp_path: Path):
    result = run(_archive(tmp_path, 400, seed=4), write_files=False)
    nav = result.rendered["zh"].nav
    big = next(p for p in result.book.parts if len(p.chapters) > 40)
    section = next(v for item in nav for k, v in item.items() if k == big.title)
    groups = section[1:]
    assert all(isinstance(g, dict) and isinstance(next(iter(g.values())), list) for g in groups)
    entries = [path for g in groups for items in g.values() for e in items for path in e.values()]
    assert sorted(entries) == sorted(f"{big.slug}/{c.slug}.md" for c in big.chapters)
    assert all(len(items) <= 40 for g in groups for items in g.values())
    small = next(p for p in result.book.parts if len(p.chapters) <= 40)
    flat = next(v for item in nav for k, v in item.items() if k == small.title)
    assert all(isinstance(next(iter(e.values())), str) for e in flat[1:])
