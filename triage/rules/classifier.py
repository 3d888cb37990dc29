"""The rules engine's judgement: category, admissibility, joint flag and tier, with the signals behind them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from triage.rules.figures import figures, word_number
from triage.rules.rulebook import DeclineRule, Rulebook, first_match

CATEGORIES = ("policy_consultation", "rights_protection", "development_difficulty", "suggestion", "other")
# Rubric rule 1: one reason when several apply, in this order.
REASON_ORDER = ("unlawful", "in_legal_proceedings", "unfounded_or_malicious", "out_of_scope")
_WRONGDOING = ("arrears", "infringement", "unfair_treatment", "legality_question")
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")


@dataclass(frozen=True)
class Assessment:
    """What the rules found, before any wording: labels, confidence and the signals that decided them."""

    category: str
    tier: str
    admissible: bool
    reason: str | None
    joint: bool
    confidence: float
    signals: tuple[str, ...] = field(default=())


def assess(text: str, rulebook: Rulebook) -> Assessment:
    """Label one normalised message by the rubric: admissibility first, then category, joint and tier."""
    signals: list[str] = []
    scores, fired = _score(text, rulebook)
    category = _category(scores, fired, signals)
    reason = _reason(text, rulebook, signals)
    for name, fitting in rulebook.decline_category.items():
        # A declined request made to pursue a debt or an infringement (其他会员的住址, 上门要账)
        # still has a wrongdoer behind it: rule 6 makes its best fit rights, not "other".
        if fitting == "other" and ("arrears" in fired or "infringement" in fired):
            fitting = "rights_protection"
        if reason and f"decline:{name}" in signals and category != fitting:
            signals.append(f"best_fit:{name}")
            category = fitting
    joint = _joint(text, rulebook, signals)
    tier = _tier(text, category, joint, rulebook, signals)
    ranked = sorted(scores.values(), reverse=True)
    margin = (ranked[0] - ranked[1]) / (ranked[0] + 1.0) if ranked[0] else 0.0
    confidence = round(min(0.9, 0.45 + 0.5 * margin + (0.1 if reason else 0.0)), 2)
    signals[:0] = [f"family:{name}" for name in sorted(fired)]
    return Assessment(category, tier, reason is None, reason, joint, confidence, tuple(signals))


def _score(text: str, rulebook: Rulebook) -> tuple[dict[str, float], set[str]]:
    scores = dict.fromkeys(CATEGORIES, 0.0)
    fired: set[str] = set()
    sentences = [s for s in _SENTENCE.findall(text) if s.strip()]
    asides = [s for s in sentences if first_match(rulebook.aside, s)]
    main = [s for s in sentences if first_match(rulebook.main_ask, s)]
    # Only drop remarks made in passing when something else is left to read.
    if asides and len(asides) < len(sentences):
        text = "".join(s for s in sentences if s not in asides)
    for family in rulebook.families:
        if first_match(family.patterns, text):
            scores[family.category] += family.weight
            fired.add(family.name)
            if any(first_match(family.patterns, s) for s in main):
                scores[family.category] += family.weight * rulebook.main_ask_bonus
    return scores, fired


def _category(scores: dict[str, float], fired: set[str], signals: list[str]) -> str:
    best = max(CATEGORIES, key=lambda c: (scores[c], -CATEGORIES.index(c)))
    wrongdoing = any(name in fired for name in _WRONGDOING)
    # Rule 7: a complaint about the chamber itself is a suggestion, whatever else it mentions.
    if "chamber_complaint" in fired:
        signals.append("rule7:complaint_about_chamber")
        return "suggestion"
    # Rule 5: a policy question that reports an infringement is rights protection.
    if best == "policy_consultation" and wrongdoing and scores["rights_protection"] >= 2.5:
        signals.append("rule5:question_reports_infringement")
        return "rights_protection"
    # Rule 6: an identifiable wrongdoer makes it rights; a plain resource request stays development.
    strong = "arrears" in fired or "infringement" in fired
    if best == "development_difficulty" and (strong or scores["rights_protection"] >= 3.5):
        signals.append("rule6:identifiable_wrongdoer")
        return "rights_protection"
    if best == "rights_protection" and not wrongdoing and "connect_resources" in fired:
        signals.append("rule6:no_wrongdoer")
        return "development_difficulty"
    if (
        best == "policy_consultation"
        and "connect_resources" in fired
        and (scores["development_difficulty"] >= 3.5 or scores["development_difficulty"] >= scores[best])
    ):
        signals.append("rule6:resource_request_with_policy_question")
        return "development_difficulty"
    # Rule 6: approvals and permits the member needs for its own project, with no question asked,
    # are a development difficulty (the chamber is to coordinate, not to explain a policy).
    if best == "policy_consultation" and "question" not in fired and scores["development_difficulty"] > 0:
        signals.append("rule6:approvals_without_a_question")
        return "development_difficulty"
    if scores[best] == 0:
        signals.append("no_keyword_matched")
        return "other"
    return best


def _declined(rule: DeclineRule, text: str) -> bool:
    for pattern in rule.patterns:
        for match in pattern.finditer(text):
            window = text[max(0, match.start() - 6) : match.end()]
            if not any(word in window for word in rule.unless):
                return True
    return False


def _reason(text: str, rulebook: Rulebook, signals: list[str]) -> str | None:
    totals: dict[str, float] = {}
    for rule in rulebook.declines:
        if _declined(rule, text):
            totals[rule.reason] = totals.get(rule.reason, 0.0) + rule.weight
            signals.append(f"decline:{rule.name}")
    for reason in REASON_ORDER:
        if totals.get(reason, 0.0) >= rulebook.decline_thresholds.get(reason, 0.0) and reason in totals:
            return reason
    return None


def _joint(text: str, rulebook: Rulebook, signals: list[str]) -> bool:
    for pattern in rulebook.joint:
        for match in pattern.finditer(text):
            before = text[max(0, match.start() - 12) : match.start()]
            if any(u.search(before) for u in rulebook.joint_unless):
                continue
            number = match.groupdict().get("n")
            if number is not None and (word_number(number) or 0) < rulebook.joint_min_members:
                continue
            signals.append("joint:several_members")
            return True
    return False


def _government_counterparty(text: str, rulebook: Rulebook) -> bool:
    for pattern in rulebook.tier.government:
        for match in pattern.finditer(text):
            if not rulebook.tier.government_not_after.search(text[max(0, match.start() - 6) : match.start()]):
                return True
    return False


def _tier(text: str, category: str, joint: bool, rulebook: Rulebook, signals: list[str]) -> str:
    rules = rulebook.tier
    if joint:
        signals.append("tier:joint")  # Rule 9: joint ⇒ major, even when not admissible.
        return "major"
    survival = first_match(rules.survival, text) is not None
    cross = first_match(rules.cross_department, text) is not None
    if category == "policy_consultation":
        if cross:
            signals.append("tier:cross_department")
            return "major"
        if first_match(rules.case_ruling, text):
            signals.append("tier:case_specific_ruling")
            return "general"
        return "simple"
    if category == "development_difficulty":
        if survival or cross:
            signals.append("tier:survival" if survival else "tier:cross_department")
            return "major"
        return "general"
    if category == "suggestion":
        if first_match(rules.investigation, text):
            signals.append("tier:incident_to_investigate")
            return "general"
        return "simple"
    if category == "other":
        return "simple"
    return _rights_tier(text, rules_survival=survival, cross=cross, rulebook=rulebook, signals=signals)


def _rights_tier(
    text: str, *, rules_survival: bool, cross: bool, rulebook: Rulebook, signals: list[str]
) -> str:
    rules = rulebook.tier
    found = figures(text, rules.ignore_amount_after)
    amount = found.max_amount_rmb
    if amount is not None and amount >= rules.major_amount_rmb:
        signals.append(f"tier:amount≥{rules.major_amount_rmb:,.0f}")
        return "major"
    if rules_survival:
        signals.append("tier:survival")
        return "major"
    if (found.max_headcount or 0) >= rules.major_headcount and first_match(rules.stake, text):
        signals.append(f"tier:{found.max_headcount}_employees_at_stake")
        return "major"
    if cross:
        signals.append("tier:cross_department")
        return "major"
    if _government_counterparty(text, rulebook):
        small_fee = first_match(rules.fee_or_fine, text) and (amount is None or amount < rules.minor_fee_rmb)
        if small_fee:
            signals.append("tier:single_small_administrative_fee")
            return "general"
        signals.append("tier:government_counterparty")
        return "major"
    return "general"
