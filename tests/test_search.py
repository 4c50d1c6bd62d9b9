"""The search index (builder/search.py): which pages, what of them, Pagefind's command, and Pagefind missing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from builder import search
from builder.cache import Cache, Memo
from builder.search import (
    EXCLUDE_SELECTORS,
    SEPARATOR,
    SearchIndexError,
    cut,
    edition_pages,
    find_pagefind,
    index_language,
    index_site,
    nested_prefixes,
    one_at_a_time,
    pagefind_args,
    plan_shards,
    search_page,
    shard_folder,
    split_ideographs,
    stable_cut,
    strip_excluded,
    write_shard,
)
from tests.siteutil import pagefind_fragments

ZW = SEPARATOR


def page(body: str, lang: str = "zh") -> str:
    """A page shaped like Material's: header and navigation around one article."""
    return (f'<!doctype html><html lang="{lang}"><head><title>t</title></head><body>'
            '<header class="md-header"><nav>导航 Navigation</nav></header>'
            '<div class="md-sidebar"><a href="x/">侧栏链接</a></div>'
            f'<article class="md-content__inner md-typeset">{body}</article>'
            '<footer class="md-footer">页脚 footer</footer></body></html>')


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """An original edition's site with the English edition below en/, Material's assets and an old lunr index."""
    root = tmp_path / "site"
    write(root / "index.html", page("<h1>封面</h1><p>本书的封面。</p>"))
    write(root / "404.html", page("<h1>404 - 找不到页面</h1>"))
    write(root / "diffusion" / "index.html", page("<h1>扩散模型</h1><p>这一部分讲扩散。</p>"))
    write(root / "diffusion" / "9152" / "index.html", page(
        '<h1 id="t">生成扩散模型漫谈<a class="headerlink" href="#t">¶</a></h1>'
        '<p class="kb-meta" data-search-exclude>作者 苏剑林</p>'
        '<div class="kb-unit"><p>判别器与生成器 <span class="arithmatex">\\(\\frac{a}{b}\\)</span> 交替训练。</p>'
        '<div class="kb-alt" lang="en" data-search-exclude="data-search-exclude">'
        "<p>The discriminator and generator alternate.</p></div></div>"
        '<div class="arithmatex">\\[\\begin{equation}x\\label{eq:1}\\end{equation}\\]</div>'
        '<p><img alt="图片说明" src="../../images/a.png"> 正文结束。</p>'))
    write(root / "en" / "index.html", page("<h1>Cover</h1><p>The English cover.</p>", "en"))
    write(root / "en" / "diffusion" / "9152" / "index.html", page(
        "<h1>Musings on Diffusion</h1><p>The discriminator and generator alternate.</p>"
        '<div class="kb-alt" lang="zh-CN"><p>判别器与生成器交替训练。</p></div>', "en"))
    write(root / "assets" / "javascripts" / "x.html", "<p>not a page</p>")
    write(root / "search" / "search_index.json", "{}")
    write(root / ".hidden" / "index.html", page("<p>隐藏</p>"))
    write(root / "sitemap.xml", "<urlset/>")
    return root


def test_index_language_is_the_primary_subtag() -> None:
    assert index_language("zh-CN") == "zh"
    assert index_language("en") == "en"
    assert index_language("pt-BR") == "pt"
    assert index_language("x!") == "en"  # not a language code: Pagefind still gets one it knows


def test_only_editions_below_count_as_others() -> None:
    assert nested_prefixes("", ["", "en/"]) == ["en/"]
    assert nested_prefixes("en/", ["", "en/"]) == []
    assert nested_prefixes("", ["", "en/", "ja/"]) == ["en/", "ja/"]


def test_the_original_edition_indexes_its_own_pages_only(site: Path) -> None:
    pages = sorted(p.as_posix() for p in edition_pages(site, ["en/"]))
    assert pages == ["diffusion/9152/index.html", "diffusion/index.html", "index.html"]


def test_the_english_edition_indexes_its_folder(site: Path) -> None:
    pages = sorted(p.as_posix() for p in edition_pages(site / "en"))
    assert pages == ["diffusion/9152/index.html", "index.html"]


def test_links_are_not_followed(site: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside / "index.html", page("<p>外面</p>"))
    (site / "linked").symlink_to(outside)
    (site / "diffusion" / "linked").symlink_to(outside)
    os.symlink(outside / "index.html", site / "diffusion" / "alias.html")
    assert sorted(p.as_posix() for p in edition_pages(site, ["en/"])) == [
        "diffusion/9152/index.html", "diffusion/index.html", "index.html"]


def test_search_copy_is_the_article_without_what_search_leaves_out(site: Path) -> None:
    copy = search_page((site / "diffusion" / "9152" / "index.html").read_text(encoding="utf-8"), "zh")
    assert copy is not None
    text = copy.replace(ZW, "")
    assert '<html lang="zh">' in copy
    assert "生成扩散模型漫谈" in text and "判别器与生成器" in text and "正文结束" in text
    for gone in ("导航", "侧栏链接", "页脚", "Navigation",  # Material's chrome
                 "作者 苏剑林",  # data-search-exclude
                 "\\frac", "\\label", "begin{equation}",  # TeX, inline and display
                 "The discriminator",  # the other language's copy
                 "¶"):  # the permalink sign
        assert gone not in text, gone
    assert 'alt="图片说明"' in copy  # attributes are not split


def test_ideographs_become_words_and_nothing_else_changes() -> None:
    assert split_ideographs("判别器") == f"判{ZW}别{ZW}器"
    assert split_ideographs("DDPM的VAE, 扩散 model") == f"DDPM的VAE, 扩{ZW}散 model"
    copy = search_page(page('<p title="标题">变分 推断 variational inference</p>'), "zh")
    assert copy is not None
    assert f">变{ZW}分 推{ZW}断 variational inference<" in copy and 'title="标题"' in copy


def _pagefind_or_skip() -> Path:
    try:
        return find_pagefind()
    except SearchIndexError as err:
        if os.environ.get("CI") == "true":
            pytest.fail(str(err))
        pytest.skip(str(err))


def _logging_pagefind(tmp_path: Path, real: Path) -> tuple[Path, Path]:
    """A Pagefind that writes each run's --site to a log, then runs the real one."""
    log = tmp_path / "runs.log"
    wrapper = tmp_path / "pagefind-logged"
    wrapper.write_text(f'#!/bin/sh\nfor a; do [ "$prev" = --site ] && echo "$a" >> "{log}"; prev=$a; done\n'
                       f'exec "{real}" "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    return wrapper, log


def _bundle(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_rebuild_takes_unchanged_shards_from_the_build_cache(site: Path, tmp_path: Path) -> None:
    binary, log = _logging_pagefind(tmp_path, _pagefind_or_skip())
    memo = Memo(Cache(tmp_path / "cache"))
    first = index_site(site, "zh-CN", ["en/"], binary=binary, shard_bytes=1, memo=memo)
    assert (first.shards, first.reused, first.pages) == (3, 0, 3) and len(log.read_text().split()) == 3
    before = _bundle(site / "pagefind")
    again = index_site(site, "zh-CN", ["en/"], binary=binary, shard_bytes=1, memo=Memo(Cache(tmp_path / "cache")))
    assert (again.shards, again.reused, again.pages) == (3, 3, 3) and len(log.read_text().split()) == 3  # no run
    assert _bundle(site / "pagefind") == before
    chapter = site / "diffusion" / "9152" / "index.html"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("正文结束", "正文改过"), encoding="utf-8")
    edited = index_site(site, "zh-CN", ["en/"], binary=binary, shard_bytes=1, memo=Memo(Cache(tmp_path / "cache")))
    assert edited.reused == 2 and len(log.read_text().split()) == 4  # only the edited page's shard ran again
    contents = [f["content"].replace(ZW, "") for f in pagefind_fragments(site / "pagefind" / "shard-2")]
    assert any("正文改过" in c for c in contents)


def test_a_stored_bundle_that_could_leave_its_folder_is_a_miss(site: Path, tmp_path: Path) -> None:
    binary, log = _logging_pagefind(tmp_path, _pagefind_or_skip())
    cache = Cache(tmp_path / "cache")
    index_site(site, "zh-CN", ["en/"], binary=binary, memo=Memo(cache))
    stored = list((tmp_path / "cache" / "pagefind").rglob("*.json"))
    assert len(stored) == 1
    stored[0].write_text(json.dumps({"files": {"../../escaped.txt": "eA=="}}), encoding="utf-8")
    again = index_site(site, "zh-CN", ["en/"], binary=binary, memo=Memo(cache))
    assert again.reused == 0 and len(log.read_text().split()) == 2  # Pagefind ran again
    assert not list(tmp_path.rglob("escaped.txt")) and (site / "pagefind" / "pagefind-entry.json").is_file()


def test_copies_made_while_building_are_used_and_the_rest_read(site: Path, tmp_path: Path) -> None:
    pages = list(edition_pages(site, ["en/"]))
    made = {"index.html": search_page(page("<p>内存里的副本</p>"), "zh"), "diffusion/index.html": None}
    shards = plan_shards(site, pages, "zh", made)
    assert [len(s.pages) for s in shards] == [2]  # None: no article
    write_shard(site, shards[0], tmp_path / "copies" / "0", "zh", made)
    copies = tmp_path / "copies" / "0"
    assert "内存" in (copies / "index.html").read_text(encoding="utf-8").replace(ZW, "")
    assert not (copies / "diffusion" / "index.html").exists()
    from_disk = search_page((site / "diffusion" / "9152" / "index.html").read_text(encoding="utf-8"), "zh")
    assert (copies / "diffusion" / "9152" / "index.html").read_text(encoding="utf-8") == from_disk


def test_shards_are_as_few_and_as_even_as_their_size_allows() -> None:
    assert cut([], 10) == [] and cut([5], 10) == [0]
    assert cut([4] * 5, 20) == [0]  # all fits one
    assert cut([3] * 23, 40) == [0, 12]  # 69 bytes in two shards of 36 and 33, not 39 and 30
    assert cut([3] * 10, 10) == [0, 3, 6, 9]  # no shard past its size: four, not three
    starts = cut([1, 1, 30, 1], 10)  # a larger copy is a shard of its own
    assert starts[:3] == [0, 2, 3]
    sizes = [1000 + (i * 7919) % 90_000 for i in range(1300)]
    starts = cut(sizes, 36_000_000)
    shards = [sum(sizes[a:b]) for a, b in zip(starts, [*starts[1:], len(sizes)], strict=True)]
    assert len(shards) == 2 and max(shards) <= 36_000_000 and max(shards) - min(shards) < 100_000


def test_copies_are_written_shard_by_shard_in_page_order(tmp_path: Path) -> None:
    copies = {f"{name}/index.html": search_page(page(f"<p>{text}</p>"), "zh")
              for name, text in [("a", "甲" * 10), ("b", "乙" * 10), ("c", "丙" * 400), ("d", "丁" * 10)]}
    copies["e/index.html"] = None  # no article: no copy, in no shard
    pages = [Path(k) for k in copies]
    size = len(copies["a/index.html"].encode())
    shards = plan_shards(tmp_path, pages, "zh", copies, shard_bytes=2 * size + 1, keyed=True)
    assert [s.pages for s in shards] == [("a/index.html", "b/index.html"), ("c/index.html",), ("d/index.html",)]
    assert len({sha for s in shards for sha in s.copies}) == 4  # one digest per copy
    for number, shard in enumerate(shards):
        write_shard(tmp_path, shard, tmp_path / "out" / str(number), "zh", copies)
    held = {str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*.html")}
    assert held == {"0/a/index.html", "0/b/index.html", "1/c/index.html", "2/d/index.html"}
    assert (tmp_path / "out" / "1" / "c" / "index.html").read_text(encoding="utf-8") == copies["c/index.html"]
    assert [len(s.pages) for s in plan_shards(tmp_path, pages, "zh", copies)] == [4]
    assert [shard_folder(k) for k in range(3)] == ["", "shard-2/", "shard-3/"]


def test_one_pagefind_at_a_time(tmp_path: Path) -> None:
    lock = tmp_path / "build" / search.LOCK
    probe = ("import fcntl, os, sys\n"
             "fd = os.open(sys.argv[1], os.O_RDWR)\n"
             "try:\n    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\nexcept OSError:\n    sys.exit(3)\n")
    with one_at_a_time(lock):
        assert subprocess.run([sys.executable, "-c", probe, str(lock)], check=False).returncode == 3  # held
    assert subprocess.run([sys.executable, "-c", probe, str(lock)], check=False).returncode == 0  # released


def test_a_linked_lock_file_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / search.LOCK).symlink_to(outside)
    with pytest.raises(SearchIndexError, match="lock file"), one_at_a_time(tmp_path / "build" / search.LOCK):
        pass
    assert not outside.exists()


def test_a_page_without_article_is_not_indexed() -> None:
    assert search_page("<html><body><p>没有文章</p></body></html>", "zh") is None
    assert search_page("</article><article class='other'>", "zh") is None


def test_excluded_elements_end_where_they_balance() -> None:
    html = ('<p>a</p><div class="kb-alt"><div>x<div>y</div></div>z</div><p>b</p>'
            '<span class="x arithmatex y">\\(t\\)</span><br/><img src="i.png"><p data-search-exclude="">m</p>'
            '<span class="arithmatex"/>c')
    assert strip_excluded(html) == '<p>a</p><p>b</p><br/><img src="i.png">c'
    assert strip_excluded('<p>a</p><div class="kb-alt"><p>never closed') == "<p>a</p>"  # leaves out more, not less


def test_hostile_lines_keep_their_text() -> None:
    """Stray brackets, a tag that never ends, thousands of unclosed or tiny elements, one long run of ideographs.

    (How their cost grows is measured by the benchmark's hostile row: benchmarks/hostile.py, ``copy-*``.)
    """
    stray = search_page(page("<" * 100_000), "zh")
    assert stray is not None and "<" * 100_000 in stray
    unended = search_page(page("<p " + "a" * 100_000), "zh")
    assert unended is not None and "<p " + "a" * 100_000 in unended
    nested = search_page(page('<p>前</p><div class="kb-alt">' + "<div>" * 50_000), "zh")
    assert nested is not None and "kb-alt" not in nested and "<div>" not in nested and "<p>前</p>" in nested
    ideographs = search_page(page("<p>" + "判别器" * 40_000 + "</p>"), "zh")
    assert ideographs is not None and ideographs.count(ZW) == 3 * 40_000 - 1
    assert f">判{ZW}别{ZW}器{ZW}判" in ideographs
    spans = search_page(page("<span>x</span>" * 10_000 + '<span class="arithmatex">\\(t\\)</span>' * 10_000), "zh")
    assert spans is not None and spans.count("<span>x</span>") == 10_000 and "arithmatex" not in spans


def test_pagefind_command() -> None:
    args = pagefind_args(Path("/s/.src"), Path("/s/pagefind"), "zh")
    assert args[args.index("--site") + 1] == "/s/.src"
    assert args[args.index("--output-path") + 1] == "/s/pagefind"
    assert args[args.index("--force-language") + 1] == "zh"
    selectors = args[args.index("--exclude-selectors") + 1]
    assert selectors == ", ".join(EXCLUDE_SELECTORS)


def test_excluded_classes_are_the_builders() -> None:
    from builder.render import names

    assert f".{names.ALT}" in EXCLUDE_SELECTORS


def test_missing_pagefind_names_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAGEFIND_BINARY_PATH", raising=False)
    monkeypatch.setitem(sys.modules, "pagefind_bin_extended", None)  # import fails as if not installed
    with pytest.raises(SearchIndexError, match=r"pip install 'pagefind\[extended\]==1\.5\.2'"):
        find_pagefind()


def test_a_named_binary_must_exist(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "nowhere"))
    with pytest.raises(SearchIndexError, match="PAGEFIND_BINARY_PATH"):
        find_pagefind()


def test_a_binary_that_cannot_run_is_an_error_and_leaves_no_scratch(site: Path) -> None:
    with pytest.raises(SearchIndexError, match="could not run"):
        index_site(site, "zh-CN", ["en/"], binary=site / "no-such-pagefind")
    assert not (site / search.SCRATCH).exists()


def test_pagefind_indexes_each_edition_apart(site: Path) -> None:
    _pagefind_or_skip()
    zh = index_site(site, "zh-CN", ["en/"])
    en = index_site(site / "en", "en", [])
    assert (zh.pages, en.pages) == (3, 2)
    assert [p.name for p in (site / "pagefind").glob("*.pf_meta")] and not (site / search.SCRATCH).exists()
    assert list((site / "pagefind").glob("pagefind.zh_*.pf_meta")) and not list((site / "pagefind").glob("*.en_*"))
    assert list((site / "en" / "pagefind").glob("pagefind.en_*.pf_meta"))
    chinese = {f["url"]: f for f in pagefind_fragments(site / "pagefind")}
    assert sorted(chinese) == ["/", "/diffusion/", "/diffusion/9152/"]
    chapter = chinese["/diffusion/9152/"]
    assert chapter["meta"]["title"].replace(ZW, "") == "生成扩散模型漫谈"
    content = chapter["content"].replace(ZW, "")
    assert "判别器与生成器" in content and "discriminator" not in content and "frac" not in content
    assert f"判{ZW}别{ZW}器" in chapter["content"]  # one word per ideograph
    english = {f["url"]: f for f in pagefind_fragments(site / "en" / "pagefind")}
    assert sorted(english) == ["/", "/diffusion/9152/"]
    assert "判别" not in english["/diffusion/9152/"]["content"]  # the parallel copy stays out


def test_pagefind_indexes_shards_one_bundle_each(site: Path) -> None:
    _pagefind_or_skip()
    zh = index_site(site, "zh-CN", ["en/"], shard_bytes=1)  # every page a shard of its own
    assert (zh.pages, zh.shards) == (3, 3)
    bundle = site / "pagefind"
    assert json.loads((bundle / search.SHARDS).read_text(encoding="utf-8")) == ["shard-2/", "shard-3/"]
    urls = [[f["url"] for f in pagefind_fragments(bundle / folder)] for folder in ("", "shard-2", "shard-3")]
    assert urls == [["/diffusion/"], ["/diffusion/9152/"], ["/"]]  # page order; each page in one bundle
    assert all(list((bundle / folder).glob("pagefind.zh_*.pf_meta")) for folder in ("", "shard-2", "shard-3"))
    assert all((bundle / folder / "pagefind.js").is_file() for folder in ("", "shard-2", "shard-3"))
    assert not [p.name for p in bundle.rglob("*") if p.name in search.UNUSED]  # no bundle keeps Pagefind's own UI
    again = index_site(site, "zh-CN", ["en/"])  # one shard: the old shards' folders go
    assert again.shards == 1 and not (bundle / "shard-2").exists()
    assert json.loads((bundle / search.SHARDS).read_text(encoding="utf-8")) == []


def test_the_titles_formulas_stay_in_the_copy_as_text_the_bodys_are_left_out():
    """Pagefind takes a result's title from the heading: a formula left out there made '谐振子能级的代数推导'."""
    html = ('<html><body><article class="md-content__inner md-typeset"><h1 id="t">能级<span class="arithmatex">'
            '\\(E_n\\)</span>的推导<a class="headerlink" href="#t">¶</a></h1><p>正文<span class="arithmatex">'
            '\\(x^2\\)</span>。</p></article></body></html>')
    copy = search_page(html, "zh")
    assert copy is not None
    heading = copy[copy.index("<h1"):copy.index("</h1>")].replace("\u200b", "")
    assert "能级$E_n$的推导" in heading and "¶" not in heading
    assert "x^2" not in copy and "arithmatex" not in copy


def test_under_serve_an_edit_changes_only_its_own_shard() -> None:
    """Even cuts depend on the bytes before them: a page that grew by a third moved every later cut, and
    mkdocs serve indexed all those shards again.  Cuts picked by the pages' paths stay where they were."""
    names = [f"part{i % 7}/{1000 + i}/index.html" for i in range(600)]
    sizes = [1500 + (i * 7919) % 3000 for i in range(600)]

    def shards(starts: list[int]) -> set[tuple[str, ...]]:
        return {tuple(names[a:b]) for a, b in zip(starts, [*starts[1:], len(names)], strict=True)}

    for cutter, worst in ((lambda s: stable_cut(names, s, 20_000), 2), (lambda s: cut(s, 20_000), 10)):
        before = shards(cutter(sizes))
        changed = max(len(before - shards(cutter([*sizes[:i], sizes[i] * 4 // 3, *sizes[i + 1:]])))
                      for i in range(0, 600, 7))
        assert (changed <= 2) == (worst == 2), (worst, changed)  # the even cuts do move: the test can tell
    starts = stable_cut(names, sizes, 20_000)
    held = [sum(sizes[a:b]) for a, b in zip(starts, [*starts[1:], len(sizes)], strict=True)]
    full = sum(sizes) / 20_000  # shards if every one were full
    assert max(held) <= 20_000 and full <= len(starts) <= 3 * full  # never past full, about half full on average
