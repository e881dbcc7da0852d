"""``python -m sam_local.invoke FN EVENT [--env-vars env.json]``: ``sam local invoke`` in a container.

What ``make sam-invoke`` runs. It uses the built template (``make build`` first), the local image
for the template's runtime, the same settings as ``make dev`` (env.json, or env.example.json, then
``OPENAI_API_KEY`` / ``OPENAI_BASE_URL`` / ``OPENAI_MODEL`` from the shell) with loopback URLs
relayed over Docker's bridge, and prints the function's JSON answer alone on stdout (SAM's own
messages and the function's logs go to stderr). Every container it starts is removed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from sam_local.docker_env import ContainerJanitor, DockerUnavailable, bridge_gateway, docker_problem
from sam_local.image import ImageError, ensure_fresh_derived
from sam_local.runtimes import RuntimeSpec, UnsupportedRuntime, template_runtime
from sam_local.sam_cli import (
    BUILT_TEMPLATE,
    REPO_ROOT,
    ContainerSettings,
    sam_command,
    sam_environment,
)

__all__ = ["InvokeError", "invoke", "local_settings", "main"]

INVOKE_TIMEOUT_SECONDS = 120.0


class InvokeError(RuntimeError):
    """``sam local invoke`` failed or printed no JSON answer."""


def local_settings(env_file: str | None, environ: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """env.json (or env.example.json), then the shell's LLM overrides, as ``make dev`` does."""
    from devstack.config import apply_llm_overrides, load_env_vars

    path = env_file
    if path is None:
        for name in ("env.json", "env.example.json"):
            if (REPO_ROOT / name).is_file():
                path = str(REPO_ROOT / name)
                break
    env_vars = load_env_vars(path) if path else {}
    return apply_llm_overrides(env_vars, environ)


NO_RESPONSE = "No response from invoke container"


def invoke(
    function: str,
    event: str | Path,
    env_vars: Mapping[str, Mapping[str, str]],
    *,
    image: RuntimeSpec,
    template: str | Path = BUILT_TEMPLATE,
    timeout: float = INVOKE_TIMEOUT_SECONDS,
    logs: list[str] | None = None,
) -> object:
    """Run one ``sam local invoke``; return the function's decoded JSON answer.

    SAM's messages and the function's logs go to stderr, or into ``logs`` when given. When SAM
    reports that the container never answered (``No response from invoke container``: the
    runtime inside did not start, seen on an overloaded machine), the invocation is tried once
    more; a function's own answer or error is never retried.
    """
    own: list[str] = []
    try:
        return _invoke_once(function, event, env_vars, image=image, template=template,
                            timeout=timeout, logs=own)  # fmt: skip
    except InvokeError as exc:
        if NO_RESPONSE not in str(exc):
            raise
        print(f"sam-invoke: {function}: {NO_RESPONSE}; trying once more", file=sys.stderr)
        return _invoke_once(function, event, env_vars, image=image, template=template,
                            timeout=timeout, logs=logs)  # fmt: skip
    finally:
        if logs is not None:
            logs.extend(own)
        elif own:
            sys.stderr.write("".join(own))


def _invoke_once(
    function: str,
    event: str | Path,
    env_vars: Mapping[str, Mapping[str, str]],
    *,
    image: RuntimeSpec,
    template: str | Path = BUILT_TEMPLATE,
    timeout: float,
    logs: list[str] | None,
) -> object:
    if not Path(template).is_file():
        raise InvokeError(f"{template} not found: run `make build` first")
    janitor = ContainerJanitor()
    with ContainerSettings(env_vars, bridge_gateway()) as settings:
        cmd = sam_command(
            ["invoke", function, "--event", str(event)],
            image=image,
            env_file=settings.path,
            template=template,
        )
        try:
            done = subprocess.run(  # noqa: S603 - argv built by sam_command
                cmd,
                check=False,
                text=True,
                stdout=subprocess.PIPE,
                stderr=None if logs is None else subprocess.PIPE,
                env=sam_environment(os.environ),
                cwd=REPO_ROOT,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as exc:
            raise InvokeError(f"sam local invoke {function} took over {timeout:g} s") from exc
        finally:
            janitor.clean()
    if logs is not None:
        logs.append(done.stderr)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    if done.returncode != 0 or not lines:
        tail = "\n".join((done.stderr or "").splitlines()[-15:])
        raise InvokeError(
            f"sam local invoke {function} failed (exit {done.returncode})"
            + (f":\n{tail}" if tail else "")
        )
    try:
        return json.loads(lines[-1])
    except json.JSONDecodeError as exc:
        raise InvokeError(
            f"sam local invoke {function} printed no JSON: {lines[-1][:200]}"
        ) from exc


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sam_local.invoke")
    parser.add_argument("function", help="logical id, e.g. FallbackFunction")
    parser.add_argument("event", help="event file, e.g. events/lexV2FallbackKo.json")
    parser.add_argument("--env-vars", default=None, help="SAM env.json (default env.json)")
    parser.add_argument("--template", default=str(BUILT_TEMPLATE))
    args = parser.parse_args(argv)
    problem = docker_problem()
    if problem:
        print(f"sam-invoke: {problem}", file=sys.stderr)
        return 1
    try:
        image = template_runtime(REPO_ROOT / "template.yaml")
        ensure_fresh_derived(image)
        answer = invoke(
            args.function,
            args.event,
            local_settings(args.env_vars, os.environ),
            image=image,
            template=args.template,
        )
    except (InvokeError, ImageError, UnsupportedRuntime, DockerUnavailable, ValueError) as exc:
        print(f"sam-invoke: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(answer, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
