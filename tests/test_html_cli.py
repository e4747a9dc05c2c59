"""`qualitycheck report` and `qualitycheck apply-decisions` on a synthetic run folder."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent / "browser"))
from synthetic import synthetic_records, write_run  # noqa: E402

from qualitycheck.cli import main  # noqa: E402


def test_report_command_writes_page(tmp_path):
    run = write_run(tmp_path / "run", synthetic_records(6))
    result = CliRunner().invoke(main, ["report", str(run)])
    assert result.exit_code == 0, result.output
    assert (run / "report.html").is_file() and "wrote" in result.output
    out = tmp_path / "pages" / "review.html"
    result = CliRunner().invoke(main, ["report", str(run), "-o", str(out)])
    assert result.exit_code == 0 and out.is_file()


def test_report_command_on_folder_without_documents(tmp_path):
    result = CliRunner().invoke(main, ["report", str(tmp_path)])
    assert result.exit_code == 2 and "documents.jsonl" in result.output


def test_apply_decisions_command(tmp_path):
    records = synthetic_records(6)
    run = write_run(tmp_path / "run", records)
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(f"id,decision\n{records[0]['id']},keep\nnobody,drop\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["apply-decisions", str(run), str(decisions), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "1 decision(s) applied to 6 document(s)" in result.output
    assert "not in the run: nobody" in result.output
    first = json.loads((tmp_path / "out" / "documents.jsonl").read_text(encoding="utf-8").split("\n")[0])
    assert first["verdict"] == "keep" and first["reviewer_decision"] == "keep"
    assert (tmp_path / "out" / "report.html").is_file()
    again = CliRunner().invoke(main, ["apply-decisions", str(run), str(decisions), "-o", str(tmp_path / "out")])
    assert again.exit_code == 2 and "exists" in again.output
    decisions.write_text("id,decision\nx,perhaps\n", encoding="utf-8")
    bad = CliRunner().invoke(main, ["apply-decisions", str(run), str(decisions)])
    assert bad.exit_code == 2 and "keep or drop" in bad.output
