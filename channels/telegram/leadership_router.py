"""The leadership chat: 已阅 on major grievances and escalations, recorded with who and when."""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.types import CallbackQuery, Message

from channels.telegram.callbacks import LeaderAck
from channels.telegram.context import TelegramDesk
from channels.telegram.markup import esc
from channels.telegram.roster import actor_for

log = logging.getLogger(__name__)


async def acknowledge(query: CallbackQuery, callback_data: LeaderAck, tg: TelegramDesk, bot: Bot) -> None:
    """已阅: only someone whose role may acknowledge, in the leadership chat, on a current card."""
    actor = await actor_for(tg.ctx, tg.config, query.from_user.id)
    message = query.message
    if actor is None:
        await query.answer("您不在名单中，未执行 / you are not on the list; nothing was done", show_alert=True)
        return
    if message is None or message.chat.id != tg.config.leadership_chat_id:
        await query.answer("此按钮只在会长办公会群内有效 / this button works only in the leadership chat", show_alert=True)
        return
    card_number = await tg.card_desk.card_of(message.chat.id, message.message_id)
    outcome = await tg.card_desk.acknowledge(actor, callback_data, card_number)
    await query.answer(outcome.message[:190], show_alert=not outcome.ok)
    if not outcome.changed:
        return
    if callback_data.k == "e" and outcome.ok and isinstance(message, Message):
        # The escalation message itself shows who acknowledged it; its button goes away.
        await bot.edit_message_text(
            chat_id=message.chat.id,
            message_id=message.message_id,
            text=f"{message.html_text}\n已阅：{esc(actor.label)}",
            parse_mode="HTML",
            reply_markup=None,
        )
    if card_number:
        try:
            await tg.cards.refresh(card_number)
        except Exception:
            log.exception("card of %s not refreshed after an acknowledgment", card_number)


def leadership_router() -> Router:
    """A fresh router with these handlers (a router joins one dispatcher only)."""
    router = Router(name="telegram-leadership")
    router.callback_query.register(acknowledge, LeaderAck.filter())
    return router
