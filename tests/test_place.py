"""Placement: parts, series order from Chinese and arabic numerals, unknown series."""

from __future__ import annotations

import copy
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from builder.model import PartialDate, Post, Source
from builder.overlay import Overlay
from builder.place import place, series_of_title
from builder.text import chinese_number
from tests.conftest import FIXTURES, run_on


@pytest.mark.parametrize("text,value", [("二", 2), ("九", 9), ("十", 10), ("十一", 11), ("十三", 13),
                                         ("二十", 20), ("三十一", 31), ("一百零二", 102), ("6", 6), ("甲", None)])
def test_chinese_numbers(text, value):
    assert chinese_number(text) == value


@pytest.mark.parametrize("title,expected", [
    ("生成扩散模型漫谈（十一）：统一扩散模型（应用篇）", ("生成扩散模型漫谈", 11)),
    ("生成扩散模型漫谈(二):DDPM = 自回归式VAE", ("生成扩散模型漫谈", 2)),
    ("变分自编码器(八):估计样本概率密度", ("变分自编码器", 8)),
    ("路径积分系列:3.路径积分", ("路径积分系列", 3)),
    ("【中文分词系列】 6. 基于全卷积网络的中文分词", ("中文分词系列", 6)),
    ("《自然极值》系列——1.前言", ("自然极值", 1)),
    ("某某：1、开始", ("某某", 1)),
    ("科学空间浏览指南(FAQ)", None),
    ("恒等式 det(exp(A)) = exp(Tr(A)) 赏析", None),
])
def test_series_from_titles(title, expected):
    assert series_of_title(title) == expected


def test_four_parts_open_the_book(real):
    titles = [p.title for p in real.book.parts]
    assert titles[:4] == ["生成扩散模型", "变分自编码器", "能量视角下的GAN", "自然极值"]


def test_each_core_part_opens_with_its_series_then_related(real):
    core = ["生成扩散模型漫谈", "变分自编码器", "能量视角下的GAN模型", "自然极值"]
    for part, series in zip(real.book.parts[:4], core, strict=True):
        roles = [c.role for c in part.chapters]
        assert roles == sorted(roles, key=lambda r: r != "series")
        assert part.chapters[0].post.series == series


def test_unknown_recurring_series_is_grouped_by_itself(tmp_path: Path):
    result = run_on(FIXTURES / "formats", tmp_path)
    chapters = result.book.chapters()
    series = [c for c in chapters if c.post.series == "样例漫谈"]
    assert [c.post.series_number for c in series] == [1, 2]
    assert all(c.role == "series" for c in series)
    assert any(p.code == "unknown-series" and "grouped by itself" in p.message for p in result.problems)


def test_placement_rules_are_data(tmp_path: Path):
    editorial = tmp_path / "editorial"
    editorial.mkdir()
    (editorial / "posts.yml").write_text("posts: []\n", encoding="utf-8")
    (editorial / "book.yml").write_text(
        "title: T\nparts:\n"
        "  - {key: samples, title: 样例, series: [样例漫谈]}\n"
        "  - {key: rest, title: 其余, keywords: [], fallback: true}\n", encoding="utf-8")
    result = run_on(FIXTURES / "formats", tmp_path, editorial)
    assert [p.key for p in result.book.parts] == ["samples", "rest"]
    assert [c.post.series_number for c in result.book.parts[0].chapters] == [1, 2]


def _post(line: int, title: str, series: str | None = None) -> Post:
    return Post(key=f"k{line}", title=title, title_source="archive", date=PartialDate(1, line, 2020), author="苏剑林",
                blocks=(), truncated=False, sources=(Source("crafted.txt", line),), series=series)


def test_place_returns_new_posts_and_leaves_the_ones_it_was_given_alone():
    posts = [_post(1, "样例漫谈（一）：开篇"), _post(2, "样例漫谈（二）：续篇"), _post(3, "一篇不在系列里的文章"),
             _post(4, "样例漫谈（三）：第三篇", series="另一个系列")]  # the overlay's series wins over the title's
    before = copy.deepcopy(posts)
    book, _ = place(posts, Overlay())
    assert posts == before
    assert [(p.series, p.series_number) for p in posts] == [(None, None)] * 3 + [("另一个系列", None)]
    placed = {c.post.key: c.post for c in book.chapters()}
    assert [(placed[p.key].series, placed[p.key].series_number) for p in posts] == \
           [("样例漫谈", 1), ("样例漫谈", 2), (None, None), ("另一个系列", None)]
    assert placed["k3"] == posts[2]


def test_the_book_is_frozen_all_the_way_down():
    book, _ = place([_post(1, "样例漫谈（一）：开篇"), _post(2, "样例漫谈（二）：续篇")], Overlay())
    assert isinstance(book.parts, tuple) and all(isinstance(p.chapters, tuple) for p in book.parts)
    chapter = book.chapters()[0]
    for value, name in ((book, "parts"), (book.parts[0], "chapters"), (chapter, "series_position"),
                        (chapter, "role"), (chapter.post, "series")):
        with pytest.raises(FrozenInstanceError):
            setattr(value, name, None)
