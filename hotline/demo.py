"""`hotline demo`: the whole line on one machine, nothing leaving it."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from redis import Redis

from hotline import settings as settings_module
from hotline.settings import config_dir

VAR = Path("var")
DEMO_STAFF = (
    # (number, name, role, tier): fictional 555-01xx numbers.
    ("+15550100001", "Demo Coordinator", "coordinator", 2),
    ("+15550100002", "Demo Responder", "responder", 1),
    ("+15550100003", "Demo Volunteer", "volunteer", 1),
)
DEMO_VOLUNTEER = "+15550100003"


def _start_redis() -> Redis:
    from hotline.queues import embedded_redis

    # The returned object owns the server: it stops when this object is collected.
    return embedded_redis()  # the one every `hotline` command reaches


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


def _seed_volunteer() -> None:
    """The demo's volunteer takes warm-line calls and texts at any hour (AVAILABLE, no shifts)."""
    from sqlalchemy import select

    from hotline.db import session_scope
    from hotline.models import Coordinator, VolunteerProfile

    with session_scope() as session:
        for staff in session.scalars(select(Coordinator).where(Coordinator.role == "volunteer")):
            if session.get(VolunteerProfile, staff.id) is None:
                session.add(
                    VolunteerProfile(
                        staff_id=staff.id, languages="en,es", tags="veterans", available=True
                    )
                )


def _prepare() -> None:
    from hotline.db import upgrade
    from hotline.importer import import_feed

    upgrade()
    numbers = [settings_module.get_settings().from_number or ""]
    report = import_feed(str(config_dir() / "sample_feed.json"), hotline_numbers=numbers)
    print(f"sample groups: {report.created} new, {report.unchanged + report.updated} already there")
    _seed_staff()
    _seed_volunteer()


def _spawn(command: str) -> subprocess.Popen[bytes]:
    # Each child leads its own process group, so stopping it takes its RQ scheduler along; on
    # Linux it also dies with the demo however the demo dies.
    return subprocess.Popen(
        [sys.executable, "-m", "hotline.cli", command],
        start_new_session=True,
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )


def _die_with_parent() -> None:
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()


def hotline_command() -> str:
    """The `hotline` command as another terminal can type it, venv active or not."""
    script = Path(sys.executable).parent / "hotline"
    if not script.exists():
        return f"{sys.executable} -m hotline.cli"
    with contextlib.suppress(ValueError):
        return str(script.relative_to(Path.cwd()))
    return str(script)


def port_in_use(host: str, port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def _banner(port: int) -> str:
    url = "" if port == 8000 else f" --url http://localhost:{port}"
    hotline = hotline_command()
    return f"""
Hotline demo is running on http://127.0.0.1:{port}  (Ctrl-C stops it)
Outbound texts and calls are printed here instead of being sent.

Try it from another terminal (in this folder):
  {hotline} sms +15551230000 "FIND 94110"{url}
  {hotline} sms +15551230000 "INFO 4821"{url}
  {hotline} sms +15551230000 "REMIND 4821"{url}
  {hotline} sms +15550100002 "ACK 1"{url}     (the demo's on-call responder)
  {hotline} call +15551230000{url}   (press 2 to talk with a peer: the volunteer's call prints here)
  {hotline} sms +15551230000 "TALK"{url}
  {hotline} sms +15550100003 "TAKE 1"{url}    (the demo's volunteer; then text either side)
  {hotline} broadcast 4821 "Room 12 tonight"
  curl http://127.0.0.1:{port}/healthz
"""


def _banner_when_listening(web: object, port: int) -> None:
    deadline = time.monotonic() + 300
    while not getattr(web, "started", False):
        if time.monotonic() > deadline:
            return
        time.sleep(0.1)
    print(_banner(port), flush=True)


def exit_on_sigterm(signum: int, _frame: object) -> None:
    # uvicorn hands SIGTERM back after its own shutdown; leaving through SystemExit lets the
    # `finally` below stop the worker, the scheduler and the embedded Redis.
    raise SystemExit(128 + signum)


def run_demo(*, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Prepare the embedded parts and run web, worker and scheduler until interrupted."""
    import uvicorn

    from hotline.logs import configure
    from hotline.web import server
    from hotline.web.app import create_app

    if port_in_use(host, port):
        print(f"hotline demo: port {port} is in use (another demo?); try --port {port + 1}")
        return 2
    VAR.mkdir(exist_ok=True)
    os.environ["HOTLINE_DEMO"] = "1"
    os.environ.setdefault("HOTLINE_PUBLIC_URL", f"http://localhost:{port}")
    from hotline.queues import embedded_url

    redis_server = _start_redis()
    os.environ["HOTLINE_REDIS_URL"] = embedded_url(redis_server)
    settings_module.get_settings.cache_clear()
    configure("WARNING")
    children: list[subprocess.Popen[bytes]] = []
    signal.signal(signal.SIGTERM, exit_on_sigterm)
    try:
        _prepare()
        children += [_spawn("worker"), _spawn("scheduler")]
        config = server.config(create_app(), host=host, port=port, log_level="warning")
        web = uvicorn.Server(config)
        # The banner's commands must work as soon as they are shown: print it once web listens.
        threading.Thread(target=_banner_when_listening, args=(web, port), daemon=True).start()
        web.run()
    finally:
        _stop(children)
        redis_server.shutdown()
    return 0
