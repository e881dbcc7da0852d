"""Serve the template's ChatApiFunction (a Chalice app) with Chalice's own local server.

For local development only. ``python -m devstack.chalice_server --template template.yaml
--port 0`` imports the handler the template names (``app.app`` in ``chalice_app/``) the way
Lambda would, wraps it in ``chalice.local``'s dev server, and prints
``Chalice app on http://HOST:PORT`` once it listens. The environment (Lex endpoint, bot ids,
region) comes from the supervisor.
"""

from __future__ import annotations

import argparse
import signal
import socket
import sys
from http.server import HTTPServer
from pathlib import Path
from types import FrameType
from typing import Any

from chalice.app import Chalice
from chalice.config import Config
from chalice.local import (
    ChaliceRequestHandler,
    CustomLocalChalice,
    LocalChalice,
    LocalDevServer,
    ThreadedHTTPServer,
)

from devstack.config import CHAT_API_FUNCTION
from lex_emulator.cfn_template import (
    TemplateError,
    import_handler,
    load_template,
    resolve_function,
)

__all__ = ["build_server", "main"]


class _RoomyThreadedHTTPServer(ThreadedHTTPServer):
    """Chalice's threaded server with a listen backlog that holds a burst of 32+ connections."""

    request_queue_size = 128


class _Handler(ChaliceRequestHandler):
    """Chalice's request handler with TCP_NODELAY.

    The handler writes the headers and the body in two sends; with Nagle's algorithm and the
    client's delayed ACK that costs up to 40 ms per response on loopback.
    """

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _QuietHandler(_Handler):
    """Without the per-request log line (benchmarks, tests)."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


def build_server(
    template_path: str,
    host: str,
    port: int,
    function: str = CHAT_API_FUNCTION,
    *,
    quiet: bool = False,
) -> LocalDevServer:
    """Import the function's Chalice app and bind a local dev server for it (port 0 = any)."""
    template = load_template(template_path)
    spec = resolve_function(template, function, Path(template_path).resolve().parent)
    app = import_handler(spec)
    if not isinstance(app, Chalice):
        raise TemplateError(
            f"{spec.handler} is a {type(app).__name__}, not a Chalice app",
            resource=function,
            prop="Handler",
        )
    config = Config.create(
        app_name=app.app_name,
        lambda_timeout=spec.timeout_seconds,
        lambda_memory_size=256,
        api_gateway_stage="api",
    )
    # What chalice.local.create_local_server does, but with a server class whose listen backlog
    # is not Chalice's default of 5: the app gets a thread-local current_request.
    CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
    app.__class__ = CustomLocalChalice
    handler = _QuietHandler if quiet else _Handler
    return LocalDevServer(
        app, config, host, port, handler_cls=handler, server_cls=_RoomyThreadedHTTPServer
    )


def _stop(signum: int, frame: FrameType | None) -> None:
    del signum, frame
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.chalice_server", description=__doc__)
    parser.add_argument("--template", default="template.yaml")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--function", default=CHAT_API_FUNCTION)
    parser.add_argument("--quiet", action="store_true", help="no per-request log lines")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)
    try:
        server = build_server(args.template, args.host, args.port, args.function, quiet=args.quiet)
    except (TemplateError, ImportError, OSError) as exc:
        print(f"chalice_server: cannot start: {exc}", file=sys.stderr, flush=True)
        return 1
    http: HTTPServer = server.server
    bound: Any = http.server_address
    print(f"Chalice app on http://{args.host}:{bound[1]}", flush=True)
    try:
        http.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        http.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
