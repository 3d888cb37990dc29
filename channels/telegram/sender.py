"""The core's Sender port for channel "telegram": outbox messages to members and chats, through aiogram."""

from __future__ import annotations

import logging

import aiohttp
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from channels.telegram.callbacks import MemberFeedback, Signer
from channels.telegram.config import TelegramConfig
from channels.telegram.markup import esc, split_escaped
from channels.telegram.member_desk import message_key, record_blocked
from channels.telegram.texts import text
from helpdesk.domain.errors import ConfigError, PermanentFailure, TemporaryFailure
from helpdesk.domain.outbound import OutboundMessage
from helpdesk.services.context import DeskContext

log = logging.getLogger(__name__)


def feedback_keyboard(number: str, language: str, signer: Signer) -> InlineKeyboardMarkup:
    """满意 / 不满意 under a result (Art. 15-16)."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text="👍 " + text("satisfied", language), callback_data=signer.pack(MemberFeedback(n=number, ok=1))),
                InlineKeyboardButton(text="👎 " + text("dissatisfied", language), callback_data=signer.pack(MemberFeedback(n=number, ok=0))),
            ]
        ]
    )


class TelegramSender:
    """Sends one outbox row as one or more Telegram messages; maps Telegram's errors to the outbox's."""

    channel = "telegram"

    def __init__(self, bot: Bot, config: TelegramConfig, ctx: DeskContext) -> None:
        self.bot, self.config, self.ctx = bot, config, ctx
        self.signer = Signer(config.callback_secret)
        # Chunks of a long message already delivered, per outbox row: a retry after a 429 sends only the rest.
        self.progress: dict[int, list[str]] = {}

    async def send(self, message: OutboundMessage) -> str | None:
        """Deliver the message; return the Telegram ids of its parts (`tg:<chat>:<message>`, space-separated)."""
        try:
            chat_id = self.config.chat_for(message.recipient)
        except (ValueError, ConfigError) as exc:
            raise PermanentFailure(f"{message.recipient!r} is no Telegram chat: {exc}") from exc
        head = f"<b>{esc(message.subject)}</b>\n\n" if message.subject else ""
        chunks = split_escaped(message.body, head=head)
        keyboard = None
        if message.kind == "result" and message.ticket_number:
            keyboard = feedback_keyboard(message.ticket_number, message.language, self.signer)
        done = self.progress.setdefault(message.outbox_id, [])
        try:
            for index in range(len(done), len(chunks)):
                last = index == len(chunks) - 1
                sent = await self.bot.send_message(
                    chat_id=chat_id, text=chunks[index], parse_mode="HTML", reply_markup=keyboard if last else None
                )
                done.append(message_key(chat_id, sent.message_id))
        except TelegramRetryAfter as exc:
            raise TemporaryFailure(f"Telegram rate limit: {exc.message}", retry_after=float(exc.retry_after)) from exc
        except TelegramForbiddenError as exc:
            self.progress.pop(message.outbox_id, None)
            if chat_id > 0:
                await record_blocked(self.ctx, message.recipient, message.ticket_number, exc.message)
            raise PermanentFailure(f"Telegram refused ({exc.message}); not retried") from exc
        except TelegramBadRequest as exc:
            self.progress.pop(message.outbox_id, None)
            raise PermanentFailure(f"Telegram rejected the message: {exc.message}") from exc
        except (TimeoutError, TelegramNetworkError, TelegramServerError, aiohttp.ClientError) as exc:
            raise TemporaryFailure(f"Telegram unreachable: {type(exc).__name__}: {exc}") from exc
        return " ".join(self.progress.pop(message.outbox_id))


def telegram_sender(ctx: DeskContext, config: TelegramConfig, bot: Bot) -> TelegramSender:
    """The sender factory the composition root registers under channel "telegram"."""
    return TelegramSender(bot, config, ctx)
