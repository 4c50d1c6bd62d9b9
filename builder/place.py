"""Stage 3: posts in, a book out: parts, series in series order, chapters.

Series membership is read from titles, in the shapes the blog uses:
``生成扩散模型漫谈（十一）：…``, ``路径积分系列：3.路径积分``,
``【中文分词系列】 6. …`` and ``《自然极值》系列——1.前言``.  A series the
overlay does not name is still a series when its name recurs in two or more
titles.  Where each post goes is decided by the overlay's data, never by code.
"""

from __future__ import annotations

from collections import defaultdict

from .model import Book, Chapter, Level, Part, Post, Problem, Source
from .overlay import Overlay, PartRule
from .series import series_of_title
from .text import key_of


def _sort_date(post: Post) -> tuple[int, int, int]:
    return post.date.sort_key() if post.date else (9999, 99, 99)


def _slug(post: Post) -> str:
    return post.key


def place(posts: list[Post], overlay: Overlay) -> tuple[Book, list[Problem]]:
    problems: list[Problem] = []
    default = PartRule(key="posts", title="文章", title_en="Posts", description="", series=(), keywords=(),
                       fallback=True, source=Source("editorial/book.yml", 1))
    rules = overlay.parts or [default]
    by_key = {r.key: r for r in rules}
    fallback = next((r for r in rules if r.fallback), rules[-1])

    # 1. Series: from the overlay where it says so, else from the title.
    for post in posts:
        found = series_of_title(post.title or "")
        if post.series is None and found:
            post.series = found[0]
        if post.series_number is None and found and key_of(found[0]) == key_of(post.series or ""):
            post.series_number = found[1]
    configured = {key_of(name): rule for rule in rules for name in rule.series}
    members: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        if post.series:
            members[key_of(post.series)].append(post)
    grouped = {k for k, v in members.items() if k in configured or len(v) >= 2}
    for k, group in members.items():
        if k not in configured:
            first = min(group, key=lambda p: p.source.line)
            problems.append(Problem(first.source, "unknown-series",
                                    f"series {group[0].series!r} ({len(group)} post(s)) is not named in "
                                    "editorial/book.yml" + ("; grouped by itself" if k in grouped else ""),
                                    Level.INFO))
        numbers: dict[int, Post] = {}
        for post in sorted(group, key=lambda p: (p.series_number or 0, p.key)):
            if post.series_number is not None and post.series_number in numbers:
                problems.append(Problem(post.source, "series-duplicate-number",
                                        f"{post.series} number {post.series_number} also used by "
                                        f"{numbers[post.series_number].title!r}"))
            elif post.series_number is not None:
                numbers[post.series_number] = post

    # 2. Parts: overlay's word, then the series' part, then keywords, then the fallback.
    assigned: dict[str, list[Post]] = defaultdict(list)
    series_part: dict[str, str] = {}
    for post in sorted(posts, key=lambda p: (_sort_date(p), p.key)):
        rule = None
        if post.part_hint and post.part_hint in by_key:
            rule = by_key[post.part_hint]
        elif post.series and key_of(post.series) in configured:
            rule = configured[key_of(post.series)]
        elif post.series and key_of(post.series) in series_part:
            rule = by_key[series_part[key_of(post.series)]]
        else:
            title = (post.title or "").casefold()
            rule = next((r for r in rules if any(k.casefold() in title for k in r.keywords)), None)
            if rule is None:
                rule = fallback
                if post.overlay_id is None:
                    problems.append(Problem(post.source, "unplaced",
                                            f"no part claims {post.title!r}; placed in {fallback.title}",
                                            Level.INFO))
        if post.series and key_of(post.series) in grouped:
            series_part.setdefault(key_of(post.series), rule.key)
        assigned[rule.key].append(post)

    # 3. Order within a part: grouped series (configured ones in the order named), then the rest.
    parts = []
    for rule in rules:
        chosen = assigned.get(rule.key, [])
        series_order = [key_of(s) for s in rule.series]
        in_series = [p for p in chosen if p.series and key_of(p.series) in grouped]
        series_ids = {id(p) for p in in_series}
        others = [p for p in chosen if id(p) not in series_ids]

        first_date: dict[str, tuple[int, int, int]] = {}
        for p in in_series:
            k = key_of(p.series or "")
            first_date[k] = min(first_date.get(k, (10**4, 0, 0)), _sort_date(p))

        def series_rank(p: Post, order: list[str] = series_order,
                        first_date: dict[str, tuple[int, int, int]] = first_date) -> tuple:
            k = key_of(p.series or "")
            rank = order.index(k) if k in order else len(order)
            return (rank, first_date[k], k, p.series_number if p.series_number is not None else 10**6,
                    _sort_date(p), p.key)

        in_series.sort(key=series_rank)
        others.sort(key=lambda p: (p.order if p.order is not None else float("inf"), _sort_date(p), p.key))
        part = Part(key=rule.key, slug=rule.key, title=rule.title, title_en=rule.title_en,
                    description=rule.description, description_en=rule.description_en)
        counts: dict[str, int] = defaultdict(int)
        for p in in_series:
            counts[key_of(p.series or "")] += 1
        index: dict[str, int] = defaultdict(int)
        for number, post in enumerate(in_series + others, 1):
            in_group = id(post) in series_ids
            chapter = Chapter(post=post, slug=_slug(post), number=number, role="series" if in_group else "related")
            if in_group:
                k = key_of(post.series or "")
                index[k] += 1
                chapter.series_position = (index[k], counts[k])
            part.chapters.append(chapter)
        if part.chapters:
            parts.append(part)
    return Book(title=overlay.title, author=overlay.author, parts=parts), problems
