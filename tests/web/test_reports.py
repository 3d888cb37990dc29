"""Monthly figures and their charts: pure aggregation, SVG drawing, and the self-contained report file."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpdesk.domain.errors import DomainError
from helpdesk.services.reports import (
    ClockSpan,
    chart_rows,
    counted,
    month_report,
    on_time_shares,
    overdue_per_day,
    parse_month,
    to_csv,
)
from helpdesk.web.charts import bar_chart, line_chart
from helpdesk.web.reports import standalone_html
from tests.web.conftest import add_people, ticket_with_proposal

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


def span(kind: str, start_days: float, due_days: float, stop_days: float | None) -> ClockSpan:
    return ClockSpan(kind, T0 + timedelta(days=start_days), T0 + timedelta(days=due_days), None if stop_days is None else T0 + timedelta(days=stop_days))


def test_a_clock_counts_as_on_time_when_stopped_by_its_limit_and_as_late_once_it_runs_past_it():
    clocks = [span("review", 0, 2, 1), span("review", 0, 2, 3), span("review", 0, 2, None), span("processing", 0, 30, None)]
    shares = dict((k, (w, d)) for k, w, d in on_time_shares(clocks, now=T0 + timedelta(days=5)))
    assert shares["review"] == (1, 3)  # one on time, one late, one still running past its limit
    assert shares["processing"] == (0, 0)  # still within its limit: not decided yet


def test_the_overdue_trend_counts_clocks_running_past_their_limit_at_each_days_end():
    clocks = [span("review", 0, 1, 3), span("processing", 0, 2, None)]
    days = [date(2026, 11, 1) + timedelta(days=i) for i in range(10)]
    trend = dict(overdue_per_day(clocks, days, SHANGHAI, now=T0 + timedelta(days=4, hours=1)))
    assert trend["2026-11-02"] == 0
    assert trend["2026-11-03"] == 1  # the review clock ran out on the 3rd
    assert trend["2026-11-04"] == 2
    assert trend["2026-11-05"] == 1  # the review clock was stopped late, on the 5th
    assert "2026-11-08" not in trend  # no figures for days still to come


def test_counts_keep_the_policy_order_with_zeros_and_name_missing_keys():
    assert counted(["b", None, "b", "z"], ("a", "b")) == [("a", 0), ("b", 2), ("unset", 1), ("z", 1)]


def test_a_month_is_written_yyyy_mm():
    assert parse_month("2026-11") == (2026, 11)
    with pytest.raises(DomainError):
        parse_month("2026-13")


def test_bar_charts_escape_their_labels_and_draw_one_bar_per_item():
    svg = bar_chart([("权益保障类", 3), ("<script>", 1)], title="按类别")
    assert svg.startswith("<svg") and svg.count("<rect") == 2
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "按类别" in svg


def test_a_percentage_chart_and_a_line_chart_render_even_empty():
    assert "50%" in bar_chart([("受理审查", 0.5)], title="x", percent=True)
    assert line_chart([], title="空").count("<polyline") == 0
    assert line_chart([("11-01", 0), ("11-02", 3)], title="超期").count("<circle") == 2


def test_csv_exports_carry_a_bom_for_excel():
    text = to_csv(["category", "count"], [["权益保障类", 2]])
    assert text.startswith("\ufeffcategory,count") and "权益保障类,2" in text


async def test_the_month_report_counts_the_months_tickets_and_writes_one_self_contained_file(desk, clock):
    await add_people(desk)
    number = await ticket_with_proposal(desk)
    from helpdesk.domain.roles import Actor

    li = Actor("li", "staff", 1)
    await desk.staff.accept(li, number, "rights_protection", "general")
    report = await month_report(desk.ctx, "2026-11")
    assert report.total == 1
    assert dict(report.by_category)["rights_protection"] == 1 and dict(report.by_channel)["email"] == 1
    assert chart_rows(report, "tier")[1][1] == ["general", 1]
    assert (await month_report(desk.ctx, "2026-10")).total == 0
    html = standalone_html(report, desk.ctx, "zh")
    assert html.count("<svg") == 6 and "<style>" in html
    assert "<link" not in html and "<script" not in html and "src=" not in html
