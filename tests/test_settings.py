from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from hotline.flows.warm.line import WarmRules
from hotline.settings import (
    ENVIRONMENT_FIELDS,
    FILE_KEYS,
    SHIPPED_CONFIG,
    Settings,
    SettingsError,
    load_settings,
)


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


# config/hotline.toml is the one home of every default: the dataclasses and the reader hold none.

SHIPPED = SHIPPED_CONFIG / "hotline.toml"


def test_no_dataclass_field_has_a_default_of_its_own() -> None:
    for cls in (Settings, WarmRules):
        with_default = [
            f.name
            for f in dataclasses.fields(cls)
            if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        ]
        assert with_default == [], f"{cls.__name__}: put these defaults in config/hotline.toml"


def test_every_key_of_the_file_is_read_and_every_field_comes_from_the_file_or_environment() -> None:
    data = tomllib.loads(SHIPPED.read_text(encoding="utf-8"))
    read = {(section, key) for section, keys in FILE_KEYS.items() for key in keys}
    read |= {("warm", f.name) for f in dataclasses.fields(WarmRules)}
    in_file = {(section, key) for section, table in data.items() for key in table}
    assert in_file == read
    filled = {attr for keys in FILE_KEYS.values() for attr in keys.values()}
    filled |= {"quiet_hours", "warm", "demo"} | set(ENVIRONMENT_FIELDS.values())
    assert {f.name for f in dataclasses.fields(Settings)} - filled == set()


def _config(tmp_path: Path, old: str, new: str) -> dict[str, str]:
    """A deployment's config folder: the shipped hotline.toml with one line changed."""
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "hotline.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return {"HOTLINE_CONFIG_DIR": str(tmp_path)}


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("max_attempts = 6", 'max_attempts = "six"', "[sender] max_attempts must be a whole"),
        ("max_attempts = 6", "", "[sender] max_attempts is missing"),
        ("max_attempts = 6", "max_attempts = 6\nmax_attemps = 7", "max_attemps is not a setting"),
        ('quiet_hours_end = "08:00"', 'quiet_hours_end = "8am"', "quiet_hours_end must be a time"),
        (
            'time_zone = "America/New_York"',
            'time_zone = "Mars/Olympus"',
            "time_zone must be a time",
        ),
        ('ring_strategy = "simultaneous"', 'ring_strategy = "all"', "ring_strategy must be one of"),
        ("ring_seconds = 25", "ring_seconds = 2.5", "[warm] ring_seconds must be a whole number"),
        ("[limits]", "[limitz]", "[limitz] is not a settings table"),
        ("lead_minutes = [1440, 60]", 'lead_minutes = "1440"', "lead_minutes must be a list"),
    ],
)
def test_a_bad_value_in_the_file_is_refused_in_one_line(
    tmp_path: Path, old: str, new: str, says: str
) -> None:
    with pytest.raises(SettingsError, match=re.escape(says)) as caught:
        load_settings(_config(tmp_path, old, new))
    assert "\n" not in str(caught.value) and "hotline.toml" in str(caught.value)


def test_a_bad_number_in_the_environment_is_refused_in_one_line() -> None:
    with pytest.raises(SettingsError, match="HOTLINE_SEGMENTS_PER_SECOND must be a number"):
        load_settings({"HOTLINE_SEGMENTS_PER_SECOND": "fast"})


def test_the_environment_overrides_the_deployments_file(tmp_path: Path) -> None:
    env = _config(tmp_path, 'public_url = "http://localhost:8000"', 'public_url = "https://a.test"')
    assert load_settings(env).public_url == "https://a.test"
    assert load_settings(env | {"HOTLINE_PUBLIC_URL": "https://b.test/"}).public_url == (
        "https://b.test"
    )
    env = _config(tmp_path, 'transport = "twilio"', 'transport = "console"')
    assert load_settings(env).transport == "console"
    assert load_settings(env | {"HOTLINE_TRANSPORT": "twilio"}).transport == "twilio"


def test_a_deployments_file_sets_what_the_code_reads(tmp_path: Path) -> None:
    env = _config(tmp_path, "price_per_segment = 0.0083", "price_per_segment = 0.01")
    assert load_settings(env).price_per_segment == 0.01
    assert load_settings({}).price_per_segment == 0.0083
    env = _config(tmp_path, 'time_zone = "America/New_York"', 'time_zone = "America/Chicago"')
    assert load_settings(env).time_zone == "America/Chicago"


def test_the_line_refuses_to_start_on_a_bad_setting_in_one_line(tmp_path: Path) -> None:
    shutil.copytree(SHIPPED_CONFIG, tmp_path / "config")
    env = _config(tmp_path / "config", "max_attempts = 6", "max_attempts = 0.5")
    result = subprocess.run(
        [sys.executable, "-m", "hotline.cli", "worker", "--burst"],
        capture_output=True,
        text=True,
        env=env | {"PATH": "/usr/bin:/bin", "HOTLINE_DEMO": "1"},
        cwd=SHIPPED_CONFIG.parent,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "hotline.toml" in lines[0] and "max_attempts" in lines[0], lines
