"""A crisis case's kind of danger: recorded on the case, and named in the responder's alert."""

from __future__ import annotations

from hotline.cases import level_word
from hotline.catalogs import catalog
from hotline.flows.crisis.cues import Danger
from hotline.models import SupportCase


def record_danger(case: SupportCase, danger: Danger) -> None:
    """Note the danger a crisis text or call showed; the latest one is what the responder meets."""
    case.danger = danger.value


def alert_level(*, language: str, case: SupportCase) -> str:
    """The level an alert names, with the kind of danger: "imminent, violence from someone"."""
    level = level_word(language=language, level=case.level)
    key = f"cases.dangers.{case.danger}"
    words = catalog(language)
    return f"{level}, {words.t(key)}" if case.danger and words.has(key) else level
