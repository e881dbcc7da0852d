"""Small deterministic fakes for the emulator's unit tests (real NLU and slots are tested apart).

``KeywordClassifier`` scores intents by word overlap with their sample utterances;
``FakeSlotFiller`` matches custom values/synonyms, digits and English number words, first
names and yes/no.
"""

from __future__ import annotations

import re
from pathlib import Path

import botocore.session
from botocore.validate import ParamValidator

from lex_emulator.bot_model import SlotTypeDef

TEMPLATES = Path(__file__).parent / "templates"
REPO_TEMPLATE = Path(__file__).resolve().parents[3] / "template.yaml"
_WORDS = re.compile(r"\w+")
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10}


def _tokens(text: str) -> set[str]:
    return set(_WORDS.findall(re.sub(r"\{\w+\}", " ", text.lower())))


class KeywordClassifier:
    """Jaccard overlap between the text and an intent's best sample utterance."""

    def __init__(self, locale_id: str) -> None:
        self.locale_id = locale_id
        self.samples: dict[str, list[set[str]]] = {}

    def fit(self, samples):
        self.samples = {k: [_tokens(u) for u in v] for k, v in samples.items()}
        return self

    def predict(self, text):
        words = _tokens(text)
        scores = []
        for intent, utterances in self.samples.items():
            best = max((len(words & u) / len(words | u) for u in utterances if u), default=0.0)
            scores.append((intent, best))
        return sorted(scores, key=lambda p: -p[1])


def _value(original: str, interpreted: str, resolved: str | None = None) -> dict[str, object]:
    return {
        "originalValue": original,
        "interpretedValue": interpreted,
        "resolvedValues": [resolved or interpreted],
    }


class FakeSlotFiller:
    def slot_type(self, spec: SlotTypeDef) -> SlotTypeDef:
        return spec

    def extract(self, slot_type, text, locale_id, today):
        lowered = text.lower()
        if isinstance(slot_type, SlotTypeDef):
            for value, synonyms in slot_type.values:
                for word in (value, *synonyms):
                    if word.lower() in lowered:
                        chosen = value if slot_type.resolution == "TopResolution" else word
                        return _value(word, chosen, value)
            return None
        if slot_type == "AMAZON.Number":
            digits = re.search(r"\d+", text)
            if digits:
                return _value(digits.group(0), digits.group(0))
            for word, number in _NUMBERS.items():
                if word in _tokens(text):
                    return _value(word, str(number))
            return None
        if slot_type == "AMAZON.FirstName":
            words = [w for w in re.split(r"\s+", text.strip()) if w]
            if not words:
                return None
            name = re.sub(r"(이에요|예요|입니다|이야|야|요)$", "", words[-1]) or words[-1]
            return _value(name, name)
        return _value(text, text) if text.strip() else None

    def fill(self, templates, text, slot_types, locale_id, today):
        for template in templates:
            names = re.findall(r"\{(\w+)\}", template)
            if not names:
                continue
            pattern = re.escape(template)
            for name in names:
                pattern = pattern.replace(re.escape("{" + name + "}"), f"(?P<{name}>.+?)")
            match = re.fullmatch(pattern, text.strip(), flags=re.IGNORECASE)
            if match:
                found = {}
                for name in names:
                    value = self.extract(slot_types[name], match.group(name), locale_id, today)
                    if value is not None:
                        found[name] = value
                return found
        return {}

    def confirmation(self, text, locale_id):
        word = text.strip().lower()
        if word in ("yes", "yeah", "네", "예", "응", "좋아요"):
            return "Yes"
        if word in ("no", "nope", "아니요", "아니", "싫어요"):
            return "No"
        return None


_MODEL = botocore.session.get_session().get_service_model("lexv2-runtime")


def _drop_null_slots(value):
    """Lex sends unfilled slots as JSON null (botocore's parser accepts it; its validator,
    built for requests, does not), so nulls inside ``slots`` maps are left out of the check."""
    if isinstance(value, dict):
        return {
            k: (
                {n: _drop_null_slots(v) for n, v in s.items() if v is not None}
                if k == "slots" and isinstance(s, dict)
                else _drop_null_slots(s)
            )
            for k, s in value.items()
        }
    if isinstance(value, list):
        return [_drop_null_slots(v) for v in value]
    return value


def assert_valid_output(operation: str, response: dict) -> None:
    """The response fits botocore's own output shape for the operation."""
    shape = _MODEL.operation_model(operation).output_shape
    report = ParamValidator().validate(_drop_null_slots(response), shape)
    assert not report.has_errors(), report.generate_report()
