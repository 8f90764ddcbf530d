from __future__ import annotations

import re

import pytest

from hotline.settings import SettingsError, load_settings


def test_real_line_refuses_missing_secrets() -> None:
    with pytest.raises(SettingsError, match="TWILIO_AUTH_TOKEN"):
        load_settings({}).require_secrets()
    with pytest.raises(SettingsError, match="HOTLINE_SECRET_KEY"):
        load_settings({"TWILIO_AUTH_TOKEN": "a-real-token-value"}).require_secrets()
    with pytest.raises(SettingsError, match="HOTLINE_SECRET_KEY"):
        load_settings({"TWILIO_AUTH_TOKEN": "tok", "HOTLINE_SECRET_KEY": "short"}).require_secrets()


def test_demo_runs_on_demo_values() -> None:
    settings = load_settings({"HOTLINE_DEMO": "1"})
    settings.require_secrets()
    assert settings.transport == "console"
    assert settings.database_url == "sqlite:///hotline.db"


def test_environment_overrides_config_file() -> None:
    settings = load_settings(
        {
            "HOTLINE_PUBLIC_URL": "https://line.example.org/",
            "HOTLINE_SEGMENTS_PER_SECOND": "3",
            "HOTLINE_CALLS_PER_SECOND": "5",
        }
    )
    assert settings.public_url == "https://line.example.org"
    assert settings.segments_per_second == 3.0
    assert settings.calls_per_second == 5.0
    assert load_settings({}).calls_per_second == 1.0
    assert settings.reminder_lead_minutes == (1440, 60)


REAL = {
    "TWILIO_AUTH_TOKEN": "a-real-token-value",
    "HOTLINE_SECRET_KEY": "a-real-secret-key-0123456789",
    "HOTLINE_FROM_NUMBER": "+14155550100",
    "HOTLINE_PUBLIC_URL": "https://line.example.org",
}


def test_a_complete_real_line_starts() -> None:
    load_settings(REAL).require_secrets()
    messaging = {k: v for k, v in REAL.items() if k != "HOTLINE_FROM_NUMBER"}
    load_settings(messaging | {"HOTLINE_MESSAGING_SERVICE_SID": "MG" + "1" * 32}).require_secrets()


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"HOTLINE_FROM_NUMBER": ""}, "No sender: set HOTLINE_FROM_NUMBER"),
        ({"HOTLINE_FROM_NUMBER": "415 555 0100"}, "HOTLINE_FROM_NUMBER must be E.164"),
        ({"HOTLINE_PUBLIC_URL": ""}, "HOTLINE_PUBLIC_URL is http://localhost:8000"),
        ({"HOTLINE_PUBLIC_URL": "http://127.0.0.1:8000"}, "Twilio cannot reach"),
        ({"HOTLINE_PUBLIC_URL": "http://hotline.localhost"}, "Twilio cannot reach"),
    ],
)
def test_a_line_that_cannot_work_is_refused_in_one_line(change: dict[str, str], says: str) -> None:
    env = {k: v for k, v in (REAL | change).items() if v}
    with pytest.raises(SettingsError, match=re.escape(says)) as caught:
        load_settings(env).require_secrets()
    assert "\n" not in str(caught.value)


def test_a_crisis_number_not_in_e164_is_refused() -> None:
    with pytest.raises(
        SettingsError, match=re.escape("crisis_number in config/hotline.toml must be E.164")
    ):
        load_settings(REAL, crisis_number="988").require_secrets()
