"""`helpdesk ingest eml PATH...`: run .eml files through the same email pipeline as IMAP intake."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import click

from channels.email.config import EmailConfig
from channels.email.pipeline import EmailIntake
from helpdesk.domain.errors import HelpdeskError
from helpdesk.domain.inbound import Intake, IntakeResult

_SUFFIXES = {".eml", ".msg822", ".box", ".txt", ""}


@asynccontextmanager
async def open_intake() -> AsyncIterator[tuple[Intake, EmailConfig]]:
    """The desk's Intake and [email] settings from the composition root: the one place that knows it."""
    from helpdesk.app import open_desk
    from helpdesk.settings import load_settings

    settings = load_settings()
    async with open_desk(settings) as desk:
        yield desk.intake, EmailConfig.from_section(settings.section("email"))


def eml_files(paths: tuple[str, ...]) -> Iterator[Path]:
    """Files named on the command line, and files under named folders (recursive, sorted)."""
    for name in paths:
        path = Path(name)
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if found.is_file() and found.suffix.lower() in _SUFFIXES and not found.name.startswith("."):
                    yield found
        else:
            yield path


def describe(result: IntakeResult) -> dict[str, str | None]:
    """The JSON record's result fields for what intake did."""
    return {"result": result.result, "ticket": result.ticket_number, "reason": result.reason}


def line(file: Path, record: dict[str, str | None]) -> str:
    """The one human line for a file."""
    result = record["result"]
    if result == "ticket":
        return f"{file}: ticket {record['ticket']} made"
    if result == "append":
        return f"{file}: joined ticket {record['ticket']}"
    if result == "duplicate":
        return f"{file}: duplicate of ticket {record['ticket'] or '-'}"
    if result == "skip":
        return f"{file}: skipped: {record['reason']}"
    return f"{file}: error: {record['reason']}"


async def ingest_files(intake: Intake, files: list[Path], as_json: bool, config: EmailConfig) -> int:
    """Deliver each file; print one line (or JSON object) per file; return how many failed."""
    pipeline = EmailIntake.from_config(config, intake)
    failed = 0
    for file in files:
        record: dict[str, str | None]
        try:
            record = describe(await pipeline.deliver(file.read_bytes()))
        except Exception as exc:  # one bad file (or a refusing core) must not stop the rest
            failed += 1
            record = {"result": "error", "ticket": None, "reason": f"{type(exc).__name__}: {exc}"}
        if as_json:
            click.echo(json.dumps({"file": str(file), **record}, ensure_ascii=False))
        else:
            click.echo(line(file, record))
    return failed


@click.group()
def ingest() -> None:
    """Feed messages to the desk by hand (tests, migrations, replays)."""


@ingest.command("eml")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file.")
@click.pass_context
def eml(ctx: click.Context, paths: tuple[str, ...], as_json: bool) -> None:
    """Ingest RFC 822 files (or folders of them, recursively) as if they had arrived by IMAP."""
    files = list(eml_files(paths))
    # Tests (and embedding code) may hand in their own Intake and config through click's obj.
    given = ctx.obj if isinstance(ctx.obj, dict) else {}

    async def main() -> int:
        if given.get("intake") is not None:
            config = given.get("config") or EmailConfig(from_address="desk@localhost")
            return await ingest_files(given["intake"], files, as_json, config)
        async with open_intake() as (intake, config):
            return await ingest_files(intake, files, as_json, config)

    try:
        failed = asyncio.run(main())
    except HelpdeskError as exc:
        raise click.ClickException(str(exc)) from exc
    if failed:
        ctx.exit(1)
