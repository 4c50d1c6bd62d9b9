"""Archive text to safe Markdown: formulas kept exactly, everything else literal.

The archive is text, not Markdown: a line that happens to start with ``#``,
``---``, ``!!!`` or ``1.``, raw HTML, or ``{{ … }}`` must show as typed.  So
every ASCII punctuation character outside formulas is backslash-escaped
(``pymdownx.escapeall`` makes any escape legal), and formulas are cut out
first and emitted in the one layout ``pymdownx.arithmatex`` reads reliably:
display math alone between blank lines, ``\\eqref`` inside ``$…$``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ENVS = r"equation\*?|align\*?|gather\*?|multline\*?|eqnarray\*?|alignat\*?|flalign\*?"
TOKEN = re.compile(
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
URL = re.compile(r"https?://[^\s<>\"'`，。；：！？、（）《》“”‘’,;{}|\\^]+", re.I)
ASCII_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Segment:
    kind: str  # "text", "inline" (math) or "display" (math)
    value: str


@dataclass(frozen=True)
class MathIssue:
    offset: int
    message: str


def split_math(text: str) -> tuple[list[Segment], list[MathIssue]]:
    """Cut a paragraph into text and formulas; report what cannot be math."""
    segments: list[Segment] = []
    issues: list[MathIssue] = []
    pos = 0
    buffer = ""
    for m in TOKEN.finditer(text):
        buffer += text[pos:m.start()]
        pos = m.end()
        kind = m.lastgroup
        if kind == "esc":
            buffer += "$"
            continue
        if kind == "lone":
            issues.append(MathIssue(m.start(), f"unbalanced {m.group()!r}: shown as text"))
            buffer += m.group()
            continue
        if buffer:
            segments.append(Segment("text", buffer))
            buffer = ""
        if kind == "dd":
            segments.append(Segment("display", "$$\n" + m.group("dd_body").strip() + "\n$$"))
        elif kind == "env":
            segments.append(Segment("display", m.group("env").strip()))
        elif kind == "brk":
            segments.append(Segment("display", "$$\n" + m.group("brk_body").strip() + "\n$$"))
        elif kind == "par":
            segments.append(Segment("inline", m.group("par_body")))
        elif kind == "d":
            body = m.group("d_body")
            if len(CJK.findall(body)) > 12:
                issues.append(MathIssue(m.start(), "inline formula holds much Chinese text: "
                                        "probably an unbalanced '$'"))
            segments.append(Segment("inline", body))
        elif kind == "ref":
            segments.append(Segment("inline", m.group("ref")))
    buffer += text[pos:]
    if buffer:
        segments.append(Segment("text", buffer))
    for seg in segments:
        if seg.kind != "text" and _unbalanced_braces(seg.value):
            issues.append(MathIssue(0, "unbalanced braces in a formula"))
    return segments, issues


def _unbalanced_braces(tex: str) -> bool:
    depth = 0
    for m in re.finditer(r"\\.|[{}]", tex):
        brace = m.group()
        if brace == "{":
            depth += 1
        elif brace == "}":
            depth -= 1
            if depth < 0:
                return True
    return depth != 0


def escape_text(text: str) -> str:
    """Literal text as Markdown; http(s) URLs become links, nothing else becomes markup."""
    out = []
    pos = 0
    for m in URL.finditer(text):
        url = m.group().rstrip(".:!?)]")
        out.append(ASCII_PUNCT.sub(r"\\\1", text[pos:m.start()]))
        out.append(f"<{url}>")
        pos = m.start() + len(url)
    out.append(ASCII_PUNCT.sub(r"\\\1", text[pos:]))
    return "".join(out)


def inline_markdown(segments: list[Segment]) -> str:
    parts = []
    for seg in segments:
        if seg.kind == "text":
            parts.append(escape_text(seg.value))
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
