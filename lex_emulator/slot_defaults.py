"""Default slot values (``DefaultValueSpecification``), resolved as Lex V2 resolves them.

https://docs.aws.amazon.com/lexv2/latest/dg/context-mgmt-default.html: "Previous dialog (contexts)
– #context-name.parameter-name", "Session attributes – [attribute-name]", "Request attributes –
<attribute-name>", "Fixed value – Any value that doesn't match the previous". "Default values are
used in the order that they are listed", and "If a default value is used for the slot, the slot is
not elicited even if it is required." *A default is taken as given (not resolved through the slot
type); the guide does not say otherwise.*
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["first_default", "resolve_default"]


def resolve_default(
    spec: str,
    session_attributes: Mapping[str, str],
    request_attributes: Mapping[str, str],
    active_contexts: Sequence[Mapping[str, Any]],
) -> str | None:
    """The value one default names, or None when its source is not available now."""
    if spec.startswith("#") and "." in spec:
        name, _, parameter = spec[1:].partition(".")
        for context in active_contexts:
            if context.get("name") == name:
                value = (context.get("contextAttributes") or {}).get(parameter)
                return str(value) if value not in (None, "") else None
        return None
    if spec.startswith("[") and spec.endswith("]") and len(spec) > 2:
        value = session_attributes.get(spec[1:-1])
        return value if value else None
    if spec.startswith("<") and spec.endswith(">") and len(spec) > 2:
        value = request_attributes.get(spec[1:-1])
        return value if value else None
    return spec


def first_default(
    defaults: Sequence[str],
    session_attributes: Mapping[str, str],
    request_attributes: Mapping[str, str],
    active_contexts: Sequence[Mapping[str, Any]],
) -> str | None:
    """The first default, in list order, whose source has a value."""
    for spec in defaults:
        value = resolve_default(spec, session_attributes, request_attributes, active_contexts)
        if value is not None:
            return value
    return None
