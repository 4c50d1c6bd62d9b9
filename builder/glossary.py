"""The bilingual term base: loaded from editorial/glossary.yml.

The same terms keep search segmentation whole (a jieba user dictionary,
derived into the build folder) and hold the English edition to one
translation per term.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

# A high frequency makes jieba keep a user term whole even inside longer runs.
JIEBA_FREQ = 200000


@dataclass(frozen=True)
class Term:
    zh: str
    en: str
    alt: tuple[str, ...] = ()
    note: str = ""


def load_glossary(editorial: Path) -> list[Term]:
    path = editorial / "glossary.yml"
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    terms = []
    for raw in data.get("terms") or []:
        if isinstance(raw, dict) and raw.get("zh") and raw.get("en"):
            terms.append(Term(str(raw["zh"]), str(raw["en"]), tuple(str(a) for a in raw.get("alt") or ()),
                              str(raw.get("note") or "")))
    return terms


def jieba_user_dict(editorial: Path, build: Path) -> Path | None:
    """Write the derived jieba dictionary (only when it changed) and return its path."""
    terms = load_glossary(editorial)
    if not terms:
        return None
    text = "".join(f"{t.zh} {JIEBA_FREQ} n\n" for t in terms if " " not in t.zh)
    target = build / "jieba-userdict.txt"
    build.mkdir(parents=True, exist_ok=True)
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return target
