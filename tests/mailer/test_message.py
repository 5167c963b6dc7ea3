"""The built message: headers, text and HTML as alternatives, attachments byte for byte."""

from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest

from mailer.message import Attachment, RenderedMail, build_message

MAIL = RenderedMail(
    subject="Réunion de parents", text="Bonjour,\n", html="<p>Bonjour,</p>\n", locale="fr"
)
NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
ICS = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nSUMMARY:R\xc3\xa9union\r\nEND:VCALENDAR\r\n"


def body(message: EmailMessage, kind: str) -> str:
    part = message.get_body((kind,))
    assert part is not None
    # Parsed from CRLF bytes, the parts keep CRLF line ends.
    return str(part.get_content()).replace("\r\n", "\n")


def roundtrip(message: EmailMessage) -> EmailMessage:
    parsed = BytesParser(policy=policy.default).parsebytes(message.as_bytes())
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_headers_and_alternative_parts() -> None:
    message = roundtrip(
        build_message(
            mail_from="École <no-reply@ecole.example>", to="anne@example.org", mail=MAIL, now=NOW
        )
    )
    assert message["To"] == "anne@example.org"
    assert message["From"] == "École <no-reply@ecole.example>"
    assert message["Subject"] == "Réunion de parents"
    assert message["Date"].datetime == NOW
    assert str(message["Message-ID"]).endswith("@ecole.example>")
    assert message["Content-Language"] == "fr"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "multipart/alternative"
    assert body(message, "plain") == "Bonjour,\n"
    assert body(message, "html") == "<p>Bonjour,</p>\n"


def test_stored_bytes_are_seven_bit_with_crlf_line_ends() -> None:
    raw = build_message(
        mail_from="no-reply@x.example", to="a@example.org", mail=MAIL, now=NOW
    ).as_bytes()
    assert raw.isascii()
    assert b"\r\n" in raw
    assert b"\n" not in raw.replace(b"\r\n", b"")


def test_attachments_keep_bytes_and_content_type_parameters() -> None:
    pdf = bytes(range(256)) * 4
    message = roundtrip(
        build_message(
            mail_from="no-reply@x.example",
            to="a@example.org",
            mail=MAIL,
            now=NOW,
            attachments=[
                Attachment("rendez-vous.ics", "text/calendar; method=REQUEST; charset=utf-8", ICS),
                Attachment("facture.pdf", "application/pdf", pdf),
            ],
        )
    )
    assert message.get_content_type() == "multipart/mixed"
    assert body(message, "plain") == "Bonjour,\n"
    calendar, document = message.iter_attachments()
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_filename() == "rendez-vous.ics"
    assert calendar.get_payload(decode=True) == ICS
    assert document.get_content_type() == "application/pdf"
    assert document.get_payload(decode=True) == pdf


@pytest.mark.parametrize(
    "to", ["not-an-address", "a@example.org\r\nBcc: b@example.org", "Anne <a@x.org>"]
)
def test_recipient_must_be_one_plain_address(to: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 (the email package's own messages vary)
        build_message(mail_from="no-reply@x.example", to=to, mail=MAIL, now=NOW)


@pytest.mark.parametrize("content_type", ["multipart/mixed", "not a type"])
def test_attachment_types_are_checked(content_type: str) -> None:
    with pytest.raises(ValueError, match="attachment"):
        build_message(
            mail_from="no-reply@x.example",
            to="a@example.org",
            mail=MAIL,
            now=NOW,
            attachments=[Attachment("x", content_type, b"x")],
        )
