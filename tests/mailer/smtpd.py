"""Real aiosmtpd servers for the mail tests, recording what they accept."""

import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

USERNAME = "cartable"
PASSWORD = "s3cret pass/word"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    authenticated_as: str | None

    def message(self) -> EmailMessage:
        parsed = BytesParser(policy=policy.default).parsebytes(self.content)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Recorder:
    """The aiosmtpd handler: keeps every accepted message (it runs in the server's thread)."""

    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        # A way to have one message refused while the server itself is fine.
        if address.startswith("refused"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        auth = session.auth_data
        login = auth.login.decode() if isinstance(auth, LoginPassword) else None
        assert isinstance(envelope.content, bytes)
        with self.lock:
            self.received.append(
                Received(envelope.mail_from or "", list(envelope.rcpt_tos), envelope.content, login)
            )
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [str(item.message()["Message-ID"]) for item in self.received]


def authenticator(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login.decode() == USERNAME
        and auth_data.password.decode() == PASSWORD
    )
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


@contextmanager
def smtp_server(port: int, **smtp_options: Any) -> Iterator[Recorder]:
    """An SMTP server on 127.0.0.1:port until the block ends."""
    recorder = Recorder()
    controller = Controller(
        recorder, hostname="127.0.0.1", port=port, server_hostname="smtp.test", **smtp_options
    )
    controller.start()
    try:
        yield recorder
    finally:
        controller.stop()


@dataclass(frozen=True)
class Certificates:
    server: ssl.SSLContext  # presents a certificate for 127.0.0.1
    client: ssl.SSLContext  # trusts the test CA only


def make_certificates() -> Certificates:
    authority = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1", "localhost").configure_cert(server)
    client = ssl.create_default_context()
    authority.configure_trust(client)
    return Certificates(server=server, client=client)
