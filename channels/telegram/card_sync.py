"""Keeps the chats truthful: follows the processing record and posts or edits each ticket's card in place.

Whatever changed a ticket (web console, CLI, Telegram, the timer) wrote an AuditEvent; this loop reads
them past its ChannelCursor and re-renders the cards of the tickets they touch, so it survives restarts.
"""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from sqlalchemy import func, select

from channels.telegram.callbacks import Signer
from channels.telegram.cards import Card, escalation_keyboard, escalation_text, leadership_card, staff_card
from channels.telegram.config import TelegramConfig
from helpdesk.services.context import DeskContext
from helpdesk.services.queries import ticket_record
from helpdesk.store.schema import AuditEvent, ChannelCursor, ChatCard, Ticket, TimerEvent

log = logging.getLogger(__name__)

AUDIT_CURSOR = "telegram:cards"
ESCALATION_CURSOR = "telegram:escalations"
FINAL = ("closed", "declined")


async def card_version(ctx: DeskContext, ticket_id: int) -> int:
    """A ticket's card version: the id of its latest processing-record entry (0 if none)."""
    async with ctx.sessions() as session:
        return int(await session.scalar(select(func.max(AuditEvent.id)).where(AuditEvent.ticket_id == ticket_id)) or 0)


class CardSync:
    """Posts a card per ticket in the staff chat (and the leadership chat for major ones) and edits it as it moves."""

    def __init__(self, bot: Bot, ctx: DeskContext, config: TelegramConfig, signer: Signer, batch: int = 200) -> None:
        self.bot, self.ctx, self.config, self.signer, self.batch = bot, ctx, config, signer, batch
        self.lock = asyncio.Lock()
        # What this process last put on each card: an unchanged ticket is not re-sent, so a picker a staff
        # member just opened on the card stays open until the ticket itself changes.
        self.shown: dict[tuple[int, str], str] = {}

    async def refresh(self, number: str) -> None:
        """Bring the ticket's cards up to date now (after a tap, without waiting for the loop)."""
        async with self.lock:
            await self._refresh(number)

    async def _refresh(self, number: str) -> None:
        record = await ticket_record(self.ctx, number)
        async with self.ctx.sessions() as session:
            ticket_id = await session.scalar(select(Ticket.id).where(Ticket.number == number))
        assert ticket_id is not None
        version = await card_version(self.ctx, ticket_id)
        zone = self.ctx.calendar.zone
        await self._show(ticket_id, self.config.staff_chat_id, staff_card(record, version, self.signer, self.ctx.policy, zone), record)
        if self.config.leadership_chat_id is not None and (record.get("tier") == "major" or record.get("escalation_level")):
            card = leadership_card(record, version, self.signer, self.ctx.policy, zone)
            await self._show(ticket_id, self.config.leadership_chat_id, card, record)

    async def _show(self, ticket_id: int, chat_id: int, card: Card, record: dict) -> None:
        async with self.ctx.sessions() as session:
            row = await session.scalar(select(ChatCard).where(ChatCard.ticket_id == ticket_id, ChatCard.chat_id == str(chat_id)))
        if row is None and record["status"] in FINAL:
            return  # finished before we ever showed it (e.g. history at first start): no card to post
        content = card.text + (card.keyboard.model_dump_json() if card.keyboard else "")
        if row is not None:
            if self.shown.get((chat_id, row.message_id)) == content:
                return
            try:
                await self.bot.edit_message_text(
                    chat_id=chat_id, message_id=int(row.message_id), text=card.text, parse_mode="HTML", reply_markup=card.keyboard
                )
                self.shown[(chat_id, row.message_id)] = content
                return
            except TelegramBadRequest as exc:
                if "not modified" in exc.message:
                    self.shown[(chat_id, row.message_id)] = content
                    return
                log.warning("card of %s in chat %s could not be edited (%s); posting it again", record["number"], chat_id, exc.message)
        sent = await self.bot.send_message(chat_id=chat_id, text=card.text, parse_mode="HTML", reply_markup=card.keyboard)
        self.shown[(chat_id, str(sent.message_id))] = content
        async with self.ctx.sessions.begin() as session:
            row = await session.scalar(select(ChatCard).where(ChatCard.ticket_id == ticket_id, ChatCard.chat_id == str(chat_id)))
            if row is None:
                session.add(ChatCard(ticket_id=ticket_id, channel="telegram", chat_id=str(chat_id), message_id=str(sent.message_id), updated_at=self.ctx.now()))
            else:
                row.message_id, row.updated_at = str(sent.message_id), self.ctx.now()

    async def run_once(self) -> int:
        """Render the cards touched since the cursor, then post new escalations; return how many were handled."""
        async with self.lock:
            done = await self._cards()
            if self.config.leadership_chat_id is not None:
                done += await self._escalations()
        return done

    async def _cards(self) -> int:
        start = await self._position(AUDIT_CURSOR)
        async with self.ctx.sessions() as session:
            rows = (
                await session.execute(
                    select(AuditEvent.id, Ticket.number)
                    .join(Ticket, AuditEvent.ticket_id == Ticket.id)
                    .where(AuditEvent.id > start)
                    .order_by(AuditEvent.id)
                    .limit(self.batch)
                )
            ).all()
        if not rows:
            return 0
        for number in dict.fromkeys(number for _, number in rows):
            try:
                await self._refresh(number)
            except TelegramRetryAfter:
                raise  # keep the cursor: the same events are read again after the wait
            except Exception:
                log.exception("card of %s could not be shown; moving on", number)
        await self._save(AUDIT_CURSOR, rows[-1][0])
        return len(rows)

    async def _escalations(self) -> int:
        start = await self._position(ESCALATION_CURSOR)
        async with self.ctx.sessions() as session:
            rows = (
                await session.execute(
                    select(TimerEvent, Ticket.number)
                    .join(Ticket, TimerEvent.ticket_id == Ticket.id)
                    .where(TimerEvent.id > start, TimerEvent.kind == "escalation")
                    .order_by(TimerEvent.id)
                    .limit(self.batch)
                )
            ).all()
        for event, number in rows:
            assert self.config.leadership_chat_id is not None
            await self.bot.send_message(
                chat_id=self.config.leadership_chat_id,
                text=escalation_text(number, event.level, event.detail, event.acknowledged_by),
                parse_mode="HTML",
                reply_markup=None if event.acknowledged_at else escalation_keyboard(event.id, self.signer),
            )
            await self._save(ESCALATION_CURSOR, event.id)
        return len(rows)

    async def _position(self, name: str) -> int:
        async with self.ctx.sessions() as session:
            row = await session.get(ChannelCursor, name)
            return int(row.position) if row else 0

    async def _save(self, name: str, position: int) -> None:
        async with self.ctx.sessions.begin() as session:
            row = await session.get(ChannelCursor, name)
            if row is None:
                session.add(ChannelCursor(name=name, position=position, updated_at=self.ctx.now()))
            else:
                row.position, row.updated_at = position, self.ctx.now()

    async def run(self, stop: asyncio.Event) -> None:
        """Follow the record until `stop` is set; waits out rate limits, logs other errors and goes on."""
        while not stop.is_set():
            wait = self.config.card_interval_s
            try:
                if await self.run_once():
                    wait = 0.05
            except TelegramRetryAfter as exc:
                wait = float(exc.retry_after)
                log.warning("cards: Telegram asks to wait %ss", wait)
            except Exception:
                log.exception("card round failed; trying again shortly")
            try:
                await asyncio.wait_for(stop.wait(), timeout=wait)
            except TimeoutError:
                pass
