"""The Twilio transport: the real REST client, with a timeout, errors mapped to Hotline's."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import TypeVar

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from hotline.settings import Settings
from hotline.transport import InvalidNumber, OptedOut, Permanent, Retryable, TransportError

_OPTED_OUT = {21610}
_INVALID = {21211, 21614}
_THROTTLED = {20429}
T = TypeVar("T")

# The client logs every request's parameters (numbers, bodies) at INFO: keep that quiet.
logging.getLogger("twilio.http_client").setLevel(logging.WARNING)


def translate(exc: TwilioRestException) -> TransportError:
    """Map a Twilio REST error to the Hotline error that says what to do next."""
    code = int(exc.code) if exc.code else None
    label = str(code) if code else None
    reason = f"twilio {exc.status} {code or ''}".rstrip()
    if exc.status == 429 or code in _THROTTLED:
        return Retryable(reason, code=label, status=exc.status, throttled=True)
    if exc.status >= 500:
        return Retryable(reason, code=label, status=exc.status)
    if code in _OPTED_OUT:
        return OptedOut("recipient opted out", code=label, status=exc.status)
    if code in _INVALID:
        return InvalidNumber("invalid number", code=label, status=exc.status)
    return Permanent(reason, code=label, status=exc.status)


def _proxies(settings: Settings) -> dict[str, str] | None:
    url = settings.twilio_api_url or "https://api.twilio.com"
    return requests.utils.get_environ_proxies(url) or None


def _ca_bundle() -> str | bool:
    return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True


class TwilioTransport:
    """Send through api.twilio.com, or the base URL in HOTLINE_TWILIO_API_URL."""

    def __init__(self, settings: Settings) -> None:
        if not (settings.from_number or settings.messaging_service_sid):
            raise ValueError("set HOTLINE_FROM_NUMBER or HOTLINE_MESSAGING_SERVICE_SID")
        # The default client has no timeout at all; a hung request would hold a worker forever.
        http = TwilioHttpClient(timeout=settings.http_timeout_seconds, proxy=_proxies(settings))
        if http.session is not None:
            # requests re-reads every environment variable on each send to find proxies; do it
            # once here instead (it was a third of the time of a send on loopback).
            http.session.trust_env = False
            http.session.verify = _ca_bundle()
        self._client = Client(
            settings.twilio_account_sid, settings.twilio_auth_token, http_client=http
        )
        if settings.twilio_api_url:
            self._client.api.base_url = settings.twilio_api_url.rstrip("/")
        self._from = settings.from_number
        self._service = settings.messaging_service_sid

    def send_sms(self, to: str, body: str, status_callback: str) -> str:
        sender = (
            {"messaging_service_sid": self._service} if self._service else {"from_": self._from}
        )
        message = self._call(
            lambda: self._client.messages.create(
                to=to, body=body, status_callback=status_callback, **sender
            )
        )
        return str(message.sid)

    def start_call(self, to: str, url: str, status_callback: str) -> str:
        call = self._call(
            lambda: self._client.calls.create(
                to=to,
                from_=self._from,
                url=url,
                # Twilio calls back once the call ends (completed, busy, no-answer, failed):
                # all the outbox records.
                status_callback=status_callback,
            )
        )
        return str(call.sid)

    @staticmethod
    def _call(request: Callable[[], T]) -> T:
        try:
            return request()
        except TwilioRestException as exc:
            raise translate(exc) from None
        except requests.Timeout:
            raise Retryable("twilio timeout") from None
        except requests.ConnectionError:
            raise Retryable("twilio connection error") from None
