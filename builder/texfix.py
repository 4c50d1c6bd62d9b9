"""TeX as the blog meant it, for the MathJax 3 the site runs.

The blog was typeset by MathJax 2; the book uses MathJax 3.2.2 (``tex-chtml-full``,
tags "ams", ``ui/safe``).  The two disagree on some TeX the blog relies on, and a
page of a book is not a page of the blog: a macro defined in one formula, an
``\\eqref`` to another chapter, a formula whose ``$`` a scraper dropped.  The
functions here are pure (str in, str or data out), linear in their input and never
raise, so the renderer can call them on anything a scrape holds:

- :func:`adapt` rewrites what MathJax 2 accepted and MathJax 3 rejects or shows
  differently (text mode, two-argument ``\\color``, ``\\bm``, MathJax 2
  ``\\require`` names, tags and labels inside ``aligned``-like environments);
- :func:`definitions` (:func:`collect_definitions` with notes) gathers a post's
  ``\\newcommand`` & co. into one preamble;
- :func:`equation_numbers` says which number MathJax 3 shows for each ``\\label``;
- :func:`unique_labels` drops a ``\\label`` a page defines twice (MathJax 3 rejects the second);
- :func:`link_references` turns references to other chapters' labels into links to
  the anchor MathJax 3 gives them (:func:`equation_anchor`);
- :func:`restore_delimiters` puts back ``$`` a scrape lost, where that is clear.

What MathJax 3 does was checked against its sources (tex-chtml-full.js 3.2.2 in
the sphinx-mathjax-offline package) and by rendering in headless Chromium with
the site's configuration; the notes next to each rule say what was seen.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Collection, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from .mathtext import Closers, _tokens

# ---------------------------------------------------------------------------------------------------------------
# Scanning: control sequences and braces, as MathJax's own parser reads them (a backslash takes the next character
# or the run of letters after it; GetArgument matches braces and ignores '%', so this does too).

_CS = re.compile(r"\\(?:[A-Za-z]+|.)", re.S)
# In math mode '%' starts a comment to the end of the line: what is in it is not TeX MathJax reads.
_CS_OR_COMMENT = re.compile(r"\\(?:[A-Za-z]+|.)|%[^\n]*", re.S)
_CS_OR_BRACE = re.compile(r"\\(?:[A-Za-z]+|.)|[{}]", re.S)
_LETTER = re.compile(r"[A-Za-z]")


def _next_command(tex: str, pos: int, names: Container[str]) -> re.Match[str] | None:
    """The next control sequence at or after ``pos`` whose name is one of ``names``, comments skipped."""
    while (m := _CS_OR_COMMENT.search(tex, pos)) is not None:
        if not m.group().startswith("%") and m.group()[1:] in names:
            return m
        pos = m.end()
    return None


class _Braces:
    """Where each '{' of a formula closes: one pass, so every later lookup is O(1)."""

    def __init__(self, tex: str) -> None:
        self.tex = tex
        self.close: dict[int, int] = {}  # position of '{' → position just after its '}'
        self.open_of: dict[int, int] = {}  # position just after a '}' → position of its '{'
        self.balanced = True
        stack: list[int] = []
        for m in _CS_OR_BRACE.finditer(tex):
            c = m.group()
            if c == "{":
                stack.append(m.start())
            elif c == "}":
                if stack:
                    opening = stack.pop()
                    self.close[opening] = m.end()
                    self.open_of[m.end()] = opening
                else:
                    self.balanced = False
        self.unclosed = bool(stack)  # a '{' never closed (MathJax then finds no end to the formula)
        if stack:
            self.balanced = False

    def skip_ws(self, p: int) -> int:
        tex = self.tex
        while p < len(tex) and tex[p] in " \t\r\n":
            p += 1
        return p

    def group(self, p: int) -> int | None:
        """End of the braced group starting at ``p`` (after spaces), or None if there is none."""
        p = self.skip_ws(p)
        return self.close.get(p)

    def group_at(self, p: int) -> tuple[int, int] | None:
        """(start, end) of the braced group after ``p`` (spaces skipped), '{' and '}' included."""
        p = self.skip_ws(p)
        end = self.close.get(p)
        return (p, end) if end is not None else None

    def brackets(self, p: int, limit: int = 500) -> int | None:
        """End of an optional ``[...]`` argument at ``p`` (spaces skipped), looked for over ``limit`` characters."""
        tex = self.tex
        p = self.skip_ws(p)
        if p >= len(tex) or tex[p] != "[":
            return None
        depth = 0
        i = p + 1
        stop = min(len(tex), p + limit)
        while i < stop:
            c = tex[i]
            if c == "\\":
                i += 2
                continue
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth < 0:
                    return None
            elif c == "]" and depth == 0:
                return i + 1
            i += 1
        return None

    def token_end(self, p: int) -> int | None:
        """End of the single-token argument at ``p`` (spaces skipped): a group, a control sequence or a character."""
        tex = self.tex
        p = self.skip_ws(p)
        if p >= len(tex) or tex[p] == "}":
            return None
        if tex[p] == "{":
            return self.close.get(p)
        if tex[p] == "\\":
            m = _CS.match(tex, p)
            return m.end() if m else None
        return p + 1


@lru_cache(maxsize=1024)
def _formula_braces(tex: str) -> _Braces:
    """The :class:`_Braces` of a whole formula, made once for both passes that read its structure.

    A page's formulas are numbered (:func:`equation_numbers`) and then adapted (:func:`adapt`) as
    its units render, in the same process: each pass scanning the formula's braces again cost
    about a quarter of numbering.  Keyed by the formula's text, and never changed once made, so a
    copy can only be the one that text gives; the longest pages' formulas fit in the cache twice over.
    """
    return _Braces(tex)


def _odd_backslashes(tex: str, p: int) -> bool:
    """Whether the backslash at ``p`` starts a control sequence (it is not the second half of a ``\\\\``)."""
    i = p
    while i > 0 and tex[i - 1] == "\\":
        i -= 1
    return (p - i) % 2 == 0 and p >= 0 and tex.startswith("\\", p)


def _apply(tex: str, edits: list[tuple[int, int, str]], start: int = 0, end: int | None = None) -> str:
    """``tex[start:end]`` with each (start, end, replacement) applied; edits do not overlap, insertions keep order."""
    end = len(tex) if end is None else end
    if not edits:
        return tex[start:end]
    edits.sort(key=lambda e: (e[0], e[1]))
    out: list[str] = []
    pos = start
    for a, z, text in edits:
        if a < pos:  # cannot happen with the scanners below; dropped rather than corrupting the formula
            continue
        out.append(tex[pos:a])
        out.append(text)
        pos = z
    out.append(tex[pos:end])
    return "".join(out)


# ---------------------------------------------------------------------------------------------------------------
# Definitions: \newcommand and friends, parsed the way MathJax's newcommand package reads them.

_DEFINERS = frozenset({"newcommand", "renewcommand", "def", "let", "newenvironment", "renewenvironment",
                       "DeclareMathOperator"})
_DEFINER_HINT = re.compile(r"\\(?:newcommand|renewcommand|def|let|newenvironment|renewenvironment|"
                           r"DeclareMathOperator)(?![A-Za-z])")
_CS_NAME = re.compile(r"\s*\\(?:[A-Za-z]+|.)\s*", re.S)
_PARAM_COUNT = re.compile(r"\[\s*[0-9]\s*\]")


def _definition_end(b: _Braces, name: str, p: int) -> int | None:
    """Where the definition whose command ends at ``p`` ends; None when it is malformed (MathJax would stop there)."""
    tex = b.tex
    if name in ("newcommand", "renewcommand", "DeclareMathOperator"):
        p = b.skip_ws(p)
        if name == "DeclareMathOperator" and tex.startswith("*", p):
            p += 1
        end = _cs_argument_end(b, p)
        if end is None:
            return None
        p = end
        if name != "DeclareMathOperator":
            count = b.brackets(p, 20)
            if count is not None:
                if not _PARAM_COUNT.fullmatch(tex, b.skip_ws(p), count):
                    return None
                p = count
                default = b.brackets(p)
                if default is not None:
                    p = default
        return b.token_end(p)
    if name in ("newenvironment", "renewenvironment"):
        env = b.group(p)
        if env is None:
            return None
        p = env
        count = b.brackets(p, 20)
        if count is not None:
            p = count
            default = b.brackets(p)
            if default is not None:
                p = default
        begin = b.group(p)
        end = b.group(begin) if begin is not None else None
        return end
    if name == "def":
        p = b.skip_ws(p)
        cs = _CS.match(tex, p)
        if cs is None:
            return None
        p = cs.end()
        stop = min(len(tex), p + 200)  # the parameter text (#1#2, or delimited) before the body
        while p < stop and tex[p] not in "{}":
            p += 2 if tex[p] == "\\" else 1
        if p >= len(tex) or tex[p] != "{":
            return None
        return b.close.get(p)
    if name == "let":
        p = b.skip_ws(p)
        cs = _CS.match(tex, p)
        if cs is None:
            return None
        p = b.skip_ws(cs.end())
        if tex.startswith("=", p):
            p += 1
        p = b.skip_ws(p)
        if p >= len(tex):
            return None
        if tex[p] == "\\":
            nxt = _CS.match(tex, p)
            return nxt.end() if nxt else None
        return p + 1
    return None


def _cs_argument_end(b: _Braces, p: int) -> int | None:
    """End of a macro-name argument: ``{\\name}`` or ``\\name``."""
    tex = b.tex
    p = b.skip_ws(p)
    if tex.startswith("{", p):
        end = b.close.get(p)
        if end is None or not _CS_NAME.fullmatch(tex, p + 1, end - 1):
            return None
        return end
    cs = _CS.match(tex, p)
    return cs.end() if cs else None


def _definitions_in(tex: str, b: _Braces | None = None) -> tuple[list[tuple[int, int]], int]:
    """(start, end) of each top-level definition in one formula, and how many were malformed."""
    if not _DEFINER_HINT.search(tex):
        return [], 0
    b = b or _Braces(tex)
    spans: list[tuple[int, int]] = []
    bad = 0
    pos = 0
    while (m := _next_command(tex, pos, _DEFINERS)) is not None:
        pos = m.end()
        name = m.group()[1:]
        end = _definition_end(b, name, m.end())
        if end is None:
            bad += 1
            continue
        spans.append((m.start(), end))
        pos = end
    return spans, bad


# ---------------------------------------------------------------------------------------------------------------
# Text mode.  MathJax 2 showed the argument of \text and its kin as typed, except $…$, \(…\), \ref, \eqref and \$.
# MathJax 3's textmacros package (loaded by tex-chtml-full) reads it as LaTeX text: '_' and '^' are errors ("allowed
# only in math mode"), '&' and '#' errors ("can not be used here"), '%' silently drops the rest of the line, and a
# math macro such as \alpha is an error ("only supported in math mode").  These commands take such an argument:

_TEXT_COMMANDS = {  # name → how many raw arguments come before the text one
    "text": 0, "textrm": 0, "textbf": 0, "textit": 0, "textsf": 0, "texttt": 0, "textnormal": 0, "textup": 0,
    "mbox": 0, "hbox": 0, "fbox": 0, "tag": 0, "colorbox": 1, "fcolorbox": 2,
}
# Control sequences textmacros knows in text mode (its "text-macros" map in 3.2.2): kept, MathJax 3 renders them.
_TEXT_WORDS = frozenset({
    "emph", "rm", "mit", "oldstyle", "cal", "it", "bf", "bbFont", "scr", "frak", "sf", "tt", "tiny", "Tiny",
    "scriptsize", "small", "normalsize", "large", "Large", "LARGE", "huge", "Huge", "Bbb", "textnormal", "textup",
    "textrm", "textit", "textbf", "textsf", "texttt", "dagger", "ddagger", "S", "enspace", "quad", "qquad",
    "thinspace", "negthinspace", "hskip", "hspace", "kern", "mskip", "mspace", "mkern", "rule", "Rule", "Space",
    "color", "textcolor", "colorbox", "fcolorbox", "href", "style", "class", "cssId", "unicode", "ref", "eqref",
    "u", "v",
})
_TEXT_SYMBOLS = frozenset("$_%{} &#\\'\u2019`\u2018^\"~=.,:>;!")
_TEXT_RAW_ARGS = {"ref": 1, "eqref": 1, "href": 1, "color": 1, "textcolor": 1, "colorbox": 1, "fcolorbox": 2,
                  "hspace": 1, "rule": 2, "Rule": 3, "Space": 3, "unicode": 1, "style": 1, "class": 1, "cssId": 1,
                  "mspace": 1}
_TEXT_TOKEN = re.compile(r"\\(?:[A-Za-z]+|.)|\\|[$_^&#%]|[^\\$_^&#%]+", re.S)
_MATH_IN_TEXT = re.compile(r"\\(?:[A-Za-z]+|.)|[{}$]", re.S)
# '^' has no text-mode escape in textmacros (\^ is the circumflex accent); \unicode{x5E} renders the character.
_TEXT_ESCAPES = {"_": "\\_", "&": "\\&", "%": "\\%", "#": "\\#", "^": "\\unicode{x5E}"}


def _math_end(b: _Braces, p: int, end: int, closer: str) -> int:
    """Where math opened in text mode (``$`` or ``\\(``) ends, as textmacros finds it; -1 if it does not.

    Braced groups are stepped over whole (a closer inside braces does not count), so nested text and math cost
    their length once, not once per level.
    """
    tex = b.tex
    i = p
    while (m := _MATH_IN_TEXT.search(tex, i, end)) is not None:
        t = m.group()
        if t == "{":
            close = b.close.get(m.start())
            if close is None or close > end:
                return -1
            i = close
            continue
        if t == "}":
            return -1
        if t == closer:
            return m.end()
        i = m.end()
    return -1


def _fix_text(b: _Braces, start: int, end: int, in_definition: bool, edits: list[tuple[int, int, str]],
              regions: list[tuple[int, int]]) -> None:
    """Edits that make the text-mode argument ``tex[start:end]`` show in MathJax 3 what MathJax 2 showed.

    The math in it (``$…$``, ``\\(…\\)``) is not text: its spans go to ``regions``, for the caller to adapt.
    """
    tex = b.tex
    i = start
    while i < end:
        m = _TEXT_TOKEN.match(tex, i, end)
        if m is None:  # cannot happen: the pattern matches any character
            break
        tok = m.group()
        if tok in ("$", "\\("):
            close = _math_end(b, m.end(), end, "$" if tok == "$" else "\\)")
            if close == -1:  # unterminated: an error in both versions, left as it is
                break
            regions.append((m.end(), close - len(tok)))
            i = close
            continue
        if tok.startswith("\\"):
            name = tok[1:]
            i = m.end()
            if name in _TEXT_WORDS or name in _TEXT_SYMBOLS or tok == "\\":
                for _ in range(_TEXT_RAW_ARGS.get(name, 0)):
                    arg = b.group(i)
                    if arg is None or arg > end:
                        break
                    i = arg
            else:  # "\\" is a literal backslash in text mode: the name shows as typed, as MathJax 2 showed it
                edits.append((m.start(), m.start(), "\\"))
            continue
        if tok == "#" and in_definition and i + 1 < end and tex[i + 1] in "123456789#":
            i += 2  # a macro parameter (#1) or an escaped one (##)
            continue
        escaped = _TEXT_ESCAPES.get(tok)
        if escaped is not None:
            edits.append((m.start(), m.end(), escaped))
        i = m.end()


def _fixed_text(b: _Braces, start: int, end: int) -> str:
    """``tex[start:end]`` as :func:`_fix_text` rewrites it (the math in it as it is)."""
    edits: list[tuple[int, int, str]] = []
    _fix_text(b, start, end, False, edits, [])
    return _apply(b.tex, edits, start, end)


# ---------------------------------------------------------------------------------------------------------------
# adapt


# MathJax 3 gives these environments a tag state of their own and drops it at their end, so a \label, \tag or
# \nonumber inside them is lost (\label: \eqref shows "???"; \tag: an error; \nonumber: ignored).  MathJax 2 kept
# one state per formula.  Seen in Chromium: lost in split, aligned, alignedat, gathered, lgathered, rgathered;
# kept in array, matrix, cases, pmatrix and the other matrices.
_TAG_SWALLOWING = frozenset({"split", "aligned", "alignedat", "gathered", "lgathered", "rgathered"})
# MathJax 2 \require names that MathJax 3 spells differently (it refuses the old ones: "not allowed to be loaded").
_REQUIRE_RENAMED = {"AMSmath": "ams", "AMSsymbols": "ams", "AMScd": "amscd", "HTML": "html", "noErrors": "noerrors",
                    "noUndefined": "noundefined"}
# MathJax 2 extensions whose macros MathJax 3 has built in (\mathchoice) or loads anyway: the \require is dropped.
_REQUIRE_BUILT_IN = frozenset({"mathchoice", "autoload-all"})
# A single control word MathJax 2's \color{c}\x could color (its argument was one token): only symbols, since a
# macro that takes arguments was an error there and is better left to MathJax 3's switch.
_COLOR_SYMBOLS = frozenset(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi omicron pi varpi "
    "rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon "
    "Phi Psi Omega infty partial nabla ell hbar imath jmath aleph emptyset varnothing cdot times pm mp ast star "
    "circ bullet cdots ldots vdots ddots forall exists neg top bot prime to rightarrow leftarrow Rightarrow "
    "Leftarrow leq geq neq approx sim equiv in notin subset supset cup cap wedge vee oplus otimes".split())
# Control words that take no argument, so a group after them is not theirs (besides _COLOR_SYMBOLS).
_NO_ARGUMENT = frozenset("quad qquad enspace displaystyle textstyle scriptstyle scriptscriptstyle limits nolimits "
                         "left right bigl bigr Bigl Bigr big Big bigg Bigg middle cr".split())
_ADAPT_HINT = re.compile(r"\\(?:text|mbox|hbox|fbox|tag|color|fcolorbox|bm(?![A-Za-z])|require|"
                         r"begin\s*\{\s*(?:split|aligned|alignedat|gathered|lgathered|rgathered)\s*\})")
_DEFINES_BM = re.compile(r"\\(?:(?:re)?newcommand\s*\{?\s*|def\s*|let\s*)\\bm(?![A-Za-z])")

NOTE_TEXT = "characters MathJax 3 rejects in \\text{…} (_ ^ & # %, math macros) escaped to show as typed"
NOTE_COLOR = "MathJax 2 \\color{c}{x} scoped to its argument (MathJax 3's \\color colors everything after it)"
NOTE_BM = "\\bm (defined by neither MathJax) replaced by \\boldsymbol"
NOTE_REQUIRE = "MathJax 2 \\require names renamed or dropped for MathJax 3"
NOTE_HOIST = "\\label/\\tag/\\nonumber moved out of split/aligned/gathered (MathJax 3 drops them there)"
NOTE_ROWS = ("split/aligned/gathered with a \\tag or \\label in several rows, the whole formula, made align/gather "
             "(MathJax 3 numbers those per row)")
NOTE_DROPPED = ("a second \\tag or \\label in split/aligned/gathered inside a formula dropped (MathJax 3 allows one "
                "per formula; the first was moved out)")


# An environment that drops tags, turned into the one that numbers its rows (starred unless in a numbered equation).
_ROWS_AS = {"aligned": "align", "split": "align", "alignedat": "alignat", "gathered": "gather", "lgathered": "gather",
            "rgathered": "gather"}
_DISPLAY_OPEN = re.compile(r"\s*(?:\$\$|\\\[)?\s*")
_DISPLAY_CLOSE = re.compile(r"\s*(?:\$\$|\\\])?\s*")
_ROW_TOKEN = re.compile(r"\\(?:[A-Za-z]+|.)|%[^\n]*|[{}]|[^\\{}%\s]+", re.S)


def _environment_at(b: _Braces, p: int, word: str) -> tuple[int, int, int, str] | None:
    """(start, start of the name's group, its end, name) of ``\\begin{name}`` or ``\\end{name}`` at ``p``."""
    p = b.skip_ws(p)
    if not b.tex.startswith(word, p) or _LETTER.match(b.tex, p + len(word)):
        return None
    arg = b.group_at(p + len(word))
    if arg is None:
        return None
    return p, arg[0], arg[1], b.tex[arg[0] + 1:arg[1] - 1].strip()


def _rows_plan(b: _Braces) -> tuple[int, list[tuple[int, int, str]]] | None:
    """How a formula that is one split/aligned/gathered (maybe inside equation) with a \\tag or \\label in two rows
    or more becomes align/alignat/gather, which number each row: the position of that environment's \\begin, and
    the edits.  None for any other formula.

    MathJax 3 drops the tags of those environments, and one formula takes one \\tag and one \\label, so moving
    them out (as for a single one) is an error; align numbers its rows, but only at the top of a formula.  Starred
    (rows numbered only by their \\tag) unless the formula was a numbered equation; then every row that has
    neither \\tag nor \\label gets \\nonumber, so only the rows the author marked take a number.
    """
    tex = b.tex
    if tex.count("\\tag") + tex.count("\\label") < 2 or "\\begin" not in tex:  # most formulas: nothing to plan
        return None
    opened = _environment_at(b, _DISPLAY_OPEN.match(tex).end(), "\\begin")
    wrapper = None
    if opened is not None and opened[3] in ("equation", "equation*"):
        wrapper = opened
        opened = _environment_at(b, opened[2], "\\begin")
    if opened is None or opened[3] not in _ROWS_AS:
        return None
    name = opened[3]
    pos = opened[2]
    if name == "alignedat":
        count = b.group(pos)
        if count is None:
            return None
        pos = count
    rows: list[tuple[int, bool, bool]] = []  # (end, a \tag or \label in it, content with no \nonumber in it)
    marked = content = unnumbered = False
    depth = inner = 0
    closed = None
    while (m := _ROW_TOKEN.search(tex, pos)) is not None:
        tok = m.group()
        pos = m.end()
        if tok.startswith("%"):
            continue
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth -= 1
            if depth < 0:
                return None
        elif tok in ("\\begin", "\\end"):
            arg = b.group_at(pos)
            if arg is None:
                return None
            pos = arg[1]
            if tok == "\\begin":
                inner += 1
            elif inner:
                inner -= 1
            elif depth == 0 and tex[arg[0] + 1:arg[1] - 1].strip() == name:
                closed = (m.start(), arg[0], arg[1])
                rows.append((m.start(), marked, content and not unnumbered))
                break
            else:
                return None
        elif tok in ("\\\\", "\\cr") and depth == 0 and inner == 0:
            rows.append((m.start(), marked, content and not unnumbered))
            marked = content = unnumbered = False
        elif tok in ("\\tag", "\\label"):
            marked = True
        elif tok in ("\\nonumber", "\\notag"):
            unnumbered = True
        else:
            content = True
    if closed is None or sum(1 for _, mark, _ in rows if mark) < 2:
        return None
    end = closed[2]
    if wrapper is not None:
        shut = _environment_at(b, end, "\\end")
        if shut is None or shut[3] != wrapper[3]:
            return None
        end = shut[2]
    if _DISPLAY_CLOSE.match(tex, end).end() != len(tex):
        return None
    numbered = wrapper is not None and wrapper[3] == "equation"
    target = _ROWS_AS[name] + ("" if numbered else "*")
    edits = [(opened[1], opened[2], f"{{{target}}}"), (closed[1], closed[2], f"{{{target}}}")]
    if wrapper is not None:
        edits += [(wrapper[0], wrapper[2], ""), (shut[0], shut[2], "")]
    if numbered:
        edits += [(row_end, row_end, "\\nonumber") for row_end, mark, bare in rows if bare and not mark]
    return opened[0], edits


class _Adapter:
    """The edits :func:`adapt` makes, collected over the formula and the math inside its text arguments."""

    def __init__(self, tex: str) -> None:
        self.tex = tex
        self.b = _formula_braces(tex)
        self.edits: list[tuple[int, int, str]] = []
        # (start, end, destination) of a \label, \tag or \nonumber; destination -1: dropped
        self.moves: list[tuple[int, int, int]] = []
        self.notes: list[str] = []
        plan = _rows_plan(self.b)
        self.rows_at = -1  # where the \begin of an environment that becomes align is: its rows keep their tags
        if plan is not None:
            self.rows_at, edits = plan
            self.edits += edits
            self.note(NOTE_ROWS)
        self.defines_bm = _DEFINES_BM.search(tex) is not None
        spans, _ = _definitions_in(tex, self.b)
        self.def_starts = [s for s, _ in spans]
        self.def_ends = [e for _, e in spans]

    def note(self, note: str) -> None:
        if note not in self.notes:
            self.notes.append(note)

    def in_definition(self, p: int) -> bool:
        i = bisect.bisect_right(self.def_starts, p) - 1
        return i >= 0 and p < self.def_ends[i]

    def run(self) -> tuple[str, list[str]]:
        regions = [(0, len(self.tex))]  # a work list, not recursion: math in text in math… nests without limit
        while regions:
            start, end = regions.pop()
            _Region(self, start, end, regions).scan()
        return self.result(), self.notes

    def result(self) -> str:
        """The edits applied, each moved piece (with the edits inside it) taken out and put at its destination."""
        if not self.moves:
            return _apply(self.tex, self.edits)
        moves: list[tuple[int, int, int]] = []
        for move in sorted(self.moves):
            if not moves or move[0] >= moves[-1][1]:  # a move inside a moved piece goes with it
                moves.append(move)
        self.edits.sort(key=lambda e: (e[0], e[1]))
        kept: list[tuple[int, int, str]] = []
        inside: list[list[tuple[int, int, str]]] = [[] for _ in moves]
        k = 0
        for edit in self.edits:
            a, z, _ = edit
            while k < len(moves) and moves[k][1] <= a:
                k += 1
            if k < len(moves):
                start, end, _ = moves[k]
                if start <= a and z <= end and not (a == z and a in (start, end)):
                    inside[k].append(edit)
                    continue
            kept.append(edit)
        for (start, end, dest), own in zip(moves, inside, strict=True):
            kept.append((start, end, ""))
            if dest >= 0:
                kept.append((dest, dest, _apply(self.tex, own, start, end)))
        return _apply(self.tex, kept)


class _Region:
    """One stretch of math: the formula, or the math inside one of its text arguments."""

    def __init__(self, adapter: _Adapter, start: int, end: int, regions: list[tuple[int, int]]) -> None:
        self.a = adapter
        self.tex = adapter.tex
        self.b = adapter.b
        self.start, self.end = start, end
        self.regions = regions
        # Moving: the depth of the outermost tag-swallowing environment, and what waits to leave it.
        self.envs: list[str] = []
        self.open: dict[str, int] = {}  # how many of each environment are open (a list scan would be quadratic)
        self.hoist_depth: int | None = None
        self.pending: list[tuple[int, int, str]] = []  # (start, end, "tag", "label" or "other")

    def scan(self) -> None:
        tex, b = self.tex, self.b
        pos = self.start
        while (m := _CS_OR_COMMENT.search(tex, pos, self.end)) is not None:
            pos = m.end()
            if m.group().startswith("%"):
                continue
            name = m.group()[1:]
            if name in ("begin", "end"):
                pos = self.environment(name, m.end())
            elif name in _TEXT_COMMANDS:
                pos = self.text_command(name, m.start(), m.end())
            elif name in ("label", "nonumber", "notag") and self.hoist_depth is not None:
                end = b.group(m.end()) if name == "label" else m.end()
                if end is not None:
                    # MathJax ignores an empty label: it takes no label's place
                    named = name == "label" and tex[b.skip_ws(m.end()) + 1:end - 1] != ""
                    self.pending.append((m.start(), end, "label" if named else "other"))
                    pos = end
            elif name == "color":
                pos = self.color(m.start(), m.end())
            elif name == "bm" and not self.a.defines_bm:
                self.a.edits.append((m.start(), m.end(), "\\boldsymbol"))
                self.a.note(NOTE_BM)
            elif name == "require":
                pos = self.require(m.start(), m.end())
        # An environment never closed: MathJax 3 shows an error anyway; what waited to move stays where it is.

    def environment(self, name: str, end: int) -> int:
        arg = self.b.group_at(end)
        if arg is None:
            return end
        env = self.tex[arg[0] + 1:arg[1] - 1].strip()
        if name == "begin":
            self.envs.append(env)
            self.open[env] = self.open.get(env, 0) + 1
            if env in _TAG_SWALLOWING and self.hoist_depth is None and end - len("\\begin") != self.a.rows_at:
                self.hoist_depth = len(self.envs)
        elif self.open.get(env):
            while self.envs:
                top = self.envs.pop()
                self.open[top] -= 1
                if top == env:
                    break
            if self.hoist_depth is not None and len(self.envs) < self.hoist_depth:
                # One \tag and one \label may leave: a second of either is an error where they arrive.
                moved: set[str] = set()
                for start, stop, kind in self.pending:
                    if kind in moved:
                        self.a.moves.append((start, stop, -1))
                        self.a.note(NOTE_DROPPED)
                        continue
                    if kind != "other":
                        moved.add(kind)
                    self.a.moves.append((start, stop, arg[1]))
                    self.a.note(NOTE_HOIST)
                self.pending = []
                self.hoist_depth = None
        return arg[1]

    def text_command(self, name: str, start: int, end: int) -> int:
        tex, b = self.tex, self.b
        p = end
        if name == "tag":
            q = b.skip_ws(p)
            if tex.startswith("*", q):
                p = q + 1
        for _ in range(_TEXT_COMMANDS[name]):
            raw = b.group(p)
            if raw is None:
                return p
            p = raw
        arg = b.group_at(p)
        if arg is None:
            return p
        before = len(self.a.edits)
        _fix_text(b, arg[0] + 1, arg[1] - 1, self.a.in_definition(arg[0]), self.a.edits, self.regions)
        if len(self.a.edits) > before:
            self.a.note(NOTE_TEXT)
        if name == "tag" and self.hoist_depth is not None:
            self.pending.append((start, arg[1], "tag"))
        return arg[1]

    def color(self, start: int, end: int) -> int:
        """MathJax 2's ``\\color{c}{x}`` colored x only; MathJax 3's colors all that follows in the group."""
        tex, b = self.tex, self.b
        spec = b.group_at(end)
        if spec is None:  # \color[model]{…} or a malformed call: MathJax 3 syntax already, or an error in both
            return end
        p = b.skip_ws(spec[1])
        if p >= self.end:
            return spec[1]
        c = tex[p]
        if c == "{":
            arg_end = b.close.get(p)
            resume = p + 1
        elif c == "\\":
            cs = _CS.match(tex, p)
            word = cs.group()[1:] if cs else ""
            if cs is None or (_LETTER.match(word) and word not in _COLOR_SYMBOLS) or word == "\\":
                return spec[1]
            arg_end = resume = cs.end()
        elif c in "}&^_$":
            return spec[1]
        else:
            arg_end = resume = p + 1
        if arg_end is None:
            return spec[1]
        if self.taken_as_argument(start):
            return resume
        after = b.skip_ws(arg_end)
        scope_ends = (after >= self.end or tex[after] in "}&" or tex.startswith("\\\\", after)
                      or (tex.startswith("\\cr", after) and not _LETTER.match(tex, after + 3)))
        if not scope_ends:
            self.a.edits.append((start, start, "{"))
            self.a.edits.append((arg_end, arg_end, "}"))
            self.a.note(NOTE_COLOR)
        return resume

    def taken_as_argument(self, start: int) -> bool:
        """Whether what precedes ``\\color`` would take a group put there as its argument.

        That is a script (``^``, ``_``), a control word that may take arguments, or another ``\\color{c}`` (whose
        MathJax 2 argument was this ``\\color``: an error there).  Such a call is left as it is, so adapting the
        result again finds the same thing.
        """
        tex = self.tex
        i = start
        while i > self.start and tex[i - 1] in " \t\r\n":
            i -= 1
        if i <= self.start:
            return False
        c = tex[i - 1]
        if c in "^_":
            return True
        if c == "}":
            opening = self.b.open_of.get(i)
            if opening is None:
                return False
            j = opening
            while j > self.start and tex[j - 1] in " \t\r\n":
                j -= 1
            return tex.endswith("\\color", max(0, j - 6), j) and _odd_backslashes(tex, j - 6)
        if not _LETTER.match(c):
            return False
        j = i - 1
        while j > max(self.start, i - 40) and _LETTER.match(tex, j - 1):
            j -= 1
        if j == 0 or tex[j - 1] != "\\" or not _odd_backslashes(tex, j - 1):
            return False
        return tex[j:i] not in _COLOR_SYMBOLS and tex[j:i] not in _NO_ARGUMENT

    def require(self, start: int, end: int) -> int:
        arg = self.b.group_at(end)
        if arg is None:
            return end
        name = self.tex[arg[0] + 1:arg[1] - 1].strip()
        if name in _REQUIRE_RENAMED:
            self.a.edits.append((arg[0] + 1, arg[1] - 1, _REQUIRE_RENAMED[name]))
            self.a.note(NOTE_REQUIRE)
        elif name in _REQUIRE_BUILT_IN:
            self.a.edits.append((start, arg[1], ""))
            self.a.note(NOTE_REQUIRE)
        return arg[1]


def adapt(tex: str) -> tuple[str, list[str]]:
    """TeX the blog's MathJax 2 accepted, rewritten so MathJax 3 shows what its author saw; and one note per kind.

    - Text mode (``\\text``, ``\\textrm``/``bf``/``it``/``sf``/``tt``/``normalsize``, ``\\mbox``, ``\\hbox``,
      ``\\fbox``, ``\\colorbox``, ``\\fcolorbox`` and ``\\tag``): ``_ & # %`` become ``\\_ \\& \\# \\%``, ``^``
      becomes ``\\unicode{x5E}``, a control sequence MathJax 3 does not know in text mode becomes ``\\\\name``
      (a shown backslash, as MathJax 2 showed it); ``$…$``, ``\\(…\\)`` and text macros MathJax 3 knows
      (``\\quad``, ``\\textbf``, ``\\ref``…) stay.  ``#1`` inside a definition's body stays a parameter.
    - ``\\color{c}{x}`` (MathJax 2: colors x) becomes ``{\\color{c}{x}}`` unless the group ends right after x.
    - ``\\bm`` becomes ``\\boldsymbol`` (neither MathJax defines ``\\bm``; MathJax 3 shows it in red) unless
      the formula defines ``\\bm`` itself.
    - ``\\require{AMSmath}`` and other MathJax 2 names are renamed (``ams``…) or dropped when built in.
    - ``\\label``, ``\\tag`` and ``\\nonumber`` inside split/aligned/gathered move to just after that
      environment's ``\\end``, where MathJax 3 sees them (MathJax 2 kept them wherever they were); one
      ``\\tag`` and one ``\\label`` at most, the others are dropped (a formula takes one of each).
    - Such an environment that is the whole formula (maybe inside ``equation``) with a ``\\tag`` or ``\\label``
      in two rows or more becomes align/alignat/gather, which number each row (see :func:`_rows_plan`).

    Checked and left alone because MathJax 3.2.2 renders them as MathJax 2 did: ``\\DeclareMathOperator``,
    ``\\begin{split}`` outside an equation, ``\\newcommand``/``\\def`` kept across formulas of a page, every macro
    of MathJax 2's core and AMS extensions.  TeX that needs none of this comes back as the same string.
    Idempotent: adapting adapted TeX changes nothing.
    """
    if not isinstance(tex, str) or not _ADAPT_HINT.search(tex):
        return tex, []
    return _Adapter(tex).run()


# ---------------------------------------------------------------------------------------------------------------
# definitions

MAX_DEFINITION = 5_000  # characters of one definition; longer ones are skipped
MAX_DEFINITIONS = 50_000  # characters of a post's whole preamble


def collect_definitions(formulas: Iterable[str]) -> tuple[str, list[str]]:
    """Every definition in a post's formulas, in order, adapted, as one preamble; and notes on what was left out.

    Definitions are ``\\newcommand``, ``\\renewcommand``, ``\\def``, ``\\let``, ``\\newenvironment``,
    ``\\renewenvironment`` and ``\\DeclareMathOperator`` (which MathJax 3.2.2 has: kept as written), with their
    arguments read as MathJax reads them (balanced braces).  Typeset before the post's first formula, the preamble
    makes a macro defined late, or in a formula the scrape cut, apply to the whole page; MathJax 3 keeps
    definitions from one formula to the next and lets a later one redefine a macro, so the formulas that hold
    the definitions still render as before.  Exact repeats are kept once.  Malformed definitions (which stop
    MathJax at that point) and oversized ones are left out, with a note.
    """
    seen: set[str] = set()
    parts: list[str] = []
    total = 0
    malformed = oversized = capped = 0
    for tex in formulas:
        if not isinstance(tex, str):
            continue
        spans, bad = _definitions_in(tex)
        malformed += bad
        for start, end in spans:
            text = tex[start:end]
            if end - start > MAX_DEFINITION:
                oversized += 1
                continue
            text = adapt(text)[0]
            if text in seen:
                continue
            if total + len(text) + 1 > MAX_DEFINITIONS:
                capped += 1
                continue
            seen.add(text)
            parts.append(text)
            total += len(text) + 1
    notes = []
    if malformed:
        notes.append(f"{malformed} malformed macro definition(s) left out of the preamble")
    if oversized:
        notes.append(f"{oversized} macro definition(s) longer than {MAX_DEFINITION} characters left out")
    if capped:
        notes.append(f"preamble capped at {MAX_DEFINITIONS} characters: {capped} definition(s) left out")
    return " ".join(parts), notes


def definitions(formulas: Iterable[str]) -> str:
    """The preamble of :func:`collect_definitions`, without its notes."""
    return collect_definitions(formulas)[0]


_DISPLAY_MARKS = re.compile(r"^\s*(?:\$\$|\\\[)?|(?:\$\$|\\\])?\s*$")


def only_definitions(tex: str) -> bool:
    """Whether a formula defines macros and shows nothing: the blog's ``$$\\newcommand…$$`` line.

    Its definitions are in the page's preamble (:func:`definitions`), so the renderer can hide it
    instead of leaving an empty display; a malformed definition is not hidden (MathJax shows its error).
    """
    spans, bad = _definitions_in(tex)
    if not spans or bad:
        return False
    rest, pos = [], 0
    for start, end in spans:
        rest.append(tex[pos:start])
        pos = end
    rest.append(tex[pos:])
    return not _DISPLAY_MARKS.sub("", "".join(rest)).strip()


# ---------------------------------------------------------------------------------------------------------------
# equation_numbers

# Environments with their own tag state at the top of a formula.  Numbered: every row (or the whole) gets the
# next number unless \nonumber/\notag; the others number only rows with a \tag.  (MathJax 3.2.2, tags "ams".)
_NUMBERED = frozenset({"equation", "align", "gather", "multline", "eqnarray", "alignat", "flalign", "xalignat"})
_TAGGABLE = _NUMBERED | frozenset({"equation*", "align*", "gather*", "multline*", "eqnarray*", "alignat*",
                                   "flalign*", "xxalignat"})
_UNTAGGABLE = frozenset({"xxalignat", "flalign*"})  # "\tag not allowed in … environment"; labels never recorded
_NOT_ARRAYS = frozenset({"", "equation", "equation*"})  # the top level and equation are not tables
_ONE_ROW = frozenset({"equation", "equation*", "multline", "multline*"})  # one number for the whole environment
_WITH_COUNT = frozenset({"alignat", "alignat*", "xalignat", "xxalignat"})  # \begin{alignat}{2}
_SPACE_ONLY = re.compile(r"\s*")
_DIMENSION = re.compile(r"\s*[-+]?(?:\.\d+|\d+(?:\.\d*)?)\s*(?:pt|em|ex|mu|px|mm|cm|in|pc)\s*")
# What does not make a row count as one: MathJax 3 drops an empty last row (after a final \\), and these add
# nothing to it.  Seen: "a\\ \nonumber" numbers one row, "a\\[2pt]b\\" two, "\begin{align}\end{align}" none,
# while an empty equation is still numbered and an empty middle row is numbered.
_NOT_CONTENT = frozenset({"nonumber", "notag", "hline", "hdashline"})


class _Row:
    __slots__ = ("label", "tag", "notag", "content")

    def __init__(self) -> None:
        self.label: str | None = None
        self.tag: str | None = None
        self.notag = False
        self.content = False


class _Context:
    """A tag state: the formula's top level, or a numbered/taggable environment."""

    __slots__ = ("env", "numbered", "one_row", "depth", "inner", "row", "swallowing", "moved")

    def __init__(self, env: str, depth: int) -> None:
        self.env = env
        self.numbered = env in _NUMBERED
        self.one_row = env in _ONE_ROW or env == ""
        self.depth = depth  # brace depth inside the environment
        self.inner: list[str] = []  # open inner environments (their \\ are not this environment's rows)
        self.row = _Row()
        self.swallowing: int | None = None  # how many inner environments were open when an aligned-like one opened
        self.moved: set[str] = set()  # "tag", "label": what has left it (adapt drops a second one)


class _NumberingError(Exception):
    """MathJax 3 stops the formula here with an error; rows finished before still count (see _number_formula)."""


# Plain TeX arrays: their braced argument is an array, whose \cr and \\ are its own rows.
_PLAIN_ARRAYS = frozenset({"matrix", "pmatrix", "cases", "eqalign", "eqalignno", "leqalignno", "displaylines",
                           "array", "substack"})


def _number_formula(tex: str, counter: int, page: Mapping[str, str]) -> tuple[int, dict[str, str]]:
    """The counter after one formula and the labels it defines.

    A formula MathJax 3 stops with an error still keeps what it finished before the error: MathJax's
    finishEquation runs after a caught TexError, so rows completed earlier keep their numbers and labels (seen:
    an align whose second row has two labels still numbers and labels its first row).
    """
    b = _formula_braces(tex)
    plan = _rows_plan(b)
    if plan is not None:  # numbered as adapt rewrites it
        tex = _apply(tex, plan[1])
        b = _Braces(tex)
    labels: dict[str, str] = {}
    top = _Context("", 0)
    stack = [top]
    state = {"counter": counter}

    def finish(ctx: _Context, last: bool) -> None:
        row = ctx.row
        ctx.row = _Row()
        if last and not row.content and ctx.env not in ("equation", "equation*", ""):
            return
        if ctx.env == "":
            # The top level keeps whatever tag it has, even the empty one \nonumber leaves (MathJax's finalize
            # tests "tag == null"): "\label{x}\nonumber" gives x an empty number, as seen in the browser.
            number = row.tag
        elif row.notag:
            number = None
        elif row.tag:
            number = row.tag
        elif ctx.numbered and row.tag is None:
            state["counter"] += 1
            number = str(state["counter"])
        else:  # unnumbered environment, or an empty \tag{}
            number = None
        if number is not None and row.label:
            labels[row.label] = number

    if b.unclosed or _odd_backslashes(tex, len(tex) - 1):
        # MathJax's FindTeX never finds the end of such a formula (an open brace, or a backslash that escapes the
        # closing delimiter): it stays text and numbers nothing.
        return counter, labels
    try:
        _walk_formula(tex, b, stack, labels, page, finish)
        if len(stack) > 1:  # "Missing \end{…}": an array environment ends its table first
            if stack[-1].env not in _NOT_ARRAYS:
                finish(stack[-1], True)
            raise _NumberingError
        finish(top, last=True)
    except _NumberingError:
        pass
    return state["counter"], labels


def _walk_formula(tex: str, b: _Braces, stack: list[_Context], labels: dict[str, str], page: Mapping[str, str],
                  finish: Callable[[_Context, bool], None]) -> None:
    """Read one formula's rows, labels and tags into ``stack``, calling ``finish`` for each row that ends."""
    depth = 0
    pos = 0
    while (m := _TOKEN_OR_TEXT.search(tex, pos)) is not None:
        pos = m.end()
        tok = m.group()
        ctx = stack[-1]
        if tok.startswith("%"):  # a comment
            continue
        if not tok.startswith("\\"):
            if tok == "{":
                depth += 1
                ctx.row.content = True
            elif tok == "}":
                if depth == ctx.depth:  # "Extra close brace": an array environment ends its table first
                    if ctx.env not in _NOT_ARRAYS:
                        finish(ctx, True)
                    raise _NumberingError
                depth -= 1
            elif not _SPACE_ONLY.fullmatch(tok):
                ctx.row.content = True
            continue
        name = tok[1:]
        if name in ("begin", "end"):
            arg = b.group_at(m.end())
            if arg is None:
                raise _NumberingError  # "Missing argument for \begin"
            env = tex[arg[0] + 1:arg[1] - 1].strip()
            pos = arg[1]
            if name == "begin":
                if env == "empheq":  # \begin{empheq}[options]{align}: numbered as the environment it names
                    opt = b.brackets(pos)
                    inner = b.group_at(opt if opt is not None else pos)
                    if inner is not None:
                        env = tex[inner[0] + 1:inner[1] - 1].strip()
                        pos = inner[1]
                ctx.row.content = True
                if env in _TAGGABLE:
                    if len(stack) > 1:
                        raise _NumberingError  # "Erroneous nesting of equation structures"
                    stack.append(_Context(env, depth))
                    if env in _WITH_COUNT:
                        count = b.group(pos)
                        pos = count if count is not None else pos
                else:
                    if env in _TAG_SWALLOWING and ctx.swallowing is None:
                        ctx.swallowing = len(ctx.inner)
                        ctx.moved = set()
                    ctx.inner.append(env)
            elif ctx.inner:
                if ctx.inner.pop() != env:
                    raise _NumberingError  # "\begin{…} ended with \end{…}"
                if ctx.swallowing is not None and len(ctx.inner) <= ctx.swallowing:
                    ctx.swallowing = None
            elif len(stack) > 1 and env in (ctx.env, "empheq"):
                finish(ctx, True)
                stack.pop()
            else:  # "\begin{…} ended with \end{…}" (the environment ends first) or "Extra \end{…}"
                if ctx.env:
                    finish(ctx, True)
                raise _NumberingError
            continue
        if name in ("\\", "cr"):
            if not ctx.inner and name == "cr" and (ctx.env in ("", "equation", "equation*") or depth != ctx.depth):
                raise _NumberingError  # "Misplaced \cr": only arrays have rows
            if name == "\\":
                q = b.skip_ws(m.end())
                if tex.startswith("*", q):
                    q = b.skip_ws(q + 1)
                if tex.startswith("[", q):  # \\[2pt]; anything else in brackets is an error before the row ends
                    opt = b.brackets(q, 60)
                    if opt is None or not _DIMENSION.fullmatch(tex, q + 1, opt - 1):
                        raise _NumberingError  # "Bracket argument to \\ must be a dimension"
                    q = opt
                pos = q
            if not ctx.one_row and not ctx.inner and depth == ctx.depth:
                finish(ctx, False)
            else:
                ctx.row.content = True
            continue
        if name in _PLAIN_ARRAYS:
            ctx.row.content = True
            arg = b.group(m.end())
            pos = arg if arg is not None else pos
            continue
        if name == "label":
            arg = b.group_at(m.end())
            if arg is None:
                raise _NumberingError
            label = tex[arg[0] + 1:arg[1] - 1]  # MathJax does not trim labels: \eqref must match exactly
            pos = arg[1]
            if not label or _dropped(ctx, "label"):
                continue
            if ctx.row.label is not None or label in labels or label in page:
                raise _NumberingError  # "Multiple \label" / "Label '…' multiply defined"
            ctx.row.label = label
            continue
        if name == "tag":
            q = b.skip_ws(m.end())
            if tex.startswith("*", q):
                q += 1
            arg = b.group_at(q)
            if arg is not None and _dropped(ctx, "tag"):
                pos = arg[1]
                continue
            if ctx.env in _UNTAGGABLE or ctx.row.tag:
                raise _NumberingError  # "Multiple \tag"
            if arg is None:
                raise _NumberingError
            ctx.row.tag = _fixed_text(b, arg[0] + 1, arg[1] - 1).strip()
            ctx.row.notag = False
            pos = arg[1]
            continue
        if name in ("nonumber", "notag"):
            ctx.row.tag = ""
            ctx.row.notag = True
            continue
        if name not in _NOT_CONTENT:
            ctx.row.content = True


def _dropped(ctx: _Context, kind: str) -> bool:
    """Whether adapt drops this \\tag or \\label: the second of its kind to leave one aligned-like environment."""
    if ctx.swallowing is None:
        return False
    if kind in ctx.moved:
        return True
    ctx.moved.add(kind)
    return False


_TOKEN_OR_TEXT = re.compile(r"\\(?:[A-Za-z]+|.)|\\|[{}]|%[^\n]*|[^\\{}%]+", re.S)


def equation_numbers(formulas: Sequence[str]) -> dict[str, str]:
    """Label → the number MathJax 3 (tags "ams") shows for it, on a page whose formulas are ``formulas`` in order.

    Numbered: each row of align, gather, eqnarray, alignat, xalignat and flalign, the whole of equation and
    multline; rows split at ``\\\\`` and ``\\cr`` of the environment itself (not of an inner array or cases, not
    inside braces); an empty last row (after a final ``\\\\``) is no row.  ``\\nonumber``/``\\notag`` leave a row
    without number, ``\\tag{x}`` (or ``\\tag*{x}``) gives it "x" (as adapted text-mode TeX, ready for ``\\text{…}``)
    without using a number, and a ``\\tag`` at the top of a formula tags it.  Starred environments number nothing;
    a label, tag or nonumber inside aligned/split/gathered counts for its row (as :func:`adapt` moves it there, and
    a second tag or label of one such environment not at all, as adapt drops it); one that adapt makes align
    numbers as align.
    Labels are matched as MathJax matches them: exactly, spaces included; an empty one is ignored.  A formula
    MathJax 3 stops with an error (unbalanced braces, nested numbered environments, two labels or tags in a row, a
    label defined before, ``\\cr`` outside an array, a missing ``\\end``) keeps the rows it finished before the
    error, as in the browser, and numbers nothing after it.  Formulas are taken as display math: a ``\\tag`` in
    inline math, which MathJax ignores, is counted.
    """
    numbers: dict[str, str] = {}
    counter = 0
    # Only a \label gives a number a name: the formulas after the page's last one change nothing returned.
    last = max((k for k, tex in enumerate(formulas) if isinstance(tex, str) and "\\label" in tex), default=-1)
    for tex in formulas[:last + 1]:
        if not isinstance(tex, str) or ("\\begin" not in tex and "\\tag" not in tex and "\\label" not in tex):
            continue
        counter, labels = _number_formula(tex, counter, numbers)
        numbers.update(labels)
    return numbers


# ---------------------------------------------------------------------------------------------------------------
# unique_labels


@dataclass(frozen=True)
class RepeatedLabel:
    """A ``\\label`` defined again: by a later formula of the page, or a later row of the same formula."""

    formula: int  # its index in the formulas given to unique_labels
    label: str


_SIMPLE_LABEL = re.compile(r"\\label\s*\{([^{}\\]*)\}")


def _labels_distinct(formulas: Sequence[str]) -> bool:
    """Whether every ``\\label`` of these formulas is plainly written and names a label no other one names.

    Then nothing can be defined twice, and :func:`unique_labels` need not read a formula's structure (most
    pages: a quick look instead of parsing each formula's braces).
    """
    names: set[str] = set()
    for tex in formulas:
        if not isinstance(tex, str) or "\\label" not in tex:
            continue
        found = _SIMPLE_LABEL.findall(tex)
        if len(found) != tex.count("\\label"):
            return False
        for name in found:
            if name in names:
                return False
            names.add(name)
    return True


def unique_labels(formulas: Sequence[str]) -> tuple[list[str], list[RepeatedLabel]]:
    """The formulas of one page, each ``\\label`` an earlier one defined dropped; and one record per drop.

    MathJax 3 keeps every label of a page in one table and stops a formula that defines one again with "Label '…'
    multiply defined", shown in place of the whole formula.  Dropping the second definition lets that formula
    typeset (with its number, if it has one) and leaves every ``\\eqref`` pointing at the first, which is what
    MathJax 2 linked to.  The formulas are taken in page order, as MathJax typesets them; labels are matched exactly,
    as MathJax matches them; an empty label, one in a text-mode argument or a macro definition, and the labels of a
    formula whose end MathJax never finds (an open brace) define nothing.  A formula that needs no change comes
    back as the same object; number the returned formulas with :func:`equation_numbers`.
    """
    if _labels_distinct(formulas):
        return list(formulas), []
    seen: set[str] = set()
    out: list[str] = []
    repeats: list[RepeatedLabel] = []
    for index, tex in enumerate(formulas):
        if not isinstance(tex, str) or "\\label" not in tex:
            out.append(tex)
            continue
        b = _Braces(tex)
        if b.unclosed or _odd_backslashes(tex, len(tex) - 1):
            out.append(tex)
            continue
        skipped = _Spans([*_text_spans(b), *_definitions_in(tex, b)[0]])
        edits: list[tuple[int, int, str]] = []
        pos = 0
        while (m := _next_command(tex, pos, ("label",))) is not None:
            pos = m.end()
            arg = b.group_at(m.end())
            if arg is None or skipped.overlaps(m.start(), m.end()):
                continue
            pos = arg[1]
            label = tex[arg[0] + 1:arg[1] - 1]
            if not label:
                continue
            if label not in seen:
                seen.add(label)
                continue
            # "\\alpha\\label{x}b" must not become "\\alphab"
            glue = " " if _LETTER.match(tex, arg[1]) else ""
            edits.append((m.start(), arg[1], glue))
            repeats.append(RepeatedLabel(index, label))
        out.append(_apply(tex, edits) if edits else tex)
    return out, repeats


# ---------------------------------------------------------------------------------------------------------------
# link_references

# JavaScript's \s, which MathJax's formatId replaces with "_" (Python's \s differs on a few characters).
_JS_SPACE = re.compile("[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]")
_URL_SAFE = "/-._~!'()*+,;=@"
_PERCENT_OK = re.compile(r"%(?![0-9A-Fa-f]{2})")
_PLAIN_NUMBER = re.compile(r"[\w .,:;'()+\-*/!?]{0,100}")
_REF_NAMES = ("ref", "eqref")
# Every character with a meaning in text mode, written to show as itself.
_NUMBER_ESCAPES = {**_TEXT_ESCAPES, "{": "\\{", "}": "\\}", "$": "\\$", "\\": "\\\\", "~": "\\unicode{x7E}"}


def equation_anchor(label: str) -> str:
    """The URL fragment (without '#') MathJax 3 links ``\\eqref{label}`` to: ``mjx-eqn:`` + label, spaces as '_'.

    MathJax 3's AbstractTags: ``formatId(label) = "mjx-eqn:" + label.replace(/\\s/g, "_")`` (useLabelIds) and
    ``formatUrl(id, base) = base + "#" + encodeURIComponent(id)``; this reproduces encodeURIComponent.
    """
    ident = "mjx-eqn:" + _JS_SPACE.sub("_", label)
    return quote(ident.encode("utf-8", "surrogatepass"), safe="-_.!~*'()")


def _safe_url(url: str) -> str:
    """A relative page URL that cannot end the ``\\href`` argument, start a scheme or leave the site."""
    url = url.split("#", 1)[0]
    url = quote(url.encode("utf-8", "surrogatepass"), safe=_URL_SAFE + "%")
    url = _PERCENT_OK.sub("%25", url)
    if url.startswith("//"):
        url = "/" + url.lstrip("/")
    return url


def _safe_number(number: str) -> str:
    """The shown number as TeX for a text-mode argument: plain as it is, other TeX only when it is well formed."""
    number = " ".join(str(number).split())[:200]
    if _PLAIN_NUMBER.fullmatch(number):
        return number
    b = _Braces(number)
    dollars = len(re.findall(r"(?<!\\)\$", number))
    if b.balanced and dollars % 2 == 0 and not number.endswith("\\"):
        # $…$ would end an inline formula early in the Markdown; \(…\) means the same in text mode.
        parts = re.split(r"(?<!\\)\$", number)
        return "".join(p if i % 2 == 0 else f"\\({p}\\)" for i, p in enumerate(parts))
    return "".join(_NUMBER_ESCAPES.get(c, c) for c in number)


def link_references(tex: str, local: Collection[str], foreign: Mapping[str, tuple[str, str]]
                    ) -> tuple[str, list[str]]:
    """``\\eqref``/``\\ref`` to labels of other chapters as links to them; and notes naming unknown labels.

    Labels are matched exactly, as MathJax matches them.  A reference whose label is in ``local`` stays: MathJax
    links it on the page.  One whose label is in ``foreign`` (label → (relative URL of the chapter page, shown
    number)) becomes ``\\href{URL#mjx-eqn%3A…}{\\text{(n)}}`` (``n`` for ``\\ref``; inside text mode the number
    without ``\\text``): the fragment is the one MathJax 3 gives that label's tag (:func:`equation_anchor`),
    percent-encoded, so no label can end the argument; the URL is percent-encoded the same way and loses any
    fragment; a number that is not well-formed text-mode TeX is escaped.  Other labels stay as they are (MathJax
    shows "(???)") and are named in the notes, once each.
    """
    if not isinstance(tex, str) or "ref" not in tex:
        return tex, []
    b = _Braces(tex)
    text_spans = _text_spans(b)
    starts = [s for s, _ in text_spans]
    edits: list[tuple[int, int, str]] = []
    unknown: list[str] = []
    seen: set[str] = set()
    pos = 0
    while (m := _next_command(tex, pos, _REF_NAMES)) is not None:
        pos = m.end()
        name = m.group()[1:]
        arg = b.group_at(m.end())
        if arg is None:
            continue
        pos = arg[1]
        label = tex[arg[0] + 1:arg[1] - 1]  # as MathJax looks it up: not trimmed
        if label in local:
            continue
        target = foreign.get(label)
        if target is None:
            note = f"unknown label {label[:80]!r}"
            if note not in seen:
                seen.add(note)
                unknown.append(note)
            continue
        url, number = target
        i = bisect.bisect_right(starts, m.start()) - 1
        text_mode = i >= 0 and m.start() < text_spans[i][1]
        shown = _safe_number(number)
        if name == "eqref":
            shown = f"({shown})"
        body = shown if text_mode else f"\\text{{{shown}}}"
        href = f"{_safe_url(str(url))}#{equation_anchor(label)}"
        edits.append((m.start(), arg[1], f"\\href{{{href}}}{{{body}}}"))
    return _apply(tex, edits), unknown


def _text_spans(b: _Braces) -> list[tuple[int, int]]:
    """(start, end) of the text-mode arguments of a formula, outermost only, in order."""
    tex = b.tex
    if "\\t" not in tex and "box" not in tex:
        return []
    spans: list[tuple[int, int]] = []
    pos = 0
    while (m := _next_command(tex, pos, _TEXT_COMMANDS)) is not None:
        pos = m.end()
        name = m.group()[1:]
        p = m.end()
        for _ in range(_TEXT_COMMANDS[name]):
            raw = b.group(p)
            if raw is None:
                break
            p = raw
        arg = b.group_at(p)
        if arg is not None:
            spans.append(arg)
            pos = arg[1]
    return spans


# ---------------------------------------------------------------------------------------------------------------
# restore_delimiters


@dataclass(frozen=True)
class Lost:
    """TeX found outside any formula that could not be restored safely: where, what, why."""

    offset: int  # in the paragraph given to restore_delimiters
    snippet: str  # at most 60 characters
    reason: str


# Control words that only TeX uses: only these make a stretch of text count as lost TeX.  Short words that are
# also backslash escapes elsewhere (\n, \t, \r, \b, \d, \s, \w, \x, \u) are not in the list.
_TEX_WORDS = frozenset("""
alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi varpi rho varrho
sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega
frac dfrac tfrac sqrt sum prod int iint iiint oint lim limsup liminf sup inf max min argmax argmin log ln exp sin
cos tan sinh cosh tanh arcsin arccos arctan det dim ker Pr
boldsymbol mathbf mathbb mathcal mathrm mathit mathsf mathtt mathscr mathfrak operatorname text textbf textrm
left right big Big bigg Bigg bigl bigr Bigl Bigr langle rangle lfloor rfloor lceil rceil Vert vert lVert rVert
partial nabla infty cdot cdots ldots vdots ddots times div pm mp circ ast star otimes oplus odot
leq geq neq le ge ne approx sim simeq equiv propto ll gg subset supset subseteq supseteq in notin cup cap
wedge vee forall exists emptyset varnothing
to rightarrow leftarrow Rightarrow Leftarrow leftrightarrow Leftrightarrow mapsto longrightarrow Longrightarrow
hat bar tilde vec dot ddot widehat widetilde overline underline overbrace underbrace overset underset stackrel
quad qquad displaystyle textstyle begin end label eqref tag nonumber dots mid perp prime ell hbar binom dbinom
tbinom boxed xrightarrow xleftarrow iff implies neg land lor triangleq mathop nolimits check breve lvert rvert
""".split())
_STRONG = re.compile(r"\\([A-Za-z]+)|(?<=[A-Za-z0-9})\]])[_^]\{")
# A run: what can sit between CJK text in a formula (printable ASCII but '$' and '`').
_RUN = re.compile(r"[\t\n\r\x20-\x23\x25-\x5f\x61-\x7e]+")
_CJK = "\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
# Never TeX: URLs and Windows paths (to the next space or CJK character), text in backticks.  Bounded prefixes keep
# the search linear on long runs of letters.
_MASK = re.compile(rf"(?:(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{{0,30}}://|www\.|(?<![A-Za-z])[A-Za-z]:\\)"
                   rf"[^\s{_CJK}]*|`[^`\n]{{0,500}}`")
# Every match of _MASK holds one of these; the pattern itself is slow on long text without any.
_MAY_MASK = re.compile(r"://|www\.|:\\|`")
# Prose: an ASCII word of three letters or more that is not a control word's name.
_PROSE_WORD = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{3,}")
_CJK_EDGE = re.compile(rf"[{_CJK}\u2014\u2018-\u201d\u2026]")
_ENV_WORD = re.compile(r"\\(?:begin|end)(?![A-Za-z])")
_ALIGNMENT = re.compile(r"(?<!\\)&")


# Control words that typeset nothing where they stand: text that is only these names them, it is no lost formula.
_SILENT = frozenset({"label", "tag", "nonumber", "notag"})
NOTHING_SHOWN = ("TeX that typesets as nothing (\\label, \\tag, a definition, empty braces): a command named in "
                 "the text?")


def _typesets_nothing(run: str) -> bool:
    """Whether ``run`` as a formula would show nothing: only ``\\label``, ``\\tag``, ``\\nonumber``, definitions,
    and commands whose arguments are empty (``\\mathbf{}``).  Such a stretch is a command named in the prose
    ("用\\tag{}可以自定义编号"); as ``$…$`` it would leave a gap where the reader expects the command's name."""
    b = _Braces(run)
    definitions = _definitions_in(run, b)[0]
    k = 0
    i = 0
    while i < len(run):
        while k < len(definitions) and definitions[k][1] <= i:
            k += 1
        if k < len(definitions) and definitions[k][0] <= i:
            i = definitions[k][1]
            continue
        c = run[i]
        if c in " \t\r\n":
            i += 1
        elif c == "{":
            end = b.close.get(i)
            if end is None or run[i + 1:end - 1].strip():
                return False
            i = end
        elif c == "\\":
            cs = _CS.match(run, i)
            if cs is None:  # a lone backslash at the end
                return False
            name = cs.group()[1:]
            i = cs.end()
            if name in ("nonumber", "notag") or name in _DEFINERS:  # a malformed definition shows nothing either
                continue
            q = b.skip_ws(i)
            if name == "tag" and run.startswith("*", q):
                i = q + 1
            end = b.group(i)
            if end is None:
                if name in _SILENT:  # "\\label" named without an argument
                    continue
                return False
            if name not in _SILENT and run[b.skip_ws(i) + 1:end - 1].strip():
                return False
            i = end
        else:
            return False
    return True


def _snippet(text: str, start: int, end: int) -> str:
    s = " ".join(text[start:end].split())
    return s if len(s) <= 60 else s[:59] + "…"


def _strong_signal(run: str) -> bool:
    for m in _STRONG.finditer(run):
        if m.group(1) is None or m.group(1) in _TEX_WORDS:
            return True
    return False


def _prose(run: str) -> bool:
    """True when the run reads as words, not mathematics: words outside braces that are not control words."""
    depth = 0
    outside: list[str] = []
    for m in re.finditer(r"\\[A-Za-z]+|\\.|[{}]|[^\\{}]+", run, re.S):
        t = m.group()
        if t == "{":
            depth += 1
        elif t == "}":
            depth -= 1
        elif depth == 0 and not t.startswith("\\"):
            outside.append(t)
    return bool(_PROSE_WORD.search(" ".join(outside)))


def restore_delimiters(text: str) -> tuple[str, list[Lost]]:
    """A paragraph with the ``$`` a scrape lost put back where that is unambiguous; and what was left as it was.

    Only the text between formulas is looked at (formulas as :func:`builder.mathtext.split_math` finds them stay
    byte for byte).  A stretch of TeX counts when it holds a control word only TeX uses (``\\frac``,
    ``\\boldsymbol``, ``\\mathcal``, ``\\sum``, Greek letters…) or a braced sub/superscript (``x_{t}``, ``^{2}``):
    a bare ``\\n``, a lone ``\\``, URLs, ``C:\\path`` and text in backticks never do.  Then:

    - a paragraph that is nothing but TeX (with no formula in it but ``\\begin{…}…\\end{…}``) → ``$$…$$``;
    - TeX around a ``\\begin{…}…\\end{…}`` formula (``\\left\\{`` … ``\\right.``) → one ``$$…$$`` with it;
    - a stretch of TeX between CJK text or punctuation (or the paragraph's edge), braces balanced → ``$…$``.

    Otherwise (English words around the control word, unbalanced braces, a neighbour that is not CJK, a
    stretch ending in ``\\``, ``_`` or ``^``, a ``\\begin`` without its ``\\end``) the text stays and a
    :class:`Lost` says where, what and why.  Linear in the paragraph's length.
    """
    if not isinstance(text, str) or ("\\" not in text and "_{" not in text and "^{" not in text):
        return text, []
    pieces: list[tuple[str, int, int]] = []  # (kind, start, end): "text", "env" (\begin…\end) or "math"
    pos = 0
    for kind, start, end, _ in _tokens(text, Closers(text)):
        if kind in ("lone", "esc"):  # an unmatched '$' or \begin, or \$: text
            continue
        if start > pos:
            pieces.append(("text", pos, start))
        pieces.append(("env" if kind == "env" else "math", start, end))
        pos = end
    if pos < len(text):
        pieces.append(("text", pos, len(text)))
    masks = _Spans(m.span() for m in _MASK.finditer(text)) if _MAY_MASK.search(text) else _Spans(())
    whole = _whole_paragraph(text, pieces, masks)
    if whole is not None:
        return whole
    edits: list[tuple[int, int, str]] = []
    lost: list[Lost] = []
    for i, (kind, start, end) in enumerate(pieces):
        if kind != "text":
            continue
        for m in _RUN.finditer(text, start, end):
            run = m.group()
            if not _strong_signal(run) or masks.overlaps(m.start(), m.end()):
                continue
            a = m.start() + len(run) - len(run.lstrip())
            z = m.end() - (len(run) - len(run.rstrip()))
            if a == start and i > 0 and pieces[i - 1][0] == "env":
                reason = _around_environment(text, pieces, i - 1, masks, edits)
            elif z == end and i + 1 < len(pieces) and pieces[i + 1][0] == "env":
                reason = _around_environment(text, pieces, i + 1, masks, edits)
            else:
                reason = _ambiguity(text, a, z, m.start(), m.end(), start, end, pieces, i)
                if reason is None:
                    edits.append((a, z, f"${text[a:z]}$"))
            if reason is not None:
                lost.append(Lost(a, _snippet(text, a, z), reason))
    return _apply(text, _dedupe(edits)), lost


class _Spans:
    """Sorted, merged (start, end) spans, with an overlap test in O(log n)."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for s, e in sorted(spans):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self.starts = [s for s, _ in merged]
        self.ends = [e for _, e in merged]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end) - 1
        return i >= 0 and self.ends[i] > start


def _ambiguity(text: str, a: int, z: int, run_start: int, run_end: int, start: int, end: int,
               pieces: list[tuple[str, int, int]], i: int) -> str | None:
    """Why the TeX in ``text[a:z]`` (spaces around it: up to ``run_start``/``run_end``) cannot become ``$…$``."""
    run = text[a:z]
    if not _Braces(run).balanced:
        return "unbalanced braces"
    if _ENV_WORD.search(run):
        return "\\begin or \\end without its other half"
    if _typesets_nothing(run):
        return NOTHING_SHOWN
    if _prose(run):
        return "TeX among ASCII words: where the formula starts and ends is unclear"
    if run[-1] in "\\_^":
        return "TeX ends in a backslash or an open script"
    if _ALIGNMENT.search(run):
        return "'&' outside an environment"
    left_ok = _CJK_EDGE.match(text, run_start - 1) if run_start > start else i == 0
    right_ok = _CJK_EDGE.match(text, run_end) if run_end < end else i + 1 == len(pieces)
    if not (left_ok and right_ok):
        return "TeX not set off by Chinese text or punctuation"
    return None


def _around_environment(text: str, pieces: list[tuple[str, int, int]], env: int, masks: _Spans,
                        edits: list[tuple[int, int, str]]) -> str | None:
    """TeX next to a ``\\begin…\\end`` formula (``\\left\\{`` before it, ``\\right.`` after): one display formula.

    Each side counts when it is TeX all the way from the environment to CJK text (or the paragraph's edge);
    the display formula runs over both sides and the environment.
    """
    _, first, last = pieces[env]
    if env > 0 and pieces[env - 1][0] == "text":
        _, s, e = pieces[env - 1]
        run = _last_run(text, s, e)
        if run is not None and text[run[0]:e].strip():
            begin = run[0] + len(text[run[0]:e]) - len(text[run[0]:e].lstrip())
            if not (begin == s and env - 1 == 0) and not _CJK_EDGE.match(text, begin - 1):
                return "TeX next to an environment, not set off by Chinese text"
            first = begin
    if env + 1 < len(pieces) and pieces[env + 1][0] == "text":
        _, s, e = pieces[env + 1]
        run = _RUN.match(text, s, e)
        if run is not None and run.group().strip():
            stop = run.end() - (len(run.group()) - len(run.group().rstrip()))
            if not (stop == e and env + 2 == len(pieces)) and not _CJK_EDGE.match(text, stop):
                return "TeX next to an environment, not set off by Chinese text"
            last = stop
    outside = text[first:pieces[env][1]] + text[pieces[env][2]:last]
    if masks.overlaps(first, last) or _prose(outside) or _ENV_WORD.search(outside) or _ALIGNMENT.search(outside):
        return "TeX next to an environment, among words"
    if not _Braces(text[first:last]).balanced:
        return "unbalanced braces around an environment"
    edits.append((first, last, f"$${text[first:last]}$$"))
    return None


def _last_run(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The run of ASCII that ends ``text[start:end]``, found from the end (so its cost is its length)."""
    i = end
    while i > start and _RUN.match(text, i - 1, i):
        i -= 1
    return (i, end) if i < end else None


def _whole_paragraph(text: str, pieces: list[tuple[str, int, int]],
                     masks: _Spans) -> tuple[str, list[Lost]] | None:
    """The paragraph as one display formula when it is nothing but TeX; None when it is not."""
    body = text.strip()
    if not body or any(kind == "math" for kind, _, _ in pieces):
        return None
    plain = " ".join(text[s:e] for kind, s, e in pieces if kind == "text")
    if not plain.strip() or _RUN.fullmatch(plain) is None or not _strong_signal(plain):
        return None
    if masks.overlaps(0, len(text)) or _prose(plain) or _ENV_WORD.search(plain):
        return None
    if _ALIGNMENT.search(plain):
        return text, [Lost(len(text) - len(text.lstrip()), _snippet(text, 0, len(text)),
                           "a paragraph of TeX with '&' outside an environment")]
    lead = len(text) - len(text.lstrip())
    if _typesets_nothing(body):
        return text, [Lost(lead, _snippet(text, 0, len(text)), NOTHING_SHOWN)]
    if _odd_backslashes(body, len(body) - 1):  # it would escape the closing '$'
        return text, [Lost(lead, _snippet(text, 0, len(text)), "a paragraph of TeX ending in a backslash")]
    if not _Braces(body).balanced:
        return text, [Lost(lead, _snippet(text, 0, len(text)), "a paragraph of TeX with unbalanced braces")]
    return f"{text[:lead]}$${body}$${text[lead + len(body):]}", []


def _dedupe(edits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Edits sorted, repeats and the later of two overlapping ones dropped (both sides of one environment)."""
    out: list[tuple[int, int, str]] = []
    for edit in sorted(set(edits)):
        if out and edit[0] < out[-1][1]:
            continue
        out.append(edit)
    return out
