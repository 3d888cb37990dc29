"""The tables of the desk's store (SQLAlchemy 2 declarative); migrations live in store/migrations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# BIGINT ids on PostgreSQL, INTEGER (the rowid alias) on SQLite, so SQLite autoincrements.
Id = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (which keeps no offset) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the store only takes aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(AsyncAttrs, DeclarativeBase):
    """Declarative base of every table; aware datetimes stored as UTC."""

    type_annotation_map = {datetime: UtcDateTime(), dict[str, Any]: JSON}


class Member(Base):
    """A unit or individual member of the chamber (Art. 2)."""

    __tablename__ = "members"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    member_no: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="unit")  # unit | individual
    organisation: Mapped[str | None] = mapped_column(String(255))
    contact_name: Mapped[str | None] = mapped_column(String(128))
    language: Mapped[str] = mapped_column(String(8), default="zh")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    contacts: Mapped[list[MemberContact]] = relationship(back_populates="member", cascade="all, delete-orphan")


class MemberContact(Base):
    """One way to reach a member (email, phone, telegram); unique so a sender maps to one member."""

    __tablename__ = "member_contacts"
    __table_args__ = (UniqueConstraint("kind", "value"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(255))
    member: Mapped[Member] = relationship(back_populates="contacts")


class User(Base):
    """A person of the secretariat or the leadership who acts on tickets."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))  # staff | leadership | admin
    email: Mapped[str | None] = mapped_column(String(255))
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class TicketSequence(Base):
    """The last ticket number handed out per year (one row per year, locked while numbering)."""

    __tablename__ = "ticket_sequences"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class JointGroup(Base):
    """Tickets of several members raised together, handled as one (Art. 14)."""

    __tablename__ = "joint_groups"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    title: Mapped[str] = mapped_column(String(255))
    lead_ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", use_alter=True))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(128))


class Ticket(Base):
    """A member's grievance (会员诉求) from registration to archive."""

    __tablename__ = "tickets"
    __table_args__ = (Index("ix_tickets_status_due", "status", "next_due_at"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    channel: Mapped[str] = mapped_column(String(32))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    sender_address: Mapped[str] = mapped_column(String(255))
    sender_name: Mapped[str | None] = mapped_column(String(255))
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(8), default="zh")
    subject: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(64))
    tier: Mapped[str | None] = mapped_column(String(16))
    admissible: Mapped[bool | None] = mapped_column(Boolean)
    decline_reason: Mapped[str | None] = mapped_column(String(64))
    handling_method: Mapped[str | None] = mapped_column(String(64))
    joint_group_id: Mapped[int | None] = mapped_column(ForeignKey("joint_groups.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="received")
    extensions: Mapped[int] = mapped_column(Integer, default=0)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    # The earliest running clock's due time, kept in step by the services so that the timer's
    # sweep reads one index range instead of every open ticket's clocks.
    next_due_at: Mapped[datetime | None]
    calendar_warning: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    result_text: Mapped[str | None] = mapped_column(Text)
    satisfaction: Mapped[str | None] = mapped_column(String(16))  # satisfied | dissatisfied
    member: Mapped[Member | None] = relationship(lazy="joined")
    assignee: Mapped[User | None] = relationship(lazy="joined")


class Clock(Base):
    """One of the regulation's clocks on a ticket, running until its step is done."""

    __tablename__ = "clocks"
    __table_args__ = (Index("ix_clocks_running_due", "stopped_at", "due_at"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # review | processing | result | reprocessing
    started_at: Mapped[datetime]
    due_at: Mapped[datetime]
    working_days: Mapped[int] = mapped_column(Integer)
    stopped_at: Mapped[datetime | None]
    extended_reason: Mapped[str | None] = mapped_column(Text)


class Message(Base):
    """Every inbound and outbound message, with the channel's id for threading and dedupe."""

    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("channel", "direction", "external_id", name="uq_messages_channel_external"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(8))  # in | out
    channel: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))  # grievance | followup | feedback | receipt | reply | ...
    external_id: Mapped[str] = mapped_column(String(512))
    sender: Mapped[str] = mapped_column(String(255))
    recipient: Mapped[str | None] = mapped_column(String(255))
    subject: Mapped[str | None] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    original: Mapped[bytes | None] = mapped_column(LargeBinary)
    replies_to: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    attachments: Mapped[list[Attachment]] = relationship(lazy="selectin", cascade="all, delete-orphan")


class Attachment(Base):
    """A file a member sent; its bytes live content-addressed under var/attachments."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    inline: Mapped[bool] = mapped_column(Boolean, default=False)


class InboundSkip(Base):
    """An inbound message deliberately not made a ticket, and why: nothing is dropped silently."""

    __tablename__ = "inbound_skips"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(512))
    reason: Mapped[str] = mapped_column(Text)
    sender: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str | None] = mapped_column(String(500))
    original: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class ProposalRow(Base):
    """The triage assistant's proposal for a ticket, with its engine, cost and latency."""

    __tablename__ = "proposals"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(64))
    tier: Mapped[str] = mapped_column(String(16))
    admissible: Mapped[bool] = mapped_column(Boolean)
    decline_reason: Mapped[str | None] = mapped_column(String(64))
    joint: Mapped[bool] = mapped_column(Boolean)
    summary: Mapped[str] = mapped_column(Text)
    handling_method: Mapped[str] = mapped_column(String(64))
    draft_reply: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)
    rationale: Mapped[str] = mapped_column(Text)
    engine: Mapped[str] = mapped_column(String(32))
    model: Mapped[str | None] = mapped_column(String(128))
    latency_ms: Mapped[int | None] = mapped_column(Integer)
    prompt_tokens: Mapped[int | None] = mapped_column(Integer)
    completion_tokens: Mapped[int | None] = mapped_column(Integer)
    fallback: Mapped[bool] = mapped_column(Boolean, default=False)
    fallback_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class AuditEvent(Base):
    """Who did what, when, with what text: the processing record of Art. 13."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None]


class OutboxRow(Base):
    """An outbound message waiting to be sent, being sent, sent or given up on."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8), default="zh")
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    in_reply_to: Mapped[str | None] = mapped_column(String(512))
    references: Mapped[str | None] = mapped_column(Text)
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    meta: Mapped[dict[str, Any] | None]
    # pending -> sending -> sent | dead; `sending` rows whose lease ran out are tried again.
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(512))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class Job(Base):
    """Queued background work (triage after the receipt); a restart finishes what is pending."""

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_due", "status", "run_after"),
        UniqueConstraint("kind", "ticket_id", "generation"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    generation: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="pending", server_default=text("'pending'"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    run_after: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class TimerEvent(Base):
    """A reminder or escalation for a ticket's clock: one row per ticket, clock, kind and level, so none is sent twice."""

    __tablename__ = "timer_events"
    __table_args__ = (UniqueConstraint("ticket_id", "clock_id", "kind", "level", name="uq_timer_events_once"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    clock_id: Mapped[int | None] = mapped_column(ForeignKey("clocks.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # reminder | halftime | escalation
    level: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    detail: Mapped[str | None] = mapped_column(Text)
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(128))


class TimerDigest(Base):
    """The daily digest of overdue tickets to leadership, once per day."""

    __tablename__ = "timer_digests"
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    created_at: Mapped[datetime]
    overdue: Mapped[int] = mapped_column(Integer, default=0)


class MemberInvite(Base):
    """A one-time deep link that binds a Telegram account to a member."""

    __tablename__ = "member_invites"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by: Mapped[str | None] = mapped_column(String(64))


class ChatCard(Base):
    """A ticket's card in a staff or leadership chat, edited in place as the ticket moves."""

    __tablename__ = "chat_cards"
    __table_args__ = (UniqueConstraint("ticket_id", "chat_id", name="uq_chat_cards_ticket_chat"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(32), default="telegram")
    chat_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]


class ChannelCursor(Base):
    """How far a background reader got (e.g. the last audit event a chat adapter showed); survives restarts."""

    __tablename__ = "channel_cursors"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime]
