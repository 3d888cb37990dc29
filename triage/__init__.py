"""The triage assistant: a proposal for every ticket from the offline rules or an OpenAI-compatible model."""

from __future__ import annotations

from helpdesk.domain.policy import Policy
from helpdesk.domain.proposal import Triage
from triage.config import TriageConfig
from triage.rules.engine import RulesEngine

__all__ = ["TriageConfig", "build_engine"]


def build_engine(config: TriageConfig, policy: Policy) -> Triage:
    """The engine the configuration names; the openai engine falls back to the rules engine on any trouble."""
    rules = RulesEngine(policy)
    if config.engine == "rules":
        return rules
    # Imported here so the offline default never loads the HTTP client stack.
    from triage.openai_engine import OpenAIEngine

    return OpenAIEngine(config, policy, fallback=rules)
