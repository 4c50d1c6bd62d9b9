"""Stage 6: files in memory to files on disk, touching only what changed.

The builder owns exactly the files named in the output folder's manifest.  A
file it does not own is never overwritten or removed, even where a generated
page would go; a file's bytes are rewritten only when they differ, so mtimes
stay put and ``mkdocs serve --dirtyreload`` rebuilds only changed pages.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .model import Level, OutputFile, Problem, Source

MANIFEST = ".builder-manifest.json"
SAFE_PATH = re.compile(r"^[a-z0-9][a-z0-9_-]*(?:/[a-z0-9][a-z0-9_-]*)*\.(?:md|txt|json|yml)$")


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def is_safe_path(path: str) -> bool:
    return bool(SAFE_PATH.match(path)) and ".." not in path.split("/")


def _read_manifest(root: Path) -> set[str]:
    try:
        data = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
        return {p for p in data.get("files", []) if isinstance(p, str) and is_safe_path(p)}
    except (OSError, ValueError):
        return set()


def _atomic_write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write(files: list[OutputFile], root: Path) -> WriteReport:
    report = WriteReport()
    root.mkdir(parents=True, exist_ok=True)
    owned = _read_manifest(root)
    resolved_root = root.resolve()
    now: set[str] = set()
    for f in files:
        target = (root / f.path)
        if not is_safe_path(f.path) or resolved_root not in target.resolve().parents:
            report.refused.append(f.path)
            report.problems.append(Problem(Source(f.path, 1), "unsafe-path",
                                           "refused to write outside the output folder", Level.ERROR))
            continue
        data = f.content.encode("utf-8")
        if target.exists() and f.path not in owned:
            report.refused.append(f.path)
            report.problems.append(Problem(Source(str(target), 1), "not-owned",
                                           "a file the builder did not write is in the way; left alone"))
            continue
        now.add(f.path)
        if target.exists() and target.read_bytes() == data:
            report.unchanged.append(f.path)
            continue
        _atomic_write(target, data)
        report.written.append(f.path)
    for stale in sorted(owned - now):
        path = root / stale
        if path.is_file():
            path.unlink()
            report.removed.append(stale)
    manifest = json.dumps({"files": sorted(now)}, indent=1, ensure_ascii=False).encode("utf-8")
    if not (root / MANIFEST).exists() or (root / MANIFEST).read_bytes() != manifest:
        _atomic_write(root / MANIFEST, manifest)
    return report
