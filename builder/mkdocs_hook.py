"""mkdocs hook: `mkdocs serve` and `mkdocs build` run the builder themselves.

A thin adapter over `builder.pipeline.run`, the same pipeline the CLI runs.
Generated pages live outside ``docs/`` (in ``build/book/<lang>``) and are
added to the build as generated files, so writing them never triggers a
rebuild loop and a hand-written page in ``docs/`` always wins.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # hooks are loaded by path; make the package importable
    sys.path.insert(0, str(ROOT))

from mkdocs.structure.files import File, Files  # noqa: E402

from builder.assets import mathjax_files  # noqa: E402
from builder.glossary import jieba_user_dict  # noqa: E402
from builder.model import Level  # noqa: E402
from builder.pipeline import Paths, run  # noqa: E402

# Archive problems are the content's, not the site's: logged outside the
# "mkdocs" logger so that `mkdocs build --strict` judges the site, and
# `python -m builder check --strict` judges the archive.
log = logging.getLogger("kexue_book")
if not log.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(levelname)-7s -  book: %(message)s"))
    log.addHandler(_handler)
    log.setLevel(logging.INFO)
    log.propagate = False

_state: dict = {}


def on_config(config):
    root = Path(config.config_file_path).resolve().parent
    lang = config.theme.get("language", "zh")
    lang = "zh" if lang.startswith("zh") else lang
    _state.update(root=root, lang=lang,
                  paths=Paths(root / "archive", root / "editorial", root / "build" / "book"))
    userdict = jieba_user_dict(root / "editorial", root / "build")
    search = config.plugins.get("material/search") or config.plugins.get("search")
    if search is not None and userdict is not None:
        search.config.jieba_dict_user = str(userdict)
    return config


def on_pre_build(config):
    result = run(_state["paths"], languages=(_state["lang"],))
    counts = {level: sum(1 for p in result.problems if p.level == level) for level in Level}
    for problem in result.problems:
        if problem.level != Level.INFO:
            log.warning(str(problem))
    report = result.report[_state["lang"]]
    log.info(f"{len(result.posts)} chapters from {len(result.entries)} entries; "
             f"wrote {len(report.written)}, unchanged {len(report.unchanged)}, removed {len(report.removed)}; "
             f"{counts[Level.ERROR]} errors, {counts[Level.WARNING]} warnings, {counts[Level.INFO]} notes "
             "(python -m builder check lists them)")
    _state["result"] = result
    extra = [{"关于本书" if _state["lang"] == "zh" else "About": "about.md"}] \
        if (Path(config.docs_dir) / "about.md").exists() else []
    config.nav = result.rendered[_state["lang"]].nav + extra


def on_files(files: Files, config) -> Files:
    out = _state["paths"].out / _state["lang"]
    for generated in _state["result"].rendered[_state["lang"]].files:
        if generated.path in _state["result"].report[_state["lang"]].refused:
            continue
        if files.get_file_from_path(generated.path) is not None:
            log.warning(f"docs/{generated.path} is hand-written; the generated page is not used")
            continue
        files.append(File.generated(config, generated.path, abs_src_path=str(out / generated.path)))
    for site_path, source in mathjax_files().items():
        files.append(File.generated(config, site_path, abs_src_path=str(source)))
    return files


def on_serve(server, config, builder):
    paths = _state["paths"]
    server.watch(str(paths.archive))
    server.watch(str(paths.editorial))
    return server
