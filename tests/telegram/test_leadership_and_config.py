"""The leadership chat's acknowledgments, the [telegram] config, webhook mode with its secret, and the invite command."""

from __future__ import annotations

import asyncio
import contextlib

import aiohttp
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from channels.telegram import TelegramConfig, run_telegram
from helpdesk.domain.errors import ConfigError
from helpdesk.store.schema import AuditEvent, TimerEvent
from tests.core.helpers import staff
from tests.telegram.botapi_standin import TOKEN
from tests.telegram.conftest import LEADER, LEADERSHIP_CHAT, MEMBER, STAFF, eventually


async def test_a_major_grievance_reaches_the_leadership_chat_and_its_acknowledgment_is_recorded(harness):
    ticket = await harness.submit(MEMBER, "园区三十家会员企业被强制停电，损失严重。")
    actor = await staff(harness.desk, "zhao")
    await harness.desk.staff.accept(actor, ticket.number, "rights_protection", "major")
    card = await harness.card(ticket.number, LEADERSHIP_CHAT)
    assert "🏛" in card.text and "重大" in card.text
    # Staff may not acknowledge for the president's office.
    answer = await harness.tap(STAFF, card, card.button("已阅"))
    assert answer["show_alert"] == "true"
    answer = await harness.tap(LEADER, card, card.button("已阅"))
    assert answer.get("show_alert") != "true"

    async def acknowledged():
        current = await harness.card(ticket.number, LEADERSHIP_CHAT)
        return current if "已阅：leadership:wang" in current.text and not current.buttons() else None

    await eventually(acknowledged)
    async with harness.desk.ctx.sessions() as session:
        events = (await session.scalars(select(AuditEvent).where(AuditEvent.action == "acknowledge"))).all()
    assert [e.actor for e in events] == ["leadership:wang"]


async def test_an_escalation_is_posted_with_a_button_and_the_acknowledgment_lands_on_the_timer_event(harness, clock):
    ticket = await harness.submit(MEMBER, "请协助办理展会补贴申报。")
    async with harness.desk.ctx.sessions.begin() as session:
        event = TimerEvent(ticket_id=ticket.id, clock_id=None, kind="escalation", level=1, due_at=clock(), created_at=clock(), detail=f"{ticket.number} 受理审查超期")
        session.add(event)
    posted = await eventually(lambda: next((m for m in harness.api.sent_to(LEADERSHIP_CHAT) if "督办" in m.text), None))
    await harness.tap(LEADER, posted, posted.button("已阅"))
    await eventually(lambda: "已阅：leadership:wang" in harness.api.messages[(LEADERSHIP_CHAT, posted.message_id)].text)
    async with harness.desk.ctx.sessions() as session:
        stored = await session.scalar(select(TimerEvent))
    assert stored.acknowledged_by == "leadership:wang" and stored.acknowledged_at is not None


def test_the_config_takes_secrets_from_the_environment_and_names_the_key_that_is_wrong():
    section = {"staff_chat_id": "-100123", "staff": {"42": "staff", "43": "admin"}, "api_base": "http://127.0.0.1:9/"}
    config = TelegramConfig.from_section(section, {"HELPDESK_TELEGRAM_TOKEN": "1:abc"})
    assert config.staff == {42: "staff", 43: "admin"} and config.api_base == "http://127.0.0.1:9" and config.mode == "polling"
    with pytest.raises(ConfigError, match="HELPDESK_TELEGRAM_TOKEN"):
        TelegramConfig.from_section(section, {})
    with pytest.raises(ConfigError, match="staff.42"):
        TelegramConfig.from_section({**section, "staff": {"42": "boss"}}, {"HELPDESK_TELEGRAM_TOKEN": "1:abc"})
    with pytest.raises(ConfigError, match="webhook"):
        TelegramConfig.from_section({**section, "mode": "webhook"}, {"HELPDESK_TELEGRAM_TOKEN": "1:abc"})


async def test_webhook_mode_registers_the_secret_and_refuses_updates_without_it(desk, api, unused_tcp_port):
    section = {
        "api_base": api.base, "staff_chat_id": -1001001, "mode": "webhook", "webhook_url": "https://desk.example.cn/tg",
        "webhook_port": unused_tcp_port, "card_interval_s": 0.05,
    }
    config = TelegramConfig.from_section(section, {"HELPDESK_TELEGRAM_TOKEN": TOKEN, "HELPDESK_TELEGRAM_WEBHOOK_SECRET": "s3cret"})
    stop = asyncio.Event()
    task = asyncio.create_task(run_telegram(desk.ctx, config, stop))
    try:
        await eventually(lambda: api.webhook)
        assert api.webhook["secret_token"] == "s3cret" and api.webhook["url"] == "https://desk.example.cn/tg"
        url = f"http://127.0.0.1:{unused_tcp_port}/telegram/webhook"
        update = {"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}, "from": MEMBER, "text": "hi"}}
        async with aiohttp.ClientSession() as client:
            async with client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}) as response:
                assert response.status == 401
            async with client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"}) as response:
                assert response.status == 200
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=10)


def test_the_invite_command_prints_a_one_time_deep_link(settings, monkeypatch, tmp_path):
    import asyncio as aio

    from helpdesk.app import open_desk
    from helpdesk.cli.invites import invite
    from helpdesk.services.members import MemberRow, upsert_member

    config = tmp_path / "helpdesk.toml"
    config.write_text(
        f'[desk]\ndatabase_url = "{settings.database_url}"\nvar_dir = "{settings.var_dir}"\npolicy = "{settings.policy_path}"\n'
        '[telegram]\nbot_username = "chamber_desk_bot"\nstaff_chat_id = -1\n'
    )
    monkeypatch.setenv("HELPDESK_CONFIG", str(config))

    async def seed():
        async with open_desk(settings) as desk, desk.ctx.sessions.begin() as session:
            await upsert_member(session, desk.ctx, MemberRow("M-009", "unit", "甲公司", None, (), (), None, "zh"))

    aio.run(seed())
    result = CliRunner().invoke(invite, ["M-009"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("https://t.me/chamber_desk_bot?start=")
    missing = CliRunner().invoke(invite, ["M-404"])
    assert missing.exit_code != 0 and "M-404" in missing.output
