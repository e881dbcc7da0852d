"""``python -m insights --logs FILE | --log-group NAME --out DIR`` (what ``make insights`` runs).

Progress goes to stderr; the three files' paths to stdout. Exit status 2 with one line on bad
arguments or an unreadable input.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from insights.reader import ReadStats, read_turns
from insights.report import Options, analyse, write_outputs

EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m insights",
        description="Cluster the utterances that reached FallbackIntent and suggest intents.",
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--logs", help="a file of Lex V2 conversation log entries, one per line")
    source.add_argument("--log-group", help="read the CloudWatch Logs group with boto3 instead")
    parser.add_argument("--days", type=float, default=7.0, help="with --log-group: how far back")
    parser.add_argument("--out", required=True, help="folder for insights.md/.html, intents.yaml")
    parser.add_argument("--template", default="template.yaml", help="the bot's template")
    parser.add_argument("--threshold", type=float, default=Options.threshold)
    parser.add_argument("--min-count", type=int, default=Options.min_count)
    parser.add_argument("--min-share", type=float, default=Options.min_share)
    parser.add_argument("--max-items", type=int, default=Options.max_items)
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    return parser


def _file_lines(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8", errors="replace") as fh:
        yield from fh


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    started = time.monotonic()

    def progress(message: str) -> None:
        if not args.quiet:
            print(f"insights [{time.monotonic() - started:5.1f}s] {message}", file=sys.stderr)

    if args.logs:
        path = Path(args.logs)
        if not path.is_file():
            print(f"insights: {path} is not a file", file=sys.stderr)
            return EXIT_USAGE
        lines: Iterator[str] = _file_lines(path)
        source = str(path)
    else:
        from insights.cloudwatch import log_group_lines

        lines = log_group_lines(args.log_group, days=args.days)
        source = f"log group {args.log_group}"
    template = Path(args.template)
    template_text = template.read_text(encoding="utf-8") if template.is_file() else ""
    options = Options(
        threshold=args.threshold,
        max_items=args.max_items,
        min_count=args.min_count,
        min_share=args.min_share,
    )
    stats = ReadStats()
    try:
        analysis = analyse(
            read_turns(lines, stats),
            stats,
            template_text=template_text,
            options=options,
            progress=progress,
        )
    except OSError as exc:
        print(f"insights: cannot read {source}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # boto3 errors (no credentials, no such group) end in one line too
        if type(exc).__module__.startswith("botocore"):
            print(f"insights: cannot read {source}: {exc}", file=sys.stderr)
            return EXIT_USAGE
        raise
    paths = write_outputs(analysis, Path(args.out), source)
    progress("done")
    for path in paths.values():
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
