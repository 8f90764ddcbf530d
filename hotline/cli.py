"""The `hotline` command: run the line, try it from a terminal, load data, check text."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Callable, Sequence

from sqlalchemy.exc import OperationalError

from hotline.settings import SettingsError, get_settings

Command = Callable[[argparse.Namespace], int]


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from hotline.demo import exit_on_sigterm
    from hotline.logs import configure
    from hotline.queues import close_embedded_redis
    from hotline.web import server
    from hotline.web.app import create_app

    settings = get_settings()
    settings.require_secrets()
    configure(args.log_level)
    app = create_app(settings)
    server.warm_up()
    config = server.config(app, host=args.host, port=args.port, log_level="warning")
    signal.signal(signal.SIGTERM, exit_on_sigterm)
    try:
        uvicorn.Server(config).run()
    finally:
        close_embedded_redis()  # the embedded Redis this process started, if nobody else uses it
    return 0


def _worker(args: argparse.Namespace) -> int:
    from hotline.jobs.worker import run_worker
    from hotline.logs import configure

    get_settings().require_secrets()
    configure(args.log_level)
    run_worker(burst=args.burst)
    return 0


def _scheduler(args: argparse.Namespace) -> int:
    from hotline.jobs.scheduler import run_scheduler
    from hotline.logs import configure

    get_settings().require_secrets()
    configure(args.log_level)
    run_scheduler(once=args.once)
    return 0


def _db(args: argparse.Namespace) -> int:
    from hotline.db import upgrade

    before, after = upgrade()
    if before is None:
        print(f"database is at the newest revision ({after}): its tables were created")
    elif before == after:
        print(f"database is at the newest revision ({after}); nothing to change")
    else:
        print(f"database is at the newest revision ({after}), upgraded from {before}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from hotline.feeds import FeedError
    from hotline.importer import import_feed

    numbers = [n for n in (get_settings().from_number,) if n]
    if not (args.source or args.bmlt):
        print("hotline import: give a feed file or URL, or --bmlt URL", file=sys.stderr)
        return 2
    try:
        report = import_feed(
            args.bmlt or args.source,
            hotline_numbers=numbers,
            progress=True,
            default_time_zone=args.timezone,
            kind="bmlt" if args.bmlt else "meeting_guide",
        )
    except FeedError as exc:
        print(f"hotline import: {exc}", file=sys.stderr)
        return 1
    print(
        f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
        f"skipped {len(report.skipped)}, not listed {len(report.inactive)}, "
        f"retired {len(report.retired)}"
    )
    for slug, reason in report.skipped:
        print(f"  skipped {slug}: {reason}")
    for slug, reason in report.inactive:
        print(f"  not listed {slug}: {reason}")
    return 0


def _feeds(args: argparse.Namespace) -> int:
    from hotline.db import session_scope
    from hotline.feeds import FeedError
    from hotline.jobs import feeds

    if args.action == "list":
        with session_scope() as session:
            for feed in feeds.list_feeds(session=session):
                checked = f"{feed.checked_at:%Y-%m-%d %H:%M}Z" if feed.checked_at else "never"
                state = f"FAILING: {feed.last_error}" if feed.last_error else "ok"
                print(f"{feed.url}  checked {checked}  {state}")
        return 0
    if args.url is None:
        print(f"hotline feeds {args.action}: give the feed's URL", file=sys.stderr)
        return 2
    if args.action == "remove":
        with session_scope() as session:
            removed = feeds.remove_feed(session=session, url=args.url)
        print("removed; its meetings stay as last read" if removed else "no such registered feed")
        return 0 if removed else 1
    try:
        with session_scope() as session:
            kind = "bmlt" if args.bmlt else "meeting_guide"
            feed = feeds.add_feed(session=session, url=args.url, kind=kind, time_zone=args.timezone)
            feed_id = feed.id
    except FeedError as exc:
        print(f"hotline feeds add: {exc}", file=sys.stderr)
        return 1
    result = feeds.refresh_feed(feed_id)
    print(f"registered; first read: {result.outcome} {result.error or ''}".rstrip())
    return 1 if result.outcome == "failed" else 0


def _crisis_check(_args: argparse.Namespace) -> int:
    from hotline.crisis.detector import assess, check_crisis_config

    check_crisis_config()

    for line in sys.stdin:
        text = line.rstrip("\n")
        print(json.dumps(assess(text).as_json(text), ensure_ascii=False), flush=True)
    return 0


def _sms(args: argparse.Namespace) -> int:
    from hotline.sms.terminal import send_sms

    return send_sms(args.sender, args.text, url=args.url, twiml=args.twiml)


def _call(args: argparse.Namespace) -> int:
    from hotline.voice.terminal import run_call

    return run_call(args.sender, url=args.url)


def _demo(args: argparse.Namespace) -> int:
    from hotline.demo import run_demo

    return run_demo(host=args.host, port=args.port)


def _broadcast(args: argparse.Namespace) -> int:
    from hotline.jobs.broadcast import broadcast_from_cli

    return int(broadcast_from_cli(args.code, args.text, yes=args.yes))


def _block(args: argparse.Namespace) -> int:
    from hotline.blocklist import BlockError, add_block, list_blocks, remove_block
    from hotline.db import session_scope
    from hotline.phones import vault_for

    settings = get_settings()
    vault, region = vault_for(settings.secret_key), settings.default_region
    try:
        with session_scope() as session:
            if args.action == "list":
                for block in list_blocks(session=session):
                    print(f"{block.id:>5}  {block.kind:<7} {block.label}  {block.note}".rstrip())
                return 0
            if not args.value:
                print("hotline block: give a number, a prefix (--prefix) or an id", file=sys.stderr)
                return 2
            if args.action == "add":
                block = add_block(
                    session=session,
                    vault=vault,
                    value=args.value,
                    prefix=args.prefix,
                    note=args.note,
                    region=region,
                )
                print(f"blocked {block.kind} {block.label} (id {block.id})")
                return 0
            removed = remove_block(
                session=session, vault=vault, value=args.value, prefix=args.prefix, region=region
            )
    except BlockError as exc:
        print(f"hotline block: {exc}", file=sys.stderr)
        return 2
    print("block lifted" if removed else "no such block")
    return 0 if removed else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hotline", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, func: Command, help_: str) -> argparse.ArgumentParser:
        cmd = sub.add_parser(name, help=help_)
        cmd.set_defaults(func=func)
        cmd.add_argument("--log-level", default="INFO")
        return cmd

    demo = add("demo", _demo, "run the whole line on this machine (SQLite, embedded Redis)")
    serve = add("serve", _serve, "run the web process")
    for cmd in (demo, serve):
        cmd.add_argument("--host", default="127.0.0.1")
        cmd.add_argument("--port", type=int, default=8000)
    add("worker", _worker, "run an RQ worker").add_argument("--burst", action="store_true")
    add("scheduler", _scheduler, "tick reminders every minute").add_argument(
        "--once", action="store_true"
    )
    add("db", _db, "database migrations").add_argument("action", choices=["upgrade"])
    imp = add("import", _import, "load a Meeting Guide JSON feed")
    imp.add_argument("source", nargs="?", help="a Meeting Guide JSON file or URL")
    imp.add_argument("--bmlt", metavar="URL", help="a BMLT root server (or its search URL)")
    feeds = add("feeds", _feeds, "feeds the scheduler re-reads on its own (add, list, remove)")
    feeds.add_argument("action", choices=["add", "list", "remove"])
    feeds.add_argument("url", nargs="?")
    feeds.add_argument("--bmlt", action="store_true", help="the URL is a BMLT root server")
    for cmd in (imp, feeds):
        cmd.add_argument(
            "--timezone", help="time zone for rows that give none and cannot be placed"
        )
    add("crisis-check", _crisis_check, "read lines on stdin, print one JSON verdict a line")
    sms = add("sms", _sms, "send a signed test SMS to a running line and print the reply")
    sms.add_argument("sender")
    sms.add_argument("text")
    sms.add_argument("--twiml", action="store_true", help="print the TwiML as the line sent it")
    call = add("call", _call, "walk the voice menu from the terminal")
    call.add_argument("sender")
    for cmd in (sms, call):
        cmd.add_argument("--url", default=None, help="base URL of the line (HOTLINE_PUBLIC_URL)")
    bc = add("broadcast", _broadcast, "send a text to every member of a meeting")
    bc.add_argument("code")
    bc.add_argument("text")
    bc.add_argument("--yes", action="store_true", help="send without asking")
    block = add("block", _block, "numbers and prefixes the line records but does not answer")
    block.add_argument("action", choices=["add", "list", "remove"])
    block.add_argument("value", nargs="?", help="a phone number, a prefix like +1900, or an id")
    block.add_argument("--prefix", action="store_true", help="the value is a prefix")
    block.add_argument("--note", default="", help="why (no names or numbers)")
    from hotline.staff_cli import register as register_staff

    register_staff(add)
    from hotline.warm.cli import register as register_warm

    register_warm(add)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.func(args))
    except SettingsError as exc:
        print(f"hotline: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        from hotline.crisis.resources import CrisisResourcesError

        if not isinstance(exc, CrisisResourcesError):
            raise
        print(f"hotline: {exc}", file=sys.stderr)  # a crisis file the line cannot run with
        return 2
    except OperationalError as exc:
        # `hotline db upgrade` itself failing is told to check the server and the database's
        # name, not to run `hotline db upgrade`.
        hint = "does it exist" if args.func is _db else "did `hotline db upgrade` run"
        print(
            f"hotline: the database cannot be used ({exc.orig}); is it up, and {hint}?",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
