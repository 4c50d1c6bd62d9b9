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
    again = cli("build", "--out", str(tmp_path), "-q")
    assert "wrote 0," in again.stdout


def test_check_strict_fails_on_bad_dumps(tmp_path: Path):
    done = cli("check", "--archive", str(FIXTURES / "hostile"), "--strict", "-q")
    assert done.returncode == 1
    # math findings come grouped per file: the kinds with their counts, then the first lines
    assert "001_hostile_listing.txt: warning: suspicious-math 1" in done.stdout
    assert "    line 17: [suspicious-math]" in done.stdout
    assert "[unsafe-title]" in done.stdout
    lenient = cli("check", "--archive", str(FIXTURES / "hostile"), "-q")
    assert lenient.returncode == 0


def archive_with_broken_dumps(tmp_path: Path) -> Path:
    """The bundled dumps plus a binary and an empty one."""
    archive = tmp_path / "archive"
    archive.mkdir()
    for f in (ROOT / "archive").glob("*.txt"):
        (archive / f.name).write_bytes(f.read_bytes())
    (archive / "005_broken.txt").write_bytes(b"\x00\x01\x02binary")
    (archive / "006_empty.txt").write_bytes(b"")
    return archive


def test_one_broken_dump_does_not_take_the_book_down(tmp_path: Path):
    done = cli("build", "--archive", str(archive_with_broken_dumps(tmp_path)), "--out", str(tmp_path / "out"), "-q")
    assert done.returncode == 1  # an error is reported as one …
    assert "005_broken.txt:1: error: [binary-file]" in done.stderr
    assert (tmp_path / "out" / "zh" / "index.md").is_file()  # … but the book is written (test_golden counts it)


def test_check_exits_1_on_an_error_without_strict(tmp_path: Path):
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "000_ok.txt").write_text((FIXTURES / "formats" / "000_listing.txt").read_text(encoding="utf-8"),
                                        encoding="utf-8")
    (archive / "001_binary.txt").write_bytes(b"\x00\x01binary")
    done = cli("check", "--archive", str(archive), "-q")
    assert done.returncode == 1
    assert "001_binary.txt:1: error: [binary-file]" in done.stdout


def test_unusable_paths_get_distinct_messages_and_nothing_is_written(tmp_path: Path):
    a_file = tmp_path / "a-file.txt"
    a_file.write_text("x", encoding="utf-8")
    empty = tmp_path / "empty"
    empty.mkdir()
    out = tmp_path / "out"
    cases = [
        (("check", "--archive", str(tmp_path / "missing")), "no such folder"),
        (("check", "--archive", str(a_file)), "this is a file; --archive takes a folder"),
        (("check", "--archive", str(empty)), "holds no dumps"),
        (("build", "--archive", str(tmp_path / "missing"), "--out", str(out)), "no such folder"),
        (("build", "--out", str(a_file)), "this is a file; --out takes a folder"),
        (("build", "--editorial", str(tmp_path / "missing"), "--out", str(out)), "--editorial"),
        (("translate", "status", "--archive", str(tmp_path / "missing")), "no such folder"),
        (("translate", "scaffold", "--archive", str(empty)), "holds no dumps"),
    ]
    messages = set()
    for args, expected in cases:
        done = cli(*args, "-q")
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert expected in done.stderr and "Traceback" not in done.stderr, (args, done.stderr)
        assert ":1:" not in done.stderr  # no made-up line number for a folder
        messages.add(done.stderr.split(":", 1)[1])
    assert len(messages) >= 5
    assert not out.exists() and a_file.read_text(encoding="utf-8") == "x"


def test_serve_script_says_when_the_port_is_taken_and_passes_options_on():
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(["bash", str(ROOT / "scripts" / "serve.sh"), "-a", f"127.0.0.1:{port}"], cwd=ROOT,
                              capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "-a 127.0.0.1:8001" in done.stderr
    assert "Traceback" not in done.stderr
    built = subprocess.run(["bash", str(ROOT / "scripts" / "serve.sh"), "build", "--help"], cwd=ROOT,
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0 and "--site-dir" in built.stdout  # the option reached `mkdocs build`


def test_scaffold_leaves_an_unreadable_translation_file_alone(tmp_path: Path):
    translations = tmp_path / "translations"
    (translations / "en").mkdir(parents=True)
    bad = translations / "en" / "9152.yml"
    bad.write_text("chapter: '9152'\nunits: 5\n", encoding="utf-8")
    done = cli("translate", "scaffold", "--translations", str(translations), "9152")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "9152.yml:2" in done.stderr
    assert bad.read_text(encoding="utf-8") == "chapter: '9152'\nunits: 5\n"


def test_check_groups_math_findings_per_file_with_counts_and_first_lines(tmp_path: Path):
    """Thousands of per-line math warnings helped nobody: one entry per file, its counts, its first lines."""
    archive = tmp_path / "archive"
    archive.mkdir()
    lines = "\n\n".join(f"第{k}段有一个没有配对的 $x_{k} 公式。" for k in range(40))
    (archive / "many.txt").write_text(f"一篇文章\nBy 苏剑林 | 2020-01-02 | 1位读者 | 引用开头。\n\n{lines}\n",
                                      encoding="utf-8")
    done = cli("check", "--archive", str(archive), "-q")
    out = done.stdout
    assert "math: " in out and "many.txt: warning: suspicious-math 40" in out
    assert out.count("[suspicious-math]") == 3 and "… 37 more" in out


def test_check_lists_warnings_before_the_notes(tmp_path: Path):
    """Notes (merges, coverage, unmatched overlay records) are many; what needs a person comes first."""
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "a.txt").write_text("一篇文章\nBy 苏剑林 | 2020-01-02 | 1位读者 | 引用开头。\n\n正文。\n",
                                   encoding="utf-8")
    (archive / "z.txt").write_text("无日期的文章\n\n正文没有日期行。\n", encoding="utf-8")
    done = cli("check", "--archive", str(archive), "-q")
    lines = done.stdout.splitlines()
    notes = lines.index("notes:")
    assert any(": warning: " in line or ": error: " in line for line in lines[:notes])
    assert not any(": warning: " in line for line in lines[notes + 1:])
    assert not any(": info: " in line for line in lines[:notes])
