"""Shared pieces of the timer tests: the configuration, moments in Shanghai, and reading the outbox."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from helpdesk.app import Desk
from helpdesk.services.timer_config import TimerConfig
from helpdesk.store.schema import OutboxRow, TimerEvent
from tests.core.helpers import mail

SHANGHAI = ZoneInfo("Asia/Shanghai")

SECTION = {
    "staff_chat_id": "-100111",
    "leadership_chat_id": "-100222",
    "leadership_emails": ["office@chamber.example.cn", "vice@chamber.example.cn"],
    "levels": [
        {"after_working_days": 0, "to": "presidents_office"},
        {"after_working_days": 2, "to": "president", "chat_id": "5001", "emails": ["president@chamber.example.cn"]},
    ],
    "reminder_working_days_left": 1,
    "digest_hour": 9,
}
CONFIG = TimerConfig.from_section(SECTION)
LEADERSHIP = {("telegram", "-100222"), ("email", "office@chamber.example.cn"), ("email", "vice@chamber.example.cn")}
PRESIDENT = {("telegram", "5001"), ("email", "president@chamber.example.cn")}
STAFF = {("telegram", "-100111")}


def sh(text: str) -> datetime:
    """A moment given in Shanghai local time, e.g. '2026-10-09 18:01'."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


async def receive(desk: Desk, clock, when: str, i: int = 1, subject: str = "请求协助追讨货款") -> str:
    """A grievance e-mail received at a Shanghai moment; its ticket number."""
    clock.set(sh(when))
    result = await desk.intake.receive(mail(desk, external_id=f"<m{i}@qq.com>", sender_address=f"member{i}@example.cn", subject=subject))
    assert result.ticket_number
    return result.ticket_number


async def outbox(desk: Desk, *kinds: str) -> list[OutboxRow]:
    """The timer's rows in the outbox (or those of the given kinds), oldest first."""
    kinds = kinds or ("reminder", "halftime", "escalation", "digest")
    async with desk.ctx.sessions() as session:
        return list(await session.scalars(select(OutboxRow).where(OutboxRow.kind.in_(kinds)).order_by(OutboxRow.id)))


async def events(desk: Desk) -> list[tuple[str, int]]:
    """The recorded timer events as (kind, level), in order."""
    async with desk.ctx.sessions() as session:
        return [(e.kind, e.level) for e in await session.scalars(select(TimerEvent).order_by(TimerEvent.id))]


def to(rows: list[OutboxRow]) -> set[tuple[str, str]]:
    """The (channel, recipient) pairs of outbox rows."""
    return {(r.channel, r.recipient) for r in rows}
