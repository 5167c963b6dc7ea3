"""Assembles the RFC 5322 message: text and HTML as alternatives, then any attachments."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address, ContentTypeHeader, HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

# CRLF line ends, so the stored bytes are exactly what goes on the wire; quoted-printable or
# base64 bodies (never raw 8-bit), so any relay accepts them with or without 8BITMIME.
MAIL_POLICY = policy.SMTP.clone(cte_type="7bit")

_headers = HeaderRegistry()


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # "application/pdf", "text/calendar; method=REQUEST; charset=utf-8"
    data: bytes


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str
    locale: str


def message_id_domain(mail_from: str) -> str:
    """The sender's domain names our Message-IDs (and avoids a DNS lookup for the host name)."""
    domain = parseaddr(mail_from)[1].rpartition("@")[2]
    return domain or "cartable.invalid"


def _content_type(value: str) -> ContentTypeHeader:
    header = _headers("content-type", value)
    if not isinstance(header, ContentTypeHeader) or header.defects:
        raise ValueError(f"invalid attachment content type: {value!r}")
    if header.maintype == "multipart":
        raise ValueError("an attachment cannot be multipart")
    return header


def build_message(
    *,
    mail_from: str,
    to: str,
    mail: RenderedMail,
    now: datetime,
    attachments: Sequence[Attachment] = (),
) -> EmailMessage:
    # Parsing the address rejects anything that is not one plain addr-spec (and CR/LF).
    recipient = Address(addr_spec=to)
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = mail_from
    message["To"] = recipient.addr_spec
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(now.astimezone(UTC), usegmt=True)
    message["Message-ID"] = make_msgid(domain=message_id_domain(mail_from))
    # RFC 3834: keeps vacation responders from answering a no-reply address.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    for attachment in attachments:
        content_type = _content_type(attachment.content_type)
        message.add_attachment(
            attachment.data,
            maintype=content_type.maintype,
            subtype=content_type.subtype,
            filename=attachment.filename,
            params=dict(content_type.params),
        )
    # Last: making the message multipart moves every Content-* header into the first part.
    message["Content-Language"] = mail.locale
    return message
