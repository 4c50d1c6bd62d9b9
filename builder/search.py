"""Each edition's search index: Pagefind, run over the edition's built pages.

Why Pagefind and not Material's lunr search: lunr loads one index of the
whole edition before the first result (10-24 MB at the blog's 1,300
articles); Pagefind splits its index into chunks, and a query fetches only
the chunks its words need (benchmarks/searchcost.py measures both).

Why every Chinese character is its own word: Pagefind's indexer cuts Chinese
into words with its own dictionary, the browser cuts the query with
``Intl.Segmenter``, and the two disagree (判别器 is indexed as 判别|器 and
queried as 判|别|器 or 判别器: no result).  So the pages Pagefind reads have a
zero-width space between any two CJK characters, and the search box
(docs/assets/javascripts/search.js) asks for the query's characters as an
exact phrase: every page that holds the query's text is found, whatever
either side's dictionary says, and a glossary term is found whole.

What Pagefind reads is not the site itself but a copy of each page's article
alone (Material's ``article.md-content__inner``), written to a scratch folder
inside the site and removed afterwards.  The copy is small (no navigation),
carries the separators, and comes from this edition only: the original
edition's site folder holds the other editions below their prefixes
(``en/``), which build there meanwhile and index themselves.  Formulas (TeX,
typeset in the browser), the other language's parallel copy, permalink signs
and whatever the builder marked ``data-search-exclude`` are left out by
Pagefind.  Every edition's index is made in the original edition's language
(Chinese): an untranslated unit of the English edition shows the Chinese
text, which Pagefind's English tokenizer leaves as one long word (found by no
query), while its Chinese one also keeps English words whole.  What the
English tokenizer would add, stemming, the search box does on the query
instead: it cuts each English word back to its stem, which Pagefind matches
to every word it begins.  Measured on the bundled book, the English queries
and glossary terms find as many chapters this way as with the English
tokenizer (benchmarks/searchcost.py).

Why the index comes in shards: Pagefind holds everything it indexes in memory
(about 28 bytes for each byte of the copies: 1.7 GB for one edition of 1,300
long articles, and the editions build side by side).  So the copies are cut,
in page order, into as few even shards of at most ``shard_bytes`` as that
allows (``mkdocs serve`` cuts smaller ones, :data:`SERVE_SHARD_BYTES`, so that
an edit re-indexes little); Pagefind indexes one shard at a time (the first
into ``pagefind/``, the others into ``pagefind/shard-N/``), and only one Pagefind runs at a time
in the whole build (a lock file in the build folder).  ``pagefind/shards.json``
lists the other shards, which the search box merges into one result list
(Pagefind's ``mergeIndex``, which sorts the merged results by score and runs
every shard with the first one's WebAssembly).  Memory then grows with the
shard, not with the book.  Shards are not free for a reader: a query fetches
the index chunks of its words in every shard (a rare word's chunk costs about
the same in a small shard as in a large one), so there are as few as memory
allows.  A shard's bundle is kept in the build cache (:mod:`builder.cache`)
under a digest of its pages' paths and copies and of Pagefind's binary and
arguments: a rebuild runs Pagefind only for the shards whose pages changed.

Pure functions choose the pages and write the copies (tested without the
binary); :func:`index_site` runs Pagefind.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # not POSIX: indexing runs are not serialised
    fcntl = None  # type: ignore[assignment]

from .cache import Memo, digest

BUNDLE = "pagefind"  # the index's folder below the edition's root; overrides/partials/search.html names it too
SCRATCH = ".pagefind-source"  # the pages as Pagefind reads them, inside the site while it runs
SHARDS = "shards.json"  # in the first shard's bundle: the other shards' folders; search.js reads it
SHARD_BYTES = 36_000_000  # of search copies per Pagefind run: about 1 GB of Pagefind's memory
# Under mkdocs serve: an edit re-indexes its page's shard only, about 1 s for a shard this size, where a
# 36 MB one takes about 10 s; the larger query payload of many shards does not matter for a local preview.
SERVE_SHARD_BYTES = 4_000_000
LOCK = "pagefind.lock"  # in the project's build folder: held by whichever edition's Pagefind runs
ARTICLE_CLASS = "md-content__inner"  # Material's article: no navigation, header or footer
EXCLUDE_SELECTORS = (
    "[data-search-exclude]",  # the builder's marks: byline, parallel-text button, over-budget text
    ".arithmatex",  # TeX source of formulas
    ".kb-alt",  # the other language's parallel copy (builder.render.names.ALT; a test holds them equal)
    ".headerlink",  # the permalink sign after every heading
)
# Site files that are not pages of the edition: Material's 404 page and assets, an old lunr index, the index.
SKIP = frozenset({"404.html", "assets", "search", BUNDLE, SCRATCH})
INSTALL = "pip install 'pagefind[extended]==1.5.2'"
# What Pagefind writes for its own search interfaces and term highlighting: the search box (search.js) imports
# pagefind.js alone, so these are removed from every bundle (about 0.4 MB each) before it is kept or served.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
SEPARATOR = "\u200b"  # Pagefind splits words there and shows no space in excerpts
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # the ideographs search.js splits queries into
_IDEOGRAPHS = re.compile(f"[{_CJK}]{{2,}}")  # a run of two or more: the separator goes between its characters
_TEXT = re.compile(r">([^<]+)")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>")
_CLASS = re.compile(r"""\bclass=["']([^"']*)["']""")
_EXCLUDED_CLASSES = frozenset(s[1:] for s in EXCLUDE_SELECTORS if s.startswith("."))
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                   "wbr"})
_TITLE_MATH = re.compile(r'<span class="arithmatex">\\\((.*?)\\\)</span>')  # an inline formula, as arithmatex writes it
_ARTICLE = re.compile(r"<article\b[^>]*\bclass=\"[^\"]*\b" + ARTICLE_CLASS + r"\b[^\"]*\"[^>]*>")


class SearchIndexError(RuntimeError):
    """Pagefind is missing or failed: the message says what to install or what it printed."""


@dataclass(frozen=True)
class Indexed:
    pages: int  # pages Pagefind indexed (-1 when its output did not say)
    seconds: float
    output: str  # what Pagefind printed
    prepared: float = 0.0  # seconds of the builder's own work (all but Pagefind's runs): copies, cached bundles
    shards: int = 1  # bundles, each a Pagefind run of its own
    reused: int = 0  # bundles taken from the build cache instead of a run


def index_language(tag: str) -> str:
    """Pagefind's language code for a BCP 47 tag: the primary subtag (``zh-CN`` → ``zh``)."""
    primary = tag.split("-", 1)[0].strip().lower()
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else "en"


def nested_prefixes(own: str, prefixes: Iterable[str]) -> list[str]:
    """The other editions' folders below an edition's root, relative to it (``en/`` below the original's ``""``)."""
    return [p[len(own):] for p in prefixes if p != own and p.startswith(own)]


def edition_pages(site_dir: Path, others: Iterable[str] = ()) -> Iterator[Path]:
    """The edition's HTML pages below ``site_dir``, relative to it, in a stable order.

    ``others`` are the other editions' prefixes below this root (``en/`` in
    the original's site): their folders, Material's assets and 404 page and
    the index itself are left out.  Links are not followed.
    """
    skip = SKIP | {o.strip("/").split("/", 1)[0] for o in others if o.strip("/")}
    for top in sorted(site_dir.iterdir(), key=lambda p: p.name):
        if top.name in skip or top.name.startswith(".") or top.is_symlink():
            continue
        if top.is_file() and top.name.endswith(".html"):
            yield top.relative_to(site_dir)
        elif top.is_dir():
            for folder, dirs, files in os.walk(top):  # os.walk does not follow links by default
                dirs.sort()
                for name in sorted(files):
                    path = Path(folder) / name
                    if name.endswith(".html") and not path.is_symlink():
                        yield path.relative_to(site_dir)


def split_ideographs(text: str) -> str:
    """Text with a zero-width space between any two CJK ideographs: each becomes a word of its own."""
    return _IDEOGRAPHS.sub(lambda m: SEPARATOR.join(m.group()), text)


def _excluded(attrs: str) -> bool:
    if "data-search-exclude" in attrs:
        return True
    found = _CLASS.search(attrs)
    return bool(found and _EXCLUDED_CLASSES.intersection(found.group(1).split()))


def strip_excluded(html: str) -> str:
    """HTML without the elements Pagefind would leave out anyway (EXCLUDE_SELECTORS), in one pass.

    Pagefind gets the selectors too; dropping the elements here keeps its
    input small (the parallel copy alone is over half of an article).  An
    element ends at the closing tag that balances its name; void and
    self-closed tags open nothing.
    """
    out: list[str] = []
    kept = 0  # where the text not yet copied starts
    skipping, depth = "", 0
    for tag in _TAG.finditer(html):
        closing, name, attrs = tag.group(1) == "/", tag.group(2).lower(), tag.group(3)
        opens = not closing and name not in _VOID and not attrs.rstrip().endswith("/")
        if skipping:
            if name == skipping:
                depth += 1 if opens else -1 if closing else 0
                if depth == 0:
                    skipping, kept = "", tag.end()
        elif opens and _excluded(attrs):
            out.append(html[kept:tag.start()])
            skipping, depth = name, 1
        elif not closing and name not in _VOID and _excluded(attrs):
            out.append(html[kept:tag.start()])  # a self-closed excluded element: the tag alone
            kept = tag.end()
    if not skipping:
        out.append(html[kept:])
    return "".join(out)


def _title_formulas_as_text(article: str) -> str:
    """The article with its heading's formulas as ``$TeX$`` text: the heading is the result's title, and
    formulas elsewhere are left out of the index (a title would lose its ``$E_n$``)."""
    start = article.find("<h1")
    end = article.find("</h1>", start)
    if start == -1 or end == -1 or "arithmatex" not in article[start:end]:
        return article
    return article[:start] + _TITLE_MATH.sub(r"$\1$", article[start:end]) + article[end:]


def search_page(html: str, language: str) -> str | None:
    """What Pagefind reads of a page: its article alone, ideographs split, in a document of the edition's language.

    None when the page has no article (not a page of the book).  Only text
    between tags changes; tags and attributes are kept as they are.
    """
    found = _ARTICLE.search(html)
    end = html.rfind("</article>")
    if found is None or end < found.start():
        return None
    article = strip_excluded(_title_formulas_as_text(html[found.start():end + len("</article>")]))
    article = _TEXT.sub(lambda m: ">" + split_ideographs(m.group(1)), article)
    return (f'<!doctype html>\n<html lang="{language}"><head><meta charset="utf-8"></head>'
            f"<body>{article}</body></html>\n")


def shard_folder(shard: int) -> str:
    """The folder of shard ``shard`` (0-based) below the first shard's bundle; "" for the first."""
    return f"shard-{shard + 1}/" if shard else ""


def _copy_of(site_dir: Path, rel: str, language: str, made: Mapping[str, str | None]) -> bytes | None:
    copy = made[rel] if rel in made else search_page(
        (site_dir / rel).read_text(encoding="utf-8", errors="replace"), language)
    return None if copy is None else copy.encode("utf-8", "surrogatepass")


def cut(sizes: Sequence[int], shard_bytes: int) -> list[int]:
    """Where shards start in a run of copies of ``sizes`` bytes: as few shards as ``shard_bytes`` allows, even.

    Even, not filled one after another: the largest shard sets Pagefind's memory, and every
    shard costs a reader's query its own index chunks.  A copy larger than ``shard_bytes`` is
    a shard of its own.
    """
    total = sum(sizes)
    even = total / max(1, -(-total // shard_bytes))  # what each of as few shards as allowed would hold
    starts: list[int] = []
    before = held = 0  # bytes before this copy; bytes in the current shard
    for i, size in enumerate(sizes):
        if not starts or (held and (held + size > shard_bytes or before >= even * len(starts))):
            starts.append(i)
            held = 0
        held += size
        before += size
    return starts


def stable_cut(names: Sequence[str], sizes: Sequence[int], shard_bytes: int) -> list[int]:
    """Where shards start when an edit must not move the cuts (``mkdocs serve``): at pages the path picks.

    :func:`cut` places every cut by the bytes before it, so a page that grows moves the cuts after
    it and each of those shards is indexed again.  Here a shard starts at a page whose path's digest
    falls in a fixed share (about one page in however many fill half a shard), or where the next copy
    would not fit: a page's edit changes its own shard, and a later one only while shards run full.
    """
    if not sizes:
        return []
    average = max(1, sum(sizes) // len(sizes))
    every = max(1, shard_bytes // (2 * average))  # the expected pages per shard: half full, rarely at the cap
    starts = [0]
    held = sizes[0]
    for i in range(1, len(sizes)):
        picked = int(hashlib.sha256(names[i].encode()).hexdigest()[:8], 16) % every == 0
        if picked or held + sizes[i] > shard_bytes:
            starts.append(i)
            held = 0
        held += sizes[i]
    return starts


@dataclass(frozen=True)
class Shard:
    """Pages Pagefind indexes in one run: their paths in the site (POSIX) and, when asked for, their copies' digests."""

    pages: tuple[str, ...]
    copies: tuple[str, ...] = ()  # SHA-256 of each page's copy: with the paths, the build cache's key of the index


def plan_shards(site_dir: Path, pages: Iterable[Path], language: str, made: Mapping[str, str | None] | None = None,
                shard_bytes: int = SHARD_BYTES, keyed: bool = False, stable: bool = False) -> list[Shard]:
    """The pages that have a search copy, in the order of ``pages``, cut into shards by :func:`cut`
    (by :func:`stable_cut` when ``stable``).

    ``made`` holds copies already made from the pages as they were written (by relative POSIX
    path); any other page is read back from the site.  ``keyed``: digest each copy too.  The
    copies are not kept (a language's copies are as large as its text): :func:`write_shard`
    makes them again for a shard that Pagefind must index.
    """
    made = made or {}
    kept: list[tuple[str, int, str]] = []
    for path in pages:
        data = _copy_of(site_dir, path.as_posix(), language, made)
        if data is not None:
            kept.append((path.as_posix(), len(data), hashlib.sha256(data).hexdigest() if keyed else ""))
    sizes = [size for _, size, _ in kept]
    starts = stable_cut([rel for rel, _, _ in kept], sizes, shard_bytes) if stable else cut(sizes, shard_bytes)
    runs = [kept[begin:end] for begin, end in zip(starts, [*starts[1:], len(kept)], strict=True)]
    return [Shard(tuple(rel for rel, _, _ in run), tuple(sha for _, _, sha in run) if keyed else ()) for run in runs]


def write_shard(site_dir: Path, shard: Shard, dest: Path, language: str,
                made: Mapping[str, str | None] | None = None) -> None:
    """Write the search copy of each page of ``shard`` below ``dest`` at its path in the site."""
    made = made or {}
    for rel in shard.pages:
        data = _copy_of(site_dir, rel, language, made)
        if data is not None:
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)


def _bundle_files(folder: Path) -> dict[str, bytes]:
    """What Pagefind wrote below ``folder`` (links not followed), by POSIX path relative to it."""
    out: dict[str, bytes] = {}
    for here, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = Path(here) / name
            if not path.is_symlink():
                out[path.relative_to(folder).as_posix()] = path.read_bytes()
    return out


_BUNDLE_PATH = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*")


def _encode_bundle(files: dict[str, bytes]) -> dict[str, Any]:
    return {"files": {rel: base64.b64encode(data).decode("ascii") for rel, data in files.items()}}


def _decode_bundle(value: Any) -> dict[str, bytes] | None:
    """A stored index bundle, or None when it is not one; a path that could leave the bundle makes it none."""
    try:
        files = {str(rel): base64.b64decode(data, validate=True) for rel, data in value["files"].items()}
    except (KeyError, TypeError, AttributeError, ValueError):
        return None
    if not files or not all(_BUNDLE_PATH.fullmatch(rel) for rel in files):
        return None
    return files


def _program_version(program: Path) -> str:
    """What identifies the Pagefind binary in a cache key: its path, size and modification time."""
    try:
        info = program.stat()
    except OSError:
        return str(program)
    return f"{program}:{info.st_size}:{info.st_mtime_ns}"


@contextmanager
def one_at_a_time(lock: Path | None) -> Iterator[None]:
    """Hold the file ``lock`` while Pagefind runs: editions built side by side index one shard at a time.

    Pagefind's memory is the build's largest (the module's docstring); two at once would double it.
    Without ``fcntl`` (not POSIX) or a lock file, runs are not serialised.
    """
    if lock is None or fcntl is None:
        yield
        return
    lock.parent.mkdir(parents=True, exist_ok=True)
    try:
        handle = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0),
                         0o644)
    except OSError as err:
        raise SearchIndexError(f"{lock}: cannot open the search index's lock file ({err}); "
                               "remove it if it is a link") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def pagefind_args(source: Path, output: Path, language: str) -> list[str]:
    """Pagefind's arguments (without the program): index the copies in ``source`` into ``output``."""
    return ["--site", str(source), "--output-path", str(output),
            "--exclude-selectors", ", ".join(EXCLUDE_SELECTORS), "--force-language", language]


def find_pagefind() -> Path:
    """The extended Pagefind binary, from its PyPI package; ``PAGEFIND_BINARY_PATH`` may name another."""
    named = os.environ.get("PAGEFIND_BINARY_PATH")
    if named:
        path = Path(named)
        if not path.is_file():
            raise SearchIndexError(f"PAGEFIND_BINARY_PATH={named} is not a file; unset it, or {INSTALL}")
        return path
    try:
        import pagefind_bin_extended
    except ImportError:
        raise SearchIndexError("the search index needs Pagefind's binary, which is not installed: "
                               f"{INSTALL} (or pip install -e . in the project)") from None
    try:
        return Path(pagefind_bin_extended.get_executable())
    except (FileNotFoundError, OSError) as err:
        raise SearchIndexError(f"the pagefind_bin_extended package has no binary ({err}); reinstall it: "
                               f"{INSTALL}") from None


def _remove_scratch(scratch: Path) -> None:
    if scratch.is_symlink():
        scratch.unlink()
    elif scratch.exists():
        shutil.rmtree(scratch)


def index_site(site_dir: Path, tag: str, others: Iterable[str] = (), binary: Path | None = None,
               made: Mapping[str, str | None] | None = None, shard_bytes: int = SHARD_BYTES,
               lock: Path | None = None, memo: Memo | None = None, stable: bool = False) -> Indexed:
    """Index one edition's built site (``site_dir``, the edition's root) into ``site_dir/pagefind``.

    ``tag`` is the edition's language tag; ``others`` the other editions'
    prefixes that lie below this root; ``made`` the search copies made while
    the pages were written (:func:`plan_shards`); ``shard_bytes`` the
    copies' size per Pagefind run (the module's docstring says why); ``lock``
    a file every edition's indexing holds while Pagefind runs; ``stable``: cuts an edit does not
    move (:func:`stable_cut`, for ``mkdocs serve``'s small shards).  With a build
    cache (``memo``), a shard whose pages and copies an earlier build indexed
    with the same Pagefind takes that build's bundle instead of a run.  Raises
    :class:`SearchIndexError` when Pagefind is missing or fails.
    """
    start = time.perf_counter()
    memo = memo or Memo()
    program = binary or find_pagefind()
    language = index_language(tag)
    scratch = site_dir / SCRATCH
    bundle = site_dir / BUNDLE
    _remove_scratch(scratch)
    outputs: list[str] = []
    running = 0.0  # seconds in Pagefind's runs; the rest is the builder's own work
    taken = reused = 0  # pages and shards whose index came from the build cache
    try:
        shards = plan_shards(site_dir, list(edition_pages(site_dir, others)), language, made, shard_bytes,
                             keyed=memo.on, stable=stable)
        if not shards:
            seconds = time.perf_counter() - start
            return Indexed(0, seconds, "no pages to index", seconds, 0)
        shutil.rmtree(bundle, ignore_errors=True)
        version = _program_version(program) if memo.on else ""
        for number, shard in enumerate(shards):  # one at a time: Pagefind's memory is one shard's
            folder = bundle / shard_folder(number)
            args = pagefind_args(scratch / str(number), folder, language)

            def run(args: list[str] = args, folder: Path = folder, number: int = number,
                    shard: Shard = shard) -> dict[str, bytes]:
                nonlocal running
                write_shard(site_dir, shard, scratch / str(number), language, made)
                began = time.perf_counter()
                outputs.append(_run_pagefind(program, args, lock, f"{site_dir} (shard {number + 1} of {len(shards)})"))
                running += time.perf_counter() - began
                for name in UNUSED:
                    (folder / name).unlink(missing_ok=True)
                return _bundle_files(folder) if memo.on else {}

            key = digest("pagefind", version, *pagefind_args(Path(), Path(), language), str(len(shard.pages)),
                         *shard.pages, *shard.copies) if memo.on else ""
            files, hit = memo.through("pagefind", key, run, _encode_bundle, _decode_bundle)
            memo.used("pagefind", key, hit=hit)
            if hit:
                for rel, data in files.items():
                    (folder / rel).parent.mkdir(parents=True, exist_ok=True)
                    (folder / rel).write_bytes(data)
                taken += len(shard.pages)
                reused += 1
        (bundle / SHARDS).write_text(json.dumps([shard_folder(k) for k in range(1, len(shards))]) + "\n",
                                     encoding="utf-8")
    finally:
        _remove_scratch(scratch)
    found = [re.search(r"Indexed (\d+) pages?", out) for out in outputs]
    pages = taken + sum(int(f.group(1)) for f in found if f) if all(found) else -1
    seconds = time.perf_counter() - start
    return Indexed(pages, seconds, "\n".join(outputs), seconds - running, len(shards), reused)


def _run_pagefind(program: Path, args: list[str], lock: Path | None, what: str) -> str:
    """Run Pagefind holding ``lock``; what it printed, or :class:`SearchIndexError`."""
    try:
        with one_at_a_time(lock):
            done = subprocess.run([str(program), *args],  # noqa: S603
                                  capture_output=True, text=True, timeout=900, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise SearchIndexError(f"pagefind ({program}) could not run: {err}; {INSTALL}") from None
    output = done.stdout + done.stderr
    if done.returncode != 0:
        raise SearchIndexError(f"pagefind failed (exit {done.returncode}) indexing {what}:\n{output[-3000:]}")
    return output


def index_edition(site_dir: Path, tag: str, own_prefix: str, prefixes: Iterable[str],
                  made: Mapping[str, str | None] | None = None, shard_bytes: int = SHARD_BYTES,
                  lock: Path | None = None, memo: Memo | None = None, stable: bool = False) -> Indexed:
    """Index the edition at ``site_dir`` whose prefix is ``own_prefix``, leaving out every edition below it."""
    return index_site(site_dir, tag, nested_prefixes(own_prefix, prefixes), made=made, shard_bytes=shard_bytes,
                      lock=lock, memo=memo, stable=stable)
