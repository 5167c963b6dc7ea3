"""The sandbox's webhook sender: POSTs over HTTP, retries with back-off until a 2xx answer.

Deliveries live in the database (`sandbox_payments`: the webhook's URL, its event id, when to
try next), not in memory: a restart between the payer's decision and a successful delivery
loses nothing, the loop of the next process delivers it. Delivery is at least once; the
application credits once whatever the number of deliveries.
"""

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlmodel import col

from models.db import Database
from models.sandbox_payments import SandboxPayment
from payments.provider import PaymentStatus
from payments.sandbox import SandboxProvider

log = logging.getLogger(__name__)
ATTEMPT_TIMEOUT_SECONDS = 10.0
BATCH = 50


def payment_of(row: SandboxPayment) -> dict[str, Any]:
    """A recorded decision as the webhook describes the payment."""
    return {
        "p": row.payment_id,
        "a": row.amount_cents,
        "c": row.currency,
        "r": row.reference,
        "w": row.webhook_url,
    }


class WebhookSender:
    def __init__(
        self,
        provider: SandboxProvider,
        database: Database,
        *,
        max_attempts: int,
        retry_seconds: float,
    ) -> None:
        self.provider = provider
        self.database = database
        self.max_attempts = max_attempts
        self.retry_seconds = retry_seconds
        self._task: asyncio.Task[None] | None = None
        self._retries: set[asyncio.Task[None]] = set()

    def first_retry_at_delay(self) -> timedelta:
        return timedelta(seconds=self.retry_seconds)

    async def send(self, payment_id: str) -> bool:
        """The first attempt, now (the payer is redirected after it); the loop retries."""
        row = await self._row(payment_id)
        if row is None or row.delivered_at is not None:
            return row is not None
        delivered = await self._attempt(row)
        if not delivered:
            task = asyncio.create_task(self._retry(payment_id))
            self._retries.add(task)
            task.add_done_callback(self._retries.discard)
        return delivered

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._loop(), name="sandbox-webhooks")

    async def aclose(self) -> None:
        task, self._task = self._task, None
        for running in [*self._retries, *([task] if task else [])]:
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running

    async def deliver_due(self) -> int:
        """Attempt every delivery that is due; how many succeeded."""
        now = self.provider.clock()
        async with self.database.read() as session:
            rows = (
                await session.scalars(
                    select(SandboxPayment)
                    .where(
                        col(SandboxPayment.delivered_at).is_(None),
                        col(SandboxPayment.next_attempt_at) <= now,
                        col(SandboxPayment.attempts) < self.max_attempts,
                    )
                    .order_by(col(SandboxPayment.next_attempt_at))
                    .limit(BATCH)
                )
            ).all()
        delivered = 0
        for row in rows:
            delivered += await self._attempt(row)
        return delivered

    async def _retry(self, payment_id: str) -> None:
        """This process's retries, with back-off; the row says when they are due, so another
        process (after a restart) takes over where they stop."""
        for attempt in range(2, self.max_attempts + 1):
            await asyncio.sleep(self.retry_seconds * 2 ** (attempt - 2))
            row = await self._row(payment_id)
            if row is None or row.delivered_at is not None or row.attempts >= self.max_attempts:
                return
            if await self._attempt(row):
                return

    async def _loop(self) -> None:
        """Deliveries left by an earlier process (at start, then now and then)."""
        while True:
            try:
                await self.deliver_due()
            except Exception:
                log.warning("sandbox webhook deliveries failed this round", exc_info=True)
            await asyncio.sleep(max(self.retry_seconds * 10, 1.0))

    async def _row(self, payment_id: str) -> SandboxPayment | None:
        async with self.database.read() as session:
            return await session.scalar(
                select(SandboxPayment).where(col(SandboxPayment.payment_id) == payment_id)
            )

    async def _attempt(self, row: SandboxPayment) -> bool:
        payment = payment_of(row)
        status = PaymentStatus(row.status)
        body, headers = self.provider.webhook(payment, status, row.event_id or row.payment_id)
        try:
            async with httpx.AsyncClient(timeout=ATTEMPT_TIMEOUT_SECONDS) as client:
                response = await client.post(row.webhook_url, content=body, headers=headers)
            delivered = response.is_success
            if not delivered:
                log.warning("webhook for %s answered %s", row.payment_id, response.status_code)
        except httpx.HTTPError as error:
            log.warning("webhook for %s not delivered: %s", row.payment_id, error)
            delivered = False
        await self._record(row, delivered)
        return delivered

    async def _record(self, row: SandboxPayment, delivered: bool) -> None:
        now = self.provider.clock()
        values: dict[str, Any] = {"attempts": col(SandboxPayment.attempts) + 1}
        if delivered:
            values.update(delivered_at=now, next_attempt_at=None)
        else:
            delay = self.retry_seconds * 2 ** max(row.attempts, 0)
            values["next_attempt_at"] = now + timedelta(seconds=delay)
            if row.attempts + 1 >= self.max_attempts:
                log.error("sandbox webhook for %s given up", row.payment_id)
        async with self.database.write() as session:
            await session.execute(
                update(SandboxPayment)
                .where(col(SandboxPayment.payment_id) == row.payment_id)
                .values(**values)
            )
            await session.commit()
