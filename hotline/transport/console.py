"""The demo transport: print outbound texts and calls; nothing leaves the machine."""

from __future__ import annotations

import itertools
import sys
import uuid

_counter = itertools.count(1)


def mask(number: str) -> str:
    """Show only the last four digits of a number."""
    return "***" + number[-4:]


class ConsoleTransport:
    def __init__(self) -> None:
        self._prefix = uuid.uuid4().hex[:16]

    def _sid(self, kind: str) -> str:
        return f"{kind}{self._prefix}{next(_counter):016x}"

    def send_sms(self, to: str, body: str, status_callback: str) -> str:
        sid = self._sid("SM")
        print(f"[text to {mask(to)}] {body}", file=sys.stdout, flush=True)  # noqa: T201 - the demo prints by design
        return sid

    def start_call(
        self, to: str, url: str, status_callback: str, *, ring_seconds: int | None = None
    ) -> str:
        sid = self._sid("CA")
        rings = f" (rings {ring_seconds} s)" if ring_seconds is not None else ""
        print(f"[call to {mask(to)}] answers with {url}{rings}", file=sys.stdout, flush=True)  # noqa: T201 - the demo prints by design
        return sid

    def set_participant_muted(self, conference_sid: str, call_sid: str, muted: bool) -> None:
        state = "muted" if muted else "unmuted"
        print(f"[conference {conference_sid}] participant {call_sid} {state}", flush=True)  # noqa: T201 - the demo prints by design

    def remove_participant(self, conference_sid: str, call_sid: str) -> None:
        print(f"[conference {conference_sid}] participant {call_sid} removed", flush=True)  # noqa: T201 - the demo prints by design

    def end_call(self, sid: str) -> None:
        print(f"[call {sid[-6:]}] hung up", file=sys.stdout, flush=True)  # noqa: T201 - the demo prints by design

    def delete_recording(self, sid: str) -> None:
        print(f"[recording {sid[-6:]}] deleted", file=sys.stdout, flush=True)  # noqa: T201 - the demo prints by design
