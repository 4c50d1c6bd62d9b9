"""Stage 6: files in memory to files on disk, touching only what changed.

The builder owns exactly the files named in the output folder's manifest,
which also records each file's size and hash.  A file it does not own is never
overwritten or removed, even where a generated page would go; a file is
rewritten only when its content changed (judged from the manifest, so an
unchanged file costs one stat), so mtimes stay put and
``mkdocs serve --dirtyreload`` rebuilds only changed pages.

What lies inside the output folder is not trusted: a subfolder may have been
replaced by a link to somewhere else (the repository, a home folder).  So
every path is walked from the output folder one component at a time, each
opened relative to the last without following links, and files are created,
replaced, read and removed relative to their folder's descriptor: nothing
reached through a link is ever written or removed, and a link swapped in
between a check and the act cannot redirect it.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .model import Level, OutputFile, Problem, Source

MANIFEST = ".builder-manifest.json"
SAFE_PATH = re.compile(r"^[a-z0-9][a-z0-9_-]*(?:/[a-z0-9][a-z0-9_-]*)*\.(?:md|txt|json|yml)$")
# The pages are published: readable by whoever serves the folder, whatever the umask or mkstemp's 0600.
FILE_MODE = 0o644

_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW | _CLOEXEC
_LINK_ERRORS = (errno.ELOOP, errno.EMLINK, errno.ENOTDIR)  # O_NOFOLLOW met a link (EMLINK on BSD), or a file


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def is_safe_path(path: str) -> bool:
    return bool(SAFE_PATH.match(path)) and ".." not in path.split("/")


class _Outside(Exception):
    """A folder on the way is a link or not a folder: whatever is behind it is not the builder's."""


class _Tree:
    """Descriptors of the output folder and the subfolders reached from it without following a link."""

    def __init__(self, root: Path) -> None:
        # The root itself is the caller's choice and may be reached through links.
        self.fds: dict[str, int] = {"": os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _CLOEXEC)}

    @property
    def root(self) -> int:
        return self.fds[""]

    def folder(self, rel: str, create: bool) -> int | None:
        """The descriptor of folder ``rel`` ("a/b", "" for the root); None if it is missing and not created.

        Raises ``_Outside`` if it or a folder above it is a link or not a folder.
        """
        if rel in self.fds:
            return self.fds[rel]
        above, _, name = rel.rpartition("/")
        parent = self.folder(above, create)
        if parent is None:
            return None
        try:
            fd = self._open(name, parent)
        except FileNotFoundError:
            if not create:
                return None
            try:
                os.mkdir(name, dir_fd=parent)
            except FileExistsError:  # made meanwhile: opened, and so checked, below
                pass
            fd = self._open(name, parent)
        self.fds[rel] = fd
        return fd

    @staticmethod
    def _open(name: str, parent: int) -> int:
        try:
            return os.open(name, _DIR_FLAGS, dir_fd=parent)
        except OSError as err:
            if err.errno in _LINK_ERRORS:
                raise _Outside(name) from err
            raise

    def close(self) -> None:
        for fd in self.fds.values():
            os.close(fd)
        self.fds.clear()


def _lstat(name: str, folder: int) -> os.stat_result | None:
    try:
        return os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        return None


def _read(name: str, folder: int) -> bytes | None:
    """A regular file's bytes, or None if it is missing, a link or anything else."""
    try:
        fd = os.open(name, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | _CLOEXEC, dir_fd=folder)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return handle.read()


def _set_mode(name: str, folder: int) -> None:
    """``FILE_MODE`` on a regular file, through a descriptor so a link swapped in is not followed."""
    try:
        fd = os.open(name, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | _CLOEXEC, dir_fd=folder)
    except OSError:
        return
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def _write_new(name: str, folder: int, data: bytes) -> None:
    """Write ``data`` to a file that must not exist yet, with mode ``FILE_MODE`` exactly."""
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600, dir_fd=folder)
    with os.fdopen(fd, "wb") as handle:
        try:
            os.fchmod(fd, FILE_MODE)
            handle.write(data)
            handle.flush()
        except BaseException:
            os.unlink(name, dir_fd=folder)  # no half-written file is left behind
            raise


def _replace(name: str, folder: int, data: bytes) -> None:
    """Write to a temporary file beside ``name``, then rename it over: a reader never sees half a file.

    The rename replaces whatever entry has the name, a link included, never what a link points to.
    """
    while True:
        tmp = f".tmp-{secrets.token_hex(8)}"
        try:
            _write_new(tmp, folder, data)
            break
        except FileExistsError:
            continue
    try:
        os.replace(tmp, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        os.unlink(tmp, dir_fd=folder)
        raise


def _read_manifest(tree: _Tree) -> dict[str, str]:
    """Owned path → "size:sha256" of what was written there."""
    raw = _read(MANIFEST, tree.root)
    try:
        data = json.loads(raw.decode("utf-8")) if raw is not None else {}
    except ValueError:
        return {}
    files = data.get("files", {}) if isinstance(data, dict) else {}
    if isinstance(files, list):  # an older manifest: ownership only
        files = {p: "" for p in files}
    if not isinstance(files, dict):
        return {}
    return {p: str(v) for p, v in files.items() if isinstance(p, str) and is_safe_path(p)}


def _fingerprint(data: bytes) -> str:
    return f"{len(data)}:{hashlib.sha256(data).hexdigest()}"


def _outside(path: str, what: str) -> Problem:
    return Problem(Source(path, 1), "unsafe-path", f"refused to {what} outside the output folder", Level.ERROR)


def write(files: list[OutputFile], root: Path) -> WriteReport:
    """Write ``files`` below ``root``, remove the builder's files no longer generated, and say what was done.

    Never follows a link below ``root``: a path through a linked subfolder, or onto a link, is refused
    (and, if it was the builder's, neither written nor removed), with a problem naming it.
    """
    root.mkdir(parents=True, exist_ok=True)
    tree = _Tree(root)
    try:
        return _write(files, tree)
    finally:
        tree.close()


def _write(files: list[OutputFile], tree: _Tree) -> WriteReport:
    report = WriteReport()
    owned = _read_manifest(tree)
    now: dict[str, str] = {}
    for f in files:
        if not is_safe_path(f.path):
            report.refused.append(f.path)
            report.problems.append(_outside(f.path, "write"))
            continue
        above, _, name = f.path.rpartition("/")
        try:
            folder = tree.folder(above, create=True)
        except _Outside:
            folder = None
        found = _lstat(name, folder) if folder is not None else None
        if folder is None or (found is not None and stat.S_ISLNK(found.st_mode)):
            report.refused.append(f.path)
            report.problems.append(_outside(f.path, "write"))
            continue
        if found is not None and (f.path not in owned or not stat.S_ISREG(found.st_mode)):
            report.refused.append(f.path)
            report.problems.append(Problem(Source(f.path, 1), "not-owned",
                                           "a file or folder the builder did not write is in the way; "
                                           "left alone"))
            continue
        data = f.content.encode("utf-8")
        fingerprint = _fingerprint(data)
        now[f.path] = fingerprint
        same = found is not None and (
            (owned.get(f.path) == fingerprint and found.st_size == len(data))
            or (not owned.get(f.path) and _read(name, folder) == data))  # owned under an older manifest
        if same:
            if stat.S_IMODE(found.st_mode) != FILE_MODE:
                _set_mode(name, folder)  # written 0600 by an earlier version of this module
            report.unchanged.append(f.path)
            continue
        if found is None:
            try:
                _write_new(name, folder, data)  # nothing can be reading it yet
            except FileExistsError:  # appeared meanwhile: replace it as any other
                _replace(name, folder, data)
        else:
            _replace(name, folder, data)
        report.written.append(f.path)
    refused = set(report.refused)
    for stale in sorted(set(owned) - set(now) - refused):
        above, _, name = stale.rpartition("/")
        try:
            folder = tree.folder(above, create=False)
        except _Outside:
            report.refused.append(stale)
            report.problems.append(_outside(stale, "remove a stale file"))
            continue
        found = _lstat(name, folder) if folder is not None else None
        if found is None:
            continue  # already gone
        if not stat.S_ISREG(found.st_mode):
            report.refused.append(stale)
            report.problems.append(Problem(Source(stale, 1), "not-owned",
                                           "a stale path is no longer a file the builder wrote; left alone"))
            continue
        os.unlink(name, dir_fd=folder)
        report.removed.append(stale)
    manifest = json.dumps({"files": dict(sorted(now.items()))}, indent=0, ensure_ascii=False).encode("utf-8")
    if _read(MANIFEST, tree.root) != manifest:
        _replace(MANIFEST, tree.root, manifest)
    return report


def save(folder: Path, name: str, text: str) -> bool:
    """Write one file a person also edits (a translation scaffold), only if its content changed; True if written.

    Unlike ``write`` it takes no ownership (no manifest): the file is the
    translator's.  The same rules hold: the folder is created if missing, a link
    at ``name`` is replaced rather than followed, the file is replaced whole and
    gets mode 0644.
    """
    if "/" in name or name in ("", ".", ".."):
        raise ValueError(f"not a file name: {name!r}")
    folder.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    tree = _Tree(folder)
    try:
        if _read(name, tree.root) == data:
            return False
        _replace(name, tree.root, data)
        return True
    finally:
        tree.close()
