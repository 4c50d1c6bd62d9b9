"""The formulas of a page as the blog meant them: MathJax 2 TeX adapted, macros for the whole post, references resolved.

A book's index is its skeleton (:meth:`BookIndex.skeleton`: which chapter each
post is) with each chapter's :class:`Numbered` (the equation labels it defines,
with the number MathJax will show); a page whose formulas refer only to their
own labels needs no other chapter's numbers.  Then, per page,
:meth:`BookIndex.tex_for` gives the page's macro preamble (every
``\\newcommand`` of the post, typeset before its first formula, so a macro
defined late or in a formula the scrape cut still applies everywhere) and the
function every formula of the page passes through.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache

from .. import inline, texfix
from ..mathtext import formulas, split_math
from ..model import Block, BlockKind, Book, Chapter, Level, Markup, Problem, Source
from .markdown import page_url

_REFERENCE = re.compile(r"\\(?:eq)?ref\s*\{([^{}]{1,200})\}")
_POST_LINK = re.compile(r"(?:kexue\.fm|spaces\.ac\.cn)/archives/(\d{1,7})", re.I)
REPORTED_PER_PAGE = 5


def block_formulas(block: Block) -> list[str]:
    """A block's formulas in reading order (the original's text)."""
    if block.kind == BlockKind.MATH:
        return [block.text]
    if block.kind in (BlockKind.CODE, BlockKind.IMAGE, BlockKind.RULE):
        return []
    if block.markup == Markup.MARKDOWN:
        return inline.formulas_in(block.text)
    return formulas(split_math(block.text)[0])


def chapter_formulas(chapter: Chapter) -> list[str]:
    return [f for b in chapter.post.blocks for f in block_formulas(b)]


@dataclass(frozen=True)
class Numbered:
    """One chapter's formulas in reading order and the number MathJax shows for each label they define."""

    formulas: tuple[str, ...]
    labels: dict[str, str]

    @classmethod
    def of(cls, chapter: Chapter) -> Numbered:
        found = tuple(chapter_formulas(chapter))
        return cls(found, texfix.equation_numbers(texfix.unique_labels(found)[0]))

    def refers_elsewhere(self) -> bool:
        """Whether a formula refers to a label this chapter does not define (its page needs the whole book's index)."""
        return bool(references(self.formulas) - set(self.labels))


def references(found: Iterable[str]) -> set[str]:
    """The labels ``\\ref`` and ``\\eqref`` in these formulas refer to."""
    return {m for f in found for m in _REFERENCE.findall(f)}


@lru_cache(maxsize=100_000)
def _adapted(tex: str) -> tuple[str, tuple[str, ...]]:
    text, notes = texfix.adapt(tex)
    return text, tuple(notes)


class _Located:
    """Where each of a chapter's formulas is: its block's source, for findings a person must find in the file.

    Read only when a finding is reported (most pages have none), from the chapter's blocks in reading order.
    """

    def __init__(self, chapter: Chapter, count: int) -> None:
        self.chapter = chapter
        self.count = count
        self._pairs: list[tuple[str, Source]] | None = None

    def pairs(self) -> list[tuple[str, Source]]:
        if self._pairs is None:
            self._pairs = [(f, b.source) for b in self.chapter.post.blocks for f in block_formulas(b)]
        return self._pairs

    def source(self, formula: int) -> Source:
        """The source of the chapter's formula number ``formula`` (the post's, should the counts disagree)."""
        pairs = self.pairs()
        return pairs[formula][1] if len(pairs) == self.count else self.chapter.post.source


@dataclass(frozen=True)
class PageTex:
    preamble: str
    tex: Callable[[str], str]


@dataclass(frozen=True)
class BookIndex:
    paths: Mapping[str, str] = field(default_factory=dict)  # post id → chapter path
    numbers: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # chapter key → label → number
    owners: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # label → keys of chapters defining it
    path_of: Mapping[str, str] = field(default_factory=dict)  # chapter key → path
    series_of: Mapping[str, str | None] = field(default_factory=dict)  # chapter key → series
    id_of: Mapping[str, str] = field(default_factory=dict)  # post id → chapter key
    formulas_of: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def skeleton(cls, book: Book) -> BookIndex:
        """Where each chapter is, and its series: all of the index but the equation numbers."""
        paths: dict[str, str] = {}
        path_of: dict[str, str] = {}
        series_of: dict[str, str | None] = {}
        id_of: dict[str, str] = {}
        for part in book.parts:
            for chapter in part.chapters:
                key = chapter.post.key
                path = f"{part.slug}/{chapter.slug}.md"
                path_of[key] = path
                series_of[key] = chapter.post.series
                for pid in {chapter.post.post_id, key} - {None}:
                    if pid and pid.isdigit():
                        paths.setdefault(pid, path)
                        id_of.setdefault(pid, key)
        return cls(paths, {}, {}, path_of, series_of, id_of, {})

    def with_numbers(self, numbered: Mapping[str, Numbered]) -> BookIndex:
        """This index with the formulas and labels of the chapters in ``numbered`` (chapter key → its numbering)."""
        owners: dict[str, list[str]] = {}
        for key, done in numbered.items():
            for label in done.labels:
                owners.setdefault(label, []).append(key)
        return replace(self, numbers={k: d.labels for k, d in numbered.items()},
                       owners={k: tuple(v) for k, v in owners.items()},
                       formulas_of={k: d.formulas for k, d in numbered.items()})

    def _foreign(self, chapter: Chapter, path: str, wanted: set[str], problems: list[Problem] | None,
                 located: _Located) -> dict[str, tuple[str, str]]:
        """For each label this chapter refers to but does not define: the chapter that does, if one is clear."""
        key = chapter.post.key
        linked = [self.id_of[m] for b in chapter.post.blocks for m in _POST_LINK.findall(b.text) if m in self.id_of]
        out: dict[str, tuple[str, str]] = {}
        unresolved: list[str] = []
        for label in sorted(wanted):
            owners = [o for o in self.owners.get(label, ()) if o != key]
            pick = next((o for o in linked if o in owners), None)
            if pick is None:
                series = self.series_of.get(key)
                same = [o for o in owners if series and self.series_of.get(o) == series]
                pick = same[0] if len(same) == 1 else (owners[0] if len(owners) == 1 else None)
            if pick is None:
                unresolved.append(label)
                continue
            here = page_url(path) or "."
            url = posixpath.relpath(page_url(self.path_of[pick]), here) + "/"
            out[label] = (url, self.numbers[pick][label])
        if problems is not None and unresolved:
            shown = ", ".join(unresolved[:REPORTED_PER_PAGE]) + (" …" if len(unresolved) > REPORTED_PER_PAGE else "")
            missing = set(unresolved)
            first = next((src for f, src in located.pairs() if references([f]) & missing), chapter.post.source)
            problems.append(Problem(first, "math-reference",
                                    f"{len(unresolved)} equation reference(s) to labels defined nowhere in this post "
                                    f"or unambiguously in another chapter: {shown}"))
        return out

    def tex_for(self, chapter: Chapter, path: str, problems: list[Problem] | None) -> PageTex:
        """The page's macro preamble and the function its formulas pass through."""
        key = chapter.post.key
        found = self.formulas_of.get(key) or tuple(chapter_formulas(chapter))
        located = _Located(chapter, len(found))
        unique, repeated = texfix.unique_labels(found)
        rewritten: dict[str, str] = {}  # a formula → as typeset: a label defined again is dropped (first copy wins)
        for old, new in zip(found, unique, strict=True) if repeated else ():
            rewritten.setdefault(old, new)
        local = set(self.numbers.get(key, {}))
        wanted = references(found) - local
        foreign = self._foreign(chapter, path, wanted, problems, located) if wanted else {}
        preamble = texfix.definitions(found)
        adapted: dict[str, str] = {}

        def tex(source: str) -> str:
            if source not in adapted:
                text, _ = _adapted(rewritten.get(source, source))
                if foreign:
                    text, _ = texfix.link_references(text, local, foreign)
                adapted[source] = text
            return adapted[source]

        if problems is not None:
            for r in repeated:
                problems.append(Problem(located.source(r.formula), "math-label-repeated",
                                        f"\\label{{{r.label}}} is defined again: MathJax would show an error in "
                                        "place of the formula, so the later definition is dropped and every "
                                        "\\eqref points at the first"))
            notes: dict[str, int] = {}
            first: int | None = None
            for k, f in enumerate(unique):
                for note in _adapted(f)[1]:
                    notes[note] = notes.get(note, 0) + 1
                    first = k if first is None else first
            if notes and first is not None:
                problems.append(Problem(located.source(first), "math-adapted",
                                        "TeX that MathJax 2 accepted and MathJax 3 does not, adapted: "
                                        + "; ".join(f"{n} ({c}×)" for n, c in sorted(notes.items())), Level.INFO))
        return PageTex(preamble, tex)
