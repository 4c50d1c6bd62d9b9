"""Command line: the same pipeline as the mkdocs hook, standalone.

    python -m builder build [--archive DIR] [--editorial DIR] [--out DIR]
    python -m builder check [--archive DIR] [--strict]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from .model import Level, Problem
from .pipeline import Paths, Result, cache_line, run
from .translations import State, dump_translation, load_translation, scaffold
from .write import save


class UsageError(Exception):
    """A mistake in how the command was called: said in one line, exit 2, nothing written."""


def _paths(args: argparse.Namespace) -> Paths:
    base = Paths.of(Path(args.project)) if args.project else Paths()
    out = Path(args.out) if getattr(args, "out", None) else None
    return Paths(archive=Path(args.archive) if args.archive else base.archive,
                 editorial=Path(args.editorial) if args.editorial else base.editorial,
                 out=out or base.out,
                 translations=Path(args.translations) if args.translations else base.translations,
                 cache=out.parent / "cache" if out else base.cache)  # beside the book: build/cache/


def _folder(path: Path, option: str, what: str) -> None:
    if not path.exists():
        raise UsageError(f"{option} {path}: no such folder ({what})")
    if not path.is_dir():
        raise UsageError(f"{option} {path}: this is a file; {option} takes a folder ({what})")


def _checked_paths(args: argparse.Namespace) -> Paths:
    """The folders the command will read and write, or a UsageError that says which one is wrong and how."""
    paths = _paths(args)
    _folder(paths.archive, "--archive", "the dumps, *.txt")
    if not any(p.suffix in (".txt", ".md") for p in paths.archive.rglob("*") if "images" not in p.parts):
        raise UsageError(f"--archive {paths.archive}: the folder holds no dumps or pages (*.txt files); "
                         "put the scraped dumps or article pages there or name another folder")
    _folder(paths.editorial, "--editorial", "book.yml, posts.yml, glossary.yml, ui.yml")
    if args.translations:
        _folder(paths.translations, "--translations", "one subfolder per language, e.g. en/")
    if getattr(args, "out", None) and paths.out.exists() and not paths.out.is_dir():
        raise UsageError(f"--out {paths.out}: this is a file; --out takes a folder (one subfolder per language)")
    return paths


def _progress(quiet: bool):
    def show(stage: str) -> None:
        if not quiet and stage != "done":
            print(f"… {stage}", file=sys.stderr, flush=True)

    return show


def _summary(result: Result) -> str:
    chapters = len(result.book.chapters())
    formulas = result.rendered["zh"].formula_count if "zh" in result.rendered else 0
    times = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in result.timings.items())
    return (f"{len(result.entries)} entries → {len(result.posts)} posts → {chapters} chapters in "
            f"{len(result.book.parts)} parts; {formulas} formulas ({times}){cache_line(result)}")


def _accounting(result: Result) -> tuple[str, bool]:
    """Every entry read is in exactly one chapter: entries = chapters + entries merged into another."""
    chapters = result.book.chapters()
    merged = sum(len(c.post.sources) - 1 for c in chapters)
    groups = sum(1 for c in chapters if len(c.post.sources) > 1)
    ok = len(result.entries) == len(chapters) + merged
    line = (f"accounting: {len(result.entries)} entries read = {len(chapters)} chapters + {merged} merged into "
            f"another entry's chapter ({groups} merge(s), each listed as merged-duplicate with its reason)")
    return (line if ok else line.replace(" = ", " ≠ ") + ": entries were lost, please report this"), ok


def cmd_build(args: argparse.Namespace) -> int:
    paths = _checked_paths(args)
    result = run(paths, progress=_progress(args.quiet), cache=not args.no_cache)
    for problem in result.problems:
        if problem.level != Level.INFO or problem.code == "cache-off":
            print(problem, file=sys.stderr)
    for lang, report in result.report.items():
        print(f"{lang}: wrote {len(report.written)}, unchanged {len(report.unchanged)}, "
              f"removed {len(report.removed)}, refused {len(report.refused)} → {paths.out / lang}")
    print(_summary(result))
    errors = sum(1 for p in result.problems if p.level == Level.ERROR)
    if errors:
        print(f"{errors} error(s): the book was written without what they name (python -m builder check lists all "
              "findings)", file=sys.stderr)
    return 1 if errors else 0


MATH_CODES = frozenset({"suspicious-math", "unsafe-tex", "math-reference", "math-adapted", "math-lost-delimiters",
                        "math-restored", "math-label-repeated"})
MATH_LINES_SHOWN = 3


def math_report(problems: list[Problem]) -> str:
    """Math findings grouped per page: a count per kind and the first few lines, not thousands of lines."""
    by_file: dict[str, list[Problem]] = {}
    for p in problems:
        if p.code in MATH_CODES:
            by_file.setdefault(p.source.file, []).append(p)
    if not by_file:
        return ""
    lines = [f"math: {sum(len(v) for v in by_file.values())} finding(s) in {len(by_file)} file(s)"]
    for file, found in sorted(by_file.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        kinds = Counter(p.code for p in found)
        worst = max((p.level for p in found), key=lambda lv: [Level.INFO, Level.WARNING, Level.ERROR].index(lv))
        lines.append(f"{file}: {worst.value}: " + ", ".join(f"{code} {n}" for code, n in sorted(kinds.items())))
        for p in found[:MATH_LINES_SHOWN]:
            lines.append(f"    line {p.source.line}: [{p.code}] {p.message[:160]}")
        if len(found) > MATH_LINES_SHOWN:
            lines.append(f"    … {len(found) - MATH_LINES_SHOWN} more")
    return "\n".join(lines)


def cmd_check(args: argparse.Namespace) -> int:
    result = run(_checked_paths(args), write_files=False, progress=_progress(args.quiet), cache=not args.no_cache)
    problems = sorted(result.problems, key=lambda p: (p.source.file, p.source.line, p.code))
    # What needs a person first: errors and warnings, then the notes (merges, retitles, coverage), each by file.
    for levels, heading in (((Level.ERROR, Level.WARNING), ""), ((Level.INFO,), "\nnotes:")):
        shown = [p for p in problems if p.level in levels and p.code not in MATH_CODES]
        if shown and heading:
            print(heading)
        for problem in shown:
            print(problem)
    report = math_report(problems)
    if report:
        print("\n" + report)
    counts = Counter(p.code for p in problems)
    accounting, balanced = _accounting(result)
    print("\n" + _summary(result))
    print(accounting)
    if counts:
        print("findings: " + ", ".join(f"{code} {n}" for code, n in sorted(counts.items())))
    errors = [p for p in problems if p.level == Level.ERROR]
    warnings = [p for p in problems if p.level == Level.WARNING]
    if errors or not balanced:
        print(f"{len(errors)} error(s)", file=sys.stderr)
        return 1
    if args.strict and warnings:
        print(f"--strict: {len(warnings)} warning(s)", file=sys.stderr)
        return 1
    return 0


def cmd_translate_status(args: argparse.Namespace) -> int:
    """Coverage of every translated edition, read from the attached book (the pipeline decides every state)."""
    paths = _checked_paths(args)
    result = run(paths, languages=(), write_files=False, progress=_progress(True))
    for edition in result.editions.translated:
        totals = {s: 0 for s in State}
        rows = []
        stale_lines = []
        for chapter in result.book.chapters():
            post = chapter.post
            text = chapter.texts[edition.lang]
            counts = {s: 0 for s in State}
            for a in text.units:
                counts[State.CURRENT if a.state == State.JOINED else a.state] += 1  # the run's text is translated
                if a.state == State.STALE:
                    stale_lines.append(f"  {post.key} ({a.block.source}):\n"
                                       f"    was: {a.old_source}\n    now: {a.block.text}")
            for state, n in counts.items():
                totals[state] += n
            units = sum(n for s, n in counts.items() if s != State.SHARED)  # code and formulas need none
            share = 100.0 * counts[State.CURRENT] / units if units else 100.0
            title_ok = text.title_state == State.CURRENT
            rows.append(f"{post.key:>12}  {share:6.1f} %  {counts[State.CURRENT]:3d}/{units:<3d} "
                        f"stale {counts[State.STALE]:2d}  missing {counts[State.MISSING]:2d}  "
                        f"title {'ok' if title_ok else 'MISSING'}  {post.title}")
        if len(result.editions.translated) > 1:
            print(f"== {edition.lang} ({edition.name})")
        print("\n".join(rows))
        total = sum(n for s, n in totals.items() if s != State.SHARED)
        share = 100.0 * totals[State.CURRENT] / total if total else 100.0
        print(f"\ntotal: {share:.1f} % current ({totals[State.CURRENT]}/{total} units), "
              f"{totals[State.STALE]} stale, {totals[State.MISSING]} missing")
        if stale_lines:
            print("\nstale units (the source changed since translation):\n" + "\n".join(stale_lines))
    return 0


def cmd_translate_scaffold(args: argparse.Namespace) -> int:
    paths = _checked_paths(args)
    result = run(paths, languages=(), write_files=False, progress=_progress(True))
    langs = [e.lang for e in result.editions.translated]
    lang = args.edition or (langs[0] if langs else None)
    if lang not in langs:
        raise UsageError(f"--edition {lang}: not a translated edition of editions.yml ({', '.join(langs) or 'none'})")
    folder = paths.translations / lang
    wanted = set(args.chapters)
    chapters = [c for c in result.book.chapters() if not wanted or c.post.key in wanted]
    unknown = wanted - {c.post.key for c in chapters}
    if unknown:
        print(f"no such chapter: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    failed = False
    for chapter in chapters:
        path = folder / f"{chapter.post.key}.yml"
        try:
            existing = load_translation(path) if path.exists() else None
        except ValueError as err:  # a file it could only partly read is never rewritten
            for problem in getattr(err, "problems", None) or [err]:
                print(problem, file=sys.stderr)
            failed = True
            continue
        tr, added = scaffold(chapter.post, existing, path)
        save(folder, path.name, dump_translation(tr))
        if added or existing is None:
            print(f"{path}: {added} unit(s) to translate")
    return 1 if failed else 0


def cmd_fetch_images(args: argparse.Namespace) -> int:
    """Download the images the archive's pages name into archive/images/: 0 when all are there, 1 when some failed."""
    from .images import MAX_IMAGE_BYTES, fetch, image_urls
    from .read import read_archive

    if not 0 < args.timeout <= 3600:
        raise UsageError(f"--timeout {args.timeout:g}: give the seconds to wait for a server, more than 0 "
                         "and at most 3600")
    if not 0 < args.max_bytes <= 20 * MAX_IMAGE_BYTES:
        raise UsageError(f"--max-bytes {args.max_bytes}: give the largest image to accept, "
                         f"from 1 to {20 * MAX_IMAGE_BYTES} bytes (default {MAX_IMAGE_BYTES})")
    archive = (Paths.of(Path(args.project)) if args.project else Paths()).archive
    _folder(archive, "--project", "the project whose archive/ holds the scraped pages")
    entries, _ = read_archive(archive)
    urls = image_urls(entries)
    show = (lambda line: None) if args.quiet else (lambda line: print(line, file=sys.stderr, flush=True))
    report = fetch(urls, archive / "images", timeout=args.timeout, max_bytes=args.max_bytes, progress=show)
    print(f"{len(urls)} image URL(s) in {len(entries)} entries: {len(report.fetched)} fetched, "
          f"{len(report.resumed)} resumed, {len(report.present)} already there, {len(report.failed)} failed, "
          f"{len(report.unusable)} not fetchable ({report.received_bytes / 2**20:.1f} MB received) "
          f"→ {archive / 'images'}")
    for url, why in report.failed.items():
        print(f"failed: {url!r}: {why}", file=sys.stderr)
    return 1 if report.failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kexue-book", description="Build the bilingual book from the archive.")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--project", help="the project folder whose archive/, editorial/, translations/ and "
                       "build/ are used (default: the project this builder was installed from)")
        p.add_argument("--archive", help="folder of *.txt dumps (default: archive/)")
        p.add_argument("--editorial", help="folder of editorial YAML (default: editorial/)")
        p.add_argument("--translations", help="folder of translations, one subfolder per language "
                       "(default: translations/)")
        p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")

    b = sub.add_parser("build", help="write the book's Markdown pages")
    common(b)
    b.add_argument("--out", "-o", help="output folder (default: build/book); one subfolder per language")
    b.add_argument("--no-cache", action="store_true", help="parse and render everything again, and leave "
                   "build/cache/ alone (by default what an earlier build made the same way is taken from there)")
    b.set_defaults(func=cmd_build)
    c = sub.add_parser("check", help="list archive problems with file:line")
    common(c)
    c.add_argument("--strict", action="store_true", help="exit 1 on warnings too (errors always do)")
    c.add_argument("--no-cache", action="store_true", help="parse and render everything again, and leave "
                   "build/cache/ alone")
    c.set_defaults(func=cmd_check)
    t = sub.add_parser("translate", help="the English translation's workflow")
    tsub = t.add_subparsers(dest="action", required=True)
    ts = tsub.add_parser("status", help="coverage per chapter and in total; stale units with old and new source")
    common(ts)
    ts.set_defaults(func=cmd_translate_status)
    tf = tsub.add_parser("scaffold", help="add the source paragraphs that lack a unit; keeps all existing work")
    common(tf)
    tf.add_argument("chapters", nargs="*", help="chapter ids (default: all)")
    tf.add_argument("--edition", help="the translated edition's lang (default: the first after the original)")
    tf.set_defaults(func=cmd_translate_scaffold)
    fi = sub.add_parser("fetch-images", help="download the images the pages name into archive/images/ "
                        "(the only command that uses the network)")
    fi.add_argument("--project", help="the project folder whose archive/ is read and whose archive/images/ is "
                    "filled (default: the project this builder was installed from)")
    fi.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for a server (default 30)")
    fi.add_argument("--max-bytes", type=int, default=20 * 2**20, help="refuse larger images (default 20 MiB)")
    fi.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    fi.set_defaults(func=cmd_fetch_images)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError as err:
        print(f"kexue-book {args.command}: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # a folder that cannot be read or written: the user's to fix, not a crash
        print(f"kexue-book {args.command}: {err.filename or ''}: {err.strerror or err}", file=sys.stderr)
        return 1
