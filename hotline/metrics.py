"""Prometheus series a person can watch. No label ever holds a number, a name or a text:
every label value comes from a fixed set (routes, outcomes, keyword kinds, statuses, levels).

Counters of this process (webhooks, replies) live in memory; what several processes share
(outbox rows, queues, open cases, case timings, import results) is read from PostgreSQL and
Redis when /metrics is scraped, so any web process reports the whole line.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Sequence

from prometheus_client import REGISTRY, Counter
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hotline import clock
from hotline.db import session_scope
from hotline.logs import log
from hotline.models import OutboxMessage, SupportCase
from hotline.outbox import aware

logger = logging.getLogger(__name__)
WEBHOOKS = Counter(
    "hotline_webhooks", "Twilio webhooks answered, by route and outcome", ["route", "outcome"]
)
REPLIES = Counter("hotline_sms_replies", "Texts answered, by what the text asked for", ["kind"])
IMPORT_KEY = "hotline:metrics:import"
IMPORT_RESULTS = ("created", "updated", "unchanged", "skipped")
# Seconds from a case opening to its first page and to its ACK.
CASE_BUCKETS = (5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)
AGE_BANDS = ((300, "under_5m"), (1800, "5m_to_30m"), (7200, "30m_to_2h"))
_STATUS_ROUTES = ("message", "call", "conference")


def webhook_route(path: str) -> str:
    """Name a webhook's route from a fixed set, whatever ids or digits its path carries."""
    parts = path.strip("/").split("/")
    if parts[:2] == ["twilio", "status"] and len(parts) > 2 and parts[2] in _STATUS_ROUTES:
        return f"/twilio/status/{parts[2]}"
    if parts[:2] == ["twilio", "voice"]:
        return "/twilio/voice"
    return "/twilio/sms" if parts[:2] == ["twilio", "sms"] else "other"


def webhook_outcome(status: int) -> str:
    if status == 403:
        return "forbidden"
    if status < 400:
        return "ok"
    return "bad_request" if status < 500 else "error"


class WebhookMetrics:
    """ASGI middleware counting /twilio/* answers by route and outcome."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or not path.startswith("/twilio/"):
            await self.app(scope, receive, send)
            return
        seen: list[int] = []

        async def counting(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen.append(int(message["status"]))
            await send(message)

        try:
            await self.app(scope, receive, counting)
        finally:
            outcome = webhook_outcome(seen[0]) if seen else "error"
            WEBHOOKS.labels(webhook_route(path), outcome).inc()


def count_reply(kind: str) -> None:
    REPLIES.labels(kind).inc()


def count_import(*, created: int, updated: int, unchanged: int, skipped: int) -> None:
    """Add an import's results to the line's totals (in Redis, shared by every process)."""
    from hotline.queues import get_redis

    try:
        with get_redis().pipeline() as pipe:
            for name, value in zip(
                IMPORT_RESULTS, (created, updated, unchanged, skipped), strict=True
            ):
                pipe.hincrby(IMPORT_KEY, name, value)
            pipe.execute()
    except Exception as exc:
        log(logger, "metrics_import_failed", logging.WARNING, error=type(exc).__name__)


class LineCollector(Collector):
    """Read the shared state at scrape time; a part that is down is left out, never a 500."""

    def collect(self) -> Iterator[GaugeMetricFamily | HistogramMetricFamily | CounterMetricFamily]:
        for part in (self._outbox, self._queues, self._cases, self._imports):
            try:
                yield from part()
            except Exception as exc:
                log(logger, "metrics_part_failed", logging.WARNING, error=type(exc).__name__)

    def _outbox(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "hotline_outbox_rows",
            "Outbox rows by status and priority",
            labels=["status", "priority"],
        )
        statement = select(OutboxMessage.status, OutboxMessage.priority, func.count()).group_by(
            OutboxMessage.status, OutboxMessage.priority
        )
        with session_scope() as session:
            for status, priority, count in session.execute(statement):
                family.add_metric([str(status), str(priority)], int(count))
        yield family

    def _queues(self) -> Iterator[GaugeMetricFamily]:
        from hotline.queues import QUEUE_ORDER, get_queue

        family = GaugeMetricFamily(
            "hotline_queue_depth", "Jobs waiting per queue", labels=["queue"]
        )
        for name in QUEUE_ORDER:
            queue = get_queue(name)
            family.add_metric([name], queue.count + queue.scheduled_job_registry.count)
        yield family

    def _cases(self) -> Iterator[GaugeMetricFamily | HistogramMetricFamily]:
        now = clock.now()
        with session_scope() as session:
            open_rows = session.execute(
                select(SupportCase.level, SupportCase.opened_at).where(SupportCase.status == "open")
            ).all()
            timings = session.execute(
                select(SupportCase.opened_at, SupportCase.first_paged_at, SupportCase.acked_at)
            ).all()
        family = GaugeMetricFamily(
            "hotline_open_cases", "Open support cases by level and age", labels=["level", "age"]
        )
        counts: dict[tuple[str, str], int] = {}
        for level, opened in open_rows:
            key = (str(level), _age_band((now - aware(opened)).total_seconds()))
            counts[key] = counts.get(key, 0) + 1
        for (level, age), count in sorted(counts.items()):
            family.add_metric([level, age], count)
        yield family
        first_page = [_seconds(opened, paged) for opened, paged, _ in timings if paged]
        acked = [_seconds(opened, ack) for opened, _, ack in timings if ack]
        yield _histogram(
            "hotline_case_first_page_seconds",
            "Seconds from case open to its first page",
            first_page,
        )
        yield _histogram("hotline_case_ack_seconds", "Seconds from case open to its ACK", acked)

    def _imports(self) -> Iterator[CounterMetricFamily]:
        from hotline.queues import get_redis

        stored = get_redis().hgetall(IMPORT_KEY)
        family = CounterMetricFamily(
            "hotline_import_meetings", "Meetings seen by feed imports, by result", labels=["result"]
        )
        for name in IMPORT_RESULTS:
            family.add_metric([name], int(stored.get(name.encode(), 0)))
        yield family


def _age_band(seconds: float) -> str:
    for limit, name in AGE_BANDS:
        if seconds < limit:
            return name
    return "over_2h"


def _seconds(start: dt.datetime, end: dt.datetime) -> float:
    return max(0.0, (aware(end) - aware(start)).total_seconds())


def _histogram(name: str, documentation: str, values: Sequence[float]) -> HistogramMetricFamily:
    buckets = [(str(bound), sum(1 for v in values if v <= bound)) for bound in CASE_BUCKETS]
    buckets.append(("+Inf", len(values)))
    return HistogramMetricFamily(name, documentation, buckets=buckets, sum_value=sum(values))


_registered: list[LineCollector] = []


def register() -> None:
    """Add the line's collector to the default registry, once per process."""
    if not _registered:
        collector = LineCollector()
        REGISTRY.register(collector)
        _registered.append(collector)
