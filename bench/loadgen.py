"""Websocket clients for the live benchmarks, in processes of their own.

Each client process holds many sockets on one asyncio loop: graphql-transport-ws sockets to
Cartable (connection_init with a parent's token, one subscription, snapshot read) or plain
sockets to the baseline. Once every socket is ready the coordinator triggers one event and
each socket records when it arrived (time.time(): clients and server share the machine).
"""

import asyncio
import json
import multiprocessing
import multiprocessing.synchronize
import resource
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import websockets
from websockets.asyncio.client import ClientConnection, connect

# Sockets a process opens at once: enough to be quick, few enough not to trip the backlog.
OPENING_AT_ONCE = 64


@dataclass(frozen=True)
class Plan:
    """What one client process does; `tokens` has one entry per socket (None for bare)."""

    url: str
    kind: Literal["graphql", "bare"]
    tokens: Sequence[str | None]
    query: str = ""
    variables: dict[str, Any] = field(default_factory=dict)
    expect_event: bool = True
    # graphql: the slot whose booking is awaited (a resync snapshot before it is not counted).
    booked_slot: str | None = None
    timeout: float = 120.0


def raise_fd_limit() -> None:
    """Each socket is a file descriptor: lift the soft limit to the hard one."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def _open(plan: Plan, token: str | None, gate: asyncio.Semaphore) -> ClientConnection:
    async with gate:
        if plan.kind == "bare":
            return await connect(plan.url, compression=None, ping_interval=None, max_size=None)
        connection = await connect(
            plan.url,
            subprotocols=[websockets.Subprotocol("graphql-transport-ws")],
            compression=None,
            ping_interval=None,
            max_size=None,
            open_timeout=60,
        )
        await connection.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        )
        ack = json.loads(await connection.recv())
        if ack.get("type") != "connection_ack":
            raise RuntimeError(f"not acknowledged: {ack}")
        subscribe = {"query": plan.query, "variables": plan.variables}
        await connection.send(json.dumps({"id": "1", "type": "subscribe", "payload": subscribe}))
        snapshot = json.loads(await connection.recv())
        if snapshot.get("type") != "next" or "errors" in snapshot["payload"]:
            raise RuntimeError(f"no snapshot: {snapshot}")
        return connection


async def _arrival(
    connection: ClientConnection, booked_slot: str | None
) -> tuple[float, str] | None:
    """When the awaited message arrived: the first one (bare), or the first `next` in which
    the booked slot is taken (graphql)."""
    while True:
        try:
            text = str(await connection.recv())
        except websockets.ConnectionClosed:
            return None
        arrived = time.time()
        if booked_slot is None or _shows_booked(text, booked_slot):
            return arrived, text


def _shows_booked(text: str, slot: str) -> bool:
    # The common case without parsing (the bare clients parse nothing either): an event
    # naming the slot. Anything else (a resync snapshot...) is read properly.
    if '"snapshot":false' in text and slot in text:
        return '"available":false' in text
    message = json.loads(text)
    if message.get("type") != "next":
        return False
    event = (message["payload"].get("data") or {}).get("meetingSlotsChanged") or {}
    return any(s["id"] == slot and not s["available"] for s in event.get("slots", []))


async def _run(
    plan: Plan,
    ready: "multiprocessing.Queue[Any]",
    results: "multiprocessing.Queue[Any]",
    release: multiprocessing.synchronize.Event,
) -> None:
    gate = asyncio.Semaphore(OPENING_AT_ONCE)
    try:
        connections = await asyncio.gather(*(_open(plan, t, gate) for t in plan.tokens))
    except Exception as error:
        ready.put(("failed", repr(error)))
        return
    waiting = (
        [asyncio.create_task(_arrival(c, plan.booked_slot)) for c in connections]
        if plan.expect_event
        else []
    )
    ready.put(("ready", len(connections)))
    arrivals: list[float | None] = []
    sample = ""
    if waiting:
        done, late = await asyncio.wait(waiting, timeout=plan.timeout)
        for task in waiting:
            got = task.result() if task in done else None
            arrivals.append(None if got is None else got[0])
            if got is not None and not sample:
                sample = got[1]
        for task in late:
            task.cancel()
    results.put((arrivals, sample))
    await asyncio.to_thread(release.wait)
    await asyncio.gather(*(c.close() for c in connections), return_exceptions=True)


def _client_main(
    plan: Plan,
    ready: "multiprocessing.Queue[Any]",
    results: "multiprocessing.Queue[Any]",
    release: multiprocessing.synchronize.Event,
) -> None:
    raise_fd_limit()
    asyncio.run(_run(plan, ready, results, release))


@dataclass
class Clients:
    processes: "list[multiprocessing.process.BaseProcess]"
    results: "multiprocessing.Queue[Any]"
    release: multiprocessing.synchronize.Event

    def arrivals(self, timeout: float = 180.0) -> tuple[list[float | None], str]:
        """Every socket's arrival time (None: never arrived) and one message as received."""
        arrivals: list[float | None] = []
        sample = ""
        for _ in self.processes:
            got, text = self.results.get(timeout=timeout)
            arrivals.extend(got)
            sample = sample or text
        return arrivals, sample


@contextmanager
def clients(plans: Sequence[Plan], ready_timeout: float = 300.0) -> Iterator[Clients]:
    """Start one process per plan and wait until all their sockets are ready."""
    context = multiprocessing.get_context("spawn")
    ready: multiprocessing.Queue[Any] = context.Queue()
    results: multiprocessing.Queue[Any] = context.Queue()
    release = context.Event()
    processes: list[multiprocessing.process.BaseProcess] = [
        context.Process(target=_client_main, args=(plan, ready, results, release), daemon=True)
        for plan in plans
    ]
    for process in processes:
        process.start()
    try:
        for _ in processes:
            state, detail = ready.get(timeout=ready_timeout)
            if state != "ready":
                raise RuntimeError(f"a client process failed: {detail}")
        yield Clients(processes, results, release)
    finally:
        release.set()
        for process in processes:
            process.join(30)
            if process.is_alive():
                process.kill()
                process.join()


def split(items: Sequence[Any], parts: int) -> list[list[Any]]:
    """`items` dealt into `parts` nearly equal lists, in order."""
    size, extra = divmod(len(items), parts)
    out, start = [], 0
    for index in range(parts):
        end = start + size + (1 if index < extra else 0)
        out.append(list(items[start:end]))
        start = end
    return out
