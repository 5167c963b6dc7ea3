"""HTTP clients in processes of their own, so the server's CPU is the server's alone.

`sustained`: a fixed number of requests in flight for a fixed time (throughput and latency).
`burst`: every request on its own connection, all released at the same instant (races).
"""

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any

import httpx

START_DELAY = 1.0  # seconds for every client process to be ready before the common start


@dataclass(frozen=True)
class Call:
    """One HTTP request: GET when `json` is None, POST otherwise."""

    path: str
    headers: dict[str, str] = field(default_factory=dict)
    json: Any = None


@dataclass(frozen=True)
class Sustained:
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


async def _send(client: httpx.AsyncClient, call: Call) -> httpx.Response:
    if call.json is None:
        return await client.get(call.path, headers=call.headers)
    return await client.post(call.path, headers=call.headers, json=call.json)


async def _sustain(
    url: str, call: Call, concurrency: int, start: float, seconds: float
) -> tuple[int, int, list[float]]:
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        await _send(client, call)  # connections warm before the clock starts
        await asyncio.sleep(max(0.0, start - time.time()))
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                began = time.perf_counter()
                response = await _send(client, call)
                if response.status_code != 200:
                    errors += 1
                latencies.append(time.perf_counter() - began)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return len(latencies), errors, latencies


def _sustain_process(args: tuple[str, Call, int, float, float]) -> tuple[int, int, list[float]]:
    return asyncio.run(_sustain(*args))


def sustained(
    url: str, call: Call, *, processes: int, concurrency: int, seconds: float
) -> Sustained:
    """`concurrency` requests in flight (split over `processes`) for `seconds`."""
    start = time.time() + START_DELAY
    per_process = [
        concurrency // processes + (i < concurrency % processes) for i in range(processes)
    ]
    with get_context("spawn").Pool(processes) as pool:
        parts = pool.map(_sustain_process, [(url, call, n, start, seconds) for n in per_process])
    latencies = [latency for _, _, part in parts for latency in part]
    return Sustained(
        requests=sum(n for n, _, _ in parts),
        errors=sum(e for _, e, _ in parts),
        seconds=seconds,
        latencies=latencies,
    )


@dataclass(frozen=True)
class Outcome:
    latency: float
    status: int
    body: Any


async def _burst(url: str, calls: Sequence[Call], start: float) -> list[Outcome]:
    async def one(call: Call) -> Outcome:
        # Each caller its own client and connection, opened before the start.
        async with httpx.AsyncClient(base_url=url, timeout=120) as client:
            await client.get("/healthz")
            await asyncio.sleep(max(0.0, start - time.time()))
            began = time.perf_counter()
            response = await _send(client, call)
            latency = time.perf_counter() - began
        body = response.json() if response.status_code == 200 else None
        return Outcome(latency, response.status_code, body)

    return list(await asyncio.gather(*(one(call) for call in calls)))


def _burst_process(args: tuple[str, list[Call], float]) -> list[Outcome]:
    return asyncio.run(_burst(*args))


def burst(url: str, calls: Sequence[Call], *, processes: int) -> list[Outcome]:
    """Every call at once, from `processes` client processes; outcomes in the order of `calls`."""
    start = time.time() + START_DELAY + len(calls) / 200
    shares = [list(calls[i::processes]) for i in range(processes)]
    with get_context("spawn").Pool(processes) as pool:
        parts = pool.map(_burst_process, [(url, share, start) for share in shares])
    outcomes: list[Outcome | None] = [None] * len(calls)
    for i, part in enumerate(parts):
        for j, outcome in enumerate(part):
            outcomes[i + j * processes] = outcome
    return [o for o in outcomes if o is not None]
