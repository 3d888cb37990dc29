"""Sending through the outbox: 429 waits as told, a blocked bot is recorded and not retried, long texts are split."""

from __future__ import annotations

from sqlalchemy import select

from helpdesk.store.schema import AuditEvent, OutboxRow
from tests.telegram.conftest import MEMBER, eventually


async def _rows(h):
    async with h.desk.ctx.sessions() as session:
        return (await session.scalars(select(OutboxRow).order_by(OutboxRow.id))).all()


async def test_a_429_is_retried_after_the_retry_after_telegram_gave(harness, clock):
    ticket = await harness.submit(MEMBER, "请协助办理展会补贴申报。")
    harness.api.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7, chat_id=MEMBER["id"])
    await harness.outbox.run_once()
    row = (await _rows(harness))[0]
    assert row.status == "pending" and "rate limit" in row.last_error
    assert (row.next_attempt_at - clock()).total_seconds() == 7
    assert await harness.outbox.run_once() == 0  # not before Telegram said
    clock.advance(seconds=8)
    assert await harness.outbox.run_once() == 1
    row = (await _rows(harness))[0]
    assert row.status == "sent" and row.external_id.startswith(f"tg:{MEMBER['id']}:")
    assert ticket.number in harness.api.sent_to(MEMBER["id"])[-1].text


async def test_a_member_who_blocked_the_bot_is_recorded_and_not_retried(harness, clock):
    ticket = await harness.submit(MEMBER, "请协助办理展会补贴申报。")
    harness.api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=MEMBER["id"])
    await harness.outbox.run_once()
    row = (await _rows(harness))[0]
    assert row.status == "dead" and "blocked" in row.last_error
    async with harness.desk.ctx.sessions() as session:
        blocked = await session.scalar(select(AuditEvent).where(AuditEvent.action == "member_blocked_bot"))
    assert blocked is not None and blocked.ticket_id == ticket.id
    clock.advance(hours=2)
    assert await harness.outbox.run_once() == 0
    assert len([c for c in harness.api.calls_of("sendMessage") if c.params["chat_id"] == str(MEMBER["id"])]) == 1


async def test_a_reply_over_4096_characters_arrives_in_parts_each_within_the_limit(harness):
    ticket = await harness.submit(MEMBER, "请提供完整的政策汇编。")
    await harness.outbox.run_once()
    long_text = "\n".join(f"第{i}条：企业可依规申请<补贴> & 奖励。" + "说明" * 40 for i in range(80))
    from tests.core.helpers import staff

    actor = await staff(harness.desk, "zhao")
    await harness.desk.staff.accept(actor, ticket.number, "policy_consultation", "simple")
    await harness.desk.staff.approve_reply(actor, ticket.number, long_text)
    await harness.outbox.run_once()
    sends = [c for c in harness.api.calls_of("sendMessage") if c.params["chat_id"] == str(MEMBER["id"])]
    reply_parts = [c.params["text"] for c in sends[2:]]
    assert len(reply_parts) >= 3
    assert all(len(part) <= 4096 for part in reply_parts)
    joined = "".join(reply_parts)
    assert "&lt;补贴&gt; &amp; 奖励" in joined and "<补贴>" not in joined
    assert "第79条" in joined
    row = (await _rows(harness))[-1]
    assert row.status == "sent" and len(row.external_id.split()) == len(reply_parts)


async def test_a_member_replying_to_our_message_adds_to_that_ticket(harness):
    ticket = await harness.submit(MEMBER, "请协助办理展会补贴申报。")
    await harness.outbox.run_once()
    receipt = harness.api.sent_to(MEMBER["id"])[-1]
    harness.api.message(MEMBER, text="补充：展会在十二月。", reply_to_message=harness.api.reply_to(receipt))
    await eventually(lambda: next((m for m in harness.api.sent_to(MEMBER["id"]) if "已将您的补充内容记入" in m.text), None))
    assert (await harness.ticket()).number == ticket.number  # no new ticket
