"""The member bot: /start binding, grievance intake (grouped), /mytickets, and 满意 / 不满意 on a result."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import (
    CallbackQuery,
    ForceReply,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from channels.telegram.callbacks import MemberFeedback
from channels.telegram.context import TelegramDesk
from channels.telegram.invites import bind_by_phone, redeem_invite
from channels.telegram.markup import esc
from channels.telegram.member_desk import my_tickets, record_comment
from channels.telegram.prompts import comment_number
from channels.telegram.texts import language_of, status_name, text
from helpdesk.domain.errors import HelpdeskError
from helpdesk.notices import format_due


def _language(message: Message | CallbackQuery) -> str:
    return language_of(message.from_user.language_code if message.from_user else None)


def _phone_keyboard(language: str) -> ReplyKeyboardMarkup:
    button = KeyboardButton(text=text("share_phone", language), request_contact=True)
    return ReplyKeyboardMarkup(keyboard=[[button]], resize_keyboard=True, one_time_keyboard=True)


async def start(message: Message, command: CommandObject, tg: TelegramDesk) -> None:
    """/start: redeem a deep-link invite if one came with it, else greet and offer to share the phone number."""
    language = _language(message)
    assert message.from_user is not None
    if command.args:
        binding = await redeem_invite(tg.ctx, command.args.strip(), message.from_user.id)
        if binding is None:
            await message.answer(text("invite_invalid", language))
        else:
            await message.answer(text("bound", language, member=binding.label), reply_markup=ReplyKeyboardRemove())
            return
    await message.answer(text("welcome", language, desk=tg.ctx.desk_name(language)), reply_markup=_phone_keyboard(language))


async def contact(message: Message, tg: TelegramDesk) -> None:
    """A shared contact binds the account if it is the member's own number and the directory knows it."""
    language = _language(message)
    assert message.from_user is not None and message.contact is not None
    if message.contact.user_id != message.from_user.id:
        await message.answer(text("contact_not_own", language))
        return
    binding = await bind_by_phone(tg.ctx, message.contact.phone_number, message.from_user.id)
    if binding is None:
        await message.answer(text("contact_unknown", language), reply_markup=ReplyKeyboardRemove())
    else:
        await message.answer(text("bound", language, member=binding.label), reply_markup=ReplyKeyboardRemove())


async def list_mine(message: Message, tg: TelegramDesk) -> None:
    """The member's tickets with status and due date."""
    language = _language(message)
    assert message.from_user is not None
    lines = await my_tickets(tg.ctx, message.from_user.id)
    if not lines:
        await message.answer(text("no_tickets", language))
        return
    rows = [text("my_tickets", language)]
    for line in lines:
        due = f" · {text('due', language)} {format_due(line.due, tg.ctx.calendar.zone, language)}" if line.due else ""
        rows.append(f"<b>{esc(line.number)}</b> {esc(status_name(line.status, language))}{esc(due)}\n{esc(line.subject[:80])}")
    await message.answer("\n\n".join(rows), parse_mode="HTML")


async def help_text(message: Message) -> None:
    """How to use the bot."""
    await message.answer(text("help", _language(message)))


def _comment_on(message: Message) -> dict[str, str] | bool:
    """A reply to our 💬 comment prompt: passes the ticket number to the handler."""
    reply = message.reply_to_message
    number = comment_number(reply.text) if reply is not None and reply.from_user and reply.from_user.is_bot else None
    return {"number": number} if number and message.text else False


async def comment(message: Message, number: str, tg: TelegramDesk) -> None:
    """The optional comment after 满意 / 不满意."""
    assert message.from_user is not None and message.text is not None
    if await record_comment(tg.ctx, number, message.from_user.id, message.text):
        await message.answer(text("comment_saved", _language(message)))


async def unknown_command(message: Message) -> None:
    """A command we do not know: the help, not a grievance."""
    await message.answer(text("help", _language(message)))


async def grievance(message: Message, tg: TelegramDesk) -> None:
    """Text, photos and documents go to intake at once; within the join window they join the chat's fresh ticket."""
    await tg.hand_over([message])


async def feedback(query: CallbackQuery, callback_data: MemberFeedback, tg: TelegramDesk, bot: Bot) -> None:
    """满意 closes, 不满意 reopens (Art. 16); only the member who wrote in may answer, once."""
    language = _language(query)
    if not tg.signer.valid(callback_data):
        await query.answer(text("feedback_refused", language, reason="invalid button"), show_alert=True)
        return
    satisfied = callback_data.ok == 1
    try:
        await tg.staff.feedback(callback_data.n, str(query.from_user.id), satisfied, None, via="telegram")
    except HelpdeskError as exc:
        await query.answer(text("feedback_refused", language, reason=str(exc))[:190], show_alert=True)
        return
    await query.answer(text("satisfied" if satisfied else "dissatisfied", language))
    if query.message is not None:
        await bot.edit_message_reply_markup(chat_id=query.message.chat.id, message_id=query.message.message_id, reply_markup=None)
    done = text("feedback_thanks" if satisfied else "feedback_reopened", language, number=callback_data.n)
    await bot.send_message(chat_id=query.from_user.id, text=done)
    await bot.send_message(
        chat_id=query.from_user.id, text=text("comment_prompt", language, number=callback_data.n), reply_markup=ForceReply()
    )


def member_router() -> Router:
    """A fresh router with these handlers (a router joins one dispatcher only)."""
    router = Router(name="telegram-member")
    router.message.filter(F.chat.type == "private", F.from_user)
    router.message.register(start, CommandStart())
    router.message.register(contact, F.contact)
    router.message.register(list_mine, Command("mytickets"))
    router.message.register(help_text, Command("help"))
    router.message.register(comment, _comment_on)
    router.message.register(unknown_command, F.text.startswith("/"))
    router.message.register(grievance, F.text | F.photo | F.document)
    router.callback_query.register(feedback, MemberFeedback.filter())
    return router
