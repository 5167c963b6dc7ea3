"""A background job the app runs in every process: one round now, then one every interval (or
sooner when woken), a failed round logged and the next one tried. What a round does must be
safe to run in several processes at once: the database keeps them from doing anything twice."""

import asyncio
import contextlib
import logging
from typing import Generic, TypeVar

log = logging.getLogger(__name__)
Report = TypeVar("Report")


class Periodic(Generic[Report]):
    name = "periodic"

    def __init__(self) -> None:
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def interval_seconds(self) -> float:
        raise NotImplementedError

    async def run_once(self) -> Report:
        raise NotImplementedError

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._loop(), name=self.name)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def wake(self) -> None:
        """Run the next round now rather than at the end of the interval."""
        self._wake.set()

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:
                log.warning("%s: this round failed", self.name, exc_info=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval_seconds())
            self._wake.clear()
