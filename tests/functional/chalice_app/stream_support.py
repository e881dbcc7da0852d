"""Real local servers for the /stream tests: moto's DynamoDB and a tiny Management API.

Both bind 127.0.0.1 on a free port and stop with their fixtures (``conftest.py``). The bindings
table is created from the template's own ``StreamBindingsTable`` definition, so the test table
cannot drift from what gets deployed.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from lex_emulator.cfn_template import load_template

ROOT = Path(__file__).resolve().parents[3]
_CONNECTION = re.compile(r"^/stream/@connections/(?P<id>[^/?]+)$")


def create_bindings_table(client: Any, name: str) -> None:
    """``StreamBindingsTable`` as template.yaml defines it (keys, billing, TTL)."""
    props = load_template(ROOT / "template.yaml")["Resources"]["StreamBindingsTable"]["Properties"]
    client.create_table(
        TableName=name,
        AttributeDefinitions=props["AttributeDefinitions"],
        KeySchema=props["KeySchema"],
        BillingMode=props["BillingMode"],
    )
    client.update_time_to_live(
        TableName=name, TimeToLiveSpecification=props["TimeToLiveSpecification"]
    )


class FakeManagementApi:
    """``POST /stream/@connections/{id}`` as API Gateway answers it: 200, or 410 for a gone id."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, bytes]] = []
        self.gone: set[str] = set()
        self.status: int | None = None  # force an answer (e.g. 500) for every post
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/stream"

    def messages(self) -> list[tuple[str, dict[str, Any]]]:
        with self._lock:
            return [(cid, json.loads(data)) for cid, data in self.posts]

    def __enter__(self) -> FakeManagementApi:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                match = _CONNECTION.match(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length)
                if match is None:
                    self._answer(404, {"message": "Not Found"})
                    return
                connection_id = unquote(match.group("id"))  # boto3 quotes "=" and friends
                if fake.status is not None:
                    self._answer(fake.status, {"message": "Internal server error"})
                elif connection_id in fake.gone:
                    self._answer(410, {"message": "Gone"}, error_type="GoneException")
                else:
                    with fake._lock:
                        fake.posts.append((connection_id, data))
                    self._answer(200, None)

            def _answer(self, status: int, body: Any, error_type: str | None = None) -> None:
                raw = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                if error_type:
                    self.send_header("x-amzn-ErrorType", error_type)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        return Handler
