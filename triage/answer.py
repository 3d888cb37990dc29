"""A model's answer read and checked against the policy before it can become a proposal."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from helpdesk.domain.policy import Policy

_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


class AnswerError(ValueError):
    """The model's answer is not valid JSON or does not fit the policy."""


@dataclass(frozen=True)
class ModelAnswer:
    """The fields a model proposes, already validated."""

    category: str
    tier: str
    admissible: bool
    decline_reason: str | None
    joint: bool
    summary: str
    handling_method: str
    draft_reply: str
    confidence: float
    rationale: str


def parse_answer(content: str | None, policy: Policy) -> ModelAnswer:
    """Parse and validate; an AnswerError says exactly what is wrong, for the repair request."""
    if not content or not content.strip():
        raise AnswerError("the answer was empty")
    fenced = _FENCE.match(content)
    raw = fenced.group(1) if fenced else content
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise AnswerError(f"the answer is not valid JSON ({error.msg} at position {error.pos})") from None
    if not isinstance(data, dict):
        raise AnswerError("the answer must be a JSON object")
    return _validated(data, policy)


def _validated(data: dict[str, Any], policy: Policy) -> ModelAnswer:
    category = _choice(data, "category", policy.category_keys)
    tier = _choice(data, "tier", policy.tier_keys)
    method = _choice(data, "handling_method", tuple(m.key for m in policy.handling_methods))
    admissible, joint = _flag(data, "admissible"), _flag(data, "joint")
    reason = data.get("decline_reason")
    if admissible and reason is not None:
        raise AnswerError("decline_reason must be null when admissible is true")
    if not admissible:
        reason = _choice(data, "decline_reason", policy.decline_reason_keys)
    confidence = data.get("confidence")
    if isinstance(confidence, bool) or not isinstance(confidence, int | float):
        raise AnswerError("confidence must be a number between 0 and 1")
    return ModelAnswer(
        category=category,
        # Art. 14 and rubric rule 9: a joint grievance is always major, whatever the model said.
        tier="major" if joint else tier,
        admissible=admissible,
        decline_reason=reason,
        joint=joint,
        summary=_text(data, "summary"),
        handling_method=method,
        draft_reply=_text(data, "draft_reply"),
        confidence=min(1.0, max(0.0, float(confidence))),
        rationale=_text(data, "rationale"),
    )


def _choice(data: dict[str, Any], key: str, allowed: tuple[str, ...]) -> str:
    value = data.get(key)
    if value not in allowed:
        raise AnswerError(f"{key} must be one of {', '.join(allowed)}; got {value!r}")
    return str(value)


def _flag(data: dict[str, Any], key: str) -> bool:
    value = data.get(key)
    if not isinstance(value, bool):
        raise AnswerError(f"{key} must be true or false; got {value!r}")
    return value


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise AnswerError(f"{key} must be a non-empty string")
    return value.strip()
