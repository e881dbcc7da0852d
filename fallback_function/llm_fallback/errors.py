"""Errors of the fallback, raised in place of the ``openai`` / ``httpx2`` / secret errors.

``llm.py`` and ``secrets.py`` translate low-level errors exactly once, at the boundary, with
``raise LLMxxx(...) from exc``; nothing above them sees an ``openai`` exception::

    LLMError                    anything that leaves the user without an LLM answer
    ├── LLMNotConfigured        no API key and no OPENAI_BASE_URL (a setup problem, never retried)
    ├── LLMAuthError            401/403: the key is wrong or lacks access (never retried)
    ├── LLMBadResponse          200 but not a usable completion: bad JSON, no choices, empty text
    ├── LLMRequestError         our request could not be built (e.g. text that is not valid UTF-8)
    └── LLMTransientError       worth retrying while the time budget lasts
        ├── LLMTimeout          the budget ran out (client timeout, or too little time to try)
        ├── LLMRateLimited      429
        └── LLMUnavailable      5xx, connection refused/reset, secret unreadable, other 4xx

``LLMUnavailable(retryable=False)`` covers answers that will not change on retry (400, 404, 422,
``insufficient_quota``). Messages never contain the API key or the user's text.

Streaming to the page has its own small tree, translated from botocore in ``management_api.py``;
it never reaches the user (a turn whose stream fails still gets its whole answer from Lex)::

    StreamError                 a chunk could not be posted to the page's connection
    └── StreamGone              410 GoneException: the page is gone; post nothing more this turn
"""

from __future__ import annotations

__all__ = [
    "LLMAuthError",
    "LLMBadResponse",
    "LLMError",
    "LLMNotConfigured",
    "LLMRateLimited",
    "LLMRequestError",
    "LLMTimeout",
    "LLMTransientError",
    "LLMUnavailable",
    "StreamError",
    "StreamGone",
]


class LLMError(Exception):
    """Base class. ``status`` is the HTTP status when there was one."""

    retryable = False

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class LLMNotConfigured(LLMError):
    """Neither an API key nor an OpenAI-compatible base URL is configured."""


class LLMAuthError(LLMError):
    """The server refused the key (401) or its permissions (403)."""


class LLMBadResponse(LLMError):
    """The server answered, but not with a usable chat completion."""


class LLMRequestError(LLMError):
    """The request could not be encoded or sent as built: a bug on our side, never retried."""


class LLMTransientError(LLMError):
    """A failure that may go away when tried again."""

    retryable = True


class LLMTimeout(LLMTransientError):
    """The time budget ran out."""


class LLMRateLimited(LLMTransientError):
    """HTTP 429. ``retry_after`` is the server's hint in seconds, when it gave one."""

    def __init__(
        self, message: str, *, status: int | None = 429, retry_after: float | None = None
    ) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


class LLMUnavailable(LLMTransientError):
    """The server or the network failed; ``retryable`` is False for answers that won't change."""

    def __init__(self, message: str, *, status: int | None = None, retryable: bool = True) -> None:
        super().__init__(message, status=status)
        self.retryable = retryable


class StreamError(Exception):
    """A post to the page's WebSocket connection failed (timeout, refused, throttled, ...)."""


class StreamGone(StreamError):
    """The connection is gone (``GoneException``): the page closed it or never had it."""
