"""Monthly reports: charts drawn on the server, a CSV per chart, and the same report as one self-contained file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from helpdesk.domain.errors import DomainError
from helpdesk.services.context import DeskContext
from helpdesk.services.reports import CHARTS, MonthReport, chart_rows, month_report, to_csv
from helpdesk.web.auth import guarded
from helpdesk.web.charts import bar_chart, line_chart
from helpdesk.web.i18n import label, translator
from helpdesk.web.page import environment, local_time, policy_name, render

STATIC = Path(__file__).resolve().parent / "static"
TITLES = {
    "category": "reports.by_category", "tier": "reports.by_tier", "channel": "reports.by_channel",
    "on_time": "reports.on_time", "overdue": "reports.overdue", "satisfaction": "reports.satisfaction",
}


def charts(report: MonthReport, ctx: DeskContext, language: str) -> list[dict[str, Any]]:
    """Each chart of the report: key, title and its inline SVG, names in the language."""
    t = translator(language)

    def named(what: str, rows: list[tuple[str, int]]) -> list[tuple[str, float]]:
        return [(policy_name(ctx, language, what, k) if k != "unset" else t("reports.unset"), v) for k, v in rows]

    satisfaction = {"satisfied": t("reports.satisfied"), "dissatisfied": t("reports.dissatisfied"), "none": t("reports.no_answer")}
    drawn = {
        "category": bar_chart(named("category", report.by_category), title=t(TITLES["category"])),
        "tier": bar_chart(named("tier", report.by_tier), title=t(TITLES["tier"])),
        "channel": bar_chart([(label(language, "channel", k), v) for k, v in report.by_channel], title=t(TITLES["channel"])),
        "on_time": bar_chart(
            [(f"{label(language, 'clock', k)} ({w}/{d})", w / d if d else 0.0) for k, w, d in report.on_time],
            title=t(TITLES["on_time"]), percent=True, undecided={i for i, (_, _, d) in enumerate(report.on_time) if not d},
        ),
        "overdue": line_chart([(day[5:], n) for day, n in report.overdue], title=t(TITLES["overdue"])),
        "satisfaction": bar_chart([(satisfaction.get(k, k), v) for k, v in report.satisfaction], title=t(TITLES["satisfaction"])),
    }
    return [{"key": key, "title": t(TITLES[key]), "svg": drawn[key]} for key in CHARTS]


def standalone_html(report: MonthReport, ctx: DeskContext, language: str = "zh") -> str:
    """The report as one HTML file with inline CSS and SVG, nothing fetched: for the council's papers."""
    template = environment().get_template("report_file.html")
    return template.render(
        report=report, charts=charts(report, ctx, language), t=translator(language), lang=language,
        desk_name=ctx.desk_name(language), css=(STATIC / "report.css").read_text(encoding="utf-8"),
        generated=local_time(ctx, report.generated_at),
    )


def default_month(ctx: DeskContext) -> str:
    """This month in the desk's time zone."""
    return ctx.calendar.local_date(ctx.now()).strftime("%Y-%m")


@guarded("reports")
async def reports_page(request: Request) -> Response:
    """The report page for ?month=YYYY-MM (this month by default)."""
    ctx = request.app.state.ctx
    month = request.query_params.get("month") or default_month(ctx)
    try:
        report = await month_report(ctx, month)
    except DomainError as exc:
        return render(request, "error.html", status=400, message=str(exc))
    return render(request, "reports.html", report=report, charts=charts(report, ctx, request.state.visitor.language), month=report.month)


@guarded("reports")
async def chart_csv(request: Request) -> Response:
    """One chart's figures as CSV."""
    month, chart = request.path_params["month"], request.path_params["chart"]
    try:
        report = await month_report(request.app.state.ctx, month)
        header, rows = chart_rows(report, chart)
    except DomainError as exc:
        return PlainTextResponse(str(exc), status_code=400)
    return Response(
        to_csv(header, rows), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="report-{report.month}-{chart}.csv"'},
    )


@guarded("reports")
async def report_file(request: Request) -> Response:
    """The self-contained HTML report, as a download."""
    ctx = request.app.state.ctx
    try:
        report = await month_report(ctx, request.path_params["month"])
    except DomainError as exc:
        return PlainTextResponse(str(exc), status_code=400)
    return Response(
        standalone_html(report, ctx, request.state.visitor.language), media_type="text/html; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="report-{report.month}.html"'},
    )
