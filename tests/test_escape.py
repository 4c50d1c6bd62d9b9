"""The one escaping rule, checked against the Markdown the site really runs and the YAML mkdocs really reads."""

from __future__ import annotations

import importlib
import json
import re
from html.parser import HTMLParser

import markdown
import pytest
import yaml
from mkdocs.utils import meta

from builder.escape import front_matter, html_text, json_ld, md_text, safe_href
from builder.texsafety import BUNDLED_EXTENSIONS, unsafe_tex
from tests.conftest import ROOT

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "[click](javascript:alert(3))",
    "![x](data:image/svg+xml,<svg onload=alert(4)>)",
    "<plaintext>",
    "{{ config.site_name }} {% include 'x' %}",
    "# not a heading",
    "!!! note \"not an admonition\"",
    "1. not a list",
    "---",
    "a | b | c",
    "*not emphasis* _nor this_ `nor code`",
    "&lt; stays &amp; as typed",
    "back\\slash \\( not math \\)",
    "<mailto:x@evil.example> <ftp://evil.example/>",
    "[[wiki]] ^sup^ ~~del~~ ==mark==",
]


def _site_markdown() -> markdown.Markdown:
    """Python-Markdown configured exactly as mkdocs.yml configures it."""

    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_multi_constructor("!", lambda loader, suffix, node: None)

    def apply(loader: yaml.SafeLoader, suffix: str, node: yaml.MappingNode) -> object:  # our own file: trusted
        module, name = suffix.rsplit(".", 1)
        return getattr(importlib.import_module(module), name)(**loader.construct_mapping(node, deep=True)["kwds"])

    _Loader.add_multi_constructor("tag:yaml.org,2002:python/object/apply:", apply)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    names, configs = [], {}
    for item in config["markdown_extensions"]:
        if isinstance(item, dict):
            (name, options), = item.items()
            names.append(name)
            configs[name] = options or {}
        else:
            names.append(item)
    return markdown.Markdown(extensions=names, extension_configs=configs)


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data):
        self.text.append(data)


def _parse(fragment: str) -> _Collect:
    parser = _Collect()
    parser.feed(fragment)
    parser.close()
    return parser


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_text_shows_as_typed_and_makes_no_markup(text):
    out = _site_markdown().convert(md_text(text))
    parsed = _parse(out)
    assert parsed.tags == ["p"], out  # one paragraph, nothing else: no link, image, heading, list, code
    assert parsed.attrs == []
    assert "".join(parsed.text) == text


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_text_inside_builder_inline_html_stays_text(text):
    """The cover's description and the table of contents put text into inline spans Markdown still parses."""
    out = _site_markdown().convert(f'1. [t](a.md) <span class="d">{md_text(text)}</span>')
    parsed = _parse(out)
    assert parsed.tags == ["ol", "li", "a", "span"], out
    assert [a for a in parsed.attrs if a[0] == "href"] == [("href", "a.md")]
    assert "".join(parsed.text).strip() == "t " + text


def test_urls_in_text_become_links_but_only_http():
    out = _site_markdown().convert(md_text("见 https://github.com/a/b_c 与 javascript:alert(1)"))
    assert '<a href="https://github.com/a/b_c">' in out and 'href="javascript' not in out


def test_a_urls_own_closing_parenthesis_stays_in_the_link_and_the_texts_does_not():
    out = _site_markdown().convert(md_text("维基(https://en.wikipedia.org/wiki/Gamma_(function))。见(https://a.cn/x)。"))
    assert '<a href="https://en.wikipedia.org/wiki/Gamma_(function)">' in out
    assert '<a href="https://a.cn/x">' in out
    assert md_text("https://a.cn/" + ")" * 100_000).count("\\)") == 100_000  # every one the text's, cut in one pass


def test_an_attribute_written_into_markdown_stays_whole():
    """Arithmatex and Markdown's code and escape patterns read inside HTML tags: a '$' in an href was typeset."""
    url = "https://kexue.fm/x#a$H(X)$b\\(c\\)`d`"
    out = _site_markdown().convert(f'见<a href="{html_text(url)}">{md_text("链接")}</a>。')
    hrefs: list[str | None] = []
    parser = HTMLParser()
    parser.handle_starttag = lambda tag, attrs: hrefs.extend(v for k, v in attrs if k == "href")
    parser.feed(out)
    assert hrefs == [url] and "arithmatex" not in out and "<code>" not in out


def test_a_scraped_markdown_link_does_not_become_an_unparseable_url():
    """[url](url) in a scrape once became <http://x](http://x> and mkdocs' URL parser raised."""
    out = _site_markdown().convert(md_text("[http://deeplearning.net](http://deeplearning.net)"))
    hrefs = [v for k, v in _parse(out).attrs if k == "href"]
    assert hrefs == ["http://deeplearning.net", "http://deeplearning.net"]


@pytest.mark.parametrize("text", HOSTILE)
def test_html_text_in_element_and_attribute(text):
    parsed = _parse(f'<p title="{html_text(text)}">{html_text(text)}</p>')
    assert parsed.tags == ["p"]
    assert parsed.attrs == [("title", text)]
    assert "".join(parsed.text) == text


@pytest.mark.parametrize("url,ok", [
    ("https://kexue.fm/archives/9152", True), ("http://x.org/a?b=1&c=2", True),
    ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False), ("data:text/html,x", False),
    ("//evil.example/x", False), ("/relative", False), ('https://x.org/"onmouseover=alert(1)', False),
    ("", False), (None, False),
])
def test_only_http_links(url, ok):
    assert (safe_href(url) is not None) == ok


NASTY_VALUES = {
    "title": '"><script>alert(1)</script> \'single\' & <b>',
    "description": "noncharacters \ufffe\uffff C1 \x85\x9f lone \ud800 nul \x00 bell \x07 \u2028\u2029 tab\t",
    "fence": "---\n---\n...",
    "yaml": "key: value\n- item\n!!python/object:os.system",
    "astral": "\U0001d44e\U0001f600",
    "nested": {"list": ["\x0b", "\udfff"]},
}


def test_front_matter_always_parses_the_way_mkdocs_reads_it():
    page = front_matter(NASTY_VALUES) + "# body\n"
    body, data = meta.get_data(page)
    assert body == "# body\n"
    assert data["title"] == NASTY_VALUES["title"]
    assert data["fence"] == NASTY_VALUES["fence"] and data["yaml"] == NASTY_VALUES["yaml"]
    assert data["astral"] == NASTY_VALUES["astral"]
    # what YAML cannot carry comes back as the same code point, escaped; lone surrogates become U+FFFD
    assert data["description"].startswith("noncharacters \ufffe\uffff C1 \x85\x9f lone \ufffd")
    assert data["nested"] == {"list": ["\x0b", "\ufffd"]}


def test_json_ld_is_inert_in_a_script_and_still_json():
    value = "</script><script>alert(1)</script><!-- & \u2028"
    text = json_ld({"headline": value})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"headline": value}


def test_unsafe_tex_is_named():
    assert unsafe_tex(r"\href{javascript:alert(1)}{x}") == [
        r"\href (a link that is not http(s)): the site's MathJax drops it"]
    assert unsafe_tex(r"\href{https://kexue.fm}{x}") == []
    assert [w.split(" ")[0] for w in unsafe_tex(r"\style{position:fixed}{x}\cssId{a}{b}\class{c}{d}")] == [
        r"\style", r"\cssId", r"\class"]
    assert unsafe_tex(r"\require{ams}\require{[https://evil.example]/x}") == [
        r"\require{[https://evil.example]/x}: not bundled, refused"]
    assert len(unsafe_tex(r"\mmlToken{mi}[href='javascript:x']{m}\bbox[position:fixed]{b}\data{a=b}{c}")) == 3
    assert unsafe_tex(r"\frac{a}{b}\hrefx\bbox[red,5px]{x}") == []


def test_require_allow_list_is_the_one_mathjax_is_configured_with():
    config = (ROOT / "docs" / "assets" / "javascripts" / "mathjax-config.js").read_text(encoding="utf-8")
    block = re.search(r"allow:\s*\{([^}]*)\}", config.split("require:", 1)[1]).group(1)
    assert set(re.findall(r"(\w+):\s*true", block)) == BUNDLED_EXTENSIONS
    assert re.search(r"defaultAllow:\s*false", config)
    assert re.search(r"styles:\s*\"none\"", config) and re.search(r"javascript:\s*false", config)
