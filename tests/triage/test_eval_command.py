"""`helpdesk triage eval`: tables for people, and one JSON object as the very last line for machines."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpdesk.cli.triage import triage
from tests.triage.openai_standin import Reply, StandIn

EXTRA = Path(__file__).resolve().parent / "data" / "extra.jsonl"
KEYS = {
    "n",
    "category_accuracy",
    "category_macro_f1",
    "tier_accuracy",
    "admissible_accuracy",
    "not_admissible_recall",
    "joint_accuracy",
}


def test_eval_with_the_rules_engine_ends_with_the_headline_json() -> None:
    result = CliRunner().invoke(triage, ["eval", str(EXTRA), "--engine", "rules"])
    assert result.exit_code == 0, result.output
    last = json.loads(result.output.strip().splitlines()[-1])
    assert set(last) == KEYS and last["n"] == len(EXTRA.read_text(encoding="utf-8").splitlines())
    assert "Category confusion" in result.output and "Tier confusion" in result.output
    assert "adversarial" in result.output


def test_eval_needs_a_model_for_the_openai_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HELPDESK_OPENAI_MODEL", raising=False)
    result = CliRunner().invoke(
        triage, ["eval", str(EXTRA), "--engine", "openai", "--base-url", "http://127.0.0.1:9/v1"]
    )
    assert result.exit_code != 0 and "model" in result.output


async def test_eval_with_the_openai_engine_reports_tokens(tmp_path: Path, standin: StandIn) -> None:
    # A model that always answers "other": the command must still score it and show tokens per ticket.
    answer = {
        "category": "other",
        "tier": "simple",
        "admissible": True,
        "decline_reason": None,
        "joint": False,
        "summary": "s",
        "handling_method": "coordination",
        "draft_reply": "您好，秘书处已收到。",
        "confidence": 0.5,
        "rationale": "第七条第（五）项",
    }
    standin.then(Reply(json.dumps(answer, ensure_ascii=False), prompt_tokens=1000, completion_tokens=80))
    sample = tmp_path / "three.jsonl"
    sample.write_text("\n".join(EXTRA.read_text(encoding="utf-8").splitlines()[:3]) + "\n", encoding="utf-8")
    env = {
        "HELPDESK_OPENAI_API_KEY": "k",
        "HELPDESK_OPENAI_BASE_URL": standin.base_url,
        "HELPDESK_OPENAI_MODEL": "m",
    }
    # CliRunner runs its own event loop via asyncio.run, so it goes to a worker thread.
    result = await asyncio.to_thread(
        CliRunner(env=env).invoke, triage, ["eval", str(sample), "--engine", "openai"]
    )
    assert result.exit_code == 0, result.output
    assert "prompt tokens per ticket" in result.output and "1000" in result.output
    assert json.loads(result.output.strip().splitlines()[-1])["n"] == 3
