"""The working-day clock on the Chinese statutory calendar (Civil Code Art. 201)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk.calendars import apply_overrides, build_calendar
from helpdesk.domain.errors import ConfigError
from helpdesk.settings import CalendarSettings

CST = timezone(timedelta(hours=8))
CALENDAR = build_calendar(CalendarSettings(overrides=None))


def due(received: str, days: int) -> datetime:
    return CALENDAR.due_after(datetime.fromisoformat(received), days).at


def test_three_working_days_from_the_eve_of_national_day_end_on_the_adjusted_saturday():
    assert due("2026-09-30T10:00:00+08:00", 3) == datetime(2026, 10, 10, 18, 0, tzinfo=CST)


def test_one_working_day_from_a_labour_day_eve_evening_ends_after_the_holiday():
    assert due("2026-04-30T20:00:00+08:00", 1) == datetime(2026, 5, 6, 18, 0, tzinfo=CST)


def test_a_message_received_on_a_holiday_counts_from_the_next_working_day_without_shifting_twice():
    # Received on 2 October (holiday): 1 October–7 October off, 8 October is the first working day.
    assert due("2026-10-02T09:30:00+08:00", 1) == datetime(2026, 10, 8, 18, 0, tzinfo=CST)
    assert due("2026-10-02T09:30:00+08:00", 2) == datetime(2026, 10, 9, 18, 0, tzinfo=CST)


def test_the_start_day_is_never_counted_whatever_the_hour():
    assert due("2026-11-23T00:01:00+08:00", 1) == due("2026-11-23T23:59:00+08:00", 1) == datetime(2026, 11, 24, 18, 0, tzinfo=CST)


def test_a_utc_timestamp_is_counted_on_the_chambers_local_day():
    # 2026-11-22 17:00 UTC is already Monday 23 November 01:00 in Shanghai.
    assert due("2026-11-22T17:00:00+00:00", 1) == datetime(2026, 11, 24, 18, 0, tzinfo=CST)


def test_fifteen_working_days_across_the_2026_national_day_holiday():
    # From 2026-09-25 (Mid-Autumn, a holiday); 28, 29, 30 Sep, 8, 9, 10 (Sat), 12–16, 19–22 Oct.
    assert due("2026-09-24T15:00:00+08:00", 15) == datetime(2026, 10, 22, 18, 0, tzinfo=CST)


def test_the_adjusted_working_sunday_before_national_day_counts():
    assert CALENDAR.is_working_day(date(2026, 9, 20))
    assert not CALENDAR.is_working_day(date(2026, 10, 6))


def test_deadlines_across_the_2026_to_2027_year_end_skip_new_years_day_and_warn_of_the_unofficial_year():
    result = CALENDAR.due_after(datetime(2026, 12, 30, 20, 0, tzinfo=CST), 3)
    assert result.at == datetime(2027, 1, 5, 18, 0, tzinfo=CST)
    assert any("2027" in w for w in result.warnings)


def test_a_year_with_an_official_schedule_gives_no_warning():
    assert CALENDAR.due_after(datetime(2026, 3, 2, 9, 0, tzinfo=CST), 7).warnings == ()


def test_the_local_override_file_adds_a_working_saturday_and_a_closure(tmp_path: Path):
    path = tmp_path / "overrides.toml"
    path.write_text('official_years = [2027]\n[[days]]\ndate = 2027-01-09\nworking = true\nnote = "调休"\n'
                    '[[days]]\ndate = "2027-01-05"\nworking = false\nnote = "商会闭馆"\n', encoding="utf-8")
    calendar = apply_overrides(CALENDAR, path)
    assert calendar.is_working_day(date(2027, 1, 9))
    assert not calendar.is_working_day(date(2027, 1, 5))
    result = calendar.due_after(datetime(2026, 12, 30, 20, 0, tzinfo=CST), 3)
    assert result.at == datetime(2027, 1, 6, 18, 0, tzinfo=CST)
    assert result.warnings == ()


def test_a_bad_override_entry_names_the_file_and_the_key(tmp_path: Path):
    path = tmp_path / "overrides.toml"
    path.write_text('[[days]]\ndate = "2027-13-40"\nworking = true\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"overrides.toml: days\[0\].date"):
        apply_overrides(CALENDAR, path)


def test_chambers_abroad_use_their_countrys_calendar():
    germany = build_calendar(CalendarSettings(country="DE", timezone="Europe/Berlin", overrides=None))
    assert not germany.is_working_day(date(2026, 10, 3))  # Tag der Deutschen Einheit
    assert germany.is_working_day(date(2026, 10, 1))
    assert germany.official_years is None


def test_an_unknown_country_is_a_configuration_error():
    with pytest.raises(ConfigError, match="calendar.country"):
        build_calendar(CalendarSettings(country="XX", overrides=None))


moments = st.datetimes(min_value=datetime(2016, 1, 1), max_value=datetime(2026, 12, 1), timezones=st.just(CST))


@settings(max_examples=300, deadline=None)
@given(start=moments, days=st.integers(min_value=1, max_value=30))
def test_due_dates_never_fall_on_a_non_working_day(start: datetime, days: int):
    result = CALENDAR.due_after(start, days).at
    assert CALENDAR.is_working_day(result.date())
    assert result.time() == CALENDAR.closes


@settings(max_examples=300, deadline=None)
@given(start=moments, days=st.integers(min_value=1, max_value=29))
def test_one_more_working_day_is_always_later(start: datetime, days: int):
    assert CALENDAR.due_after(start, days + 1).at > CALENDAR.due_after(start, days).at


@settings(max_examples=300, deadline=None)
@given(start=moments, later=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40)), days=st.integers(1, 20))
def test_a_later_start_never_gives_an_earlier_due_date(start: datetime, later: timedelta, days: int):
    assert CALENDAR.due_after(start + later, days).at >= CALENDAR.due_after(start, days).at


@settings(max_examples=300, deadline=None)
@given(start=moments, days=st.integers(min_value=1, max_value=30))
def test_exactly_n_working_days_lie_between_the_start_day_and_the_due_day(start: datetime, days: int):
    result = CALENDAR.due_after(start, days).at
    assert CALENDAR.working_days_between(start.date(), result.date()) == days
    assert CALENDAR.working_days_left(start, result) == days
