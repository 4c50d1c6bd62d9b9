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


MAX_TITLE = 80


def safe_title(text: str, limit: int = MAX_TITLE) -> tuple[str, list[str]]:
    """A title on one line, without invisible characters, of bounded length, and why it changed.

    Markup characters stay as they are: a title is text, escaped where it meets HTML
    (builder.escape), never rewritten.
    """
    notes = []
    clean = " ".join(unicodedata.normalize("NFC", text).split())
    clean = "".join(ch for ch in clean if unicodedata.category(ch)[0] != "C")
    if len(clean) > limit:
        clean = clean[: limit - 1] + "…"
        notes.append(f"title longer than {limit} characters was shortened")
    return clean, notes


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


# Code points no reader sees and some parsers refuse: C0 controls other than tab,
# newline and carriage return, DEL and the C1 controls, lone surrogates, and the
# Unicode noncharacters (U+FDD0–U+FDEF and the last two of every plane).  YAML
# refuses most of them, which once made a page's front matter unreadable.
_BMP_UNSAFE = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
_UNSAFE_BMP = re.compile(f"[{_BMP_UNSAFE}]")
_UNSAFE = re.compile(
    f"[{_BMP_UNSAFE}"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17))
    + "]"
)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def remove_unsafe(text: str) -> tuple[str, list[int]]:
    """The text without unsafe code points, and the offsets (in the input) where some were removed.

    Callers turn the offsets into file:line warnings; the text is otherwise untouched.
    """
    # The seventeen astral pairs make the full class slow on every character (12x on CJK text): it is
    # used only for a text that has any character beyond the BMP.
    unsafe = _UNSAFE if _ASTRAL.search(text) else _UNSAFE_BMP
    offsets = [m.start() for m in unsafe.finditer(text)]
    if not offsets:
        return text, []
    return unsafe.sub("", text), offsets
