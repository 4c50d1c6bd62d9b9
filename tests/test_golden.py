"""The bundled archive's own facts: counts, merges, series order, pages, the `check` report.

Every assertion that holds only for the five dumps in archive/ (with the
editorial data and translations written for them) lives here, so that adding
a dump, as the README invites, fails this module alone: update its figures
here, and every other test still says whether the builder works.  The other
modules test behaviour, on crafted fixtures or on any archive.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from builder.attach import load_translations
from builder.overlay import load_overlay, load_terms
from builder.pipeline import run
from builder.read import read_archive
from tests.conftest import ROOT
from tests.test_cli import archive_with_broken_dumps, cli
from tests.test_merge import _codes, _merged
from tests.test_translations import broken_translations


def _front(text: str) -> dict:
    return yaml.safe_load(text.split("---\n")[1])


def _pages(result, lang="zh"):
    return {f.path: f.content for f in result.rendered[lang].files}


# read

def test_bundled_archive_has_39_entries():
    entries, _ = read_archive(ROOT / "archive")
    assert len(entries) == 39


# merge

def test_real_archive_has_exactly_35_posts(real):
    assert len(real.posts) == 35
    assert len({p.key for p in real.posts}) == 35
    merged = {p.key: len(p.sources) for p in real.posts if len(p.sources) > 1}
    assert merged == {"9969": 2, "9336": 2, "9262": 2, "9305": 2}


def test_bundled_archive_has_four_merges_and_nothing_kept_apart(real):
    merged = [p for p in real.posts if len(p.sources) > 1]
    assert len(real.entries) == 39
    assert len(_codes(real.problems, "merged-duplicate")) == len(merged) == 4
    assert not _codes(real.problems, "kept-apart") and not _codes(real.problems, "overlay-conflict")


def test_bundled_duplicates_merge_by_opening_and_by_overlay_record(real):
    _, problems = _merged(list(real.entries))
    reasons = sorted(p.message.rsplit("(", 1)[1] for p in _codes(problems, "merged-duplicate"))
    assert reasons == ["same opening paragraph)"] * 2 + ["same title and opening paragraph)"] * 2
    with_overlay = [p.message for p in real.problems if p.code == "merged-duplicate"]
    assert all("same overlay record" in m and "posts.yml:" in m for m in with_overlay)


def test_overlay_knows_every_bundled_post(real):
    overlay, _ = load_overlay(ROOT / "editorial")
    assert len(overlay.posts) == 35
    assert all(p.url == f"https://kexue.fm/archives/{p.key}" for p in real.posts)
    assert all(p.date and p.date.year for p in real.posts)


# place

def test_bundled_book_has_35_chapters(real):
    assert sum(len(p.chapters) for p in real.book.parts) == 35
    assert [(p.key, len(p.chapters)) for p in real.book.parts] == [
        ("diffusion", 6), ("vae", 2), ("gan", 5), ("extremes", 3), ("nlp", 4), ("deep-learning", 10),
        ("mathematics", 3), ("notes", 2)]


def test_diffusion_series_order(real):
    diffusion = real.book.parts[0]
    numbers = [c.post.series_number for c in diffusion.chapters if c.role == "series"]
    assert numbers == [2, 9, 10, 11, 12, 13]
    assert [c.series_position for c in diffusion.chapters][:2] == [(1, 6), (2, 6)]


def test_gan_part_chapters(real):
    gan = real.book.parts[2]
    assert [c.post.key for c in gan.chapters] == ["6331", "6387", "6394", "6549", "9969"]


# translate

def test_real_translations_are_complete_and_current(real):
    assert not [p for p in real.problems if p.code in ("stale-translation", "formula-drift", "glossary",
                                                        "untranslated", "translation-backslash")]
    units = real.rendered["en"].units
    assert units.get("stale", 0) == 0 and units.get("missing", 0) == 0 and units["current"] == 165


def test_a_broken_translation_costs_its_units_and_no_others(tmp_path: Path):
    result = run(broken_translations(tmp_path), write_files=False)
    assert result.rendered["en"].units == {"current": 165 - 5 - 1, "missing": 5 + 1}


def test_bundled_editorial_data_and_translations_counts():
    overlay, _ = load_overlay(ROOT / "editorial")
    terms, _ = load_terms(ROOT / "editorial")
    translations, _ = load_translations(ROOT / "translations" / "en")
    # 16 parts for the blog's subjects; the bundled posts fill 8 of them (the others are not rendered)
    assert len(overlay.parts) == 16 and len(overlay.posts) == 35 and len(terms) >= 40 and len(translations) == 35


# render

def test_every_chapter_has_a_page_with_article_json_ld(real):
    pages = _pages(real)
    chapters = [p for p in pages if p.count("/") == 1 and not p.endswith("index.md")]
    assert len(chapters) == 35
    for path in chapters:
        ld = json.loads(_front(pages[path])["jsonld"])
        assert ld["@type"] == "Article" and ld["inLanguage"] == "zh-CN"
        assert ld["headline"] and ld["author"]["name"] == "苏剑林"
        assert len(ld["datePublished"]) == 10
        assert ld["isBasedOn"].startswith("https://kexue.fm/archives/")


def test_cover_and_part_pages(real):
    pages = _pages(real)
    cover = pages["index.md"]
    assert "苏剑林" in cover and "6 章" in cover and "2022" in cover
    assert "(diffusion/9152.md)" in cover  # where to start
    part = pages["diffusion/index.md"]
    assert part.index("(9152.md)") < part.index("(9257.md)") < part.index("(9305.md)")
    assert "2022年7月6日" in part


# the CLI

def test_build_writes_every_page_of_the_bundled_book(tmp_path: Path):
    done = cli("build", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "35 chapters" in done.stdout
    for lang in ("zh", "en"):  # chapters, parts, cover, glossary
        assert len(list((tmp_path / lang).rglob("*.md"))) == 35 + 8 + 1 + 1


def test_check_on_real_archive_lists_findings_and_passes_strict():
    done = cli("check", "--strict", "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "[merged-duplicate]" in done.stdout and "[lost-glyph]" in done.stdout
    assert "000_572a7b03ff7c8812.txt:119" in done.stdout
    assert "accounting: 39 entries read = 35 chapters + 4 merged into another entry's chapter (4 merge(s)" \
        in done.stdout
    assert done.stdout.count("[merged-duplicate]") == 4


def test_the_bundled_book_survives_a_broken_dump(tmp_path: Path):
    done = cli("build", "--archive", str(archive_with_broken_dumps(tmp_path)), "--out", str(tmp_path / "out"), "-q")
    assert "35 chapters" in done.stdout  # the book is written without the broken file
    assert len(list((tmp_path / "out" / "zh").rglob("*.md"))) == 35 + 8 + 1 + 1


def test_strict_build_has_every_page(built: Path):
    pages = list(built.rglob("*.html"))
    chapters = [p for p in pages if re.fullmatch(r"\d+", p.parent.name)]
    english = [p for p in chapters if p.relative_to(built).parts[0] == "en"]
    assert len(chapters) == 70 and len(english) == 35
    assert (built / "pagefind" / "pagefind.js").exists() and (built / "en" / "pagefind" / "pagefind.js").exists()
    assert not (built / "search").exists() and not (built / "en" / "search").exists()  # no second, lunr index
    assert (built / "en" / "glossary" / "index.html").exists() and (built / "en" / "about" / "index.html").exists()
    assert (built / "assets/mathjax/tex-chtml-full.js").stat().st_size > 1_000_000
    assert len(list((built / "assets/mathjax/output/chtml/fonts/woff-v2").glob("*.woff"))) > 20


def test_sitemaps_pair_every_page_with_its_twin(built: Path):
    import xml.etree.ElementTree as ET

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    for edition, prefix in ((built, ""), (built / "en", "en/")):
        root = ET.parse(edition / "sitemap.xml").getroot()
        urls = root.findall("s:url", ns)
        assert len(urls) == 46
        for url in urls:
            loc = url.find("s:loc", ns).text
            alts = {a.get("hreflang"): a.get("href") for a in url.findall("x:link", ns)}
            path = loc.split("/", 3)[3].removeprefix(prefix)
            assert alts == {"zh-CN": "http://127.0.0.1:8000/" + path, "en": "http://127.0.0.1:8000/en/" + path,
                            "x-default": "http://127.0.0.1:8000/" + path}
