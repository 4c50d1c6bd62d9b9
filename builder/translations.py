"""Translations as data: one YAML file per chapter, aligned by paragraph.

Each unit is tied to its source block by a hash of the normalised source text
(NFKC, white space collapsed), and keeps that source text too, so that when a
dump changes the builder can tell which English units are still good, which
are stale (and show the old and new source), and which are missing.  The
scaffold only ever adds units; it never rewrites a translator's text.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import inline
from .model import Aligned, Block, Level, Markup, Post, Problem, State
from .text import digest, key_of
from .yamldata import TRANSLATION_MAX_BYTES, DataError, Where, load_checked

# How alike an old source paragraph and a new one must be for the new one to
# count as an edit of the old (:func:`_likeness`); below it, the new one is new.
# Only the old units about as far into the gap between two current blocks as
# the new one are weighed (this many either side): linear, however long the gap.
STALE_SIMILARITY = 0.5
STALE_WINDOW = 8
# A run of blocks matched to a run of units (see _spans) starts only where both open with this many of the same
# letters, tries this many units there, and covers at most this many pieces on either side: a hostile file
# cannot make the matching quadratic.
SPAN_START = 8
SPAN_TRIES = 4
SPAN_MAX = 32


def unit_hash(text: str) -> str:
    return digest(" ".join(unicodedata.normalize("NFKC", text).split()), 12)


def _readable(block: Block) -> str:
    """The block as a reader sees it, for matching: an article's Markdown paragraph and an excerpt's plain one
    that show the same text are the same unit.  Letters, digits and ideographs only: the excerpt dumps drop
    a paragraph's final full stop and turn full-width punctuation into ASCII."""
    return key_of(inline.plain(block.text) if block.markup == Markup.MARKDOWN else block.text)


@dataclass
class Unit:
    hash: str
    source: str
    text: str
    line: int = 0  # line in the translation file, for messages
    ignore_terms: tuple[str, ...] = ()  # glossary terms used here in another sense


@dataclass
class Translation:
    chapter: str
    path: Path
    title: Unit | None = None
    units: list[Unit] = field(default_factory=list)

    def by_hash(self) -> dict[str, Unit]:
        return {u.hash: u for u in self.units if u.text.strip()}


class _Dumper(yaml.SafeDumper):
    pass


def _str_rep(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_rep)


def _unit(raw: dict[str, Any], line: int) -> Unit:
    return Unit(raw["hash"], raw.get("source") or "", raw.get("text") or "", line,
                tuple(raw.get("ignore_terms") or ()))


def _record(where: Where) -> Where | None:
    """What an error spoils: one unit, or the title, or else the whole file (its `chapter`, its top)."""
    if len(where) >= 2 and where[0] == "units":
        return where[:2]
    if where[:1] == ("title",):
        return ("title",)
    return None


def read_translation(path: Path) -> tuple[Translation | None, list[Problem]]:
    """One file and what is wrong with it, each problem naming file:line.

    A file from an outside contributor may be anything: an error in a unit drops
    that unit (its paragraph shows as not yet translated), in the title the title,
    anywhere else the whole file (None); the other files are not affected.
    """
    checked = load_checked(path, "translation", code="translation-invalid", max_bytes=TRANSLATION_MAX_BYTES,
                           record=_record)
    if checked.data is None:
        return None, checked.problems
    title = checked.get("title")
    units = [_unit(raw, checked.line(where)) for where, raw in checked.entries("units")]
    chapter = checked.data.get("chapter")
    tr = Translation(str(chapter) if chapter is not None else path.stem, path,
                     _unit(title, checked.line(("title",))) if title else None, units)
    return tr, checked.problems


def load_translation(path: Path) -> Translation:
    """One file, whole or not at all: raises DataError (a ValueError naming file:line) on any error.

    For ``translate scaffold``, which rewrites the file: dropping a unit it could not
    read would delete a translator's work.
    """
    tr, problems = read_translation(path)
    errors = [p for p in problems if p.level == Level.ERROR]
    if tr is None or errors:
        raise DataError(errors or problems)
    return tr


def dump_translation(tr: Translation) -> str:
    def unit(u: Unit) -> dict[str, Any]:
        data: dict[str, Any] = {"hash": u.hash, "source": u.source, "text": u.text}
        if u.ignore_terms:
            data["ignore_terms"] = list(u.ignore_terms)
        return data

    data: dict[str, Any] = {"chapter": tr.chapter}
    if tr.title is not None:
        data["title"] = unit(tr.title)
    data["units"] = [unit(u) for u in tr.units]
    header = ("# English text of one chapter, aligned to the archive by paragraph.\n"
              "# Edit `text` only; `hash` and `source` record what it translates.\n")
    return header + yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**6)


def align_title(post: Post, tr: Translation | None) -> tuple[State, str | None]:
    """Whether the translation's title is current, and its text (also when stale); the one place that decides it."""
    if tr is None or tr.title is None or not tr.title.text.strip():
        return State.MISSING, None
    if tr.title.hash != unit_hash(post.title or ""):
        return State.STALE, tr.title.text
    return State.CURRENT, tr.title.text


def _unit_hashes(post: Post, tr: Translation) -> list[str]:
    """Each block's unit hash; a block whose own hash has no unit takes that of a unit made for the same
    readable text (a unit made for an excerpt's paragraph still fits the full page's Markdown one)."""
    good = tr.by_hash()
    by_text = {key: u for u in tr.units if u.text.strip() and (key := key_of(u.source))}
    hashes = []
    for b in post.blocks:
        h = unit_hash(b.text)
        if h not in good and b.translatable and (same := by_text.get(_readable(b) or "\0")) is not None:
            h = same.hash
        hashes.append(h)
    return hashes


def _bigrams(key: str) -> Counter[str]:
    """A readable key's letter pairs, for :func:`_likeness`."""
    return Counter(key[n:n + 2] for n in range(len(key) - 1)) if len(key) > 1 else Counter(key)


def _likeness(a: Counter[str], b: Counter[str]) -> float:
    """How alike two texts read, 0 to 1, from their :func:`_bigrams`: the Dice coefficient of the pairs.
    Linear in their length, where difflib's ratio can be quadratic on repetitive text."""
    total = a.total() + b.total()
    return 2 * (a & b).total() / total if total else 0.0


def _span(blocks: list[str], units: list[str], i: int, k: int) -> tuple[int, int] | None:
    """Where the run of blocks from ``i`` and the run of units from ``k`` end (exclusive) when their keys, each
    run's joined, are the same text; None when they part first.  An empty key is a piece that may not join."""
    j, m = i, k  # the pieces being read
    a = b = 0  # how far into blocks[j] and units[m]
    while True:
        x, y = blocks[j], units[m]
        n = min(len(x) - a, len(y) - b)
        if n <= 0 or x[a:a + n] != y[b:b + n]:
            return None
        a += n
        b += n
        if a == len(x) and b == len(y):
            return j + 1, m + 1
        if a == len(x):
            j, a = j + 1, 0
            if j == len(blocks) or j - i == SPAN_MAX:
                return None
        if b == len(y):
            m, b = m + 1, 0
            if m == len(units) or m - k == SPAN_MAX:
                return None


def _spans(blocks: list[str], tr: Translation, sources: list[str], used: set[str]) -> dict[int, tuple[range, range]]:
    """Runs of unmatched blocks (their readable keys, "" for the others) and of units not ``used`` (``sources``:
    their sources' keys) that tell the same text with other paragraph breaks, by the run's first block: a
    plain-text scrape splits run-together text where the excerpt kept one paragraph, and an excerpt may join
    what a page keeps apart.  Both runs are consecutive, and only a whole match counts."""
    units = [key if u.text.strip() and u.hash not in used else "" for u, key in zip(tr.units, sources, strict=True)]
    starts: dict[str, list[int]] = {}
    for k, key in enumerate(units):
        if len(key) >= SPAN_START:
            starts.setdefault(key[:SPAN_START], []).append(k)
    skip: dict[str, int] = {}  # per opening, how many of its units (in order) are known to be taken
    spans: dict[int, tuple[range, range]] = {}
    i = 0
    while i < len(blocks):
        # The first few units still free that open like this block: a matched unit is never freed again, so
        # dropping the taken ones from the front keeps the look-up short however many units open alike.
        opening = blocks[i][:SPAN_START]
        alike = starts.get(opening, []) if len(opening) == SPAN_START else []
        first = skip.get(opening, 0)
        while first < len(alike) and not units[alike[first]]:
            first += 1
        skip[opening] = first
        tries = [k for k in alike[first:first + SPAN_TRIES * 4] if units[k]][:SPAN_TRIES]
        for k in tries:
            end = _span(blocks, units, i, k)
            if end is not None and (end[0] - i > 1 or end[1] - k > 1):  # one to one was matched before
                spans[i] = (range(i, end[0]), range(k, end[1]))
                for m in range(k, end[1]):
                    units[m] = ""
                i = end[0]
                break
        else:
            i += 1
    return spans


def align(post: Post, tr: Translation | None) -> list[Aligned]:
    """Each source block with its translation state.

    A unit whose hash (or readable text) matches is current.  A run of blocks
    that together tell one unit's text (or one block several units') is current
    on its first block, the others joined to it.  An unmatched block takes the
    most similar unmatched old unit lying between the same current neighbours
    (and about as far into that gap), if it is similar enough to be an edit of it
    (stale); otherwise it is missing.
    """
    if tr is None:
        return [Aligned(b, State.MISSING) if b.translatable else Aligned(b, State.SHARED, b.text)
                for b in post.blocks]
    good = tr.by_hash()
    hashes = _unit_hashes(post, tr)
    keys = [_readable(b) if b.translatable and h not in good else "" for b, h in zip(post.blocks, hashes, strict=True)]
    sources = [key_of(u.source) for u in tr.units]
    used = {h for h in hashes if h in good}
    spans = _spans(keys, tr, sources, used)
    joined = {i for run, _ in spans.values() for i in run}
    used |= {tr.units[k].hash for _, run in spans.values() for k in run}
    index = {u.hash: k for k, u in enumerate(tr.units) if u.text.strip()}  # the unit `good` holds
    leftovers = [k for k, u in enumerate(tr.units) if u.hash not in used and u.text.strip()]
    pairs = []
    old: dict[int, Counter[str]] = {}  # the letter pairs of the leftover units weighed so far
    gap: list[int] = []  # unmatched blocks since the last current one
    before = -1  # the unit of the last current block
    for i, h in enumerate([*hashes, ""]):  # "" closes the last gap
        if i < len(hashes) and h not in good:
            if i not in joined and post.blocks[i].translatable:
                gap.append(i)
            continue
        after = index[h] if i < len(hashes) else len(tr.units)
        low, high = bisect_right(leftovers, before), bisect_left(leftovers, after)  # the old units between
        for rank, j in enumerate(gap if low < high else ()):  # an edited paragraph keeps about its place
            reads = _bigrams(keys[j])
            for k in leftovers[low + max(0, rank - STALE_WINDOW):min(high, low + rank + STALE_WINDOW + 1)]:
                if k not in old:
                    old[k] = _bigrams(sources[k])
                if (likeness := _likeness(old[k], reads)) >= STALE_SIMILARITY:
                    pairs.append((-likeness, j, k))
        gap, before = [], after
    stale: dict[int, int] = {}
    taken: set[int] = set()
    for _, i, k in sorted(pairs):
        if i not in stale and k not in taken:
            stale[i] = k
            taken.add(k)
    out = []
    for i, (block, h) in enumerate(zip(post.blocks, hashes, strict=True)):
        if not block.translatable:
            out.append(Aligned(block, State.SHARED, block.text))
        elif i in spans:
            run = spans[i][1]
            out.append(Aligned(block, State.CURRENT, " ".join(tr.units[k].text.strip() for k in run),
                               units=tuple(run)))
        elif i in joined:
            out.append(Aligned(block, State.JOINED))
        elif h in good:
            out.append(Aligned(block, State.CURRENT, good[h].text, units=(index[h],)))
        elif i in stale:
            was = tr.units[stale[i]]
            out.append(Aligned(block, State.STALE, was.text, was.source, (stale[i],)))
        else:
            out.append(Aligned(block, State.MISSING))
    return out


def scaffold(post: Post, existing: Translation | None, path: Path) -> tuple[Translation, int]:
    """The translation file extended with every source block that lacks a unit.

    Existing units (current or stale) keep their place and text; new units are
    inserted after the unit of the preceding block.  Returns the file and the
    number of units added.
    """
    tr = existing or Translation(post.key, path)
    title_hash = unit_hash(post.title or "")
    if tr.title is None:
        tr.title = Unit(title_hash, post.title or "", "")
    known = {u.hash for u in tr.units}  # grows as units are added: always the hashes in `result`
    aligned = align(post, tr)
    hashes = _unit_hashes(post, tr)
    added = 0
    result = list(tr.units)
    for i, a in enumerate(aligned):
        h = hashes[i]
        if h in known or a.state in (State.CURRENT, State.STALE, State.SHARED, State.JOINED):
            continue
        prev = next((hashes[j] for j in range(i - 1, -1, -1) if hashes[j] in known), None)
        pos = next((k + 1 for k, u in enumerate(result) if u.hash == prev), 0)
        result.insert(pos, Unit(h, a.block.text, ""))
        known.add(h)
        added += 1
    tr.units = result
    return tr, added
