"""What X-Ray tracing costs each function's cold start: handler import with tracing off and on.

Builds the functions with ``sam build`` into a temporary folder (as ``bench/package_size.py`` does:
python3.13 wheels and unchecked-hash bytecode), then imports each handler the template names in a
fresh ``python3.13 -I -S -B`` (found like the build finds it) with the build folder and what the
Lambda runtime provides (boto3, botocore, ...; linked from this venv) on ``sys.path``:

* off: ``POWERTOOLS_TRACE_DISABLED=true`` (the template's default, ``Tracing=Disabled``);
* on: ``POWERTOOLS_TRACE_DISABLED=false`` with ``LAMBDA_TASK_ROOT`` and
  ``AWS_LAMBDA_FUNCTION_NAME`` set, as in Lambda with ``Tracing=Active``: Powertools Tracer is
  built, the X-Ray SDK imported and botocore patched.

Each child times its own import (``time.perf_counter`` and ``time.process_time`` from its first
line), so interpreter start-up is excluded. ``--rounds`` rounds run both variants of a function
next to each other (order alternating); the table shows medians and the median of the per-round
on/off differences. Each child then imports ``boto3`` and ``botocore.client``, which the first
turn imports anyway (the fallback fetches its key from Secrets Manager; the chat API imports boto3
with its handler): the SDK's botocore patch makes the fallback import botocore at init instead,
so "+boto3" is the cold start's real difference. Each child also reports whether ``aws_xray_sdk``
got imported, and that is the target.

Target: with tracing off no function imports the X-Ray SDK (the on-off difference is reported).

Run: ``python bench/tracing_cold_start.py [--rounds N]``. Exit status 0 whether or not the target
is met; non-zero if the build or a run fails.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _bench_support import REPO, TEMPLATE, child_env, machine_load, median, table, verdict
from package_size import lambda_runtime_dir, run_sam_build

from deploytools.function_build import DEFAULT_RUNTIME, find_compiler
from lex_emulator.cfn_template import find_functions, load_template, resolve_function

_CHILD = """\
import time
_T0 = time.perf_counter(); _C0 = time.process_time()
import importlib, json, sys
sys.path[:0] = [{build!r}, {runtime!r}]
getattr(importlib.import_module({module!r}), {attr!r})
_T1 = time.perf_counter(); _C1 = time.process_time()
_SDK = "aws_xray_sdk" in sys.modules
import boto3, botocore.client  # what the first turn imports anyway (the secret, Lex)
_T2 = time.perf_counter(); _C2 = time.process_time()
print(json.dumps({{"wall": _T1 - _T0, "cpu": _C1 - _C0, "wall_boto": _T2 - _T0,
                  "cpu_boto": _C2 - _C0, "sdk": _SDK}}))
"""


def run_child(python: str, build: Path, runtime: Path, module: str, attr: str, on: bool):
    env = {
        "LEX_BOT_ID": "LOCALBOTID",
        "LEX_BOT_ALIAS_ID": "TSTALIASID",
        "PYTHONNOUSERSITE": "1",
        "POWERTOOLS_TRACE_DISABLED": "false" if on else "true",
    }
    if on:
        env.update({"LAMBDA_TASK_ROOT": str(build), "AWS_LAMBDA_FUNCTION_NAME": build.name})
    code = _CHILD.format(build=str(build), runtime=str(runtime), module=module, attr=attr)
    proc = subprocess.run(
        [python, "-I", "-S", "-B", "-c", code],
        cwd=build,
        env=child_env(env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{build.name} import failed:\n{proc.stderr[-2000:]}")
    result: dict[str, float | bool] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    compiler = find_compiler(DEFAULT_RUNTIME)
    if compiler is None or compiler.python is None:
        print(f"no host {DEFAULT_RUNTIME} interpreter (PATH, pyenv, $LAMBDA_PYTHON): not measured")
        return 1
    template = load_template(TEMPLATE)
    print(f"machine load: {machine_load()}; {DEFAULT_RUNTIME}: {compiler.description}")
    with tempfile.TemporaryDirectory(prefix="bench-tracing-") as tmp_name:
        tmp = Path(tmp_name)
        proc = run_sam_build(tmp / "build", tmp / "cache")
        if proc.returncode != 0:
            print("sam build FAILED\n" + "\n".join((proc.stdout + proc.stderr).splitlines()[-15:]))
            return 1
        runtime = lambda_runtime_dir(tmp)
        rows: list[list[str]] = []
        targets: list[list[str]] = []
        for logical_id in find_functions(template):
            spec = resolve_function(template, logical_id, REPO)
            build = tmp / "build" / logical_id
            for on in (False, True):  # warm the page cache, discarded
                run_child(compiler.python, build, runtime, spec.module_name, spec.attribute, on)
            runs: dict[bool, list[dict[str, float | bool]]] = {False: [], True: []}
            for i in range(args.rounds):
                for on in (False, True) if i % 2 == 0 else (True, False):
                    runs[on].append(
                        run_child(
                            compiler.python, build, runtime, spec.module_name, spec.attribute, on
                        )
                    )
            row = [logical_id]
            for key in ("wall", "cpu", "wall_boto", "cpu_boto"):
                off = [float(r[key]) for r in runs[False]]
                on_ = [float(r[key]) for r in runs[True]]
                delta = median([b - a for a, b in zip(off, on_, strict=True)])
                row += [f"{median(off) * 1000:.0f}", f"{median(on_) * 1000:.0f}"]
                row += [f"{delta * 1000:+.0f}"]
            rows.append(row)
            off_clean = not any(r["sdk"] for r in runs[False])
            on_loaded = all(r["sdk"] for r in runs[True])
            targets.append(
                [
                    f"{logical_id}: tracing off imports no X-Ray SDK",
                    "never",
                    "never" if off_clean else "imported",
                    verdict(off_clean),
                ]
            )
            targets.append(
                [
                    f"{logical_id}: tracing on imports it (Tracer active)",
                    "every run",
                    "every run" if on_loaded else "not always",
                    verdict(on_loaded),
                ]
            )
    print(f"Handler import in a fresh {DEFAULT_RUNTIME}, sam build output, median of {args.rounds}")
    headers = ["function"]
    for what in ("import", "import CPU", "+boto3", "+boto3 CPU"):
        headers += [f"{what} off", "on", "on-off"]
    print(table(headers, rows))
    print("ms; +boto3: the handler import plus boto3/botocore.client, which the first turn imports")
    print("anyway (the fallback's secret fetch; the chat API imports it with the handler), so that")
    print(
        "column is the cold start's real difference: the SDK's botocore patch only imports it earlier"
    )
    print()
    print(table(["target", "limit", "result", "verdict"], targets))
    return 0


if __name__ == "__main__":
    sys.exit(main())
