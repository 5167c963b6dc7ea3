"""A TCP proxy for tests: adds latency towards the server, or freezes the link (a network
partition without any FIN or RST, which only a keep-alive can notice)."""

import asyncio
import contextlib

from tests.support.backends import free_port


class LinkProxy:
    def __init__(self, target_port: int, *, delay: float = 0.0) -> None:
        self.port = free_port()
        self._target_port = target_port
        self._delay = delay
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    def freeze(self) -> None:
        self._flowing.clear()

    def thaw(self) -> None:
        self._flowing.set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in self._writers:
            writer.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await self._flowing.wait()
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self._target_port)
        except OSError:
            writer.close()
            return
        self._writers.update((writer, up_writer))
        for source, sink, delay in ((reader, up_writer, self._delay), (up_reader, writer, 0.0)):
            task = asyncio.create_task(self._pipe(source, sink, delay))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _pipe(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, delay: float
    ) -> None:
        loop = asyncio.get_running_loop()
        # Latency, not a bandwidth limit: each chunk leaves `delay` after it arrived.
        chunks: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def send() -> None:
            while True:
                due, data = await chunks.get()
                await asyncio.sleep(max(0.0, due - loop.time()))
                await self._flowing.wait()
                sink.write(data)
                await sink.drain()
                chunks.task_done()

        sender = asyncio.create_task(send())
        try:
            while data := await source.read(65536):
                chunks.put_nowait((loop.time() + delay, data))
            await chunks.join()  # what arrived before the end still leaves, late
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, OSError):
                await sender
            sink.close()
