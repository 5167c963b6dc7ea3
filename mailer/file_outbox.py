"""Without SMTP_URL, mails become .eml files: readable in any mail client, nothing lost."""

import asyncio
import os
import re
import tempfile
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from mailer.message import MAIL_POLICY

_UNSAFE = re.compile(r"[^A-Za-z0-9._@-]+")


def eml_name(message: EmailMessage) -> str:
    """`20261102T080000Z-<message id>.eml`: sorts by date, unique by Message-ID."""
    date_header = message["Date"]
    moment = getattr(date_header, "datetime", None) or datetime.now(UTC)
    stamp = moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    message_id = _UNSAFE.sub("_", str(message["Message-ID"] or "").strip("<> ")) or "no-id"
    return f"{stamp}-{message_id}.eml"


class FileOutboxSender:
    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)

    async def send(self, message: EmailMessage) -> None:
        await asyncio.to_thread(self.write, message)

    def write(self, message: EmailMessage) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.directory / eml_name(message)
        data = message.as_bytes(policy=MAIL_POLICY)
        # Write aside then rename: a reader never sees half a message.
        fd, temporary = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return target
