"""Formulas kept exactly, text kept literal, bad layouts normalised."""

from __future__ import annotations

import random
import re

import markdown
import pytest

from builder.escape import md_text as escape_text
from builder.mathtext import MAX_CLOSERS, Closers, Segment, _tokens, formulas, paragraph_markdown, split_math

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


# --- Linear time on hostile input, the same output as before on any input -----------------------------------

# The tokenizer split_math used before it was made linear: one regex alternation, which searched to the end
# of the paragraph for every opener without a closer.  It is the specification the linear one must meet.
# Any environment name, as MathJax's processEnvironments takes \begin{array} or \begin{cases} outside delimiters too.
_ENVS = r"[A-Za-z]{1,30}\*?"
_NAMES = ["equation", "align", "gather", "multline", "eqnarray", "alignat", "flalign", "array", "cases", "x"]
REFERENCE = re.compile(
    r"(?P<dd>\$\$(?P<dd_body>.+?)\$\$)"
    rf"|(?P<env>\\begin\{{(?P<env_name>{_ENVS})\}}(?P<env_body>.*?)\\end\{{(?P=env_name)\}})"
    r"|(?P<brk>\\\[(?P<brk_body>.+?)\\\])"
    r"|(?P<par>\\\((?P<par_body>.+?)\\\))"
    r"|(?P<esc>\\\$)"
    r"|(?P<d>\$(?P<d_body>(?:\\.|[^$\\])+?)\$)"
    r"|(?P<ref>\\(?:eq)?ref\{[^{}$]*\})"
    r"|(?P<lone>\$|\\begin\{[^}]*\}|\\end\{[^}]*\})",
    re.S,
)


def reference_tokens(text: str) -> list[tuple[str, int, int, str]]:
    out = []
    for m in REFERENCE.finditer(text):
        kind = m.lastgroup
        body = m.group(f"{kind}_body") if kind in ("dd", "brk", "par", "d") else m.group()
        out.append((kind, m.start(), m.end(), body))
    return out


def tokens(text: str) -> tuple[list[tuple[str, int, int, str]], int]:
    closers = Closers(text)
    return list(_tokens(text, closers)), closers.scanned


PIECES = ["$", "$", "$$", "\\", "\\\\", "\\[", "\\]", "\\(", "\\)", "\\begin{equation}", "\\end{equation}",
          "\\begin{equation*}", "\\end{equation*}", "\\begin{align}", "\\end{align}", "\\begin{alignat}",
          "\\end{alignat}", "\\begin{x}", "\\begin{", "\\end{", "\\ref{a}", "\\eqref{", "\\ref{", "{", "}", "x",
          "中文字", "\n", " ", "\\$", "a"]


def _depth_at_end(tex: str) -> int:
    """Brace depth at the end of a TeX text, as MathJax's finder counts it (a '}' at depth 0 is ignored)."""
    depth = 0
    for m in re.finditer(r"\\.|[{}]", tex, re.S):
        depth += 1 if m.group() == "{" else -1 if m.group() == "}" and depth else 0
    return depth


def _balanced(tex: str) -> bool:
    depth = 0
    for m in re.finditer(r"\\.|[{}]", tex, re.S):
        depth += {"{": 1, "}": -1}.get(m.group(), 0)
        if depth < 0:
            return False
    return depth == 0


def test_tokens_agree_with_the_reference_on_random_text():
    """Where no $…$ of the reference has unbalanced braces, the rules agree; elsewhere a '$' inside braces
    does not close the formula (MathJax's rule), and the formula then ends at a '$' outside them."""
    rng = random.Random(11)
    same = 0
    for _ in range(20_000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 16)))
        found, expected = tokens(text)[0], reference_tokens(text)
        if all(_balanced(body) for kind, _, _, body in expected if kind == "d"):
            assert found == expected, text
            same += 1
        for kind, start, end, body in found:
            if kind == "d" and (kind, start, end, body) not in expected:
                before_inner = re.match(r"(?:\\.|[^$\\])*", body, re.S).group()  # up to its first inner '$'
                assert _depth_at_end(body) == 0 and not _balanced(before_inner), text
    assert same > 15_000


def test_tokens_agree_with_the_reference_on_the_real_archive(real):
    blocks = [b.text for e in real.entries for b in e.blocks]
    assert sum("$" in t for t in blocks) > 10
    for text in blocks:
        assert tokens(text)[0] == reference_tokens(text), text


HOSTILE = {
    "unclosed environment": "\\begin{equation}x",
    "unclosed brackets and dollars": "\\[x\\(y$$z\\begin{w",
    "unclosed end": "\\end{equation*}x\\end{x",
    "escaped dollars after one": "$a\\$",
    "references without a brace": "\\ref{x\\eqref{y",
    "environments of every name": "".join(f"\\begin{{{n}{star}}}x" for n in _NAMES
                                          for star in ("", "*")),
}


@pytest.mark.parametrize("unit", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_paragraphs_are_scanned_a_bounded_number_of_times(unit):
    assert tokens(unit * 20)[0] == reference_tokens(unit * 20)
    small, large = unit * 200, unit * 800
    _, scanned_small = tokens(small)
    _, scanned_large = tokens(large)
    # Each kind of closer (at most MAX_CLOSERS of them: environments, $$, \], \), }; and the end of $…$)
    # is searched for at most once over any stretch of text, however many openers there are.
    bound = MAX_CLOSERS + 1
    assert scanned_small <= bound * len(small) and scanned_large <= bound * len(large)
    assert scanned_large <= 4.5 * scanned_small


def test_a_dollar_inside_braces_does_not_end_the_formula():
    """MathJax's finder reads on past a '$' inside braces: ``\\text{当$x>0$时}`` is text inside one formula,
    which the later '$' parsers (the dialect's, arithmatex's) read as ``\\(…\\)``."""
    segments, issues = split_math("分段$f = \\begin{cases}1, & \\text{当$x>0$时} \\\\ 0\\end{cases}$完。")
    assert segments == [Segment("text", "分段"),
                        Segment("inline", "f = \\begin{cases}1, & \\text{当\\(x>0\\)时} \\\\ 0\\end{cases}"),
                        Segment("text", "完。")] and issues == []
    segments, issues = split_math("$x^{2$ 和 $y$")  # no '$' outside braces closes it: the first '$' does
    assert [s.value for s in segments] == ["x^{2", " 和 ", "y"] and issues


def test_dollars_inside_unclosed_braces_cost_linear_time():
    small, large = "${a$" * 2_000, "${a$" * 8_000
    assert tokens(large)[1] <= 4.5 * tokens(small)[1]
    assert [t[3] for t in tokens(large)[0]] == ["{a"] * 8_000


def test_a_long_hostile_paragraph_is_text_with_one_issue_per_opener():
    n = 20_000  # 340,000 characters: seconds for a quadratic tokenizer, milliseconds for this one
    segments, issues = split_math("前" + "\\begin{equation}x" * n)
    assert segments == [Segment("text", "前" + "\\begin{equation}x" * n)]
    assert len(issues) == n and issues[-1].offset == 1 + 17 * (n - 1)
    segments, issues = split_math("\\[x\\(y\\ref{z" * n)
    assert segments == [Segment("text", "\\[x\\(y\\ref{z" * n)] and issues == []


def test_a_thousand_differently_named_environments_cost_linear_time():
    small = "".join(f"\\begin{{e{k}}}x" for k in range(200))
    large = "".join(f"\\begin{{e{k}}}x" for k in range(800))
    assert tokens(large)[1] <= 4.5 * tokens(small)[1]
    segments, issues = split_math(large)
    assert [s.kind for s in segments] == ["text"] and len(issues) == 800


def test_any_environment_is_display_math_and_a_run_of_dollars_is_text():
    segments, _ = split_math("表格\\begin{array}{c|c}a & b\\end{array}之后")
    assert [s.kind for s in segments] == ["text", "display", "text"]
    segments, issues = split_math("价格是$$$$$$")
    assert [s.kind for s in segments] == ["text"] and "".join(s.value for s in segments) == "价格是$$$$$$"
    assert issues
