"""The offline rules engine: keyword families and patterns as data (rules.toml), applied by the rubric."""

from triage.rules.engine import RulesEngine

__all__ = ["RulesEngine"]
