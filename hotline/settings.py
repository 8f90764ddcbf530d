"""One settings object, read once: config/hotline.toml under the environment."""

from __future__ import annotations

import functools
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from hotline.flows.warm.line import RING_STRATEGIES, WarmRules

CONFIG_DIR = Path(
    os.environ.get("HOTLINE_CONFIG_DIR", Path(__file__).resolve().parent.parent / "config")
)
DEMO_ACCOUNT_SID = "AC" + "0" * 32
DEMO_AUTH_TOKEN = "demo-auth-token-not-a-secret"  # noqa: S105 - public demo value
DEMO_SECRET_KEY = "demo-secret-key-not-for-production"  # noqa: S105 - public demo value
_PLACEHOLDERS = {"", "changeme", "change-me", "secret", DEMO_AUTH_TOKEN, DEMO_SECRET_KEY}


_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_LOCAL_HOSTS = {"localhost", "0.0.0.0", "::1", "::", ""}  # noqa: S104 - names, not a bind


class SettingsError(Exception):
    """A setting is missing or unsafe; the message is one line a person can act on."""


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///hotline.db"
    redis_url: str | None = None
    public_url: str = "http://localhost:8000"
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_api_url: str | None = None
    from_number: str | None = None
    messaging_service_sid: str | None = None
    secret_key: str = ""
    demo: bool = False
    transport: str = "twilio"
    languages: tuple[str, ...] = ("en", "es")
    default_language: str = "en"
    default_country: str = "US"
    default_region: str = "US"
    find_radius_miles: float = 50.0
    find_page_size: int = 3
    cursor_ttl_seconds: int = 3600
    reminder_lead_minutes: tuple[int, ...] = (1440, 60)
    quiet_hours: tuple[str, str] = ("21:00", "08:00")
    segments_per_second: float = 1.0
    # Outbound calls a second (Twilio's CPS for the account: 1 unless Twilio raised it).
    calls_per_second: float = 1.0
    urgent_headroom: float = 0.2
    max_attempts: int = 6
    backoff_base_seconds: float = 2.0
    backoff_cap_seconds: float = 300.0
    http_timeout_seconds: float = 10.0
    stuck_after_seconds: int = 300
    body_retention_days: int = 30
    tier_wait_minutes: tuple[int, ...] = (3, 3, 5)
    crisis_number: str = "+18002738255"
    crisis_number_es: str = "+18886289454"
    join_window_minutes: int = 15
    max_participants: int = 40
    warm: WarmRules = field(default_factory=WarmRules)
    # How often `hotline scheduler` re-reads each registered feed (`hotline feeds add`).
    feed_refresh_hours: float = 24.0
    # [limits]: texts per number per minute before the one slow-down reply and silence; how
    # long that silence lasts; dashboard code requests per network address and per number.
    sms_per_minute: int = 20
    sms_quiet_minutes: int = 10
    sign_in_per_address: int = 10
    sign_in_codes_per_number: int = 3
    sign_in_window_minutes: int = 15
    # New calls per number per window before the short "you have called a lot" answer (which
    # still offers 9 for crisis help); the window in minutes.
    calls_per_window: int = 6
    calls_window_minutes: int = 10
    extra: dict[str, Any] = field(default_factory=dict)

    def require_secrets(self) -> None:
        """Refuse to run a real line on placeholder credentials."""
        if self.demo:
            return
        if self.twilio_auth_token in _PLACEHOLDERS:
            raise SettingsError("TWILIO_AUTH_TOKEN is not set: copy it from the Twilio console.")
        if self.secret_key in _PLACEHOLDERS or len(self.secret_key) < 16:
            raise SettingsError(
                "HOTLINE_SECRET_KEY is not set (or shorter than 16 characters): "
                'generate one with: python -c "import secrets; print(secrets.token_urlsafe(32))"'
            )
        self._require_line()

    def _require_line(self) -> None:
        """Refuse settings a real line cannot work with: no sender, a URL Twilio cannot reach."""
        if not (self.from_number or self.messaging_service_sid):
            raise SettingsError(
                "No sender: set HOTLINE_FROM_NUMBER (the line's Twilio number, +1…) or "
                "HOTLINE_MESSAGING_SERVICE_SID (MG…)."
            )
        if self.from_number and not _E164.match(self.from_number):
            raise SettingsError("HOTLINE_FROM_NUMBER must be E.164, like +14155550123.")
        host = (urlsplit(self.public_url).hostname or "").lower()
        if host in _LOCAL_HOSTS or host.endswith(".localhost") or host.startswith("127."):
            raise SettingsError(
                f"HOTLINE_PUBLIC_URL is {self.public_url}, which Twilio cannot reach: set it to "
                "the public https:// address in front of this line."
            )
        for name, number in (
            ("crisis_number", self.crisis_number),
            ("crisis_number_es", self.crisis_number_es),
        ):
            if not _E164.match(number):
                raise SettingsError(
                    f"[crisis] {name} in config/hotline.toml must be E.164, like +18002738255, "
                    f"not {number!r}."
                )


def _read_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def _from_toml(data: dict[str, Any]) -> dict[str, Any]:
    line, find = data.get("line", {}), data.get("find", {})
    rem, snd = data.get("reminders", {}), data.get("sender", {})
    crisis, voice = data.get("crisis", {}), data.get("voice", {})
    values: dict[str, Any] = {
        "languages": tuple(line.get("languages", ("en", "es"))),
        "default_language": line.get("default_language", "en"),
        "default_country": line.get("default_country", "US"),
        "default_region": line.get("default_region", "US"),
        "find_radius_miles": float(find.get("radius_miles", 50)),
        "find_page_size": int(find.get("page_size", 3)),
        "cursor_ttl_seconds": int(find.get("cursor_ttl_seconds", 3600)),
        "reminder_lead_minutes": tuple(rem.get("lead_minutes", (1440, 60))),
        "quiet_hours": (rem.get("quiet_hours_start", "21:00"), rem.get("quiet_hours_end", "08:00")),
        "body_retention_days": int(data.get("retention", {}).get("body_days", 30)),
        "tier_wait_minutes": tuple(crisis.get("tier_wait_minutes", (3, 3, 5))),
        "crisis_number": crisis.get("crisis_number", "+18002738255"),
        "crisis_number_es": crisis.get("crisis_number_es", "+18886289454"),
        "join_window_minutes": int(voice.get("join_window_minutes", 15)),
        "max_participants": int(voice.get("max_participants", 40)),
        "feed_refresh_hours": float(data.get("feeds", {}).get("refresh_hours", 24)),
    }
    limits = data.get("limits", {})
    for key in _LIMIT_KEYS:
        if key in limits:
            values[key] = int(limits[key])
    for key in (
        "segments_per_second",
        "calls_per_second",
        "urgent_headroom",
        "backoff_base_seconds",
        "backoff_cap_seconds",
        "http_timeout_seconds",
    ):
        if key in snd:
            values[key] = float(snd[key])
    for key in ("max_attempts", "stuck_after_seconds"):
        if key in snd:
            values[key] = int(snd[key])
    values["warm"] = _warm_rules(data.get("warm", {}))
    return values


def _warm_rules(warm: dict[str, Any]) -> WarmRules:
    """Read [warm]; a ring strategy the line does not know is refused at start-up."""
    defaults = WarmRules()
    strategy = str(warm.get("ring_strategy", defaults.ring_strategy))
    if strategy not in RING_STRATEGIES:
        raise SettingsError(f"[warm] ring_strategy must be one of {', '.join(RING_STRATEGIES)}")
    numbers = {
        key: int(warm[key])
        for key in (
            "ring_seconds",
            "wait_minutes",
            "hold_seconds",
            "voicemail_seconds",
            "recording_days",
            "relay_idle_minutes",
            "relay_wait_minutes",
            "surge_waiting",
            "surge_help_minutes",
            "relay_tag_minutes",
            "leg_ring_seconds",
        )
        if key in warm
    }
    return WarmRules(
        ring_strategy=strategy,
        tag_menu=tuple(str(tag).strip().lower() for tag in warm.get("tag_menu", ())),
        hold_audio_url=str(warm.get("hold_audio_url", "")),
        caring_hours=tuple(int(h) for h in warm.get("caring_hours", defaults.caring_hours)),
        **numbers,
    )


_LIMIT_KEYS = (
    "sms_per_minute",
    "sms_quiet_minutes",
    "sign_in_per_address",
    "sign_in_codes_per_number",
    "sign_in_window_minutes",
    "calls_per_window",
    "calls_window_minutes",
)

_ENV = {
    "HOTLINE_DATABASE_URL": "database_url",
    "HOTLINE_REDIS_URL": "redis_url",
    "HOTLINE_PUBLIC_URL": "public_url",
    "TWILIO_ACCOUNT_SID": "twilio_account_sid",
    "TWILIO_AUTH_TOKEN": "twilio_auth_token",
    "HOTLINE_TWILIO_API_URL": "twilio_api_url",
    "HOTLINE_FROM_NUMBER": "from_number",
    "HOTLINE_MESSAGING_SERVICE_SID": "messaging_service_sid",
    "HOTLINE_SECRET_KEY": "secret_key",
    "HOTLINE_TRANSPORT": "transport",
}


def load_settings(env: dict[str, str] | None = None, **overrides: Any) -> Settings:
    """Build settings from config/hotline.toml, then the environment, then overrides."""
    env = dict(os.environ) if env is None else env
    values = _from_toml(_read_toml(CONFIG_DIR / "hotline.toml"))
    values.update({attr: env[name] for name, attr in _ENV.items() if env.get(name)})
    if env.get("HOTLINE_SEGMENTS_PER_SECOND"):
        values["segments_per_second"] = float(env["HOTLINE_SEGMENTS_PER_SECOND"])
    if env.get("HOTLINE_CALLS_PER_SECOND"):
        values["calls_per_second"] = float(env["HOTLINE_CALLS_PER_SECOND"])
    values["demo"] = env.get("HOTLINE_DEMO") == "1"
    if values["demo"]:
        values.setdefault("twilio_account_sid", DEMO_ACCOUNT_SID)
        values.setdefault("twilio_auth_token", DEMO_AUTH_TOKEN)
        values.setdefault("secret_key", DEMO_SECRET_KEY)
        values.setdefault("from_number", "+15550100000")
        values.setdefault("transport", "console")
    values.update(overrides)
    values["public_url"] = str(values.get("public_url", Settings.public_url)).rstrip("/")
    return Settings(**values)


@functools.cache
def get_settings() -> Settings:
    """Return the process-wide settings, read once."""
    return load_settings()
