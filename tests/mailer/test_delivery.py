"""Enqueue in the caller's transaction, deliver through real SMTP, retry when it is down."""

import logging
from datetime import timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy import func, select

from mailer.message import Attachment
from mailer.outbox import Outbox
from models.db import Database
from models.mail import OutboxMail
from tests.mailer.helpers import enqueue, outbox_rows, worker_for
from tests.mailer.samples import SAMPLE_CONTEXTS
from tests.mailer.smtpd import Recorder, smtp_server
from tests.support.clock import FakeClock

pytestmark = pytest.mark.usefixtures("empty_outbox")

ICS = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nSUMMARY:R\xc3\xa9union\r\nEND:VCALENDAR\r\n"


def text_of(message: EmailMessage, kind: str) -> str:
    part = message.get_body((kind,))
    assert part is not None
    return str(part.get_content())


async def test_french_and_english_mails_with_an_attachment_are_delivered(
    db: Database, outbox: Outbox, clock: FakeClock, smtpd: Recorder, smtp_port: int
) -> None:
    invitation = await enqueue(
        db,
        outbox,
        clock,
        to="anne@example.org",
        template="invitation",
        locale="fr-BE",
        school_id=None,
    )
    reset = await enqueue(
        db,
        outbox,
        clock,
        to="bob@example.org",
        template="password_reset",
        locale="en",
        attachments=[
            Attachment("meeting.ics", "text/calendar; method=REQUEST; charset=utf-8", ICS)
        ],
    )
    assert invitation.id is not None
    assert reset.id is not None

    assert await worker_for(db, clock, smtp_port).run_once() == 2

    by_recipient = {tuple(item.rcpt_tos): item.message() for item in smtpd.received}
    assert set(by_recipient) == {("anne@example.org",), ("bob@example.org",)}
    french = by_recipient[("anne@example.org",)]
    assert french["Subject"] == "École Démo vous invite sur Cartable"
    assert french["Message-ID"] == invitation.message_id
    assert french["From"] == "Cartable <no-reply@cartable.example>"
    assert "Votre nom d'utilisateur : anne.dupont" in text_of(french, "plain")
    assert "http://cartable.test/activate?token=tok-123" in text_of(french, "plain")
    assert "Activer mon compte" in text_of(french, "html")

    english = by_recipient[("bob@example.org",)]
    assert english["Subject"] == "Access to your Cartable account"
    assert "Your username: anne.dupont" in text_of(english, "plain")
    assert "Choose a password" in text_of(english, "html")
    (calendar,) = english.iter_attachments()
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_filename() == "meeting.ics"
    assert calendar.get_payload(decode=True) == ICS

    rows = await outbox_rows(db)
    assert [(row.sent_at, row.attempts, row.claimed_until) for row in rows] == [
        (clock(), 1, None)
    ] * 2
    assert await worker_for(db, clock, smtp_port).run_once() == 0
    assert len(smtpd.received) == 2


async def test_a_rolled_back_transaction_enqueues_nothing(
    db: Database, outbox: Outbox, clock: FakeClock, smtpd: Recorder, smtp_port: int
) -> None:
    async with db.write() as session:
        await outbox.enqueue(
            session,
            to="anne@example.org",
            template="invitation",
            locale="fr",
            context=SAMPLE_CONTEXTS["invitation"],
            now=clock(),
        )
        await session.rollback()

    async def failing_action() -> None:
        async with db.write() as session, session.begin():
            await outbox.enqueue(
                session,
                to="bob@example.org",
                template="password_reset",
                locale="en",
                context=SAMPLE_CONTEXTS["password_reset"],
                now=clock(),
            )
            raise RuntimeError("the action failed after enqueueing its mail")

    with pytest.raises(RuntimeError, match="the action failed"):
        await failing_action()

    async with db.read() as session:
        assert (await session.execute(select(func.count()).select_from(OutboxMail))).scalar() == 0
    assert await worker_for(db, clock, smtp_port).run_once() == 0
    assert smtpd.received == []


async def test_smtp_down_then_back_delivers_each_mail_exactly_once(
    db: Database, outbox: Outbox, clock: FakeClock, smtp_port: int
) -> None:
    worker = worker_for(db, clock, smtp_port, retry_base_seconds=10.0)
    first = await enqueue(db, outbox, clock, to="anne@example.org")
    second = await enqueue(db, outbox, clock, to="bob@example.org")
    failed_at = clock()

    # Nothing listens on the port: the pass stops at the first failure, keeping the rest.
    assert await worker.run_once() == 0
    rows = {row.id: row for row in await outbox_rows(db)}
    tried = rows[first.id]
    assert tried.attempts == 1
    assert (tried.sent_at, tried.failed_at, tried.claimed_until) == (None, None, None)
    assert (
        failed_at + timedelta(seconds=5)
        <= tried.next_attempt_at
        <= failed_at + timedelta(seconds=10)
    )
    assert tried.last_error is not None
    assert tried.last_error.startswith("MailerUnavailable: ")
    assert rows[second.id].attempts == 0

    with smtp_server(smtp_port) as server:
        clock.advance(seconds=4)  # the second mail is still due, the first is backing off
        assert await worker.run_once() == 1
        assert [item.rcpt_tos for item in server.received] == [["bob@example.org"]]

        clock.advance(seconds=6)  # now the first one is due again
        assert await worker.run_once() == 1
        assert await worker.run_once() == 0

    assert sorted(item.rcpt_tos[0] for item in server.received) == [
        "anne@example.org",
        "bob@example.org",
    ]
    rows = {row.id: row for row in await outbox_rows(db)}
    assert rows[first.id].attempts == 2
    assert rows[first.id].sent_at == clock()
    assert rows[second.id].attempts == 1


async def test_a_refused_message_does_not_hold_up_the_others(
    db: Database, outbox: Outbox, clock: FakeClock, smtpd: Recorder, smtp_port: int
) -> None:
    refused = await enqueue(db, outbox, clock, to="refused@example.org")
    await enqueue(db, outbox, clock, to="anne@example.org")

    assert await worker_for(db, clock, smtp_port).run_once() == 1
    assert [item.rcpt_tos for item in smtpd.received] == [["anne@example.org"]]
    row = next(row for row in await outbox_rows(db) if row.id == refused.id)
    assert row.sent_at is None
    assert row.next_attempt_at > clock()
    assert row.last_error is not None
    assert "SMTPRecipientsRefused" in row.last_error


async def test_after_max_attempts_a_mail_is_failed_and_logged(
    db: Database,
    outbox: Outbox,
    clock: FakeClock,
    smtp_port: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    worker = worker_for(db, clock, smtp_port, max_attempts=2, retry_base_seconds=10.0)
    mail = await enqueue(db, outbox, clock, to="anne@example.org")

    assert await worker.run_once() == 0
    clock.advance(seconds=10)
    with caplog.at_level(logging.ERROR, logger="mailer.worker"):
        assert await worker.run_once() == 0
    (row,) = await outbox_rows(db)
    assert row.attempts == 2
    assert row.failed_at == clock()
    assert row.sent_at is None
    assert f"mail {mail.id} ({mail.message_id}) given up after 2 attempts" in caplog.text

    with smtp_server(smtp_port) as server:
        clock.advance(hours=2)
        assert await worker.run_once() == 0
    assert server.received == []
