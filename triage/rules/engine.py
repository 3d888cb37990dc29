"""The offline, deterministic rules engine: keyword families from rules.toml, drafts from templates."""

from __future__ import annotations

import time

from helpdesk.domain.policy import Policy
from helpdesk.domain.proposal import Proposal, TriageRequest
from triage.drafts import render_draft, summarise
from triage.rules.classifier import Assessment, assess
from triage.rules.reading import language_of, read, simplify
from triage.rules.rulebook import Rulebook, first_match, load_rulebook


class RulesEngine:
    """Proposes by the rubric's rules; no network, same answer every time."""

    name = "rules"

    def __init__(self, policy: Policy, rulebook: Rulebook | None = None) -> None:
        self.policy = policy
        self.rulebook = rulebook or load_rulebook()

    async def propose(self, request: TriageRequest) -> Proposal:
        """Propose category, tier, admissibility, joint flag and a draft reply."""
        return self.propose_now(request)

    def propose_now(self, request: TriageRequest) -> Proposal:
        """The same proposal, synchronously (the rules never wait on anything)."""
        started = time.perf_counter()
        reading = read(request.text, request.subject, self.rulebook)
        found = assess(reading.text, self.rulebook)
        language = language_of(f"{request.subject or ''}\n{request.text}", request.language)
        category = self.policy.category(found.category)
        signals = found.signals + (("injection_ignored",) if reading.injections else ())
        return Proposal(
            category=found.category,
            tier=found.tier,
            admissible=found.admissible,
            decline_reason=found.reason,
            joint=found.joint,
            summary=summarise(request, category.name(language), language, skip=self._addresses_assistant),
            handling_method=category.handling,
            draft_reply=render_draft(
                self.policy,
                request,
                language=language,
                category=found.category,
                tier=found.tier,
                decline_reason=found.reason,
                joint=found.joint,
            ),
            # Injected text makes the message harder to read, so staff should look twice.
            confidence=round(found.confidence * (0.8 if reading.injections else 1.0), 2),
            rationale=self.rationale(found),
            engine=self.name,
            language=language,
            latency_ms=int((time.perf_counter() - started) * 1000),
            signals=signals,
        )

    def _addresses_assistant(self, sentence: str) -> bool:
        return first_match(self.rulebook.injection, simplify(sentence, self.rulebook)) is not None

    def rationale(self, found: Assessment) -> str:
        """Why, citing the articles: category (Art. 7), admissibility (Art. 8), tier (Art. 11), joint (Art. 14)."""
        category = self.policy.category(found.category)
        tier = self.policy.tier(found.tier)
        parts = [f"{category.article}{category.name_zh}"]
        if found.reason:
            reason = self.policy.decline_reason(found.reason)
            parts.append(f"拟不予受理：{reason.article}{reason.name_zh}")
        tier_why = [s.split(":", 1)[1] for s in found.signals if s.startswith("tier:")]
        parts.append(f"{tier.article}{tier.name_zh}" + (f"（{'、'.join(tier_why)}）" if tier_why else ""))
        if found.joint:
            parts.append("第十四条多个会员共同诉求")
        keys = [s.split(":", 1)[1] for s in found.signals if s.startswith(("family:", "decline:", "rule"))]
        return "；".join(parts) + f"。依据：{', '.join(keys) or '无明显关键词'}。"
