"""Publish ``frontend/`` to the deployed stack's bucket and refresh CloudFront (``make deploy``).

``python -m deploytools.upload_frontend --config-file samconfig.toml`` reads the stack name and region
from the SAM config, finds the ``FrontendBucket`` output and the ``WebDistribution`` resource with
CloudFormation, uploads the files that are part of the page (what ``index.html`` reaches through
its scripts, style sheets and module imports, see ``deploytools.page_references``; so no README,
npm manifest or stray file) with its Content-Type and Cache-Control, deletes objects that are no
longer part of the page, and invalidates ``/*``. ``--dry-run`` lists both what would be uploaded
and what is left out.

Errors are reported in one line with exit status 1. The AWS clients are passed in, so the steps
can run against any endpoint (tests use moto's server).
"""

from __future__ import annotations

import argparse
import sys
import time
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deploytools.page_references import ENTRY, reachable
from devstack.frontend_files import PublishedFile, iter_published

__all__ = [
    "DeployTarget",
    "UploadError",
    "find_target",
    "invalidate",
    "main",
    "prune",
    "read_samconfig",
    "select_files",
    "upload",
]

BUCKET_OUTPUT = "FrontendBucket"
DISTRIBUTION_RESOURCE = "WebDistribution"


class UploadError(RuntimeError):
    """A step of the upload that failed; the message says which and how to fix it."""


@dataclass(frozen=True)
class DeployTarget:
    bucket: str
    distribution_id: str | None


def read_samconfig(path: str | Path, env: str = "default") -> tuple[str, str | None]:
    """Stack name and region from a samconfig.toml (deploy section first, then global)."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UploadError(f"cannot read {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise UploadError(f"{path} is not valid TOML: {exc}") from exc
    section = data.get(env) or {}
    merged: dict[str, Any] = {}
    for command in ("global", "deploy"):
        merged.update((section.get(command) or {}).get("parameters") or {})
    stack_name = merged.get("stack_name")
    if not isinstance(stack_name, str) or not stack_name:
        raise UploadError(f"{path} has no stack_name in [{env}.deploy.parameters] or global")
    region = merged.get("region")
    return stack_name, region if isinstance(region, str) and region else None


def select_files(root: str | Path) -> list[PublishedFile]:
    """The page's files; refuses a folder without index.html, the vendor libs or a referenced file."""
    return _split_files(root)[0]


def _split_files(root: str | Path) -> tuple[list[PublishedFile], list[PublishedFile]]:
    """(files of the page, files in the folder that the page never references)."""
    root = Path(root)
    files = list(iter_published(root))
    keys = {f.key for f in files}
    if ENTRY not in keys:
        raise UploadError(f"{root}/{ENTRY} is missing")
    if (root / "package.json").is_file() and not any(k.startswith("vendor/") for k in keys):
        raise UploadError(f"{root}/vendor is empty: run `make frontend-deps` first")
    page, missing = reachable({f.key: f.path for f in files})
    if missing:
        raise UploadError(f"the page refers to files that are not in {root}: {sorted(missing)}")
    return [f for f in files if f.key in page], [f for f in files if f.key not in page]


def find_target(cloudformation: Any, stack_name: str) -> DeployTarget:
    """The bucket (stack output) and the CloudFront distribution id (stack resource)."""
    try:
        stacks = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    except Exception as exc:  # botocore ClientError and friends, reported in one line
        raise UploadError(f"cannot describe stack {stack_name}: {exc}") from exc
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs") or []}
    bucket = outputs.get(BUCKET_OUTPUT)
    if not bucket:
        raise UploadError(f"stack {stack_name} has no {BUCKET_OUTPUT} output; deploy it first")
    try:
        detail = cloudformation.describe_stack_resource(
            StackName=stack_name, LogicalResourceId=DISTRIBUTION_RESOURCE
        )["StackResourceDetail"]
        distribution_id = detail.get("PhysicalResourceId") or None
    except Exception:  # no such resource: nothing to invalidate
        distribution_id = None
    return DeployTarget(bucket=bucket, distribution_id=distribution_id)


def upload(s3: Any, bucket: str, files: Iterable[PublishedFile]) -> list[str]:
    """Put every file with its Content-Type and Cache-Control; return the keys written."""
    written = []
    for item in files:
        s3.put_object(
            Bucket=bucket,
            Key=item.key,
            Body=item.path.read_bytes(),
            ContentType=item.content_type,
            CacheControl=item.cache_control,
        )
        written.append(item.key)
    return written


def prune(s3: Any, bucket: str, keep: Iterable[str]) -> list[str]:
    """Delete objects that are no longer part of the page; return the keys deleted."""
    wanted = set(keep)
    stale: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        stale.extend(o["Key"] for o in page.get("Contents") or [] if o["Key"] not in wanted)
    for start in range(0, len(stale), 1000):
        batch = [{"Key": k} for k in stale[start : start + 1000]]
        s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
    return stale


def invalidate(cloudfront: Any, distribution_id: str, paths: Sequence[str] = ("/*",)) -> str:
    """Start a CloudFront invalidation; return its id."""
    result = cloudfront.create_invalidation(
        DistributionId=distribution_id,
        InvalidationBatch={
            "Paths": {"Quantity": len(paths), "Items": list(paths)},
            "CallerReference": f"deploytools-upload-{time.time_ns()}",
        },
    )
    return str(result["Invalidation"]["Id"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deploytools.upload_frontend", description=__doc__
    )
    parser.add_argument("--config-file", default="samconfig.toml")
    parser.add_argument("--config-env", default="default")
    parser.add_argument("--stack-name", default=None, help="overrides the SAM config")
    parser.add_argument("--region", default=None, help="overrides the SAM config")
    parser.add_argument("--frontend", default="frontend")
    parser.add_argument("--no-prune", action="store_true", help="keep objects no longer published")
    parser.add_argument("--dry-run", action="store_true", help="list what would be uploaded")
    args = parser.parse_args(argv)
    try:
        files, left_out = _split_files(args.frontend)
        if args.dry_run:
            for item in files:
                print(f"{item.key}\t{item.content_type}\t{item.cache_control}")
            for item in left_out:
                print(f"# not part of the page, not uploaded: {item.key}")
            return 0
        stack_name, region = read_samconfig(args.config_file, args.config_env)
        stack_name = args.stack_name or stack_name
        region = args.region or region

        import boto3

        session = boto3.session.Session(region_name=region)
        target = find_target(session.client("cloudformation"), stack_name)
        s3 = session.client("s3")
        written = upload(s3, target.bucket, files)
        print(f"uploaded {len(written)} files to s3://{target.bucket}/")
        if not args.no_prune:
            deleted = prune(s3, target.bucket, written)
            if deleted:
                print(f"deleted {len(deleted)} stale objects")
        if target.distribution_id:
            inv = invalidate(session.client("cloudfront"), target.distribution_id)
            print(f"CloudFront invalidation {inv} started for {target.distribution_id}")
        else:
            print("no CloudFront distribution found; skipped the invalidation")
    except UploadError as exc:
        print(f"upload_frontend: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # botocore errors: one line, no traceback, no credentials
        print(f"upload_frontend: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
