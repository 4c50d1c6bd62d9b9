"""The bilingual term base: loaded from editorial/glossary.yml.

The same terms keep search segmentation whole (a jieba user dictionary,
derived into the build folder) and hold the English edition to one
translation per term.  The file is read, checked and reported on with the
other editorial data in :mod:`builder.overlay`.
"""

from __future__ import annotations

from pathlib import Path

from .overlay import Term, load_terms

__all__ = ["JIEBA_FREQ", "Term", "jieba_user_dict", "load_glossary"]

# A high frequency makes jieba keep a user term whole even inside longer runs.
JIEBA_FREQ = 200000


def load_glossary(editorial: Path) -> list[Term]:
    """The terms alone, for callers that do not report problems (the pipeline reports them via load_terms)."""
    return load_terms(editorial)[0]


def jieba_user_dict(editorial: Path, build: Path) -> Path | None:
    """Write the derived jieba dictionary (only when it changed) and return its path."""
    terms = load_glossary(editorial)
    if not terms:
        return None
    # One term per line, then its frequency: white space inside a term would split the line.
    text = "".join(f"{t.zh} {JIEBA_FREQ} n\n" for t in terms if not any(ch.isspace() for ch in t.zh))
    target = build / "jieba-userdict.txt"
    build.mkdir(parents=True, exist_ok=True)
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return target
