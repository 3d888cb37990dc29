"""What a channel hands to intake: one inbound message, already parsed, channel-neutral."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class InboundAttachment:
    """A file the member sent; content is kept, the name is already made safe by the channel."""

    filename: str
    content_type: str
    content: bytes
    inline: bool = False


@dataclass(frozen=True)
class InboundMessage:
    """One message from a member (or someone claiming to be one), as a channel parsed it.

    `external_id` is the channel's own id (Message-ID, or a content hash where there is none;
    Telegram chat id + message id) and makes intake idempotent: the same id twice is one message.
    """

    channel: str
    external_id: str
    received_at: datetime
    text: str
    sender_address: str
    sender_name: str | None = None
    subject: str | None = None
    # The whole message as received (raw RFC 822 for email), kept with the message.
    original: bytes | None = None
    attachments: tuple[InboundAttachment, ...] = ()
    # Threading hints: ids of earlier messages this one answers (In-Reply-To, References,
    # Telegram reply_to), and a ticket number quoted in the subject or text.
    replies_to: tuple[str, ...] = ()
    ticket_number: str | None = None
    language: str = "zh"
    # Extra channel facts worth keeping (e.g. Telegram user id, chat id).
    meta: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Skip:
    """An inbound message deliberately not turned into a ticket, and why (auto-reply, bounce, ...)."""

    channel: str
    external_id: str
    reason: str
    sender_address: str = ""
    subject: str | None = None
    original: bytes | None = None


@dataclass(frozen=True)
class IntakeResult:
    """What intake did with one inbound message: `ticket` (new), `append` (joined), `skip` or `duplicate`."""

    result: str
    ticket_number: str | None = None
    reason: str | None = None
    feedback: bool = False


class Intake(Protocol):
    """The port a channel hands its messages to; committed when the call returns."""

    async def receive(self, message: InboundMessage) -> IntakeResult:
        """Store the message as a new ticket or an addition to one; idempotent on channel + external_id."""
        ...

    async def skip(self, skip: Skip) -> IntakeResult:
        """Record a message that deliberately becomes no ticket, with its reason."""
        ...
