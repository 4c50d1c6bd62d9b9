"""The reader for converter Markdown pages: structure kept, escapes undone (also in TeX), chrome and footer cut."""

from __future__ import annotations

from pathlib import Path

from builder import inline
from builder.model import BlockKind, Markup
from builder.read import read_document
from builder.readers import article_md

FIXTURES = Path(__file__).parent / "fixtures" / "article_md"


def _read(name: str = "constructs.txt"):
    entries, problems = read_document((FIXTURES / name).read_text(encoding="utf-8"), name)
    assert len(entries) == 1
    return entries[0], problems


def _kinds(entry, kind):
    return [b for b in entry.blocks if b.kind == kind]


def test_the_page_is_recognised_by_its_content():
    text = (FIXTURES / "constructs.txt").read_text(encoding="utf-8")
    assert article_md.recognise(text) == "page-markdown"
    assert article_md.recognise("By 苏剑林 | 2020-01-02 | 1位读者 | 引用第一段。\n") is None


def test_head_facts_and_footer():
    entry, _ = _read()
    assert entry.fmt == "page-markdown" and entry.complete and not entry.truncated
    assert entry.title == "测试：构造齐全的一页"
    assert entry.date is not None and entry.date.iso() == "2023-03-05"
    assert entry.post_id == "4242" and entry.url == "https://kexue.fm/archives/4242"
    assert entry.author == "苏剑林"
    text = "\n".join(b.text for b in entry.blocks)
    for chrome in ("SEARCH", "打赏", "另一篇文章](", "转载到请包括", "@online", "评论里的公式", "1234位读者"):
        assert chrome not in text


def test_headings_keep_their_level_and_lose_the_anchor_link():
    entry, _ = _read()
    headings = _kinds(entry, BlockKind.HEADING)
    assert [(h.text, h.level) for h in headings] == [("第一节", 2), ("小节", 3)]


def test_escapes_are_undone_inside_tex_and_a_multiline_formula_stays_one():
    entry, _ = _read()
    first = entry.blocks[0]
    assert first.markup == Markup.MARKDOWN
    assert "$p(z|x)$" in first.text and "$x_t$" in first.text
    maths = _kinds(entry, BlockKind.MATH)
    assert len(maths) == 2
    assert maths[0].text.startswith("\\begin{equation}\\begin{aligned}a &= b \\\\\n&= c")
    assert maths[0].text.endswith("\\label{eq:abc}\\end{equation}")
    # the $$ formula ran over paragraphs the converter set apart with blank lines
    assert maths[1].text.startswith("$$") and "\\frac{1}{2}" in maths[1].text and "y &= 3" in maths[1].text
    assert any("$\\eqref{eq:abc}$" in b.text for b in entry.blocks)


def test_lists_quotes_images_tables_code():
    entry, problems = _read()
    items = _kinds(entry, BlockKind.LIST_ITEM)
    assert [(i.level, i.ordered, i.info) for i in items] == [(0, True, "1"), (0, True, "2"), (1, False, "")]
    quotes = _kinds(entry, BlockKind.QUOTE)
    assert len(quotes) == 2 and "[http://deeplearning.net](<http://deeplearning.net>)" in quotes[1].text
    (image,) = _kinds(entry, BlockKind.IMAGE)
    assert image.text == "示意图" and image.info == "https://kexue.fm/usr/uploads/2023/03/1.png"
    (table,) = _kinds(entry, BlockKind.TABLE)
    assert table.text.splitlines()[0] == "| 名称 | 公式 |"
    (code,) = _kinds(entry, BlockKind.CODE)
    assert code.info == "python" and code.text == "def f(x):\n    return x * 2"
    assert any(p.code == "empty-code" for p in problems)


def test_sources_name_the_line_in_the_file():
    entry, _ = _read()
    heading = _kinds(entry, BlockKind.HEADING)[0]
    lines = (FIXTURES / "constructs.txt").read_text(encoding="utf-8").splitlines()
    assert lines[heading.source.line - 1].startswith("## 第一节")


def test_markup_in_text_stays_text():
    page = ("# [标题](https://kexue.fm/archives/7)\n\nBy 苏剑林 \\|\n2020-01-02 \\|\n\n"
            "正文 \\<script\\>alert(1)\\</script\\> 与 [x](javascript:alert(1)) 以及 \\$5。\n")
    (entry,), _ = read_document(page, "p.txt")
    (block,) = entry.blocks
    assert "\\<script>" in block.text and "\\$5" in block.text


def test_a_page_without_footer_says_so_and_keeps_its_body():
    page = "# [标题](https://kexue.fm/archives/7)\n\nBy 苏剑林 \\|\n2020-01-02 \\|\n\n只有正文。\n"
    (entry,), problems = read_document(page, "p.txt")
    assert [b.text for b in entry.blocks] == ["只有正文。"]
    assert any(p.code == "page-partial" for p in problems)


def test_titles_lose_the_converters_escapes_also_inside_tex():
    """The title link and the citation are escaped like the body: ``$\\\\pi$`` on the page is ``$\\pi$``."""
    head = ("# [闲聊：$\\\\pi$的连分数\\_第\\*1\\*篇](https://kexue.fm/archives/1500)\n\n"
            "By 苏剑林 \\|\n2011-05-02 \\|\n\n")
    citation = ("苏剑林. (May. 02, 2011). 《闲聊：$\\\\pi$的连分数\\_第\\*1\\*篇 》\\[Blog post\\]. Retrieved from "
                "[https://kexue.fm/archives/1500](https://kexue.fm/archives/1500)\n")
    title = "闲聊：$\\pi$的连分数_第*1*篇"
    (entry,), _ = read_document(head + "正文。\n\n转载到请包括本文地址：https://kexue.fm/archives/1500\n\n" + citation,
                                "a.txt")
    assert entry.title == title
    body_only = ("正文。\n\n转载到请包括本文地址：[https://kexue.fm/archives/1500](https://kexue.fm/archives/1500)\n\n"
                 "如果您需要引用本文，请参考：\n\n" + citation)
    (entry,), _ = read_document("## SEARCH\n\n- [打赏](https://kexue.fm/reward.html)\n\n" + body_only, "b.txt")
    assert entry.title == title


def test_huge_lines_and_dollars_read_in_bounded_time():
    page = ("# [标题](https://kexue.fm/archives/7)\n\nBy 苏剑林 \\|\n2020-01-02 \\|\n\n"
            + "$" * 5000 + "\n\n" + "文" * 100_000 + "\n")
    (entry,), problems = read_document(page, "p.txt")
    assert sum(len(b.text) for b in entry.blocks) >= 100_000
    assert sum(1 for p in problems if p.code == "suspicious-math") <= article_md.MATH_ISSUES_SHOWN + 1


def test_a_bracketed_display_split_by_a_blank_line_stays_one_formula():
    """\\[ … \\] over two paragraphs (the converter's blank line between rows) showed as raw TeX."""
    page = ("# [t](https://kexue.fm/archives/7)\n\nBy 苏剑林 \\|\n2020-01-02 \\|\n\n前文：\n\n\\\\[x = 1 \\\\\\\\\n\n"
            "y = 2\\\\]\n\n后文。\n\n转载到请包括本文地址：[https://kexue.fm/archives/7](https://kexue.fm/archives/7)\n")
    (entry,), _ = read_document(page, "p.txt")
    assert [b.kind for b in entry.blocks] == [BlockKind.PARAGRAPH, BlockKind.MATH, BlockKind.PARAGRAPH]
    assert entry.blocks[1].text == "$$\nx = 1 \\\\\ny = 2\n$$"


def test_a_tables_column_alignment_is_kept():
    page = ("# [t](https://kexue.fm/archives/7)\n\nBy 苏剑林 \\|\n2020-01-02 \\|\n\n"
            "| 名 | 值 | 注 |\n|:---|:---:|---:|\n| a | $x$ | c |\n\n"
            "转载到请包括本文地址：[https://kexue.fm/archives/7](https://kexue.fm/archives/7)\n")
    (entry,), _ = read_document(page, "p.txt")
    (table,) = _kinds(entry, BlockKind.TABLE)
    assert table.text.split("\n")[1] == "|:---|:---:|---:|"


_FOOTER_7005 = ("\n\n转载到请包括本文地址：[https://kexue.fm/archives/7005](https://kexue.fm/archives/7005)\n\n"
                "如果您需要引用本文，请参考：\n\n"
                "苏剑林. (Jul. 02, 2020). 《真正的标题 》\\[Blog post\\]. Retrieved from "
                "[https://kexue.fm/archives/7005](https://kexue.fm/archives/7005)\n")


def test_another_posts_title_link_above_the_title_does_not_take_the_page_over():
    """A "latest post" box in the chrome can be a title link too: the post's own is the one its byline follows."""
    page = ("## NEWPOSTS\n\n# [最新文章：其他标题](https://kexue.fm/archives/7002)\n\n## COMMENTS\n\n"
            "[首页](https://kexue.fm) 真正的标题\n\n# [真正的标题](https://kexue.fm/archives/7005)\n\n"
            "By 苏剑林 \\|\n2020-07-02 \\|\n12345位读者 \\|\n\n正文第一段。" + _FOOTER_7005)
    (entry,), problems = read_document(page, "p.md")
    assert (entry.post_id, entry.title, entry.date.iso()) == ("7005", "真正的标题", "2020-07-02")
    assert [b.text for b in entry.blocks] == ["正文第一段。"]
    assert not [p for p in problems if p.code == "page-conflict"]


def test_a_title_link_in_the_body_stays_a_heading_of_the_body():
    page = ("# [真正的标题](https://kexue.fm/archives/7005)\n\nBy 苏剑林 \\|\n2020-07-02 \\|\n\n正文第一段。\n\n"
            "# [相关文章：其他标题](https://kexue.fm/archives/7002)\n\n正文第二段。" + _FOOTER_7005)
    (entry,), _ = read_document(page, "p.md")
    assert (entry.post_id, entry.title) == ("7005", "真正的标题")
    assert [b.text for b in entry.blocks][0::2] == ["正文第一段。", "正文第二段。"]


def test_without_bylines_the_footer_says_which_title_link_is_the_posts():
    page = ("# [最新文章：其他标题](https://kexue.fm/archives/7002)\n\n## COMMENTS\n\n"
            "# [真正的标题](https://kexue.fm/archives/7005)\n\n正文第一段。" + _FOOTER_7005)
    (entry,), problems = read_document(page, "p.md")
    assert (entry.post_id, entry.title) == ("7005", "真正的标题")
    assert [b.text for b in entry.blocks] == ["正文第一段。"]
    assert not [p for p in problems if p.code == "page-conflict"]


def test_a_row_spacing_in_a_display_does_not_join_the_paragraphs_after_it():
    """``\\\\[2pt]`` (TeX's row break with its spacing) holds ``\\[`` but opens no display."""
    page = ("# [t](https://kexue.fm/archives/7)\n\nBy 苏剑林 \\|\n2020-01-02 \\|\n\n"
            "$$\\\\begin{pmatrix}a & b \\\\\\\\\\[2pt\\] c & d\\\\end{pmatrix}$$\n\n第二段。\n\n第三段。\n\n"
            "转载到请包括本文地址：[https://kexue.fm/archives/7](https://kexue.fm/archives/7)\n")
    (entry,), _ = read_document(page, "p.txt")
    assert [(b.kind, b.text) for b in entry.blocks] == [
        (BlockKind.MATH, "$$\n\\begin{pmatrix}a & b \\\\[2pt] c & d\\end{pmatrix}\n$$"),
        (BlockKind.PARAGRAPH, "第二段。"), (BlockKind.PARAGRAPH, "第三段。")]


def test_a_byline_and_a_footer_that_disagree_on_the_date_are_reported():
    page = ("# [真正的标题](https://kexue.fm/archives/7005)\n\nBy 苏剑林 \\|\n2020-07-03 \\|\n\n正文第一段。"
            + _FOOTER_7005)
    (entry,), problems = read_document(page, "p.md")
    assert entry.date.iso() == "2020-07-03"
    (conflict,) = [p for p in problems if p.code == "page-conflict"]
    assert "2020-07-03" in conflict.message and "2020-07-02" in conflict.message


_HEAD_7 = "# [t](https://kexue.fm/archives/7)\n\nBy 苏剑林 \\|\n2020-01-02 \\|\n\n"
_FOOT_7 = "\n\n转载到请包括本文地址：[https://kexue.fm/archives/7](https://kexue.fm/archives/7)\n"


def test_a_line_break_in_text_is_a_line_break_in_both_of_the_converters_forms():
    """A '<br>' came out as a shown backslash with the lines run together."""
    page = (_HEAD_7 + "**定理1** 若$a>0$，则$a^2>0$。\\\n**证明** 显然。\n\n输入：$x$\\\\\n输出：$y$\\\\\n结束。\n\n"
            "$$\\\\begin{aligned}a &= b \\\\\\\nc &= d\\\\end{aligned}$$" + _FOOT_7)
    (entry,), _ = read_document(page, "p.md")
    assert [b.text for b in entry.blocks] == [
        "**定理1** 若$a>0$，则$a^2>0$。\\\n**证明** 显然。", "输入：$x$\\\n输出：$y$\\\n结束。",
        "$$\n\\begin{aligned}a &= b \\\\\nc &= d\\end{aligned}\n$$"]  # in TeX the break stays TeX's row break
    assert [t.type for t in inline.parse(entry.blocks[1].text)].count("hardbreak") == 2


def test_a_figures_caption_line_is_its_only_caption():
    """The blog writes the caption as the image's alt and again as the line under it: both were shown."""
    image = "[![人的最简单的判断思维](https://kexue.fm/usr/uploads/2015/06/1.png)](https://kexue.fm/usr/uploads/2015/06/1.png)"
    page = (_HEAD_7 + f"{image}\n\n人的最简单的判断思维\n\n正文。\n\n![图2](https://kexue.fm/usr/uploads/2015/06/2.png)\n\n"
            "图2的话题之外的正文，不是说明。\n\n![热传导示意图](https://kexue.fm/usr/uploads/3.gif)\n\n"
            "热传导示意图（$u\\_t = \\\\Delta u$）" + _FOOT_7)
    (entry,), _ = read_document(page, "p.md")
    assert [(b.kind, b.text) for b in entry.blocks] == [
        (BlockKind.IMAGE, ""), (BlockKind.PARAGRAPH, "人的最简单的判断思维"), (BlockKind.PARAGRAPH, "正文。"),
        (BlockKind.IMAGE, "图2"), (BlockKind.PARAGRAPH, "图2的话题之外的正文，不是说明。"),
        (BlockKind.IMAGE, ""), (BlockKind.PARAGRAPH, "热传导示意图（$u_t = \\Delta u$）")]
    assert not entry.blocks[0].translatable and entry.blocks[3].translatable
