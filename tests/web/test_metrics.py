"""/metrics: series a person can watch, and no label holding a number, a name or a text."""

from __future__ import annotations

import re

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select
from starlette.testclient import TestClient

from hotline import clock
from hotline.cases import take_case
from hotline.db import session_scope
from hotline.importer import import_feed
from hotline.jobs.escalation import escalate_case
from hotline.models import SupportCase
from hotline.settings import Settings, config_dir
from tests.people import add_staff
from tests.twilio import TwilioPoster

MEMBER = "+14155550177"
WORDS = "i want to kill myself tonight"
# Label values are words from fixed sets (and histogram bounds): no digits runs, no spaces.
SAFE_LABEL = re.compile(r"^[a-z_/+]*$|^[0-9.]+$|^\+Inf$")


def _samples(client: TestClient) -> dict[str, list[tuple[dict[str, str], float]]]:
    response = client.get("/metrics")
    assert response.status_code == 200
    found: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found.setdefault(sample.name, []).append((dict(sample.labels), sample.value))
    return found


def _value(samples: list[tuple[dict[str, str], float]], **labels: str) -> float:
    return sum(value for found, value in samples if labels.items() <= found.items())


def test_metrics_a_person_can_watch(
    client: TestClient, twilio: TwilioPoster, settings: Settings
) -> None:
    staff_id = add_staff(settings, "+14155550101", "responder")
    before = _samples(client)
    twilio.sms(MEMBER, "FIND 94110")
    twilio.sms(MEMBER, WORDS)
    assert (
        twilio.post("/twilio/sms", {"From": MEMBER, "Body": "x"}, signed=False).status_code == 403
    )
    import_feed(str(config_dir() / "sample_feed.json"))
    with session_scope() as session:
        case_id = session.scalars(select(SupportCase.id)).one()
    escalate_case(case_id, 0)
    with session_scope() as session:
        take_case(session=session, case_id=case_id, coordinator_id=staff_id, now=clock.now())
    after = _samples(client)

    def grew(name: str, **labels: str) -> float:
        return _value(after.get(name, []), **labels) - _value(before.get(name, []), **labels)

    assert grew("hotline_webhooks_total", route="/twilio/sms", outcome="ok") == 2
    assert grew("hotline_webhooks_total", route="/twilio/sms", outcome="forbidden") == 1
    assert grew("hotline_sms_replies_total", kind="find") == 1
    assert grew("hotline_sms_replies_total", kind="crisis") == 1
    assert _value(after["hotline_outbox_rows"], status="queued", priority="urgent") >= 1
    assert {labels["queue"] for labels, _ in after["hotline_queue_depth"]} == {
        "urgent",
        "default",
        "bulk",
    }
    assert _value(after["hotline_case_first_page_seconds_count"]) == 1
    assert _value(after["hotline_case_ack_seconds_count"]) == 1
    assert _value(after["hotline_import_meetings_total"], result="created") >= 1
    # The case is acked now, so no open case is left.
    assert _value(after.get("hotline_open_cases", [])) == 0
    for name, samples in after.items():
        if name.startswith("hotline_"):
            for labels, _ in samples:
                for value in labels.values():
                    assert SAFE_LABEL.match(value), (name, value)


def test_open_cases_by_level_and_age(client: TestClient, twilio: TwilioPoster) -> None:
    twilio.sms(MEMBER, WORDS)
    samples = _samples(client)["hotline_open_cases"]
    assert [labels["age"] for labels, _ in samples] == ["under_5m"]
    assert samples[0][0]["level"] in ("crisis", "imminent") and samples[0][1] == 1
    text = client.get("/metrics").text
    assert "415555" not in text and "kill" not in text
