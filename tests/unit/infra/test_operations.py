"""The template's operations part: the dashboard and alarms use exactly the metrics the code
writes, every log group has the retention parameter, conversation logs stay behind their
parameter with a role that may write only there."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from chalicelib.metrics import record_error, record_turn
from lex_emulator.cfn_template import load_template
from llm_fallback.metrics import CAUSES, FallbackMetrics
from llm_fallback.pricing import PriceTable
from tests.support import emf

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template(ROOT / "template.yaml")


def _of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def emitted(capsys: pytest.CaptureFixture[str]) -> dict[str, set[tuple[str, ...]]]:
    """Metric name -> dimension-name sets, from running every outcome of both functions."""
    record_turn("lex", 1.0)
    record_turn("llm", 1.0)
    record_error("lex_throttled")
    metrics = FallbackMetrics(PriceTable.from_env({}), logger=None)
    metrics.answered(latency_ms=1, model="gpt-4o-mini", input_tokens=1, output_tokens=1)
    for cause in CAUSES:
        metrics.failed(cause, latency_ms=1)
    out: dict[str, set[tuple[str, ...]]] = {}
    for datum in emf.data(capsys.readouterr().out):
        out.setdefault(datum.name, set()).add(tuple(sorted(datum.dimensions)))
    return out


def _dashboard(template: dict[str, Any]) -> dict[str, Any]:
    (dashboard,) = _of_type(template, "AWS::CloudWatch::Dashboard").values()
    body, variables = dashboard["Properties"]["DashboardBody"]["Fn::Sub"]
    assert set(variables) == {"AliasId"}
    return json.loads(re.sub(r"\$\{[A-Za-z0-9:]+\}", "1", body))


def test_the_code_writes_exactly_the_contract_metrics(capsys: pytest.CaptureFixture[str]) -> None:
    assert emitted(capsys) == {
        "ChatTurns": {("Source",)},
        "ChatErrors": {("Code",)},
        "LexLatency": {()},
        "FallbackAnswered": {()},
        "FallbackFailed": {("Cause",)},
        "LlmLatency": {()},
        "LlmInputTokens": {()},
        "LlmOutputTokens": {()},
        "LlmCostUsd": {()},
    }


def test_dashboard_and_alarms_use_only_metrics_the_code_writes(
    template: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    written = emitted(capsys)
    used: list[tuple[str, tuple[str, ...]]] = []
    for widget in _dashboard(template)["widgets"]:
        for row in widget["properties"].get("metrics", []):
            if isinstance(row[0], str) and row[0] == "LexLlmChatbot":
                names = [x for x in row[1:] if isinstance(x, str)]
                used.append((names[0], tuple(sorted(names[1::2]))))
                if names[0] == "FallbackFailed":
                    assert names[2] in CAUSES
    for alarm in _of_type(template, "AWS::CloudWatch::Alarm").values():
        props = alarm["Properties"]
        stats = [m["MetricStat"]["Metric"] for m in props.get("Metrics", []) if "MetricStat" in m]
        if "MetricName" in props:
            stats.append(props)
        for metric in stats:
            if metric["Namespace"] == "LexLlmChatbot":
                dims = tuple(sorted(d["Name"] for d in metric.get("Dimensions", [])))
                used.append((metric["MetricName"], dims))
    assert used
    for name, dims in used:
        assert dims in written.get(name, set()), (name, dims)
    # The dashboard covers what the issue asks for.
    titles = " | ".join(w["properties"]["title"] for w in _dashboard(template)["widgets"])
    for words in (
        "Fallback rate",
        "LLM latency",
        "by cause",
        "tokens and cost",
        "Lex errors",
        "API Gateway",
        "Lambda duration",
        "cold starts",
    ):
        assert words in titles


def test_alarms_notify_the_topic_and_the_email_is_optional(template: dict[str, Any]) -> None:
    alarms = _of_type(template, "AWS::CloudWatch::Alarm")
    assert set(alarms) == {
        "FallbackFailureRateAlarm",
        "LlmLatencyP95Alarm",
        "ApiServerErrorsAlarm",
        "LexThrottlingAlarm",
    }
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    (subscription,) = _of_type(template, "AWS::SNS::Subscription").values()
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}
    assert template["Parameters"]["AlarmEmail"]["Default"] == ""


def test_every_log_group_keeps_log_retention_days(template: dict[str, Any]) -> None:
    groups = _of_type(template, "AWS::Logs::LogGroup")
    assert {
        "FallbackFunctionLogGroup",
        "ChatApiFunctionLogGroup",
        "StreamFunctionLogGroup",
        "ConversationLogGroup",
    } <= set(groups)
    for group in groups.values():
        assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_conversation_logs_are_behind_the_parameter_and_the_role_writes_only_there(
    template: dict[str, Any],
) -> None:
    assert template["Parameters"]["ConversationLogs"]["AllowedValues"] == ["Enabled", "Disabled"]
    alias = template["Resources"]["ChatBotAlias"]["Properties"]
    condition, enabled, disabled = alias["ConversationLogSettings"]["Fn::If"]
    assert condition == "ConversationLogsEnabled" and disabled == {"Ref": "AWS::NoValue"}
    (setting,) = enabled["TextLogSettings"]
    arn = setting["Destination"]["CloudWatch"]["CloudWatchLogGroupArn"]["Fn::Sub"]
    assert arn.endswith(":log-group:${ConversationLogGroup}")
    policy = template["Resources"]["LexBotConversationLogsPolicy"]
    assert policy["Condition"] == "ConversationLogsEnabled"
    assert policy["Properties"]["RoleName"] == {"Ref": "LexBotRole"}
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert sorted(statement["Action"]) == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert statement["Resource"]["Fn::Sub"] == arn + ":*"


def test_tracing_is_one_parameter(template: dict[str, Any]) -> None:
    # what each value does after SAM's translation: tests/unit/infra/test_tracing_template.py
    function_globals = template["Globals"]["Function"]
    assert function_globals["Tracing"] == {"Ref": "Tracing"}
    assert template["Conditions"]["TracingEnabled"] == {
        "Fn::Equals": [{"Ref": "Tracing"}, "Active"]
    }
    assert function_globals["Environment"]["Variables"]["POWERTOOLS_TRACE_DISABLED"] == {
        "Fn::If": ["TracingEnabled", "false", "true"]
    }
    assert template["Globals"]["Api"]["TracingEnabled"] == {
        "Fn::If": ["TracingEnabled", True, False]
    }
