"""Meeting Guide feed rows: read one row into the meetings it describes, or say why not.

The feed format is code4recovery's Meeting Guide JSON: an array of meetings with `day`
(Sunday is 0), `time` "19:00", `timezone`, an address, and optional conference details.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Collection, Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import zipcodes

from hotline.models import MeetingFormat
from hotline.phones import PhoneError, normalise

DEFAULT_DURATION_MINUTES = 60
_SLUG_MAX = 200  # Meeting.slug and Group.slug
_DIGITS_MAX = 40  # Meeting.conference_digits
_URL_MAX = 500  # Meeting.conference_url
# Text columns are clipped rather than refused: a long note is no reason to drop a meeting.
_CLIP = {"name": 300, "address": 500, "city": 120, "state": 60, "postal_code": 20}
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_HOSTED_TAIL = re.compile(r",*(\d{3,12})#?")
_DIAL_TAIL = re.compile(r"[\d,#*wWpP]*")
# "..., Oakland, CA 94612, USA": the trailing city, state and ZIP of a US formatted_address.
_US_ADDRESS = re.compile(
    r",\s*(?P<city>[^,]+?),\s*(?P<state>[A-Z]{2})\s+(?P<zip>\d{5})(?:-\d{4})?"
    r"(?:,\s*(?:USA|US|United States))?\s*$"
)
_US = {"US", "USA", "UNITED STATES", "UNITED STATES OF AMERICA"}


class FeedError(ValueError):
    """A feed, or one row of it, that cannot be used; the message says why in a few words."""


@dataclasses.dataclass(frozen=True)
class FeedMeeting:
    """One weekly meeting read from a feed row, ready to become a Meeting."""

    slug: str
    group_slug: str
    group_name: str
    group_description: str
    # Digits a hosted phone-bridge row carries after the line's number; None means assign one.
    code: str | None
    name: str
    weekday: int
    start_time: dt.time
    duration_minutes: int
    time_zone: str
    format: str
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

    def meeting_columns(self) -> dict[str, Any]:
        """Return the Meeting columns this row sets (not its code or group)."""
        skip = {"slug", "group_slug", "group_name", "group_description", "code"}
        return {
            f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name not in skip
        }


@dataclasses.dataclass(frozen=True)
class _Place:
    latitude: float
    longitude: float
    time_zone: str | None


@dataclasses.dataclass(frozen=True)
class _Bridge:
    format: MeetingFormat
    code: str | None = None
    phone: str | None = None
    digits: str | None = None
    url: str | None = None


def row_label(row: object, index: int) -> str:
    """Name a row in a report: its slug, or "#<index>" when it has none."""
    slug = row.get("slug") if isinstance(row, Mapping) else None
    return str(slug).strip() if isinstance(slug, str | int) and str(slug).strip() else f"#{index}"


def parse_row(row: object, *, hotline_numbers: Collection[str] = ()) -> list[FeedMeeting]:
    """Read one feed row into its meetings (one per day); raise FeedError when it is unusable."""
    if not isinstance(row, Mapping):
        raise FeedError("not a JSON object")
    slug, name = _required_text(row, "slug"), _required_text(row, "name")
    day_slugs = _day_slugs(slug, row.get("day"))
    bridge = _bridge(row, hotline_numbers)
    shared = _shared_fields(row, slug, name, bridge)
    return [
        # Codes are unique per meeting, so only the first day of a hosted row keeps the feed's.
        FeedMeeting(slug=day_slug, weekday=weekday, code=bridge.code if i == 0 else None, **shared)
        for i, (day_slug, weekday) in enumerate(day_slugs)
    ]


def slugify(text: str) -> str:
    """Return a lowercase ASCII slug: "Grupo de Apoyo en Español" -> "grupo-de-apoyo-en-espanol"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:_SLUG_MAX]


def _text(value: object) -> str:
    return str(value).strip() if isinstance(value, str | int | float) else ""


def _required_text(row: Mapping[str, Any], key: str) -> str:
    value = row.get(key)
    text = (
        str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
    )
    if not text:
        raise FeedError(f"missing {key}")
    return text


def _day_slugs(slug: str, value: object) -> list[tuple[str, int]]:
    """Return (slug, Python weekday) per day; a list of days gets one slug each, "-d<day>"."""
    if isinstance(value, list):
        days = [_day(item) for item in value]
        if not days or len(set(days)) != len(days):
            raise FeedError(f"bad day {value!r}")
        pairs = [(f"{slug}-d{day}", day) for day in days]
    else:
        pairs = [(slug, _day(value))]
    if any(len(day_slug) > _SLUG_MAX for day_slug, _ in pairs):
        raise FeedError(f"slug longer than {_SLUG_MAX} characters")
    # Feed day 0 is Sunday; Python's weekday 6 is Sunday.
    return [(day_slug, (day - 1) % 7) for day_slug, day in pairs]


def _day(value: object) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        raise FeedError(f"bad day {value!r}")
    return value


def _shared_fields(row: Mapping[str, Any], slug: str, name: str, bridge: _Bridge) -> dict[str, Any]:
    """Return the fields every day of a row shares."""
    start = _time(row.get("time"), "time")
    address = _address(row)
    latitude, longitude = _place(row, address)
    if bridge.format == MeetingFormat.IN_PERSON and latitude is None:
        raise FeedError("in-person meeting cannot be placed: no coordinates, ZIP or city+state")
    group_name = _text(row.get("group")) or name
    return {
        "group_slug": slugify(group_name) or slug,
        "group_name": group_name[: _CLIP["name"]],
        "group_description": _text(row.get("group_notes")),
        "name": name[: _CLIP["name"]],
        "start_time": start,
        "duration_minutes": _duration(start, row.get("end_time")),
        "time_zone": _time_zone(row, address),
        "format": bridge.format.value,
        **address,
        "latitude": latitude,
        "longitude": longitude,
        "types": _types(row.get("types")),
        "notes": _text(row.get("notes")),
        "conference_phone": bridge.phone,
        "conference_digits": bridge.digits,
        "conference_url": bridge.url,
    }


def _time(value: object, key: str) -> dt.time:
    match = _TIME.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None or int(match[1]) > 23 or int(match[2]) > 59 or int(match[3] or 0) > 59:
        raise FeedError(f"bad {key} {value!r}")
    return dt.time(int(match[1]), int(match[2]))


def _duration(start: dt.time, end_value: object) -> int:
    if end_value in (None, ""):
        return DEFAULT_DURATION_MINUTES
    end = _time(end_value, "end_time")
    minutes = (end.hour * 60 + end.minute - start.hour * 60 - start.minute) % (24 * 60)
    return minutes or DEFAULT_DURATION_MINUTES


def _types(value: object) -> list[str]:
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [item.strip() for item in items if isinstance(item, str)]


def _address(row: Mapping[str, Any]) -> dict[str, str]:
    """Return address, city, state, postal_code and country, filling gaps from formatted_address."""
    formatted = _text(row.get("formatted_address"))
    parsed = _US_ADDRESS.search(formatted)
    found = parsed.groupdict() if parsed else {}
    country = _text(row.get("country")).upper() or "US"
    fields = {
        "address": _text(row.get("address")) or formatted,
        "city": _text(row.get("city")) or found.get("city", ""),
        "state": _text(row.get("state")) or found.get("state", ""),
        "postal_code": _text(row.get("postal_code")) or found.get("zip", ""),
    }
    clipped = {key: value[: _CLIP[key]] for key, value in fields.items()}
    return {**clipped, "country": "US" if country in _US else country[:2]}


def _place(row: Mapping[str, Any], address: dict[str, str]) -> tuple[float | None, float | None]:
    latitude, longitude = (
        _coordinate(row.get("latitude"), 90),
        _coordinate(row.get("longitude"), 180),
    )
    if latitude is not None and longitude is not None and (latitude, longitude) != (0.0, 0.0):
        return latitude, longitude
    looked_up = _look_up(address)
    return (looked_up.latitude, looked_up.longitude) if looked_up else (None, None)


def _coordinate(value: object, limit: float) -> float | None:
    try:
        number = float(value) if isinstance(value, str | int | float) else None
    except ValueError:
        return None
    return number if number is not None and -limit <= number <= limit else None


def _time_zone(row: Mapping[str, Any], address: dict[str, str]) -> str:
    name = _text(row.get("timezone"))
    if not name:
        looked_up = _look_up(address)
        name = (looked_up.time_zone if looked_up else None) or ""
    if not name:
        raise FeedError("no time zone: give timezone or a US postal code")
    if not _known_zone(name):
        raise FeedError(f"unknown time zone {name!r}")
    return name


def _look_up(address: dict[str, str]) -> _Place | None:
    """Place a US address offline: by ZIP, else by the average of its city's ZIPs."""
    if address["country"] != "US":
        return None
    zip_code = address["postal_code"][:5]
    by_zip = _zip_place(zip_code) if zip_code.isdigit() and len(zip_code) == 5 else None
    if by_zip is not None or not (address["city"] and address["state"]):
        return by_zip
    return _city_place(address["city"], address["state"].upper())


@functools.cache
def _zip_place(zip_code: str) -> _Place | None:
    matches = zipcodes.matching(zip_code)  # type: ignore[no-untyped-call]
    return _average(matches) if matches else None


@functools.cache
def _city_place(city: str, state: str) -> _Place | None:
    # zipcodes compares city names exactly: try the feed's spelling, then "Title Case".
    for spelling in dict.fromkeys((city, city.title())):
        matches = zipcodes.filter_by(city=spelling, state=state)  # type: ignore[no-untyped-call]
        if matches:
            return _average(matches)
    return None


def _average(matches: list[dict[str, Any]]) -> _Place:
    zones = Counter(str(match["timezone"]) for match in matches if match.get("timezone"))
    return _Place(
        latitude=round(statistics.fmean(float(match["lat"]) for match in matches), 6),
        longitude=round(statistics.fmean(float(match["long"]) for match in matches), 6),
        time_zone=zones.most_common(1)[0][0] if zones else None,
    )


@functools.cache
def _known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _bridge(row: Mapping[str, Any], hotline_numbers: Collection[str]) -> _Bridge:
    """Decide the format: hosted phone bridge, external bridge, online, or in person."""
    url = _text(row.get("conference_url")) or None
    if url is not None and len(url) > _URL_MAX:
        raise FeedError(f"conference_url longer than {_URL_MAX} characters")
    raw_phone = _text(row.get("conference_phone")).removeprefix("tel:")
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
