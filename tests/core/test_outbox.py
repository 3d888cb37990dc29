"""The outbox dispatcher: retries with backoff, gives up clearly, never sends a sent row again."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from helpdesk.domain.errors import PermanentFailure, TemporaryFailure
from helpdesk.store.schema import AuditEvent, OutboxRow
from tests.core.helpers import mail
from tests.fakes import RecordingSender


async def row(desk) -> OutboxRow:
    async with desk.ctx.sessions() as session:
        return await session.scalar(select(OutboxRow))


async def test_a_temporary_failure_is_retried_after_a_backoff_and_then_sent(desk, clock):
    await desk.intake.receive(mail(desk))
    sender = RecordingSender(fail_next=[TemporaryFailure("SMTP 421 try later")])
    dispatcher = desk.dispatcher({"email": sender})
    assert await dispatcher.run_once() == 1
    pending = await row(desk)
    assert pending.status == "pending" and pending.attempts == 1 and "421" in pending.last_error
    assert await dispatcher.run_once() == 0  # not before the backoff
    clock.advance(seconds=5)
    assert await dispatcher.run_once() == 1
    assert (await row(desk)).status == "sent" and len(sender.sent) == 1


async def test_a_rate_limit_is_retried_after_what_the_server_asked(desk, clock):
    await desk.intake.receive(mail(desk))
    dispatcher = desk.dispatcher({"email": RecordingSender(fail_next=[TemporaryFailure("429", retry_after=30)])})
    await dispatcher.run_once()
    assert (await row(desk)).next_attempt_at == clock() + timedelta(seconds=30)


async def test_a_permanent_failure_is_recorded_on_the_ticket_and_not_retried(desk, clock):
    await desk.intake.receive(mail(desk))
    sender = RecordingSender(fail_next=[PermanentFailure("550 no such user")])
    dispatcher = desk.dispatcher({"email": sender})
    await dispatcher.run_once()
    clock.advance(hours=1)
    assert await dispatcher.run_once() == 0
    assert (await row(desk)).status == "dead"
    async with desk.ctx.sessions() as session:
        event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "delivery_failed"))
    assert "550" in event.detail


async def test_after_the_last_attempt_a_message_is_given_up_loudly(desk, clock):
    await desk.intake.receive(mail(desk))
    sender = RecordingSender(fail_next=[TemporaryFailure("down")] * 10)
    dispatcher = desk.dispatcher({"email": sender})
    for _ in range(6):
        await dispatcher.run_once()
        clock.advance(minutes=5)
    final = await row(desk)
    assert final.status == "dead" and final.attempts == desk.ctx.outbox.max_attempts and "gave up" in final.last_error


async def test_an_unexpected_sender_error_keeps_the_row_for_a_retry(desk):
    await desk.intake.receive(mail(desk))
    await desk.dispatcher({"email": RecordingSender(fail_next=[RuntimeError("bug")])}).run_once()
    assert (await row(desk)).status == "pending"


async def test_a_channel_without_a_sender_keeps_its_messages_waiting(desk):
    await desk.intake.receive(mail(desk))
    assert await desk.dispatcher({"telegram": RecordingSender(channel="telegram")}).run_once() == 0
    assert (await row(desk)).status == "pending"


async def test_a_sent_message_is_never_sent_again(desk, clock):
    await desk.intake.receive(mail(desk))
    sender = RecordingSender()
    dispatcher = desk.dispatcher({"email": sender})
    await dispatcher.run_once()
    clock.advance(days=3)
    await dispatcher.run_once()
    assert len(sender.sent) == 1


async def test_the_receipt_carries_threading_headers_and_is_marked_automatic(desk):
    await desk.intake.receive(mail(desk))
    sender = RecordingSender()
    await desk.dispatcher({"email": sender}).run_once()
    receipt = sender.sent[0]
    assert receipt.automatic and receipt.in_reply_to == "<m1@qq.com>" and receipt.references == ("<m1@qq.com>",)
    assert receipt.ticket_number == "T-2026-000001" and "@" in receipt.message_id and not receipt.message_id.startswith("<")
