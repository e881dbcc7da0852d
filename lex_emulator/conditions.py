"""Lex V2's condition expression language: parse once at load, evaluate on every turn.

The grammar is the one the developer guide documents
(https://docs.aws.amazon.com/lexv2/latest/dg/paths-branching.html)::

    condition   := or
    or          := and (("OR" | "||") and)*
    and         := unary (("AND" | "&&") unary)*
    unary       := ("NOT" | "!") unary | "(" condition ")" | test
    test        := "fn.IS_SET(" reference ")"
                 | operand ("=" | "!=" | "<" | "<=" | ">" | ">=") constant
                 | operand "CONTAINS" constant
    operand     := reference | "fn.COUNT(" reference ")" | "fn.LENGTH(" reference ")"
    reference   := "{slot}" | "[sessionAttribute]" | "((requestAttribute))" | "$.json.path[0]"
    constant    := "quoted string" | number | bare word (P2H, 20:00, TRUE)

Rules the guide states, and how they are applied here:

* "The left-hand side must be a reference" and "The right-hand side must be a constant": anything
  else is a ``ConditionSyntaxError`` at load, as is an unknown function or a function without the
  ``fn.`` prefix ("Functions must be prefixed with the string fn.").
* "Any expression referencing an attribute which has not been set is treated as invalid, and is not
  evaluated": a branch whose condition reads an unset slot, attribute or path is not taken (the
  whole condition is false; only ``fn.IS_SET`` may look at an unset reference).
* "When you compare a multi-valued slot, the value used is a comma-separated list of all
  interpreted values"; ``CONTAINS`` tests membership in that list.
* "Strings ... compared based on their ASCII representation. The comparison is case-insensitive."
  "Numbers – number-based slots are converted ... to a number". "Date/Time – ... the earlier date
  or time is considered smaller. For durations, shorter periods are considered smaller."
  Here: two numbers compare as numbers; two ISO-8601 durations (``P2H``, ``PT30M``) by length;
  everything else as case-folded strings, which orders ``YYYY-MM-DD`` dates and ``HH:MM`` times by
  time as well.

*The guide does not say whether keywords are case-sensitive; ``and``/``or``/``not``/``contains`` are
accepted in any case here. It does not say what a comparison of a number slot with a non-number
value does; such a comparison falls back to strings.*
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Condition",
    "ConditionContext",
    "ConditionSyntaxError",
    "parse_condition",
]

DOC_URL = "https://docs.aws.amazon.com/lexv2/latest/dg/paths-branching.html"
_COMPARISONS = ("<=", ">=", "!=", "=", "<", ">")
_FUNCTIONS = ("COUNT", "IS_SET", "LENGTH")
_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<slot>\{[^{}]+\})
  | (?P<request>\(\([A-Za-z0-9_.:\-]+\)\))
  | (?P<session>\[[^\[\]]+\])
  | (?P<path>\$\.[A-Za-z0-9_\-]+(?:\[\d+\]|\.[A-Za-z0-9_\-]+)*)
  | (?P<fn>fn\.[A-Za-z_]+)
  | (?P<op><=|>=|!=|==|=|<|>|&&|\|\||!)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<word>[A-Za-z0-9_:+.\-@]+)
    """,
    re.VERBOSE,
)
_DURATION_RE = re.compile(
    r"^P(?:(?P<y>\d+(?:\.\d+)?)Y)?(?:(?P<mo>\d+(?:\.\d+)?)M)?(?:(?P<w>\d+(?:\.\d+)?)W)?"
    r"(?:(?P<d>\d+(?:\.\d+)?)D)?(?:T?(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<mi>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<s>\d+(?:\.\d+)?)S)?)?$",
    re.IGNORECASE,
)
_DURATION_SECONDS = {
    "y": 365 * 86400,
    "mo": 30 * 86400,
    "w": 7 * 86400,
    "d": 86400,
    "h": 3600,
    "mi": 60,
    "s": 1,
}


class ConditionSyntaxError(ValueError):
    """An expression Lex would not accept; the message says where and why."""


class _Unset(Exception):
    """A reference to something not set: the condition is not evaluated (false)."""


@dataclass(frozen=True)
class ConditionContext:
    """What a condition can read on one turn.

    ``slots`` holds Lex slot dicts (``{"shape": ..., "value": {...}, "values": [...]}`` or None),
    ``root`` is the JSON that ``$.`` paths start from (inputMode, inputTranscript, transcriptions).
    """

    slots: Mapping[str, Any]
    session_attributes: Mapping[str, str]
    request_attributes: Mapping[str, str]
    root: Mapping[str, Any]


# ----------------------------------------------------------------------------------- the tree


@dataclass(frozen=True)
class _Ref:
    kind: str  # slot | session | request | path
    name: str

    def raw(self, ctx: ConditionContext) -> Any:
        """The referenced value: a list of strings for a slot, a string otherwise."""
        if self.kind == "slot":
            return _slot_values(ctx.slots.get(self.name))
        if self.kind == "session":
            return _present(ctx.session_attributes.get(self.name))
        if self.kind == "request":
            return _present(ctx.request_attributes.get(self.name))
        return _json_path(ctx.root, self.name)

    def text(self, ctx: ConditionContext) -> str:
        value = self.raw(ctx)
        if isinstance(value, list):
            return ",".join(value)
        return value if isinstance(value, str) else _json_text(value)


@dataclass(frozen=True)
class _Const:
    text: str
    quoted: bool


@dataclass(frozen=True)
class _Operand:
    ref: _Ref
    function: str | None  # None, COUNT or LENGTH

    def value(self, ctx: ConditionContext) -> str | float:
        if self.function == "COUNT":
            raw = self.ref.raw(ctx)
            return float(len(raw)) if isinstance(raw, list) else 1.0
        if self.function == "LENGTH":
            raw = self.ref.raw(ctx)
            if isinstance(raw, list):
                if len(raw) != 1:
                    raise _Unset()  # "does not support multi-value slots"
                return float(len(raw[0]))
            return float(len(self.ref.text(ctx)))
        return self.ref.text(ctx)


class Condition:
    """A parsed expression; ``evaluate`` is pure and never raises."""

    def __init__(self, source: str, node: Callable[[ConditionContext], bool]) -> None:
        self.source = source
        self._node = node

    def evaluate(self, ctx: ConditionContext) -> bool:
        try:
            return self._node(ctx)
        except _Unset:
            return False

    def __repr__(self) -> str:
        return f"Condition({self.source!r})"


# --------------------------------------------------------------------------------- evaluation


def _present(value: Any) -> str:
    if value is None:
        raise _Unset()
    return str(value)


def _slot_values(slot: Any) -> list[str]:
    if not isinstance(slot, Mapping):
        raise _Unset()
    values = slot.get("values")
    if slot.get("shape") == "List" and isinstance(values, list):
        out = [_interpreted(v) for v in values]
        found = [v for v in out if v is not None]
        if found:
            return found
    value = _interpreted(slot)
    if value is None:
        raise _Unset()
    return [value]


def _interpreted(slot: Any) -> str | None:
    value = slot.get("value") if isinstance(slot, Mapping) else None
    if isinstance(value, Mapping) and isinstance(value.get("interpretedValue"), str):
        return str(value["interpretedValue"])
    return None


def _json_path(root: Mapping[str, Any], path: str) -> Any:
    current: Any = root
    for part in re.findall(r"[A-Za-z0-9_\-]+|\[\d+\]", path[2:]):
        if part.startswith("["):
            index = int(part[1:-1])
            if not isinstance(current, list) or index >= len(current):
                raise _Unset()
            current = current[index]
        else:
            if not isinstance(current, Mapping) or part not in current:
                raise _Unset()
            current = current[part]
    if current is None:
        raise _Unset()
    return current


def _json_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", "")) if text.strip() else None
    except ValueError:
        return None


def _duration(text: str) -> float | None:
    match = _DURATION_RE.match(text.strip())
    if match is None or not any(match.groupdict().values()):
        return None
    return sum(float(v) * _DURATION_SECONDS[k] for k, v in match.groupdict().items() if v)


def _order(left: str | float, right: _Const) -> tuple[Any, Any]:
    """Both sides as numbers, durations or case-folded strings (see the module docstring)."""
    if isinstance(left, float):
        number = _number(right.text)
        return (left, number) if number is not None else (str(left), right.text.casefold())
    if not right.quoted or _number(right.text) is not None:
        a, b = _number(left), _number(right.text)
        if a is not None and b is not None:
            return a, b
    a_d, b_d = _duration(left), _duration(right.text)
    if a_d is not None and b_d is not None:
        return a_d, b_d
    return left.casefold(), right.text.casefold()


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: bool(a == b),
    "!=": lambda a, b: bool(a != b),
    "<": lambda a, b: bool(a < b),
    "<=": lambda a, b: bool(a <= b),
    ">": lambda a, b: bool(a > b),
    ">=": lambda a, b: bool(a >= b),
}


def _comparison(operand: _Operand, op: str, const: _Const) -> Callable[[ConditionContext], bool]:
    compare = _COMPARE[op]

    def run(ctx: ConditionContext) -> bool:
        left, right = _order(operand.value(ctx), const)
        return compare(left, right)

    return run


def _contains(operand: _Operand, const: _Const) -> Callable[[ConditionContext], bool]:
    wanted = const.text.casefold()

    def run(ctx: ConditionContext) -> bool:
        raw = operand.ref.raw(ctx)
        items = raw if isinstance(raw, list) else [str(raw)]
        return any(item.casefold() == wanted for item in items)

    return run


def _is_set(ref: _Ref) -> Callable[[ConditionContext], bool]:
    def run(ctx: ConditionContext) -> bool:
        try:
            ref.raw(ctx)
        except _Unset:
            return False
        return True

    return run


# ------------------------------------------------------------------------------------ parsing


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    at: int


def _tokens(source: str) -> list[_Token]:
    out: list[_Token] = []
    at = 0
    while at < len(source):
        match = _TOKEN_RE.match(source, at)
        if match is None:
            raise ConditionSyntaxError(f"unexpected character {source[at]!r} at {at + 1}")
        kind = match.lastgroup or ""
        if kind != "ws":
            out.append(_Token(kind, match.group(0), at))
        at = match.end()
    return out


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = _tokens(source)
        self.pos = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise ConditionSyntaxError("the expression ends too early")
        self.pos += 1
        return token

    def fail(self, token: _Token | None, message: str) -> ConditionSyntaxError:
        where = f" at {token.at + 1} ({token.text!r})" if token is not None else " at the end"
        return ConditionSyntaxError(message + where)

    def keyword(self, *words: str) -> bool:
        token = self.peek()
        if token is None:
            return False
        text = token.text.upper() if token.kind == "word" else token.text
        if token.kind in ("word", "op") and text in words:
            self.pos += 1
            return True
        return False

    def parse(self) -> Callable[[ConditionContext], bool]:
        if not self.tokens:
            raise ConditionSyntaxError("the expression is empty")
        node = self.parse_or()
        if self.peek() is not None:
            raise self.fail(self.peek(), "unexpected text after a complete condition")
        return node

    def parse_or(self) -> Callable[[ConditionContext], bool]:
        parts = [self.parse_and()]
        while self.keyword("OR", "||"):
            parts.append(self.parse_and())
        if len(parts) == 1:
            return parts[0]
        return _any_of(parts)

    def parse_and(self) -> Callable[[ConditionContext], bool]:
        parts = [self.parse_unary()]
        while self.keyword("AND", "&&"):
            parts.append(self.parse_unary())
        if len(parts) == 1:
            return parts[0]
        return _all_of(parts)

    def parse_unary(self) -> Callable[[ConditionContext], bool]:
        if self.keyword("NOT", "!"):
            inner = self.parse_unary()
            return lambda ctx: not inner(ctx)
        token = self.peek()
        if token is not None and token.kind == "lparen":
            self.take()
            node = self.parse_or()
            closing = self.peek()
            if closing is None or closing.kind != "rparen":
                raise self.fail(closing, "missing ')'")
            self.take()
            return node
        return self.parse_test()

    def parse_function(self, token: _Token) -> tuple[str, _Ref]:
        name = token.text[3:]
        if name not in _FUNCTIONS:
            raise self.fail(token, f"unknown function (Lex has fn.{', fn.'.join(_FUNCTIONS)})")
        opening = self.take()
        if opening.kind != "lparen":
            raise self.fail(opening, f"fn.{name} needs '('")
        ref = self.parse_reference(f"the argument of fn.{name}")
        closing = self.take()
        if closing.kind != "rparen":
            raise self.fail(closing, f"fn.{name} takes one reference and needs ')'")
        return name, ref

    def parse_reference(self, what: str) -> _Ref:
        token = self.take()
        kinds = {"slot": (1, -1), "session": (1, -1), "request": (2, -2), "path": (0, None)}
        if token.kind not in kinds:
            raise self.fail(
                token,
                f"{what} must be a reference ({{slot}}, [sessionAttribute], "
                "((requestAttribute)) or $.path)",
            )
        start, end = kinds[token.kind]
        name = token.text[start:end].strip()
        if not name:
            raise self.fail(token, "empty reference")
        return _Ref(token.kind, name)

    def parse_constant(self) -> _Const:
        token = self.take()
        if token.kind == "string":
            body = token.text[1:-1]
            return _Const(re.sub(r"\\(.)", r"\1", body), quoted=True)
        if token.kind == "word" and token.text.upper() not in ("AND", "OR", "NOT", "CONTAINS"):
            return _Const(token.text, quoted=False)
        raise self.fail(token, "the right-hand side must be a constant")

    def parse_test(self) -> Callable[[ConditionContext], bool]:
        token = self.take()
        if token.kind == "fn":
            name, ref = self.parse_function(token)
            if name == "IS_SET":
                return _is_set(ref)
            operand = _Operand(ref, name)
        elif token.kind == "word" and token.text.upper() in _FUNCTIONS:
            raise self.fail(token, "functions must be prefixed with 'fn.'")
        else:
            self.pos -= 1
            operand = _Operand(self.parse_reference("the left-hand side"), None)
        if self.keyword("CONTAINS"):
            if operand.function is not None:
                raise self.fail(self.peek(), "CONTAINS needs a reference on its left")
            return _contains(operand, self.parse_constant())
        op_token = self.peek()
        if op_token is None or op_token.kind != "op" or op_token.text not in (*_COMPARISONS, "=="):
            raise self.fail(op_token, "expected a comparison (=, !=, <, <=, >, >=) or CONTAINS")
        self.take()
        op = "=" if op_token.text == "==" else op_token.text
        right = self.peek()
        if right is not None and right.kind in ("slot", "session", "request", "path", "fn"):
            raise self.fail(right, "the right-hand side must be a constant")
        return _comparison(operand, op, self.parse_constant())


def _any_of(parts: list[Callable[[ConditionContext], bool]]) -> Callable[[ConditionContext], bool]:
    return lambda ctx: any([p(ctx) for p in parts])  # every part runs: an unset one voids all


def _all_of(parts: list[Callable[[ConditionContext], bool]]) -> Callable[[ConditionContext], bool]:
    return lambda ctx: all([p(ctx) for p in parts])


def parse_condition(source: str) -> Condition:
    """Parse ``source``; raises ConditionSyntaxError naming the position of the problem."""
    if not isinstance(source, str):
        raise ConditionSyntaxError("the expression must be a string")
    if not 1 <= len(source) <= 1024:
        raise ConditionSyntaxError("the expression must be 1-1024 characters (API_Condition)")
    return Condition(source, _Parser(source).parse())
