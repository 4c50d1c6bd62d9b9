"""Stage 6: files in memory to files on disk, touching only what changed.

The builder owns exactly the files named in the output folder's manifest,
which also records each file's size and hash.  A file it does not own is never
overwritten or removed, even where a generated page would go; a file is
rewritten only when its content changed (judged from the manifest, so an
unchanged file costs one stat), so mtimes stay put and
``mkdocs serve --dirtyreload`` rebuilds only changed pages.
"""

from __future__ import annotations

import hashlib
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


def _read_manifest(root: Path) -> dict[str, str]:
    """Owned path → "size:sha256" of what was written there."""
    try:
        data = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files", {})
    if isinstance(files, list):  # an older manifest: ownership only
        files = {p: "" for p in files}
    return {p: str(v) for p, v in files.items() if isinstance(p, str) and is_safe_path(p)}


def _fingerprint(data: bytes) -> str:
    return f"{len(data)}:{hashlib.sha256(data).hexdigest()}"


def _atomic_write(target: Path, data: bytes) -> None:
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
    safe_dirs: dict[Path, bool] = {}
    now: dict[str, str] = {}
    for f in files:
        target = root / f.path
        parent = target.parent
        if parent not in safe_dirs and is_safe_path(f.path):
            parent.mkdir(parents=True, exist_ok=True)
            resolved = parent.resolve()
            safe_dirs[parent] = resolved == resolved_root or resolved_root in resolved.parents
        if not is_safe_path(f.path) or not safe_dirs.get(parent) or target.is_symlink():
            report.refused.append(f.path)
            report.problems.append(Problem(Source(f.path, 1), "unsafe-path",
                                           "refused to write outside the output folder", Level.ERROR))
            continue
        data = f.content.encode("utf-8")
        fingerprint = _fingerprint(data)
        try:
            size = target.stat().st_size
        except FileNotFoundError:
            size = None
        if size is not None and f.path not in owned:
            report.refused.append(f.path)
            report.problems.append(Problem(Source(str(target), 1), "not-owned",
                                           "a file the builder did not write is in the way; left alone"))
            continue
        now[f.path] = fingerprint
        if size is not None and owned.get(f.path) == fingerprint and size == len(data):
            report.unchanged.append(f.path)
            continue
        if size is not None and not owned.get(f.path) and target.read_bytes() == data:
            report.unchanged.append(f.path)  # owned under an older manifest, same bytes
            continue
        if size is None:
            target.write_bytes(data)  # a new file: nothing can be reading it yet
        else:
            _atomic_write(target, data)
        report.written.append(f.path)
    for stale in sorted(set(owned) - set(now)):
        path = root / stale
        if path.is_file():
            path.unlink()
            report.removed.append(stale)
    manifest = json.dumps({"files": dict(sorted(now.items()))}, indent=0, ensure_ascii=False).encode("utf-8")
    if not (root / MANIFEST).exists() or (root / MANIFEST).read_bytes() != manifest:
        _atomic_write(root / MANIFEST, manifest)
    return report
