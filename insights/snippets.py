"""Suggested intents: names, sample utterances, YAML snippets for ``AWS::Lex::Bot``.

A snippet is one entry of a locale's ``Intents`` list in CloudFormation's spelling (cfn-lint's
``AWS::Lex::Bot`` schema): ``Name`` (``^([0-9a-zA-Z][_-]?){1,100}$``), ``Description``,
``SampleUtterances`` and an ``IntentClosingSetting`` whose message is what the LLM answered most
often for the cluster, for the bot author to review. ``insert_into_template`` pastes snippets
into a template's text just above each locale's ``FallbackIntent``, leaving the rest untouched.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import yaml

__all__ = [
    "MAX_SAMPLES",
    "existing_intents",
    "insert_into_template",
    "intent_name",
    "intent_snippet",
    "snippets_yaml",
]

MAX_SAMPLES = 20
MAX_UTTERANCE_CHARS = 200
MAX_MESSAGE_CHARS = 1000
_CORE_WINDOW = 300
_NAME = re.compile(r"([0-9a-zA-Z][_-]?){1,100}")
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "i",
        "me",
        "my",
        "we",
        "you",
        "your",
        "is",
        "are",
        "am",
        "was",
        "be",
        "do",
        "does",
        "did",
        "can",
        "could",
        "would",
        "should",
        "will",
        "please",
        "to",
        "for",
        "of",
        "on",
        "in",
        "at",
        "it",
        "this",
        "that",
        "and",
        "or",
        "so",
        "um",
        "hi",
        "hey",
        "hello",
        "there",
        "excuse",
        "yet",
        "now",
        "today",
        "thanks",
        "asap",
        "how",
        "what",
        "when",
        "where",
        "why",
        "who",
        "which",
        "want",
        "like",
        "get",
    ]
)


def intent_name(
    members: Iterable[tuple[str, int]], locale: str, index: int, taken: set[str]
) -> str:
    """A CamelCase name from the cluster's commonest content words (Latin script), else a
    numbered one; never one in ``taken`` (which it extends)."""
    words: Counter[str] = Counter()
    for text, count in members:
        for word in set(text.split()):
            if word.isascii() and word.isalpha() and word not in _STOP and len(word) > 2:
                words[word] += count
    ranked = words.most_common(2)
    top = [w for w, n in ranked if n >= 0.3 * ranked[0][1]]
    base = (
        "".join(w.capitalize() for w in top)
        if top
        else "Suggested" + "".join(p.capitalize() for p in locale.split("_"))
    )
    name = base if top else f"{base}{index:02d}"
    n = index
    while name in taken or not _NAME.fullmatch(name):
        name = f"{base}{n:02d}"
        n += 1
    taken.add(name)
    return name


def intent_snippet(
    name: str,
    members: list[tuple[str, int]],
    answer: str,
    turns: int,
    avoid: set[str],
) -> dict[str, Any]:
    """One ``Intents`` entry. ``members`` are normalised utterances, most frequent first;
    ``avoid`` holds utterances the locale's other intents already have."""
    usable = [t for t, _ in members if t not in avoid and len(t) <= MAX_UTTERANCE_CHARS]
    # Core phrasings first: those that are not another member with words around it.
    considered = usable[:_CORE_WINDOW]
    padded = {t: f" {t} " for t in considered}
    core = [t for t in considered if not any(o != t and padded[o] in padded[t] for o in considered)]
    samples: list[str] = []
    for text in [*core, *usable]:
        if len(samples) == MAX_SAMPLES:
            break
        if text not in samples:
            samples.append(text)
    snippet: dict[str, Any] = {
        "Name": name,
        "Description": f"Suggested by make insights from {turns} fallback turns; review before use.",
        "SampleUtterances": [{"Utterance": s} for s in samples],
    }
    answer = " ".join(answer.split())[:MAX_MESSAGE_CHARS]
    if answer:
        snippet["IntentClosingSetting"] = {
            "ClosingResponse": {
                "MessageGroupsList": [{"Message": {"PlainTextMessage": {"Value": answer}}}]
            }
        }
    return snippet


def snippets_yaml(by_locale: Mapping[str, list[dict[str, Any]]], header: str) -> str:
    comment = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines())
    body = yaml.safe_dump(dict(by_locale), allow_unicode=True, sort_keys=False, width=100)
    return comment + body


def existing_intents(template_text: str) -> tuple[set[str], dict[str, set[str]]]:
    """Intent names and (normalised) sample utterances per locale already in a template."""
    from insights.clustering import normalise

    names: set[str] = set()
    samples: dict[str, set[str]] = {}
    locale = ""
    for line in template_text.splitlines():
        stripped = line.strip()
        if stripped.startswith("- LocaleId:") or stripped.startswith("LocaleId:"):
            locale = stripped.split(":", 1)[1].strip().strip("'\"")
        elif stripped.startswith("- Name:"):
            names.add(stripped.split(":", 1)[1].strip().strip("'\""))
        elif stripped.startswith("- Utterance:") and locale:
            samples.setdefault(locale, set()).add(normalise(stripped.split(":", 1)[1]))
    return names, samples


def insert_into_template(template_text: str, by_locale: Mapping[str, list[dict[str, Any]]]) -> str:
    """The template with each locale's snippets pasted above that locale's FallbackIntent.

    Raises ValueError when a locale (or its FallbackIntent) is not in the template.
    """
    lines = template_text.splitlines(keepends=True)
    for locale, snippets in by_locale.items():
        if not snippets:
            continue
        start = next(
            (
                i
                for i, line in enumerate(lines)
                if re.fullmatch(rf"\s*- LocaleId: ['\"]?{re.escape(locale)}['\"]?\s*", line)
                and "Intents:" in "".join(lines[i : i + 6])
            ),
            None,
        )
        if start is None:
            raise ValueError(f"locale {locale} has no BotLocales entry in the template")
        at = next(
            (i for i in range(start, len(lines)) if lines[i].strip() == "- Name: FallbackIntent"),
            None,
        )
        if at is None:
            raise ValueError(f"locale {locale} has no FallbackIntent in the template")
        indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
        dumped = yaml.safe_dump(snippets, allow_unicode=True, sort_keys=False, width=1000)
        block = "".join(indent + line + "\n" if line else "\n" for line in dumped.splitlines())
        lines[at:at] = [block]
    return "".join(lines)
