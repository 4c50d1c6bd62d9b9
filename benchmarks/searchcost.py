"""What a reader's first search costs, and what it finds, on a built site.

Serves a built site on 127.0.0.1, opens the page of an edition in Chromium,
types each query into the header's search box and records:

* the bytes of index fetched before the first result appeared (and of search
  runtime: scripts, WebAssembly), with the gzip size a compressing host would
  send for an uncompressed index (Material's lunr JSON; Pagefind's chunks are
  compressed already);
* the milliseconds from typing to the first result;
* whether the expected page is among the results (recall), and at what rank.

It judges both search engines the project has had, by their files: a site
with ``<edition>/pagefind/`` is Pagefind's (builder/search.py), one with
``<edition>/search/search_index.json`` Material's lunr.  Both draw results
with Material's classes, so one harness reads both.  Every request to
another host is blocked and reported.

Usable as a script (``python benchmarks/searchcost.py SITE_DIR``, the
built-in queries, a JSON report on stdout) and as a module
(:func:`measure`), which benchmarks/bench.py calls.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import html.parser
import http.server
import json
import re
import socket
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"

# (edition folder below the site root: "" or "en/", query, expected page below the
# edition root ("diffusion/9152/") or, not ending in "/", a fragment of its title).
Query = tuple[str, str, str]

# The browser tests' queries (tests/test_browser.py), then queries for words of the
# chapters' text (not their titles), then glossary terms (editorial/glossary.yml).
QUERIES: list[Query] = [
    ("", "扩散", "生成扩散模型漫谈"),
    ("", "变分自编码器", "变分自编码器(八):估计样本概率密度"),
    ("", "能量", "能量视角下的GAN模型（二）"),
    ("", "幂等", "幂等生成网络IGN"),
    ("", "路径积分", "路径积分系列:3.路径积分"),
    ("en/", "diffusion", "Musings on Generative Diffusion Models"),
    ("en/", "variational", "Variational Autoencoders (8)"),
    ("en/", "energy", "GANs from the Energy Perspective (2)"),
    ("en/", "idempotent", "Idempotent Generative Network"),
    ("", "潮州", "deep-learning/3873/"),
    ("", "拆楼", "diffusion/9152/"),
    ("", "条件控制生成", "diffusion/9257/"),
    ("", "浮点误差", "deep-learning/8586/"),
    ("", "滑动平均", "deep-learning/6575/"),
    ("", "多模态", "deep-learning/9984/"),
    ("", "组合计数", "mathematics/9291/"),
    ("", "扇形", "mathematics/9324/"),
    ("", "导弹", "extremes/1045/"),
    ("", "费曼", "extremes/3757/"),
    ("", "行列式", "mathematics/6377/"),
    ("", "圣经", "notes/2008/"),
    ("", "积分梯度", "deep-learning/7533/"),
    ("", "万有引力", "diffusion/9305/"),
    ("", "激活函数", "deep-learning/4647/"),
    ("", "对比学习", "deep-learning/8586/"),
    ("", "中文分词", "nlp/4195/"),
    ("", "信息瓶颈", "vae/6181/"),
    ("en/", "Chaozhou", "deep-learning/3873/"),
    ("en/", "demolition", "diffusion/9152/"),
    ("en/", "floating-point", "deep-learning/8586/"),
    ("en/", "sector", "mathematics/9324/"),
    ("en/", "Feynman", "extremes/3757/"),
    ("en/", "missile", "extremes/1045/"),
    ("en/", "Bible", "notes/2008/"),
    ("en/", "multimodal", "deep-learning/9984/"),
    ("en/", "Integrated Gradients", "deep-learning/7533/"),
    ("en/", "universal gravitation", "diffusion/9305/"),
    ("en/", "activation function", "deep-learning/4647/"),
    ("en/", "contrastive learning", "deep-learning/8586/"),
    ("en/", "word segmentation", "nlp/4195/"),
    ("en/", "information bottleneck", "vae/6181/"),
]

RESULTS = """() => [...document.querySelectorAll('.md-search-result__item')].map(li => {
  const a = li.querySelector('.md-search-result__link');
  const h = li.querySelector('.md-search-result__article h1, .md-search-result__article h2');
  return {href: a ? a.href : '', title: h ? h.innerText.replace(/\\u200b/g, '') : ''};
})"""
SETTLED = """(none) => {
  const meta = document.querySelector('.md-search-result__meta');
  return document.querySelectorAll('.md-search-result__item').length > 0
    || (meta && meta.textContent.trim() === none);
}"""


def engine(site: Path, edition: str) -> str:
    """Which search an edition of a built site has: ``pagefind``, ``lunr`` or ``none``."""
    if (site / edition / "pagefind" / "pagefind.js").is_file():
        return "pagefind"
    if (site / edition / "search" / "search_index.json").is_file():
        return "lunr"
    return "none"


def classify(rel: str) -> str | None:
    """What a fetched site file is to search: ``index``, ``runtime`` or nothing (None)."""
    if re.search(r"(^|/)search/search_index\.json$", rel) or re.search(
            r"(^|/)pagefind/(pagefind-entry\.json|.*\.pf_(meta|index|fragment|filter))$", rel):
        return "index"
    if re.search(r"(^|/)pagefind/", rel) or re.search(r"assets/javascripts/(workers/search|lunr/)", rel):
        return "runtime"
    return None


@functools.cache
def _gzip_size(path: Path) -> int:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":  # Pagefind's chunks: compressed already, served as they are
        return len(data)
    return len(gzip.compress(data, 6))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def _serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port),
                                             functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{port}/"


class _Tab:
    """One fresh browser context and page (a cold cache), every request recorded, other hosts blocked."""

    def __init__(self, browser: Any, base: str, site: Path):
        self.base, self.site = base, site
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.fetched: list[tuple[float, str]] = []  # (when it finished, path below the site root)
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.context.on("requestfinished", self._finished)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(self.base) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def _finished(self, request: Any) -> None:
        if request.url.startswith(self.base):
            self.fetched.append((time.perf_counter(), request.url[len(self.base):].split("?")[0].split("#")[0]))

    def spent(self, since: float, until: float) -> dict[str, Any]:
        """Bytes of search files fetched between two moments, by kind, from their sizes on disk."""
        out: dict[str, Any] = {"index_bytes": 0, "index_gzip_bytes": 0, "runtime_bytes": 0, "index_files": 0}
        for when, rel in self.fetched:
            kind = classify(rel)
            path = self.site / rel
            if kind is None or not since <= when <= until or not path.is_file():
                continue
            size = path.stat().st_size
            if kind == "index":
                out["index_bytes"] += size
                out["index_gzip_bytes"] += _gzip_size(path)
                out["index_files"] += 1
            else:
                out["runtime_bytes"] += size
        return out

    def close(self) -> None:
        self.context.close()


def _no_results(page: Any) -> str:
    config = json.loads(page.locator("#__config").text_content() or "{}")
    return str(config.get("translations", {}).get("search.result.none", ""))


def _expand(page: Any, wanted: set[str], root: str, limit: int = 200) -> list[dict]:
    """The results, scrolled into view until every wanted page shows, the list ends, or ``limit`` results.

    Both boxes draw more results when the list is scrolled to its end
    (Material's only on a new arrival there, so the list goes up first).
    """
    results = page.evaluate(RESULTS)
    while len(results) < limit and not wanted <= {_below(r["href"], root) for r in results}:
        page.evaluate("() => { const s = document.querySelector('.md-search__scrollwrap');"
                      " s.scrollTop = 0; s.dispatchEvent(new Event('scroll')); }")
        page.evaluate("() => { const s = document.querySelector('.md-search__scrollwrap');"
                      " s.scrollTop = s.scrollHeight; s.dispatchEvent(new Event('scroll')); }")
        try:
            page.wait_for_function("(n) => document.querySelectorAll('.md-search-result__item').length > n",
                                   arg=len(results), timeout=1500)
        except Exception:  # noqa: BLE001 - Playwright's timeout: the list has ended
            break
        results = page.evaluate(RESULTS)
    return results


def _below(href: str, root: str) -> str:
    path = href.split("#")[0].split("?")[0]
    return path[len(root):] if path.startswith(root) else path


def _found(expected: str, results: list[dict], root: str) -> int | None:
    """1-based rank of the expected page (a path ending in /, else a title fragment) in the results."""
    for rank, r in enumerate(results, 1):
        if expected.endswith("/") and _below(r["href"], root) == expected:
            return rank
        if not expected.endswith("/") and expected in r["title"]:
            return rank
    return None


def _query(tab: _Tab, root: str, query: str, expected: list[str], timeout_ms: int) -> dict[str, Any]:
    page = tab.page
    box = page.locator("input.md-search__input")
    box.click()
    start = time.perf_counter()
    box.fill(query)
    box.press("End")  # Material's lunr box reacts to keyup; Pagefind's to input
    page.wait_for_function(SETTLED, arg=_no_results(page), timeout=timeout_ms)
    first = time.perf_counter()
    results = _expand(page, {e for e in expected if e.endswith("/")}, root)
    ranks = {e: _found(e, results, root) for e in expected}
    meta = page.locator(".md-search-result__meta").text_content() or ""
    total = re.search(r"(\d+(?:\.\d+)?)(k?)", meta)  # Material writes 1.3k
    count = round(float(total.group(1)) * (1000 if total.group(2) else 1)) if total else len(results)
    return {"query": query, "first_result_ms": round((first - start) * 1000), "ranks": ranks,
            "results": count,
            "leaves_edition": [r["href"] for r in results if not r["href"].startswith(root)],
            **tab.spent(0.0, first)}


def measure(site: Path, queries: list[Query], *, cold: bool = True, timeout_s: float = 120.0,
            chromium: str = CHROMIUM) -> dict[str, Any]:
    """Run the queries on a built site; per query and per edition: payload, time to first result, recall.

    ``cold``: every query in a fresh browser context (nothing cached, the
    payload is what a reader's first query costs); otherwise one page per
    edition answers its queries one after the other (recall and the bytes
    each further query adds).
    """
    from playwright.sync_api import sync_playwright

    site = Path(site)
    grouped: dict[tuple[str, str], list[str]] = {}
    for edition, query, expected in queries:
        grouped.setdefault((edition, query), []).append(expected)
    server, base = _serve(site)
    rows: list[dict[str, Any]] = []
    outside: list[str] = []
    errors: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            tabs: dict[str, _Tab] = {}
            for (edition, query), expected in grouped.items():
                root = base + edition
                tab = None if cold else tabs.get(edition)
                if tab is None:
                    tab = _Tab(browser, base, site)
                    tab.page.goto(root, wait_until="load")
                    if not cold:
                        tabs[edition] = tab
                else:
                    tab.page.locator("input.md-search__input").fill("")
                    tab.page.wait_for_function(
                        "() => document.querySelectorAll('.md-search-result__item').length === 0")
                    tab.fetched.clear()
                try:
                    row = _query(tab, root, query, expected, int(timeout_s * 1000))
                except Exception as err:  # noqa: BLE001 - a query that never settles is a finding, not a crash
                    row = {"query": query, "error": str(err).splitlines()[0], "ranks": dict.fromkeys(expected)}
                row.update(edition=edition, engine=engine(site, edition))
                rows.append(row)
                if cold:
                    outside += tab.outside
                    errors += tab.errors
                    tab.close()
            for tab in tabs.values():
                outside += tab.outside
                errors += tab.errors
                tab.close()
            browser.close()
    finally:
        server.shutdown()
    return {"site": str(site), "cold": cold, "queries": rows, "editions": summary(rows),
            "outside": sorted(set(outside)), "errors": errors}


def summary(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per edition: recall (expected pages found / expected), payload and time to the first result."""
    out: dict[str, dict[str, Any]] = {}
    for edition in sorted({r["edition"] for r in rows}):
        mine = [r for r in rows if r["edition"] == edition]
        ranks = [rank for r in mine for rank in r["ranks"].values()]
        timed = [r for r in mine if "first_result_ms" in r]

        def stat(key: str, rows: list[dict[str, Any]] = timed) -> dict[str, int]:
            values = [r[key] for r in rows]
            return {"median": round(statistics.median(values)), "max": max(values)} if values else {}

        out[edition or "/"] = {
            "engine": mine[0]["engine"], "queries": len(mine), "expected": len(ranks),
            "found": sum(r is not None for r in ranks),
            "found_top10": sum(r is not None and r <= 10 for r in ranks),
            "missed": sorted({f"{r['query']} → {e}" for r in mine for e, rank in r["ranks"].items() if rank is None}),
            "index_bytes": stat("index_bytes"), "index_gzip_bytes": stat("index_gzip_bytes"),
            "runtime_bytes": stat("runtime_bytes"), "first_result_ms": stat("first_result_ms"),
            "results": stat("results"),
            "leaves_edition": sorted({h for r in mine for h in r.get("leaves_edition", [])}),
        }
    return out


class _Text(html.parser.HTMLParser):
    """An article's searchable text: what Pagefind indexes (builder.search's root and exclusions)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside the article
        self.skip = 0  # inside an excluded element
        self.stack: list[tuple[str, bool, bool]] = []
        self.parts: list[str] = []

    VOID = frozenset({"br", "img", "hr", "input", "meta", "link", "wbr", "source", "area", "col", "embed"})

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        article = tag == "article" and "md-content__inner" in classes
        excluded = ("data-search-exclude" in a or "arithmatex" in classes or "kb-alt" in classes
                    or "headerlink" in classes or tag in ("script", "style"))
        self.stack.append((tag, article, excluded))
        self.depth += article
        self.skip += excluded

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            name, article, excluded = self.stack.pop()
            self.depth -= article
            self.skip -= excluded
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip:
            self.parts.append(data)


def chapter_texts(site: Path, edition: str) -> Iterator[tuple[str, str]]:
    """(path below the edition root, searchable text) of every chapter page (``part/id/``) of an edition."""
    folder = site / edition
    for path in sorted(folder.glob("*/*/index.html")):
        rel = path.parent.relative_to(folder).as_posix() + "/"
        if (folder / rel.split("/")[0] / "pagefind").is_dir() or (folder / rel.split("/")[0] / "search").is_dir():
            continue  # another edition's folder (en/ in the original's site), with its own index
        if re.fullmatch(r"[a-z0-9-]+/[A-Za-z0-9_-]+/", rel):
            parser = _Text()
            parser.feed(path.read_text(encoding="utf-8"))
            yield rel, " ".join("".join(parser.parts).split())


def term_queries(site: Path, terms: list[tuple[str, str]], per_term: int | None = None) -> list[Query]:
    """A query per (edition, term), expecting the chapters whose text holds the term.

    ``per_term`` keeps that many of them, spread over the list (None: all),
    so that a common word on a big site stays a handful of expectations.
    """
    texts = {edition: list(chapter_texts(site, edition)) for edition in {e for e, _ in terms}}
    out: list[Query] = []
    for edition, word in terms:
        chinese = re.search(r"[\u3400-\u9fff]", word) is not None
        pattern = re.compile(re.escape(word) if chinese else r"\b" + re.escape(word), re.IGNORECASE)
        holders = [rel for rel, text in texts[edition] if pattern.search(text)]
        if per_term is not None and len(holders) > per_term:
            step = len(holders) / per_term
            holders = [holders[int(i * step)] for i in range(per_term)]
        out += [(edition, word, rel) for rel in holders]
    return out


def glossary_queries(site: Path, glossary: Path, per_term: int | None = None) -> list[Query]:
    """A query per glossary term and edition (zh in the original, en below en/), expecting chapters holding it."""
    import yaml

    entries = yaml.safe_load(glossary.read_text(encoding="utf-8")).get("terms", [])
    terms = [(edition, str(t.get(key, "")).strip()) for edition, key in (("", "zh"), ("en/", "en"))
             if (site / edition / "index.html").is_file() for t in entries if str(t.get(key, "")).strip()]
    return term_queries(site, terms, per_term)


def sample_queries(site: Path, count: int = 12, seed: int = 1, most: int = 5) -> list[Query]:
    """Queries drawn from a site's own chapters (for synthetic sites, whose text no fixed list knows).

    Per edition, ``count`` phrases (four to six ideographs in Chinese, two or
    three words in English) that at most ``most`` chapters hold, each
    expecting every chapter that holds it.
    """
    import random

    rng = random.Random(seed)  # noqa: S311 - reproducible sampling, not secrets
    out: list[Query] = []
    for edition, chinese in (("", True), ("en/", False)):
        if not (site / edition / "index.html").is_file():
            continue
        texts = list(chapter_texts(site, edition))
        if not texts:
            continue
        lowered = [(rel, text.lower()) for rel, text in texts]
        found: list[Query] = []
        for _ in range(count * 50):
            if len(found) >= count:
                break
            rel, text = rng.choice(texts)
            if chinese:
                runs = re.findall(r"[\u4e00-\u9fff]{6,}", text)
                if not runs:
                    continue
                run = rng.choice(runs)
                size = rng.randint(4, 6)
                at = rng.randrange(0, len(run) - size + 1)
                phrase = run[at:at + size]
            else:
                words = re.findall(r"[A-Za-z]{4,}", text)
                if len(words) < 3:
                    continue
                size = rng.randint(2, 3)
                at = rng.randrange(0, len(words) - size + 1)
                phrase = " ".join(words[at:at + size])
                if phrase.lower() not in text.lower():  # words apart in the text: not a phrase
                    continue
            holders = [r for r, t in lowered if phrase.lower() in t]
            if not 1 <= len(holders) <= most or any(q == phrase for _, q, _ in found):
                continue
            found += [(edition, phrase, r) for r in holders]
        out += found
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path, help="a built site folder (the original edition at its root)")
    parser.add_argument("--queries", type=Path, help="a JSON list of [edition, query, expected] (default: built-in)")
    parser.add_argument("--glossary", type=Path, help="also query every term of this glossary.yml, "
                        "expecting each chapter that holds it (answered warm, one page per edition)")
    parser.add_argument("--sample", type=int, default=0, metavar="N",
                        help="instead of the built-in queries, N phrases per edition drawn from the site's chapters")
    parser.add_argument("--warm", action="store_true", help="one page per edition instead of a fresh one per query")
    parser.add_argument("--out", type=Path, help="write the JSON report here instead of stdout")
    args = parser.parse_args(argv)
    if args.queries:
        queries = [tuple(q) for q in json.loads(args.queries.read_text(encoding="utf-8"))]
    else:
        queries = sample_queries(args.site, args.sample) if args.sample else QUERIES
    report = measure(args.site, queries, cold=not args.warm)  # type: ignore[arg-type]
    if args.glossary:
        report["glossary"] = measure(args.site, glossary_queries(args.site, args.glossary), cold=False)
    text = json.dumps(report, ensure_ascii=False, indent=1)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
