"""Without SMTP_URL, mails land as .eml files; the settings pick the sender."""

from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path

from mailer.message import Attachment, RenderedMail, build_message
from mailer.senders import FileOutboxSender, SmtpSender, sender_from_settings
from settings import Settings

NOW = datetime(2026, 11, 2, 8, 0, 5, tzinfo=UTC)
MAIL = RenderedMail(subject="Réunion", text="Bonjour\n", html="<p>Bonjour</p>\n", locale="fr")
ICS = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"


async def test_each_message_becomes_one_parseable_eml_file(tmp_path: Path) -> None:
    directory = tmp_path / "outbox" / "nested"  # created on first use
    sender = FileOutboxSender(directory)
    first = build_message(
        mail_from="no-reply@cartable.test",
        to="anne@example.org",
        mail=MAIL,
        now=NOW,
        attachments=[Attachment("rdv.ics", "text/calendar; method=REQUEST", ICS)],
    )
    second = build_message(
        mail_from="no-reply@cartable.test", to="bob@example.org", mail=MAIL, now=NOW
    )
    await sender.send(first)
    await sender.send(second)

    files = sorted(directory.iterdir())
    assert len(files) == 2  # no temporary file left behind
    assert all(path.name.startswith("20261102T080005Z-") for path in files)
    assert all(path.suffix == ".eml" for path in files)
    parsed = {
        str(message["Message-ID"]): message
        for message in (
            BytesParser(policy=policy.default).parsebytes(p.read_bytes()) for p in files
        )
    }
    assert set(parsed) == {str(first["Message-ID"]), str(second["Message-ID"])}
    reread = parsed[str(first["Message-ID"])]
    assert reread["To"] == "anne@example.org"
    assert reread["Subject"] == "Réunion"
    (attachment,) = reread.iter_attachments()
    assert attachment.get_payload(decode=True) == ICS


def test_sender_from_settings(tmp_path: Path) -> None:
    files = sender_from_settings(Settings(smtp_url=None, mail_outbox_dir=str(tmp_path)))
    assert isinstance(files, FileOutboxSender)
    assert files.directory == tmp_path
    smtp = sender_from_settings(Settings(smtp_url="smtps://u:p@mail.test"))
    assert isinstance(smtp, SmtpSender)
    assert smtp.config.use_tls
