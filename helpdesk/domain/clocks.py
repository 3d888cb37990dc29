"""The regulation's clocks: which limit applies when, in working days."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from helpdesk.domain.calendar import Due, WorkingCalendar
from helpdesk.domain.policy import Policy


class ClockKind(StrEnum):
    """Each time limit of the regulation."""

    REVIEW = "review"  # Art. 9: accept or decline answer within 2 working days of receipt
    PROCESSING = "processing"  # Art. 11: 3 / 7 / 15 working days by tier from acceptance
    RESULT = "result"  # Art. 15: the result reaches the member within 1 working day
    REPROCESSING = "reprocessing"  # Art. 16: handled again within 3 working days of reopening


def limit_days(policy: Policy, kind: ClockKind, tier: str | None = None) -> int:
    """The working days a clock runs, from the policy."""
    if kind is ClockKind.PROCESSING:
        if tier is None:
            raise ValueError("the processing clock needs a tier")
        return policy.tier(tier).working_days
    return {
        ClockKind.REVIEW: policy.review,
        ClockKind.RESULT: policy.result,
        ClockKind.REPROCESSING: policy.reprocessing,
    }[kind].working_days


def article(policy: Policy, kind: ClockKind, tier: str | None = None) -> str:
    """The article a clock comes from, for reminders and escalations."""
    if kind is ClockKind.PROCESSING and tier is not None:
        return policy.tier(tier).article
    return {
        ClockKind.REVIEW: policy.review.article,
        ClockKind.PROCESSING: "第十一条",
        ClockKind.RESULT: policy.result.article,
        ClockKind.REPROCESSING: policy.reprocessing.article,
    }[kind]


def due(calendar: WorkingCalendar, policy: Policy, kind: ClockKind, start: datetime, tier: str | None = None) -> Due:
    """When the clock of this kind started at `start` runs out."""
    return calendar.due_after(start, limit_days(policy, kind, tier))
