"""Merging: one post however many dumps show it; best text and metadata."""

from __future__ import annotations

from pathlib import Path

from builder.merge import merge
from builder.overlay import Overlay, load_overlay
from builder.read import read_text
from tests.conftest import FIXTURES, ROOT, run_on


def test_real_archive_has_exactly_35_posts(real):
    assert len(real.posts) == 35
    assert len({p.key for p in real.posts}) == 35
    merged = {p.key: len(p.sources) for p in real.posts if len(p.sources) > 1}
    assert merged == {"9969": 2, "9336": 2, "9262": 2, "9305": 2}


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
    overlay, problems = load_overlay(ROOT / "editorial")
    assert not problems
    assert len(overlay.posts) == 35
    by_key = {p.key: p for p in real.posts}
    assert all(p.url == f"https://kexue.fm/archives/{p.key}" for p in real.posts)
    assert all(p.date and p.date.year for p in real.posts)
    assert by_key["6331"].title.startswith("能量视角下的GAN模型（二）")
    # archive titles are kept where the archive has one
    assert by_key["9969"].title == "幂等生成网络IGN:试图将判别和生成合二为一的GAN"
