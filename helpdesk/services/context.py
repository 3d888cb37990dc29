"""What every service needs, built once by the composition root and passed in."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from helpdesk.domain.calendar import WorkingCalendar
from helpdesk.domain.policy import Policy
from helpdesk.notices import Notices
from helpdesk.settings import OutboxSettings


def utc_now() -> datetime:
    """The real current time, aware and in UTC."""
    return datetime.now(UTC)


class AttachmentStore:
    """Attachment bytes on disk, content-addressed so a file sent twice is kept once."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, content: bytes) -> str:
        """Store the bytes; return their SHA-256."""
        digest = hashlib.sha256(content).hexdigest()
        path = self.path(digest)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".part")
            tmp.write_bytes(content)
            tmp.replace(path)  # atomic: a crash leaves no half file under the real name
        return digest

    def path(self, digest: str) -> Path:
        """Where the bytes of a digest live."""
        return self.root / digest[:2] / digest

    def get(self, digest: str) -> bytes:
        """The stored bytes."""
        return self.path(digest).read_bytes()


@dataclass
class DeskContext:
    """Sessions, the regulation, the calendar, texts and the clock, shared by the services."""

    sessions: async_sessionmaker[AsyncSession]
    policy: Policy
    calendar: WorkingCalendar
    notices: Notices
    attachments: AttachmentStore
    outbox: OutboxSettings
    desk_name_zh: str = "商会秘书处"
    desk_name_en: str = "Chamber Secretariat"
    mail_domain: str = "helpdesk.invalid"
    now: Callable[[], datetime] = utc_now

    def desk_name(self, language: str) -> str:
        """The desk's name in a member's language."""
        return self.desk_name_en if language.startswith("en") else self.desk_name_zh

    def regulation(self, language: str) -> str:
        """The regulation's title in a member's language."""
        return self.policy.name_en if language.startswith("en") else f"《{self.policy.name_zh}》"

    def new_message_id(self) -> str:
        """A globally unique id for an outbound message, stored bare like inbound ids; mail adds <> (RFC 5322 3.6.4)."""
        return f"{uuid.uuid4().hex}@{self.mail_domain}"
