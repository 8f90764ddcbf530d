"""One settings object, read once: config/hotline.toml under the environment.

config/hotline.toml holds every default, once: `Settings` has no default values and the
reader below none either; a key missing, unknown or of the wrong type refuses in one line.
The environment (DESIGN.md §6) overrides the file; nothing is read at import."""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hotline.flows.warm.line import RING_STRATEGIES, WarmRules

DEMO_ACCOUNT_SID = "AC" + "0" * 32
DEMO_AUTH_TOKEN = "demo-auth-token-not-a-secret"  # noqa: S105 - public demo value
DEMO_SECRET_KEY = "demo-secret-key-not-for-production"  # noqa: S105 - public demo value
_PLACEHOLDERS = {"", "changeme", "change-me", "secret", DEMO_AUTH_TOKEN, DEMO_SECRET_KEY}


_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_LOCAL_HOSTS = {"localhost", "0.0.0.0", "::1", "::", ""}  # noqa: S104 - names, not a bind


def is_public_url(url: str) -> bool:
    """Whether Twilio could reach url: not localhost, a loopback address or an empty host."""
    host = (urlsplit(url).hostname or "").lower()
    return not (host in _LOCAL_HOSTS or host.endswith(".localhost") or host.startswith("127."))


class SettingsError(Exception):
    """A setting is missing or unsafe; the message is one line a person can act on."""


@dataclass(frozen=True)
class Settings:
    """Every setting, typed. No field has a default: config/hotline.toml holds each one once
    (read by `load_settings`), and the environment-only ones are unset unless given."""

    # [service]: the environment (DESIGN.md §6) overrides each of these.
    database_url: str
    public_url: str
    transport: str
    # Environment only (credentials and where the line runs): unset is None, or "" for text.
    redis_url: str | None
    twilio_account_sid: str
    twilio_auth_token: str
    twilio_api_url: str | None
    from_number: str | None
    messaging_service_sid: str | None
    secret_key: str
    demo: bool
    # [line]
    languages: tuple[str, ...]
    default_language: str
    default_country: str
    default_region: str
    # The line's own zone: shifts typed without one, quiet hours for a contact of no known zone.
    time_zone: str
    # [find]
    find_radius_miles: float
    find_page_size: int
    cursor_ttl_seconds: int
    # [reminders]
    reminder_lead_minutes: tuple[int, ...]
    quiet_hours: tuple[str, str]
    # [sender]
    segments_per_second: float
    # Outbound calls a second (Twilio's CPS for the account: 1 unless Twilio raised it).
    calls_per_second: float
    urgent_headroom: float
    max_attempts: int
    backoff_base_seconds: float
    backoff_cap_seconds: float
    http_timeout_seconds: float
    stuck_after_seconds: int
    # US dollars per segment, for a broadcast's cost estimate.
    price_per_segment: float
    # [retention]
    body_retention_days: int
    # [crisis]
    tier_wait_minutes: tuple[int, ...]
    crisis_number: str
    crisis_number_es: str
    # [voice]
    join_window_minutes: int
    max_participants: int
    # [warm]
    warm: WarmRules
    # [feeds]: how often `hotline scheduler` re-reads each registered feed (`hotline feeds add`).
    feed_refresh_hours: float
    # [limits]: texts per number per minute before the one slow-down reply and silence; how
    # long that silence lasts; dashboard code requests per network address and per number.
    sms_per_minute: int
    sms_quiet_minutes: int
    sign_in_per_address: int
    sign_in_codes_per_number: int
    sign_in_window_minutes: int
    # New calls per number per window before the short "you have called a lot" answer (which
    # still offers 9 for crisis help); the window in minutes.
    calls_per_window: int
    calls_window_minutes: int

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
        if not is_public_url(self.public_url):
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


SHIPPED_CONFIG = Path(__file__).resolve().parent.parent / "config"


def config_dir(env: Mapping[str, str] | None = None) -> Path:
    """The folder of the line's files: HOTLINE_CONFIG_DIR, else the repository's config/.

    Read when asked (by the loaders, at start or first use), never at import."""
    env = os.environ if env is None else env
    return Path(env.get("HOTLINE_CONFIG_DIR") or SHIPPED_CONFIG)


# Where each key of config/hotline.toml goes: [section] key -> Settings field. The file holds
# every default; this table holds none. [warm] keys are WarmRules' fields by the same names.
def _same(*names: str) -> dict[str, str]:
    return {name: name for name in names}


FILE_KEYS: dict[str, dict[str, str]] = {
    "service": _same("database_url", "public_url", "transport"),
    "line": _same(
        "languages", "default_language", "default_country", "default_region", "time_zone"
    ),
    "find": {
        "radius_miles": "find_radius_miles",
        "page_size": "find_page_size",
        "cursor_ttl_seconds": "cursor_ttl_seconds",
    },
    "reminders": {"lead_minutes": "reminder_lead_minutes"}
    | _same("quiet_hours_start", "quiet_hours_end"),
    "sender": _same(
        "segments_per_second",
        "calls_per_second",
        "calls_per_second",
        "urgent_headroom",
        "max_attempts",
        "backoff_base_seconds",
        "backoff_cap_seconds",
        "http_timeout_seconds",
        "stuck_after_seconds",
        "price_per_segment",
    ),
    "retention": {"body_days": "body_retention_days"},
    "crisis": _same("tier_wait_minutes", "crisis_number", "crisis_number_es"),
    "voice": _same("join_window_minutes", "max_participants"),
    "feeds": {"refresh_hours": "feed_refresh_hours"},
    "limits": _same(
        "sms_per_minute",
        "sms_quiet_minutes",
        "sign_in_per_address",
        "sign_in_codes_per_number",
        "sign_in_window_minutes",
        "calls_per_window",
        "calls_window_minutes",
    ),
}

ENVIRONMENT_FIELDS = {
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
# Paces the environment may set (a number each), for an account whose Twilio limits differ.
ENVIRONMENT_RATES = {
    "HOTLINE_SEGMENTS_PER_SECOND": "segments_per_second",
    "HOTLINE_CALLS_PER_SECOND": "calls_per_second",
}
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    raise ValueError("must be text")


def _whole(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValueError("must be a whole number")


def _number(value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise ValueError("must be a number")


def _clock(value: object) -> str:
    if isinstance(value, str) and _CLOCK.match(value):
        return value
    raise ValueError('must be a time of day like "21:00"')


def _zone(value: object) -> str:
    try:
        ZoneInfo(_text(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError('must be a time zone like "America/New_York"') from None
    return str(value)


def _listed(item: Callable[[object], Any]) -> Callable[[object], tuple[Any, ...]]:
    def read(value: object) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise ValueError("must be a list")
        return tuple(item(each) for each in value)

    return read


def _strategy(value: object) -> str:
    if value in RING_STRATEGIES:
        return str(value)
    raise ValueError(f"must be one of {', '.join(RING_STRATEGIES)}")


# How a field is read, by its annotation; the few with a narrower rule by name.
_BY_TYPE: dict[str, Callable[[object], Any]] = {
    "str": _text,
    "int": _whole,
    "float": _number,
    "tuple[str, ...]": _listed(_text),
    "tuple[int, ...]": _listed(_whole),
}
_BY_NAME: dict[str, Callable[[object], Any]] = {
    "quiet_hours_start": _clock,
    "quiet_hours_end": _clock,
    "time_zone": _zone,
    "ring_strategy": _strategy,
    "tag_menu": _listed(lambda tag: _text(tag).strip().lower()),
}


def _types(cls: type) -> dict[str, str]:
    return {f.name: str(f.type) for f in dataclasses.fields(cls)}


def _section(
    path: Path, data: dict[str, Any], name: str, keys: Mapping[str, str]
) -> dict[str, Any]:
    """Read one [section]: every key present, no unknown key, each value of its type."""
    table = data.get(name)
    if not isinstance(table, dict):
        raise SettingsError(f"{path}: the [{name}] table is missing (the shipped file has it)")
    unknown = sorted(set(table) - set(keys))
    if unknown:
        raise SettingsError(f"{path}: [{name}] {unknown[0]} is not a setting")
    types = _types(WarmRules) if name == "warm" else _types(Settings)
    values: dict[str, Any] = {}
    for key, attr in keys.items():
        if key not in table:
            raise SettingsError(f"{path}: [{name}] {key} is missing (the shipped file has it)")
        read = _BY_NAME.get(key) or _BY_TYPE[types.get(attr, "str")]
        try:
            values[attr] = read(table[key])
        except ValueError as exc:
            raise SettingsError(f"{path}: [{name}] {key} {exc}, not {table[key]!r}") from None
    return values


def read_file(path: Path) -> dict[str, Any]:
    """Every Settings field config/hotline.toml holds, checked; SettingsError in one line."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: {exc}") from None
    unknown = sorted(set(data) - set(FILE_KEYS) - {"warm"})
    if unknown:
        raise SettingsError(f"{path}: [{unknown[0]}] is not a settings table")
    values: dict[str, Any] = {}
    for name, keys in FILE_KEYS.items():
        values.update(_section(path, data, name, keys))
    values["quiet_hours"] = (values.pop("quiet_hours_start"), values.pop("quiet_hours_end"))
    warm = {f.name: f.name for f in dataclasses.fields(WarmRules)}
    values["warm"] = WarmRules(**_section(path, data, "warm", warm))
    return values


def _unset(attr: str) -> str | None:
    """An environment-only setting nobody gave: None, or "" for one typed as plain text."""
    return None if "None" in _types(Settings)[attr] else ""


def load_settings(env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Build settings from config/hotline.toml, then the environment, then overrides."""
    env = dict(os.environ) if env is None else env
    values = read_file(config_dir(env) / "hotline.toml")
    values.update(
        {attr: _unset(attr) for attr in ENVIRONMENT_FIELDS.values() if attr not in values}
    )
    values["demo"] = env.get("HOTLINE_DEMO") == "1"
    if values["demo"]:
        values.update(
            twilio_account_sid=DEMO_ACCOUNT_SID,
            twilio_auth_token=DEMO_AUTH_TOKEN,
            secret_key=DEMO_SECRET_KEY,
            from_number="+15550100000",
            transport="console",
        )
    values.update({attr: env[name] for name, attr in ENVIRONMENT_FIELDS.items() if env.get(name)})
    for name, attr in ENVIRONMENT_RATES.items():
        if env.get(name):
            try:
                values[attr] = _number(float(env[name]))
            except ValueError:
                raise SettingsError(f"{name} must be a number, not {env[name]!r}") from None
    values.update(overrides)
    values["public_url"] = str(values["public_url"]).rstrip("/")
    return Settings(**values)


@functools.cache
def get_settings() -> Settings:
    """Return the process-wide settings, read once."""
    return load_settings()
