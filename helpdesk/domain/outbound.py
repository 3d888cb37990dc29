"""The sending port: one outbound message, and the channel sender that delivers it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class OutboundMessage:
    """A row of the outbox as a sender sees it; `message_id` is fixed before the first try."""

    outbox_id: int
    channel: str
    kind: str  # receipt | reply | decline | result | progress | escalation | reminder | digest | notice
    recipient: str
    subject: str
    body: str
    message_id: str
    language: str = "zh"
    ticket_number: str | None = None
    # Ids of the member's messages this answers, oldest first, for threading (RFC 5322 3.6.4).
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    # True for the automatic receipt: RFC 3834 says to mark it Auto-Submitted: auto-replied.
    automatic: bool = False
    meta: dict[str, str] = field(default_factory=dict)


class Sender(Protocol):
    """Delivers outbound messages of one channel; raises TemporaryFailure or PermanentFailure."""

    channel: str

    async def send(self, message: OutboundMessage) -> str | None:
        """Deliver the message; return the channel's id for it (for threading), if any."""
        ...
