"""Loaders for the NLU benchmark data sets (CLINC150 and the Korean paraKQC/kochat set).

Only the files under ``/work/shared/benchdata`` (or ``NLU_BENCHDATA``) are read; nothing is
downloaded. Each loader returns plain dicts and lists so that the benchmarks and the calibration
procedure see exactly the same splits.
"""

from __future__ import annotations

import csv
import json
import os
import random
from dataclasses import dataclass, field
from pathlib import Path

OOS = "oos"


def benchdata_dir() -> Path:
    """Where the shared benchmark data lives (``NLU_BENCHDATA`` overrides)."""
    env = os.environ.get("NLU_BENCHDATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    for candidate in (here.parent.parent / "shared" / "benchdata", Path("/work/shared/benchdata")):
        if candidate.is_dir():
            return candidate
    return Path("/work/shared/benchdata")


@dataclass
class NluDataset:
    """A bot's training utterances plus labelled evaluation splits (``"oos"`` = out of scope)."""

    locale_id: str
    train: dict[str, list[str]]
    val: list[tuple[str, str]] = field(default_factory=list)
    test: list[tuple[str, str]] = field(default_factory=list)


def load_clinc150(per_intent: int | None = None, seed: int = 0) -> NluDataset:
    """CLINC150 ``data_full.json``: train split as the bot, val+oos_val and test+oos_test to score.

    ``per_intent`` keeps that many training utterances per intent, sampled with ``seed``
    (the "10 per intent" variant). No OOS utterance is ever used for training.
    """
    raw = json.loads((benchdata_dir() / "clinc150" / "data_full.json").read_text(encoding="utf-8"))
    train: dict[str, list[str]] = {}
    for text, intent in raw["train"]:
        train.setdefault(intent, []).append(text)
    if per_intent is not None:
        rng = random.Random(seed)
        train = {k: rng.sample(v, per_intent) for k, v in sorted(train.items())}
    val = [(t, i) for t, i in raw["val"]] + [(t, OOS) for t, _ in raw["oos_val"]]
    test = [(t, i) for t, i in raw["test"]] + [(t, OOS) for t, _ in raw["oos_test"]]
    return NluDataset("en_US", train, val, test)


def load_korean() -> NluDataset:
    """The Korean set: 100 paraKQC intents (5 train each), val and test with hard and easy OOS."""
    path = benchdata_dir() / "korean" / "ko_intent_oos_test.tsv"
    train: dict[str, list[str]] = {}
    val: list[tuple[str, str]] = []
    test: list[tuple[str, str]] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            split, intent, text = row["split"], row["intent"], row["utterance"]
            if split == "train":
                train.setdefault(intent, []).append(text)
            elif split == "val":
                val.append((text, intent))
            elif split == "test":
                test.append((text, intent))
    return NluDataset("ko_KR", train, val, test)
