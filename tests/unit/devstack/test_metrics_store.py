"""The local metrics store: EMF lines in, the stats page's numbers out (no I/O but tmp files)."""

from __future__ import annotations

import json
from pathlib import Path

from devstack.metrics_store import MetricsFileWriter, MetricsStore, parse_emf_line


def blob(metrics: dict[str, float], dims: dict[str, str] | None = None, ns: str = "LexLlmChatbot"):
    dims = dims or {}
    return json.dumps(
        {
            "_aws": {
                "Timestamp": 1_700_000_000_000,
                "CloudWatchMetrics": [
                    {
                        "Namespace": ns,
                        "Dimensions": [list(dims)],
                        "Metrics": [{"Name": n, "Unit": "Count"} for n in metrics],
                    }
                ],
            },
            **dims,
            **{n: [v] for n, v in metrics.items()},
        }
    )


def test_only_our_namespace_and_only_emf_lines_count() -> None:
    assert parse_emf_line('{"level": "INFO", "message": "hi"}') == []
    assert parse_emf_line("not json {") == []
    assert parse_emf_line(blob({"ChatTurns": 1}, ns="Other")) == []
    (datum,) = parse_emf_line(blob({"ChatTurns": 1}, {"Source": "llm"}))
    assert (datum.name, datum.value, datum.dimensions) == ("ChatTurns", 1.0, (("Source", "llm"),))


def test_the_store_reads_the_file_as_it_grows_and_sums_up(tmp_path: Path) -> None:
    path = tmp_path / "metrics.jsonl"
    writer = MetricsFileWriter(path)
    store = MetricsStore(path, clock=lambda: 1_700_000_030.0)
    seen: list[str] = []
    sink = writer.tee(lambda name, line: seen.append(line))
    sink("api", '{"level": "INFO"}')
    for source in ("lex", "llm", "llm", "llm"):
        sink("api", blob({"ChatTurns": 1}, {"Source": source}))
    for value in (5, 20, 30, 40, 20000):
        sink("lex", blob({"LlmLatency": value}))
    sink("lex", blob({"FallbackFailed": 1}, {"Cause": "timeout"}))
    assert len(seen) == 11  # every line still reaches the console
    data = store.summary()
    assert data["turns"] == {"total": 4, "lex": 1, "llm": 3}
    assert data["fallbackRate"] == 0.75
    assert data["fallback"]["failed"] == {"timeout": 1}
    llm = data["latency"]["llm"]
    assert (llm["count"], llm["p50"], llm["p95"]) == (5, 30, 20000)
    assert [b["count"] for b in llm["histogram"]] == [1, 1, 2, 0, 0, 0, 0, 0, 0, 0, 1]
    assert data["timeline"][-1] == {
        "minute": 1_700_000_000_000 // 60_000 * 60_000,
        "lex": 1,
        "llm": 3,
    }
    # A half-written last line waits for its newline; a new run (truncated file) starts over.
    with path.open("a") as fh:
        fh.write(blob({"ChatTurns": 1}, {"Source": "lex"})[:20])
    assert store.summary()["turns"]["total"] == 4
    MetricsFileWriter(path)
    store.refresh()
    sink2 = MetricsFileWriter(path).tee(lambda name, line: None)
    sink2("api", blob({"ChatTurns": 1}, {"Source": "lex"}))
    assert store.summary()["turns"]["total"] == 5  # totals are per store; new lines still count


def test_an_empty_store_has_no_rate_and_empty_histograms() -> None:
    data = MetricsStore(None, clock=lambda: 0.0).summary()
    assert data["turns"]["total"] == 0 and data["fallbackRate"] is None
    assert data["latency"]["lex"]["p95"] is None
