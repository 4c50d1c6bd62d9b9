"""Stage 2: entries in, posts out: one post however many dumps show it, and never two posts as one.

Merging is lossy (one text survives), so two entries merge only on evidence
that they are the same post, strongest first:

1. the same post id or original URL: the entry's own (``Entry.post_id``,
   ``Entry.url``) or that of the overlay record whose ``match:`` phrase it
   contains;
2. the same opening paragraph (``_similar``) with the same title, or with no
   title on one side (listing dumps sometimes lack the title line).

A title alone is never evidence: two posts may share one.  Nothing merges two
entries that contradict each other: different explicit titles, series numbers,
dates (day and month, and the year where both know it), post ids or URLs.  Each
group keeps a summary holding the one known value of each of these; since every
member agrees with it, an entry that agrees with the summary agrees with every
member, and the check costs the same for a group of two or of twenty.

The merged post keeps the most complete text and the best metadata (a byline's
full date beats a listing's day and month; the overlay beats both).  Every merge
is reported (``merged-duplicate``, with the evidence), and so is every pair kept
apart despite a shared title or opening (``kept-apart``), so an editor can check
both kinds of decision.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from . import inline
from .model import Block, BlockKind, Entry, Level, Markup, PartialDate, Post, Problem
from .overlay import Overlay, PostFact
from .series import series_of_title
from .text import digest, fold, key_of, safe_title

BODY_KEY_CHARS = 40  # openings are bucketed by this many key characters
BODY_KEY_MIN = 12  # a shorter first paragraph ("见下文。") says nothing about which post it opens
OPENING_SHARE = 0.9  # how much of the shorter opening two entries must share, from the start
MIN_TITLE_CHARS = 4  # fewer letters, digits or ideographs than this and a title names nothing


@dataclass(frozen=True)
class _Traits:
    """What a group of entries says about its post; None where nothing says it.

    Every field is "equal where both are known": two summaries agree when no
    field is known to both and different.
    """

    post_id: str | None = None
    url: str | None = None
    title: str | None = None  # the comparison form, see _title_form
    named: bool = False  # a real title, not punctuation or a word or two (see _title_form)
    series: tuple[str, int] | None = None  # (name key, number)
    year: int | None = None
    month_day: tuple[int, int] | None = None
    page: bool = False  # a whole article page is among the entries: its title is the post's current one

    def conflict(self, other: _Traits) -> str | None:
        """Why these cannot be one post, or None when nothing contradicts.

        The same post id is identity: the blog retitles posts (a listing keeps the old title) and
        renumbers series, so nothing else can contradict it.
        """
        if self.post_id and other.post_id:
            return None if self.post_id == other.post_id else f"different post ids ({self.post_id}, {other.post_id})"
        if self.url and other.url and self.url != other.url:
            return f"different URLs ({self.url}, {other.url})"
        if self.series and other.series and self.series[0] == other.series[0] and self.series != other.series:
            return f"different series numbers ({self.series[1]}, {other.series[1]})"
        if self.title is not None and other.title is not None and self.title != other.title and not (
                self.page != other.page and self.month_day is not None and self.month_day == other.month_day):
            # The blog retitles posts and a listing keeps the old title: against the post's own page, of the
            # same day, a different title is no contradiction (the opening paragraph must still agree).
            return "different titles"
        if self.month_day and other.month_day and self.month_day != other.month_day:
            (m1, d1), (m2, d2) = self.month_day, other.month_day
            return f"different dates ({m1}-{d1}, {m2}-{d2})"
        if self.year and other.year and self.year != other.year:
            return f"different years ({self.year}, {other.year})"
        return None

    def merged(self, other: _Traits) -> _Traits:
        """The summary of both; only called when they do not conflict, so no value is lost."""
        return _Traits(post_id=self.post_id or other.post_id, url=self.url or other.url,
                       title=self.title if self.title is not None else other.title,
                       named=self.named or other.named, series=self.series or other.series,
                       year=self.year or other.year, month_day=self.month_day or other.month_day,
                       page=self.page or other.page)

    def known(self) -> int:
        return sum(x is not None for x in (self.post_id, self.url, self.title, self.year, self.month_day))


def _title_form(title: str) -> tuple[str, bool]:
    """The form in which titles compare, and whether it is a real title.

    A real title compares by its key, so punctuation and width do not matter, and
    sharing one is worth a note when the posts are kept apart.  A title of
    punctuation only (``？？``, ``…………``) or of a word or two has (nearly) no key,
    so its key would make unrelated posts equal; it names nothing, but it is still
    an explicit title, so ``？？`` and ``？？？？`` compare by their folded text and
    stay different posts.
    """
    key = key_of(title)
    if len(key) >= MIN_TITLE_CHARS:
        return key, True
    return "~" + fold(title).casefold(), False


def _url_form(url: str) -> str:
    """Scheme, case of the host, ``www.``, the blog's second domain and a trailing slash do not make another post."""
    url = url.strip().rstrip("/")
    _scheme, sep, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    host = host.lower().removeprefix("www.")
    if host == "spaces.ac.cn":
        host = "kexue.fm"
    return ("https" + sep + host + slash + path) if sep else url


def _id_of(url: str | None) -> str | None:
    """The post id in a link to one of the blog's posts."""
    if not url:
        return None
    _, sep, path = _url_form(url).partition("://kexue.fm/archives/")
    number = path.split("/")[0].split("#")[0].split("?")[0]
    return number if sep and number.isdigit() and len(number) <= 7 else None


def _traits(entry: Entry) -> _Traits:
    title, named, series = None, False, None
    if entry.title:
        title, named = _title_form(entry.title)
        found = series_of_title(entry.title)
        if found:
            series = (key_of(found[0]), found[1])
    date = entry.date
    return _Traits(post_id=entry.post_id or _id_of(entry.url), url=_url_form(entry.url) if entry.url else None,
                   title=title, named=named, series=series, year=date.year if date else None,
                   month_day=(date.month, date.day) if date else None, page=entry.complete)


class _Groups:
    """Union-find over entries, with each group's summary and the evidence of each join."""

    def __init__(self, traits: list[_Traits]) -> None:
        self.parent = list(range(len(traits)))
        self.traits = list(traits)  # valid at roots
        self.links: list[list[tuple[int, int, str]]] = [[] for _ in traits]  # at roots: (joined, to, why)
        self.apart: dict[int, set[int]] = {}  # root → roots already reported as kept apart from it

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def of(self, i: int) -> _Traits:
        return self.traits[self.find(i)]

    def conflict(self, a: int, b: int) -> str | None:
        return self.of(a).conflict(self.of(b))

    def join(self, to: int, joined: int, why: str) -> None:
        ra, rb = self.find(to), self.find(joined)
        if ra == rb:
            return
        root, other = min(ra, rb), max(ra, rb)
        self.parent[other] = root
        self.traits[root] = self.traits[ra].merged(self.traits[rb])
        small, large = sorted((self.links[root], self.links[other]), key=len)
        large.extend(small)
        large.append((joined, to, why))
        self.links[root], self.links[other] = large, []
        for n in self.apart.pop(other, set()):
            self.apart[n].discard(other)
            if n != root:
                self.apart[n].add(root)
                self.apart.setdefault(root, set()).add(n)

    def mark_apart(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        self.apart.setdefault(ra, set()).add(rb)
        self.apart.setdefault(rb, set()).add(ra)

    def reported_apart(self, a: int, b: int) -> bool:
        return self.find(b) in self.apart.get(self.find(a), ())


def _body_key(opening: str | None) -> str | None:
    """The seed of an unknown post's digest key (from its ``_opening``), unchanged so that keys and addresses stay."""
    return "body:" + opening[:BODY_KEY_CHARS] if opening else None


def _opening(entry: Entry) -> str | None:
    for block in entry.blocks:
        if block.kind == BlockKind.PARAGRAPH:
            key = key_of(block_text(block))
            return key if len(key) >= BODY_KEY_MIN else None
    return None


def _similar(a: str, b: str) -> bool:
    """Two first paragraphs are one when they agree from the start on 90% of the shorter.

    An excerpt may stop inside the paragraph and a scrape may lose a glyph late in
    it, so exact equality is too strict; a series that repeats its opening sentence
    and then goes on differently shares less than that.  Where a whole paragraph is
    repeated, the titles and dates keep the parts apart.  Linear in the length.
    """
    shorter = min(len(a), len(b))
    shared = 0
    while shared < shorter and a[shared] == b[shared]:
        shared += 1
    return shared >= OPENING_SHARE * shorter


def block_text(block: Block) -> str:
    """What a reader sees of a block as plain text (article blocks carry Markdown)."""
    return inline.plain(block.text) if block.markup == Markup.MARKDOWN else block.text


def _entry_text(entry: Entry) -> str:
    return fold((entry.title or "") + "\n" + "\n".join(block_text(b) for b in entry.blocks))


# What each shape of article page keeps of the post's structure (links, images, tables, exact headings).
SHAPE_RANK = {"page-markdown": 2, "page-text": 1, "page-body": 0}
WHOLE = 0.9  # a page with at least this share of the longest text of its group has lost none of it


def _best(group: list[Entry]) -> tuple[int, str]:
    """Whose text a post keeps, and why: a whole article page before any excerpt; among pages, the shape that
    keeps the most structure (converter Markdown, then plain text, then body only) unless it holds markedly
    less text than another; then the longest.  The first of equals: dump order decides ties."""
    pages = [k for k, e in enumerate(group) if e.complete]
    if len(pages) == 1:
        return pages[0], "it is the whole page"
    if not pages:  # excerpts only: the longest (what a reader sees of each is not needed to tell)
        return max(range(len(group)), key=lambda k: sum(len(b.text) for b in group[k].blocks)), "it is the longest"
    lengths = {k: sum(len(block_text(b)) for b in group[k].blocks) for k in pages}
    longest = max(lengths.values())

    def rank(k: int) -> tuple[int, int]:
        return SHAPE_RANK.get(group[k].fmt, 0) if lengths[k] >= WHOLE * longest else -1, lengths[k]

    top = max(pages, key=rank)
    shapes = {SHAPE_RANK.get(group[k].fmt, 0) for k in pages}
    why = "it keeps the most structure" if len(shapes) > 1 and rank(top)[0] == max(shapes) else "it is the longest"
    return top, why


def _name(entry: Entry) -> str:
    return f"{entry.source} ({entry.title!r})" if entry.title else f"{entry.source} (untitled)"


def _provisional_title(blocks: tuple[Block, ...]) -> str:
    for block in blocks:
        if block.kind == BlockKind.HEADING:
            return block.text
    for block in blocks:
        text = block.text.replace("$", "")
        for stop in "。!！?？;；":
            text = text.split(stop)[0]
        if text.strip():
            return text.strip()[:30] + ("…" if len(text.strip()) > 30 else "")
    return "无题"


def _facts(entries: list[Entry], traits: list[_Traits], overlay: Overlay,
           problems: list[Problem]) -> dict[int, PostFact]:
    """Which overlay record speaks for which entry.

    A record whose phrase is in entries that contradict each other (a series that
    repeats its opening sentence in every part) would merge different posts; it
    is an error and applies to none of them.  Facts × entries substring searches:
    the one cost here that is not linear in the entries.
    """
    texts = [_entry_text(e) for e in entries] if overlay.posts else []
    facts_of: dict[int, PostFact] = {}
    for fact in overlay.posts:
        phrase = fold(fact.match)
        hits = [i for i, t in enumerate(texts) if phrase and phrase in t]
        # A page that says it is another post only quotes the phrase (an article names an earlier one by its title).
        quoting = [i for i in hits if _names_another_post(fact, entries[i])]
        hits = [i for i in hits if i not in quoting]
        if not hits:
            problems.append(Problem(fact.source, "overlay-unmatched",
                                    f"post {fact.id}: no entry contains {fact.match!r}"
                                    + (" but pages of other posts, which only quote it: "
                                       + ", ".join(_name(entries[i]) for i in quoting[:3]) if quoting else ""),
                                    Level.WARNING if quoting else Level.INFO))
        clash = _clash(fact, hits, entries, traits)
        if clash:
            problems.append(Problem(fact.source, "overlay-conflict", clash, Level.ERROR))
            continue
        for i in hits:
            if i in facts_of and facts_of[i].id != fact.id:
                problems.append(Problem(entries[i].source, "overlay-ambiguous",
                                        f"matched by overlay posts {facts_of[i].id} and {fact.id}; "
                                        f"using {facts_of[i].id}"))
                continue
            facts_of[i] = fact
    return facts_of


def _names_another_post(fact: PostFact, entry: Entry) -> bool:
    """Whether the entry carries its own post id or URL, and they are not the record's."""
    if entry.post_id:
        return entry.post_id != fact.id
    return bool(entry.url and fact.url and _url_form(entry.url) != _url_form(fact.url))


def _clash(fact: PostFact, hits: list[int], entries: list[Entry], traits: list[_Traits]) -> str | None:
    """Why the record's hits cannot be one post (naming two of them), or None."""
    summary = _Traits(post_id=fact.id, url=_url_form(fact.url) if fact.url else None)
    for k, i in enumerate(hits):
        why = summary.conflict(traits[i])
        if why is None:
            summary = summary.merged(traits[i])
            continue
        where = f"post {fact.id}: match {fact.match!r} is in "
        other = next((j for j in hits[:k] if traits[j].conflict(traits[i])), None)
        if other is None:  # the entry contradicts the record itself (its own id or URL)
            return where + f"{_name(entries[i])}, which is another post ({why}); this record applies to none"
        return (where + f"{_name(entries[other])} and {_name(entries[i])}, which are different posts "
                f"({traits[other].conflict(traits[i])}); this record applies to none of them: "
                "make the phrase specific to one post")
    return None


def _strong_keys(entry: Entry, fact: PostFact | None) -> list[tuple[str, str]]:
    keys = []
    if entry.post_id:
        keys.append(("id:" + entry.post_id, f"same post id {entry.post_id}"))
    if fact is not None:
        keys.append(("id:" + fact.id, f"same overlay record {fact.source}"))
    for url in (entry.url, fact.url if fact else None):
        if url:
            keys.append(("url:" + _url_form(url), f"same URL {url}"))
    return keys


_FIELDS = ("post_id", "url", "title", "series", "year", "month_day")


@dataclass
class _Merger:
    """The entries, their groups, and what was reported about them."""

    entries: list[Entry]
    groups: _Groups
    openings: list[str | None]
    problems: list[Problem]

    def name(self, i: int) -> str:
        return _name(self.entries[i])

    def keep_apart(self, i: int, others: list[int], message: str, level: Level) -> None:
        for other in others:
            self.groups.mark_apart(other, i)
        self.problems.append(Problem(self.entries[i].source, "kept-apart", message, level))

    def join_by_keys(self, facts_of: dict[int, PostFact]) -> None:
        """The same post id or URL (the entry's own or its overlay record's)."""
        first_with: dict[str, int] = {}
        for i, entry in enumerate(self.entries):
            for key, evidence in _strong_keys(entry, facts_of.get(i)):
                j = first_with.setdefault(key, i)
                if self.groups.find(j) == self.groups.find(i):
                    continue
                why = self.groups.conflict(j, i) or self._two_texts(j, i)
                if why:
                    self.keep_apart(i, [j], f"{self.name(i)} and {self.name(j)} are kept apart: {evidence}, "
                                    f"but {why}", Level.WARNING)
                else:
                    self.groups.join(j, i, evidence)

    def _two_texts(self, a: int, b: int) -> str | None:
        """Two whole pages claiming one post but opening differently: a wrong id somewhere, so both are kept."""
        ea, eb = self.entries[a], self.entries[b]
        oa, ob = self.openings[a], self.openings[b]
        if ea.complete and eb.complete and oa and ob and not _similar(oa, ob):
            return "both are full pages and their texts differ (one of them names the wrong post?)"
        return None

    def join_by_openings(self) -> None:
        """The same opening paragraph, one bucket (first 40 key characters) at a time."""
        buckets: dict[str, list[int]] = {}
        for i, opening in enumerate(self.openings):
            if opening:
                buckets.setdefault(opening[:BODY_KEY_CHARS], []).append(i)
        for members in buckets.values():
            first_of: dict[int, int] = {}
            for i in members:
                first_of.setdefault(self.groups.find(i), i)
            if len(first_of) > 1:
                self._join_bucket(list(first_of.values()))

    def _join_bucket(self, firsts: list[int]) -> None:
        """Decide which groups that open alike are one post, without depending on dump order.

        Groups are taken most specific first (titled, then by how much they know),
        so each post that could claim a group is known before the group is placed.
        A group that agrees with no post found so far is a post of its own; one
        that agrees with exactly one is that post's candidate; one that agrees with
        two is ambiguous and stays apart.  Candidates are checked against the post
        as it was found, not as earlier candidates changed it, and then against
        each other: where two candidates of one post say different things (one
        listing dated 2021, another 2022), neither joins, since which of them is
        the post is exactly what is not known.

        Posts found are indexed by title and by day, so a group looks only at those
        it could agree with, and stops at the second that does.
        """
        groups = self.groups
        order = sorted(firsts, key=lambda i: (groups.of(i).title is None, -groups.of(i).known(), i))
        found: list[int] = []  # the posts found in this bucket, in order
        rank: dict[int, int] = {}  # a post found → its place in `found`
        by_title: dict[str | None, list[int]] = {}
        by_day: dict[tuple[int, int] | None, list[int]] = {}
        candidates: dict[int, list[int]] = {}
        for i in order:
            traits = groups.of(i)
            if traits.title is not None:  # titled groups come first: no untitled post is found yet
                pool = by_title.get(traits.title, []) + by_title.get(None, [])
                retitled = [p for p in by_day.get(traits.month_day, []) if traits.month_day is not None
                            and groups.of(p).page != traits.page and groups.of(p).title != traits.title]
                if retitled:  # a post retitled since: its page, of the same day (or this is the page)
                    pool = sorted(pool + retitled, key=rank.__getitem__)
            elif traits.month_day is not None:
                pool = sorted(by_day.get(traits.month_day, []) + by_day.get(None, []), key=rank.__getitem__)
            else:
                pool = found
            fits: list[int] = []
            for p in pool:
                if _similar(self.openings[p] or "", self.openings[i] or "") and not groups.conflict(p, i):
                    fits.append(p)
                    if len(fits) == 2:
                        break
            if len(fits) == 1:
                candidates[fits[0]].append(i)
            elif fits:
                between = groups.conflict(fits[0], fits[1]) or "nothing says they are one"
                self.keep_apart(i, fits, f"{self.name(i)} is kept apart, ambiguous: it opens like both "
                                f"{self.name(fits[0])} and {self.name(fits[1])}, which are different posts "
                                f"({between})", Level.WARNING)
            else:
                # Every post found that opens like it contradicts it; name the first.
                near = next((p for p in found if _similar(self.openings[p] or "", self.openings[i] or "")), None)
                if near is not None and not groups.reported_apart(near, i):
                    self.keep_apart(i, [near], f"{self.name(i)} and {self.name(near)} are kept apart: "
                                    f"same opening paragraph, but {groups.conflict(near, i) or 'different titles'}",
                                    Level.INFO)
                rank[i] = len(found)
                found.append(i)
                by_title.setdefault(traits.title, []).append(i)
                by_day.setdefault(traits.month_day, []).append(i)
                candidates[i] = []
        for p, joining in candidates.items():
            rivals = _rivals([groups.of(i) for i in joining])
            for i, rival in zip(joining, rivals, strict=True):
                if rival is not None:
                    other = joining[rival]
                    self.keep_apart(i, [p], f"{self.name(i)} is kept apart, ambiguous: it opens like "
                                    f"{self.name(p)}, and so does {self.name(other)}, but the two differ "
                                    f"({groups.conflict(i, other)})", Level.WARNING)
                    continue
                a, b = groups.of(p), groups.of(i)
                groups.join(p, i, "same title and opening paragraph" if b.named and a.title == b.title
                            else "same opening paragraph")

    def report_same_titles(self, traits: list[_Traits]) -> None:
        """Posts that share a real title but nothing else: a title alone is no evidence, so say so."""
        groups = self.groups
        by_title: dict[str, dict[int, int]] = {}
        for i, t in enumerate(traits):
            if t.named and t.title is not None:
                by_title.setdefault(t.title, {}).setdefault(groups.find(i), i)
        for firsts in by_title.values():
            first, *others = firsts.values()
            for i in others:
                if groups.reported_apart(first, i):
                    continue
                why = groups.conflict(first, i) or (
                    "different opening paragraphs" if self.openings[first] and self.openings[i]
                    else "no opening paragraph to compare")
                self.keep_apart(i, [first], f"{self.name(i)} and {self.name(first)} are kept apart: "
                                f"same title, but {why}", Level.INFO)


def _rivals(candidates: list[_Traits]) -> list[int | None]:
    """For each candidate, the index of another that contradicts it, or None.

    Linear: per field, the first two distinct known values; when a field has two,
    every candidate that knows it is contradicted by the first holder of the other.
    Candidates without a rival agree with each other, so all of them may join.
    """
    rivals: list[int | None] = [None] * len(candidates)
    for name in _FIELDS:
        first: dict[object, int] = {}
        for k, t in enumerate(candidates):
            value = getattr(t, name)
            if value is not None and value not in first:
                first[value] = k
                if len(first) == 2:
                    break
        if len(first) < 2:
            continue
        (v1, k1), (_, k2) = first.items()
        for k, t in enumerate(candidates):
            value = getattr(t, name)
            if value is not None and rivals[k] is None:
                rivals[k] = k2 if value == v1 else k1
    return rivals


def merge(entries: list[Entry], overlay: Overlay) -> tuple[list[Post], list[Problem]]:
    """Group the entries into posts; every entry ends in exactly one post's ``sources``.

    Cost: dictionary lookups by id, URL, opening, title and day, so about linear
    in the entries; the exception is the overlay search (facts × entries).  The
    caller can check the accounting: ``len(entries) == len(posts) + sum(len(p.sources) - 1
    for p in posts)``, and each post with several sources has one ``merged-duplicate``.
    """
    problems: list[Problem] = []
    traits = [_traits(e) for e in entries]
    facts_of = _facts(entries, traits, overlay, problems)
    for i, fact in facts_of.items():
        traits[i] = traits[i].merged(_Traits(post_id=fact.id, url=_url_form(fact.url) if fact.url else None))
    merger = _Merger(entries, _Groups(traits), [_opening(e) for e in entries], problems)
    merger.join_by_keys(facts_of)
    merger.join_by_openings()
    merger.report_same_titles(traits)

    groups = merger.groups
    members_of: dict[int, list[int]] = {}
    for i in range(len(entries)):
        members_of.setdefault(groups.find(i), []).append(i)
    posts = []
    used_keys: set[str] = set()
    for root, members in members_of.items():
        post = _merge_group([entries[i] for i in members], [facts_of.get(i) for i in members],
                            [merger.openings[i] for i in members], problems)
        if len(members) > 1:
            links = groups.links[root]
            evidence = links[0][2] if len(links) == 1 else "; ".join(
                f"{entries[b].source} with {entries[a].source}: {why}" for b, a, why in links)
            problems.append(Problem(post.source, "merged-duplicate",
                                    "one post in several entries, merged: "
                                    + ", ".join(str(entries[i].source) for i in members) + f" ({evidence})",
                                    Level.INFO))
        key, n = post.key, 0
        while key in used_keys:  # two posts with one opening, or one overlay id kept apart
            n += 1
            key = f"{post.key}-{digest(f'{n}:{post.source}')[:6]}"
        if key != post.key:
            post = replace(post, key=key)
        used_keys.add(key)
        posts.append(post)
    return posts, problems


def _merge_group(group: list[Entry], facts: list[PostFact | None], openings: list[str | None],
                 problems: list[Problem]) -> Post:
    """One post of a group's entries; ``facts`` and ``openings`` are theirs, computed once for all groups."""
    fact = next((f for f in facts if f is not None), None)  # a group holds at most one post id
    top, why = _best(group)
    best = group[top]

    titles = [e for e in group if e.title]
    # The post's own page (a listing may show an older title); of two pages, the one whose text is kept, then the
    # shape that keeps the most of the page: never whichever file name sorts first.
    page_titles = sorted((e for e in titles if e.complete),
                         key=lambda e: (e is not best, -SHAPE_RANK.get(e.fmt, 0)))
    byline_titles = [e for e in titles if e.fmt == "byline"]
    title_entry = (page_titles or byline_titles or titles or [None])[0]
    if title_entry is not None:
        for e in titles:
            if e.title != title_entry.title and fold(e.title or "") != fold(title_entry.title or ""):
                problems.append(Problem(e.source, "retitled",
                                        f"titled {e.title!r} here but {title_entry.title!r} on "
                                        f"{title_entry.source}, which is used", Level.INFO))
    if fact and fact.title:
        title, title_source, title_src = fact.title, "overlay", fact.source
    elif title_entry is not None:
        title, title_source, title_src = title_entry.title, "archive", title_entry.source
    else:
        title, title_source, title_src = _provisional_title(best.blocks), "provisional", best.source
        problems.append(Problem(best.source, "missing-title",
                                f"no title in the archive or the overlay; using {title!r} for now"))
    assert title is not None
    title, notes = safe_title(title)
    for note in notes:
        problems.append(Problem(title_src, "unsafe-title", note))

    full = sorted((e for e in group if e.date and e.date.year is not None), key=lambda e: not e.complete)
    partial = [e for e in group if e.date is not None]
    date: PartialDate | None = None
    if fact and fact.date:
        date = fact.date
    elif full:
        date = full[0].date
    elif partial:
        date = partial[0].date
    for e in partial:  # entries of one group agree on their dates; only the overlay's may differ
        assert e.date is not None and date is not None
        if (e.date.month, e.date.day) != (date.month, date.day):
            problems.append(Problem(e.source, "date-conflict",
                                    f"dated {e.date.month}-{e.date.day} here but {date.month}-{date.day} elsewhere"))
    if date is None:
        problems.append(Problem(best.source, "missing-date", "no date in the archive or the overlay"))
    elif date.year is None:
        problems.append(Problem(best.source, "missing-year",
                                "only day and month are known; add the date to editorial/posts.yml"))

    author = next((e.author for e in group if e.author), None) or "苏剑林"
    post_id = fact.id if fact else next((e.post_id or _id_of(e.url) for e in group if e.post_id or _id_of(e.url)),
                                         None)
    key = fact.id if fact else post_id or "p" + digest(_body_key(openings[top]) or key_of(title) or str(best.source),
                                                       10)
    url = fact.url if fact and fact.url else next((e.url for e in group if e.url), None)
    pages = [e for e in group if e.complete]
    if len(pages) > 1:
        problems.append(Problem(pages[1].source, "page-duplicate",
                                f"{len(pages)} full pages of post {post_id or key}: the text of {best.source} is "
                                f"used ({why}), the others' is not", Level.WARNING))
    category = next((e.category for e in sorted(group, key=lambda e: not e.complete) if e.category), None)
    tags = next((e.tags for e in sorted(group, key=lambda e: not e.complete) if e.tags), ())
    return Post(key=key, title=title, title_source=title_source, date=date, author=author,
                blocks=best.blocks, truncated=not pages and any(e.truncated for e in group),
                post_id=post_id, category=category, tags=tags,
                sources=tuple(sorted((e.source for e in group), key=lambda s: (s.file, s.line))),
                url=url, overlay_id=fact.id if fact else None,
                series=fact.series if fact else None,
                series_number=fact.series_number if fact else None,
                part_hint=fact.part if fact else None, order=fact.order if fact else None)
