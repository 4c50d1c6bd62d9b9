"""Small text helpers shared by the stages: normal forms, keys and titles."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_DROP = re.compile(r"[\s\u200b]+")


def fold(text: str) -> str:
    """NFKC and no white space: the form in which two scrapes of one text compare equal."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text))


def key_of(text: str) -> str:
    """Letters, digits and ideographs only, case-folded: a key that survives punctuation changes."""
    return "".join(ch for ch in fold(text).casefold() if ch.isalnum())


def digest(text: str, size: int = 12) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:size]


# Material renders page titles unescaped in several templates, and Jinja's
# `striptags` turns entities back into markup, so a title must not contain
# markup characters at all: they become their full-width forms.
_TITLE_MARKUP = str.maketrans({"<": "＜", ">": "＞", "&": "＆", '"': "＂", "`": "｀"})
MAX_TITLE = 80


def safe_title(text: str, limit: int = MAX_TITLE) -> tuple[str, list[str]]:
    """A title that is plain text wherever a template puts it, and why it changed."""
    notes = []
    clean = " ".join(unicodedata.normalize("NFC", text).split())
    clean = "".join(ch for ch in clean if unicodedata.category(ch)[0] != "C")
    swapped = clean.translate(_TITLE_MARKUP)
    if swapped != clean:
        notes.append("markup characters in the title were replaced by full-width forms")
    if len(swapped) > limit:
        swapped = swapped[: limit - 1] + "…"
        notes.append(f"title longer than {limit} characters was shortened")
    return swapped, notes


CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_number(text: str) -> int | None:
    """二 → 2, 十一 → 11, 三十一 → 31, 一百零二 → 102; arabic digits pass through."""
    text = unicodedata.normalize("NFKC", text.strip())
    if text.isdigit():
        return int(text)
    if not text or any(ch not in CN_DIGITS and ch not in "十百" for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = CN_DIGITS[ch]
    return total + current
