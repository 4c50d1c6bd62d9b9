"""Formulas kept exactly, text kept literal, bad layouts normalised."""

from __future__ import annotations

import markdown
import pytest

from builder.mathtext import escape_text, formulas, paragraph_markdown, split_math

EXTENSIONS = ["pymdownx.arithmatex", "pymdownx.escapeall", "md_in_html", "toc"]
CONFIG = {"pymdownx.arithmatex": {"generic": True, "smart_dollar": False, "inline_syntax": ["dollar"],
                                  "block_syntax": ["dollar", "begin"]},
          "pymdownx.escapeall": {"hardbreak": False, "nbsp": False}}


def to_html(text: str) -> str:
    return markdown.markdown(paragraph_markdown(split_math(text)[0]), extensions=EXTENSIONS,
                             extension_configs=CONFIG)


def test_glued_display_math_stands_alone():
    html = to_html("有一个展示公式:$$\\int_0^1 x\\,dx$$紧接着文字。")
    assert '<div class="arithmatex">\\[\n\\int_0^1 x\\,dx\n\\]</div>' in html
    assert "$" not in html


def test_equation_glued_to_text_and_bare_eqref():
    html = to_html("见\\eqref{eq:a},\\begin{equation}a=b\\label{eq:a}\\end{equation}后文")
    assert '<span class="arithmatex">\\(\\eqref{eq:a}\\)</span>' in html
    assert "\\begin{equation}a=b\\label{eq:a}\\end{equation}" in html
    assert html.count('class="arithmatex"') == 2


@pytest.mark.parametrize("tex", ["\\boldsymbol{x}_t", "\\mathcal{L}", "a\\Vert b", "\\iint f", "x\\tag{22}",
                                 "\\frac{1}{\\sqrt{2\\pi \\alpha T}}"])
def test_formulas_pass_unchanged(tex):
    segments, issues = split_math(f"前${tex}$后")
    assert formulas(segments) == [tex] and not issues


def test_markup_in_text_stays_text():
    hostile = "<script>alert(1)</script> <img src=x onerror=alert(2)> [a](javascript:alert(3)) {{ x }} {% y %}"
    html = to_html(hostile)
    assert "<script" not in html and "<img" not in html and "href" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ x }} {% y %}" in html


@pytest.mark.parametrize("line", ["# 不是标题", "---", "!!! note", "1. 不是列表", "> 不是引用", "* 不是列表",
                                  "    缩进", "| a | b |", "```"])
def test_markdown_syntax_at_line_start_is_literal(line):
    html = to_html(line)
    assert html.startswith("<p>") and html.endswith("</p>")


def test_unbalanced_dollar_is_reported_and_shown():
    segments, issues = split_math("只有一个美元符号$在这里。")
    assert [i.message for i in issues] == ["unbalanced '$': shown as text"]
    assert "$" in to_html("只有一个美元符号$在这里。")


def test_escaped_dollar_is_text():
    html = to_html("价格是\\$5。")
    assert "arithmatex" not in html and "$5" in html


def test_math_content_is_escaped_html():
    html = to_html("$a<b</span><script>x</script>$")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_urls_become_links_only_for_http():
    out = escape_text("见 https://github.com/a/b_c 与 javascript:alert(1)")
    assert "<https://github.com/a/b_c>" in out
    assert "javascript\\:alert\\(1\\)" in out
