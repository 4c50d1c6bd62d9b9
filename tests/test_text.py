"""builder.text: unsafe code points are removed wherever they are, astral noncharacters included."""

from __future__ import annotations

import random

from builder.text import _UNSAFE, remove_unsafe

ASTRAL_NONCHARACTERS = [chr(plane * 0x10000 + low) for plane in range(1, 17) for low in (0xFFFE, 0xFFFF)]


def test_astral_noncharacters_are_removed_and_other_astral_text_kept() -> None:
    text = "公式\U0001fffe与😀表情\U0010ffff和𝔼[x]"
    clean, offsets = remove_unsafe(text)
    assert clean == "公式与😀表情和𝔼[x]"
    assert offsets == [2, 7]


def test_bmp_only_text_is_cleaned_the_same_way() -> None:
    clean, offsets = remove_unsafe("a\x00b\ufdd0c\uffffd\x85e")
    assert (clean, offsets) == ("abcde", [1, 3, 5, 7])


def test_same_result_as_the_full_class_on_random_text() -> None:
    rng = random.Random(7)
    alphabet = (["a", "中", "\n", "\t", "\r", "😀", "\U00020000", "\x00", "\x1f", "\x7f", "\x9f", "\ud800",
                 "\ufdd0", "\ufdef", "\ufffe", "\uffff", "\ufffd"] + ASTRAL_NONCHARACTERS)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 12)))
        expected_offsets = [m.start() for m in _UNSAFE.finditer(text)]
        assert remove_unsafe(text) == (_UNSAFE.sub("", text), expected_offsets), repr(text)
