"""The mkdocs plugin: typed options, one pipeline run for every edition, a third edition by data alone."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

from tests.siteutil import build, make_project, pagefind_fragments, shard_search

FR_CONFIG = """\
INHERIT: mkdocs.yml
site_name: "Espaces scientifiques"
docs_dir: docs/fr
site_dir: build/site-fr
theme:
  language: fr
plugins:
  - search:
      lang: fr
  - kexue-book:
      edition: fr
"""


def _third_edition(project: Path) -> None:
    """A toy French edition: an editions record, a mkdocs config, its words, one translated title. No code."""
    editions = project / "editorial" / "editions.yml"
    editions.write_text(editions.read_text(encoding="utf-8")
                        + "  - {lang: fr, tag: fr, name: Français, prefix: fr/, config: mkdocs.fr.yml}\n",
                        encoding="utf-8")
    (project / "mkdocs.fr.yml").write_text(FR_CONFIG, encoding="utf-8")
    (project / "docs" / "fr").mkdir()
    ui_path = project / "editorial" / "ui.yml"
    ui = yaml.safe_load(ui_path.read_text(encoding="utf-8"))
    ui["fr"] = dict(ui["en"], cover_title="Couverture", by="Par")
    ui_path.write_text(yaml.safe_dump(ui, allow_unicode=True), encoding="utf-8")
    (project / "translations" / "fr").mkdir()


def test_a_third_edition_is_built_from_data_alone(tmp_path: Path):
    project = make_project(tmp_path / "project")
    _third_edition(project)
    site = tmp_path / "site"
    done = build(project, site)
    assert done.returncode == 0, done.stdout + done.stderr
    chapter = "diffusion/9152/index.html"
    for prefix, lang in (("", "zh"), ("en/", "en"), ("fr/", "fr")):  # the theme's language
        html = (site / prefix / chapter).read_text(encoding="utf-8")
        assert f'<html lang="{lang}"' in html
        switch = dict(re.findall(r'data-kb-twin="(\w+)"\s+data-kb-path="([^"]*)"', html))
        others = {"", "en/", "fr/"} - {prefix}
        assert set(switch.values()) == {
            "../" * prefix.count("/") + other for other in others}, (prefix, switch)
    fr = (site / "fr" / chapter).read_text(encoding="utf-8")
    assert "Couverture" in (site / "fr" / "index.html").read_text(encoding="utf-8") and ">Par " in fr
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', fr).group(1))
    assert ld["inLanguage"] == "fr" and ld["translationOfWork"] == {"@id": "http://127.0.0.1:8000/diffusion/9152/"}
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    url = ET.parse(site / "fr" / "sitemap.xml").getroot().find("s:url", ns)
    assert {a.get("hreflang") for a in url.findall("x:link", ns)} == {"zh-CN", "en", "fr", "x-default"}
    assert not (site / "fr" / "fr").exists() and not (site / "en" / "fr").exists()


def test_the_book_is_built_once_for_every_edition(tmp_path: Path):
    project = make_project(tmp_path / "project")
    done = build(project, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    # The pipeline's summary is logged by the run that made it: one run, both editions' pages.
    runs = {lang: re.findall(rf"book: {lang}: (\d+) chapters from (\d+) entries", done.stderr) for lang in ("zh", "en")}
    assert len(runs["zh"]) == 1 and runs["zh"] == runs["en"]
    handed = re.findall(r"book: en: (\d+) pages from the original edition's pipeline run", done.stderr)
    pages = len(list((tmp_path / "site" / "en").rglob("index.html"))) - 1  # less the hand-written about page
    assert len(handed) == 1 and int(handed[0]) == pages


def test_an_unknown_edition_is_named(tmp_path: Path):
    project = make_project(tmp_path / "project")
    config = project / "mkdocs.en.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("edition: en", "edition: xx"), encoding="utf-8")
    done = build(project, tmp_path / "site", config="mkdocs.en.yml")
    assert done.returncode != 0
    assert "edition 'xx' is not in" in done.stderr and "editions.yml (zh, en)" in done.stderr


def test_an_unknown_option_is_a_config_error(tmp_path: Path):
    project = make_project(tmp_path / "project")
    config = project / "mkdocs.en.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("edition: en", "edition: en\n      archiv: x"),
                      encoding="utf-8")
    done = build(project, tmp_path / "site", config="mkdocs.en.yml")
    assert done.returncode != 0 and "archiv" in done.stderr


def test_a_search_shard_must_hold_something(tmp_path: Path):
    project = make_project(tmp_path / "project")
    shard_search(project, 0)
    done = build(project, tmp_path / "site")
    assert done.returncode != 0 and "search_shard_kb must be at least 1 (it is 0)" in done.stderr


def test_the_english_edition_builds_alone(tmp_path: Path):
    project = make_project(tmp_path / "project")
    done = build(project, tmp_path / "site", config="mkdocs.en.yml")
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "site" / "diffusion" / "9152" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in html and 'data-kb-path="../"' in html
    assert not (tmp_path / "site" / "en").exists()


def test_search_copies_the_cache_cannot_keep_are_reported(tmp_path: Path):
    project = make_project(tmp_path / "project")
    assert build(project, tmp_path / "site1").returncode == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(project / "build" / "cache" / "search")
    (project / "build" / "cache" / "search").symlink_to(elsewhere, target_is_directory=True)
    again = build(project, tmp_path / "site2")
    assert again.returncode == 0, again.stderr
    for lang in ("zh", "en"):
        said = rf"WARNING - +book: {lang}: build cache: \S+/search is a symbolic link"
        assert re.search(said, again.stderr), again.stderr
    assert not any(elsewhere.iterdir())
    assert (tmp_path / "site1" / "index.html").read_bytes() == (tmp_path / "site2" / "index.html").read_bytes()


def test_a_rebuild_takes_its_work_from_the_build_cache(tmp_path: Path):
    project = make_project(tmp_path / "project")
    first = build(project, tmp_path / "site1")
    assert first.returncode == 0, first.stderr
    assert "from the build cache" not in first.stderr
    copies = sorted((project / "build" / "cache" / "search").rglob("*.json"))
    second = build(project, tmp_path / "site2")
    assert second.returncode == 0, second.stderr
    cached = re.search(r"zh: .*from the build cache: (\d+) files read, (\d+) of (\d+) chapters rendered", second.stderr)
    assert cached and int(cached[1]) > 0 and cached[2] == cached[3], second.stderr
    assert sorted((project / "build" / "cache" / "search").rglob("*.json")) == copies  # each page's copy found
    pages = len(list((tmp_path / "site1").rglob("index.html")))
    assert len(copies) == pages, (len(copies), pages)  # every page of both editions
    for page in (tmp_path / "site1").rglob("*.html"):
        assert page.read_bytes() == (tmp_path / "site2" / page.relative_to(tmp_path / "site1")).read_bytes(), page
    for edition in ("", "en/"):
        made = [pagefind_fragments(tmp_path / site / edition / "pagefind") for site in ("site1", "site2")]
        assert made[0] == made[1] and made[0]
    for lang in ("zh", "en"):  # the search index too: Pagefind does not run again
        assert re.search(rf"{lang}: search index of \d+ pages in 1 shard\(s\) \(0 kept", first.stderr), first.stderr
        assert re.search(rf"{lang}: search index of \d+ pages in 1 shard\(s\) \(1 kept", second.stderr), second.stderr
