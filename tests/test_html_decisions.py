"""Reviewer decisions exported by report.html: loading both formats and applying them to a run."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "browser"))
from synthetic import synthetic_records, write_run  # noqa: E402

from qualitycheck.decisions import (DecisionsError, apply_decisions,  # noqa: E402
                                    load_decisions)
from qualitycheck.report.html import write_html_report  # noqa: E402


def test_load_csv_as_the_page_writes_it(tmp_path):
    # Quoted fields, CRLF, a BOM, a path with a formula-guard quote and a comma, an id with a quote.
    text = ('\ufeffid,decision,verdict,path,decided\r\n'
            '"doc-1","keep","drop","\'=cmd,1","2026-01-01T00:00:00Z"\r\n'
            '"doc ""2""","drop","keep","a/b.txt",""\r\n')
    path = tmp_path / "decisions.csv"
    path.write_text(text, encoding="utf-8")
    assert load_decisions(path) == {"doc-1": "keep", 'doc "2"': "drop"}


def test_load_json_shapes(tmp_path):
    export = {"schema": 1, "kind": "qualitycheck-decisions",
              "decisions": [{"id": "a", "decision": "keep"}, {"id": "b", "decision": "DROP "},
                            {"id": "a", "decision": "drop"}]}
    path = tmp_path / "d.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    assert load_decisions(path) == {"a": "drop", "b": "drop"}  # later entry wins
    path.write_text(json.dumps({"x": "keep", "y": {"decision": "drop"}, "z": ""}), encoding="utf-8")
    assert load_decisions(path) == {"x": "keep", "y": "drop"}
    renamed = tmp_path / "export.txt"  # format comes from content, not suffix
    renamed.write_text(json.dumps([{"id": "q", "decision": "keep"}]), encoding="utf-8")
    assert load_decisions(renamed) == {"q": "keep"}


@pytest.mark.parametrize("content", [
    "id,decision\nx,maybe\n",
    "name,choice\nx,keep\n",
    '{"decisions": [{"decision": "keep"}]}',
    '{"decisions": "keep"}',
    '{"broken": ',
])
def test_bad_decision_files_are_rejected(tmp_path, content):
    path = tmp_path / "bad.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DecisionsError):
        load_decisions(path)


def _decide(tmp_path, records, decisions):
    path = tmp_path / "decisions.json"
    path.write_text(json.dumps({"decisions": [{"id": k, "decision": v} for k, v in decisions.items()]}),
                    encoding="utf-8")
    return path


def test_apply_in_place_writes_a_separate_file_and_keeps_documents(tmp_path):
    records = synthetic_records(10)
    run = write_run(tmp_path / "run", records)
    original = (run / "documents.jsonl").read_bytes()
    keep_id = next(r["id"] for r in records if r["verdict"] == "drop")
    drop_id = next(r["id"] for r in records if r["verdict"] == "keep")
    same_id = next(r["id"] for r in records if r["verdict"] == "keep" and r["id"] != drop_id)
    path = _decide(tmp_path, records, {keep_id: "keep", drop_id: "drop", same_id: "keep", "ghost": "drop"})

    result = apply_decisions(run, path)
    assert (run / "documents.jsonl").read_bytes() == original
    assert result.applied_path == run / "decisions_applied.jsonl"
    assert result.documents_path is None
    assert (result.documents, result.applied, result.changed) == (10, 3, 2)
    assert result.unknown_ids == ["ghost"]
    applied = [json.loads(line) for line in result.applied_path.read_text(encoding="utf-8").split("\n") if line]
    assert [r["id"] for r in applied] == [r["id"] for r in records]
    by_id = {r["id"]: r for r in applied}
    assert by_id[keep_id]["verdict"] == "keep" and by_id[keep_id]["model_verdict"] == "drop"
    assert by_id[keep_id]["reviewer_decision"] == "keep"
    assert by_id[drop_id]["verdict"] == "drop" and by_id[drop_id]["model_verdict"] == "keep"
    untouched = next(r for r in applied if r["id"] not in (keep_id, drop_id, same_id))
    assert untouched["reviewer_decision"] is None and untouched["verdict"] == untouched["model_verdict"]
    assert sum(result.verdicts.values()) == 10
    assert "3 decision(s) applied" in result.summary()


def test_apply_to_new_folder_makes_a_run_that_reports(tmp_path):
    records = synthetic_records(8)
    run = write_run(tmp_path / "run", records)
    path = _decide(tmp_path, records, {records[0]["id"]: "keep"})
    out = tmp_path / "reviewed"
    result = apply_decisions(run, path, out)
    assert result.documents_path == out / "documents.jsonl"
    run_info = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run_info["decisions"]["applied"] == 1 and "config" in run_info
    assert (out / "decisions.json").is_file()
    summary = (out / "summary.csv").read_text(encoding="utf-8").splitlines()
    assert len(summary) == 1 + len(records) and "verdict" in summary[0]
    page = write_html_report(out).read_text(encoding="utf-8")
    assert 'data-verdict-count="keep">' in page
    # Applying a second time into the same folder would silently replace its documents: refused.
    with pytest.raises(FileExistsError):
        apply_decisions(run, path, out)
    # Applying a second time to the result keeps the scanner's verdict as model_verdict.
    again = apply_decisions(out, _decide(tmp_path, records, {records[0]["id"]: "drop"}), tmp_path / "second")
    first = json.loads((again.applied_path).read_text(encoding="utf-8").split("\n")[0])
    assert first["model_verdict"] == records[0]["verdict"] and first["verdict"] == "drop"


def test_apply_needs_a_run(tmp_path):
    path = tmp_path / "d.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(FileNotFoundError):
        apply_decisions(tmp_path / "missing", path)
