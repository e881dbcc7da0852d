"""Reading conversation log lines in the shapes Lex and the CloudWatch exports produce."""

from __future__ import annotations

import json
from collections import Counter

from insights.clustering import Cluster, cluster_texts, normalise
from insights.reader import ReadStats, parse_line, read_turns
from insights.snippets import intent_name, intent_snippet

ENTRY = {
    "message-version": "2.0",
    "bot": {"id": "ABCDEFGHIJ", "localeId": "en_US", "aliasId": "X", "version": "1"},
    "messages": [{"contentType": "PlainText", "content": "It ships tomorrow."}],
    "sessionState": {"intent": {"name": "FallbackIntent", "state": "Fulfilled"}},
    "inputTranscript": "Where is my order?",
    "missedUtterance": True,
    "timestamp": "2026-12-01T10:00:00.000Z",
    "someFutureField": {"ignored": True},
}


def test_bare_prefixed_and_event_wrapped_lines_read_the_same() -> None:
    line = json.dumps(ENTRY)
    for variant in (
        line,
        f"2026-12-01T10:00:00.000Z {line}",
        json.dumps({"timestamp": 1, "message": line, "logStreamName": "s"}),
    ):
        turn = parse_line(variant)
        assert turn is not None
        assert (turn.locale, turn.text, turn.missed, turn.answer) == (
            "en_US",
            "Where is my order?",
            True,
            "It ships tomorrow.",
        )
        assert turn.timestamp is not None and turn.timestamp.hour == 10


def test_a_matched_turn_is_not_missed_and_junk_is_skipped() -> None:
    matched = {**ENTRY, "missedUtterance": False, "sessionState": {"intent": {"name": "Hello"}}}
    stats = ReadStats()
    turns = list(read_turns([json.dumps(matched), "garbage", "{}", "", json.dumps(ENTRY)], stats))
    assert [t.missed for t in turns] == [False, True]
    failed = {**ENTRY, "sessionState": {"intent": {"name": "FallbackIntent", "state": "Failed"}}}
    turn = parse_line(json.dumps(failed))
    assert turn is not None and turn.missed and not turn.answered  # a notice, not an answer
    assert (stats.lines, stats.turns, stats.skipped) == (5, 2, 2)


def test_normalise_and_cluster_small_inputs() -> None:
    assert normalise("  Where's   my ORDER?! ") == "where's my order"
    assert normalise("환불, 해주세요!!") == "환불 해주세요"
    clusters, left = cluster_texts(
        Counter({"where is my order": 5, "where is my order now": 3, "zzq xxv": 1})
    )
    assert left == 0
    assert clusters[0].members[0] == ("where is my order", 5) and clusters[0].size == 8
    assert isinstance(clusters[-1], Cluster) and clusters[-1].size == 1


def test_names_are_valid_unique_and_samples_avoid_existing_ones() -> None:
    taken = {"Order"}
    members = [("where is my order", 9), ("order status", 2)]
    assert intent_name(members, "en_US", 1, taken) == "Order01"
    assert intent_name([("배송 조회", 3)], "ko_KR", 2, taken) == "SuggestedKoKr02"
    snippet = intent_snippet("Order01", members, "It ships.", 13, avoid={"order status"})
    assert snippet["SampleUtterances"] == [{"Utterance": "where is my order"}]
    message = snippet["IntentClosingSetting"]["ClosingResponse"]["MessageGroupsList"][0]
    assert message["Message"]["PlainTextMessage"]["Value"] == "It ships."
