"""Staff commands and the escalation ladder, as plain tables."""

from __future__ import annotations

import datetime as dt

import pytest

from hotline.catalogs import catalog
from hotline.flows.segments import count_segments
from hotline.flows.sms.coordinator import (
    Ack,
    Broadcast,
    CallBack,
    CancelMeeting,
    Command,
    Confirm,
    Done,
    Rung,
    SetOncall,
    Usage,
    is_higher_level,
    next_rung,
    occurrence_label,
    parse_command,
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("ACK 12", Ack(12)),
        ("ack12", Ack(12)),
        ("  Ack  #12. ", Ack(12)),
        ("DONE 12", Done(12)),
        ("done 7!", Done(7)),
        ("CALL 12", CallBack(12)),
        ("call #12", CallBack(12)),
        ("ONCALL ON", SetOncall(True)),
        ("oncall off", SetOncall(False)),
        ("On call on", SetOncall(True)),
        ("on-call off", SetOncall(False)),
        (
            "BROADCAST 4821 Tonight we meet in room B",
            Broadcast("4821", "Tonight we meet in room B"),
        ),
        ("broadcast #4821: See you\nat 7", Broadcast("4821", "See you\nat 7")),
        ("Broadcast 4821", Broadcast("4821", "")),
        ("YES", Confirm()),
        ("yes.", Confirm()),
        ("CANCEL 4821", CancelMeeting("4821")),
        ("cancel #4821", CancelMeeting("4821")),
        ("ACK", Usage()),
        ("ONCALL", Usage()),
        ("BROADCAST", Usage()),
        # Member words stay with the member flow.
        ("CANCEL", None),
        ("STOP", None),
        ("CALL", None),
        ("FIND 94110", None),
        ("ack the meeting", None),
        ("I want to talk", None),
    ],
)
def test_parse_command(body: str, expected: Command | None) -> None:
    assert parse_command(body) == expected


@pytest.mark.parametrize(
    ("tiers", "paged", "expected"),
    [
        ([], 0, None),
        ([1, 1, 2, 3], 0, Rung(1, dt.timedelta(minutes=3))),
        ([1, 2, 3], 1, Rung(2, dt.timedelta(minutes=3))),
        ([1, 2, 3], 2, Rung(3, dt.timedelta(minutes=5))),
        ([1, 2, 3], 3, Rung(3, dt.timedelta(minutes=5))),  # the fallback repeats
        ([2, 5], 0, Rung(2, dt.timedelta(minutes=3))),  # gaps in numbering are fine
        ([2, 5], 2, Rung(5, dt.timedelta(minutes=3))),
        ([1], 1, Rung(1, dt.timedelta(minutes=3))),
        ([1, 2, 3, 4], 3, Rung(4, dt.timedelta(minutes=5))),  # more tiers than waits
    ],
)
def test_next_rung(tiers: list[int], paged: int, expected: Rung | None) -> None:
    assert next_rung(tiers=tiers, paged=paged, waits=(3, 3, 5)) == expected


def test_no_waits_configured_means_three_minutes() -> None:
    assert next_rung(tiers=[1], paged=0, waits=()) == Rung(1, dt.timedelta(minutes=3))


@pytest.mark.parametrize(
    ("new", "old", "higher"),
    [("imminent", "crisis", True), ("crisis", "imminent", False), ("crisis", "talk", True)],
)
def test_is_higher_level(new: str, old: str, higher: bool) -> None:
    assert is_higher_level(new, old) is higher


@pytest.mark.parametrize(("language", "label"), [("en", "Tue 3/4 7:00pm"), ("es", "mar 4/3 19:00")])
def test_occurrence_label(language: str, label: str) -> None:
    when = dt.datetime(2025, 3, 5, 3, 0, tzinfo=dt.UTC)
    assert occurrence_label(when, "America/Los_Angeles", language) == label


@pytest.mark.parametrize("language", ["en", "es"])
def test_staff_texts_fit_one_segment(language: str) -> None:
    words = catalog(language)
    values = {
        "case_id": 12345,
        "level": "inminente",
        "name": "Alexandra",
        "tier": 3,
        "code": "482100",
        "count": 12345,
        "date": "mar 28/10 19:00",
        "next": "mar 4/11 19:00",
        "held": 12345,
        "resume": "12:00pm",
    }
    for key in [k for k in words.strings if k.startswith("cases.") and ".levels." not in k]:
        if key in {"cases.alert_voice", "cases.member_cancelled"} or key.startswith("cases.bridge"):
            continue  # spoken, or carries a meeting name of any length
        text = words.t(key, **values)
        assert count_segments(text).segments == 1, (key, text)
