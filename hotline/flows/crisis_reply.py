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
    # The member's language wins over the country: a Spanish speaker in Canada reads the
    # default Spanish text, not Canada's English one. A language nobody wrote reads the
    # country's English, which at least names the local line.
    return (
        by_language.get(language) or default.get(language) or by_language.get("en") or default["en"]
    )
