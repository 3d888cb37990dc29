"""The `helpdesk` command: one group, one module per concern."""

from __future__ import annotations

import click

# Imported under other names so that `helpdesk.cli.timer` etc. stay the modules, not their commands.
from helpdesk.cli.demo import demo as demo_command
from helpdesk.cli.desk import init as init_command
from helpdesk.cli.desk import run as run_command
from helpdesk.cli.desk import sla as sla_group
from helpdesk.cli.ingest import ingest as ingest_group
from helpdesk.cli.members import members as members_group
from helpdesk.cli.report import report as report_command
from helpdesk.cli.tickets import tickets as tickets_group
from helpdesk.cli.timer import timer as timer_group
from helpdesk.cli.triage import triage as triage_group
from helpdesk.cli.users import users as users_group
from helpdesk.cli.web import web as web_command


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log debug detail.")
@click.version_option(package_name="chamber-helpdesk")
def main(verbose: bool) -> None:
    """商会会员诉求处理台 chamber-helpdesk: member grievances by email, Telegram and in person."""
    from helpdesk.cli.common import setup_logging

    setup_logging(verbose)


for command in (
    init_command, run_command, demo_command, sla_group, members_group, tickets_group, ingest_group,
    triage_group, timer_group, users_group, report_command, web_command,
):
    main.add_command(command)
