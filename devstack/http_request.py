"""Strict HTTP/1.1 request framing for the local front server (RFC 9110 / 9112). Pure functions.

Python's ``http.server`` is lenient in ways that let one request smuggle another on a keep-alive
connection: ``int()`` accepts ``+44`` and ``4_4`` as a Content-Length, a duplicate Content-Length
silently takes the first, and a malformed header line ends the header block, so the rest of the
headers become "body". Here every such request is refused with a 400 before anything reads a body:

* the request line is exactly ``METHOD SP origin-form SP HTTP/1.x``;
* every header line is ``token ":" OWS value OWS``; no obs-fold, no NUL/CR/LF in a value;
* ``Content-Length`` is one field of plain ASCII digits; with ``Transfer-Encoding`` it is refused
  (the classic CL.TE smuggling), and ``Transfer-Encoding`` alone gets 411 (bodies need a length);
* HTTP/1.1 needs exactly one ``Host``.

Limits: request line 8 KiB (414), 100 header lines of at most 8 KiB each, 64 KiB in all (431).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "MAX_HEADER_BYTES",
    "MAX_HEADER_LINES",
    "MAX_LINE_BYTES",
    "FramingError",
    "RequestLine",
    "body_length",
    "parse_header_line",
    "parse_request_line",
]

MAX_LINE_BYTES = 8 * 1024
MAX_HEADER_LINES = 100
MAX_HEADER_BYTES = 64 * 1024
# Nineteen digits already exceed any body we accept; longer numbers are refused unparsed.
_MAX_LENGTH_DIGITS = 19

_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_VERSION = re.compile(rb"HTTP/([0-9])\.([0-9])")
# Visible ASCII, or obs-text (bytes >= 0x80, as browsers send raw UTF-8), plus space and tab.
_FIELD_VALUE = re.compile(rb"[\t \x21-\x7e\x80-\xff]*")
_TARGET = re.compile(rb"/[\x21-\x7e]*")
_DIGITS = re.compile(r"[0-9]+")


class FramingError(ValueError):
    """A request that cannot be framed safely; answer ``status`` and close the connection."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class RequestLine:
    method: str
    target: str
    version: tuple[int, int]

    @property
    def version_text(self) -> str:
        return f"HTTP/{self.version[0]}.{self.version[1]}"


def _strip_eol(line: bytes) -> bytes:
    if line.endswith(b"\r\n"):
        return line[:-2]
    if line.endswith(b"\n"):  # RFC 9112 2.2: a recipient MAY accept a bare LF
        return line[:-1]
    return line


def parse_request_line(raw: bytes) -> RequestLine:
    """``GET /path HTTP/1.1`` (with its line ending) → RequestLine, or FramingError."""
    if len(raw) > MAX_LINE_BYTES or not raw.endswith(b"\n"):
        raise FramingError(414, "uri_too_long", "The request line is too long.")
    line = _strip_eol(raw)
    parts = line.split(b" ")
    if len(parts) != 3:
        raise FramingError(400, "invalid_request", "Malformed request line.")
    method, target, version = parts
    if not _TOKEN.fullmatch(method):
        raise FramingError(400, "invalid_request", "Malformed request method.")
    if not _TARGET.fullmatch(target):
        raise FramingError(400, "invalid_request", "The request target must be a path.")
    match = _VERSION.fullmatch(version)
    if match is None:
        raise FramingError(400, "invalid_request", "Malformed HTTP version.")
    major, minor = int(match.group(1)), int(match.group(2))
    if major != 1:
        raise FramingError(505, "http_version_not_supported", "Only HTTP/1.0 and 1.1 are served.")
    return RequestLine(method.decode("ascii"), target.decode("ascii"), (major, minor))


def parse_header_line(raw: bytes) -> tuple[str, str]:
    """One header line (with its line ending) → (name, value), or FramingError (400)."""
    line = _strip_eol(raw)
    if b"\r" in line or b"\n" in line or b"\x00" in line:
        raise FramingError(400, "invalid_request", "A header line holds a control character.")
    if line[:1] in (b" ", b"\t"):
        raise FramingError(400, "invalid_request", "Folded header lines are not accepted.")
    name, colon, value = line.partition(b":")
    if not colon or not _TOKEN.fullmatch(name):
        raise FramingError(400, "invalid_request", "Malformed header line.")
    value = value.strip(b" \t")
    if not _FIELD_VALUE.fullmatch(value):
        raise FramingError(400, "invalid_request", "A header value holds a control character.")
    return name.decode("ascii"), value.decode("latin-1")


def _values(headers: list[tuple[str, str]], name: str) -> list[str]:
    lowered = name.lower()
    return [v for k, v in headers if k.lower() == lowered]


def body_length(headers: list[tuple[str, str]], version: tuple[int, int]) -> int:
    """The body's length in bytes (0 without a body), or FramingError for any ambiguity."""
    hosts = _values(headers, "Host")
    if version >= (1, 1) and len(hosts) != 1:
        raise FramingError(400, "invalid_request", "An HTTP/1.1 request needs exactly one Host.")
    if len(hosts) > 1:
        raise FramingError(400, "invalid_request", "More than one Host header.")
    lengths = _values(headers, "Content-Length")
    encodings = _values(headers, "Transfer-Encoding")
    if encodings and lengths:
        raise FramingError(400, "invalid_request", "Content-Length and Transfer-Encoding together.")
    if encodings:
        raise FramingError(411, "length_required", "Send the body with a Content-Length.")
    if not lengths:
        return 0
    if len(lengths) > 1:
        raise FramingError(400, "invalid_request", "More than one Content-Length header.")
    value = lengths[0]
    if not _DIGITS.fullmatch(value) or len(value) > _MAX_LENGTH_DIGITS:
        raise FramingError(400, "invalid_request", "Content-Length must be plain digits.")
    return int(value)
