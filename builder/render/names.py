"""The class names the pages share with the stylesheet and the script.

``docs/assets/stylesheets/book.css`` styles them and
``docs/assets/javascripts/language.js`` finds the parallel-text toggle and the
language switch by them; tests/test_render.py checks that every ``kb-`` name
those two files use is defined here, so a rename cannot silently break them.
"""

UNIT = "kb-unit"  # a unit with its other-language copy
ALT = "kb-alt"  # the other language's text, hidden until the parallel view
ALT_HEADING = "kb-alt__heading"
NOTICE = "kb-notice"  # a unit shown in the original because its translation is stale or missing
NOTICE_STALE = "kb-notice--stale"
NOTICE_MISSING = "kb-notice--missing"
NOTICE_LABEL = "kb-notice__label"
FIGURE = "kb-figure"
FIGURE_MISSING = "kb-figure__missing"
FIGURE_CAPTION = "kb-figure__caption"
META = "kb-meta"
AUTHOR = "kb-author"
SERIES = "kb-series"
ORIGINAL = "kb-original"
PROVISIONAL = "kb-provisional"
PARALLEL = "kb-parallel"
PARALLEL_TOGGLE = "kb-parallel-toggle"
PARALLEL_ON = "kb-parallel-on"  # set on the article by language.js
EXCERPT = "kb-excerpt"
SOURCES = "kb-sources"
PART_LABEL = "kb-part-label"
TOC = "kb-toc"
TOC_DATE = "kb-toc__date"
PARTS = "kb-parts"
PARTS_COUNT = "kb-parts__count"
PARTS_YEARS = "kb-parts__years"
PARTS_DESC = "kb-parts__desc"
COVER_AUTHOR = "kb-cover-author"
LANG = "kb-lang"  # the language switch (overrides/partials/alternate.html)
LANG_LINK = "kb-lang__link"
LINK_POST = "kb-link-post"  # a link to another chapter of the book (a post of the blog that the book holds)
LINK_EXTERNAL = "kb-link-external"  # a link that leaves the book
FOOTNOTE = "kb-footnote"
MACROS = "kb-macros"  # a post's \newcommand definitions, typeset (invisibly) before its first formula
