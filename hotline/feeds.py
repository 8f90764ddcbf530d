"""Meeting Guide feed rows: read one row into the meetings it describes, or say why not.

The feed format is code4recovery's Meeting Guide JSON: an array of meetings with `day`
(Sunday is 0, or a list of days), `time` "19:00", `timezone`, an address, and optional
conference details. Read leniently, as feeds are published: day names, seconds, numbers as
strings, HTML in notes, addresses without a ZIP, and no time zone (taken from the place).
Attendance follows the spec as TSML reads it: TC (temporarily closed) with no online option
is inactive, ONL needs a link or a phone, and an approximate address is no place to go.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import html
import re
import unicodedata
from collections.abc import Collection, Mapping
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hotline import places
from hotline.flows.digits import ascii_digits, has_stray_numerals, is_number
from hotline.models import MeetingFormat
from hotline.phones import PhoneError, normalise

DEFAULT_DURATION_MINUTES = 60
_SLUG_MAX = 200  # Meeting.slug and Group.slug
_DIGITS_MAX = 40  # Meeting.conference_digits
_URL_MAX = 500  # Meeting.conference_url
# Text columns are clipped rather than refused: a long note is no reason to drop a meeting.
_CLIP = {
    "name": 300,
    "address": 500,
    "city": 120,
    "state": 60,
    "postal_code": 20,
    "location": 300,
}
# "19:00", "19:00:00", "7:00 PM", "7.00pm".
_TIME = re.compile(r"([0-9]{1,2})[:.]([0-9]{2})(?::([0-9]{2}))?\s*(?:([AaPp])\.?[Mm]\.?)?")
_HOSTED_TAIL = re.compile(r",*([0-9]{3,12})#?")
_DIAL_TAIL = re.compile(r"[0-9,#*wWpP]*")
# "..., Oakland, CA 94612, USA", "..., Tupelo, MS", "..., Trenton, ON K8V 2H5, Canada": the
# trailing city, state or province and postal code of an address line.
_ADDRESS_TAIL = re.compile(
    r",\s*(?P<city>[^,]+?),\s*(?P<state>[A-Z]{2})"
    r"(?:\s+(?P<zip>[0-9]{5}(?:-[0-9]{4})?|[A-Z][0-9][A-Z]\s?[0-9][A-Z][0-9]))?"
    r"(?:,\s*(?P<country>USA|US|United States|Canada|CA))?\s*$"
)
_US = {"US", "USA", "UNITED STATES", "UNITED STATES OF AMERICA"}
_CANADA = {"CA", "CAN", "CANADA"}
_PROVINCES = {"AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"}
# Day names the spec's feeds use in the wild, folded to ASCII lowercase; Sunday is 0.
_DAY_NAMES = {
    name: day
    for day, names in enumerate(
        [
            "sunday sun domingo dom dimanche dim sonntag",
            "monday mon lunes lun lundi montag",
            "tuesday tue tues martes mar mardi dienstag",
            "wednesday wed miercoles mie mercredi mer mittwoch",
            "thursday thu thur thurs jueves jue jeudi jeu donnerstag",
            "friday fri viernes vie vendredi ven freitag",
            "saturday sat sabado sab samedi sam samstag",
        ]
    )
    for name in names.split()
}
_YES = {"yes", "true", "1", "y"}


class FeedError(ValueError):
    """A feed, or one row of it, that cannot be used; the message says why in a few words."""


@dataclasses.dataclass(frozen=True)
class FeedMeeting:
    """One weekly meeting (on one or more days) read from a feed row, ready to become a Meeting."""

    slug: str
    group_slug: str
    group_name: str
    group_description: str
    # Digits a hosted phone-bridge row carries after the line's number; None means assign one.
    code: str | None
    # The feed's own day numbers (Sunday is 0), for finding the per-day meetings of old imports.
    feed_days: tuple[int, ...]
    name: str
    weekday: int
    more_weekdays: list[int]
    start_time: dt.time
    duration_minutes: int
    time_zone: str
    format: str
    in_person: bool
    active: bool
    location: str
    address: str
    city: str
    state: str
    postal_code: str
    country: str
    latitude: float | None
    longitude: float | None
    types: list[str]
    notes: str
    conference_phone: str | None
    conference_digits: str | None
    conference_url: str | None
    conference_notes: str
    # Why a listed-as-inactive row is not listed ("temporarily closed, no online option").
    inactive_reason: str | None = None

    def meeting_columns(self) -> dict[str, Any]:
        """Return the Meeting columns this row sets (not its code or group)."""
        skip = {
            "slug",
            "group_slug",
            "group_name",
            "group_description",
            "code",
            "feed_days",
            "inactive_reason",
        }
        return {
            f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name not in skip
        }


@dataclasses.dataclass(frozen=True)
class _Bridge:
    format: MeetingFormat
    code: str | None = None
    phone: str | None = None
    digits: str | None = None
    url: str | None = None

    @property
    def remote(self) -> bool:
        """True when a person can join without going anywhere (a link or a phone number)."""
        return self.format != MeetingFormat.IN_PERSON


@dataclasses.dataclass(frozen=True)
class _Attendance:
    format: MeetingFormat
    in_person: bool
    inactive_reason: str | None
    types: list[str]


def row_label(row: object, index: int) -> str:
    """Name a row in a report: its slug, or "#<index>" when it has none."""
    slug = row.get("slug") if isinstance(row, Mapping) else None
    return str(slug).strip() if isinstance(slug, str | int) and str(slug).strip() else f"#{index}"


def parse_row(
    row: object, *, hotline_numbers: Collection[str] = (), default_time_zone: str | None = None
) -> FeedMeeting:
    """Read one feed row into its meeting; raise FeedError, saying why, when it is unusable."""
    if not isinstance(row, Mapping):
        raise FeedError("not a JSON object")
    slug, name = _required_text(row, "slug"), _required_text(row, "name", plain=True)
    if len(slug) > _SLUG_MAX:
        raise FeedError(f"slug longer than {_SLUG_MAX} characters")
    feed_days = _days(row.get("day"))
    # Feed day 0 is Sunday; Python's weekday 6 is Sunday.
    weekdays = sorted((day - 1) % 7 for day in feed_days)
    start = _time(row.get("time"), "time")
    address = _address(row)
    bridge = _bridge(row, hotline_numbers)
    attendance = _attendance(row, bridge, has_street=bool(_street(address["address"])))
    latitude, longitude = _place(row, address)
    if attendance.in_person and latitude is None and attendance.inactive_reason is None:
        if attendance.format == MeetingFormat.IN_PERSON:
            raise FeedError(
                "in-person meeting cannot be placed: no coordinates, ZIP or city and state"
            )
        attendance = dataclasses.replace(attendance, in_person=False)
    group_name = _plain(row.get("group")) or name
    return FeedMeeting(
        slug=slug,
        group_slug=slugify(group_name) or slugify(slug) or slug,
        group_name=group_name[: _CLIP["name"]],
        group_description=_plain(row.get("group_notes")),
        code=bridge.code,
        feed_days=feed_days,
        name=name[: _CLIP["name"]],
        weekday=weekdays[0],
        more_weekdays=weekdays[1:],
        start_time=start,
        duration_minutes=_duration(start, row.get("end_time")),
        time_zone=_time_zone(row, latitude, longitude, address, default_time_zone),
        format=attendance.format.value,
        in_person=attendance.in_person,
        active=attendance.inactive_reason is None,
        location=_plain(row.get("location"))[: _CLIP["location"]],
        **address,
        latitude=latitude,
        longitude=longitude,
        types=attendance.types,
        notes=_joined(row, "notes", "location_notes"),
        conference_phone=bridge.phone,
        conference_digits=bridge.digits,
        conference_url=bridge.url,
        conference_notes=_joined(row, "conference_url_notes", "conference_phone_notes"),
        inactive_reason=attendance.inactive_reason,
    )


def slugify(text: str) -> str:
    """Return a lowercase ASCII slug: "Grupo de Apoyo en Español" -> "grupo-de-apoyo-en-espanol"."""
    return re.sub(r"[^a-z0-9]+", "-", _ascii(text).lower()).strip("-")[:_SLUG_MAX]


def plain_text(value: str) -> str:
    """Return HTML as plain text: tags dropped, <br> and </p> as line breaks, entities decoded."""
    parser = _TextParser()
    parser.feed(value)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


class _TextParser(HTMLParser):
    _BREAKS = frozenset({"br", "p", "div", "li", "tr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _text(value: object) -> str:
    if isinstance(value, bool):
        return ""
    return str(value).strip() if isinstance(value, str | int | float) else ""


def _plain(value: object) -> str:
    # html.unescape first too: some feeds escape their HTML twice ("&amp;amp;", "&lt;br&gt;").
    return plain_text(html.unescape(_text(value)))


def _joined(row: Mapping[str, Any], *keys: str) -> str:
    return "\n".join(text for text in (_plain(row.get(key)) for key in keys) if text)


def _required_text(row: Mapping[str, Any], key: str, *, plain: bool = False) -> str:
    text = _plain(row.get(key)) if plain else _text(row.get(key))
    if not text:
        raise FeedError(f"missing {key}")
    return text


def _days(value: object) -> tuple[int, ...]:
    """Return the feed's days (Sunday is 0), one or a list, names or numbers, in any case."""
    items = value if isinstance(value, list) else [value]
    days = tuple(_day(item) for item in items)
    if not days or len(set(days)) != len(days):
        raise FeedError(f"bad day {value!r}")
    return days


def _day(value: object) -> int:
    if isinstance(value, str):
        if has_stray_numerals(value):  # "²" is no day, though NFKD would make it "2"
            raise FeedError(f"bad day {value!r}")
        word = _ascii(ascii_digits(value)).strip().lower().rstrip(".")
        if word in _DAY_NAMES:
            return _DAY_NAMES[word]
        value = int(word) if is_number(word) else value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        raise FeedError(f"bad day {value!r}")
    return value


def _time(value: object, key: str) -> dt.time:
    match = _TIME.fullmatch(ascii_digits(value.strip())) if isinstance(value, str) else None
    if match is None or int(match[2]) > 59 or int(match[3] or 0) > 59:
        raise FeedError(f"bad {key} {value!r}")
    hour = int(match[1])
    if match[4] is not None:  # "7:00 PM"
        if not 1 <= hour <= 12:
            raise FeedError(f"bad {key} {value!r}")
        hour = hour % 12 + (12 if match[4] in "Pp" else 0)
    if hour > 23:
        raise FeedError(f"bad {key} {value!r}")
    return dt.time(hour, int(match[2]))


def _duration(start: dt.time, end_value: object) -> int:
    if end_value in (None, ""):
        return DEFAULT_DURATION_MINUTES
    end = _time(end_value, "end_time")
    minutes = (end.hour * 60 + end.minute - start.hour * 60 - start.minute) % (24 * 60)
    return minutes or DEFAULT_DURATION_MINUTES


def _types(value: object) -> list[str]:
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [item.strip().upper() for item in items if isinstance(item, str) and item.strip()]


def _address(row: Mapping[str, Any]) -> dict[str, str]:
    """Return address, city, state, postal_code and country, filling gaps from the address line.

    The tail ", City, ST 12345" is read from formatted_address, else from address itself
    ("100 Main St, Tupelo, MS").
    """
    formatted = _plain(row.get("formatted_address"))
    street = _plain(row.get("address"))
    # Digits of any script are read as 0-9 (a ZIP typed "٩٤١١٠" is 94110).
    parsed = _ADDRESS_TAIL.search(ascii_digits(formatted)) or _ADDRESS_TAIL.search(
        ascii_digits(street)
    )
    found = parsed.groupdict() if parsed else {}
    state = _text(row.get("state")) or found.get("state") or ""
    fields = {
        "address": street or formatted,
        "city": _plain(row.get("city")) or found.get("city") or "",
        "state": state,
        "postal_code": ascii_digits(_text(row.get("postal_code"))) or found.get("zip") or "",
    }
    clipped = {key: value[: _CLIP[key]] for key, value in fields.items()}
    return {**clipped, "country": _country(row, found.get("country"), state)}


def _street(address: str) -> str:
    """The street part of an address line: "100 Main St" of "100 Main St, Tupelo, MS"."""
    street = address.split(",")[0].strip()
    return street if any(ch in "0123456789" for ch in ascii_digits(street)) else ""


def _country(row: Mapping[str, Any], parsed: str | None, state: str) -> str:
    country = (_text(row.get("country")) or parsed or "").upper()
    if country in _US:
        return "US"
    if country in _CANADA or (not country and state.upper() in _PROVINCES):
        return "CA"
    return country[:2] or "US"


def _place(row: Mapping[str, Any], address: dict[str, str]) -> tuple[float | None, float | None]:
    """Return the row's coordinates (0,0 is none), else its ZIP's or city's."""
    latitude, longitude = (
        _coordinate(row.get("latitude"), 90),
        _coordinate(row.get("longitude"), 180),
    )
    if latitude is not None and longitude is not None and (latitude, longitude) != (0.0, 0.0):
        return latitude, longitude
    looked_up = _look_up(address)
    return (looked_up.latitude, looked_up.longitude) if looked_up else (None, None)


def _coordinate(value: object, limit: float) -> float | None:
    if isinstance(value, str):
        value = ascii_digits(value)
    try:
        number = float(value) if isinstance(value, str | int | float) else None
    except ValueError:
        return None
    return number if number is not None and -limit <= number <= limit else None


def _look_up(address: dict[str, str]) -> places.Place | None:
    """Place an address offline: by US ZIP or Canadian postal code, else by city and state."""
    if address["country"] == "US":
        found = places.place_for_zip(address["postal_code"][:5])
        if found is not None:
            return found
    if address["country"] == "CA" and address["postal_code"]:
        found = places.place_for_postal_code(address["postal_code"])
        if found is not None:
            return found
    if not address["city"] or not (address["state"] or address["country"] == "CA"):
        return None
    return places.place_for_address(address["city"], address["state"], address["country"])


def _time_zone(
    row: Mapping[str, Any],
    latitude: float | None,
    longitude: float | None,
    address: dict[str, str],
    default: str | None,
) -> str:
    """Return the row's zone, else the zone at its coordinates, else its ZIP's or city's, else
    the feed's default."""
    name = _text(row.get("timezone"))
    if name:
        if not known_zone(name):
            raise FeedError(f"unknown time zone {name!r}")
        return name
    at_point = (
        places.zone_at(latitude, longitude)
        if latitude is not None and longitude is not None
        else None
    )
    # Boundary data gives sea areas "Etc/GMT+8": a coastal row is better served by its ZIP.
    if at_point is not None and not at_point.startswith("Etc/"):
        return at_point
    looked_up = _look_up(address)
    name = (looked_up.time_zone if looked_up else None) or default or ""
    if not name:
        raise FeedError(
            "no time zone: no timezone, no land at its coordinates, no known postal code or"
            " city, and no default (hotline import --timezone)"
        )
    return name


@functools.cache
def known_zone(name: str) -> bool:
    """True when zoneinfo knows the IANA zone name."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _attendance(row: Mapping[str, Any], bridge: _Bridge, *, has_street: bool) -> _Attendance:
    """Decide how a person can attend, as the spec (and TSML) reads types and links."""
    types = _types(row.get("types"))
    # "Online" with no link or phone and no street to go to: a city's centre is no place.
    online_nowhere = "ONL" in types and not bridge.remote and not has_street
    closed = "TC" in types
    approximate = _text(row.get("approximate")).lower() in _YES or row.get("approximate") is True
    flagged = _text(row.get("attendance_option")).lower() == "inactive" or (
        row.get("inactive") is True or _text(row.get("inactive")).lower() in _YES
    )
    if not bridge.remote:
        types = [code for code in types if code != "ONL"]  # ONL without a link or phone
    reason = None
    if flagged:
        reason = "inactive in the feed"
    elif not bridge.remote and closed:
        reason = "temporarily closed (TC) with no online or phone option"
    elif not bridge.remote and approximate:
        reason = "approximate location and no online or phone option"
    elif online_nowhere:
        reason = "online (ONL) with no link or phone, and no street address"
    in_person = not closed and not approximate
    return _Attendance(bridge.format, in_person and reason is None, reason, types)


def _bridge(row: Mapping[str, Any], hotline_numbers: Collection[str]) -> _Bridge:
    """Decide the format: hosted phone bridge, external bridge, online, or in person."""
    url = _text(row.get("conference_url")) or None
    if url is not None and len(url) > _URL_MAX:
        raise FeedError(f"conference_url longer than {_URL_MAX} characters")
    raw_phone = ascii_digits(_text(row.get("conference_phone"))).removeprefix("tel:")
    if not raw_phone:
        return _Bridge(MeetingFormat.ONLINE if url else MeetingFormat.IN_PERSON, url=url)
    number, tail = _split_dial_string(raw_phone)
    if number in hotline_numbers:
        return _Bridge(MeetingFormat.PHONE_BRIDGE, code=_hosted_code(tail), url=url)
    if not _DIAL_TAIL.fullmatch(tail) or len(tail) > _DIGITS_MAX:
        raise FeedError("conference_phone has unreadable digits after the number")
    return _Bridge(MeetingFormat.EXTERNAL_BRIDGE, phone=number, digits=tail or None, url=url)


def _split_dial_string(raw: str) -> tuple[str, str]:
    """Split "+1 646-558-8656,,8675309#" into the E.164 number and the digits to send."""
    cut = min(
        (i for i in (raw.find(","), raw.find("#"), raw.find(";")) if i >= 0), default=len(raw)
    )
    try:
        number = normalise(raw[:cut])
    except PhoneError as exc:
        raise FeedError("conference_phone is not a phone number") from exc
    return number, raw[cut:].strip().replace(" ", "")


def _hosted_code(tail: str) -> str | None:
    if not tail:
        return None
    match = _HOSTED_TAIL.fullmatch(tail)
    if match is None:
        raise FeedError("hosted meeting code must be ,,<3-12 digits>#")
    return match[1]
