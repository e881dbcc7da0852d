"""Make ``sam deploy`` publish a new Lex bot version whenever the bot changes.

``AWS::Lex::BotVersion`` is immutable: changing the bot's intents updates the DRAFT, but the version
resource (and so the alias ``live``) stays on the old snapshot, because none of the version's own
properties changed. AWS's advice is to give the version resource a new logical id. This step does
that on the *built* template (``.aws-sam/build/template.yaml``, never the source): each
``AWS::Lex::BotVersion`` is renamed to ``<LogicalId>V<hash>``, where the hash covers the bot
definition it snapshots, and every reference to it follows. An unchanged bot keeps its name, so
nothing is replaced; a changed bot gets a new version and the alias moves to it.

Usage (``make deploy`` runs it between ``sam build`` and ``sam deploy``)::

    python -m deploytools.publish_bot_version .aws-sam/build/template.yaml
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

from lex_emulator.cfn_template import TemplateError, load_template

__all__ = ["bot_definition_hash", "rename_resource", "version_bot_versions"]


def bot_definition_hash(bot: dict[str, Any]) -> str:
    """A short stable hash of a bot resource's properties (key order does not matter)."""
    canonical = json.dumps(bot.get("Properties", {}), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:10]


def _rename_refs(node: Any, old: str, new: str) -> Any:
    if isinstance(node, list):
        return [_rename_refs(v, old, new) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "Ref" and value == old:
            out[key] = new
        elif key == "Fn::GetAtt":
            if isinstance(value, list) and value and value[0] == old:
                out[key] = [new, *value[1:]]
            elif isinstance(value, str) and value.split(".", 1)[0] == old:
                out[key] = new + value[len(old) :]
            else:
                out[key] = _rename_refs(value, old, new)
        elif key == "Fn::Sub":
            pattern = re.compile(r"\$\{" + re.escape(old) + r"([.}])")
            if isinstance(value, str):
                out[key] = pattern.sub("${" + new + r"\1", value)
            else:
                text = pattern.sub("${" + new + r"\1", value[0])
                out[key] = [text, _rename_refs(value[1], old, new)]
        elif key == "DependsOn":
            deps = value if isinstance(value, list) else [value]
            renamed = [new if d == old else d for d in deps]
            out[key] = renamed if isinstance(value, list) else renamed[0]
        else:
            out[key] = _rename_refs(value, old, new)
    return out


def rename_resource(template: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """A copy of ``template`` with resource ``old`` called ``new``, references included."""
    resources = {(new if k == old else k): v for k, v in template["Resources"].items()}
    renamed = _rename_refs({**template, "Resources": resources}, old, new)
    assert isinstance(renamed, dict)
    return renamed


def version_bot_versions(template: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Rename every BotVersion after the hash of its bot. Returns the template and old→new ids."""
    renames: dict[str, str] = {}
    for logical_id, resource in list(template["Resources"].items()):
        if not isinstance(resource, dict) or resource.get("Type") != "AWS::Lex::BotVersion":
            continue
        bot_ref = (resource.get("Properties") or {}).get("BotId")
        bot_id = bot_ref.get("Ref") if isinstance(bot_ref, dict) else None
        bot = template["Resources"].get(bot_id) if isinstance(bot_id, str) else None
        if not isinstance(bot, dict):
            raise TemplateError("BotId must be !Ref to a bot in this template", resource=logical_id)
        base = re.sub(r"V[0-9a-f]{10}$", "", logical_id)
        new_id = f"{base}V{bot_definition_hash(bot)}"
        if new_id != logical_id:
            template = rename_resource(template, logical_id, new_id)
            renames[logical_id] = new_id
    return template, renames


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploytools.publish_bot_version")
    parser.add_argument("template", type=Path, help="the built template (.aws-sam/build/...)")
    args = parser.parse_args(argv)
    try:
        template, renames = version_bot_versions(load_template(args.template))
    except TemplateError as exc:
        print(f"publish_bot_version: {exc}", file=sys.stderr)
        return 2
    # JSON is valid YAML, so sam deploy reads the result as it read the original.
    args.template.write_text(json.dumps(template, indent=1, ensure_ascii=False), encoding="utf-8")
    for old, new in renames.items():
        print(f"bot version resource {old} -> {new}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
