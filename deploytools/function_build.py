"""Build a Lambda package for the template's runtime on any machine (``sam build``'s makefiles).

``sam build``'s default Python builder needs the runtime's own interpreter (python3.13) on PATH.
The functions' makefiles call this module instead, so a build works from the 3.11 development
venv:

* ``install``: ``pip install --target`` of exactly the hash-pinned lock (``--no-deps
  --require-hashes``), as wheels for the runtime (``--python-version 3.13 --platform
  manylinux2014_x86_64 --only-binary=:all:``), then a check that the installed distributions are
  the lock, no more, no less, and that their own requirements (evaluated for the runtime) are all in
  it or in what Lambda provides (boto3 and its dependencies).
* ``bytecode``: compile every ``.py`` with the runtime's own Python into PEP 552 hash-based,
  *unchecked* ``.pyc`` (``compileall --invalidation-mode unchecked-hash``). Lambda unpacks the zip
  into a read-only ``/var/task`` with fresh file times and no bytecode, so without this every cold
  start compiles the whole package again; unchecked-hash bytecode is used as is, whatever the file
  times. Same source, same bytes, so two builds give the same zip and an unchanged stack stays
  unchanged.
* ``check``: verify a built package (``.aws-sam/build/<Function>``): every ``.py`` has its
  unchecked-hash ``.pyc`` for the runtime (``make deploy`` runs it).
* ``lock``: write the hash-pinned lock from the pinned requirements (``make lock``).

Which Python compiles (first found): ``$LAMBDA_PYTHON``; ``python3.13`` on PATH (a pyenv shim that
is not active is skipped, and pyenv's own 3.13 is used); the project's Lambda-compatible image
``lex-llm-chatbot/lambda:python3.13`` through Docker (``make lambda-image``). None of them: the
package is built without bytecode and a warning says so (the function works, its cold start is
slower); ``REQUIRE_BYTECODE=1`` turns that into an error, and ``make deploy`` refuses such a package
unless ``ALLOW_NO_BYTECODE=1``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DEFAULT_RUNTIME",
    "LAMBDA_PROVIDED",
    "PYC_MAGIC",
    "BuildError",
    "Compiler",
    "check_bytecode",
    "check_closure",
    "compile_bytecode",
    "find_compiler",
    "main",
    "read_lock",
    "write_lock",
]

#: template.yaml's Globals Runtime (a unit test keeps the two equal); LAMBDA_RUNTIME overrides it.
DEFAULT_RUNTIME = "python3.13"
PLATFORMS = ("manylinux2014_x86_64",)
#: Distributions the Lambda Python runtime already has on sys.path (boto3 and its dependencies).
LAMBDA_PROVIDED = frozenset(
    {"boto3", "botocore", "s3transfer", "jmespath", "urllib3", "python-dateutil", "six"}
)
#: importlib.util.MAGIC_NUMBER (first two bytes, little-endian) per runtime, from each interpreter.
PYC_MAGIC = {"python3.11": 3495, "python3.12": 3531, "python3.13": 3571}
#: PEP 552 flags word: bit 0 = hash-based, bit 1 = check_source. Unchecked hash = 0b01.
UNCHECKED_HASH_FLAGS = 0b01
IMAGE = "lex-llm-chatbot/lambda:{runtime}"


class BuildError(RuntimeError):
    """A build step failed; the message says which and how to fix it."""


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# ---------------------------------------------------------------- the lock


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    hashes: tuple[str, ...] = ()


_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def read_lock(path: Path) -> list[Pin]:
    """``name==version`` lines (with ``--hash=sha256:...`` continuations) of a requirements file."""
    pins: list[Pin] = []
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = _PIN.match(line)
        if not match:
            raise BuildError(f"{path}: not an exact pin: {raw.strip()!r}")
        hashes = tuple(re.findall(r"--hash=(sha256:[0-9a-f]{64})", line))
        pins.append(Pin(_normalise(match.group(1)), match.group(2), hashes))
    return pins


def _pip(python: str, *args: str) -> None:
    cmd = [python, "-m", "pip", "--disable-pip-version-check", "-q", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603 - argv is built here, not from input
    if proc.returncode != 0:
        noise = "is ignored: it is neither a file nor a directory"
        err = "\n".join(ln for ln in proc.stderr.splitlines() if noise not in ln)
        raise BuildError(f"pip {args[0]} failed ({proc.returncode}):\n{err.strip()}")


def _wheel_args(python_version: str) -> list[str]:
    args = ["--only-binary=:all:", "--implementation", "cp", "--python-version", python_version]
    for platform in PLATFORMS:
        args += ["--platform", platform]
    return args


def write_lock(requirements: Path, lock: Path, runtime: str) -> list[Pin]:
    """Download the pinned wheels for ``runtime`` and write them with their sha256 hashes."""
    pins = read_lock(requirements)
    version = runtime.removeprefix("python")
    with tempfile.TemporaryDirectory(prefix="function-lock-") as tmp:
        _pip(
            sys.executable,
            "download",
            "--no-deps",
            *_wheel_args(version),
            "-r",
            str(requirements),
            "-d",
            tmp,
        )
        by_name: dict[str, list[str]] = {}
        for wheel in sorted(Path(tmp).glob("*.whl")):
            name = _normalise(wheel.name.split("-", 1)[0])
            digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
            by_name.setdefault(name, []).append(f"sha256:{digest}")
    lines = [
        f"# Generated by `make lock` from {requirements.name} for {runtime} ({', '.join(PLATFORMS)}):",
        "# exactly what `sam build` installs (pip --no-deps --require-hashes). Do not edit.",
    ]
    locked: list[Pin] = []
    for pin in pins:
        hashes = by_name.get(pin.name)
        if not hashes:
            raise BuildError(f"no {runtime} wheel downloaded for {pin.name}=={pin.version}")
        locked.append(Pin(pin.name, pin.version, tuple(hashes)))
        lines.append(f"{pin.name}=={pin.version} \\")
        lines.extend(
            f"    --hash={h}" + (" \\" if i < len(hashes) - 1 else "") for i, h in enumerate(hashes)
        )
    lock.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return locked


# ---------------------------------------------------------------- install + closure


def install_locked(lock: Path, target: Path, runtime: str) -> None:
    """pip install exactly the lock into ``target``, as the runtime's wheels."""
    version = runtime.removeprefix("python")
    _pip(
        sys.executable,
        "install",
        "--no-deps",
        "--require-hashes",
        "--no-compile",  # pip would compile with *this* Python (3.11): wrong magic, wasted bytes
        "--target",
        str(target),
        *_wheel_args(version),
        "-r",
        str(lock),
    )


def _installed(target: Path) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, Requires-Dist lines) for every ``*.dist-info`` in ``target``."""
    found: dict[str, tuple[str, list[str]]] = {}
    for info in target.glob("*.dist-info"):
        meta = (info / "METADATA").read_text(encoding="utf-8", errors="replace")
        header = meta.split("\n\n", 1)[0]
        fields = [ln.split(":", 1) for ln in header.splitlines() if ":" in ln]
        name = next(v.strip() for k, v in fields if k == "Name")
        version = next(v.strip() for k, v in fields if k == "Version")
        requires = [v.strip() for k, v in fields if k == "Requires-Dist"]
        found[_normalise(name)] = (version, requires)
    return found


def check_closure(target: Path, pins: Sequence[Pin], runtime: str) -> None:
    """The installed distributions are exactly ``pins``, and nothing they need is missing."""
    from packaging.requirements import Requirement

    installed = _installed(target)
    wanted = {p.name: p.version for p in pins}
    have = {name: version for name, (version, _) in installed.items()}
    if have != wanted:
        extra = sorted(set(have) - set(wanted))
        missing = sorted(set(wanted) - set(have))
        wrong = sorted(n for n in set(have) & set(wanted) if have[n] != wanted[n])
        raise BuildError(
            f"package is not the lock: extra {extra}, missing {missing}, wrong {wrong}"
        )
    major, minor = runtime.removeprefix("python").split(".")
    environment = {
        "python_version": f"{major}.{minor}",
        "python_full_version": f"{major}.{minor}.0",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "platform_machine": "x86_64",
        "os_name": "posix",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "extra": "",
    }
    unmet: list[str] = []
    for name, (_, requires) in sorted(installed.items()):
        for line in requires:
            req = Requirement(line)
            if req.marker is not None and not req.marker.evaluate(environment):
                continue
            dep = _normalise(req.name)
            if dep in LAMBDA_PROVIDED:
                continue
            if dep not in have or not req.specifier.contains(have[dep], prereleases=True):
                unmet.append(f"{name} needs {line}")
    if unmet:
        raise BuildError(
            "the lock is not a closed set for " + runtime + ":\n  " + "\n  ".join(unmet)
        )


# ---------------------------------------------------------------- bytecode


@dataclass(frozen=True)
class Compiler:
    """The runtime's Python: a host interpreter, or an image run through Docker."""

    description: str
    python: str | None = None
    image: str | None = None
    image_python: str = ""


def _host_python_version(path: str) -> str | None:
    try:
        proc = subprocess.run(  # noqa: S603 - argv is built here, not from input
            [path, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def _pyenv_candidates(version: str) -> list[str]:
    root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    found = sorted(Path(root).glob(f"versions/{version}.*/bin/python{version}"), reverse=True)
    return [str(p) for p in found]


def _docker_image_exists(image: str) -> bool:
    docker = shutil.which("docker")
    if not docker:
        return False
    try:
        proc = subprocess.run(  # noqa: S603 - argv is built here, not from input
            [docker, "image", "inspect", "--format", "{{.Id}}", image],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0


def find_compiler(runtime: str, env: dict[str, str] | None = None) -> Compiler | None:
    """The first usable Python of ``runtime`` (see the module docstring), or None."""
    env = dict(os.environ) if env is None else env
    version = runtime.removeprefix("python")
    candidates: list[tuple[str, str]] = []
    if env.get("LAMBDA_PYTHON"):
        candidates.append((env["LAMBDA_PYTHON"], "$LAMBDA_PYTHON"))
    on_path = shutil.which(f"python{version}", path=env.get("PATH"))
    if on_path:
        candidates.append((on_path, "PATH"))
    candidates += [(p, "pyenv") for p in _pyenv_candidates(version)]
    for path, where in candidates:
        if _host_python_version(path) == version:
            return Compiler(f"{path} ({where})", python=path)
    image = IMAGE.format(runtime=runtime)
    if _docker_image_exists(image):
        # /var/lang/bin/python3.X exists in the image (docs/contracts.md, "`sam local`")
        return Compiler(
            f"{image} (docker)", image=image, image_python=f"/var/lang/bin/python{version}"
        )
    return None


def compile_bytecode(package: Path, compiler: Compiler) -> None:
    """Unchecked-hash ``.pyc`` for every ``.py`` under ``package``, paths shown as /var/task/..."""
    args = ["-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash"]
    if compiler.python:
        cmd = [compiler.python, *args, "-s", str(package), "-p", "/var/task", str(package)]
    else:
        assert compiler.image
        user = f"{os.getuid()}:{os.getgid()}"
        cmd = ["docker", "run", "--rm", "--network", "none", "--user", user]
        cmd += ["-v", f"{package.resolve()}:/var/task", compiler.image, compiler.image_python]
        cmd += [*args, "/var/task"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603 - argv is built here, not from input
    if proc.returncode != 0:
        raise BuildError(
            f"compileall with {compiler.description} failed:\n{proc.stdout}{proc.stderr}"
        )


def _sources(package: Path) -> Iterable[Path]:
    return (p for p in package.rglob("*.py") if "__pycache__" not in p.parts)


def check_bytecode(package: Path, runtime: str) -> list[str]:
    """Problems with ``package``'s bytecode for ``runtime`` (empty when every module is ready)."""
    tag = "cpython-" + runtime.removeprefix("python").replace(".", "")
    magic = PYC_MAGIC[runtime]
    problems: list[str] = []
    sources = list(_sources(package))
    if not sources:
        return [f"{package}: no Python sources"]
    for source in sources:
        pyc = source.parent / "__pycache__" / f"{source.stem}.{tag}.pyc"
        rel = source.relative_to(package)
        if not pyc.is_file():
            problems.append(f"{rel}: no {pyc.name}")
            continue
        header = pyc.read_bytes()[:8]
        if int.from_bytes(header[:2], "little") != magic:
            problems.append(f"{rel}: bytecode is not {runtime}'s (magic {header[:2].hex()})")
        elif int.from_bytes(header[4:8], "little") != UNCHECKED_HASH_FLAGS:
            problems.append(f"{rel}: bytecode is not unchecked-hash (PEP 552)")
    return problems


# ---------------------------------------------------------------- command line


def _runtime() -> str:
    return os.environ.get("LAMBDA_RUNTIME") or DEFAULT_RUNTIME


def _bytecode_step(package: Path, runtime: str) -> int:
    compiler = find_compiler(runtime)
    if compiler is None:
        message = (
            f"no {runtime} interpreter found (python{runtime.removeprefix('python')} on PATH, pyenv,"
            f" $LAMBDA_PYTHON, or the Docker image {IMAGE.format(runtime=runtime)} from"
            " `make lambda-image`)"
        )
        if os.environ.get("REQUIRE_BYTECODE") == "1":
            print(f"function_build: ERROR: {message}; REQUIRE_BYTECODE=1", file=sys.stderr)
            return 1
        print(
            f"function_build: WARNING: {message}. {package.name} is built WITHOUT bytecode: it"
            " works, but every cold start compiles it again; `make deploy` refuses it unless"
            " ALLOW_NO_BYTECODE=1.",
            file=sys.stderr,
        )
        return 0
    compile_bytecode(package, compiler)
    problems = check_bytecode(package, runtime)
    if problems:
        raise BuildError("bytecode check failed:\n  " + "\n  ".join(problems[:20]))
    print(f"function_build: compiled {package.name} with {compiler.description} (unchecked-hash)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deploytools.function_build", description=__doc__
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_install = sub.add_parser("install", help="pip install the lock into a package folder")
    p_install.add_argument("--lock", type=Path, required=True)
    p_install.add_argument("target", type=Path)
    p_bytecode = sub.add_parser("bytecode", help="compile a package folder's bytecode")
    p_bytecode.add_argument("package", type=Path)
    p_check = sub.add_parser("check", help="every built function has its bytecode")
    p_check.add_argument("build_dir", type=Path, help=".aws-sam/build")
    p_lock = sub.add_parser("lock", help="write the hash-pinned lock")
    p_lock.add_argument("requirements", type=Path)
    p_lock.add_argument("lock", type=Path)
    args = parser.parse_args(argv)
    runtime = _runtime()
    try:
        if args.command == "install":
            install_locked(args.lock, args.target, runtime)
            check_closure(args.target, read_lock(args.lock), runtime)
            print(f"function_build: installed {args.lock.name} for {runtime} (closure checked)")
            return 0
        if args.command == "bytecode":
            return _bytecode_step(args.package, runtime)
        if args.command == "lock":
            pins = write_lock(args.requirements, args.lock, runtime)
            print(f"function_build: wrote {args.lock} ({len(pins)} pins for {runtime})")
            return 0
        functions = sorted(p for p in args.build_dir.iterdir() if p.is_dir())
        failed = False
        for function in functions:
            problems = check_bytecode(function, runtime)
            for problem in problems[:5]:
                print(f"{function.name}: {problem}", file=sys.stderr)
            if len(problems) > 5:
                print(f"{function.name}: ... {len(problems) - 5} more", file=sys.stderr)
            failed = failed or bool(problems)
        if failed and os.environ.get("ALLOW_NO_BYTECODE") != "1":
            print(
                "function_build: the build has no bytecode for the runtime, so every cold start"
                " would compile the package again; install python3.13 (or `make lambda-image`),"
                " rebuild, or deploy anyway with ALLOW_NO_BYTECODE=1",
                file=sys.stderr,
            )
            return 1
        print(f"function_build: {len(functions)} functions have {runtime} unchecked-hash bytecode")
        return 0
    except BuildError as exc:
        print(f"function_build: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
