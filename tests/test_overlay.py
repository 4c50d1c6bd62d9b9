"""Editorial data: each file checked against its schema; a mistake costs one record, named by file:line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from builder import overlay as overlay_module
from builder.attach import load_translations
from builder.model import Level
from builder.overlay import Overlay, load_overlay, load_terms, load_ui
from builder.pipeline import Paths, run
from builder.yamldata import schema
from tests.conftest import FIXTURES, ROOT

LANGUAGES = ("zh", "en")


def _editorial(tmp_path: Path, **files: str) -> Path:
    """A copy of the project's editorial folder with some files replaced."""
    folder = tmp_path / "editorial"
    shutil.copytree(ROOT / "editorial", folder)
    for name, text in files.items():
        (folder / f"{name}.yml").write_text(text, encoding="utf-8")
    return folder


def _errors(problems, code: str) -> list[tuple[str, int, str]]:
    return [(Path(p.source.file).name, p.source.line, p.message) for p in problems
            if p.code == code and p.level == Level.ERROR]


def _ui_names() -> dict[str, list[str]]:
    return {k: rule.get("placeholders", []) for k, rule in schema("ui")["$defs"]["words"]["properties"].items()}


def _assert_formattable(ui: dict[str, dict[str, str]]) -> None:
    names = _ui_names()
    for lang in LANGUAGES:
        assert set(ui[lang]) == set(names)
        for key, allowed in names.items():
            ui[lang][key].format(**{name: 1 for name in allowed})


def test_bundled_editorial_data_and_translations_load_without_a_single_problem():
    overlay, problems = load_overlay(ROOT / "editorial")
    terms, found = load_terms(ROOT / "editorial")
    ui, found_ui = load_ui(ROOT / "editorial")
    translations, found_tr = load_translations(ROOT / "translations" / "en")
    assert problems == [] and found == [] and found_ui == [] and found_tr == []
    assert ui["en"]["date_fmt"] == "{month_name} {d}, {y}" and ui["zh"]["part_label"] == "第 {n} 部分"


def test_the_real_build_reports_nothing_about_editorial_data_or_translations(real):
    ours = (str(ROOT / "editorial"), str(ROOT / "translations"))
    assert not [p for p in real.problems if p.level in (Level.ERROR, Level.WARNING) and p.source.file.startswith(ours)]
    assert not [p for p in real.problems if p.code.endswith("-invalid") or p.code == "unsafe-character"]


def test_a_missing_editorial_folder_is_one_error_and_the_build_goes_on(tmp_path: Path):
    missing = tmp_path / "nowhere"
    overlay, problems = load_overlay(missing)
    assert overlay == Overlay()
    assert [(p.code, p.level, p.source.file) for p in problems] == [("editorial-missing", Level.ERROR, str(missing))]
    result = run(Paths(archive=FIXTURES / "formats", editorial=missing, out=tmp_path / "out",
                       translations=tmp_path / "tr"), write_files=False)
    assert [p.code for p in result.problems if p.level == Level.ERROR] == ["editorial-missing"]
    assert result.rendered["en"].files


@pytest.mark.parametrize("name", ["book", "posts", "glossary", "ui"])
def test_unreadable_yaml_is_an_error_with_its_line_and_the_file_keeps_its_defaults(tmp_path: Path, name: str):
    folder = _editorial(tmp_path, **{name: "# comment\nkey: value\nlist: [1, 2\nmore: 3\n"})
    overlay, problems = load_overlay(folder)
    terms, found = load_terms(folder)
    ui, found_ui = load_ui(folder)
    everything = problems + found + found_ui
    errors = [p for p in everything if p.level == Level.ERROR]
    assert len(errors) == 1 and errors[0].source.file == str(folder / f"{name}.yml") and errors[0].source.line == 4
    assert "not valid YAML" in errors[0].message
    if name == "book":
        assert overlay.title == Overlay().title and overlay.parts == []
    if name == "posts":
        assert overlay.posts == [] and len(overlay.parts) == len(load_overlay(ROOT / "editorial")[0].parts)
    if name == "glossary":
        assert terms == []
    if name == "ui":  # every word from the project's own file
        assert ui == load_ui(ROOT / "editorial")[0]


@pytest.mark.parametrize("name", ["book", "posts", "glossary", "ui"])
def test_an_alias_bomb_in_an_editorial_file_is_refused(tmp_path: Path, name: str):
    bomb = (FIXTURES / "yaml" / "billion_laughs.yml").read_text(encoding="utf-8")
    folder = _editorial(tmp_path, **{name: bomb})
    problems = load_overlay(folder)[1] + load_terms(folder)[1] + load_ui(folder)[1]
    assert [(f, n) for f, n, m in (_errors(problems, f"{'overlay' if name in ('book', 'posts') else name}-invalid"))
            if "alias" in m] == [(f"{name}.yml", 3)]


def test_a_bad_part_or_book_setting_is_skipped_and_the_rest_kept(tmp_path: Path):
    book = ("title: [not, text]\n"
            "title_en: Fine Title\n"
            "nav_group_size: 2\n"
            "series_en:\n"
            "  甲系列: Series A\n"
            "  乙系列: 7\n"
            "parts:\n"
            "  - key: first\n"
            "    title: 第一\n"
            "  - key: Not A Slug\n"
            "  - {key: typo, titel: 错}\n"
            "  - just a string\n"
            "  - key: first\n"
            "  - key: rest\n"
            "    fallback: true\n")
    overlay, problems = load_overlay(_editorial(tmp_path, book=book))
    assert [(n, m.split(":")[0]) for _, n, m in _errors(problems, "overlay-invalid")] == [
        (1, "title"), (3, "nav_group_size"), (6, "series_en.乙系列"), (10, "parts[1].key"), (11, "parts[2].titel"),
        (12, "parts[3]"), (13, "part key 'first' used twice")]
    assert overlay.title == Overlay().title and overlay.title_en == "Fine Title"
    assert overlay.nav_group_size == Overlay().nav_group_size
    assert overlay.series_en == {"甲系列": "Series A"}
    assert [(p.key, p.source.line) for p in overlay.parts] == [("first", 8), ("rest", 14)]


def test_a_bad_post_record_is_skipped_with_its_line(tmp_path: Path):
    posts = ("posts:\n"
             "  - id: '1'\n"
             "    match: 第一篇\n"
             "    date: 2024-01-31\n"
             "  - id: '2'\n"
             "    match: 第二篇\n"
             "    date: 31.01.2024\n"
             "  - id: '3'\n"
             "    match: 第三篇\n"
             "    url: javascript:alert(1)\n"
             "  - id: 4\n"
             "    match: 第四篇\n"
             "    series_number: '二'\n"
             "  - match: 没有id\n"
             "  - id: '6'\n"
             "    match: 第六篇\n"
             "    date: 2023-02-30\n"
             "    order: 2\n")
    overlay, problems = load_overlay(_editorial(tmp_path, posts=posts))
    assert [n for _, n, _ in _errors(problems, "overlay-invalid")] == [7, 10, 13, 14]
    assert [(f.id, f.source.line) for f in overlay.posts] == [("1", 2), ("6", 15)]
    assert overlay.posts[0].date.iso() == "2024-01-31" and overlay.posts[1].date is None
    assert overlay.posts[1].order == 2.0
    warnings = [(p.source.line, p.message) for p in problems if p.level == Level.WARNING]
    assert warnings == [(17, "date '2023-02-30' is not a day of the calendar; ignored")]


def test_a_bad_term_is_skipped_with_its_line(tmp_path: Path):
    glossary = ("terms:\n"
                "  - {zh: 扩散模型, en: diffusion model}\n"
                "  - {zh: 缺英文}\n"
                "  - {zh: 多余, en: extra, colour: red}\n"
                "  - {zh: 别名, en: alias, alt: alias2}\n"
                "  - {zh: 好的, en: good, alt: [fine]}\n")
    terms, problems = load_terms(_editorial(tmp_path, glossary=glossary))
    assert [n for _, n, _ in _errors(problems, "glossary-invalid")] == [3, 4, 5]
    assert [(t.zh, t.alt) for t in terms] == [("扩散模型", ()), ("好的", ("fine",))]


def _ui_with(tmp_path: Path, replace: dict[tuple[str, str], str]) -> Path:
    text = (ROOT / "editorial" / "ui.yml").read_text(encoding="utf-8")
    lines = text.split("\n")
    lang = None
    for i, line in enumerate(lines):
        if line in ("zh:", "en:"):
            lang = line[:-1]
        key = line.strip().split(":")[0]
        if (lang, key) in replace:
            lines[i] = f"  {key}: {replace[(lang, key)]}"
    return _editorial(tmp_path, ui="\n".join(lines))


def _line_of(folder: Path, lang: str, key: str) -> int:
    lines = (folder / "ui.yml").read_text(encoding="utf-8").split("\n")
    start = lines.index(f"{lang}:")
    return next(i for i in range(start, len(lines)) if lines[i].startswith(f"  {key}:")) + 1


@pytest.mark.parametrize("value", ['"{m:>99999999}"', '"{0.__class__}"', '"{m!r}"', '"{foo}"', '"{y}年{m"',
                                   '"}{y}"', "[1, 2]", '"' + "年" * 400 + '"'])
def test_a_bad_ui_word_is_refused_with_its_line_and_the_projects_word_used(tmp_path: Path, value: str):
    folder = _ui_with(tmp_path, {("zh", "date_fmt"): value, ("en", "by"): "Written by"})
    ui, problems = load_ui(folder)
    assert [(f, n) for f, n, _ in _errors(problems, "ui-invalid")] == [("ui.yml", _line_of(folder, "zh", "date_fmt"))]
    assert "zh.date_fmt" in problems[0].message
    assert ui["zh"]["date_fmt"] == "{y}年{m}月{d}日"  # the project's
    assert ui["en"]["by"] == "Written by"  # the folder's own, where it is good
    _assert_formattable(ui)


def test_a_missing_or_unknown_ui_key_is_reported_and_filled_from_the_project(tmp_path: Path):
    folder = _editorial(tmp_path, ui="zh:\n  by: 撰文\nen:\n  by: Words by\n  bye: Goodbye\n")
    ui, problems = load_ui(folder)
    found = _errors(problems, "ui-invalid")
    assert [(n, m.split(":")[0]) for _, n, m in found] == [(1, "zh"), (3, "en"), (5, "en.bye")]
    assert "missing cover_title" in found[0][2] and "did you mean by?" in found[2][2]
    assert ui["zh"]["by"] == "撰文" and ui["en"]["by"] == "Words by"
    assert ui["en"]["cover_title"] == "Cover" and "bye" not in ui["en"]
    _assert_formattable(ui)


def test_when_the_projects_words_are_unusable_too_the_key_name_is_shown(tmp_path: Path, monkeypatch):
    broken = tmp_path / "bundled-ui.yml"
    broken.write_text("zh:\n  date_fmt: '{y:>999999999}'\nen: 5\n", encoding="utf-8")
    monkeypatch.setattr(overlay_module, "BUNDLED_UI", broken)
    folder = _editorial(tmp_path, ui="zh:\n  by: 撰文\n  date_fmt: '{0.__class__}'\n")
    ui, problems = load_ui(folder)
    assert {Path(p.source.file).name for p in problems} == {"ui.yml", "bundled-ui.yml"}
    assert ui["zh"]["by"] == "撰文" and ui["zh"]["date_fmt"] == "date_fmt" and ui["en"]["date_fmt"] == "date_fmt"
    _assert_formattable(ui)


def test_every_name_the_ui_schema_allows_is_filled_by_the_renderer(tmp_path: Path):
    """A word may use each of its placeholders: the renderer must fill them all (no KeyError)."""
    names = _ui_names()
    replace = {(lang, key): '"' + key.replace("_", "") + "Z" + "".join("{" + n + "}" for n in allowed) + '"'
               for lang in LANGUAGES for key, allowed in names.items() if allowed}
    folder = _ui_with(tmp_path, replace)
    result = run(Paths(editorial=folder, out=tmp_path / "out"), write_files=False)
    assert not _errors(result.problems, "ui-invalid")
    en = {f.path: f.content for f in result.rendered["en"].files}
    assert "partlabelZ1" in en["diffusion/index.md"] and "chapterscountZ" in en["index.md"]
    assert "datefmtZ2022" in en["diffusion/9152.md"] and "seriespositionZ" in en["diffusion/9152.md"]


def test_broken_editorial_files_cost_only_what_they_spoil(tmp_path: Path):
    posts = (ROOT / "editorial" / "posts.yml").read_text(encoding="utf-8")
    broken = posts.replace("  - id: '9969'\n", "  - id: 'Not A Slug'\n", 1)
    assert broken != posts
    folder = _ui_with(tmp_path, {("en", "part_label"): '"Part {n:>999999999}"'})
    (folder / "posts.yml").write_text(broken, encoding="utf-8")
    result = run(Paths(editorial=folder, out=tmp_path / "out"), write_files=False)
    assert [m.split(":")[0] for _, _, m in _errors(result.problems, "overlay-invalid")] == ["posts[0].id"]
    assert [m.split(":")[0] for _, _, m in _errors(result.problems, "ui-invalid")] == ["en.part_label"]
    assert "Part 1" in {f.path: f.content for f in result.rendered["en"].files}["diffusion/index.md"]
    assert len(result.overlay.posts) == 34


# --- the parts' rules: series, keywords, tags, categories ----------------------------------------------------------

def _book(tmp_path: Path, parts: str) -> tuple[Overlay, list]:
    return load_overlay(_editorial(tmp_path, book="title: T\nparts:\n" + parts))


def test_tags_and_categories_of_a_part_are_read():
    overlay, problems = load_overlay(ROOT / "editorial")
    assert problems == []
    rules = {p.key: p for p in overlay.parts}
    assert "muon" in rules["optimization"].tags and "attention" in rules["transformer"].tags
    assert rules["physics"].categories == ("物理化学",) and rules["astronomy"].categories == ("天文探索",)
    assert [p.key for p in overlay.parts if p.fallback] == ["other"] and overlay.parts[-1].key == "other"


def test_every_blog_category_is_claimed_by_exactly_one_part():
    overlay, _ = load_overlay(ROOT / "editorial")
    claimed = [c for p in overlay.parts for c in p.categories]
    assert sorted(claimed) == sorted(["信息时代", "数学研究", "物理化学", "天文探索", "千奇百怪", "生物自然",
                                      "问题百科", "生活/情感", "资源共享", "图片摄影"])


def test_the_header_of_book_yml_tells_the_editor_the_order_of_the_rules():
    text = (ROOT / "editorial" / "book.yml").read_text(encoding="utf-8")
    header = text[: text.index("\ntitle:")]
    steps = ["posts.yml", "series:", "title keyword", "tag:", "category:", "fallback: true"]
    at = [header.index(step) for step in steps]
    assert at == sorted(at)
    assert "VAEs" in header  # what "whole names" means, with an example


def test_a_tag_list_that_is_not_a_list_costs_that_list_and_keeps_the_part(tmp_path: Path):
    overlay, problems = _book(tmp_path, "  - key: ml\n"
                                        "    keywords: [神经网络]\n"
                                        "    tags: vae\n"
                                        "    categories: {信息时代: 1}\n"
                                        "  - {key: rest, fallback: true}\n")
    assert [(n, m) for _, n, m in _errors(problems, "overlay-invalid")] == [
        (5, "parts[0].tags: expected a list or nothing, found text"),
        (6, "parts[0].categories: expected a list or nothing, found a mapping")]
    ml = overlay.parts[0]
    assert (ml.key, ml.keywords, ml.tags, ml.categories) == ("ml", ("神经网络",), (), ())


def test_a_bad_tag_costs_its_list_and_is_named_by_its_line(tmp_path: Path):
    overlay, problems = _book(tmp_path, "  - key: ml\n"
                                        "    tags:\n"
                                        "      - vae\n"
                                        "      - 5\n"
                                        "      - ''\n"
                                        "      - " + "长" * 301 + "\n"
                                        "    categories: [信息时代]\n"
                                        "  - {key: rest, fallback: true}\n")
    assert [(n, m.split(":")[0]) for _, n, m in _errors(problems, "overlay-invalid")] == [
        (6, "parts[0].tags[1]"), (7, "parts[0].tags[2]"), (8, "parts[0].tags[3]")]
    assert overlay.parts[0].tags == () and overlay.parts[0].categories == ("信息时代",)


def test_ten_thousand_tags_are_refused_with_their_line_and_the_part_kept(tmp_path: Path):
    tags = "".join(f"      - 标签{i}\n" for i in range(10_000))
    overlay, problems = _book(tmp_path, "  - key: ml\n    series: [某系列]\n    tags:\n" + tags +
                              "  - {key: rest, fallback: true}\n")
    assert [(f, n, m) for f, n, m in _errors(problems, "overlay-invalid")] == [
        ("book.yml", 5, "parts[0].tags: more than 1000 entries")]
    assert [(p.key, p.series, p.tags) for p in overlay.parts] == [("ml", ("某系列",), ()), ("rest", (), ())]


def test_an_unknown_key_in_a_part_is_named_with_a_hint_and_costs_the_part(tmp_path: Path):
    overlay, problems = _book(tmp_path, "  - key: ml\n"
                                        "    tag: [vae]\n"
                                        "    category: [信息时代]\n"
                                        "  - {key: rest, fallback: true}\n")
    assert [(n, m) for _, n, m in _errors(problems, "overlay-invalid")] == [
        (4, "parts[0].tag: unknown key (did you mean tags?)"),
        (5, "parts[0].category: unknown key (did you mean categories?)")]
    assert [p.key for p in overlay.parts] == ["rest"]


def test_a_tag_an_earlier_part_claims_is_a_warning_with_both_lines(tmp_path: Path):
    overlay, problems = _book(tmp_path, "  - {key: a, tags: [VAE], categories: [信息时代], series: [某系列]}\n"
                                        "  - key: b\n"
                                        "    tags: [ vae , gan]\n"
                                        "    categories: [信息时代]\n"
                                        "    series: [某 系列]\n"
                                        "  - {key: rest, fallback: true}\n")
    warned = [(p.source.line, p.message) for p in problems if p.code == "overlay-shadowed"]
    assert [line for line, _ in warned] == [7, 5, 6]  # series, then tags, then categories of part b
    assert all("part 'a' (line 3)" in message and "part 'b' never gets" in message for _, message in warned)
    assert all(p.level == Level.WARNING for p in problems)
    assert [p.key for p in overlay.parts] == ["a", "b", "rest"]


def test_many_names_claimed_twice_are_reported_a_bounded_number_of_times(tmp_path: Path):
    tags = ", ".join(f"t{i}" for i in range(1000))
    overlay, problems = _book(tmp_path, f"  - {{key: a, tags: [{tags}]}}\n  - {{key: b, tags: [{tags}]}}\n"
                                        "  - {key: rest, fallback: true}\n")
    shadowed = [p for p in problems if p.code == "overlay-shadowed"]
    assert len(shadowed) == 21 and "980 more" in shadowed[-1].message
    assert len(overlay.parts[1].tags) == 1000
