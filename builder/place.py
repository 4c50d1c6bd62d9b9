"""Stage 3: posts in, a book out: parts, series in series order, chapters.

Series membership is read from titles, in the shapes the blog uses:
``生成扩散模型漫谈（十一）：…``, ``路径积分系列：3.路径积分``,
``【中文分词系列】 6. …`` and ``《自然极值》系列——1.前言``.  A series the
overlay does not name is still a series when its name recurs in two or more
titles.  Where each post goes is decided by the overlay's data, never by code.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from .model import Book, Chapter, Level, Part, Post, Problem, Source
from .overlay import Overlay, PartRule
from .series import series_of_title
from .text import key_of


def _sort_date(post: Post) -> tuple[int, int, int]:
    return post.date.sort_key() if post.date else (9999, 99, 99)


def _slug(post: Post) -> str:
    return post.key


def _with_series(post: Post) -> Post:
    """The post with the series its title names, where the overlay named none; the post itself if nothing changes.

    The overlay's word wins: its series is kept, and its number too, while the
    title's number counts only for the series the post ends up in.
    """
    found = series_of_title(post.title or "")
    if not found:
        return post
    series = post.series if post.series is not None else found[0]
    number = post.series_number
    if number is None and (series == found[0] or key_of(found[0]) == key_of(series)):
        number = found[1]
    if series == post.series and number == post.series_number:
        return post
    return replace(post, series=series, series_number=number)


def place(posts: list[Post], overlay: Overlay) -> tuple[Book, list[Problem]]:
    """Place every post in one part, at one number; the posts given are left as they are.

    The book holds new posts where the title supplied a series the post did not
    have, so ``Result.posts`` stays what ``merge`` made and ``Result.book`` says
    where each post went.
    """
    problems: list[Problem] = []
    default = PartRule(key="posts", title="文章", title_en="Posts", description="", series=(), keywords=(),
                       fallback=True, source=Source("editorial/book.yml", 1))
    rules = overlay.parts or [default]
    by_key = {r.key: r for r in rules}
    fallback = next((r for r in rules if r.fallback), rules[-1])
    keywords = [(rule, tuple(k.casefold() for k in rule.keywords)) for rule in rules]
    keys: dict[str, str] = {}  # series name → its key: a few names, asked for once or more per post

    def series_key(post: Post) -> str:
        name = post.series or ""
        if name not in keys:
            keys[name] = key_of(name)
        return keys[name]

    # 1. Series: from the overlay where it says so, else from the title.
    posts = [_with_series(post) for post in posts]
    configured = {key_of(name): rule for rule in rules for name in rule.series}
    members: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        if post.series:
            members[series_key(post)].append(post)
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
        elif post.series and series_key(post) in configured:
            rule = configured[series_key(post)]
        elif post.series and series_key(post) in series_part:
            rule = by_key[series_part[series_key(post)]]
        else:
            title = (post.title or "").casefold()
            rule = next((r for r, words in keywords if any(k in title for k in words)), None)
            if rule is None:
                rule = fallback
                if post.overlay_id is None:
                    problems.append(Problem(post.source, "unplaced",
                                            f"no part claims {post.title!r}; placed in {fallback.title}",
                                            Level.INFO))
        if post.series and series_key(post) in grouped:
            series_part.setdefault(series_key(post), rule.key)
        assigned[rule.key].append(post)

    # 3. Order within a part: grouped series (configured ones in the order named), then the rest.
    parts = []
    for rule in rules:
        chosen = assigned.get(rule.key, [])
        series_order = [key_of(s) for s in rule.series]
        in_series = [p for p in chosen if p.series and series_key(p) in grouped]
        series_ids = {id(p) for p in in_series}
        others = [p for p in chosen if id(p) not in series_ids]

        first_date: dict[str, tuple[int, int, int]] = {}
        for p in in_series:
            k = series_key(p)
            first_date[k] = min(first_date.get(k, (10**4, 0, 0)), _sort_date(p))

        def series_rank(p: Post, order: list[str] = series_order,
                        first_date: dict[str, tuple[int, int, int]] = first_date) -> tuple:
            k = series_key(p)
            rank = order.index(k) if k in order else len(order)
            return (rank, first_date[k], k, p.series_number if p.series_number is not None else 10**6,
                    _sort_date(p), p.key)

        in_series.sort(key=series_rank)
        others.sort(key=lambda p: (p.order if p.order is not None else float("inf"), _sort_date(p), p.key))
        counts: dict[str, int] = defaultdict(int)
        for p in in_series:
            counts[series_key(p)] += 1
        index: dict[str, int] = defaultdict(int)
        chapters = []
        for number, post in enumerate(in_series + others, 1):
            position = None
            if id(post) in series_ids:
                k = series_key(post)
                index[k] += 1
                position = (index[k], counts[k])
            chapters.append(Chapter(post=post, slug=_slug(post), number=number, series_position=position,
                                    role="related" if position is None else "series"))
        if chapters:
            parts.append(Part(key=rule.key, slug=rule.key, title=rule.title, title_en=rule.title_en,
                              description=rule.description, description_en=rule.description_en,
                              chapters=tuple(chapters)))
    return Book(title=overlay.title, author=overlay.author, parts=tuple(parts)), problems
