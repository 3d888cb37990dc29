"""The first look: `helpdesk demo` fills an empty desk once; `helpdesk report` writes the month's file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from helpdesk.domain.errors import DomainError
from helpdesk.services.demo import fill_demo
from helpdesk.store.schema import JointGroup, Member, Ticket, TimerEvent

triage = pytest.importorskip("triage", reason="the demo runs the rules triage engine of the triage package")


async def test_the_demo_fills_an_empty_desk_with_members_and_a_dozen_triaged_grievances_once(desk):
    engine = triage.build_engine(triage.TriageConfig(), desk.ctx.policy)
    result = await fill_demo(desk.ctx, engine)
    assert len(result.tickets) == 13
    async with desk.ctx.sessions() as session:
        tickets = list(await session.scalars(select(Ticket)))
        assert await session.scalar(select(func.count(Member.id))) == 8
        assert await session.scalar(select(func.count(JointGroup.id))) == 1
        escalations = await session.scalar(select(func.count(TimerEvent.id)))
    assert {t.category for t in tickets if t.category} == set(desk.ctx.policy.category_keys)
    assert {t.tier for t in tickets if t.tier} == {"simple", "general", "major"}
    assert [t.status for t in tickets].count("declined") == 1
    assert any(t.language == "en" for t in tickets) and any(not t.verified for t in tickets)
    assert {"in_person", "meeting", "visit", "email", "telegram"} <= {t.channel for t in tickets}
    assert escalations == result.escalations >= 1
    with pytest.raises(DomainError):
        await fill_demo(desk.ctx, engine)


def _config(tmp_path: Path) -> dict[str, str]:
    config = tmp_path / "helpdesk.toml"
    repo = Path(__file__).resolve().parents[2]
    config.write_text(f'[desk]\nvar_dir = "{tmp_path / "var"}"\npolicy = "{repo / "config" / "policy.toml"}"\n')
    return {"HELPDESK_CONFIG": str(config), "HELPDESK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"}


def test_the_demo_and_report_commands_print_a_login_and_write_a_self_contained_report(tmp_path):
    from helpdesk.cli.demo import demo
    from helpdesk.cli.report import report

    env = _config(tmp_path)
    runner = CliRunner()
    first = runner.invoke(demo, [], env=env)
    assert first.exit_code == 0, first.output
    assert "一次性密码 one-time password" in first.output and "http://127.0.0.1:8080/" in first.output
    again = runner.invoke(demo, [], env=env)
    assert again.exit_code == 0 and "nothing changed" in again.output and "one-time password" not in again.output
    out = tmp_path / "report.html"
    written = runner.invoke(report, ["--month", "2026-11", "--out", str(out)], env=env)
    assert written.exit_code == 0, written.output
    html = out.read_text(encoding="utf-8")
    assert html.count("<svg") == 6 and "月度报表" in html and "<script" not in html
    bad = runner.invoke(report, ["--month", "11/2026", "--out", str(out)], env=env)
    assert bad.exit_code != 0 and "YYYY-MM" in bad.output
