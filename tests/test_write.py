"""Writing: only owned files, only when changed, never outside the folder."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

from builder.model import OutputFile
from builder.write import write


def test_writes_only_changed_files(tmp_path: Path):
    files = [OutputFile("a.md", "A"), OutputFile("d/b.md", "B")]
    first = write(files, tmp_path)
    assert sorted(first.written) == ["a.md", "d/b.md"]
    before = {p: os.stat(tmp_path / p).st_mtime_ns for p in ("a.md", "d/b.md")}
    second = write(files, tmp_path)
    assert second.written == [] and sorted(second.unchanged) == ["a.md", "d/b.md"]
    third = write([OutputFile("a.md", "A2"), OutputFile("d/b.md", "B")], tmp_path)
    assert third.written == ["a.md"]
    assert os.stat(tmp_path / "d/b.md").st_mtime_ns == before["d/b.md"]


def test_never_overwrites_a_file_it_does_not_own(tmp_path: Path):
    (tmp_path / "about.md").write_text("hand-written", encoding="utf-8")
    report = write([OutputFile("about.md", "generated")], tmp_path)
    assert report.refused == ["about.md"]
    assert (tmp_path / "about.md").read_text(encoding="utf-8") == "hand-written"
    assert report.problems[0].code == "not-owned"


def test_removes_only_its_own_stale_files(tmp_path: Path):
    write([OutputFile("a.md", "A"), OutputFile("b.md", "B")], tmp_path)
    (tmp_path / "mine.md").write_text("keep", encoding="utf-8")
    report = write([OutputFile("a.md", "A")], tmp_path)
    assert report.removed == ["b.md"]
    assert (tmp_path / "mine.md").exists() and not (tmp_path / "b.md").exists()


def test_refuses_paths_outside_the_folder(tmp_path: Path):
    out = tmp_path / "out"
    report = write([OutputFile("../evil.md", "x"), OutputFile("/etc/x.md", "x"), OutputFile("CON/../x.md", "x")], out)
    assert len(report.refused) == 3
    assert not (tmp_path / "evil.md").exists()
    assert [p.code for p in report.problems] == ["unsafe-path"] * 3


def test_a_generated_file_edited_by_hand_is_restored(tmp_path: Path):
    write([OutputFile("a.md", "A")], tmp_path)
    (tmp_path / "a.md").write_text("changed by hand, different size", encoding="utf-8")
    report = write([OutputFile("a.md", "A")], tmp_path)
    assert report.written == ["a.md"] and (tmp_path / "a.md").read_text(encoding="utf-8") == "A"


def test_refuses_to_write_through_a_symlinked_folder(tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "part").symlink_to(outside)
    report = write([OutputFile("part/x.md", "x")], out)
    assert report.refused == ["part/x.md"] and not (outside / "x.md").exists()


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text(encoding="utf-8") if p.is_file() else "<dir>"
            for p in sorted(folder.rglob("*"))}


def test_a_symlinked_subfolder_is_neither_written_nor_cleaned_through(tmp_path: Path):
    out, outside = tmp_path / "out", tmp_path / "outside"
    write([OutputFile("part/x.md", "X"), OutputFile("part/y.md", "Y"), OutputFile("a.md", "A")], out)
    outside.mkdir()
    for name in ("x.md", "y.md", "keep.md"):
        (outside / name).write_text(f"outside {name}", encoding="utf-8")
    before = _tree(outside)
    shutil.rmtree(out / "part")
    (out / "part").symlink_to(outside)
    # x.md is written again, y.md is stale, deeper/z.md would need a new folder: none may reach outside/.
    report = write([OutputFile("part/x.md", "X2"), OutputFile("part/deeper/z.md", "Z"), OutputFile("a.md", "A")], out)
    assert _tree(outside) == before
    assert sorted(report.refused) == ["part/deeper/z.md", "part/x.md", "part/y.md"]
    assert report.written == [] and report.removed == [] and report.unchanged == ["a.md"]
    assert {p.code for p in report.problems} == {"unsafe-path"}
    assert sorted(str(p.source) for p in report.problems) == ["part/deeper/z.md:1", "part/x.md:1", "part/y.md:1"]
    # What could not be written is not claimed: a later run does not remove it either.
    write([OutputFile("a.md", "A")], out)
    assert _tree(outside) == before


def test_a_stale_file_replaced_by_a_link_or_a_pipe_is_left_alone(tmp_path: Path):
    out, secret = tmp_path / "out", tmp_path / "secret.md"
    secret.write_text("not the builder's", encoding="utf-8")
    write([OutputFile("a.md", "A"), OutputFile("b.md", "B"), OutputFile("c.md", "C")], out)
    (out / "b.md").unlink()
    (out / "b.md").symlink_to(secret)
    (out / "c.md").unlink()
    os.mkfifo(out / "c.md")
    report = write([OutputFile("a.md", "A")], out)
    assert report.removed == [] and sorted(report.refused) == ["b.md", "c.md"]
    assert (out / "b.md").is_symlink() and secret.read_text(encoding="utf-8") == "not the builder's"
    assert stat.S_ISFIFO((out / "c.md").lstat().st_mode)


def test_a_link_at_a_generated_path_is_refused_and_its_target_kept(tmp_path: Path):
    out, secret = tmp_path / "out", tmp_path / "secret.md"
    secret.write_text("not the builder's", encoding="utf-8")
    write([OutputFile("a.md", "A")], out)
    (out / "a.md").unlink()
    (out / "a.md").symlink_to(secret)
    report = write([OutputFile("a.md", "changed")], out)
    assert report.refused == ["a.md"] and [p.code for p in report.problems] == ["unsafe-path"]
    assert secret.read_text(encoding="utf-8") == "not the builder's"


def test_files_are_written_with_mode_0644_whatever_the_umask(tmp_path: Path):
    old = os.umask(0o077)
    try:
        write([OutputFile("a.md", "A"), OutputFile("d/b.md", "B")], tmp_path)  # created
        write([OutputFile("a.md", "A2"), OutputFile("d/b.md", "B2")], tmp_path)  # replaced
    finally:
        os.umask(old)
    for path in ("a.md", "d/b.md", ".builder-manifest.json"):
        assert stat.S_IMODE((tmp_path / path).stat().st_mode) == 0o644, path
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == "A2"
    assert not [p for p in tmp_path.rglob(".tmp-*")]


def test_the_output_folder_itself_may_be_a_link(tmp_path: Path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "out").symlink_to(real)
    report = write([OutputFile("d/a.md", "A")], tmp_path / "out")
    assert report.written == ["d/a.md"] and (real / "d" / "a.md").read_text(encoding="utf-8") == "A"


def test_an_unchanged_file_written_0600_by_an_earlier_version_gets_0644(tmp_path: Path):
    write([OutputFile("a.md", "A")], tmp_path)
    os.chmod(tmp_path / "a.md", 0o600)
    before = os.stat(tmp_path / "a.md").st_mtime_ns
    report = write([OutputFile("a.md", "A")], tmp_path)
    assert report.unchanged == ["a.md"] and os.stat(tmp_path / "a.md").st_mtime_ns == before
    assert stat.S_IMODE((tmp_path / "a.md").stat().st_mode) == 0o644
