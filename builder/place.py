"""Stage 3: posts in, a book out: parts, series in series order, chapters.

Series membership is read from titles, in the shapes the blog uses:
``生成扩散模型漫谈（十一）：…``, ``路径积分系列：3.路径积分``,
``【中文分词系列】 6. …`` and ``《自然极值》系列——1.前言``.  A series the
overlay does not name is still a series when its name recurs in two or more
titles.  Where each post goes is decided by the overlay's data, never by code:
the first part that claims a post gets it, asking in this order (the same
order the header of ``editorial/book.yml`` gives the editor):

1. ``posts.yml``: the post's own record names a part;
2. series: a part names the post's series, or the series' first post went there;
3. title keyword: a part's keyword occurs in the title;
4. tag: a part lists one of the post's tags (whole names, any case);
5. category: a part lists the post's category;
6. the fallback part.

Within one step, parts are asked in book order.  Every order this stage makes
is total: nothing is left to the order posts happened to arrive in.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from .model import Book, Chapter, Level, Part, Post, Problem, Source
from .overlay import Overlay, PartRule, name_key, title_key
from .series import series_of_title, sub_part_of_title
from .text import key_of

__all__ = ["Claim", "Rules", "chronological_key", "place", "series_of_title", "series_order_key"]

# How far into a title keywords are looked for: merging shortens titles to MAX_TITLE (80)
# characters, and the span bounds the work a title built by hand could cause.
KEYWORD_SPAN = 120
NO_NUMBER = 10**6  # posts of a series without a number follow the numbered ones


def _sort_date(post: Post) -> tuple[int, int, int]:
    return post.date.sort_key() if post.date else (9999, 99, 99)


def _id_key(post: Post) -> tuple[int, int, str]:
    """The blog's post id as a number where it is one (9152 before 10001), without ``int()`` on long digit runs."""
    pid = post.post_id or post.overlay_id
    if pid is None:
        return (2, 0, "")
    digits = pid.lstrip("0")
    if pid.isascii() and pid.isdigit():
        return (0, len(digits), digits)
    return (1, 0, pid)


def chronological_key(post: Post) -> tuple:
    """Date, then post id, then title, then key: a total order (keys are unique), whatever the input order."""
    return (_sort_date(post), _id_key(post), post.title or "", post.key)


def series_order_key(post: Post) -> tuple:
    """Number, then sub-part (上/中/下, (1)/(2)), then date, post id, title and key: a total order within a series."""
    number = post.series_number if post.series_number is not None else NO_NUMBER
    return (number, sub_part_of_title(post.title or "") or 0, *chronological_key(post))


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


_OPENER = re.compile(r"^(?P<name>[^:：]{2,60}?)\s*[:：]")  # 线性Attention的探索：Attention必须有个Softmax吗？


def _unnumbered_openers(posts: list[Post], members: dict[str, list[Post]]) -> list[Post]:
    """Posts that open a series the other posts number, as the blog often names them: ``name：subtitle``.

    The blog numbers a series from its second post (``线性Attention的探索（二）：…``), the first being
    ``线性Attention的探索：…``; it joins the series as its first, where no post has that number yet.
    ``members`` gains it.
    """
    out = []
    for post in posts:
        found = None if post.series else _OPENER.match(post.title or "")
        key = key_of(found.group("name")) if found else ""
        group = members.get(key) if key else None
        if group and all(p.series_number != 1 for p in group) and not any(p is post for p in group):
            post = replace(post, series=group[0].series, series_number=1)
            group.append(post)
        out.append(post)
    return out


@dataclass(frozen=True)
class Claim:
    """The part a post goes to, and which rule said so (for messages and tests)."""

    rule: PartRule
    by: str  # "overlay", "series", "keyword", "tag", "category" or "fallback"


def _first_claims(rules: list[PartRule], names: Callable[[PartRule], Iterable[str]],
                  compare: Callable[[str], str]) -> dict[str, int]:
    """Each name (compared form) → the book position of the first part listing it."""
    out: dict[str, int] = {}
    for position, rule in enumerate(rules):
        for name in names(rule):
            out.setdefault(compare(name), position)
    return out


def _is_letter(ch: str) -> bool:
    return "a" <= ch <= "z"  # the text is case-folded


def _stands_alone(text: str, start: int, size: int) -> bool:
    """Whether the Latin letters of a keyword found at ``start`` of the case-folded title are not part of a word.

    A plural ("GANs", "Transformers") and digits ("BERT4keras", "GPT2") still count as the word.
    """
    end = start + size
    if _is_letter(text[start]) and start and _is_letter(text[start - 1]):
        return False
    if _is_letter(text[end - 1]) and end < len(text) and _is_letter(text[end]):
        return text[end] == "s" and (end + 1 == len(text) or not _is_letter(text[end + 1]))
    return True


def _as_written(written: str | None, start: int, size: int, forms: frozenset[str]) -> bool:
    """Whether a keyword inside a word is a name written as the part writes it (WGAN, RoBERTa, SimBERT).

    Only a keyword with a capital letter can be: BERT is no keyword of "Hilbert变换", NER none of
    "Energy", RoPE none of "Europe", and a lower-case word ("loss") only ever matches alone.
    """
    if written is None:
        return False
    found = written[start:start + size]
    return found in forms and any(ch.isupper() for ch in found)


class Rules:
    """The overlay's parts, indexed once so that claiming a post costs about its title's length and tag count.

    Keywords are found by looking up the title's substrings of each keyword length
    (at most ``KEYWORD_SPAN`` × the number of distinct lengths), not by testing every
    keyword in turn, so 200 parts of 1,000 keywords cost no more per post than ten.
    """

    def __init__(self, overlay: Overlay) -> None:
        default = PartRule(key="posts", title="文章", title_en="Posts", description="", series=(), keywords=(),
                           fallback=True, source=Source("editorial/book.yml", 1))
        self.parts: list[PartRule] = list(overlay.parts) or [default]
        self.by_key = {r.key: r for r in self.parts}
        self.fallback = next((r for r in self.parts if r.fallback), self.parts[-1])
        self.series = _first_claims(self.parts, lambda r: r.series, key_of)
        self.tags = _first_claims(self.parts, lambda r: r.tags, name_key)
        self.categories = _first_claims(self.parts, lambda r: r.categories, name_key)
        self.keywords = _first_claims(self.parts, lambda r: (k for k in r.keywords if title_key(k)), title_key)
        forms: dict[str, set[str]] = defaultdict(set)  # compared form → the keywords as written (NFKC)
        for rule in self.parts:
            for k in rule.keywords:
                forms[title_key(k)].add(unicodedata.normalize("NFKC", k))
        self.forms = {key: frozenset(found) for key, found in forms.items()}
        self.lengths = sorted({len(k) for k in self.keywords})

    def series_part(self, series_key: str) -> PartRule | None:
        position = self.series.get(series_key)
        return None if position is None else self.parts[position]

    def by_keyword(self, title: str) -> PartRule | None:
        """The first part one of whose keywords the title holds: as a word of its own, or as a name inside one."""
        written = unicodedata.normalize("NFKC", title[:KEYWORD_SPAN])
        text = written.casefold()
        aligned = written if len(written) == len(text) else None  # a few letters fold to two (ß to ss)
        best: int | None = None
        for size in self.lengths:
            for start in range(len(text) - size + 1):
                key = text[start:start + size]
                position = self.keywords.get(key)
                if position is not None and (best is None or position < best) and (
                        _stands_alone(text, start, size) or _as_written(aligned, start, size, self.forms[key])):
                    best = position
        return None if best is None else self.parts[best]

    def by_tag(self, tags: Iterable[str]) -> PartRule | None:
        found = [self.tags[k] for k in (name_key(t) for t in tags) if k in self.tags]
        return self.parts[min(found)] if found else None

    def by_category(self, category: str | None) -> PartRule | None:
        position = self.categories.get(name_key(category)) if category else None
        return None if position is None else self.parts[position]

    def claim(self, post: Post, series_key: str | None = None, series_parts: dict[str, str] | None = None) -> Claim:
        """Where ``post`` goes, asking each rule in the documented order, and which rule answered.

        ``series_key`` is the key of the post's series, if any; ``series_parts`` maps the
        series no part names to the part their first post went to, so the rest follow it.
        """
        if post.part_hint and post.part_hint in self.by_key:
            return Claim(self.by_key[post.part_hint], "overlay")
        if series_key:
            rule = self.series_part(series_key)
            if rule is None and series_parts and series_key in series_parts:
                rule = self.by_key[series_parts[series_key]]
            if rule is not None:
                return Claim(rule, "series")
        rule = self.by_keyword(post.title or "")
        if rule is not None:
            return Claim(rule, "keyword")
        rule = self.by_tag(post.tags)
        if rule is not None:
            return Claim(rule, "tag")
        rule = self.by_category(post.category)
        if rule is not None:
            return Claim(rule, "category")
        return Claim(self.fallback, "fallback")


def _clashes(group: list[Post]) -> list[Problem]:
    """``series-number-clash`` for each post whose number and sub-part an earlier post of its series has.

    ``group`` is in series order, so clashing posts are neighbours.
    """
    problems = []
    first: Post | None = None
    for post in group:
        if post.series_number is None:
            continue
        if first is not None and first.series_number == post.series_number and \
                sub_part_of_title(first.title or "") == sub_part_of_title(post.title or ""):
            names = post.series if post.series == first.series else f"{first.series} / {post.series}"
            problems.append(Problem(post.source, "series-number-clash",
                                    f"{names} number {post.series_number} is held by {first.title!r} "
                                    f"({first.source}) and by {post.title!r} ({post.source}); ordered by date, "
                                    "then post id: mark halves （上）/（下） or set series_number in "
                                    "editorial/posts.yml"))
            continue
        first = post
    return problems


def place(posts: list[Post], overlay: Overlay) -> tuple[Book, list[Problem]]:
    """Place every post in one part, at one number; the posts given are left as they are.

    The book holds new posts where the title supplied a series the post did not
    have, so ``Result.posts`` stays what ``merge`` made and ``Result.book`` says
    where each post went.
    """
    problems: list[Problem] = []
    rules = Rules(overlay)
    keys: dict[str, str] = {}  # series name → its key: a few names, asked for once or more per post

    def series_key(post: Post) -> str:
        name = post.series or ""
        if name not in keys:
            keys[name] = key_of(name)
        return keys[name]

    # 1. Series: from the overlay where it says so, else from the title.
    posts = [_with_series(post) for post in posts]
    members: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        if post.series:
            members[series_key(post)].append(post)
    posts = _unnumbered_openers(posts, members)
    grouped = {k for k, v in members.items() if k in rules.series or len(v) >= 2}
    for k in sorted(members):
        group = sorted(members[k], key=series_order_key)
        if k not in rules.series:
            first = min(group, key=lambda p: (p.source.file, p.source.line))
            problems.append(Problem(first.source, "unknown-series",
                                    f"series {first.series!r} ({len(group)} post(s)) is not named in "
                                    "editorial/book.yml" + ("; grouped by itself" if k in grouped else ""),
                                    Level.INFO))
        problems += _clashes(group)

    # 2. Parts: each post to the first part that claims it (see the module's docstring).
    assigned: dict[str, list[Post]] = defaultdict(list)
    series_parts: dict[str, str] = {}
    for post in sorted(posts, key=chronological_key):
        k = series_key(post) if post.series else None
        claim = rules.claim(post, k, series_parts)
        if claim.by == "fallback" and post.overlay_id is None:
            problems.append(Problem(post.source, "unplaced",
                                    f"no part claims {post.title!r}; placed in {claim.rule.title}", Level.INFO))
        if k is not None and k in grouped:
            series_parts.setdefault(k, claim.rule.key)
        assigned[claim.rule.key].append(post)

    # 3. Order within a part: grouped series (configured ones in the order named), then the rest.
    parts = []
    for rule in rules.parts:
        chosen = assigned.get(rule.key, [])
        series_order = {}
        for name in rule.series:
            series_order.setdefault(key_of(name), len(series_order))
        in_series = [p for p in chosen if p.series and series_key(p) in grouped]
        series_ids = {id(p) for p in in_series}
        others = [p for p in chosen if id(p) not in series_ids]

        first_date: dict[str, tuple[int, int, int]] = {}
        for p in in_series:
            k = series_key(p)
            first_date[k] = min(first_date.get(k, (10**4, 0, 0)), _sort_date(p))

        def series_rank(p: Post, order: dict[str, int] = series_order,
                        first_date: dict[str, tuple[int, int, int]] = first_date) -> tuple:
            k = series_key(p)
            return (order.get(k, len(order)), first_date[k], k, *series_order_key(p))

        in_series.sort(key=series_rank)
        others.sort(key=lambda p: (p.order if p.order is not None else float("inf"), *chronological_key(p)))
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
