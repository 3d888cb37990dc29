"""Part of the composition root: builds each configured service of `helpdesk run`, skipping the rest with a hint."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Coroutine
from functools import partial
from typing import Any

from channels.email.config import EmailConfig
from channels.email.imap import ImapPoller
from channels.email.sender import SmtpSender
from channels.telegram import TelegramConfig, make_bot, run_telegram, telegram_sender
from helpdesk.app import Desk
from helpdesk.domain.proposal import Triage
from helpdesk.services.heartbeat import record_poll
from helpdesk.services.timer import run_timer
from helpdesk.services.timer_config import TimerConfig
from helpdesk.services.triage_queue import TriageQueue
from helpdesk.web import WebConfig, run_web

log = logging.getLogger(__name__)


def triage_engine(desk: Desk) -> Triage:
    """The configured triage engine (rules by default; openai with base URL, model and key from the environment)."""
    from triage import TriageConfig, build_engine

    section = desk.settings.section("triage")
    engine = str(os.environ.get("HELPDESK_TRIAGE_ENGINE") or section.get("engine", "rules"))
    key_env = str(section.get("api_key_env", "HELPDESK_OPENAI_API_KEY"))
    config = TriageConfig(
        engine=engine,
        base_url=os.environ.get("HELPDESK_OPENAI_BASE_URL") or section.get("base_url"),
        model=os.environ.get("HELPDESK_OPENAI_MODEL") or section.get("model"),
        api_key=os.environ.get(key_env),
        timeout_s=float(section.get("timeout_s", 30)),
        concurrency=int(section.get("concurrency", 4)),
        redact=section.get("redact"),
    )
    return build_engine(config, desk.ctx.policy)


async def start_services(desk: Desk, stop: asyncio.Event) -> list[asyncio.Task[Any]]:
    """Start triage, timer, console, outbox and every configured channel; return their tasks."""
    jobs: dict[str, Coroutine[Any, Any, Any]] = {}
    jobs["triage"] = TriageQueue(desk.ctx, triage_engine(desk)).run(stop)
    jobs["timer"] = run_timer(desk.ctx, TimerConfig.from_settings(desk.settings), stop)
    email = EmailConfig.from_section(desk.settings.section("email"))
    if email.smtp_host:
        desk.senders["email"] = SmtpSender(email)
    else:
        log.info("email sending not configured, skipped: to enable it, set [email] smtp_host (password in HELPDESK_SMTP_PASSWORD)")
    if email.imap_host:
        jobs["email"] = ImapPoller(email, desk.intake, on_poll=partial(record_poll, desk.ctx, "email")).run(stop)
    else:
        log.info("email intake not configured, skipped: to enable it, set [email] imap_host and imap_user (password in HELPDESK_IMAP_PASSWORD)")
    telegram = desk.settings.section("telegram")
    token_env = str(telegram.get("token_env", "HELPDESK_TELEGRAM_TOKEN"))
    if telegram.get("staff_chat_id") and os.environ.get(token_env):
        config = TelegramConfig.from_section(telegram, os.environ)
        bot = make_bot(config)
        desk.senders["telegram"] = telegram_sender(desk.ctx, config, bot)
        jobs["telegram"] = run_telegram(desk.ctx, config, stop, bot=bot)
    else:
        log.info("telegram channel not configured, skipped: to enable it, set [telegram] staff_chat_id and the bot token in %s", token_env)
    web = WebConfig.from_section(desk.settings.section("web"), var_dir=desk.settings.var_dir)
    jobs["web"] = run_web(desk.ctx, web, stop)
    jobs["outbox"] = desk.dispatcher().run(stop)
    return [asyncio.create_task(job, name=name) for name, job in jobs.items()]
