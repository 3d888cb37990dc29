"""The president's office acknowledges a major grievance (Art. 11 (3)) or an escalation, on the record (Art. 13)."""

from __future__ import annotations

from sqlalchemy import select

from helpdesk.domain.errors import NotFound
from helpdesk.domain.roles import Actor, authorize
from helpdesk.services import board
from helpdesk.services.context import DeskContext
from helpdesk.store.schema import AuditEvent, Ticket, TimerEvent


async def acknowledge_ticket(ctx: DeskContext, actor: Actor, number: str) -> int:
    """Record that leadership has seen the ticket; any open escalations of it are acknowledged too. Returns how many."""
    authorize(actor, "acknowledge")
    async with ctx.sessions.begin() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.number == number).with_for_update(of=Ticket))
        if ticket is None:
            raise NotFound(f"no ticket {number}")
        now = ctx.now()
        events = (
            await session.scalars(
                select(TimerEvent).where(
                    TimerEvent.ticket_id == ticket.id, TimerEvent.kind == "escalation", TimerEvent.acknowledged_at.is_(None)
                )
            )
        ).all()
        for event in events:
            event.acknowledged_at, event.acknowledged_by = now, actor.label
        session.add(
            AuditEvent(
                ticket_id=ticket.id,
                at=now,
                actor=actor.label,
                action="acknowledge",
                detail="会长办公会已阅（Telegram）",
                data={"via": "telegram", "escalations": [e.id for e in events], "tier": ticket.tier},
            )
        )
        ticket.updated_at = now
    return len(events)


async def acknowledge_escalation(ctx: DeskContext, actor: Actor, event_id: int) -> str:
    """Acknowledge one timer escalation (the core's board service records it); returns its ticket number."""
    await board.acknowledge(ctx, actor, event_id)
    async with ctx.sessions() as session:
        number = await session.scalar(
            select(Ticket.number).join(TimerEvent, TimerEvent.ticket_id == Ticket.id).where(TimerEvent.id == event_id)
        )
    return number or ""
