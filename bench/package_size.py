"""Size of each function's package after ``sam build``, and whether its handler imports from it.

Runs ``sam build`` (no Docker and no python3.13 needed: the functions' makefiles build for the
runtime with ``deploytools.function_build``; ``.venv/bin`` goes first on PATH and the repository on
PYTHONPATH, as ``make build`` does) into a temporary build and cache directory, so the checkout's ``.aws-sam`` is left alone. For every
function in the build it reports the unzipped size (sum of file sizes), the zipped size (a
DEFLATED zip written to a temporary file, as Lambda would receive it) and the five biggest
top-level entries (packages, modules, ``*.dist-info``).

It also checks each package the way Lambda would load it: a fresh ``python3.13 -I -S -B`` (the
template's runtime, found like the build finds it; the check is skipped without one) with only the
standard library, the build folder and what the Lambda Python runtime itself provides (boto3,
botocore, s3transfer, jmespath, urllib3, dateutil, six; linked from this venv) on ``sys.path``
imports the handler the template names. A package that is small because something is missing
fails this check.

Target: chat API function (``ChatApiFunction``) < 5 MB unzipped (1 MB = 1,000,000 bytes; the
MiB figure is shown too).

``sam build`` downloads the fallback's requirements from PyPI. Without network it fails; the
script then says so, prints sam's last lines and exits non-zero (nothing was measured).

Run: ``python bench/package_size.py``. Exit status 0 whether or not the target is met.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _bench_support import REPO, TEMPLATE, VENV_BIN, child_env, table, verdict

from deploytools.function_build import DEFAULT_RUNTIME, find_compiler
from lex_emulator.cfn_template import find_functions, load_template, resolve_function

CHAT_FUNCTION = "ChatApiFunction"
CHAT_LIMIT_BYTES = 5_000_000
#: What the Lambda Python runtime puts on sys.path besides the function's own code.
LAMBDA_RUNTIME_PACKAGES = (
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "urllib3",
    "dateutil",
    "six",
)


def tree_size(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            file = Path(root) / name
            if not file.is_symlink():
                total += file.stat().st_size
    return total


def zipped_size(folder: Path, scratch: Path) -> int:
    target = scratch / f"{folder.name}.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for root, _dirs, files in os.walk(folder):
            for name in sorted(files):
                file = Path(root) / name
                archive.write(file, file.relative_to(folder))
    size = target.stat().st_size
    target.unlink()
    return size


def top_entries(folder: Path, count: int = 5) -> list[tuple[str, int]]:
    sizes = [
        (entry.name + ("/" if entry.is_dir() else ""), tree_size(entry))
        if entry.is_dir()
        else (entry.name, entry.stat().st_size)
        for entry in folder.iterdir()
    ]
    return sorted(sizes, key=lambda item: item[1], reverse=True)[:count]


def lambda_runtime_dir(scratch: Path) -> Path:
    """A folder with links to the packages the Lambda runtime provides, taken from this venv."""
    import importlib.util

    runtime = scratch / "lambda-runtime"
    runtime.mkdir()
    for name in LAMBDA_RUNTIME_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise RuntimeError(f"{name} is not installed in this venv")
        origin = Path(spec.origin)
        source = origin.parent if origin.name == "__init__.py" else origin
        (runtime / source.name).symlink_to(source)
    return runtime


def import_check(
    build: Path, module: str, attribute: str, runtime: Path, python: str | None
) -> str:
    """'ok' or the error, importing module.attribute as Lambda would, in a clean interpreter."""
    code = (
        "import sys\n"
        f"sys.path[:0] = [{str(build)!r}, {str(runtime)!r}]\n"
        f"import importlib\nh = getattr(importlib.import_module({module!r}), {attribute!r})\n"
        "assert callable(h), 'handler is not callable'\n"
    )
    if python is None:
        return "skipped: no python3.13"
    proc = subprocess.run(
        [python, "-I", "-S", "-B", "-c", code],
        cwd=build,
        env=child_env(
            {"LEX_BOT_ID": "LOCALBOTID", "LEX_BOT_ALIAS_ID": "TSTALIASID", "PYTHONNOUSERSITE": "1"}
        ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if proc.returncode == 0:
        return "ok"
    lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
    return lines[-1] if lines else f"exit status {proc.returncode}"


def run_sam_build(build_dir: Path, cache_dir: Path) -> subprocess.CompletedProcess[str]:
    env = child_env({"SAM_CLI_TELEMETRY": "0", "PYTHONPATH": str(REPO)})
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    sam = VENV_BIN / "sam"
    return subprocess.run(
        [
            str(sam) if sam.exists() else "sam",
            "build",
            "--template",
            str(TEMPLATE),
            "--build-dir",
            str(build_dir),
            "--cache-dir",
            str(cache_dir),
            "--no-cached",  # samconfig.toml says cached; that would write .aws-sam/deps here
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def mb(size: int) -> str:
    return f"{size / 1_000_000:.2f} MB ({size / 2**20:.2f} MiB)"


def main() -> int:
    template = load_template(TEMPLATE)
    with tempfile.TemporaryDirectory(prefix="bench-size-") as tmp_name:
        tmp = Path(tmp_name)
        proc = run_sam_build(tmp / "build", tmp / "cache")
        if proc.returncode != 0:
            output = (proc.stdout + proc.stderr).strip().splitlines()
            offline = any(
                marker in line
                for line in output
                for marker in (
                    "NewConnectionError",
                    "Temporary failure in name resolution",
                    "Could not find a version",
                    "No matching distribution",
                )
            )
            print(
                "sam build FAILED"
                + (" - PyPI looks unreachable (no network?): nothing measured" if offline else "")
            )
            print("\n".join(output[-15:]))
            return 1
        runtime = lambda_runtime_dir(tmp)
        compiler = find_compiler(DEFAULT_RUNTIME)
        runtime_python = compiler.python if compiler else None
        rows: list[list[str]] = []
        targets: list[list[str]] = []
        top_tables: list[tuple[str, list[tuple[str, int]]]] = []
        for logical_id in find_functions(template):
            folder = tmp / "build" / logical_id
            if not folder.is_dir():
                raise RuntimeError(f"sam build left no folder for {logical_id}")
            spec = resolve_function(template, logical_id, REPO)
            unzipped = tree_size(folder)
            zipped = zipped_size(folder, tmp)
            importable = import_check(
                folder, spec.module_name, spec.attribute, runtime, runtime_python
            )
            rows.append([logical_id, spec.handler, mb(unzipped), mb(zipped), importable])
            top_tables.append((logical_id, top_entries(folder)))
            if logical_id == CHAT_FUNCTION:
                targets.insert(
                    0,
                    [
                        "chat API unzipped",
                        f"< {mb(CHAT_LIMIT_BYTES)}",
                        mb(unzipped),
                        verdict(unzipped < CHAT_LIMIT_BYTES),
                    ],
                )
            targets.append(
                [
                    f"{logical_id} handler imports from the build",
                    "ok",
                    importable,
                    verdict(importable == "ok"),
                ]
            )

    print("Package size after `sam build` (1 MB = 10^6 bytes)")
    print(table(["function", "handler", "unzipped", "zipped (DEFLATED)", "handler import"], rows))
    for logical_id, entries in top_tables:
        print()
        print(f"{logical_id}: 5 biggest top-level entries (unzipped)")
        print(table(["entry", "size"], [[name, mb(size)] for name, size in entries]))
    print()
    print(table(["target", "limit", "result", "verdict"], targets))
    return 0


if __name__ == "__main__":
    sys.exit(main())
