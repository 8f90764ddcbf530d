"""The warm line in numbers: calls answered, waited, abandoned, and the wait, from the database.

Counted from the rows (the truth, shared by every process), so /metrics is right however many
web processes and workers run. `warm_report` gives the same figures for any period; the
dashboard's reports call it as `warm_report(session=..., since=..., until=...)` and show
`WarmReport.figures()` (stable keys, plain numbers). Only counts and seconds: never a phone
number, a name or a word anyone said or texted.
"""

from __future__ import annotations

import datetime as dt
import logging
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field

from prometheus_client.core import REGISTRY, CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from hotline import clock
from hotline.db import session_scope
from hotline.logs import log
from hotline.models import RelayConversation, Voicemail, WarmCall
from hotline.outbox import aware

logger = logging.getLogger(__name__)
_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
OUTCOMES = ("waiting", "bridged", "voicemail", "crisis", "abandoned")


@dataclass(frozen=True)
class WarmReport:
    """Warm-line figures for one period (calls and conversations that started in it)."""

    calls: dict[str, int]  # by outcome ("bridged" = answered by a volunteer)
    answered: int
    abandoned: int
    median_wait_seconds: float | None  # of the answered callers
    voicemails: int
    texts: dict[str, int]  # conversations by how they closed ("open" while open)
    # Callers who entered the queue (every outcome).
    waited: int = 0
    # Conversations a volunteer took (TAKE), and texts passed on inside them, both ways.
    conversations_taken: int = 0
    texts_relayed: int = 0
    # A kind of peer asked for ("veterans"), by voice and by text.
    tags_asked: dict[str, dict[str, int]] = field(default_factory=dict)

    def figures(self) -> dict[str, int | float | None]:
        """The report as flat, stable keys for a page or a CSV row (None: no answered call)."""
        return {
            "calls_waited": self.waited,
            "calls_answered": self.answered,
            "calls_abandoned": self.abandoned,
            "calls_voicemail": self.calls.get("voicemail", 0),
            "calls_crisis": self.calls.get("crisis", 0),
            "median_wait_seconds": self.median_wait_seconds,
            "voicemails": self.voicemails,
            "text_conversations": sum(self.texts.values()),
            "text_conversations_taken": self.conversations_taken,
            "text_conversations_unanswered": self.texts.get("unanswered", 0),
            "texts_relayed": self.texts_relayed,
            "tagged_calls": sum(self.tags_asked.get("voice", {}).values()),
            "tagged_conversations": sum(self.tags_asked.get("sms", {}).values()),
        }


def warm_report(*, session: Session, since: dt.datetime, until: dt.datetime) -> WarmReport:
    """Warm-line figures for calls and conversations that started in [since, until)."""
    calls = dict.fromkeys(OUTCOMES, 0)
    in_period = (WarmCall.entered_at >= since, WarmCall.entered_at < until)
    for status, count in session.execute(
        select(WarmCall.status, func.count()).where(*in_period).group_by(WarmCall.status)
    ):
        calls[status] = int(count)
    waits = [
        (aware(answered) - aware(entered)).total_seconds()
        for entered, answered in session.execute(
            select(WarmCall.entered_at, WarmCall.answered_at).where(
                *in_period, WarmCall.answered_at.is_not(None)
            )
        )
        if answered is not None
    ]
    voicemails = session.scalar(
        select(func.count())
        .select_from(Voicemail)
        .where(Voicemail.created_at >= since, Voicemail.created_at < until)
    )
    opened = (RelayConversation.opened_at >= since, RelayConversation.opened_at < until)
    texts: dict[str, int] = {}
    for closed_by, count in session.execute(
        select(RelayConversation.closed_by, func.count())
        .where(*opened)
        .group_by(RelayConversation.closed_by)
    ):
        texts[closed_by or "open"] = int(count)
    relayed, taken = session.execute(
        select(func.sum(RelayConversation.texts), func.count(RelayConversation.taken_at)).where(
            *opened
        )
    ).one()
    tags = {
        "voice": _by_tag(session, select(WarmCall.tag, func.count()).where(*in_period)),
        "sms": _by_tag(session, select(RelayConversation.tag, func.count()).where(*opened)),
    }
    return WarmReport(
        calls=calls,
        answered=calls["bridged"],
        abandoned=calls["abandoned"],
        median_wait_seconds=statistics.median(waits) if waits else None,
        voicemails=int(voicemails or 0),
        texts=texts,
        waited=sum(calls.values()),
        conversations_taken=int(taken or 0),
        texts_relayed=int(relayed or 0),
        tags_asked=tags,
    )


def _by_tag(session: Session, statement: Select[str | None, int]) -> dict[str, int]:
    rows = session.execute(statement.group_by(statement.selected_columns[0]))
    return {str(tag): int(count) for tag, count in rows if tag}


class WarmCollector(Collector):
    """Prometheus figures for the warm line, read from the database at each scrape."""

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        now = clock.now()
        # Up to a minute ahead: a call that started this very instant counts.
        until = now + dt.timedelta(minutes=1)
        try:
            with session_scope() as session:
                total = warm_report(session=session, since=_EPOCH, until=until)
                day = warm_report(session=session, since=now - dt.timedelta(days=1), until=until)
        except Exception as exc:  # a scrape must never fail because the database is away
            log(logger, "warm_metrics_failed", logging.WARNING, error=type(exc).__name__)
            return
        calls = CounterMetricFamily(
            "hotline_warm_calls", "Warm-line callers by outcome", labels=["outcome"]
        )
        for outcome, count in total.calls.items():
            calls.add_metric([_outcome_label(outcome)], count)
        yield calls
        waited = CounterMetricFamily("hotline_warm_waited", "Callers who waited in the queue")
        waited.add_metric([], total.waited)
        yield waited
        waiting = GaugeMetricFamily("hotline_warm_waiting", "Callers waiting for a volunteer now")
        waiting.add_metric([], total.calls["waiting"])
        yield waiting
        median = GaugeMetricFamily(
            "hotline_warm_wait_median_seconds",
            "Median wait of answered warm-line callers over the last 24 hours",
        )
        median.add_metric([], day.median_wait_seconds or 0.0)
        yield median
        voicemails = CounterMetricFamily("hotline_warm_voicemails", "Warm-line voicemails left")
        voicemails.add_metric([], total.voicemails)
        yield voicemails
        texts = CounterMetricFamily(
            "hotline_warm_text_conversations", "Warm-line text conversations", labels=["closed_by"]
        )
        for closed_by, count in sorted(total.texts.items()):
            texts.add_metric([closed_by], count)
        yield texts
        relayed = CounterMetricFamily(
            "hotline_warm_texts_relayed", "Texts relayed between members and volunteers"
        )
        relayed.add_metric([], total.texts_relayed)
        yield relayed
        yield _tags_asked(total)


def _tags_asked(report: WarmReport) -> CounterMetricFamily:
    asked = CounterMetricFamily(
        "hotline_warm_tag_requests",
        "Callers and texters who asked for a kind of peer",
        labels=["channel", "tag"],
    )
    for channel, counts in sorted(report.tags_asked.items()):
        for tag, count in sorted(counts.items()):
            asked.add_metric([channel, tag], count)
    return asked


def _outcome_label(status: str) -> str:
    return "answered" if status == "bridged" else status


_registered: list[WarmCollector] = []


def register() -> None:
    """Add the warm line's figures to /metrics (once per process)."""
    if not _registered:
        _registered.append(WarmCollector())
        REGISTRY.register(_registered[0])
