"""The shipped example configuration is valid for every part that reads it."""

from __future__ import annotations

import tomllib
from pathlib import Path

from channels.email.config import EmailConfig
from helpdesk.app import load_policy
from helpdesk.calendars import build_calendar
from helpdesk.services.timer_config import TimerConfig
from helpdesk.settings import settings_from_mapping
from helpdesk.web.config import WebConfig

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "helpdesk.example.toml"


def test_the_example_configuration_is_read_by_every_part_without_error(tmp_path):
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    settings = settings_from_mapping(data, {}, EXAMPLE)
    assert load_policy(settings.policy_path).tier("major").working_days == 15
    assert build_calendar(settings.calendar).timezone == "Asia/Shanghai"
    assert [level.to for level in TimerConfig.from_settings(settings).levels] == ["presidents_office", "president"]
    assert WebConfig.from_section(settings.section("web"), env={}, var_dir=tmp_path).port == 8080
    assert EmailConfig.from_section(settings.section("email"), env={}).imap_host == ""
    assert settings.outbox.max_attempts == 12
