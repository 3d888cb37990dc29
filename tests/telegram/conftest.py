"""Fixtures: the Bot API stand-in, the channel running against it (long polling), the outbox and a fixed triage."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from channels.telegram import TelegramConfig, TelegramSender, make_bot, run_telegram
from helpdesk.app import Desk
from helpdesk.domain.proposal import Proposal
from helpdesk.services.accounts import add_user
from helpdesk.services.members import MemberRow, upsert_member
from helpdesk.services.outbox import Dispatcher
from helpdesk.services.triage_queue import TriageQueue
from helpdesk.store.schema import ChatCard, Ticket
from tests.fakes import FixedTriage
from tests.telegram.botapi_standin import TOKEN, BotApiStandIn, Sent

STAFF_CHAT, LEADERSHIP_CHAT = -1001001, -1002002
MEMBER = {"id": 555001, "is_bot": False, "first_name": "张", "last_name": "经理", "language_code": "zh-hans"}
ENGLISH = {"id": 555002, "is_bot": False, "first_name": "Ann", "language_code": "en-GB"}
STAFF = {"id": 8001, "is_bot": False, "first_name": "Li", "language_code": "zh-hans"}
LEADER = {"id": 8002, "is_bot": False, "first_name": "Wang", "language_code": "zh-hans"}
STRANGER = {"id": 9009, "is_bot": False, "first_name": "Mallory", "language_code": "en"}
DRAFT = "张经理您好：您反映的货款拖欠问题已受理，秘书处将协调对方企业。"


def proposal(**changes: Any) -> Proposal:
    values: dict[str, Any] = dict(
        category="rights_protection", tier="general", admissible=True, decline_reason=None, joint=False,
        summary="会员企业被拖欠货款三十万元，请求协助追讨", handling_method="rights_assistance", draft_reply=DRAFT,
        confidence=0.86, rationale="arrears", engine="fixed",
    )
    values.update(changes)
    return Proposal(**values)


async def eventually(check: Callable[[], Awaitable[Any]] | Callable[[], Any], timeout: float = 6.0) -> Any:
    """Wait until `check()` returns something truthy (the channel works in background tasks)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = check()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.02)


@dataclass
class Harness:
    """The desk, the stand-in, the running channel, the outbox dispatcher and triage, with shortcuts."""

    desk: Desk
    api: BotApiStandIn
    config: TelegramConfig
    outbox: Dispatcher
    sender: TelegramSender
    triage: TriageQueue

    async def ticket(self, number: str | None = None) -> Ticket | None:
        async with self.desk.ctx.sessions() as session:
            query = select(Ticket).order_by(Ticket.id.desc())
            if number:
                query = query.where(Ticket.number == number)
            return await session.scalar(query.limit(1))

    async def card(self, number: str, chat_id: int = STAFF_CHAT) -> Sent:
        """The card of a ticket in a chat, once the card follower has posted it."""

        async def find() -> Sent | None:
            async with self.desk.ctx.sessions() as session:
                row = await session.scalar(
                    select(ChatCard).join(Ticket, ChatCard.ticket_id == Ticket.id).where(Ticket.number == number, ChatCard.chat_id == str(chat_id))
                )
            return self.api.messages.get((chat_id, int(row.message_id))) if row else None

        return await eventually(find)

    async def submit(self, user: dict[str, Any], *texts: str, **fields: Any) -> Ticket:
        """A member writes; wait until intake made (or extended) a ticket and return it."""
        before = await self.ticket()
        for text in texts:
            self.api.message(user, text=text, **fields)

        async def made() -> Ticket | None:
            latest = await self.ticket()
            if latest is None or (before is not None and latest.id == before.id):
                return None
            # Every message of the burst has joined the grievance (texts are added to it before review).
            return latest if all(t in latest.text for t in texts) else None

        ticket = await eventually(made)
        # The member's next grievance comes later than the join window of this one.
        self.desk.ctx.now.advance(seconds=self.config.grouping_window_s + 1)  # type: ignore[attr-defined]
        return ticket

    async def tap(self, user: dict[str, Any], sent: Sent, data: str) -> dict[str, Any]:
        """A user presses a button; returns the bot's answer to the tap."""
        update = self.api.press(user, sent, data)
        query_id = update["callback_query"]["id"]
        return await eventually(lambda: next((a for a in self.api.answers() if a.get("callback_query_id") == query_id), None))


@pytest.fixture
async def api() -> AsyncIterator[BotApiStandIn]:
    standin = await BotApiStandIn().start()
    yield standin
    await standin.stop()


@pytest.fixture
def tg_config(api: BotApiStandIn) -> TelegramConfig:
    section = {
        "api_base": api.base,
        "staff_chat_id": STAFF_CHAT,
        "leadership_chat_id": str(LEADERSHIP_CHAT),
        "bot_username": "chamber_desk_bot",
        "staff": {str(STAFF["id"]): "staff", str(LEADER["id"]): "leadership"},
        "polling_timeout_s": 1,
        "grouping_window_s": 0.15,
        "card_interval_s": 0.05,
        "flood_messages": 6,
        "flood_window_s": 60,
    }
    return TelegramConfig.from_section(section, {"HELPDESK_TELEGRAM_TOKEN": TOKEN})


@pytest.fixture
async def harness(desk: Desk, api: BotApiStandIn, tg_config: TelegramConfig) -> AsyncIterator[Harness]:
    """The channel served by long polling against the stand-in, for the length of a test."""
    await add_user(desk.ctx, "li", "staff", "pw-li", telegram_user_id=STAFF["id"])
    await add_user(desk.ctx, "wang", "leadership", "pw-wang", telegram_user_id=LEADER["id"])
    async with desk.ctx.sessions.begin() as session:
        await upsert_member(session, desk.ctx, MemberRow("M-001", "unit", "华兴贸易有限公司", "张经理", ("+86 138 0013 8000",), (), None, "zh"))
    bot = make_bot(tg_config)
    sender = TelegramSender(bot, tg_config, desk.ctx)
    stop = asyncio.Event()
    task = asyncio.create_task(run_telegram(desk.ctx, tg_config, stop, bot=bot))
    await eventually(lambda: api.calls_of("getUpdates"))
    try:
        yield Harness(desk, api, tg_config, desk.dispatcher({"telegram": sender}), sender, TriageQueue(desk.ctx, FixedTriage(proposal())))
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=10)
        await bot.session.close()
