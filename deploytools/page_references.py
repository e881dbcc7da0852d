"""Which files are part of the page: everything ``index.html`` reaches, and nothing else.

``frontend/`` also holds a README, npm manifests and whatever a contributor drops there; the
bucket should hold only what a browser loading the page can ask for. Starting at ``index.html``,
this follows the references a browser follows:

* HTML: ``src``, ``href`` and ``srcset`` attributes (scripts, style sheets, module preloads,
  icons, images, links);
* JavaScript modules: static ``import``/``export ... from``, ``import("...")`` and
  ``new URL("...", import.meta.url)``;
* CSS: ``url(...)`` and ``@import``.

Only same-origin relative or root-relative paths count (``https:``, ``data:``, ``//host``, ``#x``
are not files of the page). A reference to a file with an extension that does not exist is
reported, so a broken page is not uploaded; an extension-less path (``/chat``) is a route.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

__all__ = ["ENTRY", "local_references", "reachable"]

ENTRY = "index.html"

_JS_PATTERNS = (
    re.compile(r"""\bimport\s*(?:[\w*{}\s,$]+\s*from\s*)?["']([^"']+)["']"""),
    re.compile(r"""\bexport\s*[\w*{}\s,$]*\s*from\s*["']([^"']+)["']"""),
    re.compile(r"""\bimport\s*\(\s*["']([^"']+)["']\s*\)"""),
    re.compile(r"""\bnew\s+URL\s*\(\s*["']([^"']+)["']\s*,\s*import\.meta\.url"""),
)
_CSS_PATTERNS = (
    re.compile(r"""url\(\s*["']?([^"')\s]+)["']?\s*\)"""),
    re.compile(r"""@import\s+["']([^"']+)["']"""),
)


class _HtmlRefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if not value:
                continue
            if name in ("src", "href"):
                self.urls.append(value)
            elif name == "srcset":
                self.urls.extend(part.strip().split(" ")[0] for part in value.split(","))


def _urls(key: str, text: str) -> list[str]:
    suffix = PurePosixPath(key).suffix.lower()
    if suffix in (".html", ".htm"):
        parser = _HtmlRefs()
        parser.feed(text)
        return parser.urls
    if suffix in (".js", ".mjs"):
        return [m.group(1) for p in _JS_PATTERNS for m in p.finditer(text)]
    if suffix == ".css":
        return [m.group(1) for p in _CSS_PATTERNS for m in p.finditer(text)]
    return []


def _to_key(referrer: str, url: str) -> str | None:
    """The object key ``url`` names when found in ``referrer``, or None if it is not a page file."""
    parts = urlsplit(url.strip())
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = unquote(parts.path)
    if path.startswith("/"):
        joined = posixpath.normpath(path.lstrip("/") or ENTRY)
    else:
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(referrer), path))
    if joined.startswith("..") or joined == ".":
        return None
    return joined


def local_references(key: str, text: str) -> set[str]:
    """Keys of the page's own files that the file ``key`` with content ``text`` refers to."""
    found = set()
    for url in _urls(key, text):
        target = _to_key(key, url)
        if target is not None:
            found.add(target)
    return found


def reachable(files: Mapping[str, Path], entry: str = ENTRY) -> tuple[set[str], set[str]]:
    """(keys reachable from ``entry``, referenced keys with an extension that are not in files)."""
    seen: set[str] = set()
    missing: set[str] = set()
    todo = [entry]
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        path = files.get(key)
        if path is None:
            if PurePosixPath(key).suffix:
                missing.add(key)
            continue
        seen.add(key)
        if PurePosixPath(key).suffix.lower() in (".html", ".htm", ".js", ".mjs", ".css"):
            text = path.read_text(encoding="utf-8", errors="replace")
            todo.extend(sorted(local_references(key, text) - seen))
    return seen, missing
