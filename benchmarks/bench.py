"""Benchmark: the builder and the bilingual mkdocs build at realistic sizes.

    python benchmarks/bench.py                        # N = 35 (bundled), 300, 1300 excerpts; builder alone at 13000
    python benchmarks/bench.py --sizes 35 --runs 1    # the smoke test .ci/run uses
    python benchmarks/bench.py --long                 # article pages in the three scrape shapes, up to 1,300
    python benchmarks/bench.py --pages DIR            # one row on a folder of real pages (copied, never changed)
    python benchmarks/bench.py --pages DIR --builder-only   # the same pages, the builder alone (no mkdocs)
    python benchmarks/bench.py --browser              # also time the first search result in Chromium
    python benchmarks/bench.py --hostile              # only the hostile-input row (the default run includes it)
    python benchmarks/bench.py --serve --long --sizes 1300   # mkdocs serve: first build, an edit, plain and --dirty

Every figure is a median over --runs runs, in this one session, so ratios
between the full build and its baseline (the same pages built by plain mkdocs,
no hook, both languages in parallel as ours are) hold on a noisy machine.
Results: benchmarks/results.json and .md (results-long, results-pages and
results-hostile and results-serve for those modes; --out to choose).

Each row reports what the issue measures the book by: articles read, chapters,
formulas in the built chapters (``class="arithmatex"`` elements), chapters with
a math error or warning (not the notes that TeX was adapted or delimiters put
back), headings kept (h2–h6 in the chapters' HTML), the full build of both
editions against the baseline, the builder's share of it, peak memory (every
process of the build at once, :func:`tree_memory`; and the largest one), the
largest chapter page and the index a reader fetches before a first search result
(``benchmarks/searchcost.py``, when present), next to the targets: build ≤ 120 s,
builder ≤ 10 %, memory ≤ 2 GB, first-result index ≤ 1 MB a language, chapter ≤ 300 KB.

The hostile-input row runs the builder (in process, nothing written) on dumps
shaped to make a careless parser quadratic (benchmarks/hostile.py), each at 1×
and 4× its size: the ratio of the times should be near 4, not 16.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.hostile import SHAPES, STAGES, write_shape  # noqa: E402
from benchmarks.synth import write_archive, write_editorial, write_pages  # noqa: E402
from builder.model import Level  # noqa: E402
from builder.pipeline import Paths, Result, run  # noqa: E402
from builder.read import read_archive  # noqa: E402
from builder.render.names import ALT  # noqa: E402

PY = sys.executable
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", SITE_URL="http://127.0.0.1:8000/")
PAGE_SUFFIXES = (".txt", ".md", ".markdown")  # the files the archive reader takes
MATH_CODES = frozenset({"suspicious-math", "unsafe-tex"})  # and every code starting with "math"
# The budget at 1,300 full articles, both editions, 2 cores.
TARGETS = {"build_s": 120.0, "builder_share": 0.10, "memory_mb": 2048.0, "first_result_kb": 1024.0,
           "chapter_kb": 300.0}
_FORMULA = re.compile(r'class="arithmatex[" ]')
_HEADING = re.compile(r"<h[2-6][\s>]")
_ARTICLE = re.compile(r"<article\b.*?</article>", re.S)
_ALTERNATE = re.compile(r'<(\w+)\b[^>]*\bclass="(?:[^"]*\s)?' + ALT + r'(?:\s[^"]*)?"[^>]*>')


class Measured(NamedTuple):
    wall: float  # seconds
    rss: int  # KiB, the largest process of the tree
    cpu: float  # seconds of CPU (user + system) of the whole tree: what a shared, loaded machine does not inflate
    memory: int  # KiB, the most the tree held at once: every process's PSS summed, sampled (-1 without /proc)


SAMPLE_S = 0.2  # how often the process tree's memory is read while a command runs


def tree_memory(root: int) -> int:
    """KiB held by a process and all its descendants now: their PSS summed (shared pages split between them).

    The largest single process (``ru_maxrss``) misses what runs side by side: the two editions'
    mkdocs processes, the builder's forked workers, each edition's Pagefind.
    """
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as f:
                    stat = f.read()
            except OSError:
                continue
            children.setdefault(int(stat[stat.rfind(")") + 2:].split()[1]), []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as f:
                total += next((int(line.split()[1]) for line in f if line.startswith("Pss:")), 0)
        except OSError:
            pass  # gone meanwhile
    return total


def measured(args: list[str], cwd: Path, log: list[str] | None = None) -> Measured:
    """Wall time, peak memory and CPU time of one command and every process it waited for."""
    probe = ("import resource, subprocess, sys, time, json; t = time.perf_counter(); "
             "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True); "
             "w = time.perf_counter() - t; u = resource.getrusage(resource.RUSAGE_CHILDREN); "
             "print(json.dumps([p.returncode, w, u.ru_maxrss, u.ru_utime + u.ru_stime, p.stderr]))")
    sampled = Path("/proc/self/smaps_rollup").exists()
    # The probe's output goes to files, not pipes: it may be larger than a pipe holds while we sample.
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out, tempfile.TemporaryFile("w+", encoding="utf-8") as fail:
        with subprocess.Popen([PY, "-c", probe, *args], cwd=cwd, env=ENV, stdout=out, stderr=fail) as proc:
            peak = 0
            while sampled:
                peak = max(peak, tree_memory(proc.pid))
                try:
                    proc.wait(timeout=SAMPLE_S)
                    break
                except subprocess.TimeoutExpired:
                    continue
        out.seek(0)
        fail.seek(0)
        if proc.returncode != 0:
            raise RuntimeError(f"benchmark probe failed:\n{fail.read()[-3000:]}")
        code, wall, rss, cpu, err = json.loads(out.read())
    if code != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{err[-3000:]}")
    if log is not None:
        log.append(err)
    return Measured(wall, rss, cpu, peak if sampled else -1)


def copy_pages(source: Path, target: Path) -> int:
    """Copy a folder of pages into a project's archive; returns how many page files it holds.

    The folder is only read: regular files are copied without their modes (a read-only
    source would make a read-only copy the benchmark could not clean up), links are not
    followed (a page folder from elsewhere could link anywhere), hidden entries are skipped
    as the reader skips them.
    """
    pages = 0
    for here, folders, files in os.walk(source, followlinks=False):
        base = Path(here)
        folders[:] = sorted(d for d in folders if not d.startswith(".") and not (base / d).is_symlink())
        out = target / base.relative_to(source)
        out.mkdir(parents=True, exist_ok=True)
        for name in sorted(files):
            path = base / name
            if name.startswith(".") or path.is_symlink() or not path.is_file():
                continue
            shutil.copyfile(path, out / name)
            pages += name.endswith(PAGE_SUFFIXES)
    return pages


def project(where: Path, n: int, kind: str, seed: int, pages: Path | None = None) -> tuple[Path, int]:
    """A copy of the site sources with an archive, and how many articles it holds.

    ``kind``: "dumps" (synthetic excerpts; n = 35 is the bundled archive), "long" (synthetic
    article pages in the three shapes) or "pages" (a copy of the folder ``pages``).
    """
    where.mkdir(parents=True)
    for name in ("mkdocs.yml", "mkdocs.en.yml"):
        shutil.copy(ROOT / name, where / name)
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, where / name)
    (where / "builder").symlink_to(ROOT / "builder")
    if kind == "dumps" and n == 35:
        shutil.copytree(ROOT / "archive", where / "archive")
        shutil.copytree(ROOT / "editorial", where / "editorial")
        shutil.copytree(ROOT / "translations", where / "translations")
        return where, n
    if kind == "pages":
        assert pages is not None
        n = copy_pages(pages, where / "archive")
    elif kind == "long":
        write_pages(where / "archive", n, seed=seed)
    else:
        write_archive(where / "archive", n, seed=seed)
    write_editorial(where / "editorial")
    (where / "translations" / "en").mkdir(parents=True)
    return where, n


def is_math_problem(code: str) -> bool:
    """The problems that say a formula may not show as the blog meant it."""
    return code.startswith("math") or code in MATH_CODES


def math_problem_chapters(result: Result) -> int:
    """Distinct chapters with at least one math error or warning (not the notes that TeX was adapted or
    delimiters restored): a problem belongs to the post read from its file and line.

    A file can hold many posts (a dump), so a problem goes to the post whose source line is the
    last one at or before the problem's line in that file.
    """
    owners: dict[str, list[tuple[int, str]]] = {}
    for chapter in result.book.chapters():
        for source in chapter.post.sources:
            owners.setdefault(source.file, []).append((source.line, chapter.post.key))
    for spans in owners.values():
        spans.sort()
    hit: set[str] = set()
    for problem in result.problems:
        spans = owners.get(problem.source.file)
        if spans and is_math_problem(problem.code) and problem.level != Level.INFO:
            at = bisect.bisect_right(spans, (problem.source.line, "\uffff")) - 1
            hit.add(spans[max(at, 0)][1])
    return len(hit)


def math_problem_codes(result: Result) -> dict[str, int]:
    """How many math problems of each code: which kind of finding the chapters above come from."""
    return dict(sorted(Counter(p.code for p in result.problems if is_math_problem(p.code)).items()))


def chapter_pages(site: Path, result: Result) -> dict[str, list[Path]]:
    """Each edition's built chapter pages, from the book (not guessed from folder names)."""
    out: dict[str, list[Path]] = {}
    for edition in result.editions.all:
        root = site / edition.prefix
        out[edition.lang] = [root / part.slug / c.slug / "index.html" for part in result.book.parts
                             for c in part.chapters]
    return out


def without_alternates(html: str) -> str:
    """A chapter page without the other edition's text shown beside each unit (it repeats formulas and headings).

    Each alternate is cut from its opening tag to the matching closing tag, found by counting the
    same tag's openings and closings after it: one pass over the page, however deep the nesting.
    """
    out: list[str] = []
    pos = 0
    while (m := _ALTERNATE.search(html, pos)) is not None:
        depth, end = 1, len(html)
        for t in re.compile(rf"<(/?){m.group(1)}\b[^>]*>").finditer(html, m.end()):
            depth += -1 if t.group(1) else 1
            if depth == 0:
                end = t.end()
                break
        out.append(html[pos:m.start()])
        pos = end
    out.append(html[pos:])
    return "".join(out)


def html_figures(pages: list[Path]) -> dict[str, float]:
    """Formulas and kept headings in the chapters' HTML, and the largest chapter page.

    The other edition's text shown beside a unit repeats its formulas and headings, so it is left
    out of the counts (:func:`without_alternates`); the page size counts everything a reader loads.
    """
    formulas = headings = 0
    largest = 0
    for page in pages:
        try:
            data = page.read_bytes()
        except OSError:
            continue
        largest = max(largest, len(data))
        text = without_alternates(data.decode("utf-8", "replace"))
        formulas += len(_FORMULA.findall(text))
        article = _ARTICLE.search(text)
        headings += len(_HEADING.findall(article.group(0) if article else text))
    return {"formulas": formulas, "headings": headings, "largest_kb": round(largest / 1024, 1)}


def _folder_mb(path: Path) -> float | None:
    if path.is_file():
        return round(path.stat().st_size / 2**20, 2)
    if path.is_dir():
        return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 2)
    return None


def index_on_disk(site: Path, result: Result) -> dict[str, float | None]:
    """Each edition's search index on disk (Material's lunr file or a Pagefind folder), MB; None when absent."""
    out: dict[str, float | None] = {}
    for edition in result.editions.all:
        root = site / edition.prefix
        sizes = [s for s in (_folder_mb(root / "search" / "search_index.json"), _folder_mb(root / "pagefind"))
                 if s is not None]
        out[edition.lang] = sum(sizes) if sizes else None
    return out


def search_queries(result: Result) -> list[tuple[str, str, str]]:
    """searchcost's queries: (edition folder, query, expected page below the edition root, or a title fragment).

    Three words of chapter titles for the original edition, each expecting its chapter; two
    English words for the others (untranslated chapters have no English words to expect).
    """
    chapters = [(part, c) for part in result.book.parts for c in part.chapters if c.post.title]
    picked = chapters[:: max(1, len(chapters) // 3)][:3]
    out: list[tuple[str, str, str]] = []
    for edition in result.editions.all:
        if edition == result.editions.original:
            for part, chapter in picked:
                words = re.findall(r"[\u4e00-\u9fff]{2,4}", chapter.post.title or "")
                if words:
                    out.append((edition.prefix, words[0], f"{part.slug}/{chapter.slug}/"))
        else:
            out += [(edition.prefix, word, "") for word in ("diffusion", "model")]
    return out


def index_payload(site: Path, result: Result) -> dict | str:
    """What a reader fetches before a first search result, per edition, from benchmarks/searchcost.py.

    The module is written separately (the search may change under the benchmark); without it, or
    when it fails, the row says "n/a" and keeps every other figure.
    """
    try:
        from benchmarks import searchcost  # noqa: PLC0415 - optional, and it needs a browser
    except ImportError:
        return "n/a"
    try:
        return json.loads(json.dumps(searchcost.measure(site, search_queries(result)), default=str))
    except Exception as err:  # noqa: BLE001 - a measurement helper's failure must not lose the row
        return f"n/a ({type(err).__name__}: {str(err)[:200]})"


def baseline_configs(proj: Path, result) -> list[Path]:
    """Plain mkdocs configs for the already generated pages: same theme and extensions, no builder plugin.

    Other plugins stay; when none is left the list is written empty, since an empty ``plugins:``
    makes mkdocs load its default search plugin, which the book's own build does not run.
    """
    import yaml

    base = (proj / "mkdocs.yml").read_text(encoding="utf-8")
    base = re.sub(r"\n  - kexue-book.*\n(    .*\n)*", "\n", base)  # the plugin goes; theme and others stay
    block = re.search(r"^plugins:[ \t]*\n((?:[ \t]+.*\n|[ \t]*#.*\n|[ \t]*\n)*)", base, re.M)
    if block and not re.search(r"^[ \t]+- ", block.group(1), re.M):
        base = base[:block.start()] + "plugins: []\n" + base[block.end():]
    base = base.replace('site_url: !ENV [SITE_URL, "http://127.0.0.1:8000/"]', "site_url: http://127.0.0.1:8000/")
    configs = []
    for lang in ("zh", "en"):
        docs = proj / "baseline" / lang
        shutil.copytree(proj / "build" / "book" / lang, docs, ignore=shutil.ignore_patterns(".builder-manifest.json"))
        shutil.copy(proj / "docs" / ("about.md" if lang == "zh" else "en/about.md"), docs / "about.md")
        shutil.copytree(proj / "docs" / "assets", docs / "assets", dirs_exist_ok=True)
        text = base.replace("docs_dir: docs", f"docs_dir: {docs}")
        if lang == "en":
            text = text.replace("language: zh", "language: en").replace("lang: zh", "lang: en")
        nav = result.rendered[lang].nav + [{"About": "about.md"}]
        text += "\n" + yaml.safe_dump({"nav": nav}, allow_unicode=True)
        path = proj / f"baseline.{lang}.yml"
        path.write_text(text, encoding="utf-8")
        configs.append(path)
    return configs


def parallel(commands: list[list[str]], cwd: Path) -> tuple[float, float]:
    """Wall seconds of running the commands side by side, and their CPU seconds (every one is waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    procs = [subprocess.Popen(c, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
             for c in commands]
    for p in procs:
        _, err = p.communicate()
        if p.returncode != 0:
            raise RuntimeError(err[-3000:])
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def first_result_ms(site: Path, queries: dict[str, str], runs: int) -> dict[str, float]:
    """Milliseconds from typing a query on a freshly opened page to the first search result."""
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    port = free_port()
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        for path, query in queries.items():
            times = []
            for _ in range(runs):
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{port}/{path}", wait_until="load")
                box = page.locator("input.md-search__input")
                box.click()
                box.fill(query)
                start = time.perf_counter()
                box.press("End")
                page.wait_for_selector(".md-search-result__item", timeout=60000)
                times.append((time.perf_counter() - start) * 1000)
                page.close()
            out[f"{path or '/'} {query}"] = round(statistics.median(times))
        browser.close()
    server.shutdown()
    return out


SERVE_TIMEOUT_S = 1800.0


def _wait_in_log(log: Path, done: Callable[[str], bool], proc: subprocess.Popen[bytes]) -> None:
    """Until ``done`` holds for what mkdocs has logged (its process must not end meanwhile)."""
    deadline = time.monotonic() + SERVE_TIMEOUT_S
    while not done(log.read_text(encoding="utf-8", errors="replace")):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"mkdocs serve stopped or stalled:\n{log.read_text(encoding='utf-8')[-3000:]}")
        time.sleep(SAMPLE_S)


def serve_row(proj: Path, label: str, articles: int, runs: int) -> dict:
    """``mkdocs serve`` as an editor uses it: the first build, then ``runs`` edits of one article, each timed
    until both editions are built again; plain, then with ``--dirty`` (whose first build finds the cache warm)."""
    # The longest article: a quarter into it is its body, which every edition's chapter shows.
    page = max((p for p in sorted((proj / "archive").rglob("*.txt")) if "。" in p.read_text(encoding="utf-8")),
               key=lambda p: p.stat().st_size)
    original = page.read_text(encoding="utf-8")
    row: dict = {"label": label, "articles": articles, "edited": page.relative_to(proj).as_posix()}
    try:
        for mode, options in (("plain", []), ("dirty", ["--dirty"])):
            log = proj / f"serve-{mode}.log"
            port = free_port()
            with open(log, "wb") as out:
                proc = subprocess.Popen([PY, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", *options],
                                        cwd=proj, env=ENV, stdout=out, stderr=subprocess.STDOUT)
            try:
                started = time.perf_counter()
                _wait_in_log(log, lambda text: "Serving on" in text, proc)
                row[f"{mode}_first_build_s"] = round(time.perf_counter() - started, 1)
                cycles = []
                for k in range(runs):
                    # The server says so once a rebuild (every edition's) is done and the site it serves updated.
                    done = log.read_text(encoding="utf-8", errors="replace").count("Reloading browsers")
                    text = page.read_text(encoding="utf-8")
                    at = text.find("。", len(text) // 4)
                    page.write_text(text[:at] + f"（{mode}第{k + 1}次修订）" + text[at:], encoding="utf-8")
                    edited = time.perf_counter()
                    _wait_in_log(log, lambda text, d=done: text.count("Reloading browsers") > d, proc)
                    cycles.append(time.perf_counter() - edited)
                row[f"{mode}_edit_s"] = round(statistics.median(cycles), 1)
                marker = f"（{mode}第{runs}次修订）"
                shown = [f.relative_to(proj / "build" / "book").with_suffix("") for f in
                         (proj / "build" / "book").rglob("*.md") if marker in f.read_text(encoding="utf-8")]
                for rel in shown:
                    url = f"http://127.0.0.1:{port}/{rel.as_posix().removeprefix('zh/')}/"
                    with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 - the local server
                        if marker not in answer.read().decode("utf-8"):
                            raise RuntimeError(f"{url} does not show the edit: nothing was measured")
                if not shown:
                    raise RuntimeError(f"the edit of {page} reached no chapter: nothing was measured")
            finally:
                proc.terminate()
                proc.wait(timeout=60)
    finally:
        page.write_text(original, encoding="utf-8")
    return row


def serve_table(rows: list[dict]) -> str:
    out = ("| archive | articles | `mkdocs serve`: first build | an edit shown in both editions "
           "| `--dirty`: first build (cache warm) | an edit shown in both editions |\n|---|---|---|---|---|---|\n")
    for r in rows:
        out += (f"| {r['label']} | {r['articles']} | {r['plain_first_build_s']} s | {r['plain_edit_s']} s "
                f"| {r['dirty_first_build_s']} s | {r['dirty_edit_s']} s |\n")
    return out


def bench_row(proj: Path, label: str, articles: int, runs: int, browser: bool) -> dict:
    """One row: the builder alone, the full bilingual build, the plain-mkdocs baseline, and what the build made."""
    paths = Paths.of(proj)
    stages: dict[str, list[float]] = {}
    for _ in range(runs):
        shutil.rmtree(proj / "build", ignore_errors=True)
        result = run(paths)
        for k, v in result.timings.items():
            stages.setdefault(k, []).append(v)
    cli = [measured([PY, "-m", "builder", "build", "-q", "--no-cache", "--archive", str(paths.archive),
                     "--editorial", str(paths.editorial), "--translations", str(paths.translations), "--out",
                     str(proj / "build" / f"cli{i}")], proj) for i in range(runs)]
    full, rss, cpu, inside, memory = [], [], [], [], []
    warm, warm_inside = [], []
    # Cold builds first (no build/ folder, so no build cache), then rebuilds of the same archive, which
    # take the read files, rendered chapters, search copies and search-index shards from build/cache/.
    for cold in [True] * runs + [False] * runs:
        if cold:
            shutil.rmtree(proj / "build", ignore_errors=True)
        shutil.rmtree(proj / "site", ignore_errors=True)
        logs: list[str] = []
        done = measured([PY, "-m", "mkdocs", "build", "-q", "-f", str(proj / "mkdocs.yml"), "-d", str(proj / "site")],
                        proj, logs)
        spent = [float(x) for x in re.findall(r"builder work in this build ([\d.]+) s", logs[0])]
        (full if cold else warm).append(done.wall)
        (inside if cold else warm_inside).append(max(spent) if spent else float("nan"))
        if cold:
            rss.append(done.rss)
            cpu.append(done.cpu)
            memory.append(done.memory)
    result = run(paths)  # a one-off mkdocs build keeps its pages in memory: write them for the baseline
    configs = baseline_configs(proj, result)
    base, base_cpu = [], []
    for _ in range(runs):
        dirs = [proj / "baseline-site" / c.stem for c in configs]
        for d in dirs:
            shutil.rmtree(d, ignore_errors=True)
        wall, spent = parallel([[PY, "-m", "mkdocs", "build", "-q", "-f", str(c), "-d", str(d)]
                                for c, d in zip(configs, dirs, strict=True)], proj)
        base.append(wall)
        base_cpu.append(spent)
    # A rebuild with nothing changed must write nothing.
    again = run(paths)
    site = proj / "site"
    pages = [p for p in site.rglob("*.html") if p.name == "index.html"]
    chapters = chapter_pages(site, result)
    figures = {lang: html_figures(files) for lang, files in chapters.items()}
    build = statistics.median(full)
    row = {
        "label": label,
        "posts": articles,
        "articles": articles,
        "long_form": label.endswith("long"),
        "chapters": len(result.book.chapters()),
        "formulas": figures.get("zh", {}).get("formulas", 0),
        "formulas_by_edition": {lang: f["formulas"] for lang, f in figures.items()},
        "builder_formulas": result.rendered["zh"].formula_count,
        "math_problem_chapters": math_problem_chapters(result),
        "math_problem_codes": math_problem_codes(result),
        "headings": figures.get("zh", {}).get("headings", 0),
        "largest_chapter_kb": max((f["largest_kb"] for f in figures.values()), default=0.0),
        "median_chapter_html_kb": round(statistics.median(p.stat().st_size for p in chapters["zh"]) / 1024, 1)
        if chapters.get("zh") else None,
        "builder_stages_s": {k: round(statistics.median(v), 3) for k, v in stages.items()},
        "builder_in_process_s": round(statistics.median(sum(s[i] for s in stages.values()) for i in range(runs)), 3),
        "builder_cli_s": round(statistics.median(m.wall for m in cli), 3),
        "builder_cli_cpu_s": round(statistics.median(m.cpu for m in cli), 3),
        "builder_cli_peak_rss_mb": round(max(m.rss for m in cli) / 1024, 1),
        "builder_cli_peak_memory_mb": round(max(m.memory for m in cli) / 1024, 1),
        "mkdocs_build_s": round(build, 2),
        "mkdocs_build_cpu_s": round(statistics.median(cpu), 2),
        "mkdocs_peak_rss_mb": round(max(rss) / 1024, 1),  # the largest process
        "mkdocs_peak_memory_mb": round(max(memory) / 1024, 1),  # every process at once (tree_memory)
        "baseline_s": round(statistics.median(base), 2),
        "baseline_cpu_s": round(statistics.median(base_cpu), 2),
        "ratio_full_to_baseline": round(build / statistics.median(base), 2),
        "builder_share_of_build": round(statistics.median(m.wall for m in cli) / build, 3),
        "builder_in_build_s": round(statistics.median(inside), 2),
        "builder_in_build_share": round(statistics.median(inside) / build, 3),
        "rebuild_s": round(statistics.median(warm), 2),
        "builder_in_rebuild_s": round(statistics.median(warm_inside), 2),
        "builder_in_rebuild_share": round(statistics.median(warm_inside) / statistics.median(warm), 3),
        "pages": len(pages),
        "pages_per_s": round(len(pages) / build, 1),
        "search_index_mb": index_on_disk(site, result),
        "index_first_result": index_payload(site, result),
        "largest_html_kb": round(max(p.stat().st_size for p in pages) / 1024, 1),
        "rebuild_unchanged_written": sum(len(r.written) for r in again.report.values()),
    }
    if browser:
        try:
            row["first_search_result_ms"] = first_result_ms(site, {"": "扩散", "en/": "diffusion"}, runs)
        except Exception as err:  # noqa: BLE001 - the search box may have changed; the row stands without it
            row["first_search_result_ms"] = {"n/a": f"{type(err).__name__}: {str(err)[:200]}"}
    shutil.rmtree(proj, ignore_errors=True)
    return row


def builder_only(archive: Path, label: str, articles: int, runs: int, tmp: Path) -> dict:
    """The builder alone (CLI and in process) on one archive: no mkdocs, so it runs in seconds on any folder."""
    where = tmp / ("builder-" + re.sub(r"[^\w.-]+", "-", label))
    editorial = write_editorial(where / "editorial")
    (where / "translations" / "en").mkdir(parents=True)  # an edition not translated yet
    args = [PY, "-m", "builder", "build", "-q", "--archive", str(archive), "--editorial", str(editorial),
            "--translations", str(where / "translations")]
    walls = [measured(args + ["--out", str(where / f"out{i}")], ROOT) for i in range(runs)]
    paths = Paths(archive, editorial, where / "in-process", where / "translations")
    result = run(paths, write_files=False)
    shutil.rmtree(where, ignore_errors=True)
    headings = sum(b.kind.value == "heading" for c in result.book.chapters() for b in c.post.blocks)
    return {"label": label, "posts": articles, "articles": articles, "chapters": len(result.book.chapters()),
            "formulas": result.rendered["zh"].formula_count, "math_problem_chapters": math_problem_chapters(result),
            "math_problem_codes": math_problem_codes(result),
            "headings": headings, "problems": len(result.problems),
            "builder_cli_s": round(statistics.median(m.wall for m in walls), 2),
            "builder_cli_cpu_s": round(statistics.median(m.cpu for m in walls), 2),
            "builder_cli_peak_rss_mb": round(max(m.rss for m in walls) / 1024, 1),
            "builder_stages_s": {k: round(v, 3) for k, v in result.timings.items()}}


def synthetic_archive(tmp: Path, n: int, seed: int, long_form: bool) -> Path:
    where = tmp / f"archive-{n}{'-long' if long_form else ''}"
    if long_form:
        write_pages(where, n, seed=seed)
    else:
        write_archive(where, n, seed=seed)
    return where


def hostile_rows(runs: int, tmp: Path, scale: int = 1) -> list[dict]:
    """Each hostile shape at ``scale`` and 4× it: medians of the reader alone and of the whole builder."""
    editorial = write_editorial(tmp / "hostile-editorial")
    rows = []
    for shape in SHAPES:
        row: dict = {"shape": shape}
        for key, factor in (("1x", scale), ("4x", 4 * scale)):
            archive = tmp / f"hostile-{shape}-{factor}"
            dump = write_shape(archive, shape, factor)
            paths = Paths(archive, editorial, tmp / "hostile-out", tmp / "hostile-translations")
            reads, totals = [], []
            for _ in range(runs):
                start = time.perf_counter()
                read_archive(archive)
                reads.append(time.perf_counter() - start)
                totals.append(sum(run(paths, write_files=False).timings.values()))
            row[f"bytes_{key}"] = dump.stat().st_size
            row[f"read_s_{key}"] = round(statistics.median(reads), 4)
            row[f"builder_s_{key}"] = round(statistics.median(totals), 4)
            shutil.rmtree(archive)
        row["read_ratio"] = round(row["read_s_4x"] / max(row["read_s_1x"], 1e-6), 1)
        row["builder_ratio"] = round(row["builder_s_4x"] / max(row["builder_s_1x"], 1e-6), 1)
        rows.append(row)
    for shape, make in STAGES.items():  # one stage alone, on input no dump can carry (benchmarks/hostile.py)
        row = {"shape": shape, "stage_only": True}
        for key, factor in (("1x", scale), ("4x", 4 * scale)):
            task = make(factor)
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                task()
                times.append(time.perf_counter() - start)
            row[f"builder_s_{key}"] = round(statistics.median(times), 4)
        row["builder_ratio"] = round(row["builder_s_4x"] / max(row["builder_s_1x"], 1e-6), 1)
        rows.append(row)
    return rows


def hostile_table(rows: list[dict]) -> str:
    out = ("| hostile input | size 1× | read 1× / 4× | ratio | builder (or the stage alone) 1× / 4× | ratio |\n"
           "|---|---|---|---|---|---|\n")
    for r in rows:
        if r.get("stage_only"):
            out += (f"| {r['shape']} | | | | {r['builder_s_1x']} / {r['builder_s_4x']} s | {r['builder_ratio']} |\n")
            continue
        out += (f"| {r['shape']} | {r['bytes_1x'] / 1024:.0f} KB | {r['read_s_1x']} / {r['read_s_4x']} s "
                f"| {r['read_ratio']} | {r['builder_s_1x']} / {r['builder_s_4x']} s | {r['builder_ratio']} |\n")
    return out


def _mark(value: float, target: float) -> str:
    """A figure over its target is marked, so a reader of the table sees the misses without the targets in mind."""
    return " ✗" if value == value and value > target else ""  # NaN (a figure not measured) is no miss


def _cpu(row: dict, key: str) -> str:
    return f" (CPU {row[key]:.0f} s)" if key in row else ""


def _payload_kb(payload: object, edition: str) -> float | None:
    """The most index any query of one edition fetched before its first result, KB (searchcost's summary)."""
    try:
        return round(payload["editions"][edition]["index_bytes"]["max"] / 1024, 1)  # type: ignore[index]
    except (KeyError, TypeError):
        return None


def payload_cell(payload: object) -> str:
    if isinstance(payload, str):
        return payload.split(" (")[0]
    sizes = [_payload_kb(payload, edition) for edition in ("/", "en/")]
    if all(v is None for v in sizes):
        return "see json"
    return " / ".join("?" if v is None else f"{v:.0f} KB{_mark(v, TARGETS['first_result_kb'])}" for v in sizes)


def _index_cell(sizes: dict[str, float | None]) -> str:
    return " / ".join("–" if sizes.get(lang) is None else f"{sizes[lang]}" for lang in ("zh", "en")) + " MB"


def _rebuild_cell(row: dict, target: float) -> str:
    if "builder_in_rebuild_s" not in row:
        return "–"
    share = row["builder_in_rebuild_share"]
    return f"{row['builder_in_rebuild_s']} s ({share * 100:.0f} %){_mark(share, target)}"


def _memory_cell(row: dict, target: float) -> str:
    held = row.get("mkdocs_peak_memory_mb", -1)
    if held < 0:
        return f"n/a / {row['mkdocs_peak_rss_mb']:.0f} MB"
    return f"{held:.0f} MB{_mark(held, target)} / {row['mkdocs_peak_rss_mb']:.0f} MB"


def table(rows: list[dict], builder_rows: list[dict]) -> str:
    if not rows and not builder_rows:
        return ""
    out = ""
    if rows:
        t = TARGETS
        out += ("| archive | articles | chapters | formulas | chapters with a math error | headings kept "
                "| build, both editions | baseline | ratio | builder in build | builder CLI / build "
                "| rebuild (build cache) | builder in rebuild | peak memory (all processes / largest) "
                "| largest chapter | index for a first result zh / en | index on disk zh / en | rebuild writes |\n"
                "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
                f"| *target* | | | | | | ≤ {t['build_s']:.0f} s | | | ≤ {t['builder_share'] * 100:.0f} % | | "
                f"| ≤ {t['builder_share'] * 100:.0f} % "
                f"| ≤ {t['memory_mb'] / 1024:.0f} GB | ≤ {t['chapter_kb']:.0f} KB "
                f"| ≤ {t['first_result_kb']:.0f} KB each "
                "| | 0 |\n")
        for r in rows:
            share = r["builder_in_build_share"]
            out += (f"| {r['label']} | {r['articles']} | {r['chapters']} | {r['formulas']} "
                    f"| {r['math_problem_chapters']} | {r['headings']} "
                    f"| {r['mkdocs_build_s']} s{_mark(r['mkdocs_build_s'], t['build_s'])}"
                    f"{_cpu(r, 'mkdocs_build_cpu_s')} "
                    f"| {r['baseline_s']} s{_cpu(r, 'baseline_cpu_s')} "
                    f"| {r['ratio_full_to_baseline']} "
                    f"| {r['builder_in_build_s']} s ({share * 100:.0f} %){_mark(share, t['builder_share'])} "
                    f"| {r['builder_share_of_build'] * 100:.0f} % "
                    f"| {r.get('rebuild_s', '–')} s | {_rebuild_cell(r, t['builder_share'])} "
                    f"| {_memory_cell(r, t['memory_mb'])} "
                    f"| {r['largest_chapter_kb']} KB{_mark(r['largest_chapter_kb'], t['chapter_kb'])} "
                    f"| {payload_cell(r['index_first_result'])} | {_index_cell(r['search_index_mb'])} "
                    f"| {r['rebuild_unchanged_written']} |\n")
    if builder_rows:
        out += ("\n| archive (builder alone) | articles | chapters | formulas | chapters with a math error "
                "| headings | CLI wall | peak RSS | stages |\n|---|---|---|---|---|---|---|---|---|\n")
        for b in builder_rows:
            stages = ", ".join(f"{k} {v}" for k, v in b["builder_stages_s"].items())
            out += (f"| {b['label']} | {b['articles']} | {b['chapters']} | {b['formulas']} "
                    f"| {b['math_problem_chapters']} | {b['headings']} | {b['builder_cli_s']} s "
                    f"| {b['builder_cli_peak_rss_mb']:.0f} MB | {stages} |\n")
    browser = [r for r in rows if "first_search_result_ms" in r]
    for r in browser:
        out += f"\nFirst search result at {r['label']}: " + ", ".join(
            f"{k} {v} ms" for k, v in r["first_search_result_ms"].items()) + "\n"
    return out


def _pages_folder(parser: argparse.ArgumentParser, value: str) -> Path:
    """The folder --pages names, or a usage error (exit 2) saying what is wrong with it."""
    folder = Path(value)
    if not folder.exists():
        parser.error(f"--pages {value}: no such folder")
    if not folder.is_dir():
        parser.error(f"--pages {value}: not a folder")
    if not os.access(folder, os.R_OK | os.X_OK):
        parser.error(f"--pages {value}: not readable")
    return folder.resolve()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", help="numbers of articles, one row each (default 35,300,1300)")
    parser.add_argument("--builder-only", nargs="?", const="",
                        help="sizes for the builder alone ('' for none; default 13000, none with --long); "
                             "with --pages and no sizes: the builder alone on those pages, no mkdocs build")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--long", action="store_true", help="article pages in the three scrape shapes")
    parser.add_argument("--pages", metavar="DIR", help="one row on this folder of real pages (read, never changed)")
    parser.add_argument("--browser", action="store_true", help="time the first search result at the largest size")
    parser.add_argument("--hostile", action="store_true", help="only the hostile-input row")
    parser.add_argument("--serve", action="store_true",
                        help="only mkdocs serve: its first build and an edit's rebuild, plain and --dirty")
    parser.add_argument("--no-hostile", action="store_true", help="leave the hostile-input row out")
    parser.add_argument("--hostile-scale", type=int, default=1, help="hostile input at this scale and 4× it")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", help="results path without suffix (default benchmarks/results, or "
                                      "results-long, results-pages, results-hostile, results-serve for those modes)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    pages = None
    if args.pages is not None:
        for flag, given in (("--long", args.long), ("--hostile", args.hostile), ("--sizes", args.sizes)):
            if given:
                parser.error(f"--pages runs one row on its folder; {flag} does not apply")
        pages = _pages_folder(parser, args.pages)
    kind = "long" if args.long else "dumps"
    mode = ("pages" if pages else "hostile" if args.hostile else "serve" if args.serve
            else "long" if args.long else "")
    sizes = [] if args.hostile or pages else [int(s) for s in (args.sizes or "35,300,1300").split(",") if s]
    only_default = "" if args.long else "13000"
    asked = args.builder_only if args.builder_only is not None else only_default
    only = [] if args.hostile or pages or args.serve else [int(s) for s in asked.split(",") if s]
    if args.serve and (pages or args.hostile):
        parser.error("--serve runs on synthetic archives (--sizes, --long); not with --pages or --hostile")
    rows, builder_rows, hostile, serving = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="kexue-bench-") as tmp_name:
        tmp = Path(tmp_name)
        if pages:
            label = f"pages: {pages.name}"
            print(f"… {label}", file=sys.stderr, flush=True)
            if args.builder_only is not None:
                archive = tmp / "pages-archive"
                count = copy_pages(pages, archive)
                builder_rows.append(builder_only(archive, label, count, args.runs, tmp))
            else:
                proj, count = project(tmp / "pages", 0, "pages", args.seed, pages)
                rows.append(bench_row(proj, label, count, args.runs, args.browser))
        for n in sizes if args.serve else ():
            label = f"{n}{' long' if args.long else ''}"
            print(f"… mkdocs serve, {label}", file=sys.stderr, flush=True)
            proj, count = project(tmp / f"serve-{n}-{kind}", n, kind, args.seed)
            serving.append(serve_row(proj, label, count, args.runs))
            print(json.dumps(serving[-1], ensure_ascii=False), file=sys.stderr, flush=True)
        for n in sizes if not args.serve else ():
            label = f"{n}{' long' if args.long else ''}"
            print(f"… {label}", file=sys.stderr, flush=True)
            proj, count = project(tmp / f"n{n}-{kind}", n, kind, args.seed)
            rows.append(bench_row(proj, label, count, args.runs, args.browser and n == max(sizes)))
            print(json.dumps(rows[-1], ensure_ascii=False), file=sys.stderr, flush=True)
        for n in only:
            print(f"… builder alone, {n}", file=sys.stderr, flush=True)
            archive = synthetic_archive(tmp, n, args.seed, args.long)
            builder_rows.append(builder_only(archive, f"{n}{' long' if args.long else ''}", n, args.runs, tmp))
            shutil.rmtree(archive, ignore_errors=True)
            print(json.dumps(builder_rows[-1], ensure_ascii=False), file=sys.stderr, flush=True)
        if not pages and not args.serve and (args.hostile or not args.no_hostile):
            print(f"… hostile input at {args.hostile_scale}× and {4 * args.hostile_scale}×", file=sys.stderr,
                  flush=True)
            hostile = hostile_rows(args.runs, tmp, args.hostile_scale)
    report = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}, "runs": args.runs,
              "targets": TARGETS, "sizes": rows, "builder_only": builder_rows, "hostile": hostile, "serve": serving}
    out = Path(args.out or ROOT / "benchmarks" / ("results-" + mode if mode else "results"))
    out.parent.mkdir(parents=True, exist_ok=True)
    text = "\n".join(t for t in (table(rows, builder_rows), hostile_table(hostile) if hostile else "",
                                  serve_table(serving) if serving else "") if t)
    out.with_suffix(".json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    out.with_suffix(".md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
