"""Reading dumps: both formats, every encoding and line ending, bad input."""

from __future__ import annotations

import codecs
import contextlib
import os
import random
import re
from pathlib import Path

from builder import read
from builder.model import BlockKind, Level
from builder.read import MAX_LINE_CHARS, decode, parse_byline, read_archive, read_file, read_text
from tests.conftest import FIXTURES, ROOT


def test_real_archive_entries_and_formats():
    entries, problems = read_archive(ROOT / "archive")
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


def test_utf16_nul_padded_and_nul_holding_pages_are_read_and_a_png_is_not(tmp_path: Path):
    """Each of these was skipped as binary and its post was missing from the book."""
    page = "1 Jan\n\n标题{}\n\n正文。\n"
    (tmp_path / "utf16.txt").write_bytes(codecs.BOM_UTF16_LE + page.format("甲").encode("utf-16-le"))
    (tmp_path / "utf16be.txt").write_bytes(codecs.BOM_UTF16_BE + page.format("乙").encode("utf-16-be"))
    (tmp_path / "padded.txt").write_bytes(page.format("丙").encode() + b"\x00" * 4096)
    (tmp_path / "one_nul.txt").write_bytes(page.format("丁").encode().replace("正文".encode(), "正\x00文".encode()))
    (tmp_path / "only_nuls.txt").write_bytes(b"\x00" * 100)
    (tmp_path / "figure.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    entries, problems = read_archive(tmp_path)
    assert sorted((e.title, e.blocks[0].text) for e in entries) == [
        ("标题丁", "正文。"), ("标题丙", "正文。"), ("标题乙", "正文。"), ("标题甲", "正文。")]
    codes = {(p.source.file, p.code, p.source.line) for p in problems}
    assert {("utf16.txt", "not-utf8", 1), ("utf16be.txt", "not-utf8", 1), ("padded.txt", "nul-padding", 6),
            ("one_nul.txt", "unsafe-chars", 5), ("only_nuls.txt", "empty-file", 1),
            ("figure.txt", "binary-file", 1)} <= codes


def test_decode_reports_not_utf8_line():
    data = b"a\nb\n" + "三".encode("gbk") * 300
    decoded = decode(data, "f.txt")
    assert decoded.text is not None and decoded.text.endswith("三")
    assert decoded.problems[0].source.line == 3


# --- The archive is untrusted: what is opened, what is bounded, what is removed ---------------------------

SECRET = "[remote] url = https://x-access-token:ghs_SECRET@github.com/o/r"
OK_DUMP = "1 Jan\n\n标题\n\n正文。\n"


def _entry_text(entries) -> str:
    return "\n".join(f"{e.title} {e.author} " + " ".join(b.text for b in e.blocks) for e in entries)


def _archive_with_links(tmp_path: Path) -> tuple[Path, Path]:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    secret = repo / ".git" / "config"
    secret.write_text(f"1 Jan\n\n{SECRET}\n\n{SECRET}。\n", encoding="utf-8")  # would parse as a post
    archive = repo / "archive"
    archive.mkdir()
    (archive / "ok.txt").write_text(OK_DUMP, encoding="utf-8")
    return archive, secret


def test_archive_opens_only_regular_files_and_names_every_skip(tmp_path: Path):
    archive, secret = _archive_with_links(tmp_path)
    (archive / "leak.txt").symlink_to(Path("..") / ".git" / "config")
    (archive / "absolute.txt").symlink_to(secret)
    (archive / "inside.txt").symlink_to("ok.txt")
    (archive / "dangling.txt").symlink_to("nothing-here.txt")
    (archive / "folder-link.txt").symlink_to(secret.parent)
    os.mkfifo(archive / "pipe.txt")
    (archive / "dir.txt").mkdir()
    (archive / "dir.txt" / "nested.txt").write_text(OK_DUMP, encoding="utf-8")
    entries, problems = read_archive(archive)
    assert "SECRET" not in _entry_text(entries)
    assert [(e.source.file, e.title) for e in entries] == [("ok.txt", "标题")]  # the link to it is not read
    skipped = {p.source.file: p for p in problems if p.code == "skipped-file"}
    assert sorted(skipped) == ["absolute.txt", "dangling.txt", "dir.txt", "folder-link.txt", "inside.txt", "leak.txt",
                               "pipe.txt"]
    out = {name for name, p in skipped.items() if p.level == Level.ERROR}
    assert out == {"absolute.txt", "folder-link.txt", "leak.txt"}
    assert "outside the archive folder" in skipped["leak.txt"].message
    assert "pipe" in skipped["pipe.txt"].message and "folder" in skipped["dir.txt"].message
    assert "does not exist" in skipped["dangling.txt"].message
    assert all(p.source.line == 1 for p in skipped.values())
    assert all("SECRET" not in str(p) for p in problems)


def test_archive_of_links_only_has_no_dumps(tmp_path: Path):
    archive, _ = _archive_with_links(tmp_path)
    (archive / "ok.txt").unlink()
    (archive / "leak.txt").symlink_to(Path("..") / ".git" / "config")
    entries, problems = read_archive(archive)
    assert entries == []
    assert {p.code for p in problems} == {"skipped-file", "no-dumps"}


def test_a_file_swapped_for_a_link_after_listing_is_not_read(tmp_path: Path, monkeypatch):
    archive, secret = _archive_with_links(tmp_path)
    real_scandir = os.scandir

    def listing_then_swap(fd):
        with real_scandir(fd) as listing:
            items = list(listing)
        (archive / "ok.txt").unlink()
        (archive / "ok.txt").symlink_to(secret)
        return contextlib.nullcontext(items)

    monkeypatch.setattr(os, "scandir", listing_then_swap)
    entries, problems = read_archive(archive)
    assert entries == [] and "SECRET" not in _entry_text(entries)
    assert [(p.source.file, p.code, p.level) for p in problems if p.code != "no-dumps"] == \
           [("ok.txt", "skipped-file", Level.ERROR)]


def test_read_file_does_not_follow_a_link_or_block_on_a_pipe(tmp_path: Path):
    archive, secret = _archive_with_links(tmp_path)
    (archive / "leak.txt").symlink_to(secret)
    os.mkfifo(archive / "pipe.txt")  # nobody writes to it: a blocking open would hang here
    for name, level in (("leak.txt", Level.ERROR), ("pipe.txt", Level.WARNING)):
        entries, problems = read_file(archive / name)
        assert entries == []
        assert [(p.source.file, p.code, p.level) for p in problems] == [(name, "skipped-file", level)]


def test_file_names_with_controls_or_undecodable_bytes_are_skipped(tmp_path: Path):
    (tmp_path / "ok.txt").write_text(OK_DUMP, encoding="utf-8")
    (tmp_path / "line\nbreak.txt").write_text(OK_DUMP, encoding="utf-8")
    (tmp_path / "bidi\u202eoverride.txt").write_text(OK_DUMP, encoding="utf-8")
    fd = os.open(os.fsencode(tmp_path) + b"/bad\xffbyte.txt", os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, OK_DUMP.encode())
    os.close(fd)
    entries, problems = read_archive(tmp_path)
    assert [e.source.file for e in entries] == ["ok.txt"]
    skipped = sorted(p.source.file for p in problems if p.code == "skipped-file")
    assert skipped == ["bad\\udcffbyte.txt", "bidi\\u202eoverride.txt", "line\\nbreak.txt"]
    assert all(name.isprintable() for name in skipped)


def test_unsafe_code_points_are_removed_with_one_warning_naming_the_first_line():
    text = "1 Jan\n\n标\ufffe题\n\n正文\uffff一\x85。\n\n第二段\ud800。\n"
    entries, problems = read_text(text, "u.txt")
    assert entries[0].title == "标题"
    assert [b.text for b in entries[0].blocks] == ["正文一。", "第二段。"]
    unsafe = [p for p in problems if p.code == "unsafe-chars"]
    assert [(str(p.source), p.level) for p in unsafe] == [("u.txt:3", Level.WARNING)]
    assert "removed 4 " in unsafe[0].message and "3 line(s)" in unsafe[0].message


def test_unsafe_code_points_in_utf8_bytes_are_removed(tmp_path: Path):
    path = tmp_path / "u.txt"
    path.write_bytes("1 Jan\n\n标题\n\n正文\uffff和\u0085和\ufdd0。\n".encode())
    entries, problems = read_file(path)
    assert entries[0].blocks[0].text == "正文和和。"
    assert [str(p.source) for p in problems if p.code == "unsafe-chars"] == ["u.txt:5"]


def test_a_line_over_the_cap_is_cut_with_a_warning():
    long = "长" * (MAX_LINE_CHARS + 10)
    entries, problems = read_text(f"1 Jan\n\n标题\n\n{long}\n\n短段。\n", "l.txt")
    assert [len(b.text) for b in entries[0].blocks] == [MAX_LINE_CHARS, 3]
    assert [(str(p.source), p.code) for p in problems] == [("l.txt:5", "long-line")]


def test_a_file_over_the_cap_is_read_up_to_the_cap(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(read, "MAX_FILE_BYTES", 400)
    posts = "".join(f"{d} Jan\n\n第{d}篇文章\n\n正文{d}。\n\n" for d in range(1, 29))
    path = tmp_path / "big.txt"
    path.write_text(posts, encoding="utf-8")
    entries, problems = read_file(path)
    kept = path.read_bytes()[:400].rsplit(b"\n", 1)[0].decode()
    assert 0 < len(entries) < 28
    assert all(b.text in kept for e in entries for b in e.blocks)
    large = [p for p in problems if p.code == "large-file"]
    assert len(large) == 1 and large[0].source.line == kept.count("\n") + 2
    assert not [p for p in problems if p.code == "bad-bytes"]  # cut after a whole line, not inside a character


# Hostile shapes at a size where quadratic time would take minutes (the benchmark's hostile row times them).

def test_many_short_lines_in_one_post():
    n = 60_000
    entries, _ = read_text("1 Jan\n\n标题\n\n" + "".join(f"第{i}行。\n" for i in range(n)), "s.txt")
    assert len(entries) == 1 and len(entries[0].blocks) == n
    assert entries[0].blocks[-1].source.line == n + 4


def test_many_tiny_entries_in_one_file():
    n = 20_000
    entries, _ = read_text("".join(f"{i % 28 + 1} Jan\n\n题目{i}\n\n文{i}。\n\n" for i in range(n)), "t.txt")
    assert len(entries) == n
    assert (entries[-1].title, entries[-1].blocks[0].text, entries[-1].source.line) == \
           (f"题目{n - 1}", f"文{n - 1}。", 6 * (n - 1) + 1)


def test_byline_with_a_long_run_of_spaces():
    spaces = " " * 90_000
    text = f"By a{spaces}b\nBy a{spaces}| 2020-01-02 | 3位读者 | 引用正文。\n"
    entries, problems = read_text(text, "b.txt")
    assert [(e.title, e.author, e.date.iso()) for e in entries] == [(f"By a{spaces}b", "a", "2020-01-02")]
    assert entries[0].blocks[0].text == "正文。"
    assert not [p for p in problems if p.code == "long-line"]


def test_parse_byline_agrees_with_the_pattern_it_replaced():
    reference = re.compile(
        r"^By\s+(?P<author>[^|｜]+?)\s*[|｜]\s*(?P<date>\d{4}\s*-\s*\d{1,2}\s*-\s*\d{1,2})"
        r"(?:\s*[|｜]\s*[\d,，]+\s*位读者)?(?:\s*[|｜]\s*引用)?(?P<rest>.*)$")
    # Each slot of a byline, right, wrong or missing, in random combinations.
    slots = [["By", "By", "by", "B"], [" ", "  ", "\u3000", "", "|"], ["苏剑林", "a", "a b", "", " "],
             [" ", "", "  "], ["|", "｜", "", "-"], [" ", ""], ["2020", "２０２１", "202", "20201"], ["-", " - ", ""],
             ["1", "12", "123"], ["-", "- "], ["6", "06", "x"], ["", " | 1,234位读者", "｜12 位读者", " | 位读者"],
             ["", " | 引用", "引用"], ["", "正文", " | ", "|x"]]
    rng = random.Random(7)
    matched = 0
    for _ in range(20_000):
        line = "".join(rng.choice(options) for options in slots)
        m = reference.match(line)
        expected = m and (m.group("author").strip(), m.group("date"), m.group("rest"))
        got = parse_byline(line)
        assert (got and (got.author, got.date, got.rest)) == expected, line
        matched += m is not None
    assert matched > 200  # the sample holds bylines as well as near misses
