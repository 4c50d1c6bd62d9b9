"""Command line: the same pipeline as the mkdocs hook, standalone.

    python -m builder build [--archive DIR] [--editorial DIR] [--out DIR]
    python -m builder check [--archive DIR] [--strict]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from .model import Level
from .pipeline import Paths, Result, run


def _paths(args: argparse.Namespace) -> Paths:
    base = Paths()
    return Paths(archive=Path(args.archive) if args.archive else base.archive,
                 editorial=Path(args.editorial) if args.editorial else base.editorial,
                 out=Path(args.out) if getattr(args, "out", None) else base.out)


def _progress(quiet: bool):
    def show(stage: str) -> None:
        if not quiet and stage != "done":
            print(f"… {stage}", file=sys.stderr, flush=True)

    return show


def _summary(result: Result) -> str:
    chapters = len(result.book.chapters())
    formulas = sum(r.formula_count for r in result.rendered.values())
    times = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in result.timings.items())
    return (f"{len(result.entries)} entries → {len(result.posts)} posts → {chapters} chapters in "
            f"{len(result.book.parts)} parts; {formulas} formulas ({times})")


def cmd_build(args: argparse.Namespace) -> int:
    result = run(_paths(args), progress=_progress(args.quiet))
    for problem in result.problems:
        if problem.level != Level.INFO:
            print(problem, file=sys.stderr)
    for lang, report in result.report.items():
        print(f"{lang}: wrote {len(report.written)}, unchanged {len(report.unchanged)}, "
              f"removed {len(report.removed)}, refused {len(report.refused)} → {_paths(args).out / lang}")
    print(_summary(result))
    return 1 if result.worst() == Level.ERROR and not result.posts else 0


def cmd_check(args: argparse.Namespace) -> int:
    result = run(_paths(args), write_files=False, progress=_progress(args.quiet))
    problems = sorted(result.problems, key=lambda p: (p.source.file, p.source.line, p.code))
    for problem in problems:
        print(problem)
    counts = Counter(p.code for p in problems)
    print("\n" + _summary(result))
    if counts:
        print("findings: " + ", ".join(f"{code} {n}" for code, n in sorted(counts.items())))
    failing = [p for p in problems if p.level != Level.INFO]
    if args.strict and failing:
        print(f"--strict: {len(failing)} warning(s) or error(s)", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kexue-book", description="Build the bilingual book from the archive.")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--archive", help="folder of *.txt dumps (default: archive/)")
        p.add_argument("--editorial", help="folder of editorial YAML (default: editorial/)")
        p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")

    b = sub.add_parser("build", help="write the book's Markdown pages")
    common(b)
    b.add_argument("--out", "-o", help="output folder (default: build/book); one subfolder per language")
    b.set_defaults(func=cmd_build)
    c = sub.add_parser("check", help="list archive problems with file:line")
    common(c)
    c.add_argument("--strict", action="store_true", help="exit 1 on any warning or error")
    c.set_defaults(func=cmd_check)
    args = parser.parse_args(argv)
    return int(args.func(args))
