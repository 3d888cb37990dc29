"""Staff decisions on a ticket: each checked for role and lifecycle, recorded (Art. 13), and sent via the outbox."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk.domain.clocks import ClockKind
from helpdesk.domain.errors import DomainError, NotFound
from helpdesk.domain.lifecycle import Action, Status
from helpdesk.domain.roles import Actor, authorize
from helpdesk.notices import format_due
from helpdesk.services import clockwork
from helpdesk.services.context import DeskContext
from helpdesk.services.feedback import apply_feedback
from helpdesk.services.tickets import apply, notice_values, send_notice
from helpdesk.store.schema import AuditEvent, JointGroup, Ticket, User


class StaffDesk:
    """The staff actions of the core; every channel (CLI, Telegram, web) calls these and only these."""

    def __init__(self, ctx: DeskContext) -> None:
        self.ctx = ctx

    async def _load(self, session: AsyncSession, number: str) -> Ticket:
        ticket = await session.scalar(select(Ticket).where(Ticket.number == number.strip().upper()).with_for_update(of=Ticket))
        if ticket is None:
            raise NotFound(f"no ticket {number}")
        return ticket

    def _record(self, session: AsyncSession, ticket: Ticket, actor: Actor, action: str, detail: str | None, **data: Any) -> None:
        now = self.ctx.now()
        ticket.updated_at = now
        session.add(AuditEvent(ticket_id=ticket.id, at=now, actor=actor.label, action=action, detail=detail, data=data or None))

    def _common(self, ticket: Ticket) -> dict[str, Any]:
        return notice_values(self.ctx, ticket)

    async def accept(self, actor: Actor, number: str, category: str, tier: str, reply_text: str | None = None) -> Ticket:
        """Accept with category and tier: stops the review clock when the answer goes out, starts processing (Art. 9, 11)."""
        authorize(actor, "accept")
        policy = self.ctx.policy
        cat, level = policy.category(category), policy.tier(tier)
        async with self.ctx.sessions.begin() as session:
            ticket = await self._load(session, number)
            apply(ticket, Action.ACCEPT)
            ticket.category, ticket.tier, ticket.admissible = cat.key, level.key, True
            ticket.handling_method = ticket.handling_method or cat.handling
            now = self.ctx.now()
            review = await clockwork.running_clock(session, ticket.id, ClockKind.REVIEW)
            processing = await clockwork.start_clock(session, self.ctx, ticket, ClockKind.PROCESSING, now, tier=level.key)
            notice = self.ctx.notices.render(
                "accepted",
                ticket.language,
                **self._common(ticket),
                category=cat.name(ticket.language),
                tier=level.name(ticket.language),
                tier_article=level.article,
                working_days=level.working_days,
                due=format_due(processing.due_at, self.ctx.calendar.zone, ticket.language),
                text=(reply_text or "").strip(),
            )
            await send_notice(session, self.ctx, ticket, "accepted", notice.subject, notice.body, stops_clock=review.id if review else None, actor=actor.label)
            self._record(session, ticket, actor, "accept", reply_text, category=cat.key, tier=level.key)
        return ticket

    async def decline(self, actor: Actor, number: str, reason: str, text: str | None = None) -> Ticket:
        """Decline with a reason of Art. 8 and guidance to other channels (Art. 9 (3))."""
        authorize(actor, "decline")
        why = self.ctx.policy.decline_reason(reason)
        async with self.ctx.sessions.begin() as session:
            ticket = await self._load(session, number)
            apply(ticket, Action.DECLINE)
            ticket.admissible, ticket.decline_reason = False, why.key
            review = await clockwork.running_clock(session, ticket.id, ClockKind.REVIEW)
            notice = self.ctx.notices.render(
                "declined",
                ticket.language,
                **self._common(ticket),
                reason=why.name(ticket.language),
                reason_article=why.article,
                guidance=why.guidance(ticket.language),
                text=(text or "").strip(),
            )
            await send_notice(session, self.ctx, ticket, "declined", notice.subject, notice.body, stops_clock=review.id if review else None, actor=actor.label)
            self._record(session, ticket, actor, "decline", text, reason=why.key)
        return ticket

    async def approve_reply(self, actor: Actor, number: str, text: str) -> Ticket:
        """Send a reply the staff member approved (edited or not): the only way words reach the member."""
        authorize(actor, "reply")
        if not text.strip():
            raise DomainError("an empty reply cannot be approved")
        async with self.ctx.sessions.begin() as session:
            ticket = await self._load(session, number)
            apply(ticket, Action.REPLY)
            notice = self.ctx.notices.render("reply", ticket.language, **self._common(ticket), text=text.strip())
            await send_notice(session, self.ctx, ticket, "reply", notice.subject, notice.body, actor=actor.label)
            self._record(session, ticket, actor, "reply", text)
        return ticket

    async def answer(self, actor: Actor, number: str, text: str, category: str = "policy_consultation") -> Ticket:
        """Accept and resolve a simple grievance in one step, the result going out at once (Art. 11 (1))."""
        authorize(actor, "answer")
        cat = self.ctx.policy.category(category)
        async with self.ctx.sessions.begin() as session:
            ticket = await self._load(session, number)
            apply(ticket, Action.ANSWER)
            ticket.category, ticket.tier, ticket.admissible = cat.key, "simple", True
            ticket.handling_method = ticket.handling_method or cat.handling
            now = self.ctx.now()
            await clockwork.stop_clocks(session, ticket.id, (ClockKind.REVIEW,), now)
            await self._send_result(session, ticket, text, actor)
            self._record(session, ticket, actor, "answer", text, category=cat.key, tier="simple")
        return ticket

    async def resolve(self, actor: Actor, number: str, result_text: str) -> Ticket:
        """Record the result and send it; the result clock (Art. 15) runs until it is delivered."""
        authorize(actor, "resolve")
        if not result_text.strip():
            raise DomainError("a result needs its text (Art. 15)")
        async with self.ctx.sessions.begin() as session:
            ticket = await self._load(session, number)
            apply(ticket, Action.RESOLVE)
            await clockwork.stop_clocks(session, ticket.id, (ClockKind.PROCESSING, ClockKind.REPROCESSING, ClockKind.REVIEW), self.ctx.now())
            await self._send_result(session, ticket, result_text, actor)
            self._record(session, ticket, actor, "resolve", result_text)
        return ticket

    async def _send_result(self, session: AsyncSession, ticket: Ticket, text: str, actor: Actor) -> None:
        now = self.ctx.now()
        ticket.resolved_at, ticket.result_text, ticket.satisfaction = now, text.strip(), None
        clock = await clockwork.start_clock(session, self.ctx, ticket, ClockKind.RESULT, now)
        notice = self.ctx.notices.render("result", ticket.language, **self._common(ticket), text=text.strip())
        await send_notice(session, self.ctx, ticket, "result", notice.subject, notice.body, stops_clock=clock.id, actor=actor.label)

    async def assign(self, actor: Actor, number: str, assignee: str) -> Ticket:
        """Give the ticket to a staff member (by user name)."""
        authorize(actor, "assign")
        async with self.ctx.sessions.begin() as session:
            user = await session.scalar(select(User).where(User.name == assignee, User.active.is_(True)))
            if user is None:
                raise NotFound(f"no active user {assignee!r}")
            ticket = await self._load(session, number)
            apply(ticket, Action.ASSIGN)
            ticket.assignee_id = user.id
            self._record(session, ticket, actor, "assign", user.name, assignee=user.name)
        return ticket

    async def note(self, actor: Actor, number: str, text: str, notify_member: bool = False) -> Ticket:
        """Add a progress note to the processing record; optionally tell the member (Art. 11 (2), 13, 14)."""
        authorize(actor, "note")
        if not text.strip():
            raise DomainError("an empty note records nothing")
        async with self.ctx.sessions.begin() as session:
            ticket = await self._load(session, number)
            apply(ticket, Action.NOTE)
            if notify_member:
                notice = self.ctx.notices.render("progress", ticket.language, **self._common(ticket), text=text.strip())
                await send_notice(session, self.ctx, ticket, "progress", notice.subject, notice.body, actor=actor.label)
            self._record(session, ticket, actor, "note", text, notified=notify_member)
        return ticket

    async def extend(self, actor: Actor, number: str, reason: str) -> Ticket:
        """Extend a major grievance's limit once, the reason shown to the member (Art. 11 (3))."""
        authorize(actor, "extend")
        if not reason.strip():
            raise DomainError("an extension needs a reason shown to the member (Art. 11 (3))")
        async with self.ctx.sessions.begin() as session:
            ticket = await self._load(session, number)
            tier = self.ctx.policy.tier(ticket.tier or "")
            if not tier.extendable or ticket.extensions >= tier.max_extensions:
                raise DomainError(f"{ticket.number}: tier {tier.key!r} allows {tier.max_extensions} extension(s); {ticket.extensions} used")
            apply(ticket, Action.EXTEND)
            clock = await clockwork.running_clock(session, ticket.id, ClockKind.PROCESSING)
            if clock is None:
                raise DomainError(f"{ticket.number}: no processing clock is running")
            last = self.ctx.calendar.local_date(clock.due_at)
            clock.due_at = self.ctx.calendar.close_of_business(self.ctx.calendar.add_working_days(last, tier.extension_working_days))
            clock.working_days += tier.extension_working_days
            clock.extended_reason = reason.strip()
            ticket.extensions += 1
            await clockwork.refresh_next_due(session, ticket.id)
            notice = self.ctx.notices.render(
                "extended", ticket.language, **self._common(ticket), text=reason.strip(), due=format_due(clock.due_at, self.ctx.calendar.zone, ticket.language)
            )
            await send_notice(session, self.ctx, ticket, "extended", notice.subject, notice.body, actor=actor.label)
            self._record(session, ticket, actor, "extend", reason, due=clock.due_at.isoformat())
        return ticket

    async def recategorise(self, actor: Actor, number: str, category: str | None = None, tier: str | None = None) -> Ticket:
        """Change category or tier; a new tier recounts the processing clock from its start."""
        authorize(actor, "recategorise")
        async with self.ctx.sessions.begin() as session:
            ticket = await self._load(session, number)
            apply(ticket, Action.RECATEGORISE)
            if category:
                ticket.category = self.ctx.policy.category(category).key
            if tier and tier != ticket.tier:
                ticket.tier = self.ctx.policy.tier(tier).key
                clock = await clockwork.running_clock(session, ticket.id, ClockKind.PROCESSING)
                if clock is not None:
                    days = self.ctx.policy.tier(tier).working_days
                    clock.due_at = self.ctx.calendar.due_after(clock.started_at, days).at
                    clock.working_days = days
                    await clockwork.refresh_next_due(session, ticket.id)
            self._record(session, ticket, actor, "recategorise", None, category=ticket.category, tier=ticket.tier)
        return ticket

    async def close(self, actor: Actor, number: str, reason: str) -> Ticket:
        """Close and archive a resolved or declined ticket (e.g. no answer from the member)."""
        authorize(actor, "close")
        async with self.ctx.sessions.begin() as session:
            ticket = await self._load(session, number)
            apply(ticket, Action.CLOSE)
            now = self.ctx.now()
            ticket.closed_at = now
            await clockwork.stop_clocks(session, ticket.id, tuple(ClockKind), now)
            self._record(session, ticket, actor, "close", reason)
        return ticket

    async def feedback(self, number: str, sender_address: str, satisfied: bool, comment: str | None, via: str) -> Ticket:
        """The member's satisfied / dissatisfied answer, accepted only from the ticket's own sender."""
        async with self.ctx.sessions.begin() as session:
            ticket = await self._load(session, number)
            if ticket.sender_address.lower() != sender_address.lower():
                raise DomainError(f"{ticket.number}: feedback is taken only from the member who wrote in")
            if ticket.status != Status.RESOLVED:
                raise DomainError(f"{ticket.number}: there is no result awaiting the member's view")
            await apply_feedback(session, self.ctx, ticket, satisfied=satisfied, comment=comment, via=via)
        return ticket

    async def link(self, actor: Actor, numbers: list[str], title: str) -> JointGroup:
        """Link several members' tickets into one joint group handled together (Art. 14)."""
        authorize(actor, "link")
        if len(numbers) < 2:
            raise DomainError("a joint grievance links at least two tickets (Art. 14)")
        async with self.ctx.sessions.begin() as session:
            tickets = [await self._load(session, n) for n in numbers]
            group = JointGroup(title=title, created_at=self.ctx.now(), created_by=actor.label)
            session.add(group)
            await session.flush()
            group.lead_ticket_id = tickets[0].id
            for ticket in tickets:
                apply(ticket, Action.LINK)
                ticket.joint_group_id = group.id
                self._record(session, ticket, actor, "link", title, group=group.id, tickets=numbers)
        return group
