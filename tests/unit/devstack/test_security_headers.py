"""CloudFront sends exactly the security headers the local front server sends (devstack/security_headers.py).

``devstack/security_headers.py`` is the single source of truth; ``template.yaml``'s
``SecurityHeadersPolicy`` (``AWS::CloudFront::ResponseHeadersPolicy``) must carry the same values,
with ``Override: true`` so an origin cannot weaken them, on every cache behaviour of the
distribution. Field names: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-cloudfront-responseheaderspolicy-securityheadersconfig.html
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from devstack.security_headers import SECURITY_HEADERS
from lex_emulator.cfn_template import load_template

ROOT = Path(__file__).resolve().parents[3]
POLICY = "SecurityHeadersPolicy"


def policy_config(template: dict[str, Any]) -> dict[str, Any]:
    resource = template["Resources"].get(POLICY)
    assert resource is not None, (
        f"template.yaml has no {POLICY} resource: CloudFront would serve the page without the "
        "headers of devstack/security_headers.py"
    )
    assert resource.get("Type") == "AWS::CloudFront::ResponseHeadersPolicy", resource.get("Type")
    config: dict[str, Any] = resource["Properties"]["ResponseHeadersPolicyConfig"]
    return config


def headers_from_policy(config: dict[str, Any]) -> dict[str, str]:
    """The response headers CloudFront adds for a ResponseHeadersPolicyConfig."""
    headers: dict[str, str] = {}
    security = config.get("SecurityHeadersConfig") or {}
    if "ContentSecurityPolicy" in security:
        headers["Content-Security-Policy"] = security["ContentSecurityPolicy"][
            "ContentSecurityPolicy"
        ]
    if "ReferrerPolicy" in security:
        headers["Referrer-Policy"] = security["ReferrerPolicy"]["ReferrerPolicy"]
    if "ContentTypeOptions" in security:
        headers["X-Content-Type-Options"] = "nosniff"
    if "FrameOptions" in security:
        headers["X-Frame-Options"] = security["FrameOptions"]["FrameOption"]
    if "StrictTransportSecurity" in security:
        sts = security["StrictTransportSecurity"]
        value = f"max-age={int(sts['AccessControlMaxAgeSec'])}"
        if sts.get("IncludeSubdomains"):
            value += "; includeSubDomains"
        if sts.get("Preload"):
            value += "; preload"
        headers["Strict-Transport-Security"] = value
    if "XSSProtection" in security:
        xss = security["XSSProtection"]
        headers["X-XSS-Protection"] = (
            "1; mode=block" if xss.get("ModeBlock") else str(int(bool(xss.get("Protection"))))
        )
    for item in (config.get("CustomHeadersConfig") or {}).get("Items", []):
        headers[item["Header"]] = item["Value"]
    return headers


def overrides(config: dict[str, Any]) -> dict[str, bool]:
    """Header → its Override flag (True: CloudFront replaces whatever the origin sent)."""
    flags = {
        name: bool(entry.get("Override"))
        for name, entry in (config.get("SecurityHeadersConfig") or {}).items()
    }
    for item in (config.get("CustomHeadersConfig") or {}).get("Items", []):
        flags[item["Header"]] = bool(item.get("Override"))
    return flags


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template(ROOT / "template.yaml")


def test_cloudfront_sends_exactly_the_local_security_headers(template: dict[str, Any]) -> None:
    assert headers_from_policy(policy_config(template)) == SECURITY_HEADERS


def test_cloudfront_overrides_whatever_the_origin_sends(template: dict[str, Any]) -> None:
    flags = overrides(policy_config(template))
    assert flags, "the policy sets no headers"
    assert all(flags.values()), flags


def test_every_cache_behaviour_uses_the_policy(template: dict[str, Any]) -> None:
    policy_config(template)
    distributions = {
        name: r
        for name, r in template["Resources"].items()
        if r.get("Type") == "AWS::CloudFront::Distribution"
    }
    assert distributions, "template.yaml has no CloudFront distribution"
    for name, resource in distributions.items():
        config = resource["Properties"]["DistributionConfig"]
        behaviours = [config["DefaultCacheBehavior"], *config.get("CacheBehaviors", [])]
        for behaviour in behaviours:
            where = f"{name} {behaviour.get('PathPattern', 'default')}"
            assert behaviour.get("ResponseHeadersPolicyId") == {"Ref": POLICY}, where
