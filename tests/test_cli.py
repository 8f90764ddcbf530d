"""The `hotline` command as a person runs it: real subprocesses, real stdin and stdout."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import uvicorn

from hotline.settings import Settings
from hotline.web.app import create_app
from tests.conftest import free_port, serving

ROOT = Path(__file__).resolve().parent.parent


def hotline(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hotline.cli", *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=60, check=False,
        env=env if env is not None else dict(os.environ),
    )  # fmt: skip


def test_crisis_check_prints_one_json_verdict_a_line() -> None:
    lines = ["i want to kill myself tonight", "what time is the meeting", "quiero morirme"]
    result = hotline("crisis-check", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    verdicts = [json.loads(line) for line in result.stdout.splitlines()]
    assert [v["text"] for v in verdicts] == lines
    assert [v["crisis"] for v in verdicts] == [True, False, True]
    assert verdicts[0]["level"] == "imminent"
    assert all(
        set(v) == {"text", "crisis", "score", "level", "danger", "matched"} for v in verdicts
    )
    assert [v["danger"] for v in verdicts] == ["suicide", None, "suicide"]


def test_serve_without_secrets_explains_in_one_line() -> None:
    env = {
        k: v for k, v in os.environ.items() if k not in ("TWILIO_AUTH_TOKEN", "HOTLINE_SECRET_KEY")
    }
    result = hotline("serve", env=env)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("hotline: TWILIO_AUTH_TOKEN is not set")
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_db_upgrade_says_what_it_did_and_why_it_could_not(tmp_path: Path) -> None:
    env = dict(os.environ, HOTLINE_DATABASE_URL=f"sqlite:///{tmp_path / 'new.db'}")
    first = hotline("db", "upgrade", env=env)
    assert first.returncode == 0, first.stderr
    assert "newest revision" in first.stdout and "tables were created" in first.stdout
    again = hotline("db", "upgrade", env=env)
    assert "nothing to change" in again.stdout
    # The database cannot be opened: check it, rather than "did `hotline db upgrade` run?".
    env["HOTLINE_DATABASE_URL"] = f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}"
    failed = hotline("db", "upgrade", env=env)
    assert failed.returncode == 2 and "Traceback" not in failed.stderr
    assert failed.stderr.startswith("hotline: the database cannot be used")
    assert "db upgrade" not in failed.stderr and "does it exist?" in failed.stderr


def test_import_of_a_missing_feed_is_one_line(tmp_path: Path) -> None:
    result = hotline("import", str(tmp_path / "missing.json"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("hotline import: could not read the feed")


def test_sms_to_a_line_that_is_not_running_says_so() -> None:
    result = hotline("sms", "+15551230000", "FIND 94110", "--url", "http://127.0.0.1:9")
    assert result.returncode == 1
    assert "cannot reach the line" in result.stdout
    assert "Traceback" not in result.stderr


def test_sms_talks_to_a_running_line_signed_like_twilio(live_url: str) -> None:
    text = hotline("sms", "+15551230000", "HELP", "--url", live_url)
    assert text.returncode == 0, text.stdout + text.stderr
    assert "988" in text.stdout and "<Response>" not in text.stdout
    raw = hotline("sms", "+15551230000", "HELP", "--url", live_url, "--twiml")
    assert raw.returncode == 0
    assert raw.stdout.startswith("<?xml") and "<Message>" in raw.stdout


def test_sms_signs_for_the_other_loopback_name_when_one_is_refused(live_url: str) -> None:
    # The demo signs for the name it was started on; called by the other name, the first try
    # is refused (403, nothing done) and the CLI signs for the other.
    other = live_url.replace("127.0.0.1", "localhost")
    result = hotline("sms", "+15551230000", "HELP", "--url", other)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "988" in result.stdout


def test_sms_signed_for_another_url_is_refused(settings: Settings) -> None:
    # The line checks signatures against its public URL: signed for none the CLI can know of
    # (its settings' public URL, the URL called, the other loopback name), it answers 403.
    port = free_port()
    elsewhere = dataclasses.replace(settings, public_url=settings.public_url + "/elsewhere")
    with serving(uvicorn.Config(create_app(elsewhere), port=port, log_level="warning")):
        result = hotline("sms", "+15551230000", "HELP", "--url", f"http://localhost:{port}")
    assert result.returncode == 1
    assert "answered 403" in result.stdout


def test_sms_reaches_a_line_behind_its_proxy_from_the_same_machine(settings: Settings) -> None:
    # A deployed line checks signatures against HOTLINE_PUBLIC_URL (https://…), while the
    # deployer's smoke test calls it on loopback: `hotline sms … --url http://127.0.0.1:8000`.
    assert not settings.public_url.startswith("http://127.")
    port = free_port()
    with serving(uvicorn.Config(create_app(settings), port=port, log_level="warning")):
        text = hotline("sms", "+15551230000", "HELP", "--url", f"http://127.0.0.1:{port}")
    assert text.returncode == 0, text.stdout + text.stderr
    assert "988" in text.stdout


def test_worker_without_a_sender_explains_in_one_line() -> None:
    env = {k: v for k, v in os.environ.items() if k != "HOTLINE_FROM_NUMBER"}
    result = hotline("worker", env=env)
    assert result.returncode == 2
    assert result.stderr.startswith("hotline: No sender: set HOTLINE_FROM_NUMBER")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_serve_on_localhost_outside_the_demo_is_refused() -> None:
    env = dict(os.environ) | {"HOTLINE_PUBLIC_URL": "http://localhost:8000"}
    result = hotline("serve", env=env)
    assert result.returncode == 2
    assert "HOTLINE_PUBLIC_URL is http://localhost:8000, which Twilio cannot reach" in result.stderr
    assert result.stderr.count("\n") == 1
