"""The one escaping rule: how untrusted text reaches the site, channel by channel.

Archive text, translations and editorial strings are *text*: whatever they
contain must show as typed and never become markup, a link or a script.  The
builder emits two kinds of output, and each has exactly one function here:

* Markdown that mkdocs renders (paragraphs, headings, list items, link texts,
  table cells, and inline HTML tags inside those, whose content Markdown still
  parses): :func:`md_text`.  Every ASCII punctuation character is
  backslash-escaped; ``pymdownx.escapeall`` makes each escape legal, so ``#``,
  ``[x](javascript:…)``, ``<script>``, ``{{ … }}`` and ``!!!`` come out literal,
  and Markdown itself HTML-escapes the result.
* HTML that the builder writes itself (block-level tags Markdown passes
  through, attribute values) and metadata the theme prints into HTML as it is
  (``title``, ``description``, navigation titles; mkdocs treats titles as
  HTML): :func:`html_text`.

Formulas are the third channel; they keep their TeX (pymdownx.arithmatex
escapes it for HTML) and MathJax runs with its ``ui/safe`` filter.  Structured
data goes out through :func:`json_ld` and :func:`front_matter`, which cannot
be broken out of whatever the values hold.

Nothing is escaped twice: stages before rendering keep plain text; only the
renderer calls these functions, once per value, at the point where the value
meets its channel.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

_ASCII_PUNCT = re.compile(r"[!-/:-@\[-`{-~]")


def _punct(text: str) -> str:
    """Every ASCII punctuation character backslash-escaped."""
    return _ASCII_PUNCT.sub(lambda m: "\\" + m.group(), text)


# http(s) URLs in running text become links.  Brackets are left out: outside an
# IPv6 host they are never part of a URL, and a scraped `[url](url)` must not
# turn into one URL that mkdocs' link checker cannot parse.
_URL = re.compile(r"https?://[^\s<>\"'`，。；：！？、（）《》“”‘’,;{}|\\^\[\]]+", re.I)
_URL_TRAIL = ".:!?)"
_SAFE_SCHEMES = ("http://", "https://")


def _trimmed(url: str) -> str:
    """A URL found in text without the sentence's punctuation after it.

    A closing parenthesis stays when it closes one the URL opened (``…/wiki/Gamma_(function)``), as
    in GitHub's autolinks; otherwise it is the text's (``(见 https://…)``).
    """
    end, unclosed = len(url), url.count("(") - url.count(")")
    while end and url[end - 1] in _URL_TRAIL:
        if url[end - 1] == ")":
            if unclosed >= 0:
                break
            unclosed += 1
        end -= 1
    return url[:end]


def md_text(text: str, autolink: bool = True) -> str:
    """Literal text in a Markdown context; http(s) URLs become autolinks (unless inside a link already)."""
    if not autolink:
        return " ".join(_punct(text).splitlines())
    out = []
    pos = 0
    for m in _URL.finditer(text):
        url = _trimmed(m.group())
        if len(url) <= len("https://"):
            continue
        out.append(_punct(text[pos:m.start()]))
        out.append(f"<{url}>")
        pos = m.start() + len(url)
    out.append(_punct(text[pos:]))
    return " ".join("".join(out).splitlines())


# Characters that Markdown's and arithmatex's inline patterns read even inside an HTML tag written into Markdown
# (they run before the tag is set aside): a '$' in an href became a formula.  As references they are plain text.
_READ_IN_TAGS = str.maketrans({"$": "&#36;", "\\": "&#92;", "`": "&#96;"})


def html_text(text: str) -> str:
    """Literal text in HTML: element content or a double-quoted attribute value, also inside Markdown."""
    return html.escape(text, quote=True).translate(_READ_IN_TAGS)


def safe_href(url: str | None) -> str | None:
    """An http(s) URL as it may stand in an ``href``, or None: no javascript:, data: or relative tricks."""
    if not url:
        return None
    url = url.strip()
    if not url.lower().startswith(_SAFE_SCHEMES) or any(ch.isspace() or ch in "<>\"'`" for ch in url):
        return None
    return url


def json_ld(data: dict[str, Any]) -> str:
    """JSON for a ``<script type="application/ld+json">``: no value can close the script or start a comment."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for ch in "<>&\u2028\u2029":
        text = text.replace(ch, f"\\u{ord(ch):04x}")
    return text


# What YAML (and so mkdocs' front matter reader) refuses in a stream; the same
# set as PyYAML's reader.  JSON leaves these raw when ensure_ascii is off.
_YAML_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


_SURROGATE = re.compile("[\ud800-\udfff]")


class FrontMatterError(ValueError):
    """Front matter that YAML would not read back: a bug in the builder, never in the input."""


def front_matter(meta: dict[str, Any]) -> str:
    """Metadata as one line of JSON between ``---`` fences: YAML reads JSON as it is.

    Every character YAML would refuse, and the ones YAML 1.1 reads as line
    breaks (U+0085, U+2028, U+2029), is written as a ``\\u`` escape; the result
    is then checked, so a page can never lose its front matter and fall back to
    being read as Markdown with raw HTML in it.
    """
    text = _SURROGATE.sub("\ufffd", json.dumps(meta, ensure_ascii=False, sort_keys=True))
    text = _YAML_NON_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    for ch in ("\x85", "\u2028", "\u2029"):
        text = text.replace(ch, f"\\u{ord(ch):04x}")
    if "\n" in text or "\r" in text or _YAML_NON_PRINTABLE.search(text):
        raise FrontMatterError("front matter would not parse")
    return "---\n" + text + "\n---\n\n"
