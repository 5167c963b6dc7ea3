"""SmtpSender against real aiosmtpd servers: plain, STARTTLS with AUTH, implicit TLS."""

from datetime import UTC, datetime

import aiosmtplib
import pytest

from mailer.message import RenderedMail, build_message
from mailer.senders import MailerUnavailable, SmtpConfig, SmtpSender
from tests.mailer.smtpd import PASSWORD, USERNAME, authenticator, make_certificates, smtp_server
from tests.support.backends import free_port

NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
MAIL = RenderedMail(subject="Test é", text="Bonjour\n", html="<p>Bonjour</p>\n", locale="fr")
CREDENTIALS = f"{USERNAME}:{PASSWORD.replace(' ', '%20').replace('/', '%2F')}"


def a_message(to: str = "anne@example.org"):
    return build_message(mail_from="Cartable <no-reply@cartable.test>", to=to, mail=MAIL, now=NOW)


@pytest.fixture(scope="module")
def certificates():
    return make_certificates()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.test", SmtpConfig("mail.test", 25)),
        (
            "smtp://u%40x:p%3Aw@mail.test:2525?starttls=false&timeout=5",
            SmtpConfig("mail.test", 2525, "u@x", "p:w", start_tls=False, timeout=5.0),
        ),
        (
            "smtp://u:p@mail.test?starttls=true",
            SmtpConfig("mail.test", 587, "u", "p", start_tls=True),
        ),
        (
            "smtps://u:p@mail.test",
            SmtpConfig("mail.test", 465, "u", "p", use_tls=True, start_tls=False),
        ),
        ("smtps://mail.test:2465", SmtpConfig("mail.test", 2465, use_tls=True, start_tls=False)),
        ("smtp://u@mail.test", SmtpConfig("mail.test", 25, "u", "")),
    ],
)
def test_smtp_url(url: str, expected: SmtpConfig) -> None:
    assert SmtpConfig.from_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://mail.test",
        "smtp://",
        "smtp://mail.test?starttls=maybe",
        "smtp://mail.test?tls=1",
        "smtps://mail.test?starttls=true",
    ],
)
def test_bad_smtp_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="SMTP_URL"):
        SmtpConfig.from_url(url)


async def test_plain_smtp_delivers() -> None:
    port = free_port()
    with smtp_server(port) as server:
        await SmtpSender.from_url(f"smtp://127.0.0.1:{port}?timeout=5").send(a_message())
    (received,) = server.received
    assert received.mail_from == "no-reply@cartable.test"
    assert received.rcpt_tos == ["anne@example.org"]
    assert received.message()["Subject"] == "Test é"
    assert received.authenticated_as is None


async def test_starttls_with_auth(certificates) -> None:
    port = free_port()
    options = {
        "tls_context": certificates.server,
        "require_starttls": True,
        "auth_required": True,
        "authenticator": authenticator,
    }
    url = f"smtp://{CREDENTIALS}@127.0.0.1:{port}?starttls=true&timeout=5"
    with smtp_server(port, **options) as server:
        await SmtpSender.from_url(url, tls_context=certificates.client).send(a_message())
    (received,) = server.received
    assert received.authenticated_as == USERNAME
    assert received.rcpt_tos == ["anne@example.org"]


async def test_implicit_tls_with_auth(certificates) -> None:
    port = free_port()
    # With implicit TLS aiosmtpd cannot tell the session is encrypted: let it offer AUTH anyway.
    options = {
        "ssl_context": certificates.server,
        "auth_require_tls": False,
        "authenticator": authenticator,
    }
    url = f"smtps://{CREDENTIALS}@127.0.0.1:{port}?timeout=5"
    with smtp_server(port, **options) as server:
        await SmtpSender.from_url(url, tls_context=certificates.client).send(a_message())
    (received,) = server.received
    assert received.authenticated_as == USERNAME


async def test_an_untrusted_certificate_is_refused(certificates) -> None:
    port = free_port()
    # The system trust store does not know the test CA.
    with (
        smtp_server(port, ssl_context=certificates.server) as server,
        pytest.raises(MailerUnavailable),
    ):
        await SmtpSender.from_url(f"smtps://127.0.0.1:{port}?timeout=5").send(a_message())
    assert server.received == []


async def test_wrong_password_means_unavailable(certificates) -> None:
    port = free_port()
    options = {
        "tls_context": certificates.server,
        "require_starttls": True,
        "auth_required": True,
        "authenticator": authenticator,
    }
    url = f"smtp://{USERNAME}:wrong@127.0.0.1:{port}?starttls=true&timeout=5"
    with (
        smtp_server(port, **options) as server,
        pytest.raises(MailerUnavailable, match="SMTPAuthenticationError"),
    ):
        await SmtpSender.from_url(url, tls_context=certificates.client).send(a_message())
    assert server.received == []


async def test_nothing_listening_means_unavailable() -> None:
    with pytest.raises(MailerUnavailable):
        await SmtpSender.from_url(f"smtp://127.0.0.1:{free_port()}?timeout=2").send(a_message())


async def test_a_refused_recipient_is_not_an_outage() -> None:
    port = free_port()
    # The refusal itself reaches the worker, which retries that mail alone.
    with smtp_server(port) as server, pytest.raises(aiosmtplib.SMTPRecipientsRefused):
        await SmtpSender.from_url(f"smtp://127.0.0.1:{port}").send(a_message("refused@example.org"))
    assert server.received == []
