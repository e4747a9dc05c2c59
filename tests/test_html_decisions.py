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


def _export_csv(path: Path, rows: list[tuple[str, str, int | None]]) -> Path:
    """A CSV as the page writes it: quoted fields, CRLF, a record column."""
    lines = ['id,decision,verdict,path,decided,record']
    for doc_id, decision, record in rows:
        fields = [doc_id, decision, "review", "in/x.jsonl", "2026-01-01T00:00:00Z", "" if record is None else str(record)]
        lines.append(",".join('"' + f.replace('"', '""') + '"' for f in fields))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


def _applied(result) -> list[dict]:
    """The JSON records of decisions_applied.jsonl (unreadable lines passed through are left out)."""
    records = []
    for line in result.applied_path.read_bytes().split(b"\n"):
        try:
            records.append(json.loads(line))
        except ValueError:
            continue
    return records


def test_documents_sharing_an_id_are_decided_one_by_one(tmp_path):
    # Two JSONL shards that both number their records from 1: the page exports record numbers.
    records = synthetic_records(4)
    records[0]["id"] = records[2]["id"] = "1"
    run = write_run(tmp_path / "run", records)
    result = apply_decisions(run, _export_csv(tmp_path / "d.csv", [("1", "keep", 1), ("1", "drop", 3)]))
    out = _applied(result)
    assert [r["reviewer_decision"] for r in out] == ["keep", None, "drop", None]
    assert result.applied == 2 and result.unknown_ids == []
    # Written by hand, without record numbers, an id decides every record that has it.
    again = apply_decisions(run, _export_csv(tmp_path / "h.csv", [("1", "drop", None)]), tmp_path / "hand")
    assert [r["reviewer_decision"] for r in _applied(again)] == ["drop", None, "drop", None]


def test_a_record_number_from_another_version_of_the_run_falls_back_to_the_id(tmp_path):
    records = synthetic_records(3)
    run = write_run(tmp_path / "run", records)
    target = records[2]["id"]
    result = apply_decisions(run, _export_csv(tmp_path / "d.csv", [(target, "drop", 1), ("gone", "keep", 7)]))
    assert [r["reviewer_decision"] for r in _applied(result)] == [None, None, "drop"]
    assert result.unknown_ids == ["gone"]


def test_a_record_without_id_is_decided_as_the_page_shows_it(tmp_path):
    records = synthetic_records(3)
    records[1]["id"] = ""
    run = write_run(tmp_path / "run", records)
    from qualitycheck.report.html import load_run
    assert [row["id"] for row in load_run(run).rows][1] == "#2"
    result = apply_decisions(run, _export_csv(tmp_path / "d.csv", [("#2", "drop", 2)]))
    assert [r["reviewer_decision"] for r in _applied(result)] == [None, "drop", None]
    assert result.unknown_ids == []


def test_an_id_holding_a_carriage_return_survives_the_csv(tmp_path):
    records = synthetic_records(2)
    records[1]["id"] = "cr\rid"
    run = write_run(tmp_path / "run", records)
    result = apply_decisions(run, _export_csv(tmp_path / "d.csv", [("cr\rid", "drop", 2)]))
    assert _applied(result)[1]["reviewer_decision"] == "drop" and result.unknown_ids == []
    assert load_decisions(tmp_path / "d.csv") == {"cr\rid": "drop"}


def test_a_second_round_keeps_the_first_rounds_decisions(tmp_path):
    records = synthetic_records(5)
    run = write_run(tmp_path / "run", records)
    first = apply_decisions(run, _export_csv(tmp_path / "r1.csv", [(records[0]["id"], "drop", 1)]), tmp_path / "r1")
    second = apply_decisions(first.out_dir, _export_csv(tmp_path / "r2.csv", [(records[3]["id"], "keep", 4)]),
                             tmp_path / "r2")
    out = _applied(second)
    assert out[0]["reviewer_decision"] == "drop" and out[0]["verdict"] == "drop"
    assert out[0]["model_verdict"] == records[0]["verdict"]
    assert out[3]["reviewer_decision"] == "keep"
    assert (second.applied, second.kept_earlier) == (1, 1)
    assert "1 decision(s) of an earlier round kept" in second.summary()
    # A later round may change an earlier decision.
    third = apply_decisions(second.out_dir, _export_csv(tmp_path / "r3.csv", [(records[0]["id"], "keep", 1)]),
                            tmp_path / "r3")
    assert _applied(third)[0]["verdict"] == "keep"


def test_unreadable_lines_of_the_run_pass_through(tmp_path):
    records = synthetic_records(3)
    run = write_run(tmp_path / "run", records)
    docs = run / "documents.jsonl"
    torn = b'{"id": "torn", "text": "cut off'
    docs.write_bytes(docs.read_bytes() + b'{"id": "\xff bad byte", "verdict": "keep"}\n' + torn)
    original = docs.read_bytes()
    result = apply_decisions(run, _export_csv(tmp_path / "d.csv", [(records[0]["id"], "drop", 1)]), tmp_path / "out")
    assert docs.read_bytes() == original
    lines = result.applied_path.read_bytes().split(b"\n")
    assert lines[-2] == torn and lines[-1] == b""         # the torn line, unchanged
    assert (result.documents, result.unreadable_lines) == (5, 1)
    assert _applied(result)[3]["id"] == "\ufffd bad byte"   # read as the page reads it
    summary = (tmp_path / "out" / "summary.csv").read_text(encoding="utf-8").splitlines()
    assert len(summary) == 1 + 4
    assert "1 unreadable line(s)" in result.summary()


def test_decision_files_in_other_encodings(tmp_path):
    cp1252 = tmp_path / "excel.csv"
    cp1252.write_bytes("id,decision\r\ncaf\u00e9.txt,keep\r\n".encode("cp1252"))
    assert load_decisions(cp1252) == {"caf\u00e9.txt": "keep"}
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes("id,decision\r\nna\u00efve,drop\r\n".encode("utf-16"))
    assert load_decisions(utf16) == {"na\u00efve": "drop"}
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"id,decision\r\n\x81\x8d,keep\r\n")   # neither UTF-8 nor cp1252
    with pytest.raises(DecisionsError, match="not text"):
        load_decisions(garbage)
    with pytest.raises(DecisionsError, match="record"):
        load_decisions(_write(tmp_path / "bad.csv", "id,decision,record\r\na,keep,first\r\n"))


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_report_refuses_to_overwrite_a_file_that_is_not_a_page(tmp_path):
    run = write_run(tmp_path / "run", synthetic_records(2))
    docs = run / "documents.jsonl"
    original = docs.read_bytes()
    with pytest.raises(FileExistsError):
        write_html_report(run, docs)
    assert docs.read_bytes() == original
    from click.testing import CliRunner

    from qualitycheck.cli import main
    result = CliRunner().invoke(main, ["report", str(run), "-o", str(docs)])
    assert result.exit_code == 2 and "refusing to overwrite" in result.output
    assert docs.read_bytes() == original
    assert write_html_report(run, tmp_path / "elsewhere.html").is_file()


def test_rounds_applied_in_place_keep_the_earlier_decisions(tmp_path):
    records = synthetic_records(4)
    run = write_run(tmp_path / "run", records)
    apply_decisions(run, _export_csv(tmp_path / "r1.csv", [(records[1]["id"], "drop", 2)]))
    second = apply_decisions(run, _export_csv(tmp_path / "r2.csv", [(records[3]["id"], "keep", 4)]))
    assert [r["reviewer_decision"] for r in _applied(second)] == [None, "drop", None, "keep"]
    assert second.kept_earlier == 1
