"""The footer parser: reprint line, citation, BibTeX, category and tags, from plain text lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.model import PartialDate
from builder.readers.citation import (
    PageFacts,
    category_and_tags,
    footer_start,
    page_facts,
    parse_bibtex,
    parse_citation,
    post_id_of,
    reprint_id,
)

SAMPLES = Path("/work/shared/samples/pages")

FOOTER = [
    "最后一段正文。",                                                         # 0
    "",                                                                       # 1
    "转载到请包括本文地址：https://kexue.fm/archives/9152",                   # 2
    "更详细的转载事宜请参考： 《科学空间FAQ》",                               # 3
    "如果您需要引用本文，请参考：",                                           # 4
    "苏剑林. (Jul. 06, 2022). 《生成扩散模型漫谈（二）：DDPM = 自回归式VAE 》[Blog post]. "
    "Retrieved from https://kexue.fm/archives/9152",                          # 5
    "@online{kexuefm-9152,",                                                  # 6
    "\u00a0\u00a0\u00a0\u00a0title={生成扩散模型漫谈（二）：DDPM = 自回归式VAE},",  # 7
    "\u00a0\u00a0\u00a0\u00a0author={苏剑林},",                               # 8
    "\u00a0\u00a0\u00a0\u00a0year={2022},",                                   # 9
    "\u00a0\u00a0\u00a0\u00a0month={Jul},",                                   # 10
    "\u00a0\u00a0\u00a0\u00a0url={\\url{https://kexue.fm/archives/9152}},",  # 11
    "}",                                                                      # 12
    "分类： 信息时代    标签： vae, 生成模型, DDPM, 扩散75 评论",             # 13
]


def test_a_whole_footer_gives_every_fact_and_the_line_it_came_from():
    facts = page_facts(FOOTER)
    assert facts == PageFacts(
        title="生成扩散模型漫谈（二）：DDPM = 自回归式VAE", date=PartialDate(7, 6, 2022), post_id="9152",
        url="https://kexue.fm/archives/9152", author="苏剑林", category="信息时代",
        tags=("vae", "生成模型", "DDPM", "扩散"),
        title_line=5, date_line=5, post_id_line=2, url_line=2, author_line=5, category_line=13, tags_line=13,
        post_ids=("9152",), conflicts=())
    assert footer_start(FOOTER) == 2


@pytest.mark.parametrize("line, expected", [
    ("转载到请包括本文地址：https://kexue.fm/archives/3873", (True, "3873")),
    ("转载到请包括本文地址:https://kexue.fm/archives/3873", (True, "3873")),
    (" 转载到请包括本文地址 ：  https://kexue.fm/archives/3873 ", (True, "3873")),
    ("转 载到请包括本文地址： http://www.spaces.ac.cn/archives/12", (True, "12")),
    ("转载到请包括本文地址：https://kexue.fm/archives/3873/", (True, "3873")),
    ("转载到请包括本文地址：", (True, None)),
    ("转载到请包括本文地址：https://example.com/archives/3873", (True, None)),
    ("转载到请包括本文地址：https://kexue.fm/archives/123456789", (True, None)),  # not an id of the blog
    ("本文地址：https://kexue.fm/archives/3873", (False, None)),
])
def test_the_reprint_line_with_spaces_anywhere_and_either_colon(line, expected):
    assert reprint_id(line) == expected


def test_post_ids_come_from_either_host_and_scheme_and_the_url_is_canonical():
    assert post_id_of("http://spaces.ac.cn/archives/42") == "42"
    assert post_id_of("https://www.kexue.fm/archives/42#comments") == "42"
    assert post_id_of("https://kexue.fm/category/Big-Data") is None
    facts = page_facts(["转载到请包括本文地址：http://www.spaces.ac.cn/archives/42"])
    assert (facts.post_id, facts.url) == ("42", "https://kexue.fm/archives/42")


def test_the_citation_line_taken_apart():
    cited = parse_citation("苏剑林. (Jul. 01, 2016). 《从Boosting学习到神经网络：看山是山？ 》[Blog post]. "
                           "Retrieved from https://kexue.fm/archives/3873")
    assert cited is not None
    assert (cited.author, cited.date, cited.title, cited.post_id) == (
        "苏剑林", PartialDate(7, 1, 2016), "从Boosting学习到神经网络：看山是山？", "3873")
    # A title that quotes a book keeps its inner 《》; a month may be spelt out; a day can be a single digit.
    cited = parse_citation("苏剑林. (September 9, 2019). 《读《九章算术》有感 》[Blog post]. "
                           "Retrieved from https://kexue.fm/archives/7000")
    assert cited is not None and (cited.title, cited.date) == ("读《九章算术》有感", PartialDate(9, 9, 2019))
    assert parse_citation("苏剑林. (Feb. 30, 2019). 《t 》[Blog post]. Retrieved from x").date is None
    assert parse_citation("正文里提到了 [Blog post] 这个词。") is None


def test_the_bibtex_entry_on_one_line_or_many():
    one = ["@online{kexuefm-3873, title={从Boosting学习到神经网络：看山是山？}, author={苏剑林}, year={2016}, "
           "month={Jul}, url={\\url{https://kexue.fm/archives/3873}}, }"]
    entry = parse_bibtex(one, 0)
    assert entry is not None
    assert (entry.key_id, entry.url_id, entry.title, entry.author, entry.year, entry.month, entry.end) == (
        "3873", "3873", "从Boosting学习到神经网络：看山是山？", "苏剑林", 2016, 7, 0)
    entry = parse_bibtex(FOOTER, 6)
    assert entry is not None and (entry.key_id, entry.url_id, entry.year, entry.end) == ("9152", "9152", 2022, 12)
    # The Markdown shape separates the fields with blank lines once the lead unescapes it.
    spaced = ["@online{kexuefm-6331,", "", "  title={能量视角下的GAN模型（二） },", "", "}"]
    entry = parse_bibtex(spaced, 0)
    assert entry is not None and entry.title == "能量视角下的GAN模型（二）" and entry.end == 4


def test_an_unclosed_bibtex_entry_is_read_to_its_cap_and_the_tags_after_it_still_count():
    lines = ["@online{kexuefm-1,", "title={t},", "分类： 数学研究    标签： 级数"]
    facts = page_facts(lines)
    assert (facts.post_id, facts.title, facts.category, facts.tags) == ("1", "t", "数学研究", ("级数",))


@pytest.mark.parametrize("line, expected", [
    ("分类： 信息时代    标签： vae, 生成模型, DDPM, 扩散75 评论", ("信息时代", ("vae", "生成模型", "DDPM", "扩散"))),
    # The Markdown shape after unescaping: link labels, a no-break space gap, the count glued on.
    ("分类： 信息时代\u00a0 \u00a0 标签： 概率, 能量, GAN, 生成模型48 评论",
     ("信息时代", ("概率", "能量", "GAN", "生成模型"))),
    ("分类:数学研究", ("数学研究", None)),
    ("标签：级数，积分、欧拉常数", (None, ("级数", "积分", "欧拉常数"))),
    ("标签： word2vec12 评论", (None, ("word2vec",))),
    ("标签： 级数 3 条评论", (None, ("级数",))),
    ("标签： 级数暂无评论", (None, ("级数",))),
    ("标签： 评论", (None, ("评论",))),
    ("分类： 信息时代", ("信息时代", None)),
    ("文本情感分类：预处理、分词", (None, None)),  # body text that mentions 分类 is not the footer's line
    ("我们的分类： 标签： 没有", (None, None)),
])
def test_category_and_tags(line, expected):
    assert category_and_tags(line) == expected


def test_footer_start_without_a_reprint_line_is_the_citation_block_with_the_lines_above_it():
    lines = [
        "正文。",
        "",
        "如果您还有什么疑惑或建议，欢迎在下方评论区继续讨论。",
        "打赏",
        "科学空间",
        "如果您需要引用本文，请参考：",
        "",
        "苏剑林. (Jul. 06, 2022). 《t 》[Blog post]. Retrieved from https://kexue.fm/archives/9152",
    ]
    assert footer_start(lines) == 2
    assert footer_start(["正文。", "@online{kexuefm-7,", "}"]) == 1
    assert footer_start(["正文。", "没有页脚。"]) is None
    assert footer_start([]) is None


def test_the_first_of_each_part_counts_so_a_comment_quoting_a_citation_changes_nothing():
    lines = [*FOOTER, "读者：苏剑林. (Jan. 01, 2020). 《别的 》[Blog post]. Retrieved from https://kexue.fm/archives/1",
             "分类： 别的"]
    facts = page_facts(lines)
    assert (facts.post_id, facts.title, facts.category, facts.conflicts) == (
        "9152", "生成扩散模型漫谈（二）：DDPM = 自回归式VAE", "信息时代", ())


def test_disagreeing_parts_are_all_returned_with_a_conflict_for_each():
    lines = [
        "转载到请包括本文地址：https://kexue.fm/archives/1234",
        "苏剑林. (Feb. 03, 2020). 《冲突的页面 》[Blog post]. Retrieved from https://kexue.fm/archives/1234",
        "@online{kexuefm-5678,",
        "title={另一个标题},",
        "year={2021},",
        "month={Feb},",
        "url={\\url{https://kexue.fm/archives/9999}},",
        "}",
    ]
    facts = page_facts(lines)
    assert facts.post_id == "1234" and facts.post_ids == ("1234", "5678", "9999")
    assert facts.title == "冲突的页面" and facts.date == PartialDate(2, 3, 2020)
    assert len(facts.conflicts) == 3
    assert "1234" in facts.conflicts[0] and "5678" in facts.conflicts[0]
    assert "另一个标题" in facts.conflicts[1]
    assert "2021" in facts.conflicts[2]


def test_a_footer_with_only_bibtex_still_names_the_post():
    facts = page_facts(["@online{kexuefm-77,", "title={只有BibTeX},", "url={\\url{https://spaces.ac.cn/archives/77}},",
                        "}"])
    assert (facts.post_id, facts.title, facts.url, facts.date, facts.title_line) == (
        "77", "只有BibTeX", "https://kexue.fm/archives/77", None, 0)


def test_missing_category_and_tags_are_empty_not_errors():
    facts = page_facts(FOOTER[:13])
    assert (facts.category, facts.tags, facts.category_line, facts.tags_line) == (None, (), None, None)
    assert page_facts([]) == PageFacts()


def test_hostile_lines_are_read_in_linear_time_and_never_raise():
    n = 100_000
    hostile = [
        "转载到请包括本文地址：" * (n // 11),
        "[Blog post] Retrieved from " * (n // 28),
        "《" * n + "[Blog post]Retrieved from",
        "(" * n + "《t》[Blog post] Retrieved from https://kexue.fm/archives/1",
        "@online{kexuefm-1," + "title={" * (n // 7),
        "@" + "a" * n,
        "分类：" + "标签：a," * (n // 5),
        "标签：" + "1" * n + "评论",
        " " * n + "址",
        "a" * n + " = {" + " " * n,
    ]
    facts = page_facts(hostile)
    assert facts.post_id == "1" and facts.title == "t"
    assert footer_start(hostile) == 0


@pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"the sample pages folder {SAMPLES} is not on this machine")
@pytest.mark.parametrize("name, title, date, post_id, start", [
    ("3873", "从Boosting学习到神经网络：看山是山？", PartialDate(7, 1, 2016), "3873", 66),
    ("9291", "“十字架”组合计数问题浅试", PartialDate(10, 9, 2022), "9291", 25),
])
def test_the_sample_plain_text_pages(name, title, date, post_id, start):
    lines = (SAMPLES / f"{name}.txt").read_text(encoding="utf-8").split("\n")
    facts = page_facts(lines)
    assert (facts.title, facts.date, facts.post_id, facts.url, facts.author) == (
        title, date, post_id, f"https://kexue.fm/archives/{post_id}", "苏剑林")
    assert (facts.category, facts.tags, facts.conflicts) == (None, (), ())  # neither scrape kept 分类 or 标签
    assert footer_start(lines) == start  # the reprint line, 0-based


@pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"the sample pages folder {SAMPLES} is not on this machine")
def test_the_sample_markdown_page_once_unescaped():
    from builder import inline

    lines = [inline.plain(line) if line.strip() else "" for line in
             (SAMPLES / "9152.txt").read_text(encoding="utf-8").split("\n")]
    facts = page_facts(lines[footer_start(lines):])
    assert (facts.title, facts.date, facts.post_id, facts.category, facts.tags) == (
        "生成扩散模型漫谈（二）：DDPM = 自回归式VAE", PartialDate(7, 6, 2022), "9152", "信息时代",
        ("vae", "生成模型", "DDPM", "扩散"))
