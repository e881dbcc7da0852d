"""A whole RecognizeText turn in process, for a 150-intent bot, with and without conversation flow.

The bot is CLINC150's training split (150 intents). ``plain`` is the bot as the NLU benchmark builds
it; ``flow`` gives every intent an initial-response conditional on a session attribute, a slot with
a default value and a capture conditional, a closing response with a next step, and an output
context, so every turn runs the flow engine (conditions, next steps, defaults, contexts). Each turn
is ``LexEmulator.recognize_text`` on a fresh session with a test-split utterance (NLU, slots, flow,
session state; no HTTP).

    .venv/bin/python bench/flow_turns.py [--turns 1500]

Target: p99 <= 5 ms per turn for both bots; the flow bot within 1.5x the plain bot's p50 (same run).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _bench_support import percentile, table, verdict
from _nlu_data import load_clinc150
from nlu_clinc150 import bot_template

from lex_emulator import LexEmulator


def with_flow(template: dict[str, Any]) -> dict[str, Any]:
    """Every intent gets flow settings that run on each turn (see the module docstring)."""
    locale = template["Resources"]["BenchBot"]["Properties"]["BotLocales"][0]
    locale["LocaleId"] = "en_US"
    for intent in locale["Intents"]:
        if intent.get("ParentIntentSignature"):
            continue
        end = {"DialogAction": {"Type": "EndConversation"}}
        intent["Slots"] = [
            {
                "Name": "Note",
                "SlotTypeName": "AMAZON.AlphaNumeric",
                "ValueElicitationSetting": {
                    "SlotConstraint": "Required",
                    "PromptSpecification": {
                        "MaxRetries": 1,
                        "MessageGroupsList": [
                            {"Message": {"PlainTextMessage": {"Value": "Note?"}}}
                        ],
                    },
                    "DefaultValueSpecification": {
                        "DefaultValueList": [{"DefaultValue": "[note]"}, {"DefaultValue": "n1"}]
                    },
                },
            }
        ]
        intent["SlotPriorities"] = [{"Priority": 1, "SlotName": "Note"}]
        intent["InitialResponseSetting"] = {
            "Conditional": {
                "IsActive": True,
                "ConditionalBranches": [
                    {
                        "Name": "vip",
                        "Condition": {"ExpressionString": '[tier] = "vip" AND fn.IS_SET({Note})'},
                        "NextStep": {"DialogAction": {"Type": "FulfillIntent"}},
                    }
                ],
                "DefaultBranch": {"NextStep": {"DialogAction": {"Type": "FulfillIntent"}}},
            }
        }
        intent["IntentClosingSetting"] = {
            "ClosingResponse": {
                "MessageGroupsList": [{"Message": {"PlainTextMessage": {"Value": "Done {Note}."}}}]
            },
            "NextStep": end,
        }
        intent["OutputContexts"] = [{"Name": "done", "TimeToLiveInSeconds": 60, "TurnsToLive": 2}]
    return template


def measure(
    template: dict[str, Any], texts: Sequence[str], workdir: Path, name: str
) -> dict[str, float]:
    path = workdir / f"{name}.yaml"
    path.write_text(yaml.safe_dump(template, sort_keys=False))
    emulator = LexEmulator.from_template(path)
    ids = {"bot_id": "BENCHBOTXX", "bot_alias_id": "TSTALIASID", "locale_id": "en_US"}
    for n, text in enumerate(texts[:50]):  # warm-up
        emulator.recognize_text(**ids, session_id=f"warm-{n}", text=text)
    latencies = []
    cpu = []
    for n, text in enumerate(texts):
        t0, c0 = time.perf_counter(), time.thread_time()
        emulator.recognize_text(
            **ids,
            session_id=f"s-{n}",
            text=text,
            session_state={"sessionAttributes": {"tier": "vip" if n % 2 else "basic"}},
        )
        cpu.append(time.thread_time() - c0)
        latencies.append(time.perf_counter() - t0)
    return {
        "p50": percentile(latencies, 50) * 1e3,
        "p99": percentile(latencies, 99) * 1e3,
        "cpu_p99": percentile(cpu, 99) * 1e3,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=1500)
    args = parser.parse_args(argv)
    data = load_clinc150()
    texts = [t for t, _ in data.test][: args.turns]
    plain_template = bot_template(data)
    plain_template["Resources"]["BenchBot"]["Properties"]["BotLocales"][0]["LocaleId"] = "en_US"
    with tempfile.TemporaryDirectory() as tmp:
        plain = measure(plain_template, texts, Path(tmp), "plain")
        flow = measure(with_flow(bot_template(data)), texts, Path(tmp), "flow")
    ratio = flow["p50"] / plain["p50"]
    checks = [
        ("plain bot: turn p99 <= 5 ms (wall)", plain["p99"] <= 5.0),
        ("flow bot: turn p99 <= 5 ms (wall)", flow["p99"] <= 5.0),
        ("flow bot: turn p99 <= 5 ms (thread CPU)", flow["cpu_p99"] <= 5.0),
        ("flow / plain p50 <= 1.5x", ratio <= 1.5),
    ]
    print(
        table(
            ["bot (150 intents, in process)", "p50 ms", "p99 ms (wall / CPU)", "target"],
            [
                [
                    "plain",
                    f"{plain['p50']:.2f}",
                    f"{plain['p99']:.2f} / {plain['cpu_p99']:.2f}",
                    "p99 <= 5 ms",
                ],
                [
                    "flow",
                    f"{flow['p50']:.2f}",
                    f"{flow['p99']:.2f} / {flow['cpu_p99']:.2f}",
                    "p99 <= 5 ms; p50 <= 1.5x plain",
                ],
                ["flow / plain (p50)", f"{ratio:.2f}x", "", "<= 1.5x"],
            ],
        )
    )
    print(f"machine load: {os.getloadavg()[0]:.2f} (1 min); wall p99 includes scheduler noise")
    for label, ok in checks:
        print(f"{verdict(ok)}  {label}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
