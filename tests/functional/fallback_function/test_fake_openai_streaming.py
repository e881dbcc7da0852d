"""The fake OpenAI server's ``stream: true`` answers, read by the real SDK and byte for byte."""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from tests.fakes.fake_openai import FakeOpenAI, tokens_of

ANSWER = "Canberra is the capital of Australia, chosen as a compromise."


@pytest.fixture
def llm() -> Iterator[FakeOpenAI]:
    """A running fake server."""
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def client(llm: FakeOpenAI) -> openai.OpenAI:
    """The real SDK pointed at the fake, without retries."""
    return openai.OpenAI(api_key="sk-test", base_url=llm.base_url, max_retries=0, timeout=10)


def _stream(
    client: openai.OpenAI, **options: object
) -> list[openai.types.chat.ChatCompletionChunk]:
    return list(
        client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": "capital?"}],
            stream=True,
            **options,  # type: ignore[arg-type]
        )
    )


def _raw_events(llm: FakeOpenAI, body: dict[str, object]) -> tuple[str, list[str]]:
    connection = http.client.HTTPConnection("127.0.0.1", llm.port, timeout=10)
    try:
        connection.request(
            "POST", "/v1/chat/completions", json.dumps(body), {"Content-Type": "application/json"}
        )
        response = connection.getresponse()
        text = response.read().decode("utf-8")
        return response.getheader("Content-Type") or "", text.split("\n\n")
    finally:
        connection.close()


def test_tokens_concatenate_to_the_answer() -> None:
    assert tokens_of("Hello  big\nworld. ") == ["Hello  ", "big\n", "world. "]
    assert "".join(tokens_of(" a b ")) == " a b "


def test_the_sdk_reads_the_deltas_and_the_usage_chunk(
    client: openai.OpenAI, llm: FakeOpenAI
) -> None:
    llm.set_behavior("ok", reply=ANSWER)
    chunks = _stream(client, stream_options={"include_usage": True})
    assert chunks[0].choices[0].delta.role == "assistant"
    assert all(c.object == "chat.completion.chunk" and c.id == chunks[0].id for c in chunks)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == ANSWER
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    last = chunks[-1]
    assert last.choices == [] and last.usage is not None
    assert last.usage.completion_tokens == len(tokens_of(ANSWER))
    assert all(c.usage is None for c in chunks[:-1])
    assert llm.requests[0]["stream"] is True
    assert llm.requests[0]["stream_options"] == {"include_usage": True}


def test_without_include_usage_no_chunk_has_a_usage_field(llm: FakeOpenAI) -> None:
    content_type, events = _raw_events(
        llm, {"model": "m", "messages": [{"role": "user", "content": "x"}], "stream": True}
    )
    assert content_type.startswith("text/event-stream")
    assert events[-2:] == ["data: [DONE]", ""]
    payloads = [json.loads(e.removeprefix("data: ")) for e in events[:-2]]
    assert all("usage" not in p for p in payloads)
    assert payloads[0]["choices"][0]["delta"] == {
        "role": "assistant",
        "content": "",
        "refusal": None,
    }
    assert payloads[-1]["choices"][0] == {
        "index": 0,
        "delta": {},
        "logprobs": None,
        "finish_reason": "stop",
    }


def test_stream_usage_off_plays_a_server_that_sends_none(
    client: openai.OpenAI, llm: FakeOpenAI
) -> None:
    llm.set_behavior("ok", reply=ANSWER, stream_usage=False)
    chunks = _stream(client, stream_options={"include_usage": True})
    assert all(c.usage is None for c in chunks)
    assert all(c.choices for c in chunks)


def test_first_token_and_token_delays_show_in_arrival_times(
    client: openai.OpenAI, llm: FakeOpenAI
) -> None:
    llm.set_behavior("ok", reply="one two three four", first_token_delay=0.4, token_delay=0.1)
    started = time.monotonic()
    arrivals = []
    for chunk in client.chat.completions.create(
        model="m", messages=[{"role": "user", "content": "x"}], stream=True
    ):
        if chunk.choices and chunk.choices[0].delta.content:
            arrivals.append(time.monotonic() - started)
    assert len(arrivals) == 4
    assert arrivals[0] >= 0.4
    assert arrivals[-1] - arrivals[0] >= 0.3


def test_a_non_streamed_answer_waits_as_long_as_the_stream_would(
    client: openai.OpenAI, llm: FakeOpenAI
) -> None:
    llm.set_behavior("ok", reply="one two three", first_token_delay=0.3, token_delay=0.1)
    started = time.monotonic()
    answer = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    assert time.monotonic() - started >= 0.5
    assert answer.choices[0].message.content == "one two three"


def test_cut_breaks_the_stream_off_midway(client: openai.OpenAI, llm: FakeOpenAI) -> None:
    llm.set_behavior("cut", reply=ANSWER, cut_after=3)
    seen = []
    with pytest.raises(openai.APIConnectionError):
        for chunk in client.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "x"}], stream=True
        ):
            if chunk.choices and chunk.choices[0].delta.content:
                seen.append(chunk.choices[0].delta.content)
    assert "".join(seen) == "".join(tokens_of(ANSWER)[:3])
    assert llm.cuts == 1


def test_an_error_status_comes_before_any_event(client: openai.OpenAI, llm: FakeOpenAI) -> None:
    llm.set_behavior("status", status=429)
    with pytest.raises(openai.RateLimitError):
        _stream(client)


def test_the_behavior_endpoint_takes_the_stream_options(llm: FakeOpenAI) -> None:
    """What a benchmark in another process uses to set the model's speed."""
    import urllib.error
    import urllib.request

    def post(body: dict[str, object]) -> Any:
        request = urllib.request.Request(
            llm.root_url + "/_fake/behavior",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            return json.load(answer)

    echoed = post(
        {"mode": "ok", "first_token_delay": 0.3, "token_delay": 0.02, "stream_usage": False}
    )
    assert (echoed["first_token_delay"], echoed["token_delay"], echoed["stream_usage"]) == (
        0.3,
        0.02,
        False,
    )
    assert llm.behavior.first_token_delay == 0.3
    with pytest.raises(urllib.error.HTTPError) as info:
        post({"mode": "ok", "token_delay": -1})
    assert info.value.code == 400
