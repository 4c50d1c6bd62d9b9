"""Files the site serves that come from installed packages, not from git.

MathJax 3 is installed from PyPI (``sphinx-mathjax-offline`` ships the
complete MathJax 3.2.2 tree); the site needs only the all-in-one TeX/CHTML
component and its woff fonts, found relative to the script at run time.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

MATHJAX_DIST = "sphinx-mathjax-offline"
MATHJAX_SCRIPT = "tex-chtml-full.js"
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
    if not (root / MATHJAX_SCRIPT).is_file():
        raise MissingAsset(f"{MATHJAX_DIST} is installed but {root / MATHJAX_SCRIPT} is missing")
    return root


def mathjax_files() -> dict[str, Path]:
    """Site path → installed file, for the script and its fonts."""
    root = mathjax_root()
    files = {f"{SITE_PREFIX}/{MATHJAX_SCRIPT}": root / MATHJAX_SCRIPT}
    for font in sorted((root / "output/chtml/fonts/woff-v2").glob("*.woff")):
        files[f"{SITE_PREFIX}/output/chtml/fonts/woff-v2/{font.name}"] = font
    return files
