"""A meeting as the dashboard edits it: read a posted form, check it, and write it to the rows.

Everything a coordinator can change about a meeting lives here, so the form follows the model
in one place: its weekly time and zone, format and where or how to join, the keypad code
(stable; editable while the new one is free), PINs (generated, shown once, rotatable), the
group's room settings and reminder lead times, and per-meeting max participants.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.feeds import slugify
from hotline.finder import place_for_zip
from hotline.flows.digits import as_int, is_number
from hotline.importer import _new_code as derive_code
from hotline.models import Group, Meeting, MeetingFormat
from hotline.phones import PhoneError, normalise

FORMATS = tuple(f.value for f in MeetingFormat)
PIN_DIGITS = 4
MAX_LEAD_TIMES = 4
_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
_DIAL_DIGITS = re.compile(r"[\d,#*wWpP]{1,40}")
# Columns the form writes on the meeting (and on its group), for the audit trail's list.
MEETING_FIELDS = (
    "name",
    "code",
    "weekday",
    "more_weekdays",
    "start_time",
    "duration_minutes",
    "time_zone",
    "format",
    "address",
    "city",
    "state",
    "postal_code",
    "latitude",
    "longitude",
    "conference_phone",
    "conference_digits",
    "conference_url",
    "notes",
    "max_participants",
)
GROUP_FIELDS = ("mute_on_entry", "beep", "reminder_lead_minutes")


@dataclass
class MeetingForm:
    """What the form says, as typed (strings), so a refused form comes back filled in."""

    group_id: str = ""
    new_group: str = ""
    name: str = ""
    code: str = ""
    weekday: str = "0"
    # The other days it meets, at the same time ("2,4"): one meeting, one code.
    more_weekdays: str = ""
    start_time: str = "19:00"
    duration_minutes: str = "60"
    time_zone: str = ""
    format: str = MeetingFormat.PHONE_BRIDGE.value
    address: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    conference_phone: str = ""
    conference_url: str = ""
    notes: str = ""
    max_participants: str = ""
    reminder_lead_minutes: str = ""
    mute_on_entry: bool = True
    beep: bool = False
    use_pins: bool = False
    errors: list[str] = field(default_factory=list)

    @classmethod
    def posted(cls, fields: Mapping[str, str]) -> MeetingForm:
        form = cls()
        for name in cls.__dataclass_fields__:
            if name in ("errors", "mute_on_entry", "beep", "use_pins"):
                continue
            setattr(form, name, fields.get(name, "").replace("\x00", "").strip()[:1000])
        form.mute_on_entry = fields.get("mute_on_entry") == "on"
        form.beep = fields.get("beep") == "on"
        form.use_pins = fields.get("use_pins") == "on"
        form.more_weekdays = ",".join(str(d) for d in range(7) if fields.get(f"also_{d}") == "on")
        return form

    @classmethod
    def of(cls, meeting: Meeting) -> MeetingForm:
        group = meeting.group
        phone = (meeting.conference_phone or "") + (meeting.conference_digits or "")
        return cls(
            group_id=str(meeting.group_id),
            name=meeting.name,
            code=meeting.code,
            weekday=str(meeting.weekday),
            more_weekdays=",".join(str(d) for d in sorted(meeting.more_weekdays or [])),
            start_time=meeting.start_time.strftime("%H:%M"),
            duration_minutes=str(meeting.duration_minutes),
            time_zone=meeting.time_zone,
            format=meeting.format,
            address=meeting.address,
            city=meeting.city,
            state=meeting.state,
            postal_code=meeting.postal_code,
            conference_phone=phone,
            conference_url=meeting.conference_url or "",
            notes=meeting.notes,
            max_participants=str(meeting.max_participants or ""),
            reminder_lead_minutes=", ".join(str(m) for m in group.reminder_lead_minutes or ()),
            mute_on_entry=group.mute_on_entry,
            beep=group.beep,
            use_pins=bool(meeting.member_pin),
        )


def _whole(value: str, low: int, high: int) -> int | None:
    number = as_int(value, max_digits=6)
    return number if number is not None and low <= number <= high else None


def _zone(name: str) -> str | None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def check_code(*, session: Session, code: str, meeting_id: int | None) -> str | None:
    """Return the error key when the code cannot be this meeting's, else None."""
    # Never 5 digits: a 5-digit text is read as a ZIP; never one digit: keys 1-9 are menus.
    if not is_number(code) or not 3 <= len(code) <= 12 or len(code) == 5 or code[0] == "0":
        return "bad_code"
    holder = session.scalars(select(Meeting.id).where(Meeting.code == code)).first()
    return "code_taken" if holder is not None and holder != meeting_id else None


def _lead_times(value: str) -> list[int] | str | None:
    if not value:
        return None
    parts = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
    minutes = [_whole(part, 5, 14 * 1440) for part in parts]
    if len(parts) > MAX_LEAD_TIMES or any(m is None for m in minutes):
        return "bad_lead_times"
    return sorted({m for m in minutes if m is not None}, reverse=True)


def _columns(session: Session, form: MeetingForm, meeting_id: int | None) -> dict[str, object]:
    """Check the form and return the meeting's new column values; errors go on the form."""
    errors = form.errors
    weekday = _whole(form.weekday, 0, 6)
    start = _TIME.fullmatch(form.start_time)
    duration = _whole(form.duration_minutes, 5, 600)
    cap = _whole(form.max_participants, 2, 250) if form.max_participants else None
    if not form.name:
        errors.append("no_name")
    if weekday is None or start is None or duration is None:
        errors.append("bad_time")
    if form.max_participants and cap is None:
        errors.append("bad_max")
    if form.format not in FORMATS:
        errors.append("bad_format")
    also = {int(d) for d in form.more_weekdays.split(",") if d.isdigit() and int(d) <= 6}
    days = sorted({weekday, *also}) if weekday is not None else []
    columns: dict[str, object] = {
        "name": form.name[:300],
        # The first day it meets, and the others at the same time (read through weekly_times).
        "weekday": days[0] if days else None,
        "more_weekdays": days[1:],
        "start_time": dt.time(int(start[1]), int(start[2])) if start else None,
        "duration_minutes": duration,
        "format": form.format,
        "notes": form.notes,
        "max_participants": cap,
        "address": "",
        "city": "",
        "state": "",
        "postal_code": "",
        "latitude": None,
        "longitude": None,
        "conference_phone": None,
        "conference_digits": None,
        "conference_url": form.conference_url[:500] or None,
    }
    zone = _zone(form.time_zone) if form.time_zone else None
    if form.format == MeetingFormat.IN_PERSON.value:
        place = place_for_zip(form.postal_code[:5]) if len(form.postal_code) >= 5 else None
        if place is None:
            errors.append("no_place")
        else:
            columns.update(
                address=form.address[:500],
                city=form.city[:120],
                state=form.state[:60],
                postal_code=form.postal_code[:20],
                latitude=place.latitude,
                longitude=place.longitude,
                in_person=True,  # a coordinator's address is a place to go (the finder's index)
            )
            zone = zone or (place.time_zone if not form.time_zone else None)
    elif form.format == MeetingFormat.EXTERNAL_BRIDGE.value:
        number, _, digits = form.conference_phone.partition(",")
        try:
            columns["conference_phone"] = normalise(number)
        except PhoneError:
            errors.append("bad_dial_in")
        tail = ("," + digits) if digits else ""
        if tail and not _DIAL_DIGITS.fullmatch(tail):
            errors.append("bad_dial_in")
        columns["conference_digits"] = tail or None
    elif form.format == MeetingFormat.ONLINE.value and not columns["conference_url"]:
        errors.append("no_url")
    if zone is None:
        errors.append("bad_zone")
    columns["time_zone"] = zone
    code_error = (
        check_code(session=session, code=form.code, meeting_id=meeting_id) if form.code else None
    )
    if code_error:
        errors.append(code_error)
    return columns


def save_meeting(
    *, session: Session, form: MeetingForm, meeting: Meeting | None, group: Group | None
) -> tuple[Meeting | None, list[str]]:
    """Create or update the meeting from a checked form; return it and the fields that changed.

    On a refused form nothing is written and the meeting is None; the errors are on the form.
    """
    columns = _columns(session, form, meeting.id if meeting else None)
    lead = _lead_times(form.reminder_lead_minutes)
    if isinstance(lead, str):
        form.errors.append(lead)
    if group is None:
        form.errors.append("no_group")
    if form.errors or group is None or isinstance(lead, str):
        return None, []
    changed: list[str] = []
    if meeting is None:
        code = form.code or _fresh_code(session, form.name)
        meeting = Meeting(
            group=group,
            slug=_slug(session, form.name, code),
            code=code,
            **columns,
        )
        session.add(meeting)
        changed = ["created"]
    else:
        columns["code"] = form.code or meeting.code
        if meeting.group_id != group.id:
            meeting.group, changed = group, ["group"]
        for key, value in columns.items():
            if getattr(meeting, key) != value:
                setattr(meeting, key, value)
                changed.append(key)
    for key, value in (
        ("mute_on_entry", form.mute_on_entry),
        ("beep", form.beep),
        ("reminder_lead_minutes", lead),
    ):
        if getattr(group, key) != value:
            setattr(group, key, value)
            changed.append(key)
    session.flush()
    return meeting, changed


def rotate_pins(meeting: Meeting) -> tuple[str, str]:
    """Give the meeting new member and host PINs (different from each other); return them."""
    member = _pin()
    host = _pin()
    while host == member:
        host = _pin()
    meeting.member_pin, meeting.host_pin = member, host
    return member, host


def _pin() -> str:
    return f"{secrets.randbelow(9 * 10 ** (PIN_DIGITS - 1)) + 10 ** (PIN_DIGITS - 1)}"


def _fresh_code(session: Session, name: str) -> str:
    taken = {code: "" for code in session.scalars(select(Meeting.code))}
    return derive_code(slugify(name) or "meeting", taken)


def _slug(session: Session, name: str, code: str) -> str:
    base = f"{slugify(name)[:180] or 'meeting'}-{code}"
    slug, n = base, 1
    while session.scalars(select(Meeting.id).where(Meeting.slug == slug)).first() is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug
