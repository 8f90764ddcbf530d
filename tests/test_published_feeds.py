"""The two Meeting Guide feeds others published (../shared/feeds/): counts, attendance, INFO."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from hotline.db import session_scope
from hotline.flows.schedule import weekly_times
from hotline.flows.segments import count_segments
from hotline.importer import ImportReport, import_feed
from hotline.models import Meeting
from hotline.settings import Settings
from tests.clock import travel
from tests.twilio import TwilioPoster, sms_texts

REPO = Path(__file__).resolve().parent.parent
# In CI the shared folder sits beside the clone; elsewhere (a worktree, a clone under /tmp)
# HOTLINE_SHARED_FEEDS names the folder.
FEEDS = Path(os.environ.get("HOTLINE_SHARED_FEEDS") or REPO.parent / "shared" / "feeds")
QUINTE = FEEDS / "quinte-ontario-2017.json"
LOS_ANGELES = FEEDS / "tsml-angular-la.json"
MEMBER = "+15551230000"
# Wednesday 5 November 2025, 09:00 in Los Angeles (after the autumn clock change).
WEDNESDAY = dt.datetime(2025, 11, 5, 17, 0, tzinfo=dt.UTC)


def load(path: Path, settings: Settings) -> ImportReport:
    assert path.is_file(), (
        f"{path} is missing: the shared feeds must sit beside the repository "
        "(../shared/feeds), or HOTLINE_SHARED_FEEDS must name their folder"
    )
    return import_feed(str(path), hotline_numbers=[settings.from_number])


def by_slug() -> dict[str, Meeting]:
    with session_scope() as session:
        return {meeting.slug: meeting for meeting in session.scalars(select(Meeting))}


@pytest.fixture()
def frozen() -> Iterator[None]:
    with travel(WEDNESDAY, tick=False):
        yield


def info(twilio: TwilioPoster, code: str) -> str:
    response = twilio.sms(MEMBER, f"INFO {code}")
    assert response.status_code == 200
    (reply,) = sms_texts(response)
    assert count_segments(reply).segments <= 2
    return reply


def test_the_ontario_feed_loads_every_row_in_toronto_time(settings: Settings) -> None:
    report = load(QUINTE, settings)

    # No timezone anywhere in the feed: every zone comes from the row's coordinates.
    assert (report.created, report.skipped, report.inactive) == (45, [], [])
    meetings = by_slug()
    assert {meeting.time_zone for meeting in meetings.values()} == {"America/Toronto"}
    assert {meeting.country for meeting in meetings.values()} == {"CA"}
    assert all(meeting.in_person and meeting.active for meeting in meetings.values())
    tweed = meetings["8"]  # integer slugs
    assert (tweed.name, tweed.location, tweed.city) == ("Tweed Group", "St Andrews Church", "Tweed")
    assert weekly_times(tweed) == [(1, dt.time(19, 30))]  # feed day 2: Python's Tuesday
    assert len({meeting.code for meeting in meetings.values()}) == 45


def test_the_los_angeles_feed_follows_the_attendance_rules(settings: Settings) -> None:
    report = load(LOS_ANGELES, settings)

    assert (report.created, report.skipped) == (20, [])
    # TC and no link or phone: nobody can attend it, so it is kept but not listed.
    assert report.inactive == [
        ("as-bill-sees-it", "temporarily closed (TC) with no online or phone option")
    ]
    meetings = by_slug()
    assert not meetings["as-bill-sees-it"].active
    assert {meeting.time_zone for meeting in meetings.values()} == {"America/Los_Angeles"}
    # TC with a link and a dial-in: online and by phone only, no longer at the address.
    online_only = sorted(slug for slug, m in meetings.items() if m.active and not m.in_person)
    assert online_only == ["back-to-basics", "grapevine-group", "living-sober", "lunch-bunch"]
    assert {meetings[slug].format for slug in online_only} == {"external_bridge"}
    assert meetings["lunch-bunch"].conference_digits == ",,1234567890#"
    # A link and no TC: hybrid, at the address and online.
    hybrid = sorted(slug for slug, m in meetings.items() if m.in_person and m.format == "online")
    assert hybrid == [
        "big-book-thumpers",
        "keep-it-simple",
        "newcomers-welcome",
        "saturday-speaker",
    ]
    assert (
        meetings["keep-it-simple"].conference_notes == "Meeting ID 123 456 7890, passcode serenity"
    )


def test_a_meeting_on_several_days_is_one_meeting(settings: Settings) -> None:
    load(LOS_ANGELES, settings)

    meetings = by_slug()
    grapevine = meetings["grapevine-group"]  # "day": [0, 1, 2, 3, 4, 5, 6]
    assert weekly_times(grapevine) == [(day, dt.time(6, 30)) for day in range(7)]
    assert weekly_times(meetings["sunrise-serenity"]) == [(2, dt.time(18)), (4, dt.time(18))]
    assert len(meetings) == 20


@pytest.mark.usefixtures("frozen")
def test_info_says_how_to_attend(settings: Settings, twilio: TwilioPoster) -> None:
    load(LOS_ANGELES, settings)
    meetings = by_slug()

    in_person = info(twilio, meetings["happy-hour"].code)
    assert "At Valley Recovery House, 14410 Sherman Way, Van Nuys, CA 91405." in in_person
    assert "Thu 6:00pm PST" in in_person

    hybrid = info(twilio, meetings["keep-it-simple"].code)
    assert "At St. Brendan's Hall, 1220 Elm St" in hybrid
    assert "Or online: https://zoom.us/j/1234567890" in hybrid
    assert "passcode serenity" in hybrid

    by_phone = info(twilio, meetings["lunch-bunch"].code)
    assert "Join: call (669) 900-6833, then enter 1234567890#." in by_phone  # keyed, no pauses
    assert "Westside Fellowship Hall" not in by_phone  # temporarily closed: not a place to go

    closed = info(twilio, meetings["as-bill-sees-it"].code)
    assert "As Bill Sees It" not in closed  # not listed: INFO does not offer it


@pytest.mark.usefixtures("frozen")
def test_an_online_only_meeting_says_a_flip_phone_cannot_join(
    settings: Settings, twilio: TwilioPoster, tmp_path: Path
) -> None:
    feed = tmp_path / "online.json"
    feed.write_text(
        '[{"slug": "web", "name": "Web Circle", "day": "Wednesday", "time": "19:00:00",'
        ' "timezone": "America/New_York", "types": ["ONL", "TC"],'
        ' "conference_url": "https://meet.example.org/web", "approximate": "yes",'
        ' "address": "Boston, MA"}]'
    )
    report = import_feed(str(feed), hotline_numbers=[settings.from_number])
    assert (report.created, report.skipped, report.inactive) == (1, [], [])
    meeting = by_slug()["web"]
    assert (meeting.format, meeting.in_person) == ("online", False)

    reply = info(twilio, meeting.code)

    assert "Online only: https://meet.example.org/web" in reply
    assert "not a flip phone" in reply
    assert "FIND + your ZIP" in reply
    assert "Boston" not in reply  # an approximate address is no place to go


@pytest.mark.usefixtures("frozen")
def test_find_by_an_ontario_town_or_postal_code(settings: Settings, twilio: TwilioPoster) -> None:
    load(QUINTE, settings)

    (reply,) = sms_texts(twilio.sms(MEMBER, "FIND belleville on"))
    lines = reply.splitlines()
    assert lines[0] == "Groups near Belleville, ON:"
    # The province written out, as people do ("Which state is belleville ontario in?" before).
    for body in ("FIND belleville ontario", "find Belleville, Ontario"):
        assert sms_texts(twilio.sms(MEMBER, body)) == [reply], body
    assert len([line for line in lines if line.startswith("#")]) == 3
    # In person, with the distance in kilometres, as Canada counts it.
    assert all(line.endswith(" km") for line in lines[1:4]), reply
    assert count_segments(reply).segments <= 2
    # A town only Canada has needs no province ("No groups match napanee" before); one that
    # several provinces or states have is asked about.
    (napanee,) = sms_texts(twilio.sms(MEMBER, "FIND napanee"))
    assert napanee.splitlines()[0] == "Groups near Greater Napanee, ON:", napanee
    assert len([line for line in napanee.splitlines() if line.startswith("#")]) == 3
    (richmond,) = sms_texts(twilio.sms(MEMBER, "FIND richmond"))
    assert richmond.startswith("Which state or province is richmond in?"), richmond
    assert count_segments(richmond).segments == 1

    # Belleville East's FSA (its centroid, from countrystatecity-postal-codes): the same town.
    for body, header in [
        ("FIND K8N 5W6", "Groups near K8N 5W6:"),
        ("find k8n5w6", "Groups near K8N 5W6:"),
        ("FIND K8N", "Groups near K8N:"),
        ("BUSCAR K8N 5W6", None),
    ]:
        (near,) = sms_texts(twilio.sms(MEMBER, body))
        found = near.splitlines()
        assert header is None or found[0] == header, near
        assert len([line for line in found if line.startswith("#")]) == 3, near
        km = [float(line.rsplit(", ", 1)[1].removesuffix(" km")) for line in found[1:4]]
        assert km == sorted(km) and km[0] < 5, near  # in person, nearest first
        assert count_segments(near).segments <= 2
    sms_texts(twilio.sms(MEMBER, "EN"))

    # A code the table does not place (reserved, or no such FSA) gets a clear answer.
    for code in ("H0H 0H0", "Z9Z"):
        (postal,) = sms_texts(twilio.sms(MEMBER, f"FIND {code}"))
        assert postal.startswith(f"I don't know the postal code {code.replace(' ', '')}."), postal
        assert "FIND belleville on" in postal
        assert count_segments(postal).segments == 1


@pytest.mark.usefixtures("frozen")
@pytest.mark.parametrize(
    ("body", "slugs"),
    [
        ("FIND women 90802", ["mens-stag"]),  # the feed types it W; its name says otherwise
        ("FIND mujeres 90802", ["mens-stag"]),
        ("BUSCAR espanol 90802", ["young-peoples"]),  # S
        ("FIND spanish 90802", ["young-peoples"]),
        ("FIND newcomers 90802", ["candlelight"]),  # BE
        ("FIND speaker 90802", ["daily-reflections", "lunch-bunch"]),  # SP
    ],
)
def test_find_type_words_map_to_the_specs_codes(
    settings: Settings, twilio: TwilioPoster, body: str, slugs: list[str]
) -> None:
    load(LOS_ANGELES, settings)
    codes = {meeting.code: slug for slug, meeting in by_slug().items()}

    (reply,) = sms_texts(twilio.sms(MEMBER, body))

    found = [codes[line.split()[0][1:]] for line in reply.splitlines() if line.startswith("#")]
    assert sorted(found) == slugs
