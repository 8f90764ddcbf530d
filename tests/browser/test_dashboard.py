"""The dashboard in a real browser: Debian's Chromium, driven by Playwright, against uvicorn."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from hotline.db import session_scope
from hotline.models import SupportCase
from hotline.settings import Settings
from tests.web.test_admin import STAFF_PHONE, add_staff, open_case, texted_code

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.mark.browser
def test_sign_in_and_ack_a_case_in_chromium(
    live_url: str, settings: Settings, tmp_path: Path
) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (CI installs it)")
    add_staff(settings)
    case_id = open_case(settings)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 412, "height": 915})  # a phone
        page.goto(f"{live_url}/admin/")
        expect(page).to_have_url(f"{live_url}/admin/sign-in")
        page.get_by_label("Phone number").fill("555 010 0001")
        page.get_by_role("button", name="Text me a code").click()
        expect(page.get_by_role("status")).to_contain_text("a code is on its way")
        page.get_by_label("6-digit code").fill(texted_code())
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(f"{live_url}/admin/")

        row = page.locator(f"#case-{case_id}")
        expect(row).to_contain_text("open")
        expect(row).to_contain_text("nobody yet")
        page.get_by_role("button", name=f"ACK case {case_id}").click()
        expect(page.get_by_role("status")).to_contain_text(f"Case {case_id} is yours.")
        expect(row).to_contain_text("acked")
        expect(row).to_contain_text("Dana Coordinator")
        page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
        text = page.inner_text("body")
        browser.close()

    assert "Support cases" in text and f"#{case_id}" in text
    assert STAFF_PHONE not in text and "1234567" not in text
    assert (tmp_path / "dashboard.png").stat().st_size > 0
    with session_scope() as session:
        case = session.get(SupportCase, case_id)
        assert case is not None
        assert case.status == "acked"
