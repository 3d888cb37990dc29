"""A member's grouped Telegram messages as one InboundMessage for the core's intake, files downloaded."""

from __future__ import annotations

import json
import logging
import re

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Message

from channels.telegram.member_desk import fresh_ticket, message_key, ticket_of_outbound
from channels.telegram.texts import language_of, text
from helpdesk.domain.inbound import InboundAttachment, InboundMessage, IntakeResult
from helpdesk.services.context import DeskContext
from helpdesk.services.intake import IntakeService

log = logging.getLogger(__name__)

# The Bot API lets bots download files up to 20 MB.
MAX_DOWNLOAD = 20 * 1024 * 1024
SAFE_NAME = re.compile(r"[^\w.\-]+", re.UNICODE)


def safe_filename(name: str | None, fallback: str) -> str:
    """A file name without paths or odd characters (a member's file name is data, not a path)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip(". ")
    cleaned = SAFE_NAME.sub("_", base)[:120]
    return cleaned or fallback


async def _attachments(bot: Bot, message: Message, language: str) -> tuple[list[InboundAttachment], list[str]]:
    """The message's photo (largest size) or document, and notes for files that could not be kept."""
    files: list[tuple[str, str, str, int | None]] = []  # file_id, filename, content type, size
    if message.photo:
        photo = message.photo[-1]
        files.append((photo.file_id, f"photo_{message.message_id}.jpg", "image/jpeg", photo.file_size))
    if message.document:
        doc = message.document
        name = safe_filename(doc.file_name, f"document_{message.message_id}")
        files.append((doc.file_id, name, doc.mime_type or "application/octet-stream", doc.file_size))
    kept, notes = [], []
    for file_id, name, content_type, size in files:
        if size is not None and size > MAX_DOWNLOAD:
            notes.append(text("file_too_big", language, name=name))
            continue
        try:
            data = await bot.download(file_id)
        except TelegramAPIError as exc:
            log.warning("could not download %s from Telegram: %s", name, exc)
            notes.append(text("file_too_big", language, name=name))
            continue
        assert data is not None
        kept.append(InboundAttachment(filename=name, content_type=content_type, content=data.read(), inline=bool(message.photo)))
    return kept, notes


async def to_inbound(ctx: DeskContext, bot: Bot, messages: list[Message], join_window_s: float = 0.0) -> InboundMessage:
    """One grievance from a burst of messages: texts and captions joined, files attached, thread hints kept."""
    first = messages[0]
    user = first.from_user
    assert user is not None
    language = language_of(user.language_code)
    parts: list[str] = []
    attachments: list[InboundAttachment] = []
    replies: list[str] = []
    number = None
    for message in messages:
        words = message.text or message.caption
        if words:
            parts.append(words)
        files, notes = await _attachments(bot, message, language)
        attachments.extend(files)
        parts.extend(notes)
        if message.reply_to_message is not None:
            replies.append(message_key(message.chat.id, message.reply_to_message.message_id))
            number = number or await ticket_of_outbound(ctx, message.chat.id, message.reply_to_message.message_id)
    if number is None and join_window_s > 0:
        # Several messages sent in a short while are one grievance: they join the ticket the first opened.
        number = await fresh_ticket(ctx, user.id, join_window_s)
    body = "\n".join(parts).strip() or text("attachment_only", language)
    original = json.dumps([m.model_dump(mode="json", exclude_none=True) for m in messages], ensure_ascii=False).encode()
    return InboundMessage(
        channel="telegram",
        external_id=message_key(first.chat.id, first.message_id),
        received_at=ctx.now(),
        text=body,
        sender_address=str(user.id),
        sender_name=user.full_name or None,
        original=original,
        attachments=tuple(attachments),
        replies_to=tuple(replies),
        ticket_number=number,
        language=language,
        meta={"telegram_user_id": str(user.id), "chat_id": str(first.chat.id), "username": user.username or ""},
    )


async def hand_over(ctx: DeskContext, intake: IntakeService, bot: Bot, messages: list[Message], join_window_s: float = 0.0) -> IntakeResult:
    """Give the messages to intake at once; a joined message is acknowledged here (a new ticket gets its receipt).

    Nothing waits in memory: the update is committed as a ticket or an addition before aiogram asks
    Telegram for the next batch (polling with handle_as_tasks=False), so a crash loses nothing.
    """
    inbound = await to_inbound(ctx, bot, messages, join_window_s)
    result = await intake.receive(inbound)
    if result.result == "append" and result.ticket_number and not result.feedback:
        await bot.send_message(chat_id=messages[0].chat.id, text=text("appended", inbound.language, number=result.ticket_number))
    return result
