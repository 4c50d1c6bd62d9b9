"""Helpers for tests that build or serve the real site from a temporary project."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = [sys.executable, "-m", "mkdocs"]


def make_project(dest: Path, archive: Path | None = None) -> Path:
    """A copy of the project's site sources, with the builder linked in, and its own archive."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "mkdocs.en.yml"):
        shutil.copy(ROOT / name, dest / name)
    for name in ("docs", "overrides", "editorial", "translations"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, dest / name)
    shutil.copytree(archive or ROOT / "archive", dest / "archive")
    (dest / "builder").symlink_to(ROOT / "builder")
    return dest


def shard_search(project: Path, kb: int, option: str = "search_shard_kb") -> None:
    """Both editions' configurations with the search index cut into shards of ``kb`` KB of copies (under
    ``mkdocs serve`` when ``option`` is ``serve_shard_kb``)."""
    for name, line in (("mkdocs.yml", "  - kexue-book\n"), ("mkdocs.en.yml", "      edition: en\n")):
        config = project / name
        text = config.read_text(encoding="utf-8")
        assert text.count(line) == 1, (name, line)
        setting = f"      {option}: {kb}\n"
        text = text.replace(line, "  - kexue-book:\n" + setting if name == "mkdocs.yml" else line + setting)
        config.write_text(text, encoding="utf-8")


def env(**extra: str) -> dict[str, str]:
    out = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    out.update(extra)
    return out


def build(project: Path, site: Path, site_url: str = "http://127.0.0.1:8000/", strict: bool = True,
          config: str = "mkdocs.yml") -> subprocess.CompletedProcess:
    args = MKDOCS + ["build", "-f", str(project / config), "-d", str(site)] + (["--strict"] if strict else [])
    return subprocess.run(args, cwd=project, capture_output=True, text=True, timeout=600, env=env(SITE_URL=site_url))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pagefind_fragments(bundle: Path) -> list[dict]:
    """Every page Pagefind indexed in ``bundle`` (its gzipped fragment files): url, title, content as indexed."""
    out = []
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        out.append(json.loads(data[data.index(b"{"):]))
    return out
