"""Build the Lambda-compatible image ``lex-llm-chatbot/lambda:<runtime>`` locally, no registry.

    python -m sam_local.image [--runtime python3.13] [--template template.yaml] [--force]

The official ``public.ecr.aws/lambda/python`` images cannot be pulled here, so this builds an
equivalent from Debian's archive: ``mmdebstrap`` of the release whose ``python3`` is the runtime's
version (python3.11 -> bookworm, python3.13 -> trixie), then ``docker import``. Same layout as
Lambda: the code in ``/var/task``, ``/var/runtime/bootstrap`` running the runtime interface client
(``awslambdaric`` from PyPI) next to the runtime's boto3/botocore (``sam_local.runtimes``),
``/var/lang/bin/python3.X``, ``LAMBDA_TASK_ROOT`` and ``TZ=:UTC``. SAM runs it through
``--invoke-image lex-llm-chatbot/lambda:<runtime> --skip-pull-image``, adding its own
``aws-lambda-rie`` in a derived ``…:rapid-x86_64`` image; that derived image is deleted whenever
this one is rebuilt, or SAM would keep running the old one.

The image carries a label with the hash of everything it is built from (this file, the runtime
recipe), so a second run with the same inputs does nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from sam_local.runtimes import RuntimeSpec, UnsupportedRuntime, runtime_spec, template_runtime

__all__ = [
    "ImageError",
    "derived_images",
    "ensure_fresh_derived",
    "ensure_image",
    "inputs_hash",
    "main",
]

INPUTS_LABEL = "org.lex-llm-chatbot.inputs"
DEBIAN_MIRROR = "http://deb.debian.org/debian"
BOOTSTRAP = """#!/bin/sh
# Lambda's bootstrap for a Python runtime: the function's code (/var/task) comes first, then layers
# (/opt/python); the runtime's own packages (boto3, awslambdaric) in /var/runtime come after the
# standard library (lambda-runtime.pth), so a function's own boto3 wins, as in Lambda.
export PYTHONPATH="${LAMBDA_TASK_ROOT:-/var/task}:/opt/python${PYTHONPATH:+:$PYTHONPATH}"
cd "${LAMBDA_TASK_ROOT:-/var/task}" || exit 1
exec /var/lang/bin/python@PY@ -m awslambdaric "${_HANDLER:-$1}"
"""


class ImageError(RuntimeError):
    """The image could not be built; the message says why and what to do."""


def _hooks(spec: RuntimeSpec, runtime_dir: str) -> list[str]:
    """mmdebstrap customize hooks: Lambda's layout inside the root filesystem."""
    return [
        'mkdir -p "$1/var/task" "$1/var/runtime" "$1/var/lang/bin" "$1/opt" "$1/tmp"',
        f'ln -sf /usr/bin/python{spec.python} "$1/var/lang/bin/python{spec.python}"',
        f'ln -sf python{spec.python} "$1/var/lang/bin/python3"',
        f'ln -sf python{spec.python} "$1/var/lang/bin/python"',
        f"sync-in {runtime_dir} /var/runtime",
        'echo /var/runtime > "$1/usr/lib/python3/dist-packages/lambda-runtime.pth"',
        'rm -rf "$1/var/cache/apt"/*.bin "$1/var/lib/apt/lists"/*',
    ]


IMAGE_CONFIG = (
    "ENV LAMBDA_TASK_ROOT=/var/task",
    "ENV LAMBDA_RUNTIME_DIR=/var/runtime",
    "ENV LANG=C.UTF-8",
    "ENV TZ=:UTC",
    "ENV PATH=/var/lang/bin:/usr/local/bin:/usr/bin:/bin",
    "WORKDIR /var/task",
    'CMD ["/var/runtime/bootstrap"]',
)
DPKG_OPTIONS = (
    "--dpkgopt=path-exclude=/usr/share/doc/*",
    "--dpkgopt=path-exclude=/usr/share/man/*",
    "--dpkgopt=path-exclude=/usr/share/locale/*",
)


def _packages(spec: RuntimeSpec) -> str:
    # libstdc++6: awslambdaric's runtime_client extension is C++.
    return f"python{spec.python},libstdc++6,ca-certificates,tzdata"


def inputs_hash(spec: RuntimeSpec) -> str:
    """Hash of everything the image is made of (not of this file's other code or comments)."""
    recipe = {
        "runtime": [spec.name, spec.python, spec.debian_suite, list(spec.pip_pins)],
        "packages": _packages(spec),
        "bootstrap": BOOTSTRAP,
        "hooks": _hooks(spec, "RUNTIME"),
        "config": list(IMAGE_CONFIG),
        "dpkg": list(DPKG_OPTIONS),
        "mirror": DEBIAN_MIRROR,
    }
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:16]


def _run(cmd: Sequence[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload,no-any-return]  # noqa: S603 - argv lists
        list(cmd), check=False, text=True, capture_output=True, **kwargs
    )


def _image_label(tag: str) -> str | None:
    out = _run(["docker", "image", "inspect", "-f", "{{json .Config.Labels}}", tag])
    if out.returncode != 0:
        return None
    labels = json.loads(out.stdout or "null") or {}
    value = labels.get(INPUTS_LABEL)
    return value if isinstance(value, str) else None


def derived_images(spec: RuntimeSpec) -> list[str]:
    """SAM's derived images of ours (``<repo>:<tag>-rapid-<arch>`` / ``:rapid-<arch>``)."""
    repo, tag = spec.tag.split(":", 1)
    out = _run(["docker", "images", "--format", "{{.Repository}}:{{.Tag}}", repo])
    return [
        line
        for line in out.stdout.split()
        if line.startswith(f"{repo}:{tag}-rapid-") or line.startswith(f"{repo}:rapid-")
    ]


def _remove_derived(spec: RuntimeSpec, made_from: str | None) -> None:
    """Remove SAM's derived images made from the previous build of ``spec`` (same label)."""
    for image in derived_images(spec):
        if made_from is not None and _image_label(image) not in (made_from, None):
            continue  # derived from another runtime's image
        print(f"removing SAM's derived image {image} (its base changed)", file=sys.stderr)
        _run(["docker", "image", "rm", "-f", image])


def _pip_runtime(spec: RuntimeSpec, target: Path) -> None:
    """The runtime's packages as wheels for its Python (the host's Python may be another one)."""
    cmd = [
        sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "--no-compile", "--only-binary=:all:", "--implementation", "cp",
        "--python-version", spec.python, "--platform", "manylinux2014_x86_64",
        "--platform", "manylinux_2_28_x86_64", "--target", str(target), *spec.pip_pins,
    ]  # fmt: skip
    out = _run(cmd)
    if out.returncode != 0:
        raise ImageError(f"pip could not fetch {' '.join(spec.pip_pins)}:\n{out.stderr[-2000:]}")


def _build(spec: RuntimeSpec, digest: str) -> None:
    if shutil.which("mmdebstrap") is None:
        raise ImageError(
            "mmdebstrap is missing: run scripts/container-runtime.sh (or apt-get install mmdebstrap)"
        )
    with tempfile.TemporaryDirectory(prefix="lambda-image-") as tmp:
        runtime = Path(tmp) / "runtime"
        _pip_runtime(spec, runtime)
        bootstrap = runtime / "bootstrap"
        bootstrap.write_text(BOOTSTRAP.replace("@PY@", spec.python))
        bootstrap.chmod(0o755)
        rootfs = Path(tmp) / "rootfs.tar"
        cmd = [
            "mmdebstrap", "--quiet", "--variant=essential", "--format=tar",
            f"--include={_packages(spec)}", *DPKG_OPTIONS,
            *[f"--customize-hook={hook}" for hook in _hooks(spec, str(runtime))],
            spec.debian_suite, str(rootfs), DEBIAN_MIRROR,
        ]  # fmt: skip
        print(f"building {spec.tag}: mmdebstrap {spec.debian_suite} ...", file=sys.stderr)
        out = _run(cmd)
        if out.returncode != 0:
            raise ImageError(f"mmdebstrap {spec.debian_suite} failed:\n{out.stderr[-3000:]}")
        changes = [f"LABEL {INPUTS_LABEL}={digest}", *IMAGE_CONFIG]
        args = ["docker", "import"]
        for change in changes:
            args += ["--change", change]
        out = _run([*args, str(rootfs), spec.tag])
        if out.returncode != 0:
            raise ImageError(f"docker import failed: {out.stderr.strip()}")


def ensure_fresh_derived(spec: RuntimeSpec) -> None:
    """Build ``spec``'s image if needed and drop SAM's derived images not built from it.

    All runtimes share SAM's derived ``lex-llm-chatbot/lambda:rapid-x86_64`` (SAM names it after
    the repository only), and it inherits our inputs label: one with another label was made from
    another base (another runtime, or an older build), and SAM with ``--skip-pull-image`` would
    keep running it.
    """
    ensure_image(spec)
    current = _image_label(spec.tag)
    for image in derived_images(spec):
        if _image_label(image) != current:
            print(
                f"removing SAM's derived image {image} (built from another base)", file=sys.stderr
            )
            _run(["docker", "image", "rm", "-f", image])


def ensure_image(spec: RuntimeSpec, *, force: bool = False) -> bool:
    """Build ``spec.tag`` unless an image with the same inputs exists; True when it built one."""
    if _run(["docker", "info"]).returncode != 0:
        raise ImageError("Docker is not running: run scripts/container-runtime.sh")
    digest = inputs_hash(spec)
    if not force and _image_label(spec.tag) == digest:
        return False
    old = _run(["docker", "image", "inspect", "-f", "{{.Id}}", spec.tag]).stdout.strip()
    old_label = _image_label(spec.tag)
    _build(spec, digest)
    _remove_derived(spec, made_from=old_label)
    if old:  # the previous build, now untagged
        _run(["docker", "image", "rm", old])
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sam_local.image", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--runtime", default=os.environ.get("RUNTIME") or None)
    parser.add_argument("--template", default="template.yaml")
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    args = parser.parse_args(argv)
    try:
        spec = runtime_spec(args.runtime) if args.runtime else template_runtime(args.template)
        built = ensure_image(spec, force=args.force)
    except (ImageError, UnsupportedRuntime) as exc:
        print(f"lambda-image: {exc}", file=sys.stderr)
        return 1
    state = "built" if built else "is up to date"
    print(f"{spec.tag} {state} (inputs {inputs_hash(spec)})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
