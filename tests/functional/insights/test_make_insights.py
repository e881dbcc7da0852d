"""``make insights`` on a generated log of 20,000 turns: the planted clusters are found, their
snippets pass cfn-lint in the template, and the emulator then routes their paraphrases to them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from insights.clustering import normalise
from insights.snippets import insert_into_template
from lex_emulator import LexEmulator
from tests.support.insights_data import CLUSTERS, generate_log

REPO = Path(__file__).resolve().parents[3]
TURNS = 20_000


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("insights")
    log = work / "conversation-log.jsonl"
    truth: dict[str, str | None] = {}
    planted: Counter[str] = Counter()
    with log.open("w", encoding="utf-8") as fh:
        for line, key in generate_log(TURNS, seed=11):
            fh.write(line + "\n")
            entry = json.loads(line)
            if entry["missedUtterance"]:
                truth[normalise(entry["inputTranscript"])] = key
                if key:
                    planted[key] += 1
    out = work / "out"
    run = subprocess.run(
        ["make", "-s", "insights", f"LOGS={log}", f"OUT={out}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return {"work": work, "out": out, "truth": truth, "planted": planted, "run": run}


def _snippets(out: Path) -> dict[str, list[dict[str, Any]]]:
    data: dict[str, list[dict[str, Any]]] = yaml.safe_load((out / "intents.yaml").read_text())
    return data


def test_it_reports_progress_and_writes_the_three_files(result: dict[str, Any]) -> None:
    out: Path = result["out"]
    assert [Path(p).name for p in result["run"].stdout.split()] == [
        "insights.md",
        "insights.html",
        "intents.yaml",
    ]
    assert f"read {TURNS:,} lines" in result["run"].stderr
    md = (out / "insights.md").read_text()
    assert "## Fallback rate over time" in md and "## Clusters of fallback utterances: ko_KR" in md
    html = (out / "insights.html").read_text()
    rows = [line for line in md.splitlines() if re.match(r"\| \d\d-\d\d \d\d:00 \|", line)]
    # One dot per period on the fallback-rate chart, valued as in the table.
    dots = re.findall(r'<circle [^>]*data-value="([0-9.]+)"', html)
    assert len(dots) == len(rows) >= 24
    first_rate = float(rows[0].split("|")[4].strip().rstrip("%")) / 100
    assert float(dots[0]) == pytest.approx(first_rate, abs=0.0006)
    assert html.count("<svg") == 3  # the rate chart and one cluster chart per locale


def test_the_planted_clusters_are_found_and_nothing_else(result: dict[str, Any]) -> None:
    truth, planted = result["truth"], result["planted"]
    snippets = _snippets(result["out"])
    found: dict[str, tuple[str, int]] = {}
    for locale, intents in snippets.items():
        for intent in intents:
            keys = {truth[normalise(u["Utterance"])] for u in intent["SampleUtterances"]}
            assert len(keys) == 1 and None not in keys, (intent["Name"], keys)  # pure
            (key,) = keys
            assert key not in found, f"{key} split into two intents"
            size = int(re.search(r"from (\d+) fallback", intent["Description"]).group(1))
            found[key] = (locale, size)
            assert len(intent["SampleUtterances"]) >= 5
            assert re.fullmatch(r"([0-9a-zA-Z][_-]?){1,100}", intent["Name"])
    assert set(found) == {c.key for c in CLUSTERS}
    for c in CLUSTERS:
        locale, size = found[c.key]
        assert locale == c.locale
        assert size >= 0.9 * planted[c.key], (c.key, size, planted[c.key])
    assert {i["Name"] for i in snippets["en_US"]} >= {"Order", "Refund"}


def test_the_snippets_pass_cfn_lint_and_the_emulator_routes_to_them(
    result: dict[str, Any],
) -> None:
    work: Path = result["work"]
    snippets = _snippets(result["out"])
    bot_dir = work / "bot"
    bot_dir.mkdir()
    for folder in ("fallback_function", "chalice_app"):
        (bot_dir / folder).symlink_to(REPO / folder)
    template = bot_dir / "template.yaml"
    template.write_text(insert_into_template((REPO / "template.yaml").read_text(), snippets))
    lint = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), str(template)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout[-3000:]

    before = LexEmulator.from_template(REPO / "template.yaml", env_vars=_no_llm())
    after = LexEmulator.from_template(template, env_vars=_no_llm())
    truth = result["truth"]
    for locale, intents in snippets.items():
        for intent in intents:
            samples = {u["Utterance"] for u in intent["SampleUtterances"]}
            (key,) = {truth[s] for s in samples}
            # Paraphrases from the log that are not among the sample utterances.
            held_out = [t for t, k in truth.items() if k == key and t not in samples][:15]
            assert len(held_out) == 15
            for n, text in enumerate(held_out):
                ids = {"bot_id": "LOCALBOTID", "bot_alias_id": "TSTALIASID", "locale_id": locale}
                was = before.recognize_text(**ids, session_id=f"b-{key}-{n}", text=text)
                now = after.recognize_text(**ids, session_id=f"a-{key}-{n}", text=text)
                assert was["sessionState"]["intent"]["name"] == "FallbackIntent"
                assert now["sessionState"]["intent"]["name"] == intent["Name"], text
                assert now["messages"][0]["content"].startswith("answer to:")


def _no_llm() -> dict[str, dict[str, str]]:
    return {"FallbackFunction": {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""}}


def test_a_missing_source_is_one_clear_line(tmp_path: Path) -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "insights",
            "--logs",
            str(tmp_path / "nope"),
            "--out",
            str(tmp_path),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
    )
    assert run.returncode == 2 and run.stderr.strip().count("\n") == 0 and "nope" in run.stderr
