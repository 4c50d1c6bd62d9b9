"""The CLI: build writes, check lists problems with file:line, --strict fails on them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES, ROOT


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "builder", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_build_writes_pages_and_reports_progress(tmp_path: Path):
    done = cli("build", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "… read" in done.stderr and "… write" in done.stderr
    assert "35 chapters" in done.stdout
    for lang in ("zh", "en"):  # chapters, parts, cover, glossary
        assert len(list((tmp_path / lang).rglob("*.md"))) == 35 + 8 + 1 + 1
    again = cli("build", "--out", str(tmp_path), "-q")
    assert "wrote 0," in again.stdout


def test_check_on_real_archive_lists_findings_and_passes_strict():
    done = cli("check", "--strict", "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "[merged-duplicate]" in done.stdout and "[lost-glyph]" in done.stdout
    assert "000_572a7b03ff7c8812.txt:119" in done.stdout


def test_check_strict_fails_on_bad_dumps(tmp_path: Path):
    done = cli("check", "--archive", str(FIXTURES / "hostile"), "--strict", "-q")
    assert done.returncode == 1
    assert "001_hostile_listing.txt:17: warning: [suspicious-math]" in done.stdout
    assert "[unsafe-title]" in done.stdout
    lenient = cli("check", "--archive", str(FIXTURES / "hostile"), "-q")
    assert lenient.returncode == 0


def test_one_broken_dump_does_not_take_the_book_down(tmp_path: Path):
    archive = tmp_path / "archive"
    archive.mkdir()
    for f in (ROOT / "archive").glob("*.txt"):
        (archive / f.name).write_bytes(f.read_bytes())
    (archive / "005_broken.txt").write_bytes(b"\x00\x01\x02binary")
    (archive / "006_empty.txt").write_bytes(b"")
    done = cli("build", "--archive", str(archive), "--out", str(tmp_path / "out"), "-q")
    assert done.returncode == 0
    assert "005_broken.txt:1: error: [binary-file]" in done.stderr
    assert "35 chapters" in done.stdout
