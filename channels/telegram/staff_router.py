"""The staff chat: card buttons and replies to prompts or cards, each checked on the server before StaffDesk acts."""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, ForceReply, Message

from channels.telegram.callbacks import StaffAction
from channels.telegram.context import TelegramDesk
from channels.telegram.markup import esc
from channels.telegram.prompts import parse_prompt
from channels.telegram.roster import actor_for
from channels.telegram.staff_actions import Outcome

log = logging.getLogger(__name__)

NOT_STAFF = "您不在秘书处名单中，操作未执行 / you are not on the secretariat's list; nothing was done"


def in_staff_chat(message: Message, tg: TelegramDesk) -> bool:
    """Messages of the configured staff group only."""
    return message.chat.id == tg.config.staff_chat_id


async def _refresh(tg: TelegramDesk, number: str) -> None:
    try:
        await tg.cards.refresh(number)
    except Exception:  # the loop will bring the card up to date; the action itself is done
        log.exception("card of %s not refreshed after an action", number)


async def tap(query: CallbackQuery, callback_data: StaffAction, tg: TelegramDesk, bot: Bot) -> None:
    """A card button: whoever pressed it is looked up on the staff list; the button's claims are verified."""
    actor = await actor_for(tg.ctx, tg.config, query.from_user.id)
    if actor is None:
        await query.answer(NOT_STAFF, show_alert=True)
        return
    message = query.message
    if message is None or message.chat.id != tg.config.staff_chat_id:
        await query.answer("此按钮只在秘书处群内有效 / this button works only in the staff chat", show_alert=True)
        return
    card_number = await tg.card_desk.card_of(message.chat.id, message.message_id)
    outcome = await tg.card_desk.press(actor, callback_data, card_number)
    await query.answer(outcome.message[:190], show_alert=not outcome.ok)
    if outcome.keyboard is not None:
        try:
            await bot.edit_message_reply_markup(chat_id=message.chat.id, message_id=message.message_id, reply_markup=outcome.keyboard)
        except TelegramBadRequest as exc:
            log.info("card keyboard not changed: %s", exc.message)
    if outcome.prompt is not None:
        mention = f'<a href="tg://user?id={query.from_user.id}">{esc(query.from_user.full_name)}</a>'
        first, _, hint = outcome.prompt.partition("\n")
        await bot.send_message(
            chat_id=message.chat.id,
            text=f"{esc(first)}\n{mention} {esc(hint)}",
            parse_mode="HTML",
            reply_markup=ForceReply(selective=True, input_field_placeholder=first[:64]),
            reply_to_message_id=message.message_id,
        )
    if outcome.changed and card_number:
        await _refresh(tg, card_number)


async def staff_reply(message: Message, tg: TelegramDesk, bot: Bot) -> None:
    """Staff's words: a reply to a prompt does that step; a reply to a card is the reply to send (edit)."""
    original = message.reply_to_message
    assert original is not None and message.from_user is not None and message.text is not None
    if original.from_user is None or original.from_user.id != bot.id:
        return  # people talking to each other
    parsed = parse_prompt(original.text)
    if parsed is None:
        number = await tg.card_desk.card_of(message.chat.id, original.message_id)
        if number is None:
            return
        parsed = ("ed", number)
    action, number = parsed
    actor = await actor_for(tg.ctx, tg.config, message.from_user.id)
    outcome = Outcome(False, NOT_STAFF) if actor is None else await tg.card_desk.submit(actor, action, number, message.text)
    await message.reply(("✅ " if outcome.ok else "⛔ ") + outcome.message[:3500])
    if outcome.changed:
        await _refresh(tg, number)


def staff_router() -> Router:
    """A fresh router with these handlers (a router joins one dispatcher only)."""
    router = Router(name="telegram-staff")
    router.callback_query.register(tap, StaffAction.filter())
    router.message.register(staff_reply, in_staff_chat, F.reply_to_message, F.text)
    return router
