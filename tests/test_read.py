"""Reading dumps: both formats, every encoding and line ending, bad input."""

from __future__ import annotations

from pathlib import Path

from builder.model import BlockKind, Level
from builder.read import decode, read_archive, read_file, read_text
from tests.conftest import FIXTURES, ROOT


def test_real_archive_entries_and_formats():
    entries, problems = read_archive(ROOT / "archive")
    assert len(entries) == 39
    formats = {e.source.file: e.fmt for e in entries}
    assert formats["001_7d1a3728ba7c4881.txt"] == "byline"
    assert formats["000_572a7b03ff7c8812.txt"] == "listing"
    assert not [p for p in problems if p.level == Level.ERROR]
    # site chrome is not content
    assert all("最近评论" not in b.text for e in entries for b in e.blocks)
    assert all(e.source.line >= 1 for e in entries)


def test_byline_glued_title_becomes_next_post():
    entries, problems = read_file(ROOT / "archive" / "001_7d1a3728ba7c4881.txt")
    titles = [e.title for e in entries]
    assert titles[1] == "哈哈,我的“《圣经》”到了"
    assert entries[1].blocks == ()
    assert titles[2] == "闲聊:神经网络与深度学习"
    assert entries[2].date.iso() == "2015-06-06"
    assert entries[2].blocks[0].text.startswith("在所有机器学习模型之中")
    glued = [p for p in problems if p.code == "glued-title"]
    assert len(glued) == 1 and glued[0].source.line == 7


def test_byline_first_paragraph_glued_after_citation():
    entries, _ = read_file(ROOT / "archive" / "001_7d1a3728ba7c4881.txt")
    first = entries[0]
    assert first.title.startswith("幂等生成网络IGN")
    assert first.author == "苏剑林"
    assert first.blocks[0].text.startswith("前段时间,一个名为")
    assert first.blocks[0].source.line == 2


def test_listing_dates_titles_and_untitled_entries():
    entries, _ = read_file(ROOT / "archive" / "000_572a7b03ff7c8812.txt")
    assert (entries[0].date.month, entries[0].date.day, entries[0].date.year) == (1, 31, None)
    assert entries[2].title is None  # "15 Feb": the text starts at once
    assert entries[2].blocks[0].text.startswith("在这个系列中")
    assert all(e.truncated for e in entries)


def test_repeated_caption_is_one_figure():
    entries, _ = read_file(ROOT / "archive" / "000_572a7b03ff7c8812.txt")
    cur = next(e for e in entries if e.title and "CUR" in e.title)
    figures = [b for b in cur.blocks if b.kind == BlockKind.FIGURE]
    assert [f.text for f in figures] == ["CUR分解示意图"]
    assert sum(1 for b in cur.blocks if b.text == "CUR分解示意图") == 1


def test_lost_glyph_reported_but_kept():
    entries, problems = read_file(ROOT / "archive" / "000_572a7b03ff7c8812.txt")
    lost = [p for p in problems if p.code == "lost-glyph"]
    assert [p.source.line for p in lost] == [119]
    assert any("函数?(x)" in b.text for e in entries for b in e.blocks)
    # a real question mark before text is not a lost glyph
    _, problems = read_text("1 Jan\n\n标题\n\n为什么让GAN一家独大?Facebook提出了新方法。\n", "q.txt")
    assert not [p for p in problems if p.code == "lost-glyph"]


def test_headings_detected_and_sentences_not():
    entries, _ = read_file(ROOT / "archive" / "003_5cb0457f79d55c70.txt")
    det = next(e for e in entries if e.title and e.title.startswith("恒等式"))
    # the line that introduces a display formula is a sentence, not a heading
    assert det.blocks[0].kind == BlockKind.PARAGRAPH
    vae = entries[0]
    assert [b.text for b in vae.blocks if b.kind == BlockKind.HEADING] == ["变分自编码器", "理论形式回顾"]


def test_line_endings_full_width_and_bom_read_the_same(tmp_path: Path):
    text = (FIXTURES / "formats" / "000_listing.txt").read_text(encoding="utf-8")
    base, _ = read_text(text, "x.txt")
    for variant in (text.replace("\n", "\r\n"), text.replace("\n", "\r"), "\ufeff" + text):
        entries, _ = read_text(variant, "x.txt")
        assert [(e.title, [b.text for b in e.blocks]) for e in entries] == \
               [(e.title, [b.text for b in e.blocks]) for e in base]


def test_full_width_byline_and_crlf():
    entries, _ = read_file(FIXTURES / "formats" / "001_byline_crlf.txt")
    assert len(entries) == 1
    assert entries[0].title == "样例漫谈（二）：续篇"
    assert entries[0].date.iso() == "2021-09-13"
    assert len(entries[0].blocks) == 2


def test_entry_without_date_and_caption_at_title_position():
    entries, _ = read_file(FIXTURES / "formats" / "000_listing.txt")
    last = entries[-1]
    assert last.date is None and last.title is None
    assert last.blocks[0].kind == BlockKind.FIGURE and last.blocks[0].text == "图示说明"


def test_gbk_dump_is_read_with_a_warning(tmp_path: Path):
    text = "5 May\n\n中文标题\n\n这是用GBK编码保存的正文。\n\n点击阅读全文...\n"
    path = tmp_path / "gbk.txt"
    path.write_bytes(text.encode("gbk"))
    entries, problems = read_file(path)
    assert entries[0].title == "中文标题"
    assert entries[0].blocks[0].text == "这是用GBK编码保存的正文。"
    assert [p.code for p in problems] == ["not-utf8"]
    assert str(problems[0].source).startswith("gbk.txt:")


def test_a_few_bad_bytes_stay_utf8_and_name_the_line(tmp_path: Path):
    good = "5 May\n\n标题\n\n" + "正文很长。" * 200 + "\n\n第二段\n"
    data = good.encode("utf-8").replace("第二段".encode(), b"\xff\xfe" + "二段".encode())
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    entries, problems = read_file(path)
    assert entries[0].title == "标题"
    bad = [p for p in problems if p.code == "bad-bytes"]
    assert bad and bad[0].source.line == 7


def test_empty_and_binary_files_are_skipped_with_a_message(tmp_path: Path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"\n\r\n  \n")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "ok.txt").write_text("1 Jan\n\n标题\n\n正文。\n", encoding="utf-8")
    entries, problems = read_archive(tmp_path)
    assert [e.title for e in entries] == ["标题"]
    codes = {(p.source.file, p.code) for p in problems}
    assert ("empty.txt", "empty-file") in codes
    assert ("blank.txt", "empty-file") in codes
    assert ("binary.txt", "binary-file") in codes


def test_decode_reports_not_utf8_line():
    data = b"a\nb\n" + "三".encode("gbk") * 300
    decoded = decode(data, "f.txt")
    assert decoded.text is not None and decoded.text.endswith("三")
    assert decoded.problems[0].source.line == 3
