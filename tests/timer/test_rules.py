"""The pure decisions: due times, reminders and escalation levels across National Day 2026 and the 2026/27 year end."""

from __future__ import annotations

import pytest

from helpdesk.calendars import build_calendar
from helpdesk.domain.errors import ConfigError
from helpdesk.domain.escalation import (
    ClockState,
    EventKind,
    Level,
    Rules,
    digest_day,
    escalation_at,
    horizon,
    owed,
)
from helpdesk.services.timer_config import Recipient, TimerConfig
from helpdesk.settings import CalendarSettings
from tests.timer.helpers import SECTION, sh

CAL = build_calendar(CalendarSettings())
RULES = Rules(levels=(Level(1, 0), Level(2, 2, "president")), reminder_working_days=1)


def review_clock(received: str) -> ClockState:
    start = sh(received)
    return ClockState("review", start, CAL.due_after(start, 2).at, 2)


def test_the_review_answer_for_a_grievance_received_the_day_before_national_day_is_due_on_the_ninth():
    assert CAL.due_after(sh("2026-09-30 10:00"), 2).at == sh("2026-10-09 18:00")
    # Three working days end on Saturday 10 October, a working weekend day (调休).
    assert CAL.due_after(sh("2026-09-30 10:00"), 3).at == sh("2026-10-10 18:00")


def test_reminder_escalation_and_second_level_fall_on_working_days_around_national_day():
    clock = review_clock("2026-09-30 10:00")
    assert owed(CAL, RULES, clock, sh("2026-10-07 23:59"), ()) == []
    [reminder] = owed(CAL, RULES, clock, sh("2026-10-08 09:00"), ())
    assert (reminder.kind, reminder.at) == (EventKind.REMINDER, sh("2026-10-08 09:00"))
    assert owed(CAL, RULES, clock, sh("2026-10-09 17:59"), {("reminder", 0)}) == []
    [first] = owed(CAL, RULES, clock, sh("2026-10-09 18:00"), {("reminder", 0)})
    assert (first.kind, first.level) == (EventKind.ESCALATION, 1)
    # Two more working days: Saturday 10 October (worked) and Monday 12 October.
    assert escalation_at(CAL, clock.due_at, 2) == sh("2026-10-12 18:00")
    assert [o.level for o in owed(CAL, RULES, clock, sh("2026-10-12 18:00"), {("reminder", 0), ("escalation", 1)})] == [2]


def test_a_timer_that_was_down_sends_every_missed_level_in_order_but_no_stale_reminder():
    clock = review_clock("2026-09-30 10:00")
    late = owed(CAL, RULES, clock, sh("2026-10-20 10:00"), ())
    assert [(o.kind, o.level) for o in late] == [(EventKind.ESCALATION, 1), (EventKind.ESCALATION, 2)]


def test_the_year_end_clock_skips_new_year_and_warns_that_2027_is_not_official_yet():
    due = CAL.due_after(sh("2026-12-30 10:00"), 2)
    assert due.at == sh("2027-01-04 18:00")
    assert any("2027" in w for w in due.warnings)
    clock = ClockState("review", sh("2026-12-30 10:00"), due.at, 2)
    [reminder] = owed(CAL, RULES, clock, sh("2026-12-31 09:00"), ())
    assert reminder.kind is EventKind.REMINDER
    assert escalation_at(CAL, due.at, 2) == sh("2027-01-06 18:00")


def test_a_general_grievance_is_nudged_for_a_progress_note_at_half_time_and_a_simple_one_is_not():
    start = sh("2026-11-23 10:00")
    general = ClockState("processing", start, CAL.due_after(start, 7).at, 7, progress_updates=True)
    assert general.due_at == sh("2026-12-02 18:00")
    assert owed(CAL, RULES, general, sh("2026-11-26 18:00"), ()) == []
    assert [(o.kind, o.at) for o in owed(CAL, RULES, general, sh("2026-11-27 09:00"), ())] == [(EventKind.HALFTIME, sh("2026-11-27 09:00"))]
    simple = ClockState("processing", start, CAL.due_after(start, 3).at, 3, progress_updates=False)
    assert [o.kind for o in owed(CAL, RULES, simple, sh("2026-11-25 09:00"), ())] == [EventKind.REMINDER]


def test_the_one_day_result_clock_is_not_reminded_before_it_started():
    start = sh("2026-11-23 15:00")
    result = ClockState("result", start, CAL.due_after(start, 1).at, 1)
    assert owed(CAL, RULES, result, sh("2026-11-24 12:00"), ()) == []
    assert [o.kind for o in owed(CAL, RULES, result, sh("2026-11-24 18:00"), ())] == [EventKind.ESCALATION]


def test_the_sweep_horizon_covers_the_longest_half_time_and_no_more():
    now = sh("2026-09-30 10:00")
    edge = horizon(CAL, RULES, now, (7, 15))
    # Half of 15 is 7 working days ahead, plus one: 1 Oct to 7 Oct are off, so it reaches 16 October.
    assert sh("2026-10-16 18:00") < edge <= sh("2026-10-20 00:00")


def test_the_digest_is_due_from_its_hour_on_working_days_only():
    assert digest_day(CAL, sh("2026-10-09 08:59"), 9) is None
    assert str(digest_day(CAL, sh("2026-10-09 09:00"), 9)) == "2026-10-09"
    assert digest_day(CAL, sh("2026-10-03 10:00"), 9) is None
    assert str(digest_day(CAL, sh("2026-10-10 10:00"), 9)) == "2026-10-10"  # a working Saturday


def test_the_timer_section_reads_levels_and_takes_chat_ids_from_the_telegram_section_too():
    config = TimerConfig.from_section(SECTION)
    assert [(lv.number, lv.after_working_days, lv.to) for lv in config.levels] == [(1, 0, "presidents_office"), (2, 2, "president")]
    assert config.escalation_recipients(2) == [Recipient("telegram", "5001"), Recipient("email", "president@chamber.example.cn")]
    assert Recipient("telegram", "-100222") in config.escalation_recipients(1)
    fallback = TimerConfig.from_section({}, {"staff_chat_id": -100111, "leadership_chat_id": "-100222"})
    assert fallback.staff() == [Recipient("telegram", "-100111")]
    assert fallback.leadership() == [Recipient("telegram", "-100222")]
    assert fallback.levels[0].after_working_days == 0


@pytest.mark.parametrize(
    "section",
    [{"levels": [{"after_working_days": 2}, {"after_working_days": 1}]}, {"leadership_emails": ["not-an-address"]}, {"digest_hour": 25}],
)
def test_a_bad_timer_section_is_refused_with_the_key_named(section):
    with pytest.raises(ConfigError, match=r"\[timer\]"):
        TimerConfig.from_section(section)
