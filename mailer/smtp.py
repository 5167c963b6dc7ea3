"""Sending through an SMTP relay with aiosmtplib, configured by one URL.

smtp://host:25                               plain (STARTTLS when the server offers it)
smtp://user:pass@host:587?starttls=true      STARTTLS required, then AUTH
smtps://user:pass@host:465                   implicit TLS
Query parameters: starttls=true|false, timeout=<seconds>.
"""

import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from mailer.protocol import MailerUnavailable

DEFAULT_TIMEOUT_SECONDS = 30.0
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}

# Failures that say nothing about this particular message: the next one would fail too.
_UNAVAILABLE = (
    OSError,  # refused, unreachable, TLS handshake or certificate failures
    aiosmtplib.SMTPConnectError,
    aiosmtplib.SMTPServerDisconnected,
    aiosmtplib.SMTPTimeoutError,
    aiosmtplib.SMTPHeloError,
    aiosmtplib.SMTPAuthenticationError,
    aiosmtplib.SMTPNotSupported,
    aiosmtplib.SMTPSenderRefused,
)


def _flag(name: str, value: str) -> bool:
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ValueError(f"SMTP_URL: {name} must be true or false, not {value!r}")


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    use_tls: bool = False  # implicit TLS from the first byte (smtps://)
    start_tls: bool | None = None  # None: upgrade when the server offers STARTTLS
    timeout: float = DEFAULT_TIMEOUT_SECONDS

    @classmethod
    def from_url(cls, url: str) -> "SmtpConfig":
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError("SMTP_URL must start with smtp:// or smtps://")
        if not parts.hostname:
            raise ValueError("SMTP_URL has no host")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        unknown = set(query) - {"starttls", "timeout"}
        if unknown:
            raise ValueError(f"SMTP_URL: unknown parameters {sorted(unknown)}")
        use_tls = parts.scheme == "smtps"
        start_tls = _flag("starttls", query["starttls"]) if "starttls" in query else None
        if use_tls and start_tls:
            raise ValueError("SMTP_URL: smtps:// is already TLS; starttls=true contradicts it")
        if use_tls:
            default_port, start_tls = 465, False
        else:
            default_port = 587 if start_tls else 25
        username = unquote(parts.username) if parts.username else None
        return cls(
            host=parts.hostname,
            port=parts.port or default_port,
            username=username,
            password=unquote(parts.password or "") if username else None,
            use_tls=use_tls,
            start_tls=start_tls,
            timeout=float(query.get("timeout", DEFAULT_TIMEOUT_SECONDS)),
        )


class SmtpSender:
    """One connection per message; raises MailerUnavailable or the server's refusal."""

    def __init__(self, config: SmtpConfig, *, tls_context: ssl.SSLContext | None = None) -> None:
        self.config = config
        self.tls_context = tls_context

    @classmethod
    def from_url(cls, url: str, *, tls_context: ssl.SSLContext | None = None) -> "SmtpSender":
        return cls(SmtpConfig.from_url(url), tls_context=tls_context)

    async def send(self, message: EmailMessage) -> None:
        config = self.config
        try:
            await aiosmtplib.send(
                message,
                hostname=config.host,
                port=config.port,
                username=config.username,
                password=config.password,
                use_tls=config.use_tls,
                start_tls=config.start_tls,
                timeout=config.timeout,
                tls_context=self.tls_context,
            )
        except _UNAVAILABLE as exc:
            raise MailerUnavailable(f"{type(exc).__name__}: {exc}") from exc
