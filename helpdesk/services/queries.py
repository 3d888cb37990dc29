"""Read models: ticket lists and a ticket's whole record, as plain dicts for tables, JSON and pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk.domain.errors import NotFound
from helpdesk.services.context import DeskContext
from helpdesk.store.schema import AuditEvent, Clock, InboundSkip, Message, ProposalRow, Ticket, User


@dataclass(frozen=True)
class TicketFilter:
    """Which tickets a list shows."""

    status: str | None = None
    category: str | None = None
    tier: str | None = None
    channel: str | None = None
    assignee: str | None = None
    open_only: bool = False
    limit: int = 200


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def summary(ticket: Ticket, ctx: DeskContext, now: datetime) -> dict[str, Any]:
    """One ticket as a list row: number, status, who, what, and time left on its earliest clock."""
    left = ctx.calendar.working_days_left(now, ticket.next_due_at) if ticket.next_due_at else None
    return {
        "number": ticket.number,
        "status": ticket.status,
        "channel": ticket.channel,
        "sender": ticket.sender_address,
        "sender_name": ticket.sender_name,
        "member": ticket.member.member_no if ticket.member else None,
        "organisation": ticket.member.organisation if ticket.member else None,
        "verified": ticket.verified,
        "subject": ticket.subject,
        "category": ticket.category,
        "tier": ticket.tier,
        "assignee": ticket.assignee.name if ticket.assignee else None,
        "received_at": _iso(ticket.received_at),
        "next_due_at": _iso(ticket.next_due_at),
        "working_days_left": left,
        "overdue": bool(ticket.next_due_at and ticket.next_due_at < now),
        "escalation_level": ticket.escalation_level,
        "joint_group": ticket.joint_group_id,
    }


async def list_tickets(ctx: DeskContext, flt: TicketFilter) -> list[dict[str, Any]]:
    """Tickets matching a filter, the most urgent first."""
    query = select(Ticket)
    if flt.status:
        query = query.where(Ticket.status == flt.status)
    if flt.open_only:
        query = query.where(Ticket.status.in_(["received", "accepted", "in_progress", "reopened"]))
    for column, value in ((Ticket.category, flt.category), (Ticket.tier, flt.tier), (Ticket.channel, flt.channel)):
        if value:
            query = query.where(column == value)
    if flt.assignee:
        query = query.join(User, Ticket.assignee_id == User.id).where(User.name == flt.assignee)
    query = query.order_by(Ticket.next_due_at.is_(None), Ticket.next_due_at, Ticket.id.desc()).limit(flt.limit)
    now = ctx.now()
    async with ctx.sessions() as session:
        return [summary(t, ctx, now) for t in (await session.scalars(query)).unique()]


async def ticket_record(ctx: DeskContext, number: str) -> dict[str, Any]:
    """The whole record of a ticket: thread with attachments, clocks, proposal and audit trail (Art. 13)."""
    async with ctx.sessions() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.number == number.strip().upper()))
        if ticket is None:
            raise NotFound(f"no ticket {number}")
        return await _record(session, ctx, ticket)


async def _record(session: AsyncSession, ctx: DeskContext, ticket: Ticket) -> dict[str, Any]:
    now = ctx.now()
    messages = (await session.scalars(select(Message).where(Message.ticket_id == ticket.id).order_by(Message.id))).all()
    clocks = (await session.scalars(select(Clock).where(Clock.ticket_id == ticket.id).order_by(Clock.id))).all()
    proposal = await session.scalar(select(ProposalRow).where(ProposalRow.ticket_id == ticket.id).order_by(ProposalRow.id.desc()).limit(1))
    audit = (await session.scalars(select(AuditEvent).where(AuditEvent.ticket_id == ticket.id).order_by(AuditEvent.id))).all()
    record = summary(ticket, ctx, now)
    record.update(
        text=ticket.text,
        language=ticket.language,
        admissible=ticket.admissible,
        decline_reason=ticket.decline_reason,
        handling_method=ticket.handling_method,
        extensions=ticket.extensions,
        result=ticket.result_text,
        satisfaction=ticket.satisfaction,
        calendar_warning=ticket.calendar_warning,
        attachments=[a.filename for m in messages for a in m.attachments],
        messages=[
            {
                "direction": m.direction,
                "channel": m.channel,
                "kind": m.kind,
                "sender": m.sender,
                "recipient": m.recipient,
                "subject": m.subject,
                "text": m.text,
                "at": _iso(m.created_at),
                "external_id": m.external_id,
                "attachments": [
                    {"filename": a.filename, "content_type": a.content_type, "size": a.size, "sha256": a.sha256} for a in m.attachments
                ],
            }
            for m in messages
        ],
        clocks=[
            {
                "kind": c.kind,
                "started_at": _iso(c.started_at),
                "due_at": _iso(c.due_at),
                "working_days": c.working_days,
                "stopped_at": _iso(c.stopped_at),
                "running": c.stopped_at is None,
                "overdue": c.stopped_at is None and c.due_at < now,
                "extended_reason": c.extended_reason,
            }
            for c in clocks
        ],
        proposal=None
        if proposal is None
        else {
            k: getattr(proposal, k)
            for k in (
                "category", "tier", "admissible", "decline_reason", "joint", "summary", "handling_method", "draft_reply",
                "confidence", "rationale", "engine", "model", "latency_ms", "prompt_tokens", "completion_tokens", "fallback", "fallback_reason",
            )
        },
        audit=[{"at": _iso(e.at), "actor": e.actor, "action": e.action, "detail": e.detail, "data": e.data} for e in audit],
    )
    return record


async def list_skips(ctx: DeskContext, limit: int = 100) -> list[dict[str, Any]]:
    """The most recent inbound messages recorded as skipped, with their reasons."""
    async with ctx.sessions() as session:
        rows = (await session.scalars(select(InboundSkip).order_by(InboundSkip.id.desc()).limit(limit))).all()
    return [{"channel": r.channel, "external_id": r.external_id, "sender": r.sender, "subject": r.subject, "reason": r.reason, "at": _iso(r.created_at)} for r in rows]
