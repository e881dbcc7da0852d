"""The fallback's lock is exactly its pinned requirements, and the build checks the closure."""

from __future__ import annotations

from pathlib import Path

import pytest

from deploytools.function_build import (
    DEFAULT_RUNTIME,
    BuildError,
    Pin,
    check_closure,
    read_lock,
)
from lex_emulator.cfn_template import load_template

ROOT = Path(__file__).resolve().parents[3]
FALLBACK = ROOT / "fallback_function"


CHAT = ROOT / "chalice_app"
#: (requirements, lock) of every hash-pinned install in the functions' builds.
LOCKS = [
    (FALLBACK / "requirements.txt", FALLBACK / "requirements.lock"),
    (CHAT / "requirements-tracing.txt", CHAT / "requirements-tracing.lock"),
]


@pytest.mark.parametrize(("requirements", "lock"), LOCKS, ids=lambda p: p.parent.name)
def test_the_lock_pins_exactly_the_requirements_each_with_a_hash(requirements, lock) -> None:
    pinned = read_lock(requirements)
    locked = read_lock(lock)
    assert [(p.name, p.version) for p in locked] == [(p.name, p.version) for p in pinned]
    assert all(p.hashes for p in locked)


@pytest.mark.parametrize(("requirements", "lock"), LOCKS, ids=lambda p: p.parent.name)
def test_no_lock_packages_a_second_boto3_or_botocore(requirements, lock) -> None:
    # aws-xray-sdk requires botocore: the runtime's serves it (LAMBDA_PROVIDED), a copy would
    # add ~21 MB and shadow the runtime's
    names = {p.name for p in read_lock(lock)}
    assert names.isdisjoint({"boto3", "botocore", "s3transfer"})
    assert {"aws-xray-sdk", "wrapt"} <= names


def test_the_build_runtime_is_the_templates() -> None:
    template = load_template(ROOT / "template.yaml")
    assert template["Globals"]["Function"]["Runtime"] == DEFAULT_RUNTIME
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            assert resource["Properties"].get("Runtime", DEFAULT_RUNTIME) == DEFAULT_RUNTIME
            assert resource["Metadata"]["BuildMethod"] == "makefile"


def test_a_line_that_is_not_an_exact_pin_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_text("openai>=3\n", encoding="utf-8")
    with pytest.raises(BuildError, match="not an exact pin"):
        read_lock(path)


def _dist(target: Path, name: str, version: str, *requires: str) -> None:
    info = target / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    lines += [f"Requires-Dist: {r}" for r in requires]
    (info / "METADATA").write_text("\n".join(lines) + "\n\nlong description\n", encoding="utf-8")


def test_closure_accepts_the_lock_and_what_lambda_provides(tmp_path: Path) -> None:
    _dist(tmp_path, "openai", "3.0.0", "anyio<5,>=3", "boto3; extra == 'aws'", "jiter>=0.4")
    _dist(tmp_path, "anyio", "4.1.0", "exceptiongroup>=1; python_version < '3.11'")
    _dist(tmp_path, "jiter", "0.5.0", "botocore>=1")
    pins = [Pin("openai", "3.0.0"), Pin("anyio", "4.1.0"), Pin("jiter", "0.5.0")]
    check_closure(tmp_path, pins, "python3.13")


def test_closure_names_a_missing_dependency(tmp_path: Path) -> None:
    _dist(tmp_path, "openai", "3.0.0", "pydantic<3,>=1.9")
    with pytest.raises(BuildError, match=r"openai needs pydantic<3,>=1\.9"):
        check_closure(tmp_path, [Pin("openai", "3.0.0")], "python3.13")


def test_closure_refuses_anything_not_in_the_lock(tmp_path: Path) -> None:
    _dist(tmp_path, "openai", "3.0.0")
    _dist(tmp_path, "stray", "1.0")
    with pytest.raises(BuildError, match=r"extra \['stray'\]"):
        check_closure(tmp_path, [Pin("openai", "3.0.0")], "python3.13")
    with pytest.raises(BuildError, match=r"wrong \['openai'\]"):
        check_closure(tmp_path, [Pin("openai", "3.0.1"), Pin("stray", "1.0")], "python3.13")
