"""Liveness, readiness and metrics."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hotline import clock, db, oncall
from hotline.queues import get_redis
from hotline.warm import stats as warm_stats


async def healthz(_request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def _check_ready() -> dict[str, str]:
    checks: dict[str, str] = {}
    try:
        db.ping()
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"down: {type(exc).__name__}"
    try:
        get_redis().ping()
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"down: {type(exc).__name__}"
    if checks["database"] == "ok":
        checks["oncall"] = _oncall()
    return checks


def _oncall() -> str:
    """ "ok" (someone on call), "fallback" (only the admins) or "none" (nobody would hear)."""
    try:
        with db.session_scope() as session:
            return oncall.coverage(session=session, now=clock.now()).value
    except Exception as exc:
        return f"down: {type(exc).__name__}"


async def readyz(request: Request) -> Response:
    checks = await run_in_threadpool(_check_ready)
    # Nobody on call leaves the line up (it still answers, honestly) but degraded; a monitor
    # that must page someone about it asks with ?strict=1 and gets a 503.
    degraded = checks.get("oncall") == oncall.Coverage.NONE.value
    vital = {key: value for key, value in checks.items() if key != "oncall"}
    ready = all(value == "ok" for value in vital.values())
    strict = request.query_params.get("strict") in ("1", "true")
    status = 200 if ready and not (strict and degraded) else 503
    return JSONResponse({"ready": ready, "degraded": degraded, **checks}, status_code=status)


async def metrics(_request: Request) -> Response:
    warm_stats.register()
    body = await run_in_threadpool(generate_latest)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
