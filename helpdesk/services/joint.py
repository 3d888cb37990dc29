"""Joint grievances (Art. 14): one clock and one owner per group, and groups proposed from the assistant's joint flag."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk.domain.clocks import ClockKind
from helpdesk.domain.lifecycle import OPEN_STATUSES
from helpdesk.domain.roles import Actor
from helpdesk.services.context import DeskContext
from helpdesk.services.decisions import StaffDesk
from helpdesk.store.schema import Clock, JointGroup, ProposalRow, Ticket, User

OPEN = [s.value for s in OPEN_STATUSES]
SIMILAR = 0.3  # character-bigram overlap of two subjects above which they look like the same matter


@dataclass(frozen=True)
class GroupClock:
    """A joint group's one processing clock (its members' earliest, so no member's limit is missed) and its owner."""

    group_id: int
    title: str
    clock: Clock
    owner: User | None
    ticket_ids: tuple[int, ...]
    numbers: tuple[str, ...]


async def group_clocks(session: AsyncSession, group_ids: Iterable[int]) -> dict[int, GroupClock]:
    """For each group with a running processing clock: that clock, the lead's assignee, the open tickets (lead first)."""
    ids = sorted(set(group_ids))
    groups = {g.id: g for g in await session.scalars(select(JointGroup).where(JointGroup.id.in_(ids)))}
    tickets = list(await session.scalars(select(Ticket).where(Ticket.joint_group_id.in_(ids)).order_by(Ticket.id)))
    running = (
        await session.execute(
            select(Clock, Ticket.joint_group_id)
            .join(Ticket, Ticket.id == Clock.ticket_id)
            .where(Ticket.joint_group_id.in_(ids), Clock.kind == ClockKind.PROCESSING.value, Clock.stopped_at.is_(None))
            .order_by(Clock.due_at, Clock.id)
        )
    ).all()
    found: dict[int, GroupClock] = {}
    for clock, group_id in running:
        if group_id in found:
            continue
        group = groups[group_id]
        members = [t for t in tickets if t.joint_group_id == group_id and t.status in OPEN]
        members.sort(key=lambda t: (t.id != group.lead_ticket_id, t.id))
        lead = next((t for t in tickets if t.id == group.lead_ticket_id), None)
        owner = lead.assignee if lead is not None and lead.assignee is not None else next((t.assignee for t in members if t.assignee), None)
        found[group_id] = GroupClock(group_id, group.title, clock, owner, tuple(t.id for t in members), tuple(t.number for t in members))
    return found


async def link_group(ctx: DeskContext, staff: StaffDesk, actor: Actor, numbers: list[str], title: str) -> JointGroup:
    """Link tickets into a joint group (the first is the lead) and give every member the lead's owner."""
    group = await staff.link(actor, numbers, title)
    async with ctx.sessions() as session:
        lead = await session.get(Ticket, group.lead_ticket_id)
        owner = lead.assignee.name if lead is not None and lead.assignee is not None else None
    if owner is not None:
        await assign_group(ctx, staff, actor, numbers[0], owner)
    return group


async def assign_group(ctx: DeskContext, staff: StaffDesk, actor: Actor, number: str, assignee: str) -> list[str]:
    """Assign a ticket, and every open ticket of its joint group with it: one owner per group (Art. 14)."""
    async with ctx.sessions() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.number == number.strip().upper()))
        numbers = [number]
        if ticket is not None and ticket.joint_group_id is not None:
            numbers = list(
                await session.scalars(
                    select(Ticket.number).where(Ticket.joint_group_id == ticket.joint_group_id, Ticket.status.in_(OPEN)).order_by(Ticket.id)
                )
            )
    for each in numbers:
        await staff.assign(actor, each, assignee)
    return numbers


@dataclass(frozen=True)
class GroupSuggestion:
    """Open tickets the assistant flagged as joint that look like one matter: staff confirm with `link`."""

    numbers: tuple[str, ...]
    title: str
    category: str | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"numbers": list(self.numbers), "title": self.title, "category": self.category, "reason": self.reason}


def _bigrams(text: str) -> set[str]:
    chars = [c for c in text.lower() if c.isalnum()]
    return {a + b for a, b in zip(chars, chars[1:], strict=False)}


def similarity(a: str, b: str) -> float:
    """Jaccard overlap of two texts' character bigrams (works for Chinese without a word segmenter)."""
    left, right = _bigrams(a), _bigrams(b)
    return len(left & right) / len(left | right) if left and right else 0.0


async def suggest_groups(ctx: DeskContext, limit: int = 500) -> list[GroupSuggestion]:
    """Groups to propose: open, unlinked tickets whose latest proposal says joint, clustered by similar subject."""
    async with ctx.sessions() as session:
        latest = select(ProposalRow.ticket_id, ProposalRow.joint, ProposalRow.summary, ProposalRow.category, ProposalRow.id).where(
            ProposalRow.ticket_id.in_(select(Ticket.id).where(Ticket.status.in_(OPEN), Ticket.joint_group_id.is_(None)))
        )
        rows = (await session.execute(latest.order_by(ProposalRow.id))).all()
        flagged: dict[int, tuple[bool, str, str]] = {r.ticket_id: (r.joint, r.summary, r.category) for r in rows}
        ids = [tid for tid, (is_joint, _, _) in flagged.items() if is_joint][:limit]
        tickets = list(await session.scalars(select(Ticket).where(Ticket.id.in_(ids)).order_by(Ticket.id))) if ids else []
    clusters: list[list[Ticket]] = []
    for ticket in tickets:
        text = f"{ticket.subject} {flagged[ticket.id][1]}"
        for cluster in clusters:
            head = cluster[0]
            if similarity(text, f"{head.subject} {flagged[head.id][1]}") >= SIMILAR:
                cluster.append(ticket)
                break
        else:
            clusters.append([ticket])
    return [
        GroupSuggestion(
            numbers=tuple(t.number for t in cluster),
            title=cluster[0].subject,
            category=flagged[cluster[0].id][2],
            reason=f"{len(cluster)} tickets flagged joint by the assistant with similar subjects",
        )
        for cluster in clusters
        if len(cluster) >= 2
    ]
