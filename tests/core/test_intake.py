"""Intake: new tickets, threads, duplicates and skips, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from helpdesk.domain.inbound import InboundAttachment, Skip
from helpdesk.services.queries import TicketFilter, list_tickets, ticket_record
from helpdesk.store.schema import InboundSkip, Message, OutboxRow, Ticket
from tests.core.helpers import mail


async def count(desk, model) -> int:
    async with desk.ctx.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_a_new_message_becomes_a_ticket_with_a_number_a_review_clock_and_a_queued_receipt(desk):
    result = await desk.intake.receive(mail(desk))
    record = await ticket_record(desk.ctx, result.ticket_number)
    assert record["status"] == "received" and not record["verified"]
    assert [c["kind"] for c in record["clocks"]] == ["review"]
    # Received Monday 2026-11-23: two working days end Wednesday at close of business.
    assert record["clocks"][0]["due_at"].startswith("2026-11-25T10:00")
    async with desk.ctx.sessions() as session:
        receipt = await session.scalar(select(OutboxRow))
    assert receipt.kind == "receipt" and receipt.automatic and receipt.recipient == "zhang@example.cn"
    assert receipt.in_reply_to == "<m1@qq.com>"
    assert "2026年11月25日（周三）18:00" in receipt.body


async def test_the_same_message_delivered_twice_makes_one_ticket_and_one_receipt(desk):
    first = await desk.intake.receive(mail(desk))
    second = await desk.intake.receive(mail(desk))
    assert (first.result, second.result) == ("ticket", "duplicate")
    assert await count(desk, Ticket) == 1 and await count(desk, OutboxRow) == 1


async def test_concurrent_deliveries_of_one_message_make_one_ticket(desk):
    results = await asyncio.gather(*(desk.intake.receive(mail(desk)) for _ in range(5)))
    assert sorted(r.result for r in results) == ["duplicate"] * 4 + ["ticket"]
    assert await count(desk, Ticket) == 1


async def test_a_reply_to_our_receipt_joins_the_ticket_by_its_message_id(desk):
    first = await desk.intake.receive(mail(desk))
    async with desk.ctx.sessions() as session:
        receipt_id = await session.scalar(select(OutboxRow.message_id))
    follow = await desk.intake.receive(mail(desk, external_id="<m2@qq.com>", text="补充：合同编号 HT-2026-118。", replies_to=(receipt_id,), subject="回复: 诉求已收到"))
    assert follow.result == "append" and follow.ticket_number == first.ticket_number
    assert await count(desk, Ticket) == 1


async def test_a_quoted_ticket_number_joins_only_when_the_sender_is_the_same(desk):
    first = await desk.intake.receive(mail(desk))
    same = await desk.intake.receive(mail(desk, external_id="<m3@qq.com>", subject=f"答复：[{first.ticket_number}] 补充材料"))
    other = await desk.intake.receive(mail(desk, external_id="<m4@x.cn>", sender_address="stranger@x.cn", subject=f"Re: [{first.ticket_number}]"))
    assert same.result == "append"
    assert other.result == "ticket" and other.ticket_number != first.ticket_number


async def test_ticket_numbers_count_per_year_of_registration(desk, clock):
    from datetime import UTC, datetime

    clock.set(datetime(2026, 12, 31, 15, 0, tzinfo=UTC))  # 23:00 in Shanghai, still 2026
    a = await desk.intake.receive(mail(desk, external_id="<a@x>"))
    clock.set(datetime(2026, 12, 31, 16, 30, tzinfo=UTC))  # 00:30 on 1 January in Shanghai
    b = await desk.intake.receive(mail(desk, external_id="<b@x>"))
    assert (a.ticket_number, b.ticket_number) == ("T-2026-000001", "T-2027-000001")
    record = await ticket_record(desk.ctx, b.ticket_number)
    assert "2027" in (record["calendar_warning"] or "")


async def test_a_skip_is_recorded_with_its_reason_and_only_once(desk):
    skip = Skip(channel="email", external_id="<ooo@x>", reason="auto-reply: Auto-Submitted: auto-replied", sender_address="boss@x.cn", subject="自动回复：休假中")
    assert (await desk.intake.skip(skip)).result == "skip"
    assert (await desk.intake.skip(skip)).result == "duplicate"
    assert (await desk.intake.receive(mail(desk, external_id="<ooo@x>"))).result == "duplicate"
    async with desk.ctx.sessions() as session:
        row = await session.scalar(select(InboundSkip))
    assert row.reason.startswith("auto-reply") and await count(desk, Ticket) == 0


async def test_attachments_are_kept_once_by_content_and_listed_on_the_ticket(desk):
    files = (InboundAttachment("合同.pdf", "application/pdf", b"%PDF-1.4 contract"), InboundAttachment("照片.jpg", "image/jpeg", b"\xff\xd8\xff photo"))
    result = await desk.intake.receive(mail(desk, attachments=files))
    record = await ticket_record(desk.ctx, result.ticket_number)
    assert record["attachments"] == ["合同.pdf", "照片.jpg"]
    digest = record["messages"][0]["attachments"][0]["sha256"]
    assert desk.ctx.attachments.get(digest) == b"%PDF-1.4 contract"


async def test_lone_surrogates_from_broken_headers_are_cleaned_before_the_store(desk):
    broken = mail(desk, subject="\udcc4\udce3 投诉", sender_name="\udcd5\udcc5")
    result = await desk.intake.receive(broken)
    record = await ticket_record(desk.ctx, result.ticket_number)
    assert "投诉" in record["subject"] and "\udcc4" not in record["subject"]


async def test_a_member_known_by_email_makes_a_verified_ticket(desk):
    from helpdesk.services.members import import_members

    await import_members(desk.ctx, "member_no,kind,organisation,contact_name,emails\nM001,unit,苏州恒达机械有限公司,张伟,Zhang@Example.cn\n".encode())
    result = await desk.intake.receive(mail(desk))
    rows = await list_tickets(desk.ctx, TicketFilter())
    assert rows[0]["verified"] and rows[0]["organisation"] == "苏州恒达机械有限公司"
    assert result.result == "ticket"


async def test_a_message_on_a_closed_ticket_opens_a_follow_up_ticket(desk):
    from tests.core.helpers import staff

    first = await desk.intake.receive(mail(desk))
    actor = await staff(desk)
    await desk.staff.answer(actor, first.ticket_number, "已答复。")
    await desk.staff.close(actor, first.ticket_number, "会员未回复")
    again = await desk.intake.receive(mail(desk, external_id="<later@qq.com>", subject=f"Re: [{first.ticket_number}] 又出现问题"))
    assert again.result == "ticket" and again.ticket_number != first.ticket_number
    record = await ticket_record(desk.ctx, again.ticket_number)
    assert first.ticket_number in record["text"]
    async with desk.ctx.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Message).where(Message.direction == "in")) == 2


async def test_words_added_before_the_review_become_part_of_the_grievance_and_are_triaged_again(desk):
    from helpdesk.store.schema import Job

    first = await desk.intake.receive(mail(desk, text="我司被拖欠货款，"))
    await desk.intake.receive(mail(desk, external_id="<m2@qq.com>", text="金额约三百五十万元。", subject=f"Re: [{first.ticket_number}]"))
    record = await ticket_record(desk.ctx, first.ticket_number)
    assert record["text"] == "我司被拖欠货款，\n金额约三百五十万元。"
    async with desk.ctx.sessions() as session:
        assert sorted(await session.scalars(select(Job.generation))) == [0, 1]
