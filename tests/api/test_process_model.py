"""Several worker processes need a shared broadcast: memory:// is refused wherever the server can
tell, and a shared one serves. Real processes, started as an operator would start them."""

import asyncio
import os
import signal
import sys
from pathlib import Path

import httpx
import pytest

from tests.pubsub.helpers import PrivateRedis, wait_until
from tests.support.backends import free_port
from tests.support.processes import ROOT, cartable_process, run_cli, server_env


async def test_cli_serve_with_several_workers_refuses_the_memory_broadcast(tmp_path: Path) -> None:
    env = server_env(tmp_path, WEB_CONCURRENCY="2", BROADCAST_URL="memory://")
    code, output = await run_cli(env, "serve", timeout=30)
    assert code != 0
    assert "BROADCAST_URL=memory:// cannot share events between several workers" in output


async def test_uvicorn_workers_refuse_the_memory_broadcast(tmp_path: Path) -> None:
    """`uvicorn --workers 2` without WEB_CONCURRENCY: each worker sees it has a parent and
    refuses to load the app, so no request is ever answered with a process-local broadcast."""
    env = server_env(tmp_path, BROADCAST_URL="memory://")
    port = free_port()
    log = tmp_path / "uvicorn.log"
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "uvicorn", "--factory", "server:create_app"),
            *("--workers", "2", "--port", str(port)),
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,  # its own process group: the workers go with it
        )
    try:
        refusal = "one of several workers but BROADCAST_URL=memory://"
        await wait_until(lambda: refusal in log.read_text(errors="replace"), 30, step=0.1)
        async with httpx.AsyncClient(timeout=1) as client:
            with pytest.raises(httpx.HTTPError):
                await client.get(f"http://127.0.0.1:{port}/healthz")
    finally:
        # Killed with its workers: its supervisor takes many seconds to stop a restart loop.
        os.killpg(process.pid, signal.SIGKILL)
        await process.wait()


@pytest.mark.redis
async def test_several_workers_serve_with_a_shared_broadcast(tmp_path: Path) -> None:
    redis = PrivateRedis()
    await redis.start()
    try:
        env = server_env(
            tmp_path,
            WEB_CONCURRENCY="2",
            BROADCAST_URL=redis.url,
            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'cartable.db'}",
        )
        async with (
            cartable_process(env, tmp_path / "serve.log") as served,
            httpx.AsyncClient(base_url=served.url) as client,
        ):
            ready = await client.get("/readyz")
            assert ready.json() == {
                "status": "ready",
                "checks": {"database": True, "broadcast": True},
            }
        assert "Started parent process" in served.log.read_text()
    finally:
        await redis.kill()
