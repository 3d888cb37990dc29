"""The regulation as data, and the lifecycle table enforced in the domain."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from helpdesk.app import load_policy
from helpdesk.domain.errors import IllegalTransition, PermissionDenied, PolicyError
from helpdesk.domain.lifecycle import TRANSITIONS, Action, Status, allowed_actions, transition
from helpdesk.domain.policy import parse_policy
from helpdesk.domain.roles import Actor, authorize

POLICY_FILE = Path(__file__).resolve().parents[2] / "config" / "policy.toml"


def test_the_shipped_policy_holds_the_regulations_categories_reasons_tiers_and_limits():
    policy = load_policy(POLICY_FILE)
    assert policy.category_keys == ("policy_consultation", "rights_protection", "development_difficulty", "suggestion", "other")
    assert [t.working_days for t in policy.tiers] == [3, 7, 15]
    assert policy.tier("major").owner == "presidents_office" and policy.tier("major").extendable
    assert not policy.tier("general").extendable
    assert (policy.review.working_days, policy.result.working_days, policy.reprocessing.working_days) == (2, 1, 3)
    assert "in_legal_proceedings" in policy.decline_reason_keys
    assert policy.category("suggestion").name_zh == "意见建议类"
    assert policy.tier("simple").article.startswith("第十一条")


def test_an_invalid_policy_names_the_file_and_the_key(tmp_path: Path):
    data = tomllib.loads(POLICY_FILE.read_text(encoding="utf-8"))
    data["tiers"][1]["working_days"] = "seven"
    with pytest.raises(PolicyError, match=r"my-policy.toml: tiers\[1\].working_days"):
        parse_policy(data, "my-policy.toml")


def test_a_policy_missing_a_limit_is_refused():
    data = tomllib.loads(POLICY_FILE.read_text(encoding="utf-8"))
    del data["limits"]["review"]
    with pytest.raises(PolicyError, match="limits.review"):
        parse_policy(data, "p.toml")


def test_a_category_with_an_unknown_handling_method_is_refused():
    data = tomllib.loads(POLICY_FILE.read_text(encoding="utf-8"))
    data["categories"][0]["handling"] = "magic"
    with pytest.raises(PolicyError, match=r"categories\[0\].handling"):
        parse_policy(data, "p.toml")


def test_a_policy_file_that_is_not_toml_is_refused(tmp_path: Path):
    path = tmp_path / "policy.toml"
    path.write_text("[[categories]\n", encoding="utf-8")
    with pytest.raises(PolicyError, match="policy.toml: not valid TOML"):
        load_policy(path)


def test_a_received_grievance_can_be_accepted_declined_or_answered_at_once():
    assert transition("received", "accept") is Status.ACCEPTED
    assert transition("received", "decline") is Status.DECLINED
    assert transition("received", "answer") is Status.RESOLVED


def test_a_declined_grievance_cannot_be_resolved():
    with pytest.raises(IllegalTransition, match="resolve.*declined"):
        transition("declined", "resolve")


def test_only_a_resolved_ticket_takes_the_members_view():
    assert transition("resolved", "dissatisfied") is Status.REOPENED
    assert transition("resolved", "satisfied") is Status.CLOSED
    for status in Status:
        if status is not Status.RESOLVED:
            with pytest.raises(IllegalTransition):
                transition(status, Action.SATISFIED)


def test_a_closed_ticket_only_takes_notes_and_member_messages():
    assert set(allowed_actions("closed")) == {Action.MEMBER_MESSAGE, Action.NOTE}


def test_every_transition_in_the_table_lands_on_a_known_status():
    assert all(isinstance(new, Status) for new in TRANSITIONS.values())


def test_an_unknown_action_is_an_illegal_transition_not_a_crash():
    with pytest.raises(IllegalTransition):
        transition("received", "teleport")


def test_leadership_may_acknowledge_but_not_approve_replies():
    boss = Actor("wang", "leadership")
    authorize(boss, "acknowledge")
    with pytest.raises(PermissionDenied, match="may not reply"):
        authorize(boss, "reply")


def test_a_member_or_system_actor_may_not_take_staff_actions():
    with pytest.raises(PermissionDenied):
        authorize(Actor("someone", "member"), "accept")
