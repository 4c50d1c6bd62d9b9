"""What earlier runs made, kept in ``build/cache/`` so that a rebuild redoes only what changed.

At the blog's size most of the builder's time goes into parsing page files,
rendering chapters and making the pages' search copies, and between two builds
almost none of them changed.  Each is a pure function of its input, so its
result is kept under a key that digests everything it read: the file's bytes
and name; the chapter with its place in the book and the editions' data; the
page's HTML; and in every key, this builder's own code and the parser
libraries' versions (:func:`fingerprint`).  A changed input or a changed
builder is a different key, never a stale result.

Results are stored as JSON, not pickle: whatever lies in the folder is read as
data only, and a file that does not decode as what its kind holds is a miss.
The folder is the project's own; a link in its place is not followed (the
cache is then off for the run, with a note).  The stages are handed a
:class:`Memo`: they look results up and store new ones through it, also from
forked workers (writing a file is the one effect a worker keeps), and the run
prunes the folder afterwards to what it and recent runs used.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from .model import Block, BlockKind, Entry, Level, Markup, PartialDate, Problem, Source

FORMAT = 1  # bumped when what is stored changes shape
T = TypeVar("T")
KEEP_FOR = 7 * 86_400  # seconds a result no run has used is kept (another command's, another site URL's)
LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "pyyaml", "jieba")
PACKAGE = Path(__file__).resolve().parent

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """A digest of the builder's code and the libraries its results depend on."""
    h = hashlib.sha256(f"{FORMAT} {sys.version_info[:2]}".encode())
    for name in LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=none;".encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".json", ".yml") and path.is_file():
            h.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def digest(*parts: bytes | str) -> str:
    """A key: the fingerprint and ``parts``, each length-prefixed so no two sequences of parts collide."""
    h = hashlib.sha256(fingerprint().encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


@dataclass
class Memo:
    """A run's view of the cache, handed to the stages: a result is looked up, or made and stored.

    Without a cache (``Memo()``) every result is made.  :meth:`through` works in forked workers too
    (a file written there stays written); what the run used is recorded by :meth:`used` in the run's
    own process, from the keys and hits the workers return, so that the cache can be pruned to it.
    """

    cache: Cache | None = None
    found: dict[str, set[str]] = field(default_factory=dict)  # kind → keys whose stored results were used
    made: dict[str, set[str]] = field(default_factory=dict)  # kind → keys of results made (and stored) now

    @property
    def on(self) -> bool:
        """Whether there is a cache (callers compute keys only then: a key costs a digest of the input)."""
        return self.cache is not None

    def through(self, kind: str, key: str, make: Callable[[], T], encode: Callable[[T], Any],
                decode: Callable[[Any], T | None]) -> tuple[T, bool]:
        """The result stored under ``key`` (``decode`` gives None for a miss or for what is not one),
        else ``make()``'s, stored; and whether it was found."""
        found = self.find(kind, key, decode)
        if found is not None:
            return found, True
        value = make()
        if self.cache is not None and key:
            self.cache.store(kind, [(key, encode(value))])
        return value, False

    def find(self, kind: str, key: str, decode: Callable[[Any], T | None]) -> T | None:
        """The result stored under ``key``, or None."""
        return decode(self.cache.load(kind, key)) if self.cache is not None and key else None

    def used(self, kind: str, key: str, *, hit: bool) -> None:
        if self.cache is not None:
            (self.found if hit else self.made).setdefault(kind, set()).add(key)

    def hits(self) -> dict[str, int]:
        return {kind: len(keys) for kind, keys in self.found.items()}

    def keys(self, kind: str) -> set[str]:
        """Every key this run found or made: what pruning after the run marks as used now."""
        return self.found.get(kind, set()) | self.made.get(kind, set())


class Cache:
    """One project's cache folder: results in, results out, and pruning once a run is done.

    Paths inside it are plain strings: a build looks up and stores thousands of results, and
    pathlib's objects were a tenth of the cache's cost.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.refused = ""  # why the cache is off for this run, when it is
        self._root = str(folder)
        self._ready: set[str] = set()  # folders checked (no link on the way) and made
        for path in (folder.parent, folder):
            if path.is_symlink():
                self.refused = f"{path} is a symbolic link; the build cache is not used"

    def _folder(self, kind: str, key: str) -> str:
        return os.path.join(self._root, kind, key[:2])

    def _file(self, kind: str, key: str) -> str:
        return os.path.join(self._folder(kind, key), key + ".json")

    def load(self, kind: str, key: str) -> Any:
        """The value stored under ``key``, or None (not there, unreadable, not JSON, or the cache is off)."""
        folder = self._folder(kind, key)
        if self.refused or os.path.islink(folder) or os.path.islink(os.path.dirname(folder)):
            return None  # nothing is read through a link
        try:
            fd = os.open(self._file(kind, key), os.O_RDONLY | _NOFOLLOW | _CLOEXEC)
        except OSError:
            return None
        try:
            with os.fdopen(fd, "rb") as handle:
                if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    return None
                return json.loads(handle.read())
        except (OSError, ValueError):
            return None

    def store(self, kind: str, items: Iterable[tuple[str, Any]]) -> int:
        """Write each (key, value); the number written.  A link on the way, or a write that fails, turns it off."""
        written = 0
        for key, value in items:
            folder = self._folder(kind, key)
            if self.refused or not self._folder_ok(folder, kind):
                break
            temporary = os.path.join(folder, f".{key}.{os.getpid()}.tmp")
            data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
            try:
                fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NOFOLLOW | _CLOEXEC, 0o644)
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.replace(temporary, self._file(kind, key))
                written += 1
            except OSError as err:
                self.refused = f"cannot write to {folder}: {err.strerror or err}"
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
        return written

    def unstored(self, kind: str, keys: Iterable[str]) -> int:
        """How many of ``keys`` have no stored result.

        A forked worker that cannot write (a full disk, a read-only folder) turns the cache off in its
        own copy of this object only; the run asks afterwards what its workers failed to keep.
        """
        return sum(1 for key in keys if not os.path.isfile(self._file(kind, key)))

    def prune(self, kind: str, used: set[str]) -> int:
        """Mark the results of ``kind`` in ``used`` as used now; remove the others no run used for ``KEEP_FOR``.

        So the folder holds about one book's worth of results, while what ``check`` (which renders
        for the default site URL) and the site's build each use survives the other.  The count removed.
        """
        top = self.folder / kind
        if self.refused or top.is_symlink() or not top.is_dir():
            return 0
        now = time.time()
        removed = 0
        for sub in top.iterdir():
            if sub.is_symlink() or not sub.is_dir():
                continue
            for item in sub.iterdir():
                if item.suffix != ".json" or item.is_symlink():
                    continue
                try:
                    if item.stem in used:
                        os.utime(item, (now, now))
                    elif item.stat().st_mtime < now - KEEP_FOR:
                        item.unlink()
                        removed += 1
                except OSError:
                    continue
        return removed

    def _folder_ok(self, folder: str, kind: str) -> bool:
        """The folder exists (made here one step at a time if needed) and no folder on the way is a link."""
        if folder in self._ready:
            return True
        steps = [str(self.folder.parent), self._root, os.path.join(self._root, kind), folder]
        for path in steps:
            if os.path.islink(path):
                self.refused = f"{path} is a symbolic link; the build cache is not used"
                return False
            try:
                os.mkdir(path)
            except FileExistsError:
                pass
            except OSError as err:
                self.refused = f"cannot make {path}: {err.strerror or err}"
                return False
        self._ready.add(folder)
        return True


# What the read stage stores: one file's entries and problems.

def _source(s: Source) -> list[Any]:
    return [s.file, s.line]


def encode_problem(p: Problem) -> list[Any]:
    return [p.source.file, p.source.line, p.code, p.message, p.level.value]


def decode_problem(v: list[Any]) -> Problem:
    file, line, code, message, level = v
    return Problem(Source(str(file), int(line)), str(code), str(message), Level(level))


def _block(b: Block, file: str) -> list[Any]:
    out = [b.kind.value, b.text, b.source.line, b.markup.value, b.level, b.ordered, b.info]
    return out if b.source.file == file else [*out, b.source.file]


def _unblock(v: list[Any], file: str) -> Block:
    kind, text, line, markup, level, ordered, info, *rest = v
    return Block(BlockKind(kind), str(text), Source(str(rest[0]) if rest else file, int(line)), Markup(markup),
                 int(level), bool(ordered), str(info))


def encode_read(entries: list[Entry], problems: list[Problem]) -> dict[str, Any]:
    out = []
    for e in entries:
        out.append({
            "source": _source(e.source), "fmt": e.fmt, "title": e.title,
            "date": [e.date.month, e.date.day, e.date.year] if e.date else None, "author": e.author,
            "blocks": [_block(b, e.source.file) for b in e.blocks], "truncated": e.truncated,
            "post_id": e.post_id, "url": e.url, "category": e.category, "tags": list(e.tags),
            "complete": e.complete,
        })
    return {"entries": out, "problems": [encode_problem(p) for p in problems]}


def decode_read(value: Any) -> tuple[list[Entry], list[Problem]] | None:
    """A stored read, or None when it is not one (then the file is parsed again)."""
    try:
        entries = []
        for e in value["entries"]:
            file = str(e["source"][0])
            date = e["date"]
            entries.append(Entry(
                source=Source(file, int(e["source"][1])), fmt=str(e["fmt"]), title=e["title"],
                date=PartialDate(int(date[0]), int(date[1]), date[2]) if date else None, author=e["author"],
                blocks=tuple(_unblock(b, file) for b in e["blocks"]), truncated=bool(e["truncated"]),
                post_id=e["post_id"], url=e["url"], category=e["category"], tags=tuple(e["tags"]),
                complete=bool(e["complete"])))
        return entries, [decode_problem(p) for p in value["problems"]]
    except (KeyError, TypeError, ValueError, IndexError):
        return None
