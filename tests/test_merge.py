"""Merging: one post however many dumps show it; best text and metadata."""

from __future__ import annotations

import copy
from dataclasses import FrozenInstanceError, replace
from pathlib import Path

import pytest

from builder.merge import merge
from builder.model import Block, BlockKind, Entry, Level, Markup, PartialDate, Post, Problem, Source
from builder.overlay import Overlay, PostFact, load_overlay
from builder.read import read_file, read_text
from tests.conftest import FIXTURES, ROOT, run_on


def test_merged_post_takes_year_from_byline_without_overlay():
    overlay = Overlay()  # no editorial data: only the dumps speak
    entries = []
    for name in ("000_572a7b03ff7c8812.txt", "001_7d1a3728ba7c4881.txt"):
        got, _ = read_text((ROOT / "archive" / name).read_text(encoding="utf-8"), name)
        entries += got
    posts, problems = merge(entries, overlay)
    ign = [p for p in posts if p.title and p.title.startswith("幂等生成网络")]
    assert len(ign) == 1
    assert ign[0].date.iso() == "2024-01-31"
    assert {s.file for s in ign[0].sources} == {"000_572a7b03ff7c8812.txt", "001_7d1a3728ba7c4881.txt"}
    assert any(p.code == "merged-duplicate" for p in problems)


def test_untitled_duplicates_merge_by_opening_paragraph(real):
    post = next(p for p in real.posts if p.key == "9305")
    assert {s.file for s in post.sources} == {"002_c805ef0609284980.txt", "004_210015bb4e8f458c.txt"}
    assert post.title == "生成扩散模型漫谈（十三）：从万有引力到扩散模型"
    assert post.title_source == "overlay"


def test_most_complete_text_wins(tmp_path: Path):
    result = run_on(FIXTURES / "formats", tmp_path)
    post = next(p for p in result.posts if p.title == "样例漫谈（二）：续篇")
    assert len(post.sources) == 2
    assert [b.text for b in post.blocks][-1] == "它在这里更完整：多了一段。"
    assert post.date.iso() == "2021-09-13"


def test_unknown_posts_get_provisional_title_and_partial_date(tmp_path: Path):
    result = run_on(FIXTURES / "formats", tmp_path)
    untitled = next(p for p in result.posts if p.title_source == "provisional" and p.date)
    assert untitled.title.startswith("这一段没有标题")
    assert (untitled.date.month, untitled.date.day, untitled.date.year) == (9, 14, None)
    codes = {(p.code, str(p.source)) for p in result.problems}
    assert ("missing-title", "000_listing.txt:21") in codes
    assert ("missing-year", "000_listing.txt:21") in codes


def test_overlay_supplies_titles_dates_and_urls(real):
    _, problems = load_overlay(ROOT / "editorial")
    assert not problems
    by_key = {p.key: p for p in real.posts}
    assert by_key["6331"].url == "https://kexue.fm/archives/6331" and by_key["6331"].date.iso() == "2019-02-15"
    assert by_key["6331"].title.startswith("能量视角下的GAN模型（二）")
    # archive titles are kept where the archive has one
    assert by_key["9969"].title == "幂等生成网络IGN:试图将判别和生成合二为一的GAN"


# Identity: nothing merged away that is not the same post.

MERGE = FIXTURES / "merge"
SERIES_OPENING = "在这个系列中，我们尝试从对称的视角理解变换"


def _read(*names: str) -> list[Entry]:
    entries: list[Entry] = []
    for name in names:
        got, problems = read_file(MERGE / name, f"merge/{name}")
        assert not problems
        entries += got
    return entries


def _entry(line: int, title: str | None, *paragraphs: str, date: PartialDate | None = None,
           name: str = "crafted.txt", **ids: str) -> Entry:
    blocks = tuple(Block(BlockKind.PARAGRAPH, text, Source(name, line + 1 + k)) for k, text in enumerate(paragraphs))
    return Entry(source=Source(name, line), fmt="listing", title=title, date=date, author=None, blocks=blocks,
                 truncated=True, **ids)


def _overlay(*matches: str) -> Overlay:
    """One overlay record per phrase, ids 101, 102, … at posts.yml lines 3, 6, …"""
    return Overlay(posts=[PostFact(id=str(101 + k), match=m, source=Source("editorial/posts.yml", 3 + 3 * k))
                          for k, m in enumerate(matches)])


def _merged(entries: list[Entry], overlay: Overlay | None = None) -> tuple[list[Post], list[Problem]]:
    """Merge, and check the accounting every caller may rely on."""
    posts, problems = merge(entries, overlay or Overlay())
    placed = sorted(str(s) for p in posts for s in p.sources)
    assert placed == sorted(str(e.source) for e in entries)  # every entry in exactly one post
    merged = [p for p in posts if len(p.sources) > 1]
    assert len(entries) == len(posts) + sum(len(p.sources) - 1 for p in merged)
    assert len([x for x in problems if x.code == "merged-duplicate"]) == len(merged)
    assert len({p.key for p in posts}) == len(posts)
    return posts, problems


def _codes(problems: list[Problem], code: str) -> list[Problem]:
    return [p for p in problems if p.code == code]


def _groups(posts: list[Post]) -> set[frozenset[str]]:
    return {frozenset(map(str, p.sources)) for p in posts}


def test_accounting_holds_on_the_bundled_archive(real):
    placed = sorted(str(s) for p in real.posts for s in p.sources)
    assert placed == sorted(str(e.source) for e in real.entries)
    merged = [p for p in real.posts if len(p.sources) > 1]
    assert len(real.entries) == len(real.posts) + sum(len(p.sources) - 1 for p in merged)


def test_bundled_duplicates_merge_on_their_own_evidence_without_the_overlay(real):
    posts, _ = _merged(list(real.entries))
    assert _groups(posts) == _groups(real.posts)


def test_punctuation_only_titles_are_three_posts():
    entries = _read("punctuation_titles.txt")
    posts, problems = _merged(entries)
    assert sorted(p.title for p in posts) == sorted(["？？？？", "…………", "？？"])
    assert not _codes(problems, "merged-duplicate")
    # Even with one opening, three explicit titles are three posts.
    same_text = [replace(e, blocks=entries[0].blocks) for e in entries]
    posts, _ = _merged(same_text)
    assert len(posts) == 3


def test_same_title_with_other_opening_and_date_is_another_post_and_keeps_its_text():
    entries = _read("same_title.txt")
    posts, problems = _merged(entries)
    assert len(posts) == 2
    for entry in entries:
        post = next(p for p in posts if p.source == entry.source)
        assert post.blocks == entry.blocks and post.date == entry.date
    (apart,) = _codes(problems, "kept-apart")
    assert apart.level == Level.INFO
    assert "merge/same_title.txt:1" in apart.message and "merge/same_title.txt:4" in apart.message
    # Same title and date, other opening: still two posts.
    posts, _ = _merged([entries[0], replace(entries[1], date=entries[0].date)])
    assert len(posts) == 2


def test_series_parts_that_share_their_first_paragraph_stay_apart():
    entries = _read("series_opening.txt")
    posts, problems = _merged(entries)
    assert sorted(p.title for p in posts) == ["变换漫谈（一）：平移", "变换漫谈（二）：旋转"]
    assert [len(p.blocks) for p in posts] == [2, 2]
    (apart,) = _codes(problems, "kept-apart")
    assert "same opening paragraph, but different series numbers (1, 2)" in apart.message
    assert not _codes(problems, "merged-duplicate")


def test_overlay_phrase_in_two_series_parts_is_an_error_and_applies_to_neither():
    entries = _read("series_opening.txt")
    posts, problems = _merged(entries, _overlay(SERIES_OPENING))
    assert len(posts) == 2
    assert all(p.overlay_id is None for p in posts)
    (error,) = [p for p in problems if p.level == Level.ERROR]
    assert error.code == "overlay-conflict"
    assert str(error.source) == "editorial/posts.yml:3"
    assert "merge/series_opening.txt:1" in error.message and "merge/series_opening.txt:11" in error.message
    assert "different series numbers" in error.message
    # A phrase only one part holds still speaks for that part.
    posts, problems = _merged(entries, _overlay("第二篇讨论旋转"))
    assert {p.title: p.overlay_id for p in posts} == {"变换漫谈（一）：平移": None, "变换漫谈（二）：旋转": "101"}
    assert not [p for p in problems if p.level == Level.ERROR]


def test_listing_excerpt_joins_its_byline_by_title_or_by_opening():
    entries = _read("two_dumps_listing.txt", "two_dumps_byline.txt")
    posts, problems = _merged(entries)
    assert _groups(posts) == {frozenset({"merge/two_dumps_listing.txt:1", "merge/two_dumps_byline.txt:1"}),
                              frozenset({"merge/two_dumps_listing.txt:7", "merge/two_dumps_byline.txt:4"})}
    by_title = {p.title: p for p in posts}
    untitled = by_title["摘要里没有标题的那一篇"]
    assert untitled.title_source == "archive" and untitled.date.iso() == "2021-09-14"
    assert untitled.blocks[-1].text == "全文还有第二段，摘要里没有。"
    assert by_title["随机游走的极限"].date.iso() == "2021-09-20"
    messages = sorted(p.message for p in _codes(problems, "merged-duplicate"))
    assert messages[0].endswith("(same opening paragraph)") and "two_dumps_listing.txt:1" in messages[0]
    assert messages[1].endswith("(same title and opening paragraph)") and "two_dumps_listing.txt:7" in messages[1]


def test_same_overlay_record_merges_entries_that_open_differently():
    listing = _entry(1, None, "摘要的开头和全文不一样，因为抓取时丢了第一段，这里有口令短语甲乙丙。",
                     date=PartialDate(3, 4))
    byline = _entry(10, "一篇有标题的文章", "全文的第一段在这里，摘要里没有这一段，足够长了。",
                    "第二段有口令短语甲乙丙。", date=PartialDate(3, 4, 2020))
    posts, _ = _merged([listing, byline])
    assert len(posts) == 2
    posts, problems = _merged([listing, byline], _overlay("口令短语甲乙丙"))
    (post,) = posts
    assert post.key == post.overlay_id == "101"
    (merged,) = _codes(problems, "merged-duplicate")
    assert "same overlay record editorial/posts.yml:3" in merged.message


def test_entry_post_id_and_url_are_the_strongest_identity():
    a = _entry(1, None, "第一种抓取的开头段落，和另一份完全不同，但编号相同。", post_id="777")
    b = _entry(10, "编号相同的文章", "第二种抓取的开头段落，内容也不同，足以说明问题。", post_id="777")
    c = _entry(20, None, "第三种抓取，只有网址相同，开头段落又是另一种。", url="http://kexue.fm/archives/777/")
    d = _entry(30, None, "第四种抓取，网址写法不同但是同一个地址，开头也不同。", url="https://kexue.fm/archives/777")
    posts, problems = _merged([a, b, c, d])
    assert _groups(posts) == {frozenset({"crafted.txt:1", "crafted.txt:10"}), frozenset({"crafted.txt:20",
                                                                                          "crafted.txt:30"})}
    messages = " ".join(p.message for p in _codes(problems, "merged-duplicate"))
    assert "same post id 777" in messages and "same URL" in messages


def test_the_same_post_id_wins_over_a_retitled_series_number():
    """The blog retitles and renumbers posts; its id (from the URL) is the post's identity."""
    opening = "这是一个系列共用的开头段落，每一篇都一字不差地重复它。"
    two = _entry(1, "变换漫谈：2.旋转", opening, post_id="42")
    three = _entry(10, "变换漫谈：3.旋转", opening, post_id="42")
    posts, problems = _merged([two, three])
    assert len(posts) == 1 and len(posts[0].sources) == 2 and posts[0].key == "42"
    (retitled,) = _codes(problems, "retitled")
    assert "变换漫谈：3.旋转" in retitled.message and "变换漫谈：2.旋转" in retitled.message


def test_different_series_numbers_never_merge():
    opening = "这是一个系列共用的开头段落，每一篇都一字不差地重复它。"
    two = _entry(1, "变换漫谈：2.旋转", opening)
    three = _entry(10, "变换漫谈：3.旋转", opening)
    posts, problems = _merged([replace(two, post_id=None), replace(three, post_id=None)], _overlay("共用的开头段落"))
    assert len(posts) == 2
    (error,) = _codes(problems, "overlay-conflict")
    assert "crafted.txt:1" in error.message and "crafted.txt:10" in error.message
    assert "different series numbers (2, 3)" in error.message


def test_different_full_dates_never_merge():
    entries = _read("two_years.txt")
    posts, problems = _merged(entries)
    assert sorted(p.date.iso() for p in posts) == ["2020-01-05", "2021-01-05"]
    (apart,) = _codes(problems, "kept-apart")
    assert "different years (2020, 2021)" in apart.message
    posts, problems = _merged(entries, _overlay("开头总是这一句"))
    assert len(posts) == 2
    assert _codes(problems, "overlay-conflict")[0].level == Level.ERROR


def test_untitled_excerpt_that_fits_two_posts_stays_apart_with_a_warning():
    entries = _read("series_opening.txt", "series_excerpt_undated.txt")
    posts, problems = _merged(entries)
    assert len(posts) == 3
    assert all(len(p.sources) == 1 for p in posts)
    (ambiguous,) = [p for p in _codes(problems, "kept-apart") if p.level == Level.WARNING]
    assert str(ambiguous.source) == "merge/series_excerpt_undated.txt:1"
    assert "ambiguous" in ambiguous.message
    assert "series_opening.txt:1" in ambiguous.message and "series_opening.txt:11" in ambiguous.message


def test_untitled_excerpt_joins_the_one_post_it_fits():
    entries = _read("series_opening.txt", "series_excerpt_dated.txt")  # dated 19 Sep, like part two
    posts, _ = _merged(entries)
    assert _groups(posts) == {frozenset({"merge/series_opening.txt:1"}),
                              frozenset({"merge/series_opening.txt:11", "merge/series_excerpt_dated.txt:1"})}


def test_a_post_two_contradicting_entries_fit_takes_neither_whatever_the_order():
    opening = "这一段是三份抓取共有的开头，足够长，足以认出是同一段话。"
    titled = _entry(1, "一篇没有日期的文章", opening)
    first = _entry(10, None, opening, date=PartialDate(9, 14, 2021))
    second = _entry(20, None, opening, date=PartialDate(9, 14, 2022))
    for order in ([titled, first, second], [second, first, titled], [first, titled, second]):
        posts, problems = _merged(order)
        assert len(posts) == 3
        warnings = [p for p in _codes(problems, "kept-apart") if p.level == Level.WARNING]
        assert {str(w.source) for w in warnings} == {"crafted.txt:10", "crafted.txt:20"}
    # Without the rival, nothing contradicts: the dated excerpt joins the titled post.
    posts, _ = _merged([titled, first])
    (post,) = posts
    assert post.title == "一篇没有日期的文章" and post.date.iso() == "2021-09-14"


def test_merge_leaves_its_input_alone_and_returns_frozen_posts():
    opening = "两篇文章共用的开头段落，一字不差，足够长，足以拿来比较。"
    entries = [_entry(1, "第一篇文章的标题", opening), _entry(10, "第二篇文章的标题", opening),
               _entry(20, None, "一段含有口令短语甲乙丙的文字，足够长了，不会被当作空话。")]
    overlay = _overlay("口令短语甲乙丙")
    before = copy.deepcopy((entries, overlay))
    posts, _ = _merged(entries, overlay)
    assert (entries, overlay) == before
    first, second, known = (next(p for p in posts if p.source == e.source) for e in entries)
    assert second.key.startswith(first.key + "-")  # one opening, two posts: the second key is made unique
    assert known.key == "101"
    with pytest.raises(FrozenInstanceError):
        first.key = "p0"


def _page(line: int, title: str, *paragraphs: str, post_id: str, name: str = "pages/x.txt", **kw) -> Entry:
    """A whole article page: Markdown blocks, complete, with the facts a page carries."""
    blocks = tuple(Block(BlockKind.PARAGRAPH, text, Source(name, line + 1 + k), Markup.MARKDOWN)
                   for k, text in enumerate(paragraphs))
    return Entry(source=Source(name, line), fmt="page-markdown", title=title, date=PartialDate(2, 21, 2024),
                 author="苏剑林", blocks=blocks, truncated=False, post_id=post_id,
                 url=f"https://spaces.ac.cn/archives/{post_id}", complete=True, **kw)


def test_an_excerpt_and_its_full_page_are_one_chapter_with_the_full_text_and_the_page_title():
    excerpt = _entry(1, "多模态模型方案浅谈", "这是摘录的开头段落，和全文一样。", date=PartialDate(2, 21),
                     url="https://kexue.fm/archives/9984")
    page = _page(5, "多模态思路浅谈（一）：无损输入", "这是摘录的开头段落，和全文一样。", "全文还有[第二段](<https://x.org>)。",
                 post_id="9984", category="信息时代", tags=("多模态",))
    posts, problems = _merged([excerpt, page])
    (post,) = posts
    assert post.key == "9984" and post.post_id == "9984"
    assert post.title == "多模态思路浅谈（一）：无损输入" and len(post.blocks) == 2 and not post.truncated
    assert {str(s) for s in post.sources} == {"crafted.txt:1", "pages/x.txt:5"}  # the excerpt's provenance stays
    assert post.category == "信息时代" and post.tags == ("多模态",)
    assert post.date == PartialDate(2, 21, 2024)
    (retitled,) = _codes(problems, "retitled")
    assert "多模态模型方案浅谈" in retitled.message and retitled.source == Source("crafted.txt", 1)


def test_a_listing_with_an_older_title_joins_the_page_of_the_same_day_that_opens_alike():
    """The blog retitles posts; a listing (no id, no URL) keeps the old title.  Same day and opening: one post."""
    opening = "这是摘录的开头段落，和全文一字不差，足够长足够长。"
    listing = _entry(1, "随机矩阵浅谈：半圆律", opening, date=PartialDate(2, 21))
    page = _page(5, "随机矩阵的谱（一）：从半圆律说起", opening, "全文的第二段。", post_id="9060")
    posts, problems = _merged([listing, page])
    (post,) = posts
    assert post.title == "随机矩阵的谱（一）：从半圆律说起" and post.blocks == page.blocks
    assert {str(s) for s in post.sources} == {"crafted.txt:1", "pages/x.txt:5"}
    (retitled,) = _codes(problems, "retitled")
    assert "随机矩阵浅谈：半圆律" in retitled.message
    other_day = _entry(1, "随机矩阵浅谈：半圆律", opening, date=PartialDate(2, 22))
    posts, problems = _merged([other_day, page])
    assert len(posts) == 2 and any("different titles" in p.message for p in _codes(problems, "kept-apart"))
    two_listings = [_entry(1, "旧标题甲", opening, date=PartialDate(2, 21)),
                    _entry(9, "旧标题乙", opening, date=PartialDate(2, 21))]
    assert len(_merged(two_listings)[0]) == 2  # neither is the post's own page


def test_a_page_without_an_id_joins_its_excerpt_by_the_opening_despite_markup():
    excerpt = _entry(1, "一篇文章", "开头段落说了《前文》中的结论$x_t$，足够长足够长。")
    page = _page(5, "一篇文章", "开头段落说了 [《前文》](<https://kexue.fm/archives/1>) 中的结论$x_t$，足够长足够长。",
                 post_id="77")
    posts, _ = _merged([excerpt, page])
    assert len(posts) == 1 and posts[0].post_id == "77" and posts[0].blocks == page.blocks


def test_two_full_pages_of_one_post_keep_one_text_and_say_so():
    a = _page(1, "标题", "同一篇全文的开头段落，两次抓取都一样。", "更多。", post_id="5", name="a.txt")
    b = _page(1, "标题", "同一篇全文的开头段落，两次抓取都一样。", post_id="5", name="b.txt")
    posts, problems = _merged([a, b])
    assert len(posts) == 1 and posts[0].blocks == a.blocks
    (dup,) = _codes(problems, "page-duplicate")
    assert dup.level == Level.WARNING and "a.txt:1" in dup.message


def test_of_two_full_pages_the_one_that_kept_the_structure_wins_unless_it_lost_text():
    """A plain-text scrape is a few characters longer (its run-together spaces, its " #" marks) but lost the
    links, tables and exact headings of the converter's page: the converter's text is kept."""
    opening = "同一篇全文的开头段落，两次抓取都一样。"
    page = _page(1, "标题", opening, "见[前文](<https://kexue.fm/archives/1>)的推导，这里不再重复，直接给出结论并加以讨论。",
                 post_id="5", name="md.txt")
    text = replace(_page(1, "标题", opening, "见 前文 的推导，这里不再重复，直接给出结论并加以讨论。", post_id="5",
                         name="text.txt"), fmt="page-text")
    for order in ([page, text], [text, page]):
        posts, problems = _merged(order)
        assert len(posts) == 1 and posts[0].blocks == page.blocks
        (dup,) = _codes(problems, "page-duplicate")
        assert "md.txt:1" in dup.message and "structure" in dup.message
    short = _page(1, "标题", opening, post_id="5", name="md.txt")  # the converter's page lost a paragraph
    posts, problems = _merged([short, text])
    assert posts[0].blocks == text.blocks and "longest" in _codes(problems, "page-duplicate")[0].message


def test_of_two_full_pages_the_title_is_the_kept_pages_whatever_the_file_names():
    """The title had come from whichever file sorted first, not from the page whose text is kept."""
    opening = "同一篇全文的开头段落，两次抓取都一样。"
    md = _page(1, "从几何角度理解梯度下降", opening, "见[前文](<https://kexue.fm/archives/1>)的推导。", post_id="5",
               name="b.md")
    body = replace(_page(1, "梯度下降的几何意义（修订版）", opening, "见 前文 的推导。", post_id="5", name="a.txt"),
                   fmt="page-body")
    for order in ([md, body], [body, md]):
        posts, problems = _merged(order)
        assert [(p.title, p.blocks) for p in posts] == [("从几何角度理解梯度下降", md.blocks)]
        (retitled,) = _codes(problems, "retitled")
        assert "a.txt:1" in str(retitled.source) and "b.md:1" in retitled.message


def test_two_full_pages_claiming_one_id_with_different_texts_are_both_kept():
    a = _page(1, "扩散模型随笔", "这一页讲的是扩散模型的加噪过程与去噪过程。", post_id="9001", name="a.txt")
    b = _page(1, "另一个抓取版本", "这一页讲的完全是另一件事，只是编号抄错了。", post_id="9001", name="b.txt")
    posts, problems = _merged([a, b])
    assert len(posts) == 2 and {p.title for p in posts} == {"扩散模型随笔", "另一个抓取版本"}
    apart = _codes(problems, "kept-apart")  # once per shared key: the id and the URL
    assert apart and all(p.level == Level.WARNING and "texts differ" in p.message for p in apart)


def test_an_overlay_phrase_quoted_by_another_posts_page_speaks_for_its_own_post_only():
    """An article naming an earlier post by its title made the record an error that applied to no post."""
    own = _page(1, "多模态思路浅谈（一）", "关于多模态模型架构的一些闭门造车的想法，本文分享。",
                post_id="101", name="a.md")
    quoting = _page(1, "另一篇文章", "之前的文章《关于多模态模型架构的一些闭门造车的想法》里已经讨论过。",
                    post_id="8220", name="b.md")
    posts, problems = _merged([own, quoting], _overlay("关于多模态模型架构的一些闭门造车的想法"))
    assert {p.post_id: p.overlay_id for p in posts} == {"101": "101", "8220": None}
    assert not [p for p in problems if p.code.startswith("overlay")]
    posts, problems = _merged([quoting], _overlay("关于多模态模型架构的一些闭门造车的想法"))  # its own page missing
    (unmatched,) = _codes(problems, "overlay-unmatched")
    assert unmatched.level == Level.WARNING and "b.md:1" in unmatched.message and posts[0].overlay_id is None
