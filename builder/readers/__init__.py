"""Readers for the blog's full article pages, one module per shape in which scrapes save them."""
