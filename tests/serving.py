"""Waiting for a `hotline serve` started by a test to answer."""

from __future__ import annotations

import subprocess
import time

import httpx

# Loading the crisis detector (compiling its cues) takes ~2 s of CPU; CI runs four suites side
# by side on two cores, where start-up has taken over 30 s. A line that cannot start at all
# exits at once, and that is reported at once: the long wait is only for a slow machine.
START_SECONDS = 180


def wait_until_serving(
    process: subprocess.Popen[bytes] | subprocess.Popen[str],
    url: str,
    *,
    ready: str = "/healthz",
    timeout: float = START_SECONDS,
) -> httpx.Response:
    """Poll `url + ready` until it answers 200; fail at once if the process has exited."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            response = httpx.get(url + ready, timeout=5)
            if response.status_code == 200:
                return response
        except httpx.HTTPError:
            pass
        code = process.poll()
        assert code is None, f"hotline serve exited with {code} before it answered"
        assert time.monotonic() < deadline, f"hotline serve did not answer in {timeout:.0f} s"
        time.sleep(0.2)
