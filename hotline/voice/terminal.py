"""`hotline call FROM`: walk the voice menu from a terminal against a running line.

Each webhook is signed like Twilio's. Prompts are printed; at a menu you type keys (end a
number with #), `say: words` to speak, Enter for silence, or q to hang up. A <Dial> is shown
(room, number, digits) and ends the walk. In the warm line's queue (press 2) each Enter is
one more hold cycle; a <Record> takes a typed message, sent as the voicemail's transcription.
"""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx

from hotline.phones import PhoneError, normalise
from hotline.settings import get_settings
from hotline.sms.terminal import LINE_NUMBER, post_signed

MAX_STEPS = 200
PROMPT = "keys, 'say: words', Enter for nothing, q to hang up > "


def run_call(sender: str, *, url: str | None = None, ask: Callable[[str], str] = input) -> int:
    """Call the line as `sender` and walk its menus; return a shell exit code."""
    try:
        e164 = normalise(sender)
    except PhoneError:
        print("hotline call: FROM must be a phone number, e.g. +15551230000")
        return 2
    line = get_settings().from_number or LINE_NUMBER
    call = {
        "CallSid": "CA" + secrets.token_hex(16),
        "AccountSid": get_settings().twilio_account_sid or "AC" + "0" * 32,
        "From": e164,
        "To": line,
        "Caller": e164,
        "Called": line,
        "CallStatus": "in-progress",
        "Direction": "inbound",
        "ApiVersion": "2010-04-01",
    }
    path: str | None = "/twilio/voice"
    answer: dict[str, str] = {}
    queue: list[str] = []  # the <Enqueue> action and wait URL of the caller's queue, if any
    for _ in range(MAX_STEPS):
        if path is None:
            return 0
        said, transcribe_url = answer.pop("_said", ""), answer.pop("_transcribe_url", "")
        root = _fetch(path, {**call, **answer}, url)
        if root is None:
            return 1
        if said and transcribe_url:
            _transcribe(call, transcribe_url, answer["RecordingSid"], said, url)
        path, answer = _walk(root, ask, queue)
    return 0


def _fetch(path: str, params: dict[str, str], url: str | None) -> ET.Element | None:
    try:
        response = post_signed(path, params, url=url)
    except httpx.HTTPError as exc:
        print(f"hotline call: cannot reach the line ({type(exc).__name__}). Is it running?")
        return None
    if response.status_code != 200:
        print(f"hotline call: the line answered {response.status_code}: {response.text[:200]}")
        return None
    return ET.fromstring(response.text)  # noqa: S314 - TwiML from our own server


def _walk(
    root: ET.Element, ask: Callable[[str], str], queue: list[str] | None = None
) -> tuple[str | None, dict[str, str]]:
    """Print one TwiML answer; return the next path to post and the caller's answer."""
    queue = [] if queue is None else queue
    for verb in root:
        if verb.tag == "Say":
            print(f"  {_text(verb)}")
        elif verb.tag == "Pause":
            print("  …")
        elif verb.tag == "Gather":
            _walk(verb, ask)
            answer = _gathered(ask)
            if answer is None and queue:
                return queue[0], {"QueueResult": "hangup"}
            if queue and not answer:
                return _path(_wait_url(queue)), {}  # Enter: hold on, one more cycle
            return (None, {}) if answer is None else (_path(verb.get("action", "")), answer)
        elif verb.tag == "Enqueue":
            print("(holding in the warm line's queue: volunteers on shift are being rung)")
            queue[:] = [_path(verb.get("action", "")), verb.get("waitUrl", "")]
            return _path(verb.get("waitUrl", "")), {}
        elif verb.tag == "Leave":
            return (queue[0], {"QueueResult": "leave"}) if queue else (None, {})
        elif verb.tag == "Record":
            return _record(verb, ask)
        elif verb.tag == "Redirect":
            return _path(_text(verb)), {}
        elif verb.tag == "Dial":
            _print_dial(verb)
            return None, {}
        elif verb.tag == "Hangup":
            print("(the line hangs up)")
            return None, {}
    return None, {}


def _wait_url(queue: list[str]) -> str:
    return queue[1] if len(queue) > 1 else queue[0]


def _record(verb: ET.Element, ask: Callable[[str], str]) -> tuple[str | None, dict[str, str]]:
    """A voicemail: what the caller types stands for what they would say."""
    try:
        said = ask("(after the tone: type your message, Enter to finish) > ").strip()
    except EOFError:
        said = ""
    answer = {"RecordingSid": "RE" + secrets.token_hex(16), "RecordingDuration": "0"}
    if said:
        answer["RecordingDuration"] = str(max(1, len(said) // 12))
        answer["_said"] = said
        answer["_transcribe_url"] = _path(verb.get("transcribeCallback", ""))
    return _path(verb.get("action", "")), answer


def _transcribe(
    call: dict[str, str], path: str, recording_sid: str, said: str, url: str | None
) -> None:
    """Post the typed message as Twilio's transcription callback, as Twilio would a bit later."""
    fields = {
        **call,
        "RecordingSid": recording_sid,
        "TranscriptionStatus": "completed",
        "TranscriptionText": said,
    }
    try:
        post_signed(path, fields, url=url)
    except httpx.HTTPError:
        print("hotline call: the transcription did not reach the line")


def _gathered(ask: Callable[[str], str]) -> dict[str, str] | None:
    """Read the caller's answer; None means they hung up."""
    try:
        typed = ask(PROMPT).strip()
    except EOFError:
        typed = "q"
    if typed.lower() in ("q", "quit"):
        print("(you hang up)")
        return None
    if typed.lower().startswith("say:"):
        return {"SpeechResult": typed[4:].strip(), "Confidence": "0.9"}
    if typed.endswith("#"):
        return {"Digits": typed[:-1], "FinishedOnKey": "#"}
    return {"Digits": typed} if typed else {}


def _print_dial(dial: ET.Element) -> None:
    targets = list(dial) or [dial]
    for target in targets:
        name = _text(target)
        if target.tag == "Conference":
            settings = {k: v for k, v in target.attrib.items() if not k.startswith("status")}
            print(f"(dial conference room {name} {settings})")
        elif target.get("sendDigits"):
            print(f"(dial {name}, then send digits {target.get('sendDigits')})")
        elif name:
            print(f"(dial {name})")
    print("(a real call would be connected now; the walk ends here)")


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _text(element: ET.Element) -> str:
    return "".join(element.itertext()).strip()
