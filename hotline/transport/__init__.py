"""Outbound transports: a small interface with Twilio and console implementations side by side.

Vendor errors become these Hotline errors at the transport boundary, so the sender decides on
retry, opt-out or failure without knowing Twilio's codes.
"""

from __future__ import annotations

from typing import Protocol

from hotline.settings import Settings


class TransportError(Exception):
    """A send that did not go out; `code` is the provider's error code, `reason` is log-safe."""

    def __init__(self, reason: str, *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.status = status


class Retryable(TransportError):
    """Not processed (429, 5xx, timeout, connection error): safe to try again later."""

    def __init__(
        self,
        reason: str,
        *,
        code: str | None = None,
        status: int | None = None,
        throttled: bool = False,
    ) -> None:
        super().__init__(reason, code=code, status=status)
        self.throttled = throttled


class OptedOut(TransportError):
    """The recipient replied STOP to this sender (Twilio 21610)."""


class InvalidNumber(TransportError):
    """The number cannot receive this message (Twilio 21211, 21614)."""


class Permanent(TransportError):
    """Any other refusal: trying again would fail the same way."""


class Transport(Protocol):
    def send_sms(self, to: str, body: str, status_callback: str) -> str:
        """Send a text and return its provider id (SID)."""
        ...

    def start_call(self, to: str, url: str, status_callback: str) -> str:
        """Start a call whose answered leg fetches TwiML from url; return its SID."""
        ...


def make_transport(settings: Settings) -> Transport:
    """Build the transport the settings name: "twilio" or "console"."""
    if settings.transport == "console":
        from hotline.transport.console import ConsoleTransport

        return ConsoleTransport()
    if settings.transport == "twilio":
        from hotline.transport.twilio_rest import TwilioTransport

        return TwilioTransport(settings)
    raise ValueError(f"unknown transport {settings.transport!r}")


_transports: dict[int, tuple[Settings, Transport]] = {}


def get_transport(settings: Settings) -> Transport:
    """Return this process's transport (its HTTP connections are pooled and reused)."""
    cached = _transports.get(id(settings))
    if cached is None or cached[0] is not settings:
        cached = _transports[id(settings)] = (settings, make_transport(settings))
    return cached[1]
