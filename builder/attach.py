"""Stage 4: attach translations to the book, and judge them.

Loads ``translations/<lang>/*.yml`` (one file per chapter) for every translated
edition, gives every chapter its text in every edition, and reports what a
reader of a translated edition would otherwise meet silently: units whose
Chinese source changed since translation (stale), units never translated,
formulas that differ between the languages, and glossary terms rendered some
other way.  Every finding names the translation file and line.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

from .editions import Editions
from .glossary import Term
from .mathtext import formulas, split_math
from .model import Aligned, Book, ChapterText, Level, Post, Problem, Source, State, with_joined
from .translations import Translation, Unit, align, align_title, read_translation


def load_translations(folder: Path) -> tuple[dict[str, Translation], list[Problem]]:
    """Every chapter's file; what is wrong in one costs that file or unit only, with a message."""
    out: dict[str, Translation] = {}
    problems: list[Problem] = []
    if not folder.is_dir():
        return out, problems
    for path in sorted(folder.glob("*.yml")):
        tr, found = read_translation(path)
        problems += found
        if tr is None:
            continue
        if tr.chapter in out:
            problems.append(Problem(Source(str(path), 1), "translation-invalid",
                                    f"chapter {tr.chapter} is also translated in {out[tr.chapter].path.name}; "
                                    "this file is ignored", Level.ERROR))
            continue
        out[tr.chapter] = tr
    return out, problems


def formula_drift(source: str, text: str) -> tuple[list[str], list[str]]:
    """Formulas only in the source, and only in the translation."""
    a = Counter(formulas(split_math(source)[0]))
    b = Counter(formulas(split_math(text)[0]))
    return sorted((a - b).elements()), sorted((b - a).elements())


def glossary_misses(source: str, text: str, terms: list[Term], ignore: tuple[str, ...] = ()) -> list[Term]:
    lowered = text.casefold()
    misses = []
    for term in terms:
        if term.zh in ignore or term.zh not in source:
            continue
        if not any(form.casefold() in lowered for form in (term.en, *term.alt)):
            misses.append(term)
    return misses


def _where(tr: Translation, unit: Unit) -> Source:
    return Source(str(tr.path), unit.line or 1)


def attach(book: Book, editions: Editions, translations: dict[str, dict[str, Translation]],
           terms: list[Term]) -> tuple[Book, list[Problem]]:
    """The book with every chapter's text in every edition (``Chapter.texts``), and what is wrong with them.

    The original edition holds the archive's text; each other edition holds, per
    unit, its translation with its state (current, stale, missing; decided by
    ``translations.align`` and ``align_title``, and nowhere else).  Render, the
    CLI and ``check`` read these, never the translation files.
    """
    problems: list[Problem] = []
    # Longer terms first, and a term inside a longer matched term is not checked again.
    ordered = sorted(terms, key=lambda t: -len(t.zh))
    parts = []
    for part in book.parts:
        chapters = []
        for chapter in part.chapters:
            post = chapter.post
            texts = {editions.original.lang: ChapterText(
                editions.original.lang, post.title or "", State.ORIGINAL,
                tuple(Aligned(b, State.ORIGINAL, b.text) for b in post.blocks))}
            for edition in editions.translated:
                tr = translations.get(edition.lang, {}).get(post.key)
                texts[edition.lang] = _edition_text(post, tr, edition.lang,
                                                    ordered if edition.lang == "en" else [], problems)
            chapters.append(replace(chapter, texts=texts))
        parts.append(replace(part, chapters=tuple(chapters)))
    keys = {c.post.key for c in book.chapters()}
    for edition in editions.translated:
        for key, tr in translations.get(edition.lang, {}).items():
            if key not in keys:
                problems.append(Problem(Source(str(tr.path), 1), "translation-orphan",
                                        f"no chapter {key} in the book; the file is kept as it is", Level.INFO))
    return replace(book, parts=tuple(parts)), problems


def _edition_text(post: Post, tr: Translation | None, lang: str, terms: list[Term],
                  problems: list[Problem]) -> ChapterText:
    """One chapter in one translated edition, with findings about its translation file."""
    units = tuple(align(post, tr))
    title_state, title_text = align_title(post, tr)
    title = title_text if title_state == State.CURRENT and title_text else post.title or ""
    if tr is None:
        problems.append(Problem(post.source, "untranslated",
                                f"chapter {post.key} has no {lang} translation file", Level.INFO))
        return ChapterText(lang, title, title_state, units)
    if title_state == State.MISSING:
        problems.append(Problem(Source(str(tr.path), 1), "untranslated", "title not translated", Level.INFO))
    elif title_state == State.STALE:
        assert tr.title is not None
        problems.append(Problem(_where(tr, tr.title), "stale-translation",
                                f"title changed: was {tr.title.source!r}, now {post.title!r}"))
    missing = 0
    for n, a in enumerate(units):
        if a.state == State.MISSING:
            missing += 1
        elif a.state == State.STALE:
            problems.append(Problem(_where(tr, tr.units[a.units[0]]), "stale-translation",
                                    f"source changed since translation: was {a.old_source!r}, "
                                    f"now {a.block.text!r}"))
        elif a.state == State.CURRENT:  # matched by hash, by its readable text, or a run by its joined text
            source = " ".join(b.block.text for b in with_joined(units, n))
            problems += _judge(source, a.text or "", [tr.units[k] for k in a.units], tr, terms)
    if missing:
        problems.append(Problem(Source(str(tr.path), 1), "untranslated",
                                f"{missing} paragraph(s) of chapter {post.key} not yet translated", Level.INFO))
    return ChapterText(lang, title, title_state, units)


def _judge(source: str, text: str, made_from: list[Unit], tr: Translation, terms: list[Term]) -> list[Problem]:
    """A current text against its source: backslashes outside formulas, formula drift, glossary terms."""
    problems = []
    where = _where(tr, made_from[0])
    outside = "".join(seg.value for seg in split_math(text)[0] if seg.kind == "text")
    if "\\" in outside and "\\" not in "".join(
            seg.value for seg in split_math(source)[0] if seg.kind == "text"):
        problems.append(Problem(where, "translation-backslash",
                                "a backslash outside formulas (an escaping slip?): it is shown as typed"))
    only_src, only_tr = formula_drift(source, text)
    if only_src or only_tr:
        problems.append(Problem(where, "formula-drift",
                                f"formulas differ: only in Chinese {only_src}, only in English {only_tr}"))
    checked: list[str] = []
    ignore = tuple(t for u in made_from for t in u.ignore_terms)
    for term in glossary_misses(source, text, terms, ignore):
        if any(term.zh in longer for longer in checked):
            continue
        checked.append(term.zh)
        problems.append(Problem(where, "glossary",
                                f"{term.zh} should read {term.en!r}"
                                + (f" (or {', '.join(term.alt)})" if term.alt else "")))
    return problems


