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
_HTML_COMMANDS = re.compile(r"\\(href|style|class|cssId|data)(?![A-Za-z])")
_REQUIRE = re.compile(r"\\require\s*\{([^{}]*)\}")
_SAFE_URL = re.compile(r"\\href\s*\{\s*https?://", re.I)


def unsafe_tex(tex: str) -> list[str]:
    """What in one formula the safe filter would drop or refuse, in words; empty when nothing."""
    found = []
    for m in _HTML_COMMANDS.finditer(tex):
        name = m.group(1)
        if name == "href" and _SAFE_URL.match(tex, m.start()):
            continue
        found.append(f"\\{name}" + (" with a link that is not http(s)" if name == "href" else ""))
    for m in _REQUIRE.finditer(tex):
        name = m.group(1).strip()
        if name not in BUNDLED_EXTENSIONS:
            found.append(f"\\require{{{name}}} (not bundled)")
    return found
