"""Outbound transports: a small interface with Twilio and console implementations side by side.

Vendor errors become these Hotline errors at the transport boundary, so the sender decides on
retry, opt-out or failure without knowing Twilio's codes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, cast, runtime_checkable

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

    def start_call(
        self, to: str, url: str, status_callback: str, *, ring_seconds: int | None = None
    ) -> str:
        """Start a call whose answered leg fetches TwiML from url; return its SID.

        `ring_seconds`: stop ringing after this long (no-answer); None: the provider's default.
        """
        ...


class ConferenceControl(Protocol):
    """Control one participant (call leg) of a live conference."""

    def set_participant_muted(self, conference_sid: str, call_sid: str, muted: bool) -> None:
        """Mute or unmute the participant."""
        ...

    def remove_participant(self, conference_sid: str, call_sid: str) -> None:
        """Take the participant out of the conference (their call ends)."""
        ...


@runtime_checkable
class CallControl(Protocol):
    """What the warm line needs beyond sending: end a call leg, delete a recording."""

    def end_call(self, sid: str) -> None: ...

    def delete_recording(self, sid: str) -> None: ...


@dataclass(frozen=True)
class Text:
    """One outbound text for a batch send."""

    to: str
    body: str
    status_callback: str


# A batch send's answer per text: the SID, the error, or None when it was not tried because an
# earlier text met a retryable error (Twilio failing or slow: the rest should wait).
Outcome = str | TransportError | None
# Told (index, sid) of each text accepted, before the next one is started.
OnSent = Callable[[int, str], None]


def send_texts(transport: Transport, texts: Sequence[Text], on_sent: OnSent) -> list[Outcome]:
    """Send texts in order through the transport's batch path if it has one, else one by one.

    After a retryable error no further text is started; those are answered None.
    """
    batch = cast(
        "Callable[[Sequence[Text], OnSent], list[Outcome]] | None",
        getattr(transport, "send_texts", None),
    )
    if batch is not None:
        return batch(texts, on_sent)
    outcomes: list[Outcome] = [None] * len(texts)
    for index, text in enumerate(texts):
        try:
            sid = transport.send_sms(text.to, text.body, text.status_callback)
        except TransportError as exc:
            outcomes[index] = exc
            if isinstance(exc, Retryable):
                break
        else:
            on_sent(index, sid)
            outcomes[index] = sid
    return outcomes


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


def get_conference_control(settings: Settings) -> ConferenceControl:
    """Return this process's transport as conference controls (both transports have them)."""
    return cast(ConferenceControl, get_transport(settings))
