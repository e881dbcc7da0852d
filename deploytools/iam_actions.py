"""Which AWS actions a function's code calls, found by reading its source (no hand-kept list).

Every ``boto3 ... client("service")`` the code creates, every call on it whose name is an
operation of that service's botocore model, plus the Powertools helpers that call AWS for us.
Each becomes an IAM action ``<signingName>:<Operation>``. The IAM tests check the template and the
Chalice policies against this, and ``chalice_config`` generates the Chalice policies from it.
"""

from __future__ import annotations

import ast
from pathlib import Path

__all__ = ["WRAPPED_CALLS", "actions_called", "service_operations"]

# Powertools helpers that call AWS on our behalf: (function or class called) -> IAM action.
WRAPPED_CALLS = {
    "get_secret": "secretsmanager:GetSecretValue",
    "SecretsProvider": "secretsmanager:GetSecretValue",
}


def service_operations(service: str) -> dict[str, str]:
    """snake_case method name -> IAM action for one botocore service."""
    import botocore.session
    from botocore import xform_name

    model = botocore.session.get_session().get_service_model(service)
    prefix = model.signing_name or model.endpoint_prefix
    return {xform_name(op): f"{prefix}:{op}" for op in model.operation_names}


def actions_called(code_dir: Path) -> set[str]:
    """IAM actions the code under ``code_dir`` can call, found by reading its source."""
    services: set[str] = set()
    calls: set[str] = set()
    for path in code_dir.rglob("*.py"):
        if ".chalice" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                calls.add(node.func.id)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                calls.add(node.func.attr)
                if (
                    node.func.attr == "client"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    services.add(node.args[0].value)
    actions = {WRAPPED_CALLS[c] for c in calls if c in WRAPPED_CALLS}
    for service in services:
        ops = service_operations(service)
        actions |= {ops[c] for c in calls if c in ops}
    return actions
