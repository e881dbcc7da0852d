"""Soak the Lex V2 emulator over HTTP: many concurrent multi-slot dialogs through boto3.

    python bench/soak_emulator.py [--sessions 200] [--turns 20] [--deadline 300]

The emulator runs as its own process (``python -m lex_emulator``) with the pizza test bot
(``tests/functional/lex_emulator/templates/pizza_bot.yaml``). Each session is one thread with the
unchanged boto3 ``lexv2-runtime`` client and runs pizza orders of five turns each (intent, size,
count, date, yes) with its OWN values - a count and delivery date no other session uses - and checks
its own confirmation and closing messages. A closing message carrying another session's values is a
cross-session leak; any other wrong answer or exception is an error. The run stops by itself at the
deadline; sessions cut short count as errors.

Targets: zero errors and zero leaks (exit status 1 otherwise). Throughput and latency are reported
beside the targets the project set for a 2-core dev machine.
"""

from __future__ import annotations

import argparse
import calendar
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.functional.lex_emulator.lex_clients import lex_client  # noqa: E402

TEMPLATE = REPO / "tests" / "functional" / "lex_emulator" / "templates" / "pizza_bot.yaml"
SIZES = (("a small one", "small"), ("regular", "medium"), ("a big one", "large"))
CLOSING = re.compile(r"^Your (\d+) (\w+) pizzas will arrive on (\d{4}-\d{2}-\d{2})\.$")
TURNS_PER_ORDER = 5
TARGET_THROUGHPUT = 50.0  # turns/s on the shared 2-core machine
TARGET_P99_MS = 2000.0


@dataclass
class Totals:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    turns: int = 0
    orders: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def start_emulator() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "lex_emulator", "--template", str(TEMPLATE), "--port", "0"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        found = re.search(r"listening on (http://\S+)", line)
        if found:
            threading.Thread(target=proc.stdout.read, daemon=True).start()  # drain
            return proc, found.group(1)
    proc.wait()
    raise SystemExit(f"the emulator did not start (exit {proc.returncode})")


def order_values(
    session: int, order: int, orders_per_session: int
) -> tuple[str, str, str, str, str]:
    """(size phrase, size, count, date phrase, ISO date) unique to this session and order."""
    n = session * orders_per_session + order
    size_phrase, size = SIZES[n % len(SIZES)]
    day = date.today() + timedelta(days=1 + n % 330)
    return (
        size_phrase,
        size,
        str(n + 1),
        f"{calendar.month_name[day.month]} {day.day}",
        day.isoformat(),
    )


def run_session(
    client: Any, index: int, orders: int, deadline: float, totals: Totals, owners: dict[str, int]
) -> None:
    session_id = f"soak-{index:04d}"
    ids = {"botId": "LOCALBOTID", "botAliasId": "TSTALIASID", "localeId": "en_US"}
    for order in range(orders):
        size_phrase, size, count, date_phrase, iso = order_values(index, order, orders)
        script = [
            ("I want to order a pizza", "What size would you like?"),
            (size_phrase, "How many pizzas?"),
            (count, "For which day?"),
            (date_phrase, f"Order {count} {size} pizzas for {iso}?"),
            ("yes", f"Your {count} {size} pizzas will arrive on {iso}."),
        ]
        for turn, (text, expected) in enumerate(script):
            if time.monotonic() > deadline:
                with totals.lock:
                    totals.errors.append(f"{session_id}: cut short by the deadline")
                return
            started = time.perf_counter()
            try:
                response = client.recognize_text(**ids, sessionId=session_id, text=text)
            except Exception as exc:  # a failed turn is counted, never fatal to the run
                with totals.lock:
                    totals.errors.append(f"{session_id} turn {turn}: {type(exc).__name__}: {exc}")
                return
            elapsed = time.perf_counter() - started
            got = " ".join(m.get("content", "") for m in response.get("messages", []))
            with totals.lock:
                totals.latencies.append(elapsed)
                totals.turns += 1
            if got == expected:
                continue
            closing = CLOSING.match(got)
            owner = owners.get(closing.group(1)) if closing else None
            with totals.lock:
                if owner is not None and owner != index:
                    totals.leaks.append(f"{session_id} got session {owner}'s order: {got!r}")
                else:
                    totals.errors.append(f"{session_id} turn {turn}: {got!r} != {expected!r}")
            return
        with totals.lock:
            totals.orders += 1


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--turns", type=int, default=20, help="per session, a multiple of 5")
    parser.add_argument("--deadline", type=float, default=300.0, help="seconds before stopping")
    args = parser.parse_args(argv)
    orders = max(1, args.turns // TURNS_PER_ORDER)

    owners = {order_values(s, o, orders)[2]: s for s in range(args.sessions) for o in range(orders)}
    proc, url = start_emulator()
    totals = Totals()
    try:
        client = lex_client(url, pool=args.sessions + 8)
        client.recognize_text(  # warm up (model load, first connection) outside the timing
            botId="LOCALBOTID", botAliasId="TSTALIASID", localeId="en_US",
            sessionId="warm-up", text="hello",
        )  # fmt: skip
        deadline = time.monotonic() + args.deadline
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.sessions) as pool:
            for i in range(args.sessions):
                pool.submit(run_session, client, i, orders, deadline, totals, owners)
        wall = time.perf_counter() - started
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()

    planned = args.sessions * orders * TURNS_PER_ORDER
    throughput = totals.turns / wall if wall > 0 else 0.0
    p50 = percentile(totals.latencies, 0.50) * 1000
    p99 = percentile(totals.latencies, 0.99) * 1000
    mean = statistics.fmean(totals.latencies) * 1000 if totals.latencies else float("nan")
    rows = [
        ("concurrent sessions", f"{args.sessions}", "200"),
        ("turns done / planned", f"{totals.turns} / {planned}", f"{planned}"),
        ("orders closed", f"{totals.orders}", f"{args.sessions * orders}"),
        ("wall time (s)", f"{wall:.1f}", f"<= {args.deadline:.0f}"),
        ("throughput (turns/s)", f"{throughput:.1f}", f">= {TARGET_THROUGHPUT:.0f}"),
        ("latency p50 (ms)", f"{p50:.1f}", "(report)"),
        ("latency p99 (ms)", f"{p99:.1f}", f"<= {TARGET_P99_MS:.0f}"),
        ("mean (ms)", f"{mean:.1f}", "(report)"),
        ("errors", f"{len(totals.errors)}", "0"),
        ("cross-session leaks", f"{len(totals.leaks)}", "0"),
    ]  # fmt: skip
    print(f"Lex emulator soak over HTTP ({url}, boto3, {os.cpu_count()} CPUs)")
    print(f"{'metric':<24}{'result':>18}{'target':>12}")
    for name, value, target in rows:
        print(f"{name:<24}{value:>18}{target:>12}")
    for line in (totals.errors + totals.leaks)[:10]:
        print("  !", line)
    ok = not totals.errors and not totals.leaks and totals.turns == planned
    print("RESULT:", "PASS" if ok else "FAIL", "(zero errors, zero leaks, every turn done)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
