"""Stage 5: the book in, Markdown pages and the navigation out, per edition.

Split by concern: page bodies (:mod:`.body`), metadata (:mod:`.meta`),
navigation (:mod:`.nav`), whole pages (:mod:`.pages`); what every renderer is
given is a :class:`.context.Context` (the edition, its words, the editions'
URLs); class names shared with the stylesheet and script are in :mod:`.names`.

Every value from the archive, the translations or the editorial data meets
its output channel through :mod:`builder.escape`, once: Markdown text through
``md_text``, HTML the builder writes (and the titles and descriptions the theme
prints as they are) through ``html_text``, metadata through ``front_matter``
and ``json_ld``.  Every edition has the same page paths below its own root, so
a page's twin in another edition is always at the same place.
"""

from .body import SEARCH_BUDGET, text_markdown, unnumbered
from .context import Context, Rendered
from .meta import format_date, page_url
from .pages import render, render_editions

__all__ = ["SEARCH_BUDGET", "Context", "Rendered", "format_date", "page_url", "render", "render_editions",
           "text_markdown", "unnumbered"]
