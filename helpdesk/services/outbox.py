"""The outbox: every outbound message is a row first; the dispatcher sends it, retrying, never twice once sent."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk.domain.errors import PermanentFailure, TemporaryFailure
from helpdesk.domain.outbound import OutboundMessage, Sender
from helpdesk.services.clockwork import stop_clock_by_id
from helpdesk.services.context import DeskContext
from helpdesk.store.schema import AuditEvent, OutboxRow, Ticket

log = logging.getLogger(__name__)

PENDING, SENDING, SENT, DEAD = "pending", "sending", "sent", "dead"


def enqueue(
    session: AsyncSession,
    ctx: DeskContext,
    *,
    channel: str,
    kind: str,
    recipient: str,
    subject: str,
    body: str,
    ticket_id: int | None,
    language: str = "zh",
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
    automatic: bool = False,
    meta: Mapping[str, Any] | None = None,
) -> OutboxRow:
    """Add an outbound message to the caller's transaction; it leaves only after that commits."""
    now = ctx.now()
    row = OutboxRow(
        ticket_id=ticket_id,
        channel=channel,
        kind=kind,
        recipient=recipient,
        subject=subject,
        body=body,
        language=language,
        message_id=ctx.new_message_id(),
        in_reply_to=in_reply_to,
        references=" ".join(references) or None,
        automatic=automatic,
        meta=dict(meta or {}),
        status=PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(row)
    return row


def backoff(ctx: DeskContext, attempts: int, retry_after: float | None) -> timedelta:
    """Exponential backoff with jitter, or what the other side asked for (429 retry_after)."""
    if retry_after is not None:
        return timedelta(seconds=max(retry_after, 0.5))
    base = ctx.outbox.base_delay_s * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(base, ctx.outbox.max_delay_s) * random.uniform(0.8, 1.2))


def as_message(row: OutboxRow, ticket_number: str | None) -> OutboundMessage:
    """The row as the channel sender sees it."""
    return OutboundMessage(
        outbox_id=row.id,
        channel=row.channel,
        kind=row.kind,
        recipient=row.recipient,
        subject=row.subject,
        body=row.body,
        message_id=row.message_id,
        language=row.language,
        ticket_number=ticket_number,
        in_reply_to=row.in_reply_to,
        references=tuple((row.references or "").split()),
        automatic=row.automatic,
        meta={k: str(v) for k, v in (row.meta or {}).items()},
    )


class Dispatcher:
    """Claims due rows, sends each through its channel's sender, records the outcome."""

    def __init__(self, ctx: DeskContext, senders: Mapping[str, Sender], batch: int = 20) -> None:
        self.ctx = ctx
        self.senders = dict(senders)
        self.batch = batch

    async def claim(self) -> list[tuple[OutboxRow, str | None]]:
        """Lease a batch of due rows (pending, or sending with a lapsed lease) to this dispatcher."""
        now = self.ctx.now()
        async with self.ctx.sessions.begin() as session:
            query = (
                select(OutboxRow)
                .where(OutboxRow.channel.in_(self.senders))
                .where(
                    or_(
                        (OutboxRow.status == PENDING) & (OutboxRow.next_attempt_at <= now),
                        (OutboxRow.status == SENDING) & (OutboxRow.lease_until <= now),
                    )
                )
                .order_by(OutboxRow.id)
                .limit(self.batch)
                .with_for_update(skip_locked=True)
            )
            rows = list((await session.scalars(query)).all())
            claimed = []
            for row in rows:
                row.status = SENDING
                row.attempts += 1
                row.lease_until = now + timedelta(seconds=self.ctx.outbox.lease_s)
                claimed.append((row, await _ticket_number(session, row.ticket_id)))
            return claimed

    async def run_once(self) -> int:
        """Send what is due now; return how many rows were tried."""
        claimed = await self.claim()
        for row, number in claimed:
            await self.deliver(row, number)
        return len(claimed)

    async def deliver(self, row: OutboxRow, number: str | None) -> None:
        """Send one claimed row and record sent, retry or dead; never raises for a channel's failure."""
        sender = self.senders[row.channel]
        try:
            external_id = await sender.send(as_message(row, number))
        except TemporaryFailure as exc:
            await self._retry(row, str(exc), exc.retry_after)
        except PermanentFailure as exc:
            await self._finish(row, DEAD, error=str(exc))
        except Exception as exc:  # our fault or an unknown one: keep the row, retry later, log loudly
            log.exception("outbox %s: sender %s failed unexpectedly", row.id, row.channel)
            await self._retry(row, f"{type(exc).__name__}: {exc}", None)
        else:
            await self._finish(row, SENT, external_id=external_id)

    async def _retry(self, row: OutboxRow, error: str, retry_after: float | None) -> None:
        if row.attempts >= self.ctx.outbox.max_attempts:
            await self._finish(row, DEAD, error=f"gave up after {row.attempts} attempts: {error}")
            return
        async with self.ctx.sessions.begin() as session:
            await session.execute(
                update(OutboxRow)
                .where(OutboxRow.id == row.id, OutboxRow.status == SENDING)
                .values(
                    status=PENDING,
                    lease_until=None,
                    last_error=error,
                    next_attempt_at=self.ctx.now() + backoff(self.ctx, row.attempts, retry_after),
                )
            )
        log.warning("outbox %s (%s to %s): attempt %d failed, will retry: %s", row.id, row.kind, row.channel, row.attempts, error)

    async def _finish(self, row: OutboxRow, status: str, *, error: str | None = None, external_id: str | None = None) -> None:
        now = self.ctx.now()
        async with self.ctx.sessions.begin() as session:
            await session.execute(
                update(OutboxRow)
                .where(OutboxRow.id == row.id, OutboxRow.status == SENDING)
                .values(status=status, lease_until=None, last_error=error, external_id=external_id, sent_at=now if status == SENT else None)
            )
            if status == SENT:
                await _on_sent(session, row, now)
            else:
                session.add(
                    AuditEvent(ticket_id=row.ticket_id, at=now, actor="system:outbox", action="delivery_failed", detail=error, data={"outbox_id": row.id, "kind": row.kind})
                )
        if status == DEAD:
            log.error("outbox %s (%s to %s) is dead: %s", row.id, row.kind, row.recipient, error)

    async def run(self, stop: asyncio.Event) -> None:
        """Dispatch until `stop` is set; errors of one round are logged and the loop goes on."""
        while not stop.is_set():
            try:
                busy = await self.run_once()
            except Exception:
                log.exception("outbox round failed; trying again shortly")
                busy = 0
            if not busy:
                try:
                    await asyncio.wait_for(stop.wait(), timeout=self.ctx.outbox.poll_interval_s)
                except TimeoutError:
                    pass


async def _on_sent(session: AsyncSession, row: OutboxRow, now: datetime) -> None:
    """A notice that answers a clock (Art. 9 review answer, Art. 15 result) stops it when it is sent."""
    clock_id = (row.meta or {}).get("stops_clock")
    if clock_id is not None:
        await stop_clock_by_id(session, int(clock_id), now)


async def _ticket_number(session: AsyncSession, ticket_id: int | None) -> str | None:
    if ticket_id is None:
        return None
    return await session.scalar(select(Ticket.number).where(Ticket.id == ticket_id))
