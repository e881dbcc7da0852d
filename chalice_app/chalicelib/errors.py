"""Every way a ``/chat`` request or a ``/stream`` frame can fail: HTTP status, code, friendly message.

The response body of every error is ``{"error": {"code": ..., "message": ...}}``; on ``/stream``
the same codes travel as ``{"type": "error", "code", "message"}`` frames (``stream_socket``), and
the status is not used. ``message`` is safe to show to the user; ``detail`` (never sent) carries
what the log needs.

Exception tree::

    ChatApiError
    ├── RequestError                     the caller sent something we cannot use
    │   ├── InvalidJsonError             400 invalid_json            body is not UTF-8 JSON
    │   ├── InvalidRequestError          400 invalid_request         JSON is not an object / a field
    │   │   │                                                        is not a string
    │   │   ├── InvalidTextError         400 invalid_text            text missing, empty or too long
    │   │   ├── InvalidSessionIdError    400 invalid_session_id      not an id this server issued
    │   │   ├── UnsupportedLocaleError   400 unsupported_locale      not one of the bot's locales
    │   │   └── UnknownActionError       400 unknown_action          /stream: a frame's action is
    │   │                                                            not "bind"
    │   ├── UnsupportedMediaTypeError    415 unsupported_media_type  not application/json
    │   ├── PayloadTooLargeError         413 payload_too_large       body over 16 KB
    │   ├── NotFoundError                404 not_found               no such route
    │   └── MethodNotAllowedError        405 method_not_allowed      route exists, method does not
    ├── ConfigurationError               503 not_configured          env vars missing or malformed
    ├── SessionKeyUnavailableError       503 service_unavailable     session key secret unreadable
    ├── StreamUnavailableError           503 service_unavailable     /stream: the bindings table
    │                                                                cannot be reached
    ├── LexError                         Lex answered with an error or could not be reached
    │   ├── LexThrottledError            429 lex_throttled           + Retry-After header
    │   ├── LexRejectedError             400 lex_rejected_request    ValidationException
    │   ├── LexConflictError             409 lex_conflict            ConflictException
    │   ├── LexDependencyFailedError     502 lex_dependency_failed   the code hook (LLM) failed
    │   ├── LexConfigurationError        502 lex_misconfigured       ResourceNotFound, AccessDenied,
    │   │                                                            no credentials
    │   ├── LexServiceError              502 lex_error               BadGateway, InternalServer, …
    │   ├── LexUnreachableError          503 lex_unreachable         connection refused / closed
    │   └── LexTimeoutError              504 lex_timeout             connect or read timeout
    └── InternalError                    500 internal_error          last resort; a bug if ever seen

Low-level errors are translated once, where they happen (``raise LexTimeoutError() from exc`` in
``lex_client``), so the rest of the code only knows this tree.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "ChatApiError",
    "ConfigurationError",
    "InternalError",
    "InvalidJsonError",
    "InvalidRequestError",
    "InvalidSessionIdError",
    "InvalidTextError",
    "LexConfigurationError",
    "LexConflictError",
    "LexDependencyFailedError",
    "LexError",
    "LexRejectedError",
    "LexServiceError",
    "LexThrottledError",
    "LexTimeoutError",
    "LexUnreachableError",
    "MethodNotAllowedError",
    "NotFoundError",
    "PayloadTooLargeError",
    "RequestError",
    "SessionKeyUnavailableError",
    "StreamUnavailableError",
    "UnknownActionError",
    "UnsupportedLocaleError",
    "UnsupportedMediaTypeError",
]


class ChatApiError(Exception):
    """Base of the tree. ``message`` goes to the user; ``detail`` only to the log."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"
    default_message: ClassVar[str] = "Something went wrong on our side. Please try again."

    def __init__(
        self,
        message: str | None = None,
        *,
        detail: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.detail = detail
        self.headers: dict[str, str] = dict(headers or {})
        super().__init__(self.message)

    def to_body(self) -> dict[str, Any]:
        """The JSON body sent to the client."""
        return {"error": {"code": self.code, "message": self.message}}


class RequestError(ChatApiError):
    status = 400
    code = "invalid_request"
    default_message = "The request could not be understood."


class InvalidJsonError(RequestError):
    code = "invalid_json"
    default_message = "The request body must be a JSON object encoded as UTF-8."


class InvalidRequestError(RequestError):
    code = "invalid_request"
    default_message = 'The request body must be a JSON object like {"text": "hello"}.'


class InvalidTextError(InvalidRequestError):
    code = "invalid_text"
    default_message = "Please type a message of 1 to 1024 characters."


class InvalidSessionIdError(InvalidRequestError):
    code = "invalid_session_id"
    default_message = (
        "This conversation is no longer valid. Start a new conversation: send the message "
        "without sessionId."
    )


class UnsupportedLocaleError(InvalidRequestError):
    code = "unsupported_locale"
    default_message = "This language is not supported."


class UnknownActionError(InvalidRequestError):
    code = "unknown_action"
    default_message = 'The only action is "bind".'


class UnsupportedMediaTypeError(RequestError):
    status = 415
    code = "unsupported_media_type"
    default_message = "Send the request with Content-Type: application/json."


class PayloadTooLargeError(RequestError):
    status = 413
    code = "payload_too_large"
    default_message = "The request body is too large (at most 16 KB)."


class NotFoundError(RequestError):
    status = 404
    code = "not_found"
    default_message = "There is nothing at this address."


class MethodNotAllowedError(RequestError):
    status = 405
    code = "method_not_allowed"
    default_message = "This method is not allowed here."


class ConfigurationError(ChatApiError):
    status = 503
    code = "not_configured"
    default_message = "The chat service is not set up yet. Please try again later."


class SessionKeyUnavailableError(ChatApiError):
    status = 503
    code = "service_unavailable"
    default_message = "The chat service is unavailable right now. Please try again shortly."


class StreamUnavailableError(ChatApiError):
    status = 503
    code = "service_unavailable"
    default_message = "Live answers are unavailable right now; answers still arrive when complete."


class LexError(ChatApiError):
    status = 502
    code = "lex_error"
    default_message = "The assistant could not answer just now. Please try again."


class LexThrottledError(LexError):
    status = 429
    code = "lex_throttled"
    default_message = "Too many messages right now. Please wait a moment and try again."


class LexRejectedError(LexError):
    status = 400
    code = "lex_rejected_request"
    default_message = "The assistant could not accept this message. Please rephrase it."


class LexConflictError(LexError):
    status = 409
    code = "lex_conflict"
    default_message = "The previous message is still being answered. Please wait and try again."


class LexDependencyFailedError(LexError):
    status = 502
    code = "lex_dependency_failed"
    default_message = (
        "The assistant could not come up with an answer just now. Please try again in a moment."
    )


class LexConfigurationError(LexError):
    status = 502
    code = "lex_misconfigured"
    default_message = "The assistant is not reachable because of a setup problem on our side."


class LexServiceError(LexError):
    status = 502
    code = "lex_error"


class LexUnreachableError(LexError):
    status = 503
    code = "lex_unreachable"
    default_message = "The assistant is unreachable right now. Please try again shortly."


class LexTimeoutError(LexError):
    status = 504
    code = "lex_timeout"
    default_message = "The assistant took too long to answer. Please try again."


class InternalError(ChatApiError):
    status = 500
    code = "internal_error"
