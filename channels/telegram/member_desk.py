"""What the member bot reads and records beyond intake: their tickets, feedback comments, replies to our messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from helpdesk.services.context import DeskContext
from helpdesk.store.schema import AuditEvent, MemberContact, OutboxRow, Ticket


@dataclass(frozen=True)
class TicketLine:
    """One of a member's tickets as /mytickets lists it."""

    number: str
    status: str
    subject: str
    due: datetime | None


def message_key(chat_id: int, message_id: int) -> str:
    """The id a Telegram message has on the desk (inbound external_id, outbound external_id)."""
    return f"tg:{chat_id}:{message_id}"


async def my_tickets(ctx: DeskContext, telegram_user_id: int, limit: int = 20) -> list[TicketLine]:
    """The member's tickets, newest first: sent from this account, or the bound member's from any channel."""
    address = str(telegram_user_id)
    async with ctx.sessions() as session:
        member_id = await session.scalar(
            select(MemberContact.member_id).where(MemberContact.kind == "telegram", MemberContact.value == address)
        )
        mine = (Ticket.channel == "telegram") & (Ticket.sender_address == address)
        query = select(Ticket).where(or_(mine, Ticket.member_id == member_id) if member_id else mine)
        rows = (await session.scalars(query.order_by(Ticket.id.desc()).limit(limit))).unique().all()
    return [TicketLine(t.number, t.status, t.subject, t.next_due_at) for t in rows]


async def fresh_ticket(ctx: DeskContext, telegram_user_id: int, window_s: float) -> str | None:
    """The member's ticket opened on Telegram within the last `window_s` seconds, which a further message joins."""
    since = ctx.now() - timedelta(seconds=window_s)
    async with ctx.sessions() as session:
        return await session.scalar(
            select(Ticket.number)
            .where(Ticket.channel == "telegram", Ticket.sender_address == str(telegram_user_id), Ticket.created_at >= since)
            .where(Ticket.status.in_(("received", "accepted", "in_progress")))
            .order_by(Ticket.id.desc())
            .limit(1)
        )


async def ticket_of_outbound(ctx: DeskContext, chat_id: int, message_id: int) -> str | None:
    """The ticket number of a message the bot sent (the member replied to it), if it was one of ours."""
    key = message_key(chat_id, message_id)
    async with ctx.sessions() as session:
        rows = await session.execute(
            select(OutboxRow.external_id, Ticket.number)
            .join(Ticket, OutboxRow.ticket_id == Ticket.id)
            .where(OutboxRow.channel == "telegram", OutboxRow.external_id.like(f"%{key}%"))
        )
        for external_id, number in rows:
            if key in (external_id or "").split():
                return number
    return None


async def record_comment(ctx: DeskContext, number: str, telegram_user_id: int, comment: str) -> bool:
    """Keep the member's optional comment on their satisfied / dissatisfied answer; False if not their ticket."""
    address = str(telegram_user_id)
    async with ctx.sessions.begin() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.number == number))
        if ticket is None or ticket.sender_address != address:
            return False
        session.add(
            AuditEvent(ticket_id=ticket.id, at=ctx.now(), actor=f"member:{address}", action="feedback_comment", detail=comment[:2000])
        )
        ticket.updated_at = ctx.now()
    return True


async def record_blocked(ctx: DeskContext, recipient: str, ticket_number: str | None, error: str) -> None:
    """The member blocked the bot: recorded on the ticket (Art. 13), so staff reach them another way."""
    async with ctx.sessions.begin() as session:
        ticket_id = None
        if ticket_number:
            ticket_id = await session.scalar(select(Ticket.id).where(Ticket.number == ticket_number))
        session.add(
            AuditEvent(
                ticket_id=ticket_id,
                at=ctx.now(),
                actor="system:telegram",
                action="member_blocked_bot",
                detail=f"Telegram user {recipient} blocked the bot: {error}",
                data={"recipient": recipient},
            )
        )
