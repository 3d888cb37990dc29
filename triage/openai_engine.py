"""Triage by any OpenAI-compatible model, validated, sanitised, and backed by the rules engine."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from typing import Any

import openai
from openai import AsyncOpenAI

from helpdesk.domain.policy import Policy
from helpdesk.domain.proposal import Proposal, TriageRequest
from triage.answer import AnswerError, ModelAnswer, parse_answer
from triage.config import TriageConfig
from triage.prompt import PromptBook, response_schema
from triage.redaction import redact
from triage.rules.engine import RulesEngine
from triage.rules.reading import language_of
from triage.safeguards import injected_instructions, unsafe_draft


@dataclasses.dataclass
class _Usage:
    """Tokens spent on one ticket, over the first answer and any repair."""

    prompt: int | None = None
    completion: int | None = None

    def add(self, usage: Any) -> None:
        if usage is None:
            return
        self.prompt = (self.prompt or 0) + (getattr(usage, "prompt_tokens", 0) or 0)
        self.completion = (self.completion or 0) + (getattr(usage, "completion_tokens", 0) or 0)


class _Fallback(Exception):
    """Why the model's answer cannot be used (the rules engine's proposal is used instead)."""


class OpenAIEngine:
    """Asks the model for a proposal; on timeout, error, invalid or unsafe output, proposes by the rules."""

    name = "openai"

    def __init__(
        self, config: TriageConfig, policy: Policy, fallback: RulesEngine, client: AsyncOpenAI | None = None
    ) -> None:
        if not config.model:
            raise ValueError("the openai engine needs a model name (--model or HELPDESK_OPENAI_MODEL)")
        self.config, self.policy, self.fallback = config, policy, fallback
        self.client = client or AsyncOpenAI(
            base_url=config.base_url,
            # Local servers often need no key, but the client insists on one.
            api_key=config.resolved_api_key or "not-needed",
            timeout=config.timeout_s,
            max_retries=config.max_retries,
        )
        self.prompts = PromptBook(policy)
        self.schema = {"name": "triage_proposal", "schema": response_schema(policy), "strict": True}
        self.json_schema_supported = True
        self._slots = asyncio.Semaphore(config.concurrency)

    async def propose(self, request: TriageRequest) -> Proposal:
        """Propose category, tier, admissibility, joint flag and a draft reply."""
        started = time.perf_counter()
        usage = _Usage()
        try:
            async with self._slots:
                # The client's own timeout is per attempt; this bounds retries and the repair together.
                async with asyncio.timeout(self.config.timeout_s * (self.config.max_retries + 1) * 2 + 1):
                    answer = await self._answer(request, usage)
            problem = unsafe_draft(answer.draft_reply, f"{request.subject or ''}\n{request.text}")
            if problem:
                raise _Fallback(f"unsafe draft: {problem}")
        except _Fallback as why:
            return self._fall_back(request, str(why), started, usage)
        except (TimeoutError, openai.APITimeoutError):
            return self._fall_back(request, "timeout", started, usage)
        except openai.APIStatusError as error:
            return self._fall_back(request, f"HTTP {error.status_code} from the model server", started, usage)
        except openai.APIConnectionError:
            return self._fall_back(request, "cannot reach the model server", started, usage)
        except openai.OpenAIError as error:
            return self._fall_back(request, f"model client error: {type(error).__name__}", started, usage)
        except Exception as error:  # noqa: BLE001 - a proposal must come back whatever the server sent
            return self._fall_back(request, f"unexpected {type(error).__name__} reading the model's reply", started, usage)
        return self._proposal(request, answer, started, usage)

    async def _answer(self, request: TriageRequest, usage: _Usage) -> ModelAnswer:
        text, subject, name = request.text, request.subject, request.sender_name
        if self.config.redacts:
            text = redact(text).text
            subject = redact(subject).text if subject else None
            name = None  # the name adds nothing to the triage and is personal data
        messages: list[dict[str, str]] = [
            {"role": "system", "content": self.prompts.system},
            {
                "role": "user",
                "content": self.prompts.user(request, text=text, subject=subject, sender_name=name),
            },
        ]
        content = await self._complete(messages, usage)
        try:
            return parse_answer(content, self.policy)
        except AnswerError as error:
            # One repair attempt: show the model its answer and what is wrong with it.
            messages += [
                {"role": "assistant", "content": content or ""},
                {"role": "user", "content": self.prompts.repair(str(error))},
            ]
        repaired = await self._complete(messages, usage)
        try:
            return parse_answer(repaired, self.policy)
        except AnswerError as error:
            raise _Fallback(f"invalid answer after one repair: {error}") from None

    async def _complete(self, messages: list[dict[str, str]], usage: _Usage) -> str | None:
        if self.json_schema_supported:
            try:
                return await self._create(
                    messages, {"type": "json_schema", "json_schema": self.schema}, usage
                )
            except (openai.BadRequestError, openai.UnprocessableEntityError):
                # Many OpenAI-compatible servers reject json_schema; JSON mode plus validation still works.
                self.json_schema_supported = False
        return await self._create(messages, {"type": "json_object"}, usage)

    async def _create(
        self, messages: list[dict[str, str]], response_format: dict[str, Any], usage: _Usage
    ) -> str | None:
        response = await self.client.chat.completions.create(
            model=self.config.model or "",
            messages=messages,  # type: ignore[arg-type]
            response_format=response_format,  # type: ignore[arg-type]
            temperature=self.config.temperature,
        )
        usage.add(response.usage)
        if not response.choices:
            raise _Fallback("the model returned no choices")
        return response.choices[0].message.content

    def _proposal(
        self, request: TriageRequest, answer: ModelAnswer, started: float, usage: _Usage
    ) -> Proposal:
        whole = f"{request.subject or ''}\n{request.text}"
        return Proposal(
            category=answer.category,
            tier=answer.tier,
            admissible=answer.admissible,
            decline_reason=answer.decline_reason,
            joint=answer.joint,
            summary=answer.summary,
            handling_method=answer.handling_method,
            draft_reply=answer.draft_reply,
            confidence=answer.confidence,
            rationale=answer.rationale,
            engine=self.name,
            language=language_of(whole, request.language),
            model=self.config.model,
            latency_ms=_since(started),
            prompt_tokens=usage.prompt,
            completion_tokens=usage.completion,
            signals=("injection_ignored",) if injected_instructions(whole) else (),
        )

    def _fall_back(self, request: TriageRequest, reason: str, started: float, usage: _Usage) -> Proposal:
        proposal = self.fallback.propose_now(request)
        return dataclasses.replace(
            proposal,
            model=self.config.model,
            latency_ms=_since(started),
            prompt_tokens=usage.prompt,
            completion_tokens=usage.completion,
            fallback=True,
            fallback_reason=reason,
        )


def _since(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
