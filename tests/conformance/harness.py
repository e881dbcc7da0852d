"""Conformance harness: the emulator against documented Lex V2 behaviour, through the real boto3.

How to add a case: in a ``tests/conformance/test_<topic>.py`` file, append a ``Case`` to the file's
``CASES`` list and keep the one ``@pytest.mark.parametrize("case", CASES, ids=case_id)`` test that
calls ``run_case(conformance, case)``. A case names a cfn-lint-clean template (YAML text, usually
built with ``bot_template(locale(...intent(...)...))``, or a file name under
``tests/conformance/templates/``), a ``locale``, and the ``turns`` of a scripted exchange. Each
``Turn`` sends ``text`` through ``boto3.client("lexv2-runtime").recognize_text`` (or ``op=`` one of
``put_session`` / ``get_session`` / ``delete_session`` with ``params``) to the emulator's HTTP server
and checks ``expect``: dotted paths into the boto3 response (``"sessionState.intent.slots.Size.value
.interpretedValue"``, ``"messages.0.content"``; list items by index) mapped to the expected value,
``ABSENT`` for "not in the response", or a ``Match``/``OneOf`` for several allowed answers;
``error="ValidationException"`` expects that error code instead. Every case carries ``doc`` (the
Lex/CloudFormation doc URL) and ``quote`` (the sentence the expectation comes from; say in ``note``
where the docs are silent and which documented behaviour was chosen). A case may instead expect the
template to be refused at load (``load_error``: a substring of the ``TemplateError``) and/or warnings
at start-up (``startup_warnings``: substrings of ``LexEmulator.warnings``). Servers are shared: one
emulator + HTTP server per distinct template (and ``env_vars``), started on a free loopback port the
first time a case needs it and stopped at the end of the session; each case runs in its own
session id, so cases do not see each other. ``test_templates_lint.py`` runs cfn-lint over every
template the cases use.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from botocore.exceptions import ClientError

from lex_emulator import LexEmulator
from lex_emulator.cfn_template import TemplateError
from lex_emulator.http_server import EmulatorServer
from tests.functional.lex_emulator.lex_clients import lex_client
from tests.support.botocore_shapes import output_problems

# The one documented departure from botocore's "required": an ambiguous AMAZON.Time value has
# "interpretedValue": null (https://docs.aws.amazon.com/lexv2/latest/dg/built-in-slot-time.html),
# which boto3's parser drops, so the member is missing from what boto3 returns.
_AMBIGUOUS_VALUE = "missing required member 'interpretedValue' (Value)"

__all__ = [
    "ABSENT",
    "TEMPLATES",
    "TODAY",
    "Case",
    "ConformanceServers",
    "Match",
    "OneOf",
    "Turn",
    "bot_template",
    "case_id",
    "get_path",
    "intent",
    "locale",
    "messages",
    "plain",
    "run_case",
    "slot",
    "slot_type",
]

TEMPLATES = Path(__file__).resolve().parent / "templates"
TODAY = date(2026, 1, 5)  # a Monday: relative dates in the cases are computed from it
BOT_ID = "LOCALBOTID"
TEST_ALIAS = "TSTALIASID"


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()
"""Expected value for a path that must not be in the response."""


@dataclass(frozen=True)
class Match:
    """A string value matching a regular expression (``re.fullmatch``)."""

    pattern: str

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and re.fullmatch(self.pattern, other) is not None

    def __hash__(self) -> int:
        return hash(self.pattern)


@dataclass(frozen=True)
class OneOf:
    """Any of the given values (e.g. one of a message group's variations)."""

    options: tuple[Any, ...]

    def __init__(self, *options: Any) -> None:
        object.__setattr__(self, "options", tuple(options))

    def __eq__(self, other: object) -> bool:
        return any(other == o for o in self.options)

    def __hash__(self) -> int:
        return hash(self.options)


@dataclass(frozen=True)
class Turn:
    """One request of a scripted exchange and what its answer must hold."""

    text: str = ""
    expect: Mapping[str, Any] = field(default_factory=dict)
    op: str = "recognize_text"  # or put_session / get_session / delete_session
    params: Mapping[str, Any] = field(default_factory=dict)  # extra boto3 kwargs (sessionState...)
    error: str | None = None  # expected botocore error code instead of an answer
    advance_seconds: float = 0.0  # move the server's clock before this turn
    alias_id: str | None = None  # overrides the case's alias for this turn


@dataclass(frozen=True)
class Case:
    """A documented Lex behaviour and the exchange that shows the emulator follows it."""

    name: str
    template: str  # YAML text, or a file name under tests/conformance/templates/
    locale: str
    doc: str  # URL of the AWS doc page
    quote: str  # the sentence the expectation comes from
    turns: tuple[Turn, ...] = ()
    note: str = ""  # where the docs are silent: what was chosen, and why
    alias_id: str = TEST_ALIAS
    env_vars: Mapping[str, Mapping[str, str]] | None = None
    load_error: str | None = None  # expected TemplateError substring: the template must not load
    startup_warnings: tuple[str, ...] = ()  # substrings each found in LexEmulator.warnings


def case_id(case: Case) -> str:
    return case.name


def get_path(data: Any, path: str) -> Any:
    """The value at a dotted path (``messages.0.content``), or ``ABSENT``."""
    current = data
    for part in path.split("."):
        if isinstance(current, Mapping):
            if part not in current:
                return ABSENT
            current = current[part]
        elif isinstance(current, list) and re.fullmatch(r"-?\d+", part):
            index = int(part)
            if not -len(current) <= index < len(current):
                return ABSENT
            current = current[index]
        else:
            return ABSENT
    return current


class FakeClock:
    """Monotonic clock moved by ``Turn.advance_seconds``."""

    def __init__(self) -> None:
        self._now = 1000.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds


@dataclass
class _Running:
    emulator: LexEmulator
    server: EmulatorServer
    client: Any
    clock: FakeClock


class ConformanceServers:
    """One emulator + HTTP server per distinct template; started lazily, stopped by ``close``."""

    def __init__(self, work_dir: Path) -> None:
        self._work_dir = work_dir
        self._running: dict[str, _Running] = {}
        self._lock = threading.Lock()

    def template_path(self, template: str) -> Path:
        """The file for a case's template (inline YAML is written next to links to the templates)."""
        if "\n" not in template:
            return TEMPLATES / template
        digest = hashlib.sha256(template.encode()).hexdigest()[:16]
        path = self._work_dir / f"inline-{digest}.yaml"
        if not path.exists():
            for child in TEMPLATES.iterdir():  # CodeUri paths resolve as for the templates dir
                link = self._work_dir / child.name
                if not link.exists() and not child.name.endswith((".yaml", ".json")):
                    link.symlink_to(child)
            path.write_text(template, encoding="utf-8")
        return path

    def load(self, case: Case, clock: FakeClock | None = None) -> LexEmulator:
        """A fresh emulator for the case's template (raises TemplateError if it does not load)."""
        return LexEmulator.from_template(
            str(self.template_path(case.template)),
            env_vars={k: dict(v) for k, v in (case.env_vars or {}).items()} or None,
            clock=clock or FakeClock(),
            today=TODAY,
        )

    def get(self, case: Case) -> _Running:
        key = hashlib.sha256(
            (case.template + json.dumps(case.env_vars, sort_keys=True)).encode()
        ).hexdigest()
        with self._lock:
            running = self._running.get(key)
            if running is None:
                clock = FakeClock()
                emulator = self.load(case, clock)
                server = EmulatorServer(emulator).start()
                running = _Running(emulator, server, lex_client(server.url, pool=4), clock)
                self._running[key] = running
            return running

    def close(self) -> None:
        with self._lock:
            for running in self._running.values():
                running.server.stop()
            self._running.clear()


def _session_id(case: Case) -> str:
    cleaned = re.sub(r"[^0-9a-zA-Z._:-]", "-", case.name)[:80]
    return f"c-{cleaned}" if len(cleaned) < 2 else cleaned


def _emulator_warnings(emulator: LexEmulator) -> list[str]:
    return [str(w) for w in getattr(emulator, "warnings", ())]


def _check_startup(case: Case, emulator: LexEmulator) -> None:
    warnings = _emulator_warnings(emulator)
    for wanted in case.startup_warnings:
        assert any(wanted in w for w in warnings), (
            f"{case.name}: no start-up warning contains {wanted!r}; warnings were:\n  "
            + "\n  ".join(warnings)
        )


def run_case(servers: ConformanceServers, case: Case) -> None:
    """Run a case's exchange and check every expectation (with the doc it comes from)."""
    where = f"[{case.name}] {case.doc}\n  “{case.quote}”"
    if case.load_error is not None:
        try:
            servers.load(case)
        except TemplateError as exc:
            assert case.load_error in str(exc), f"{where}\n  load error was: {exc}"
            return
        raise AssertionError(f"{where}\n  the template loaded; expected {case.load_error!r}")
    running = servers.get(case)
    _check_startup(case, running.emulator)
    session_id = _session_id(case)
    for number, turn in enumerate(case.turns, 1):
        if turn.advance_seconds:
            running.clock.advance(turn.advance_seconds)
        ids = {
            "botId": BOT_ID,
            "botAliasId": turn.alias_id or case.alias_id,
            "localeId": case.locale,
            "sessionId": session_id,
        }
        kwargs: dict[str, Any] = {**ids, **turn.params}
        if turn.op == "recognize_text":
            kwargs["text"] = turn.text
        label = f"{where}\n  turn {number} ({turn.op} {turn.text!r})"
        try:
            response = getattr(running.client, turn.op)(**kwargs)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            assert turn.error is not None, f"{label}: unexpected {code}: {exc}"
            assert code == turn.error, f"{label}: expected {turn.error}, got {code}: {exc}"
            continue
        assert turn.error is None, f"{label}: expected {turn.error}, got an answer: {response}"
        operation = "".join(p.capitalize() for p in turn.op.split("_"))
        shape_problems = [
            p for p in output_problems(operation, response) if not p.endswith(_AMBIGUOUS_VALUE)
        ]
        assert not shape_problems, f"{label}: not botocore's shape:\n  " + "\n  ".join(
            shape_problems
        )
        problems = []
        for path, expected in turn.expect.items():
            actual = get_path(response, path)
            if not (actual is ABSENT if expected is ABSENT else actual == expected):
                problems.append(f"{path}: expected {expected!r}, got {actual!r}")
        body = {k: v for k, v in response.items() if k != "ResponseMetadata"}
        assert not problems, (
            f"{label}\n    "
            + "\n    ".join(problems)
            + "\n  response: "
            + json.dumps(body, ensure_ascii=False, default=str)[:3000]
        )


# ---------------------------------------------------------------------------------------------
# Compact template builders. They return plain dicts in CloudFormation's AWS::Lex::Bot shape;
# ``bot_template`` dumps them as YAML. Pass any extra property through ``**extra``.


def plain(text: str, *variations: str) -> dict[str, Any]:
    """A MessageGroup with a PlainTextMessage (and plain-text Variations)."""
    group: dict[str, Any] = {"Message": {"PlainTextMessage": {"Value": text}}}
    if variations:
        group["Variations"] = [{"PlainTextMessage": {"Value": v}} for v in variations]
    return group


def messages(*groups: dict[str, Any] | str, **extra: Any) -> dict[str, Any]:
    """A ResponseSpecification / PromptSpecification body: ``MessageGroupsList`` (+ extra)."""
    return {
        "MessageGroupsList": [plain(g) if isinstance(g, str) else g for g in groups],
        **extra,
    }


def slot(
    name: str,
    slot_type_name: str,
    prompt: str | Sequence[dict[str, Any] | str] | None = None,
    *,
    required: bool = True,
    max_retries: int = 2,
    **extra: Any,
) -> dict[str, Any]:
    """A Slot with a ValueElicitationSetting (``extra`` goes into ValueElicitationSetting, or
    ``slot_extra={...}`` into the Slot itself)."""
    slot_extra = extra.pop("slot_extra", {})
    elicit: dict[str, Any] = {"SlotConstraint": "Required" if required else "Optional"}
    if prompt is not None:
        groups = [prompt] if isinstance(prompt, str) else list(prompt)
        elicit["PromptSpecification"] = messages(*groups, MaxRetries=max_retries)
    elicit.update(extra)
    return {"Name": name, "SlotTypeName": slot_type_name, "ValueElicitationSetting": elicit,
            **slot_extra}  # fmt: skip


def intent(
    name: str,
    utterances: Sequence[str] = (),
    slots: Sequence[dict[str, Any]] = (),
    *,
    closing: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """An Intent; slots get SlotPriorities in the given order; ``closing`` is a ClosingResponse."""
    out: dict[str, Any] = {"Name": name}
    if utterances:
        out["SampleUtterances"] = [{"Utterance": u} for u in utterances]
    if slots:
        out["Slots"] = list(slots)
        out["SlotPriorities"] = [
            {"Priority": n, "SlotName": s["Name"]} for n, s in enumerate(slots, 1)
        ]
    if closing is not None:
        out["IntentClosingSetting"] = {"ClosingResponse": messages(closing)}
    out.update(extra)
    return out


def slot_type(
    name: str,
    values: Mapping[str, Sequence[str]] | Sequence[str] = (),
    *,
    strategy: str | None = None,
    regex: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A custom SlotType: ``{"large": ["big", "huge"]}`` or ``["red", "blue"]``."""
    out: dict[str, Any] = {"Name": name}
    items = values.items() if isinstance(values, Mapping) else ((v, ()) for v in values)
    type_values = []
    for value, synonyms in items:
        entry: dict[str, Any] = {"SampleValue": {"Value": value}}
        if synonyms:
            entry["Synonyms"] = [{"Value": s} for s in synonyms]
        type_values.append(entry)
    if type_values:
        out["SlotTypeValues"] = type_values
    if strategy is not None or regex is not None:
        setting: dict[str, Any] = {"ResolutionStrategy": strategy or "ORIGINAL_VALUE"}
        if regex is not None:
            setting["RegexFilter"] = {"Pattern": regex}
        out["ValueSelectionSetting"] = setting
    out.update(extra)
    return out


def locale(
    locale_id: str,
    intents: Sequence[dict[str, Any]],
    slot_types: Sequence[dict[str, Any]] = (),
    *,
    threshold: float = 0.4,
    **extra: Any,
) -> dict[str, Any]:
    out: dict[str, Any] = {"LocaleId": locale_id, "NluConfidenceThreshold": threshold}
    if slot_types:
        out["SlotTypes"] = list(slot_types)
    out["Intents"] = list(intents)
    out.update(extra)
    return out


def bot_template(
    *locales: dict[str, Any],
    bot_extra: Mapping[str, Any] | None = None,
    resources: Mapping[str, Any] | None = None,
    transform: bool = False,
) -> str:
    """A whole cfn-lint-clean template with one ``AWS::Lex::Bot`` named ``Bot``."""
    props: dict[str, Any] = {
        "Name": "conformance-bot",
        "RoleArn": "arn:aws:iam::123456789012:role/lex",
        "DataPrivacy": {"ChildDirected": False},
        "IdleSessionTTLInSeconds": 300,
        "BotLocales": list(locales),
    }
    props.update(bot_extra or {})
    template: dict[str, Any] = {"AWSTemplateFormatVersion": "2010-09-09"}
    if transform:
        template["Transform"] = "AWS::Serverless-2016-10-31"
    template["Resources"] = {"Bot": {"Type": "AWS::Lex::Bot", "Properties": props}}
    template["Resources"].update(resources or {})
    return yaml.safe_dump(template, allow_unicode=True, sort_keys=False, width=1000)
