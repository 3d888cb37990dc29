"""A grievance's whole way through Telegram: member → receipt → staff card → approve → reply → result → 不满意 → reopened."""

from __future__ import annotations

from sqlalchemy import select

from helpdesk.services.queries import ticket_record
from helpdesk.store.schema import AuditEvent
from tests.telegram.conftest import DRAFT, MEMBER, STAFF, STAFF_CHAT, eventually


async def test_a_member_is_answered_with_one_tap_and_a_dissatisfied_result_reopens_the_ticket(harness):
    h, api = harness, harness.api
    # Two messages in quick succession are one grievance.
    ticket = await h.submit(MEMBER, "我司被拖欠货款三十万元，", "请商会协助追讨。")
    assert ticket.channel == "telegram" and ticket.sender_address == str(MEMBER["id"])
    assert "三十万元" in ticket.text and "追讨" in ticket.text
    assert not ticket.verified  # this account is not bound to a member

    # The receipt goes out through the core's outbox and this channel's sender.
    assert await h.outbox.run_once() == 1
    receipt = api.sent_to(MEMBER["id"])[-1]
    assert ticket.number in receipt.text and "登记" in receipt.text

    # Triage proposes; the card follower posts the card with the proposal and the draft.
    await h.triage.run_once()
    card = await eventually(lambda: _with(h, ticket.number, "置信度"))
    for part in (ticket.number, "权益保障", "可受理", "0.86", DRAFT[:10], "期限"):
        assert part in card.text, part

    # Approve and send: the ticket is accepted with the draft as the reply.
    answer = await h.tap(STAFF, card, card.button("批准"))
    assert answer.get("show_alert") in (None, "", "false", False), answer
    assert (await h.ticket(ticket.number)).status == "accepted"
    await h.outbox.run_once()
    accepted = api.sent_to(MEMBER["id"])[-1]
    assert DRAFT[:10] in accepted.text
    card = await eventually(lambda: _with(h, ticket.number, f"{ticket.number} · 已受理"))

    # Resolve: the button asks for the result; the staff member's reply to the prompt is the result.
    await h.tap(STAFF, card, card.button("办结"))
    prompt = await eventually(lambda: next((m for m in api.sent_to(STAFF_CHAT) if m.text.startswith("✔️")), None))
    api.message(STAFF, chat_id=STAFF_CHAT, text="已协调对方于本月底前付清货款。", reply_to_message=api.reply_to(prompt))
    await eventually(lambda: _status(h, ticket.number, "resolved"))
    await h.outbox.run_once()
    result = api.sent_to(MEMBER["id"])[-1]
    assert "付清货款" in result.text
    assert [b["text"] for b in result.buttons()] == ["👍 满意", "👎 不满意"]

    # The member is dissatisfied: the ticket reopens (Art. 16), the buttons go away, a comment is invited.
    answer = await h.tap(MEMBER, result, result.button("不满意"))
    assert answer.get("show_alert") != "true"
    await eventually(lambda: _status(h, ticket.number, "reopened"))
    assert api.messages[(MEMBER["id"], result.message_id)].buttons() == []
    comment_prompt = await eventually(lambda: next((m for m in api.sent_to(MEMBER["id"]) if m.text.startswith("💬")), None))
    api.message(MEMBER, text="对方只付了一半。", reply_to_message=api.reply_to(comment_prompt))

    async def commented():
        async with h.desk.ctx.sessions() as session:
            return await session.scalar(select(AuditEvent).where(AuditEvent.action == "feedback_comment"))

    assert (await eventually(commented)).detail == "对方只付了一半。"
    await eventually(lambda: _with(h, ticket.number, "重新办理中"))
    record = await ticket_record(h.desk.ctx, ticket.number)
    assert record["satisfaction"] == "dissatisfied"
    assert any(c["kind"] == "reprocessing" and c["running"] for c in record["clocks"])


async def test_a_staff_reply_to_the_card_is_the_edited_text_that_goes_out(harness):
    h, api = harness, harness.api
    ticket = await h.submit(MEMBER, "请问出口退税政策如何申请？")
    await h.triage.run_once()
    card = await eventually(lambda: _with(h, ticket.number, "置信度"))
    await h.tap(STAFF, card, card.button("修改"))
    prompt = await eventually(lambda: next((m for m in api.sent_to(STAFF_CHAT) if m.text.startswith("✏️")), None))
    assert "Li" in prompt.html and "tg://user?id=8001" in prompt.html  # the prompt is addressed to whoever pressed
    edited = "您好：出口退税可在电子税务局在线申请，<详见附件> & 办税指南。"
    api.message(STAFF, chat_id=STAFF_CHAT, text=edited, reply_to_message=api.reply_to(prompt))
    await eventually(lambda: _status(h, ticket.number, "accepted"))
    await h.outbox.run_once()
    sent = api.sent_to(MEMBER["id"])[-1]
    assert edited in sent.text and DRAFT not in sent.text
    assert "&lt;详见附件&gt; &amp; 办税指南" in sent.html  # member-facing words are escaped for Telegram HTML


async def _with(h, number: str, part: str):
    card = await h.card(number)
    return card if part in card.text else None


async def _status(h, number: str, status: str) -> bool:
    ticket = await h.ticket(number)
    return ticket is not None and ticket.status == status
