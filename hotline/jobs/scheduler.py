"""`hotline scheduler`: once a minute, re-page lost escalations, create due reminders, reconcile
the outbox, re-read registered feeds when due, purge bodies.

Several schedulers may run at once (one per machine, say): every step is idempotent.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable

from hotline import clock
from hotline.jobs import broadcast, escalation, feeds, reconciler, reminders, retention
from hotline.logs import log

logger = logging.getLogger(__name__)


def run_tick(now: dt.datetime) -> None:
    """Run each minute's steps; one failing step never stops the others."""
    steps: list[tuple[str, Callable[[], object]]] = [
        # First: a support case whose escalation job was lost must page again within a minute.
        ("escalations", lambda: escalation.sweep_due_escalations(now)),
        ("reminders", lambda: reminders.tick(now)),
        ("reconcile", lambda: reconciler.reconcile(now)),
        ("broadcasts", lambda: broadcast.start_due_broadcasts(now)),
        ("warm_relay", lambda: _sweep_relays(now)),
        # Re-reads run as jobs, so a slow feed server never delays a reminder.
        ("feeds", lambda: feeds.enqueue_due(now)),
    ]
    if now.minute == 0:
        steps.append(("retention", lambda: retention.purge_bodies(now)))
        steps.append(("recordings", lambda: _delete_recordings(now)))
    for name, step in steps:
        try:
            step()
        except Exception as exc:
            log(logger, "scheduler_step_failed", logging.ERROR, step=name, error=type(exc).__name__)


def _sweep_relays(now: dt.datetime) -> int:
    """Close idle warm-line text conversations; untaken TALKs become call-back cases."""
    from hotline.db import session_scope
    from hotline.settings import get_settings
    from hotline.warm import relay

    with session_scope() as session:
        return relay.sweep(session=session, settings=get_settings(), now=now)


def _delete_recordings(now: dt.datetime) -> int:
    from hotline.settings import get_settings
    from hotline.warm import voicemail

    return voicemail.delete_expired(now, get_settings())


def run_scheduler(*, once: bool = False) -> None:
    """Tick at the start of every minute until stopped (or just once)."""
    log(logger, "scheduler_started", once=once)
    while True:
        run_tick(clock.now())
        if once:
            return
        time.sleep(60 - clock.now().timestamp() % 60 + 0.05)
