"""The reader for plain-text (innerText) and body-only article pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.model import Block, BlockKind, Level, Markup, PartialDate, Source
from builder.readers.article_text import FMT_BODY, FMT_TEXT, decode_entities, read, recognise

FIXTURES = Path(__file__).parent / "fixtures" / "pages_text"
SAMPLES = Path("/work/shared/samples/pages")
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(),
                                   reason=f"the sample pages folder {SAMPLES} is not on this machine")

H, P, M, C = BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.MATH, BlockKind.CODE


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def shape(blocks) -> list[tuple]:
    """(kind, level, line, text) of each block: everything a test of the structure compares."""
    return [(b.kind, b.level, b.source.line, b.text) for b in blocks]


def one_entry(text: str, name: str = "p.txt"):
    entries, problems = read(text, name)
    assert len(entries) == 1
    return entries[0], problems


PAGE = "\n".join([
    " By ", " 苏剑林 |", " 2020-01-02 |", " 12位读者 ", " | ",
    "{body}",
    " 转载到请包括本文地址： https://kexue.fm/archives/100 ",
    " 苏剑林. (Jan. 02, 2020). 《测试页 》[Blog post]. Retrieved from https://kexue.fm/archives/100 ",
])


def body_of(body: str) -> list[tuple]:
    entry, _ = one_entry(PAGE.format(body=body))
    return [(b.kind, b.level, b.text) for b in entry.blocks]


# --- the crafted pages ----------------------------------------------------------------------------------------

def test_a_plain_text_page_gives_its_head_and_footer_facts():
    entry, problems = one_entry(fixture("text_full.txt"), "text_full.txt")
    assert (entry.fmt, entry.title, entry.date, entry.author) == (
        FMT_TEXT, "调和级数与积分的比较", PartialDate(3, 3, 2019), "苏剑林")
    assert (entry.post_id, entry.url, entry.category, entry.tags) == (
        "6543", "https://kexue.fm/archives/6543", "数学研究", ("级数", "积分", "欧拉常数"))
    assert (entry.complete, entry.truncated, entry.source) == (True, False, Source("text_full.txt", 1))
    assert all(b.markup == Markup.PLAIN for b in entry.blocks)
    # One problem, saying what the shape loses; the comment quoting another post's citation is not a conflict.
    assert [(p.code, p.level, str(p.source)) for p in problems] == [("page-partial", Level.WARNING, "text_full.txt:1")]
    assert "plain-text page" in problems[0].message and "no links" in problems[0].message


def test_a_plain_text_page_gives_headings_formulas_code_and_paragraphs_and_no_chrome():
    entry, _ = one_entry(fixture("text_full.txt"), "text_full.txt")
    assert shape(entry.blocks) == [
        (P, 0, 28, "调和级数发散得很慢。本文比较它和积分的关系。"),
        (H, 2, 28, "问题的提出"),
        (P, 0, 28, "我们考虑部分和$H_n=\\sum_{k=1}^n \\frac{1}{k}$，并把它与$\\ln n$比较。"),
        (H, 2, 28, "用积分估计"),
        (P, 0, 28, "由于$\\frac{1}{x}$单调递减，有"),
        (M, 0, 29, "$$\\begin{aligned}\\ln(n+1) &\\leq H_n \\\\\n&\\leq 1 + \\ln n < n\\end{aligned}$$"),
        (P, 0, 31, "这就是说$H_n\\sim\\ln n$。"),
        (H, 3, 31, "2.1 欧拉常数"),
        (P, 0, 31, "进一步地，"),
        (M, 0, 32, "\\begin{equation}\\gamma = \\lim_{n\\to\\infty}\\left(H_n - \\ln n\\right)\n"
                   "\\approx 0.5772\\end{equation}"),
        (P, 0, 34, "是一个著名的常数。公式$x # y$里的井号、网址 https://example.com/page#part 里的井号都不是标题，"
                   "C# 也不是。"),
        (H, 2, 34, "数值验证"),
        (P, 0, 34, "可以用下面的代码计算："),
        (C, 0, 34, "import math\ndef harmonic(n):\n\"\"\"调和级数的部分和\"\"\"\ns = 0.0\n"
                   "for k in range(1, n + 1): # 逐项相加\ns += 1 / k\nreturn s\nprint(harmonic(10) - math.log(10))"),
        (P, 0, 42, "输出约为$0.6263$，与$\\gamma$相差不远。"),
        (H, 2, 42, "长段落"),
        (P, 0, 42, "第一句很长。第二句也很长！第三句问一个问题？"),
        (P, 0, 42, "第四句在空格之后，应当成为新的一段。"),
        (P, 0, 42, "第五句。"),
    ]
    assert all(b.info == "" for b in entry.blocks if b.kind == C)


def test_a_body_only_page_takes_its_facts_from_the_citation():
    assert recognise(fixture("body_citation.txt")) == FMT_BODY
    entry, problems = one_entry(fixture("body_citation.txt"), "b.txt")
    assert (entry.fmt, entry.title, entry.date, entry.post_id, entry.url, entry.author) == (
        FMT_BODY, "只有引用的页面", PartialDate(10, 9, 2022), "7777", "https://kexue.fm/archives/7777", "苏剑林")
    assert shape(entry.blocks) == [
        (P, 0, 2, "这是正文的第一段，讲一个简单的事实。"),
        (H, 2, 2, "小节"),
        (P, 0, 2, "第二段在小节之后。"),
        (M, 0, 3, "$$E = mc^2$$"),
        (P, 0, 4, "最后一段。"),  # the invitation to comment after it is footer, not body
    ]
    assert [(p.code, p.level) for p in problems] == [("page-partial", Level.WARNING)]
    assert "body-only page" in problems[0].message and "citation" in problems[0].message


def test_a_body_only_page_with_no_footer_still_yields_its_body_with_an_error():
    assert recognise(fixture("body_nothing.txt")) == FMT_BODY  # two '#' headings tell
    entry, problems = one_entry(fixture("body_nothing.txt"), "n.txt")
    assert (entry.fmt, entry.title, entry.date, entry.post_id, entry.url, entry.author) == (
        FMT_BODY, None, None, None, None, None)
    assert [(b.kind, b.text) for b in entry.blocks] == [
        (P, "没有页脚的正文。"), (H, "第一节"), (P, "内容一。"), (H, "第二节"), (P, "内容二，含公式$x$。")]
    assert [(p.code, p.level, str(p.source)) for p in problems] == [("page-partial", Level.ERROR, "n.txt:1")]
    assert "title, date, post id missing" in problems[0].message
    assert "body runs to the end of the page" in problems[0].message


def test_markup_in_title_and_text_stays_text_and_entities_are_decoded_once():
    entry, problems = one_entry(fixture("hostile_script.txt"), "s.txt")
    assert entry.title == "<script>alert(1)</script>标题" and entry.post_id == "4242"
    assert shape(entry.blocks) == [(P, 0, 8, "正文里有<b>粗体</b>和<img src=x onerror=alert(1)>，都只是文字。")]
    assert [p.code for p in problems] == ["page-partial"]


def test_a_reprint_id_that_conflicts_with_the_bibtex_is_reported_and_tags_may_be_missing():
    entry, problems = one_entry(fixture("hostile_conflict.txt"), "c.txt")
    assert (entry.post_id, entry.url, entry.title) == ("1234", "https://kexue.fm/archives/1234", "冲突的页面")
    assert (entry.category, entry.tags) == (None, ())
    conflicts = [p for p in problems if p.code == "page-conflict"]
    assert len(conflicts) == 1 and str(conflicts[0].source) == "c.txt:3"
    assert "1234" in conflicts[0].message and "5678" in conflicts[0].message
    assert [b.text for b in entry.blocks] == ["正文一段。", "小节", "正文二段。"]


# --- recognising ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, fmt", [("text_full.txt", FMT_TEXT), ("body_citation.txt", FMT_BODY),
                                       ("body_nothing.txt", FMT_BODY), ("hostile_script.txt", FMT_TEXT),
                                       ("hostile_conflict.txt", FMT_BODY)])
def test_recognised_by_content(name, fmt):
    assert recognise(fixture(name)) == fmt


@pytest.mark.parametrize("path", sorted((Path(__file__).parent / "fixtures" / "formats").glob("*.txt")),
                         ids=lambda p: p.name)
def test_the_dump_fixtures_are_not_recognised(path):
    assert recognise(path.read_text(encoding="utf-8")) is None


@pytest.mark.parametrize("text", [
    # listing dump: DD Mon lines and 点击阅读全文
    "12 Jul\n\n标题\n\n正文。 小节 # 内容。 另一节 # 内容。\n\n点击阅读全文...\n",
    "1 Jan\n\n甲\n\n正文。\n\n2 Feb\n\n乙\n\n正文。\n",
    # byline dump: the byline on one line
    "标题\nBy 苏剑林 | 2016-07-01 | 80170位读者 | 引用第一段。\n转载到请包括本文地址：https://kexue.fm/archives/1\n",
    # the Markdown converter's page: title link, anchored headings, footer with links
    "# [标题](https://kexue.fm/archives/9152)\n\nBy 苏剑林 \\|\n2022-07-06 \\|\n\n正文。\n",
    "## 小节 [\\#](https://kexue.fm/archives/9152#x)\n\n正文。\n",
    "正文。\n\n_**转载到请包括本文地址：** [https://kexue.fm/archives/9152](https://kexue.fm/archives/9152)_\n",
    "正文。\n\n苏剑林. (Jul. 06, 2022). 《t 》\\[Blog post\\]. Retrieved from https://kexue.fm/archives/9152\n",
    # plain text with no sign of an article page
    "只是一段文字。\n另一段。\n",
    "",
])
def test_dumps_markdown_pages_and_unmarked_text_are_not_recognised(text):
    assert recognise(text) is None


def test_headings_ending_in_a_question_mark_or_an_exclamation_are_headings():
    """The sentence end before ' #' had cut the text first: the heading became a paragraph, the '#' began the next."""
    text = (" 第一段正文，介绍背景。 为什么有效？ # 因为如此。 第二段正文。 结论！ # 完毕。 离散情形…… # 再看。"
            " 结束了。 # 不是标题。\n")
    assert recognise(text) == FMT_BODY
    entry, problems = one_entry(text, "b.txt")
    assert [(b.kind, b.text) for b in entry.blocks] == [
        (P, "第一段正文，介绍背景。"), (H, "为什么有效？"), (P, "因为如此。"), (P, "第二段正文。"), (H, "结论！"),
        (P, "完毕。"), (H, "离散情形……"), (P, "再看。"), (P, "结束了。"), (P, "# 不是标题。")]  # 。 ends no title
    assert "3 taken as heading(s), 1 left in the text" in problems[0].message


def test_one_heading_and_no_listing_sign_is_a_body_only_page():
    """One '标题 #' with no footer had been read as a listing: the marker showed and the heading was lost."""
    text = (" 没有页脚的正文，讨论$F_n = F_{n-1} + F_{n-2}$。 \n 通项公式 # 由特征方程可得 \n"
            "$$F_n = \\frac{\\phi^n - \\psi^n}{\\sqrt{5}}$$ \n 结束。 \n")
    assert recognise(text) == FMT_BODY
    entry, problems = one_entry(text, "b.txt")
    assert [(b.kind, b.text) for b in entry.blocks] == [
        (P, "没有页脚的正文，讨论$F_n = F_{n-1} + F_{n-2}$。"), (H, "通项公式"), (P, "由特征方程可得"),
        (M, "$$F_n = \\frac{\\phi^n - \\psi^n}{\\sqrt{5}}$$"), (P, "结束。")]
    assert [p.code for p in problems] == ["page-partial"]
    # a listing's date badge keeps a lone marker in the dump reader's hands
    assert recognise("12 Jul\n\n标题\n\n正文。 小节 # 内容。\n") is None


@needs_samples
@pytest.mark.parametrize("name, fmt", [("3873", FMT_TEXT), ("9291", FMT_BODY), ("9152", None), ("6331", None),
                                       ("8791", None), ("3360", None)])
def test_the_sample_pages_are_told_apart(name, fmt):
    assert recognise((SAMPLES / f"{name}.txt").read_text(encoding="utf-8")) == fmt


# --- the body's rules, one at a time --------------------------------------------------------------------------

def test_lines_are_never_merged_and_run_together_paragraphs_are_split_at_sentence_ends():
    assert body_of(" 第一行没有句号\n第二行也没有\n 甲句。乙句。 丙句！ 丁句：\n戊") == [
        (P, 0, "第一行没有句号"), (P, 0, "第二行也没有"), (P, 0, "甲句。乙句。"), (P, 0, "丙句！"), (P, 0, "丁句："),
        (P, 0, "戊")]
    # Commas followed by a space, ASCII full stops and spaces inside formulas split nothing.
    text = "比如， 这样。Then. 还有$\\text{。 }$之后。"
    assert body_of(" " + text) == [(P, 0, text)]


def test_a_hash_is_a_heading_marker_only_after_a_short_phrase_and_outside_formulas_urls_and_code():
    assert body_of(" 前文。 标题 # 正文。") == [(P, 0, "前文。"), (H, 2, "标题"), (P, 0, "正文。")]
    assert body_of(" 标题在行尾 #") == [(H, 2, "标题在行尾")]
    assert body_of(" 公式$a # b$和 http://x.org/# 还有C# 与 F#。") == [
        (P, 0, "公式$a # b$和 http://x.org/# 还有C# 与 F#。")]
    # A long run before the marker with no sentence end: the heading is its last phrase.
    long = "这一段没有句号只有" + "很多字" * 10
    assert body_of(f" {long}～ 补充：推导 # 后文") == [(P, 0, f"{long}～"), (H, 2, "补充：推导"), (P, 0, "后文")]
    assert body_of(f" {long}很多字 # 后文") == [(P, 0, f"{long}很多字 # 后文")]
    # Two markers in a row: an empty section between two headings.
    assert body_of(" 第一节 # 第二节 # 内容。") == [(H, 2, "第一节"), (H, 2, "第二节"), (P, 0, "内容。")]
    assert body_of(" 1.2 小节 # 内容。") == [(H, 3, "1.2 小节"), (P, 0, "内容。")]
    # A phrase that runs on into the text after the '#' is a sentence about '#', not a heading.
    assert body_of(" 在Python中用 # 表示注释。") == [(P, 0, "在Python中用 # 表示注释。")]


# Real section titles of the blog end in a character that is also a function word (用, 向, 和, 为, 的…).
REAL_HEADINGS = ["梯度方向", "实际应用", "级数求和", "权重之和", "数值求和", "矩阵的应用", "注意力的作用", "渐近行为",
                 "总和", "定向", "调和", "解的存在"]


@pytest.mark.parametrize("heading", REAL_HEADINGS)
def test_a_heading_may_end_in_a_function_word_when_it_stands_alone(heading):
    assert body_of(f" 前文。 {heading} # 正文。") == [(P, 0, "前文。"), (H, 2, heading), (P, 0, "正文。")]
    assert body_of(f" {heading} # 正文。") == [(H, 2, heading), (P, 0, "正文。")]
    assert body_of(f" 第一节 # {heading} # 正文。") == [(H, 2, "第一节"), (H, 2, heading), (P, 0, "正文。")]


def test_the_red_team_line_gives_all_its_headings():
    assert [t for k, _, t in body_of(" 这里先说结论。 实际应用 # 在实践中常用。 梯度方向 # 沿负梯度走。 "
                                     "级数求和 # 求和。 结果与讨论 # 好。") if k == H] == [
        "实际应用", "梯度方向", "级数求和", "结果与讨论"]


@pytest.mark.parametrize("text", [
    " 在Python中用 # 表示注释。",  # the word before the function word ties it to a clause: 中用, 常用, 们用, 以用
    " 前文。 在Python中用 # 表示注释。",
    " 前文。 通常用 # 表示注释。",
    " 前文。 我们用 # 表示注释。",
    " 前文。 可以用 # 表示注释。",
    " 前文。 Python里用 # 表示注释。",
    " 前文。 用 # 表示注释。",  # the function word alone
    " 前文。 在 Shell 里 # 开头的行是注释。",  # a space or a Latin letter before the function word
    " 前文。 Python的 # 号表示注释。",
    " 第 # 行是注释。",  # an ordinal prefix never ends a title
    " 前文。 代码的第 # 行是注释。",
    " 前文。 井号 # ，也就是注释符号。",  # a new paragraph never starts with a comma
    # Mid-paragraph (the last words of a long run), a phrase ending in a function word is never taken.
    " 前文，这是一段没有句号的长文字，" + "很长" * 30 + " 梯度方向 # 正文。",
    " C# 语言和 F# 语言。",
    " 前文。 #include <stdio.h> 是头文件。",
])
def test_a_hash_mentioned_in_prose_is_not_a_heading(text):
    assert [k for k, _, _ in body_of(text)] == [P] * len(body_of(text))
    assert "#" in "".join(t for _, _, t in body_of(text))


def test_the_page_partial_warning_counts_the_markers_taken_and_left():
    _, problems = one_entry(PAGE.format(body=" 前文。 梯度方向 # 正文。 在Python中用 # 表示注释。 第 # 行。"))
    assert [p.code for p in problems] == ["page-partial"]
    assert "' #' markers: 1 taken as heading(s), 2 left in the text" in problems[0].message
    _, problems = one_entry(PAGE.format(body=" 前文。 梯度方向 # 正文。\nfor i in range(3): # 循环\nreturn i # 返回"))
    # A comment in code is no marker; with none left the count is the headings'.
    assert "headings guessed from ' #' markers (1)," in problems[0].message
    assert "left in the text" not in problems[0].message


def test_code_is_taken_only_where_it_is_unmistakable():
    # A lone assignment-like line in prose stays prose; so does English.
    assert body_of(" 质能方程写成\nE = mc^2\n 这样。") == [(P, 0, "质能方程写成"), (P, 0, "E = mc^2"), (P, 0, "这样。")]
    assert body_of(" 引文：\nAttention is all you need\n 完。")[1] == (P, 0, "Attention is all you need")
    # Python with Chinese in comments and strings, glued after a colon and before the next prose.
    assert body_of(" 代码如下： x = [1, 2]\ny = x[0] # 第一个\nprint('结果', y) 然后继续说明。") == [
        (P, 0, "代码如下："), (C, 0, "x = [1, 2]\ny = x[0] # 第一个\nprint('结果', y)"), (P, 0, "然后继续说明。")]
    # TeX left outside delimiters is broken math, not code.
    assert [k for k, _, _ in body_of(" 即\nx &= \\frac{a}{b} \\\\\ny &= \\sqrt{c}\n 完。")] == [P, P, P, P]
    # A comment's '#' in code is never a heading marker.
    assert [k for k, _, _ in body_of(" 例如：\nfor i in range(3): # 循环\nreturn i # 返回")] == [P, C]


def test_comment_lines_next_to_code_lines_belong_to_the_code():
    # A Python comment with Chinese in it, between code lines, no longer cuts the function in three.
    code = "import keras.backend as K\n# 带平滑的交叉熵\ndef f(a, b):\nreturn a + b"
    assert body_of(f" 定义一个函数： {code}\n 然后即可。") == [
        (P, 0, "定义一个函数："), (C, 0, code), (P, 0, "然后即可。")]
    # A comment opening the code (glued after the prose's colon), an indented one, and '//' comments.
    assert body_of(" 就用add_loss： # 模型构建\nx = Input(shape=(784,))\n    # 隐藏层\nh = Dense(128)(x)\n 这样。") == [
        (P, 0, "就用add_loss："), (C, 0, "# 模型构建\nx = Input(shape=(784,))\n    # 隐藏层\nh = Dense(128)(x)"),
        (P, 0, "这样。")]
    assert body_of(" 例如：\n// 初始化\nvar x = 1;\nx += 2;\n// 完成\n 完。") == [
        (P, 0, "例如："), (C, 0, "// 初始化\nvar x = 1;\nx += 2;\n// 完成"), (P, 0, "完。")]
    # An #include line is code, not a comment; prose that names one is prose.
    assert body_of(" 例如：\n#include <stdio.h> // 头文件\nint main() {\nreturn 0;\n}\n 完。") == [
        (P, 0, "例如："), (C, 0, "#include <stdio.h> // 头文件\nint main() {\nreturn 0;\n}"), (P, 0, "完。")]
    assert body_of(" 前文。\n#include <stdio.h> 是头文件\n 后文。")[1] == (P, 0, "#include <stdio.h> 是头文件")
    # A comment-like line with prose on both sides, or beside one weak code-like line, is no code.
    assert body_of(" 前文。\n# 这不是代码\n 后文。") == [(P, 0, "前文。"), (P, 0, "# 这不是代码"), (P, 0, "后文。")]
    assert body_of(" 前文。\n# 注释\nx = 1\n 后文。") == [
        (P, 0, "前文。"), (P, 0, "# 注释"), (P, 0, "x = 1"), (P, 0, "后文。")]


def test_code_keeps_its_indentation_but_what_every_line_shares():
    """Python's meaning is in its indentation: innerText keeps it, and so must the code block."""
    code = "def train(model, data):\n    for x, y in data:\n\n        loss = model(x, y)\n    return model"
    assert body_of(f" 训练循环如下：\n{code}\n 然后即可。") == [
        (P, 0, "训练循环如下："), (C, 0, code), (P, 0, "然后即可。")]
    shifted = "\n".join(" " + line if line else line for line in code.split("\n"))  # innerText's leading space
    assert body_of(f" 训练循环如下：\n{shifted}\n 然后即可。")[1] == (C, 0, code)


def test_display_formulas_are_one_block_each_and_inline_ones_stay():
    assert body_of(" 设\n$$a &amp;= b \\\\\n&amp;= c$$ 其中$a$是常数。") == [
        (P, 0, "设"), (M, 0, "$$a &= b \\\\\n&= c$$"), (P, 0, "其中$a$是常数。")]
    assert body_of(" 由\\begin{align}x\\\\\ny\\end{align}得 \\[z\\] 。") == [
        (P, 0, "由"), (M, 0, "\\begin{align}x\\\\\ny\\end{align}"), (P, 0, "得"), (M, 0, "\\[z\\]"), (P, 0, "。")]
    # An environment inside $…$ is inline; an unknown environment is not display math.
    assert body_of(" 矩阵$\\begin{pmatrix}1\\end{pmatrix}$与\\begin{foo}x\\end{foo}。") == [
        (P, 0, "矩阵$\\begin{pmatrix}1\\end{pmatrix}$与\\begin{foo}x\\end{foo}。")]


def test_an_unclosed_display_formula_is_text_and_reported_and_never_crosses_a_blank_line():
    entry, problems = one_entry(PAGE.format(body=" 开头$$a\n\n 中间。 $$b$$"))
    assert [(b.kind, b.text) for b in entry.blocks] == [(P, "开头$$a"), (P, "中间。"), (M, "$$b$$")]
    assert [str(p.source) for p in problems if p.code == "suspicious-math"] == ["p.txt:6"]


def test_entities_are_decoded_once_and_unsafe_references_stay_as_written():
    assert decode_entities("&amp;lt; &lt;b&gt; &quot;q&quot; &#39;s&#39; a&nbsp;b &#x4e2d;&#25991; &hellip;") == \
        "&lt; <b> \"q\" 's' a b 中文 …"
    assert decode_entities("&#0; &#1; &#xD800; &#xFFFF; &#99999999; &nosuch; & x") == \
        "&#0; &#1; &#xD800; &#xFFFF; &#99999999; &nosuch; & x"
    assert body_of(" 代码&lt;b&gt;和$x &lt; y$。 标&amp;题 # 正文") == [
        (P, 0, "代码<b>和$x < y$。"), (H, 2, "标&题"), (P, 0, "正文")]


def test_body_text_glued_before_the_reprint_line_is_kept():
    text = PAGE.format(body=" 最后一句。").replace("最后一句。\n 转载", "最后一句。 转载")
    entry, _ = one_entry(text)
    assert [b.text for b in entry.blocks] == ["最后一句。"] and entry.post_id == "100"


def test_the_head_title_line_and_its_date_badge():
    text = "\n".join([" 首页 信息时代 某标题", " 6 ", " Jul ", " 某标题 ", " By 苏剑林 |", " 2022-07-06 |",
                      " 9位读者 |", " 正文。", " 转载到请包括本文地址：https://kexue.fm/archives/5"])
    entry, problems = one_entry(text)
    assert (entry.fmt, entry.title, entry.date, entry.author, entry.post_id) == (
        FMT_TEXT, "某标题", PartialDate(7, 6, 2022), "苏剑林", "5")
    assert [b.text for b in entry.blocks] == ["正文。"]
    # A head title the citation contradicts gives way to the citation's, with a note.
    text += "\n 苏剑林. (Jul. 06, 2022). 《真标题 》[Blog post]. Retrieved from https://kexue.fm/archives/5"
    entry, problems = one_entry(text)
    assert entry.title == "真标题"
    assert [(p.code, p.level, p.source.line) for p in problems if p.code == "page-conflict"] == [
        ("page-conflict", Level.INFO, 4)]


def test_a_body_only_page_that_starts_with_its_title_is_read_as_a_text_page():
    text = " 只有引用的页面\n 正文。\n 苏剑林. (Oct. 09, 2022). 《只有引用的页面 》[Blog post]. Retrieved from " \
           "https://kexue.fm/archives/7777"
    entry, _ = one_entry(text)
    assert (entry.fmt, entry.title, [b.text for b in entry.blocks]) == (FMT_TEXT, "只有引用的页面", ["正文。"])


def test_a_page_without_body_text_yields_no_entry():
    entries, problems = read(" 转载到请包括本文地址：https://kexue.fm/archives/5", "e.txt")
    assert entries == [] and "empty-page" in [p.code for p in problems]
    entries, problems = read("", "e.txt")
    assert entries == [] and [p.level for p in problems if p.code == "page-partial"] == [Level.ERROR]


# --- hostile input --------------------------------------------------------------------------------------------

def test_a_line_over_the_cap_is_cut_with_a_warning():
    entry, problems = one_entry(PAGE.format(body="长" * 100_010))
    assert [len(b.text) for b in entry.blocks] == [100_000]
    assert [(str(p.source), p.code) for p in problems if p.code == "long-line"] == [("p.txt:6", "long-line")]


# Shapes at a size where a quadratic step takes minutes (a run of spaces before a '#' took 70 s once).
HOSTILE_LINES = [
    "a" + " " * 99_000 + "#",
    "a" + " " * 99_000,
    "$" * 99_000,
    "$$ " * 33_000,
    "\\begin{equation}" * 6_000,
    "".join(f"\\begin{{e{i}}}" for i in range(8_000)),
    "\\(" * 49_000,
    "\\[" * 49_000,
    "。 " * 49_000,
    "中 # " * 24_000,
    "。。 # " * 19_000,
    " #" * 49_000,
    "&amp;" * 19_000,
    "x = [" * 19_000,
    "'" * 99_000,
    "http://" + "a" * 99_000,
    "By" + " " * 99_000,
]


@pytest.mark.parametrize("line", HOSTILE_LINES, ids=range(len(HOSTILE_LINES)))
def test_hostile_lines_are_read_in_linear_time_and_never_raise(line):
    text = PAGE.format(body="\n".join([line, line]))
    recognise(text)
    entries, problems = read(text, "h.txt")
    assert all(p.source.file == "h.txt" for p in problems)
    for entry in entries:
        assert all(isinstance(b, Block) and b.text for b in entry.blocks)


def test_many_short_lines_and_many_display_formulas():
    n = 20_000
    entry, _ = one_entry(PAGE.format(body="\n".join(f" 第{i}段。\n$$x_{{{i}}}$$" for i in range(n))))
    assert len(entry.blocks) == 2 * n
    assert shape(entry.blocks[-1:]) == [(M, 0, 6 + 2 * n - 1, f"$$x_{{{n - 1}}}$$")]


def test_the_archive_reader_hands_plain_text_pages_to_this_reader():
    from builder.read import read_document

    entries, problems = read_document(fixture("text_full.txt").replace("\n", "\r\n"), "t.txt")
    assert [e.fmt for e in entries] == [FMT_TEXT] and entries[0].post_id == "6543"
    assert entries[0].blocks[0].source == Source("t.txt", 28)


# --- the real pages (samples kept outside the repository) -----------------------------------------------------

@needs_samples
def test_the_sample_plain_text_page_3873():
    entry, problems = one_entry((SAMPLES / "3873.txt").read_text(encoding="utf-8"), "3873.txt")
    assert (entry.fmt, entry.title, entry.date, entry.author, entry.post_id, entry.url) == (
        FMT_TEXT, "从Boosting学习到神经网络：看山是山？", PartialDate(7, 1, 2016), "苏剑林", "3873",
        "https://kexue.fm/archives/3873")
    # Counted by reading the file: six '标题 #' markers, ten $$…$$ formulas (six of them over several lines).
    assert [b.text for b in entry.blocks if b.kind == H] == [
        "AdaBoost算法", "看山是山，看水是水", "看山不是山，看水不是水", "看山还是山，看水还是水", "神经网络",
        "补充：AdaBoost算法的相关推导"]
    assert [b.source.line for b in entry.blocks if b.kind == M] == [20, 26, 31, 33, 35, 38, 43, 53, 55, 64]
    assert [b.text.count("\n") for b in entry.blocks if b.kind == M] == [0, 1, 1, 0, 1, 3, 8, 0, 7, 0]
    assert all(b.text.startswith("$$") and b.text.endswith("$$") and "&amp;" not in b.text
               for b in entry.blocks if b.kind == M)
    assert not [b for b in entry.blocks if b.kind == C]
    assert entry.blocks[0].text.startswith("前段时间在潮州") and entry.blocks[0].source.line == 19
    assert entry.blocks[-1].text == "http://www.52caml.com/head_first_ml/ml-chapter6-boosting-family/"
    assert not any("位读者" in b.text or "转载" in b.text or "打赏" in b.text for b in entry.blocks)
    assert [p.code for p in problems] == ["page-partial"]


@needs_samples
def test_the_sample_body_only_page_9291():
    entry, problems = one_entry((SAMPLES / "9291.txt").read_text(encoding="utf-8"), "9291.txt")
    assert (entry.fmt, entry.title, entry.date, entry.author, entry.post_id, entry.url) == (
        FMT_BODY, "“十字架”组合计数问题浅试", PartialDate(10, 9, 2022), "苏剑林", "9291",
        "https://kexue.fm/archives/9291")
    # Counted by reading the file: three '标题 #' markers, no display formula, two programs (lines 5-6, 6-23).
    assert [b.text for b in entry.blocks if b.kind == H] == ["编程验证", "理论计算", "文章小结"]
    assert not [b for b in entry.blocks if b.kind == M]
    code = [b for b in entry.blocks if b.kind == C]
    assert [b.source.line for b in code] == [5, 6]
    assert code[0].text == ("from itertools import product\n"
                            "centers = [s for s in product(*[range(3)] * 4) if len(set(s)) == 3]")
    assert code[1].text.startswith('def master(s):\n"""识别主导色\n"""\nfor i in range(3):')
    assert code[1].text.endswith("print(u'总染色方案数为', N)") and code[1].text.count("\n") == 17
    assert entry.blocks[-1].text == "好久没做数学题了，纯粹温习一下高中数学知识～"
    assert [p.code for p in problems] == ["page-partial"] and "citation" in problems[0].message
