"""Series membership as titles spell it, shared by merging and placement.

Merging needs it to keep part (一) and part (二) of a series apart even when
they share a title shape and an opening; placement needs it to order a
series.  It lives apart from both so neither imports the other.

The shapes the blog uses: ``生成扩散模型漫谈（十一）：…``, ``路径积分系列：3.路径积分``,
``【中文分词系列】 6. …``, ``《自然极值》系列——1.前言`` and ``Transformer升级之路：10、RoPE是…``.
A number can be shared by two posts that the blog splits in halves, ``…（二十六）：基于恒等式的蒸馏（上）``
and ``（下）``: :func:`sub_part_of_title` reads that second, smaller number.
"""

from __future__ import annotations

import re
import unicodedata

from .text import chinese_number

# A series name and its number open a title.  Only this many characters are read: every
# series name is far shorter, and it bounds the patterns' cost (``.+?\s*`` backtracks
# quadratically on a long run of spaces).
SERIES_PREFIX = 200
# A sub-part closes a title; a longer tail than this is never one.
SUB_PART_TAIL = 16

_NUM = r"[零〇一二两三四五六七八九十百]+|\d+"
SERIES_PATTERNS = [
    # 《自然极值》系列——1.前言
    re.compile(rf"^《(?P<name>[^》]+)》\s*系列\s*[—\-–:：]*\s*(?P<num>{_NUM})\s*[.．、]"),
    # 【中文分词系列】 6. 基于…
    re.compile(rf"^【(?P<name>[^】]+)】\s*(?P<num>{_NUM})\s*[.．、]"),
    # 生成扩散模型漫谈（十一）：…   CoSENT(三):…
    re.compile(r"^(?P<name>.+?)\s*[（(]\s*(?P<num>[零〇一二两三四五六七八九十百]+)\s*[)）]"),
    # 多任务学习漫谈（4）：…   digits in brackets number the series when a subtitle follows (at the end they
    # name a sub-part, see _SUB_PART)
    re.compile(r"^(?P<name>.+?)\s*[（(]\s*(?P<num>\d+)\s*[)）]\s*[:：]"),
    # 路径积分系列：3.路径积分   Transformer升级之路：10、RoPE是一种β进制编码
    re.compile(rf"^(?P<name>[^:：]+?)\s*[:：]\s*(?P<num>{_NUM})\s*[.．、]"),
]

# （上） （下篇） (2) at the very end of a title.  Chinese numerals are not read here: in the
# blog's titles a closing （一） is the series number itself (``变分自编码器（一）``).
_SUB_PART = re.compile(r"[（(]\s*(?P<sub>上篇?|中篇?|下篇?|\d{1,2})\s*[)）]\s*$")
_HALVES = {"上": 1, "中": 2, "下": 3}


def series_of_title(title: str) -> tuple[str, int] | None:
    """The series name as the title spells it and the number, or None."""
    head = title.strip()[:SERIES_PREFIX]
    for pattern in SERIES_PATTERNS:
        m = pattern.match(head)
        if m:
            number = chinese_number(m.group("num"))
            name = m.group("name").strip()
            if number is not None and name:
                return name, number
    return None


def sub_part_of_title(title: str) -> int | None:
    """Which half of a numbered post the title names: 上 1, 中 2, 下 3, ``(2)`` 2; None when it names none.

    Two posts of one series with the same number are told apart by this, and
    ordered by it; a title that is nothing but a series number has no sub-part.
    """
    tail = unicodedata.normalize("NFKC", title.strip()[-SUB_PART_TAIL:])
    m = _SUB_PART.search(tail)
    if not m:
        return None
    sub = m.group("sub")
    return int(sub) if sub.isdigit() else _HALVES[sub[0]]
