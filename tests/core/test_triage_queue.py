"""Triage runs after the receipt as queued work; a restart finishes what is pending."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from helpdesk.domain.proposal import Proposal
from helpdesk.services.queries import ticket_record
from helpdesk.services.triage_queue import TriageQueue
from helpdesk.store.schema import Job, OutboxRow
from tests.core.helpers import mail
from tests.fakes import FixedTriage

PROPOSAL = Proposal(
    category="rights_protection", tier="general", admissible=True, decline_reason=None, joint=False,
    summary="会员被拖欠货款，请求协助追讨。", handling_method="rights_assistance",
    draft_reply="您好，您的诉求已收到，我们将在2个工作日内告知是否受理。", confidence=0.8,
    rationale="第七条第（二）项", engine="fixed",
)


class SlowTriage(FixedTriage):
    async def propose(self, request):
        await asyncio.sleep(3600)


async def test_the_receipt_is_queued_even_when_the_model_never_answers(desk):
    queue = TriageQueue(desk.ctx, SlowTriage())
    await desk.intake.receive(mail(desk))
    async with desk.ctx.sessions() as session:
        assert await session.scalar(select(OutboxRow.kind)) == "receipt"
    task = asyncio.create_task(queue.run_once())
    await asyncio.sleep(0.1)
    task.cancel()


async def test_a_pending_triage_job_is_finished_after_a_restart(desk, clock):
    result = await desk.intake.receive(mail(desk))
    crashed = TriageQueue(desk.ctx, SlowTriage(), lease_s=60)
    task = asyncio.create_task(crashed.run_once())
    await asyncio.sleep(0.2)
    task.cancel()  # the process died mid-triage: the job is left "running" with a lease
    engine = FixedTriage(PROPOSAL)
    restarted = TriageQueue(desk.ctx, engine, lease_s=60)
    assert await restarted.run_once() == 0  # the lease still holds
    clock.advance(minutes=2)
    assert await restarted.run_once() == 1
    record = await ticket_record(desk.ctx, result.ticket_number)
    assert record["proposal"]["category"] == "rights_protection"
    assert engine.seen[0].text.startswith("我司被拖欠货款") and engine.seen[0].review_due


async def test_a_failing_engine_is_retried_and_finally_recorded_on_the_ticket(desk, clock):
    result = await desk.intake.receive(mail(desk))
    queue = TriageQueue(desk.ctx, FixedTriage(fail=RuntimeError("model down")))
    for _ in range(6):
        await queue.run_once()
        clock.advance(hours=1)
    async with desk.ctx.sessions() as session:
        job = await session.scalar(select(Job))
    assert job.status == "failed" and "model down" in job.last_error
    record = await ticket_record(desk.ctx, result.ticket_number)
    assert any(e["action"] == "triage_failed" for e in record["audit"])


async def test_the_proposal_never_changes_the_ticket_itself(desk):
    result = await desk.intake.receive(mail(desk))
    await TriageQueue(desk.ctx, FixedTriage(PROPOSAL)).run_once()
    record = await ticket_record(desk.ctx, result.ticket_number)
    assert record["status"] == "received" and record["category"] is None and record["tier"] is None
