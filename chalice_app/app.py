"""The /chat API: routes only; the logic lives in ``chalicelib``.

The same ``app`` serves ``chalice local``, ``chalice deploy`` and the SAM function
(``Handler: app.app``, API Gateway REST proxy events).
"""

from __future__ import annotations

from chalice.app import Chalice, Response

from chalicelib import endpoint, tracing

app = Chalice(app_name="lex-llm-chat")
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
