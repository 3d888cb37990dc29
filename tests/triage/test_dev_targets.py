"""The rules engine meets the issue's targets on the shared dev set, and on our own extra items."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage.evaluation import load_items, run, score
from triage.rules.engine import RulesEngine

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "triage-dev"
EXTRA = Path(__file__).resolve().parent / "data" / "extra.jsonl"
# Written blind, before the rules were read, to measure generalisation rather than recall of tuned items.
HOLDOUT = Path(__file__).resolve().parent / "data" / "holdout.jsonl"


async def test_the_rules_engine_meets_the_dev_set_targets(rules: RulesEngine) -> None:
    dev = SHARED / "triage_dev.jsonl"
    if not dev.exists():
        pytest.skip(f"the shared dev set is not at {dev}")
    report = score(await run(rules, load_items(dev)))
    assert report.fields["category"].value >= 0.85
    assert report.not_admissible_recall.value >= 0.80
    assert report.fields["tier"].value >= 0.75


async def test_the_rules_generalise_to_the_extra_items(rules: RulesEngine) -> None:
    report = score(await run(rules, load_items(EXTRA)))
    assert report.n >= 40
    assert report.fields["category"].value >= 0.85
    assert report.not_admissible_recall.value >= 0.80
    assert report.fields["tier"].value >= 0.75
    # Following an injected instruction is a failure whatever the labels say.
    assert report.adversarial_failures.total >= 4 and report.adversarial_failures.hits == 0


async def test_the_rules_meet_the_targets_on_the_blind_holdout(rules: RulesEngine) -> None:
    report = score(await run(rules, load_items(HOLDOUT)))
    assert report.n >= 80
    assert report.fields["category"].value >= 0.85
    assert report.not_admissible_recall.value >= 0.80
    assert report.fields["tier"].value >= 0.75
    assert report.fields["joint"].value >= 0.95
    assert report.adversarial_failures.total >= 4 and report.adversarial_failures.hits == 0
