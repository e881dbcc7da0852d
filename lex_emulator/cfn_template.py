"""Read a CloudFormation / SAM template and find the Lambda handlers it names.

Shared by the emulator (to load bots and code hooks) and by the tests (which call the handlers the
template names, with the template's environment, the way ``sam local invoke`` would).

Intrinsic functions are kept in their JSON form (``{"Ref": x}``, ``{"Fn::GetAtt": [a, b]}``, ...) so a
YAML template with short tags and a JSON template load to the same structure. ``resolve_value``
resolves the few intrinsics that make sense offline; anything else resolves to ``""``, which is what
SAM CLI does for environment variables it cannot resolve.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "FunctionSpec",
    "TemplateError",
    "find_functions",
    "import_handler",
    "load_template",
    "resolve_function",
    "resolve_value",
]

PSEUDO_PARAMETERS: dict[str, str] = {
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
    "AWS::StackName": "local",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::NoValue": "",
}


class TemplateError(ValueError):
    """A template that cannot be used, with the resource and property it is about."""

    def __init__(self, message: str, *, resource: str | None = None, prop: str | None = None):
        where = ".".join(p for p in (resource, prop) if p)
        super().__init__(f"{where}: {message}" if where else message)
        self.resource = resource
        self.prop = prop


class _CfnLoader(yaml.SafeLoader):
    """SafeLoader that understands CloudFormation short-form tags."""


def _multi(name: str) -> Callable[[yaml.Loader, yaml.Node], dict[str, Any]]:
    def construct(loader: yaml.Loader, node: yaml.Node) -> dict[str, Any]:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if name == "Fn::GetAtt" and isinstance(value, str):
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
        return {name: value}

    return construct


for _tag, _fn in {
    "!Ref": "Ref",
    "!Condition": "Condition",
    **{
        f"!{n}": f"Fn::{n}"
        for n in (
            "GetAtt",
            "Sub",
            "Join",
            "If",
            "Equals",
            "Not",
            "And",
            "Or",
            "Select",
            "Split",
            "FindInMap",
            "Base64",
            "GetAZs",
            "ImportValue",
            "Cidr",
            "Transform",
            "ToJsonString",
            "Length",
        )
    },
}.items():
    _CfnLoader.add_constructor(_tag, _multi(_fn))


def load_template(path: str | Path) -> dict[str, Any]:
    """Load a YAML (short tags allowed) or JSON template. Raises TemplateError, never a traceback."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TemplateError(f"cannot read template {path}: {exc.strerror}") from exc
    try:
        if text.lstrip().startswith("{"):
            data = json.loads(text)
        else:
            data = yaml.load(text, Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise TemplateError(f"{path} is not valid YAML/JSON{where}: {first_line}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
        raise TemplateError(f"{path} has no Resources section")
    return data


def _parameter_defaults(template: Mapping[str, Any]) -> dict[str, str]:
    params = template.get("Parameters") or {}
    return {
        name: str(spec.get("Default", ""))
        for name, spec in params.items()
        if isinstance(spec, dict)
    }


def _condition_true(template: Mapping[str, Any], name: str, params: Mapping[str, str]) -> bool:
    cond = (template.get("Conditions") or {}).get(name)
    return bool(_eval_condition(template, cond, params))


def _eval_condition(template: Mapping[str, Any], cond: Any, params: Mapping[str, str]) -> Any:
    if isinstance(cond, dict) and len(cond) == 1:
        key, arg = next(iter(cond.items()))
        if key == "Fn::Equals":
            a, b = (resolve_value(template, v, params) for v in arg)
            return a == b
        if key == "Fn::Not":
            return not _eval_condition(template, arg[0], params)
        if key == "Fn::And":
            return all(_eval_condition(template, c, params) for c in arg)
        if key == "Fn::Or":
            return any(_eval_condition(template, c, params) for c in arg)
        if key == "Condition":
            return _condition_true(template, arg, params)
    return resolve_value(template, cond, params)


def resolve_value(
    template: Mapping[str, Any], value: Any, params: Mapping[str, str] | None = None
) -> Any:
    """Resolve Ref/Sub/If/Join to parameter defaults and pseudo parameters, offline.

    References to resources (their ids and ARNs only exist once deployed) resolve to ``""``.
    """
    if params is None:
        params = _parameter_defaults(template)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return "" if value is None else (value if isinstance(value, str) else str(value))
    if isinstance(value, list):
        return [resolve_value(template, v, params) for v in value]
    if not isinstance(value, dict):
        return ""
    if len(value) != 1:
        return {k: resolve_value(template, v, params) for k, v in value.items()}
    key, arg = next(iter(value.items()))
    if key == "Ref":
        if arg in params:
            return params[arg]
        return PSEUDO_PARAMETERS.get(arg, "")
    if key == "Fn::Sub":
        text, extra = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
        return _substitute(template, text, params, extra)
    if key == "Fn::If":
        name, yes, no = arg
        return resolve_value(
            template, yes if _condition_true(template, name, params) else no, params
        )
    if key == "Fn::Join":
        sep, items = arg
        return sep.join(str(resolve_value(template, i, params)) for i in items)
    if key.startswith("Fn::") or key == "Condition":
        return ""
    return {key: resolve_value(template, arg, params)}


def _substitute(
    template: Mapping[str, Any], text: str, params: Mapping[str, str], extra: Mapping[str, Any]
) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        start = text.find("${", i)
        if start < 0:
            out.append(text[i:])
            break
        out.append(text[i:start])
        if text.startswith("${!", start):
            end = text.find("}", start)
            out.append("${" + text[start + 3 : end + 1])
            i = end + 1
            continue
        end = text.find("}", start)
        if end < 0:
            out.append(text[start:])
            break
        name = text[start + 2 : end]
        if name in extra:
            out.append(str(resolve_value(template, extra[name], params)))
        elif name in params:
            out.append(params[name])
        else:
            out.append(PSEUDO_PARAMETERS.get(name, ""))
        i = end + 1
    return "".join(out)


@dataclass(frozen=True)
class FunctionSpec:
    """What SAM would run for one function: its code folder, handler and environment."""

    logical_id: str
    code_uri: Path
    handler: str
    environment: dict[str, str] = field(default_factory=dict)
    timeout_seconds: int = 3
    memory_mb: int = 128

    @property
    def module_name(self) -> str:
        return self.handler.rsplit(".", 1)[0]

    @property
    def attribute(self) -> str:
        return self.handler.rsplit(".", 1)[1]


def find_functions(template: Mapping[str, Any]) -> list[str]:
    """Logical ids of every Lambda function in the template."""
    return [
        name
        for name, res in template["Resources"].items()
        if isinstance(res, dict)
        and res.get("Type") in ("AWS::Serverless::Function", "AWS::Lambda::Function")
    ]


def resolve_function(
    template: Mapping[str, Any],
    logical_id: str,
    template_dir: str | Path,
    env_overrides: Mapping[str, Mapping[str, str]] | None = None,
) -> FunctionSpec:
    """Resolve a function's code folder, handler and environment (Globals merged, SAM env.json applied).

    ``env_overrides`` is SAM's env.json shape: ``{"Parameters": {...}, "<LogicalId>": {...}}``.
    """
    res = template["Resources"].get(logical_id)
    if not isinstance(res, dict):
        raise TemplateError("no such resource", resource=logical_id)
    if res.get("Type") not in ("AWS::Serverless::Function", "AWS::Lambda::Function"):
        raise TemplateError(f"is a {res.get('Type')}, not a Lambda function", resource=logical_id)
    props = res.get("Properties") or {}
    glob = (template.get("Globals") or {}).get("Function") or {}
    code_uri = props.get("CodeUri")
    if not isinstance(code_uri, str):
        raise TemplateError("must be a local folder", resource=logical_id, prop="CodeUri")
    handler = props.get("Handler", glob.get("Handler"))
    if not isinstance(handler, str) or "." not in handler:
        raise TemplateError("must look like module.attribute", resource=logical_id, prop="Handler")
    params = _parameter_defaults(template)
    env: dict[str, str] = {}
    for source in (glob, props):
        variables = (source.get("Environment") or {}).get("Variables") or {}
        for key, raw in variables.items():
            value = resolve_value(template, raw, params)
            env[key] = value if isinstance(value, str) else ""
    if env_overrides:
        for scope in ("Parameters", logical_id):
            env.update({k: str(v) for k, v in (env_overrides.get(scope) or {}).items()})
    timeout = props.get("Timeout", glob.get("Timeout", 3))
    memory = props.get("MemorySize", glob.get("MemorySize", 128))
    return FunctionSpec(
        logical_id=logical_id,
        code_uri=(Path(template_dir) / code_uri).resolve(),
        handler=handler,
        environment=env,
        timeout_seconds=int(timeout) if isinstance(timeout, (int, str)) else 3,
        memory_mb=int(memory) if isinstance(memory, (int, str)) else 128,
    )


def import_handler(spec: FunctionSpec) -> Callable[..., Any]:
    """Import the handler as Lambda would: the code folder on sys.path, then module.attribute."""
    code_dir = str(spec.code_uri)
    if code_dir not in sys.path:
        sys.path.insert(0, code_dir)
    module_file = spec.code_uri / (spec.module_name.replace(".", "/") + ".py")
    loaded = sys.modules.get(spec.module_name)
    if loaded is not None and Path(getattr(loaded, "__file__", "") or "").resolve() == module_file:
        module = loaded
    else:
        if loaded is not None:
            del sys.modules[spec.module_name]
        module = importlib.import_module(spec.module_name)
    try:
        return getattr(module, spec.attribute)  # type: ignore[no-any-return]
    except AttributeError as exc:
        raise TemplateError(
            f"{module_file} has no {spec.attribute!r}", resource=spec.logical_id, prop="Handler"
        ) from exc
