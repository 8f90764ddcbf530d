"""No phone number or message body may reach a log line, at any level."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
E164 = re.compile(r"\+\d{10,15}")
# Bodies the webhook tests send; none of them may be logged.
BODIES = ("FIND 94110", "hello", "REMIND 4821")


@pytest.mark.slow
def test_webhook_suite_logs_no_numbers_or_bodies(tmp_path: Path) -> None:
    log_file = tmp_path / "debug.log"
    env = dict(os.environ, PYTHONHASHSEED="0")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-x",
            "-p",
            "no:cacheprovider",
            "tests/web",
            "--log-file",
            str(log_file),
            "--log-file-level",
            "DEBUG",
            "-k",
            "not test_privacy_logs",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    text = log_file.read_text()
    assert "sms_received" in text, "the webhook tests logged nothing: the check would be empty"
    assert E164.findall(text) == []
    for body in BODIES:
        assert body not in text
