"""Triage as queued work after the receipt: a slow or dead model never delays a member's receipt."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import asdict
from datetime import timedelta

from sqlalchemy import or_, select, update

from helpdesk.domain.proposal import Proposal, Triage, TriageRequest
from helpdesk.notices import format_due
from helpdesk.services.context import DeskContext
from helpdesk.store.schema import AuditEvent, Clock, Job, ProposalRow, Ticket

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


class TriageQueue:
    """Runs pending triage jobs through the configured engine and stores each proposal."""

    def __init__(self, ctx: DeskContext, engine: Triage, lease_s: float = 300.0, batch: int = 8) -> None:
        self.ctx = ctx
        self.engine = engine
        self.lease = timedelta(seconds=lease_s)
        self.batch = batch

    async def claim(self) -> list[int]:
        """Lease due jobs (pending, or running with a lapsed lease after a crash)."""
        now = self.ctx.now()
        async with self.ctx.sessions.begin() as session:
            jobs = (
                await session.scalars(
                    select(Job)
                    .where(Job.kind == "triage")
                    .where(
                        or_(
                            (Job.status == "pending") & (Job.run_after <= now),
                            (Job.status == "running") & (Job.lease_until <= now),
                        )
                    )
                    .order_by(Job.id)
                    .limit(self.batch)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            for job in jobs:
                job.status, job.lease_until, job.attempts = "running", now + self.lease, job.attempts + 1
            return [job.id for job in jobs]

    async def run_once(self) -> int:
        """Triage what is due; return how many jobs ran."""
        ids = await self.claim()
        await asyncio.gather(*(self.run_job(job_id) for job_id in ids))
        return len(ids)

    async def request_for(self, ticket: Ticket) -> TriageRequest:
        """What the engine may see: the member's words as data, and the review due time for the draft."""
        async with self.ctx.sessions() as session:
            review = await session.scalar(select(Clock).where(Clock.ticket_id == ticket.id, Clock.kind == "review").limit(1))
        return TriageRequest(
            channel=ticket.channel,
            text=ticket.text,
            subject=ticket.subject,
            sender_name=ticket.sender_name,
            sender_org=ticket.member.organisation if ticket.member else None,
            language=ticket.language,
            ticket_number=ticket.number,
            verified_member=ticket.verified,
            review_due=format_due(review.due_at, self.ctx.calendar.zone, ticket.language) if review else None,
        )

    async def run_job(self, job_id: int) -> None:
        """Propose for one ticket; failures are retried with backoff and finally recorded, never lost."""
        async with self.ctx.sessions() as session:
            job = await session.get(Job, job_id)
            ticket = await session.get(Ticket, job.ticket_id) if job else None
        if job is None or ticket is None:
            return
        try:
            proposal = await self.engine.propose(await self.request_for(ticket))
        except Exception as exc:
            log.exception("triage of %s failed (attempt %d)", ticket.number, job.attempts)
            await self._failed(job, ticket, f"{type(exc).__name__}: {exc}")
            return
        await self._store(job, ticket, proposal)

    async def _store(self, job: Job, ticket: Ticket, proposal: Proposal) -> None:
        now = self.ctx.now()
        values = asdict(proposal)
        values.pop("language", None)
        values.pop("signals", None)
        async with self.ctx.sessions.begin() as session:
            done = await session.execute(update(Job).where(Job.id == job.id, Job.status == "running").values(status="done", lease_until=None))
            if done.rowcount == 0:
                return  # another worker finished it after our lease lapsed
            session.add(ProposalRow(ticket_id=ticket.id, created_at=now, **values))
            session.add(
                AuditEvent(
                    ticket_id=ticket.id,
                    at=now,
                    actor=f"assistant:{proposal.engine}",
                    action="proposal",
                    detail=f"{proposal.category} / {proposal.tier} / {'admissible' if proposal.admissible else proposal.decline_reason}"
                    + (" / joint" if proposal.joint else "")
                    + (f" (fallback: {proposal.fallback_reason})" if proposal.fallback else ""),
                    data={"confidence": proposal.confidence, "model": proposal.model},
                )
            )

    async def _failed(self, job: Job, ticket: Ticket, error: str) -> None:
        now = self.ctx.now()
        give_up = job.attempts >= MAX_ATTEMPTS
        async with self.ctx.sessions.begin() as session:
            await session.execute(
                update(Job)
                .where(Job.id == job.id)
                .values(
                    status="failed" if give_up else "pending",
                    lease_until=None,
                    last_error=error,
                    run_after=now + timedelta(seconds=30 * 2**job.attempts),
                )
            )
            if give_up:
                session.add(AuditEvent(ticket_id=ticket.id, at=now, actor="assistant", action="triage_failed", detail=error))

    async def run(self, stop: asyncio.Event, interval_s: float = 2.0) -> None:
        """Work the queue until `stop` is set."""
        while not stop.is_set():
            try:
                busy = await self.run_once()
            except Exception:
                log.exception("triage round failed; trying again shortly")
                busy = 0
            if not busy:
                try:
                    await asyncio.wait_for(stop.wait(), timeout=interval_s)
                except TimeoutError:
                    pass
