"""Every CloudFormation template in the repository, and every conformance case's template, passes
cfn-lint (the issue's rule: the emulator is checked only against templates CloudFormation accepts)."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

from tests.conformance.harness import TEMPLATES, Case, ConformanceServers

REPO = Path(__file__).resolve().parents[2]
_SKIP_DIRS = {".venv", "node_modules", ".aws-sam", ".git", ".chalice", "vendor", ".mypy_cache"}


def repository_templates() -> list[Path]:
    """Every YAML/JSON file in the repository that is a CloudFormation template."""
    found = []
    for path in sorted(REPO.rglob("*")):
        if path.suffix not in (".yaml", ".yml", ".json") or not path.is_file():
            continue
        if _SKIP_DIRS & set(path.relative_to(REPO).parts):
            continue
        head = path.read_text(encoding="utf-8", errors="replace")[:4000]
        if "AWSTemplateFormatVersion" in head or ("Resources" in head and "Type: AWS::" in head):
            found.append(path)
    return found


def case_templates() -> list[Case]:
    cases: list[Case] = []
    for module_path in sorted(Path(__file__).parent.glob("test_*.py")):
        module = importlib.import_module(f"tests.conformance.{module_path.stem}")
        cases.extend(getattr(module, "CASES", []))
    return cases


def _cfn_lint(paths: list[Path]) -> subprocess.CompletedProcess[str]:
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    return subprocess.run(
        [str(cfn_lint), "--", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_repository_has_the_templates_we_expect() -> None:
    names = {p.relative_to(REPO).as_posix() for p in repository_templates()}
    assert "template.yaml" in names
    assert "tests/functional/lex_emulator/templates/pizza_bot.yaml" in names


def test_every_repository_template_passes_cfn_lint() -> None:
    result = _cfn_lint(repository_templates())
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_conformance_case_template_passes_cfn_lint(tmp_path: Path) -> None:
    servers = ConformanceServers(tmp_path)
    users: dict[Path, list[str]] = {}
    for case in case_templates():
        users.setdefault(servers.template_path(case.template), []).append(case.name)
    paths = sorted(users)
    assert paths, "no conformance cases found"
    assert all(p.is_file() for p in paths), [p for p in paths if not p.is_file()]
    result = _cfn_lint(paths)
    cases = "\n".join(f"{p.name}: {', '.join(names)}" for p, names in sorted(users.items()))
    assert result.returncode == 0, result.stdout + result.stderr + "\ncases per file:\n" + cases


def test_conformance_template_files_are_used() -> None:
    used = {c.template for c in case_templates()}
    unused = [p.name for p in sorted(TEMPLATES.glob("*.yaml")) if p.name not in used]
    assert not unused, f"template files no case uses: {unused}"
