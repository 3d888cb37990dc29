"""`helpdesk members`: the directory and its CSV import."""

from __future__ import annotations

from pathlib import Path

import click
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import select

from helpdesk.app import Desk
from helpdesk.cli.common import console, emit_json, json_option, with_desk
from helpdesk.cli.invites import invite
from helpdesk.services.members import import_members, read_csv
from helpdesk.store.schema import Member


@click.group()
def members() -> None:
    """The member directory (会员名录)."""


@members.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_csv(file: Path) -> None:
    """Import FILE.csv (columns: member_no,kind,organisation,contact_name,phones,emails,telegram_id,language)."""
    data = file.read_bytes()
    try:
        total = sum(1 for _ in read_csv(data))
    except ValueError as exc:
        raise click.ClickException(f"{file}: {exc}") from exc

    async def work(desk: Desk):
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("importing", total=total)
            return await import_members(desk.ctx, data, progress=lambda _line: progress.advance(task))

    report = with_desk(work)
    for line, reason in report.errors:
        console.print(f"[red]{file}:{line}[/red]: {reason}")
    console.print(f"{report.added} added, {report.updated} updated, {len(report.errors)} rejected")


@members.command("list")
@json_option
def list_members(as_json: bool) -> None:
    """List the directory."""

    async def work(desk: Desk) -> list[dict[str, object]]:
        async with desk.ctx.sessions() as session:
            rows = (await session.scalars(select(Member).order_by(Member.member_no))).all()
            return [
                {
                    "member_no": m.member_no,
                    "kind": m.kind,
                    "organisation": m.organisation,
                    "contact_name": m.contact_name,
                    "contacts": [f"{c.kind}:{c.value}" for c in await m.awaitable_attrs.contacts],
                }
                for m in rows
            ]

    rows = with_desk(work)
    if as_json:
        emit_json(rows)
        return
    table = Table("member_no", "kind", "organisation", "contact", "contacts")
    for row in rows:
        table.add_row(str(row["member_no"]), str(row["kind"]), str(row["organisation"] or ""), str(row["contact_name"] or ""), ", ".join(row["contacts"]))  # type: ignore[arg-type]
    console.print(table)


members.add_command(invite)
