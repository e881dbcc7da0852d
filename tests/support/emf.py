"""Read CloudWatch embedded-metric-format blobs out of captured output, checking their shape.

EMF specification: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

NAMESPACE = "LexLlmChatbot"


@dataclass(frozen=True)
class Datum:
    name: str
    unit: str
    value: float
    dimensions: dict[str, str]


def blobs(output: str) -> list[dict[str, Any]]:
    """Every JSON line of ``output`` that is an EMF blob (has ``_aws``), checked against the spec."""
    found = []
    for line in output.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if isinstance(data, dict) and "_aws" in data:
            check_blob(data)
            found.append(data)
    return found


def check_blob(blob: dict[str, Any]) -> None:
    aws = blob["_aws"]
    assert isinstance(aws["Timestamp"], int) and aws["Timestamp"] > 1_600_000_000_000
    for directive in aws["CloudWatchMetrics"]:
        assert isinstance(directive["Namespace"], str)
        for dimension_set in directive["Dimensions"]:
            assert len(dimension_set) <= 30
            for name in dimension_set:
                assert isinstance(blob[name], str), f"dimension {name} has no string value"
        for metric in directive["Metrics"]:
            value = blob[metric["Name"]]
            values = value if isinstance(value, list) else [value]
            assert values and all(isinstance(v, int | float) for v in values)


def data(output: str, namespace: str = NAMESPACE) -> list[Datum]:
    """One ``Datum`` per metric value in ``namespace``, with the dimensions of its set."""
    out = []
    for blob in blobs(output):
        for directive in blob["_aws"]["CloudWatchMetrics"]:
            if directive["Namespace"] != namespace:
                continue
            (dimension_set,) = directive["Dimensions"]  # we always emit exactly one set
            dims = {name: blob[name] for name in dimension_set}
            for metric in directive["Metrics"]:
                value = blob[metric["Name"]]
                for v in value if isinstance(value, list) else [value]:
                    out.append(Datum(metric["Name"], metric["Unit"], float(v), dims))
    return out
