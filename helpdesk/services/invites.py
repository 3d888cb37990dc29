"""One-time invitations that bind a member's chat account (issued by staff, redeemed by a channel)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select

from helpdesk.domain.errors import NotFound
from helpdesk.services.context import DeskContext
from helpdesk.store.schema import Member, MemberInvite

INVITE_DAYS = 7


async def issue_invite(ctx: DeskContext, member_no: str, days: int = INVITE_DAYS) -> str:
    """A fresh one-time token for the member, valid for `days` days."""
    async with ctx.sessions.begin() as session:
        member = await session.scalar(select(Member).where(Member.member_no == member_no))
        if member is None:
            raise NotFound(f"no member {member_no!r}")
        now = ctx.now()
        token = secrets.token_urlsafe(16)
        session.add(MemberInvite(token=token, member_id=member.id, created_at=now, expires_at=now + timedelta(days=days)))
    return token


def invite_link(bot_username: str, token: str) -> str:
    """The t.me deep link that opens the bot with /start <token>."""
    return f"https://t.me/{bot_username.lstrip('@')}?start={token}"
