"""Build ``sam local`` command lines and the env.json they get, the same way for every caller.

Every command uses the locally built image (``--invoke-image lex-llm-chatbot/lambda:<runtime>
--skip-pull-image``, so nothing is pulled from a registry) and an env.json in SAM's format in
which every loopback URL (``OPENAI_BASE_URL``, ``LEX_ENDPOINT_URL``) is replaced by a relay on
Docker's bridge (``sam_local.relay``): inside a container 127.0.0.1 is the container itself.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from sam_local.relay import Relay, is_loopback_url
from sam_local.runtimes import RuntimeSpec

__all__ = [
    "BUILT_TEMPLATE",
    "URL_VARIABLES",
    "ContainerSettings",
    "sam_command",
    "sam_environment",
]

REPO_ROOT = Path(__file__).resolve().parents[1]
BUILT_TEMPLATE = REPO_ROOT / ".aws-sam" / "build" / "template.yaml"
URL_VARIABLES = ("OPENAI_BASE_URL", "LEX_ENDPOINT_URL")
_DUMMY_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}


class ContainerSettings:
    """An env.json for the containers, written 0600 (it may hold a key); ``close()`` removes it
    and stops the relays."""

    def __init__(self, env_vars: Mapping[str, Mapping[str, str]], gateway: str) -> None:
        self.relays: list[Relay] = []
        by_target: dict[str, Relay] = {}
        out: dict[str, dict[str, str]] = {}
        for section, values in env_vars.items():
            out[section] = {}
            for name, value in values.items():
                if name in URL_VARIABLES and value and is_loopback_url(value):
                    origin = value.split("/", 3)
                    key = "/".join(origin[:3])
                    relay = by_target.get(key)
                    if relay is None:
                        relay = Relay(gateway, key).start()
                        by_target[key] = relay
                        self.relays.append(relay)
                    value = relay.url.rstrip("/") + ("/" + origin[3] if len(origin) > 3 else "")
                out[section][name] = value
        # Offline there is no Secrets Manager: like `make dev` (where references resolve to ""),
        # a local run has no secret ARN unless env.json names one. SAM would pass the logical id.
        out.setdefault("FallbackFunction", {}).setdefault("OPENAI_API_KEY_SECRET_ARN", "")
        # Likewise the session-id key: `SESSION_KEY` from env.json, else one generated for this
        # run, as `make dev` does (ids from another run are refused with 400 invalid_session_id).
        chat = out.setdefault("ChatApiFunction", {})
        chat.setdefault("SESSION_KEY_SECRET_ARN", "")
        if not chat.get("SESSION_KEY", "").strip():
            chat["SESSION_KEY"] = secrets.token_urlsafe(32)
        self.env_vars = out
        self._dir = tempfile.mkdtemp(prefix="sam-env-")
        self.path = Path(self._dir) / "env.json"
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(out, fh)

    def close(self) -> None:
        for relay in self.relays:
            relay.stop()
        self.relays.clear()
        if self.path.exists():
            self.path.unlink()
        if os.path.isdir(self._dir):
            os.rmdir(self._dir)

    def __enter__(self) -> ContainerSettings:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def sam_command(
    subcommand: Sequence[str],
    *,
    image: RuntimeSpec,
    env_file: str | Path,
    template: str | Path = BUILT_TEMPLATE,
    extra: Sequence[str] = (),
) -> list[str]:
    """``python -m samcli local <subcommand> ...`` with the flags every local run needs."""
    return [
        sys.executable, "-m", "samcli", "local", *subcommand,
        "--template", str(template),
        "--invoke-image", image.tag, "--skip-pull-image",
        "--env-vars", str(env_file),
        "--container-host-interface", "127.0.0.1",
        *extra,
    ]  # fmt: skip


def sam_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """SAM's own environment: no real credentials or keys from the shell, no telemetry."""
    env = {
        k: v for k, v in environ.items() if not k.startswith(("AWS_", "OPENAI_", "LEX_", "SAM_"))
    }
    env.update(_DUMMY_AWS)
    env["SAM_CLI_TELEMETRY"] = "0"
    # `sam local` asks STS for the account id first; without an account that waits ~8 s for
    # the network. A closed loopback port fails at once (SAM then uses its default account id).
    env["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:9"
    env["AWS_MAX_ATTEMPTS"] = "1"
    return env
