"""Which files of ``frontend/`` are published, under which URL path, with which headers.

Shared by the local front server and by ``make deploy``'s upload, so the page behaves the same on
``127.0.0.1`` as behind CloudFront. Pure functions: no file system access except in
``iter_published``.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

__all__ = [
    "CONTENT_TYPES",
    "PublishedFile",
    "cache_control_for",
    "content_type_for",
    "is_published",
    "iter_published",
    "request_path_to_key",
]

CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"

# Build inputs and tooling that live in frontend/ but are not part of the page.
_EXCLUDED_DIRS = frozenset({"node_modules", ".git", "__pycache__"})
_EXCLUDED_NAMES = frozenset({"package.json", "package-lock.json", ".DS_Store", "Makefile"})


@dataclass(frozen=True)
class PublishedFile:
    """One file of the page: its path on disk and its object key / URL path (no leading slash)."""

    path: Path
    key: str

    @property
    def content_type(self) -> str:
        return content_type_for(self.key)

    @property
    def cache_control(self) -> str:
        return cache_control_for(self.key)


def content_type_for(key: str) -> str:
    return CONTENT_TYPES.get(PurePosixPath(key).suffix.lower(), DEFAULT_CONTENT_TYPE)


def cache_control_for(key: str) -> str:
    """HTML revalidates every time (it names the other files); the rest may be cached a while.

    File names carry no content hash, so assets get a short lifetime; a deploy also invalidates
    CloudFront.
    """
    if content_type_for(key).startswith("text/html"):
        return "no-cache"
    return "public, max-age=3600"


def is_published(key: str) -> bool:
    """Whether a relative POSIX key is part of the page (not a dotfile, build input or tooling)."""
    parts = PurePosixPath(key).parts
    if not parts or any(p in ("", ".", "..") for p in parts):
        return False
    if any(p.startswith(".") for p in parts):  # .installed markers, .gitignore, editor files
        return False
    if any(p in _EXCLUDED_DIRS for p in parts[:-1]):
        return False
    name = parts[-1]
    is_npm_manifest = name.startswith("package") and name.endswith(".json")
    return name not in _EXCLUDED_NAMES and not is_npm_manifest


def request_path_to_key(url_path: str) -> str | None:
    """Map a request path to a published key, or None if it is unsafe or not a file.

    ``/`` means ``index.html``. Percent-escapes are decoded once; a backslash, NUL, ``..``
    segment or directory path (trailing slash) is refused, so nothing outside the folder and no
    directory listing can be reached.
    """
    path = url_path.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/"):
        return None
    if path == "/":
        return "index.html"
    try:
        decoded = unquote(path, errors="strict") if "%" in path else path
    except UnicodeDecodeError:
        return None
    if "\x00" in decoded or "\\" in decoded or decoded.endswith("/"):
        return None
    segments = decoded.split("/")[1:]
    if any(s in ("", ".", "..") for s in segments):
        return None
    key = posixpath.join(*segments)
    return key if is_published(key) else None


def iter_published(root: Path) -> Iterator[PublishedFile]:
    """Every published regular file under ``root``, by key; symlinks out of root are skipped."""
    root = root.resolve()
    found: list[PublishedFile] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in _EXCLUDED_DIRS and not d.startswith(".")]
        for name in filenames:
            path = Path(dirpath) / name
            if not path.is_file():
                continue
            try:
                path.resolve().relative_to(root)
            except ValueError:
                continue
            key = path.relative_to(root).as_posix()
            if is_published(key):
                found.append(PublishedFile(path=path, key=key))
    yield from sorted(found, key=lambda f: f.key)
