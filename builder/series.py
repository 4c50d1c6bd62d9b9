"""Series membership as titles spell it, shared by merging and placement.

Merging needs it to keep part (一) and part (二) of a series apart even when
they share a title shape and an opening; placement needs it to order a
series.  It lives apart from both so neither imports the other.

The shapes the blog uses: ``生成扩散模型漫谈（十一）：…``, ``路径积分系列：3.路径积分``,
``【中文分词系列】 6. …`` and ``《自然极值》系列——1.前言``.
"""

from __future__ import annotations

import re

from .text import chinese_number

_NUM = r"[零〇一二两三四五六七八九十百]+|\d+"
SERIES_PATTERNS = [
    # 《自然极值》系列——1.前言
    re.compile(rf"^《(?P<name>[^》]+)》\s*系列\s*[—\-–:：]*\s*(?P<num>{_NUM})\s*[.．、]"),
    # 【中文分词系列】 6. 基于…
    re.compile(rf"^【(?P<name>[^】]+)】\s*(?P<num>{_NUM})\s*[.．、]"),
    # 生成扩散模型漫谈（十一）：…   CoSENT(三):…
    re.compile(r"^(?P<name>.+?)\s*[（(]\s*(?P<num>[零〇一二两三四五六七八九十百]+)\s*[)）]"),
    # 路径积分系列：3.路径积分
    re.compile(rf"^(?P<name>[^:：]+?)\s*[:：]\s*(?P<num>{_NUM})\s*[.．、]"),
]


def series_of_title(title: str) -> tuple[str, int] | None:
    """The series name as the title spells it and the number, or None."""
    for pattern in SERIES_PATTERNS:
        m = pattern.match(title.strip())
        if m:
            number = chinese_number(m.group("num"))
            name = m.group("name").strip()
            if number is not None and name:
                return name, number
    return None
