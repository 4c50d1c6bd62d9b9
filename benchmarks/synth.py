"""Synthetic archives for benchmarks and scale tests, deterministic from a seed.

The blog has about 1,300 posts; the bundled archive has 35.  This writes dumps
of any size in both scrape formats, shaped like the real ones: sentences and
formulas drawn from the bundled archive, series titles with Chinese and arabic
numbers, posts repeated across dumps (a listing without year, a byline with
one), posts without a title or without a year, excerpt or article length.

It lives with the benchmark, not in the package: the book never needs it, and
the tests that check it import it from here.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

from builder.mathtext import split_math
from builder.read import read_archive

ROOT = Path(__file__).resolve().parent.parent  # the project: its archive is the corpus, its editorial the rules

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
CN = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
SERIES = ["生成扩散模型漫谈", "变分自编码器", "能量视角下的GAN模型", "自然极值", "矩阵分析漫谈", "概率论札记",
          "优化算法浅谈", "注意力机制探究", "随机过程拾遗", "信息论随笔", "数值计算笔记", "图神经网络漫谈",
          "强化学习入门", "语言模型杂谈", "物理学中的对称性", "组合数学趣题"]
TOPICS = ["扩散模型", "变分推断", "对抗训练", "能量函数", "得分匹配", "矩阵分解", "梯度下降", "注意力机制",
          "句向量", "概率密度", "路径积分", "极值原理", "正态分布", "微分方程", "信息瓶颈", "损失函数"]


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 13 → 十三, 31 → 三十一 (1 ≤ n ≤ 99)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CN[ones]
    return ("" if tens == 1 else CN[tens]) + "十" + (CN[ones] if ones else "")


@dataclass
class Corpus:
    sentences: list[str]
    inline: list[str]
    display: list[str]
    headings: list[str]


def load_corpus(archive: Path) -> Corpus:
    """Sentences, formulas and headings of the bundled archive, to recombine."""
    entries, _ = read_archive(archive)
    sentences, inline, display, headings = [], [], [], []
    for entry in entries:
        for block in entry.blocks:
            if block.kind.value == "heading":
                headings.append(block.text)
                continue
            segments, _ = split_math(block.text)
            for seg in segments:
                if seg.kind == "inline":
                    inline.append(seg.value)
                elif seg.kind == "display":
                    display.append(seg.value)
                else:
                    sentences += [s + "。" for s in re.split(r"[。]", seg.value) if len(s) > 8 and "$" not in s]
    return Corpus(sentences, inline, display, headings)


@dataclass
class SynthPost:
    title: str | None
    year: int
    month: int
    day: int
    paragraphs: list[str]


def _paragraph(rng: random.Random, corpus: Corpus, length: int, formula_rate: float) -> str:
    out = ""
    while len(out) < length:
        sentence = rng.choice(corpus.sentences)
        if rng.random() < formula_rate:
            cut = rng.randrange(1, max(2, len(sentence) - 1))
            sentence = sentence[:cut] + "$" + rng.choice(corpus.inline) + "$" + sentence[cut:]
        out += sentence
    return out


def make_posts(n: int, seed: int, corpus: Corpus, long_form: bool = False) -> list[SynthPost]:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    posts = []
    counters: dict[str, int] = {}
    for i in range(n):
        year = rng.randint(2009, 2025)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        kind = rng.random()
        topic = rng.choice(TOPICS)
        if kind < 0.35:
            series = SERIES[i % len(SERIES)] if rng.random() < 0.7 else rng.choice(SERIES)
            counters[series] = counters.get(series, 0) + 1
            number = counters[series]
            shape = rng.random()
            if shape < 0.6 and number < 100:
                title = f"{series}（{chinese_numeral(number)}）：{topic}的第{i}种理解"
            elif shape < 0.8:
                title = f"{series}：{number}.{topic}的推导{i}"
            else:
                title = f"【{series}】 {number}. 关于{topic}之{i}"
        else:
            title = f"{rng.choice(['浅谈', '再谈', '细说', '漫谈', '也谈'])}{topic}：第{i}篇随笔"
        if long_form:
            total, formulas = rng.randint(3000, 10000), rng.randint(10, 30)
        else:
            total, formulas = rng.randint(250, 1000), rng.randint(0, 4)
        # A real post's opening is its own; recombined sentences alone would collide.
        paragraphs: list[str] = [f"这是关于{topic}的第{i}篇文章，编号{seed}-{i}。" + _paragraph(rng, corpus, 80, 0)]
        size = len(paragraphs[0])
        rate = formulas / max(1, total / 40)
        display_left = max(0, formulas // 4)
        while size < total:
            roll = rng.random()
            if roll < 0.12 and corpus.headings:
                paragraphs.append(rng.choice(corpus.headings))
            elif roll < 0.22 and display_left:
                display_left -= 1
                intro = _paragraph(rng, corpus, 20, 0).rstrip("。") + ":"
                paragraphs.append(intro + rng.choice(corpus.display))
            else:
                paragraphs.append(_paragraph(rng, corpus, rng.randint(60, 240), rate))
            size += len(paragraphs[-1])
        posts.append(SynthPost(title, year, month, day, paragraphs))
    return posts


def _listing(post: SynthPost, drop_title: bool) -> str:
    head = f"{post.day} {MONTHS[post.month - 1]}\n\n" + ("" if drop_title else f"{post.title}\n\n")
    return head + "\n\n".join(post.paragraphs) + "\n\n点击阅读全文...\n\n"


def _byline(post: SynthPost, rng: random.Random) -> str:
    first, *rest = post.paragraphs
    byline = f"By 苏剑林 | {post.year:04d}-{post.month:02d}-{post.day:02d} | {rng.randint(1000, 99999)}位读者 | 引用"
    return f"{post.title}\n{byline}{first}\n" + "".join(p + "\n" for p in rest)


def write_editorial(folder: Path) -> Path:
    """The project's book rules and words, with no facts about posts (the overlay knows the real 35 only)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("book.yml", "ui.yml", "glossary.yml"):
        (folder / name).write_text((ROOT / "editorial" / name).read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "posts.yml").write_text("posts: []\n", encoding="utf-8")
    return folder


def write_archive(folder: Path, n: int, seed: int = 1, long_form: bool = False,
                  corpus_archive: Path | None = None, per_file: int = 10) -> dict[str, int]:
    """Write ``n`` posts as dumps into ``folder``; returns counts of what was written."""
    corpus = load_corpus(corpus_archive or ROOT / "archive")
    rng = random.Random(seed * 7919 + 1)  # noqa: S311 - reproducible test data, not secrets
    posts = make_posts(n, seed, corpus, long_form)
    folder.mkdir(parents=True, exist_ok=True)
    chunks: list[tuple[str, str]] = []  # (format, text)
    stats = {"posts": n, "duplicates": 0, "untitled": 0, "no_year": 0, "files": 0}
    for post in posts:
        roll = rng.random()
        if roll < 0.45:
            chunks.append(("byline", _byline(post, rng)))
        else:
            untitled = rng.random() < 0.06
            stats["untitled"] += untitled
            chunks.append(("listing", _listing(post, untitled)))
            if rng.random() < 0.15:  # the same post again, from a byline page with its year
                stats["duplicates"] += 1
                chunks.append(("byline", _byline(post, rng)))
            else:
                stats["no_year"] += 1
    rng.shuffle(chunks)
    for fmt in ("listing", "byline"):
        mine = [text for f, text in chunks if f == fmt]
        for start in range(0, len(mine), per_file):
            body = "".join(mine[start:start + per_file])
            if fmt == "byline":
                body += "最近评论\n"
            stats["files"] += 1
            (folder / f"{fmt}_{start // per_file:05d}.txt").write_text(body, encoding="utf-8")
    return stats
