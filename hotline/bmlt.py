"""BMLT (the meeting server NA uses): its GetSearchResults JSON read as Meeting Guide rows.

Each BMLT meeting becomes the row a Meeting Guide feed would have published for it, so the
same lenient reading, attendance rules, codes and retiring apply. BMLT sends every value as a
string; `weekday_tinyint` counts Sunday as 1; `formats` is a comma-separated list of its
format keys; `venue_type` is 1 in person, 2 virtual, 3 hybrid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from hotline.feeds import FeedError
from hotline.flows.digits import as_int, ascii_digits

SEARCH_PATH = "client_interface/json/?switcher=GetSearchResults"
# BMLT format keys that name a Meeting Guide type of a different code.
_TYPES = {"VM": "ONL", "GL": "LGBTQ", "LGBTQ+": "LGBTQ", "BT": "B", "ST": "ST", "SPK": "SP"}
_VIRTUAL = "2"


def search_url(url: str) -> str:
    """Return the GetSearchResults URL of a root server, or the URL itself when it is one."""
    if "switcher=" in url:
        return url
    return url.rstrip("/") + "/" + SEARCH_PATH


def meetings_of(data: object) -> list[Any]:
    """Return the meetings of a GetSearchResults answer (a list, or {"meetings": [...]})."""
    if isinstance(data, Mapping):
        data = data.get("meetings")
    if not isinstance(data, list):
        raise FeedError("a BMLT answer is a JSON list of meetings")
    return data


def meeting_guide_row(meeting: object) -> object:
    """Return the Meeting Guide row for one BMLT meeting (non-objects pass through to fail)."""
    if not isinstance(meeting, Mapping):
        return meeting

    def get(key: str) -> str:
        return str(meeting.get(key) or "").strip()

    formats = [key.strip() for key in get("formats").split(",") if key.strip()]
    row: dict[str, Any] = {
        "slug": f"bmlt-{get('id_bigint')}" if get("id_bigint") else "",
        "name": get("meeting_name"),
        "day": _day(get("weekday_tinyint")),
        "time": get("start_time"),
        "end_time": _end(get("start_time"), get("duration_time")),
        "timezone": get("time_zone") or None,
        "types": [_TYPES.get(key, key) for key in formats],
        "location": get("location_text"),
        "address": get("location_street"),
        "city": get("location_municipality"),
        "state": get("location_province"),
        "postal_code": get("location_postal_code_1"),
        "country": get("location_nation"),
        "latitude": get("latitude"),
        "longitude": get("longitude"),
        "notes": "\n".join(text for text in (get("location_info"), get("comments")) if text),
        "conference_url": get("virtual_meeting_link") or None,
        "conference_phone": get("phone_meeting_number") or None,
        "conference_url_notes": get("virtual_meeting_additional_info"),
        # A virtual meeting's address is only where its group is from.
        "approximate": "yes" if get("venue_type") == _VIRTUAL else "no",
        "inactive": get("published") == "0",
    }
    return row


def _day(value: str) -> object:
    """BMLT's 1-7 (Sunday first) as the spec's 0-6; anything else is left for the reader to name."""
    number = as_int(ascii_digits(value), max_digits=1)
    return number - 1 if number is not None and 1 <= number <= 7 else value


def _end(start: str, duration: str) -> str | None:
    try:
        begin = dt.datetime.strptime(start[:5], "%H:%M")
        hours, minutes = (int(part) for part in duration.split(":")[:2])
    except ValueError:
        return None  # the start is checked (and named) by the feed reader; a duration is optional
    return (begin + dt.timedelta(hours=hours, minutes=minutes)).strftime("%H:%M")
