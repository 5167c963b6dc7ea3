"""Two workers (each with its own engine, as two processes would have) share one outbox."""

import asyncio

from mailer.outbox import Outbox
from models.db import Database, open_database
from tests.mailer.helpers import outbox_rows, worker_for
from tests.mailer.samples import SAMPLE_CONTEXTS
from tests.mailer.smtpd import Recorder
from tests.support.clock import FakeClock

MAILS = 50


async def test_two_workers_deliver_each_mail_exactly_once(
    db: Database,
    database_url: str,
    outbox: Outbox,
    clock: FakeClock,
    smtpd: Recorder,
    smtp_port: int,
    empty_outbox: None,
) -> None:
    async with db.write() as session:
        for number in range(MAILS):
            await outbox.enqueue(
                session,
                to=f"parent{number}@example.org",
                template="password_reset",
                locale="fr",
                context=SAMPLE_CONTEXTS["password_reset"],
                now=clock(),
            )
        await session.commit()

    other_process = open_database(database_url)
    try:
        counts = await asyncio.gather(
            worker_for(db, clock, smtp_port).run_once(),
            worker_for(other_process, clock, smtp_port).run_once(),
        )
    finally:
        await other_process.dispose()

    assert sum(counts) == MAILS
    assert min(counts) > 0, "both workers should have taken part"
    delivered = smtpd.message_ids()
    assert len(delivered) == MAILS
    assert len(set(delivered)) == MAILS
    rows = await outbox_rows(db)
    assert {row.message_id for row in rows} == set(delivered)
    # attempts == 1 everywhere: no row was ever claimed twice.
    assert {(row.attempts, row.sent_at is not None) for row in rows} == {(1, True)}
