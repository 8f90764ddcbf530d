"""The effects SMS and voice share: one vocabulary, applied by one applier (hotline/effects.py).

A flow returns these alongside its channel's own effects (flows/sms/member.py,
flows/voice/steps.py); the runner hands each shared one to `hotline.effects.apply_shared`,
with the channel it answers, and imports them from here (the flows do not re-export them).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SetLanguage:
    """The member's language from now on."""

    language: str


@dataclass(frozen=True)
class Subscribe:
    """Remind the member before the meeting's next occurrences, by text or by a call."""

    meeting_id: int
    channel: str = "sms"  # "sms" or "voice"


@dataclass(frozen=True)
class Unsubscribe:
    """No more reminders for the meeting (LEAVE 4821, or 2 on a reminder call)."""

    meeting_id: int


@dataclass(frozen=True)
class RequestCallback:
    """The member asks a peer to reach them (TALK, or 2 at the voice menu): a talk case opens
    and on-call staff are paged to call them back."""


Shared = SetLanguage | Subscribe | Unsubscribe | RequestCallback
