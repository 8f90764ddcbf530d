"""Caring contacts: a brief text a day and a week after a crisis case closes. Pure.

Sent only when the member said YES while the case was open, and never once they opted out
(the sender checks opt-out again when each text is due).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence


def caring_times(
    *, closed_at: dt.datetime, hours: Sequence[int], agreed: bool, opted_out: bool
) -> tuple[dt.datetime, ...]:
    """Return when the caring texts go out after a case closed; none without a YES or after STOP."""
    if not agreed or opted_out:
        return ()
    return tuple(closed_at + dt.timedelta(hours=h) for h in sorted(set(hours)) if h > 0)[:2]
