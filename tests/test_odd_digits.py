"""Digits as people mean them wherever the line reads a number: "٩٤١١٠" is 94110, "²" is no 2.

`str.isdigit()` is true for both, and `int("²")` then fails. Feed rows, BMLT rows, staff ids,
tiers and block ids go through `hotline.flows.digits` instead, and get a clear answer.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from hotline.blocklist import BlockError, remove_block
from hotline.bmlt import meeting_guide_row
from hotline.db import session_scope
from hotline.feeds import FeedError, parse_row
from hotline.flows.digits import has_stray_numerals
from hotline.phones import vault_for
from hotline.roster import RosterError, find_staff
from hotline.settings import Settings
from hotline.web.admin_staff import _change
from tests.test_feed_rows import row

ARABIC_94110 = "٩٤١١٠"  # Arabic-Indic digits
FULLWIDTH_1900 = "１９:００"


def test_stray_numerals_are_told_apart_from_digits() -> None:
    assert has_stray_numerals("²") and has_stray_numerals("½") and has_stray_numerals("Ⅻ")
    assert not has_stray_numerals(ARABIC_94110) and not has_stray_numerals("19:00 Tuesday")


@pytest.mark.parametrize(
    ("fields", "read"),
    [
        ({"day": "٢"}, ("weekday", 1)),  # feed day 2 (Tuesday), in Arabic-Indic digits
        ({"time": FULLWIDTH_1900}, ("start_time", dt.time(19))),
        ({"time": "٧:٣٠ PM"}, ("start_time", dt.time(19, 30))),
        ({"postal_code": ARABIC_94110, "city": "", "state": ""}, ("postal_code", "94110")),
        ({"latitude": "٣٥.٦", "longitude": "-٧٨.٨"}, ("latitude", 35.6)),
    ],
)
def test_a_feeds_digits_in_any_script_are_read_as_0_to_9(
    fields: dict[str, object], read: tuple[str, object]
) -> None:
    meeting = parse_row(row(**fields))
    assert getattr(meeting, read[0]) == read[1]


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"day": "²"}, "bad day '²'"),  # NFKD would read it as 2: Tuesday, silently
        ({"day": "½"}, "bad day '½'"),
        ({"time": "¹⁹:00"}, "bad time '¹⁹:00'"),
    ],
)
def test_numerals_that_are_no_digits_are_rejected_by_name(
    fields: dict[str, object], reason: str
) -> None:
    with pytest.raises(FeedError, match=reason):
        parse_row(row(**fields))


def test_a_hosted_code_in_arabic_indic_digits_becomes_an_ascii_code() -> None:
    meeting = parse_row(
        row(conference_phone="+15550100000,,٤٨٢١#"), hotline_numbers={"+15550100000"}
    )
    assert meeting.code == "4821"


def test_bmlt_weekdays_in_any_script() -> None:
    assert meeting_guide_row({"weekday_tinyint": "٣"})["day"] == 2  # type: ignore[index]
    assert meeting_guide_row({"weekday_tinyint": "²"})["day"] == "²"  # type: ignore[index]
    with pytest.raises(FeedError, match="bad day"):
        parse_row(row(day=meeting_guide_row({"weekday_tinyint": "²"})["day"]))  # type: ignore[index]


def test_staff_refs_tiers_and_block_ids_read_digits_and_refuse_numerals(
    database: Engine, settings: Settings
) -> None:
    with session_scope() as session:
        with pytest.raises(RosterError):
            find_staff(session=session, settings=settings, ref="²")
        with pytest.raises(RosterError):
            find_staff(session=session, settings=settings, ref="٣")  # id 3: no such staff
        vault = vault_for(settings.secret_key)
        # "٣" is block id 3 (there is none); "²" is neither an id nor a number, and says so.
        assert not remove_block(session=session, vault=vault, value="٣", prefix=False, region="US")
        with pytest.raises(BlockError, match="not a phone number"):
            remove_block(session=session, vault=vault, value="²", prefix=False, region="US")
    assert _change({"tier": "٢"}).tier == 2
    assert _change({"tier": "²"}).tier is None
