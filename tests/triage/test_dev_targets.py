"""The rules engine meets the issue's targets on the shared dev set, and on our own extra items."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage.evaluation import load_items, run, score
from triage.rules.engine import RulesEngine

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "triage-dev"
EXTRA = Path(__file__).resolve().parent / "data" / "extra.jsonl"
# Written blind (holdout before the rules were read, holdout2 after the first round of changes) to
# measure generalisation; both have since been used for tuning, so a fresh batch is the honest check.
# blind3 was written by someone who never saw the rules; first-sight score: category 0.789, tier 0.878,
# not-admissible recall 12/25. The rules were then generalised against its misses, so it too is now
# a regression check rather than a blind one.
# blind4 (70 items, written without sight of the rules) scored at first sight: category 0.786, tier 0.743,
# not-admissible recall 14/18, one false rejection. It has since been used to generalise the rules too.
# blind5 (70 items, written without sight of the rules, scored only after all tuning) met every target at
# first sight: category 0.871, tier 0.857, not-admissible recall 15/17, no false rejection. Untuned.
DATA = Path(__file__).resolve().parent / "data"


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


@pytest.mark.parametrize(
    ("name", "size"),
    [("holdout.jsonl", 80), ("holdout2.jsonl", 40), ("blind3.jsonl", 90), ("blind4.jsonl", 70), ("blind5.jsonl", 70)],
)
async def test_the_rules_meet_the_targets_on_the_blind_batches(
    rules: RulesEngine, name: str, size: int
) -> None:
    report = score(await run(rules, load_items(DATA / name)))
    assert report.n >= size
    assert report.fields["category"].value >= 0.85
    assert report.not_admissible_recall.value >= 0.80
    assert report.fields["tier"].value >= 0.75
    assert report.fields["joint"].value >= 0.95
    assert report.adversarial_failures.total >= 2 and report.adversarial_failures.hits == 0
