"""Writing: only owned files, only when changed, never outside the folder."""

from __future__ import annotations

import os
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
