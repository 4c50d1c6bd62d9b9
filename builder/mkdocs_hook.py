"""mkdocs hook: `mkdocs serve` and `mkdocs build` run the builder themselves.

A thin adapter over `builder.pipeline.run`, the same pipeline the CLI runs.
Generated pages live outside ``docs/`` (in ``build/book/<lang>``) and are
added to the build as generated files, so writing them never triggers a
rebuild loop and a hand-written page in ``docs/`` always wins.

Two editions, one command: the Chinese build (``mkdocs.yml``) starts the
English build (``mkdocs.en.yml``) as a second process when it starts, so the
two use both cores, and copies its output to ``<site>/en/`` when it ends.
Each edition keeps its own search index.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # hooks are loaded by path; make the package importable
    sys.path.insert(0, str(ROOT))

from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.structure.files import File, Files  # noqa: E402

from builder.assets import mathjax_files  # noqa: E402
from builder.glossary import jieba_user_dict  # noqa: E402
from builder.model import Level  # noqa: E402
from builder.pipeline import Paths, run, site_urls  # noqa: E402

SECONDARY = {"zh": "en"}
CONFIG_OF = {"en": "mkdocs.en.yml"}

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

_state: dict = {"spent": 0.0}


def _timed(func):
    """Add the callback's own time to the builder's account for this build."""
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            _state["spent"] += time.perf_counter() - start
    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


def on_startup(command: str, dirty: bool) -> None:
    # `serve` keeps generated pages on disk, written only when changed, so that a
    # dirty reload sees unchanged mtimes; a one-off build needs them in memory only.
    _state["on_disk"] = command == "serve"


@_timed
def on_config(config):
    root = Path(config.config_file_path).resolve().parent
    lang = "zh" if config.theme.get("language", "zh").startswith("zh") else "en"
    base = os.environ.get("SITE_URL") or _state.get("base") or config.site_url
    urls = site_urls(base)
    config.site_url = urls[lang]
    _state.update(root=root, lang=lang, urls=urls, base=base,
                  paths=Paths(root / "archive", root / "editorial", root / "build" / "book",
                              root / "translations"))
    userdict = jieba_user_dict(root / "editorial", root / "build")
    search = config.plugins.get("material/search") or config.plugins.get("search")
    if search is not None and userdict is not None:
        search.config.jieba_dict_user = str(userdict)
    return config


def _start_secondary(config) -> None:
    """Start the other edition's build now, writing straight into <site>/<lang>/.

    mkdocs cleans the site folder after on_pre_build, so the other build waits
    (at the end of its own on_pre_build, before it cleans or writes anything)
    for the marker this build leaves in on_files, after its cleaning.
    """
    other = SECONDARY.get(_state["lang"])
    if other is None:
        return
    out = Path(config.site_dir) / other
    marker = _state["root"] / "build" / f".cleaned-{os.getpid()}-{time.monotonic_ns()}"
    marker.unlink(missing_ok=True)
    _state["marker"] = marker
    args = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(_state["root"] / CONFIG_OF[other]),
            "-d", str(out)]
    if config.strict:
        args.append("--strict")
    env = dict(os.environ, SITE_URL=_state["base"], NO_MKDOCS_2_WARNING="1", KEXUE_BOOK_WAIT_FOR=str(marker))
    # Our own interpreter running mkdocs on our own config: no outside input reaches the command.
    _state["secondary"] = (other, out, subprocess.Popen(args, cwd=_state["root"], env=env,  # noqa: S603
                                                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))


@_timed
def on_pre_build(config):
    _state["spent"] = 0.0
    _start_secondary(config)
    lang = _state["lang"]
    result = run(_state["paths"], languages=(lang,), site_url=_state["base"],
                 write_files=_state.get("on_disk", True))
    counts = {level: sum(1 for p in result.problems if p.level == level) for level in Level}
    if lang == "zh":  # one edition reports the archive's problems, not both
        for problem in result.problems:
            if problem.level != Level.INFO:
                log.warning(str(problem))
    report = result.report.get(lang)
    written = (f"wrote {len(report.written)}, unchanged {len(report.unchanged)}, removed {len(report.removed)}"
               if report else f"{len(result.rendered[lang].files)} pages in memory")
    log.info(f"{lang}: {len(result.book.chapters())} chapters from {len(result.entries)} entries; {written}; "
             f"{counts[Level.ERROR]} errors, {counts[Level.WARNING]} warnings, {counts[Level.INFO]} notes "
             "(python -m builder check lists them)")
    _state["result"] = result
    about = {"zh": "关于本书", "en": "About this book"}[lang]
    extra = [{about: "about.md"}] if (Path(config.docs_dir) / "about.md").exists() else []
    config.nav = result.rendered[lang].nav + extra
    waited = time.perf_counter()
    _wait_for_primary()
    _state["spent"] -= time.perf_counter() - waited  # waiting is not the builder's work


def _wait_for_primary(timeout: float = 600) -> None:
    marker = os.environ.get("KEXUE_BOOK_WAIT_FOR")
    if not marker:
        return
    deadline = time.monotonic() + timeout
    while not Path(marker).exists():
        if time.monotonic() > deadline or os.getppid() == 1:
            raise PluginError("the primary edition's build did not get ready; giving up")
        time.sleep(0.02)


@_timed
def on_files(files: Files, config) -> Files:
    if "marker" in _state:  # this build has cleaned its site folder: the other may write into it now
        _state["marker"].parent.mkdir(parents=True, exist_ok=True)
        _state["marker"].touch()
    lang = _state["lang"]
    out = _state["paths"].out / lang
    report = _state["result"].report.get(lang)
    for generated in _state["result"].rendered[lang].files:
        if report is not None and generated.path in report.refused:
            continue
        if files.get_file_from_path(generated.path) is not None:
            log.warning(f"{config.docs_dir}/{generated.path} is hand-written; the generated page is not used")
            continue
        if report is not None:
            files.append(File.generated(config, generated.path, abs_src_path=str(out / generated.path)))
        else:
            files.append(File.generated(config, generated.path, content=generated.content))
    shared = _state["root"] / "docs" / "assets"
    if Path(config.docs_dir).resolve() != (_state["root"] / "docs").resolve():
        for path in sorted(shared.rglob("*")):  # the English docs folder shares the Chinese one's assets
            rel = "assets/" + path.relative_to(shared).as_posix()
            if path.is_file() and files.get_file_from_path(rel) is None:
                files.append(File.generated(config, rel, abs_src_path=str(path)))
    for site_path, source in mathjax_files().items():
        files.append(File.generated(config, site_path, abs_src_path=str(source)))
    return files


@_timed
def on_page_content(html: str, page, config, files) -> str:
    """Formulas stay out of the search index: raw TeX is noise in results."""
    return html.replace('class="arithmatex"', 'class="arithmatex" data-search-exclude')


def _compact_search_index(site_dir: str) -> None:
    """Material writes its index with every CJK character as a 6-byte \\u escape; UTF-8 takes 3."""
    path = Path(site_dir) / "search" / "search_index.json"
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def on_post_build(config):
    start = time.perf_counter()
    _compact_search_index(config.site_dir)  # hooks run after plugins: the index is written by now
    _state["spent"] += time.perf_counter() - start
    log.info(f"{_state['lang']}: builder work in this build {_state['spent']:.2f} s")
    secondary = _state.pop("secondary", None)
    if secondary is None:
        return
    other, out, proc = secondary
    text, _ = proc.communicate()
    _state.pop("marker").unlink(missing_ok=True)
    if proc.returncode != 0:
        raise PluginError(f"the {other} edition failed to build:\n{text}")
    for line in (text or "").splitlines():
        if "book: " in line:  # the other edition's own summary; the rest is its libraries' chatter
            log.info(line.strip().split("book: ", 1)[-1])


def on_serve(server, config, builder):
    paths = _state["paths"]
    for folder in (paths.archive, paths.editorial, paths.translations, _state["root"] / "docs" / "en"):
        if folder.exists():
            server.watch(str(folder))
    return server
