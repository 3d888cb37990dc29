"""What a tap on a staff card does: checked (signature, card, version, role) and carried out through StaffDesk."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from aiogram.types import InlineKeyboardMarkup
from sqlalchemy import select

from channels.telegram.acknowledgements import acknowledge_escalation, acknowledge_ticket
from channels.telegram.callbacks import LeaderAck, Signer, StaffAction
from channels.telegram.card_sync import card_version
from channels.telegram.cards import OPEN, picker_keyboard, staff_keyboard
from channels.telegram.prompts import prompt_text
from helpdesk.domain.errors import DomainError, HelpdeskError
from helpdesk.domain.roles import Actor, authorize
from helpdesk.services.context import DeskContext
from helpdesk.services.decisions import StaffDesk
from helpdesk.services.queries import ticket_record
from helpdesk.store.schema import ChatCard, Ticket

# The core permission each button needs, checked before anything else happens.
PERMISSION = {
    "ok": "accept", "ed": "reply", "rp": "reply", "nt": "note", "rs": "resolve", "cc": "recategorise", "ct": "recategorise",
    "c": "recategorise", "t": "recategorise", "dc": "decline", "d": "decline", "me": "assign", "bk": "view",
}
PICKERS = {"cc": "c", "ct": "t", "dc": "d"}


@dataclass(frozen=True)
class Outcome:
    """The answer to a tap or a reply: shown to the staff member; `prompt` or `keyboard` when a next step follows."""

    ok: bool
    message: str
    prompt: str | None = None
    keyboard: InlineKeyboardMarkup | None = None
    changed: bool = False


@dataclass(frozen=True)
class SendPlan:
    """What "approve and send" means for this ticket now."""

    step: str  # accept | decline | reply
    category: str | None = None
    tier: str | None = None
    reason: str | None = None
    text: str | None = None


def plan_send(record: dict[str, Any], text: str | None) -> SendPlan:
    """Approve the proposal (or staff's own category and tier) with the draft, or the edited text, as the reply."""
    proposal = record.get("proposal") or {}
    if record["status"] == "received":
        words = text if text is not None else proposal.get("draft_reply")
        chosen = bool(record.get("category") and record.get("tier"))  # staff picked category/tier on the card
        if proposal and not proposal["admissible"] and not chosen:
            return SendPlan("decline", reason=proposal["decline_reason"] or "other_ineligible", text=words)
        category, tier = record.get("category") or proposal.get("category"), record.get("tier") or proposal.get("tier")
        if not category or not tier:
            raise DomainError("还没有助理建议：请先选择分类和级别 / no proposal yet: choose a category and tier first")
        return SendPlan("accept", category=category, tier=tier, text=words)
    if record["status"] in OPEN and text:
        return SendPlan("reply", text=text)
    raise DomainError(f"{record['number']}: 当前状态（{record['status']}）无可批准的答复 / nothing to approve in this status")


class CardDesk:
    """Turns verified card taps and prompt replies into StaffDesk calls, one at a time per ticket."""

    def __init__(self, ctx: DeskContext, staff: StaffDesk, signer: Signer) -> None:
        self.ctx, self.staff, self.signer = ctx, staff, signer
        self.locks: dict[str, asyncio.Lock] = {}

    def _lock(self, number: str) -> asyncio.Lock:
        return self.locks.setdefault(number, asyncio.Lock())

    async def card_of(self, chat_id: int, message_id: int) -> str | None:
        """The ticket whose card is this message, if it is one."""
        async with self.ctx.sessions() as session:
            return await session.scalar(
                select(Ticket.number)
                .join(ChatCard, ChatCard.ticket_id == Ticket.id)
                .where(ChatCard.chat_id == str(chat_id), ChatCard.message_id == str(message_id))
            )

    async def press(self, actor: Actor, data: StaffAction, card_number: str | None) -> Outcome:
        """A tap: refused unless signed, on this ticket's own card, current and allowed for the actor's role."""
        if not self.signer.valid(data) or data.a not in PERMISSION:
            return Outcome(False, "按钮数据无效，未执行任何操作 / invalid button data; nothing was done")
        if card_number != data.n:
            return Outcome(False, "按钮与该卡片不符，未执行 / this button does not belong to this card; nothing was done")
        try:
            authorize(actor, PERMISSION[data.a])
        except HelpdeskError as exc:
            return Outcome(False, f"无权执行 / not allowed: {exc}")
        async with self._lock(data.n):
            record = await ticket_record(self.ctx, data.n)
            version = await self._version(data.n)
            if data.v != version:
                return Outcome(False, "卡片已过期（工单已变化），已刷新，请重新操作 / the card was out of date and is refreshed; nothing was done", changed=True)
            try:
                return await self._do(actor, data, record, version)
            except HelpdeskError as exc:
                return Outcome(False, f"未执行 / not done: {exc}")

    async def _version(self, number: str) -> int:
        async with self.ctx.sessions() as session:
            ticket_id = await session.scalar(select(Ticket.id).where(Ticket.number == number))
        return await card_version(self.ctx, ticket_id) if ticket_id else -1

    async def _do(self, actor: Actor, data: StaffAction, record: dict[str, Any], version: int) -> Outcome:
        number, action = data.n, data.a
        policy = self.ctx.policy
        if action in ("ed", "rp", "nt", "rs"):
            return Outcome(True, "请回复提示消息 / reply to the prompt", prompt=prompt_text(action, number))
        if action in PICKERS:
            return Outcome(True, "请选择 / choose", keyboard=picker_keyboard(PICKERS[action], record, version, self.signer, policy))
        if action == "bk":
            return Outcome(True, "↩️", keyboard=staff_keyboard(record, version, self.signer))
        if action == "ok":
            await self.execute(actor, plan_send(record, None), number)
        elif action in ("c", "t"):
            items = policy.categories if action == "c" else policy.tiers
            key = items[int(data.x)].key if data.x.isdigit() and int(data.x) < len(items) else None
            if key is None:
                return Outcome(False, "无效的选项 / no such choice")
            await self.staff.recategorise(actor, number, category=key if action == "c" else None, tier=key if action == "t" else None)
        elif action == "d":
            reasons = policy.decline_reasons
            if not (data.x.isdigit() and int(data.x) < len(reasons)):
                return Outcome(False, "无效的选项 / no such choice")
            reason = reasons[int(data.x)].key
            proposal = record.get("proposal") or {}
            draft = proposal.get("draft_reply") if proposal and not proposal["admissible"] and proposal.get("decline_reason") == reason else None
            await self.staff.decline(actor, number, reason, draft)
        elif action == "me":
            if actor.user_id is None:
                return Outcome(False, "请先在用户表中关联您的 Telegram 账号 / link your Telegram id to a desk user first")
            await self.staff.assign(actor, number, actor.name)
        return Outcome(True, "已执行 / done", changed=True)

    async def submit(self, actor: Actor, action: str, number: str, text: str) -> Outcome:
        """A staff reply to a prompt (or to the card): the text is what goes out, or what is recorded."""
        text = text.strip()
        permission = "reply" if action in ("ed", "rp") else PERMISSION.get(action, "view")
        try:
            authorize(actor, permission)
            if not text:
                raise DomainError("空白内容 / empty text")
            async with self._lock(number):
                if action in ("ed", "rp"):
                    await self.execute(actor, plan_send(await ticket_record(self.ctx, number), text), number)
                elif action == "nt":
                    await self.staff.note(actor, number, text)
                elif action == "rs":
                    await self.staff.resolve(actor, number, text)
                else:
                    raise DomainError(f"unknown step {action!r}")
        except HelpdeskError as exc:
            return Outcome(False, f"未执行 / not done: {exc}")
        return Outcome(True, f"已执行 {number} / done", changed=True)

    async def execute(self, actor: Actor, plan: SendPlan, number: str) -> None:
        """Carry out a send plan through the core."""
        if plan.step == "accept":
            assert plan.category and plan.tier
            await self.staff.accept(actor, number, plan.category, plan.tier, plan.text)
        elif plan.step == "decline":
            assert plan.reason
            await self.staff.decline(actor, number, plan.reason, plan.text)
        else:
            assert plan.text
            await self.staff.approve_reply(actor, number, plan.text)

    async def acknowledge(self, actor: Actor, data: LeaderAck, card_number: str | None) -> Outcome:
        """Leadership's 已阅 on a major ticket's card (current version only) or on an escalation."""
        if not self.signer.valid(data) or data.k not in ("t", "e"):
            return Outcome(False, "按钮数据无效，未执行任何操作 / invalid button data; nothing was done")
        try:
            authorize(actor, "acknowledge")
            if data.k == "e":
                if not data.ref.isdigit():
                    return Outcome(False, "按钮数据无效 / invalid button data")
                number = await acknowledge_escalation(self.ctx, actor, int(data.ref))
                return Outcome(True, f"已阅 {number} / acknowledged", changed=True)
            if card_number != data.ref:
                return Outcome(False, "按钮与该卡片不符，未执行 / this button does not belong to this card; nothing was done")
            async with self._lock(data.ref):
                if data.v != await self._version(data.ref):
                    return Outcome(False, "卡片已过期，已刷新 / the card was out of date and is refreshed; nothing was done", changed=True)
                await acknowledge_ticket(self.ctx, actor, data.ref)
        except HelpdeskError as exc:
            return Outcome(False, f"未执行 / not done: {exc}")
        return Outcome(True, "已阅 / acknowledged", changed=True)
