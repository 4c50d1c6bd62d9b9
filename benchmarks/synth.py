"""Synthetic archives for benchmarks and scale tests, deterministic from a seed.

The blog has about 1,300 posts; the bundled archive has 35.  Two generators:

* :func:`write_archive` writes *dumps* (the excerpt scrapes) of any size in both
  dump formats: sentences and formulas drawn from the bundled archive, series
  titles with Chinese and arabic numbers, posts repeated across dumps (a listing
  without year, a byline with one), posts without a title or without a year.
* :func:`write_pages` writes *article pages*, one file per article, in the three
  shapes real scrapes come in (a Markdown converter's page, the browser's
  innerText, the body alone), with everything a real page carries: site chrome,
  escapes inside TeX, formulas glued inside paragraphs, labels referred to from
  another post, macros, links, images, tables, code, quotes, the footer and the
  comments.  Its prose is recombined from the bundled archive's clauses; its
  formulas are generated, so the characters a converter escapes are where real
  TeX has them.

It lives with the benchmark, not in the package: the book never needs it, and
the tests that check it import it from here.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

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


# ---------------------------------------------------------------------------------------------------------------
# Article pages: one file per article, in the three shapes real scrapes come in.

PAGE_SHAPES = ("md", "text", "body")  # converter Markdown, innerText, body only
SHAPE_SHARES = (0.80, 0.14, 0.06)  # most scrapes went through the converter
BLOG = "https://kexue.fm"
MIRROR = "https://spaces.ac.cn"  # the blog's second domain: the same post at the same path
LONG_CJK = (36_000, 40_000)  # the few very long articles exercise the largest-chapter budget
LONG_FORMULAS = (380, 420)
NORMAL_CJK = (3_000, 13_000)  # clauses overshoot, and quotes, captions and cells add: about +10 %
NORMAL_FORMULAS = (10, 139)  # quotes, tables, a cross-post reference and a late label add up to 11
HEADINGS = (3, 12)
MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December"]


@dataclass(frozen=True)
class Category:
    """One of the blog's ten categories: its share of the posts, words for titles and headings, tags."""

    name: str
    slug: str
    share: float
    topics: tuple[str, ...]
    tags: tuple[str, ...]


CATEGORIES = (
    Category("信息时代", "Big-Data", 0.55,
             ("扩散模型", "注意力机制", "位置编码", "优化器", "梯度下降", "语言模型", "变分推断", "对比学习",
              "向量量化", "归一化", "损失函数", "采样算法", "低秩分解", "稀疏注意力", "混合专家", "长度外推",
              "知识蒸馏", "词向量", "句向量", "生成模型", "初始化", "学习率"),
             ("生成模型", "attention", "优化", "语言模型", "模型", "梯度", "深度学习", "优化器", "无监督", "扩散",
              "vae", "GAN", "概率", "文本生成", "python", "矩阵", "NLP", "transformer")),
    Category("数学研究", "Mathematics", 0.20,
             ("矩阵分解", "特征值", "不等式", "级数", "积分变换", "多项式逼近", "概率分布", "随机游走", "组合计数",
              "数论函数", "微分方程", "凸优化", "正交多项式", "傅里叶变换", "极值问题"),
             ("矩阵", "分析", "积分", "数论", "几何", "概率", "不等式", "微分方程", "级数", "组合", "复变函数")),
    Category("物理化学", "Phy-chem", 0.07,
             ("路径积分", "最小作用量", "对称性", "守恒律", "热力学", "量子力学", "相对论", "流体力学", "变分原理"),
             ("力学", "物理", "量子力学", "相对论", "热力学", "变分", "积分")),
    Category("天文探索", "Astronomy", 0.05,
             ("三体问题", "开普勒定律", "潮汐力", "行星轨道", "日食", "彗星", "引力透镜"),
             ("天象", "天文", "行星", "力学", "日食", "彗星")),
    Category("生活/情感", "Life-Feeling", 0.04, ("生活", "旅行", "读书", "节日", "校园"),
             ("生活", "节日", "感想", "校园", "读书")),
    Category("千奇百怪", "Everything", 0.03, ("趣题", "杂谈", "小技巧", "怪现象"), ("趣味", "杂谈", "网站")),
    Category("问题百科", "Questions", 0.02, ("问题", "解答", "猜想"), ("问题", "解答", "数学")),
    Category("资源共享", "Resources", 0.02, ("资源", "工具", "数据集", "教程"), ("资源", "转载", "工具", "开源")),
    Category("生物自然", "Biology", 0.01, ("进化", "生态", "遗传"), ("生物", "进化", "自然")),
    Category("图片摄影", "Photograph", 0.01, ("星空", "风景", "日出"), ("摄影", "星空", "风景")),
)
_CATEGORY = {c.slug: c for c in CATEGORIES}


@dataclass(frozen=True)
class SeriesStyle:
    """A series as the blog titles it: ``pattern`` takes name, n (arabic), cn (Chinese numeral) and sub."""

    name: str
    pattern: str
    category: str  # slug


PAGE_SERIES = (
    SeriesStyle("生成扩散模型漫谈", "{name}（{cn}）：{sub}", "Big-Data"),
    SeriesStyle("Transformer升级之路", "{name}：{n}、{sub}", "Big-Data"),
    SeriesStyle("变分自编码器", "{name}（{cn}）：{sub}", "Big-Data"),
    SeriesStyle("能量视角下的GAN模型", "{name}（{cn}）：{sub}", "Big-Data"),
    SeriesStyle("MoE环游记", "{name}：{n}、{sub}", "Big-Data"),
    SeriesStyle("从动力学角度看优化算法", "{name}（{cn}）：{sub}", "Big-Data"),
    SeriesStyle("中文分词系列", "【{name}】 {n}. {sub}", "Big-Data"),
    SeriesStyle("自然极值", "《{name}》系列——{n}.{sub}", "Mathematics"),
    SeriesStyle("数值计算笔记", "{name}（{cn}）：{sub}", "Mathematics"),
    SeriesStyle("路径积分系列", "{name}：{n}.{sub}", "Phy-chem"),
    SeriesStyle("天体力学拾遗", "{name}（{cn}）：{sub}", "Astronomy"),
)
SERIES_SHARE = 0.33

_TITLE_HEADS = ("浅谈", "再谈", "细说", "漫谈", "也谈", "重新思考", "一个关于", "从零理解", "简单推导")
_TITLE_TAILS = ("的一个推导", "的新视角", "的简单证明", "的几何意义", "的数值实验", "的另一种理解", "的直观解释",
                "的若干性质", "的误差分析", "的一个反例", "的改进思路", "的边界情形")
_TITLE_SUBS = ("从{a}到{b}", "兼谈{b}", "一个例子", "再思考", "为什么有效？", "盯着它直到显然", "一道练习题",
               "{a}与{b}的联系", "旧题新解", "一些细节")
_HEADING_WORDS = ("问题背景", "基本思路", "形式推导", "理论分析", "几何图像", "数值实验", "实验结果", "相关工作",
                  "延伸思考", "一般情形", "特殊情形", "简单例子", "参考实现", "误差分析", "收敛性质", "计算复杂度",
                  "对比讨论", "历史回顾", "改进方向", "细节补充", "初步尝试", "换个角度", "严格证明", "直观理解")
_LABEL_WORDS = ("loss", "kl", "factor", "score", "ode", "sde", "prior", "post", "elbo", "grad", "update", "norm",
                "attn", "rope", "mean", "var", "limit", "bound", "ineq", "sum", "int", "taylor", "sol", "energy",
                "entropy", "mi", "flow", "sample", "target", "approx", "x0-xt", "sg", "base", "recur")
_NAMES = ("小明", "路人甲", "momo", "星河", "wangxy", "学习者", "Kevin", "阿飞", "陈同学", "tiny", "郭靖", "leo")
_PAPER_WORDS = ("Deep", "Generative", "Models", "via", "Scalable", "Diffusion", "Attention", "Is", "All", "Learning",
                "Efficient", "Transformers", "Score", "Matching", "Flow", "Energy", "Based", "Variational", "Neural",
                "Networks", "Optimization", "Sparse", "Mixture", "Experts", "Rotary", "Embedding", "Language")
_REFS = (("Deep Learning", "http://deeplearning.net"), ("Pattern Recognition", "https://example.org/prml"),
         ("数学分析讲义", "https://example.com/analysis"), ("Neural Networks", "http://neuralnetworks.example.net"))
_CODE = (
    ("python", ["import numpy as np", "", "def softmax(x, axis=-1):", "    x = x - x.max(axis=axis, keepdims=True)",
                "    e = np.exp(x)", "    return e / e.sum(axis=axis, keepdims=True)"]),
    ("python", ["def sample(model, x, steps=1000):", "    for t in range(steps, 0, -1):",
                "        eps = model(x, t)", "        x = (x - beta[t] * eps) / alpha[t]",
                "        if t > 1:", "            x += sigma[t] * np.random.randn(*x.shape)", "    return x"]),
    ("python", ["class Config:", "    batch_size = 64", "    lr = 1e-3  # LAMB", "",
                "    def __repr__(self):", "        return f'<Config {self.batch_size}>'"]),
    ("javascript", ["function norm(v) {", "    let s = 0;", "    for (const x of v) {", "        s += x * x;",
                    "    }", "    return Math.sqrt(s);", "}"]),
    ("bash", ["pip install bert4keras", "python train.py --steps 100000 \\", "    --batch_size 32"]),
    ("", ["for i in range(3):", "    if s.count(i) == 2:", "        return i"]),
)
_SITE_MENU = (("打赏", "reward.html"), ("公式", "latex.html"), ("天象", "ac.html"), ("链接", "links.html"),
              ("时光", "me.html"), ("博览", "science.html"), ("归档", "content.html"))
_FRIENDS = (("数学角落", "https://example.org/math"), ("论文速览", "https://example.com/papers"),
            ("星空日记", "http://stars.example.net/"), ("小站", "https://blog.example.org/"))

_CLAUSE_SPLIT = re.compile(r"[,，;；:：?？!！]")
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
_FULLWIDTH = str.maketrans({",": "，", ";": "；", ":": "：", "?": "？", "!": "！"})
_MD_SPECIALS = ("_", "*", "[", "]", "|", "`")
_BACKSLASH = re.compile(r"\\(?=\S)")


def entities(tex: str) -> str:
    """TeX as the plain-text scrapes hold it: the page source's HTML entities, never decoded."""
    return tex.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _doubled(_: re.Match) -> str:
    return "\\\\"


def md_escape(text: str) -> str:
    """Text as the HTML-to-Markdown converter writes it, TeX included.

    The converter doubles every backslash that is not followed by white space and escapes
    ``_ * [ ] | `` ` ``; so TeX's line break ``\\\\`` at a line end comes out as three
    backslashes (the last one a Markdown hard break), exactly as on the scraped pages.
    """
    text = _BACKSLASH.sub(_doubled, text)
    for char in _MD_SPECIALS:  # str.replace runs in C; a translate table with a dict is per character in Python
        if char in text:
            text = text.replace(char, "\\" + char)
    return text


def cjk_count(text: str) -> int:
    """How many ideographs: the blog's sizes (3,000–15,000 characters a post) count these."""
    return len(_CJK_CHAR.findall(text))


@dataclass
class PageMeta:
    """What every page needs to know about a post before any body exists (titles for links, labels for refs)."""

    index: int
    post_id: int
    title: str
    date: tuple[int, int, int]
    category: Category
    tags: tuple[str, ...]
    series: tuple[str, int] | None
    shape: str
    size: int  # ideographs of prose to write
    formulas: int
    headings: int
    long: bool
    readers: int
    labels: list[str] = field(default_factory=list)  # filled when the body is written, for later posts' refs

    @property
    def url(self) -> str:
        return f"{BLOG}/archives/{self.post_id}"


Span = tuple  # ("t", text) | ("m", tex) | ("a", text, url) | ("b", text) | ("c", code)


class _Tex:
    """Formulas like the blog's: subscripts, bold vectors, conditionals, norms, sums; all the converter escapes."""

    LETTERS = "xyzuvwhst"
    BOLD = ("x", "z", "y", "u", "v", "w", "q", "k", "h", "W", "A", "\\mu", "\\varepsilon", "\\theta")
    GREEK = ("alpha", "beta", "gamma", "sigma", "theta", "lambda", "eta", "tau", "rho", "mu", "varepsilon", "phi")
    SUB = ("t", "{t-1}", "0", "T", "i", "{i,j}", "k", "{t+1}", "n", "1", "*", "\\theta")
    POWERS = ("^2", "^{\\top}", "^{-1}", "^*")
    OPS = (" = ", " + ", " - ", " \\leq ", " \\approx ", "\\cdot ", " \\triangleq ", " = ", " = ")

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def sym(self, power: bool = True) -> str:
        """A symbol with its decoration and subscript; ``power=False`` when the caller adds its own exponent."""
        rnd = self.rng.random  # indexing by random() is several times cheaper than choice(): millions of calls
        r = rnd()
        if r < 0.35:
            base = self.LETTERS[int(r * 25.7)]
        elif r < 0.7:
            base = "\\boldsymbol{" + self.BOLD[int((r - 0.35) * 40)] + "}"
        else:
            base = "\\" + self.GREEK[int((r - 0.7) * 40)]
        r = rnd()
        if r < 0.12:
            base = "\\bar{" + base + "}"
        elif r < 0.18:
            base = "\\tilde{" + base + "}"
        r = rnd()
        if r < 0.6:
            base += "_" + self.SUB[int(r * 20)]
        if power and r < 0.12:
            base += self.POWERS[int(r * 33)]
        return base

    def term(self, depth: int = 0) -> str:
        rng = self.rng
        k = rng.randrange(16) if depth < 2 else rng.randrange(3)
        s, d = self.sym, depth + 1
        if k == 0:
            return s()
        if k == 1:
            return f"{rng.choice('pq')}({s()}|{s()})"
        if k == 2:
            return f"\\mathcal{{N}}({s()};{s()},{s(False)}^2 \\boldsymbol{{I}})"
        if k == 3:
            return f"\\frac{{{self.term(d)}}}{{{self.term(d)}}}"
        if k == 4:
            return f"\\mathbb{{E}}_{{{s()}\\sim p({s()})}}\\left[{self.term(d)}\\right]"
        if k == 5:
            return f"\\left\\Vert {self.term(d)} - {s()}\\right\\Vert^2"
        if k == 6:
            return f"\\sum_{{i=1}}^{{n}} {self.term(d)}"
        if k == 7:
            return f"\\int {self.term(d)}\\, d{s()}"
        if k == 8:
            return f"\\log {rng.choice('pqf')}({s()})"
        if k == 9:
            return f"\\exp\\left({self.term(d)}\\right)"
        if k == 10:
            return f"\\text{{softmax}}({s()})"
        if k == 11:
            return f"\\{{{s()},{s()},\\dots\\}}"
        if k == 12:
            return f"\\sqrt{{{self.term(d)}}}"
        if k == 13:
            return f"|{s()}|"
        if k == 14:
            return f"[{s()}]_*"
        return f"\\langle {s()}, {s()}\\rangle"

    def expr(self, terms: int) -> str:
        out = self.term()
        for _ in range(terms - 1):
            out += self.rng.choice(self.OPS) + self.term()
        return out

    def inline(self) -> str:
        return self.expr(self.rng.choice((1, 1, 1, 2, 2, 3)))

    def rows(self, count: int) -> str:
        """The rows of an ``aligned`` block: TeX's ``\\\\`` at each line end, as the blog writes them."""
        first = "&" + self.expr(2)
        rest = ["=&\\," + self.expr(self.rng.choice((1, 2, 3))) for _ in range(count - 1)]
        return " \\\\\n".join([first, *rest])


class _PageWriter:
    """Writes one archive of article pages; holds the posts' metadata so pages can link and refer to each other."""

    def __init__(self, n: int, seed: int, corpus: Corpus, long_share: float) -> None:
        self.rng = random.Random(seed * 104_729 + 17)  # noqa: S311 - reproducible test data, not secrets
        self.tex = _Tex(self.rng)
        self.clauses = self._clauses(corpus)
        self.mean_clause = max(1, sum(c for _, c in self.clauses) // len(self.clauses))
        self.metas = self._metas(n, long_share)
        self.by_series: dict[str, list[PageMeta]] = {}
        for meta in self.metas:
            if meta.series:
                self.by_series.setdefault(meta.series[0], []).append(meta)
        self.taken = {m.post_id for m in self.metas}
        self.chrome_top = self._chrome_top()
        self.chrome_bottom = self._chrome_bottom()

    # -- material ------------------------------------------------------------------------------------------

    @staticmethod
    def _clauses(corpus: Corpus) -> list[tuple[str, int]]:
        """Clauses of the bundled archive, with their ideograph counts: recombined, they give varied prose."""
        seen: dict[str, int] = {}
        for sentence in corpus.sentences:
            for part in _CLAUSE_SPLIT.split(sentence.rstrip("。")):
                part = part.strip().translate(_FULLWIDTH)
                count = cjk_count(part)
                if 4 <= count and "$" not in part and "\\" not in part:
                    seen.setdefault(part, count)
        if not seen:
            seen["这是一个用来填充的句子"] = 11
        return sorted(seen.items())

    def prose(self, target: int) -> tuple[list[str], int]:
        """Clauses, each ending in its punctuation, holding at least ``target`` ideographs.

        Drawn in batches (``choices`` costs one call, not one per clause): the generator writes
        tens of millions of ideographs for a benchmark archive and must stay within seconds.
        """
        rng, clauses = self.rng, self.clauses
        out: list[str] = []
        count = 0
        while count < target:
            batch = rng.choices(clauses, k=(target - count) // self.mean_clause + 1)
            stops = rng.choices("。，，，，，，，，，", k=len(batch))  # about three clauses a sentence
            for (text, c), stop in zip(batch, stops, strict=True):
                count += c
                if count >= target:
                    out.append(text + "。")
                    break
                out.append(text + stop)
        return out, count

    def _metas(self, n: int, long_share: float) -> list[PageMeta]:
        rng = self.rng
        dates = sorted((rng.randint(2009, 2025), rng.randint(1, 12), rng.randint(1, 28)) for _ in range(n))
        post_id = rng.randint(40, 200)
        long_count = max(1, round(n * long_share)) if n >= 10 and long_share > 0 else 0
        longs = set(rng.sample(range(n), long_count))
        shapes = rng.choices(PAGE_SHAPES, weights=SHAPE_SHARES, k=n)
        if n >= len(PAGE_SHAPES):  # every shape at least once, however small the archive
            for i, shape in enumerate(PAGE_SHAPES):
                if shape not in shapes:
                    shapes[n - 1 - i] = shape
        counters: dict[str, int] = {}
        titles: set[str] = set()
        metas = []
        for i, date in enumerate(dates):
            post_id += rng.randint(1, 12)
            series = None
            if rng.random() < SERIES_SHARE:
                style = PAGE_SERIES[rng.randrange(len(PAGE_SERIES))]
                counters[style.name] = counters.get(style.name, 0) + 1
                series = (style.name, counters[style.name])
                category = _CATEGORY[style.category]
            else:
                style = None
                category = rng.choices(CATEGORIES, weights=[c.share for c in CATEGORIES])[0]
            title = self._title(category, style, series[1] if series else 0, titles)
            is_long = i in longs
            if is_long:
                size, formulas, headings = rng.randint(*LONG_CJK), rng.randint(*LONG_FORMULAS), HEADINGS[1]
            else:
                size = int(min(NORMAL_CJK[1], max(NORMAL_CJK[0], rng.lognormvariate(8.75, 0.45))))
                density = rng.uniform(1.5, 14.0)  # formulas per thousand ideographs: essays to derivations
                formulas = int(min(NORMAL_FORMULAS[1], max(NORMAL_FORMULAS[0], size * density / 1000)))
                headings = min(HEADINGS[1], max(HEADINGS[0], size // 1300 + rng.randint(0, 4)))
            tags = tuple(rng.sample(category.tags, min(len(category.tags), rng.randint(2, 5))))
            metas.append(PageMeta(i, post_id, title, date, category, tags, series, shapes[i], size, formulas,
                                  headings, is_long, rng.randint(1_000, 200_000)))
        return metas

    def _title(self, category: Category, style: SeriesStyle | None, number: int, taken: set[str]) -> str:
        rng = self.rng
        for attempt in range(20):
            a, b = rng.sample(category.topics, 2) if len(category.topics) > 1 else (category.topics[0],) * 2
            sub = rng.choice(_TITLE_SUBS).format(a=a, b=b)
            if style:
                title = style.pattern.format(name=style.name, n=number, cn=chinese_numeral(min(number, 99)),
                                             sub=f"{a}{rng.choice(_TITLE_TAILS)}")
            elif rng.random() < 0.5:
                title = f"{rng.choice(_TITLE_HEADS)}{a}{rng.choice(_TITLE_TAILS)}：{sub}"
            else:
                title = f"{a}{rng.choice(_TITLE_TAILS)}"
            if attempt > 10:
                title += f"（{chinese_numeral(attempt)}）" if not style else f"·{attempt}"
            if title not in taken:
                taken.add(title)
                return title
        raise AssertionError("unreachable: attempts add a distinguishing suffix")

    # -- body ----------------------------------------------------------------------------------------------

    def article(self, meta: PageMeta) -> list[tuple]:
        """The body as shape-independent nodes; also records the post's labels for later posts."""
        rng, tex = self.rng, self.tex
        lengths: list[int] = []
        total = 0
        while total < meta.size:
            lengths.append(rng.randint(60, 320))
            total += lengths[-1]
        paragraphs = len(lengths)
        counts = [0] * paragraphs
        for _ in range(meta.formulas - 1):
            counts[rng.randrange(1, paragraphs) if paragraphs > 1 else 0] += 1
        counts[0] += 1  # the opening holds one inline formula, no display: excerpts repeat it
        holding = [k for k in range(1, paragraphs) if counts[k]]
        must_display = rng.choice(holding) if holding else -1  # every article shows a display formula
        macro = None
        if rng.random() < 0.15:
            macro = rng.choice(((r"\newcommand{\KL}{\mathop{\text{KL}}}", r"\KL(p\Vert q)"),
                                (r"\newcommand{\E}{\mathbb{E}}", r"\E_{x}[f(x)]"),
                                (r"\newcommand{\vx}{\boldsymbol{x}}", r"\vx_t"),
                                (r"\newcommand{\norm}[1]{\left\Vert#1\right\Vert}", r"\norm{\boldsymbol{x}}")))
        define_at = rng.randint(meta.formulas // 4, meta.formulas // 2) if macro else -1
        early_use = rng.randint(1, define_at - 1) if macro and rng.random() < 0.5 else -1
        mj2 = rng.random() < 0.15
        labels: list[str] = []
        pending_refs: list[str] = []
        words = list(_LABEL_WORDS)
        rng.shuffle(words)
        nodes: list[tuple] = []
        heading_at = self._heading_positions(paragraphs, meta.headings)
        heading_texts = self._heading_texts(meta, len(heading_at))
        future = "eq:" + words.pop() if rng.random() < 0.3 else None  # referred to before it is defined
        future_cited = False
        extras = self._extras(meta, paragraphs)
        j = 0  # formulas so far

        def formula(display: bool) -> str:
            nonlocal j, future, future_cited
            j += 1
            if display:
                rows = rng.random() < 0.45
                body = tex.rows(rng.randint(2, 4)) if rows else tex.expr(rng.randint(2, 4))
                if macro and j == define_at:
                    body = macro[0] + body
                if macro and (j == early_use or (j > define_at and rng.random() < 0.3)):
                    body += " = " + macro[1]
                if mj2 and rng.random() < 0.25:
                    body += " + \\text{stop_gradient}(" + tex.sym() + ")"
                label = ""
                if future and future_cited and j > meta.formulas // 2:
                    labels.append(future)
                    label, future = "\\label{" + future + "}", None
                elif rng.random() < 0.35:
                    label = "eq:" + (words.pop() if words else f"e{j}")
                    labels.append(label)
                    if rng.random() < 0.7:
                        pending_refs.append(label)
                    label = "\\label{" + label + "}"
                if rows:
                    return "\\begin{equation}\\begin{aligned}" + body + "\n\\end{aligned}" + label + "\\end{equation}"
                if label or rng.random() < 0.7:
                    return "\\begin{equation}" + body + label + "\\end{equation}"
                return "$$" + body + "$$"
            if macro and j == define_at:
                return macro[0] + tex.inline()
            if macro and j == early_use:
                return tex.inline() + " + " + macro[1]
            if future and not future_cited and j >= 2:
                future_cited = True
                return "\\eqref{" + future + "}"
            if pending_refs and rng.random() < 0.3:
                return "\\eqref{" + pending_refs.pop(0) + "}"
            body = tex.inline()
            if macro and j > define_at and rng.random() < 0.2:
                body += " + " + macro[1]
            if mj2 and rng.random() < 0.05:
                body = "\\text{stop_gradient}(" + body + ")"
            return body

        for i, length in enumerate(lengths):
            if i in heading_at:
                level, text, anchor = heading_texts.pop(0)
                nodes.append(("h", level, text, anchor))
            if i in extras:
                nodes.extend(extras[i](formula))
            nodes.append(self._paragraph(meta, i, length, counts[i], formula, i == must_display))
        for i in sorted(k for k in extras if k >= len(lengths)):
            nodes.extend(extras[i](formula))
        if future and future_cited:  # no display came late enough to take the label cited early: the last one does
            labels.append(future)
            nodes.append(("p", [("s", [("t", "综上所述，")]),
                                ("d", "\\begin{equation}" + tex.expr(2) + "\\label{" + future + "}\\end{equation}")]))
        if meta.series and meta.series[1] > 1:
            self._cross_reference(meta, labels, nodes)
        meta.labels = labels
        return nodes

    def _heading_positions(self, paragraphs: int, count: int) -> set[int]:
        count = min(count, max(1, paragraphs - 1))
        step = paragraphs / (count + 1)
        return {min(paragraphs - 1, max(1, round(step * (k + 1)))) for k in range(count)}

    def _heading_texts(self, meta: PageMeta, count: int) -> list[tuple[int, str, str]]:
        rng = self.rng
        words = list(_HEADING_WORDS) + [f"{t}回顾" for t in meta.category.topics[:4]]
        rng.shuffle(words)
        out: list[tuple[int, str, str]] = []
        level = 2
        for k in range(count):
            word = words[k % len(words)] + ("" if k < len(words) else chinese_numeral(k // len(words) + 1))
            if k == count - 1:
                word, level = "文章小结", 2
                out.append((level, word, word))
                continue
            if k == 1 and rng.random() < 0.08:  # MathJax had run: the heading lost its dollars, the anchor kept them
                letter = rng.choice("HIKL")
                out.append((level, f"直击{letter}(X)的{word}", f"直击${letter}(X)$的{word}"))
                continue
            level = 3 if level == 2 and k and rng.random() < 0.25 else 2
            out.append((level, word, word))
        return out

    def _paragraph(self, meta: PageMeta, i: int, length: int, formulas: int, formula,  # noqa: ANN001
                   must_display: bool) -> tuple:
        """("p", parts): runs of spans and display formulas glued into one paragraph, as the blog writes them."""
        rng = self.rng
        clauses, _ = self.prose(length)
        displays = 0 if i == 0 else sum(rng.random() < 0.3 for _ in range(formulas))
        if must_display and not displays:
            displays = 1
        inline = formulas - displays
        spans: list[Span] = []
        if i == 0 and meta.series and meta.series[1] > 1:
            prev = self.by_series[meta.series[0]][meta.series[1] - 2]
            spans += [("t", "在文章"), ("a", f"《{prev.title}》", prev.url), ("t", "中，")]
        slots = sorted(rng.randrange(len(clauses)) for _ in range(inline))
        parts: list[tuple] = []
        display_after = sorted(rng.randrange(len(clauses)) for _ in range(displays))
        lost = i > 2 and rng.random() < 0.004  # a formula that lost its dollars (MathJax had run before the save)
        text = ""  # the run of plain text not yet made a span
        for c, clause in enumerate(clauses):
            if (not slots or slots[0] != c) and (not display_after or display_after[0] != c) and not lost:
                text += clause
                continue
            text += clause[:-1]
            while slots and slots[0] == c:
                slots.pop(0)
                spans += [("t", text), ("m", formula(False))]
                text = "、" if slots and slots[0] == c else ""  # never $a$$b$: that reads as a display
            if lost and c == 0:
                text += self.tex.sym()
                lost = False
            text += clause[-1]
            while display_after and display_after[0] == c:
                display_after.pop(0)
                parts.append(("s", [*spans, ("t", text)]))
                spans, text = [], ""
                parts.append(("d", formula(True)))
        if text:
            spans.append(("t", text))
        if i > 0 and rng.random() < 0.03:
            other = self.metas[rng.randrange(len(self.metas))]
            host = MIRROR if rng.random() < 0.4 else BLOG
            spans += [("t", "可以参考"), ("a", f"《{other.title}》", f"{host}/archives/{other.post_id}"), ("t", "。")]
        if i > 0 and rng.random() < 0.01:
            missing = self._missing_id()
            spans += [("t", "更早的讨论见"), ("a", "这里", f"{BLOG}/archives/{missing}"), ("t", "。")]
        if i > 0 and rng.random() < 0.02:
            spans += [("t", "（"), ("b", "提示："), ("t", "这里的记号与原论文略有不同，"), ("c", "batch_size=64"),
                      ("t", "时结果类似。）")]
        if spans:
            parts.append(("s", spans))
        return ("p", parts)

    def _missing_id(self) -> int:
        candidate = self.rng.randint(1, max(self.taken) + 50)
        while candidate in self.taken:
            candidate += 1
        return candidate

    def _cross_reference(self, meta: PageMeta, own: list[str], nodes: list[tuple]) -> None:
        """Refer to an equation of an earlier post of the same series (the blog does, by label)."""
        earlier = [m for m in self.by_series[meta.series[0]][: meta.series[1] - 1] if m.labels]  # type: ignore[index]
        if not earlier or self.rng.random() < 0.3:
            return
        other = earlier[-1]
        foreign = [label for label in other.labels if label not in own]
        if not foreign:
            return
        label = self.rng.choice(foreign)
        spans = [("t", "结合上一篇的式"), ("m", "\\eqref{" + label + "}"), ("t", "，"), ("t", "结论是一样的。")]
        paragraphs = [k for k, node in enumerate(nodes) if node[0] == "p"]
        k = paragraphs[min(len(paragraphs) - 1, 1 + self.rng.randrange(max(1, len(paragraphs) // 3)))]
        nodes[k] = ("p", [*nodes[k][1], ("s", spans)])

    def _extras(self, meta: PageMeta, paragraphs: int) -> dict[int, object]:
        """Blocks other than paragraphs, at paragraph positions: each kind in a share of posts, every kind somewhere."""
        rng = self.rng
        kinds = {
            "image": 0.45, "table": 0.2, "code": 0.25, "quote": 0.35, "refs": 0.15, "list": 0.25, "links": 0.5,
            "array": 0.03,
        }
        chosen = [k for k, share in kinds.items() if rng.random() < share]
        forced = tuple(kinds)[meta.index % len(kinds)]  # a small archive still holds every kind
        if forced not in chosen:
            chosen.append(forced)
        out: dict[int, object] = {}
        for kind in chosen:
            at = rng.randint(1, max(1, paragraphs - 1))
            while at in out:
                at += 1
            out[at] = getattr(self, "_x_" + kind)(meta)
        return out

    def _x_image(self, meta: PageMeta):  # noqa: ANN202
        year, month, _ = meta.date
        src = f"{BLOG}/usr/uploads/{year}/{month:02d}/{self.rng.randint(10**9, 10**10 - 1)}.png"
        caption = self.prose(8)[0][0][:-1]
        return lambda formula: [("img", caption, src, caption if self.rng.random() < 0.7 else None)]

    def _x_table(self, meta: PageMeta):  # noqa: ANN202
        rng = self.rng
        cols = rng.randint(2, 5)
        head = [[("t", rng.choice(meta.category.topics))] for _ in range(cols)]

        def make(formula):  # noqa: ANN001, ANN202
            rows = [head]
            for _ in range(rng.randint(2, 5)):
                row = [[("t", f"{rng.randint(1, 9999) / 100:.2f}")] for _ in range(cols)]
                row[0] = [("t", rng.choice(meta.category.topics) + "|" + str(rng.randint(1, 9)))]
                if rng.random() < 0.3:
                    row[-1] = [("m", formula(False))]
                rows.append(row)
            return [("table", rows)]
        return make

    def _x_code(self, meta: PageMeta):  # noqa: ANN202
        lang, lines = self.rng.choice(_CODE)
        if self.rng.random() < 0.2:
            lines = []  # the scraper sometimes saved an empty fence
        return lambda formula: [("code", lang, lines)]

    def _x_quote(self, meta: PageMeta):  # noqa: ANN202
        def make(formula):  # noqa: ANN001, ANN202
            items = []
            for k in range(self.rng.randint(2, 4)):
                clauses, _ = self.prose(self.rng.randint(20, 60))
                items.append([("t", f"{k + 1}、"), ("t", "".join(clauses[:1])), ("m", formula(False)),
                              ("t", "".join(clauses[1:]))])
            return [("quote", items)]
        return make

    def _x_refs(self, meta: PageMeta):  # noqa: ANN202
        refs = list(_REFS)
        self.rng.shuffle(refs)
        return lambda formula: [("refs", [(k + 1, name, url) for k, (name, url) in enumerate(refs)])]

    def _x_list(self, meta: PageMeta):  # noqa: ANN202
        ordered = self.rng.random() < 0.5
        items = [(0, [("t", self.prose(12)[0][0][:-1])]) for _ in range(self.rng.randint(2, 4))]
        items.insert(1, (1, [("t", self.prose(10)[0][0][:-1])]))
        return lambda formula: [("list", ordered, items)]

    def _x_links(self, meta: PageMeta):  # noqa: ANN202
        rng = self.rng
        other = self.metas[rng.randrange(len(self.metas))]
        host = MIRROR if rng.random() < 0.5 else BLOG
        paper = " ".join(rng.sample(_PAPER_WORDS, rng.randint(3, 6)))
        arxiv = f"https://papers.cool/arxiv/{rng.randint(1500, 2512)}.{rng.randint(10000, 29999)}"
        repo = f"https://github.com/{rng.choice(('bojone', 'someone', 'lab'))}/{rng.choice(_PAPER_WORDS).lower()}"
        missing = f"{BLOG}/archives/{self._missing_id()}"
        spans = [("t", "相关内容可以参考"), ("a", f"《{other.title}》", f"{host}/archives/{other.post_id}"),
                 ("t", "和原论文"), ("a", f"《{paper}》", arxiv), ("t", "，代码见"), ("a", repo, repo),
                 ("t", "，更早的讨论见"), ("a", "这篇旧文", missing), ("t", "。")]
        return lambda formula: [("p", [("s", spans)])]

    def _x_array(self, meta: PageMeta):  # noqa: ANN202
        rows = " \\\\\n\n".join(f"&\\text{{第{k}行}}={self.tex.inline()}" for k in range(1, 4))
        return lambda formula: [("dd", "$$\\begin{aligned}\n\n" + rows + "\n\n\\end{aligned}$$")]

    # -- shapes --------------------------------------------------------------------------------------------

    @staticmethod
    def _md_spans(spans: list[Span]) -> str:
        """Runs of text and formulas are escaped at once (``$`` is no Markdown syntax); links and code are not."""
        out: list[str] = []
        run: list[str] = []
        for span in spans:
            kind = span[0]
            if kind == "t":
                run.append(span[1])
                continue
            if kind == "m":
                run += ("$", span[1], "$")
                continue
            out.append(md_escape("".join(run)))
            run = []
            if kind == "a":
                out.append(f" [{md_escape(span[1])}]({span[2]}) ")
            elif kind == "b":
                out.append(f" **{md_escape(span[1])}** ")
            else:
                out.append(f" `{span[1]}` ")
        out.append(md_escape("".join(run)))
        return "".join(out)

    @staticmethod
    def _text_spans(spans: list[Span], escaped: bool) -> str:
        out = []
        for span in spans:
            kind = span[0]
            if kind == "m":
                out.append("$" + (entities(span[1]) if escaped else span[1]) + "$")
            elif kind == "a":
                out.append(f" {span[1]} ")
            else:
                out.append(span[1])
        return "".join(out)

    def md_body(self, meta: PageMeta, nodes: list[tuple]) -> str:
        out: list[str] = []
        for node in nodes:
            kind = node[0]
            if kind == "p":
                lines = [self._md_spans(part[1]) if part[0] == "s" else md_escape(part[1]) for part in node[1]]
                out.append("\n".join(lines))
            elif kind == "h":
                _, level, text, anchor = node
                out.append(f"{'#' * level} {md_escape(text)} [\\#]({meta.url}\\#{quote(anchor, safe='$()')})")
            elif kind == "img":
                _, alt, src, caption = node
                out.append(f'[![{md_escape(alt)}]({src})]({src} "点击查看原图")')
                if caption:
                    out.append(md_escape(caption))
            elif kind == "table":
                rows = node[1]
                cols = len(rows[0])
                out.append("\n".join(["|" + "     |" * cols, "|" + " --- |" * cols]
                                     + ["| " + " | ".join(self._md_spans(c) for c in row) + " |" for row in rows]))
            elif kind == "code":
                _, lang, lines = node
                out.append(f"```{lang}\n" + "\n".join(lines) + ("\n" if lines else "\n") + "```")
            elif kind == "quote":
                out.append("\n>\n".join("> " + self._md_spans(item) for item in node[1]))
            elif kind == "refs":
                out.append("\n>\n".join(f"> [{k}] {name}： [{url}]({url})" for k, name, url in node[1]))
            elif kind == "list":
                _, ordered, items = node
                out.append("\n".join(("    " * depth) + (f"{k + 1}. " if ordered else "- ") + self._md_spans(spans)
                                     for k, (depth, spans) in enumerate(items)))
            elif kind == "dd":
                out.append(md_escape(node[1]))
        return "\n\n".join(out)

    def text_body(self, nodes: list[tuple]) -> str:
        """innerText: paragraphs run together, headings as `` 标题 # ``, TeX with HTML entities, code unindented."""
        out: list[str] = []
        for node in nodes:
            kind = node[0]
            if kind == "p":
                pieces = []
                for part in node[1]:
                    if part[0] == "s":
                        pieces.append(self._text_spans(part[1], True))
                    else:
                        pieces.append(" \n" + entities(part[1]) + " \n")
                out.append("".join(pieces))
            elif kind == "h":
                out.append(f"{node[2]} #")
            elif kind == "img":
                out.append(f"\n {node[3] or ''} \n")
            elif kind == "table":
                out.append("\n" + "\n".join("\t".join(self._text_spans(c, True) for c in row) for row in node[1])
                           + "\n")
            elif kind == "code":
                out.append("\n".join(line.strip() for line in node[2]))
            elif kind == "quote":
                out.append(" \n".join(self._text_spans(item, True) for item in node[1]))
            elif kind == "refs":
                out.append(" \n".join(f"[{k}] {name}： {url}" for k, name, url in node[1]))
            elif kind == "list":
                out.append(" \n".join(self._text_spans(spans, True) for _, spans in node[2]))
            elif kind == "dd":
                out.append(" \n" + entities(node[1].replace("\n\n", "\n")) + " \n")
        return " " + " ".join(out) + " "

    def plain_opening(self, nodes: list[tuple]) -> str:
        """The first paragraph as an excerpt dump shows it: plain text, TeX as typed, links as their text."""
        first = next(node for node in nodes if node[0] == "p")
        return "".join(self._text_spans(part[1], False) for part in first[1] if part[0] == "s").replace("  ", " ")

    # -- page frames ---------------------------------------------------------------------------------------

    def _chrome_top(self) -> str:
        """The sidebar a converter page opens with; the same on every page of one scrape."""
        recent = sorted(self.metas, key=lambda m: m.date)[-10:][::-1]
        lines = ["## SEARCH", "", "## MENU", ""]
        lines += [f"- [{label}]({BLOG}/{path})" for label, path in _SITE_MENU]
        lines += ["", "## CATEGORIES", ""]
        lines += [f"- [{c.name}]({BLOG}/category/{c.slug})" for c in CATEGORIES]
        lines += ["", "## NEWPOSTS", ""]
        lines += [f"- [{md_escape(self._cut(m.title, 16))}]({m.url})" for m in recent]
        lines += ["", "## COMMENTS", ""]
        lines += [f"- [{self.rng.choice(_NAMES)}: {self._cut(self.prose(20)[0][0], 30)}]({m.url}/comment-page-1"
                  f"#comment-{20_000 + k})" for k, m in enumerate(recent)]
        lines += ["", "## USERLOGIN", "", f"- [登录]({BLOG}/admin/login.php)", "",
                  f"[科学空间\\|Scientific Spaces]({BLOG})", ""]
        lines += [f"- [{label}]({BLOG}/{path})" for label, path in _SITE_MENU]
        lines += ["", "一个关于科学与生活的角落", ""]
        lines += [f"- [**{c.name}** {c.slug}]({BLOG}/category/{c.slug})" for c in CATEGORIES]
        return "\n".join(lines) + "\n"

    def _chrome_bottom(self) -> str:
        tags = sorted({t for c in CATEGORIES for t in c.tags})[:25]
        lines = ["### 智能搜索", "", "支持整句搜索，分词之后按相关度排列结果。", "", "### 热门标签", "",
                 " ".join(f"[{md_escape(t)}]({BLOG}/tag/{quote(t)}/)" for t in tags), "", "### 随机文章", ""]
        lines += [f"- [{md_escape(m.title)}]({m.url})" for m in self.rng.sample(self.metas, min(10, len(self.metas)))]
        lines += ["", "### 友情链接", ""]
        lines += [f"- [{name}]({url})" for name, url in _FRIENDS]
        lines += ["", "本站内容采用署名、非商业用途、保持一致的创作共用协议。"
                  " [协议全文](http://creativecommons.org/licenses/by-nc-nd/2.5/cn/)。"]
        return "\n".join(lines) + "\n"

    @staticmethod
    def _cut(text: str, length: int) -> str:
        return text if len(text) <= length else text[:length] + "..."

    def _citation(self, meta: PageMeta) -> tuple[str, str, str]:
        year, month, day = meta.date
        mon = MONTHS[month - 1]
        cite = f"苏剑林. ({mon}. {day:02d}, {year}). 《{meta.title} 》"
        bib = [f"@online{{kexuefm-{meta.post_id},", f"title={{{meta.title}}},", "author={苏剑林},",
               f"year={{{year}}},", f"month={{{mon}}},", f"url={{\\url{{{meta.url}}}}},", "}"]
        return cite, mon, "\n".join(bib)

    def _comments_md(self, meta: PageMeta) -> str:
        rng = self.rng
        count = rng.choice((0, 1, 2, 3, 4, 6, 8)) if rng.random() < 0.9 else 0
        out = [f"[发表你的看法]({meta.url}#comment_form)"]
        if not count:
            return "\n\n".join(out)
        out.append(f"1. [«]({meta.url}/comment-page-1#comments)\n2. [1]({meta.url}/comment-page-1#comments)")
        year = meta.date[0]
        for k in range(count):
            reply = k and rng.random() < 0.35
            name = f"[苏剑林]({BLOG}) 发表于" if reply else rng.choice(_NAMES)
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            suffix = "th" if 10 < day < 14 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
            when = f"{MONTH_NAMES[month - 1]} {day}{suffix}, {year + rng.randint(0, 3)}"
            clauses, _ = self.prose(rng.randint(10, 60))
            text = md_escape(clauses[0]) + "$" + md_escape(self.tex.inline()) + "$" + md_escape("".join(clauses[1:]))
            if k == 0 or rng.random() < 0.25:
                text += "\n$$" + md_escape(self.tex.rows(2)) + "$$"
            out.append(f"{name}\n{when}" if reply else f"{name}\n\n{when}")
            out.append(text)
            out.append(f"[回复评论]({meta.url}/comment-page-1?replyTo={30_000 + k}#respond-post-{meta.post_id})")
        return "\n\n".join(out)

    def _related(self, meta: PageMeta) -> list[PageMeta]:
        pool = self.by_series.get(meta.series[0], []) if meta.series else []
        others = [m for m in pool if m is not meta][:6]
        while len(others) < 10 and len(others) < len(self.metas) - 1:
            m = self.metas[self.rng.randrange(len(self.metas))]
            if m is not meta and m not in others:
                others.append(m)
        return others

    def md_page(self, meta: PageMeta, nodes: list[tuple]) -> str:
        rng = self.rng
        year, month, day = meta.date
        cite, mon, bib = self._citation(meta)
        title = md_escape(meta.title)
        c = meta.category
        sep = rng.choice((" \\|", "\\|"))
        byline = f"By 苏剑林 \\|\n{year:04d}-{month:02d}-{day:02d} \\|\n{meta.readers}位读者{sep}"  # split over lines
        head = [self.chrome_top, f"[首页]({BLOG}) [{c.name}]({BLOG}/category/{c.slug}) {title}", f"{day}{mon}",
                f"# [{title}]({meta.url})", byline]
        reprint = f"[{meta.url}]({meta.url} \"{title} \")" if rng.random() < 0.3 else f"[{meta.url}]({meta.url})"
        tags = ", ".join(f"[{md_escape(t)}]({BLOG}/tag/{quote(t)}/)" for t in meta.tags)
        prev = self.metas[meta.index - 1] if meta.index else None
        nxt = self.metas[meta.index + 1] if meta.index + 1 < len(self.metas) else None
        nav = " \\| ".join(f"[{md_escape(m.title)}]({m.url})" for m in (prev, nxt) if m)
        toc = "\n".join(f"[{md_escape(n[2])}]({meta.url}#{quote(n[3], safe='$()')})" for n in nodes if n[0] == "h")
        foot = [f"_**转载到请包括本文地址：** {reprint}_",
                f"_**更详细的转载事宜请参考：**_ [《科学空间FAQ》]({BLOG}/archives/6508)",
                "**如果您还有什么疑惑或建议，欢迎在下方评论区继续讨论。**",
                "打赏", "**如果您需要引用本文，请参考：**",
                f"{md_escape(cite)}\\[Blog post\\]. Retrieved from [{meta.url}]({meta.url})",
                md_escape(bib.replace("\n", "\n        ", 5)),
                f"分类： [{c.name}]({BLOG}/category/{c.slug})    标签： {tags}"
                f"[{rng.randint(0, 120)} 评论]({meta.url}#comments)",
                f"< {nav} >", "### 你也许还对下面的内容感兴趣",
                "\n".join(f"- [{md_escape(m.title)}]({m.url})" for m in self._related(meta)),
                self._comments_md(meta), "### 内容速览", toc, self.chrome_bottom]
        return "\n\n".join(head) + "\n\n" + self.md_body(meta, nodes) + "\n\n" + "\n\n".join(foot)

    def _text_footer(self, meta: PageMeta, indent: str) -> str:
        cite, _, bib = self._citation(meta)
        lines = [f" 转载到请包括本文地址： {meta.url} ", " 更详细的转载事宜请参考： 《科学空间FAQ》 ", " ",
                 " 如果您还有什么疑惑或建议，欢迎在下方评论区继续讨论。 ", " ", " ", " 如果您需要引用本文，请参考： ",
                 f" {cite}[Blog post]. Retrieved from {meta.url} ", " "]
        lines += [(indent + line + " ") if k else (indent[:1] + line + " ") for k, line in enumerate(bib.split("\n"))]
        return "\n" + "\n".join(lines) + "\n"

    def text_page(self, meta: PageMeta, nodes: list[tuple]) -> str:
        year, month, day = meta.date
        head = f" {meta.title} \n" if self.rng.random() < 0.5 else ""
        head += (f"\n {day} \n {MONTHS[month - 1]} \n \n \n \n \n By \n 苏剑林 |\n {year:04d}-{month:02d}-{day:02d} |\n"
                 f" {meta.readers}位读者 \n | \n \n \n \n \n \n \n")
        tail = ""
        if self.rng.random() < 0.5:
            tail = f" 分类： {meta.category.name}    标签： {', '.join(meta.tags)}{self.rng.randint(0, 99)} 评论\n"
        return head + self.text_body(nodes) + self._text_footer(meta, "         ") + tail

    def body_page(self, meta: PageMeta, nodes: list[tuple]) -> str:
        return "\n" + self.text_body(nodes) + self._text_footer(meta, "")

    def page(self, meta: PageMeta, nodes: list[tuple], shape: str) -> str:
        if shape == "md":
            return self.md_page(meta, nodes)
        return self.text_page(meta, nodes) if shape == "text" else self.body_page(meta, nodes)


def write_pages(folder: Path, n: int, seed: int = 1, *, corpus_archive: Path | None = None,
                excerpts: float = 0.08, duplicates: float = 0.02, long_share: float = 0.02) -> dict[str, int]:
    """Write ``n`` articles as page files into ``folder`` (an archive); returns counts of what was written.

    Pages go to ``pages/md/ID.txt`` (the converter's Markdown, about 80 %), ``pages/text/ID.txt``
    (innerText, about 14 %) and ``pages/body/ID.txt`` (the body alone, about 6 %); the shape is in
    the content, the folders only keep them apart.  A share ``duplicates`` of the posts is saved a
    second time in another shape (two scrapes of one post: the same post id), and a share
    ``excerpts`` also appears as an excerpt in the dump formats (``dumps/``: the same opening and
    title, no id), so both ways of recognising one post are exercised.  About ``long_share`` of
    the articles are very long (~40,000 ideographs, ~400 formulas).
    """
    corpus = load_corpus(corpus_archive or ROOT / "archive")
    writer = _PageWriter(n, seed, corpus, long_share)
    rng = random.Random(seed * 7_001 + 3)  # noqa: S311 - reproducible test data, not secrets
    stats = {"articles": n, "files": 0, "duplicates": 0, "excerpts": 0, "long": 0, "formulas": 0, "headings": 0,
             **{shape: 0 for shape in PAGE_SHAPES}}
    for shape in PAGE_SHAPES:
        (folder / "pages" / shape).mkdir(parents=True, exist_ok=True)
    listing: list[str] = []
    byline: list[str] = []
    for meta in writer.metas:
        nodes = writer.article(meta)
        shapes = [meta.shape]
        if rng.random() < duplicates:
            shapes.append(rng.choice([s for s in PAGE_SHAPES if s != meta.shape]))
            stats["duplicates"] += 1
        for shape in shapes:
            (folder / "pages" / shape / f"{meta.post_id}.txt").write_text(writer.page(meta, nodes, shape),
                                                                          encoding="utf-8")
            stats[shape] += 1
            stats["files"] += 1
        stats["long"] += meta.long
        stats["headings"] += sum(node[0] == "h" for node in nodes)
        stats["formulas"] += _formulas_in(nodes)
        if rng.random() < excerpts:
            stats["excerpts"] += 1
            year, month, day = meta.date
            post = SynthPost(meta.title, year, month, day, [writer.plain_opening(nodes)])
            if rng.random() < 0.5:
                listing.append(_listing(post, drop_title=False))
            else:
                byline.append(_byline(post, rng))
    if listing or byline:
        (folder / "dumps").mkdir(parents=True, exist_ok=True)
    for name, chunks in (("listing", listing), ("byline", byline)):
        for start in range(0, len(chunks), 10):
            body = "".join(chunks[start:start + 10]) + ("最近评论\n" if name == "byline" else "")
            (folder / "dumps" / f"{name}_{start // 10:05d}.txt").write_text(body, encoding="utf-8")
            stats["files"] += 1
    return stats


def _formulas_in(nodes: list[tuple]) -> int:
    count = 0
    for node in nodes:
        if node[0] == "p":
            count += sum(1 if part[0] == "d" else sum(s[0] == "m" for s in part[1]) for part in node[1])
        elif node[0] == "quote":
            count += sum(s[0] == "m" for item in node[1] for s in item)
        elif node[0] == "table":
            count += sum(s[0] == "m" for row in node[1] for cell in row for s in cell)
        elif node[0] == "dd":
            count += 1
    return count
