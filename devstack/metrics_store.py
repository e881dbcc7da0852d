"""The local stack's metrics: the functions' EMF lines, kept and summed up for the stats page.

Local development only. In AWS, CloudWatch reads the embedded metric format blobs the functions
print; here the supervisor copies every such line its children print into a file
(``MetricsFileWriter``), and the front server's ``MetricsStore`` reads that file as it grows and
answers the stats page with ``summary()``. Only the ``LexLlmChatbot`` namespace is kept, and only
the metric names and dimensions the functions define (see chalicelib/metrics.py and
llm_fallback/metrics.py), so the page shows exactly what the dashboard would.

EMF: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
"""

from __future__ import annotations

import json
import math
import os
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "LATENCY_BUCKETS_MS",
    "NAMESPACE",
    "Datum",
    "MetricsFileWriter",
    "MetricsStore",
    "parse_emf_line",
]

NAMESPACE = "LexLlmChatbot"
#: Upper bounds of the latency histogram's bars (the last bar is everything above).
LATENCY_BUCKETS_MS = (10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)
TIMELINE_MINUTES = 30
MAX_SAMPLES = 100_000
_MAX_LINE = 64 * 1024


@dataclass(frozen=True)
class Datum:
    name: str
    value: float
    dimensions: tuple[tuple[str, str], ...]
    timestamp_ms: int


def parse_emf_line(line: str) -> list[Datum]:
    """The ``LexLlmChatbot`` metric values in one output line; [] for any other line."""
    line = line.strip()
    if not line.startswith("{") or '"_aws"' not in line or len(line) > _MAX_LINE:
        return []
    try:
        blob = json.loads(line)
        aws = blob["_aws"]
        stamp = int(aws.get("Timestamp") or time.time() * 1000)
        out: list[Datum] = []
        for directive in aws["CloudWatchMetrics"]:
            if directive.get("Namespace") != NAMESPACE:
                continue
            sets = directive.get("Dimensions") or [[]]
            dims = tuple((str(n), str(blob[n])) for n in sets[0])
            for metric in directive.get("Metrics", []):
                raw = blob[metric["Name"]]
                for value in raw if isinstance(raw, list) else [raw]:
                    number = float(value)
                    if math.isfinite(number):
                        out.append(Datum(str(metric["Name"]), number, dims, stamp))
        return out
    except (ValueError, TypeError, KeyError, AttributeError, IndexError):
        return []


class MetricsFileWriter:
    """Appends the EMF lines among a child's output to one file (the supervisor's side)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")  # one run's metrics

    def tee(self, sink: Callable[[str, str], None]) -> Callable[[str, str], None]:
        """A child-output sink that keeps the EMF lines, then passes every line to ``sink``."""

        def both(name: str, line: str) -> None:
            self.offer(line)
            sink(name, line)

        return both

    def offer(self, line: str) -> None:
        if '"_aws"' in line and parse_emf_line(line):
            with self._lock, self.path.open("a", encoding="utf-8") as fh:
                fh.write(line.strip() + "\n")


def _num(value: float) -> float | int:
    """Counts as JSON integers (3, not 3.0); other numbers as they are."""
    return int(value) if float(value).is_integer() else value


def _percentile(sorted_values: list[float], q: float) -> float | None:
    if not sorted_values:
        return None
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[rank - 1]


def _latency(values: Iterable[float]) -> dict[str, Any]:
    ordered = sorted(values)
    counts = [0] * (len(LATENCY_BUCKETS_MS) + 1)
    for value in ordered:
        index = next((i for i, b in enumerate(LATENCY_BUCKETS_MS) if value <= b), -1)
        counts[index] += 1
    return {
        "count": len(ordered),
        "p50": _percentile(ordered, 0.50),
        "p95": _percentile(ordered, 0.95),
        "histogram": [
            {"le": bound, "count": count}
            for bound, count in zip([*LATENCY_BUCKETS_MS, None], counts, strict=True)
        ],
    }


class MetricsStore:
    """Reads the metrics file as it grows and sums it up. Thread-safe; ``clock`` is injectable."""

    def __init__(self, path: Path | None, clock: Callable[[], float] = time.time) -> None:
        self._path = path
        self._clock = clock
        self._offset = 0
        self._lock = threading.Lock()
        self._counts: defaultdict[tuple[str, tuple[tuple[str, str], ...]], float] = defaultdict(
            float
        )
        self._sums: defaultdict[str, float] = defaultdict(float)
        self._samples: dict[str, deque[float]] = {
            "LexLatency": deque(maxlen=MAX_SAMPLES),
            "LlmLatency": deque(maxlen=MAX_SAMPLES),
        }
        self._minutes: defaultdict[tuple[int, str], float] = defaultdict(float)

    def add(self, datum: Datum) -> None:
        with self._lock:
            self._add(datum)

    def _add(self, datum: Datum) -> None:
        self._counts[(datum.name, datum.dimensions)] += datum.value
        self._sums[datum.name] += datum.value
        if datum.name in self._samples:
            self._samples[datum.name].append(datum.value)
        if datum.name == "ChatTurns":
            source = dict(datum.dimensions).get("Source", "lex")
            self._minutes[(datum.timestamp_ms // 60_000, source)] += datum.value

    def refresh(self) -> None:
        """Take in what was appended to the file since the last call."""
        if self._path is None:
            return
        with self._lock:
            try:
                size = os.path.getsize(self._path)
            except OSError:
                return
            if size < self._offset:  # a new run truncated the file
                self._offset = 0
            if size == self._offset:
                return
            with self._path.open("rb") as fh:
                fh.seek(self._offset)
                chunk = fh.read(size - self._offset)
            complete = chunk.rfind(b"\n") + 1
            self._offset += complete
            for raw in chunk[:complete].splitlines():
                for datum in parse_emf_line(raw.decode("utf-8", "replace")):
                    self._add(datum)

    def _by(self, name: str, dimension: str) -> dict[str, float]:
        out: defaultdict[str, float] = defaultdict(float)
        for (metric, dims), value in self._counts.items():
            if metric == name:
                out[dict(dims).get(dimension, "")] += value
        return {k: _num(v) for k, v in sorted(out.items(), key=lambda kv: (-kv[1], kv[0]))}

    def summary(self) -> dict[str, Any]:
        """Everything the stats page shows, as JSON-ready data."""
        self.refresh()
        with self._lock:
            by_source = self._by("ChatTurns", "Source")
            total = _num(sum(by_source.values()))
            now_minute = int(self._clock() * 1000) // 60_000
            first = now_minute - TIMELINE_MINUTES + 1
            timeline = [
                {
                    "minute": minute * 60_000,
                    "lex": _num(self._minutes.get((minute, "lex"), 0)),
                    "llm": _num(self._minutes.get((minute, "llm"), 0)),
                }
                for minute in range(first, now_minute + 1)
            ]
            return {
                "turns": {
                    "total": total,
                    "lex": by_source.get("lex", 0),
                    "llm": by_source.get("llm", 0),
                },
                "fallbackRate": by_source.get("llm", 0) / total if total else None,
                "errors": self._by("ChatErrors", "Code"),
                "fallback": {
                    "answered": _num(self._sums.get("FallbackAnswered", 0)),
                    "failed": self._by("FallbackFailed", "Cause"),
                },
                "latency": {
                    "lex": _latency(self._samples["LexLatency"]),
                    "llm": _latency(self._samples["LlmLatency"]),
                },
                "tokens": {
                    "input": _num(self._sums.get("LlmInputTokens", 0)),
                    "output": _num(self._sums.get("LlmOutputTokens", 0)),
                },
                "costUsd": self._sums.get("LlmCostUsd", 0),
                "timeline": timeline,
                "updatedAt": int(self._clock() * 1000),
            }
