"""Which request paths map to which files of the page, and with which headers."""

from __future__ import annotations

import pytest

from devstack.frontend_files import (
    cache_control_for,
    content_type_for,
    is_published,
    request_path_to_key,
)


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("/", "index.html"),
        ("/?x=1", "index.html"),
        ("/index.html", "index.html"),
        ("/chat.js", "chat.js"),
        ("/js/api.js?v=2", "js/api.js"),
        ("/vendor/marked.umd.js", "vendor/marked.umd.js"),
        ("/%EC%95%88.png", "안.png"),
    ],
)
def test_safe_paths_map_to_keys(path, key):
    assert request_path_to_key(path) == key


@pytest.mark.parametrize(
    "path",
    [
        "/../etc/passwd",
        "/js/../../etc/passwd",
        "/%2e%2e/etc/passwd",
        "/js/%2E%2E/%2E%2E/secret",
        "/..%2fetc%2fpasswd",
        "/js/",  # a directory: no listing
        "/js//api.js",
        "/./index.html",
        "/a\\..\\b",
        "/%5c..%5cb",
        "/index.html%00.js",
        "/%ff",
        "relative.js",
        "http://example.com/x",
        "/.env",
        "/vendor/.installed",
        "/node_modules/marked/lib/marked.esm.js",
        "/package.json",
        "/package-lock.json",
    ],
)
def test_unsafe_or_unpublished_paths_are_refused(path):
    assert request_path_to_key(path) is None


@pytest.mark.parametrize(
    ("key", "content_type"),
    [
        ("index.html", "text/html; charset=utf-8"),
        ("chat.js", "text/javascript; charset=utf-8"),
        ("vendor/purify.min.js", "text/javascript; charset=utf-8"),
        ("chat.css", "text/css; charset=utf-8"),
        ("icon.svg", "image/svg+xml"),
        ("favicon.ico", "image/x-icon"),
        ("site.webmanifest", "application/manifest+json"),
        ("LOGO.PNG", "image/png"),
        ("blob.bin", "application/octet-stream"),
    ],
)
def test_content_types(key, content_type):
    assert content_type_for(key) == content_type


def test_html_is_revalidated_and_assets_are_cached_briefly():
    assert cache_control_for("index.html") == "no-cache"
    assert "max-age=" in cache_control_for("chat.js")


@pytest.mark.parametrize(
    ("key", "published"),
    [
        ("index.html", True),
        ("js/view.js", True),
        ("vendor/marked.umd.js", True),
        ("node_modules/dompurify/dist/purify.js", False),
        ("package.json", False),
        ("package-lock.json", False),
        (".gitignore", False),
        ("vendor/.installed", False),
        ("../index.html", False),
        ("", False),
    ],
)
def test_is_published(key, published):
    assert is_published(key) is published
