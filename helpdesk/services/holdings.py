"""Running clocks as the timer and leadership see them: the ticket (or joint group), who holds it, what it is about."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk.domain import clocks
from helpdesk.domain.clocks import ClockKind
from helpdesk.domain.escalation import ClockState, late_working_days
from helpdesk.notices import format_due
from helpdesk.services import joint
from helpdesk.services.context import DeskContext
from helpdesk.store.schema import Clock, ProposalRow, Ticket, User

CHUNK = 500  # ids per IN list, well inside every driver's limit on bound parameters


@dataclass(frozen=True)
class Holding:
    """One running clock of a ticket, or the one clock of a joint group (Art. 14), with what a message needs."""

    clock_id: int
    ticket_id: int
    number: str
    kind: str
    tier: str | None
    started_at: datetime
    due_at: datetime
    working_days: int
    progress_updates: bool
    subject: str
    member: str
    holder: str | None
    holder_email: str | None
    holder_telegram: str | None
    escalation_level: int
    ticket_ids: tuple[int, ...]
    numbers: tuple[str, ...]
    group_title: str | None = None
    summary: str | None = None

    @property
    def state(self) -> ClockState:
        """The clock as the pure decisions see it."""
        return ClockState(self.kind, self.started_at, self.due_at, self.working_days, self.progress_updates)


def _member(ticket: Ticket) -> str:
    if ticket.member is not None:
        name = ticket.member.organisation or ticket.member.contact_name or ticket.member.member_no
        return f"{name}（{ticket.member.member_no}）" if name != ticket.member.member_no else name
    return ticket.sender_name or ticket.sender_address


def _holding(ctx: DeskContext, clock: Clock, ticket: Ticket, owner: User | None = None) -> Holding:
    tier = ctx.policy.tier(ticket.tier) if ticket.tier and clock.kind == ClockKind.PROCESSING else None
    assignee = owner if owner is not None else ticket.assignee
    return Holding(
        clock_id=clock.id,
        ticket_id=ticket.id,
        number=ticket.number,
        kind=clock.kind,
        tier=ticket.tier,
        started_at=clock.started_at,
        due_at=clock.due_at,
        working_days=clock.working_days,
        progress_updates=bool(tier and tier.progress_updates),
        subject=ticket.subject,
        member=_member(ticket),
        holder=(assignee.display_name or assignee.name) if assignee else None,
        holder_email=assignee.email if assignee else None,
        holder_telegram=str(assignee.telegram_user_id) if assignee and assignee.telegram_user_id else None,
        escalation_level=ticket.escalation_level,
        ticket_ids=(ticket.id,),
        numbers=(ticket.number,),
    )


async def running_until(session: AsyncSession, ctx: DeskContext, edge: datetime) -> list[Holding]:
    """Every running clock due by `edge`, one per joint group for processing: an index range, never a scan."""
    # Clocks alone first: joined to tickets, PostgreSQL misjudges the range (closed clocks skew the
    # statistics of due_at) and plans a parallel hash join that costs more than the sweep itself.
    running = list(
        await session.scalars(select(Clock).where(Clock.stopped_at.is_(None), Clock.due_at <= edge).order_by(Clock.due_at, Clock.id))
    )
    if not running:
        return []
    ids = sorted({c.ticket_id for c in running})
    by_id: dict[int, Ticket] = {}
    for start in range(0, len(ids), CHUNK):
        by_id.update({t.id: t for t in (await session.scalars(select(Ticket).where(Ticket.id.in_(ids[start : start + CHUNK])))).unique()})
    rows = [(c, by_id[c.ticket_id]) for c in running if c.ticket_id in by_id]
    grouped = {t.joint_group_id for c, t in rows if t.joint_group_id is not None and c.kind == ClockKind.PROCESSING}
    groups = await joint.group_clocks(session, grouped) if grouped else {}
    holdings = []
    for clock, ticket in rows:
        group = groups.get(ticket.joint_group_id) if clock.kind == ClockKind.PROCESSING else None
        if group is None:
            holdings.append(_holding(ctx, clock, ticket))
        elif group.clock.id == clock.id:
            base = _holding(ctx, clock, ticket, owner=group.owner)
            holdings.append(replace(base, ticket_ids=group.ticket_ids, numbers=group.numbers, group_title=group.title))
    return holdings


async def with_summaries(session: AsyncSession, holdings: Sequence[Holding]) -> list[Holding]:
    """The holdings with the assistant's latest summary of each ticket (the subject stands in when there is none)."""
    ids = sorted({h.ticket_id for h in holdings})
    found: dict[int, str] = {}
    for start in range(0, len(ids), CHUNK):
        rows = await session.execute(
            select(ProposalRow.ticket_id, ProposalRow.summary).where(ProposalRow.ticket_id.in_(ids[start : start + CHUNK])).order_by(ProposalRow.id)
        )
        found.update({ticket_id: text for ticket_id, text in rows if text})
    return [replace(h, summary=found.get(h.ticket_id)) for h in holdings]


def clock_name(ctx: DeskContext, holding: Holding, language: str) -> str:
    """The clock by its name in the regulation, e.g. 受理审核答复 or 处理时限（一般诉求）."""
    policy, en = ctx.policy, language.startswith("en")
    if holding.kind == ClockKind.PROCESSING:
        tier = policy.tier(holding.tier).name(language) if holding.tier else ""
        return f"Processing ({tier})" if en else f"处理时限（{tier}）"
    limit = {"review": policy.review, "result": policy.result, "reprocessing": policy.reprocessing}[holding.kind]
    return limit.name(language)


def describe(ctx: DeskContext, holding: Holding, now: datetime, language: str) -> dict[str, Any]:
    """The values every timer text uses about a holding."""
    zone = ctx.calendar.zone
    return {
        "number": holding.number,
        "numbers": list(holding.numbers),
        "joint": len(holding.numbers) > 1,
        "group_title": holding.group_title,
        "subject": holding.subject,
        "summary": holding.summary or holding.subject,
        "member": holding.member,
        "clock": clock_name(ctx, holding, language),
        "clock_kind": holding.kind,
        "article": clocks.article(ctx.policy, ClockKind(holding.kind), holding.tier if holding.kind == ClockKind.PROCESSING else None),
        "working_days": holding.working_days,
        "started": format_due(holding.started_at, zone, language),
        "due": format_due(holding.due_at, zone, language),
        "late": late_working_days(ctx.calendar, now, holding.due_at),
        "days_left": max(0, ctx.calendar.working_days_left(now, holding.due_at)),
        "holder": holding.holder or ("unassigned" if language.startswith("en") else "未分配"),
        "escalation_level": holding.escalation_level,
    }
