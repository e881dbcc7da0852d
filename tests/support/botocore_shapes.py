"""Validate a response against botocore's OWN output shape for a ``lexv2-runtime`` operation.

No hand-written schema: the shapes come from botocore's service model
(``botocore.session.get_session().get_service_model(...)``), so the emulator is held to exactly what
boto3 knows about Lex. Members the model does not define are errors, required members must be
present, strings honour enums, length limits and patterns, numbers their ranges, lists and maps
their sizes.

    assert_valid_output("RecognizeText", response)   # raises AssertionError listing every problem
    output_problems("GetSession", response)           # -> list[str]
"""

from __future__ import annotations

import datetime
import functools
import re
from typing import Any

import botocore.session
from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape

__all__ = ["assert_valid_output", "operation_model", "output_problems", "shape_problems"]

# What boto3 adds to every parsed response; it is not part of the output shape.
_BOTO3_EXTRAS = frozenset({"ResponseMetadata"})


@functools.cache
def operation_model(operation: str, service: str = "lexv2-runtime") -> OperationModel:
    model = botocore.session.get_session().get_service_model(service)
    return model.operation_model(operation)


def output_problems(operation: str, response: dict[str, Any]) -> list[str]:
    """Every way ``response`` departs from ``operation``'s output shape (empty when valid)."""
    shape = operation_model(operation).output_shape
    if shape is None:
        return [] if not response else [f"{operation} has no output, got {sorted(response)}"]
    body = {k: v for k, v in response.items() if k not in _BOTO3_EXTRAS}
    return shape_problems(shape, body, operation)


def assert_valid_output(operation: str, response: dict[str, Any]) -> None:
    problems = output_problems(operation, response)
    assert not problems, f"{operation} response does not match botocore's shape:\n  " + "\n  ".join(
        problems
    )


def _is_stream(value: Any) -> bool:
    return callable(getattr(value, "read", None))


def _check_length(shape: Shape, size: int, where: str, what: str) -> list[str]:
    meta = shape.metadata
    out = []
    if "min" in meta and size < meta["min"]:
        out.append(f"{where}: {what} {size} < min {meta['min']} ({shape.name})")
    if "max" in meta and size > meta["max"]:
        out.append(f"{where}: {what} {size} > max {meta['max']} ({shape.name})")
    return out


def shape_problems(shape: Shape, value: Any, where: str) -> list[str]:
    """Walk ``value`` against ``shape``; ``where`` names the path for the messages."""
    kind = shape.type_name
    if isinstance(shape, StructureShape):
        if not isinstance(value, dict):
            return [f"{where}: expected object ({shape.name}), got {type(value).__name__}"]
        out: list[str] = []
        members = shape.members
        for name in shape.required_members:
            if name not in value:
                out.append(f"{where}: missing required member {name!r} ({shape.name})")
        for name, member_value in value.items():
            if name not in members:
                out.append(f"{where}: unknown member {name!r} ({shape.name})")
                continue
            if member_value is None:
                out.append(f"{where}.{name}: null is not a value ({members[name].name})")
                continue
            out.extend(shape_problems(members[name], member_value, f"{where}.{name}"))
        return out
    if isinstance(shape, ListShape):
        if not isinstance(value, list):
            return [f"{where}: expected list ({shape.name}), got {type(value).__name__}"]
        out = _check_length(shape, len(value), where, "length")
        for i, item in enumerate(value):
            out.extend(shape_problems(shape.member, item, f"{where}[{i}]"))
        return out
    if isinstance(shape, MapShape):
        if not isinstance(value, dict):
            return [f"{where}: expected map ({shape.name}), got {type(value).__name__}"]
        out = _check_length(shape, len(value), where, "size")
        for key, item in value.items():
            out.extend(shape_problems(shape.key, key, f"{where} key {key!r}"))
            if item is None:  # Lex sends null for a slot with no value; boto3 keeps it
                continue
            out.extend(shape_problems(shape.value, item, f"{where}[{key!r}]"))
        return out
    if kind == "string":
        if not isinstance(value, str):
            return [f"{where}: expected string ({shape.name}), got {type(value).__name__}"]
        out = _check_length(shape, len(value), where, "length")
        enum = getattr(shape, "enum", None)
        if enum and value not in enum:
            out.append(f"{where}: {value!r} is not one of {enum} ({shape.name})")
        pattern = shape.metadata.get("pattern")
        # Lex applies its patterns to the whole value (e.g. SessionId "[0-9a-zA-Z._:-]+").
        if pattern and re.fullmatch(pattern.removeprefix("^").removesuffix("$"), value) is None:
            out.append(f"{where}: {value!r} does not match {pattern} ({shape.name})")
        return out
    if kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            return [f"{where}: expected integer ({shape.name}), got {type(value).__name__}"]
        return _check_length(shape, value, where, "value")
    if kind in ("double", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return [f"{where}: expected number ({shape.name}), got {type(value).__name__}"]
        return []
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{where}: expected boolean ({shape.name})"]
    if kind == "blob":
        if isinstance(value, (bytes, bytearray)) or _is_stream(value):
            return []
        return [f"{where}: expected bytes or a stream ({shape.name})"]
    if kind == "timestamp":
        if isinstance(value, datetime.datetime):
            return []
        return [f"{where}: expected a timestamp ({shape.name})"]
    return [f"{where}: shape type {kind!r} is not handled by this validator"]
