"""Opening tickets (number, clocks, receipt, triage job) and sending notices on a ticket's thread."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk.domain.clocks import ClockKind
from helpdesk.domain.inbound import InboundMessage
from helpdesk.domain.lifecycle import Action, Status, transition
from helpdesk.domain.numbering import format_number
from helpdesk.domain.text import clean_text, subject_from
from helpdesk.notices import format_due
from helpdesk.services import clockwork, outbox
from helpdesk.services.context import DeskContext
from helpdesk.services.members import find_member_by_contact
from helpdesk.store.schema import (
    Attachment,
    AuditEvent,
    Job,
    Member,
    MemberContact,
    Message,
    OutboxRow,
    Ticket,
    TicketSequence,
)

REMOTE_CHANNELS = ("email", "telegram")


def notice_values(ctx: DeskContext, ticket: Ticket) -> dict[str, str]:
    """What every notice to the member names: the ticket, whom it greets, the desk and the regulation."""
    english = ticket.language.startswith("en")
    return {
        "number": ticket.number,
        "greeting": ticket.sender_name or ("Member" if english else "会员"),
        "desk_name": ctx.desk_name(ticket.language),
        "regulation": ctx.regulation(ticket.language),
    }


def apply(ticket: Ticket, action: Action) -> Status:
    """Move the ticket through the lifecycle table; IllegalTransition if the table forbids it."""
    new = transition(ticket.status, action)
    ticket.status = new.value
    return new


async def next_number(session: AsyncSession, year: int) -> str:
    """The next ticket number of a year, atomically (an upsert that returns the new sequence)."""
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(TicketSequence)
        .values(year=year, last=1)
        .on_conflict_do_update(index_elements=[TicketSequence.year], set_={"last": TicketSequence.last + 1})
        .returning(TicketSequence.last)
    )
    sequence = (await session.execute(statement)).scalar_one()
    return format_number(year, sequence)


async def open_ticket(session: AsyncSession, ctx: DeskContext, message: InboundMessage, follows: Ticket | None = None) -> Ticket:
    """Register a new ticket from a message: number, review clock (Art. 9), receipt and triage job."""
    now = ctx.now()
    member = await find_member_by_contact(session, message.channel, message.sender_address)
    member_id = message.meta.get("member_id")
    if member is None and member_id:
        member = await session.get(Member, int(member_id))
    year = ctx.calendar.local_date(message.received_at).year
    text = message.text
    if follows is not None:
        text = f"（续 {follows.number}）\n{text}" if not message.language.startswith("en") else f"(follows {follows.number})\n{text}"
    ticket = Ticket(
        number=await next_number(session, year),
        channel=message.channel,
        member_id=member.id if member else None,
        sender_address=clean_text(message.sender_address)[:255],
        sender_name=clean_text(message.sender_name or (member.contact_name if member else None) or "")[:255] or None,
        verified=member is not None,
        language=member.language if member and message.language == "zh" else message.language,
        subject=subject_from(message.subject, message.text),
        text=clean_text(text),
        status=Status.RECEIVED.value,
        received_at=message.received_at,
        created_at=now,
        updated_at=now,
    )
    session.add(ticket)
    await session.flush()
    await add_inbound(session, ctx, ticket, message, kind="grievance")
    review = await clockwork.start_clock(session, ctx, ticket, ClockKind.REVIEW, message.received_at)
    session.add(
        AuditEvent(
            ticket_id=ticket.id,
            at=now,
            actor=message.meta.get("registered_by", f"member:{message.sender_address}"),
            action="registered",
            detail=f"{message.channel}: {ticket.subject}",
            data={"verified": ticket.verified, "follows": follows.number if follows else None},
        )
    )
    if ticket.calendar_warning:
        session.add(AuditEvent(ticket_id=ticket.id, at=now, actor="system:clock", action="calendar_warning", detail=ticket.calendar_warning))
    notice = ctx.notices.render(
        "receipt",
        ticket.language,
        **notice_values(ctx, ticket),
        review_due=format_due(review.due_at, ctx.calendar.zone, ticket.language),
    )
    await send_notice(session, ctx, ticket, "receipt", notice.subject, notice.body, automatic=True, answers=message.external_id)
    session.add(Job(kind="triage", ticket_id=ticket.id, generation=0, status="pending", attempts=0, run_after=now, created_at=now))
    return ticket


async def add_inbound(session: AsyncSession, ctx: DeskContext, ticket: Ticket, message: InboundMessage, kind: str) -> Message:
    """Keep an inbound message (and its attachments, content-addressed) on a ticket's thread."""
    row = Message(
        ticket_id=ticket.id,
        direction="in",
        channel=message.channel,
        kind=kind,
        external_id=message.external_id,
        sender=clean_text(message.sender_address)[:255],
        subject=clean_text(message.subject or "")[:500] or None,
        text=clean_text(message.text),
        original=message.original,
        replies_to=" ".join(message.replies_to) or None,
        created_at=message.received_at,
    )
    for item in message.attachments:
        row.attachments.append(
            Attachment(
                filename=clean_text(item.filename)[:255],
                content_type=item.content_type[:128],
                size=len(item.content),
                sha256=ctx.attachments.put(item.content),
                inline=item.inline,
            )
        )
    session.add(row)
    await session.flush()
    return row


async def supplement(session: AsyncSession, ctx: DeskContext, ticket: Ticket, text: str) -> None:
    """Words added before the admissibility review are part of the grievance: extend its text, triage it again."""
    addition = clean_text(text).strip()
    if not addition or addition in ticket.text:
        return
    ticket.text = f"{ticket.text.rstrip()}\n{addition}"
    generation = await session.scalar(select(func.max(Job.generation)).where(Job.kind == "triage", Job.ticket_id == ticket.id))
    now = ctx.now()
    session.add(Job(kind="triage", ticket_id=ticket.id, generation=(generation or 0) + 1, status="pending", attempts=0, run_after=now, created_at=now))


@dataclass(frozen=True)
class Route:
    """Where a member is reached: a channel and an address, or nowhere remote (hand it over in person)."""

    channel: str | None
    recipient: str | None


async def route_to_member(session: AsyncSession, ticket: Ticket) -> Route:
    """The member's channel: the one they wrote on, else the directory's e-mail, else Telegram."""
    if ticket.channel in REMOTE_CHANNELS:
        return Route(ticket.channel, ticket.sender_address)
    if ticket.member_id is not None:
        contacts = {
            c.kind: c.value for c in await session.scalars(select(MemberContact).where(MemberContact.member_id == ticket.member_id))
        }
        for kind in ("email", "telegram"):
            if kind in contacts:
                return Route(kind, contacts[kind])
    return Route(None, None)


async def send_notice(
    session: AsyncSession,
    ctx: DeskContext,
    ticket: Ticket,
    kind: str,
    subject: str,
    body: str,
    *,
    automatic: bool = False,
    answers: str | None = None,
    stops_clock: int | None = None,
    actor: str = "system:desk",
) -> OutboxRow | None:
    """Queue a message to the member on the ticket's thread; with no remote channel, record it for hand-over."""
    route = await route_to_member(session, ticket)
    now = ctx.now()
    if route.channel is None or route.recipient is None:
        session.add(
            AuditEvent(ticket_id=ticket.id, at=now, actor=actor, action="handed_over", detail=f"{kind}: no remote channel; give it in person\n{body}")
        )
        if stops_clock is not None:
            await clockwork.stop_clock_by_id(session, stops_clock, now)
        return None
    thread = list(
        await session.scalars(
            select(Message.external_id).where(Message.ticket_id == ticket.id, Message.channel == route.channel).order_by(Message.id)
        )
    )
    last_inbound = answers or await session.scalar(
        select(Message.external_id)
        .where(Message.ticket_id == ticket.id, Message.channel == route.channel, Message.direction == "in")
        .order_by(Message.id.desc())
        .limit(1)
    )
    meta: dict[str, Any] = {"stops_clock": stops_clock} if stops_clock is not None else {}
    row = outbox.enqueue(
        session,
        ctx,
        channel=route.channel,
        kind=kind,
        recipient=route.recipient,
        subject=subject,
        body=body,
        ticket_id=ticket.id,
        language=ticket.language,
        in_reply_to=last_inbound,
        references=thread[-20:],
        automatic=automatic,
        meta=meta,
    )
    # The outbound message is part of the thread at once, so a reply to it finds its ticket.
    session.add(
        Message(
            ticket_id=ticket.id,
            direction="out",
            channel=route.channel,
            kind=kind,
            external_id=row.message_id,
            sender=actor,
            recipient=route.recipient,
            subject=subject,
            text=body,
            created_at=now,
        )
    )
    return row
