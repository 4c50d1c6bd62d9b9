"""Paragraph alignment, staleness, scaffolding, and the checks on translations."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from builder.attach import attach, formula_drift, glossary_misses, load_translations
from builder.editions import DEFAULT as DEFAULT_EDITIONS
from builder.glossary import Term, load_glossary
from builder.model import Block, BlockKind, Level, Post, Source
from builder.pipeline import Paths, run
from builder.translations import (
    State,
    Translation,
    Unit,
    align,
    dump_translation,
    load_translation,
    scaffold,
    unit_hash,
)
from tests.conftest import FIXTURES, ROOT


def _post(*texts: str) -> Post:
    blocks = tuple(Block(BlockKind.PARAGRAPH, t, Source("x.txt", i + 1)) for i, t in enumerate(texts))
    return Post(key="k", title="标题", title_source="archive", date=None, author="苏剑林", blocks=blocks,
                truncated=True, sources=(Source("x.txt", 1),))


def _translated(post: Post, tmp_path: Path):
    tr, added = scaffold(post, None, tmp_path / "k.yml")
    assert added == len(post.blocks)
    for i, u in enumerate(tr.units):
        u.text = f"English {i}"
    tr.title.text = "Title"
    return tr


def test_hash_ignores_width_and_spacing():
    assert unit_hash("公式，见  下文") == unit_hash("公式,见 下文")
    assert unit_hash("一") != unit_hash("二")


def test_editing_one_paragraph_makes_exactly_that_unit_stale(tmp_path: Path):
    post = _post("第一段。", "第二段。", "第三段。")
    tr = _translated(post, tmp_path)
    changed = dataclasses.replace(post.blocks[1], text="第二段改过了。")
    edited = dataclasses.replace(post, blocks=(post.blocks[0], changed, post.blocks[2]))
    states = [a.state for a in align(edited, tr)]
    assert states == [State.CURRENT, State.STALE, State.CURRENT]
    stale = align(edited, tr)[1]
    assert stale.old_source == "第二段。" and stale.text == "English 1"


def test_added_paragraph_is_missing_and_others_stay(tmp_path: Path):
    post = _post("第一段。", "第二段。")
    tr = _translated(post, tmp_path)
    grown = dataclasses.replace(post, blocks=post.blocks[:1] + (Block(BlockKind.PARAGRAPH, "新加的一段。",
                                                                       Source("x.txt", 9)),) + post.blocks[1:])
    assert [a.state for a in align(grown, tr)] == [State.CURRENT, State.MISSING, State.CURRENT]


def test_scaffold_extends_without_touching_existing_work(tmp_path: Path):
    post = _post("第一段。", "第二段。")
    tr = _translated(post, tmp_path)
    path = tmp_path / "k.yml"
    path.write_text(dump_translation(tr), encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    grown = dataclasses.replace(post, blocks=(post.blocks[0], Block(BlockKind.PARAGRAPH, "新段。", Source("x", 5)),
                                              dataclasses.replace(post.blocks[1], text="第二段改了。")))
    again, added = scaffold(grown, load_translation(path), path)
    assert added == 1  # the new paragraph; the edited one keeps its (stale) unit
    texts = [(u.source, u.text) for u in again.units]
    assert texts == [("第一段。", "English 0"), ("新段。", ""), ("第二段。", "English 1")]
    assert again.title.text == "Title"
    path.write_text(dump_translation(again), encoding="utf-8")
    reread = load_translation(path)
    assert [u.text for u in reread.units] == ["English 0", "", "English 1"]
    assert before != path.read_text(encoding="utf-8")


def test_formula_drift_and_glossary():
    assert formula_drift("设$x=1$,则$$y=2$$", "Let $x=1$, then $$y=2$$") == ([], [])
    only_zh, only_en = formula_drift("设$x=1$", "Let $x = 1$")
    assert only_zh == ["x=1"] and only_en == ["x = 1"]
    terms = [Term("扩散模型", "diffusion model"), Term("变分自编码器", "variational autoencoder", ("VAE",))]
    assert glossary_misses("扩散模型很好", "Diffusion models are good", terms) == []
    assert [t.zh for t in glossary_misses("扩散模型很好", "Spreading models are good", terms)] == ["扩散模型"]
    assert glossary_misses("变分自编码器", "a VAE", terms) == []
    assert glossary_misses("扩散模型", "spreading", terms, ignore=("扩散模型",)) == []


def test_glossary_is_data_with_dozens_of_terms():
    terms = load_glossary(ROOT / "editorial")
    assert len(terms) >= 40
    assert {"扩散模型", "变分自编码器", "得分匹配", "能量模型"} <= {t.zh for t in terms}


def _copy_project(tmp_path: Path) -> Paths:
    shutil.copytree(ROOT / "archive", tmp_path / "archive")
    shutil.copytree(ROOT / "translations", tmp_path / "translations")
    return Paths(archive=tmp_path / "archive", editorial=ROOT / "editorial", out=tmp_path / "out",
                 translations=tmp_path / "translations")


def test_changed_dump_marks_stale_in_english_and_never_overwrites(tmp_path: Path):
    paths = _copy_project(tmp_path)
    dump = paths.archive / "002_c805ef0609284980.txt"
    dump.write_text(dump.read_text(encoding="utf-8").replace("所以,本文就从VAE的角度", "所以,本文改从VAE的角度"),
                    encoding="utf-8")
    before = {p.name: p.read_bytes() for p in (paths.translations / "en").glob("*.yml")}
    result = run(paths)
    stale = [p for p in result.problems if p.code == "stale-translation"]
    assert len(stale) == 1 and stale[0].source.file.endswith("9152.yml")
    assert "本文改从VAE的角度" in stale[0].message
    assert result.rendered["en"].units["stale"] == 1
    page = (paths.out / "en" / "diffusion" / "9152.md").read_text(encoding="utf-8")
    assert page.count("kb-notice--stale") == 1 and "本文改从VAE的角度" in page
    assert {p.name: p.read_bytes() for p in (paths.translations / "en").glob("*.yml")} == before


def test_formula_changed_in_translation_is_reported_with_line(tmp_path: Path):
    paths = _copy_project(tmp_path)
    path = paths.translations / "en" / "8791.yml"
    tr = load_translation(path)
    unit = next(u for u in tr.units if "\\mathbb{E}" in u.text)
    unit.text = unit.text.replace("\\log q_{\\theta}(x)]", "\\log q(x)]")
    path.write_text(dump_translation(tr), encoding="utf-8")
    line = load_translation(path).units[tr.units.index(unit)].line
    problems = attach(run(paths, write_files=False).book, DEFAULT_EDITIONS, {"en": {"8791": load_translation(path)}},
                      load_glossary(ROOT / "editorial"))[1]
    drift = [p for p in problems if p.code == "formula-drift"]
    assert len(drift) == 1 and drift[0].source.line == line and drift[0].source.file.endswith("8791.yml")


def test_english_pages_pair_with_chinese_ones(real):
    zh = {f.path: f.content for f in real.rendered["zh"].files}
    en = {f.path: f.content for f in real.rendered["en"].files}
    assert zh.keys() == en.keys()
    meta_en = yaml.safe_load(en["diffusion/9271.md"].split("---\n")[1])
    ld_en = json.loads(meta_en["jsonld"])
    ld_zh = json.loads(yaml.safe_load(zh["diffusion/9271.md"].split("---\n")[1])["jsonld"])
    assert ld_en["inLanguage"] == "en" and ld_en["headline"].startswith("Musings on Generative Diffusion Models (11)")
    assert ld_en["translationOfWork"] == {"@id": ld_zh["url"]}
    assert ld_zh["workTranslation"] == {"@id": ld_en["url"]}
    assert ld_en["url"].endswith("/en/diffusion/9271/") and ld_en["position"] == 11
    assert ld_en["isPartOf"]["name"] == "Musings on Generative Diffusion Models"
    assert "Chapters in this part" in en["diffusion/index.md"] and "Part 1" in en["diffusion/index.md"]
    assert "Where to start" in en["index.md"]


def test_unit_ignore_terms_survive_a_round_trip(tmp_path: Path):
    post = _post("加减乘除幂等。")
    tr = _translated(post, tmp_path)
    tr.units[0] = Unit(tr.units[0].hash, tr.units[0].source, "powers", ignore_terms=("幂等",))
    (tmp_path / "k.yml").write_text(dump_translation(tr), encoding="utf-8")
    assert load_translation(tmp_path / "k.yml").units[0].ignore_terms == ("幂等",)


# --- hostile or mistaken translation files: an error names file:line and costs that file or unit only ---

VICTIM, NEIGHBOUR = "9152", "9271"


def _blocks(text: str) -> list[str]:
    """The text of each unit of a file as scaffold writes it (one `- hash:` line, then its keys)."""
    starts = [i for i in range(len(text)) if text.startswith("\n- hash:", i)]
    return [text[a + 1:b + 1] for a, b in zip(starts, [*starts[1:], len(text) - 1], strict=True)]


def _title_block(text: str) -> str:
    return text[text.index("title:\n"):text.index("units:\n")]


def _unit_hash_of(block: str) -> str:
    return block.split("\n")[0].removeprefix("- hash: ").strip("'")


def _without_hash(block: str) -> str:
    first, rest = block.split("\n", 1)
    return "- " + rest.lstrip()


# name → (how to break the file, a marker at the line the error must name, what it spoils)
BROKEN = {
    "top-level list": (lambda t, b: "- chapter: '9152'\n- units: []\n", "- chapter", "file"),
    "units: 5": (lambda t, b: t[:t.index("units:\n")] + "units: 5\n", "units: 5", "file"),
    "chapter as list": (lambda t, b: t.replace("chapter: '9152'", "chapter: [9152]"), "chapter: [9152]", "file"),
    "unknown top-level key": (lambda t, b: t + "notes: hi\n", "notes: hi", "file"),
    "unit as string": (lambda t, b: t.replace(b, "- just a string\n"), "- just a string", "unit"),
    "unit without hash": (lambda t, b: t.replace(b, _without_hash(b)), "MARK:unit", "unit"),
    "title as list": (lambda t, b: t.replace(_title_block(t), "title: [1]\n"), "title: [1]", "title"),
    "ignore_terms not a list": (lambda t, b: t.replace(b, b + "  ignore_terms: 7\n"), "ignore_terms: 7", "unit"),
    "text as mapping": (lambda t, b: t.replace(b, b.split("  text:")[0] + "  text:\n    a: b\n"),
                        "  text:\n    a: b", "unit"),
    "hash of the wrong form": (lambda t, b: t.replace(b, b.replace(_unit_hash_of(b), "XYZ", 1)), "- hash: XYZ",
                               "unit"),
    "key given twice": (lambda t, b: t.replace(b, b + "  text: again\n"), "  text: again", "unit"),
}


def _broken_folder(tmp_path: Path, name: str) -> tuple[Path, int, str]:
    folder = tmp_path / "en"
    folder.mkdir()
    shutil.copy(ROOT / "translations" / "en" / f"{NEIGHBOUR}.yml", folder)
    text = (ROOT / "translations" / "en" / f"{VICTIM}.yml").read_text(encoding="utf-8")
    block = _blocks(text)[2]
    breaks, marker, _ = BROKEN[name]
    broken = breaks(text, block)
    assert broken != text
    if marker == "MARK:unit":
        marker = _without_hash(block).split("\n")[0]
    (folder / f"{VICTIM}.yml").write_text(broken, encoding="utf-8")
    return folder, broken[: broken.index(marker)].count("\n") + 1, _unit_hash_of(block)


@pytest.mark.parametrize("name", list(BROKEN))
def test_a_broken_translation_costs_only_its_chapter_or_unit(tmp_path: Path, real, name: str):
    folder, line, lost = _broken_folder(tmp_path, name)
    translations, problems = load_translations(folder)
    errors = [p for p in problems if p.level == Level.ERROR]
    assert [(Path(p.source.file).name, p.source.line, p.code) for p in errors] == [
        (f"{VICTIM}.yml", line, "translation-invalid")], errors
    assert len(translations[NEIGHBOUR].units) == 7  # the file beside it attaches in full
    post = next(c.post for c in real.book.chapters() if c.post.key == VICTIM)
    scope = BROKEN[name][2]
    states = [a.state for a in align(post, translations.get(VICTIM))]
    if scope == "file":
        assert VICTIM not in translations and set(states) == {State.MISSING}
    elif scope == "title":
        assert translations[VICTIM].title is None and set(states) == {State.CURRENT}
    else:
        assert lost not in {u.hash for u in translations[VICTIM].units}
        assert states.count(State.MISSING) == 1 and states.count(State.CURRENT) == len(states) - 1
        missing = next(a for a in align(post, translations[VICTIM]) if a.state == State.MISSING)
        assert unit_hash(missing.block.text) == lost
    with pytest.raises(ValueError, match=f"{VICTIM}.yml:{line}:"):
        load_translation(folder / f"{VICTIM}.yml")  # whole or not at all: scaffold must not drop a unit


def broken_translations(tmp_path: Path) -> Paths:
    """A copy of the project where one translation file has the wrong shape and another one bad unit."""
    paths = _copy_project(tmp_path)
    victim = paths.translations / "en" / f"{VICTIM}.yml"
    victim.write_text("units: 5\n", encoding="utf-8")
    neighbour = paths.translations / "en" / f"{NEIGHBOUR}.yml"
    text = neighbour.read_text(encoding="utf-8")
    neighbour.write_text(text.replace(_blocks(text)[0], "- not a unit\n"), encoding="utf-8")
    return paths


def test_a_broken_translation_shows_as_not_yet_translated_in_the_book(tmp_path: Path):
    result = run(broken_translations(tmp_path), write_files=False)
    errors = [p for p in result.problems if p.level == Level.ERROR]
    assert sorted(Path(p.source.file).name for p in errors) == sorted([f"{NEIGHBOUR}.yml", f"{VICTIM}.yml"])
    en = {f.path: f.content for f in result.rendered["en"].files}
    blocks = len(next(c.post for c in result.book.chapters() if c.post.key == VICTIM).blocks)
    page = en[f"diffusion/{VICTIM}.md"]
    assert page.count("kb-notice--missing") == 2  # the title, and one box holding every paragraph
    box = page[page.rindex('<div class="kb-notice kb-notice--missing"'):]
    assert box.count('<p class="kb-notice__label"') == 1 and blocks >= 3
    post = next(c.post for c in result.book.chapters() if c.post.key == VICTIM)
    openings = [re.search(r"[\u4e00-\u9fff]{2}", b.text) for b in post.blocks]
    assert all(o and o.group(0) in box for o in openings)  # every paragraph, in the box
    assert en[f"diffusion/{NEIGHBOUR}.md"].count("kb-notice--missing") == 1


def test_hostile_translation_files_are_refused_cheaply(tmp_path: Path):
    folder = tmp_path / "en"
    folder.mkdir()
    shutil.copy(ROOT / "translations" / "en" / f"{NEIGHBOUR}.yml", folder)
    shutil.copy(FIXTURES / "yaml" / "billion_laughs.yml", folder / "bomb.yml")
    (folder / "deep.yml").write_text("units: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    (folder / "huge.yml").write_text("units: []\n" + "#" * (3 << 20) + "\n", encoding="utf-8")
    (folder / "gbk.yml").write_bytes("chapter: '1'\nunits:\n- hash: 0123456789ab\n  text: 中文\n".encode("gbk"))
    translations, problems = load_translations(folder)
    assert list(translations) == [NEIGHBOUR]
    assert sorted((Path(p.source.file).name, p.source.line, p.level) for p in problems) == [
        ("bomb.yml", 3, Level.ERROR), ("deep.yml", 1, Level.ERROR), ("gbk.yml", 4, Level.ERROR),
        ("huge.yml", 1, Level.ERROR)]


def test_unsafe_characters_in_a_translation_are_removed_with_a_warning_naming_the_line(tmp_path: Path):
    folder = tmp_path / "en"
    folder.mkdir()
    path = folder / f"{VICTIM}.yml"
    text = (ROOT / "translations" / "en" / f"{VICTIM}.yml").read_text(encoding="utf-8")
    block = _blocks(text)[1]
    text_line = next(x for x in block.split("\n") if x.startswith("  text:"))
    dirty = text_line[:20] + "\ufffe" + text_line[20:30] + "\u0085\u009b" + text_line[30:]
    broken = text.replace(text_line, dirty)
    path.write_text(broken, encoding="utf-8")
    line = broken[: broken.index(dirty)].count("\n") + 1
    translations, problems = load_translations(folder)
    assert [(p.source.file, p.source.line, p.level, p.code) for p in problems] == [
        (str(path), line, Level.WARNING, "unsafe-character")]
    assert "U+FFFE" in problems[0].message and "U+0085" in problems[0].message and "U+009B" in problems[0].message
    clean = load_translation(ROOT / "translations" / "en" / f"{VICTIM}.yml")
    assert [u.text for u in translations[VICTIM].units] == [u.text for u in clean.units]


def test_two_files_for_one_chapter_keep_the_first(tmp_path: Path):
    folder = tmp_path / "en"
    folder.mkdir()
    shutil.copy(ROOT / "translations" / "en" / f"{VICTIM}.yml", folder)
    shutil.copy(ROOT / "translations" / "en" / f"{VICTIM}.yml", folder / "copy.yml")
    translations, problems = load_translations(folder)
    assert [(Path(p.source.file).name, p.level) for p in problems] == [("copy.yml", Level.ERROR)]
    assert translations[VICTIM].path.name == f"{VICTIM}.yml"


def test_attach_gives_every_chapter_its_text_in_every_edition_and_returns_a_new_book(real):
    book = real.book
    for chapter in book.chapters():
        zh, en = chapter.texts["zh"], chapter.texts["en"]
        assert zh.title == chapter.post.title and zh.title_state == State.ORIGINAL
        assert [u.block for u in zh.units] == [u.block for u in en.units] == list(chapter.post.blocks)
        assert all(u.state == State.ORIGINAL and u.text == u.block.text for u in zh.units)
        assert all(u.shown() == (u.text if u.state == State.CURRENT else u.block.text) for u in en.units)
    again, _ = attach(book, DEFAULT_EDITIONS, {"en": {}}, [])
    assert again is not book and book.chapters()[0].texts["en"].title_state == State.CURRENT  # input unchanged
    assert {u.state for c in again.chapters() for u in c.texts["en"].units} == {State.MISSING}
    assert all(c.texts["en"].title == c.post.title for c in again.chapters())  # untranslated: the original title


def _as_the_blog_writes(text: str) -> str:
    """A paragraph as the blog's page has it where the excerpt dump differs: full-width punctuation, a final 。"""
    text = re.sub(r"(?<=[\u4e00-\u9fff]),(?=[\u4e00-\u9fff])", "，", text)
    return text if text.endswith(("。", "$", "！", "？", "：")) else text + "。"


def _converter_page(post: Post, extra: str, blog_punctuation: bool = False) -> str:
    """A full article page in the converter's shape whose opening paragraphs are the excerpt's."""
    from builder import inline

    body = "\n\n".join(inline.escape(_as_the_blog_writes(b.text) if blog_punctuation else b.text).replace("\\$", "$")
                       for b in post.blocks if b.kind == BlockKind.PARAGRAPH)
    url = f"https://kexue.fm/archives/{post.key}"
    date = post.date.iso() if post.date else "2024-01-31"
    return (f"## MENU\n\n- [归档](https://kexue.fm/content.html)\n\n# [{post.title}]({url})\n\nBy 苏剑林 \\|\n"
            f"{date} \\|\n12位读者\\|\n\n{body}\n\n## 新的一节 [\\#]({url}\\#x)\n\n{extra}\n\n"
            f"_**转载到请包括本文地址：** [{url}]({url})_\n")


@pytest.mark.parametrize("blog_punctuation", [False, True])
def test_excerpt_translations_keep_attaching_when_the_full_page_supersedes_the_excerpt(real, tmp_path,
                                                                                       blog_punctuation):
    """The bundled excerpts' English units attach to the full page, whose opening paragraphs are the excerpt's
    (also where the dump turned the page's full-width commas into ASCII and dropped a final full stop)."""
    chapters = {c.post.key: c for c in real.book.chapters()}
    key = next(k for k, c in chapters.items() if sum(u.state == State.CURRENT for u in c.texts["en"].units) >= 3
               and all(b.kind == BlockKind.PARAGRAPH for b in c.post.blocks))
    before = chapters[key]
    archive = tmp_path / "archive"
    shutil.copytree(ROOT / "archive", archive)
    (archive / "pages").mkdir()
    (archive / "pages" / f"{key}.txt").write_text(_converter_page(before.post, "全文比摘录多出的段落。",
                                                                  blog_punctuation), encoding="utf-8")
    result = run(Paths(archive=archive, editorial=ROOT / "editorial", out=tmp_path / "out",
                       translations=ROOT / "translations"), write_files=False)
    after = next(c for c in result.book.chapters() if c.post.key == key)
    assert len(after.post.sources) == len(before.post.sources) + 1 and not after.post.truncated
    was = [u.text for u in before.texts["en"].units if u.state == State.CURRENT]
    now = [u.text for u in after.texts["en"].units if u.state == State.CURRENT]
    assert now == was and len(after.post.blocks) > len(before.post.blocks)


def test_an_article_has_one_unit_per_block_and_none_for_code_or_display_formulas(tmp_path):
    from builder.model import Markup

    kinds = [BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.LIST_ITEM, BlockKind.TABLE,
             BlockKind.QUOTE, BlockKind.CODE, BlockKind.MATH, BlockKind.IMAGE, BlockKind.FOOTNOTE, BlockKind.RULE]
    texts = ["小节", "正文$x$。", "第一项", "第二项", "| a | b |\n|---|---|\n| 1 | 2 |", "引用", "print(1)",
             "\\begin{equation}x\\end{equation}", "示意图", "注释", "---"]
    blocks = tuple(Block(k, t, Source("p.txt", i + 1), Markup.MARKDOWN) for i, (k, t)
                   in enumerate(zip(kinds, texts, strict=True)))
    post = dataclasses.replace(_post(), blocks=blocks)
    tr, added = scaffold(post, None, tmp_path / "k.yml")
    assert added == 8 and [u.source for u in tr.units] == ["小节", "正文$x$。", "第一项", "第二项", texts[4], "引用",
                                                           "示意图", "注释"]
    states = [a.state for a in align(post, tr)]
    assert states.count(State.SHARED) == 3 and states.count(State.MISSING) == 8


def _file(*pairs: tuple[str, str]) -> Translation:
    """A translation file of (source, English) units, as read from disk."""
    return Translation("k", Path("k.yml"), None, [Unit(unit_hash(s), s, t, line=4 + 3 * i)
                                                  for i, (s, t) in enumerate(pairs)])


def test_a_paragraph_the_page_splits_keeps_its_translation_on_the_run():
    """A plain-text scrape splits run-together text at sentence ends where the excerpt kept one paragraph: the
    unit covers the run (current on its first block, the others joined), and scaffold adds nothing for it."""
    tr = _file(("第一句话说的是这个,接着说那个。第二句话把它讲完", "English one"), ("第三段。", "English two"))
    post = _post("第一句话说的是这个，接着说那个。", "第二句话把它讲完。", "第三段。")
    aligned = align(post, tr)
    assert [a.state for a in aligned] == [State.CURRENT, State.JOINED, State.CURRENT]
    assert aligned[0].text == "English one" and aligned[0].units == (0,) and aligned[1].shown() == ""
    _, added = scaffold(post, tr, Path("k.yml"))
    assert added == 0 and len(tr.units) == 2


def test_units_the_page_joins_are_shown_together():
    tr = _file(("第一句话说的是这个。", "First."), ("第二句话说的是那个。", "Second."), ("别的段落。", "Other."))
    post = _post("第一句话说的是这个。第二句话说的是那个。", "别的段落。")
    aligned = align(post, tr)
    assert [a.state for a in aligned] == [State.CURRENT, State.CURRENT]
    assert aligned[0].text == "First. Second." and aligned[0].units == (0, 1)


def test_a_run_that_parts_from_the_unit_is_not_joined():
    """The same opening is not enough: the run must tell the whole unit, no more and no less."""
    tr = _file(("第一句话说的是这个。第二句话把它讲完。", "English one"),)
    changed = _post("第一句话说的是这个。", "第二句话改了说法。")
    assert State.JOINED not in [a.state for a in align(changed, tr)]
    longer = _post("第一句话说的是这个。", "第二句话把它讲完。还多了一句。")
    assert State.JOINED not in [a.state for a in align(longer, tr)]


def test_a_run_is_bounded_in_length():
    """One unit cut into more pieces than SPAN_MAX is not matched (nor tried at every block: a hostile page of
    identical pieces stays linear), while one cut into SPAN_MAX pieces is."""
    from builder.translations import SPAN_MAX

    piece = "重复的句子在这里。"
    for pieces, joined in ((SPAN_MAX, SPAN_MAX - 1), (SPAN_MAX + 1, 0)):
        tr = _file((piece * pieces, "All of it."),)
        states = [a.state for a in align(_post(*[piece] * pieces), tr)]
        assert states.count(State.JOINED) == joined
    many = [a.state for a in align(_post(*[piece] * 3000), _file((piece * 2, "Two."),))]
    assert many.count(State.CURRENT) == 1 and many.count(State.JOINED) == 1


def test_an_english_page_shows_a_split_paragraph_translated_once(real, tmp_path):
    """A bundled excerpt superseded by a plain-text page that splits one of its translated paragraphs in two:
    the English page shows that translation once, beside both Chinese parts, and no notice; check says nothing
    is stale; every other unit that was current still is."""
    chapters = {c.post.key: c for c in real.book.chapters()}
    split = re.compile(r"(?<=[。！？])(?=[^。！？]{8,}。?$)")
    plain = {k: c for k, c in chapters.items()  # text a plain-text page keeps as it is
             if all(b.kind == BlockKind.PARAGRAPH and not set("$\\#") & set(b.text) for b in c.post.blocks)}
    key, index = next((k, i) for k, c in plain.items() for i, u in enumerate(c.texts["en"].units)
                      if u.state == State.CURRENT and split.search(u.block.text.rstrip("。")))
    before = chapters[key]
    paragraphs = [split.sub(" ", _as_the_blog_writes(b.text), count=1) if i == index else _as_the_blog_writes(b.text)
                  for i, b in enumerate(before.post.blocks)]
    date = before.post.date
    month = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()[date.month - 1] if date else "Jan"
    cited = f"({month}. {date.day:02d}, {date.year or 2024})" if date else "(Jan. 31, 2024)"
    page = (" " + " ".join(paragraphs) + "\n 如果您需要引用本文，请参考： \n 苏剑林. "
            f"{cited}. 《{before.post.title}》[Blog post]. Retrieved from https://kexue.fm/archives/{key}\n")
    archive = tmp_path / "archive"
    shutil.copytree(ROOT / "archive", archive)
    (archive / "pages").mkdir()
    (archive / "pages" / f"{key}.txt").write_text(page, encoding="utf-8")
    result = run(Paths(archive=archive, editorial=ROOT / "editorial", out=tmp_path / "out",
                       translations=ROOT / "translations"), write_files=False)
    after = next(c for c in result.book.chapters() if c.post.key == key)
    assert len(after.post.sources) == len(before.post.sources) + 1
    units = after.texts["en"].units
    at = next(i for i, u in enumerate(units) if u.state == State.JOINED)
    assert units[at - 1].text == before.texts["en"].units[index].text
    was = [u.text for u in before.texts["en"].units if u.state == State.CURRENT]
    assert " ".join(u.text for u in units if u.state == State.CURRENT) == " ".join(was)  # some may be joined
    assert State.STALE not in {u.state for u in units}
    assert not [p for p in result.problems if p.code == "stale-translation" and f"{key}.yml" in str(p.source)]
    md = next(f.content for f in result.rendered["en"].files if f.path.endswith(f"{after.slug}.md"))
    english = units[at - 1].text
    assert md.count(english[:40]) == 1
    for part in (units[at - 1].block.text, units[at].block.text):
        assert md.count(part[:12]) == 1  # each Chinese part once, in the hidden parallel copy
    start = md.index(english[:40])
    assert "kb-notice" not in md[start - 300:start + len(english) + 300]


def test_edited_paragraphs_among_new_ones_are_stale_and_unrelated_ones_missing():
    """Between two current blocks, each edited paragraph takes the old unit it reads like, also with new
    paragraphs inserted before it; a paragraph like none of them is missing, and so is every block of a page
    that shares nothing with a long file (the matching weighs only units near a block's place)."""
    tr = _file(("开头的段落。", "Opening."), ("甲说的是扩散模型的前向过程。", "A."), ("乙说的是反向过程的采样。", "B."),
               ("结尾的段落。", "End."))
    post = _post("开头的段落。", "甲说的是扩散模型的前向过程，略有改动。", "全新的一段，讲别的事情。",
                 "又一段新写的话。", "乙说的是反向过程的采样方法。", "结尾的段落。")
    states = [a.state for a in align(post, tr)]
    assert states == [State.CURRENT, State.STALE, State.MISSING, State.MISSING, State.STALE, State.CURRENT]
    many = _file(*[(f"旧稿第{i}号，内容是甲乙丙。", "Old.") for i in range(3000)])
    fresh = _post(*[f"新稿{i}：天地玄黄宇宙洪荒。" for i in range(3000)])
    assert {a.state for a in align(fresh, many)} == {State.MISSING}


def test_a_translation_of_a_plain_text_page_reads_as_markdown(tmp_path: Path):
    """A plain-text page's blocks are plain, but their English text is the dialect every translation is written in:
    its link, emphasis and formula once showed as literal Markdown, the link pointing at the blog."""
    from builder.translations import dump_translation
    from tests.test_escape import _site_markdown

    archive = tmp_path / "archive"
    archive.mkdir()
    shutil.copy(FIXTURES / "pages_text" / "text_full.txt", archive / "6543.txt")  # plain text, post 6543
    target = "https://kexue.fm/archives/77"
    (archive / "77.md").write_text(f"# [前文]({target})\n\nBy 苏剑林 \\|\n\n2019-01-01 \\|\n\n前文正文。\n\n"
                                   f"转载到请包括本文地址：[{target}]({target})\n", encoding="utf-8")
    paths = Paths(archive=archive, editorial=ROOT / "editorial", out=tmp_path / "out",
                  translations=tmp_path / "translations")
    post = next(c.post for c in run(paths).book.chapters() if c.post.post_id == "6543")
    tr, _ = scaffold(post, None, tmp_path / "6543.yml")
    tr.units[0].text = (f"See [the previous post]({target}), **bold** and *italic*, with $H_n$, "
                        "a price of 5\\$ and \\begin{equation}x^2\\end{equation} as plain text writes it.")
    (tmp_path / "translations" / "en").mkdir(parents=True)
    (tmp_path / "translations" / "en" / f"{post.key}.yml").write_text(dump_translation(tr), encoding="utf-8")
    result = run(paths)
    page = next(f.content for f in result.rendered["en"].files if f.path.endswith("/6543.md"))
    html = _site_markdown().convert(page.split("---\n", 2)[2])
    assert re.search(r'<a href="\.\./(\.\./[a-z]+/)?77/" class="kb-link-post">the previous post</a>', html), html
    assert "<strong>bold</strong>" in html and "<em>italic</em>" in html and "[the previous post]" not in html
    assert "a price of 5$ and" in html and re.search(r'class="arithmatex">\\\[\s*\\begin\{equation\}x\^2', html), html
    description = json.loads(page.split("\n")[1])["description"]
    assert description.startswith("See the previous post, bold and italic") and "**" not in description
