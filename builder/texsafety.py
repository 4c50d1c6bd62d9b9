"""TeX that asks MathJax for more than mathematics.

The site's MathJax runs with its ``ui/safe`` filter and a ``\\require`` allow
list (docs/assets/javascripts/mathjax-config.js), so such TeX cannot link to
``javascript:``, restyle the page or load code.  The filter acts silently; this
module names the formulas it would act on, so ``check`` can list them with
file:line and an editor can look at each.
"""

from __future__ import annotations

import re

# The extensions tex-chtml-full.js holds, which `\require` may name; the same list
# as `tex.require.allow` in mathjax-config.js (a test keeps the two equal).
BUNDLED_EXTENSIONS = frozenset({
    "action", "ams", "amscd", "bbox", "boldsymbol", "braket", "bussproofs", "cancel", "cases", "centernot",
    "color", "colortbl", "empheq", "enclose", "extpfeil", "gensymb", "html", "mathtools", "mhchem",
    "newcommand", "noerrors", "noundefined", "upgreek", "unicode", "verb", "textcomp", "textmacros",
})
_HTML_COMMANDS = re.compile(r"\\(href|style|class|cssId|mmlToken)(?![A-Za-z])")
_BBOX_STYLE = re.compile(r"\\bbox\s*\[[^\]]*:")  # \bbox[color,padding,css]: a colon means CSS
_DATA = re.compile(r"\\data(?![A-Za-z])")
_REQUIRE = re.compile(r"\\require\s*\{([^{}]*)\}")
_SAFE_URL = re.compile(r"\\href\s*\{\s*https?://", re.I)
_DROPPED = "the site's MathJax drops it"


def unsafe_tex(tex: str) -> list[str]:
    """What in one formula the safe filter would drop or refuse, in words; empty when nothing."""
    found = []
    for m in _HTML_COMMANDS.finditer(tex):
        name = m.group(1)
        if name == "href" and _SAFE_URL.match(tex, m.start()):
            continue
        what = {"href": "a link that is not http(s)", "mmlToken": "MathML attributes"}.get(name, "HTML attributes")
        found.append(f"\\{name} ({what}): {_DROPPED}")
    if _BBOX_STYLE.search(tex):
        found.append(f"\\bbox with CSS: {_DROPPED}")
    if _DATA.search(tex):
        found.append("\\data (HTML attributes; not a MathJax 3 command): shown as an error")
    for m in _REQUIRE.finditer(tex):
        name = m.group(1).strip()
        if name not in BUNDLED_EXTENSIONS:
            found.append(f"\\require{{{name}}}: not bundled, refused")
    return found
