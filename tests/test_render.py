"""Rendered pages: metadata, JSON-LD, links to the original, determinism."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import yaml

from builder.escape import json_ld, md_text
from builder.model import Level
from tests.conftest import FIXTURES, run_on


def _front(text: str) -> dict:
    return yaml.safe_load(text.split("---\n")[1])


def _pages(result, lang="zh"):
    return {f.path: f.content for f in result.rendered[lang].files}


def test_series_chapter_json_ld(real):
    ld = json.loads(_front(_pages(real)["diffusion/9271.md"])["jsonld"])
    assert ld["isPartOf"] == {"@type": "CreativeWorkSeries", "name": "生成扩散模型漫谈"}
    assert ld["position"] == 11
    assert ld["datePublished"] == "2022-09-21"


def test_json_ld_is_inert_in_script():
    text = json_ld({"headline": "</script><script>alert(1)</script>&"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["headline"] == "</script><script>alert(1)</script>&"


def test_chapter_links_original_and_marks_excerpt(real):
    page = _pages(real)["gan/9969.md"]
    assert 'href="https://kexue.fm/archives/9969"' in page
    assert "以上是存档中保存的摘录" in page
    assert "000_572a7b03ff7c8812.txt:1" in page and "001_7d1a3728ba7c4881.txt:1" in page


def test_missing_figure_is_marked(real):
    page = _pages(real)["nlp/9336.md"]
    assert page.count("CUR分解示意图") == 2  # the figure's label and its caption, once each
    assert 'class="kb-figure"' in page and "图片未收录" in page


def test_unknown_year_shows_day_and_month(tmp_path: Path):
    result = run_on(FIXTURES / "formats", tmp_path)
    page = next(c for p, c in _pages(result).items() if "开篇" in c and p != "index.md" and "index" not in p)
    assert "9月12日（年份不详）" in page
    assert "datePublished" not in _front(page)["jsonld"]


def test_identical_input_gives_identical_output(tmp_path: Path):
    a = run_on(FIXTURES / "formats", tmp_path / "a")
    b = run_on(FIXTURES / "formats", tmp_path / "b")
    assert _pages(a) == _pages(b)
    files_a = sorted((p.relative_to(tmp_path / "a" / "out"), p.read_bytes())
                     for p in (tmp_path / "a" / "out").rglob("*") if p.is_file())
    files_b = sorted((p.relative_to(tmp_path / "b" / "out"), p.read_bytes())
                     for p in (tmp_path / "b" / "out").rglob("*") if p.is_file())
    assert files_a == files_b


def test_hostile_titles_are_plain_text_and_paths_are_safe(tmp_path: Path):
    result = run_on(FIXTURES / "hostile", tmp_path)
    pages = _pages(result)
    titles = [html.unescape(_front(c)["title"]) for c in pages.values()]
    assert "<script>alert('title')</script>标题" in titles  # escaped once, never rewritten
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;标题" in [_front(c)["title"] for c in pages.values()]
    assert "../../etc/passwd" in titles and "CON" in titles
    assert all("<" not in _front(c)["title"] and '"' not in _front(c)["title"] for c in pages.values())
    assert any(len(t) == 80 and t.endswith("…") for t in titles)
    for path in pages:
        assert ".." not in path and path.replace("/", "").replace(".", "").replace("-", "").isalnum()
    written = {p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.md")}
    assert written == {f"{lang}/{p}" for p in pages for lang in ("zh", "en")}
    codes = {p.code for p in result.problems}
    assert {"unsafe-title", "suspicious-math"} <= codes


def test_second_copy_of_a_formula_has_no_number_or_label():
    from builder.render import unnumbered

    text = "见\\begin{equation}x\\label{eq:a}\\end{equation}与$\\eqref{eq:a}$和\\begin{align*}y\\end{align*}"
    assert unnumbered(text) == "见\\begin{equation*}x\\end{equation*}与$\\eqref{eq:a}$和\\begin{align*}y\\end{align*}"


def test_what_one_page_gives_the_search_index_is_bounded(tmp_path: Path):
    from builder.render import SEARCH_BUDGET

    archive = tmp_path / "archive"
    archive.mkdir()
    paragraphs = [f"第{i}段" + "长文" * 15_000 for i in range(6)]  # 6 × 30,000 characters, one post
    (archive / "000_long.txt").write_text("长文一篇\nBy 苏剑林 | 2020-01-02 | 1位读者 | 引用开头。\n"
                                          + "\n".join(paragraphs) + "\n", encoding="utf-8")
    page = next(c for p, c in _pages(run_on(archive, tmp_path)).items() if "长文长文" in c)
    kept = [p for p in paragraphs if p[:4] in page]
    assert len(kept) == 6  # every paragraph is shown …
    excluded = page.split('<div data-search-exclude markdown="1">')[1:]
    indexed = sum(len(p) for p in paragraphs if not any(p[:4] in chunk for chunk in excluded))
    assert 0 < indexed <= SEARCH_BUDGET  # … but what the index gets from it is bounded
    assert len(excluded) >= 4


def test_every_class_the_stylesheet_and_script_use_is_defined_in_one_place():
    import re

    from builder.render import names
    from tests.conftest import ROOT

    defined = {v for k, v in vars(names).items() if k.isupper() and isinstance(v, str)}
    used = set()
    for rel in ("docs/assets/stylesheets/book.css", "docs/assets/javascripts/language.js",
                "overrides/partials/alternate.html"):
        used |= set(re.findall(r"(?<![\w-])kb-[a-z_-]*[a-z]", (ROOT / rel).read_text(encoding="utf-8")))
    used -= {"kb-parallel-"}  # a storage key prefix in language.js, not a class
    assert used <= defined, sorted(used - defined)


def test_the_cover_counts_a_part_of_one_chapter_in_the_singular(tmp_path: Path):
    import re

    result = run_on(FIXTURES / "pages" / "archive", tmp_path)
    sizes = {len(p.chapters) for p in result.book.parts}
    assert 1 in sizes and any(n > 1 for n in sizes)
    counts = re.findall(r'class="kb-parts__count">([^<]*)<', _pages(result, "en")["index.md"])
    assert "1 chapter" in counts and not [c for c in counts if c.startswith("1 ") and c != "1 chapter"]
    assert any(re.fullmatch(r"[2-9]\d* chapters", c) for c in counts)



def test_the_cover_says_how_much_of_the_posts_the_archive_holds(real, tmp_path: Path):
    """Only excerpts: every chapter ends with a link to the rest. Whole articles only: nothing to say. Both: where."""
    words = yaml.safe_load((FIXTURES.parent.parent / "editorial" / "ui.yml").read_text(encoding="utf-8"))
    articles, excerpts = tmp_path / "articles", tmp_path / "excerpts"
    shutil.copytree(FIXTURES / "pages" / "archive", articles)
    shutil.rmtree(articles / "dumps")
    excerpts.mkdir()
    shutil.copy(FIXTURES / "pages" / "archive" / "dumps" / "2023_listing.txt", excerpts)  # one post, an excerpt
    books = {"excerpts": run_on(excerpts, tmp_path / "e"), "articles": run_on(articles, tmp_path / "a"),
             "mixed": real}  # the bundled dumps: 29 excerpts, 6 short posts shown whole
    assert [all(c.post.truncated for c in b.book.chapters()) for b in books.values()] == [True, False, False]
    for lang in ("zh", "en"):
        said = {name: [key for key in ("excerpt_intro", "excerpt_intro_some")
                       if md_text(words[lang][key]) in _pages(result, lang)["index.md"]]
                for name, result in books.items()}
        assert said == {"excerpts": ["excerpt_intro"], "articles": [], "mixed": ["excerpt_intro_some"]}, lang


def test_missing_images_show_each_editions_own_words(tmp_path: Path):
    """A chapter's units are rendered once for all its editions, except where they show the edition's words."""
    result = run_on(FIXTURES / "pages" / "archive", tmp_path)
    for path in ("diffusion/9001.md", "computing/9901.md"):  # an untranslated page whose image the archive lacks
        zh, en = _pages(result)[path], _pages(result, "en")[path]
        assert "kb-figure__missing" in zh and "kb-figure__missing" in en
        assert "图片未收录" in zh and "image not in the archive" not in zh
        assert "image not in the archive" in en and "图片未收录" not in en


def _converter_page(tmp_path: Path, post: str, title: str, date: str, body: str) -> tuple[object, str]:
    """A converter Markdown page of one post (head, ``body``, reprint line) run through the pipeline: the result
    and the chapter's Chinese page."""
    archive = tmp_path / "archive"
    archive.mkdir()
    url = f"https://kexue.fm/archives/{post}"
    (archive / f"{post}.md").write_text(f"# [{title}]({url})\n\nBy 苏剑林 \\|\n\n{date} \\|\n\n{body}\n\n"
                                         f"转载到请包括本文地址：[{url}]({url})\n", encoding="utf-8")
    result = run_on(archive, tmp_path)
    return result, next(f.content for f in result.rendered["zh"].files if f.path.endswith(f"/{post}.md"))


def test_a_list_item_holding_a_display_formula_keeps_the_items_after_it(tmp_path: Path):
    """The item after one with a display formula once became that formula's last line: its text lost, TeX shown."""
    from html.parser import HTMLParser

    from tests.test_escape import _site_markdown

    _, page = _converter_page(tmp_path, "6900", "朴素贝叶斯", "2019-10-10",
                              "朴素贝叶斯假设特征条件独立：\n\n1. 先验：$p(y)$由频数估计；\n2. 似然：\n"
                              "\\\\begin{equation}p(x\\|y) = \\\\prod\\_{i} p(x\\_i\\|y)"
                              "\\\\label{eq:nb}\\\\end{equation}\n"
                              "3. 预测：取$\\\\mathop{\\\\arg\\\\max}\\_y p(y)$。\n\n结束。")

    class Items(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.items: list[str] = []
            self.depth = 0

        def handle_starttag(self, tag, attrs):
            if tag == "li":
                self.items.append("")
                self.depth += 1

        def handle_endtag(self, tag):
            self.depth -= tag == "li"

        def handle_data(self, data):
            if self.depth:
                self.items[-1] += data

    items = Items()
    items.feed(_site_markdown().convert(page.split("---\n", 2)[2]))
    assert len(items.items) == 3, items.items
    assert "\\begin{equation}" in items.items[1] and "\\mathop" not in items.items[1]
    third = items.items[2].strip()
    assert third.startswith("预测：取") and "\\mathop{\\arg\\max}" in third and "$" not in third


def test_math_findings_name_the_line_of_their_paragraph_and_a_repeated_label_is_dropped(tmp_path: Path):
    """check used to say line 1 of a 500-line page; a label defined twice showed MathJax's error on the page."""
    body = ["开头一段，没有公式。", "",  # the body starts at line 7
            "第一式：", "\\\\begin{equation}a_n = a_{n-1} + 1\\\\label{eq:rec}\\\\end{equation}", "",  # line 10
            "第二式也写了同一个标签：",
            "\\\\begin{equation}b_n = 2b_{n-1}\\\\label{eq:rec}\\\\end{equation}", "",  # line 13
            "引用式$\\\\eqref{eq:rec}$与不存在的式$\\\\eqref{eq:nowhere}$。"]  # line 15
    result, page = _converter_page(tmp_path, "2900", "标签", "2014-08-01", "\n".join(body))
    assert page.count("\\label{eq:rec}") == 1 and "b_n = 2b_{n-1}" in page
    found = {p.code: p for p in result.problems if p.code.startswith("math-")}
    assert found["math-label-repeated"].source.line in (12, 13) and "eq:rec" in found["math-label-repeated"].message
    assert found["math-label-repeated"].level == Level.WARNING
    assert found["math-reference"].source.line == 15 and "eq:nowhere" in found["math-reference"].message


def test_a_display_of_definitions_only_is_typeset_out_of_sight(tmp_path: Path):
    """The blog's $$\\newcommand…$$ line shows nothing; left as a display it was an empty gap on the page."""
    _, page = _converter_page(tmp_path, "9400", "宏", "2023-01-01",
                              "$$\\\\newcommand{\\\\R}{\\\\mathbb{R}}$$\n\n设$x\\\\in\\\\R^n$。\n\n"
                              "$$\\\\R^n\\\\newcommand{\\\\C}{\\\\mathbb{C}}$$")
    hidden = re.findall(r'<div class="kb-macros" hidden markdown="1">(.*?)</div>', page, re.S)
    assert len(hidden) == 2  # the page's preamble, and the definitions-only display
    assert "\\newcommand{\\R}{\\mathbb{R}}" in hidden[1] and "\\R^n\\newcommand" not in "".join(hidden)
    assert "\\R^n\\newcommand{\\C}" in page  # a display that shows something stays in sight


def test_a_title_with_formulas_gets_a_typeset_heading_and_others_keep_materials():
    from builder.render.markdown import Links
    from builder.render.pages import title_heading

    assert title_heading("当$x<0$时Softplus的一个近似", Links()) == "# 当$x<0$时Softplus的一个近似"
    assert title_heading("<b>$a$</b>", Links()) == "# " + md_text("<b>") + "$a$" + md_text("</b>")  # text stays text
    for title in ("普通标题", "价格$5的书", "$$x$$标题", "链接$\\href{javascript:alert(1)}{x}$"):
        assert title_heading(title, Links()) == "", title  # no formula, unpaired, a display, unsafe TeX


def test_code_inside_a_list_item_stays_under_it_and_the_list_goes_on(tmp_path: Path):
    """Code in an item once ended the list: the next item restarted at 1, nested items came out at the top."""
    from html.parser import HTMLParser

    from tests.test_escape import _site_markdown

    _, page = _converter_page(tmp_path, "77", "列表", "2020-01-01",
                              "步骤如下：\n\n1. 第一步：\n\n    ```python\n    def f(x):\n        return x\n    ```\n\n"
                              "2. 第二步\n    - 子项一：\n\n        ```bash\n        ls -l\n        ```\n\n"
                              "    - 子项二\n3. 第三步\n\n结束。")

    class Tree(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.path: list[str] = []
            self.seen: list[tuple[str, str]] = []  # (the open lists and items, text)

        def handle_starttag(self, tag, attrs):
            if tag in ("ol", "ul", "li", "pre"):
                self.path.append(tag)

        def handle_endtag(self, tag):
            if tag in ("ol", "ul", "li", "pre") and self.path:
                self.path.pop()

        def handle_data(self, data):
            if data.strip():
                self.seen.append(("/".join(self.path), data.strip()))

    tree = Tree()
    tree.feed(_site_markdown().convert(page.split("---\n", 2)[2]))
    where = {text: path for path, text in tree.seen}
    assert where["第一步："] == where["第二步"] == where["第三步"] == "ol/li"  # one ordered list, counting on
    assert where["子项一："] == where["子项二"] == "ol/li/ul/li"
    assert where["ls"] == "ol/li/ul/li/pre" and any(p == "ol/li/pre" for p, _ in tree.seen)
    assert "    return x" in page  # the code's own indentation kept


def test_an_ordered_list_keeps_the_number_it_starts_at(tmp_path: Path):
    """A list that starts at 3, or goes on after a block that left it, was numbered from 1 again."""
    from tests.test_escape import _site_markdown

    _, page = _converter_page(tmp_path, "78", "编号", "2020-01-01",
                              "接着上文的第2步：\n\n3. 第三步\n4. 第四步\n\n再看另一组：\n\n1. 安装：\n\n"
                              "```bash\npip install x\n```\n\n2. 下载；\n3. 运行。")
    html = _site_markdown().convert(page.split("---\n", 2)[2])
    starts = re.findall(r"<ol(?: start=\"(\d+)\")?>", html)
    assert starts == ["3", "", "2"], html
