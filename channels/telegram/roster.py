"""Who a Telegram user is on the desk: the config's staff list and the users table, never what a button claims."""

from __future__ import annotations

from sqlalchemy import select

from channels.telegram.config import TelegramConfig
from helpdesk.domain.roles import Actor
from helpdesk.services.context import DeskContext
from helpdesk.store.schema import User


async def actor_for(ctx: DeskContext, config: TelegramConfig, telegram_user_id: int) -> Actor | None:
    """The Actor of a Telegram user, or None if they are on neither list.

    A linked user row gives the name (needed for "assign to me"); the config's role, when present,
    is authoritative, so taking someone off the config list takes their buttons away at once.
    """
    async with ctx.sessions() as session:
        user = await session.scalar(select(User).where(User.telegram_user_id == telegram_user_id, User.active.is_(True)))
    role = config.staff.get(telegram_user_id)
    if user is not None:
        return Actor(name=user.name, role=role or user.role, user_id=user.id)
    if role is not None:
        return Actor(name=f"tg{telegram_user_id}", role=role)
    return None
