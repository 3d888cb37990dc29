"""Intake: an inbound message becomes a new ticket or joins its thread, exactly once, with a receipt."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk.domain import feedback as feedback_rules
from helpdesk.domain.inbound import InboundMessage, IntakeResult, Skip
from helpdesk.domain.lifecycle import Action, Status
from helpdesk.domain.numbering import find_number
from helpdesk.domain.text import clean_text
from helpdesk.services import tickets
from helpdesk.services.context import DeskContext
from helpdesk.services.feedback import apply_feedback
from helpdesk.services.members import find_member_by_contact
from helpdesk.store.schema import AuditEvent, InboundSkip, Message, Ticket

log = logging.getLogger(__name__)


class IntakeService:
    """The Intake port of the core: every channel hands its parsed messages here."""

    def __init__(self, ctx: DeskContext) -> None:
        self.ctx = ctx

    async def receive(self, message: InboundMessage) -> IntakeResult:
        """Store the message as a new ticket or an addition to one; idempotent on channel + external id."""
        try:
            async with self.ctx.sessions.begin() as session:
                if await _already_seen(session, message.channel, message.external_id):
                    return IntakeResult("duplicate", reason="already received")
                return await self._store(session, message)
        except IntegrityError:
            # Two deliveries of one message racing: the unique key let one through; this is the other.
            async with self.ctx.sessions() as session:
                if await _already_seen(session, message.channel, message.external_id):
                    return IntakeResult("duplicate", reason="already received")
            raise

    async def skip(self, skip: Skip) -> IntakeResult:
        """Record a message deliberately not made a ticket, with its reason (idempotent too)."""
        try:
            async with self.ctx.sessions.begin() as session:
                if await _already_seen(session, skip.channel, skip.external_id):
                    return IntakeResult("duplicate", reason="already received")
                session.add(
                    InboundSkip(
                        channel=skip.channel,
                        external_id=skip.external_id,
                        reason=skip.reason,
                        sender=clean_text(skip.sender_address)[:255],
                        subject=clean_text(skip.subject or "")[:500] or None,
                        original=skip.original,
                        created_at=self.ctx.now(),
                    )
                )
        except IntegrityError:
            return IntakeResult("duplicate", reason="already received")
        log.info("skipped %s message %s from %s: %s", skip.channel, skip.external_id, skip.sender_address, skip.reason)
        return IntakeResult("skip", reason=skip.reason)

    async def _store(self, session: AsyncSession, message: InboundMessage) -> IntakeResult:
        ticket = await self._thread_of(session, message)
        if ticket is not None and ticket.status != Status.CLOSED:
            return await self._append(session, ticket, message)
        ticket = await tickets.open_ticket(session, self.ctx, message, follows=ticket)
        return IntakeResult("ticket", ticket_number=ticket.number)

    async def _thread_of(self, session: AsyncSession, message: InboundMessage) -> Ticket | None:
        """The ticket a message belongs to: by the ids it answers, else by a quoted number from the same sender."""
        if message.replies_to:
            ticket_id = await session.scalar(
                select(Message.ticket_id).where(Message.channel == message.channel, Message.external_id.in_(message.replies_to)).limit(1)
            )
            if ticket_id is not None:
                return await session.get(Ticket, ticket_id)
        number = message.ticket_number or find_number(message.subject)
        if number is None:
            return None
        ticket = await session.scalar(select(Ticket).where(Ticket.number == number))
        if ticket is None:
            return None
        # A quoted number alone is no proof of identity: only the same sender or member may join it.
        member = await find_member_by_contact(session, message.channel, message.sender_address)
        same_sender = ticket.sender_address.lower() == message.sender_address.lower()
        if same_sender or (member is not None and member.id == ticket.member_id):
            return ticket
        return None

    async def _append(self, session: AsyncSession, ticket: Ticket, message: InboundMessage) -> IntakeResult:
        verdict = feedback_rules.read(message.text) if ticket.status == Status.RESOLVED else None
        kind = "feedback" if ticket.status == Status.RESOLVED else "followup"
        await tickets.add_inbound(session, self.ctx, ticket, message, kind=kind)
        if ticket.status == Status.RECEIVED:
            await tickets.supplement(session, self.ctx, ticket, message.text)
        if verdict is not None:
            await apply_feedback(session, self.ctx, ticket, satisfied=verdict, comment=message.text, via=message.channel)
        else:
            tickets.apply(ticket, Action.MEMBER_MESSAGE)
            session.add(
                AuditEvent(
                    ticket_id=ticket.id,
                    at=self.ctx.now(),
                    actor=f"member:{message.sender_address}",
                    action="member_message" if kind == "followup" else "feedback_unclear",
                    detail=message.text[:2000],
                )
            )
        ticket.updated_at = self.ctx.now()
        return IntakeResult("append", ticket_number=ticket.number, feedback=kind == "feedback")


async def _already_seen(session: AsyncSession, channel: str, external_id: str) -> bool:
    seen = await session.scalar(
        select(Message.id).where(Message.channel == channel, Message.direction == "in", Message.external_id == external_id)
    )
    if seen is not None:
        return True
    return await session.scalar(select(InboundSkip.id).where(InboundSkip.channel == channel, InboundSkip.external_id == external_id)) is not None
