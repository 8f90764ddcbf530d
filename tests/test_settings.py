from __future__ import annotations

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
        {"HOTLINE_PUBLIC_URL": "https://line.example.org/", "HOTLINE_SEGMENTS_PER_SECOND": "3"}
    )
    assert settings.public_url == "https://line.example.org"
    assert settings.segments_per_second == 3.0
    assert settings.reminder_lead_minutes == (1440, 60)
