"""The core's clocks checked against Art. 9, 11, 15 and 16, as the timer relies on them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from helpdesk.domain.errors import DomainError
from helpdesk.store.schema import Clock, ProposalRow, Ticket
from tests.core.helpers import mail, staff
from tests.fakes import RecordingSender
from tests.timer.helpers import receive, sh


async def clocks(desk) -> list[tuple[str, bool]]:
    async with desk.ctx.sessions() as session:
        return [(c.kind, c.stopped_at is None) for c in await session.scalars(select(Clock).order_by(Clock.id))]


async def test_a_decline_stops_the_review_clock_only_once_the_answer_is_sent(desk, clock):
    number = await receive(desk, clock, "2026-11-23 10:00")
    await desk.staff.decline(await staff(desk), number, "out_of_scope")
    assert await clocks(desk) == [("review", True)]
    await desk.dispatcher({"email": RecordingSender()}).run_once()
    assert await clocks(desk) == [("review", False)]


async def test_the_result_clock_runs_one_working_day_until_the_result_is_sent_and_dissatisfaction_starts_reprocessing(desk, clock):
    number = await receive(desk, clock, "2026-11-23 10:00")
    actor = await staff(desk)
    sender = RecordingSender()
    await desk.staff.accept(actor, number, "rights_protection", "major")
    clock.set(sh("2026-11-27 16:00"))
    await desk.staff.resolve(actor, number, "已办结。")
    async with desk.ctx.sessions() as session:
        result = await session.scalar(select(Clock).where(Clock.kind == "result"))
    assert result.due_at == sh("2026-11-30 18:00") and result.working_days == 1  # Friday -> Monday (Art. 15)
    await desk.dispatcher({"email": sender}).run_once()
    assert [k for k, running in await clocks(desk) if running] == []
    await desk.intake.receive(mail(desk, external_id="<m9@qq.com>", text="不满意", sender_address="member1@example.cn", replies_to=(sender.sent[-1].message_id,)))
    async with desk.ctx.sessions() as session:
        again = await session.scalar(select(Clock).where(Clock.kind == "reprocessing"))
        ticket = await session.scalar(select(Ticket))
    assert ticket.status == "reopened" and again.stopped_at is None
    assert again.due_at == sh("2026-12-02 18:00")  # 3 working days (Art. 16)
    assert ticket.next_due_at == again.due_at


async def test_a_major_grievance_is_extended_once_with_its_reason_and_no_more(desk, clock):
    number = await receive(desk, clock, "2026-11-23 10:00")
    actor = await staff(desk)
    await desk.staff.accept(actor, number, "rights_protection", "major")
    await desk.staff.extend(actor, number, "需提交理事会研究")
    with pytest.raises(DomainError):
        await desk.staff.extend(actor, number, "再次延期")
    async with desk.ctx.sessions() as session:
        processing = await session.scalar(select(Clock).where(Clock.kind == "processing"))
    assert processing.working_days == 30 and processing.extended_reason == "需提交理事会研究"


async def test_joint_flags_of_the_assistant_become_a_suggested_group_of_similar_tickets(desk, clock):
    from helpdesk.services.joint import link_group, suggest_groups

    a = await receive(desk, clock, "2026-11-23 10:00", 1, subject="园区停电造成多家企业停产损失")
    b = await receive(desk, clock, "2026-11-23 11:00", 2, subject="园区停电企业停产损失求协调")
    c = await receive(desk, clock, "2026-11-23 12:00", 3, subject="个人社保政策咨询")
    async with desk.ctx.sessions.begin() as session:
        for number, joint in ((a, True), (b, True), (c, True)):
            ticket = await session.scalar(select(Ticket).where(Ticket.number == number))
            session.add(ProposalRow(
                ticket_id=ticket.id, category="rights_protection", tier="major", admissible=True, joint=joint, summary=ticket.subject,
                handling_method="coordination", draft_reply="", confidence=0.8, rationale="", engine="fixed", created_at=clock(),
            ))
    [suggestion] = await suggest_groups(desk.ctx)
    assert suggestion.numbers == (a, b)
    await link_group(desk.ctx, desk.staff, await staff(desk), list(suggestion.numbers), suggestion.title)
    assert await suggest_groups(desk.ctx) == []
