"""Errors the emulator raises, named and numbered like the Lex V2 runtime's own.

The HTTP layer turns each into AWS's JSON error format (``x-amzn-ErrorType: <code>``), so boto3
raises the matching modelled exception. Names and statuses come from botocore's
``lexv2-runtime`` model::

    LexError                          base: .code (AWS error type), .status (HTTP), .message
    ├── ValidationException           400  bad text, session id, session state ...
    ├── AccessDeniedException         403
    ├── ResourceNotFoundException     404  unknown bot, alias, locale or session
    ├── ConflictException             409
    ├── DependencyFailedException     424  the code hook raised, timed out or answered badly
    ├── ThrottlingException           429
    ├── InternalServerException       500
    └── BadGatewayException           502
"""

from __future__ import annotations

__all__ = [
    "AccessDeniedException",
    "BadGatewayException",
    "ConflictException",
    "DependencyFailedException",
    "InternalServerException",
    "LexError",
    "ResourceNotFoundException",
    "ThrottlingException",
    "ValidationException",
]


class LexError(Exception):
    """An error Lex V2 would return; ``code`` is the AWS error type name."""

    code = "InternalServerException"
    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, str]:
        """The JSON body AWS sends with the error."""
        return {"message": self.message}


class ValidationException(LexError):
    code = "ValidationException"
    status = 400


class AccessDeniedException(LexError):
    code = "AccessDeniedException"
    status = 403


class ResourceNotFoundException(LexError):
    code = "ResourceNotFoundException"
    status = 404


class ConflictException(LexError):
    code = "ConflictException"
    status = 409


class DependencyFailedException(LexError):
    code = "DependencyFailedException"
    status = 424


class ThrottlingException(LexError):
    code = "ThrottlingException"
    status = 429


class InternalServerException(LexError):
    code = "InternalServerException"
    status = 500


class BadGatewayException(LexError):
    code = "BadGatewayException"
    status = 502
