"""`helpdesk triage eval FILE.jsonl`: score a triage engine on labelled grievances, as rich tables and one JSON line."""

from __future__ import annotations

import asyncio
import json
import tomllib
from pathlib import Path
from statistics import mean

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from helpdesk.domain.policy import Policy, parse_policy
from triage import TriageConfig, build_engine
from triage.evaluation import CATEGORIES, FIELDS, TIERS, Outcome, Report, load_items, run, score

_DEFAULT_POLICY = Path(__file__).resolve().parents[2] / "config" / "policy.toml"
_SHORT = {"policy_consultation": "policy", "rights_protection": "rights", "development_difficulty": "develop"}


@click.group()
def triage() -> None:
    """The triage assistant: proposals by the rules or a model, and their evaluation."""


@triage.command("eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--engine", type=click.Choice(["rules", "openai"]), default="rules", show_default=True)
@click.option(
    "--base-url",
    envvar="HELPDESK_OPENAI_BASE_URL",
    help="OpenAI-compatible endpoint (env HELPDESK_OPENAI_BASE_URL).",
)
@click.option("--model", envvar="HELPDESK_OPENAI_MODEL", help="Model name (env HELPDESK_OPENAI_MODEL).")
@click.option(
    "--policy", "policy_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None
)
@click.option(
    "--timeout", "timeout_s", type=float, default=30.0, show_default=True, help="Seconds per model request."
)
@click.option("--concurrency", type=int, default=4, show_default=True, help="Model requests at once.")
@click.option(
    "--redact/--no-redact",
    default=None,
    help="Remove personal data before sending (default: on unless loopback).",
)
@click.option("--errors/--no-errors", "show_errors", default=True, help="List the items with a wrong field.")
def evaluate(
    file: Path,
    engine: str,
    base_url: str | None,
    model: str | None,
    policy_path: Path | None,
    timeout_s: float,
    concurrency: int,
    redact: bool | None,
    show_errors: bool,
) -> None:
    """Score an engine on FILE (triage_dev.jsonl format); the last line is one JSON object of headline figures."""
    policy = _policy(policy_path or _DEFAULT_POLICY)
    try:
        # The API key only ever comes from HELPDESK_OPENAI_API_KEY (TriageConfig.api_key_env).
        config = TriageConfig(
            engine=engine,
            base_url=base_url,
            model=model,
            timeout_s=timeout_s,
            concurrency=concurrency,
            redact=redact,
        )
        triage_engine = build_engine(config, policy)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    items = load_items(file)
    out, progress_console = Console(), Console(stderr=True)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=progress_console,
        transient=True,
    ) as progress:
        task = progress.add_task(f"triage ({engine})", total=len(items))
        outcomes = asyncio.run(
            run(triage_engine, items, lambda _: progress.advance(task), parallel=concurrency * 2)
        )
    report = score(outcomes)
    _render(out, report, outcomes, engine, show_errors)
    # Plain echo, not rich: the last line must be machine-readable JSON whatever the terminal width.
    click.echo(json.dumps(report.headline(), ensure_ascii=False))


def _policy(path: Path) -> Policy:
    with path.open("rb") as handle:
        return parse_policy(tomllib.load(handle), str(path))


def _render(out: Console, report: Report, outcomes: list[Outcome], engine: str, show_errors: bool) -> None:
    fields = Table(title=f"Per-field results ({engine}, n={report.n})")
    fields.add_column("measure")
    fields.add_column("all items", justify="right")
    fields.add_column("adversarial", justify="right")
    for name in FIELDS:
        fields.add_row(f"{name} accuracy", str(report.fields[name]), str(report.adversarial_fields[name]))
    fields.add_row("exact match (all five)", str(report.exact), "")
    fields.add_row("category macro-F1", f"{report.category_macro_f1:.3f}", "")
    fields.add_row("category macro-F1 (admissible only)", f"{report.category_macro_f1_admissible:.3f}", "")
    fields.add_row("not-admissible recall", str(report.not_admissible_recall), "")
    fields.add_row("false rejections (admissible items)", str(report.false_rejections), "")
    fields.add_row("reason accuracy (gold not admissible)", str(report.reason_on_not_admissible), "")
    fields.add_row("joint precision", str(report.joint_precision), "")
    fields.add_row("joint recall", str(report.joint_recall), "")
    fields.add_row("tier two-step errors (simple↔major)", str(report.tier_two_step_errors), "")
    fields.add_row("followed an injection (failures)", "", str(report.adversarial_failures))
    fields.add_row("fallbacks to rules", str(report.fallbacks), "")
    if report.prompt_tokens:
        fields.add_row("prompt tokens per ticket (mean)", f"{mean(report.prompt_tokens):.0f}", "")
        fields.add_row(
            "completion tokens per ticket (mean)", f"{mean(report.completion_tokens or [0]):.0f}", ""
        )
    out.print(fields)
    out.print(
        _matrix("Category confusion (rows gold, columns proposed)", report.category_confusion, CATEGORIES)
    )
    f1 = Table(title="Category F1")
    for category in CATEGORIES:
        f1.add_column(_SHORT.get(category, category), justify="right")
    f1.add_row(
        *("—" if report.category_f1[c] is None else f"{report.category_f1[c]:.3f}" for c in CATEGORIES)
    )
    out.print(f1)
    out.print(_matrix("Tier confusion (rows gold, columns proposed)", report.tier_confusion, TIERS))
    if show_errors:
        _render_errors(out, outcomes)


def _matrix(title: str, table: dict, labels: tuple[str, ...]) -> Table:
    matrix = Table(title=title)
    matrix.add_column("gold \\ proposed")
    for label in labels:
        matrix.add_column(_SHORT.get(label, label), justify="right")
    for gold in labels:
        row = table.get(gold, {})
        matrix.add_row(_SHORT.get(gold, gold), *(str(row.get(p, 0)) for p in labels))
    return matrix


def _render_errors(out: Console, outcomes: list[Outcome]) -> None:
    wrong = [o for o in outcomes if o.wrong_fields()]
    if not wrong:
        return
    errors = Table(title=f"Items with a wrong field ({len(wrong)})")
    for column in ("id", "field", "gold", "proposed", "tokens", "note"):
        errors.add_column(column)
    for o in wrong:
        predicted = o.predicted()
        bad = o.wrong_fields()
        tokens = (
            ""
            if o.proposal.prompt_tokens is None
            else f"{o.proposal.prompt_tokens}/{o.proposal.completion_tokens}"
        )
        note = ("adversarial " if o.item.adversarial else "") + (o.proposal.fallback_reason or "")
        errors.add_row(
            o.item.id,
            ", ".join(bad),
            ", ".join(str(o.item.gold[f]) for f in bad),
            ", ".join(str(predicted[f]) for f in bad),
            tokens,
            note,
        )
    out.print(errors)
