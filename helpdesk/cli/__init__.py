"""The `helpdesk` command: one group, one module per concern."""

from __future__ import annotations

import click

from helpdesk.cli.demo import demo
from helpdesk.cli.desk import init, run, sla
from helpdesk.cli.members import members
from helpdesk.cli.report import report
from helpdesk.cli.tickets import tickets
from helpdesk.cli.triage import triage
from helpdesk.cli.users import users
from helpdesk.cli.web import web


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log debug detail.")
@click.version_option(package_name="chamber-helpdesk")
def main(verbose: bool) -> None:
    """商会会员诉求处理台 chamber-helpdesk: member grievances by email, Telegram and in person."""
    from helpdesk.cli.common import setup_logging

    setup_logging(verbose)


for command in (init, run, demo, sla, members, tickets, triage, users, report, web):
    main.add_command(command)
