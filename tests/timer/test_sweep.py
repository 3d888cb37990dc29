"""The timer against a real store: each reminder and escalation once, in order, to the right people, via the outbox."""

from __future__ import annotations

from sqlalchemy import select

from helpdesk.services.accounts import add_user
from helpdesk.services.board import escalations
from helpdesk.services.digest import overdue
from helpdesk.services.timer import Timer
from helpdesk.store.schema import AuditEvent, Clock, Ticket
from tests.core.helpers import staff
from tests.fakes import RecordingSender
from tests.timer.helpers import CONFIG, LEADERSHIP, PRESIDENT, STAFF, events, outbox, receive, sh, to


async def tick(desk, clock, when: str):
    clock.set(sh(when))
    return await Timer(desk.ctx, CONFIG).sweep()


async def test_a_review_clock_over_national_day_is_reminded_then_escalated_twice_each_once(desk, clock):
    number = await receive(desk, clock, "2026-09-30 10:00")
    owner = await add_user(desk.ctx, "wang", "staff", "pw", email="wang@chamber.example.cn", telegram_user_id=777)
    await desk.staff.assign(await staff(desk, "li"), number, owner.name)

    assert (await tick(desk, clock, "2026-10-07 20:00")).actions == []
    report = await tick(desk, clock, "2026-10-08 09:30")
    assert [(a.kind, a.level) for a in report.actions] == [("reminder", 0)]
    assert to(await outbox(desk, "reminder")) == STAFF | {("telegram", "777"), ("email", "wang@chamber.example.cn")}

    assert (await tick(desk, clock, "2026-10-09 17:59")).actions == []
    report = await tick(desk, clock, "2026-10-09 18:05")
    assert [(a.kind, a.level) for a in report.actions] == [("escalation", 1)]
    first = await outbox(desk, "escalation")
    assert to(first) == LEADERSHIP
    body = first[0].body
    assert number in body and "请求协助追讨货款" in body and "第九条" in body and "wang" in body
    assert "2026年10月9日（周五）18:00" in body and "不足1个工作日" in body

    assert (await tick(desk, clock, "2026-10-10 12:00")).actions == []  # a working Saturday, only one day late
    report = await tick(desk, clock, "2026-10-12 18:30")
    assert [(a.kind, a.level) for a in report.actions] == [("escalation", 2)]
    second = (await outbox(desk, "escalation"))[len(first):]
    assert to(second) == PRESIDENT and "会长本人" in second[0].subject and "超期：2个工作日" in second[0].body

    for when in ("2026-10-12 19:00", "2026-10-13 10:00"):
        assert [a.kind for a in (await tick(desk, clock, when)).actions] == []
    assert await events(desk) == [("reminder", 0), ("escalation", 1), ("escalation", 2)]
    async with desk.ctx.sessions() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.number == number))
        assert ticket.escalation_level == 2
        actions = list(await session.scalars(select(AuditEvent.action).where(AuditEvent.actor == "system:timer")))
    assert actions == ["remind", "escalate", "escalate"]
    board = await escalations(desk.ctx)
    assert {(e["number"], e["level"]) for e in board} == {(number, 1), (number, 2)}


async def test_the_review_clock_stops_when_the_acceptance_reaches_the_member_and_processing_takes_over(desk, clock):
    number = await receive(desk, clock, "2026-09-30 10:00")
    clock.set(sh("2026-10-09 17:00"))
    await desk.staff.accept(await staff(desk), number, "rights_protection", "simple")
    # Accepted in time, but the clock runs until the answer is actually sent (Art. 9: "告知诉求人").
    report = await tick(desk, clock, "2026-10-09 18:10")
    assert [(a.kind, a.clock) for a in report.actions] == [("escalation", "review")]
    await desk.dispatcher({"email": RecordingSender()}).run_once()
    async with desk.ctx.sessions() as session:
        clocks = {c.kind: c for c in await session.scalars(select(Clock))}
    assert clocks["review"].stopped_at is not None and clocks["processing"].stopped_at is None
    # The simple tier's 3 working days: 10 Oct (Sat, worked), 12 and 13 Oct.
    assert clocks["processing"].due_at == sh("2026-10-13 18:00")
    report = await tick(desk, clock, "2026-10-12 09:00")
    assert [(a.kind, a.clock) for a in report.actions] == [("reminder", "processing")]


async def test_a_general_grievance_gets_a_halftime_nudge_then_a_reminder_then_the_resolution_stops_everything(desk, clock):
    number = await receive(desk, clock, "2026-11-23 10:00")
    actor = await staff(desk)
    await desk.staff.accept(actor, number, "rights_protection", "general")
    await desk.dispatcher({"email": RecordingSender()}).run_once()
    assert (await tick(desk, clock, "2026-11-26 17:00")).actions == []
    assert [a.kind for a in (await tick(desk, clock, "2026-11-27 09:10")).actions] == ["halftime"]
    halftime = await outbox(desk, "halftime")
    assert to(halftime) == STAFF and "进展" in halftime[0].body and "未分配" in halftime[0].body
    assert [a.kind for a in (await tick(desk, clock, "2026-12-01 09:10")).actions] == ["reminder"]
    await desk.staff.resolve(actor, number, "已协调解决。")
    await desk.dispatcher({"email": RecordingSender()}).run_once()
    assert (await tick(desk, clock, "2026-12-10 10:00")).actions == []
    assert await events(desk) == [("halftime", 0), ("reminder", 0)]


async def test_the_year_end_review_clock_carries_the_calendar_warning_and_escalates_on_4_january(desk, clock):
    number = await receive(desk, clock, "2026-12-30 10:00")
    async with desk.ctx.sessions() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.number == number))
    assert "2027" in (ticket.calendar_warning or "")
    assert [a.kind for a in (await tick(desk, clock, "2026-12-31 09:00")).actions] == ["reminder"]
    assert (await tick(desk, clock, "2027-01-01 12:00")).actions == []  # New Year's Day
    assert (await tick(desk, clock, "2027-01-04 17:59")).actions == []
    assert [a.level for a in (await tick(desk, clock, "2027-01-04 18:00")).actions] == [1]
    assert [a.level for a in (await tick(desk, clock, "2027-01-06 18:00")).actions] == [2]


async def test_the_daily_digest_goes_to_leadership_once_a_working_day_with_everything_overdue(desk, clock):
    first = await receive(desk, clock, "2026-11-23 10:00", 1, subject="用地审批迟迟未办")
    second = await receive(desk, clock, "2026-11-24 10:00", 2, subject="园区电价上涨")
    assert (await tick(desk, clock, "2026-11-26 08:00")).digest is None
    report = await tick(desk, clock, "2026-11-26 09:05")
    assert report.digest is not None and report.digest.overdue == 1
    assert (await tick(desk, clock, "2026-11-26 15:00")).digest is None
    [row, *_] = digests = await outbox(desk, "digest")
    assert to(digests) == LEADERSHIP and first in row.body and second not in row.body and "1项超期" in row.subject
    assert (await tick(desk, clock, "2026-11-28 10:00")).digest is None  # Saturday
    report = await tick(desk, clock, "2026-11-30 09:00")
    assert report.digest.overdue == 2
    items = await overdue(desk.ctx)
    assert [(i["number"], i["late"], i["clock_kind"], i["article"]) for i in items] == [(first, 3, "review", "第九条"), (second, 2, "review", "第九条")]
    assert all(i["holder"] == "未分配" for i in items)


async def test_a_joint_group_has_one_clock_one_owner_and_one_escalation_listing_every_ticket(desk, clock):
    lead = await receive(desk, clock, "2026-11-23 10:00", 1, subject="园区企业共同反映停电损失")
    other = await receive(desk, clock, "2026-11-23 11:00", 2, subject="园区停电造成损失")
    actor = await staff(desk)
    await add_user(desk.ctx, "zhao", "staff", "pw", email="zhao@chamber.example.cn")
    for number in (lead, other):
        await desk.staff.accept(actor, number, "rights_protection", "simple")
    await desk.dispatcher({"email": RecordingSender()}).run_once()
    from helpdesk.services.joint import assign_group, link_group

    await link_group(desk.ctx, desk.staff, actor, [lead, other], "园区停电共同诉求")
    assert await assign_group(desk.ctx, desk.staff, actor, lead, "zhao") == [lead, other]
    report = await tick(desk, clock, "2026-11-26 18:30")
    [escalation] = [a for a in report.actions if a.kind == "escalation"]
    assert escalation.numbers == (lead, other)
    [row, *_] = await outbox(desk, "escalation")
    assert lead in row.body and other in row.body and "园区停电共同诉求" in row.body and "zhao" in row.body
    assert len(await outbox(desk, "escalation")) == len(LEADERSHIP)
    async with desk.ctx.sessions() as session:
        levels = set(await session.scalars(select(Ticket.escalation_level)))
    assert levels == {1}
    [item] = await overdue(desk.ctx)
    assert item["numbers"] == [lead, other]


async def test_run_timer_keeps_sweeping_until_stopped_and_sends_nothing_twice(desk, clock):
    import asyncio
    from dataclasses import replace

    from helpdesk.services.timer import run_timer

    await receive(desk, clock, "2026-11-23 10:00")
    clock.set(sh("2026-11-26 10:00"))
    stop = asyncio.Event()
    task = asyncio.create_task(run_timer(desk.ctx, replace(CONFIG, interval_s=0.02), stop))
    await asyncio.sleep(0.3)
    stop.set()
    await asyncio.wait_for(task, 5)
    assert await events(desk) == [("escalation", 1)]
    assert len(await outbox(desk, "digest")) == len(LEADERSHIP)


async def test_leadership_can_read_the_escalation_in_english_when_configured(desk, clock):
    from dataclasses import replace

    number = await receive(desk, clock, "2026-11-23 10:00")
    clock.set(sh("2026-11-25 18:30"))
    await Timer(desk.ctx, replace(CONFIG, language="en")).sweep()
    [row, *_] = await outbox(desk, "escalation")
    assert row.subject.startswith(f"[Overdue · the president's office] {number} Admissibility answer overdue")
    assert "Held by: unassigned" in row.body and "less than one working day" in row.body and row.language == "en"


def test_timer_overdue_prints_one_line_per_overdue_clock_with_its_reasons(monkeypatch):
    from click.testing import CliRunner

    from helpdesk.cli import timer as cli

    items = [{"numbers": ["T-2026-000001"], "clock": "受理审核答复", "article": "第九条", "due": "2026年11月25日（周三）18:00",
              "late": 2, "holder": "未分配", "escalation_level": 1, "member": "张经理", "subject": "请求协助追讨货款"}]
    monkeypatch.setattr(cli, "_with_desk_at", lambda now, work: items)
    out = CliRunner().invoke(cli.timer, ["overdue", "--now", "2026-11-27T10:00+08:00"]).output
    assert "T-2026-000001\t受理审核答复 (第九条)\tdue 2026年11月25日（周三）18:00\t2 working day(s) late\theld by 未分配" in out
    assert out.strip().endswith("1 overdue")
