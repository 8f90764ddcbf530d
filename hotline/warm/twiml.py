"""The warm line's own TwiML verbs (queue, hold, screen, record), built with the voice
channel's helpers in hotline/voice/twiml.py (every `<Say>` through its `say`); no database here.

Each caller waits in a queue of their own ("warm-<entry id>", opaque), so the volunteer who
presses 1 dials exactly that caller with `<Dial><Queue>`.
"""

from __future__ import annotations

from twilio.twiml.voice_response import VoiceResponse

from hotline.flows.voice import menu as flow
from hotline.settings import Settings
from hotline.voice.twiml import said_then_hang_up, say

SCREEN_SECONDS = 8


def queue_name(entry_id: int) -> str:
    return f"warm-{entry_id}"


def url(settings: Settings, path: str) -> str:
    return f"{settings.public_url}/twilio/voice/{path}"


def enqueue(response: VoiceResponse, settings: Settings, entry_id: int) -> None:
    """Put the caller in their queue; Twilio fetches the wait URL until someone takes them."""
    response.enqueue(
        queue_name(entry_id),
        action=url(settings, f"warm/left/{entry_id}"),
        method="POST",
        wait_url=url(settings, f"warm/wait/{entry_id}"),
        wait_url_method="POST",
    )


def hold(settings: Settings, entry_id: int, language: str, *, pause: int, widened: str = "") -> str:
    """One hold cycle: the message, then hold audio (or quiet); 9 at any moment is crisis.

    `widened` names the kind of peer asked for when this tick starts ringing other peers.
    """
    response = VoiceResponse()
    menu = response.gather(
        input="dtmf", num_digits=1, timeout=1, action=url(settings, f"warm/key/{entry_id}")
    )
    if widened:
        say(menu, flow.line("warm.hold_widened", tag=widened), language)
    say(menu, flow.line("warm.hold"), language)
    if settings.warm.hold_audio_url:
        menu.play(settings.warm.hold_audio_url)
    else:
        menu.pause(length=pause)
    return str(response)


def leave() -> str:
    response = VoiceResponse()
    response.leave()
    return str(response)


def screen(settings: Settings, entry_id: int, language: str) -> str:
    """The volunteer's leg: only a pressed 1 takes the call (a voicemail pickup never does)."""
    response = VoiceResponse()
    menu = response.gather(
        input="dtmf",
        num_digits=1,
        timeout=SCREEN_SECONDS,
        action=url(settings, f"warm/screen/{entry_id}"),
        action_on_empty_result=True,
    )
    for _ in range(2):
        say(menu, flow.line("warm.screen"), language)
    return str(response)


def connect(settings: Settings, entry_id: int, language: str) -> str:
    response = VoiceResponse()
    say(response, flow.line("warm.screen_connecting"), language)
    dial = response.dial(action=url(settings, f"warm/ended/{entry_id}"), method="POST")
    dial.queue(queue_name(entry_id))
    return str(response)


def record(settings: Settings, entry_id: int, language: str) -> str:
    """A short voicemail; its transcription goes to the crisis detector, never to storage."""
    response = VoiceResponse()
    say(response, flow.line("warm.voicemail"), language)
    response.record(
        action=url(settings, f"warm/recorded/{entry_id}"),
        method="POST",
        max_length=settings.warm.voicemail_seconds,
        finish_on_key="#",
        play_beep=True,
        trim="trim-silence",
        transcribe=True,
        transcribe_callback=url(settings, f"warm/transcribed/{entry_id}"),
    )
    # Reached only when nothing was recorded.
    say(response, flow.line("warm.voicemail_empty"), language)
    response.hangup()
    return str(response)


def spoken(key: str, language: str, **values: object) -> str:
    """Say one line and hang up."""
    return said_then_hang_up(language, flow.line(key, **values))


def silence() -> str:
    return str(VoiceResponse())
