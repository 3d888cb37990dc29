"""Staff decisions: roles, lifecycle, clocks and notices, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from helpdesk.domain.errors import DomainError, IllegalTransition, PermissionDenied
from helpdesk.domain.roles import Actor
from helpdesk.services.queries import ticket_record
from helpdesk.services.registration import register
from helpdesk.store.schema import OutboxRow
from tests.core.helpers import mail, staff
from tests.fakes import RecordingSender


async def new_ticket(desk, **kw) -> str:
    return (await desk.intake.receive(mail(desk, **kw))).ticket_number


async def outbox_kinds(desk) -> list[str]:
    async with desk.ctx.sessions() as session:
        return list(await session.scalars(select(OutboxRow.kind).order_by(OutboxRow.id)))


async def test_accepting_starts_the_tier_clock_and_the_review_clock_stops_when_the_answer_is_sent(desk):
    number = await new_ticket(desk)
    actor = await staff(desk)
    await desk.staff.accept(actor, number, "rights_protection", "general", reply_text="我们将联系对方核实。")
    record = await ticket_record(desk.ctx, number)
    clocks = {c["kind"]: c for c in record["clocks"]}
    assert clocks["review"]["running"]  # not yet sent
    # Accepted Monday 2026-11-23: seven working days end Wednesday 2 December.
    assert clocks["processing"]["due_at"].startswith("2026-12-02T10:00")
    await desk.dispatcher({"email": RecordingSender()}).run_once()
    record = await ticket_record(desk.ctx, number)
    assert not {c["kind"]: c for c in record["clocks"]}["review"]["running"]
    assert record["next_due_at"].startswith("2026-12-02")


async def test_declining_sends_the_reason_and_guidance_to_other_channels(desk):
    number = await new_ticket(desk, text="我们与对方的合同纠纷已经向法院起诉，请商会帮忙催法官。")
    await desk.staff.decline(await staff(desk), number, "in_legal_proceedings")
    async with desk.ctx.sessions() as session:
        notice = await session.scalar(select(OutboxRow).where(OutboxRow.kind == "declined"))
    assert "第八条第（二）项" in notice.body and "法定程序" in notice.body
    assert (await ticket_record(desk.ctx, number))["status"] == "declined"


async def test_only_staff_may_approve_a_reply_whatever_the_caller_claims(desk):
    number = await new_ticket(desk)
    with pytest.raises(PermissionDenied):
        await desk.staff.approve_reply(Actor("wang", "leadership"), number, "同意")
    with pytest.raises(PermissionDenied):
        await desk.staff.approve_reply(Actor("member", "member"), number, "同意")
    assert await outbox_kinds(desk) == ["receipt"]


async def test_an_illegal_step_changes_nothing(desk):
    number = await new_ticket(desk)
    actor = await staff(desk)
    await desk.staff.decline(actor, number, "out_of_scope")
    with pytest.raises(IllegalTransition):
        await desk.staff.resolve(actor, number, "done")
    assert (await ticket_record(desk.ctx, number))["status"] == "declined"
    assert await outbox_kinds(desk) == ["receipt", "declined"]


async def test_a_simple_consultation_is_answered_in_one_step_with_the_result_clock_running_until_sent(desk):
    number = await new_ticket(desk, text="请问小微企业所得税优惠政策今年是否延续？")
    await desk.staff.answer(await staff(desk), number, "延续至2027年底，详见财政部公告。")
    record = await ticket_record(desk.ctx, number)
    assert record["status"] == "resolved" and record["tier"] == "simple"
    result = {c["kind"]: c for c in record["clocks"]}["result"]
    assert result["running"] and result["due_at"].startswith("2026-11-24T10:00")
    await desk.dispatcher({"email": RecordingSender()}).run_once()
    assert not {c["kind"]: c for c in (await ticket_record(desk.ctx, number))["clocks"]}["result"]["running"]


async def test_a_dissatisfied_member_reopens_the_ticket_with_a_three_working_day_clock(desk, clock):
    number = await new_ticket(desk)
    actor = await staff(desk)
    await desk.staff.accept(actor, number, "rights_protection", "general")
    await desk.staff.resolve(actor, number, "已协调。")
    clock.set(datetime(2026, 11, 27, 8, 0, tzinfo=UTC))  # Friday 16:00 in Shanghai
    await desk.staff.feedback(number, "zhang@example.cn", satisfied=False, comment="对方仍未付款", via="email")
    record = await ticket_record(desk.ctx, number)
    assert record["status"] == "reopened" and record["satisfaction"] == "dissatisfied"
    reprocessing = {c["kind"]: c for c in record["clocks"]}["reprocessing"]
    assert reprocessing["due_at"].startswith("2026-12-02T10:00")  # Mon, Tue, Wed
    await desk.staff.resolve(actor, number, "对方已付款。")
    assert (await ticket_record(desk.ctx, number))["status"] == "resolved"


async def test_feedback_from_someone_else_is_refused(desk):
    number = await new_ticket(desk)
    actor = await staff(desk)
    await desk.staff.answer(actor, number, "答复")
    with pytest.raises(DomainError, match="only from the member"):
        await desk.staff.feedback(number, "intruder@x.cn", satisfied=True, comment=None, via="email")


async def test_a_major_grievance_is_extended_once_with_the_reason_shown_to_the_member(desk):
    number = await new_ticket(desk)
    actor = await staff(desk)
    await desk.staff.accept(actor, number, "rights_protection", "major")
    before = {c["kind"]: c for c in (await ticket_record(desk.ctx, number))["clocks"]}["processing"]["due_at"]
    await desk.staff.extend(actor, number, "需提交理事会研究")
    after = {c["kind"]: c for c in (await ticket_record(desk.ctx, number))["clocks"]}["processing"]
    assert after["due_at"] > before and after["extended_reason"] == "需提交理事会研究"
    async with desk.ctx.sessions() as session:
        notice = await session.scalar(select(OutboxRow).where(OutboxRow.kind == "extended"))
    assert "需提交理事会研究" in notice.body
    with pytest.raises(DomainError, match="1 extension"):
        await desk.staff.extend(actor, number, "再延一次")


async def test_a_general_grievance_cannot_be_extended(desk):
    number = await new_ticket(desk)
    actor = await staff(desk)
    await desk.staff.accept(actor, number, "development_difficulty", "general")
    with pytest.raises(DomainError, match="general"):
        await desk.staff.extend(actor, number, "忙")


async def test_a_new_tier_recounts_the_processing_clock_from_acceptance(desk):
    number = await new_ticket(desk)
    actor = await staff(desk)
    await desk.staff.accept(actor, number, "rights_protection", "general")
    await desk.staff.recategorise(actor, number, tier="major")
    processing = {c["kind"]: c for c in (await ticket_record(desk.ctx, number))["clocks"]}["processing"]
    assert processing["working_days"] == 15 and processing["due_at"].startswith("2026-12-14T10:00")


async def test_assigning_notes_and_the_processing_record_name_who_did_what(desk):
    number = await new_ticket(desk)
    li = await staff(desk, "li")
    await staff(desk, "zhao")
    await desk.staff.accept(li, number, "development_difficulty", "general")
    await desk.staff.assign(li, number, "zhao")
    await desk.staff.note(li, number, "已联系三家银行", notify_member=True)
    record = await ticket_record(desk.ctx, number)
    assert record["assignee"] == "zhao" and record["status"] == "in_progress"
    assert [(e["actor"], e["action"]) for e in record["audit"]][-3:] == [("staff:li", "accept"), ("staff:li", "assign"), ("staff:li", "note")]
    assert "progress" in await outbox_kinds(desk)


async def test_an_offline_grievance_is_registered_for_a_directory_member_and_the_receipt_goes_by_email(desk):
    from helpdesk.services.members import import_members

    await import_members(desk.ctx, "member_no,kind,organisation,contact_name,emails\nM7,unit,无锡精工,陈静,chen@jg.cn\n".encode())
    result = await register(desk.ctx, await staff(desk), member_no="M7", channel="visit", text="走访时反映：用电增容审批慢。")
    record = await ticket_record(desk.ctx, result.ticket_number)
    assert record["channel"] == "visit" and record["verified"] and record["member"] == "M7"
    async with desk.ctx.sessions() as session:
        receipt = await session.scalar(select(OutboxRow))
    assert (receipt.channel, receipt.recipient) == ("email", "chen@jg.cn")


async def test_a_member_without_remote_contact_gets_the_notice_handed_over_in_person(desk):
    from helpdesk.services.members import import_members

    await import_members(desk.ctx, "member_no,kind,organisation,contact_name,phones\nM8,individual,,刘强,13800000000\n".encode())
    result = await register(desk.ctx, await staff(desk), member_no="M8", channel="in_person", text="咨询社保补贴。")
    record = await ticket_record(desk.ctx, result.ticket_number)
    assert await outbox_kinds(desk) == []
    assert any(e["action"] == "handed_over" for e in record["audit"])


async def test_joint_grievances_of_several_members_are_linked_into_one_group(desk):
    a = await new_ticket(desk)
    b = await new_ticket(desk, external_id="<b@y>", sender_address="li@y.cn")
    group = await desk.staff.link(await staff(desk), [a, b], "园区断电联合反映")
    assert (await ticket_record(desk.ctx, b))["joint_group"] == group.id
