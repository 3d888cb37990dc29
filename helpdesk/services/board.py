"""What the president's office sees: escalations to acknowledge, major grievances and joint groups."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from helpdesk.domain.errors import DomainError, NotFound
from helpdesk.domain.lifecycle import OPEN_STATUSES
from helpdesk.domain.roles import Actor, authorize
from helpdesk.services.context import DeskContext
from helpdesk.services.queries import summary
from helpdesk.store.schema import AuditEvent, JointGroup, Ticket, TimerEvent


async def escalations(ctx: DeskContext, limit: int = 100) -> list[dict[str, Any]]:
    """Escalations raised by the timer, unacknowledged first, with their tickets."""
    async with ctx.sessions() as session:
        rows = (await session.execute(
            select(TimerEvent, Ticket)
            .join(Ticket, TimerEvent.ticket_id == Ticket.id)
            .where(TimerEvent.kind == "escalation")
            .order_by(TimerEvent.acknowledged_at.is_not(None), TimerEvent.created_at.desc())
            .limit(limit)
        )).all()
    return [
        {
            "id": event.id,
            "number": ticket.number,
            "subject": ticket.subject,
            "status": ticket.status,
            "level": event.level,
            "due_at": event.due_at,
            "raised_at": event.created_at,
            "detail": event.detail,
            "acknowledged_at": event.acknowledged_at,
            "acknowledged_by": event.acknowledged_by,
        }
        for event, ticket in rows
    ]


async def acknowledge(ctx: DeskContext, actor: Actor, event_id: int) -> None:
    """Leadership acknowledges an escalation; recorded on the ticket's processing record (Art. 13)."""
    authorize(actor, "acknowledge")
    async with ctx.sessions.begin() as session:
        event = await session.get(TimerEvent, event_id, with_for_update=True)
        if event is None or event.kind != "escalation":
            raise NotFound(f"no escalation {event_id}")
        if event.acknowledged_at is not None:
            raise DomainError(f"escalation {event_id} was acknowledged already by {event.acknowledged_by}")
        now = ctx.now()
        event.acknowledged_at, event.acknowledged_by = now, actor.label
        session.add(AuditEvent(ticket_id=event.ticket_id, at=now, actor=actor.label, action="acknowledge", detail=event.detail, data={"escalation": event.id, "level": event.level}))


async def major_open(ctx: DeskContext) -> list[dict[str, Any]]:
    """Open grievances of the major tier (Art. 11 (3)), the most urgent first."""
    now = ctx.now()
    async with ctx.sessions() as session:
        tickets = (await session.scalars(
            select(Ticket).where(Ticket.tier == "major", Ticket.status.in_([s.value for s in OPEN_STATUSES]))
            .order_by(Ticket.next_due_at.is_(None), Ticket.next_due_at)
        )).unique().all()
        return [summary(t, ctx, now) for t in tickets]


async def joint_groups(ctx: DeskContext) -> list[dict[str, Any]]:
    """Joint groups (Art. 14) with their tickets' numbers and statuses."""
    async with ctx.sessions() as session:
        groups = (await session.scalars(select(JointGroup).order_by(JointGroup.id.desc()))).all()
        members = (await session.execute(
            select(Ticket.joint_group_id, Ticket.number, Ticket.status, Ticket.sender_name).where(Ticket.joint_group_id.is_not(None)).order_by(Ticket.id)
        )).all()
    by_group: dict[int, list[dict[str, Any]]] = {}
    for group_id, number, status, name in members:
        by_group.setdefault(group_id, []).append({"number": number, "status": status, "sender_name": name})
    return [
        {"id": g.id, "title": g.title, "created_at": g.created_at, "created_by": g.created_by, "tickets": by_group.get(g.id, [])}
        for g in groups
    ]
