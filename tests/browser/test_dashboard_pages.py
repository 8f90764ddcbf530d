"""Each dashboard page in Debian's Chromium against uvicorn: cases refresh in place, ACK and the
trail, live controls through Prism; screenshots at phone and laptop widths for CI to keep."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright
from sqlalchemy import Engine, update

from hotline import rooms
from hotline import settings as settings_module
from hotline.db import session_scope
from hotline.importer import import_feed
from hotline.jobs.worker import run_worker
from hotline.models import (
    BlockedNumber,
    Coordinator,
    FindOutcome,
    Meeting,
    OutboxMessage,
    StaffShift,
    SupportCase,
)
from hotline.settings import Settings, get_settings
from hotline.web.twilio_auth import sign
from tests import people
from tests.browser.test_dashboard import CHROMIUM, CHROMIUM_ARGS
from tests.jobs.conftest import prism_url  # noqa: F401 - the session fixture
from tests.test_importer import row as feed_row
from tests.test_importer import write_feed
from tests.twilio import LINE_NUMBER, new_sid
from tests.web.test_admin import MEMBER_PHONE, STAFF_PHONE, add_staff, open_case, texted_code
from tests.web.test_admin_broadcasts import SPANISH, members
from tests.web.test_voice_caller import make_meeting

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
WIDTHS: dict[str, ViewportSize] = {
    "phone": {"width": 412, "height": 915},
    "laptop": {"width": 1366, "height": 768},
}


@pytest.fixture()
def settings(
    database: Engine,
    prism_url: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> Settings:
    """The app under test, and the jobs this test runs, talk to Prism as they would to Twilio."""
    chosen = dataclasses.replace(
        get_settings(), transport="twilio", twilio_api_url=prism_url, segments_per_second=100.0
    )
    monkeypatch.setattr(settings_module, "get_settings", lambda: chosen)
    return chosen


@pytest.fixture()
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (CI installs it)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def signed_in_page(browser: Browser, live_url: str, typed: str = "555 010 0001") -> Page:
    page = browser.new_page(viewport=WIDTHS["phone"])
    page.goto(f"{live_url}/admin/cases")
    expect(page).to_have_url(f"{live_url}/admin/sign-in")
    page.get_by_label("Phone number").fill(typed)
    page.get_by_role("button", name="Text me a code").click()
    page.get_by_label("6-digit code").fill(texted_code())
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_url}/admin/")
    return page


def shoot(page: Page, name: str) -> None:
    """Save the page at phone and laptop widths, and check nothing private is on it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        assert (SCREENSHOTS / f"{name}-{width}.png").stat().st_size > 0
    text = page.inner_text("body")
    assert MEMBER_PHONE not in text and MEMBER_PHONE[2:] not in text and STAFF_PHONE not in text
    page.set_viewport_size(WIDTHS["phone"])


@pytest.mark.browser
def test_cases_appear_without_a_reload_and_ack_shows_the_trail(
    live_url: str, settings: Settings, browser: Browser
) -> None:
    add_staff(settings)
    first = open_case(settings)
    page = signed_in_page(browser, live_url)
    page.get_by_role("link", name="Cases").click()
    expect(page.locator(f"#case-{first}")).to_contain_text("nobody yet")

    second = open_case(settings, number="+15557654321", level="imminent")
    # No reload: the list fetches its rows again every few seconds.
    expect(page.locator(f"#case-{second}")).to_contain_text("imminent", timeout=15_000)
    shoot(page, "cases")

    page.get_by_role("button", name=f"ACK case {second}").click()
    expect(page.get_by_role("status")).to_contain_text(f"Case {second} is yours.")
    expect(page.locator("#trail")).to_contain_text("Dana Coordinator — acknowledged")
    page.get_by_label("Add a note").fill("Called back; checking in tomorrow.")
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_role("status")).to_contain_text("Note saved.")
    expect(page.locator("#trail")).to_contain_text("added a note")
    shoot(page, "case")

    page.get_by_role("link", name="Español").click()
    expect(page.locator("h1")).to_contain_text(f"Caso #{second}")
    with session_scope() as session:
        case = session.get(SupportCase, second)
        assert case is not None and case.status == "acked"


@pytest.mark.browser
def test_mute_a_participant_through_prism(
    live_url: str, settings: Settings, browser: Browser
) -> None:
    add_staff(settings)
    meeting_id = make_meeting()
    name = rooms.ROOM_PREFIX + "b" * 32
    conference = new_sid("CF")
    with session_scope() as session:
        rooms.open_room(session=session, meeting_id=meeting_id, name=name)
        events = [("conference-start", "")]
        events += [("participant-join", new_sid("CA")), ("participant-join", new_sid("CA"))]
        for sequence, (event, call_sid) in enumerate(events, start=1):
            rooms.apply_conference_event(
                session=session,
                name=name,
                event=event,
                sequence=sequence,
                conference_sid=conference,
                call_sid=call_sid,
                muted=False,
            )
    page = signed_in_page(browser, live_url)
    page.get_by_role("link", name="Live meetings").click()
    expect(page.locator("main")).to_contain_text("2 on the line")

    page.get_by_role("button", name="Mute participant #1").click()
    expect(page.get_by_role("status")).to_contain_text("Muted 1.")
    expect(page.get_by_role("button", name="Unmute participant #1")).to_be_visible()
    shoot(page, "live")
    page.get_by_role("link", name="Overview").click()
    shoot(page, "overview")
    page.get_by_role("link", name="On call").click()
    expect(page.locator("#nobody-on-call")).to_contain_text("Nobody is on call")
    shoot(page, "oncall")


@pytest.mark.browser
def test_open_the_report_and_download_its_csv(
    live_url: str, settings: Settings, browser: Browser, tmp_path: Path
) -> None:
    add_staff(settings)
    make_meeting()
    with session_scope() as session:
        session.add_all(
            FindOutcome(channel="sms", zip3=zip3, local_found=found, results=3)
            for zip3, found in (("100", False), ("100", False), ("606", False), ("941", True))
        )
    page = signed_in_page(browser, live_url)
    page.get_by_role("link", name="Reports").click()
    expect(page.locator("#summary")).to_contain_text("Finds with no group near")
    expect(page.locator("#report-areas")).to_contain_text("100")
    shoot(page, "reports")

    with page.expect_download() as download:
        page.locator('a[href^="/admin/reports/areas.csv"]').click()
    saved = tmp_path / "areas.csv"
    download.value.save_as(saved)
    assert saved.read_text().splitlines()[:3] == [
        "zip3,finds,finds_no_group",
        "100,2,2",
        "606,1,1",
    ]

    expect(page.locator("#report-warm")).to_contain_text("0")
    with page.expect_download() as download:
        page.locator('a[href^="/admin/reports/warm.csv"]').click()
    download.value.save_as(tmp_path / "warm.csv")
    header, figures = (tmp_path / "warm.csv").read_text().splitlines()
    assert header.startswith("waited,answered,abandoned,") and figures.startswith("0,0,0,")
    page.get_by_label("Group", exact=True).select_option(label="Bay Peer Support")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#line-wide-warm")).to_contain_text("The whole line")
    expect(page.locator("#summary")).to_contain_text("(whole line)")
    expect(page.locator("#line-wide-meetings")).to_have_count(0)
    shoot(page, "reports-group")


@pytest.mark.browser
def test_compose_a_broadcast_and_watch_it_reach_sent_through_prism(
    live_url: str, settings: Settings, browser: Browser
) -> None:
    add_staff(settings)
    meeting_id = make_meeting()
    # One member: Prism answers every send with the spec's one example SID, which is unique here.
    members(settings, meeting_id, ["es"])
    page = signed_in_page(browser, live_url)
    page.get_by_role("link", name="Broadcasts").click()

    page.get_by_label("Text (English").fill("Tonight we meet at 7pm.")
    expect(page.locator("#body-count")).to_contain_text("GSM-7 · 1 segment(s)")
    expect(page.locator("#body-count")).to_contain_text("1 members, 1 segments")
    page.get_by_label("Texto en español").fill(SPANISH)
    expect(page.locator("#body-es-count")).to_contain_text("UCS-2 because of “á”")
    shoot(page, "broadcasts")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("main")).to_contain_text("Spanish · 1 members")
    page.get_by_role("button", name="Send to 1 members now").click()
    expect(page.get_by_role("status")).to_contain_text("Sending to 1 members.")

    with session_scope() as session:  # the sign-in text was read from its row; not sent here
        session.execute(
            update(OutboxMessage).where(OutboxMessage.purpose == "login").values(status="skipped")
        )
    run_worker(burst=True)  # fan-out and sends, through the real twilio client, to Prism
    # No reload: the progress table fetches itself again every 2 seconds.
    expect(page.locator("#progress td.sent")).to_have_text("1", timeout=15_000)
    shoot(page, "broadcast")


@pytest.mark.browser
def test_create_a_meeting_and_find_it_by_text(
    live_url: str, settings: Settings, browser: Browser
) -> None:
    add_staff(settings)
    make_meeting()  # the group
    page = signed_in_page(browser, live_url)
    page.get_by_role("link", name="Meetings", exact=True).click()
    page.get_by_role("link", name="New meeting").click()
    page.get_by_label("Group", exact=True).select_option(label="Bay Peer Support")
    page.get_by_label("Meeting", exact=True).fill("Mission Evening Peer Circle")
    page.get_by_label("Day", exact=True).select_option(label="Wednesday")
    page.get_by_label("Starts at").fill("18:30")
    page.get_by_label("Format", exact=True).select_option(label="in person")
    page.get_by_label("Address", exact=True).fill("362 Capp St")
    page.get_by_label("ZIP", exact=True).fill("94110")
    page.get_by_label("Protect with a member PIN").check()
    shoot(page, "meeting-new")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Write them down now")
    shoot(page, "meeting")
    page.get_by_role("link", name="← Meetings").click()
    expect(page.locator("#meeting-list")).to_contain_text("Mission Evening Peer Circle")
    shoot(page, "meetings")

    fields = {
        "MessageSid": new_sid("SM"),
        "AccountSid": settings.twilio_account_sid,
        "From": "+15553334444",
        "To": LINE_NUMBER,
        "Body": "FIND 94110",
    }
    line = dataclasses.replace(settings, public_url=live_url)
    signature = sign(line, f"{live_url}/twilio/sms", fields)
    reply = httpx.post(
        f"{live_url}/twilio/sms", data=fields, headers={"X-Twilio-Signature": signature}
    )
    assert reply.status_code == 200 and "Mission Evening Peer Circle" in reply.text


@pytest.mark.browser
def test_an_admin_edits_the_rota_and_the_blocklist(
    live_url: str, settings: Settings, browser: Browser
) -> None:
    people.add_staff(settings, STAFF_PHONE, "admin", name="Ada Admin", tier=2)
    rae = people.add_staff(settings, "+15550100002", "responder", name="Rae Responder")
    with session_scope() as session:
        responder = session.get(Coordinator, rae)
        assert responder is not None
        responder.oncall = False  # tier 1 is empty all week: a gap whatever the hour
    page = signed_in_page(browser, live_url)
    page.get_by_role("link", name="On call").click()
    expect(page.locator("#gaps-1")).to_contain_text("Nobody of tier 1 is on call")

    page.get_by_label("Staff", exact=True).select_option(label="Rae Responder (Tier 1)")
    page.get_by_label("Day", exact=True).select_option(label="Tuesday")
    page.get_by_label("From", exact=True).fill("18:00")
    page.get_by_label("Until", exact=True).fill("23:00")
    page.get_by_label("Time zone", exact=True).select_option("America/Chicago")
    page.get_by_role("button", name="Add a weekly shift").click()
    expect(page.get_by_role("status")).to_contain_text("Shift added for Rae Responder.")
    expect(page.locator(f"#rota-{rae}")).to_contain_text("Tuesday 18:00–23:00 (America/Chicago)")
    page.get_by_role("button", name="Put Rae Responder on call").click()
    expect(page.get_by_role("status")).to_contain_text("On-call override set for Rae Responder.")
    expect(page.locator(f"#rota-{rae}")).to_contain_text("on call until")
    expect(page.locator("#tier-1")).to_contain_text("Rae Responder")
    shoot(page, "oncall-rota")
    page.get_by_role(
        "button", name="Remove the shift Tuesday 18:00–23:00 (America/Chicago) of Rae Responder"
    ).click()
    expect(page.get_by_role("status")).to_contain_text("Shift removed from Rae Responder.")
    with session_scope() as session:
        assert session.query(StaffShift).count() == 0

    page.get_by_role("link", name="Blocklist").click()
    page.get_by_label("Number or prefix").fill("(555) 123-9876")
    page.get_by_label("Why").fill("texts every minute")
    page.get_by_role("button", name="Block", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("The number ending 9876 is blocked")
    page.get_by_label("prefix", exact=True).check()
    page.get_by_label("Number or prefix").fill("+1900")
    page.get_by_role("button", name="Block", exact=True).click()
    expect(page.locator("main table")).to_contain_text("+1900")
    shoot(page, "blocklist")
    assert "5551239876" not in page.inner_text("body")
    with session_scope() as session:
        number = session.query(BlockedNumber).filter_by(kind="number").one()
    page.get_by_role("button", name=f"Lift block {number.id}").click()
    expect(page.get_by_role("status")).to_contain_text(f"Block {number.id} lifted.")


@pytest.mark.browser
def test_a_feed_meeting_detached_on_several_days_and_its_coordinator(
    live_url: str, settings: Settings, browser: Browser, tmp_path: Path
) -> None:
    import_feed(write_feed(tmp_path, [feed_row("oakland-tue")]))
    other = make_meeting(code="7734", name="Other Circle")
    people.add_staff(settings, STAFF_PHONE, "admin", name="Ada Admin")
    people.add_staff(settings, "+15550100002", "coordinator", name="Cy Coordinator")
    page = signed_in_page(browser, live_url)
    page.get_by_role("link", name="Meetings", exact=True).click()
    expect(page.locator("#meeting-list")).to_contain_text("from feed")
    with session_scope() as session:
        mine = session.query(Meeting).filter_by(slug="oakland-tue").one()
        mine_id, code = mine.id, mine.code
    page.get_by_role("link", name=f"#{code}").click()
    expect(page.locator("#feed-warning")).to_contain_text("replaced at the next read of the feed")
    shoot(page, "meeting-feed")
    page.get_by_role("button", name="Detach from feed").click()
    expect(page.get_by_role("status")).to_contain_text(f"#{code} is detached from its feed")

    page.locator("#more-days").get_by_label("Friday").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"#{code} is saved.")
    page.get_by_label("Cy Coordinator").check()
    page.get_by_role("button", name="Save who runs it").click()
    expect(page.get_by_role("status")).to_contain_text(f"Who runs #{code} is saved.")
    expect(page.locator("#runners")).to_contain_text("Cy Coordinator")
    page.get_by_role("link", name="← Meetings").click()
    expect(page.locator(f"#meeting-{code}")).to_contain_text("Tuesday, Friday 19:00")
    expect(page.locator(f"#meeting-{code}")).to_contain_text("(detached from feed)")
    page.get_by_role("button", name="Sign out").click()

    coordinator = signed_in_page(browser, live_url, "555 010 0002")
    coordinator.get_by_role("link", name="Meetings", exact=True).click()
    expect(coordinator.locator("#meeting-list")).to_contain_text(f"#{code}")
    expect(coordinator.locator("#meeting-list")).not_to_contain_text("Other Circle")
    refused = coordinator.goto(f"{live_url}/admin/meetings/{other}")
    assert refused is not None and refused.status == 403
    allowed = coordinator.goto(f"{live_url}/admin/meetings/{mine_id}")
    assert allowed is not None and allowed.status == 200
