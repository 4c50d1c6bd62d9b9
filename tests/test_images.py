"""Images offline: URL → place in archive/images/, which files may be served, and the fetcher.

The fetcher is run against a server this module starts on 127.0.0.1 (port 0),
whose routes play every part a hostile or broken image host can: lies about
length and type, redirects to file:, too much data, aborted and stalled bodies.
tests/fixtures/images/ holds tiny JPEG, GIF and WebP files made for these tests.
"""

from __future__ import annotations

import os
import random
import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from builder import images
from builder.images import archive_path, available, fetch, image_urls, make_opener, request_url
from builder.model import Block, BlockKind, Entry, Markup, Source

IMAGES = Path(__file__).resolve().parent / "fixtures" / "images"


def png(width: int = 1, height: int = 1, seed: int | None = None) -> bytes:
    """A valid PNG: solid white, or random pixels (incompressible, so it has a size) with a seed."""
    rows = b"".join(b"\0" + (random.Random(seed + y).randbytes(width * 3) if seed is not None else b"\xff" * width * 3)
                    for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


BIG = png(64, 64, seed=7)  # about 12 KB
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body>Not found, but with a 200</body></html>"


# --- archive_path ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url, expected", [
    ("https://kexue.fm/usr/uploads/2015/06/3473700595.png", "usr/uploads/2015/06/3473700595.png"),
    ("http://kexue.fm/usr/uploads/2015/06/3473700595.png", "usr/uploads/2015/06/3473700595.png"),
    ("https://www.kexue.fm/usr/uploads/2015/06/3473700595.png", "usr/uploads/2015/06/3473700595.png"),
    ("https://spaces.ac.cn/usr/uploads/2015/06/3473700595.png", "usr/uploads/2015/06/3473700595.png"),
    ("HTTP://WWW.SPACES.AC.CN/usr/uploads/2015/06/3473700595.png", "usr/uploads/2015/06/3473700595.png"),
    ("/usr/uploads/2015/06/3473700595.png", "usr/uploads/2015/06/3473700595.png"),
    ("//kexue.fm/usr/uploads/2015/06/3473700595.png", "usr/uploads/2015/06/3473700595.png"),
    ("https://kexue.fm:443/usr/uploads/a.jpg", "usr/uploads/a.jpg"),
    ("  https://kexue.fm/usr/uploads/a.jpg\n", "usr/uploads/a.jpg"),
    ("https://kexue.fm/usr/uploads/a.jpg?v=3#top", "usr/uploads/a.jpg"),
    ("https://kexue.fm/usr//uploads/a.jpg", "usr/uploads/a.jpg"),
    ("https://kexue.fm/usr/uploads/Fig.JPEG", "usr/uploads/Fig.JPEG"),  # case kept: the server's names are
    ("https://Example.COM/img/a.gif", "example.com/img/a.gif"),
    ("http://127.0.0.1:8080/a.webp", "127.0.0.1_8080/a.webp"),
    ("https://kexue.fm:8443/usr/a.png", "kexue.fm_8443/usr/a.png"),
    ("https://例子.中国/a.png", "xn--fsqu00a.xn--fiqs8s/a.png"),
])
def test_archive_path_of_good_urls(url: str, expected: str):
    assert archive_path(url) == expected


@pytest.mark.parametrize("url", [
    "", " ", "data:image/png;base64,iVBORw0KGgo=", "javascript:alert(1)//.png", "file:///etc/passwd",
    "file:///tmp/a.png", "ftp://example.com/a.png", "C:\\images\\a.png", "C:/images/a.png",
    "a.png", "images/a.png", "../a.png", "./a.png",
    "https://example.com/../../etc/a.png", "/usr/../../a.png", "https://example.com/a/./b.png",
    "https://example.com/%2e%2e/%2E%2E/etc/a.png", "https://example.com/a/%2e/b.png", "/%2e%2e/a.png",
    "https://example.com/a%2f..%2fb.png", "https://example.com/a%5c..%5cb.png", "https://example.com/a\\b.png",
    "https://example.com/a%00.png", "https://example.com/a\x00.png", "https://example.com/a\nb.png",
    "https://example.com/a%0d%0ab.png", "https://example.com/a\u202eb.png", "https://example.com/a\u200bb.png",
    "https://example.com/" + "a" * 300 + ".png", "https://example.com/" + "a/" * 200 + "x.png",
    "https://user:secret@example.com/a.png", "https://example.com:99999/a.png", "https://example.com:x/a.png",
    "https://[::1]/a.png", "https://[::1/a.png", "https://localhost/a.png", "https:///a.png",
    "https://exa mple.com/a.png",
    "https://example.com/", "https://example.com", "https://example.com/folder/",
    "https://example.com/a.svg", "https://example.com/a.html", "https://example.com/a.png.html",
    "https://example.com/a.php?id=5", "https://example.com/image", "https://kexue.fm/usr/uploads/a.png.",
    "https://kexue.fm/example.com/a.png", "https://a.png/x.png",
    None, 42,
])
def test_archive_path_refuses_hostile_or_unservable_urls(url):
    assert archive_path(url) is None


@pytest.mark.parametrize("url", [
    "https://example.com/图片/示意图 1.png", "https://example.com/%E5%9B%BE%E7%89%87.png",
    "https://example.com/%ff%fe.png", "https://example.com/CON.png", "https://example.com/aux.jpg",
    "https://example.com/.hidden.png", "https://example.com/-rf.png", "https://example.com/a%20b.png",
    "https://example.com/" + "长" * 90 + ".png", "https://example.com/é.gif",
])
def test_archive_path_spells_every_name_in_portable_ascii_without_dropping_it(url: str):
    path = archive_path(url)
    assert path is not None and path.isascii()
    for segment in path.split("/"):
        assert segment and segment[0].isalnum() and len(segment) <= 100, path
        assert all(ch.isalnum() or ch in "._-" for ch in segment), path
        assert segment.split(".")[0].upper() not in ("CON", "AUX", "NUL", "PRN")
    assert path.lower().endswith((".png", ".jpg", ".gif"))


def test_archive_path_keeps_distinct_names_distinct():
    urls = ["https://example.com/图一.png", "https://example.com/图二.png", "https://example.com/%E5%9B%BE%E4%B8%80x.png",
            "https://example.com/a b.png", "https://example.com/a_b.png", "https://example.com/a%2520b.png"]
    paths = [archive_path(u) for u in urls]
    assert len(set(paths)) == len(paths)
    # one file, however the URL spells it
    assert archive_path("https://example.com/%E5%9B%BE%E4%B8%80.png") == paths[0]


def test_archive_path_never_escapes_on_random_urls():
    rng = random.Random(9)
    alphabet = ["/", ".", "..", "%2e", "%2E", "%2f", "%5c", "\\", "%00", "a", "图", "%", "?", "#", ":", "@", "~", " "]
    for _ in range(3000):
        tail = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        for url in (f"https://example.com/{tail}.png", f"/usr/{tail}.png", f"https://kexue.fm/{tail}.jpg"):
            path = archive_path(url)
            if path is None:
                continue
            parts = path.split("/")
            assert not path.startswith("/") and "\\" not in path and "\0" not in path and path.isascii(), url
            assert ".." not in parts and "." not in parts and "" not in parts, url


def test_archive_path_is_linear_on_long_input():
    assert archive_path("https://example.com/" + "a" * 100_000 + ".png") is None
    assert archive_path("https://" + "a." * 50_000 + "com/x.png") is None


def test_request_url_is_absolute_ascii_http():
    assert request_url("/usr/uploads/a.png") == "https://kexue.fm/usr/uploads/a.png"
    assert request_url("//example.com/a.png") == "https://example.com/a.png"
    assert request_url("https://example.com/图 1.png?x=中") == "https://example.com/%E5%9B%BE%201.png?x=%E4%B8%AD"
    assert request_url("https://example.com/%E5%9B%BE.png") == "https://example.com/%E5%9B%BE.png"
    assert request_url("https://例子.中国/a.png") == "https://xn--fsqu00a.xn--fiqs8s/a.png"
    assert request_url("file:///etc/passwd") is None


# --- image_urls --------------------------------------------------------------------------------------------------


def entry(*blocks: Block) -> Entry:
    return Entry(Source("page.md", 1), "page-markdown", "t", None, None, blocks, False)


def test_image_urls_dedups_in_reading_order_and_finds_inline_images():
    src = Source("page.md", 3)
    first = entry(
        Block(BlockKind.IMAGE, "图一", src, Markup.MARKDOWN, info="https://kexue.fm/usr/uploads/1.png"),
        Block(BlockKind.PARAGRAPH, r"文中 ![小图](https://example.com/s.gif) 与 \!\[不是图\](x.png)", src,
              Markup.MARKDOWN),
        Block(BlockKind.PARAGRAPH, "![plain text is no image](https://example.com/p.png)", src, Markup.PLAIN),
        Block(BlockKind.IMAGE, "again", src, Markup.MARKDOWN, info="https://kexue.fm/usr/uploads/1.png"),
    )
    second = entry(
        Block(BlockKind.LIST_ITEM, "[![wrapped](/usr/uploads/2.jpg)](https://kexue.fm/x)", src, Markup.MARKDOWN),
        Block(BlockKind.IMAGE, "", src, Markup.MARKDOWN, info="data:image/png;base64,AAAA"),
        Block(BlockKind.IMAGE, "no url", src, Markup.MARKDOWN, info=""),
    )
    assert image_urls([first, second]) == [
        "https://kexue.fm/usr/uploads/1.png", "https://example.com/s.gif", "/usr/uploads/2.jpg",
        "data:image/png;base64,AAAA"]


# --- available ---------------------------------------------------------------------------------------------------


def put(root: Path, rel: str, data: bytes) -> Path:
    path = root / "images" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_available_serves_real_images_and_refuses_the_rest(tmp_path: Path):
    archive = tmp_path / "archive"
    base = "https://kexue.fm/usr/uploads/2015/06/"
    put(archive, "usr/uploads/2015/06/good.png", png(3, 2))
    put(archive, "usr/uploads/2015/06/photo.jpg", (IMAGES / "tiny.jpg").read_bytes())
    put(archive, "usr/uploads/2015/06/anim.gif", (IMAGES / "tiny.gif").read_bytes())
    put(archive, "usr/uploads/2015/06/pic.webp", (IMAGES / "tiny.webp").read_bytes())
    put(archive, "usr/uploads/2015/06/fake.png", b"this is text, not a PNG\n")
    put(archive, "usr/uploads/2015/06/vector.png", SVG)
    put(archive, "usr/uploads/2015/06/page.jpg", HTML)
    put(archive, "usr/uploads/2015/06/empty.gif", b"")
    huge = put(archive, "usr/uploads/2015/06/huge.png", png())
    os.truncate(huge, 21 * 2**20)  # sparse: takes no room
    os.symlink(archive / "images/usr/uploads/2015/06/good.png", archive / "images/usr/uploads/2015/06/link.png")
    os.symlink("/etc/passwd", archive / "images/usr/uploads/2015/06/passwd.png")
    os.mkfifo(archive / "images/usr/uploads/2015/06/fifo.png")
    (archive / "images/usr/uploads/2015/06/folder.png").mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "a.png").write_bytes(png())
    os.symlink(outside, archive / "images/usr/uploads/linked")
    names = ["good.png", "photo.jpg", "anim.gif", "pic.webp", "fake.png", "vector.png", "page.jpg", "empty.gif",
             "huge.png", "link.png", "passwd.png", "fifo.png", "folder.png", "missing.png"]
    urls = [base + n for n in names] + ["https://kexue.fm/usr/uploads/linked/a.png", "/usr/uploads/2015/06/good.png",
                                        "data:image/png;base64,AAAA", "https://example.com/none.png"]
    found, problems = available(archive, urls)
    assert found == {base + "good.png": "usr/uploads/2015/06/good.png",
                     "/usr/uploads/2015/06/good.png": "usr/uploads/2015/06/good.png",
                     base + "photo.jpg": "usr/uploads/2015/06/photo.jpg",
                     base + "anim.gif": "usr/uploads/2015/06/anim.gif",
                     base + "pic.webp": "usr/uploads/2015/06/pic.webp"}
    why = {p.source.file: p.message for p in problems}
    assert all(p.code == "image-refused" and p.source.line == 1 for p in problems)
    assert set(why) == {f"images/usr/uploads/2015/06/{n}" for n in names[4:-1]} | {"images/usr/uploads/linked/a.png"}
    d = "images/usr/uploads/2015/06/"
    assert "not a PNG, JPEG, GIF or WebP" in why[d + "fake.png"]
    assert "SVG" in why[d + "vector.png"]
    assert "HTML" in why[d + "page.jpg"]
    assert "empty" in why[d + "empty.gif"]
    assert "22,020,096 bytes, over the cap" in why[d + "huge.png"]
    assert "symbolic link" in why[d + "link.png"] and "symbolic link" in why[d + "passwd.png"]
    assert "named pipe" in why[d + "fifo.png"]
    assert "folder" in why[d + "folder.png"]
    assert "symbolic link" in why["images/usr/uploads/linked/a.png"]


def test_available_without_images_folder_or_with_a_linked_one(tmp_path: Path):
    archive = tmp_path / "archive"
    archive.mkdir()
    assert available(archive, ["https://kexue.fm/usr/a.png"]) == ({}, [])
    elsewhere = tmp_path / "elsewhere"
    put(elsewhere, "usr/a.png", png())
    os.symlink(elsewhere / "images", archive / "images")
    found, problems = available(archive, ["https://kexue.fm/usr/a.png"])
    assert found == {} and len(problems) == 1 and "symbolic link" in problems[0].message


def test_available_cap_is_a_parameter(tmp_path: Path):
    put(tmp_path, "usr/a.png", BIG)
    assert available(tmp_path, ["/usr/a.png"], max_bytes=len(BIG))[0] == {"/usr/a.png": "usr/a.png"}
    assert available(tmp_path, ["/usr/a.png"], max_bytes=len(BIG) - 1)[0] == {}


# --- fetch -------------------------------------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    """Routes named for what they do; ``server.seen`` records (path, Range header) of every request."""

    def log_message(self, *args) -> None:  # keep the test output clean
        pass

    def send(self, status: int, body: bytes, ctype: str = "image/png", length: int | None = None,
             extra: dict[str, str] | None = None, write: bytes | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if length is not None:
            self.send_header("Content-Length", str(length))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(body if write is None else write)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self) -> None:  # noqa: C901 (one route per case)
        server = self.server
        rng = self.headers.get("Range")
        server.seen.append((self.path, rng))
        path = self.path.split("?")[0]
        if path == "/good.png":
            self.send(200, BIG, length=len(BIG))
        elif path == "/photo.jpg":
            data = (IMAGES / "tiny.jpg").read_bytes()
            self.send(200, data, "image/jpeg; charset=binary", len(data))
        elif path == "/nolength.gif":
            self.send(200, (IMAGES / "tiny.gif").read_bytes(), "image/gif")
        elif path == "/understated.png":  # says 100 bytes, has 12 KB: the cut copy must be refused
            self.send(200, BIG, length=100)
        elif path == "/overstated.png":  # says 100 KB, sends 1 KB and closes
            self.send(200, BIG[:1000], length=100_000)
        elif path == "/declared-big.png":
            self.send(200, b"", length=10**9, write=b"")
        elif path == "/endless.png":  # no length, far more than the cap
            self.send(200, b"", write=b"")
            try:
                for _ in range(64):
                    self.wfile.write(BIG[:16] + bytes(64 * 1024))
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif path == "/page.png":
            self.send(200, HTML, "image/png", len(HTML))
        elif path == "/typed-html.png":
            self.send(200, BIG, "text/html", len(BIG))
        elif path == "/untyped.png":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(BIG)
        elif path == "/vector.png":
            self.send(200, SVG, "image/svg+xml", len(SVG))
        elif path == "/to-file.png":
            self.send(302, b"", extra={"Location": "file:///etc/passwd"}, length=0)
        elif path == "/to-ftp.png":
            self.send(301, b"", extra={"Location": "ftp://127.0.0.1/a.png"}, length=0)
        elif path == "/to-data.png":
            self.send(302, b"", extra={"Location": "data:image/png;base64,iVBORw0KGgo="}, length=0)
        elif path == "/to-good.png":
            self.send(302, b"", extra={"Location": "/hop1.png"}, length=0)
        elif path.startswith("/hop"):
            n = int(path[4:-4])
            target = "/good.png" if n >= 2 else f"/hop{n + 1}.png"
            self.send(307, b"", extra={"Location": target}, length=0)
        elif path.startswith("/loop"):
            n = int(path[5:-4])
            self.send(302, b"", extra={"Location": f"/loop{n + 1}.png"}, length=0)
        elif path == "/missing.png":
            self.send(404, b"not here", "text/plain", 8)
        elif path in ("/resumable.png", "/norange.png", "/stall.png"):
            self.partial(path)
        else:
            self.send(500, b"no such route", "text/plain", 13)

    def partial(self, path: str) -> None:
        """First asked: half the image, then the connection ends (or stalls); later: the rest, as the route allows."""
        server = self.server
        count = server.counts[path] = server.counts.get(path, 0) + 1
        half = len(BIG) // 2
        rng = self.headers.get("Range")
        if count == 1:
            self.send(200, b"", length=len(BIG), write=BIG[:half])
            self.wfile.flush()
            if path == "/stall.png":
                server.release.wait(10)
            return
        if rng and path != "/norange.png":
            start = int(rng.removeprefix("bytes=").rstrip("-"))
            body = BIG[start:]
            self.send(206, body, length=len(body),
                      extra={"Content-Range": f"bytes {start}-{len(BIG) - 1}/{len(BIG)}"})
        else:
            self.send(200, BIG, length=len(BIG))


@pytest.fixture()
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.seen = []
    httpd.counts = {}
    httpd.release = threading.Event()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.release.set()
        httpd.shutdown()
        httpd.server_close()


def base(server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def run_fetch(urls, folder: Path, **kw):
    lines: list[str] = []
    kw.setdefault("timeout", 5)
    kw.setdefault("max_bytes", 100_000)
    report = fetch(urls, folder, progress=lines.append, opener=make_opener(proxies={}), **kw)
    return report, lines


def stored(folder: Path, url: str) -> Path:
    return folder / archive_path(url)


def test_fetch_good_images_into_their_places(server, tmp_path: Path):
    folder = tmp_path / "archive" / "images"
    b = base(server)
    urls = [b + "/good.png?v=1", b + "/photo.jpg", b + "/nolength.gif", b + "/to-good.png"]
    report, lines = run_fetch(urls, folder)
    assert report.fetched == urls and not report.failed and report.ok
    assert stored(folder, b + "/good.png").read_bytes() == BIG
    assert stored(folder, b + "/photo.jpg").read_bytes() == (IMAGES / "tiny.jpg").read_bytes()
    assert stored(folder, b + "/to-good.png").read_bytes() == BIG  # three redirects are followed
    port = server.server_address[1]
    assert lines[0] == f"[1/4] {b}/good.png?v=1 → 127.0.0.1_{port}/good.png (12 KB)"
    assert not list(folder.rglob("*.part"))
    # a second run asks for nothing
    asked = len(server.seen)
    again, lines = run_fetch(urls, folder)
    assert again.present == urls and len(server.seen) == asked
    assert lines[1].endswith("(already there)")


def test_fetch_refuses_lies_and_keeps_nothing(server, tmp_path: Path):
    folder = tmp_path / "images"
    b = base(server)
    cases = {
        "/understated.png": "cut short",
        "/declared-big.png": "announced, over the cap",
        "/endless.png": "more than 100,000 bytes; stopped reading",
        "/page.png": "HTML",
        "/typed-html.png": "'text/html', not an image",
        "/untyped.png": "not an image",
        "/vector.png": "image/svg+xml",
        "/missing.png": "HTTP 404",
        "/to-file.png": "HTTP 302",
        "/to-ftp.png": "HTTP 301",
        "/to-data.png": "HTTP 302",
        "/loop1.png": "HTTP 302",
    }
    report, lines = run_fetch([b + p for p in cases], folder)
    assert not report.fetched and set(report.failed) == {b + p for p in cases}
    for path, reason in cases.items():
        assert reason in report.failed[b + path], (path, report.failed[b + path])
    assert not [p for p in folder.rglob("*") if p.is_file()]  # no image, no .part
    assert report.received_bytes < 100_000 + 2 * 65536  # reading stopped at the cap (plus one chunk)
    assert all(": failed, " in line for line in lines)
    # redirects: never to file:, at most three hops
    assert not any(p.startswith("/etc") for p, _ in server.seen)
    assert sum(1 for p, _ in server.seen if p.startswith("/loop")) == 4


def test_fetch_collects_urls_it_cannot_store_without_asking(server, tmp_path: Path):
    urls = ["data:image/png;base64,AAAA", "file:///etc/passwd", "javascript:alert(1)", "../x.png",
            "https://example.com/%2e%2e/x.png", base(server) + "/a.svg"]
    report, lines = run_fetch(urls, tmp_path / "images")
    assert list(report.unusable) == urls and report.ok and not report.failed
    assert server.seen == [] and len(lines) == len(urls)


def test_fetch_resumes_a_part_with_a_range_request(server, tmp_path: Path):
    folder = tmp_path / "images"
    url = base(server) + "/resumable.png"
    first, _ = run_fetch([url], folder)
    assert "run again to resume" in first.failed[url]
    part = stored(folder, url).with_name("resumable.png.part")
    assert part.read_bytes() == BIG[: len(BIG) // 2]
    second, lines = run_fetch([url], folder)
    assert second.resumed == [url] and second.ok
    assert stored(folder, url).read_bytes() == BIG and not part.exists()
    assert server.seen[-1] == ("/resumable.png", f"bytes={len(BIG) // 2}-")
    assert second.received_bytes == len(BIG) - len(BIG) // 2
    assert lines[0].endswith("(12 KB, resumed)")


def test_fetch_restarts_when_the_server_ignores_the_range(server, tmp_path: Path):
    folder = tmp_path / "images"
    url = base(server) + "/norange.png"
    run_fetch([url], folder)
    report, _ = run_fetch([url], folder)
    assert report.fetched == [url] and stored(folder, url).read_bytes() == BIG
    assert server.seen[-1][1] is not None  # it was asked for a range, and answered 200 with the whole


def test_fetch_times_out_on_a_stalled_body_and_keeps_the_part(server, tmp_path: Path):
    folder = tmp_path / "images"
    url = base(server) + "/stall.png"
    report, _ = run_fetch([url], folder, timeout=0.3)
    assert "timed out" in report.failed[url]
    assert stored(folder, url).with_name("stall.png.part").stat().st_size == len(BIG) // 2
    server.release.set()
    again, _ = run_fetch([url], folder)
    assert again.resumed == [url] and stored(folder, url).read_bytes() == BIG


def test_fetch_discards_a_part_that_is_not_an_image(server, tmp_path: Path):
    folder = tmp_path / "images"
    url = base(server) + "/good.png"
    target = stored(folder, url)
    target.parent.mkdir(parents=True)
    target.with_name("good.png.part").write_bytes(b"<html>" + b"x" * 100)
    report, _ = run_fetch([url], folder)
    assert report.fetched == [url] and target.read_bytes() == BIG
    assert server.seen[-1] == ("/good.png", None)


def test_fetch_never_writes_through_links(server, tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = tmp_path / "images"
    b = base(server)
    host = archive_path(b + "/good.png").split("/")[0]
    folder.mkdir()
    os.symlink(outside, folder / host)  # the host's folder leads out
    report, _ = run_fetch([b + "/good.png"], folder)
    assert "symbolic link" in report.failed[b + "/good.png"] and not list(outside.iterdir())
    (folder / host).unlink()
    (folder / host).mkdir()
    os.symlink(outside / "x.png", folder / host / "good.png")  # the image itself is a link
    os.symlink(outside / "y", folder / host / "photo.jpg.part")
    report, _ = run_fetch([b + "/good.png", b + "/photo.jpg"], folder)
    assert set(report.failed) == {b + "/good.png", b + "/photo.jpg"} and not list(outside.iterdir())
    linked = tmp_path / "linked-images"
    os.symlink(outside, linked)
    with pytest.raises(OSError, match="symbolic link"):
        run_fetch([b + "/good.png"], linked)
    assert not list(outside.iterdir())


def test_fetch_leaves_a_non_image_in_the_way_alone(server, tmp_path: Path):
    folder = tmp_path / "images"
    url = base(server) + "/good.png"
    target = stored(folder, url)
    target.parent.mkdir(parents=True)
    target.write_bytes(b"my notes")
    report, _ = run_fetch([url], folder)
    assert "in the way" in report.failed[url] and target.read_bytes() == b"my notes" and server.seen == []


def test_complete_needs_the_end_marker():
    jpeg = (IMAGES / "tiny.jpg").read_bytes()
    webp = (IMAGES / "tiny.webp").read_bytes()
    gif = (IMAGES / "tiny.gif").read_bytes()
    for kind, data in (("png", BIG), ("jpeg", jpeg), ("webp", webp), ("gif", gif)):
        assert images.sniff(data) == kind
        assert images.complete(kind, data[:512], data[-65536:], len(data))
        cut = data[: len(data) - 3]
        assert not images.complete(kind, cut[:512], cut[-65536:], len(cut)), kind


# --- the command -------------------------------------------------------------------------------------------------


PAGE = """\
# [测试图片](https://kexue.fm/archives/1234)

By 苏剑林 \\|

2020-01-02 \\|

12位读者 \\|

第一段文字。

[![图一]({b}/good.png)]({b}/good.png "点击查看原图")

文中有 ![小图]({b}/photo.jpg) 一张。

![坏图]({b}/missing.png)

![内嵌](data:image/png;base64,AAAA)

## 小节 [\\#](https://kexue.fm/archives/1234#小节)

正文。

转载到请包括本文地址：[https://kexue.fm/archives/1234](https://kexue.fm/archives/1234)
"""


def cli(*args: str) -> int:
    from builder.cli import main

    return main(list(args))


def project_with_page(tmp_path: Path, server, missing: bool = True) -> Path:
    project = tmp_path / "project"
    (project / "archive").mkdir(parents=True)
    page = PAGE.format(b=base(server))
    if not missing:
        page = page.replace("![坏图]", "![好图]").replace("/missing.png", "/nolength.gif")
    (project / "archive" / "1234.md").write_text(page, encoding="utf-8")
    return project


def test_cli_fetches_the_images_of_the_pages(server, tmp_path: Path, monkeypatch, capsys):
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    project = project_with_page(tmp_path, server)
    assert cli("fetch-images", "--project", str(project), "--timeout", "5") == 1  # one 404
    out, err = capsys.readouterr()
    images_dir = project / "archive" / "images"
    assert stored(images_dir, base(server) + "/good.png").read_bytes() == BIG
    assert stored(images_dir, base(server) + "/photo.jpg").is_file()
    assert "2 fetched" in out and "1 failed" in out and "1 not fetchable" in out
    assert "HTTP 404" in err and "[1/4]" in err
    fixed = project_with_page(tmp_path / "again", server, missing=False)
    (fixed / "archive" / "images").symlink_to(images_dir)  # refused: a linked images folder
    assert cli("fetch-images", "--project", str(fixed)) == 1
    assert "symbolic link" in capsys.readouterr().err
    (fixed / "archive" / "images").unlink()
    assert cli("fetch-images", "--project", str(fixed), "-q") == 0
    out, err = capsys.readouterr()
    assert "3 fetched" in out and "0 failed" in out and err == ""
    assert cli("fetch-images", "--project", str(fixed), "-q") == 0
    assert "3 already there" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (("--timeout", "0"), "--timeout"),
    (("--timeout", "-1"), "--timeout"),
    (("--timeout", "nan"), "--timeout"),
    (("--timeout", "inf"), "--timeout"),
    (("--max-bytes", "0"), "--max-bytes"),
    (("--max-bytes", str(2**40)), "--max-bytes"),
])
def test_cli_refuses_bad_arguments(tmp_path: Path, capsys, args, message):
    (tmp_path / "archive").mkdir()
    assert cli("fetch-images", "--project", str(tmp_path), *args) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "archive" / "images").exists()


def test_cli_refuses_a_project_without_archive(tmp_path: Path, capsys):
    assert cli("fetch-images", "--project", str(tmp_path / "nowhere")) == 2
    assert "no such folder" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli("fetch-images", "--max-bytes", "lots")
