"""Call code hooks through the Lambda Invoke API, as Lex does in AWS (``--lambda-endpoint``).

With ``python -m lex_emulator --lambda-endpoint http://127.0.0.1:3001`` the emulator does not import
the handler: it calls boto3's ``lambda`` client ``invoke`` on the function the alias's hook ARN
names (the function's logical id, which is how ``sam local start-lambda`` addresses it), with the
code-hook event as the payload. The answer goes through the same ``CodeHookRunner`` as an
in-process hook, so the function's ``Timeout`` (capped at Lex's 30 s), the validation of the answer
and the mapping of every failure to ``DependencyFailedException`` are the same:

* a function error (``FunctionError`` in the Invoke answer) -> "Received error response from
  Lambda: Unhandled (<errorType>: <errorMessage>)";
* the endpoint unreachable, or an Invoke error (e.g. no such function) -> the same, naming it;
* no answer within the hook's timeout -> "... timed out after N seconds";
* a payload that is not a valid Lex answer (not JSON, no dialogAction, ...) -> "Invalid Lambda
  Response: ...".

See https://docs.aws.amazon.com/lexv2/latest/dg/lambda-attach.html for how Lex invokes the hook.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from lex_emulator.cfn_template import FunctionSpec

__all__ = ["LambdaInvokeError", "remote_handler_loader"]

REGION = "us-east-1"
CONNECT_TIMEOUT_SECONDS = 5.0


class LambdaInvokeError(RuntimeError):
    """Invoke failed or the function raised; the message is Lex's ``errorType: errorMessage``."""


def _client(endpoint_url: str, read_timeout: float) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "lambda",
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106 - the local endpoint ignores credentials
        config=Config(
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            read_timeout=read_timeout,
            retries={"total_max_attempts": 1},  # Lex does not retry a failed hook
        ),
    )


def _decode(payload: bytes) -> Any:
    try:
        return json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return payload.decode("utf-8", "replace")  # validate_response reports "got str"


def remote_handler_loader(
    endpoint_url: str, *, read_timeout: float = 31.0
) -> Callable[[FunctionSpec], Callable[..., Any]]:
    """A ``CodeHookRunner`` loader whose "handler" invokes the function on ``endpoint_url``.

    ``read_timeout`` only bounds the HTTP read; the runner's own timeout (the function's, at most
    30 s) is what the turn waits for.
    """

    def load(spec: FunctionSpec) -> Callable[..., Any]:
        client = _client(endpoint_url, read_timeout)

        def handler(event: dict[str, Any], context: object) -> Any:
            del context  # the remote runtime makes its own
            from botocore.exceptions import BotoCoreError, ClientError

            try:
                answer = client.invoke(
                    FunctionName=spec.logical_id,
                    InvocationType="RequestResponse",
                    Payload=json.dumps(event).encode(),
                )
            except ClientError as exc:
                error = exc.response.get("Error", {})
                raise LambdaInvokeError(
                    f"{error.get('Code', 'ClientError')}: {error.get('Message', exc)}"
                ) from exc
            except BotoCoreError as exc:
                raise LambdaInvokeError(f"{type(exc).__name__}: {exc}") from exc
            body = _decode(answer["Payload"].read())
            if answer.get("FunctionError"):
                if isinstance(body, dict):
                    detail = f"{body.get('errorType', 'Error')}: {body.get('errorMessage', '')}"
                else:
                    detail = str(body)[:200]
                raise LambdaInvokeError(detail)
            return body

        return handler

    return load
