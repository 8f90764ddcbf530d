"""The words a person in crisis reads first: warm, short, and the right line for where they are."""

from __future__ import annotations

from collections.abc import Mapping

Resources = Mapping[str, Mapping[str, Mapping[str, str]]]
DEFAULT = "default"


def crisis_reply(*, language: str, country: str, oncall: bool, resources: Resources) -> str:
    """Return the crisis reply for a language and country, naming the volunteer when on call."""
    entry = _entry(language=language, country=country, resources=resources)
    return entry["reply"] + (entry.get("oncall", "") if oncall else "")


def _entry(*, language: str, country: str, resources: Resources) -> Mapping[str, str]:
    by_language = resources.get(country.upper(), {})
    default = resources[DEFAULT]
    # The member's own language wins over the country's first language: a Spanish speaker in
    # Canada reads the default Spanish text rather than the Canadian English one.
    return by_language.get(language) or default.get(language) or default["en"]
