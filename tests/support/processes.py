"""Cartable served by its own OS process, exactly as deployed (`python -m cli serve`).

For tests that need several server processes on one database and one broadcast, or a server
whose memory is measured apart from the test's clients.
"""

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.backends import free_port

ROOT = Path(__file__).resolve().parents[2]
# Variables of the test machine's environment that would change how the server behaves.
_SCRUBBED = ("DATABASE_URL", "BROADCAST_URL", "WEB_CONCURRENCY", "SMTP_URL", "ALLOWED_ORIGINS")


@dataclass
class ServerProcess:
    url: str
    process: asyncio.subprocess.Process
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def rss_bytes(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError(f"no VmRSS for process {self.pid}")


def server_env(workdir: Path, **settings: str) -> dict[str, str]:
    """The environment of a development server on `workdir`; `settings` are env var values
    (DATABASE_URL=..., BROADCAST_URL=...)."""
    env = {key: value for key, value in os.environ.items() if key.upper() not in _SCRUBBED}
    env.update(
        {
            "HOST": "127.0.0.1",
            "DEMO": "0",
            "CARTABLE_ENV": "development",
            "SECRET_KEY": "process-test-secret-key-" + "x" * 32,
            "MAIL_OUTBOX_DIR": str(workdir / "outbox"),
            "DOCUMENTS_DIR": str(workdir / "documents"),
            "PAYMENT_PROVIDER": "none",
        }
    )
    env.update(settings)
    return env


async def run_cli(env: Mapping[str, str], *args: str, timeout: float = 60) -> tuple[int, str]:
    """`python -m cli <args>`; returns its exit code and output."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "cli",
        *args,
        cwd=ROOT,
        env=dict(env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    return process.returncode, output.decode(errors="replace")


@asynccontextmanager
async def cartable_process(
    env: Mapping[str, str], log: Path, *, ready_within: float = 30
) -> AsyncIterator[ServerProcess]:
    """`python -m cli serve` on a free port until /readyz answers 200 (database and broadcast
    connected); terminated afterwards. Its output goes to `log`."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "cli",
            "serve",
            cwd=ROOT,
            env={**env, "PORT": str(port)},
            stdout=output,
            stderr=asyncio.subprocess.STDOUT,
        )
    served = ServerProcess(url, process, log)
    try:
        await _wait_ready(served, ready_within)
        yield served
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()


async def _wait_ready(served: ServerProcess, within: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    async with httpx.AsyncClient(base_url=served.url, timeout=1) as client:
        while True:
            if served.process.returncode is not None:
                raise RuntimeError(
                    f"the server exited with {served.process.returncode}:\n"
                    + served.log.read_text(errors="replace")[-3000:]
                )
            try:
                if (await client.get("/readyz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if loop.time() > deadline:
                raise TimeoutError(
                    f"the server was not ready within {within}s:\n"
                    + served.log.read_text(errors="replace")[-3000:]
                )
            await asyncio.sleep(0.1)
