"""The bilingual term base: loaded from editorial/glossary.yml.

The same terms keep search segmentation whole (a jieba user dictionary,
derived into the build folder) and hold the English edition to one
translation per term.  The file is read, checked and reported on with the
other editorial data in :mod:`builder.overlay`.
"""

from __future__ import annotations

from pathlib import Path

from .overlay import Term, load_terms

__all__ = ["JIEBA_FREQ", "Term", "jieba_dictionary", "load_glossary"]

# A high frequency makes jieba keep a user term whole even inside longer runs.
JIEBA_FREQ = 200000


def load_glossary(editorial: Path) -> list[Term]:
    """The terms alone, for callers that do not report problems (the pipeline reports them via load_terms)."""
    return load_terms(editorial)[0]


def jieba_dictionary(editorial: Path) -> str:
    """The search's jieba user dictionary derived from the glossary ("" when there are no terms)."""
    # One term per line, then its frequency: white space inside a term would split the line.
    return "".join(f"{t.zh} {JIEBA_FREQ} n\n" for t in load_glossary(editorial)
                   if not any(ch.isspace() for ch in t.zh))
