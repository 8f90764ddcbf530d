"""The effects SMS and voice share: one vocabulary, applied by one applier (hotline/effects.py).

A flow returns these alongside its channel's own effects (flows/sms/member.py,
flows/voice/steps.py); the runner hands each shared one to `hotline.effects.apply_shared`.
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


Shared = SetLanguage | Subscribe
