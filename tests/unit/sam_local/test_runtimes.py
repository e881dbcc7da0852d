"""The image follows the template's runtime; its cache key changes with what it is made of."""

from __future__ import annotations

from pathlib import Path

import pytest

from sam_local.image import inputs_hash
from sam_local.runtimes import RUNTIMES, UnsupportedRuntime, runtime_spec, template_runtime

ROOT = Path(__file__).resolve().parents[3]


def _template(tmp_path: Path, globals_runtime: str, own: str | None = None) -> Path:
    own_line = f"\n      Runtime: {own}" if own else ""
    path = tmp_path / "template.yaml"
    path.write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        f"Globals:\n  Function:\n    Runtime: {globals_runtime}\n"
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        f"      CodeUri: x/\n      Handler: a.b{own_line}\n"
    )
    return path


def test_the_project_template_picks_its_globals_runtime():
    spec = template_runtime(ROOT / "template.yaml")
    assert spec.name in RUNTIMES
    assert spec.tag == f"lex-llm-chatbot/lambda:{spec.name}"


@pytest.mark.parametrize(
    ("runtime", "suite"), [("python3.11", "bookworm"), ("python3.13", "trixie")]
)
def test_each_runtime_builds_from_the_debian_release_with_that_python(tmp_path, runtime, suite):
    spec = template_runtime(_template(tmp_path, runtime))
    assert (spec.name, spec.debian_suite, spec.python) == (runtime, suite, runtime[len("python") :])
    assert any(p.startswith("boto3==") for p in spec.pip_pins)
    assert any(p.startswith("awslambdaric==") for p in spec.pip_pins)


def test_an_unknown_or_mixed_runtime_is_a_clear_error(tmp_path):
    with pytest.raises(UnsupportedRuntime, match=r"python3\.9"):
        template_runtime(_template(tmp_path, "python3.9"))
    with pytest.raises(UnsupportedRuntime, match="one Python runtime"):
        template_runtime(_template(tmp_path, "python3.11", own="python3.13"))


def test_the_cache_key_is_stable_and_differs_per_runtime():
    a, b = runtime_spec("python3.11"), runtime_spec("python3.13")
    assert inputs_hash(a) == inputs_hash(a)
    assert inputs_hash(a) != inputs_hash(b)
