"""Building the other editions beside the original, on the second core.

The interface between the two builds is this module, and nothing else (no
marker files, no environment variables, no scraping of logs):

* the original edition's build runs the pipeline once, for every edition;
* after mkdocs has cleaned its site folder (the plugin's ``on_files``), it
  calls :func:`start` once per other edition with an :class:`EditionJob`:
  that edition's mkdocs configuration, the folder to build into
  (``<site>/<prefix>``), the pages the pipeline rendered for it (under
  ``mkdocs serve`` also written to ``build/book/<lang>/``, which a
  ``--dirty`` build compares with the site to skip unchanged pages) and
  whether the build is dirty;
* :func:`start` runs :func:`build_edition` in a fresh (spawned) process,
  which loads that configuration, hands the pages to the plugin instance
  there (``BookPlugin.prepared``), so the pipeline is not run again, and
  builds; its log goes to the same stderr, through the same loggers;
* the original's ``on_post_build`` calls :func:`finish`, which waits for the
  process and raises if the edition failed to build.
"""

from __future__ import annotations

import logging
import multiprocessing
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any

from .model import OutputFile


@dataclass(frozen=True)
class Prepared:
    """One edition's share of a pipeline run: its pages and navigation, and what the run found."""

    lang: str
    files: tuple[OutputFile, ...]
    nav: list[Any]
    about: str  # the navigation's label for docs/about.md, in this edition's words
    summary: str  # one line for the log: chapters, entries, problems
    images: tuple[tuple[str, str], ...] = ()  # (path in the site, file in archive/images/) of every image served
    written: bool = False  # also in build/book/<lang>/, written only when changed (mkdocs serve)


@dataclass(frozen=True)
class EditionJob:
    config_file: str
    site_dir: str
    strict: bool
    prepared: Prepared
    log_level: int = logging.WARNING
    dirty: bool = False  # mkdocs serve --dirty: only the pages whose files changed are built again


@dataclass(frozen=True)
class Running:
    job: EditionJob
    process: BaseProcess


def build_edition(job: EditionJob) -> None:
    """The body of the spawned process: one mkdocs build of one edition, from pages already rendered."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from .plugin import BookPlugin

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    for name in ("mkdocs", "kexue_book"):
        logger = logging.getLogger(name)
        if not logger.handlers:
            logger.addHandler(handler)
        logger.setLevel(job.log_level if name == "mkdocs" else logging.INFO)
    config = load_config(job.config_file, site_dir=job.site_dir, strict=job.strict)
    plugins = [p for p in config.plugins.values() if isinstance(p, BookPlugin)]
    if len(plugins) != 1:
        raise SystemExit(f"{job.config_file}: expected the kexue-book plugin once, found {len(plugins)}")
    plugins[0].prepared = job.prepared
    config.plugins.on_startup(command="build", dirty=job.dirty)
    try:
        build(config, dirty=job.dirty)
    finally:
        config.plugins.on_shutdown()


def start(job: EditionJob) -> Running:
    """Start one edition's build in a fresh process (spawned: nothing of this build's state is inherited)."""
    process = multiprocessing.get_context("spawn").Process(target=build_edition, args=(job,),
                                                           name=f"edition-{job.prepared.lang}")
    process.start()
    return Running(job, process)


def finish(running: Running) -> int:
    """Wait for the edition's build; its exit code (0 when it built)."""
    running.process.join()
    return running.process.exitcode or 0
