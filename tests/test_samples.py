"""The six real sample pages (../shared/samples/pages, not part of the repo) through read_document.

The expected figures were counted independently of any reader: by a throw-away script over each
file's body only (from the line after the byline to the line before the reprint notice; for the
plain-text and body-only pages, from the top to the reprint notice), with the CommonMark escapes
undone and fenced code left out; then checked by eye, heading by heading and formula by formula.
- headings: lines ``## …`` / ``### …`` ending in the theme's ``[\\#](url\\#anchor)`` link; in the
  plain-text shapes, a short run of text followed by `` # `` inside the running text, not a code
  comment (9291's ``m = master(c) # 当前主导色`` is code).
- formulas as the author wrote them: ``$$…$$``, ``\\begin{env}…\\end{env}`` (one however many lines
  or blank lines it spans: 3360's arrays are split by blank lines) and ``$…$`` (``$\\eqref{…}$`` is
  one); none inside code.  6331 lost the dollars of its inline formulas in the scrape: only its 31
  equations and 24 bare ``\\eqref`` are certain, so its count is a floor, and a reader must either
  restore more or report the loss.
The titles come from the title link or, for the pages without one, from the citation block.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from builder.mathtext import split_math
from builder.model import BlockKind, Entry, Markup
from builder.read import read_document

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples" / "pages"


class Sample(NamedTuple):
    title: str
    date: str
    headings: int
    formulas: int | None  # None: not certain (see min_formulas)
    min_formulas: int
    body: tuple[int, int]  # first and last line of the body in the file, for problems about it
    reader: str = "the Markdown-converter reader (builder.readers.article_md)"


TEXT_READER = "the plain-text reader (builder.readers.article_text)"
EXPECTED = {
    "9152": Sample("生成扩散模型漫谈（二）：DDPM = 自回归式VAE", "2022-07-06", 9, 114, 114, (110, 233)),
    "8791": Sample("变分自编码器（八）：估计样本概率密度", "2021-12-09", 5, 51, 51, (110, 158)),
    "6331": Sample("能量视角下的GAN模型（二）：GAN＝“分析”＋“采样”", "2019-02-15", 15, None, 55, (126, 394)),
    "3360": Sample("文本情感分类（一）：传统模型", "2015-06-22", 7, 7, 7, (124, 456)),
    "3873": Sample("从Boosting学习到神经网络：看山是山？", "2016-07-01", 6, 44, 44, (19, 66), TEXT_READER),
    "9291": Sample("“十字架”组合计数问题浅试", "2022-10-09", 3, 20, 20, (2, 25), TEXT_READER),
}


_DIALECT = MarkdownIt("commonmark", {"html": False}).use(
    dollarmath_plugin, allow_space=True, allow_digits=True, double_inline=True, allow_labels=False)


def _formula_count(entry: Entry) -> int:
    """Display MATH blocks, plus the formulas in every other block but code (as tests/test_pages.py counts).

    PLAIN text is cut by split_math; MARKDOWN text is parsed in its dialect, where an escaped
    ``\\[…\\]`` is text, not a display formula.
    """
    count = 0
    for block in entry.blocks:
        if block.kind == BlockKind.MATH:
            count += 1
        elif block.kind == BlockKind.CODE:
            continue
        elif block.markup == Markup.MARKDOWN:
            tokens = _DIALECT.parseInline(block.text) if block.text else []
            children = tokens[0].children or [] if tokens else []
            count += sum(t.type.startswith("math_") for t in children)
        else:
            count += sum(s.kind != "text" for s in split_math(block.text)[0])
    return count


@pytest.fixture(scope="module")
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip("../shared/samples/pages not present: the six real sample pages are not part of the repo")
    return SAMPLES


@pytest.mark.parametrize("post_id", list(EXPECTED))
def test_sample_page(samples, post_id):
    want = EXPECTED[post_id]
    name = f"{post_id}.txt"
    entries, problems = read_document((samples / name).read_text(encoding="utf-8"), name)
    assert len(entries) == 1, [str(p) for p in problems[:5]]
    entry = entries[0]
    assert entry.fmt not in ("listing", "byline"), f"{name} was read as a dump: {want.reader} did not recognise it"
    assert entry.title == want.title
    assert entry.date is not None and entry.date.iso() == want.date
    assert entry.post_id == post_id
    assert sum(b.kind == BlockKind.HEADING for b in entry.blocks) == want.headings
    count = _formula_count(entry)
    if want.formulas is not None:
        assert count == want.formulas
    else:
        low, high = want.body
        reported = [p for p in problems if low <= p.source.line <= high and p.source.file == name]
        assert count > want.min_formulas or reported, (
            f"{name}: {count} formulas, only the certain ones: the lost delimiters are neither restored nor reported")
        assert count >= want.min_formulas
