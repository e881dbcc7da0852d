"""Cold start of the functions exactly as deployed, and the MemorySize they should get.

``bench/cold_start.py`` measures the handlers next to their source with warm bytecode caches. Lambda
runs something else: the ``sam build`` output, zipped by ``sam deploy`` and unpacked into a
read-only ``/var/task`` with new file times and no way to write bytecode. This bench measures that:

1. ``sam build`` into a temporary folder (the functions' makefiles: the hash-pinned lock as
   python3.13 wheels, unchecked-hash bytecode from the runtime's own Python);
2. a zip round trip of each function (DEFLATED, extracted again, so every file time is new), then
   every file and folder made read-only;
3. fresh processes of the template's runtime (``python3.13``, found as the build finds it) with
   ``-B`` (no bytecode written; the bench also checks that not one file appeared in the package) and
   only the package and a Lambda-like runtime folder (boto3 and its dependencies, the pinned
   versions, as python3.13 wheels with their bytecode, as Lambda ships them) on ``sys.path``.
   With ``--image`` (default: ``lex-llm-chatbot/lambda:python3.13`` when ``docker images`` has
   it) the processes run in that Lambda-compatible container instead, on a ``--read-only`` root
   with the package mounted read-only; otherwise on the host.

Variants per function, each one invocation against the same local servers as cold_start.py (the Lex
emulator, moto's Secrets Manager, the fake OpenAI server):

* ``no bytecode``: the package with its ``__pycache__`` removed (what the build shipped before);
* ``build-time bytecode``: the package as built (what is deployed now);
* ``warm cache``: the package with timestamp bytecode written by a discarded run (cold_start.py's
  state);
* floors, as in cold_start.py, in the same interpreter with warm caches: ``boto3.client(
  'lexv2-runtime')``; ``openai.OpenAI()`` + a Secrets Manager ``get_secret_value``.

Timing is cold_start.py's: in-child ``perf_counter`` from the first line to the end of the first
invocation, child CPU time beside it, ``--rounds`` interleaved rounds, medians of per-round ratios.

Targets: build-time bytecode <= 1.25 x floor for both functions (chat: lex floor; fallback: openai
+ secrets floors), on both wall and CPU time; the CPU ratio sets the exit status, because Lambda's
init is CPU-bound and because on a shared 2-core machine the wall time also measures everybody
else's load. Reported beside them: no-bytecode / warm and build-time / warm.

MemorySize: the build-time variant also serves ``--warm-turns`` more invocations in the same
process. The table gives init CPU (import + handler ready), first-invocation CPU and warm-turn CPU
on this machine, and a PROJECTION of init at 256 / 512 / 1024 / 1769 MB, assuming Lambda's CPU
share grows linearly with memory up to one full vCPU at 1,769 MB (AWS: "at 1,769 MB, a function
has the equivalent of one vCPU") and that this machine's core is as fast as Lambda's. A
projection, not a measurement: Lambda's init phase may get more CPU than the steady state.

Run: ``python bench/cold_start_deployed.py [--rounds N] [--image IMAGE | --host]``. Exit status 1
when a target is missed or nothing could be measured (no python3.13).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _bench_support import (
    LOCAL_ALIAS_ID,
    LOCAL_BOT_ID,
    REGION,
    REPO,
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
)
from cold_start import SECRET_VALUE, _check_chat, _check_equals, _check_fallback
from package_size import run_sam_build

from deploytools.function_build import (
    DEFAULT_RUNTIME,
    LAMBDA_PROVIDED,
    Compiler,
    _pip,
    _wheel_args,
    check_bytecode,
    compile_bytecode,
    find_compiler,
)
from tests.fakes.fake_openai import FakeOpenAI

TARGET = 1.25
MARKER = "BENCH_RESULT "
IMAGE = f"lex-llm-chatbot/lambda:{DEFAULT_RUNTIME}"
MEMORY_SIZES = (256, 512, 1024, 1769)
FULL_VCPU_MB = 1769

_PROLOGUE = "import time\n_T0 = time.perf_counter()\n_C0 = time.process_time()\n"
_EPILOGUE = """\
import json as _json, sys as _sys
_sys.stdout.flush()
print("\\n{marker}" + _json.dumps({{
    "import": _T1 - _T0, "total": _T2 - _T0, "init_cpu": _C1 - _C0, "cpu": _C2 - _C0,
    "warm_cpu": _WARM, "result": _RESULT}}, default=str))
"""

_HANDLER = """\
import json, sys
sys.path[:0] = [{code_dir!r}, {runtime_dir!r}]
__import__({module!r})
_handler = getattr(sys.modules[{module!r}], {attr!r})
_T1 = time.perf_counter()
_C1 = time.process_time()
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
def _turn(i):
    # API Gateway's event has no sessionId: the server starts (and names) a new session every
    # turn, so every turn is a first turn
    return _handler(dict(_event), _Context())
_RESULT = _turn(0)
_T2 = time.perf_counter()
_C2 = time.process_time()
_WARM = []
for _i in range({warm_turns}):
    _c = time.process_time()
    _turn(_i + 1)
    _WARM.append(time.process_time() - _c)
"""

_LEX_FLOOR = """\
import sys
sys.path[:0] = [{runtime_dir!r}]
import boto3
_T1 = time.perf_counter()
_C1 = time.process_time()
_client = boto3.client("lexv2-runtime", region_name={region!r}, endpoint_url={url!r})
_T2 = time.perf_counter()
_C2 = time.process_time()
_RESULT = _client.meta.service_model.service_name
_WARM = []
"""

_OPENAI_FLOOR = """\
import sys
sys.path[:0] = [{code_dir!r}, {runtime_dir!r}]
import openai
_T1 = time.perf_counter()
_C1 = time.process_time()
_client = openai.OpenAI(api_key={key!r}, base_url={url!r})
_T2 = time.perf_counter()
_C2 = time.process_time()
_RESULT = str(_client.base_url)
_WARM = []
"""

_SECRETS_FLOOR = """\
import sys
sys.path[:0] = [{runtime_dir!r}]
import boto3
_T1 = time.perf_counter()
_C1 = time.process_time()
_RESULT = boto3.client("secretsmanager").get_secret_value(SecretId={arn!r})["SecretString"]
_T2 = time.perf_counter()
_C2 = time.process_time()
_WARM = []
"""


def _child(body: str, **params: Any) -> str:
    return _PROLOGUE + body.format(**params) + _EPILOGUE.format(marker=MARKER)


@dataclass
class Runner:
    """How a child runs: the host's python3.13, or the Lambda-compatible image through Docker."""

    python: str
    image: str | None = None
    mount: Path | None = None

    def argv(self, script: str, env: dict[str, str], write_bytecode: bool) -> list[str]:
        flags = ["-s"] if write_bytecode else ["-s", "-B"]
        if self.image is None:
            return [self.python, *flags, "-c", script]
        assert self.mount is not None
        cmd = ["docker", "run", "--rm", "--network", "host", "--read-only", "--tmpfs", "/tmp"]
        # the warm-cache copy must be writable once (its discarded run writes the bytecode)
        cmd += ["-v", f"{self.mount}:{self.mount}:{'rw' if write_bytecode else 'ro'}"]
        for key, value in env.items():
            if key.startswith(("AWS_", "OPENAI_", "LEX_", "LLM_", "POWERTOOLS_")):
                cmd += ["-e", f"{key}={value}"]
        return [*cmd, self.image, self.python, *flags, "-c", script]


@dataclass
class Variant:
    name: str
    script: str
    env: dict[str, str]
    check: Callable[[Any], None]
    runner: Runner
    watch: Path | None = None  # a package that must not change (no bytecode written)
    write_bytecode: bool = False
    prepare: Callable[[], None] = lambda: None
    totals: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    init_cpus: list[float] = field(default_factory=list)
    warm_cpus: list[float] = field(default_factory=list)

    def run(self, *, record: bool = True) -> None:
        self.prepare()
        before = _snapshot(self.watch) if self.watch else None
        proc = subprocess.run(
            self.runner.argv(self.script, self.env, self.write_bytecode),
            cwd=self.watch or REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"{self.name}: child failed ({proc.returncode}):\n{proc.stderr}")
        if before is not None and _snapshot(self.watch) != before:
            raise RuntimeError(f"{self.name}: the run wrote into the read-only package")
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(MARKER)]
        if not lines:
            raise RuntimeError(f"{self.name}: no result line:\n{proc.stdout}\n{proc.stderr}")
        data = json.loads(lines[-1][len(MARKER) :])
        self.check(data["result"])
        if record:
            self.totals.append(data["total"])
            self.cpus.append(data["cpu"])
            self.init_cpus.append(data["init_cpu"])
            self.warm_cpus.extend(data["warm_cpu"])


def _snapshot(root: Path | None) -> frozenset[str]:
    assert root is not None
    return frozenset(str(p.relative_to(root)) for p in root.rglob("*"))


def zip_round_trip(folder: Path, out: Path) -> Path:
    """Zip ``folder`` as sam deploy does, extract it to ``out`` (new file times), read-only."""
    out.parent.mkdir(parents=True, exist_ok=True)
    archive = out.with_suffix(".zip")
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(folder))
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(out)
    archive.unlink()
    return out


def make_read_only(root: Path) -> None:
    for path in [*root.rglob("*"), root]:
        path.chmod(0o555 if path.is_dir() else 0o444)


def make_writable(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def strip_bytecode(root: Path) -> None:
    for cache in list(root.rglob("__pycache__")):
        shutil.rmtree(cache)


def lambda_runtime(folder: Path, compiler: Compiler) -> Path:
    """boto3 and its dependencies at the pinned versions, for the runtime, with bytecode."""
    pins = {}
    for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines():
        name, _, version = line.partition("==")
        if name.strip().lower() in LAMBDA_PROVIDED:
            pins[name.strip().lower()] = version.strip()
    missing = LAMBDA_PROVIDED - set(pins)
    if missing:
        raise RuntimeError(f"constraints.txt does not pin {sorted(missing)}")
    requirements = [f"{n}=={v}" for n, v in sorted(pins.items())]
    version = DEFAULT_RUNTIME.removeprefix("python")
    _pip(sys.executable, "install", "--no-deps", "--no-compile", "--target", str(folder),
         *_wheel_args(version), *requirements)  # fmt: skip
    compile_bytecode(folder, compiler)
    return folder


def _ratio(values: list[float], floors: list[list[float]]) -> float:
    return median([v / sum(f) for v, *f in zip(values, *floors, strict=True)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warm-turns", type=int, default=20)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--image", default=None, help=f"run in this image (default {IMAGE})")
    where.add_argument("--host", action="store_true", help="run on the host's python3.13")
    args = parser.parse_args(argv)
    load_before = machine_load()

    compiler = find_compiler(DEFAULT_RUNTIME)
    if compiler is None:
        print(f"no {DEFAULT_RUNTIME} (host or image {IMAGE}): nothing measured")
        return 1
    image = args.image
    if image is None and not args.host and compiler.image:
        image = compiler.image
    if image is None and not args.host:
        probe = subprocess.run(
            ["docker", "image", "inspect", IMAGE], capture_output=True, check=False
        ) if shutil.which("docker") else None  # fmt: skip
        image = IMAGE if probe is not None and probe.returncode == 0 else None
    if image is None and not compiler.python:
        print(f"no host {DEFAULT_RUNTIME} and no image: nothing measured")
        return 1
    where_label = f"image {image}" if image else f"host {compiler.python}"

    with tempfile.TemporaryDirectory(prefix="bench-deployed-") as tmp_name:
        tmp = Path(tmp_name)
        tmp.chmod(0o755)
        build = run_sam_build(tmp / "build", tmp / "cache")
        if build.returncode != 0:
            print(
                "sam build FAILED:\n" + "\n".join((build.stdout + build.stderr).splitlines()[-15:])
            )
            return 1
        runtime_dir = lambda_runtime(tmp / "runtime", compiler)
        python = f"/var/lang/bin/{DEFAULT_RUNTIME}" if image else str(compiler.python)
        runner = Runner(python=python, image=image, mount=tmp if image else None)

        packages: dict[str, dict[str, Path]] = {}
        for function in ("ChatApiFunction", "FallbackFunction"):
            built = tmp / "build" / function
            problems = check_bytecode(built, DEFAULT_RUNTIME)
            if problems:
                raise RuntimeError(f"{function} was built without bytecode: {problems[:3]}")
            shipped = zip_round_trip(built, tmp / "deployed" / function)
            bare = zip_round_trip(built, tmp / "bare" / function)
            strip_bytecode(bare)
            warm = zip_round_trip(built, tmp / "warm" / function)
            strip_bytecode(warm)
            for folder in (shipped, bare):
                make_read_only(folder)
            packages[function] = {"deployed": shipped, "bare": bare, "warm": warm}
        make_read_only(runtime_dir)

        # with Docker the children share the host's network, so loopback servers are reachable
        with lex_emulator_server() as lex, moto_server() as moto, FakeOpenAI() as llm:
            secret_arn = create_secret(moto.url, f"bench-key-{uuid.uuid4().hex[:8]}", SECRET_VALUE)
            chat_spec = function_spec(
                "ChatApiFunction",
                {"LEX_BOT_ID": LOCAL_BOT_ID, "LEX_BOT_ALIAS_ID": LOCAL_ALIAS_ID, "LEX_ENDPOINT_URL": lex.url},
            )  # fmt: skip
            fallback_spec = function_spec(
                "FallbackFunction",
                {
                    "OPENAI_API_KEY_SECRET_ARN": secret_arn,
                    "AWS_ENDPOINT_URL_SECRETS_MANAGER": moto.url,
                    "OPENAI_BASE_URL": llm.base_url,
                },
            )
            chat_event = load_event("apiGatewayChatPost.json")
            chat_event_path = tmp / "chat_event.json"

            def fresh_chat_event() -> None:
                body = json.loads(chat_event["body"])
                body.pop("sessionId", None)  # the server issues session ids
                event = {**chat_event, "body": json.dumps(body, ensure_ascii=False)}
                chat_event_path.write_text(json.dumps(event, ensure_ascii=False), encoding="utf-8")

            fresh_chat_event()
            fallback_event_path = tmp / "fallback_event.json"
            fallback_event_path.write_text(
                json.dumps(load_event("lexV2FallbackKo.json"), ensure_ascii=False), encoding="utf-8"
            )
            chat_env = child_env(chat_spec.environment)
            fallback_env = child_env(fallback_spec.environment)

            def handler(function: str, kind: str, warm_turns: int = 0) -> Variant:
                spec = chat_spec if function == "ChatApiFunction" else fallback_spec
                folder = packages[function][kind]
                script = _child(
                    _HANDLER,
                    code_dir=str(folder),
                    runtime_dir=str(runtime_dir),
                    module=spec.module_name,
                    attr=spec.attribute,
                    timeout=float(spec.timeout_seconds),
                    event_path=str(
                        chat_event_path if function == "ChatApiFunction" else fallback_event_path
                    ),
                    warm_turns=warm_turns,
                )
                label = {"ChatApiFunction": "chat API", "FallbackFunction": "fallback"}[function]
                label += {
                    "bare": ", no bytecode",
                    "deployed": ", build-time bytecode",
                    "warm": ", warm cache",
                }[kind]
                return Variant(
                    label,
                    script,
                    chat_env if function == "ChatApiFunction" else fallback_env,
                    _check_chat if function == "ChatApiFunction" else _check_fallback(llm),
                    runner,
                    watch=None if kind == "warm" else folder,
                    write_bytecode=kind == "warm",
                    prepare=fresh_chat_event if function == "ChatApiFunction" else (lambda: None),
                )

            v = {
                "lex floor": Variant(
                    "lex floor",
                    _child(_LEX_FLOOR, runtime_dir=str(runtime_dir), region=REGION, url=lex.url),
                    child_env(),
                    _check_equals("lexv2-runtime", "lex floor"),
                    runner,
                ),
                "chat bare": handler("ChatApiFunction", "bare"),
                "chat deployed": handler("ChatApiFunction", "deployed", args.warm_turns),
                "chat warm": handler("ChatApiFunction", "warm"),
                "openai floor": Variant(
                    "openai floor",
                    _child(
                        _OPENAI_FLOOR,
                        code_dir=str(packages["FallbackFunction"]["warm"]),
                        runtime_dir=str(runtime_dir),
                        key=SECRET_VALUE,
                        url=llm.base_url,
                    ),
                    child_env(),
                    _check_equals(llm.base_url + "/", "openai floor"),
                    runner,
                    write_bytecode=True,
                ),
                "secrets floor": Variant(
                    "secrets floor",
                    _child(_SECRETS_FLOOR, runtime_dir=str(runtime_dir), arn=secret_arn),
                    child_env({"AWS_ENDPOINT_URL_SECRETS_MANAGER": moto.url}),
                    _check_equals(SECRET_VALUE, "secrets floor"),
                    runner,
                ),
                "fallback bare": handler("FallbackFunction", "bare"),
                "fallback deployed": handler("FallbackFunction", "deployed", args.warm_turns),
                "fallback warm": handler("FallbackFunction", "warm"),
            }
            for variant in v.values():  # writes the warm caches; checks every variant once
                variant.run(record=False)
            groups = [
                [v["lex floor"], v["chat bare"], v["chat deployed"], v["chat warm"]],
                [
                    v["openai floor"],
                    v["secrets floor"],
                    v["fallback bare"],
                    v["fallback deployed"],
                    v["fallback warm"],
                ],
            ]
            for round_no in range(args.rounds):
                for group in groups if round_no % 2 == 0 else groups[::-1]:
                    shift = round_no % len(group)
                    for variant in group[shift:] + group[:shift]:
                        variant.run()
        for function in packages.values():
            for folder in function.values():
                make_writable(folder)
        make_writable(runtime_dir)

    ms = 1000.0
    print(
        f"Cold start as deployed ({DEFAULT_RUNTIME}, {where_label}): sam build -> zip round trip ->"
        f" read-only, -B; {args.rounds} interleaved rounds, medians in ms;"
        f" {load_before} before, {machine_load()} after"
    )
    print(
        table(
            ["variant", "import+first invocation", "child CPU"],
            [
                [x.name, f"{median(x.totals) * ms:.0f}", f"{median(x.cpus) * ms:.0f}"]
                for x in v.values()
            ],
        )
    )
    floors = {
        "chat": [v["lex floor"]],
        "fallback": [v["openai floor"], v["secrets floor"]],
    }
    rows = []
    ok = True
    for label, key in (("chat API", "chat"), ("fallback", "fallback")):
        deployed, bare, warm = v[f"{key} deployed"], v[f"{key} bare"], v[f"{key} warm"]
        wall = _ratio(deployed.totals, [f.totals for f in floors[key]])
        cpu = _ratio(deployed.cpus, [f.cpus for f in floors[key]])
        ok = ok and cpu <= TARGET
        rows.append(
            [f"{label}: build-time bytecode / floor", f"<= {TARGET:.2f}x", f"{wall:.2f}x",
             f"{cpu:.2f}x", verdict(wall <= TARGET), verdict(cpu <= TARGET)]
        )  # fmt: skip
        for name, variant in (("no bytecode", bare), ("build-time bytecode", deployed)):
            rows.append(
                [f"{label}: {name} / warm cache", "report", f"{_ratio(variant.totals, [warm.totals]):.2f}x",
                 f"{_ratio(variant.cpus, [warm.cpus]):.2f}x", "", ""]
            )  # fmt: skip
    print()
    print(
        "Targets: medians of per-round ratios. Wall = in-child perf_counter (first line to end of"
        " the first invocation); CPU = the child's process time, which decides the exit status:"
        " Lambda's init is CPU-bound, and on this shared machine wall time also counts other"
        " processes' load"
    )
    print(table(["target", "limit", "wall", "CPU", "wall verdict", "CPU verdict"], rows))

    print()
    print(
        "MemorySize: CPU measured here (build-time bytecode variant); init at each size is a"
        f" PROJECTION (CPU share = MB / {FULL_VCPU_MB}, capped at 1 vCPU)"
    )
    memory_rows = []
    for label, key in (("chat API", "chat deployed"), ("fallback", "fallback deployed")):
        x = v[key]
        init_cpu = median(x.init_cpus)
        first_cpu = median(x.cpus)
        warm_cpu = median(x.warm_cpus) if x.warm_cpus else float("nan")
        projected = [first_cpu / min(1.0, mb / FULL_VCPU_MB) for mb in MEMORY_SIZES]
        warm_projected = [warm_cpu / min(1.0, mb / FULL_VCPU_MB) for mb in MEMORY_SIZES]
        memory_rows.append(
            [
                label,
                f"{init_cpu * ms:.0f}",
                f"{first_cpu * ms:.0f}",
                f"{warm_cpu * ms:.1f}",
                *(f"{p * ms:.0f} / {w * ms:.0f}" for p, w in zip(projected, warm_projected, strict=True)),
            ]
        )  # fmt: skip
    print(
        table(
            [
                "function",
                "init CPU ms",
                "init+1st turn CPU ms",
                "warm turn CPU ms",
                *(f"{mb} MB: 1st / warm ms (proj.)" for mb in MEMORY_SIZES),
            ],
            memory_rows,
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
