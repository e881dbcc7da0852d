"""How this project launches Debian's Chromium (tests and bench/page_load.py alike).

Never `playwright install`: Playwright drives /usr/bin/chromium. The networking flags keep Chromium
from reaching for Google's services on a machine with no network; we run as root, so no sandbox.
"""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
