"""Bot messages: message groups with variations, in every content type Lex sends.

A ``MessageGroup`` in the template is one ``MessageDef``: its primary message plus up to two
``Variations``. "When variations are defined, Amazon Lex chooses the primary message or one of the
variations to send to the user" (API reference, MessageGroup). How it chooses is the prompt's
``MessageSelectionStrategy`` ("How a message is selected from a message group among retries",
``Random`` or ``Ordered``): ``Random`` (the default) picks uniformly with the bot's random source,
which ``LexEmulator(seed=...)`` / ``LEX_EMULATOR_SEED`` make repeatable; ``Ordered`` sends the
primary message first and the variations on the following retries, in order (*the docs do not say
more; this is the plain reading of "ordered"*).

Content types (runtime ``Message``): ``PlainText``, ``SSML``, ``CustomPayload`` (``content`` holds
the text) and ``ImageResponseCard`` (``imageResponseCard`` holds title, subtitle, image URL and
buttons; ``content`` is left out).
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from typing import Any

__all__ = ["MessageDef", "make_rng"]

SEED_ENV = "LEX_EMULATOR_SEED"


def make_rng(seed: int | None = None) -> random.Random:
    """The random source for variations: ``seed``, else ``LEX_EMULATOR_SEED``, else the OS."""
    if seed is None and os.environ.get(SEED_ENV, "").strip().lstrip("-").isdigit():
        seed = int(os.environ[SEED_ENV])
    return random.Random(seed)  # noqa: S311 - message variety, not security


@dataclass(frozen=True)
class MessageDef:
    """One message (or a message group: the primary message with its ``variations``).

    ``content`` may hold ``{SlotName}`` references; an ImageResponseCard's text fields may too.
    """

    content: str
    content_type: str = "PlainText"
    card: dict[str, Any] | None = None  # ImageResponseCard in the runtime's camelCase shape
    variations: tuple[MessageDef, ...] = ()
    ordered: bool = False  # MessageSelectionStrategy: Ordered

    def __hash__(self) -> int:
        return hash((self.content, self.content_type, self.variations, self.ordered))

    def pick(self, rng: random.Random | None = None, attempt: int = 0) -> MessageDef:
        """The message to send from this group (``attempt`` 0 is the first prompt)."""
        if not self.variations:
            return self
        options = (self, *self.variations)
        if self.ordered:
            return options[attempt % len(options)]
        return (rng or _DEFAULT_RNG).choice(options)

    def to_lex(self, content: str | None = None, substitute: Any = None) -> dict[str, Any]:
        """The runtime ``Message``; ``substitute`` (str -> str) fills ``{Slot}`` references."""
        if self.content_type == "ImageResponseCard" and self.card is not None:
            fill = substitute if callable(substitute) else (lambda s: s)
            card: dict[str, Any] = {"title": fill(self.card["title"])}
            for key in ("subtitle", "imageUrl"):
                if self.card.get(key):
                    card[key] = fill(self.card[key])
            if self.card.get("buttons"):
                card["buttons"] = [
                    {"text": fill(b["text"]), "value": fill(b["value"])}
                    for b in self.card["buttons"]
                ]
            return {"contentType": "ImageResponseCard", "imageResponseCard": card}
        text = self.content if content is None else content
        if callable(substitute) and content is None:
            text = substitute(text)
        return {"contentType": self.content_type, "content": text}


_DEFAULT_RNG = make_rng()
