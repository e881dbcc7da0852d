"""The chat API and the ``/stream`` WebSocket handlers: routes only; the logic lives in ``chalicelib``.

The same ``app`` serves ``chalice local``, ``chalice deploy`` and the SAM functions:
``ChatApiFunction`` (``Handler: app.app``, API Gateway REST proxy events) and ``StreamFunction``
(``Handler: app.stream_events``, API Gateway WebSocket events for ``$connect``, ``bind``,
``$default`` and ``$disconnect``, handed to Chalice's WebSocket handlers below by event type).
"""

from __future__ import annotations

from typing import Any

from chalice.app import Chalice, Response, WebsocketEvent

from chalicelib import endpoint, stream_socket, tracing

app = Chalice(app_name="lex-llm-chat")
app.experimental_feature_flags.update(["WEBSOCKETS"])
tracing.register_tracing(app)  # X-Ray, only with Tracing=Active (outermost middleware)
app.register_middleware(endpoint.make_error_format_middleware(app.routes), "http")


# content_types="*/*": the body is checked by chalicelib (413, then 415, then JSON) so every error
# leaves in the API's own {"error": {...}} format instead of Chalice's.
@app.route("/chat", methods=["POST"], content_types=["*/*"])
def chat() -> Response:
    return endpoint.handle_chat(app.current_request, app.lambda_context)


@app.route("/health", methods=["GET"], content_types=["*/*"])
def health() -> dict[str, str]:
    return endpoint.handle_health()


@app.on_ws_connect()
def stream_connect(event: WebsocketEvent) -> Any:
    return stream_socket.handle_connect(event.to_dict())


@app.on_ws_message()
def stream_message(event: WebsocketEvent) -> Any:
    return stream_socket.handle_message(event.to_dict())


@app.on_ws_disconnect()
def stream_disconnect(event: WebsocketEvent) -> Any:
    return stream_socket.handle_disconnect(event.to_dict())


def stream_events(event: dict[str, Any], context: Any) -> Any:
    """StreamFunction's handler: one Lambda for every route, dispatched by ``eventType``."""
    handlers = {
        "CONNECT": stream_connect,
        "MESSAGE": stream_message,
        "DISCONNECT": stream_disconnect,
    }
    return stream_socket.dispatch(event, context, handlers, app.websocket_api)
