"""Liveness and readiness probes."""

import asyncio

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse

from services.sql.runtime import Runtime

DB_TIMEOUT_SECONDS = 2.0


async def healthz(request: Request) -> JSONResponse:
    """The process is alive."""
    return JSONResponse({"status": "ok"})


async def _database_answers(runtime: Runtime) -> bool:
    async def ping() -> None:
        async with runtime.database.read() as session:
            await session.execute(text("SELECT 1"))

    try:
        await asyncio.wait_for(ping(), DB_TIMEOUT_SECONDS)
    except Exception:
        return False
    return True


async def readyz(request: Request) -> JSONResponse:
    """Ready to serve: the database answers and the broadcast is connected."""
    runtime: Runtime = request.app.state.runtime
    checks = {
        "database": await _database_answers(runtime),
        "broadcast": bool(runtime.pubsub.healthy),
    }
    ready = all(checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "unavailable", "checks": checks},
        status_code=200 if ready else 503,
    )
