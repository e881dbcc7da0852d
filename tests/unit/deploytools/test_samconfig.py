"""samconfig.toml lets `make deploy` run twice in a row and without a terminal."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CONFIG = tomllib.loads((ROOT / "samconfig.toml").read_text(encoding="utf-8"))["default"]


def test_deploy_never_prompts_from_the_config_so_no_tty_is_needed() -> None:
    # `make deploy` adds --confirm-changeset itself when it runs at a terminal (CONFIRM=1).
    assert CONFIG["deploy"]["parameters"]["confirm_changeset"] is False


def test_an_unchanged_stack_is_a_successful_deploy() -> None:
    # sam deploy's fail_on_empty_changeset defaults to true: a frontend-only change would stop
    # `make deploy` before the page is uploaded.
    assert CONFIG["deploy"]["parameters"]["fail_on_empty_changeset"] is False


def test_deploy_and_delete_read_one_stack_name_and_region() -> None:
    # sam delete reads only [default.global] and [default.delete]: both names live in global.
    assert {"stack_name", "region"} <= set(CONFIG["global"]["parameters"])
    assert "region" not in CONFIG["deploy"]["parameters"]


def test_make_deploy_confirms_only_when_asked() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "--confirm-changeset,--no-confirm-changeset" in makefile
    assert "sam delete --config-file samconfig.toml --no-prompts" in makefile
