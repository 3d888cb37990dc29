"""A model's answer is checked against the policy before it can become a proposal."""

from __future__ import annotations

import json

import pytest

from helpdesk.domain.policy import Policy
from triage.answer import AnswerError, parse_answer
from triage.prompt import PromptBook, response_schema

VALID = {
    "category": "rights_protection",
    "tier": "general",
    "admissible": False,
    "decline_reason": "in_legal_proceedings",
    "joint": False,
    "summary": "s",
    "handling_method": "rights_assistance",
    "draft_reply": "d",
    "confidence": 0.7,
    "rationale": "r",
}


def test_a_fenced_json_answer_is_accepted(policy: Policy) -> None:
    answer = parse_answer("```json\n" + json.dumps(VALID) + "\n```", policy)
    assert answer.decline_reason == "in_legal_proceedings" and not answer.admissible


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"category": "gossip"}, "category must be one of"),
        ({"admissible": True}, "decline_reason must be null"),
        ({"decline_reason": None}, "decline_reason must be one of"),
        ({"confidence": "high"}, "confidence must be a number"),
        ({"draft_reply": " "}, "draft_reply must be a non-empty string"),
        ({"joint": "yes"}, "joint must be true or false"),
    ],
)
def test_an_answer_that_breaks_the_policy_says_what_is_wrong(
    policy: Policy, change: dict, message: str
) -> None:
    with pytest.raises(AnswerError, match=message):
        parse_answer(json.dumps(VALID | change), policy)


def test_a_joint_answer_is_always_major(policy: Policy) -> None:
    answer = parse_answer(json.dumps(VALID | {"joint": True, "tier": "simple"}), policy)
    assert answer.tier == "major"


def test_the_schema_is_strict_and_lists_the_policys_keys(policy: Policy) -> None:
    schema = response_schema(policy)
    assert schema["additionalProperties"] is False and set(schema["required"]) == set(schema["properties"])
    assert schema["properties"]["category"]["enum"] == list(policy.category_keys)
    assert None in schema["properties"]["decline_reason"]["enum"]


def test_the_system_prompt_carries_the_policy_and_own_examples(policy: Policy) -> None:
    system = PromptBook(policy).system
    for key in (*policy.category_keys, *policy.decline_reason_keys, *policy.tier_keys, "JSON", "Art. 14"):
        assert key in system
    assert "Worked examples" in system and "MEMBER_MESSAGE" in system
