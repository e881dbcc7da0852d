"""``make chalice-config STAGE=prod``: the Chalice deploy path's config and IAM policy, generated.

    python -m deploytools.chalice_config --stage prod [--config-file samconfig.toml]

Chalice's own policy generator cannot see ``lexv2-runtime``, so ``autogen_policy`` stays false and
the policy file is generated here instead, from two facts:

* what the code calls: ``iam_actions.actions_called(chalice_app/)`` (read from the source), each
  action given the one resource it needs in ``RESOURCES``; an action without a rule there stops the
  generation, so a new AWS call cannot ship unscoped;
* what the SAM stack deployed: ``BotId``, ``BotAliasId``, ``SessionKeySecretArn``,
  ``StreamBindingsTableArn`` and ``StreamManagementUrl`` from its outputs, and the region,
  account and partition from its ARN (boto3 ``cloudformation.describe_stacks``; the stack name and
  region come from samconfig.toml).

It writes ``chalice_app/.chalice/policy-<stage>.json`` and the stage's ``iam_policy_file``,
``LEX_BOT_ID`` / ``LEX_BOT_ALIAS_ID`` and the stream variables in ``config.json``. Streaming stays on
the SAM stack's ``/stream`` (its WebSocket API, table and StreamFunction): the Chalice-deployed chat
API reads that table, and the WebSocket API ``chalice deploy`` also creates from the app's handlers
is not the one the page uses. The logs statement covers both ways the
function can be named: ``<app_name>-<stage>`` (``chalice deploy``) and
``<stack>-APIHandler-<suffix>`` (``chalice package`` deployed as stack ``<app_name>-<stage>``, or
``--package-stack-name``), in this account and region only.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deploytools.iam_actions import actions_called

__all__ = [
    "RESOURCES",
    "ChaliceConfigError",
    "StackFacts",
    "build_policy",
    "main",
    "read_stack",
    "update_config",
]

REPO_ROOT = Path(__file__).resolve().parents[1]
APP_DIR = REPO_ROOT / "chalice_app"

# IAM action -> the resources it is granted on (format fields: StackFacts attributes).
RESOURCES: dict[str, tuple[str, ...]] = {
    "lex:RecognizeText": (
        "arn:{partition}:lex:{region}:{account}:bot-alias/{bot_id}/{bot_alias_id}",
    ),
    # The HMAC key that signs session ids (template: SessionKeySecret, output SessionKeySecretArn).
    "secretsmanager:GetSecretValue": ("{session_key_secret_arn}",),
    # The SAM stack's bindings table (output StreamBindingsTableArn): the chat API reads it, the
    # WebSocket handlers write it; Chalice gives all of an app's functions one role.
    "dynamodb:GetItem": ("{stream_bindings_table_arn}",),
    "dynamodb:PutItem": ("{stream_bindings_table_arn}",),
    "dynamodb:DeleteItem": ("{stream_bindings_table_arn}",),
    # Replies to the page on the SAM stack's /stream stage (output StreamManagementUrl).
    "execute-api:ManageConnections": (
        "arn:{partition}:execute-api:{region}:{account}:{stream_api_id}/stream/POST/@connections/*",
    ),
}
# Stack outputs the generated config needs.
REQUIRED_OUTPUTS = (
    "BotId",
    "BotAliasId",
    "SessionKeySecretArn",
    "StreamBindingsTableArn",
    "StreamManagementUrl",
)
LOG_ACTIONS = ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")


class ChaliceConfigError(RuntimeError):
    """Cannot generate: no credentials, no stack, missing outputs, an unscoped action."""


@dataclass(frozen=True)
class StackFacts:
    stack_name: str
    partition: str
    region: str
    account: str
    bot_id: str
    bot_alias_id: str
    session_key_secret_arn: str
    stream_bindings_table_arn: str = ""
    stream_management_url: str = ""

    @property
    def stream_api_id(self) -> str:
        """The WebSocket API's id: the first label of the management URL's host."""
        host = self.stream_management_url.split("://", 1)[-1].split("/", 1)[0]
        return host.split(".", 1)[0]

    @property
    def stream_bindings_table(self) -> str:
        return self.stream_bindings_table_arn.rsplit("/", 1)[-1]


def read_samconfig(path: str | Path, env: str = "default") -> tuple[str, str | None]:
    """Stack name and region from samconfig.toml (deploy section over global)."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ChaliceConfigError(f"cannot read {path}: {exc}") from exc
    section = data.get(env) or {}
    merged: dict[str, Any] = {}
    for command in ("global", "deploy"):
        merged.update((section.get(command) or {}).get("parameters") or {})
    stack = merged.get("stack_name")
    if not isinstance(stack, str) or not stack:
        raise ChaliceConfigError(f"{path} has no stack_name")
    region = merged.get("region")
    return stack, region if isinstance(region, str) and region else None


def read_stack(cloudformation: Any, stack_name: str) -> StackFacts:
    """The ids and ARN parts the policy needs, from the deployed SAM stack."""
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    try:
        stacks = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    except NoCredentialsError as exc:
        raise ChaliceConfigError(
            "no AWS credentials: configure them (aws configure, AWS_PROFILE, ...) and deploy "
            "the SAM stack first (make deploy)"
        ) from exc
    except ClientError as exc:
        message = exc.response.get("Error", {}).get("Message", str(exc))
        raise ChaliceConfigError(f"cannot read stack {stack_name}: {message}") from exc
    except BotoCoreError as exc:
        raise ChaliceConfigError(f"cannot reach CloudFormation: {exc}") from exc
    if not stacks:
        raise ChaliceConfigError(f"stack {stack_name} not found: run make deploy first")
    stack = stacks[0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    missing = [key for key in REQUIRED_OUTPUTS if not outputs.get(key)]
    if missing:
        raise ChaliceConfigError(f"stack {stack_name} has no output {', '.join(missing)}")
    arn = stack["StackId"].split(":")
    return StackFacts(
        stack_name=stack_name,
        partition=arn[1],
        region=arn[3],
        account=arn[4],
        bot_id=outputs["BotId"],
        bot_alias_id=outputs["BotAliasId"],
        session_key_secret_arn=outputs["SessionKeySecretArn"],
        stream_bindings_table_arn=outputs["StreamBindingsTableArn"],
        stream_management_url=outputs["StreamManagementUrl"],
    )


def build_policy(
    facts: StackFacts,
    *,
    app_name: str,
    stage: str,
    actions: set[str],
    package_stack_name: str | None = None,
) -> dict[str, Any]:
    """The stage's IAM policy: each called action on its one resource, plus its own logs."""
    unscoped = sorted(a for a in actions if a not in RESOURCES)
    if unscoped:
        raise ChaliceConfigError(
            f"the chat API calls {', '.join(unscoped)}: give each its resource in "
            "deploytools/chalice_config.py RESOURCES"
        )
    fields = {**vars(facts), "stream_api_id": facts.stream_api_id}
    statements: list[dict[str, Any]] = [
        {
            "Sid": re.sub(r"[^A-Za-z0-9]", "", action),
            "Effect": "Allow",
            "Action": action,
            "Resource": [r.format(**fields) for r in RESOURCES[action]],
        }
        for action in sorted(actions)
    ]
    base = f"arn:{facts.partition}:logs:{facts.region}:{facts.account}:log-group:/aws/lambda/"
    package_stack = package_stack_name or f"{app_name}-{stage}"
    groups = [f"{app_name}-{stage}", f"{package_stack}-APIHandler-*"]
    statements.append(
        {
            "Sid": "WriteOwnLogs",
            "Effect": "Allow",
            "Action": list(LOG_ACTIONS),
            "Resource": [base + g for g in groups] + [base + g + ":*" for g in groups],
        }
    )
    return {"Version": "2012-10-17", "Statement": statements}


def update_config(config: dict[str, Any], stage: str, facts: StackFacts) -> dict[str, Any]:
    """``config.json`` with the stage's policy file and real bot ids (other settings kept)."""
    out = copy.deepcopy(config)
    out["autogen_policy"] = False
    stage_config = out.setdefault("stages", {}).setdefault(stage, {})
    stage_config["iam_policy_file"] = f"policy-{stage}.json"
    env = stage_config.setdefault("environment_variables", {})
    env["LEX_BOT_ID"] = facts.bot_id
    env["LEX_BOT_ALIAS_ID"] = facts.bot_alias_id
    env["SESSION_KEY_SECRET_ARN"] = facts.session_key_secret_arn
    env["STREAM_BINDINGS_TABLE"] = facts.stream_bindings_table
    env["STREAM_MANAGEMENT_URL"] = facts.stream_management_url
    env.pop("LEX_ENDPOINT_URL", None)
    return out


def generate(
    stage: str,
    cloudformation: Any,
    stack_name: str,
    *,
    app_dir: Path = APP_DIR,
    package_stack_name: str | None = None,
) -> tuple[Path, Path]:
    """Write the stage's policy file and config.json; return their paths."""
    chalice_dir = app_dir / ".chalice"
    config_path = chalice_dir / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    facts = read_stack(cloudformation, stack_name)
    policy = build_policy(
        facts,
        app_name=str(config["app_name"]),
        stage=stage,
        actions=actions_called(app_dir),
        package_stack_name=package_stack_name,
    )
    policy_path = chalice_dir / f"policy-{stage}.json"
    policy_path.write_text(json.dumps(policy, indent=2) + "\n", encoding="utf-8")
    config_path.write_text(
        json.dumps(update_config(config, stage, facts), indent=2) + "\n", encoding="utf-8"
    )
    return policy_path, config_path


def _client(region: str | None) -> Any:
    import boto3

    return boto3.client("cloudformation", region_name=region)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploytools.chalice_config")
    parser.add_argument("--stage", required=True)
    parser.add_argument("--config-file", default=str(REPO_ROOT / "samconfig.toml"))
    parser.add_argument("--stack-name", default=None, help="default: samconfig.toml's")
    parser.add_argument("--region", default=None, help="default: samconfig.toml's")
    parser.add_argument("--package-stack-name", default=None)
    args = parser.parse_args(argv)
    try:
        stack, region = read_samconfig(args.config_file)
        policy_path, config_path = generate(
            args.stage,
            _client(args.region or region),
            args.stack_name or stack,
            package_stack_name=args.package_stack_name,
        )
    except ChaliceConfigError as exc:
        print(f"chalice-config: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {policy_path.relative_to(REPO_ROOT)} and {config_path.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
