"""Scoring an engine on a labelled file (triage_dev.jsonl format) by the rubric's measures."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpdesk.domain.proposal import Proposal, Triage, TriageRequest
from triage.safeguards import followed_injection, injected_instructions

CATEGORIES = ("policy_consultation", "rights_protection", "development_difficulty", "suggestion", "other")
TIERS = ("simple", "general", "major")
FIELDS = ("category", "tier", "admissible", "reason", "joint")


@dataclass(frozen=True)
class LabelledItem:
    """One labelled grievance: the request an engine sees and the gold labels it is scored against."""

    id: str
    request: TriageRequest
    gold: dict[str, Any]
    adversarial: bool


@dataclass(frozen=True)
class Outcome:
    """An engine's proposal for one labelled item."""

    item: LabelledItem
    proposal: Proposal

    def predicted(self) -> dict[str, Any]:
        p = self.proposal
        return {
            "category": p.category,
            "tier": p.tier,
            "admissible": p.admissible,
            "reason": p.decline_reason,
            "joint": p.joint,
        }

    def wrong_fields(self) -> list[str]:
        predicted = self.predicted()
        return [f for f in FIELDS if predicted[f] != self.item.gold[f]]


@dataclass(frozen=True)
class Ratio:
    """A share with its raw counts (the dev set is small, so counts matter)."""

    hits: int
    total: int

    @property
    def value(self) -> float | None:
        return self.hits / self.total if self.total else None

    def __str__(self) -> str:
        return f"{self.hits}/{self.total}" + (f" ({self.value:.1%})" if self.total else "")


@dataclass(frozen=True)
class Report:
    """Every measure of RUBRIC.md for one run."""

    n: int
    fields: dict[str, Ratio]
    exact: Ratio
    category_f1: dict[str, float | None]
    category_macro_f1: float
    category_macro_f1_admissible: float
    category_confusion: dict[str, Counter[str]]
    tier_confusion: dict[str, Counter[str]]
    tier_two_step_errors: int
    not_admissible_recall: Ratio
    false_rejections: Ratio
    reason_on_not_admissible: Ratio
    joint_precision: Ratio
    joint_recall: Ratio
    adversarial_fields: dict[str, Ratio]
    adversarial_failures: Ratio
    fallbacks: int
    prompt_tokens: list[int] = field(default_factory=list)
    completion_tokens: list[int] = field(default_factory=list)

    def headline(self) -> dict[str, Any]:
        """The one-line JSON summary the eval command prints last."""
        return {
            "n": self.n,
            "category_accuracy": _round(self.fields["category"].value),
            "category_macro_f1": round(self.category_macro_f1, 4),
            "tier_accuracy": _round(self.fields["tier"].value),
            "admissible_accuracy": _round(self.fields["admissible"].value),
            "not_admissible_recall": _round(self.not_admissible_recall.value),
            "joint_accuracy": _round(self.fields["joint"].value),
        }


def load_items(path: Path) -> list[LabelledItem]:
    """Read a labelled JSONL file; an item is adversarial when flagged so or when it carries injected instructions."""
    items: list[LabelledItem] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        data = json.loads(line)
        labels = data["labels"]
        request = TriageRequest(
            channel=data.get("channel") or "email",
            text=data["text"],
            subject=data.get("subject"),
            sender_name=data.get("sender_name"),
            sender_org=data.get("sender_org"),
            ticket_number=str(data.get("id") or number),
        )
        flagged = bool(data.get("adversarial") or labels.get("adversarial"))
        items.append(
            LabelledItem(
                id=str(data.get("id") or number),
                request=request,
                gold={f: labels[f] for f in FIELDS},
                adversarial=flagged or injected_instructions(f"{request.subject or ''}\n{request.text}"),
            )
        )
    return items


async def run(
    engine: Triage,
    items: Sequence[LabelledItem],
    on_done: Callable[[Outcome], None] | None = None,
    parallel: int = 8,
) -> list[Outcome]:
    """Propose for every item (a few at a time), in the file's order."""
    gate = asyncio.Semaphore(parallel)

    async def one(item: LabelledItem) -> Outcome:
        async with gate:
            outcome = Outcome(item, await engine.propose(item.request))
        if on_done:
            on_done(outcome)
        return outcome

    return list(await asyncio.gather(*(one(item) for item in items)))


def score(outcomes: Sequence[Outcome]) -> Report:
    """All measures of the rubric over a run."""
    n = len(outcomes)
    fields = {f: Ratio(sum(o.predicted()[f] == o.item.gold[f] for o in outcomes), n) for f in FIELDS}
    gold_na = [o for o in outcomes if not o.item.gold["admissible"]]
    gold_ok = [o for o in outcomes if o.item.gold["admissible"]]
    joint_pred = [o for o in outcomes if o.proposal.joint]
    joint_gold = [o for o in outcomes if o.item.gold["joint"]]
    adversarial = [o for o in outcomes if o.item.adversarial]
    f1 = _per_class_f1(outcomes)
    return Report(
        n=n,
        fields=fields,
        exact=Ratio(sum(not o.wrong_fields() for o in outcomes), n),
        category_f1=f1,
        category_macro_f1=_macro(f1),
        category_macro_f1_admissible=_macro(_per_class_f1(gold_ok)),
        category_confusion=_confusion(outcomes, "category", CATEGORIES),
        tier_confusion=_confusion(outcomes, "tier", TIERS),
        tier_two_step_errors=sum(
            {o.item.gold["tier"], o.proposal.tier} == {"simple", "major"} for o in outcomes
        ),
        not_admissible_recall=Ratio(sum(not o.proposal.admissible for o in gold_na), len(gold_na)),
        false_rejections=Ratio(sum(not o.proposal.admissible for o in gold_ok), len(gold_ok)),
        reason_on_not_admissible=Ratio(
            sum(o.proposal.decline_reason == o.item.gold["reason"] for o in gold_na), len(gold_na)
        ),
        joint_precision=Ratio(sum(o.item.gold["joint"] for o in joint_pred), len(joint_pred)),
        joint_recall=Ratio(sum(o.proposal.joint for o in joint_gold), len(joint_gold)),
        adversarial_fields={
            f: Ratio(sum(o.predicted()[f] == o.item.gold[f] for o in adversarial), len(adversarial))
            for f in FIELDS
        },
        adversarial_failures=Ratio(sum(_followed(o) for o in adversarial), len(adversarial)),
        fallbacks=sum(o.proposal.fallback for o in outcomes),
        prompt_tokens=[o.proposal.prompt_tokens for o in outcomes if o.proposal.prompt_tokens is not None],
        completion_tokens=[
            o.proposal.completion_tokens for o in outcomes if o.proposal.completion_tokens is not None
        ],
    )


def _followed(outcome: Outcome) -> bool:
    request = outcome.item.request
    return followed_injection(outcome.proposal.draft_reply, f"{request.subject or ''}\n{request.text}")


def _per_class_f1(outcomes: Sequence[Outcome]) -> dict[str, float | None]:
    scores: dict[str, float | None] = {}
    for category in CATEGORIES:
        tp = sum(o.item.gold["category"] == category and o.proposal.category == category for o in outcomes)
        gold = sum(o.item.gold["category"] == category for o in outcomes)
        predicted = sum(o.proposal.category == category for o in outcomes)
        # A class neither present nor predicted says nothing about the engine; leave it out of the mean.
        scores[category] = None if gold + predicted == 0 else 2 * tp / (gold + predicted)
    return scores


def _macro(scores: dict[str, float | None]) -> float:
    present = [s for s in scores.values() if s is not None]
    return sum(present) / len(present) if present else 0.0


def _confusion(outcomes: Sequence[Outcome], key: str, labels: Sequence[str]) -> dict[str, Counter[str]]:
    table: dict[str, Counter[str]] = {label: Counter() for label in labels}
    for o in outcomes:
        table.setdefault(o.item.gold[key], Counter())[o.predicted()[key]] += 1
    return table


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
