"""``sam local`` invocations of both functions, as a ratio to the same invocation in-process.

* cold: one ``sam local invoke`` (SAM start-up, a new container from the local image, the
  function's init and one invocation; ``sam_local.invoke``) against one fresh ``python`` process
  that imports the handler the template names and serves the same event (interpreter start-up
  included on both sides);
* warm: ``sam local start-lambda --warm-containers EAGER`` and boto3's ``lambda`` client
  ``invoke`` on an already-initialised container, against calling the already-imported handler
  in this process.

Events: ``ChatApiFunction`` with ``events/apiGatewayChatPostNewSession.json`` (a first turn; the
Lex emulator answers, listening on Docker's bridge address); ``FallbackFunction`` with
``events/lexV2FallbackKo.json`` answered by the fake OpenAI server on the bridge address. The
in-process runs use the same servers. Every answer is checked. Loops are bounded: ``--cold`` runs
of each cold variant, ``--warm`` timed calls after one discarded call.

Targets (this 2-core machine): cold ≤ 20× (a container start costs seconds, a Python process a
fraction of one), warm median ≤ 10× the in-process figure (SAM adds an HTTP hop to its Flask
server and one to the container's runtime API, tens of milliseconds).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "bench")]

from _bench_support import (  # noqa: E402
    DUMMY_AWS_ENV,
    FakeLambdaContext,
    child_env,
    free_port,
    function_spec,
    machine_load,
    median,
    table,
    verdict,
)

from lex_emulator import EmulatorServer, LexEmulator  # noqa: E402
from lex_emulator.cfn_template import import_handler  # noqa: E402
from sam_local.docker_env import ContainerJanitor, bridge_gateway, docker_problem  # noqa: E402
from sam_local.image import ensure_fresh_derived  # noqa: E402
from sam_local.invoke import invoke  # noqa: E402
from sam_local.runtimes import template_runtime  # noqa: E402
from sam_local.sam_cli import ContainerSettings, sam_command, sam_environment  # noqa: E402
from tests.fakes.fake_openai import FakeOpenAI  # noqa: E402

COLD_TARGET = 20.0
WARM_TARGET = 10.0
EVENTS = {
    "ChatApiFunction": REPO / "events" / "apiGatewayChatPostNewSession.json",
    "FallbackFunction": REPO / "events" / "lexV2FallbackKo.json",
}
CHILD = """
import json, sys, time
from lex_emulator.cfn_template import import_handler, load_template, resolve_function
import os
sys.path.insert(0, "bench")
from _bench_support import FakeLambdaContext
spec = resolve_function(load_template("template.yaml"), sys.argv[1], ".", json.loads(sys.argv[3]))
os.environ.update(spec.environment)
handler = import_handler(spec)
answer = handler(json.load(open(sys.argv[2])), FakeLambdaContext())
print(json.dumps(answer))
"""


def check(function: str, answer: Any) -> None:
    if function == "ChatApiFunction":
        assert answer["statusCode"] == 200, answer
        assert json.loads(answer["body"])["messages"], answer
    else:
        assert answer["messages"][0]["content"].startswith("[fake-llm]"), answer


def cold_in_process(function: str, env_vars: dict[str, dict[str, str]]) -> float:
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, function, str(EVENTS[function]), json.dumps(env_vars)],
        cwd=REPO,
        env=child_env(
            {"PYTHONPATH": f"{REPO}:{REPO / 'chalice_app'}:{REPO / 'fallback_function'}"}
        ),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    elapsed = time.perf_counter() - started
    check(function, json.loads(out.stdout.strip().splitlines()[-1]))
    return elapsed


def cold_sam(function: str, env_vars: dict[str, dict[str, str]], image: Any) -> float:
    started = time.perf_counter()
    answer = invoke(function, EVENTS[function], env_vars, image=image, timeout=120, logs=[])
    elapsed = time.perf_counter() - started
    check(function, answer)
    return elapsed


def warm_in_process(function: str, env_vars: dict[str, dict[str, str]], calls: int) -> float:
    spec = function_spec(function, env_vars.get(function))
    env = {**DUMMY_AWS_ENV, **spec.environment}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        handler = import_handler(spec)
        event = json.loads(EVENTS[function].read_text())
        check(function, handler(event, FakeLambdaContext()))
        times = []
        for _ in range(calls):
            started = time.perf_counter()
            check(function, handler(json.loads(json.dumps(event)), FakeLambdaContext()))
            times.append(time.perf_counter() - started)
        return median(times)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def warm_sam(env_vars: dict[str, dict[str, str]], image: Any, calls: int) -> dict[str, float]:
    import boto3
    from botocore.config import Config

    janitor = ContainerJanitor()
    port = free_port()
    with ContainerSettings(env_vars, bridge_gateway()) as settings:
        cmd = sam_command(
            ["start-lambda"],
            image=image,
            env_file=settings.path,
            extra=["--host", "127.0.0.1", "--port", str(port), "--warm-containers", "EAGER"],
        )
        proc = subprocess.Popen(
            cmd,
            cwd=REPO,
            env=sam_environment(os.environ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            client = boto3.client(
                "lambda",
                endpoint_url=f"http://127.0.0.1:{port}",
                region_name="us-east-1",
                aws_access_key_id="x",
                aws_secret_access_key="x",
                config=Config(read_timeout=120, retries={"total_max_attempts": 1}),
            )
            deadline = time.monotonic() + 180
            results: dict[str, float] = {}
            for function, path in EVENTS.items():
                payload = path.read_bytes()

                def call(fn: str = function, body: bytes = payload) -> Any:
                    answer = client.invoke(FunctionName=fn, Payload=body)
                    return json.loads(answer["Payload"].read())

                while True:  # the first call waits for SAM and the EAGER containers
                    try:
                        check(function, call())
                        break
                    except Exception:
                        if time.monotonic() > deadline or proc.poll() is not None:
                            raise
                        time.sleep(1)
                times = []
                for _ in range(calls):
                    started = time.perf_counter()
                    check(function, call())
                    times.append(time.perf_counter() - started)
                results[function] = median(times)
            return results
        finally:
            proc.send_signal(2)  # SIGINT: SAM stops its warm containers
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
            janitor.clean()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cold", type=int, default=3)
    parser.add_argument("--warm", type=int, default=20)
    args = parser.parse_args()
    problem = docker_problem()
    if problem:
        print(f"sam_local bench: {problem}")
        return 1
    image = template_runtime(REPO / "template.yaml")
    ensure_fresh_derived(image)
    gateway = bridge_gateway()
    with FakeOpenAI(host=gateway) as llm:
        quiet = {"POWERTOOLS_LOG_LEVEL": "ERROR"}
        fallback = {
            "OPENAI_API_KEY": "sk-bench",
            "OPENAI_BASE_URL": llm.base_url,
            "OPENAI_API_KEY_SECRET_ARN": "",
            **quiet,
        }
        emulator = LexEmulator.from_template(
            REPO / "template.yaml", env_vars={"FallbackFunction": fallback}
        )
        lex = EmulatorServer(emulator, host=gateway)
        lex.start()
        env_vars = {
            "FallbackFunction": fallback,
            "ChatApiFunction": {
                "LEX_ENDPOINT_URL": lex.url,
                "LEX_BOT_ID": "LOCALBOTID",
                "LEX_BOT_ALIAS_ID": "TSTALIASID",
                **quiet,
            },
        }
        rows = []
        ok = True
        warm = warm_sam(env_vars, image, args.warm)
        for function in EVENTS:
            cold_local = median([cold_in_process(function, env_vars) for _ in range(args.cold)])
            cold_container = median([cold_sam(function, env_vars, image) for _ in range(args.cold)])
            warm_local = warm_in_process(function, env_vars, args.warm)
            cold_ratio = cold_container / cold_local
            warm_ratio = warm[function] / warm_local
            ok = ok and cold_ratio <= COLD_TARGET and warm_ratio <= WARM_TARGET
            rows.append([function, "cold", f"{cold_local * 1000:.0f}", f"{cold_container * 1000:.0f}",
                         f"{cold_ratio:.1f}x", f"<= {COLD_TARGET:g}x", verdict(cold_ratio <= COLD_TARGET)])  # fmt: skip
            rows.append([function, "warm", f"{warm_local * 1000:.1f}", f"{warm[function] * 1000:.1f}",
                         f"{warm_ratio:.1f}x", f"<= {WARM_TARGET:g}x", verdict(warm_ratio <= WARM_TARGET)])  # fmt: skip
    lex.stop()
    print(f"sam local vs in-process, median ms ({machine_load()}; runtime {image.name})")
    print(table(["function", "start", "in-process", "sam local", "ratio", "target", ""], rows))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
