"""`helpdesk tickets`: lists, the whole record, and the staff actions for those who work from a terminal."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from helpdesk.app import Desk
from helpdesk.cli.common import acting_user, as_option, console, emit_json, json_option, with_desk
from helpdesk.domain.roles import Actor
from helpdesk.services.archive import archive_lines
from helpdesk.services.queries import TicketFilter, list_skips, list_tickets, ticket_record
from helpdesk.services.registration import OFFLINE_CHANNELS, register

URGENCY = {True: "red", False: ""}


@click.group()
def tickets() -> None:
    """Grievances (会员诉求): list, show, and act on them."""


@tickets.command("list")
@click.option("--status")
@click.option("--category")
@click.option("--tier")
@click.option("--channel")
@click.option("--assignee")
@click.option("--open", "open_only", is_flag=True, help="Only tickets still being handled.")
@click.option("--limit", default=200, show_default=True)
@json_option
def list_command(status: str | None, category: str | None, tier: str | None, channel: str | None, assignee: str | None, open_only: bool, limit: int, as_json: bool) -> None:
    """List tickets, the most urgent first."""
    flt = TicketFilter(status=status, category=category, tier=tier, channel=channel, assignee=assignee, open_only=open_only, limit=limit)
    rows = with_desk(lambda desk: list_tickets(desk.ctx, flt))
    if as_json:
        emit_json(rows)
        return
    table = Table("number", "status", "channel", "sender", "subject", "category", "tier", "due", "left", title=f"{len(rows)} ticket(s)")
    for row in rows:
        style = "red" if row["overdue"] else ("yellow" if row["working_days_left"] == 0 else "")
        sender = (row["organisation"] or row["sender_name"] or row["sender"]) + ("" if row["verified"] else " (未验证)")
        table.add_row(
            row["number"], row["status"], row["channel"], sender, row["subject"][:40], row["category"] or "", row["tier"] or "",
            (row["next_due_at"] or "")[:16], "" if row["working_days_left"] is None else str(row["working_days_left"]), style=style,
        )
    console.print(table)


@tickets.command("show")
@click.argument("number")
@json_option
def show(number: str, as_json: bool) -> None:
    """Show a ticket's whole record: thread, attachments, clocks, proposal, processing record."""
    record = with_desk(lambda desk: ticket_record(desk.ctx, number))
    if as_json:
        emit_json(record)
        return
    console.rule(f"{record['number']}  {record['subject']}")
    console.print(f"status {record['status']} · {record['channel']} · {record['sender_name'] or ''} <{record['sender']}>" + ("" if record["verified"] else " · 未验证发件人"))
    console.print(f"category {record['category']} · tier {record['tier']} · assignee {record['assignee']}")
    if record["calendar_warning"]:
        console.print(f"[yellow]calendar: {record['calendar_warning']}[/yellow]")
    console.print(record["text"])
    clocks = Table("clock", "started", "due", "stopped", "overdue")
    for c in record["clocks"]:
        clocks.add_row(c["kind"], c["started_at"][:16], c["due_at"][:16], (c["stopped_at"] or "")[:16], "yes" if c["overdue"] else "")
    console.print(clocks)
    if record["proposal"]:
        p = record["proposal"]
        console.print(f"[bold]proposal[/bold] ({p['engine']}): {p['category']} / {p['tier']} / {'admissible' if p['admissible'] else p['decline_reason']} · confidence {p['confidence']:.2f}")
        console.print(f"draft: {p['draft_reply']}")
    for m in record["messages"]:
        names = ", ".join(a["filename"] for a in m["attachments"])
        console.print(f"[dim]{m['at'][:16]} {m['direction']} {m['kind']} {m['sender']}[/dim] {m['text'][:200]}" + (f" [attachments: {names}]" if names else ""))
    audit = Table("at", "actor", "action", "detail", title="processing record (Art. 13)")
    for e in record["audit"]:
        audit.add_row(e["at"][:16], e["actor"], e["action"], (e["detail"] or "")[:80])
    console.print(audit)


@tickets.command("skips")
@json_option
def skips(as_json: bool) -> None:
    """Inbound messages recorded as skipped (auto-replies, bounces, ...) with their reasons."""
    rows = with_desk(lambda desk: list_skips(desk.ctx))
    if as_json:
        emit_json(rows)
        return
    table = Table("at", "channel", "sender", "subject", "reason")
    for r in rows:
        table.add_row((r["at"] or "")[:16], r["channel"], r["sender"], (r["subject"] or "")[:40], r["reason"])
    console.print(table)


def staff_action(as_user: str | None, act: Callable[[Desk, Actor], Awaitable[Any]]) -> None:
    """Run one staff action as the named user (role checked by the core) and print the outcome."""

    async def work(desk: Desk) -> Any:
        return await act(desk, await acting_user(desk, as_user))

    result = with_desk(work)
    console.print(f"{getattr(result, 'number', '')} {getattr(result, 'status', '')}".strip() or "done")


@tickets.command("register")
@click.option("--member", "member_no", required=True, help="Member number from the directory.")
@click.option("--channel", type=click.Choice(list(OFFLINE_CHANNELS)), default="in_person", show_default=True)
@click.option("--subject")
@click.option("--text", required=True, help="The grievance as the member put it.")
@click.option("--received", help="When it was received (ISO 8601); default now.")
@as_option
def register_command(member_no: str, channel: str, subject: str | None, text: str, received: str | None, as_user: str | None) -> None:
    """Register a grievance received in person, at a meeting or on a visit (Art. 6)."""
    when = datetime.fromisoformat(received) if received else None

    async def work(desk: Desk) -> Any:
        actor = await acting_user(desk, as_user)
        return await register(desk.ctx, actor, member_no=member_no, channel=channel, text=text, subject=subject, received_at=when)

    result = with_desk(work)
    console.print(f"{result.result}: {result.ticket_number or ''}")


def _simple(name: str, help_text: str, *params: click.Parameter, call: Callable[..., Awaitable[Any]]) -> None:
    @click.pass_context
    def command(click_ctx: click.Context, number: str, as_user: str | None, **kwargs: Any) -> None:
        staff_action(as_user, lambda desk, actor: call(desk, actor, number, **kwargs))

    cmd = click.Command(name, callback=command, help=help_text, params=[click.Argument(["number"]), *params, click.Option(["--as", "as_user"], help="Acting staff user.")])
    tickets.add_command(cmd)


_simple("accept", "Accept with category and tier (Art. 9, 11); --text adds the approved reply.",
        click.Option(["--category"], required=True), click.Option(["--tier"], required=True, type=click.Choice(["simple", "general", "major"])),
        click.Option(["--text"], default=None),
        call=lambda d, a, n, category, tier, text: d.staff.accept(a, n, category, tier, text))
_simple("decline", "Decline with a reason of Art. 8 and guidance (Art. 9 (3)).",
        click.Option(["--reason"], required=True), click.Option(["--text"], default=None),
        call=lambda d, a, n, reason, text: d.staff.decline(a, n, reason, text))
_simple("reply", "Approve and send a reply (edited draft) to the member.", click.Option(["--text"], required=True),
        call=lambda d, a, n, text: d.staff.approve_reply(a, n, text))
_simple("answer", "Accept and resolve a simple grievance in one step.", click.Option(["--text"], required=True),
        click.Option(["--category"], default="policy_consultation"),
        call=lambda d, a, n, text, category: d.staff.answer(a, n, text, category))
_simple("assign", "Assign to a staff user.", click.Option(["--to", "assignee"], required=True),
        call=lambda d, a, n, assignee: d.staff.assign(a, n, assignee))
_simple("note", "Add a progress note (Art. 13); --notify tells the member.", click.Option(["--text"], required=True),
        click.Option(["--notify"], is_flag=True, default=False),
        call=lambda d, a, n, text, notify: d.staff.note(a, n, text, notify))
_simple("resolve", "Resolve with the result, which is sent to the member (Art. 15).", click.Option(["--result"], required=True),
        call=lambda d, a, n, result: d.staff.resolve(a, n, result))
_simple("extend", "Extend a major grievance once, with the reason shown to the member (Art. 11 (3)).", click.Option(["--reason"], required=True),
        call=lambda d, a, n, reason: d.staff.extend(a, n, reason))
_simple("recategorise", "Change category and/or tier.", click.Option(["--category"], default=None), click.Option(["--tier"], default=None),
        call=lambda d, a, n, category, tier: d.staff.recategorise(a, n, category, tier))
_simple("close", "Close and archive a resolved or declined ticket.", click.Option(["--reason"], required=True),
        call=lambda d, a, n, reason: d.staff.close(a, n, reason))


@tickets.command("archive")
@click.option("--since", required=True, type=click.DateTime(["%Y-%m-%d"]), help="First day (local), e.g. 2026-01-01.")
@click.option("--until", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Last day (local), inclusive.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="JSON Lines file to write.")
def archive(since: datetime, until: datetime, out: Path) -> None:
    """Export closed and declined grievances whole, one JSON record per line (Art. 4 归档)."""

    async def work(desk: Desk) -> int:
        count = 0
        with out.open("w", encoding="utf-8") as handle:
            async for line in archive_lines(desk.ctx, since.date(), until.date()):
                handle.write(line + "\n")
                count += 1
        return count

    console.print(f"{with_desk(work)} ticket(s) archived to {out}")


@tickets.command("link")
@click.argument("numbers", nargs=-1, required=True)
@click.option("--title", required=True)
@as_option
def link(numbers: tuple[str, ...], title: str, as_user: str | None) -> None:
    """Link several members' tickets into one joint grievance (Art. 14)."""

    async def work(desk: Desk) -> Any:
        return await desk.staff.link(await acting_user(desk, as_user), list(numbers), title)

    group = with_desk(work)
    console.print(f"joint group {group.id}: {', '.join(numbers)}")
