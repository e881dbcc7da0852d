"""Which AWS actions a function's code calls, found by reading its source (no hand-kept list).

Every ``boto3 ... client("service")`` the code creates, every call on it whose name is an
operation of that service's botocore model, plus the Powertools helpers that call AWS for us.
Each becomes an IAM action ``<signingName>:<Operation>``. The IAM tests check the template and the
Chalice policies against this, and ``chalice_config`` generates the Chalice policies from it.

Two functions can share one code folder (``chalice_app/``: ``ChatApiFunction`` runs the routes,
``StreamFunction`` the WebSocket handlers). ``entries`` then narrows the scan to the modules one
function's code reaches: the entry modules and every module of the folder they import, transitively
(``from chalicelib import x``, ``from chalicelib.x import y``, ``import chalicelib.x``).
"""

from __future__ import annotations

import ast
from pathlib import Path

__all__ = [
    "IAM_ACTION_OF",
    "WRAPPED_CALLS",
    "actions_called",
    "module_closure",
    "service_operations",
]

# Powertools helpers that call AWS on our behalf: (function or class called) -> IAM action.
WRAPPED_CALLS = {
    "get_secret": "secretsmanager:GetSecretValue",
    "SecretsProvider": "secretsmanager:GetSecretValue",
}


# Operations whose IAM action is not ``<signingName>:<Operation>``: the API Gateway Management API's
# three operations are all authorised as ``execute-api:ManageConnections`` (API Gateway developer
# guide, "Use @connections commands in your backend service").
IAM_ACTION_OF = {
    "execute-api:PostToConnection": "execute-api:ManageConnections",
    "execute-api:GetConnection": "execute-api:ManageConnections",
    "execute-api:DeleteConnection": "execute-api:ManageConnections",
}


def service_operations(service: str) -> dict[str, str]:
    """snake_case method name -> IAM action for one botocore service."""
    import botocore.session
    from botocore import xform_name

    model = botocore.session.get_session().get_service_model(service)
    prefix = model.signing_name or model.endpoint_prefix
    actions = {xform_name(op): f"{prefix}:{op}" for op in model.operation_names}
    return {name: IAM_ACTION_OF.get(action, action) for name, action in actions.items()}


def _module_file(code_dir: Path, dotted: str) -> Path | None:
    base = code_dir.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported_files(code_dir: Path, tree: ast.AST) -> set[Path]:
    found: set[Path] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            file = _module_file(code_dir, name)
            if file is not None:
                found.add(file)
    return found


def module_closure(code_dir: Path, entries: list[str]) -> set[Path]:
    """The files of ``code_dir`` that the entry modules (dotted names) reach through imports."""
    todo = [f for f in (_module_file(code_dir, e) for e in entries) if f is not None]
    if len(todo) != len(entries):
        raise ValueError(f"not every entry module of {entries} is in {code_dir}")
    seen: set[Path] = set()
    while todo:
        file = todo.pop()
        if file in seen:
            continue
        seen.add(file)
        todo.extend(_imported_files(code_dir, ast.parse(file.read_text(encoding="utf-8"))))
    return seen


def actions_called(code_dir: Path, entries: list[str] | None = None) -> set[str]:
    """IAM actions the code under ``code_dir`` can call, found by reading its source (only the
    modules ``entries`` reach, when given)."""
    services: set[str] = set()
    calls: set[str] = set()
    files = (
        sorted(module_closure(code_dir, entries))
        if entries is not None
        else [p for p in code_dir.rglob("*.py") if ".chalice" not in p.parts]
    )
    for path in files:
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
