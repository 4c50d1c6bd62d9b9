"""Stage 2: entries in, posts out: one post however many dumps show it.

Two entries are the same post when they share a title, open with the same
paragraph, or are both matched by one overlay record.  The merged post keeps
the most complete text and the best metadata (a byline's full date beats a
listing's day and month; the overlay beats both).
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Block, BlockKind, Entry, Level, PartialDate, Post, Problem
from .overlay import Overlay, PostFact
from .text import digest, fold, key_of, safe_title

BODY_KEY_CHARS = 40


@dataclass
class _Union:
    parent: list[int]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _body_key(entry: Entry) -> str | None:
    for block in entry.blocks:
        if block.kind == BlockKind.PARAGRAPH:
            key = key_of(block.text)
            return "body:" + key[:BODY_KEY_CHARS] if len(key) >= 12 else None
    return None


def _entry_text(entry: Entry) -> str:
    return fold((entry.title or "") + "\n" + "\n".join(b.text for b in entry.blocks))


def _length(entry: Entry) -> int:
    return sum(len(b.text) for b in entry.blocks)


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


def merge(entries: list[Entry], overlay: Overlay) -> tuple[list[Post], list[Problem]]:
    problems: list[Problem] = []
    union = _Union(list(range(len(entries))))
    first_with: dict[str, int] = {}
    texts = [_entry_text(e) for e in entries]
    facts_of: dict[int, PostFact] = {}
    for fact in overlay.posts:
        phrase = fold(fact.match)
        hits = [i for i, t in enumerate(texts) if phrase and phrase in t]
        if not hits:
            problems.append(Problem(fact.source, "overlay-unmatched",
                                    f"post {fact.id}: no entry contains {fact.match!r}", Level.INFO))
        for i in hits:
            if i in facts_of and facts_of[i].id != fact.id:
                problems.append(Problem(entries[i].source, "overlay-ambiguous",
                                        f"matched by overlay posts {facts_of[i].id} and {fact.id}; "
                                        f"using {facts_of[i].id}"))
                continue
            facts_of[i] = fact
    for i, entry in enumerate(entries):
        keys = []
        if entry.title:
            keys.append("title:" + key_of(entry.title))
        body = _body_key(entry)
        if body:
            keys.append(body)
        if i in facts_of:
            keys.append("overlay:" + facts_of[i].id)
        for key in keys:
            if key in first_with:
                union.join(first_with[key], i)
            else:
                first_with[key] = i

    groups: dict[int, list[int]] = {}
    for i in range(len(entries)):
        groups.setdefault(union.find(i), []).append(i)

    posts = []
    used_keys: set[str] = set()
    for members in groups.values():
        post = _merge_group([entries[i] for i in members], [facts_of.get(i) for i in members], problems)
        if post.key in used_keys:  # two groups claimed by one overlay id: keep both, apart
            post.key = f"{post.key}-{digest(str(post.source))[:6]}"
        used_keys.add(post.key)
        posts.append(post)
    return posts, problems


def _merge_group(group: list[Entry], facts: list[PostFact | None], problems: list[Problem]) -> Post:
    fact = next((f for f in facts if f is not None), None)
    best = max(group, key=_length)  # max keeps the first of equals: dump order decides ties
    sources = tuple(e.source for e in group)
    if len(group) > 1:
        problems.append(Problem(best.source, "merged-duplicate",
                                "one post in several entries, merged: " + ", ".join(map(str, sources)),
                                Level.INFO))

    titles = [e for e in group if e.title]
    byline_titles = [e for e in titles if e.fmt == "byline"]
    title_entry = (byline_titles or titles or [None])[0]
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

    full = [e for e in group if e.date and e.date.year is not None]
    partial = [e for e in group if e.date is not None]
    date: PartialDate | None = None
    if fact and fact.date:
        date = fact.date
    elif full:
        date = full[0].date
    elif partial:
        date = partial[0].date
    for e in partial:
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
    key = fact.id if fact else "p" + digest(_body_key(best) or key_of(title) or str(best.source), 10)
    return Post(key=key, title=title, title_source=title_source, date=date, author=author,
                blocks=best.blocks, truncated=any(e.truncated for e in group),
                sources=tuple(sorted(set(sources), key=lambda s: (s.file, s.line))),
                url=fact.url if fact else None, overlay_id=fact.id if fact else None,
                series=fact.series if fact else None,
                series_number=fact.series_number if fact else None,
                part_hint=fact.part if fact else None, order=fact.order if fact else None)

