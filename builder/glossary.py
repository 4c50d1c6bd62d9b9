"""The bilingual term base: loaded from editorial/glossary.yml.

The terms hold the English edition to one translation per term.  (Search
needs no dictionary: builder/search.py indexes every ideograph as a word and
queries a term as a phrase, so a term is found whole whatever its length.)
The file is read, checked and reported on with the other editorial data in
:mod:`builder.overlay`.
"""

from __future__ import annotations

from pathlib import Path

from .overlay import Term, load_terms

__all__ = ["Term", "load_glossary"]


def load_glossary(editorial: Path) -> list[Term]:
    """The terms alone, for callers that do not report problems (the pipeline reports them via load_terms)."""
    return load_terms(editorial)[0]

