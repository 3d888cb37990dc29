"""`helpdesk ingest eml`: one line (or JSON object) per file, errors reported and the run goes on."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from helpdesk.cli.ingest import ingest
from tests.email.fake_intake import SAMPLES, FakeIntake


def run(intake: FakeIntake, *args: str):
    """Invoke the command with the fake intake handed in through click's obj."""
    return CliRunner().invoke(ingest, ["eml", *args], obj={"intake": intake})


def test_a_folder_of_samples_gives_one_line_per_file(intake: FakeIntake) -> None:
    result = run(intake, str(SAMPLES))
    lines = result.output.strip().splitlines()
    assert result.exit_code == 0 and len(lines) == len(list(SAMPLES.glob("*.eml")))
    assert any(line.endswith("skipped: automatic subject: 自动回复") for line in lines)
    assert any("joined ticket T-2026-000123" in line for line in lines)
    assert any("ticket T-2026-" in line and "made" in line for line in lines)


def test_json_output_names_file_result_ticket_and_reason(intake: FakeIntake) -> None:
    result = run(intake, "--json", str(SAMPLES / "163-bounce.eml"), str(SAMPLES / "big5-taiwan.eml"))
    records = [json.loads(line) for line in result.output.splitlines()]
    assert records[0]["result"] == "skip" and records[0]["reason"].startswith("daemon sender")
    assert records[1] == {"file": str(SAMPLES / "big5-taiwan.eml"), "result": "ticket", "ticket": "T-2026-000001", "reason": None}


def test_a_failing_file_prints_error_and_the_next_file_still_runs(tmp_path: Path) -> None:
    store = FakeIntake(fail_after=0)
    (tmp_path / "a.eml").write_bytes((SAMPLES / "big5-taiwan.eml").read_bytes())
    result = run(store, "--json", str(tmp_path / "a.eml"), str(SAMPLES / "html-only.eml"))
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["result"] for r in records] == ["error", "error"] and "intake down" in records[0]["reason"]
    assert result.exit_code == 1
