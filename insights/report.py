"""From turns to the three output files: ``insights.md``, ``insights.html``, ``intents.yaml``."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from insights import charts
from insights.clustering import DEFAULT_MAX_ITEMS, DEFAULT_THRESHOLD, cluster_texts, normalise
from insights.reader import ReadStats, Turn
from insights.snippets import existing_intents, intent_name, intent_snippet, snippets_yaml

__all__ = ["Analysis", "ClusterReport", "Options", "analyse", "write_outputs"]

SHOWN_CLUSTERS = 15
EXAMPLES = 5
HOURLY_UP_TO_HOURS = 72


@dataclass(frozen=True)
class Options:
    threshold: float = DEFAULT_THRESHOLD
    max_items: int = DEFAULT_MAX_ITEMS
    min_count: int = 20
    min_share: float = 0.01


@dataclass
class ClusterReport:
    locale: str
    size: int
    distinct: int
    share: float  # of the locale's fallback turns
    examples: list[tuple[str, int]]
    members: list[tuple[str, int]]
    snippet: dict[str, Any] | None = None


@dataclass
class Analysis:
    stats: ReadStats
    turns: Counter[str] = field(default_factory=Counter)  # per locale
    fallback: Counter[str] = field(default_factory=Counter)
    timeline: list[tuple[str, int, int]] = field(default_factory=list)  # label, all, fallback
    clusters: dict[str, list[ClusterReport]] = field(default_factory=dict)
    unclustered: Counter[str] = field(default_factory=Counter)


def _timeline(buckets: dict[dt.datetime, list[int]]) -> list[tuple[str, int, int]]:
    if not buckets:
        return []
    first, last = min(buckets), max(buckets)
    hourly = (last - first) <= dt.timedelta(hours=HOURLY_UP_TO_HOURS)
    merged: dict[dt.datetime, list[int]] = defaultdict(lambda: [0, 0])
    for hour, (total, missed) in buckets.items():
        key = hour if hourly else hour.replace(hour=0)
        merged[key][0] += total
        merged[key][1] += missed
    fmt = "%m-%d %H:00" if hourly else "%Y-%m-%d"
    return [(k.strftime(fmt), v[0], v[1]) for k, v in sorted(merged.items())]


def _prefixed(progress: Callable[[str], None], prefix: str) -> Callable[[str], None]:
    return lambda message: progress(f"{prefix}: {message}")


def analyse(
    turns: Iterable[Turn],
    stats: ReadStats,
    *,
    template_text: str = "",
    options: Options = Options(),
    progress: Callable[[str], None] = lambda _m: None,
    progress_every: int = 20_000,
) -> Analysis:
    result = Analysis(stats=stats)
    texts: dict[str, Counter[str]] = defaultdict(Counter)
    shown: dict[str, Counter[str]] = defaultdict(Counter)  # normalised -> raw forms
    answers: dict[str, str] = {}
    buckets: dict[dt.datetime, list[int]] = defaultdict(lambda: [0, 0])
    for turn in turns:
        result.turns[turn.locale] += 1
        if turn.timestamp is not None:
            hour = turn.timestamp.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
            buckets[hour][0] += 1
            buckets[hour][1] += int(turn.missed)
        if turn.missed:
            result.fallback[turn.locale] += 1
            norm = normalise(turn.text)
            if norm:
                texts[turn.locale][norm] += 1
                shown[norm][turn.text] += 1
                if norm not in answers and turn.answer and turn.answered:
                    answers[norm] = turn.answer
        if stats.lines % progress_every == 0:
            progress(f"read {stats.lines:,} lines ({stats.turns:,} turns)")
    progress(f"read {stats.lines:,} lines: {stats.turns:,} turns, {stats.skipped:,} skipped")
    result.timeline = _timeline(buckets)
    names, samples = existing_intents(template_text)
    taken = set(names)
    for locale in sorted(texts):
        progress(f"{locale}: {result.fallback[locale]:,} fallback turns")
        clusters, left = cluster_texts(
            texts[locale],
            threshold=options.threshold,
            max_items=options.max_items,
            progress=_prefixed(progress, locale),
        )
        result.unclustered[locale] = left
        fallback_turns = result.fallback[locale]
        large = max(options.min_count, options.min_share * fallback_turns)
        reports: list[ClusterReport] = []
        for c in clusters:
            examples = [(shown[t].most_common(1)[0][0], n) for t, n in c.members[:EXAMPLES]]
            report = ClusterReport(
                locale=locale,
                size=c.size,
                distinct=len(c.members),
                share=c.size / fallback_turns if fallback_turns else 0.0,
                examples=examples,
                members=c.members,
            )
            if c.size >= large:
                name = intent_name(c.members, locale, len(reports) + 1, taken)
                answer = next((answers[t] for t, _ in c.members if t in answers), "")
                report.snippet = intent_snippet(
                    name, c.members, answer, c.size, samples.get(locale, set())
                )
            reports.append(report)
        result.clusters[locale] = reports
    return result


def _suggested(analysis: Analysis) -> dict[str, list[dict[str, Any]]]:
    return {
        locale: [r.snippet for r in reports if r.snippet is not None]
        for locale, reports in analysis.clusters.items()
        if any(r.snippet is not None for r in reports)
    }


def _markdown(a: Analysis, source: str) -> str:
    total, missed = sum(a.turns.values()), sum(a.fallback.values())
    lines = [
        "# Insights: what the LLM answered that the bot could own",
        "",
        f"Source: `{source}`. {a.stats.lines:,} lines, {a.stats.turns:,} turns "
        f"({a.stats.skipped:,} lines skipped).",
        "",
        "| locale | turns | fallback turns | fallback rate | clusters suggested as intents |",
        "|---|---:|---:|---:|---:|",
    ]
    for locale in sorted(a.turns):
        t, f = a.turns[locale], a.fallback[locale]
        suggested = sum(r.snippet is not None for r in a.clusters.get(locale, []))
        lines.append(f"| {locale} | {t:,} | {f:,} | {f / t:.1%} | {suggested} |")
    if total:
        lines.append(f"| all | {total:,} | {missed:,} | {missed / total:.1%} | |")
    lines += ["", "## Fallback rate over time", "", "| period | turns | fallback | rate |"]
    lines.append("|---|---:|---:|---:|")
    for label, t, f in a.timeline:
        lines.append(f"| {label} | {t:,} | {f:,} | {f / t:.1%} |")
    for locale, reports in sorted(a.clusters.items()):
        lines += ["", f"## Clusters of fallback utterances: {locale}", ""]
        lines.append(
            f"{a.fallback[locale]:,} fallback turns; {a.unclustered[locale]:,} left unclustered "
            "(rare utterances beyond the clustered set)."
        )
        lines += ["", "| # | turns | share | distinct | suggested intent | examples |"]
        lines.append("|---:|---:|---:|---:|---|---|")
        for i, r in enumerate(reports[:SHOWN_CLUSTERS], 1):
            name = f"`{r.snippet['Name']}`" if r.snippet else ""
            examples = "; ".join(f"{text.replace('|', '/')} ({n})" for text, n in r.examples)
            lines.append(
                f"| {i} | {r.size:,} | {r.share:.1%} | {r.distinct} | {name} | {examples} |"
            )
    lines += [
        "",
        "## Suggested intents",
        "",
        "`intents.yaml` holds one `AWS::Lex::Bot` intent per large cluster, per locale. Paste a",
        "locale's entries into `template.yaml` under that locale's `Intents`, above `FallbackIntent`,",
        "review the sample utterances and the closing answer (the LLM's most common one), then",
        "deploy or run `make dev`.",
        "",
    ]
    return "\n".join(lines)


_CSS = """body{font-family:system-ui,sans-serif;max-width:1000px;margin:0 auto;padding:1rem;color:#1d2433}
table{border-collapse:collapse;margin:0.5rem 0}td,th{border:1px solid #d6dbe5;padding:2px 6px;font-size:0.9rem}
td.n{text-align:right}svg.chart{width:100%;height:auto;border:1px solid #e3e6ee;border-radius:6px}
code{background:#f2f4f8;padding:0 3px}"""


def _html(a: Analysis, source: str) -> str:
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8"><title>Chatbot insights</title>',
        f"<style>{_CSS}</style></head><body>",
        "<h1>Insights: what the LLM answered that the bot could own</h1>",
        f"<p>Source: <code>{escape(source)}</code>. {a.stats.lines:,} lines, "
        f"{a.stats.turns:,} turns ({a.stats.skipped:,} lines skipped).</p>",
        "<table><tr><th>locale</th><th>turns</th><th>fallback turns</th><th>fallback rate</th></tr>",
    ]
    for locale in sorted(a.turns):
        t, f = a.turns[locale], a.fallback[locale]
        parts.append(
            f"<tr><td>{escape(locale)}</td><td class=n>{t:,}</td><td class=n>{f:,}</td>"
            f"<td class=n>{f / t:.1%}</td></tr>"
        )
    parts.append("</table><h2>Fallback rate over time</h2>")
    parts.append(
        charts.line_chart(
            "Fallback rate over time",
            [label for label, _, _ in a.timeline],
            [f / t if t else 0.0 for _, t, f in a.timeline],
            percent=True,
        )
    )
    for locale, reports in sorted(a.clusters.items()):
        top = reports[:SHOWN_CLUSTERS]
        parts.append(f"<h2>Clusters of fallback utterances: {escape(locale)}</h2>")
        parts.append(
            charts.bar_chart(
                f"Largest clusters ({locale}), turns",
                [r.examples[0][0] for r in top],
                [float(r.size) for r in top],
            )
        )
        parts.append(
            "<table><tr><th>#</th><th>turns</th><th>share</th><th>distinct</th>"
            "<th>suggested intent</th><th>examples</th></tr>"
        )
        for i, r in enumerate(top, 1):
            name = escape(r.snippet["Name"]) if r.snippet else ""
            examples = "<br>".join(f"{escape(t)} ({n})" for t, n in r.examples)
            parts.append(
                f"<tr><td class=n>{i}</td><td class=n>{r.size:,}</td><td class=n>{r.share:.1%}</td>"
                f"<td class=n>{r.distinct}</td><td><code>{name}</code></td><td>{examples}</td></tr>"
            )
        parts.append("</table>")
    parts.append(
        "<h2>Suggested intents</h2><p>See <code>intents.yaml</code>: paste a locale's entries "
        "into <code>template.yaml</code> under that locale's <code>Intents</code>, above "
        "<code>FallbackIntent</code>, and review them.</p></body></html>"
    )
    return "\n".join(parts)


def write_outputs(analysis: Analysis, out_dir: Path, source: str) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "md": out_dir / "insights.md",
        "html": out_dir / "insights.html",
        "yaml": out_dir / "intents.yaml",
    }
    paths["md"].write_text(_markdown(analysis, source), encoding="utf-8")
    paths["html"].write_text(_html(analysis, source), encoding="utf-8")
    header = (
        f"Suggested AWS::Lex::Bot intents from {source} (make insights).\n"
        "Paste each locale's list into template.yaml: Resources.ChatBot.Properties.BotLocales,\n"
        "the entry with that LocaleId, under Intents and above FallbackIntent. Review first."
    )
    paths["yaml"].write_text(snippets_yaml(_suggested(analysis), header), encoding="utf-8")
    return paths
