"""Binding a Telegram account to a member: one-time deep links staff hand out, or the member's shared phone number."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk.services.context import DeskContext
from helpdesk.store.schema import AuditEvent, Member, MemberContact, MemberInvite

# Telegram's deep-link payload: up to 64 characters of A-Z a-z 0-9 _ -.
TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@dataclass(frozen=True)
class Binding:
    """A Telegram account now linked to a member."""

    member_no: str
    label: str


async def redeem_invite(ctx: DeskContext, token: str, telegram_user_id: int) -> Binding | None:
    """Use a token once to bind the account; None if it is unknown, used or expired."""
    if not TOKEN.match(token):
        return None
    async with ctx.sessions.begin() as session:
        invite = await session.scalar(select(MemberInvite).where(MemberInvite.token == token).with_for_update())
        now = ctx.now()
        if invite is None or invite.used_at is not None or invite.expires_at <= now:
            return None
        invite.used_at, invite.used_by = now, str(telegram_user_id)
        member = await session.get(Member, invite.member_id)
        assert member is not None
        return await _bind(session, ctx, member, telegram_user_id, "invite")


def phone_digits(value: str) -> str:
    """A phone number's digits, without an international 00 prefix."""
    digits = re.sub(r"\D", "", value)
    return digits[2:] if digits.startswith("00") else digits


def same_phone(a: str, b: str) -> bool:
    """Equal numbers, allowing one side to carry a country code the other leaves out (86 138... vs 138...)."""
    x, y = sorted((phone_digits(a), phone_digits(b)), key=len)
    return len(x) >= 7 and y.endswith(x) and len(y) - len(x) <= 3


async def bind_by_phone(ctx: DeskContext, phone: str, telegram_user_id: int) -> Binding | None:
    """Bind the account to the member whose directory phone matches the shared contact; None if none does."""
    digits = phone_digits(phone)
    if len(digits) < 7:
        return None
    async with ctx.sessions.begin() as session:
        candidates = await session.scalars(
            select(MemberContact).where(MemberContact.kind == "phone", MemberContact.value.like(f"%{digits[-7:]}"))
        )
        matches = {c.member_id for c in candidates if same_phone(c.value, phone)}
        if len(matches) != 1:
            return None  # unknown, or ambiguous: never guess whose account this is
        member = await session.get(Member, matches.pop())
        assert member is not None
        return await _bind(session, ctx, member, telegram_user_id, "phone")


async def _bind(session: AsyncSession, ctx: DeskContext, member: Member, telegram_user_id: int, how: str) -> Binding:
    value = str(telegram_user_id)
    contact = await session.scalar(select(MemberContact).where(MemberContact.kind == "telegram", MemberContact.value == value))
    previous = contact.member_id if contact else None
    if contact is None:
        session.add(MemberContact(member_id=member.id, kind="telegram", value=value))
    else:
        contact.member_id = member.id  # the account moves to the member who proved it last
    session.add(
        AuditEvent(
            ticket_id=None,
            at=ctx.now(),
            actor=f"member:{value}",
            action="telegram_bound",
            detail=f"{member.member_no} via {how}",
            data={"member": member.member_no, "via": how, "previous_member_id": previous},
        )
    )
    return Binding(member_no=member.member_no, label=member.organisation or member.contact_name or member.member_no)
