"""Wait until the bridge reports every process healthy, then say where to go."""

from __future__ import annotations

import os
import sys
import time

import httpx

TIMEOUT_SECONDS = 300


def main() -> None:
    port = os.environ.get("BRIDGE_PORT", "8000")
    url = f"http://127.0.0.1:{port}/health"
    started = time.monotonic()
    last: dict[str, str] = {}
    while time.monotonic() - started < TIMEOUT_SECONDS:
        try:
            response = httpx.get(url, timeout=3.0)
            last = response.json()
            if response.status_code == 200:
                break
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(1.0)
    else:
        sys.exit(f"Not healthy after {TIMEOUT_SECONDS} s: {last or 'bridge does not answer'}")
    base = f"http://localhost:{port}"
    print(
        f"\nElke Deur is ready after {time.monotonic() - started:.0f} s.\n"
        f"  Web chat:      {base}/\n"
        f"  Staff console: {base}/console\n"
        f"  API docs:      {base}/docs\n"
        f"  Staff accounts: make admin EMAIL=... (first beheerder); API token: STAFF_TOKEN\n"
        "Press Ctrl-C to stop everything.",
        flush=True,
    )


if __name__ == "__main__":
    main()
