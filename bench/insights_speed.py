"""How long ``python -m insights`` (what ``make insights`` runs) takes on generated logs.

Generates Lex V2 conversation logs of 20,000 and 100,000 lines (tests/support/insights_data.py:
planted clusters of paraphrases in en_US and ko_KR, one-off questions, greetings) into a temporary
folder, runs the command once on each as a child process (imports included) and reports the wall
time, the lines per second and the intents it suggested.

Target: 100,000 lines in under 60 s on this machine.

Run: ``python bench/insights_speed.py``. Exits non-zero when the target is missed.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bench_support import PYTHON, REPO, machine_load, table, verdict

from tests.support.insights_data import generate_log

TARGET_SECONDS = 60.0


def main() -> int:
    rows = []
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for lines in (20_000, 100_000):
            log = Path(tmp) / f"log-{lines}.jsonl"
            with log.open("w", encoding="utf-8") as fh:
                for line, _key in generate_log(lines, seed=5):
                    fh.write(line + "\n")
            out = Path(tmp) / f"out-{lines}"
            started = time.perf_counter()
            run = subprocess.run(
                [PYTHON, "-m", "insights", "--logs", str(log), "--out", str(out), "--quiet"],
                cwd=REPO,
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            elapsed = time.perf_counter() - started
            if run.returncode != 0:
                print(run.stderr[-2000:])
                return 1
            intents = (out / "intents.yaml").read_text(encoding="utf-8").count("- Name:")
            target = f"< {TARGET_SECONDS:.0f} s" if lines == 100_000 else ""
            passed = elapsed < TARGET_SECONDS if lines == 100_000 else True
            ok = ok and passed
            rows.append(
                [
                    f"{lines:,}",
                    f"{elapsed:.1f} s",
                    f"{lines / elapsed:,.0f}",
                    intents,
                    target,
                    verdict(passed) if target else "",
                ]
            )
    print(table(["log lines", "wall time", "lines/s", "intents", "target", ""], rows))
    print(machine_load())
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
