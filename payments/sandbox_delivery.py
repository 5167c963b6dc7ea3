"""The sandbox's webhook sender: POSTs over HTTP, retries with back-off until a 2xx answer."""

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Mapping
from typing import Any

import httpx
from sqlalchemy import update
from sqlmodel import col

from models.db import Database
from models.sandbox_payments import SandboxPayment
from payments.provider import PaymentStatus
from payments.sandbox import SandboxProvider

log = logging.getLogger(__name__)
ATTEMPT_TIMEOUT_SECONDS = 10.0


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
        self._retries: set[asyncio.Task[None]] = set()

    async def send(self, payment: Mapping[str, Any], status: PaymentStatus) -> bool:
        """First attempt now (the payer is redirected after it); retries in the background."""
        event_id = "evt_" + secrets.token_urlsafe(12)
        if await self._attempt(payment, status, event_id):
            return True
        task = asyncio.create_task(self._retry(payment, status, event_id))
        self._retries.add(task)
        task.add_done_callback(self._retries.discard)
        return False

    async def aclose(self) -> None:
        for task in list(self._retries):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _retry(
        self, payment: Mapping[str, Any], status: PaymentStatus, event_id: str
    ) -> None:
        for attempt in range(2, self.max_attempts + 1):
            await asyncio.sleep(self.retry_seconds * 2 ** (attempt - 2))
            if await self._attempt(payment, status, event_id):
                return
        log.error(
            "sandbox webhook for %s given up after %s attempts", payment["p"], self.max_attempts
        )

    async def _attempt(
        self, payment: Mapping[str, Any], status: PaymentStatus, event_id: str
    ) -> bool:
        body, headers = self.provider.webhook(payment, status, event_id)
        try:
            async with httpx.AsyncClient(timeout=ATTEMPT_TIMEOUT_SECONDS) as client:
                response = await client.post(str(payment["w"]), content=body, headers=headers)
            delivered = response.is_success
            if not delivered:
                log.warning("webhook for %s answered %s", payment["p"], response.status_code)
        except httpx.HTTPError as error:
            log.warning("webhook for %s not delivered: %s", payment["p"], error)
            delivered = False
        await self._record(str(payment["p"]), delivered)
        return delivered

    async def _record(self, payment_id: str, delivered: bool) -> None:
        values: dict[str, Any] = {"attempts": col(SandboxPayment.attempts) + 1}
        if delivered:
            values["delivered_at"] = self.provider.clock()
        async with self.database.write() as session:
            await session.execute(
                update(SandboxPayment)
                .where(col(SandboxPayment.payment_id) == payment_id)
                .values(**values)
            )
            await session.commit()
