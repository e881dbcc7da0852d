"""Get the stack ready for ``sam delete`` (``make destroy``): empty its bucket, say what is kept.

CloudFormation cannot delete a bucket that still holds objects, so ``sam delete`` alone fails on a
deployed stack. ``python -m deploytools.destroy --config-file samconfig.toml`` reads the stack name
and region from the SAM config, asks once (unless ``--yes``), deletes every object version and
delete marker in the ``FrontendBucket`` output's bucket, and prints the resources the stack keeps on
purpose (the OpenAI key's secret has ``DeletionPolicy: Retain``) with the command that deletes them.
``make destroy`` then runs ``sam delete --no-prompts``.

Exit status: 0 when the stack is ready to delete (or does not exist), 1 on an error, 2 when the
user said no. The AWS clients are passed in, so tests run the steps against moto's server.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from deploytools.upload_frontend import BUCKET_OUTPUT, UploadError, read_samconfig

__all__ = ["RETAINED_OUTPUTS", "empty_bucket", "main", "stack_outputs"]

#: Outputs naming resources that survive ``sam delete`` (DeletionPolicy: Retain in template.yaml).
RETAINED_OUTPUTS = {"OpenAIApiKeySecretArn": "aws secretsmanager delete-secret --secret-id {value}"}


def stack_outputs(cloudformation: Any, stack_name: str) -> dict[str, str] | None:
    """The stack's outputs, or None when there is no such stack."""
    try:
        stacks = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    except Exception as exc:  # botocore ClientError: "Stack with id X does not exist"
        if "does not exist" in str(exc):
            return None
        raise UploadError(f"cannot describe stack {stack_name}: {exc}") from exc
    return {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs") or []}


def empty_bucket(s3: Any, bucket: str) -> int:
    """Delete every object version and delete marker (plain objects too); return how many."""
    deleted = 0
    try:
        pages = s3.get_paginator("list_object_versions").paginate(Bucket=bucket)
        for page in pages:
            batch = [
                {"Key": item["Key"], "VersionId": item["VersionId"]}
                for kind in ("Versions", "DeleteMarkers")
                for item in page.get(kind) or []
            ]
            for start in range(0, len(batch), 1000):
                chunk = batch[start : start + 1000]
                s3.delete_objects(Bucket=bucket, Delete={"Objects": chunk, "Quiet": True})
                deleted += len(chunk)
    except Exception as exc:
        if "NoSuchBucket" in str(exc):
            return deleted
        raise UploadError(f"cannot empty s3://{bucket}: {exc}") from exc
    return deleted


def _ask(question: str) -> bool:
    try:
        return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")
    except EOFError:
        return False


def main(argv: list[str] | None = None, *, ask: Callable[[str], bool] = _ask) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploytools.destroy", description=__doc__)
    parser.add_argument("--config-file", default="samconfig.toml")
    parser.add_argument("--config-env", default="default")
    parser.add_argument("--stack-name", default=None, help="overrides the SAM config")
    parser.add_argument("--region", default=None, help="overrides the SAM config")
    parser.add_argument("--yes", action="store_true", help="do not ask (CONFIRM=0)")
    args = parser.parse_args(argv)
    try:
        stack_name, region = read_samconfig(args.config_file, args.config_env)
        stack_name = args.stack_name or stack_name
        region = args.region or region

        import boto3

        session = boto3.session.Session(region_name=region)
        cloudformation = session.client("cloudformation")
        outputs = stack_outputs(cloudformation, stack_name)
        if outputs is None:
            print(f"stack {stack_name} does not exist in {session.region_name}; nothing to empty")
            return 0
        where = f"stack {stack_name} in {session.region_name}"
        if not args.yes and not ask(f"Delete {where}, its page and its bot?"):
            print("not deleted")
            return 2
        bucket = outputs.get(BUCKET_OUTPUT)
        if bucket:
            count = empty_bucket(session.client("s3"), bucket)
            print(f"emptied s3://{bucket}/ ({count} objects)")
        for output, command in RETAINED_OUTPUTS.items():
            if outputs.get(output):
                print(
                    f"kept on purpose: {output} {outputs[output]} (DeletionPolicy: Retain);"
                    f" delete it with: {command.format(value=outputs[output])}"
                )
    except UploadError as exc:
        print(f"destroy: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # botocore errors: one line, no traceback, no credentials
        print(f"destroy: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
