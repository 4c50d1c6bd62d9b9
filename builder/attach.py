"""Stage 4: attach translations to the book, and judge them.

Loads ``translations/en/*.yml`` (one file per chapter), and reports what a
reader of the English edition would otherwise meet silently: units whose
Chinese source changed since translation (stale), units never translated,
formulas that differ between the languages, and glossary terms rendered some
other way.  Every finding names the translation file and line.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from .glossary import Term
from .mathtext import formulas, split_math
from .model import Book, Level, Problem, Source
from .translations import State, Translation, Unit, align, read_translation, unit_hash


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


def attach(book: Book, translations: dict[str, Translation], terms: list[Term]) -> list[Problem]:
    problems: list[Problem] = []
    # Longer terms first, and a term inside a longer matched term is not checked again.
    ordered = sorted(terms, key=lambda t: -len(t.zh))
    keys = set()
    for chapter in book.chapters():
        post = chapter.post
        keys.add(post.key)
        tr = translations.get(post.key)
        if tr is None:
            problems.append(Problem(post.source, "untranslated",
                                    f"chapter {post.key} has no English translation file", Level.INFO))
            continue
        if tr.title is None or not tr.title.text.strip():
            problems.append(Problem(Source(str(tr.path), 1), "untranslated", "title not translated", Level.INFO))
        elif tr.title.hash != unit_hash(post.title or ""):
            problems.append(Problem(_where(tr, tr.title), "stale-translation",
                                    f"title changed: was {tr.title.source!r}, now {post.title!r}"))
        missing = 0
        by_hash = {u.hash: u for u in tr.units}
        for a in align(post, tr):
            if a.state == State.MISSING:
                missing += 1
                continue
            if a.state == State.STALE:
                unit = next(u for u in tr.units if u.source == a.old_source and u.text == a.text)
                problems.append(Problem(_where(tr, unit), "stale-translation",
                                        f"source changed since translation: was {a.old_source!r}, "
                                        f"now {a.block.text!r}"))
                continue
            unit = by_hash[unit_hash(a.block.text)]
            outside = "".join(seg.value for seg in split_math(unit.text)[0] if seg.kind == "text")
            if "\\" in outside and "\\" not in "".join(
                    seg.value for seg in split_math(a.block.text)[0] if seg.kind == "text"):
                problems.append(Problem(_where(tr, unit), "translation-backslash",
                                        "a backslash outside formulas (an escaping slip?): it is shown as typed"))
            only_src, only_tr = formula_drift(a.block.text, unit.text)
            if only_src or only_tr:
                problems.append(Problem(_where(tr, unit), "formula-drift",
                                        f"formulas differ: only in Chinese {only_src}, only in English {only_tr}"))
            checked: list[str] = []
            for term in glossary_misses(a.block.text, unit.text, ordered, unit.ignore_terms):
                if any(term.zh in longer for longer in checked):
                    continue
                checked.append(term.zh)
                problems.append(Problem(_where(tr, unit), "glossary",
                                        f"{term.zh} should read {term.en!r}"
                                        + (f" (or {', '.join(term.alt)})" if term.alt else "")))
        if missing:
            problems.append(Problem(Source(str(tr.path), 1), "untranslated",
                                    f"{missing} paragraph(s) of chapter {post.key} not yet translated", Level.INFO))
    for key, tr in translations.items():
        if key not in keys:
            problems.append(Problem(Source(str(tr.path), 1), "translation-orphan",
                                    f"no chapter {key} in the book; the file is kept as it is", Level.INFO))
    return problems
