"""Grievances received in person, at a meeting or on a visit (Art. 6), registered by staff."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select

from helpdesk.domain.errors import DomainError, NotFound
from helpdesk.domain.inbound import InboundMessage, IntakeResult
from helpdesk.domain.roles import Actor, authorize
from helpdesk.services.context import DeskContext
from helpdesk.services.intake import IntakeService
from helpdesk.store.schema import Member

# Art. 6: the offline channels staff register on the member's behalf.
OFFLINE_CHANNELS = {"in_person": "线下受理", "meeting": "会议受理", "visit": "走访受理"}


async def register(
    ctx: DeskContext,
    actor: Actor,
    *,
    member_no: str,
    channel: str,
    text: str,
    subject: str | None = None,
    received_at: datetime | None = None,
) -> IntakeResult:
    """Register an offline grievance for a member from the directory; it gets a number and clocks like any other."""
    authorize(actor, "register")
    if channel not in OFFLINE_CHANNELS:
        raise DomainError(f"channel {channel!r}: registered grievances come {', '.join(OFFLINE_CHANNELS)}")
    if not text.strip():
        raise DomainError("the grievance's content is empty (Art. 9: record what the member asks)")
    async with ctx.sessions() as session:
        member = await session.scalar(select(Member).where(Member.member_no == member_no))
    if member is None:
        raise NotFound(f"no member {member_no!r} in the directory")
    message = InboundMessage(
        channel=channel,
        external_id=f"{channel}:{uuid.uuid4()}",
        received_at=received_at or ctx.now(),
        text=text.strip(),
        subject=subject,
        sender_address=f"member:{member.member_no}",
        sender_name=member.contact_name or member.organisation,
        language=member.language,
        meta={"member_id": str(member.id), "registered_by": actor.label},
    )
    return await IntakeService(ctx).receive(message)
