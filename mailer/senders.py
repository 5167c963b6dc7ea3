"""The senders behind the Mailer protocol, and the one the settings ask for."""

from mailer.file_outbox import FileOutboxSender
from mailer.protocol import Mailer, MailerUnavailable
from mailer.smtp import SmtpConfig, SmtpSender
from settings import Settings

__all__ = [
    "FileOutboxSender",
    "Mailer",
    "MailerUnavailable",
    "SmtpConfig",
    "SmtpSender",
    "sender_from_settings",
]


def sender_from_settings(settings: Settings) -> Mailer:
    """SMTP when SMTP_URL is set, otherwise .eml files in MAIL_OUTBOX_DIR."""
    if settings.smtp_url:
        return SmtpSender.from_url(settings.smtp_url)
    return FileOutboxSender(settings.mail_outbox_dir)
