"""Builds the Bot (pointed at the configured API server) and the Dispatcher with its routers and dependencies."""

from __future__ import annotations

import logging

from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, Message

from channels.telegram.callbacks import Signer
from channels.telegram.card_sync import CardSync
from channels.telegram.config import TelegramConfig
from channels.telegram.context import TelegramDesk
from channels.telegram.flood import FloodGate, FloodMiddleware
from channels.telegram.leadership_router import leadership_router
from channels.telegram.member_intake import hand_over
from channels.telegram.member_router import member_router
from channels.telegram.staff_actions import CardDesk
from channels.telegram.staff_router import staff_router
from channels.telegram.texts import language_of, text
from helpdesk.services.context import DeskContext
from helpdesk.services.decisions import StaffDesk
from helpdesk.services.intake import IntakeService

log = logging.getLogger(__name__)


def make_bot(config: TelegramConfig) -> Bot:
    """A Bot whose HTTP client talks to `telegram.api_base` (Telegram, a local Bot API server, or a test stand-in)."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(config.api_base), timeout=config.request_timeout_s)
    return Bot(token=config.token, session=session)


def telegram_desk(ctx: DeskContext, config: TelegramConfig, bot: Bot) -> TelegramDesk:
    """The channel's dependencies over the core's context."""
    signer = Signer(config.callback_secret)
    intake, staff = IntakeService(ctx), StaffDesk(ctx)

    async def flush(messages: list[Message]) -> None:
        try:
            await hand_over(ctx, intake, bot, messages, config.grouping_window_s)
        except Exception:
            user = messages[0].from_user
            await bot.send_message(chat_id=messages[0].chat.id, text=text("intake_failed", language_of(user.language_code if user else None)))
            raise

    return TelegramDesk(
        ctx=ctx,
        config=config,
        intake=intake,
        staff=staff,
        signer=signer,
        cards=CardSync(bot, ctx, config, signer),
        card_desk=CardDesk(ctx, staff, signer),
        hand_over=flush,
    )


async def stray_button(query: CallbackQuery) -> None:
    """A callback no router recognised (unparseable or forged): a clear answer, nothing done."""
    await query.answer("按钮数据无效，未执行任何操作 / invalid button; nothing was done", show_alert=True)


def build_dispatcher(tg: TelegramDesk) -> Dispatcher:
    """Staff and leadership routers first (their chats), the member bot for private chats, then a catch-all for stray buttons."""
    dispatcher = Dispatcher()
    dispatcher["tg"] = tg
    members = member_router()
    members.message.middleware(FloodMiddleware(FloodGate(tg.config.flood_messages, tg.config.flood_window_s)))
    fallback = Router(name="telegram-fallback")
    fallback.callback_query.register(stray_button)
    dispatcher.include_routers(staff_router(), leadership_router(), members, fallback)
    return dispatcher
