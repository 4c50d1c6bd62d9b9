"""Editions as data: editorial/editions.yml, and everything about URLs that derives from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.editions import DEFAULT, load_editions
from tests.conftest import ROOT


def test_the_project_defines_chinese_at_the_root_and_english_below_it():
    editions, problems = load_editions(ROOT / "editorial")
    assert problems == []
    assert editions.langs() == ("zh", "en") and editions.original.lang == "zh"
    zh, en = editions.all
    assert (zh.prefix, en.prefix) == ("", "en/") and (zh.tag, en.tag) == ("zh-CN", "en")
    assert (zh.config, en.config) == ("mkdocs.yml", "mkdocs.en.yml")


def test_urls_and_relative_paths_derive_from_the_prefixes():
    zh, en = DEFAULT.all
    assert zh.root_url("https://u.github.io/book/") == "https://u.github.io/book/"
    assert en.root_url("https://u.github.io/book") == "https://u.github.io/book/en/"
    assert (zh.path_to(en), en.path_to(zh), en.path_to(en), zh.path_to(zh)) == ("en/", "../", "../en/", "")


def test_a_third_edition_is_a_record(tmp_path: Path):
    (tmp_path / "editions.yml").write_text(
        "editions:\n  - {lang: zh, tag: zh-CN, name: 中文, prefix: '', config: mkdocs.yml}\n"
        "  - {lang: en, tag: en, name: English, prefix: en/, config: mkdocs.en.yml}\n"
        "  - {lang: fr, tag: fr, name: Français, prefix: fr/, config: mkdocs.fr.yml}\n", encoding="utf-8")
    editions, problems = load_editions(tmp_path)
    assert problems == [] and editions.langs() == ("zh", "en", "fr")
    fr = editions.get("fr")
    assert fr is not None and editions.get("en").path_to(fr) == "../fr/" and fr.source.line == 4


@pytest.mark.parametrize("text,line,words", [
    ("editions:\n  - {lang: zh, tag: zh-CN, name: 中文, prefix: '', config: mkdocs.yml}\n"
     "  - {lang: en, tag: en, name: English, prefix: '', config: mkdocs.en.yml}\n", 3, "prefix"),
    ("editions:\n  - {lang: zh, tag: zh-CN, name: 中文, prefix: 'zh/', config: mkdocs.yml}\n", 2, "site root"),
    ("editions:\n  - {lang: zh, tag: zh-CN, name: 中文, prefix: '', config: mkdocs.yml}\n"
     "  - {lang: zh, tag: en, name: English, prefix: en/, config: mkdocs.en.yml}\n", 3, "lang 'zh'"),
    ("editions:\n  - {lang: zh, tag: zh-CN, name: 中文, prefix: '', config: mkdocs.yml}\n"
     "  - {lang: en, tag: en, name: English, prefix: ../x/, config: mkdocs.en.yml}\n", 3, "prefix"),
    ("editions:\n  - {lang: zh, tag: zh-CN, name: 中文, config: ../../etc/passwd}\n", 2, "config"),
    ("editions: 5\n", 1, "editions"),
])
def test_a_bad_editions_file_is_an_error_with_its_line_and_the_built_in_pair_is_used(tmp_path, text, line, words):
    (tmp_path / "editions.yml").write_text(text, encoding="utf-8")
    editions, problems = load_editions(tmp_path)
    assert editions == DEFAULT
    assert problems and all(p.level.value == "error" for p in problems)
    assert any(p.source.line == line and words in p.message for p in problems), [str(p) for p in problems]
    assert all(p.source.file.endswith("editions.yml") for p in problems)
