"""The synthetic archives: deterministic, shaped like the real dumps and article pages, read back whole."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from benchmarks.bench import copy_pages, html_figures, math_problem_chapters, without_alternates
from benchmarks.synth import chinese_numeral, md_escape, write_archive, write_editorial, write_pages
from builder.mathtext import formulas, split_math
from builder.model import Level, Problem, Source
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


# ---------------------------------------------------------------------------------------------------------------
# Article pages (write_pages): checked by scanning the files, never by the generator's own counters.

BLOG_ID = r"https://kexue\.fm/archives/(\d+)"
TITLE_LINE = re.compile(r"^# \[(?P<title>.+)\]\(" + BLOG_ID + r"\)$", re.M)
BYLINE_MD = re.compile(r"^By 苏剑林 \\\|\n\d{4}-\d{2}-\d{2} \\\|\n\d+位读者 ?\\\|$", re.M)
ANCHORED = re.compile(r"^#{2,6} .+ \[\\#\]\(" + BLOG_ID + r"\\#\S+\)$", re.M)  # an anchor may hold (X)
REPRINT_MD = "_**转载到请包括本文地址：**"
REPRINT_TEXT = re.compile(r"^ 转载到请包括本文地址： " + BLOG_ID + " $", re.M)
CITATION = re.compile(r"苏剑林\. \((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\. \d{2}, \d{4}\)\. "
                      r"《(?P<title>.+) 》(?:\\\[Blog post\\\]|\[Blog post\])\. "
                      r"Retrieved from \[?https://kexue\.fm/archives/(?P<id>\d+)")
BIBTEX = re.compile(r"^ ?@online\{kexuefm-(\d+),\s*\n\s*title=\{(.+)\},", re.M)
CJK = re.compile(r"[\u4e00-\u9fff]")


def _pages(folder: Path) -> dict[str, dict[str, str]]:
    """shape folder → file name → text."""
    return {shape: {p.name: p.read_text(encoding="utf-8") for p in sorted((folder / "pages" / shape).glob("*.txt"))}
            for shape in ("md", "text", "body")}


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("pages") / "archive"
    write_pages(folder, 60, seed=11)
    return folder


@pytest.fixture(scope="module")
def medium(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("pages") / "archive"
    write_pages(folder, 300, seed=5)
    return folder


def _md_body(text: str) -> str:
    """From the title line to the reprint line: the article as the converter wrote it."""
    return text[TITLE_LINE.search(text).end():text.index(REPRINT_MD)]


def _text_body(text: str, shape: str) -> str:
    end = REPRINT_TEXT.search(text).start()
    if shape == "body":
        return text[:end]
    return text[text.index("位读者"):end].split("\n", 2)[2]  # after the byline's last two short lines


def _formulas(body: str, begin: str) -> int:
    """Formulas by their delimiters (heading lines dropped: an anchor may keep a heading's lost dollars)."""
    text = "\n".join(line for line in body.split("\n") if not line.startswith("#"))
    displays = text.count("$$")
    inline = text.replace("$$", "").count("$")
    assert displays % 2 == 0 and inline % 2 == 0
    return text.count(begin) + displays // 2 + inline // 2


def test_md_escape_is_the_converters():
    assert md_escape("x_t") == "x\\_t"
    assert md_escape("\\frac{a}{b}") == "\\\\frac{a}{b}"
    assert md_escape("p(z|x)") == "p(z\\|x)"
    assert md_escape("[a]_*") == "\\[a\\]\\_\\*"
    assert md_escape("a \\\\\nb") == "a \\\\\\\nb"  # TeX's line break: three backslashes, the last a hard break
    assert md_escape("\\\\ b") == "\\\\\\ b"


def test_pages_same_seed_same_bytes(tmp_path: Path):
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        write_pages(tmp_path / name, 40, seed=seed)
    read = lambda d: {p.relative_to(d): p.read_bytes() for p in sorted(d.rglob("*.txt"))}  # noqa: E731
    assert read(tmp_path / "a") == read(tmp_path / "b") != read(tmp_path / "c")


def test_pages_come_in_three_shapes_in_the_scrapes_mix(medium: Path):
    pages = _pages(medium)
    ids = {shape: {name.removesuffix(".txt") for name in files} for shape, files in pages.items()}
    articles = len(set().union(*ids.values()))
    assert articles == 300
    share = {shape: len(files) / articles for shape, files in pages.items()}
    assert share["md"] >= 0.7 and 0.07 <= share["text"] <= 0.22 and 0.02 <= share["body"] <= 0.12
    for text in pages["md"].values():  # each shape by its content, not by its folder
        assert TITLE_LINE.search(text) and BYLINE_MD.search(text) and "\\_" in text
    for text in pages["text"].values():
        assert not TITLE_LINE.search(text) and "\\|" not in text and "\\\\frac" not in text
        assert re.search(r"^ By \n 苏剑林 \|\n \d{4}-\d{2}-\d{2} \|\n \d+位读者 \n", text, re.M)
    for text in pages["body"].values():
        assert not TITLE_LINE.search(text) and "By " not in text.split("转载到请包括本文地址")[0]
        assert text.startswith("\n ") and CITATION.search(text) and BIBTEX.search(text)
    assert any(ids["md"] & ids["text"]) or any(ids["md"] & ids["body"])  # the same post saved twice


def test_every_page_carries_the_frame_of_its_shape(small: Path):
    for name, text in _pages(small)["md"].items():
        post_id = name.removesuffix(".txt")
        title = TITLE_LINE.search(text)
        assert title and title.group(2) == post_id, name
        chrome = text[:title.start()]
        assert all(h in chrome for h in ("## SEARCH", "## MENU", "## CATEGORIES", "## NEWPOSTS", "## COMMENTS",
                                         "## USERLOGIN", "[首页](https://kexue.fm) ["))
        assert BYLINE_MD.search(text)
        body = _md_body(text)
        assert re.search(r"\$[^$\n]*\\\\[a-zA-Z]+[^$\n]*\$", body)  # inline TeX, its backslashes doubled
        assert re.search(r"\$[^$\n]*\\_[^$\n]*\$", body)  # and its subscripts escaped
        assert re.search(r"[^\n]\n\\\\begin\{equation\}", body)  # a display glued to the line before it
        assert all(m.group(1) == post_id for m in ANCHORED.finditer(body))
        assert CITATION.search(text).group("id") == post_id and BIBTEX.search(text).group(1) == post_id
        assert "url={\\\\url{https://kexue.fm/archives/" + post_id + "}}" in text
        assert re.search(r"^分类： \[[^\]]+\]\(https://kexue\.fm/category/[\w-]+\)    标签： \[", text, re.M)
        assert re.search(r"^< .*\]\(https://kexue\.fm/archives/\d+\).* >$", text, re.M)
        assert "### 你也许还对下面的内容感兴趣" in text and "[发表你的看法](" in text
    for shape in ("text", "body"):
        for name, text in _pages(small)[shape].items():
            post_id = name.removesuffix(".txt")
            assert REPRINT_TEXT.search(text).group(1) == post_id
            assert CITATION.search(text).group("id") == post_id and BIBTEX.search(text).group(1) == post_id
            body = _text_body(text, shape)
            assert re.search(r" \S+ # ", body)  # headings as the theme's anchor leaves them in innerText
            assert "\\\\" not in body.replace("\\\\\n", "") and "\\|" not in body  # no converter escapes


def test_sizes_formulas_and_headings_are_in_the_blogs_range(medium: Path):
    longs = 0
    for shape, files in _pages(medium).items():
        for name, text in files.items():
            if shape == "md":
                body, begin, headings = _md_body(text), "\\\\begin{equation}", len(ANCHORED.findall(_md_body(text)))
            else:
                body, begin = _text_body(text, shape), "\\begin{equation}"
                headings = len(re.findall(r" \S+ # ", body))
            size, formulas = len(CJK.findall(body)), _formulas(body, begin)
            if size > 20_000:
                longs += shape == "md"
                assert 35_000 <= size <= 45_000 and 350 <= formulas <= 450, (name, size, formulas)
            else:
                assert 3_000 <= size <= 15_000 and 10 <= formulas <= 150, (name, size, formulas)
            assert 3 <= headings <= 12, (name, headings)
    assert longs >= 3  # about 2 % of the articles, enough to exercise the largest-chapter budget


def _labels(text: str) -> tuple[list[str], list[tuple[int, str]], list[tuple[int, str]]]:
    body = _md_body(text)
    defined = [(m.start(), m.group(1)) for m in re.finditer(r"\\\\label\{(eq:[\w-]+)\}", body)]
    cited = [(m.start(), m.group(1)) for m in re.finditer(r"\\\\eqref\{(eq:[\w-]+)\}", body)]
    return [label for _, label in defined], defined, cited


def test_the_archive_holds_every_construct_of_real_pages(small: Path, medium: Path):
    md = _pages(small)["md"]
    bodies = {name: _md_body(text) for name, text in md.items()}
    ids = {name.removesuffix(".txt") for shape in _pages(small).values() for name in shape}

    def pages_with(pattern: str, flags: int = re.M) -> int:
        return sum(bool(re.search(pattern, body, flags)) for body in bodies.values())

    share = {
        "image": pages_with(r'\[!\[[^\]]*\]\((https://kexue\.fm/usr/uploads/\d{4}/\d{2}/\d+\.png)\)\]'
                            r'\(\1 "点击查看原图"\)'),
        "table": pages_with(r"^\|( +\|)+\n\|( --- \|)+\n\| "),
        "indented code": pages_with(r"^```\w*\n(?:.*\n)*?    \S.*\n(?:.*\n)*?```$"),
        "empty fence": pages_with(r"^```\w*\n\n```$"),
        "quote": pages_with(r"^> 1、.*\$.*\$"),
        "reference quote": pages_with(r"^> \[\d\] Deep Learning： "
                                      r"\[http://deeplearning\.net\]\(http://deeplearning\.net\)$"),
        "multi-line $$": pages_with(r"^\$\$(?!.*\$\$$).*\n(?:.*\n)*?.*\$\$$"),
        "aligned with label": pages_with(r"\\\\begin\{equation\}\\\\begin\{aligned\}.*\\\\\\\n(?:.*\n)*?"
                                         r"\\\\end\{aligned\}\\\\label\{eq:"),
        "glued both sides": pages_with(r"[^\n]\n\\\\begin\{equation\}.*\\\\end\{equation\}\n[^\n]"),
        "stop_gradient": pages_with(r"\\\\text\{stop\\_gradient\}"),
        "blog link": pages_with(r"\]\(https://kexue\.fm/archives/\d+\)"),
        "mirror link": pages_with(r"\]\(https://spaces\.ac\.cn/archives/\d+\)"),
        "external link": pages_with(r"\]\(https://(?:papers\.cool|github\.com)/"),
        "bold": pages_with(r" \*\*[^*]+\*\* "),
        "list": pages_with(r"^(?:- |1\. ).+\n(?:.+\n)*?    (?:- |\d\. )"),
        "comment formula": sum(bool(re.search(r"\$", t.split("[发表你的看法](")[1].split("### 内容速览")[0]))
                               for t in md.values()),
    }
    assert all(count >= 1 for count in share.values()), share
    assert share["image"] >= 10 and share["blog link"] >= 15
    missing = [m for body in bodies.values() for m in re.findall(r"\]\(https://kexue\.fm/archives/(\d+)\)", body)
               if m not in ids]
    assert missing  # links to posts the archive does not hold
    # Labels: referred to in the same post (also before their definition) and from a later post of the series.
    local = forward = foreign = 0
    for text in md.values():
        labels, defined, cited = _labels(text)
        for at, label in cited:
            if label in labels:
                local += 1
                forward += at < min(p for p, lab in defined if lab == label)
            else:
                foreign += 1
    assert local and forward
    # Macros: defined in one formula, used after it, and in some post before it.
    later = earlier = 0
    for body in bodies.values():
        m = re.search(r"\\\\newcommand\{\\\\(\w+)\}", body)
        if m:
            uses = [u.start() for u in re.finditer(r"\\\\" + m.group(1) + r"(?![a-zA-Z])", body)]
            later += any(u > m.end() for u in uses)
            earlier += any(u < m.start() for u in uses)
    assert later and earlier
    # Cross-post references resolve in an earlier post of the same series (checked on the larger archive).
    by_series: dict[str, list[tuple[int, set[str]]]] = {}
    refs: list[tuple[str, int, str]] = []
    for shape in _pages(medium).values():
        for text in shape.values():
            found = series_of_title(BIBTEX.search(text).group(2))
            labels = re.findall(r"\\\\?label\{(eq:[\w-]+)\}", text)
            cited = re.findall(r"\\\\?eqref\{(eq:[\w-]+)\}", text.split("转载到请包括本文地址")[0])
            if found:
                by_series.setdefault(found[0], []).append((found[1], set(labels)))
                refs += [(found[0], found[1], label) for label in cited if label not in labels]
    assert refs
    for series, number, label in refs:
        assert any(n < number and label in labels for n, labels in by_series[series]), (series, number, label)
    assert foreign or refs


def test_titles_categories_and_tags_look_like_the_blogs(medium: Path):
    md = _pages(medium)["md"].values()
    titles = [TITLE_LINE.search(t).group("title").replace("\\", "") for t in md]
    assert any(re.fullmatch(r"生成扩散模型漫谈（[一二三四五六七八九十]+）：.+", t) for t in titles)
    assert any(re.fullmatch(r"Transformer升级之路：\d+、.+", t) for t in titles)
    numbered = [series_of_title(t) for t in titles]
    assert sum(n is not None for n in numbered) >= 0.25 * len(titles)
    categories = [re.search(r"^分类： \[([^\]]+)\]", t, re.M).group(1) for t in md]
    counts = {c: categories.count(c) for c in set(categories)}
    assert max(counts, key=counts.get) == "信息时代" and len(counts) >= 5
    tags = [len(re.findall(r"\]\(https://kexue\.fm/tag/", re.search(r"^分类：.*$", t, re.M).group(0))) for t in md]
    assert min(tags) >= 2 and max(tags) <= 5


def test_some_posts_also_appear_as_excerpts_and_as_a_second_scrape(medium: Path):
    dumps = sorted((medium / "dumps").glob("*.txt"))
    assert {p.name.split("_")[0] for p in dumps} == {"listing", "byline"}
    page_titles = {BIBTEX.search(t).group(2) for shape in _pages(medium).values() for t in shape.values()}
    excerpt_titles = []
    for dump in dumps:
        text = dump.read_text(encoding="utf-8")
        if dump.name.startswith("listing"):
            excerpt_titles += re.findall(r"^\d{1,2} [A-Z][a-z]{2}\n\n(.+)\n\n", text, re.M)
        else:
            excerpt_titles += re.findall(r"^(.+)\nBy 苏剑林 \| \d{4}-\d{2}-\d{2} \| \d+位读者 \| 引用", text, re.M)
    assert len(excerpt_titles) >= 10 and set(excerpt_titles) <= page_titles
    assert all("点击阅读全文" in p.read_text(encoding="utf-8") for p in dumps if p.name.startswith("listing"))


# ---------------------------------------------------------------------------------------------------------------
# The benchmark's --pages: argument handling and the copy (no mkdocs build here).

BENCH = [sys.executable, str(Path(__file__).resolve().parent.parent / "benchmarks" / "bench.py")]


def _read_only(folder: Path) -> dict[Path, tuple[bytes, int]]:
    for path in sorted(folder.rglob("*"), reverse=True):
        path.chmod(0o444 if path.is_file() else 0o555)
    folder.chmod(0o555)
    return {p: (p.read_bytes(), p.stat().st_mode) for p in folder.rglob("*") if p.is_file()}


def test_copy_pages_reads_the_folder_and_follows_no_link(tmp_path: Path):
    source = tmp_path / "real"
    (source / "more").mkdir(parents=True)
    (source / "a.txt").write_text("一", encoding="utf-8")
    (source / "more" / "b.md").write_text("二", encoding="utf-8")
    (source / "more" / "c.png").write_bytes(b"\x89PNG")
    (source / ".hidden.txt").write_text("x", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    (source / "link.txt").symlink_to(tmp_path / "secret.txt")
    (source / "linked").symlink_to(tmp_path, target_is_directory=True)
    before = _read_only(source)
    assert copy_pages(source, tmp_path / "copy") == 2
    copied = sorted(p.relative_to(tmp_path / "copy").as_posix() for p in (tmp_path / "copy").rglob("*"))
    assert copied == ["a.txt", "more", "more/b.md", "more/c.png"]
    assert all(p.stat().st_mode & 0o200 for p in (tmp_path / "copy").rglob("*"))  # the copy can be cleaned up
    assert {p: (p.read_bytes(), p.stat().st_mode) for p in source.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("args,message", [
    (["--pages", "{missing}"], "no such folder"),
    (["--pages", "{file}"], "not a folder"),
    (["--pages", "{folder}", "--long"], "--long does not apply"),
    (["--pages", "{folder}", "--sizes", "35"], "--sizes does not apply"),
])
def test_bench_pages_refuses_what_it_cannot_run(tmp_path: Path, args, message):
    (tmp_path / "folder").mkdir()
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    names = {"missing": tmp_path / "nope", "file": tmp_path / "file.txt", "folder": tmp_path / "folder"}
    done = subprocess.run(BENCH + [a.format(**names) for a in args] + ["--out", str(tmp_path / "r")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and message in done.stderr
    assert not (tmp_path / "r.json").exists()


def test_bench_pages_builder_alone_on_a_read_only_folder(tmp_path: Path):
    pages = tmp_path / "tiny"
    write_pages(pages, 3, seed=2, excerpts=0, duplicates=0)
    before = _read_only(pages)
    done = subprocess.run(BENCH + ["--pages", str(pages), "--builder-only", "--runs", "1", "--out",
                                   str(tmp_path / "res")], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((tmp_path / "res.json").read_text(encoding="utf-8"))
    assert report["sizes"] == [] and report["hostile"] == []
    (row,) = report["builder_only"]
    assert row["label"] == "pages: tiny" and row["articles"] == 3
    assert row["chapters"] == 3 and row["formulas"] >= 30 and row["headings"] >= 9
    assert "| pages: tiny | 3 | 3 |" in (tmp_path / "res.md").read_text(encoding="utf-8")
    assert {p: (p.read_bytes(), p.stat().st_mode) for p in pages.rglob("*") if p.is_file()} == before


def test_built_figures_count_each_formula_and_heading_once(tmp_path: Path):
    page = tmp_path / "index.html"
    page.write_text('<nav><h2>目录</h2></nav><article class="md-content__inner"><h2>一</h2><p>$x$</p>'
                    '<span class="arithmatex">\\(x\\)</span><div class="kb-alt" lang="en"><h2>One</h2>'
                    '<div class="arithmatex">\\[y\\]</div><div><p>nested</p></div></div>'
                    '<div class="arithmatex">\\[z\\]</div><h3>二</h3></article>', encoding="utf-8")
    assert html_figures([page, tmp_path / "missing.html"]) == {"formulas": 2, "headings": 2, "largest_kb": 0.3}
    assert without_alternates('<p class="kb-alt">' + "<p>" * 50_000) == ""  # never closed: cut to the end, once


def test_math_problems_are_counted_per_chapter():
    a = SimpleNamespace(post=SimpleNamespace(key="a", sources=(Source("dumps/x.txt", 1),)))
    b = SimpleNamespace(post=SimpleNamespace(key="b", sources=(Source("dumps/x.txt", 20), Source("pages/b.txt", 1))))
    problems = [Problem(Source("dumps/x.txt", 5), "math-adapted", ""),
                Problem(Source("dumps/x.txt", 25), "suspicious-math", ""),
                Problem(Source("pages/b.txt", 9), "unsafe-tex", ""),
                Problem(Source("dumps/x.txt", 30), "merged-duplicate", ""),
                Problem(Source("elsewhere.txt", 1), "math-reference", "")]
    result = SimpleNamespace(book=SimpleNamespace(chapters=lambda: (a, b)), problems=problems)
    assert math_problem_chapters(result) == 2
    assert math_problem_chapters(SimpleNamespace(book=result.book, problems=problems[3:])) == 0
    notes = [Problem(Source("dumps/x.txt", 5), "math-adapted", "", Level.INFO),
             Problem(Source("pages/b.txt", 2), "math-restored", "", Level.INFO)]
    assert math_problem_chapters(SimpleNamespace(book=result.book, problems=notes)) == 0  # handled, not errors
