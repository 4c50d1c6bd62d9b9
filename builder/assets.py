"""Files the site serves that come from installed packages, not from git.

MathJax 3 is installed from PyPI (``sphinx-mathjax-offline`` ships the
complete MathJax 3.2.2 tree); the site needs only the all-in-one TeX/CHTML
component, its woff fonts, and the ``ui/safe`` extension that filters what
untrusted TeX may ask for (links, styles, classes, ids); MathJax's loader
finds them relative to the script at run time.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

MATHJAX_DIST = "sphinx-mathjax-offline"
MATHJAX_SCRIPT = "tex-chtml-full.js"
MATHJAX_EXTRAS = ("ui/safe.js",)
SITE_PREFIX = "assets/mathjax"


class MissingAsset(RuntimeError):
    pass


def mathjax_root() -> Path:
    try:
        dist = metadata.distribution(MATHJAX_DIST)
    except metadata.PackageNotFoundError as err:
        raise MissingAsset(f"MathJax is not installed: pip install {MATHJAX_DIST} "
                           "(or install this project, which depends on it)") from err
    root = Path(str(dist.locate_file("sphinx-mathjax-offline/static/mathjax")))
    for name in (MATHJAX_SCRIPT, *MATHJAX_EXTRAS):
        if not (root / name).is_file():
            raise MissingAsset(f"{MATHJAX_DIST} is installed but {root / name} is missing")
    return root


def mathjax_files() -> dict[str, Path]:
    """Site path → installed file, for the script and its fonts."""
    root = mathjax_root()
    files = {f"{SITE_PREFIX}/{name}": root / name for name in (MATHJAX_SCRIPT, *MATHJAX_EXTRAS)}
    for font in sorted((root / "output/chtml/fonts/woff-v2").glob("*.woff")):
        files[f"{SITE_PREFIX}/output/chtml/fonts/woff-v2/{font.name}"] = font
    return files
