"""Parquet inputs (Hugging Face and FineWeb-style shards): one document per row for scan and check, one JSONL
record per row for filter; a damaged file or a missing pyarrow is one error record, never a stopped scan."""
from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualitycheck import Checker
from qualitycheck.cli import main
from qualitycheck.reading import PARQUET_BATCH_ROWS, PARQUET_NEEDS, iter_parquet, iter_raw_documents
from qualitycheck.run import scan
from qualitycheck.streaming import count_input_documents

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow", reason="pyarrow is in the test extras; without it only the error path applies")

# Own fixture prose (never the shared seeds or dev set).
STORY = ("The ferry company will add two sailings a week to the island from December, after residents said the "
         "winter timetable left them stranded at weekends and unable to reach hospital appointments on time.\n\n"
         "Councillors welcomed the change but said they would keep pressing for a larger vessel on the route, "
         "which has been served by the same small boat since it entered service more than thirty years ago.")
FOREIGN = "Le conseil municipal a voté mardi soir le budget de la ville pour l'année prochaine."


def write_rows(path: Path, rows: list[dict]) -> Path:
    pd.DataFrame(rows).to_parquet(path)
    return path


@pytest.fixture()
def shard(tmp_path: Path) -> Path:
    return write_rows(tmp_path / "shard.parquet", [
        {"id": "story", "text": STORY + "\n\nShare this article", "published": datetime.datetime(2024, 6, 19),
         "weight": 0.5, "raw": b"\x00\x01"},
        {"id": "foreign", "text": FOREIGN, "published": None, "weight": float("nan"), "raw": b""},
        {"id": "empty", "text": None, "published": None, "weight": 1.0, "raw": b"x"},
    ])


def test_each_row_is_a_document_with_json_safe_metadata(shard):
    raws = list(iter_parquet(shard))
    assert [r.id for r in raws] == ["story", "foreign", "empty"]
    assert [r.metadata["line"] for r in raws] == [1, 2, 3]
    story = raws[0]
    assert story.text.startswith("The ferry company") and story.error is None
    assert story.metadata["published"] == "2024-06-19T00:00:00" and story.metadata["raw"] == "<2 bytes>"
    assert raws[1].metadata["weight"] is None                      # NaN has no JSON form
    assert any("NaN, Infinity, dates, bytes" in note for note in raws[1].notes)
    assert raws[2].error == "'text' field is null (missing value)"
    json.dumps([r.metadata for r in raws], allow_nan=False)        # every value survives strict JSON


def test_a_scan_reads_parquet_beside_text_files_in_order(tmp_path, shard):
    (tmp_path / "zz_note.txt").write_text(STORY, encoding="utf-8")
    result = scan([str(tmp_path)], tmp_path / "run", jobs=1, progress=False, html=False)
    records = [json.loads(line) for line in (tmp_path / "run" / "documents.jsonl").read_text().splitlines()]
    assert [r["id"] for r in records] == ["story", "foreign", "empty", str(tmp_path / "zz_note.txt")]
    story, foreign, empty = records[:3]
    assert story["labels"] == {"boilerplate": 1} and "Share this article" not in story["clean_text"]
    assert foreign["language"] == "fr"
    assert empty["verdict"] == "drop" and empty["error"]
    assert result.documents == 4 and result.errors == 1
    # the same records, in the same order, from two worker processes
    scan([str(tmp_path)], tmp_path / "run2", jobs=2, progress=False, html=False)
    again = [json.loads(line) for line in (tmp_path / "run2" / "documents.jsonl").read_text().splitlines()]
    assert [(r["id"], r["score"], r["labels"]) for r in again] == [(r["id"], r["score"], r["labels"]) for r in records]


def test_large_shards_are_read_a_batch_at_a_time(tmp_path):
    n = PARQUET_BATCH_ROWS * 2 + 7
    path = write_rows(tmp_path / "big.parquet", [{"id": f"r{i}", "text": f"Row {i}. " + STORY} for i in range(n)])
    assert count_input_documents([str(path)]) == n
    ids = [raw.id for raw in iter_raw_documents([str(path)])]
    assert ids == [f"r{i}" for i in range(n)]


def test_a_damaged_file_is_one_error_record_and_the_scan_goes_on(tmp_path, shard):
    (tmp_path / "broken.parquet").write_bytes(b"PAR1" + bytes(range(256)) * 8)
    raws = list(iter_raw_documents([str(tmp_path)]))
    broken = [r for r in raws if r.path.endswith("broken.parquet")]
    assert len(broken) == 1 and broken[0].error.startswith("unreadable Parquet file (before the first row)")
    assert [r.id for r in raws if r.path.endswith("shard.parquet")] == ["story", "foreign", "empty"]
    assert (tmp_path / "broken.parquet").read_bytes().startswith(b"PAR1")   # inputs are never modified


def test_without_pyarrow_the_file_is_an_error_record(monkeypatch, shard):
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)   # makes `import pyarrow.parquet` fail
    raws = list(iter_parquet(shard))
    assert len(raws) == 1 and raws[0].error == PARQUET_NEEDS


def test_check_prints_one_report_per_row(shard):
    result = CliRunner().invoke(main, ["check", str(shard), "--json", "--no-spin"])
    reports = [json.loads(line) for line in result.output.splitlines()]
    assert [r["id"] for r in reports] == ["story", "foreign", "empty"]
    assert result.exit_code == 1   # the row without text is an input error


def test_filter_passes_rows_on_as_jsonl_records(tmp_path, shard):
    kept, rejected = tmp_path / "kept.jsonl", tmp_path / "rejected.jsonl"
    result = CliRunner().invoke(main, ["filter", "--no-spin", "-q", str(shard), "-o", str(kept),
                                       "--rejected", str(rejected)])
    assert result.exit_code == 0, result.output
    kept_rows = [json.loads(line) for line in kept.read_text().splitlines()]
    assert [r["id"] for r in kept_rows] == ["story"]
    assert kept_rows[0]["published"] == "2024-06-19T00:00:00" and kept_rows[0]["quality"]["labels"] == {"boilerplate": 1}
    reasons = {json.loads(line)["id"]: json.loads(line)["reject_reason"] for line in rejected.read_text().splitlines()}
    assert reasons == {"foreign": "verdict_review", "empty": "no_text"}   # French alone: too short to keep


def test_the_checker_api_reads_parquet_paths(shard):
    reports = list(Checker(spin_enabled=False).check_paths([str(shard)]))
    assert [r.id for r in reports] == ["story", "foreign", "empty"]


def test_a_resumed_scan_skips_rows_already_done(tmp_path, shard):
    run = tmp_path / "run"
    scan([str(shard)], run, jobs=1, progress=False, html=False)
    before = (run / "documents.jsonl").read_text()
    result = scan([str(shard)], run, jobs=1, progress=False, html=False, resume=True)
    assert result.resumed == 3 and result.documents == 3
    after = (run / "documents.jsonl").read_text()
    assert [json.loads(line)["id"] for line in after.splitlines()] == [json.loads(line)["id"] for line in before.splitlines()]


def test_filter_rejects_a_damaged_file_and_reads_the_next(tmp_path, shard):
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1" + bytes(range(256)) * 8)
    kept, rejected = tmp_path / "kept.jsonl", tmp_path / "rejected.jsonl"
    result = CliRunner().invoke(main, ["filter", "--no-spin", "-q", str(broken), str(shard), "-o", str(kept),
                                       "--rejected", str(rejected)])
    assert [json.loads(line)["id"] for line in kept.read_text().splitlines()] == ["story"]
    first = json.loads(rejected.read_text().splitlines()[0])
    assert first["reject_reason"] == "unreadable_input" and "before the first row" in json.dumps(first)
    assert result.exit_code != 0   # an unreadable input is reported in the exit code


def test_a_binary_text_column_is_decoded_as_utf8(tmp_path):
    path = write_rows(tmp_path / "binary.parquet", [
        {"id": "b", "body": STORY.encode("utf-8")},
        {"id": "bad", "body": b"Caf\xe9 owners welcomed the reopening of the bridge on Monday morning."},
    ])
    raws = list(iter_parquet(path, text_field="body"))
    assert raws[0].text == STORY and raws[0].error is None
    assert raws[1].text.startswith("Caf\ufffd owners")   # bad UTF-8 replaced, not the row dropped
    kept = tmp_path / "kept.jsonl"
    result = CliRunner().invoke(main, ["filter", "--no-spin", "-q", "--text-field", "body", str(path), "-o", str(kept)])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["body"] for line in kept.read_text().splitlines()] == [STORY]


def test_a_file_without_rows_gets_one_row(tmp_path, shard):
    """A Parquet file with a schema and no rows (an empty shard) got no record at all, so the input was missing
    from documents.jsonl, summary.csv and the scan's counts while the progress total counted it (fuzz25). It
    gets one error record now, as a JSONL file without a record does."""
    empty = write_rows(tmp_path / "empty.parquet", [{"id": "x", "text": "t"}][:0])
    raws = list(iter_raw_documents([str(empty), str(shard)]))
    assert raws[1].id == "story"
    assert raws[0].path.endswith("empty.parquet") and raws[0].error.startswith("no Parquet rows")
    assert count_input_documents([str(empty), str(shard)]) == len(raws) == 4
