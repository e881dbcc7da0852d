"""Cold start of the two Lambda handlers, as fresh Python processes, against local servers.

What one measured run is: a new ``python`` process that imports the handler ``template.yaml`` names
(``ChatApiFunction`` -> ``app.app``, ``FallbackFunction`` -> ``handler.lambda_handler``, resolved
with ``lex_emulator.cfn_template``; code folder first on ``sys.path`` and as the working directory,
like ``/var/task``) with the template's environment plus overrides, and serves one invocation:

* chat API: ``app(event, context)`` with ``events/apiGatewayChatPost.json`` without its
  ``sessionId`` (the API issues a new one per run, so every run is the same first turn) and
  ``LEX_ENDPOINT_URL`` at the Lex emulator
  (``python -m lex_emulator``, started once, outside the measured processes). The answer must be
  HTTP 200 with the emulator's slot prompt.
* fallback: ``lambda_handler(event, context)`` with ``events/lexV2FallbackKo.json``; the API key is
  read from a secret in ``moto_server`` (``OPENAI_API_KEY_SECRET_ARN`` +
  ``AWS_ENDPOINT_URL_SECRETS_MANAGER``, no ``OPENAI_API_KEY``), and ``OPENAI_BASE_URL`` points at
  ``tests.fakes.fake_openai.FakeOpenAI`` running in this process (Nagle off, like the emulator). The answer must be a fulfilled
  ``Close`` from the fake LLM, and the fake must have seen the secret's value as the bearer key.

Floors, each a fresh process too: ``import boto3; boto3.client('lexv2-runtime', ...)`` for the chat
API; for the fallback the sum of ``import openai; openai.OpenAI(api_key=..., base_url=...)`` and
``import boto3; boto3.client('secretsmanager').get_secret_value(...)`` against the same moto.

Timing: each child takes ``time.perf_counter()`` on its first line and reports the time to the end
of the work, so interpreter start-up (the same for every variant) is excluded; whole-process wall
time is reported beside it, and so is the child's CPU time (``time.process_time``, which load from
other processes on a busy machine barely moves). One discarded run of each variant first warms
the ``.pyc`` caches (``PYTHONDONTWRITEBYTECODE`` is removed from the children's environment, so
the caches are written once and then used). Then ``--rounds`` rounds run every variant once, each
next to what it is compared with (order rotated per round); the targets use the median of the
per-round ratios (paired, so noise that hits a whole round cancels out).

Targets: chat API <= 1.3 x floor; fallback <= 1.25 x (openai floor + secretsmanager floor).
Also prints ``python -X importtime`` top offenders (cumulative) for each handler's cold run.

This measures the source tree on the development interpreter; ``bench/cold_start_deployed.py``
measures what is deployed (the python3.13 ``sam build`` output after a zip round trip, read-only).

Run: ``python bench/cold_start.py [--rounds N]``. Exit status 0 whether or not a target is met;
non-zero if a run fails.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _bench_support import (
    LOCAL_ALIAS_ID,
    LOCAL_BOT_ID,
    PYTHON,
    REGION,
    child_env,
    create_secret,
    function_spec,
    lex_emulator_server,
    load_event,
    machine_load,
    median,
    moto_server,
    table,
    verdict,
    with_session_id,
)

from lex_emulator.cfn_template import FunctionSpec
from tests.fakes.fake_openai import FakeOpenAI

CHAT_TARGET = 1.30
FALLBACK_TARGET = 1.25
SECRET_VALUE = "sk-bench-" + uuid.uuid4().hex  # a dummy key; only the fake server sees it
EXPECTED_CHAT_PROMPT = "이름이 무엇인가요?"
MARKER = "BENCH_RESULT "

# The first two lines of every child: the clock starts before anything else is imported.
_PROLOGUE = "import time\n_T0 = time.perf_counter()\n_C0 = time.process_time()\n"
_EPILOGUE = (
    "_C2 = time.process_time()\n"
    "import json as _json, sys as _sys\n"
    "_sys.stdout.flush()\n"
    "print('\\n" + MARKER + "' + _json.dumps("
    "{'import': _T1 - _T0, 'total': _T2 - _T0, 'cpu': _C2 - _C0, 'result': _RESULT}, default=str))\n"
)

_HANDLER_CHILD = """\
import json, sys
sys.path.insert(0, {code_dir!r})
__import__({module!r})  # the C import path, so -X importtime sees it
_handler = getattr(sys.modules[{module!r}], {attr!r})
_T1 = time.perf_counter()
class _Context:
    function_name = "bench-function"
    function_version = "$LATEST"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench-function"
    aws_request_id = "00000000-0000-4000-8000-000000000000"
    log_group_name = "/aws/lambda/bench-function"
    log_stream_name = "bench"
    _deadline = time.monotonic() + {timeout!r}
    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.monotonic()) * 1000))
with open({event_path!r}, encoding="utf-8") as _f:
    _event = json.load(_f)
_RESULT = _handler(_event, _Context())
_T2 = time.perf_counter()
"""

_LEX_FLOOR_CHILD = """\
import boto3
_T1 = time.perf_counter()
_client = boto3.client("lexv2-runtime", region_name={region!r}, endpoint_url={url!r})
_T2 = time.perf_counter()
_RESULT = _client.meta.service_model.service_name
"""

_OPENAI_FLOOR_CHILD = """\
import openai
_T1 = time.perf_counter()
_client = openai.OpenAI(api_key={key!r}, base_url={url!r})
_T2 = time.perf_counter()
_RESULT = str(_client.base_url)
"""

_SECRETS_FLOOR_CHILD = """\
import boto3
_T1 = time.perf_counter()
_RESULT = boto3.client("secretsmanager").get_secret_value(SecretId={arn!r})["SecretString"]
_T2 = time.perf_counter()
"""


@dataclass
class Variant:
    name: str
    script: str
    env: dict[str, str]
    cwd: Path
    check: Callable[[Any], None]
    prepare: Callable[[], None] = lambda: None
    imports: list[float] = field(default_factory=list)
    totals: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    walls: list[float] = field(default_factory=list)

    def run(self, *, record: bool = True, extra_args: tuple[str, ...] = ()) -> str:
        """One fresh process; returns its stderr (for -X importtime)."""
        self.prepare()
        start = time.perf_counter()
        proc = subprocess.run(
            [PYTHON, *extra_args, "-c", self.script],
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(f"{self.name}: child failed ({proc.returncode}):\n{proc.stderr}")
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(MARKER)]
        if not lines:
            raise RuntimeError(f"{self.name}: no result line in child output:\n{proc.stdout}")
        data = json.loads(lines[-1][len(MARKER) :])
        self.check(data["result"])
        if record:
            self.imports.append(data["import"])
            self.totals.append(data["total"])
            self.cpus.append(data["cpu"])
            self.walls.append(wall)
        return proc.stderr


def _child(body: str, **params: Any) -> str:
    return _PROLOGUE + body.format(**params) + _EPILOGUE


def _handler_child(spec: FunctionSpec, event_path: Path) -> str:
    return _child(
        _HANDLER_CHILD,
        code_dir=str(spec.code_uri),
        module=spec.module_name,
        attr=spec.attribute,
        timeout=float(spec.timeout_seconds),
        event_path=str(event_path),
    )


def _check_chat(result: Any) -> None:
    if not isinstance(result, dict) or result.get("statusCode") != 200:
        raise RuntimeError(f"chat API did not answer 200: {str(result)[:500]}")
    body = json.loads(result["body"])
    contents = [m.get("content") for m in body.get("messages", [])]
    if body.get("source") != "lex" or EXPECTED_CHAT_PROMPT not in contents:
        raise RuntimeError(f"unexpected chat answer: {body}")


def _check_fallback(fake: FakeOpenAI) -> Callable[[Any], None]:
    def check(result: Any) -> None:
        state = (result or {}).get("sessionState", {})
        if state.get("dialogAction", {}).get("type") != "Close" or (
            state.get("intent", {}).get("state") != "Fulfilled"
        ):
            raise RuntimeError(f"fallback did not fulfil: {str(result)[:500]}")
        contents = [m.get("content", "") for m in result.get("messages", [])]
        if not any(c.startswith("[fake-llm]") for c in contents):
            raise RuntimeError(f"fallback answer is not the fake LLM's: {contents}")
        auth = fake.authorizations
        if not auth or auth[-1] != f"Bearer {SECRET_VALUE}":
            raise RuntimeError("the fake LLM did not receive the key stored in the secret")
        fake.clear()

    return check


def _check_equals(expected: str, what: str) -> Callable[[Any], None]:
    def check(result: Any) -> None:
        if result != expected:
            raise RuntimeError(f"{what}: got {result!r}, expected {expected!r}")

    return check


def _importtime_top(stderr: str, top: int = 10) -> list[tuple[float, float, str]]:
    rows: list[tuple[float, float, str]] = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "[us]" in line:
            continue
        try:
            self_us, cumulative_us, name = line[len("import time:") :].split("|", 2)
            rows.append((int(cumulative_us) / 1000, int(self_us) / 1000, name.rstrip()))
        except ValueError:
            continue
    rows.sort(key=lambda r: r[0], reverse=True)
    return rows[:top]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    load_before = machine_load()

    with (
        tempfile.TemporaryDirectory(prefix="bench-cold-") as tmp_name,
        lex_emulator_server() as lex,
        moto_server() as moto,
        FakeOpenAI() as llm,
    ):
        tmp = Path(tmp_name)
        secret_arn = create_secret(
            moto.url, f"bench-openai-key-{uuid.uuid4().hex[:8]}", SECRET_VALUE
        )

        chat_spec = function_spec(
            "ChatApiFunction",
            {
                "LEX_BOT_ID": LOCAL_BOT_ID,
                "LEX_BOT_ALIAS_ID": LOCAL_ALIAS_ID,
                "LEX_ENDPOINT_URL": lex.url,
                "SESSION_KEY": "bench-session-key-" + uuid.uuid4().hex,
            },
        )
        fallback_spec = function_spec(
            "FallbackFunction",
            {
                "OPENAI_API_KEY_SECRET_ARN": secret_arn,
                "AWS_ENDPOINT_URL_SECRETS_MANAGER": moto.url,
                "OPENAI_BASE_URL": llm.base_url,
            },
        )
        if "OPENAI_API_KEY" in fallback_spec.environment:
            raise RuntimeError("the fallback must read its key from the secret, not the env")

        chat_event = load_event("apiGatewayChatPost.json")
        chat_event_path = tmp / "chat_event.json"

        def fresh_chat_event() -> None:
            event = with_session_id(chat_event, None)  # a new session, issued by the API
            chat_event_path.write_text(json.dumps(event, ensure_ascii=False), encoding="utf-8")

        fallback_event_path = tmp / "fallback_event.json"
        fallback_event_path.write_text(
            json.dumps(load_event("lexV2FallbackKo.json"), ensure_ascii=False), encoding="utf-8"
        )

        variants = {
            "lex floor": Variant(
                "lex floor",
                _child(_LEX_FLOOR_CHILD, region=REGION, url=lex.url),
                child_env(),
                tmp,
                _check_equals("lexv2-runtime", "lex floor"),
            ),
            "chat API": Variant(
                "chat API",
                _handler_child(chat_spec, chat_event_path),
                child_env(chat_spec.environment),
                chat_spec.code_uri,
                _check_chat,
                prepare=fresh_chat_event,
            ),
            "openai floor": Variant(
                "openai floor",
                _child(_OPENAI_FLOOR_CHILD, key=SECRET_VALUE, url=llm.base_url),
                child_env(),
                tmp,
                _check_equals(llm.base_url + "/", "openai floor"),
            ),
            "secrets floor": Variant(
                "secrets floor",
                _child(_SECRETS_FLOOR_CHILD, arn=secret_arn),
                child_env({"AWS_ENDPOINT_URL_SECRETS_MANAGER": moto.url}),
                tmp,
                _check_equals(SECRET_VALUE, "secrets floor"),
            ),
            "fallback": Variant(
                "fallback",
                _handler_child(fallback_spec, fallback_event_path),
                child_env(fallback_spec.environment),
                fallback_spec.code_uri,
                _check_fallback(llm),
            ),
        }
        order = list(variants.values())
        groups = [
            [variants["lex floor"], variants["chat API"]],
            [variants["openai floor"], variants["secrets floor"], variants["fallback"]],
        ]

        for variant in order:  # warm the .pyc caches; discarded
            variant.run(record=False)
        # Each thing runs next to what it is compared with; the order inside each group rotates
        # and the groups swap places every round.
        for round_no in range(args.rounds):
            for group in groups if round_no % 2 == 0 else groups[::-1]:
                shift = round_no % len(group)
                for variant in group[shift:] + group[:shift]:
                    variant.run()

        chat_top = _importtime_top(
            variants["chat API"].run(record=False, extra_args=("-X", "importtime"))
        )
        fallback_top = _importtime_top(
            variants["fallback"].run(record=False, extra_args=("-X", "importtime"))
        )

    ms = 1000.0
    print(
        f"Cold start: fresh process, import + first invocation; {args.rounds} interleaved rounds,"
        f" medians in ms; {load_before} before, {machine_load()} after"
    )
    print(
        table(
            ["variant", "import", "import+work", "process wall", "child CPU"],
            [
                [
                    v.name,
                    f"{median(v.imports) * ms:.0f}",
                    f"{median(v.totals) * ms:.0f}",
                    f"{median(v.walls) * ms:.0f}",
                    f"{median(v.cpus) * ms:.0f}",
                ]
                for v in order
            ],
        )
    )

    chat, lex_floor = variants["chat API"], variants["lex floor"]
    fallback = variants["fallback"]
    oa_floor, sm_floor = variants["openai floor"], variants["secrets floor"]

    def ratios(metric: str) -> tuple[float, float]:
        """(chat ratio, fallback ratio): medians of the per-round ratios of ``metric``."""
        c, f = getattr(chat, metric), getattr(lex_floor, metric)
        fb, o, s = getattr(fallback, metric), getattr(oa_floor, metric), getattr(sm_floor, metric)
        return (
            median([x / y for x, y in zip(c, f, strict=True)]),
            median([x / (y + z) for x, y, z in zip(fb, o, s, strict=True)]),
        )

    chat_ratio, fb_ratio = ratios("totals")
    chat_wall, fb_wall = ratios("walls")
    chat_cpu, fb_cpu = ratios("cpus")
    print()
    print(
        "Targets: in-child perf_counter (first line to end of work), median of per-round ratios;"
        " wall and CPU ratios for reference"
    )
    print(
        table(
            ["target", "limit", "result", "wall ratio", "CPU ratio", "verdict"],
            [
                [
                    "chat API / lex floor",
                    f"<= {CHAT_TARGET:.2f}x",
                    f"{chat_ratio:.2f}x",
                    f"{chat_wall:.2f}x",
                    f"{chat_cpu:.2f}x",
                    verdict(chat_ratio <= CHAT_TARGET),
                ],
                [
                    "fallback / (openai + secrets floors)",
                    f"<= {FALLBACK_TARGET:.2f}x",
                    f"{fb_ratio:.2f}x",
                    f"{fb_wall:.2f}x",
                    f"{fb_cpu:.2f}x",
                    verdict(fb_ratio <= FALLBACK_TARGET),
                ],
            ],
        )
    )
    for title, top in (("chat API (app.app)", chat_top), ("fallback (handler)", fallback_top)):
        print()
        print(f"python -X importtime, {title}: top 10 cumulative (one cold run)")
        print(
            table(
                ["cumulative ms", "self ms", "module"],
                [[f"{c:.1f}", f"{s:.1f}", n] for c, s, n in top],
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
