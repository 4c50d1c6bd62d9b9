"""Archive text to safe Markdown: formulas kept exactly, everything else literal.

The archive is text, not Markdown: a line that happens to start with ``#``,
``---``, ``!!!`` or ``1.``, raw HTML, or ``{{ … }}`` must show as typed.  So
formulas are cut out first and emitted in the one layout
``pymdownx.arithmatex`` reads reliably (display math alone between blank
lines, ``\\eqref`` inside ``$…$``), and everything else goes through the one
escaping rule for Markdown text, :func:`builder.escape.md_text`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .escape import md_text

# Any environment: MathJax (processEnvironments) typesets \begin{array}, \begin{cases}… outside delimiters too.
_ENVS = r"[A-Za-z]{1,30}\*?"
# The formula grammar, tried in this order at every '$' or '\' (first alternative wins, as in a regex
# alternation): $$…$$, \begin{env}…\end{env}, \[…\], \(…\), \$, $…$, \ref{…}/\eqref{…}, and openers with
# no closer ('$', \begin{…}, \end{…}), which stay text.  Bodies of $$, \[ and \( hold at least one character.
_OPENER = re.compile(r"[$\\]")
_ENV_OPEN = re.compile(rf"\\begin\{{({_ENVS})\}}")
_REF = re.compile(r"\\(?:eq)?ref\{[^{}$]*\}")
# The body of $…$: escaped characters or anything but '$' and '\'; it ends at the first unescaped '$'.
_DOLLAR_BODY = re.compile(r"(?:\\.|[^$\\])*", re.S)
# What MathJax's finder (2 and 3) watches in a $…$ body: a '$' closes it only outside braces, so
# ``$\text{当$x>0$时}$`` is one formula.
_DOLLAR_STOPS = re.compile(r"\\.|[{}$]", re.S)
_UNESCAPED_DOLLAR = re.compile(r"\\.|\$", re.S)
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Segment:
    kind: str  # "text", "inline" (math) or "display" (math)
    value: str


@dataclass(frozen=True)
class MathIssue:
    offset: int
    message: str


# Kinds of closer one paragraph may search for: every environment name is one, so a paragraph of a
# thousand differently named \begin{…} without an end would otherwise be searched a thousand times.
MAX_CLOSERS = 24


class Closers:
    """Where the next closing delimiter of each kind is, each stretch of text searched once.

    Openers are met left to right, so the searches for one closer start at (nearly) increasing
    positions: a search that found the closer at q answers every later search that starts at or
    before q, and one that found nothing answers every later one.  Without this memory a paragraph
    of n unclosed openers costs n searches to its end, quadratic in its length.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.memo: dict[str, tuple[int, int]] = {}  # closer → (searched from, found at or -1)
        self.scanned = 0  # characters searched, for tests of the linear bound

    def find(self, closer: str, start: int) -> int:
        memo = self.memo.get(closer)
        if memo is not None:
            origin, found = memo
            if origin <= start and (found == -1 or found >= start):
                return found
            if start < origin:  # a little behind the remembered search: only the gap is new
                self.scanned += origin - start
                hit = self.text.find(closer, start, origin + len(closer) - 1)
                return found if hit == -1 else hit
        hit = self.text.find(closer, start)
        self.scanned += (len(self.text) if hit == -1 else hit) - start
        self.memo[closer] = (start, hit)
        return hit


def _tokens(text: str, closers: Closers) -> Iterator[tuple[str, int, int, str]]:
    """(kind, start, end, body) of every formula token, left to right, in time linear in the text.

    ``body`` is the inside of ``$$``, ``\\[``, ``\\(`` and ``$`` formulas and the whole token otherwise.
    """
    size = len(text)
    braces_close = True  # False once a brace-counting $…$ scan ran to the end (linear time)
    dollar_closes = True  # False once a $…$ body ran to the end: every later one would too
    pos = 0
    while (opener := _OPENER.search(text, pos)) is not None:
        p = opener.start()
        if text[p] == "$":
            if text.startswith("$$", p):
                q = closers.find("$$", p + 3)
                if q != -1:
                    yield "dd", p, q + 2, text[p + 2:q]
                    pos = q + 2
                    continue
            if dollar_closes and p + 1 < size and text[p + 1] != "$":
                # Backslashes pair with the next character, so a scan that found no unescaped '$'
                # passed every later '$' as escaped: a body starting after one of them fails alike.
                body = _DOLLAR_BODY.match(text, p + 1)
                end = body.end() if body else p + 1  # it always matches, if only the empty string
                closers.scanned += end - p - 1
                if end < size and text[end] == "$":
                    if braces_close and _unbalanced_braces(text[p + 1:end]):
                        # The '$' may stand inside braces (\text{当$x>0$时}), where MathJax reads on.
                        inner = _dollar_end(text, p + 1)
                        closers.scanned += (size if inner == -1 else inner) - p - 1
                        if inner != -1:
                            end = inner
                        else:  # at most one such scan runs to the end: later bodies end at their first '$'
                            braces_close = False
                    yield "d", p, end + 1, text[p + 1:end]
                    pos = end + 1
                    continue
                dollar_closes = False
            yield "lone", p, p + 1, "$"
            pos = p + 1
            continue
        found = _backslash_token(text, p, closers)
        if found is None:
            pos = p + 1
            continue
        yield found
        pos = found[2]


def _dollar_end(text: str, start: int) -> int:
    """Where the '$' that closes a $…$ body begun at ``start`` is, counting braces as MathJax does; -1 if none."""
    depth = 0
    for m in _DOLLAR_STOPS.finditer(text, start):
        stop = m.group()
        if stop == "$":
            if not depth:
                return m.start()
        elif stop == "{":
            depth += 1
        elif stop == "}" and depth:
            depth -= 1
    return -1


def _inner_math(body: str) -> str:
    """A $…$ body with the formulas inside its text (``\\text{当$x>0$时}``) written ``\\(…\\)``.

    MathJax reads both alike there, but every '$' parser after this one (the canonical dialect's,
    arithmatex's) would end the formula at the inner '$'.
    """
    if "$" not in body:
        return body
    count = 0

    def swap(m: re.Match[str]) -> str:
        nonlocal count
        if m.group() != "$":
            return m.group()
        count += 1
        return "\\(" if count % 2 else "\\)"

    swapped = _UNESCAPED_DOLLAR.sub(swap, body)
    return swapped if count % 2 == 0 else body


def _backslash_token(text: str, p: int, closers: Closers) -> tuple[str, int, int, str] | None:
    """The token starting with the backslash at ``p``, if any (the grammar's order above)."""
    env = _ENV_OPEN.match(text, p)
    if env and (len(closers.memo) < MAX_CLOSERS or "\\end{" + env.group(1) + "}" in closers.memo):
        closer = "\\end{" + env.group(1) + "}"
        q = closers.find(closer, env.end())
        if q != -1:
            return "env", p, q + len(closer), text[p:q + len(closer)]
    for kind, opening, closing in (("brk", "\\[", "\\]"), ("par", "\\(", "\\)")):
        if text.startswith(opening, p):
            q = closers.find(closing, p + 3)
            if q != -1:
                return kind, p, q + 2, text[p + 2:q]
    if text.startswith("\\$", p):
        return "esc", p, p + 2, "\\$"
    ref = _REF.match(text, p)
    if ref:
        return "ref", p, ref.end(), ref.group()
    for opening in ("\\begin{", "\\end{"):
        if text.startswith(opening, p):
            q = closers.find("}", p + len(opening))
            if q != -1:
                return "lone", p, q + 1, text[p:q + 1]
    return None


def split_math(text: str) -> tuple[list[Segment], list[MathIssue]]:
    """Cut a paragraph into text and formulas; report what cannot be math.

    Linear in the paragraph's length, whatever it holds (see ``Closers``).
    """
    segments: list[Segment] = []
    issues: list[MathIssue] = []
    pos = 0
    buffer: list[str] = []
    for kind, start, end, body in _tokens(text, Closers(text)):
        buffer.append(text[pos:start])
        pos = end
        if kind == "esc":
            buffer.append("$")
            continue
        if kind == "lone":
            issues.append(MathIssue(start, f"unbalanced {body!r}: shown as text"))
            buffer.append(body)
            continue
        if kind == "dd" and not body.strip("$ \n"):  # a run of dollar signs is no formula
            issues.append(MathIssue(start, "a run of '$' signs: shown as text"))
            buffer.append(text[start:end])
            continue
        if any(buffer):
            segments.append(Segment("text", "".join(buffer)))
        buffer = []
        if kind in ("dd", "brk"):
            segments.append(Segment("display", "$$\n" + body.strip() + "\n$$"))
        elif kind == "env":
            segments.append(Segment("display", body.strip()))
        elif kind == "par":
            segments.append(Segment("inline", body))
        elif kind == "d":
            if len(CJK.findall(body)) > 12:
                issues.append(MathIssue(start, "inline formula holds much Chinese text: "
                                        "probably an unbalanced '$'"))
            segments.append(Segment("inline", _inner_math(body)))
        elif kind == "ref":
            segments.append(Segment("inline", body))
    buffer.append(text[pos:])
    if any(buffer):
        segments.append(Segment("text", "".join(buffer)))
    for seg in segments:
        if seg.kind != "text" and _unbalanced_braces(seg.value):
            issues.append(MathIssue(0, "unbalanced braces in a formula"))
    return segments, issues


_NOT_A_BRACE = re.compile(r"\\.|[^{}\\]+|\\")  # escaped characters (\{ too) and everything but braces


def _unbalanced_braces(tex: str) -> bool:
    braces = _NOT_A_BRACE.sub("", tex)
    if braces.count("{") != len(braces) // 2 or len(braces) % 2:
        return True
    depth = 0
    for brace in braces:
        depth += 1 if brace == "{" else -1
        if depth < 0:
            return True
    return False


def display_body(tex: str) -> str:
    """A display segment's TeX without its ``$$`` fence (an environment is its own delimiter)."""
    tex = tex.strip()
    if tex.startswith("$$") and tex.endswith("$$") and len(tex) >= 4:
        return tex[2:-2].strip()
    return tex


def inline_markdown(segments: list[Segment]) -> str:
    parts = []
    for seg in segments:
        if seg.kind == "text":
            parts.append(md_text(seg.value))
        else:
            body = " ".join(seg.value.split()) if seg.kind == "inline" else seg.value
            parts.append(f"${body}$")
    return "".join(parts)


def paragraph_markdown(segments: list[Segment]) -> str:
    """Blocks separated by blank lines: each display formula stands alone."""
    blocks: list[str] = []
    run: list[Segment] = []
    for seg in segments:
        if seg.kind == "display":
            if run:
                blocks.append(inline_markdown(run).strip())
                run = []
            blocks.append(seg.value)
        else:
            run.append(seg)
    if run:
        text = inline_markdown(run).strip()
        if text:
            blocks.append(text)
    return "\n\n".join(b for b in blocks if b)


def plain_text(segments: list[Segment]) -> str:
    """Text for descriptions and search: formulas left out."""
    return "".join(s.value for s in segments if s.kind == "text")


def formulas(segments: list[Segment]) -> list[str]:
    return [s.value for s in segments if s.kind != "text"]
