"""The fast text rule (builder.inline.fast_text) gives the tokens markdown-it's own rules give.

Both parsers it serves are compared with their stock twins: the dialect's (every later
stage reads blocks with it) and the converter pages' (the article reader).  Inputs: the
crafted pages and dumps of the fixtures, strings made of the characters every rule
reacts to, and random strings of those characters.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from markdown_it.token import Token

from builder import inline
from builder.readers import article_md

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLES = Path(__file__).resolve().parent.parent.parent / "shared" / "samples" / "pages"

CRAFTED = [
    r"a\_b \$x\$ $x_1^2$ **b** [l](http://x) \` é",
    r"\\frac\{a\}\{b\} p(z\|x) x\_t \*not emphasis\*",
    "two spaces  \nhard break, backslash\\\nbreak, trailing space \nsoft",
    r"[label \] still label](<http://a b> 'title') ![alt \[x\]](img.png) [^1] ^[inline note]",
    r"`code \* span` \`not code\` ``a ` b`` <http://auto.link/x_y> <not a link> &amp; &#35; & &= \&",
    r"$$a \\ b$$ $a$b $ a $ 1$ 2$ \\$x$ \$ $$ $\$$",
    r"*em _nested_* __strong__ ***both*** a*b*c 中文*强调*文字 _a_b",
    "\\", "\\\n", "a\\", "[", "]", "![", "^[", "[^", "$", "$$", "&", "<", "`", "*", "_", "~~x~~",
    "x" + "\\_" * 500 + "[" * 40 + "]" * 40,
    r"\begin\{aligned\} a &= b \\\\ &\geq c \end\{aligned\} \{ \} \# \% \+ \- \= \: \@ \> \~",
    "行内 $x$，中文标点：「引号」（括号）\u3000全角空格 \ufffd \x00",
]
ALPHABET = list("\\`*_[]()!<>&$~^#%+-=:@{}|\"' \n\tax中1.;") + ["\\\\", "\\_", "\\*", "\\[", "\\]", "\\$",
                                                                 "](", "![", "^[", "[^", "$$", "&amp;", "<http://x>"]


def _flat(tokens: list[Token]) -> list[tuple]:
    """Everything a stage may read of a token.  A text token's markup and info are left out: markdown-it
    keeps there the escape an escaped character came from, which no stage reads."""
    out: list[tuple] = []
    for t in tokens:
        text = t.type == "text"
        out.append((t.type, t.content, t.map, "" if text else t.markup, "" if text else t.info,
                    sorted(t.attrs.items()), t.level, t.nesting, t.meta, t.block, t.hidden))
        if t.children:
            out.append(tuple(_flat(t.children)))
    return out


def _random_strings(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 60))) for _ in range(n)]


def _pages() -> list[str]:
    files = [p for folder in (FIXTURES / "article_md", FIXTURES / "pages", FIXTURES / "pages_text",
                              FIXTURES / "hostile", FIXTURES / "formats")
             for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix in (".txt", ".md")]
    assert len(files) >= 10, "the fixtures' pages are missing"
    return [p.read_text(encoding="utf-8", errors="replace") for p in files]


@pytest.mark.parametrize("text", CRAFTED)
def test_dialect_parser_gives_the_stock_tokens(text: str) -> None:
    fast, stock = inline._parser(), inline.stock_parser()
    assert _flat(fast.parseInline(text)) == _flat(stock.parseInline(text))
    assert _flat(fast.parse(text)) == _flat(stock.parse(text))


def test_dialect_parser_gives_the_stock_tokens_on_random_strings() -> None:
    fast, stock = inline._parser(), inline.stock_parser()
    for text in _random_strings(3000, 7):
        assert _flat(fast.parseInline(text)) == _flat(stock.parseInline(text)), text


def test_page_parser_gives_the_stock_tokens_on_pages_and_hostile_strings() -> None:
    fast, stock = article_md.page_parser(), article_md.page_parser(stock=True)
    texts = _pages() + CRAFTED + _random_strings(3000, 11)
    if SAMPLES.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.iterdir()) if p.is_file()]
    for text in texts:
        assert _flat(fast.parse(text)) == _flat(stock.parse(text)), text[:200]


def test_a_rule_left_out_of_the_stops_changes_tokens() -> None:
    """The comparison can fail: without '*' among the stops, emphasis is never seen."""
    broken = inline.fast_text(inline.stock_parser(), inline.DIALECT_STOPS.replace("*", ""))
    text = "a **b** c"
    assert _flat(broken.parseInline(text)) != _flat(inline.stock_parser().parseInline(text))


def test_text_without_markup_is_one_text_token_as_markdown_it_says() -> None:
    """inline.parse skips the parser for text none of whose characters a rule reacts to."""
    rng = random.Random(5)
    letters = list("ab 中文，。\t\u3000\u00a0\ufffd.;:{}()=+-#%@'\"^|/") + ["\r", "\x00", "\n", "\\", "$", "&", "*"]
    stock = inline.stock_parser()
    for _ in range(3000):
        text = "".join(rng.choice(letters) for _ in range(rng.randint(1, 30)))
        tokens = stock.parseInline(text)[0].children or []
        assert inline.parse(text) == tuple(inline.Tok(t.type, t.content, {k: str(v) for k, v in t.attrs.items()
                                                                        if k in ("href", "src")})
                                           for t in tokens), repr(text)
