"""Rendering many PDFs at once, on every core.

fpdf2 is pure Python: one invoice takes about 100 ms of CPU, and in a thread it holds the GIL
the event loop needs. A whole school's invoices are therefore rendered by a pool of worker
processes, in order and a few at a time ahead of the caller (who stores and attaches each as it
comes), so the renders of a 1,000-invoice run overlap the database work instead of following it.
A handful of PDFs is rendered in a thread: starting processes would cost more than it saves.
"""

import asyncio
import multiprocessing
import os
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Source = TypeVar("Source")

POOL_FROM = 16  # PDFs in one call before worker processes pay off (their start takes ~1 s)
AHEAD_PER_WORKER = 4  # renders queued per worker: bounds the bytes waiting for the caller
_END = object()


def render_workers() -> int:
    """One worker per core the process may use, leaving none idle and none oversubscribed."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


async def rendered_in_order(
    items: Sequence[Item], source: Callable[[Item], Source], render: Callable[[Source], bytes]
) -> AsyncIterator[tuple[Item, bytes]]:
    """Each item with `render(source(item))`, in the items' order. `render` must be a
    module-level function and `source(item)` picklable (they cross to worker processes)."""
    workers = render_workers()
    if len(items) < POOL_FROM or workers < 2:
        for item in items:
            yield item, await asyncio.to_thread(render, source(item))
        return
    loop = asyncio.get_running_loop()
    # "spawn": a forked child of a running event loop and its connections is unsafe.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        waiting: deque[tuple[Item, asyncio.Future[bytes]]] = deque()
        queued = iter(items)
        try:
            for item in queued:
                waiting.append((item, loop.run_in_executor(pool, render, source(item))))
                if len(waiting) >= workers * AHEAD_PER_WORKER:
                    break
            while waiting:
                item, future = waiting.popleft()
                data = await future
                following = next(queued, _END)
                if following is not _END:
                    following_item: Item = following  # type: ignore[assignment]
                    waiting.append(
                        (following_item, loop.run_in_executor(pool, render, source(following_item)))
                    )
                yield item, data
        finally:
            for _, future in waiting:
                future.cancel()
