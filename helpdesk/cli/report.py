"""`helpdesk report`: the month's report as one self-contained HTML file for the council."""

from __future__ import annotations

from pathlib import Path

import click

from helpdesk.app import Desk
from helpdesk.cli.common import console, with_desk


@click.command()
@click.option("--month", required=True, help="The month, YYYY-MM (in the desk's time zone).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The HTML file to write.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def report(month: str, out: Path, lang: str) -> None:
    """Write the monthly report (counts, answers within the limit, overdue trend, satisfaction) as one HTML file."""
    from helpdesk.services.reports import month_report
    from helpdesk.web.reports import standalone_html

    async def work(desk: Desk) -> str:
        return standalone_html(await month_report(desk.ctx, month), desk.ctx, lang)

    html = with_desk(work)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    console.print(f"report for {month} written to {out}")
