"""Images offline: where a post's picture lives in ``archive/images/``, which ones the site may serve, and a fetcher.

The built site never loads anything from another host, so every image an
article names is either a file of the archive, served from the site, or a
figure placeholder.  Three parts, for three moments:

* :func:`archive_path` (pure) maps an image URL to its place under
  ``archive/images/``: the blog's own uploads by their URL path
  (``usr/uploads/2015/06/3473700595.png``), other hosts as ``<host>/<path>``;
* :func:`available` (reads, at build time) says which of those files exist and
  may be published: regular files, PNG/JPEG/GIF/WebP by their first bytes,
  below a size cap;
* :func:`fetch` (network, on request only: ``kexue-book fetch-images``)
  downloads the missing ones, resumably, into the same places.

URLs come from scraped pages, so they are untrusted: a mapped path never
leaves ``archive/images/``, and it is spelled the same on every system (ASCII
letters, digits, ``.``, ``_``, ``-``; anything else is hashed into the name).
"""

from __future__ import annotations

import errno
import hashlib
import http.client
import os
import re
import stat
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import inline
from .model import BlockKind, Entry, Level, Markup, Problem, Source
from .read import file_kind

# The blog's own hosts: their images are kept by URL path, so one upload has one file whichever host named it.
OWN_HOSTS = frozenset({"kexue.fm", "www.kexue.fm", "spaces.ac.cn", "www.spaces.ac.cn"})
OWN_ORIGIN = "https://kexue.fm"  # where a site-relative ``/usr/...`` is fetched from
MAX_URL_CHARS = 300
MAX_IMAGE_BYTES = 20 * 2**20  # the blog's largest figures are a few hundred KB; a 20 MiB one is no figure
# The site serves a file with the type its name says, so only names of the allowed raster types are mapped:
# a PNG named ``x.html`` would be served as a page (a PNG's text chunks can hold script).
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
KINDS = ("png", "jpeg", "gif", "webp")
USER_AGENT = "kexue-book-fetch-images/0.1 (+offline copy of a blog's figures)"
MAX_REDIRECTS = 3
_CHUNK = 64 * 1024
_TAIL = 64 * 1024  # where an image's end marker is looked for

_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_UNSAFE_RUN = re.compile(r"[^A-Za-z0-9._-]+")
_EXTENSION = re.compile(r"[A-Za-z0-9]{1,8}")
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+")
# Names Windows cannot create, whatever their extension.
_RESERVED = re.compile(r"(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\..*)?", re.IGNORECASE)
_BAD_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})

_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_WRITE_FLAGS = (os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
                | getattr(os, "O_CLOEXEC", 0))  # O_NONBLOCK: a FIFO put in place of the .part fails, never blocks


# --- where an image lives ---------------------------------------------------------------------------------------


def _bad_char(text: str) -> bool:
    return any(unicodedata.category(ch) in _BAD_CATEGORIES for ch in text)


def _portable(segment: str) -> str:
    """A segment as a file name every system spells the same; others keep their readable part plus a hash.

    The hash is of the exact (decoded, case-kept) segment, so two names that differ only in
    what was replaced still get two files.
    """
    if _SAFE_NAME.fullmatch(segment) and not segment.endswith(".") and not _RESERVED.fullmatch(segment):
        return segment
    stem, dot, ext = segment.rpartition(".")
    if not dot or not stem or not _EXTENSION.fullmatch(ext):
        stem, ext = segment, ""
    readable = _UNSAFE_RUN.sub("_", stem).strip("._-")[:40] or "x"
    digest = hashlib.sha256(segment.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{readable}-{digest}" + (f".{ext}" if ext else "")


def _segment(raw: str) -> str | None:
    """One path segment, percent-decoded, as a portable name; None when it could lead elsewhere."""
    decoded = raw
    if "%" in raw:
        try:
            decoded = urllib.parse.unquote(raw, encoding="utf-8", errors="strict")
        except UnicodeDecodeError:
            decoded = raw  # not UTF-8 underneath: the raw spelling, '%' and all, is hashed below
    if decoded in (".", "..") or any(ch in decoded for ch in "/\\\0") or _bad_char(decoded):
        return None
    return _portable(decoded)


def _host(parts: urllib.parse.SplitResult, scheme: str) -> str | None:
    """The host as the folder name of its images (``example.com``, ``127.0.0.1_8080``), or None."""
    if parts.username is not None or parts.password is not None:
        return None  # credentials in an image URL are a trick or a leak: never stored, never sent
    try:
        host, port = parts.hostname, parts.port
    except ValueError:  # a port that is not a number, or out of range
        return None
    if not host:
        return None
    host = host[:-1] if host.endswith(".") else host  # the root label: "example.com." is "example.com"
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    if not _HOST.fullmatch(host) or len(host) > 253:
        return None
    default = 443 if scheme == "https" else 80
    return host if port in (None, default) else f"{host}_{port}"


def archive_path(url: str) -> str | None:
    """Where the image of ``url`` lives under ``archive/images/``, as a relative POSIX path, or None.

    * the blog's own hosts (``kexue.fm``, ``spaces.ac.cn``, with or without ``www``) and site-relative
      ``/usr/...``: the URL path, ``usr/uploads/2015/06/3473700595.png``;
    * any other http(s) host: ``<host>/<path>`` (``<host>_<port>`` for a port that is not the default).
      A host always holds a dot and a path of the blog's own never starts with one that does, so
      the two namespaces cannot meet;
    * the query and the fragment are dropped: the name ends in an image type already, so a query
      only busts caches or picks a size of the same picture;
    * None for anything else: other schemes (``data:``, ``javascript:``, ``file:``), relative
      paths (no base to resolve them against), ``.``/``..`` segments (also percent-encoded),
      backslashes, control characters, credentials, more than 300 characters, and names that do
      not end in ``.png``, ``.jpg``, ``.jpeg``, ``.gif`` or ``.webp`` (the site could not serve them
      as images).

    Segments that are not plain ASCII names (Chinese, spaces, ``%`` left undecodable, names
    Windows reserves) keep their ASCII part and get a hash of the whole segment.
    """
    if not isinstance(url, str):
        return None
    url = url.strip(" \t\n\r\f")
    if not url or len(url) > MAX_URL_CHARS or "\\" in url or _bad_char(url):
        return None
    if url.startswith("//"):
        url = "https:" + url
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return None
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        folder = _host(parts, scheme)
        if folder is None:
            return None
        own = folder in OWN_HOSTS
    elif not scheme and not parts.netloc and url.startswith("/"):
        folder, own = "", True
    else:
        return None
    raw = parts.path.split("/")
    if len(raw) < 2 or raw[0] != "" or not raw[-1]:
        return None  # no path, or a folder (trailing slash)
    names = []
    for piece in raw[1:]:
        if not piece:
            continue  # '//' inside a path: browsers ask the server for the same file
        name = _segment(piece)
        if name is None:
            return None
        names.append(name)
    if own and len(names) > 1 and "." in names[0]:
        return None  # a blog path such as /example.com/a.png would collide with that host's folder
    if not own and folder.lower().endswith(IMAGE_SUFFIXES):
        return None  # a host named like a file (``a.png``) would collide with a file of the blog's own
    if not names[-1].lower().endswith(IMAGE_SUFFIXES):
        return None
    path = "/".join(names if own else [folder, *names])
    if path.startswith("/") or "\\" in path or "\0" in path or ".." in path.split("/"):
        return None  # cannot happen by construction; kept as the last word on what leaves this function
    return path


def request_url(url: str) -> str | None:
    """The absolute, ASCII http(s) URL to download ``url`` from, or None when :func:`archive_path` refuses it.

    A site-relative path is the blog's own; non-ASCII characters and spaces are percent-encoded
    (existing escapes kept) and an international host is written in its ASCII (IDNA) form.
    """
    if archive_path(url) is None:
        return None
    url = url.strip(" \t\n\r\f")
    if url.startswith("//"):
        url = "https:" + url
    elif url.startswith("/"):
        url = OWN_ORIGIN + url
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").rstrip(".").encode("idna").decode("ascii")
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    path = urllib.parse.quote(parts.path, safe="/%!$&'()*+,;=:@~-._")
    query = urllib.parse.quote(parts.query, safe="/%!$&'()*+,;=:@~-._?")
    return urllib.parse.urlunsplit((parts.scheme.lower(), netloc, path, query, ""))


def image_urls(entries: Iterable[Entry]) -> list[str]:
    """Every image URL the entries name, once each, in reading order.

    Images standing alone are ``IMAGE`` blocks (URL in ``info``); an image inside running text
    stays in the block's Markdown and is found by parsing it with the reader's own dialect.
    """
    seen: dict[str, None] = {}
    for entry in entries:
        for block in entry.blocks:
            if block.kind == BlockKind.IMAGE and block.info:
                seen.setdefault(block.info, None)
            if block.markup == Markup.MARKDOWN and "![" in block.text:
                for token in _image_tokens(inline.parse(block.text)):
                    src = str(token.attrs.get("src", ""))
                    if src:
                        seen.setdefault(src, None)
    return list(seen)


def _image_tokens(tokens):
    for token in tokens:
        if token.type == "image":
            yield token
        if getattr(token, "children", None):
            yield from _image_tokens(token.children)


# --- what a file holds -------------------------------------------------------------------------------------------


def sniff(head: bytes) -> str | None:
    """The raster type the first bytes announce (``png``, ``jpeg``, ``gif``, ``webp``), or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if len(head) >= 12 and head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    return None


def _describe(head: bytes) -> str:
    """What a refused file looks like, for the message."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<") and b"<svg" in text:
        return "an SVG image (it can carry script; only PNG, JPEG, GIF and WebP are served)"
    if text.startswith((b"<!doctype", b"<html", b"<head", b"<body", b"<")):
        return "an HTML or XML page, not an image"
    if not head:
        return "empty"
    shown = head[:8].hex(" ")
    return f"not a PNG, JPEG, GIF or WebP image (it starts with bytes {shown})"


def complete(kind: str, head: bytes, tail: bytes, size: int) -> bool:
    """Whether an image of this type ends where its format says: a download cut short (or a server that
    sent fewer bytes than it had) leaves no end marker.  Lenient about bytes after the end."""
    if kind == "png":
        return b"IEND\xaeB`\x82" in tail
    if kind == "jpeg":
        return b"\xff\xd9" in tail  # EOI; inside compressed data 0xFF is always followed by 0x00 or a restart
    if kind == "gif":
        return tail.rstrip(b"\0").endswith(b";")
    if kind == "webp":
        return len(head) >= 8 and int.from_bytes(head[4:8], "little") + 8 <= size
    return False


class _Refused(Exception):
    """Why one image is not used or not fetched: said once, in the report."""


def _is_link(err: OSError, name: str | Path, dir_fd: int | None = None) -> bool:
    """Whether opening failed because ``name`` is a symbolic link: ELOOP (EMLINK on BSD) from O_NOFOLLOW,
    or ENOTDIR from O_DIRECTORY, which Linux checks first."""
    if err.errno in (errno.ELOOP, errno.EMLINK):
        return True
    if err.errno != errno.ENOTDIR:
        return False
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except OSError:
        return False


def _open_dirs(root_fd: int, names: list[str], *, create: bool) -> int:
    """The fd of the folder ``names`` below ``root_fd``, opened one level at a time without following links.

    A folder missing raises FileNotFoundError (or is made, with ``create``); a link on the way
    is refused, so nothing read or written can be outside the images folder.
    """
    fd = os.dup(root_fd)
    try:
        for name in names:
            if create:
                try:
                    os.mkdir(name, 0o755, dir_fd=fd)
                except FileExistsError:
                    pass
            try:
                child = os.open(name, _DIR_FLAGS, dir_fd=fd)
            except OSError as err:
                if _is_link(err, name, fd):
                    raise _Refused(f"the folder {name!r} on the way is a symbolic link") from None
                if err.errno == errno.ENOTDIR:
                    raise _Refused(f"{name!r} on the way is a file, not a folder") from None
                raise
            os.close(fd)
            fd = child
        return fd
    except BaseException:
        os.close(fd)
        raise


def _open_root(folder: Path, *, create: bool) -> int:
    """The images folder itself, refused when it is a symbolic link (it would lead the files elsewhere)."""
    if create:
        folder.parent.mkdir(parents=True, exist_ok=True)
        try:
            folder.mkdir(exist_ok=True)
        except FileExistsError:
            pass  # a link or a file: said below
    try:
        return os.open(folder, _DIR_FLAGS)
    except OSError as err:
        if _is_link(err, folder):
            raise NotADirectoryError(errno.ENOTDIR, "a symbolic link; the images folder must be a real folder",
                                     str(folder)) from None
        raise


def _check_file(root_fd: int, rel: str, max_bytes: int) -> str | None:
    """None when the file at ``rel`` may be published, else why not; FileNotFoundError when there is none."""
    *dirs, name = rel.split("/")
    try:
        dir_fd = _open_dirs(root_fd, dirs, create=False)
    except _Refused as why:
        return str(why)
    try:
        try:
            fd = os.open(name, _READ_FLAGS, dir_fd=dir_fd)
        except OSError as err:
            if err.errno in (errno.ELOOP, errno.EMLINK):
                return "a symbolic link; images are read as regular files only (copy the file instead)"
            if err.errno == errno.ENOENT:
                raise
            return err.strerror or str(err)
    finally:
        os.close(dir_fd)
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):  # checked before fdopen, which refuses a folder with its own error
        os.close(fd)
        return file_kind(info.st_mode, "an image")
    with os.fdopen(fd, "rb") as handle:
        if info.st_size > max_bytes:
            return f"{info.st_size:,} bytes, over the cap of {max_bytes:,}"
        head = handle.read(512)
    return None if sniff(head) else _describe(head)


def available(archive: Path, urls: Iterable[str], *,
              max_bytes: int = MAX_IMAGE_BYTES) -> tuple[dict[str, str], list[Problem]]:
    """The images of ``urls`` the site may serve: url → path under ``archive/images/``; and why others are not.

    A file is used when it is a regular file (links and devices are refused, also on the way
    to it), its first bytes say PNG, JPEG, GIF or WebP (SVG can carry script) and it holds at
    most ``max_bytes``.  A missing file is no problem (the page shows a placeholder); a file
    that is there but refused gets an ``image-refused`` warning naming it and why.  Each file
    is checked once, however many URLs name it.
    """
    by_path: dict[str, list[str]] = {}
    for url in urls:
        rel = archive_path(url)
        if rel is not None:
            by_path.setdefault(rel, []).append(url)
    found: dict[str, str] = {}
    problems: list[Problem] = []
    if not by_path:
        return found, problems
    try:
        root_fd = _open_root(archive / "images", create=False)
    except FileNotFoundError:
        return found, problems
    except OSError as err:
        return found, [Problem(Source("images", 1), "image-refused",
                               f"no image is used: {err.strerror or err}", Level.WARNING)]
    try:
        for rel, named in by_path.items():
            try:
                why = _check_file(root_fd, rel, max_bytes)
            except FileNotFoundError:
                continue
            except OSError as err:
                why = err.strerror or str(err)
            if why is None:
                found.update(dict.fromkeys(named, rel))
            else:
                problems.append(Problem(Source(f"images/{rel}", 1), "image-refused",
                                        f"not used, the figure shows as a placeholder: {why}"))
    finally:
        os.close(root_fd)
    return found, problems


# --- fetching ----------------------------------------------------------------------------------------------------


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows at most three redirects, and only to http(s): never to ``file:``, ``ftp:`` or ``data:``."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        scheme = urllib.parse.urlsplit(newurl).scheme.lower()
        if scheme not in ("http", "https"):
            raise urllib.error.HTTPError(req.full_url, code, f"redirect to a {scheme or 'relative'}: URL refused "
                                         f"({newurl[:80]})", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def make_opener(proxies: dict[str, str] | None = None) -> urllib.request.OpenerDirector:
    """An opener that speaks http and https only (no ``file:``, ``ftp:``, ``data:`` handler is even installed).

    ``proxies`` as for :class:`urllib.request.ProxyHandler`: None takes them from the environment.
    """
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(proxies), urllib.request.UnknownHandler(),
                    urllib.request.HTTPHandler(), urllib.request.HTTPSHandler(),
                    urllib.request.HTTPDefaultErrorHandler(), _Redirects(), urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    return opener


@dataclass
class FetchReport:
    """What one ``fetch`` did, URL by URL: every URL is in exactly one of the five."""

    fetched: list[str] = field(default_factory=list)  # downloaded whole in this run
    resumed: list[str] = field(default_factory=list)  # completed from a ``.part`` left by an earlier run
    present: list[str] = field(default_factory=list)  # the file was there already: nothing asked
    failed: dict[str, str] = field(default_factory=dict)  # url → why; a later run may succeed
    unusable: dict[str, str] = field(default_factory=dict)  # url → why it can never be stored (not an http(s) image)
    received_bytes: int = 0  # read from the network in this run

    @property
    def ok(self) -> bool:
        return not self.failed


def _size(n: int) -> str:
    return f"{n} B" if n < 1024 else f"{n / 1024:,.0f} KB" if n < 2**20 else f"{n / 2**20:,.1f} MB"


def _unlink(name: str, dir_fd: int) -> None:
    try:
        os.unlink(name, dir_fd=dir_fd)
    except FileNotFoundError:
        pass


def _regular(name: str, dir_fd: int) -> os.stat_result | None:
    """The stat of ``name`` when it is there, not following a link; _Refused when it is not a regular file."""
    try:
        info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        raise _Refused(f"{name!r} is a symbolic link; remove it to fetch the image")
    if not stat.S_ISREG(info.st_mode):
        raise _Refused(f"{name!r} is {file_kind(info.st_mode, 'an image')}")
    return info


def _ends(name: str, dir_fd: int) -> tuple[bytes, bytes, int]:
    """First bytes, last bytes and size of a file, opened without following links."""
    fd = os.open(name, _READ_FLAGS, dir_fd=dir_fd)
    with os.fdopen(fd, "rb") as handle:
        size = os.fstat(fd).st_size
        head = handle.read(512)
        handle.seek(max(0, size - _TAIL))
        return head, handle.read(_TAIL), size


def _image_type(value: str) -> bool:
    kind = value.split(";", 1)[0].strip().lower()
    return kind.startswith("image/") and kind != "image/svg+xml"


def _content_range_start(value: str) -> int | None:
    m = re.match(r"\s*bytes\s+(\d{1,15})-", value)
    return int(m.group(1)) if m else None


@dataclass
class _Job:
    """One URL's download: where it goes (an open folder and a name) and the limits."""

    target: str  # the absolute http(s) URL asked for
    dir_fd: int
    name: str
    timeout: float
    max_bytes: int
    opener: urllib.request.OpenerDirector
    received: int = 0  # bytes read from the network
    size: int = 0  # the image's size once it is in place


def _open(job: _Job, offset: int):
    headers = {"User-Agent": USER_AGENT, "Accept": "image/png,image/jpeg,image/gif,image/webp,image/*;q=0.8"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    request = urllib.request.Request(job.target, headers=headers)  # noqa: S310 (http(s) only: request_url, make_opener)
    return job.opener.open(request, timeout=job.timeout)


def _download(job: _Job) -> str:
    """One image into its place; ``fetched``, ``resumed`` or ``present``, else _Refused with the reason."""
    name, part, dir_fd = job.name, job.name + ".part", job.dir_fd
    if _regular(name, dir_fd) is not None:
        head, _, job.size = _ends(name, dir_fd)
        if sniff(head) is None:
            raise _Refused(f"a file that is not an image is in the way ({_describe(head)}); remove it to fetch again")
        return "present"
    info = _regular(part, dir_fd)
    offset = info.st_size if info is not None else 0
    if offset:
        head, _, _ = _ends(part, dir_fd)
        if offset > job.max_bytes or (len(head) >= 12 and sniff(head) is None):
            _unlink(part, dir_fd)  # not the start of an image, or too long already: start over
            offset = 0
    try:
        try:
            response = _open(job, offset)
        except urllib.error.HTTPError as err:
            err.close()
            if err.code != 416 or not offset:
                raise
            _unlink(part, dir_fd)  # the server has no such range: the part is not a prefix of what it has now
            offset = 0
            response = _open(job, offset)
        with response:
            return _receive(job, response, offset)
    except urllib.error.HTTPError as err:
        err.close()
        raise _Refused(f"HTTP {err.code} {err.reason}") from None
    except urllib.error.URLError as err:
        raise _Refused(f"cannot connect: {err.reason}") from None
    except TimeoutError:  # socket.timeout is an alias of it
        raise _Refused(f"timed out after {job.timeout:g} s; run again to resume") from None
    except (http.client.HTTPException, ConnectionError) as err:
        raise _Refused(f"the connection broke ({type(err).__name__}); run again to resume") from None


def _receive(job: _Job, response, offset: int) -> str:
    """Read the body into ``<name>.part`` within the cap, check it, and give it its name."""
    name, part, dir_fd = job.name, job.name + ".part", job.dir_fd
    final = response.geturl()
    if urllib.parse.urlsplit(final).scheme.lower() not in ("http", "https"):
        raise _Refused(f"the answer came from a non-http(s) URL ({final[:80]})")
    ctype = response.headers.get("Content-Type", "")
    if not _image_type(ctype):
        _unlink(part, dir_fd)
        raise _Refused(f"the server says it is {ctype or 'of no type'!r}, not an image (SVG is refused too)")
    if response.status == 206 and offset:
        if _content_range_start(response.headers.get("Content-Range", "")) != offset:
            _unlink(part, dir_fd)
            raise _Refused("the server answered with another range than asked; run again to start over")
    else:
        offset = 0  # the whole image again: the server ignored the range
    length = response.headers.get("Content-Length", "").strip()
    expected = offset + int(length) if length.isdigit() and len(length) < 19 else None
    if expected is not None and expected > job.max_bytes:
        _unlink(part, dir_fd)
        raise _Refused(f"{expected:,} bytes announced, over the cap of {job.max_bytes:,}")
    flags = _WRITE_FLAGS | (os.O_APPEND if offset else os.O_TRUNC)
    fd = os.open(part, flags, 0o644, dir_fd=dir_fd)
    total = offset
    with os.fdopen(fd, "wb") as out:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _Refused(f"{part!r} is not a regular file")
        head = b""
        # read1 returns what has arrived, so a body that stalls leaves all of it in the .part to resume from
        read = getattr(response, "read1", response.read)
        while True:
            chunk = read(_CHUNK)
            if not chunk:
                break
            total += len(chunk)
            job.received += len(chunk)
            if total > job.max_bytes:  # also when Content-Length was absent or said less
                out.close()
                _unlink(part, dir_fd)
                raise _Refused(f"more than {job.max_bytes:,} bytes; stopped reading")
            if not offset and len(head) < 16:
                head += chunk[:16]
                if len(head) >= 16 and sniff(head) is None:
                    out.close()
                    _unlink(part, dir_fd)
                    raise _Refused(_describe(head))
            out.write(chunk)
    if expected is not None and total < expected:
        raise _Refused(f"the connection ended after {total:,} of {expected:,} bytes; run again to resume")
    head, tail, size = _ends(part, dir_fd)
    kind = sniff(head)
    if kind is None:
        _unlink(part, dir_fd)
        raise _Refused(_describe(head))
    if not complete(kind, head, tail, size):
        _unlink(part, dir_fd)
        raise _Refused(f"the {kind.upper()} image is cut short ({size:,} bytes, no end marker)")
    os.replace(part, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    job.size = size
    return "resumed" if offset else "fetched"


def fetch(urls: Iterable[str], images_dir: Path, *, timeout: float = 30.0, max_bytes: int = MAX_IMAGE_BYTES,
          progress: Callable[[str], None] = lambda line: None,
          opener: urllib.request.OpenerDirector | None = None) -> FetchReport:
    """Download each image URL into ``images_dir / archive_path(url)``; never raises for one bad URL.

    A download is written to ``<name>.part`` and renamed when it is whole: an image by its first
    bytes and by its end marker, announced as ``image/*`` (not SVG), at most ``max_bytes`` (reading
    stops there whatever Content-Length said).  A file already there is not asked for again; a
    ``.part`` left by an interrupted run is continued with a Range request when the server
    answers 206, else downloaded again.  Redirects: at most three, http(s) only.  Folders are
    made as needed, one level at a time without following links.

    Raises OSError only when ``images_dir`` itself cannot be used (a symbolic link, a file).
    """
    report = FetchReport()
    todo = list(dict.fromkeys(urls))
    opener = opener or make_opener()
    root_fd = _open_root(images_dir, create=True)
    try:
        for number, url in enumerate(todo, 1):
            rel = archive_path(url)
            shown = url if len(url) <= 120 else url[:117] + "…"
            prefix = f"[{number}/{len(todo)}] {shown!r}" if _bad_char(url) else f"[{number}/{len(todo)}] {shown}"
            if rel is None:
                report.unusable[url] = "not an http(s) URL of a PNG, JPEG, GIF or WebP file that can be stored"
                progress(f"{prefix}: skipped, {report.unusable[url]}")
                continue
            *dirs, name = rel.split("/")
            job = _Job(request_url(url) or "", -1, name, timeout, max_bytes, opener)
            try:
                job.dir_fd = _open_dirs(root_fd, dirs, create=True)
                try:
                    outcome = _download(job)
                finally:
                    os.close(job.dir_fd)
            except _Refused as why:
                report.failed[url] = str(why)
            except OSError as err:  # the disk, not the server: a full disk or a permission
                report.failed[url] = f"cannot write {rel}: {err.strerror or err}"
            report.received_bytes += job.received
            if url in report.failed:
                progress(f"{prefix}: failed, {report.failed[url]}")
                continue
            getattr(report, outcome).append(url)
            what = {"present": "already there", "resumed": f"{_size(job.size)}, resumed"}.get(outcome, _size(job.size))
            progress(f"{prefix} → {rel} ({what})")
    finally:
        os.close(root_fd)
    return report
