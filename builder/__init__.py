"""kexue-book: turns scraped dumps of the blog 科学空间 (kexue.fm) into a bilingual book.

The pipeline, one module per stage: read → merge → place → (translations) →
render → write; `pipeline.run` strings them together for the CLI and the
mkdocs hook alike.
"""
