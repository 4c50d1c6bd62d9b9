"""Placement: each step of the precedence, series order from numbers and halves, and the blog's subjects at scale."""

from __future__ import annotations

import copy
import random
from collections import Counter
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from builder.model import PartialDate, Post, Problem, Source
from builder.overlay import Overlay, PartRule, load_overlay
from builder.place import Rules, place, series_of_title
from builder.series import sub_part_of_title
from builder.text import chinese_number, key_of
from tests.conftest import FIXTURES, ROOT, run_on


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
    ("Transformer升级之路：10、RoPE是一种β进制编码", ("Transformer升级之路", 10)),
    ("MoE环游记：3、换个思路来分配", ("MoE环游记", 3)),
    ("流形上的最速下降：1. SGD + 超球面", ("流形上的最速下降", 1)),
    ("生成扩散模型漫谈（二十六）：基于恒等式的蒸馏（上）", ("生成扩散模型漫谈", 26)),
    ("a" + " " * 100_000 + "（一）", None),  # a series name is short: only the title's start is read
    ("科学空间浏览指南(FAQ)", None),
    ("恒等式 det(exp(A)) = exp(Tr(A)) 赏析", None),
    ("多任务学习漫谈（4）：分主次之序", ("多任务学习漫谈", 4)),  # digits in brackets, a subtitle after them
    ("多任务学习漫谈(10): 标题", ("多任务学习漫谈", 10)),
    ("Adam的epsilon如何影响(2)", None),  # at the end: a sub-part, not a series number
    ("a（" + "1" * 100_000 + "）：", None),  # past the part of a title that is read
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


# --- the rules, one step of the precedence at a time -------------------------------------------------------------

def _rule(key: str, line: int, *, series=(), keywords=(), tags=(), categories=(), fallback=False) -> PartRule:
    return PartRule(key=key, title=key, title_en=key, description="", series=tuple(series), keywords=tuple(keywords),
                    tags=tuple(tags), categories=tuple(categories), fallback=fallback,
                    source=Source("editorial/book.yml", line))


def _page(n: int, title: str | None, *, category: str | None = None, tags: tuple[str, ...] = (),
          date: PartialDate | None = None, post_id: str | None = None, part: str | None = None,
          series: str | None = None, number: int | None = None, file: str = "pages.md") -> Post:
    """A post as a whole article page gives it (category and tags), built directly: no reader, no merge."""
    return Post(key=f"k{n:04d}", title=title, title_source="archive", date=date or PartialDate(1, 1, 2020),
                author="苏剑林", blocks=(), truncated=False, sources=(Source(file, n),), post_id=post_id,
                category=category, tags=tags, part_hint=part, series=series, series_number=number)


# Every step claims the same post for a different part, so each test can drop the steps above it.
STEPS = Overlay(parts=[
    _rule("by-series", 2, series=["样例漫谈"]),
    _rule("by-keyword", 3, keywords=["扩散"]),
    _rule("by-tag", 4, tags=["vae"]),
    _rule("by-category", 5, categories=["信息时代"]),
    _rule("named", 6),
    _rule("rest", 7, fallback=True),
])


def _claimed(post: Post, overlay: Overlay = STEPS) -> tuple[str, str]:
    book, _ = place([post], overlay)
    series = post.series or (series_of_title(post.title or "") or (None,))[0]
    claim = Rules(overlay).claim(post, key_of(series) if series else None)
    assert [p.key for p in book.parts] == [claim.rule.key]  # place and claim agree
    return claim.rule.key, claim.by


FULL = dict(category="信息时代", tags=("VAE",), series="样例漫谈", number=1)


def test_posts_yml_part_wins_over_every_other_rule():
    assert _claimed(_page(1, "样例漫谈（一）：扩散", part="named", **FULL)) == ("named", "overlay")


def test_a_part_that_does_not_exist_in_posts_yml_is_ignored():
    assert _claimed(_page(1, "样例漫谈（一）：扩散", part="nowhere", **FULL)) == ("by-series", "series")


def test_series_wins_over_keyword_tag_and_category():
    assert _claimed(_page(1, "样例漫谈（一）：扩散", **FULL)) == ("by-series", "series")


def test_title_keyword_wins_over_tag_and_category():
    assert _claimed(_page(1, "谈谈扩散", category="信息时代", tags=("vae",))) == ("by-keyword", "keyword")


def test_tag_wins_over_category():
    assert _claimed(_page(1, "一篇文章", category="信息时代", tags=("其他", "vae"))) == ("by-tag", "tag")


def test_category_wins_over_the_fallback():
    assert _claimed(_page(1, "一篇文章", category="信息时代", tags=("其他",))) == ("by-category", "category")


def test_what_nothing_claims_goes_to_the_fallback_and_is_reported():
    post = _page(1, "一篇文章", category="千奇百怪", tags=("其他",))
    assert _claimed(post) == ("rest", "fallback")
    _, problems = place([post], STEPS)
    assert [(p.code, str(p.source)) for p in problems] == [("unplaced", "pages.md:1")]


def test_a_series_no_part_names_follows_its_first_post():
    posts = [_page(1, "新系列（一）：开篇", tags=("vae",), date=PartialDate(1, 1, 2020)),
             _page(2, "新系列（二）：续篇", category="信息时代", date=PartialDate(1, 2, 2020)),
             _page(3, "新系列（三）：扩散", date=PartialDate(1, 3, 2020))]
    book, _ = place(posts, STEPS)
    assert [(p.key, [c.post.key for c in p.chapters]) for p in book.parts] == [("by-tag", ["k0001", "k0002", "k0003"])]


def test_within_a_step_the_first_part_in_book_order_wins():
    overlay = Overlay(parts=[_rule("a", 2, tags=["概率"], keywords=["分布"]),
                             _rule("b", 3, tags=["vae"], keywords=["VAE"]),
                             _rule("c", 4, categories=["信息时代"], fallback=True)])
    assert _claimed(_page(1, "无关", tags=("vae", "概率")), overlay) == ("a", "tag")
    assert _claimed(_page(2, "VAE的分布", tags=()), overlay) == ("a", "keyword")
    assert _claimed(_page(3, "VAE", tags=()), overlay) == ("b", "keyword")


@pytest.mark.parametrize("tag,claimed", [("vae", True), ("VAE", True), ("Vae", True), ("ＶＡＥ", True), (" vae ", True),
                                         ("VAEs", False), ("β-VAE", False), ("vae模型", False), ("va e", False)])
def test_tags_are_compared_whole_ignoring_case_and_width(tag: str, claimed: bool):
    assert _claimed(_page(1, "一篇文章", tags=(tag,)))[1] == ("tag" if claimed else "fallback")


@pytest.mark.parametrize("category,claimed", [("信息时代", True), (" 信息时代 ", True), ("信息", False),
                                              ("信息时代与我", False), (None, False), ("", False)])
def test_categories_are_compared_whole(category, claimed: bool):
    assert _claimed(_page(1, "一篇文章", category=category))[1] == ("category" if claimed else "fallback")


def test_keywords_are_found_inside_titles_ignoring_case_and_width():
    overlay = Overlay(parts=[_rule("gan", 2, keywords=["GAN"]), _rule("rest", 3, fallback=True)])
    for title in ("WGAN-GP", "gan的故事", "ＷＧＡＮ的故事", "O-GAN：只需微改", "GANs的训练", "BiGAN与ALI"):
        assert _claimed(_page(1, title), overlay) == ("gan", "keyword"), title
    assert _claimed(_page(1, "G A N"), overlay) == ("rest", "fallback")


def test_a_latin_keyword_inside_a_word_counts_only_as_a_name_written_so():
    """BERT matched "Hilbert", NER "Energy" and "Generalized": math posts went to the NLP part."""
    overlay = Overlay(parts=[_rule("nlp", 2, keywords=["BERT", "NER", "RoPE", "loss", "Lion"]),
                             _rule("rest", 3, fallback=True)])
    for title in ("Hilbert变换与解析信号", "Energy Distance：新视角", "Generalized Mean不等式", "Europe之旅",
                  "Glossary of terms", "Million级别的数据", "wobert的故事"):
        assert _claimed(_page(1, title), overlay) == ("rest", "fallback"), title
    for title in ("RoBERTa的预训练", "SimBERT：检索和生成", "bert4keras在手", "NER任务", "用RoPE外推", "focal loss",
                  "Lion优化器", "ＢＥＲＴ的中文"):
        assert _claimed(_page(1, title), overlay) == ("nlp", "keyword"), title


def test_the_first_part_naming_a_series_gets_it():
    overlay = Overlay(parts=[_rule("a", 2, series=["样例漫谈"]), _rule("b", 3, series=["样例 漫谈"], fallback=True)])
    assert _claimed(_page(1, "样例漫谈（一）：开篇"), overlay) == ("a", "series")


def test_without_parts_every_post_goes_to_one_default_part():
    book, problems = place([_page(1, "一篇文章", category="信息时代", tags=("vae",))], Overlay())
    assert [p.key for p in book.parts] == ["posts"] and [p.code for p in problems] == ["unplaced"]


# --- series order ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("title,sub", [
    ("生成扩散模型漫谈（二十六）：基于恒等式的蒸馏（上）", 1),
    ("生成扩散模型漫谈（二十六）：基于恒等式的蒸馏（下）", 3),
    ("某系列（三）：一件事（中）", 2), ("某系列（三）：一件事（中篇）", 2), ("msign算子的Newton-Schulz迭代(下)", 3),
    ("某系列（三）：一件事 (2)", 2), ("某系列（三）：一件事（１）", 1), ("变分自编码器（一）", None),
    ("生成扩散模型漫谈（十）：统一扩散模型（理论篇）", None), ("上下", None), ("", None), ("（上）之后还有字", None),
])
def test_sub_parts_from_titles(title: str, sub: int | None):
    assert sub_part_of_title(title) == sub


def _order(posts: list[Post]) -> list[str]:
    book, _ = place(posts, Overlay())
    return [c.post.key for c in book.chapters()]


def _clashes(posts: list[Post]) -> list[Problem]:
    return [p for p in place(posts, Overlay())[1] if p.code == "series-number-clash"]


def test_halves_with_one_number_are_ordered_by_half_not_by_date_and_do_not_clash():
    posts = [_page(1, "漫谈（二十六）：蒸馏（下）", date=PartialDate(1, 1, 2024), post_id="200"),
             _page(2, "漫谈（二十六）：蒸馏（上）", date=PartialDate(1, 2, 2024), post_id="300"),
             _page(3, "漫谈（二十五）：前一篇", date=PartialDate(1, 3, 2024)),
             _page(4, "漫谈（二十六）：蒸馏（中）", date=PartialDate(1, 4, 2024))]
    assert _order(posts) == ["k0003", "k0002", "k0004", "k0001"]
    assert _clashes(posts) == []


def test_numbered_halves_1_and_2_are_ordered_too():
    posts = [_page(1, "漫谈（三）：一件事（2）", date=PartialDate(1, 1, 2024)),
             _page(2, "漫谈（三）：一件事（1）", date=PartialDate(1, 2, 2024))]
    assert _order(posts) == ["k0002", "k0001"] and _clashes(posts) == []


def test_one_number_twice_without_halves_is_a_clash_naming_both_lines_ordered_by_date_then_id_then_title():
    posts = [_page(7, "漫谈（二）：新标题", date=PartialDate(3, 1, 2022), post_id="9000", file="b.md"),
             _page(3, "漫谈（二）：旧标题", date=PartialDate(3, 1, 2022), post_id="9000", file="a.md"),
             _page(5, "漫谈（二）：另一篇", date=PartialDate(3, 1, 2022), post_id="10001", file="c.md"),
             _page(9, "漫谈（二）：最早", date=PartialDate(2, 1, 2022), post_id="99999", file="d.md"),
             _page(1, "漫谈（一）：开篇", date=PartialDate(9, 1, 2022), post_id="1")]
    # date first (d.md), then id 9000 before 10001, then title by code point (新 U+65B0 before 旧 U+65E7)
    assert _order(posts) == ["k0001", "k0009", "k0007", "k0003", "k0005"]
    clashes = _clashes(posts)
    assert [str(p.source) for p in clashes] == ["b.md:7", "a.md:3", "c.md:5"]
    assert all("d.md:9" in p.message for p in clashes)  # the first holder of the number, by file:line
    assert "b.md:7" in clashes[0].message and "number 2" in clashes[0].message


def test_two_spellings_of_one_series_share_a_group_and_still_have_one_order():
    posts = [_page(1, "CoSENT(一):比Sentence-BERT更有效", post_id="8847"),
             _page(2, "CoSENT（一）：比Sentence-BERT更有效的句向量方案", post_id="8847"),
             _page(3, "CoSENT（二）：特征式匹配与交互式匹配有多大差距？", post_id="8860")]
    first = _order(posts)
    assert first == ["k0001", "k0002", "k0003"]  # same number, date and id: then title (shorter first)
    assert len(_clashes(posts)) == 1


def test_order_never_depends_on_the_order_posts_arrive_in():
    posts = [_page(i, title, date=PartialDate(5, 5, 2021), post_id=pid) for i, (title, pid) in enumerate([
        ("漫谈（一）：甲", "10"), ("漫谈（一）：乙", "10"), ("漫谈（二）：丙", None), ("漫谈（二）：丙", None),
        ("同一天", "9152"), ("同一天", "10001"), ("同一天", None), ("另一个标题", "9152"),
        ("漫谈（三）：丁（下）", "1"), ("漫谈（三）：丁（上）", "2")], 1)]
    expected = _order(posts)
    assert expected[-4:] == ["k0008", "k0005", "k0006", "k0007"]  # same day, no series: id 9152 < 10001 < none
    for seed in range(20):
        shuffled = posts[:]
        random.Random(seed).shuffle(shuffled)
        assert _order(shuffled) == expected
        assert [str(p) for p in place(shuffled, Overlay())[1]] == [str(p) for p in place(posts, Overlay())[1]]


def test_same_day_posts_without_series_are_ordered_by_id_then_title_then_key():
    day = PartialDate(7, 6, 2022)
    posts = [_page(1, "乙", date=day), _page(2, "甲", date=day), _page(3, "甲", date=day, post_id="12"),
             _page(4, "丙", date=day, post_id="9")]
    assert _order(posts) == ["k0004", "k0003", "k0001", "k0002"]  # 9 < 12 < no id; then 乙 (U+4E59) < 甲 (U+7532)


def test_a_long_digit_run_as_post_id_is_ordered_without_int():
    posts = [_page(1, "甲", post_id="9" * 5000), _page(2, "乙", post_id="1" + "0" * 4999), _page(3, "丙", post_id="8")]
    assert _order(posts) == ["k0003", "k0002", "k0001"]


def test_long_titles_are_placed():
    """A 100,000-character title (spaces, brackets, digits) is read for series, halves and keywords.

    (How the cost grows with such titles is measured by the benchmark's hostile row: ``place-*``.)
    """
    titles = ["a" + " " * 100_000 + "b（一）", "（" * 100_000, "漫谈" + "（一" * 50_000, "1" * 100_000 + "：2.",
              "x" * 100_000 + "（上）", ":" + " " * 100_000 + "1."]
    posts = [_page(i, t) for i, t in enumerate(titles, 1)]
    overlay = Overlay(parts=[_rule("a", 2, keywords=[f"词{i}" for i in range(1000)] + ["b（一）"]),
                             _rule("rest", 3, fallback=True)])
    assert [series_of_title(t) for t in titles] == [None] * len(titles)  # no series name in the first characters
    assert [sub_part_of_title(t) for t in titles] == [None, None, None, None, 1, None]  # "（上）" at the end
    book, _ = place(posts, overlay)
    # Keywords are looked for in the first KEYWORD_SPAN characters only: "b（一）" lies far beyond them.
    assert {c.post.key: p.key for p in book.parts for c in p.chapters} == {f"k{i:04d}": "rest" for i in range(1, 7)}


def test_absurd_tags_and_categories_on_a_page_are_placed():
    posts = [_page(1, "一篇", tags=tuple(f"t{i}" for i in range(100_000)) + ("VAE",)),
             _page(2, "两篇", tags=("标" * 100_000, " " * 100_000), category="信" * 100_000),
             _page(3, "三篇", category="  信息时代\u3000")]
    book, _ = place(posts, STEPS)
    assert {c.post.key: p.key for p in book.parts for c in p.chapters} == {
        "k0001": "by-tag", "k0002": "rest", "k0003": "by-category"}  # NFKC makes U+3000 a space


def test_two_hundred_parts_of_a_thousand_keywords_and_tags():
    parts = [_rule(f"p{i}", i + 2, keywords=[f"关键词{i}-{j}" for j in range(1000)],
                   tags=[f"标签{i}-{j}" for j in range(1000)]) for i in range(200)]
    overlay = Overlay(parts=[*parts, _rule("rest", 300, fallback=True)])
    posts = [_page(n, f"第{n}篇：谈谈关键词{n % 250}-{n % 1000}与其他",
                   tags=tuple(f"标签{n % 300}-{k}" for k in range(20))) for n in range(1300)]
    book, _ = place(posts, overlay)
    placed = {c.post.key: p.key for p in book.parts for c in p.chapters}
    assert (placed["k0007"], placed["k1220"], placed["k0200"]) == ("p7", "p20", "rest")  # keyword, tag, neither


# --- the blog's subjects at the blog's size ----------------------------------------------------------------------
# A generator of posts as whole article pages give them: titles in the blog's own shapes and subjects (series and
# single posts), its ten categories in proportions like the blog's (mostly 信息时代 and 数学研究) and its tags,
# plus a few excerpts from dumps, which carry neither category nor tags.  The titles are written from the blog's
# subjects, not from the rules of editorial/book.yml; the measurement is how the project's rules place them.

IT, MATH, PHYS, ASTRO, ODD, BIO, QA, LIFE, RES, PHOTO = ("信息时代", "数学研究", "物理化学", "天文探索", "千奇百怪",
                                                         "生物自然", "问题百科", "生活/情感", "资源共享", "图片摄影")

# name, how the title spells the number, how many posts, category, tags, subtitles (cycled)
BLOG_SERIES = [
    ("生成扩散模型漫谈", "cn", 30, IT, "生成模型,扩散,DDPM,概率",
     "DDPM = 拆楼 + 建楼|DDPM = 自回归式VAE|DDPM = 贝叶斯 + 去噪|DDIM = 高观点DDPM|一般框架之SDE篇|一般框架之ODE篇|"
     "最优扩散方差估计（上）|最优扩散方差估计（下）|条件控制生成结果|统一扩散模型（理论篇）|统一扩散模型（应用篇）|"
     "“硬刚”扩散ODE|从万有引力到扩散模型|构建ODE的一般步骤|从Wasserstein距离看生成质量|一致性模型与蒸馏"),
    ("变分自编码器", "cn", 8, IT, "vae,生成模型,概率,变分",
     "原来是这么一回事|从贝叶斯观点出发|这样做为什么能成？|一步到位的聚类方案|VAE + BN = 更好的VAE|"
     "从几何视角来理解VAE的尝试|球面上的VAE（vMF-VAE）|估计样本概率密度"),
    ("能量视角下的GAN模型", "cn", 3, IT, "GAN,能量,概率,生成模型",
     "GAN＝“挖坑”＋“跳坑”|GAN＝“分析”＋“采样”|生成模型=能量模型"),
    ("Transformer升级之路", "arabic、", 20, IT, "attention,位置编码,外推,rope",
     "Sinusoidal位置编码追根溯源|博采众长的旋转式位置编码|从Performer到线性Attention|二维位置的旋转式位置编码|"
     "作为无限维的线性Attention|长度外推性与局部注意力|RoPE是一种β进制编码|无限外推的ReRoPE？|RoPE的底数选择原则"),
    ("MoE环游记", "arabic、", 5, IT, "moe,语言模型,负载均衡",
     "从几何意义出发|不患寡而患不均|换个思路来分配|难处应当多投入|均衡之外的其他目标"),
    ("从动力学角度看优化算法", "cn", 7, IT, "优化,动力学,梯度下降",
     "从SGD到动量加速|自适应学习率算法|一个更整体的视角|GAN的第三个阶段|为什么学习率不宜过小？|为什么SimSiam不退化？"),
    ("让炼丹更科学一些", "cn", 6, IT, "优化器,学习率,收敛",
     "SGD的平均损失收敛|将结论推广到无界域|从Adam到更一般的形式|学习率调度的理论"),
    ("流形上的最速下降", "arabic.", 5, IT, "优化器,矩阵,muon", "SGD + 超球面|Muon + 正交|Muon + Stiefel|Muon + 谱球面"),
    ("重新思考学习率与Batch Size的关系", "cn", 4, IT, "学习率,优化器,梯度", "现状|Muon|平均场|Adam"),
    ("低秩近似之路", "cn", 5, MATH, "矩阵,近似,最优", "伪逆|SVD|CR|ID|CUR"),
    ("CoSENT", "cn", 3, IT, "句向量,语义相似度", "比Sentence-BERT更有效的句向量方案|特征式匹配与交互式匹配有多大差距？|"
     "基于余弦的排序损失"),
    ("中文分词系列", "bracket", 8, IT, "分词,中文,新词发现",
     "基于AC自动机的快速分词|基于切分的新词发现|字标注法与HMM模型|基于双向LSTM的seq2seq字标注|"
     "基于语言模型的无监督分词|基于全卷积网络的中文分词|深度学习分词？只需一个词典！|更好的新词发现算法"),
    ("文本情感分类", "cn", 4, IT, "python,机器学习,数据挖掘,文本挖掘",
     "传统模型|深度学习模型|换一种思路|分词 OR 不分词"),
    ("最小熵原理", "cn", 6, IT, "熵,信息,无监督",
     "无监督学习的原理|“当机立断”之词库构建|“飞象过河”之句模版和语言结构|“物以类聚”之从图书馆到词向量|"
     "“层次分解”之社区发现与聚类|词向量的维度应该怎么选择？"),
    ("“熵”不起：从熵、最大熵原理到最大熵模型", "cn", 3, IT, "熵,概率,信息", "熵的概念|最大熵原理|最大熵模型"),
    ("多任务学习漫谈", "cn", 3, IT, "多任务,损失函数,优化", "以损失之名|行梯度之事|分主次之序"),
    ("SVD分解", "cn", 3, IT, "矩阵,svd,降维", "自编码器与人工智能|从Embedding层谈起|连Word2Vec也是SVD？"),
    ("路径积分系列", "arabic.", 4, PHYS, "量子力学,路径积分", "引入|一般形式|路径积分|随机游走"),
    ("自然极值", "book", 8, PHYS, "变分法,极值,最小作用量",
     "前言|费马原理|最速降线|悬链线|等周问题|最小作用量原理|拉格朗日乘子|结束语"),
    ("从费马大定理谈起", "cn", 10, MATH, "数论,费马", "勾股数|无穷递降|唯一分解|高斯整数|艾森斯坦整数|二次域"),
]

# category, title, tags: single posts, as the blog titles and tags them
BLOG_SINGLES = [
    (IT, "生成扩散模型漫谈（三十一）：基于恒等式的蒸馏（下）", "生成模型,扩散,蒸馏"),  # one number, two halves
    (IT, "生成扩散模型漫谈（三十一）：基于恒等式的蒸馏（上）", "生成模型,扩散,蒸馏"),
    (IT, "当Batch Size增大时，学习率该如何随之变化？", "优化器,学习率,梯度"),
    (IT, "从几何视角来理解模型参数的初始化策略", "初始化,矩阵,概率"),
    (IT, "Muon优化器赏析：从向量到矩阵的本质跨越", "优化器,矩阵,muon"),
    (IT, "Muon续集：为什么我们选择尝试Muon？", "优化器,muon,语言模型"),
    (IT, "Adam的epsilon如何影响学习率的Scaling Law？", "优化器,adam,学习率"),
    (IT, "为什么梯度裁剪能加速训练过程？一个简明的分析", "梯度,优化器"),
    (IT, "对比学习可以使用梯度累积吗？", "对比学习,梯度"),
    (IT, "用时间换取效果：Keras梯度累积优化器", "keras,优化器"),
    (IT, "Google新搜出的优化器Lion：效率与效果兼得的“训练狮”", "优化器,动量"),
    (IT, "浅谈Transformer的初始化、参数化与标准化", "attention,初始化,参数化"),
    (IT, "训练1000层的Transformer究竟有什么困难？", "attention,初始化,梯度"),
    (IT, "缓存与效果的极限拉扯：从MHA、MQA、GQA到MLA", "attention,语言模型,缓存"),
    (IT, "线性Attention的探索：Attention必须有个Softmax吗？", "attention,线性"),
    (IT, "为节约而生：从标准Attention到稀疏Attention", "attention,稀疏"),
    (IT, "FLASH：可能是近来最有意思的高效Transformer设计", "attention,语言模型"),
    (IT, "从梯度最大化看Attention的Scale操作", "attention,梯度"),
    (IT, "为什么Pre Norm的效果不如Post Norm？", "attention,归一化"),
    (IT, "为什么现在的LLM都是Decoder-only的架构？", "语言模型,attention,低秩"),
    (IT, "Google新作试图“复活”RNN：RNN能否再次辉煌？", "rnn,语言模型"),
    (IT, "语言模型输出端共享Embedding的重新探索", "语言模型,embedding"),
    (IT, "BytePiece：更纯粹、更高压缩率的Tokenizer", "分词,tokenizer,语言模型"),
    (IT, "随机分词浅探：从Viterbi Decoding到Viterbi Sampling", "分词,随机"),
    (IT, "从语言模型到Seq2Seq：Transformer如戏，全靠Mask", "语言模型,seq2seq,attention"),
    (IT, "玩转Keras之seq2seq自动生成标题", "keras,seq2seq,文本生成"),
    (IT, "你可能不需要BERT-flow：一个线性变换媲美BERT-flow", "句向量,语义相似度"),
    (IT, "提速不掉点：基于词颗粒度的中文WoBERT", "bert,中文,分词"),
    (IT, "SimBERTv2来了！融合检索和生成的RoFormer-Sim模型", "bert,检索,文本生成"),
    (IT, "简明条件随机场CRF介绍（附带纯Keras实现）", "crf,分词,keras"),
    (IT, "GlobalPointer：用统一的方式处理嵌套和非嵌套NER", "ner,信息抽取"),
    (IT, "Naive Bayes is all you need ?", "语言模型,概率"),
    (IT, "梯度视角下的LoRA：简介、分析、猜测及推广", "梯度,lora,优化器"),
    (IT, "配置不同的学习率，LoRA还能再涨一点？", "学习率,lora,梯度"),
    (IT, "互怼的艺术：从零直达WGAN-GP", "GAN,生成模型"),
    (IT, "WGAN新方案：通过梯度归一化来实现L约束", "GAN,梯度"),
    (IT, "深度学习中的Lipschitz约束：泛化与生成模型", "GAN,泛化,生成模型"),
    (IT, "细水长flow之NICE：流模型的基本概念与实现", "flow,生成模型"),
    (IT, "细水长flow之RealNVP与Glow：流模型的传承与升华", "flow,生成模型"),
    (IT, "细水长flow之f-VAEs：Glow与VAEs的联姻", "flow,vae,生成模型"),
    (IT, "漫谈重参数：从正态分布到Gumbel Softmax", "概率,梯度,重参数"),
    (IT, "通向概率分布之路：盘点Softmax及其替代品", "概率,softmax"),
    (IT, "梯度下降和EM算法：系出同源，一脉相承", "梯度,优化,em"),
    (IT, "从EMD、WMD到WRD：文本向量序列的相似度计算", "相似度,文本"),
    (IT, "L2正则没有想象那么好？可能是“权重尺度偏移”惹的祸", "正则化,泛化"),
    (IT, "模型优化漫谈：BERT的初始标准差为什么是0.02？", "bert,初始化"),
    (IT, "基于CNN和序列标注的对联机器人", "cnn,文本生成"),
    (IT, "强化学习中的策略梯度：从似然角度理解", "强化学习,梯度"),
    (IT, "如何度量数据的稀疏程度？", "稀疏,概率"),
    (IT, "让人惊叹的Johnson-Lindenstrauss引理：理论篇", "概率,矩阵,近似"),
    (IT, "Softmax后传：寻找Top-K的光滑近似", "softmax,近似"),
    (IT, "如何训练你的准确率？", "损失函数,分类"),
    (IT, "搜狐文本匹配：基于条件LayerNorm的多任务baseline", "文本匹配,多任务"),
    (IT, "Dropout视角下的MLM和MAE：一些新的启发", "dropout,预训练"),
    (IT, "三味Capsule：矩阵Capsule与EM路由", "capsule,胶囊"),
    (IT, "用Numpy实现高效的Apriori算法", "python,数据挖掘,算法"),
    (IT, "Python中的多进程与多线程", "python,编程"),
    (IT, "一个简单的Python爬虫：抓取博客评论", "python,爬虫"),
    (IT, "Windows下搭建Python科学计算环境", "python,软件"),
    (IT, "谈谈谷歌的新搜索", "互联网"),
    (IT, "博客迁移到新的服务器", "网站"),
    (IT, "我的新电脑", ""),
    (IT, "关于“科学空间”的域名", ""),
    (IT, "一道笔试题的思考", "面试"),
    (IT, "更别致的词向量模型：simpler glove", "词向量,glove"),
    (IT, "殊途同归的策略梯度与零阶优化", "强化学习,优化"),
    (IT, "两个多元正态分布的KL散度、巴氏距离和W距离", "概率,矩阵,正态分布"),
    (MATH, "恒等式 det(exp(A)) = exp(Tr(A)) 赏析", "矩阵,恒等式"),
    (MATH, "“十字架”组合计数问题浅试", "组合,计数"),
    (MATH, "圆内随机n点在同一个圆心角为θ的扇形的概率", "概率,几何"),
    (MATH, "n维空间下两个随机向量的夹角分布", "概率,几何"),
    (MATH, "“四鸭共半圆”问题", "概率,几何"),
    (MATH, "有限素域上的乘法群是循环群", "数论,群论"),
    (MATH, "用狄拉克函数来构造非光滑函数的光滑近似", "函数,近似,光滑"),
    (MATH, "二阶常微分方程的一个特殊解法", "微分方程"),
    (MATH, "从一道高考题谈起：调和级数的渐近展开", "级数,渐近"),
    (MATH, "伽马函数的斯特林公式", "函数,渐近,积分"),
    (MATH, "圆周率π的一个无穷乘积", "级数,圆周率"),
    (MATH, "e的无理性的几种证明", "数论,证明"),
    (MATH, "傅里叶级数与傅里叶变换的直观理解", "傅里叶,级数"),
    (MATH, "一个积分不等式的证明", "积分,不等式"),
    (MATH, "寻求一个光滑的最大值函数", "函数,光滑,近似"),
    (MATH, "矩阵的有效秩（Effective Rank）", "矩阵,秩"),
    (MATH, "msign算子的Newton-Schulz迭代（上）", "矩阵,迭代,近似"),
    (MATH, "msign算子的Newton-Schulz迭代（下）", "矩阵,迭代,近似"),
    (MATH, "通过msign来计算奇异值裁剪mclip（上）", "矩阵,奇异值"),
    (MATH, "通过msign来计算奇异值裁剪mclip（下）", "矩阵,奇异值"),
    (MATH, "矩阵符号函数mcsgn能计算什么？", "矩阵"),
    (MATH, "一道数学竞赛题的三种解法", "数学竞赛,不等式"),
    (MATH, "四维空间中的正多胞体", "几何"),
    (MATH, "欧拉公式与复数的指数", "复数"),
    (MATH, "素数定理的初等证明", "数论,素数"),
    (MATH, "多项式插值的龙格现象", "多项式,数值计算"),
    (MATH, "Dirichlet积分的几种计算方法", "积分"),
    (MATH, "一个级数求和问题", "级数"),
    (MATH, "旋转矩阵的指数形式", "矩阵,李群"),
    (MATH, "方程 x^x = y^y 的有理解", "数论,方程"),
    (MATH, "高斯积分的一个巧妙计算", "积分"),
    (MATH, "椭圆周长的近似公式", "近似,椭圆"),
    (MATH, "连分数与最佳有理逼近", "连分数,数论"),
    (MATH, "闲聊：神经网络与数学之间的联系", "神经网络,数学"),
    (MATH, "数学基本技艺之23、24", ""),
    (MATH, "记一个有趣的发现", ""),
    (PHYS, "薛定谔方程的一个简单推导", "量子力学,物理"),
    (PHYS, "狭义相对论的洛伦兹变换", "相对论"),
    (PHYS, "麦克斯韦方程组与电磁波", "电磁学"),
    (PHYS, "热力学第二定律与熵增", "热力学,熵"),
    (PHYS, "开普勒定律的推导", "天体力学,万有引力"),
    (PHYS, "自由落体中的空气阻力", "力学"),
    (PHYS, "光的折射与费马原理", "光学"),
    (PHYS, "化学方程式的配平方法", "化学"),
    (PHYS, "元素周期表的规律", "化学"),
    (PHYS, "三体问题的数值模拟", "天体力学,数值计算"),
    (PHYS, "统计物理中的配分函数", "统计物理"),
    (PHYS, "浮力的几种理解", ""),
    (PHYS, "谈谈“永动机”", ""),
    (ASTRO, "2010年天象预报", "天象"),
    (ASTRO, "日全食观测记", "日食,天文观测"),
    (ASTRO, "英仙座流星雨的观测", "流星雨"),
    (ASTRO, "哈雷彗星何时回归？", "彗星"),
    (ASTRO, "火星冲日", "火星,天象"),
    (ASTRO, "黑洞的形成", "黑洞"),
    (ASTRO, "宇宙膨胀与哈勃定律", "宇宙学"),
    (ASTRO, "月全食照片", "月食"),
    (ASTRO, "我的第一台天文望远镜", "望远镜"),
    (ASTRO, "冬季星空导览", "星空"),
    (ASTRO, "太阳系的边界在哪里？", "太阳系"),
    (ASTRO, "“金星凌日”的观测", "天象"),
    (ASTRO, "嫦娥一号发射成功", ""),
    (ASTRO, "今晚的月亮特别圆", ""),
    (ODD, "愚人节的小玩笑", "趣味"),
    (ODD, "那些令人惊叹的自然现象", "自然"),
    (ODD, "十万个为什么之一", ""),
    (ODD, "一个古老的魔术", ""),
    (ODD, "当年的高考作文", "高考"),
    (ODD, "奇怪的梦", ""),
    (BIO, "进化论的几个误解", "进化,生物"),
    (BIO, "蚂蚁是怎样认路的？", "动物"),
    (BIO, "植物的光合作用效率", "植物"),
    (BIO, "DNA双螺旋的发现", "基因"),
    (BIO, "家里的那只猫", ""),
    (QA, "为什么天空是蓝色的？", "问答"),
    (QA, "读者来信：如何学习数学？", ""),
    (QA, "关于相对论的几个问题", "相对论"),
    (LIFE, "新年快乐！", "新年"),
    (LIFE, "高考结束了", "高考"),
    (LIFE, "博客七周年", "博客"),
    (LIFE, "毕业了", "生活"),
    (LIFE, "回家的路上", ""),
    (LIFE, "科学空间浏览指南(FAQ)", "博客"),
    (LIFE, "一年的总结", ""),
    (LIFE, "写在三十岁", ""),
    (RES, "分享一些数学电子书", "资源,下载"),
    (RES, "Mathematica 使用笔记", "软件"),
    (RES, "一个好用的LaTeX模板", ""),
    (PHOTO, "家乡的风景", "摄影"),
    (PHOTO, "雨后的彩虹", "照片"),
    (PHOTO, "校园一角", ""),
]

# Excerpts from dumps: a title at most, no category, no tags.
BLOG_EXCERPTS = ["一个有趣的想法", "再谈变分自编码器", "关于学习的一点感想", "读书笔记一则", "随笔：冬至",
                 "书评：《数学之美》", "一次失败的尝试", "梯度下降的一个小技巧", "一点思考", "杂谈"]

ERAS = {IT: (2015, 2025), MATH: (2009, 2025), PHYS: (2009, 2017), ASTRO: (2009, 2013)}


def _numbered(name: str, form: str, n: int, subtitle: str) -> str:
    if form == "cn":
        return f"{name}（{_chinese(n)}）：{subtitle}"
    if form == "arabic、":
        return f"{name}：{n}、{subtitle}"
    if form == "arabic.":
        return f"{name}：{n}. {subtitle}"
    if form == "bracket":
        return f"【{name}】 {n}. {subtitle}"
    return f"《{name}》系列——{n}.{subtitle}"


def _chinese(n: int) -> str:
    digits = "零一二三四五六七八九"
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else digits[tens]) + "十" if tens else "") + (digits[ones] if ones or not tens else "")


def blog_posts(seed: int = 9) -> list[Post]:
    """About three hundred posts shaped like the blog's (see above); deterministic from the seed."""
    rng = random.Random(seed)
    ids = rng.sample(range(1000, 11000), 1000)
    posts: list[Post] = []

    def add(title: str | None, category: str | None, tags: str, year: int) -> None:
        n = len(posts)
        date = PartialDate(rng.randint(1, 12), rng.randint(1, 28), year)
        posts.append(_page(n, title, category=category, tags=tuple(t for t in tags.split(",") if t), date=date,
                           post_id=str(ids[n]) if category else None, file=f"pages/{ids[n]}.md"))

    for name, form, count, category, tags, subtitles in BLOG_SERIES:
        start = rng.randint(*ERAS.get(category, (2009, 2020)))
        parts = subtitles.split("|")
        for n in range(1, count + 1):
            add(_numbered(name, form, n, parts[(n - 1) % len(parts)]), category, tags, min(start + n // 4, 2025))
    for category, title, tags in BLOG_SINGLES:
        add(title, category, tags, rng.randint(*ERAS.get(category, (2009, 2020))))
    for title in BLOG_EXCERPTS:
        add(title, None, "", rng.randint(2009, 2025))
    return posts


@pytest.fixture(scope="module")
def blog_book():
    overlay, problems = load_overlay(ROOT / "editorial")
    assert problems == []
    posts = blog_posts()
    book, found = place(posts, overlay)
    return overlay, posts, book, found


def test_the_generated_blog_is_shaped_like_the_real_one(blog_book):
    _, posts, _, _ = blog_book
    categories = Counter(p.category for p in posts)
    assert 300 <= len(posts) <= 450
    assert categories.most_common(2)[0][0] == "信息时代" and categories.most_common(2)[1][0] == "数学研究"
    assert set(categories) - {None} == {"信息时代", "数学研究", "物理化学", "天文探索", "千奇百怪", "生物自然",
                                        "问题百科", "生活/情感", "资源共享", "图片摄影"}


def test_at_the_blogs_size_the_catch_all_part_holds_under_ten_percent(blog_book):
    overlay, posts, book, _ = blog_book
    counts = {p.key: len(p.chapters) for p in book.parts}
    fallback = next(r.key for r in overlay.parts if r.fallback)
    assert sum(counts.values()) == len(posts)
    assert counts.get(fallback, 0) < 0.10 * len(posts), counts
    assert all(counts.get(r.key, 0) > 0 for r in overlay.parts if not r.fallback), counts  # every subject is used


def test_every_blog_category_leads_to_a_subject_part(blog_book):
    overlay, _, _, _ = blog_book
    rules = Rules(overlay)
    expected = {"信息时代": "computing", "数学研究": "mathematics", "物理化学": "physics", "天文探索": "astronomy",
                "千奇百怪": "curiosities", "生物自然": "curiosities", "问题百科": "curiosities",
                "生活/情感": "notes", "资源共享": "notes", "图片摄影": "notes"}
    for category, key in expected.items():
        claim = rules.claim(_page(1, "无题", category=category))
        assert (claim.rule.key, claim.by) == (key, "category"), category


def test_the_blogs_big_subjects_land_in_their_parts(blog_book):
    _, _, book, _ = blog_book
    where = {c.post.title: p.key for p in book.parts for c in p.chapters}
    assert {where[t] for t in where if t.startswith(("Transformer升级之路", "MoE环游记"))} == {"transformer"}
    assert {where[t] for t in where if t.startswith(("流形上的最速下降", "从动力学角度看优化算法"))} == {"optimization"}
    assert {where[t] for t in where if t.startswith("Muon")} == {"optimization"}
    assert where["当Batch Size增大时，学习率该如何随之变化？"] == "optimization"
    assert where["从几何视角来理解模型参数的初始化策略"] == "optimization"
    assert where["缓存与效果的极限拉扯：从MHA、MQA、GQA到MLA"] == "transformer"
    assert where["BytePiece：更纯粹、更高压缩率的Tokenizer"] == "nlp"
    assert where["细水长flow之NICE：流模型的基本概念与实现"] == "diffusion"
    assert where["两个多元正态分布的KL散度、巴氏距离和W距离"] == "probability"
    assert where["薛定谔方程的一个简单推导"] == where["热力学第二定律与熵增"] == "physics"
    assert where["日全食观测记"] == where["今晚的月亮特别圆"] == "astronomy"
    assert where["高斯积分的一个巧妙计算"] == where["矩阵符号函数mcsgn能计算什么？"] == "mathematics"


def test_the_blogs_halves_are_ordered_and_nothing_clashes(blog_book):
    _, _, book, found = blog_book
    assert [p for p in found if p.code == "series-number-clash"] == []
    diffusion = next(p for p in book.parts if p.key == "diffusion")
    series = [c.post.title for c in diffusion.chapters if c.role == "series"]
    assert [series_of_title(t)[1] for t in series] == [*range(1, 32), 31]
    assert [sub_part_of_title(t) for t in series[-2:]] == [1, 3]  # （上） first, whatever the dates


def test_the_unnumbered_first_post_of_a_series_opens_it():
    """The blog numbers many series from their second post: the first, ``name：subtitle``, came after its sequels."""
    posts = [_page(1, "线性Attention的探索（三）：丙", date=PartialDate(9, 1, 2020), post_id="7801"),
             _page(2, "线性Attention的探索（二）：乙", date=PartialDate(8, 9, 2020), post_id="7661"),
             _page(3, "线性Attention的探索：Attention必须有个Softmax吗？", date=PartialDate(7, 4, 2020),
                   post_id="7546"),
             _page(4, "另一个系列：不相干", date=PartialDate(1, 1, 2020), post_id="1")]
    book, problems = place(posts, Overlay())
    chapters = {c.post.key: c for c in book.chapters()}
    assert [k for k in _order(posts) if k != "k0004"] == ["k0003", "k0002", "k0001"]
    assert (chapters["k0003"].post.series, chapters["k0003"].post.series_number) == ("线性Attention的探索", 1)
    assert chapters["k0004"].post.series is None
    (unknown,) = [p for p in problems if p.code == "unknown-series"]
    assert "(3 post(s))" in unknown.message
    numbered_one = [*posts[:3], _page(5, "线性Attention的探索（一）：甲", post_id="7500")]  # 1 is taken: not added
    book, _ = place(numbered_one, Overlay())
    assert next(c for c in book.chapters() if c.post.key == "k0003").post.series is None
