"""The warm line in numbers: calls answered, waited, abandoned, and the wait, from the database.

Counted from the rows (the truth, shared by every process), so /metrics is right however many
web processes and workers run. `warm_report` gives the same figures for any period.
"""

from __future__ import annotations

import datetime as dt
import logging
import statistics
from collections.abc import Iterator
from dataclasses import dataclass

from prometheus_client.core import REGISTRY, CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
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
    calls: dict[str, int]  # by outcome ("bridged" = answered by a volunteer)
    answered: int
    abandoned: int
    median_wait_seconds: float | None
    voicemails: int
    texts: dict[str, int]  # conversations by how they closed ("open" while open)


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
    texts: dict[str, int] = {}
    for closed_by, count in session.execute(
        select(RelayConversation.closed_by, func.count())
        .where(RelayConversation.opened_at >= since, RelayConversation.opened_at < until)
        .group_by(RelayConversation.closed_by)
    ):
        texts[closed_by or "open"] = int(count)
    return WarmReport(
        calls=calls,
        answered=calls["bridged"],
        abandoned=calls["abandoned"],
        median_wait_seconds=statistics.median(waits) if waits else None,
        voicemails=int(voicemails or 0),
        texts=texts,
    )


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
        waited.add_metric([], sum(total.calls.values()))
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


def _outcome_label(status: str) -> str:
    return "answered" if status == "bridged" else status


_registered: list[WarmCollector] = []


def register() -> None:
    """Add the warm line's figures to /metrics (once per process)."""
    if not _registered:
        _registered.append(WarmCollector())
        REGISTRY.register(_registered[0])
