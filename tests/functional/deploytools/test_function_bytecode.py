"""Build-time bytecode: unchecked-hash .pyc that a fresh interpreter uses without the source times.

The host interpreter plays "the runtime" here (its magic number is in PYC_MAGIC), so the test needs
no python3.13; the real build uses the template's runtime the same way.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from deploytools.function_build import Compiler, check_bytecode, compile_bytecode, find_compiler

HOST_RUNTIME = f"python{sys.version_info.major}.{sys.version_info.minor}"
HOST = Compiler("this interpreter", python=sys.executable)


@pytest.fixture
def package(tmp_path: Path) -> Path:
    root = tmp_path / "task"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (root / "pkg" / "answer.py").write_text("VALUE = 'compiled at build time'\n", encoding="utf-8")
    (root / "handler.py").write_text("from pkg.answer import VALUE\n", encoding="utf-8")
    return root


def _import_value(root: Path) -> str:
    code = "import sys; sys.path.insert(0, sys.argv[1]); import handler; print(handler.VALUE)"
    proc = subprocess.run(
        [sys.executable, "-I", "-B", "-c", code, str(root)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return proc.stdout.strip()


def test_every_module_gets_unchecked_hash_bytecode_for_the_runtime(package: Path) -> None:
    assert len(check_bytecode(package, HOST_RUNTIME)) == 3  # nothing compiled yet
    compile_bytecode(package, HOST)
    assert check_bytecode(package, HOST_RUNTIME) == []
    other = "python3.13" if HOST_RUNTIME != "python3.13" else "python3.12"
    assert len(check_bytecode(package, other)) == 3  # other runtimes look for other files
    host_tag = HOST_RUNTIME.replace("python", "cpython-").replace(".", "")
    other_tag = other.replace("python", "cpython-").replace(".", "")
    for pyc in package.rglob(f"*.{host_tag}.pyc"):
        pyc.rename(pyc.with_name(pyc.name.replace(host_tag, other_tag)))
    problems = check_bytecode(package, other)  # right name, wrong interpreter's bytecode
    assert len(problems) == 3 and all("magic" in p for p in problems)


def test_the_bytecode_is_used_as_is_after_the_source_changes_its_time(package: Path) -> None:
    compile_bytecode(package, HOST)
    source = package / "pkg" / "answer.py"
    # A zip round trip gives every file a new time; an edit after the build would be a bug, and
    # unchecked-hash bytecode does not even look: what runs is what was built.
    source.write_text("VALUE = 'edited after the build'\n", encoding="utf-8")
    os.utime(source, (1_900_000_000, 1_900_000_000))
    for path in package.rglob("*"):
        path.chmod(0o555 if path.is_dir() else 0o444)  # read-only, like /var/task
    try:
        assert _import_value(package) == "compiled at build time"
    finally:
        for path in package.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)


def test_the_same_source_compiles_to_the_same_bytes(package: Path, tmp_path: Path) -> None:
    # deterministic output keeps `sam deploy` of an unchanged project an empty change set
    compile_bytecode(package, HOST)
    first = (package / "pkg" / "__pycache__").iterdir()
    snapshot = {p.name: p.read_bytes() for p in first}
    for pyc in (package / "pkg" / "__pycache__").iterdir():
        pyc.unlink()
    compile_bytecode(package, HOST)
    assert {p.name: p.read_bytes() for p in (package / "pkg" / "__pycache__").iterdir()} == snapshot


def test_the_compiler_search_honours_lambda_python_and_skips_other_versions() -> None:
    env = {"LAMBDA_PYTHON": sys.executable, "PATH": "", "PYENV_ROOT": "/nonexistent"}
    found = find_compiler(HOST_RUNTIME, env)
    assert found is not None and found.python == sys.executable
    assert find_compiler("python3.99", env) is None
