"""The local stats page: ``/stats/`` (HTML, JS, CSS) and ``/stats/data.json``. Local dev only.

The front server asks ``StatsRoutes.respond(method, path)`` first; a ``StatsResponse`` means the
path is ours, None means it is not. The page's files live in ``devstack/stats_page/`` (not in
``frontend/``, which is what gets deployed: in AWS the CloudWatch dashboard plays this part). The
data comes from a ``MetricsStore``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from devstack.metrics_store import MetricsStore

__all__ = ["PAGE_DIR", "StatsResponse", "StatsRoutes"]

PAGE_DIR = Path(__file__).resolve().parent / "stats_page"
_FILES = {
    "/stats": ("index.html", "text/html; charset=utf-8"),
    "/stats/": ("index.html", "text/html; charset=utf-8"),
    "/stats/stats.js": ("stats.js", "text/javascript; charset=utf-8"),
    "/stats/stats.css": ("stats.css", "text/css; charset=utf-8"),
}
DATA_PATH = "/stats/data.json"


@dataclass(frozen=True)
class StatsResponse:
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


class StatsRoutes:
    def __init__(self, store: MetricsStore, page_dir: Path = PAGE_DIR) -> None:
        self.store = store
        self._page_dir = page_dir

    def respond(self, method: str, path: str) -> StatsResponse | None:
        path = path.split("?", 1)[0]
        if path != "/stats" and not path.startswith("/stats/"):
            return None
        if method not in ("GET", "HEAD"):
            body = b'{"error": {"code": "method_not_allowed", "message": "Only GET and HEAD."}}'
            return StatsResponse(405, body, "application/json", {"Allow": "GET, HEAD"})
        if path == DATA_PATH:
            data = json.dumps(self.store.summary(), separators=(",", ":")).encode()
            return StatsResponse(200, data, "application/json", {"Cache-Control": "no-store"})
        known = _FILES.get(path)
        if known is None:
            return StatsResponse(404, b"Not found\n", "text/plain; charset=utf-8")
        name, content_type = known
        body = (self._page_dir / name).read_bytes()
        return StatsResponse(200, body, content_type, {"Cache-Control": "no-cache"})
