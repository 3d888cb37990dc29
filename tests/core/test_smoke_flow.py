"""The life of one grievance through the core, on SQLite and PostgreSQL."""

from __future__ import annotations

from helpdesk.services.queries import ticket_record
from tests.core.helpers import mail, staff
from tests.fakes import RecordingSender


async def test_a_grievance_is_received_accepted_resolved_and_closed_by_the_members_satisfaction(desk):
    sender = RecordingSender()
    result = await desk.intake.receive(mail(desk))
    assert result.result == "ticket"
    number = result.ticket_number
    assert number == "T-2026-000001"
    await desk.dispatcher({"email": sender}).run_once()
    assert [m.kind for m in sender.sent] == ["receipt"]
    assert number in sender.sent[0].subject
    actor = await staff(desk)
    await desk.staff.accept(actor, number, "rights_protection", "general")
    await desk.staff.resolve(actor, number, "已协调对方于本月底前付清货款。")
    await desk.dispatcher({"email": sender}).run_once()
    assert [m.kind for m in sender.sent] == ["receipt", "accepted", "result"]
    reply = mail(desk, external_id="<m2@qq.com>", text="满意，谢谢！", replies_to=(sender.sent[-1].message_id,))
    assert (await desk.intake.receive(reply)).result == "append"
    record = await ticket_record(desk.ctx, number)
    assert record["status"] == "closed"
    assert all(not c["running"] for c in record["clocks"])
