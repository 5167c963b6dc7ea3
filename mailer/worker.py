"""The background sender: claims due mails, sends them, retries with back-off.

Mail never blocks a request: requests only add outbox rows and call wake(). Delivery is
at least once: a process that dies after the server accepted a mail but before marking it
sent will send it again when its lease runs out; never twice otherwise.
"""

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from mailer import queue
from mailer.protocol import Mailer, MailerUnavailable
from models.db import Database
from settings import Settings

log = logging.getLogger(__name__)

# The shortest pause between passes, so a mail that stays due cannot make the loop spin.
MIN_PAUSE_SECONDS = 0.5


class OutboxWorker:
    def __init__(
        self,
        database: Database,
        sender: Mailer,
        clock: Callable[[], datetime],
        *,
        retry_base_seconds: float,
        max_attempts: int,
        poll_seconds: float,
        max_delay_seconds: float = 3600.0,
        lease_seconds: float = 300.0,
        batch_size: int = 50,
        rng: random.Random | None = None,
    ) -> None:
        self.database = database
        self.sender = sender
        self.clock = clock
        self.retry_base_seconds = retry_base_seconds
        self.max_attempts = max_attempts
        self.poll_seconds = poll_seconds
        self.max_delay_seconds = max_delay_seconds
        # Longer than one send can take (the SMTP timeout), or a slow send could be repeated.
        self.lease_seconds = lease_seconds
        self.batch_size = batch_size
        self._rng = rng or random.Random()
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        # Consecutive passes that ended with the sender unavailable: paces the probing.
        self._outage = 0

    @classmethod
    def from_settings(
        cls, database: Database, sender: Mailer, settings: Settings
    ) -> "OutboxWorker":
        return cls(
            database,
            sender,
            settings.clock,
            retry_base_seconds=settings.mail_retry_base_seconds,
            max_attempts=settings.mail_max_attempts,
            poll_seconds=settings.mail_poll_seconds,
        )

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if self.running:
            return
        self._stopping = False
        self._task = asyncio.create_task(self._loop(), name="mail-outbox-worker")

    def wake(self) -> None:
        """Look at the outbox now (call after committing a transaction that enqueued mail)."""
        self._wake.set()

    async def stop(self, grace_seconds: float = 10.0) -> None:
        """Finish the mail being sent (up to `grace_seconds`), then end the loop.

        Until the next start(), run_once() returns at once.
        """
        task, self._task = self._task, None
        self._stopping = True
        self._wake.set()
        if task is None:
            return
        done, _ = await asyncio.wait({task}, timeout=grace_seconds)
        if not done:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    def retry_delay(self, attempts: int) -> float:
        """Exponential in the attempts made, capped, with jitter so retries do not align."""
        ceiling = min(self.max_delay_seconds, self.retry_base_seconds * 2 ** max(attempts - 1, 0))
        return ceiling * self._rng.uniform(0.5, 1.0)

    async def run_once(self) -> int:
        """Send every mail that is due now; return how many were sent."""
        sent = 0
        tried: set[int] = set()
        while not self._stopping:
            candidates = await queue.due_ids(self.database, self.clock(), self.batch_size)
            fresh = [mail_id for mail_id in candidates if mail_id not in tried]
            if not fresh:
                return sent
            for mail_id in fresh:
                if self._stopping:
                    break
                tried.add(mail_id)
                now = self.clock()
                lease_until = now + timedelta(seconds=self.lease_seconds)
                mail = await queue.claim(self.database, mail_id, now=now, lease_until=lease_until)
                if mail is None:
                    continue  # another worker has it
                try:
                    # A send must end well inside its lease, or another worker could repeat it.
                    async with asyncio.timeout(self.lease_seconds / 2):
                        await self.sender.send(_parse(mail.raw))
                except (MailerUnavailable, TimeoutError) as exc:
                    await self._failed(mail, exc)
                    self._outage += 1
                    return sent  # the next mail would fail the same way
                except Exception as exc:
                    await self._failed(mail, exc)
                    continue
                self._outage = 0
                await queue.mark_sent(self.database, mail, now=self.clock())
                sent += 1
        return sent

    async def _failed(self, mail: queue.ClaimedMail, exc: Exception) -> None:
        error = f"{type(exc).__name__}: {exc}"
        now = self.clock()
        if mail.attempts >= self.max_attempts:
            await queue.mark_unsent(self.database, mail, error=error, retry_at=None, now=now)
            log.error(
                "mail %s (%s) given up after %d attempts: %s",
                mail.id,
                mail.message_id,
                mail.attempts,
                error,
            )
            return
        retry_at = now + timedelta(seconds=self.retry_delay(mail.attempts))
        await queue.mark_unsent(self.database, mail, error=error, retry_at=retry_at, now=now)
        log.warning(
            "mail %s (%s) attempt %d failed, retry at %s: %s",
            mail.id,
            mail.message_id,
            mail.attempts,
            retry_at.isoformat(),
            error,
        )

    async def _loop(self) -> None:
        while not self._stopping:
            # Cleared before the pass: a wake() during it earns another pass right away.
            self._wake.clear()
            try:
                await self.run_once()
                pause = await self._pause()
            except Exception:
                log.exception("mail outbox pass failed; retrying in %s s", self.poll_seconds)
                pause = self.poll_seconds
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(pause):
                    await self._wake.wait()

    async def _pause(self) -> float:
        """Until the next mail is due, at most poll_seconds; longer while the sender is down."""
        if self._outage:
            return max(MIN_PAUSE_SECONDS, self.retry_delay(self._outage))
        due = await queue.next_due(self.database)
        if due is None:
            return self.poll_seconds
        wait = (due - self.clock()).total_seconds()
        return min(self.poll_seconds, max(MIN_PAUSE_SECONDS, wait))


def _parse(raw: bytes) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    if not isinstance(message, EmailMessage):
        raise TypeError("stored mail did not parse as an EmailMessage")
    return message
