"""The security headers every response of the page's origin carries, locally and from CloudFront.

One source of truth: the local front server sends exactly these, and ``template.yaml``'s
``SecurityHeadersPolicy`` (an ``AWS::CloudFront::ResponseHeadersPolicy`` on every cache behaviour)
carries the same values; ``tests/unit/devstack/test_security_headers.py`` keeps the two equal.

The page loads nothing but its own files: no inline script or style, no framing, no referrer.
"""

from __future__ import annotations

__all__ = ["SECURITY_HEADERS"]

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Only matters over HTTPS (CloudFront); browsers ignore it on http://127.0.0.1.
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
}
