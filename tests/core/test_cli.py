"""The `helpdesk` command as a person types it, in a subprocess against a real store."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HELPDESK = [str(REPO / ".venv" / "bin" / "helpdesk")] if (REPO / ".venv" / "bin" / "helpdesk").exists() else ["helpdesk"]


def helpdesk(tmp_path: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "HELPDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'desk.db'}", "HELPDESK_CONFIG": str(tmp_path / "helpdesk.toml"), **(env or {})}
    if not (tmp_path / "helpdesk.toml").exists():
        (tmp_path / "helpdesk.toml").write_text(f'[desk]\nvar_dir = "{tmp_path / "var"}"\n', encoding="utf-8")
    return subprocess.run([*HELPDESK, *args], env=full_env, cwd=tmp_path, capture_output=True, text=True, input=stdin, timeout=60)


def test_sla_due_prints_the_due_time_as_iso_8601_on_its_last_line(tmp_path):
    done = helpdesk(tmp_path, "sla", "due", "--received", "2026-09-30T10:00+08:00", "--working-days", "3")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "2026-10-10T18:00:00+08:00"


def test_sla_due_warns_when_the_year_has_no_official_schedule(tmp_path):
    done = helpdesk(tmp_path, "sla", "due", "--received", "2027-03-01T10:00+08:00", "--working-days", "1")
    assert done.stdout.strip().splitlines()[-1] == "2027-03-02T18:00:00+08:00"
    assert "2027" in done.stderr


def test_a_broken_policy_stops_start_up_naming_the_file_and_the_key(tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text((REPO / "config" / "policy.toml").read_text(encoding="utf-8").replace("working_days = 15", "working_days = -15"), encoding="utf-8")
    (tmp_path / "helpdesk.toml").write_text(f'[desk]\nvar_dir = "{tmp_path / "var"}"\npolicy = "{policy}"\n', encoding="utf-8")
    done = helpdesk(tmp_path, "init")
    assert done.returncode != 0
    assert f"{policy}: tiers[2].working_days" in done.stderr


def test_a_member_csv_keeps_the_good_rows_and_reports_each_bad_row_by_line(tmp_path):
    csv = tmp_path / "members.csv"
    csv.write_text(
        "member_no,kind,organisation,contact_name,phones,emails,telegram_id,language\n"
        "M001,unit,苏州恒达机械有限公司,张伟,13912345678,zhang@hengda.cn,,zh\n"
        ",unit,没有编号的公司,李四,,,,\n"
        "M003,unit,无锡精工,陈静,,not-an-email,,\n"
        "M004,individual,,王芳,+86 138 0000 0000,wang@example.cn,123456789,en\n",
        encoding="utf-8",
    )
    done = helpdesk(tmp_path, "members", "import", str(csv))
    assert done.returncode == 0, done.stderr
    assert "2 added, 0 updated, 2 rejected" in done.stdout
    assert "members.csv:3" in done.stdout and "member_no" in done.stdout
    assert "members.csv:4" in done.stdout and "not-an-email" in done.stdout
    listed = json.loads(helpdesk(tmp_path, "members", "list", "--json").stdout)
    assert [m["member_no"] for m in listed] == ["M001", "M004"]


def test_staff_register_and_handle_a_walk_in_grievance_from_the_terminal(tmp_path):
    (tmp_path / "m.csv").write_text("member_no,kind,organisation,contact_name\nM001,unit,苏州恒达,张伟\n", encoding="utf-8")
    assert helpdesk(tmp_path, "members", "import", str(tmp_path / "m.csv")).returncode == 0
    assert helpdesk(tmp_path, "users", "add", "li", "--role", "staff", "--password", "s3cret").returncode == 0
    done = helpdesk(tmp_path, "tickets", "register", "--member", "M001", "--text", "厂房租约到期，求推荐新厂房。", "--as", "li")
    assert done.returncode == 0, done.stderr
    number = done.stdout.split()[-1]
    assert number.startswith("T-20")
    assert helpdesk(tmp_path, "tickets", "accept", number, "--category", "development_difficulty", "--tier", "general", "--as", "li").returncode == 0
    shown = json.loads(helpdesk(tmp_path, "tickets", "show", number, "--json").stdout)
    assert shown["status"] == "accepted" and shown["channel"] == "in_person" and shown["verified"]
    assert [c["kind"] for c in shown["clocks"]] == ["review", "processing"]
    listed = json.loads(helpdesk(tmp_path, "tickets", "list", "--json").stdout)
    assert listed[0]["number"] == number


def test_a_staff_action_by_an_unknown_user_is_refused(tmp_path):
    done = helpdesk(tmp_path, "tickets", "accept", "T-2026-000001", "--category", "other", "--tier", "simple", "--as", "nobody")
    assert done.returncode != 0 and "no active user 'nobody'" in done.stderr


@pytest.mark.parametrize("args", [["tickets", "show", "T-2026-999999"]])
def test_an_unknown_ticket_is_a_clear_error(tmp_path, args):
    done = helpdesk(tmp_path, *args)
    assert done.returncode == 1 and "no ticket T-2026-999999" in done.stderr


def test_finished_grievances_are_archived_whole_as_json_lines(tmp_path):
    (tmp_path / "m.csv").write_text("member_no,kind,organisation,contact_name\nM001,unit,苏州恒达,张伟\n", encoding="utf-8")
    helpdesk(tmp_path, "members", "import", str(tmp_path / "m.csv"))
    helpdesk(tmp_path, "users", "add", "li", "--role", "staff", "--password", "s3cret")
    number = helpdesk(tmp_path, "tickets", "register", "--member", "M001", "--text", "咨询出口退税。", "--as", "li").stdout.split()[-1]
    open_one = helpdesk(tmp_path, "tickets", "register", "--member", "M001", "--text", "另一件事。", "--as", "li").stdout.split()[-1]
    helpdesk(tmp_path, "tickets", "answer", number, "--text", "按季度申报。", "--as", "li")
    helpdesk(tmp_path, "tickets", "close", number, "--reason", "已答复", "--as", "li")
    done = helpdesk(tmp_path, "tickets", "archive", "--since", "2020-01-01", "--until", "2099-12-31", "--out", str(tmp_path / "a.jsonl"))
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["number"] for r in records] == [number] and open_one != number
    assert records[0]["audit"][-1]["action"] == "close"
