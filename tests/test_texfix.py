"""TeX as the blog meant it: MathJax 2 → 3 adaptation, preambles, equation numbers, cross-chapter links, lost `$`.

Expected values about MathJax 3 (which number a label gets, what an \\eqref links to) were observed with MathJax
3.2.2 and the site's configuration in headless Chromium; the tests pin them so the builder keeps agreeing.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from builder import texfix
from builder.mathtext import split_math
from builder.texfix import (
    Lost,
    RepeatedLabel,
    adapt,
    collect_definitions,
    definitions,
    equation_numbers,
    link_references,
    unique_labels,
)
from builder.texfix import restore_delimiters as restore
from builder.texsafety import BUNDLED_EXTENSIONS

ROOT = Path(__file__).resolve().parent.parent
BIG = 200_000


# --------------------------------------------------------------------------------------------------------------
# adapt: what needs no change


@pytest.mark.parametrize("tex", [
    r"\frac{1}{2}", r"\boldsymbol{x}_t", r"\bmod", r"\mathbb{E}_{x\sim p}", r"\text{plain words}", r"\text{其中}",
    r"\text{a \quad b \, c}", r"\text{see $x_1$ and \(y^2\)}", r"\text{\$5, \_, \{x\}}", r"\textbf{\textit{x}}",
    r"{\color{red} x}", r"\color{red}{x}", r"\frac{\color{red}{a}}{b}", r"\begin{array}{cc}\color{red}{a}&b\end{array}",
    r"\color{red}\frac{a}{b}", r"\color[rgb]{1,0,0}{x}+y", r"\DeclareMathOperator{\sgn}{sgn}\sgn x",
    r"\begin{split}a&=b\\&=c\end{split}", r"\begin{equation}\begin{aligned}a\end{aligned}\label{eq:a}\end{equation}",
    r"\begin{equation}\begin{array}{c}a\label{eq:b}\end{array}\end{equation}", r"\require{cancel}\cancel{x}",
    r"\operatorname{stop_gradient}(x)", r"\mathrm{a_b}", r"\tag{3}", r"\newcommand{\t}[1]{\text{#1}}\t{a}",
    r"\text{a_b", r"\begin{aligned}a\label{x}", "", "x % a comment with \\text{a_b} braces {",
])
def test_tex_that_works_in_mathjax3_is_returned_unchanged(tex):
    out, notes = adapt(tex)
    assert out == tex
    assert notes == []


def test_no_hint_returns_the_same_object():
    tex = r"\sum_{i=1}^n x_i"
    assert adapt(tex)[0] is tex


# --------------------------------------------------------------------------------------------------------------
# adapt: text mode


@pytest.mark.parametrize(("command", "prefix"), [
    ("text", ""), ("textrm", ""), ("textbf", ""), ("textit", ""), ("textsf", ""), ("texttt", ""), ("textnormal", ""),
    ("textup", ""), ("mbox", ""), ("hbox", ""), ("fbox", ""), ("tag", ""), ("tag*", ""), ("colorbox", "{red}"),
    ("fcolorbox", "{red}{blue}"),
])
def test_underscore_in_every_text_command(command, prefix):
    out, notes = adapt(f"\\{command}{prefix}{{stop_gradient}}")
    assert out == f"\\{command}{prefix}{{stop\\_gradient}}"
    assert notes == [texfix.NOTE_TEXT]


@pytest.mark.parametrize(("char", "escaped"), [
    ("_", r"\_"), ("&", r"\&"), ("#", r"\#"), ("%", r"\%"), ("^", r"\unicode{x5E}"),
])
def test_characters_mathjax3_rejects_in_text(char, escaped):
    assert adapt(f"\\text{{a{char}b}}")[0] == f"\\text{{a{escaped}b}}"


def test_percent_no_longer_swallows_the_rest_of_the_line():
    assert adapt(r"\text{50% off} + y")[0] == r"\text{50\% off} + y"


def test_math_macros_in_text_show_as_typed_as_in_mathjax2():
    assert adapt(r"\text{where \alpha is}")[0] == r"\text{where \\alpha is}"
    assert adapt(r"\text{\|\/}")[0] == r"\text{\\|\\/}"


def test_text_macros_mathjax3_knows_stay():
    tex = r"\text{a\quad b\,c \textbf{d} \emph{e} \S \$ \{ \} \ref{x} \eqref{y_z} \color{red}r \hspace{1em}}"
    assert adapt(tex)[0] == tex


def test_nested_text_commands_are_fixed_inside():
    assert adapt(r"\text{x \textbf{y_z}}")[0] == r"\text{x \textbf{y\_z}}"


def test_math_inside_text_is_math_and_adapted_as_math():
    out = adapt(r"\text{where $x_1$, \(\bm{y}^2\) and $\text{a_b}$}")[0]
    assert out == r"\text{where $x_1$, \(\boldsymbol{y}^2\) and $\text{a\_b}$}"


def test_macro_parameters_in_a_definition_body_stay():
    assert adapt(r"\newcommand{\t}[2]{\text{#1 and #2_x}}")[0] == r"\newcommand{\t}[2]{\text{#1 and #2\_x}}"
    assert adapt(r"\text{issue #1}")[0] == r"\text{issue \#1}"


def test_tag_text_is_fixed():
    assert adapt(r"\begin{equation}x\tag{a_1}\end{equation}")[0] == r"\begin{equation}x\tag{a\_1}\end{equation}"


# --------------------------------------------------------------------------------------------------------------
# adapt: \color, \bm, \require


@pytest.mark.parametrize(("tex", "expected"), [
    (r"\color{red}{x}+y", r"{\color{red}{x}}+y"),
    (r"\color{red} {x} + y", r"{\color{red} {x}} + y"),
    (r"\color{red}x+y", r"{\color{red}x}+y"),
    (r"\color{#f00}\alpha_1", r"{\color{#f00}\alpha}_1"),
    (r"\left(\color{red}{x}\right)+y", r"\left({\color{red}{x}}\right)+y"),  # \right would turn red too
    (r"a\color{red}{x}\color{blue}{y}z", r"a{\color{red}{x}}{\color{blue}{y}}z"),
    (r"\color{red}{\color{blue}{x}y}z", r"{\color{red}{{\color{blue}{x}}y}}z"),
])
def test_mathjax2_color_is_scoped_to_its_argument(tex, expected):
    out, notes = adapt(tex)
    assert out == expected
    assert notes == [texfix.NOTE_COLOR]


@pytest.mark.parametrize("tex", [r"\color{red}{x}", r"{\color{red}{x}}+y", r"\color{red}{a}&b", r"\color{red}{a}\\b",
                                 r"\color{red}{a} \cr b", r"\color{red}", r"x\color{red}}", r"\color{red}{x"])
def test_color_whose_scope_already_ends_is_left(tex):
    assert adapt(tex)[0] == tex


def test_bm_becomes_boldsymbol_unless_the_formula_defines_it():
    assert adapt(r"\bm{x}+\bm\alpha")[0] == r"\boldsymbol{x}+\boldsymbol\alpha"
    assert adapt(r"\bm{x}")[1] == [texfix.NOTE_BM]
    for defined in (r"\newcommand{\bm}[1]{\mathbf{#1}}\bm{x}", r"\def\bm{\mathbf}\bm x", r"\let\bm\mathbf \bm x"):
        assert adapt(defined)[0] == defined


@pytest.mark.parametrize(("tex", "expected"), [
    (r"\require{AMSmath}x", r"\require{ams}x"), (r"\require{AMSsymbols}", r"\require{ams}"),
    (r"\require{ HTML }", r"\require{html}"), (r"\require{noErrors}", r"\require{noerrors}"),
    (r"\require{noUndefined}", r"\require{noundefined}"), (r"\require{AMScd}", r"\require{amscd}"),
    (r"\require{mathchoice}x", "x"), (r"\require{begingroup}x", r"\require{begingroup}x"),
])
def test_mathjax2_require_names(tex, expected):
    assert adapt(tex)[0] == expected


def test_renamed_extensions_are_ones_the_site_allows():
    assert set(texfix._REQUIRE_RENAMED.values()) <= BUNDLED_EXTENSIONS


# --------------------------------------------------------------------------------------------------------------
# adapt: \label, \tag, \nonumber out of aligned-like environments


@pytest.mark.parametrize("env", ["aligned", "split", "gathered", "alignedat", "lgathered", "rgathered"])
def test_label_moves_out_of_environments_that_drop_it(env):
    arg = "{1}" if env == "alignedat" else ""
    tex = rf"\begin{{equation}}\begin{{{env}}}{arg}a\label{{eq:x}}\\b\end{{{env}}}\end{{equation}}"
    out, notes = adapt(tex)
    assert out == rf"\begin{{equation}}\begin{{{env}}}{arg}a\\b\end{{{env}}}\label{{eq:x}}\end{{equation}}"
    assert notes == [texfix.NOTE_HOIST]


def test_tag_and_nonumber_move_too_and_keep_their_order():
    tex = r"\begin{equation}\begin{aligned}a\tag{x_1}\\b\nonumber\end{aligned}+c\end{equation}"
    assert adapt(tex)[0] == r"\begin{equation}\begin{aligned}a\\b\end{aligned}\tag{x\_1}\nonumber+c\end{equation}"


def test_nested_environments_move_to_the_outermost_end():
    tex = r"\begin{align}\begin{aligned}\begin{split}a\label{l}\end{split}\end{aligned}\\b\end{align}"
    assert adapt(tex)[0] == r"\begin{align}\begin{aligned}\begin{split}a\end{split}\end{aligned}\label{l}\\b\end{align}"


def test_moved_pieces_keep_their_own_adaptation():
    tex = r"\begin{equation}\begin{aligned}a\tag{$\text{x_1}$}\end{aligned}\end{equation}"
    assert adapt(tex)[0] == r"\begin{equation}\begin{aligned}a\end{aligned}\tag{$\text{x\_1}$}\end{equation}"


def test_labels_mathjax3_keeps_are_not_moved():
    for tex in (r"\begin{equation}\begin{cases}a\label{c}\end{cases}\end{equation}",
                r"\begin{equation}\begin{pmatrix}a\label{c}\end{pmatrix}\end{equation}",
                r"\begin{equation}\begin{aligned}a\end{aligned}\label{c}\end{equation}"):
        assert adapt(tex)[0] == tex


# A \tag or \label in two rows or more: the environment numbers per row (MathJax 3 allows one \tag per formula).
# Each output below was seen in Chromium with MathJax 3.2.2: no error, each row with its own tag or number.
@pytest.mark.parametrize(("tex", "expected"), [
    (r"\begin{aligned}f(x) &= x^2 \tag{a}\\ g(x) &= x^3 \tag{b}\end{aligned}",
     r"\begin{align*}f(x) &= x^2 \tag{a}\\ g(x) &= x^3 \tag{b}\end{align*}"),
    ("$$\n\\begin{aligned}a\\tag{a}\\\\b\\tag{b}\\\\\\end{aligned}\n$$",
     "$$\n\\begin{align*}a\\tag{a}\\\\b\\tag{b}\\\\\\end{align*}\n$$"),
    (r"\begin{equation*}\begin{gathered}a\tag{a}\\b\\c\tag{c}\end{gathered}\end{equation*}",
     r"\begin{gather*}a\tag{a}\\b\\c\tag{c}\end{gather*}"),
    (r"\begin{alignedat}{2}a&=b\tag{a}\\c&=d\tag{b}\end{alignedat}",
     r"\begin{alignat*}{2}a&=b\tag{a}\\c&=d\tag{b}\end{alignat*}"),
    # In a numbered equation each labelled row gets a number, the others none.
    (r"\begin{equation}\begin{aligned}a&=b\label{p}\\&=c\\&=d\label{q}\end{aligned}\end{equation}",
     r"\begin{align}a&=b\label{p}\\&=c\nonumber\\&=d\label{q}\end{align}"),
    (r" \begin{equation} \begin{split}a&=b\tag{x_1}\\&=c\label{q}\\ \end{split} \end{equation} ",
     r"  \begin{align}a&=b\tag{x\_1}\\&=c\label{q}\\ \end{align}  "),
    # What an environment inside a row drops still moves to its end, now inside the row.
    (r"\begin{equation}\begin{aligned}a\label{p}\\ \begin{split}b\label{q}\end{split}\\c\end{aligned}\end{equation}",
     r"\begin{align}a\label{p}\\ \begin{split}b\end{split}\label{q}\\c\nonumber\end{align}"),
])
def test_tags_in_several_rows_of_a_whole_display_number_each_row(tex, expected):
    out, notes = adapt(tex)
    assert out == expected
    assert texfix.NOTE_ROWS in notes
    assert adapt(out) == (out, [])


def test_rows_numbered_as_the_browser_numbers_them():
    formulas = [r"\begin{equation}\begin{aligned}a&=b\label{p}\\&=c\\&=d\label{q}\end{aligned}\end{equation}",
                r"$$\begin{aligned}a\tag{A}\label{r}\\b\tag{B}\label{s}\end{aligned}$$",
                r"\begin{equation}c\label{t}\end{equation}"]
    expected = {"p": "1", "q": "2", "r": "A", "s": "B", "t": "3"}
    assert equation_numbers(formulas) == expected
    assert equation_numbers([adapt(f)[0] for f in formulas]) == expected


def test_tags_in_several_rows_of_an_environment_inside_a_formula_keep_the_first():
    # Not the whole formula, so it cannot become align: one \tag and one \label leave it, the others go.
    tex = r"x=\left\{\begin{aligned}a\tag{a}\label{p}\\b\tag{b}\label{q}\\c\label{}\end{aligned}\right."
    out, notes = adapt(tex)
    assert out == r"x=\left\{\begin{aligned}a\\b\\c\end{aligned}\tag{a}\label{p}\label{}\right."
    assert notes == [texfix.NOTE_HOIST, texfix.NOTE_DROPPED]
    assert equation_numbers([tex]) == equation_numbers([out]) == {"p": "a"}
    tex = r"\begin{equation}x=\begin{aligned}a\label{p}\\b\label{q}\end{aligned}\end{equation}"
    out, _ = adapt(tex)
    assert out == r"\begin{equation}x=\begin{aligned}a\\b\end{aligned}\label{p}\end{equation}"
    assert equation_numbers([tex]) == equation_numbers([out]) == {"p": "1"}


def test_one_tag_in_a_whole_display_still_moves_out():
    tex = r"\begin{equation}\begin{aligned}a&=b\\&=c\label{p}\end{aligned}\end{equation}"
    assert adapt(tex) == (r"\begin{equation}\begin{aligned}a&=b\\&=c\end{aligned}\label{p}\end{equation}",
                          [texfix.NOTE_HOIST])
    tex = r"\begin{equation}\begin{aligned}a\label{p}\tag{P}\\b\nonumber\end{aligned}\end{equation}"
    assert adapt(tex)[0] == r"\begin{equation}\begin{aligned}a\\b\end{aligned}\label{p}\tag{P}\nonumber\end{equation}"


def test_unclosed_environment_keeps_everything_in_place():
    tex = r"\begin{equation}\begin{aligned}a\label{x}\tag{y_1}"
    assert adapt(tex)[0] == r"\begin{equation}\begin{aligned}a\label{x}\tag{y\_1}"


def test_one_note_per_kind():
    tex = r"\text{a_b}\text{c_d}\color{red}{x}y\color{red}{z}w\bm{v}\bm{u}"
    out, notes = adapt(tex)
    assert notes == [texfix.NOTE_TEXT, texfix.NOTE_COLOR, texfix.NOTE_BM]


# --------------------------------------------------------------------------------------------------------------
# adapt: idempotence and hostile input

PIECES = [r"\text{", r"\textbf{", r"\tag{", r"\color{red}", r"\bm", r"\require{AMSmath}", r"\begin{aligned}",
          r"\end{aligned}", r"\begin{equation}", r"\end{equation}", r"\label{x}", r"\nonumber", "{", "}", "$", r"\(",
          r"\)", "_", "^", "&", "#", "%", "#1", r"\alpha", r"\\", "\\", "a", " ", r"\newcommand{\f}[1]{", r"\frac",
          r"\left(", r"\right)", "\n", "中"]


def test_adapting_adapted_tex_changes_nothing():
    rng = random.Random(9)
    for _ in range(3000):
        tex = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 25)))
        once, _ = adapt(tex)
        assert adapt(once)[0] == once, tex


@pytest.mark.parametrize("tex", [
    "{" * BIG, "}" * BIG, "\\" * BIG, r"\text{" * (BIG // 6), "\\text{" + "a_" * (BIG // 2) + "}",
    r"\color{red}{" * (BIG // 12), r"\color" * (BIG // 6), r"\begin{aligned}\label{x}" * (BIG // 25),
    "\\text{" + "$" * BIG + "}", "\\text{" + r"\(" * (BIG // 2) + "}", r"\bm" * (BIG // 3),
    "\\text{" + "$\\text{" * (BIG // 8) + "}$" * (BIG // 8) + "}",
    r"\begin{x}" * (BIG // 18) + r"\end{y}" * (BIG // 14) + r"\text{a_b}",
    r"\begin{aligned}" + r"a\tag{a}\\" * (BIG // 10) + r"\end{aligned}",
    r"x\begin{aligned}" + r"a\tag{a}\label{b}\\" * (BIG // 18) + r"\end{aligned}",
])
def test_huge_and_unbalanced_input_is_handled(tex):
    out, _ = adapt(tex)
    assert isinstance(out, str)


def test_not_a_string_is_returned_as_is():
    assert adapt(None) == (None, [])  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------------------------
# definitions


def test_every_kind_of_definition_in_order():
    formulas = [r"\R^n", r"\newcommand{\R}{\mathbb{R}} a", r"\renewcommand\E{\mathbb{E}} \def\x#1#2{#1+#2}",
                r"\let\y=\eta \newenvironment{foo}[1][x]{\left[#1}{\right]} \DeclareMathOperator*{\argmax}{arg\,max}",
                r"\newcommand{\f}[2][0]{#1+#2}"]
    assert definitions(formulas) == " ".join([
        r"\newcommand{\R}{\mathbb{R}}", r"\renewcommand\E{\mathbb{E}}", r"\def\x#1#2{#1+#2}", r"\let\y=\eta",
        r"\newenvironment{foo}[1][x]{\left[#1}{\right]}", r"\DeclareMathOperator*{\argmax}{arg\,max}",
        r"\newcommand{\f}[2][0]{#1+#2}"])


def test_definitions_are_adapted_and_repeats_kept_once():
    formulas = [r"\newcommand{\sg}{\text{stop_gradient}}", r"\newcommand{\sg}{\text{stop_gradient}} x",
                r"\newcommand{\hl}[1]{\color{red}{#1}\,}"]
    assert definitions(formulas) == r"\newcommand{\sg}{\text{stop\_gradient}} \newcommand{\hl}[1]{{\color{red}{#1}}\,}"


def test_definition_inside_a_definition_is_part_of_it():
    tex = r"\newcommand{\outer}{\newcommand{\inner}{x}}"
    assert definitions([tex]) == tex


def test_malformed_definitions_are_left_out_with_a_note():
    preamble, notes = collect_definitions([r"\newcommand{\a}[x]{y} \newcommand{ab}{c} \def x{y} \newcommand{\b}{z",
                                           r"\newcommand{\ok}{1}"])
    assert preamble == r"\newcommand{\ok}{1}"
    assert notes == ["4 malformed macro definition(s) left out of the preamble"]


def test_preamble_is_capped():
    names = [chr(97 + i // 26) + chr(97 + i % 26) for i in range(200)]
    formulas = [rf"\newcommand{{\m{name}}}{{{'x' * 900}}}" for name in names]
    preamble, notes = collect_definitions(formulas)
    assert len(preamble) <= texfix.MAX_DEFINITIONS
    assert any("capped" in n for n in notes)
    huge, notes = collect_definitions([r"\newcommand{\h}{" + "x" * 10_000 + "}"])
    assert huge == ""
    assert notes == [f"1 macro definition(s) longer than {texfix.MAX_DEFINITION} characters left out"]


def test_no_definitions_and_odd_input():
    assert collect_definitions([r"\frac{a}{b}", None, "", r"\left(x\right)"]) == ("", [])  # type: ignore[list-item]


def test_definitions_on_huge_input():
    preamble, _ = collect_definitions([r"\def\x" * (BIG // 6), r"\newcommand[" * (BIG // 12), "{" * BIG])
    assert preamble == ""


# --------------------------------------------------------------------------------------------------------------
# equation_numbers

# Formulas of one page and the numbers MathJax 3.2.2 (tags "ams") showed for their labels in Chromium.
OBSERVED_PAGE = [
    (r"\begin{equation}a\label{eq:a}\end{equation}", {"eq:a": "1"}),
    (r"\begin{equation}\begin{aligned}a&=b\\c&=d\end{aligned}\label{eq:b}\end{equation}", {"eq:b": "2"}),
    (r"\begin{align}a&=b\label{eq:r1}\\c&=d\nonumber\\e&=f\label{eq:r3}\\\end{align}", {"eq:r1": "3", "eq:r3": "4"}),
    (r"\begin{align*}a\tag{A}\label{eq:t}\\b\end{align*}", {"eq:t": "A"}),
    (r"x\tag{T2}\label{eq:top}", {"eq:top": "T2"}),
    (r"x\label{eq:none}", {}),
    (r"\begin{equation*}x\label{eq:star}\end{equation*}", {}),
    (r"\begin{multline}a\label{eq:m}\\b\end{multline}", {"eq:m": "5"}),
    (r"\begin{gather}a\label{eq:g1}\\b\notag\\c\label{eq:g3}\end{gather}", {"eq:g1": "6", "eq:g3": "7"}),
    (r"\begin{eqnarray}a&=&b\\c&=&d\label{eq:e2}\end{eqnarray}", {"eq:e2": "9"}),
    (r"\begin{alignat}{2}a&=b&c&=d\label{eq:at}\end{alignat}", {"eq:at": "10"}),
    (r"\begin{flalign}a&=b\label{eq:fl}\end{flalign}", {"eq:fl": "11"}),
    (r"\begin{align}a\\[2pt]b\label{eq:br}\\ \end{align}", {"eq:br": "13"}),
    (r"\begin{align}\begin{cases}a\\b\end{cases}\label{eq:cs}\\c\end{align}", {"eq:cs": "14"}),
    (r"\begin{align}a\\\\b\label{eq:empty-middle}\end{align}", {"eq:empty-middle": "18"}),
    (r"\begin{align}\end{align}", {}),
    (r"\begin{equation}\end{equation}", {}),
    (r"\begin{xalignat}{1}a\label{eq:xa}\end{xalignat}", {"eq:xa": "20"}),
    (r"\begin{xxalignat}{1}a\label{eq:xx}\end{xxalignat}", {}),
    (r"\begin{empheq}[left=\empheqlbrace]{align}a\label{eq:emp}\\b\end{empheq}", {"eq:emp": "21"}),
    (r"\begin{align}a\tag{x y}\label{eq:sp ace}\end{align}", {"eq:sp ace": "x y"}),
    (r"\begin{align}a\notag\tag{N}\label{eq:n}\end{align}", {"eq:n": "N"}),
    (r"\begin{align}a\tag{T}\nonumber\label{eq:tn}\end{align}", {}),
    (r"\begin{align}\tag*{S*}a\label{eq:ts}\end{align}", {"eq:ts": "S*"}),
    (r"\begin{equation}\tag{3}a\label{eq:three}\end{equation}", {"eq:three": "3"}),
    (r"\begin{equation}\label{eq:late}d\end{equation}", {"eq:late": "23"}),
    (r"\label{eq:top-nonumber}\nonumber", {"eq:top-nonumber": ""}),
    (r"\begin{align}\begin{split}a&=b\\&=c\end{split}\label{eq:sp}\\d\end{align}", {"eq:sp": "24"}),
    (r"\begin{equation}\begin{aligned}a\label{eq:in}\end{aligned}\end{equation}", {"eq:in": "26"}),
]


def test_numbers_mathjax3_showed_in_the_browser():
    formulas = [tex for tex, _ in OBSERVED_PAGE]
    expected = {k: v for _, labels in OBSERVED_PAGE for k, v in labels.items()}
    assert equation_numbers(formulas) == expected


def test_inline_numbered_environments_count_too():
    formulas = [r"\begin{equation}z\label{i}\end{equation}", r"\begin{equation}w\label{j}\end{equation}"]
    assert equation_numbers(formulas) == {"i": "1", "j": "2"}


@pytest.mark.parametrize(("formulas", "expected"), [
    # A second row with two labels stops MathJax there; the first row keeps its number and label.
    ([r"\begin{align}a\label{p}\\b\label{q}\label{r}\\c\end{align}", r"\begin{equation}x\label{s}\end{equation}"],
     {"p": "1", "s": "2"}),
    # A label defined earlier on the page: an error at that label.
    ([r"\begin{equation}a\label{d}\end{equation}", r"\begin{align}b\label{e}\\c\label{d}\end{align}"],
     {"d": "1", "e": "2"}),
    # Nested numbered environments: an error at the inner one.
    ([r"\begin{equation}\begin{align}a\label{n}\end{align}\end{equation}"], {}),
    # \cr outside an array; \tag where none is allowed; a missing \end; unbalanced braces.
    ([r"\begin{equation}a\label{c}\cr b\end{equation}"], {}),
    ([r"\begin{xxalignat}{1}a\label{x}\tag{X}\end{xxalignat}"], {}),
    # A missing \end or an extra close brace: an array environment still numbers its rows first.
    ([r"\begin{align}a\label{u}\\b", r"\begin{equation}x\label{z}\end{equation}"], {"u": "1", "z": "3"}),
    ([r"\begin{align}a\label{v}\\b}\end{align}", r"\begin{equation}x\label{z}\end{equation}"], {"v": "1", "z": "3"}),
    ([r"\begin{equation}a\label{e}}\end{equation}", r"\begin{equation}x\label{z}\end{equation}"], {"z": "1"}),
    # An open brace, or a backslash escaping the closing delimiter: MathJax never finds the formula's end.
    ([r"\begin{align}a\label{p}\\b{", r"\begin{equation}x\label{z}\end{equation}"], {"z": "1"}),
    ([r"\begin{equation}a\label{p}\end{equation}" + "\\", r"x\tag{1}\label{z}"], {"z": "1"}),
    # \\[…] that is not a dimension is an error before the row ends.
    ([r"\begin{align}a\label{r}\\[x+y]b\end{align}"], {}),
    ([r"\begin{align}a\tag{1}\tag{2}\label{w}\end{align}"], {}),
])
def test_formulas_mathjax3_stops_with_an_error(formulas, expected):
    assert equation_numbers(formulas) == expected


def test_labels_are_matched_exactly_and_tags_are_adapted_text():
    numbers = equation_numbers([r"\begin{equation}a\label{ spaced }\end{equation}",
                                r"\begin{equation}b\tag{a_1}\label{t}\end{equation}", r"c\label{}\tag{q}"])
    assert numbers == {" spaced ": "1", "t": r"a\_1"}


def test_plain_tex_arrays_keep_their_rows():
    assert equation_numbers([r"\begin{align}\matrix{a\cr b}\label{m}\\c\end{align}"]) == {"m": "1"}


def test_rows_inside_braces_and_inner_arrays_are_not_rows():
    tex = r"\begin{align}{a\\b}\begin{array}{c}c\\d\end{array}\label{one}\\e\label{two}\end{align}"
    assert equation_numbers([tex]) == {"one": "1", "two": "2"}


def test_numbers_after_adapt_match_what_the_moved_labels_get():
    tex = r"\begin{equation}\begin{aligned}a\label{x}\\b\nonumber\end{aligned}\end{equation}"
    assert equation_numbers([tex]) == equation_numbers([adapt(tex)[0]]) == {}
    tex = r"\begin{equation}\begin{aligned}a\tag{T}\label{x}\end{aligned}\end{equation}"
    assert equation_numbers([tex]) == equation_numbers([adapt(tex)[0]]) == {"x": "T"}


def test_equation_numbers_on_hostile_input():
    hostile = ["{" * BIG, "}" * BIG, r"\begin{align}" + "a\\\\" * (BIG // 3) + r"\end{align}",
               r"\begin{align}" + "a\\\\[" * (BIG // 4),
               r"\begin{align}" + r"a\label{l}\\" * (BIG // 12) + r"\end{align}",
               r"\begin{aligned}" * (BIG // 15), r"\tag{" * (BIG // 5), None]
    numbers = equation_numbers(hostile)  # type: ignore[arg-type]
    assert numbers == {"l": str(BIG // 3 + 1)}  # 66,666 rows numbered, then a duplicate label stops the last


# --------------------------------------------------------------------------------------------------------------
# unique_labels


def test_a_label_defined_again_on_the_page_is_dropped_there():
    # pages/2014/2900.md: MathJax 3 shows "Label 'eq:rec' multiply defined" on the second display.
    formulas = [r"\begin{eqnarray}I_n &=& e - nI_{n-1}\label{eq:rec}\end{eqnarray}", r"\eqref{eq:rec}",
                r"\begin{equation}a = b\label{eq:rec}\end{equation}"]
    out, repeats = unique_labels(formulas)
    assert out == [formulas[0], formulas[1], r"\begin{equation}a = b\end{equation}"]
    assert out[0] is formulas[0]
    assert repeats == [RepeatedLabel(2, "eq:rec")]
    assert equation_numbers(formulas) == {"eq:rec": "1"}
    assert equation_numbers(out) == {"eq:rec": "1"}


def test_a_label_repeated_in_one_formula_and_what_is_no_label():
    formulas = [r"\begin{align}a\label{x}\\b\label{x}\\c\label{ x}\end{align}",
                r"\begin{equation}\alpha\label{x}b\end{equation}", r"\text{\label{x}}\label{}\label{}",
                r"\newcommand{\L}{\label{x}}", r"\begin{equation}x\label{y}\end{equation}{"]
    out, repeats = unique_labels(formulas)
    assert out == [r"\begin{align}a\label{x}\\b\\c\label{ x}\end{align}",
                   r"\begin{equation}\alpha b\end{equation}", *formulas[2:]]
    assert repeats == [RepeatedLabel(0, "x"), RepeatedLabel(1, "x")]
    assert unique_labels(out) == (out, [])


def test_unique_labels_on_hostile_input():
    formulas = [r"\label{x}" * (BIG // 9), "{" * BIG, r"\label{" * (BIG // 7), r"\text{\label{x}" * (BIG // 15), None]
    out, repeats = unique_labels(formulas)  # type: ignore[arg-type]
    assert out[0] == r"\label{x}" and len(repeats) == BIG // 9 - 1
    assert out[1:] == formulas[1:]


# --------------------------------------------------------------------------------------------------------------
# link_references

FOREIGN = {"eq:far": ("../part/chapter/", "7"), "eq:sp ace": ("../z/", "A.1"), "eq:中文": ("../中文/", "4")}


def test_foreign_labels_become_links_to_mathjax3_anchors():
    out, notes = link_references(r"\eqref{eq:far}+\ref{eq:far}", set(), FOREIGN)
    assert out == (r"\href{../part/chapter/#mjx-eqn%3Aeq%3Afar}{\text{(7)}}"
                   r"+\href{../part/chapter/#mjx-eqn%3Aeq%3Afar}{\text{7}}")
    assert notes == []


def test_anchor_is_the_one_mathjax3_gives_the_tag():
    # MathJax 3 linked \eqref{eq:a} to "#mjx-eqn%3Aeq%3Aa" and \eqref{eq:sp ace} to "#mjx-eqn%3Aeq%3Asp_ace".
    assert texfix.equation_anchor("eq:a") == "mjx-eqn%3Aeq%3Aa"
    assert texfix.equation_anchor("eq:sp ace") == "mjx-eqn%3Aeq%3Asp_ace"
    assert texfix.equation_anchor("中") == "mjx-eqn%3A%E4%B8%AD"
    assert texfix.equation_anchor("a\u3000b\u00a0c") == "mjx-eqn%3Aa_b_c"


def test_local_and_unknown_labels_stay():
    tex = r"\eqref{eq:here} \eqref{nowhere} \ref{nowhere} \eqref{eq:far}"
    out, notes = link_references(tex, {"eq:here"}, FOREIGN)
    assert out.startswith(r"\eqref{eq:here} \eqref{nowhere} \ref{nowhere} \href{")
    assert notes == ["unknown label 'nowhere'"]


def test_labels_match_exactly():
    out, notes = link_references(r"\eqref{ eq:far}", set(), FOREIGN)
    assert out == r"\eqref{ eq:far}"
    assert notes == ["unknown label ' eq:far'"]


def test_references_in_text_mode_use_no_text_command():
    out, _ = link_references(r"\text{see \eqref{eq:far}}", set(), FOREIGN)
    assert out == r"\text{see \href{../part/chapter/#mjx-eqn%3Aeq%3Afar}{(7)}}"


@pytest.mark.parametrize("label", ["a\\}b", "x#1", "p%q", "back\\slash", "a{b}c", "$x$", "中 文"])
def test_no_label_can_break_out_of_the_href(label):
    out, _ = link_references(f"\\eqref{{{label}}}", set(), {label: ("../c/", "1")})
    match = re.fullmatch(r"\\href\{([^{}\\%#\s$]*)#([A-Za-z0-9%._~!*'()-]*)\}\{\\text\{\(1\)\}\}", out)
    assert match, out
    assert match.group(2) == texfix.equation_anchor(label)


@pytest.mark.parametrize(("url", "expected"), [
    ("../a b/c}d/", "../a%20b/c%7Dd/"), ("../x/#frag", "../x/"), ("javascript:alert(1)", "javascript%3Aalert(1)"),
    ("//evil.example/", "/evil.example/"), ("../\\{$%/", "../%5C%7B%24%25/"), ("../ok%20/", "../ok%20/"),
])
def test_urls_are_made_safe(url, expected):
    out, _ = link_references(r"\eqref{l}", set(), {"l": (url, "1")})
    assert out == rf"\href{{{expected}#mjx-eqn%3Al}}{{\text{{(1)}}}}"


@pytest.mark.parametrize(("number", "shown"), [
    ("12", "12"), ("A.1'", "A.1'"), (r"a\_1", r"a\_1"), (r"$\ast$", r"\(\ast\)"), ("{3", r"\{3"),
    ("x~y\\", r"x\unicode{x7E}y\\"), ("$", r"\$"),
])
def test_numbers_are_well_formed_text(number, shown):
    out, _ = link_references(r"\ref{l}", set(), {"l": ("../c/", number)})
    assert out == rf"\href{{../c/#mjx-eqn%3Al}}{{\text{{{shown}}}}}"


def test_linking_twice_changes_nothing_and_thousands_of_references_are_fine():
    tex = r"\eqref{eq:far}" * 20_000 + r"\eqref{gone}" * 20_000
    once, notes = link_references(tex, set(), FOREIGN)
    assert once.count(r"\href{") == 20_000
    assert notes == ["unknown label 'gone'"]
    assert link_references(once, set(), FOREIGN)[0] == once
    distinct = "".join(rf"\eqref{{u{i}}}" for i in range(20_000))
    assert len(link_references(distinct, set(), FOREIGN)[1]) == 20_000


def test_link_references_on_hostile_input():
    for tex in ("{" * BIG, r"\eqref{" * (BIG // 7), r"\ref" * (BIG // 4), "\\" * BIG):
        assert link_references(tex, set(), FOREIGN)[0] == tex


# --------------------------------------------------------------------------------------------------------------
# restore_delimiters


@pytest.mark.parametrize(("text", "expected"), [
    ("设x_{t}为第t步的输入，\\alpha是学习率。", "设$x_{t}$为第t步的输入，$\\alpha$是学习率。"),
    ("其中\\boldsymbol{x}\\in\\mathbb{R}^n，而$y$是标签。", "其中$\\boldsymbol{x}\\in\\mathbb{R}^n$，而$y$是标签。"),
    ("由\\Vert x\\Vert^{2}可知", "由$\\Vert x\\Vert^{2}$可知"),
    ("请教(7)式中将 \\mu(x_t) 传给", "请教(7)式中将 $\\mu(x_t)$ 传给"),
    ("得到的序列\\{x_1,\\dots,x_n\\}是随机的", "得到的序列$\\{x_1,\\dots,x_n\\}$是随机的"),
    ("\\frac{1}{2}\\sum_{i=1}^n x_i^2", "$$\\frac{1}{2}\\sum_{i=1}^n x_i^2$$"),
    ("  \\mathcal{L} = \\mathbb{E}[x]\n", "  $$\\mathcal{L} = \\mathbb{E}[x]$$\n"),
    ("如下\\left\\{\\begin{aligned}&a\\\\&b\\end{aligned}\\right.所以",
     "如下$$\\left\\{\\begin{aligned}&a\\\\&b\\end{aligned}\\right.$$所以"),
    ("\\left\\{\\begin{aligned}&a\\\\&b\\end{aligned}\\right.",
     "$$\\left\\{\\begin{aligned}&a\\\\&b\\end{aligned}\\right.$$"),
])
def test_lost_delimiters_are_restored(text, expected):
    out, lost = restore(text)
    assert out == expected
    assert lost == []
    assert restore(out) == (out, [])


@pytest.mark.parametrize("text", [
    "已有公式$\\frac{a}{b}$不变，以及\\(x_{t}\\)也不变，$$\\sum_i x_i$$。",
    "在Python中，字符串\"a\\nb\"包含换行。", "路径C:\\new\\frac是文件。", "访问https://example.com/\\frac{a}{b}看看",
    "单独一个\\而已", "代码`\\frac{a}{b}`不动。", "得到x_t和y_t", "\\begin{equation}x\\end{equation}",
    "纯文本，没有公式。", "", "Escapes like \\n and \\t in a sentence about Python strings.",
])
def test_text_that_is_not_lost_tex_is_untouched(text):
    assert restore(text) == (text, [])


@pytest.mark.parametrize(("text", "offset", "reason"), [
    ("the \\alpha parameter is 好的", 0, "ASCII words"),
    ("Loss: \\mathcal{L}=\\sum_i l_i", 0, "ASCII words"),
    ("其中\\frac{1}{2是错的。", 2, "unbalanced braces"),
    ("变量$x$\\alpha之后", 5, "not set off"),
    ("公式\\begin{equation}x 没有结束", 2, "without its other half"),
    ("结果\\alpha_", 2, "ends in"),
    ("其中a&\\alpha是", 2, "'&' outside an environment"),
    ("\\vdots & \\vdots \\\\", 0, "'&' outside an environment"),
])
def test_ambiguous_tex_is_reported_not_changed(text, offset, reason):
    out, lost = restore(text)
    assert out == text
    assert len(lost) == 1
    assert lost[0].offset == offset
    assert reason in lost[0].reason
    assert len(lost[0].snippet) <= 60
    assert isinstance(lost[0], Lost)


@pytest.mark.parametrize("text", [
    "用\\tag{}可以自定义编号", "用\\tag*{A}可以", "用\\label{eq:1}标记", "写\\nonumber即可",
    "写 \\notag 或 \\nonumber 都行",
    "用\\newcommand{\\R}{\\mathbb{R}}定义", "用\\mathbf{}加粗", "用\\frac{ }{}表示分数",
    "\\label{x}", "\\def\\R{\\mathbb{R}}", "  \\tag{} \\label{a}\n", "用\\label标记",
])
def test_tex_that_typesets_as_nothing_stays_text(text):
    # pages/2024/9230.txt: "用\tag{}可以自定义编号" became an empty formula, read as "用 可以自定义编号".
    out, lost = restore(text)
    assert out == text
    assert lost
    assert all("typesets as nothing" in found.reason for found in lost)


def test_tex_that_shows_something_is_still_restored():
    assert restore("用\\mathbf{x}加粗，\\tag{}另说")[0] == "用$\\mathbf{x}$加粗，\\tag{}另说"
    assert restore("其中\\alpha\\label{a}是常数")[0] == "其中$\\alpha\\label{a}$是常数"
    assert restore("\\newcommand{\\R}{\\mathbb{R}}\\R^n")[0] == "$$\\newcommand{\\R}{\\mathbb{R}}\\R^n$$"


def test_a_paragraph_of_tex_ending_in_a_backslash_is_not_wrapped():
    # "$$\\alpha\\$$": the backslash escapes the closing dollar, and the formula never ends.
    out, lost = restore("\\alpha + \\beta\\")
    assert out == "\\alpha + \\beta\\"
    assert [found.reason for found in lost] == ["a paragraph of TeX ending in a backslash"]
    assert restore("\\alpha\\\\")[0] == "$$\\alpha\\\\$$"


def test_snippets_are_short():
    text = "中" + "\\alpha word " * 50 + "文"
    (found,) = restore(text)[1]
    assert len(found.snippet) == 60
    assert found.snippet.endswith("…")


def test_formulas_are_kept_byte_for_byte():
    text = "见\\[x_{t}\\]与$y$，另有z_{t}在此"
    out, _ = restore(text)
    assert out == "见\\[x_{t}\\]与$y$，另有$z_{t}$在此"
    assert [s for s in split_math(out)[0] if s.kind != "text"][:2] == [s for s in split_math(text)[0]
                                                                       if s.kind != "text"][:2]


@pytest.mark.parametrize("text", [
    "中\\alpha文" * (BIG // 8), "word \\alpha " * (BIG // 12), "www." * (BIG // 4), "a" * BIG + "://",
    "`" * BIG, "C:\\" * (BIG // 3), "中\\left(\\begin{aligned}a\\end{aligned}\\right)文" * (BIG // 45), "$" * BIG,
    "中\\frac{1}{2文" * (BIG // 12), "\\" * BIG, "x_{" * (BIG // 3), "\\begin{aligned}" * (BIG // 15),
    "中\\tag{}\\label{x}\\mathbf{}" * (BIG // 25) + "\\", "\\label{" + "{}" * (BIG // 2) + "}",
])
def test_restore_on_huge_input(text):
    out, lost = restore(text)
    assert isinstance(out, str)
    assert all(len(item.snippet) <= 60 for item in lost)


# --------------------------------------------------------------------------------------------------------------
# The facts the module relies on


def test_site_mathjax_numbers_equations_the_ams_way():
    config = (ROOT / "docs/assets/javascripts/mathjax-config.js").read_text(encoding="utf-8")
    assert re.search(r'tags:\s*"ams"', config)


def test_the_quick_test_for_masked_text_misses_no_mask() -> None:
    """restore_delimiters skips the slow mask pattern on text without '://', 'www.', ':\\' or '`'."""
    import random

    rng = random.Random(3)
    alphabet = [*"ab:/\\.w`中 \nhtpC", "://", "www.", "C:\\", "`x`", "\\frac"]
    for _ in range(50_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(14)))
        if texfix._MASK.search(text):
            assert texfix._MAY_MASK.search(text), repr(text)
    assert restore("网址 http://a.b/\\frac{1}{2} 之后")[0] == "网址 http://a.b/\\frac{1}{2} 之后"


def test_only_definitions_tells_a_formula_that_shows_nothing():
    assert texfix.only_definitions("$$\\newcommand{\\R}{\\mathbb{R}}\\DeclareMathOperator{\\tr}{tr}$$")
    assert texfix.only_definitions("\\[ \\def\\a{b} \\]")
    assert not texfix.only_definitions("\\newcommand{\\R}{\\mathbb{R}} x")  # shows x
    assert not texfix.only_definitions("$$\\newcommand{\\R}{\\mathbb{R}$$")  # malformed: MathJax shows the error
    assert not texfix.only_definitions("x^2")
