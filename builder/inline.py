"""The canonical inline Markdown of article blocks: written by the article reader, read by everything after.

An article's paragraph, heading, list item, quote or table cell is stored as
one string in a small, fixed dialect: CommonMark inline syntax (emphasis, code
spans, links, images, hard breaks) plus ``$…$`` / ``$$…$$`` formulas whose TeX
is raw, as translators write it.  Raw HTML is off: ``<script>`` in a block is
text.  The reader writes the dialect with :func:`escape`, :func:`math`,
:func:`code_span`, :func:`link` and :func:`image`; every later stage reads it
with :func:`parse` (one markdown-it parser, configured once here), so reading
and writing cannot drift apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin

# Characters that can open inline syntax anywhere in a line.  Block syntax never
# applies: units are parsed with parseInline, so '#', '>' or '1.' at a line start stay text.
_SPECIAL = re.compile(r"([\\`*_\[\]<$~])")
_ENTITY = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
_BACKTICKS = re.compile(r"`+")


# CommonMark's escapable characters: ASCII punctuation.
_ESCAPABLE = r"""!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~"""
_UNESCAPE = re.compile(r"\\([" + _ESCAPABLE + r"])")


def _unescaped(m: re.Match[str]) -> str:
    return m.group(1)


def fast_text(md: MarkdownIt, stops: str) -> MarkdownIt:
    """``md`` with a text rule that stops only at ``stops`` and reads escaped punctuation as text itself.

    Why: markdown-it's own text rule stops at every character any plugin might want
    (``{ } - + = :`` …), and each ``\\x`` takes a trip through the escape rule.  A
    scraped page escapes nearly every character of its TeX, so most of the parse was
    spent one character at a time.  ``stops`` must hold every character at which a rule
    enabled in ``md`` can start, or that a rule scans for (``]`` ends a link label);
    then the tokens are the same as with the stock rule (the escaped characters land in
    the text token that markdown-it's text_join would have merged them into; the
    tests compare both parsers).  A backslash before anything else (a line end: a hard
    break) is still the escape rule's.
    """
    run = re.compile(r"(?:[^" + re.escape(stops) + r"]|\\[" + _ESCAPABLE + r"])+")

    def text(state: StateInline, silent: bool) -> bool:
        found = run.match(state.src, state.pos, state.posMax)
        if found is None:
            return False
        if not silent:
            chunk = found.group()
            state.append_pending(_UNESCAPE.sub(_unescaped, chunk) if "\\" in chunk else chunk)
        state.pos = found.end()
        return True

    md.inline.ruler.at("text", text)
    return md


# Where the dialect parser's rules start: line ends, escapes, code spans, emphasis, links and
# images, autolinks, entities, formulas (strikethrough is off in CommonMark; '~' costs nothing).
DIALECT_STOPS = "\n\\`*_[]!<&$~"


# Characters that can make a text more than one text token: the stops, and what markdown-it
# normalises before parsing (CR line ends, NUL).
_MARKUP = re.compile("[" + re.escape(DIALECT_STOPS) + "\r\x00]")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return fast_text(stock_parser(), DIALECT_STOPS)


def stock_parser() -> MarkdownIt:
    """The dialect's parser with markdown-it's own text rule: what :func:`fast_text` must agree with."""
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).use(
        dollarmath_plugin, allow_space=True, allow_digits=True, double_inline=True, allow_labels=False)


@dataclass(frozen=True, slots=True)
class Tok:
    """One inline token, as much of markdown-it's Token as the stages read (and small enough to cache)."""

    type: str
    content: str = ""
    attrs: Mapping[str, str] = field(default_factory=dict)


PARSED_CACHE = 50_000  # block texts: a run parses each block's text for merge, numbering, both editions' pages


@lru_cache(maxsize=PARSED_CACHE)
def parse(text: str) -> tuple[Tok, ...]:
    """The inline tokens of one block's text (flat: link_open … link_close, strong_open … strong_close).

    Cached: the stages after reading ask for the same block's tokens several times (merge keys,
    equation numbers, each edition's page), and markdown-it is the builder's largest cost.
    """
    if not text:
        return ()
    if _MARKUP.search(text) is None:  # nothing any rule reacts to: markdown-it would give this one text token
        return (Tok("text", text),)
    tokens: list[Token] = _parser().parseInline(text)
    children = tokens[0].children or [] if tokens else []
    return tuple(Tok(t.type, t.content, {k: str(v) for k, v in t.attrs.items() if k in ("href", "src")})
                 for t in children)


def formulas_in(text: str) -> list[str]:
    """The TeX of every formula in a text of the dialect, in order ("$" opens each: without one, no parse)."""
    if "$" not in text:
        return []
    return [t.content for t in parse(text) if t.type in ("math_inline", "math_inline_double")]


def escape(text: str) -> str:
    """Literal text in the dialect: nothing in it can open syntax or a formula."""
    return _ENTITY.sub("\\&", _SPECIAL.sub(r"\\\1", text))


def math(tex: str, display: bool = False) -> str:
    """A formula in the dialect.  ``$`` cannot occur unescaped in TeX that the math splitter found."""
    fence = "$$" if display else "$"
    return f"{fence}{tex}{fence}"


def code_span(code: str) -> str:
    """A code span whose fence is longer than any run of backticks inside it."""
    longest = max((len(m.group()) for m in _BACKTICKS.finditer(code)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if code.startswith("`") or code.endswith("`") or not code.strip() else ""
    return f"{fence}{pad}{code}{pad}{fence}"


def _destination(url: str) -> str:
    return "<" + "".join(f"%{ord(ch):02X}" if ch in "<>\\" or ch.isspace() else ch for ch in url) + ">"


def link(label: str, url: str) -> str:
    """A link; ``label`` is already in the dialect."""
    return f"[{label}]({_destination(url)})"


def image(alt: str, url: str) -> str:
    return f"![{escape(alt)}]({_destination(url)})"


@lru_cache(maxsize=PARSED_CACHE)
def plain(text: str) -> str:
    """What a reader sees of a block, as text: link labels and image alts, formulas as ``$…$``.

    The key that ties a block to its translation and an excerpt's paragraph to
    the full page's: both are compared in this form, whatever markup they carry.
    """
    out: list[str] = []
    for tok in parse(text):
        if tok.type == "text":
            out.append(tok.content)
        elif tok.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif tok.type == "math_inline":
            out.append(f"${tok.content}$")
        elif tok.type == "math_inline_double":
            out.append(f"$${tok.content}$$")
        elif tok.type == "code_inline":
            out.append(tok.content)
        elif tok.type == "image":
            out.append(tok.content)
    return "".join(out)


def fold(text: str) -> str:
    """Compatibility form for matching: NFKC, no white space at all (scrapes add spaces around links)."""
    return "".join(unicodedata.normalize("NFKC", text).split())
