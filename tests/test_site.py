"""The mkdocs side: strict build, hand-written pages win, live reload settles."""

from __future__ import annotations

import re
import subprocess
import time
import urllib.request
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


def test_serve_rebuilds_on_archive_edit_without_loop(tmp_path: Path):
    project = make_project(tmp_path / "project")
    port = free_port()
    log = open(tmp_path / "serve.log", "w+", encoding="utf-8")
    proc = subprocess.Popen(MKDOCS + ["serve", "-a", f"127.0.0.1:{port}"], cwd=project,
                            stdout=log, stderr=subprocess.STDOUT, env=env(SITE_URL=f"http://127.0.0.1:{port}/"))
    try:
        url = f"http://127.0.0.1:{port}/gan/9969/"

        def page_has(text: str) -> bool:
            try:
                return text in _get(url)
            except OSError:
                return False

        assert _wait_for(lambda: page_has("幂等生成网络"), 120), Path(log.name).read_text()
        dump = project / "archive" / "000_572a7b03ff7c8812.txt"
        dump.write_text(dump.read_text(encoding="utf-8").replace("前段时间,一个名为", "前段时间(已修订),一个名为"),
                        encoding="utf-8")
        assert _wait_for(lambda: page_has("已修订"), 60), Path(log.name).read_text()
        builds = Path(log.name).read_text().count("Building documentation")
        # A rebuild loop would start another build without any edit; none may come.
        assert not _wait_for(lambda: Path(log.name).read_text().count("Building documentation") > builds, 5)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_formulas_are_kept_out_of_the_search_index(built: Path):
    from tests.siteutil import pagefind_fragments

    for edition in (built, built / "en"):
        pages = pagefind_fragments(edition / "pagefind")
        assert len(pages) > 35
        text = " ".join(p["content"] for p in pages)
        assert "\\begin{equation}" not in text and "\\boldsymbol" not in text and "\\(" not in text
        assert "arithmatex" not in text and "\\frac" not in text
