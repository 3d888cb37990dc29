"""The member's view of a result: satisfied closes the ticket, dissatisfied reopens it (Art. 15-16)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk.domain.clocks import ClockKind
from helpdesk.domain.lifecycle import Action
from helpdesk.notices import format_due
from helpdesk.services import clockwork
from helpdesk.services.context import DeskContext
from helpdesk.services.tickets import apply, notice_values, send_notice
from helpdesk.store.schema import AuditEvent, Ticket


async def apply_feedback(session: AsyncSession, ctx: DeskContext, ticket: Ticket, *, satisfied: bool, comment: str | None, via: str) -> None:
    """Record the member's view; reopen with the 3-working-day reprocessing clock when dissatisfied."""
    now = ctx.now()
    apply(ticket, Action.SATISFIED if satisfied else Action.DISSATISFIED)
    ticket.satisfaction = "satisfied" if satisfied else "dissatisfied"
    ticket.updated_at = now
    # The member answered, so the result evidently reached them (Art. 15).
    await clockwork.stop_clocks(session, ticket.id, (ClockKind.RESULT,), now)
    session.add(
        AuditEvent(
            ticket_id=ticket.id,
            at=now,
            actor=f"member:{ticket.sender_address}",
            action="satisfied" if satisfied else "dissatisfied",
            detail=(comment or "")[:2000] or None,
            data={"via": via},
        )
    )
    if satisfied:
        ticket.closed_at = now
        return
    clock = await clockwork.start_clock(session, ctx, ticket, ClockKind.REPROCESSING, now)
    notice = ctx.notices.render(
        "reopened",
        ticket.language,
        **notice_values(ctx, ticket),
        due=format_due(clock.due_at, ctx.calendar.zone, ticket.language),
    )
    await send_notice(session, ctx, ticket, "reopened", notice.subject, notice.body, automatic=True)
