"""The line's outside contract, snapshotted: what a layout move must never change.

Twilio's console, the deploy files, operators' scripts and jobs already queued in Redis all
name these: the routes (path and methods), the environment variables the settings read, the CLI
subcommands and the dotted job names RQ and the outbox store. A move that changes one fails
here; a deliberate addition updates the snapshot in the same commit.
"""

from __future__ import annotations

import argparse
import importlib
import re
from collections.abc import Iterable
from pathlib import Path

from starlette.routing import BaseRoute, Host, Mount, Route, WebSocketRoute

from hotline import cli
from hotline.jobs import names
from hotline.settings import Settings

HOTLINE = Path(__file__).resolve().parent.parent / "hotline"

ROUTES: list[tuple[str, str]] = [
    ("/admin/", "GET,HEAD"),
    ("/admin/blocklist", "GET,HEAD"),
    ("/admin/blocklist", "POST"),
    ("/admin/blocklist/{block_id:id}/remove", "POST"),
    ("/admin/broadcasts", "GET,HEAD"),
    ("/admin/broadcasts", "POST"),
    ("/admin/broadcasts/cancel-meeting", "POST"),
    ("/admin/broadcasts/rows", "GET,HEAD"),
    ("/admin/broadcasts/{broadcast_id:id}", "GET,HEAD"),
    ("/admin/broadcasts/{broadcast_id:id}/cancel", "POST"),
    ("/admin/broadcasts/{broadcast_id:id}/confirm", "POST"),
    ("/admin/broadcasts/{broadcast_id:id}/progress", "GET,HEAD"),
    ("/admin/cases", "GET,HEAD"),
    ("/admin/cases/rows", "GET,HEAD"),
    ("/admin/cases/{case_id:id}", "GET,HEAD"),
    ("/admin/cases/{case_id:id}/ack", "POST"),
    ("/admin/cases/{case_id:id}/done", "POST"),
    ("/admin/cases/{case_id:id}/notes", "POST"),
    ("/admin/code", "GET,HEAD"),
    ("/admin/code", "POST"),
    ("/admin/language/{lang}", "GET,HEAD"),
    ("/admin/live", "GET,HEAD"),
    ("/admin/live/rooms", "GET,HEAD"),
    ("/admin/live/{room_id:id}/mute-all", "POST"),
    ("/admin/live/{room_id:id}/participants/{pid:id}/{action}", "POST"),
    ("/admin/meetings", "GET,HEAD"),
    ("/admin/meetings", "POST"),
    ("/admin/meetings/new", "GET,HEAD"),
    ("/admin/meetings/{meeting_id:id}", "GET,HEAD"),
    ("/admin/meetings/{meeting_id:id}", "POST"),
    ("/admin/meetings/{meeting_id:id}/delete", "POST"),
    ("/admin/meetings/{meeting_id:id}/detach", "POST"),
    ("/admin/meetings/{meeting_id:id}/no-pins", "POST"),
    ("/admin/meetings/{meeting_id:id}/pause", "POST"),
    ("/admin/meetings/{meeting_id:id}/pins", "POST"),
    ("/admin/meetings/{meeting_id:id}/resume", "POST"),
    ("/admin/meetings/{meeting_id:id}/runners", "POST"),
    ("/admin/oncall", "GET,HEAD"),
    ("/admin/oncall/override", "POST"),
    ("/admin/oncall/shifts", "POST"),
    ("/admin/oncall/shifts/{shift_id:id}/remove", "POST"),
    ("/admin/reports", "GET,HEAD"),
    ("/admin/reports/{name}.csv", "GET,HEAD"),
    ("/admin/sign-in", "GET,HEAD"),
    ("/admin/sign-in", "POST"),
    ("/admin/sign-out", "POST"),
    ("/admin/staff", "GET,HEAD"),
    ("/admin/staff", "POST"),
    ("/admin/staff/{staff_id:int}/edit", "POST"),
    ("/admin/staff/{staff_id:int}/remove", "POST"),
    ("/healthz", "GET,HEAD"),
    ("/meetings.json", "GET,HEAD"),
    ("/metrics", "GET,HEAD"),
    ("/readyz", "GET,HEAD"),
    ("/twilio/sms", "POST"),
    ("/twilio/status/call", "POST"),
    ("/twilio/status/conference", "POST"),
    ("/twilio/status/message", "POST"),
    ("/twilio/voice", "POST"),
    ("/twilio/voice/crisis-fallback", "POST"),
    ("/twilio/voice/outbound/alert/{case_id:id}", "POST"),
    ("/twilio/voice/outbound/bridge/{case_id:id}", "POST"),
    ("/twilio/voice/outbound/join/{id:id}", "POST"),
    ("/twilio/voice/outbound/reminder/{id:id}", "POST"),
    ("/twilio/voice/outbound/voicemail/{id:id}", "POST"),
    ("/twilio/voice/outbound/warm/{id:id}", "POST"),
    ("/twilio/voice/step", "POST"),
    ("/twilio/voice/warm/ended/{id:id}", "POST"),
    ("/twilio/voice/warm/key/{id:id}", "POST"),
    ("/twilio/voice/warm/left/{id:id}", "POST"),
    ("/twilio/voice/warm/recorded/{id:id}", "POST"),
    ("/twilio/voice/warm/screen/{id:id}", "POST"),
    ("/twilio/voice/warm/transcribed/{id:id}", "POST"),
    ("/twilio/voice/warm/wait/{id:id}", "POST"),
]

ENVIRONMENT: list[str] = [
    "HOTLINE_CALLS_PER_SECOND",
    "HOTLINE_CLOCK_OFFSET_SECONDS",
    "HOTLINE_CONFIG_DIR",
    "HOTLINE_DATABASE_URL",
    "HOTLINE_DEMO",
    "HOTLINE_FROM_NUMBER",
    "HOTLINE_MESSAGING_SERVICE_SID",
    "HOTLINE_PUBLIC_URL",
    "HOTLINE_REDIS_URL",
    "HOTLINE_SECRET_KEY",
    "HOTLINE_SEGMENTS_PER_SECOND",
    "HOTLINE_SWITCH_INTERVAL_MS",
    "HOTLINE_TRANSPORT",
    "HOTLINE_TWILIO_API_URL",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
]

SUBCOMMANDS: list[str] = [
    "block",
    "broadcast",
    "call",
    "crisis-check",
    "db",
    "demo",
    "feeds",
    "import",
    "scheduler",
    "serve",
    "sms",
    "staff",
    "staff add",
    "staff edit",
    "staff list",
    "staff oncall",
    "staff remove",
    "warm",
    "warm list",
    "warm volunteer",
    "worker",
]

JOBS: list[str] = [
    "hotline.jobs.broadcast.fan_out",
    "hotline.jobs.escalation.escalate_case",
    "hotline.jobs.feeds.refresh_feed",
    "hotline.jobs.sender.send_batch",
    "hotline.jobs.sender.send_outbox",
    "hotline.warm.calls.end_other_legs",
]


def _routes(routes: Iterable[BaseRoute], prefix: str = "") -> list[tuple[str, str]]:
    table: list[tuple[str, str]] = []
    for route in routes:
        if isinstance(route, Mount | Host):
            path = prefix + (route.path if isinstance(route, Mount) else "")
            table.extend(_routes(route.routes, path))
        elif isinstance(route, Route):
            table.append((prefix + route.path, ",".join(sorted(route.methods or ()))))
        elif isinstance(route, WebSocketRoute):
            table.append((prefix + route.path, "WEBSOCKET"))
        else:
            raise AssertionError(f"a route of an unknown kind: {route!r}")
    return table


def route_table(settings: Settings) -> list[tuple[str, str]]:
    from hotline.web.app import create_app

    return sorted(_routes(create_app(settings).routes))


def environment_names() -> list[str]:
    """Every HOTLINE_* / TWILIO_* variable named as a whole string anywhere in hotline/."""
    spelled = re.compile(r"[\"'](?:HOTLINE|TWILIO)_[A-Z0-9_]+[\"']")
    found = {
        match.group()[1:-1]
        for path in HOTLINE.rglob("*.py")
        for match in spelled.finditer(path.read_text(encoding="utf-8"))
    }
    return sorted(found)


def _commands(parser: argparse.ArgumentParser, prefix: str) -> list[str]:
    found: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found.append(prefix + name)
                found.extend(_commands(child, f"{prefix}{name} "))
    return found


def subcommands() -> list[str]:
    """Every subcommand, nested ones as "staff add"."""
    return sorted(_commands(cli._parser(), ""))


def test_routes_do_not_change(settings: Settings) -> None:
    assert route_table(settings) == ROUTES


def test_environment_names_do_not_change() -> None:
    assert environment_names() == ENVIRONMENT


def test_cli_subcommands_do_not_change() -> None:
    assert subcommands() == SUBCOMMANDS


def test_job_names_do_not_change() -> None:
    assert sorted(names.ALL_JOBS) == JOBS


def test_every_job_name_resolves_to_a_callable() -> None:
    for dotted in names.ALL_JOBS:
        module_name, _, attr = dotted.rpartition(".")
        function = getattr(importlib.import_module(module_name), attr, None)
        assert callable(function), f"{dotted} does not resolve to a callable"


def test_no_job_name_is_spelled_outside_jobs_names() -> None:
    for path in HOTLINE.rglob("*.py"):
        if path.name == "names.py" and path.parent.name == "jobs":
            continue
        text = path.read_text(encoding="utf-8")
        for dotted in names.ALL_JOBS:
            assert f'"{dotted}"' not in text, f"{dotted} spelled again in {path}"
