"""Hostile dumps for the benchmark: shapes that once cost quadratic time, at any scale.

Each shape is one dump whose size grows linearly with ``scale``; a linear builder
takes about 4× the time at scale 4 as at scale 1, a quadratic one 16×.  The
shapes come from a hostile review of the reader and the formula tokenizer:

* ``short-lines``: one post of many short lines (the reader once sliced the rest
  of the file for every line);
* ``tiny-entries``: many tiny posts in one file (the same slice, per entry);
* ``byline-spaces``: ``By a`` and a long run of spaces with no ``|`` (the byline
  pattern once backtracked over every split of the run);
* ``unclosed-env``: ``\\begin{equation}x`` repeated without ``\\end`` (the
  tokenizer once searched to the end of the paragraph for every opener);
* ``unclosed-mixed``: ``\\[``, ``\\(``, ``\\begin{`` and ``\\end{`` openers that never close, and one ``$$``;
* ``huge-paragraph``: one paragraph far over the reader's line cap.

Sizes at scale 1 are chosen so that the whole row runs in a few seconds; each
line stays under the reader's line cap at scale 4 except in ``huge-paragraph``,
whose point is the cap.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

HEAD = "1 Jan\n\n一篇敌意的文章\n\n"


def short_lines(scale: int) -> str:
    return HEAD + "".join(f"第{i}行。\n" for i in range(2_500 * scale))


def tiny_entries(scale: int) -> str:
    # Each a post of its own, as a hostile dump would make them: later stages take them per post.
    return "".join(f"{i % 28 + 1} Jan\n\n短文{i}\n\n短。\n\n" for i in range(500 * scale))


def byline_spaces(scale: int) -> str:
    return HEAD + "".join("By a" + " " * (4_000 * scale) + f"b{i}\n" for i in range(10))


def unclosed_env(scale: int) -> str:
    return HEAD + "".join("前文" + "\\begin{equation}x" * (500 * scale) + "\n" for _ in range(5))


def unclosed_mixed(scale: int) -> str:
    return HEAD + "".join("前文$$" + "\\[x\\(y\\begin{z\\end{w" * (400 * scale) + "\n" for _ in range(5))


def huge_paragraph(scale: int) -> str:
    return HEAD + "很长的一段话，公式$x_1$照常。" * (10_000 * scale) + "\n"


SHAPES: dict[str, Callable[[int], str]] = {
    "short-lines": short_lines,
    "tiny-entries": tiny_entries,
    "byline-spaces": byline_spaces,
    "unclosed-env": unclosed_env,
    "unclosed-mixed": unclosed_mixed,
    "huge-paragraph": huge_paragraph,
}


def write_shape(folder: Path, shape: str, scale: int) -> Path:
    """An archive folder holding the one hostile dump."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{shape}.txt"
    path.write_text(SHAPES[shape](scale), encoding="utf-8")
    return path
