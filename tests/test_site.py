"""The mkdocs side: strict build, hand-written pages win, live reload settles."""

from __future__ import annotations

import re
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.siteutil import MKDOCS, build, env, free_port, make_project

# What a browser would fetch by itself: scripts, images, frames, stylesheets and icons
# (a canonical link or a hyperlink is not fetched).
EXTERNAL = re.compile(r"""<(?:script|img|iframe|source)[^>]+src=["'](?:https?:)?//"""
                      r"""|<link(?![^>]*rel=["'](?:canonical|alternate)["'])[^>]+href=["'](?:https?:)?//""", re.I)


def test_no_asset_from_another_host(built: Path):
    for page in built.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not EXTERNAL.search(html), page
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html


def test_json_ld_in_page_head(built: Path):
    html = (built / "diffusion/9257/index.html").read_text(encoding="utf-8")
    head = html.split("</head>")[0]
    assert '<script type="application/ld+json">' in head and '"position":9' in head


def test_hand_written_page_wins(tmp_path: Path):
    project = make_project(tmp_path / "project")
    (project / "docs" / "diffusion").mkdir()
    (project / "docs" / "diffusion" / "9152.md").write_text("# 手写的页面\n\n编辑亲手写的。\n", encoding="utf-8")
    done = build(project, tmp_path / "site", strict=False)
    assert done.returncode == 0, done.stderr
    assert "编辑亲手写的" in (tmp_path / "site/diffusion/9152/index.html").read_text(encoding="utf-8")
    assert (project / "docs/diffusion/9152.md").read_text(encoding="utf-8").startswith("# 手写的页面")
    assert "is hand-written" in done.stderr


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as r:  # noqa: S310 - loopback only
        return r.read().decode("utf-8")


def _wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@contextmanager
def _serving(project: Path, log_path: Path, *options: str) -> Iterator[str]:
    """``mkdocs serve`` of ``project`` on a free port, its output in ``log_path``: the served root URL."""
    port = free_port()
    with open(log_path, "w+", encoding="utf-8") as log:
        proc = subprocess.Popen(MKDOCS + ["serve", "-a", f"127.0.0.1:{port}", *options], cwd=project,
                                stdout=log, stderr=subprocess.STDOUT, env=env(SITE_URL=f"http://127.0.0.1:{port}/"))
        try:
            yield f"http://127.0.0.1:{port}/"
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def _shows(url: str, text: str) -> bool:
    try:
        return text in _get(url)
    except OSError:
        return False


EDITED = "archive/000_572a7b03ff7c8812.txt"  # holds gan/9969's text


def _edit(project: Path) -> None:
    dump = project / EDITED
    dump.write_text(dump.read_text(encoding="utf-8").replace("前段时间,一个名为", "前段时间(已修订),一个名为"),
                    encoding="utf-8")


def test_serve_rebuilds_on_archive_edit_without_loop(tmp_path: Path):
    project = make_project(tmp_path / "project")
    log = tmp_path / "serve.log"
    with _serving(project, log) as root:
        url = root + "gan/9969/"
        assert _wait_for(lambda: _shows(url, "幂等生成网络"), 120), log.read_text()
        _edit(project)
        assert _wait_for(lambda: _shows(url, "已修订"), 60), log.read_text()
        builds = log.read_text().count("Building documentation")
        # A rebuild loop would start another build without any edit; none may come.
        assert not _wait_for(lambda: log.read_text().count("Building documentation") > builds, 5)


def test_a_dirty_serve_builds_again_only_the_edited_page_of_each_edition(tmp_path: Path):
    """``mkdocs serve --dirty``: every edition's build skips the pages whose generated files did not change,
    and its search index is cut into the small shards of ``serve_shard_kb``, of which the edit re-indexes the
    edited page's (and a neighbour's, should the edit move a cut)."""
    from tests.siteutil import shard_search

    project = make_project(tmp_path / "project")
    shard_search(project, 20, option="serve_shard_kb")
    log = tmp_path / "serve.log"
    with _serving(project, log, "--dirty") as root:
        assert _wait_for(lambda: _shows(root + "en/gan/9969/", "Idempotent") and "Serving on" in log.read_text(),
                         120), log.read_text()
        found = re.search(r"Building documentation to directory: (\S+)/en\b", log.read_text())
        assert found, log.read_text()
        site = Path(found[1])
        pages = [site / prefix / chapter / "index.html" for prefix in ("", "en")
                 for chapter in ("gan/9969", "diffusion/9152")]
        before = [p.stat().st_mtime_ns for p in pages]
        _edit(project)
        for prefix in ("", "en/"):
            assert _wait_for(lambda prefix=prefix: _shows(root + prefix + "gan/9969/", "已修订"), 60), log.read_text()
        assert _wait_for(lambda: log.read_text().count("search index of") >= 4, 60), log.read_text()
        after = [p.stat().st_mtime_ns for p in pages]
        assert [a != b for a, b in zip(after, before, strict=True)] == [True, False, True, False]
        indexed = [(int(n), int(kept)) for n, kept in
                   re.findall(r"in (\d+) shard\(s\) \((\d+) kept from an earlier build\)", log.read_text())]
        assert len(indexed) == 4 and all(n >= 5 and kept == 0 for n, kept in indexed[:2]), indexed
        assert all(kept >= n - 2 for n, kept in indexed[2:]), indexed


def test_formulas_are_kept_out_of_the_search_index(built: Path):
    from tests.siteutil import pagefind_fragments

    for edition in (built, built / "en"):
        pages = pagefind_fragments(edition / "pagefind")
        assert len(pages) > 35
        text = " ".join(p["content"] for p in pages)
        assert "\\begin{equation}" not in text and "\\boldsymbol" not in text and "\\(" not in text
        assert "arithmatex" not in text and "\\frac" not in text
