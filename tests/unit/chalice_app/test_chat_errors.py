"""The error tree: statuses, codes, bodies, and the botocore translation table."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ParamValidationError,
    ReadTimeoutError,
    SSLError,
)

from chalicelib import errors
from chalicelib.errors import ChatApiError
from chalicelib.lex_client import BotoLexRuntime, translate_error

ALL_ERRORS = [
    cls for _, cls in inspect.getmembers(errors, inspect.isclass) if issubclass(cls, ChatApiError)
]


@pytest.mark.parametrize("cls", ALL_ERRORS, ids=lambda c: c.__name__)
def test_every_error_has_a_status_a_snake_case_code_and_a_friendly_message(cls):
    err = cls(detail="secret detail")
    assert 400 <= err.status <= 599
    assert err.code.replace("_", "").isalpha() and err.code.islower()
    assert err.message and err.message[0].isupper()
    assert err.to_body() == {"error": {"code": err.code, "message": err.message}}
    assert "secret detail" not in str(err.to_body())


def test_every_error_in_the_tree_is_drawn_in_the_module_docstring():
    for cls in ALL_ERRORS:
        assert cls.__name__ in (errors.__doc__ or "")


def test_custom_message_and_headers_are_kept():
    err = errors.LexThrottledError("slow down", headers={"Retry-After": "3"})
    assert err.message == "slow down"
    assert err.headers == {"Retry-After": "3"}


def client_error(code: str, status: int, headers: dict[str, str] | None = None) -> ClientError:
    response: Any = {
        "Error": {"Code": code, "Message": f"{code} happened"},
        "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": headers or {}},
    }
    return ClientError(response, "RecognizeText")


@pytest.mark.parametrize(
    ("code", "lex_status", "cls", "status"),
    [
        ("ThrottlingException", 429, errors.LexThrottledError, 429),
        ("DependencyFailedException", 424, errors.LexDependencyFailedError, 502),
        ("ResourceNotFoundException", 404, errors.LexConfigurationError, 502),
        ("AccessDeniedException", 403, errors.LexConfigurationError, 502),
        ("ValidationException", 400, errors.LexRejectedError, 400),
        ("ConflictException", 409, errors.LexConflictError, 409),
        ("BadGatewayException", 502, errors.LexServiceError, 502),
        ("InternalServerException", 500, errors.LexServiceError, 502),
        ("InternalFailure", 500, errors.LexServiceError, 502),
        ("SomethingNewException", 418, errors.LexServiceError, 502),
    ],
)
def test_client_errors_map_to_the_tree(code, lex_status, cls, status):
    err = translate_error(client_error(code, lex_status))
    assert type(err) is cls
    assert err.status == status
    assert code in (err.detail or "")
    assert code not in err.message  # AWS details stay in the log


def test_throttling_carries_retry_after_from_lex_or_a_default():
    assert translate_error(client_error("ThrottlingException", 429)).headers == {"Retry-After": "1"}
    from_lex = translate_error(client_error("ThrottlingException", 429, {"retry-after": "7"}))
    assert from_lex.headers == {"Retry-After": "7"}
    odd = translate_error(client_error("ThrottlingException", 429, {"retry-after": "soon"}))
    assert odd.headers == {"Retry-After": "1"}


@pytest.mark.parametrize(
    ("exc", "cls", "status"),
    [
        (EndpointConnectionError(endpoint_url="http://x"), errors.LexUnreachableError, 503),
        (ConnectionClosedError(endpoint_url="http://x"), errors.LexUnreachableError, 503),
        (
            SSLError(endpoint_url="https://x", error=OSError("bad cert")),
            errors.LexUnreachableError,
            503,
        ),
        (ReadTimeoutError(endpoint_url="http://x"), errors.LexTimeoutError, 504),
        (ConnectTimeoutError(endpoint_url="http://x"), errors.LexTimeoutError, 504),
        (NoCredentialsError(), errors.LexConfigurationError, 502),
        (ParamValidationError(report="botId too short"), errors.LexConfigurationError, 502),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Exception) else None,
)
def test_botocore_errors_map_to_the_tree(exc, cls, status):
    err = translate_error(exc)
    assert type(err) is cls and err.status == status


CALL = {"bot_id": "B", "bot_alias_id": "A", "locale_id": "k", "session_id": "s", "text": "t"}


class RaisingBotoClient:
    """Stands in for a boto3 client: raises what it is given, records the call."""

    def __init__(self, exc: Exception | None = None, answer: dict[str, Any] | None = None):
        self.exc, self.answer = exc, answer
        self.calls: list[dict[str, Any]] = []

    def recognize_text(self, **kwargs):
        self.calls.append(kwargs)
        if self.exc:
            raise self.exc
        return self.answer


def test_boto_runtime_passes_the_boto3_parameter_names():
    fake = RaisingBotoClient(answer={"messages": []})
    runtime = BotoLexRuntime(fake)
    assert runtime.recognize_text(
        bot_id="B", bot_alias_id="A", locale_id="ko_KR", session_id="s1", text="t"
    ) == {"messages": []}
    assert fake.calls == [
        {"botId": "B", "botAliasId": "A", "localeId": "ko_KR", "sessionId": "s1", "text": "t"}
    ]


def test_boto_runtime_raises_the_translated_error_chained_to_the_cause():
    cause = client_error("DependencyFailedException", 424)
    runtime = BotoLexRuntime(RaisingBotoClient(exc=cause))
    with pytest.raises(errors.LexDependencyFailedError) as info:
        runtime.recognize_text(**CALL)
    assert info.value.__cause__ is cause


def test_boto_runtime_reports_a_response_botocore_could_not_parse_as_lex_error():
    cause = AttributeError("'str' object has no attribute 'get'")
    runtime = BotoLexRuntime(RaisingBotoClient(exc=cause))
    with pytest.raises(errors.LexServiceError) as info:
        runtime.recognize_text(**CALL)
    assert info.value.__cause__ is cause and "AttributeError" in (info.value.detail or "")
