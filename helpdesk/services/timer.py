"""The timer: sweeps the running clocks due soon, sends each reminder and escalation exactly once, and the daily digest."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk.domain.escalation import EventKind, Owed, horizon, owed
from helpdesk.services.context import DeskContext
from helpdesk.services.digest import DigestSent, send_digest
from helpdesk.services.holdings import CHUNK, Holding, describe, running_until, with_summaries
from helpdesk.services.outbox import enqueue
from helpdesk.services.timer_config import Recipient, TimerConfig
from helpdesk.store.schema import AuditEvent, Clock, Ticket, TimerEvent

log = logging.getLogger(__name__)

AUDIT_ACTIONS = {EventKind.REMINDER: "remind", EventKind.HALFTIME: "halftime", EventKind.ESCALATION: "escalate"}


@dataclass(frozen=True)
class TimerAction:
    """One reminder or escalation this sweep sent."""

    kind: str
    level: int
    numbers: tuple[str, ...]
    clock: str
    due_at: datetime
    late: int
    recipients: tuple[Recipient, ...]

    def line(self) -> str:
        what = f"{self.kind} L{self.level}" if self.kind == EventKind.ESCALATION else self.kind
        to = " ".join(map(str, self.recipients)) or "(no recipients configured)"
        late = f", {self.late} working day(s) late" if self.late else ""
        return f"{what} {'+'.join(self.numbers)} {self.clock} due {self.due_at.isoformat()}{late} -> {to}"


@dataclass
class SweepReport:
    """What a sweep looked at and did."""

    now: datetime
    clocks: int = 0
    actions: list[TimerAction] = field(default_factory=list)
    digest: DigestSent | None = None
    already_done: int = 0  # events another timer (or an earlier run) recorded while this one was deciding
    failed: int = 0  # events whose transaction failed; retried by the next sweep

    def lines(self) -> list[str]:
        lines = [a.line() for a in self.actions]
        if self.digest is not None:
            lines.append(self.digest.line())
        return lines

    def summary(self) -> str:
        counts = defaultdict(int)
        for a in self.actions:
            counts[a.kind] += 1
        parts = ", ".join(f"{counts[k]} {k}" for k in ("reminder", "halftime", "escalation") if counts[k]) or "nothing due"
        digest = f"; digest sent ({self.digest.overdue} overdue)" if self.digest else ""
        failed = f"; {self.failed} failed (see the log; retried next sweep)" if self.failed else ""
        return f"timer sweep at {self.now.isoformat()}: {self.clocks} clock(s) due soon; {parts}{digest}{failed}"


class Timer:
    """The timer service of `helpdesk run`; `sweep()` is also `helpdesk timer tick`."""

    def __init__(self, ctx: DeskContext, config: TimerConfig) -> None:
        self.ctx = ctx
        self.config = config
        self.rules = config.rules()
        # The longest clock that nudges at half time sets how far ahead the sweep must look.
        self.halftime_lengths = tuple(t.working_days for t in ctx.policy.tiers if t.progress_updates)

    async def sweep(self) -> SweepReport:
        """One pass: decide from the clocks due soon, then record and queue each owed event in its own transaction."""
        now = self.ctx.now()
        report = SweepReport(now=now)
        edge = horizon(self.ctx.calendar, self.rules, now, self.halftime_lengths)
        async with self.ctx.sessions() as session:
            holdings = await running_until(session, self.ctx, edge)
            report.clocks = len(holdings)
            sent = await _sent(session, holdings) if holdings else {}
        plan = [
            (event, holding)
            for holding in holdings
            for event in owed(self.ctx.calendar, self.rules, holding.state, now, sent.get(holding.clock_id, set()))
        ]
        plan.sort(key=lambda pair: (pair[0].at, pair[1].due_at, pair[1].ticket_id, pair[0].level))
        for event, holding in plan:
            try:
                action = await self._record(event, holding, now)
            except Exception:
                # Rolled back whole: the next sweep tries it again; the others need not wait for it.
                log.exception("timer: %s L%d for %s failed", event.kind.value, event.level, holding.number)
                report.failed += 1
                continue
            if action is None:
                report.already_done += 1
            else:
                report.actions.append(action)
        report.digest = await send_digest(self.ctx, self.config)
        return report

    async def _record(self, event: Owed, holding: Holding, now: datetime) -> TimerAction | None:
        """The event row and its messages in one transaction: both or neither; nothing if another timer got there first."""
        async with self.ctx.sessions.begin() as session:
            # The ticket first, as the staff actions lock it, so the two never wait on each other in a circle.
            await session.scalar(select(Ticket.id).where(Ticket.id == holding.ticket_id).with_for_update())
            running = await session.scalar(select(Clock.id).where(Clock.id == holding.clock_id, Clock.stopped_at.is_(None)))
            if running is None:
                return None  # the step was done meanwhile
            (holding,) = await with_summaries(session, [holding])
            values = describe(self.ctx, holding, now, self.config.language)
            event_id = await _claim(session, holding, event, now, f"{event.kind.value} L{event.level} {values['number']} {values['clock']} {values['due']}")
            if event_id is None:
                return None
            recipients = self._recipients(event, holding)
            target = self.config.level(event.level).target(self.config.language) if event.kind == EventKind.ESCALATION else ""
            text = self.ctx.notices.render(event.kind.value, self.config.language, **values, level=event.level, target=target)
            for to in recipients:
                enqueue(
                    session, self.ctx, channel=to.channel, kind=event.kind.value, recipient=to.address, subject=text.subject,
                    body=text.body, ticket_id=holding.ticket_id, language=self.config.language,
                    meta={"timer_event": event_id, "level": event.level, "clock": holding.kind},
                )
            if event.kind == EventKind.ESCALATION:
                await session.execute(
                    update(Ticket)
                    .where(Ticket.id.in_(holding.ticket_ids), Ticket.escalation_level < event.level)
                    .values(escalation_level=event.level)
                    .execution_options(synchronize_session=False)
                )
            for ticket_id in holding.ticket_ids:
                session.add(
                    AuditEvent(
                        ticket_id=ticket_id, at=now, actor="system:timer", action=AUDIT_ACTIONS[event.kind], detail=text.subject,
                        data={"level": event.level, "clock": holding.kind, "to": [str(r) for r in recipients], "timer_event": event_id},
                    )
                )
        if not recipients:
            log.warning("%s for %s recorded, but no recipients are configured in [timer]", event.kind.value, holding.number)
        return TimerAction(event.kind.value, event.level, holding.numbers, holding.kind, holding.due_at, values["late"], tuple(recipients))

    def _recipients(self, event: Owed, holding: Holding) -> list[Recipient]:
        if event.kind == EventKind.ESCALATION:
            found = self.config.escalation_recipients(event.level)
        else:
            found = []
            if self.config.remind_assignee:
                if holding.holder_telegram:
                    found.append(Recipient("telegram", holding.holder_telegram))
                if holding.holder_email:
                    found.append(Recipient("email", holding.holder_email))
            found += self.config.staff()
        return list(dict.fromkeys(found))


async def _sent(session: AsyncSession, holdings: list[Holding]) -> dict[int, set[tuple[str, int]]]:
    """The events already recorded for these clocks, by clock."""
    ids = sorted({h.ticket_id for h in holdings})
    clocks = {h.clock_id for h in holdings}
    sent: dict[int, set[tuple[str, int]]] = defaultdict(set)
    for start in range(0, len(ids), CHUNK):
        rows = await session.execute(
            select(TimerEvent.clock_id, TimerEvent.kind, TimerEvent.level).where(TimerEvent.ticket_id.in_(ids[start : start + CHUNK]))
        )
        for clock_id, kind, level in rows:
            if clock_id in clocks:
                sent[clock_id].add((kind, level))
    return sent


async def _claim(session: AsyncSession, holding: Holding, event: Owed, now: datetime, detail: str) -> int | None:
    """Insert the event's row unless it exists (uq_timer_events_once); its id, or None when it was there already."""
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(TimerEvent)
        .values(
            ticket_id=holding.ticket_id, clock_id=holding.clock_id, kind=event.kind.value, level=event.level,
            due_at=holding.due_at, created_at=now, detail=detail,
        )
        .on_conflict_do_nothing(index_elements=["ticket_id", "clock_id", "kind", "level"])
        .returning(TimerEvent.id)
    )
    return await session.scalar(statement)


async def run_timer(ctx: DeskContext, config: TimerConfig, stop: asyncio.Event) -> None:
    """`helpdesk run`'s timer: a sweep every `interval_s` until `stop` is set; a failed sweep is logged and retried."""
    timer = Timer(ctx, config)
    log.info("timer running: a sweep every %.0f s, %d escalation level(s)", config.interval_s, len(config.levels))
    while not stop.is_set():
        try:
            report = await timer.sweep()
            for line in report.lines():
                log.info("timer: %s", line)
        except Exception:
            log.exception("timer sweep failed; trying again at the next interval")
        try:
            await asyncio.wait_for(stop.wait(), timeout=config.interval_s)
        except TimeoutError:
            pass
