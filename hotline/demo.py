"""`hotline demo`: the whole line on one machine, nothing leaving it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from redis import Redis

from hotline import settings as settings_module
from hotline.settings import CONFIG_DIR

VAR = Path("var")
DEMO_STAFF = (
    # (number, name, role, tier): fictional 555-01xx numbers.
    ("+15550100001", "Demo Coordinator", "coordinator", 2),
    ("+15550100002", "Demo Responder", "responder", 1),
)


def _start_redis() -> Redis:
    from hotline.queues import embedded_redis

    # The returned object owns the server: it stops when this object is collected.
    return embedded_redis(VAR / "redis" / "demo.rdb")


def _seed_staff() -> None:
    from sqlalchemy import select

    from hotline.contacts import get_or_create_contact
    from hotline.db import session_scope
    from hotline.models import Coordinator
    from hotline.phones import vault_for

    vault = vault_for(settings_module.get_settings().secret_key)
    with session_scope() as session:
        for number, name, role, tier in DEMO_STAFF:
            contact = get_or_create_contact(session=session, vault=vault, e164=number)
            exists = session.scalars(
                select(Coordinator).where(Coordinator.contact_id == contact.id)
            ).first()
            if exists is None:
                session.add(
                    Coordinator(
                        contact_id=contact.id, display_name=name, role=role, tier=tier, oncall=True
                    )
                )


def _prepare() -> None:
    from hotline.db import upgrade
    from hotline.importer import import_feed

    upgrade()
    numbers = [settings_module.get_settings().from_number or ""]
    report = import_feed(str(CONFIG_DIR / "sample_feed.json"), hotline_numbers=numbers)
    print(f"sample groups: {report.created} new, {report.unchanged + report.updated} already there")
    _seed_staff()


def _spawn(command: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "hotline.cli", command])


def _banner(port: int) -> str:
    url = "" if port == 8000 else f" --url http://localhost:{port}"
    return f"""
Hotline demo is running on http://127.0.0.1:{port}  (Ctrl-C stops it)
Outbound texts and calls are printed here instead of being sent.

Try it from another terminal:
  hotline sms +15551230000 "FIND 94110"{url}
  hotline sms +15551230000 "INFO 4821"{url}
  hotline sms +15551230000 "REMIND 4821"{url}
  hotline sms +15550100002 "ACK 1"{url}     (the demo's on-call responder)
  hotline call +15551230000{url}
  curl http://127.0.0.1:{port}/healthz
"""


def run_demo(*, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Prepare the embedded parts and run web, worker and scheduler until interrupted."""
    import uvicorn

    from hotline.logs import configure
    from hotline.web import server
    from hotline.web.app import create_app

    VAR.mkdir(exist_ok=True)
    os.environ["HOTLINE_DEMO"] = "1"
    os.environ.setdefault("HOTLINE_PUBLIC_URL", f"http://localhost:{port}")
    from hotline.queues import embedded_url

    redis_server = _start_redis()
    os.environ["HOTLINE_REDIS_URL"] = embedded_url(redis_server)
    settings_module.get_settings.cache_clear()
    configure("WARNING")
    _prepare()
    children = [_spawn("worker"), _spawn("scheduler")]
    print(_banner(port), flush=True)
    try:
        config = server.config(create_app(), host=host, port=port, log_level="warning")
        uvicorn.Server(config).run()
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait(timeout=10)
        redis_server.shutdown()
    return 0
