"""The model's prompt from prompts/*.j2: a static, byte-identical prefix, then the ticket, then the member's text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from helpdesk.domain.policy import Policy
from helpdesk.domain.proposal import TriageRequest

PROMPTS = Path(__file__).resolve().parents[1] / "prompts"
OPEN, CLOSE = "<<<MEMBER_MESSAGE", "MEMBER_MESSAGE>>>"


def response_schema(policy: Policy) -> dict[str, Any]:
    """The JSON schema of an answer, strict-mode compatible (every field required, nothing extra)."""
    reasons: list[str | None] = [*policy.decline_reason_keys, None]
    properties: dict[str, Any] = {
        "category": {"type": "string", "enum": list(policy.category_keys)},
        "tier": {"type": "string", "enum": list(policy.tier_keys)},
        "admissible": {"type": "boolean"},
        "decline_reason": {"type": ["string", "null"], "enum": reasons},
        "joint": {"type": "boolean"},
        "summary": {"type": "string"},
        "handling_method": {"type": "string", "enum": [m.key for m in policy.handling_methods]},
        "draft_reply": {"type": "string"},
        "confidence": {"type": "number"},
        "rationale": {"type": "string"},
    }
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


class PromptBook:
    """Renders the system prompt once (policy, rules, examples) and a user message per ticket."""

    def __init__(self, policy: Policy, directory: Path = PROMPTS) -> None:
        env = Environment(
            loader=FileSystemLoader(str(directory)),
            autoescape=False,
            undefined=StrictUndefined,
            trim_blocks=True,
        )
        examples = json.loads((directory / "examples.json").read_text(encoding="utf-8"))
        for example in examples:
            # sort_keys would reorder the fields; the schema's order reads more naturally to a model.
            example["answer_json"] = json.dumps(example["answer"], ensure_ascii=False, indent=1)
        # Rendered once: every ticket shares this exact prefix, so servers can cache it.
        self.system = env.get_template("system.j2").render(policy=policy, examples=examples)
        self._user = env.get_template("user.j2")
        self._repair = env.get_template("repair.j2")

    def user(self, request: TriageRequest, *, text: str, subject: str | None, sender_name: str | None) -> str:
        """The per-ticket message: ticket facts first, then the member's own words last, fenced as data."""
        return self._user.render(
            channel=request.channel,
            ticket_number=request.ticket_number,
            review_due=request.review_due,
            sender_org=_fenced(request.sender_org or ""),
            sender_name=_fenced(sender_name or ""),
            verified_member=request.verified_member,
            subject=_fenced(subject or ""),
            text=_fenced(text),
        )

    def repair(self, error: str) -> str:
        """The one follow-up that asks the model to fix an unusable answer."""
        return self._repair.render(error=error)


def _fenced(value: str) -> str:
    # A member cannot close the data block early by typing the marker themselves.
    return value.replace(CLOSE, "MEMBER_MESSAGE>\u200b>>").replace(OPEN, "<\u200b<<MEMBER_MESSAGE")
