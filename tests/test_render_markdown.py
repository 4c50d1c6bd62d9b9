"""Article blocks → the Markdown mkdocs renders: structure kept, every leaf text, links per edition."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import quote

from builder import inline
from builder.model import Block, BlockKind, Markup, Source
from builder.render.markdown import Links, block_markdown
from tests.test_escape import HOSTILE, _site_markdown

SRC = Source("page.txt", 3)


def _html(kind: BlockKind, text: str, links: Links | None = None, **kw) -> str:
    block = Block(kind, text, SRC, Markup.MARKDOWN, **kw)
    md = _site_markdown()
    return md.convert(block_markdown(block, text, links or Links(page="part/here.md")))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> _Tags:
    p = _Tags()
    p.feed(html)
    return p


def test_links_to_posts_of_the_book_point_at_their_chapter_in_this_edition():
    links = Links(page="diffusion/9152.md", chapters={"9119": "diffusion/9119.md", "3360": "nlp/3360.md"})
    html = _html(BlockKind.PARAGRAPH, "见[前文](<https://kexue.fm/archives/9119>)与"
                 "[另一篇](<https://spaces.ac.cn/archives/3360#x>)，及[书外](<https://kexue.fm/archives/1>)"
                 "和[外站](<https://arxiv.org/abs/1>)，[评论](<https://kexue.fm/archives/9119/comment-page-2#comments>)"
                 "与[回复](<https://kexue.fm/archives/3360?replytocom=12345>)。", links)
    hrefs = [(a.get("href"), a.get("class")) for tag, a in _parse(html).tags if tag == "a"]
    assert hrefs == [("../9119/", "kb-link-post"), ("../../nlp/3360/#x", "kb-link-post"),
                     ("https://kexue.fm/archives/1", "kb-link-external"),
                     ("https://arxiv.org/abs/1", "kb-link-external"),
                     ("../9119/#comments", "kb-link-post"), ("../../nlp/3360/", "kb-link-post")]


def test_a_link_to_an_equation_of_another_post_names_it_as_mathjax_3_does():
    """The blog's MathJax 2 anchored equations as mjx-eqn-<escaped label>; MathJax 3 as mjx-eqn:<label>."""
    links = Links(page="diffusion/9152.md", chapters={"9181": "diffusion/9181.md"})
    html = _html(BlockKind.PARAGRAPH, "见[式(3)](<https://kexue.fm/archives/9181#mjx-eqn-eq%3Asde-reverse>)与"
                 "[一节](<https://kexue.fm/archives/9181#%E5%B0%8F%E7%BB%93>)。", links)
    hrefs = [a.get("href") for tag, a in _parse(html).tags if tag == "a"]
    assert hrefs == ["../9181/#mjx-eqn%3Aeq%3Asde-reverse", "../9181/#%E5%B0%8F%E7%BB%93"]


def test_a_link_to_a_section_of_another_post_lands_on_its_heading():
    """The blog's section anchor is the heading's text as written (TeX, Latin, spaces, punctuation); the
    chapter's heading id is the toc extension's slug of it.  A '$' in the URL once became a formula."""
    links = Links(page="gan/6331.md", chapters={"6331": "gan/6331.md", "8182": "gan/8182.md"})
    for heading in ("直击$H(X)$！", "扬长避短 ⇒ GAN", "Adam 优化器 (v2)?", "GAN诞生记", "C#与F#的比较", "小结"):
        (tag, attrs), *_ = _parse(_html(BlockKind.HEADING, inline.escape(heading).replace("\\$", "$"),
                                        level=2)).tags
        assert tag == "h2"
        url = "https://kexue.fm/archives/8182#" + quote(heading, safe="$()")
        parsed = _parse(_html(BlockKind.PARAGRAPH, f"见{inline.link('那一节', url)}。", links))
        assert [a.get("href") for t, a in parsed.tags if t == "a"] == ["../8182/#" + quote(attrs["id"], safe="-_")]
        assert "".join(parsed.text) == "见那一节。"


def test_a_link_whose_text_is_its_url_is_one_link():
    """The crash of the issue: `[http://x](http://x)` in a quote once became an autolink mkdocs could not parse."""
    html = _html(BlockKind.QUOTE, "\\[4\\] Deep Learning： [http://deeplearning.net](<http://deeplearning.net>)",
                 level=1)
    parsed = _parse(html)
    assert [t for t, _ in parsed.tags].count("a") == 1 and "blockquote" in [t for t, _ in parsed.tags]
    assert "".join(parsed.text).strip().endswith("Deep Learning： http://deeplearning.net")


def test_unsafe_links_are_text_and_markup_is_text():
    for hostile in HOSTILE:  # as the reader writes text it found: escaped in the dialect
        html = _html(BlockKind.PARAGRAPH, inline.escape(hostile))
        tags = {t for t, _ in _parse(html).tags}
        assert tags <= {"p", "a"}, (hostile, html)
        assert "".join(_parse(html).text).replace(" ", "") == hostile.replace(" ", "") or "://" in hostile
    html = _html(BlockKind.PARAGRAPH, "[x](<javascript:alert(1)>) ![y](<data:image/png;base64,xx>)")
    assert "javascript" not in html.replace("javascript:alert", "") or "href" not in html
    assert all(t != "img" for t, _ in _parse(html).tags)


def test_headings_lists_quotes_code_tables():
    assert _html(BlockKind.HEADING, "小节 $x_t$", level=3).startswith("<h3")
    assert "<ol" in _html(BlockKind.LIST_ITEM, "第一项", ordered=True, info="1")
    code = _html(BlockKind.CODE, "def f(x):\n    return `x` * 2", info="python")
    assert "<code" in code and "def f(x):\n    return `x` * 2" in "".join(_parse(code).text)
    table = _html(BlockKind.TABLE, "| 名称 | 公式 |\n|---|---|\n| 条件 | $p(a\\|b)$ |")
    parsed = _parse(table)
    assert [t for t, _ in parsed.tags].count("td") == 2
    assert "\\vert" in table  # the formula's bar does not cut the row
    table = _html(BlockKind.TABLE, "| 代码 | 说明 |\n|---|---|\n| `a \\| b` | 竖线 a\\|b |")
    parsed = _parse(table)
    assert [t for t, _ in parsed.tags].count("td") == 2 and "\\" not in "".join(parsed.text)
    assert "<code>a | b</code>" in table and "竖线 a|b" in "".join(parsed.text)
    table = _html(BlockKind.TABLE, "| 图 | 链接 |\n|---|---|\n| ![甲\\|乙](<https://x.org/1.png>) | "
                  "[丙](<https://x.org/a\\|b>) |")
    parsed = _parse(table)
    assert [t for t, _ in parsed.tags].count("td") == 2
    assert [a["href"] for t, a in parsed.tags if t == "a"] == ["https://x.org/a%7Cb"]
    table = _html(BlockKind.TABLE, "| 名 | 值 | 注 |\n|:---|:---:|---:|\n| a | b | c |")
    assert [a.get("style") for t, a in _parse(table).tags if t == "td"] == [
        "text-align: left;", "text-align: center;", "text-align: right;"]
    table = _html(BlockKind.TABLE, "| 名 | 值 |\n|---|<b>|\n| a | b |")  # no separator cell: no alignment
    assert [a.get("style") for t, a in _parse(table).tags if t == "td"] == [None, None]


def test_images_are_local_or_a_placeholder_linking_to_the_original():
    url = "https://kexue.fm/usr/uploads/2023/03/1.png"
    links = Links(page="part/here.md", images={url: "images/usr/uploads/2023/03/1.png"},
                  original="https://kexue.fm/archives/4242")
    html = _html(BlockKind.IMAGE, "示意图", links, info=url)
    (img,) = [a for t, a in _parse(html).tags if t == "img"]
    assert img["src"] == "../../images/usr/uploads/2023/03/1.png" and img["alt"] == "示意图"
    missing = _html(BlockKind.IMAGE, "<b>图</b>", Links(page="part/here.md", original="https://kexue.fm/archives/4242"),
                    info="https://kexue.fm/usr/uploads/x.png")
    parsed = _parse(missing)
    assert not any(t == "img" for t, _ in parsed.tags) and "<b>图</b>" in "".join(parsed.text)
    assert any(a.get("href") == "https://kexue.fm/archives/4242" for t, a in parsed.tags if t == "a")
    caption = _html(BlockKind.IMAGE, inline.escape("$p(y|x)$的示意图*"), links, info=url)  # as a page's alt is kept
    (img,) = [a for t, a in _parse(caption).tags if t == "img"]
    assert img["alt"] == "$p(y|x)$的示意图*" and "$p(y|x)$的示意图*" in "".join(_parse(caption).text)
    for bare in (_html(BlockKind.IMAGE, "", links, info=url),  # its caption is the line below it
                 _html(BlockKind.IMAGE, "", Links(page="part/here.md"), info="https://kexue.fm/usr/uploads/x.png")):
        assert "figcaption" not in bare and "kb-figure__caption" not in bare and "aria-label" not in bare, bare


def test_formulas_pass_through_the_page_tex_function():
    links = Links(page="p/x.md", tex=lambda tex: tex.replace("stop_gradient", "stop\\_gradient"))
    html = _html(BlockKind.PARAGRAPH, "梯度$\\text{stop_gradient}(x)$，以及\n$$a=b$$\n之后。", links)
    assert "stop\\_gradient" in html and html.count('class="arithmatex"') == 2
