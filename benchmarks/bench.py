"""Benchmark: the builder and the bilingual mkdocs build at realistic sizes.

    python benchmarks/bench.py                        # N = 35 (bundled), 300, 1300; builder alone at 13000
    python benchmarks/bench.py --sizes 35 --runs 1    # the smoke test .ci/run uses
    python benchmarks/bench.py --long                 # article-length posts (3,000-10,000 characters)
    python benchmarks/bench.py --browser              # also time the first search result in Chromium
    python benchmarks/bench.py --hostile              # only the hostile-input row (the default run includes it)

Every figure is a median over --runs runs, in this one session, so ratios
between the full build and its baseline (the same pages built by plain mkdocs,
no hook, both languages in parallel as ours are) hold on a noisy machine.
Results: benchmarks/results.json and benchmarks/results.md.

The hostile-input row runs the builder (in process, nothing written) on dumps
shaped to make a careless parser quadratic (benchmarks/hostile.py), each at 1×
and 4× its size: the ratio of the times should be near 4, not 16.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.hostile import SHAPES, write_shape  # noqa: E402
from benchmarks.synth import write_archive, write_editorial  # noqa: E402
from builder.pipeline import Paths, run  # noqa: E402
from builder.read import read_archive  # noqa: E402

PY = sys.executable
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", SITE_URL="http://127.0.0.1:8000/")


def measured(args: list[str], cwd: Path, log: list[str] | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB, the largest process of the tree) of one command."""
    probe = ("import resource, subprocess, sys, time, json; t = time.perf_counter(); "
             "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True); "
             "w = time.perf_counter() - t; "
             "print(json.dumps([p.returncode, w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "
             "p.stderr]))")
    out = subprocess.run([PY, "-c", probe, *args], cwd=cwd, env=ENV, capture_output=True, text=True, check=True)
    code, wall, rss, err = json.loads(out.stdout)
    if code != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{err[-3000:]}")
    if log is not None:
        log.append(err)
    return wall, rss


def project(where: Path, n: int, long_form: bool, seed: int) -> Path:
    """A copy of the site sources with an archive of n posts (n = 35: the bundled one)."""
    where.mkdir(parents=True)
    for name in ("mkdocs.yml", "mkdocs.en.yml"):
        shutil.copy(ROOT / name, where / name)
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, where / name)
    (where / "builder").symlink_to(ROOT / "builder")
    if n == 35 and not long_form:
        shutil.copytree(ROOT / "archive", where / "archive")
        shutil.copytree(ROOT / "editorial", where / "editorial")
        shutil.copytree(ROOT / "translations", where / "translations")
    else:
        write_archive(where / "archive", n, seed=seed, long_form=long_form)
        write_editorial(where / "editorial")
        (where / "translations" / "en").mkdir(parents=True)
    return where


def baseline_configs(proj: Path, result) -> list[Path]:
    """Plain mkdocs configs for the already generated pages: same theme and extensions, no builder plugin."""
    import yaml

    base = (proj / "mkdocs.yml").read_text(encoding="utf-8")
    base = re.sub(r"\n  - kexue-book.*\n(    .*\n)*", "\n", base)  # the plugin goes; search and theme stay
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


def parallel(commands: list[list[str]], cwd: Path) -> float:
    start = time.perf_counter()
    procs = [subprocess.Popen(c, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
             for c in commands]
    for p in procs:
        _, err = p.communicate()
        if p.returncode != 0:
            raise RuntimeError(err[-3000:])
    return time.perf_counter() - start


def first_result_ms(site: Path, queries: dict[str, str], runs: int) -> dict[str, float]:
    """Milliseconds from typing a query on a freshly opened page to the first search result."""
    import functools
    import http.server
    import socket
    import threading

    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
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


def bench_size(n: int, runs: int, long_form: bool, browser: bool, tmp: Path, seed: int) -> dict:
    proj = project(tmp / f"n{n}{'-long' if long_form else ''}", n, long_form, seed)
    paths = Paths.of(proj)
    stages: dict[str, list[float]] = {}
    for _ in range(runs):
        shutil.rmtree(proj / "build", ignore_errors=True)
        result = run(paths)
        for k, v in result.timings.items():
            stages.setdefault(k, []).append(v)
    cli = [measured([PY, "-m", "builder", "build", "-q", "--archive", str(paths.archive), "--editorial",
                     str(paths.editorial), "--translations", str(paths.translations), "--out",
                     str(proj / "build" / f"cli{i}")], proj) for i in range(runs)]
    full, rss, inside = [], [], []
    for _ in range(runs):
        shutil.rmtree(proj / "build", ignore_errors=True)
        shutil.rmtree(proj / "site", ignore_errors=True)
        logs: list[str] = []
        wall, peak = measured([PY, "-m", "mkdocs", "build", "-q", "-f", str(proj / "mkdocs.yml"), "-d",
                               str(proj / "site")], proj, logs)
        full.append(wall)
        rss.append(peak)
        spent = [float(x) for x in re.findall(r"builder work in this build ([\d.]+) s", logs[0])]
        inside.append(max(spent) if spent else float("nan"))
    result = run(paths)  # a one-off mkdocs build keeps its pages in memory: write them for the baseline
    configs = baseline_configs(proj, result)
    base = []
    for _ in range(runs):
        dirs = [proj / "baseline-site" / c.stem for c in configs]
        for d in dirs:
            shutil.rmtree(d, ignore_errors=True)
        base.append(parallel([[PY, "-m", "mkdocs", "build", "-q", "-f", str(c), "-d", str(d)]
                              for c, d in zip(configs, dirs, strict=True)], proj))
    # A rebuild with nothing changed must write nothing.
    again = run(paths)
    site = proj / "site"
    pages = [p for p in site.rglob("*.html") if p.name == "index.html"]
    chapters = [p for p in pages if re.fullmatch(r"[a-z0-9]+", p.parent.name) and p.parent.parent != site
                and p.parent.parent.name not in ("en",)]
    row = {
        "posts": n,
        "long_form": long_form,
        "chapters": len(result.book.chapters()),
        "formulas": result.rendered["zh"].formula_count,
        "builder_stages_s": {k: round(statistics.median(v), 3) for k, v in stages.items()},
        "builder_in_process_s": round(statistics.median(sum(s[i] for s in stages.values()) for i in range(runs)), 3),
        "builder_cli_s": round(statistics.median(w for w, _ in cli), 3),
        "builder_cli_peak_rss_mb": round(max(r for _, r in cli) / 1024, 1),
        "mkdocs_build_s": round(statistics.median(full), 2),
        "mkdocs_peak_rss_mb": round(max(rss) / 1024, 1),
        "baseline_s": round(statistics.median(base), 2),
        "ratio_full_to_baseline": round(statistics.median(full) / statistics.median(base), 2),
        "builder_share_of_build": round(statistics.median(w for w, _ in cli) / statistics.median(full), 3),
        "builder_in_build_s": round(statistics.median(inside), 2),
        "builder_in_build_share": round(statistics.median(inside) / statistics.median(full), 3),
        "pages": len(pages),
        "pages_per_s": round(len(pages) / statistics.median(full), 1),
        "search_index_mb": {"zh": round((site / "search/search_index.json").stat().st_size / 2**20, 2),
                            "en": round((site / "en/search/search_index.json").stat().st_size / 2**20, 2)},
        "largest_html_kb": round(max(p.stat().st_size for p in pages) / 1024, 1),
        "median_chapter_html_kb": round(statistics.median(p.stat().st_size for p in chapters) / 1024, 1)
        if chapters else None,
        "rebuild_unchanged_written": sum(len(r.written) for r in again.report.values()),
    }
    if browser:
        row["first_search_result_ms"] = first_result_ms(site, {"": "扩散", "en/": "diffusion"}, runs)
    shutil.rmtree(proj, ignore_errors=True)
    return row


def builder_only(n: int, runs: int, tmp: Path, seed: int) -> dict:
    where = tmp / f"builder-{n}"
    write_archive(where / "archive", n, seed=seed)
    write_editorial(where / "editorial")
    (where / "translations" / "en").mkdir(parents=True)  # an edition not translated yet
    args = [PY, "-m", "builder", "build", "-q", "--archive", str(where / "archive"), "--editorial",
            str(where / "editorial"), "--translations", str(where / "translations")]
    walls = [measured(args + ["--out", str(where / f"out{i}")], ROOT) for i in range(runs)]
    paths = Paths(where / "archive", where / "editorial", where / "in-process", where / "translations")
    stages = run(paths).timings
    shutil.rmtree(where, ignore_errors=True)
    return {"posts": n, "builder_cli_s": round(statistics.median(w for w, _ in walls), 2),
            "builder_cli_peak_rss_mb": round(max(r for _, r in walls) / 1024, 1),
            "builder_stages_s": {k: round(v, 3) for k, v in stages.items()}}


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
    return rows


def hostile_table(rows: list[dict]) -> str:
    out = ("| hostile input | size 1× | read 1× / 4× | ratio | builder 1× / 4× | ratio |\n"
           "|---|---|---|---|---|---|\n")
    for r in rows:
        out += (f"| {r['shape']} | {r['bytes_1x'] / 1024:.0f} KB | {r['read_s_1x']} / {r['read_s_4x']} s "
                f"| {r['read_ratio']} | {r['builder_s_1x']} / {r['builder_s_4x']} s | {r['builder_ratio']} |\n")
    return out


def table(rows: list[dict], builder_rows: list[dict]) -> str:
    if not rows and not builder_rows:
        return ""
    head = ("| posts | chapters | builder CLI | mkdocs build (both languages) | baseline | ratio "
            "| builder in build | builder CLI / build | peak RSS | pages/s | index zh / en | largest page "
            "| rebuild writes |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
    lines = []
    for r in rows:
        lines.append(f"| {r['posts']}{' long' if r['long_form'] else ''} | {r['chapters']} | {r['builder_cli_s']} s "
                     f"| {r['mkdocs_build_s']} s | {r['baseline_s']} s | {r['ratio_full_to_baseline']} "
                     f"| {r['builder_in_build_s']} s ({r['builder_in_build_share'] * 100:.0f} %) "
                     f"| {r['builder_share_of_build'] * 100:.0f} % | {r['mkdocs_peak_rss_mb']:.0f} MB "
                     f"| {r['pages_per_s']} | {r['search_index_mb']['zh']} / {r['search_index_mb']['en']} MB "
                     f"| {r['largest_html_kb']} KB | {r['rebuild_unchanged_written']} |")
    out = head + "\n".join(lines) + "\n"
    if builder_rows:
        out += "\n| posts (builder alone) | CLI wall | peak RSS | stages |\n|---|---|---|---|\n"
        for b in builder_rows:
            stages = ", ".join(f"{k} {v}" for k, v in b["builder_stages_s"].items())
            out += f"| {b['posts']} | {b['builder_cli_s']} s | {b['builder_cli_peak_rss_mb']:.0f} MB | {stages} |\n"
    browser = [r for r in rows if "first_search_result_ms" in r]
    for r in browser:
        out += f"\nFirst search result at {r['posts']} posts: " + ", ".join(
            f"{k} {v} ms" for k, v in r["first_search_result_ms"].items()) + "\n"
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="35,300,1300")
    parser.add_argument("--builder-only", default="13000", help="sizes for the builder alone ('' for none)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--long", action="store_true", help="article-length posts")
    parser.add_argument("--browser", action="store_true", help="time the first search result at the largest size")
    parser.add_argument("--hostile", action="store_true", help="only the hostile-input row")
    parser.add_argument("--no-hostile", action="store_true", help="leave the hostile-input row out")
    parser.add_argument("--hostile-scale", type=int, default=1, help="hostile input at this scale and 4× it")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", help="results path without suffix (default benchmarks/results, "
                                      "benchmarks/results-hostile with --hostile)")
    args = parser.parse_args()
    sizes = [] if args.hostile else [int(s) for s in args.sizes.split(",") if s]
    only = [] if args.hostile else [int(s) for s in args.builder_only.split(",") if s]
    rows, builder_rows, hostile = [], [], []
    with tempfile.TemporaryDirectory(prefix="kexue-bench-") as tmp:
        for n in sizes:
            print(f"… {n} posts{' (long)' if args.long else ''}", file=sys.stderr, flush=True)
            rows.append(bench_size(n, args.runs, args.long, args.browser and n == max(sizes), Path(tmp), args.seed))
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
        for n in only:
            print(f"… builder alone, {n} posts", file=sys.stderr, flush=True)
            builder_rows.append(builder_only(n, args.runs, Path(tmp), args.seed))
            print(json.dumps(builder_rows[-1]), file=sys.stderr, flush=True)
        if args.hostile or not args.no_hostile:
            print(f"… hostile input at {args.hostile_scale}× and {4 * args.hostile_scale}×", file=sys.stderr,
                  flush=True)
            hostile = hostile_rows(args.runs, Path(tmp), args.hostile_scale)
    report = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}, "runs": args.runs,
              "sizes": rows, "builder_only": builder_rows, "hostile": hostile}
    out = Path(args.out or ROOT / "benchmarks" / ("results-hostile" if args.hostile else "results"))
    out.parent.mkdir(parents=True, exist_ok=True)
    text = "\n".join(t for t in (table(rows, builder_rows), hostile_table(hostile) if hostile else "") if t)
    out.with_suffix(".json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    out.with_suffix(".md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
