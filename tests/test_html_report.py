"""report.html writer: embedded data round-trips, hostile text stays inert, overview counts are right.

The page's behaviour in a real browser is covered by tests/browser/; these tests check the file.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "browser"))
from synthetic import (HOSTILE_PARAGRAPHS, HOSTILE_PATH, hostile_record,  # noqa: E402
                       scan_seeds, synthetic_records, write_run)

from qualitycheck.config import Config  # noqa: E402
from qualitycheck.report.html import embed_json, load_run, write_html_report  # noqa: E402
from tests.conftest import SEEDS  # noqa: E402


def blocks(page: str) -> dict[str, str]:
    """The raw text of each <script> element, keyed by id ('app' for the inline script)."""
    found = {}
    for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S):
        match = re.search(r'id="([^"]+)"', attrs)
        found[match.group(1) if match else "app"] = body
    return found


def doc_lines(found: dict[str, str]) -> list[str]:
    """The embedded full-record lines, all chunks in order."""
    numbers = sorted(int(key.rsplit("-", 1)[1]) for key in found if key.startswith("qc-docs-"))
    assert numbers == list(range(len(numbers))), "chunks must be numbered 0..n-1"
    return [line for n in numbers for line in found[f"qc-docs-{n}"].split("\n")]


def test_writes_report_beside_documents_and_to_chosen_path(tmp_path):
    run = write_run(tmp_path / "run", synthetic_records(12))
    out = write_html_report(run)
    assert out == run / "report.html" and out.is_file()
    other = write_html_report(run, tmp_path / "elsewhere" / "r.html")
    assert other.is_file()
    assert not (run / "report.html.tmp").exists()


def test_embedded_data_round_trips(tmp_path):
    records = synthetic_records(30)
    run = write_run(tmp_path / "run", records)
    page = write_html_report(run).read_text(encoding="utf-8")
    found = blocks(page)
    assert set(found) == {"qc-index", "app", "qc-docs-0"}
    index = json.loads(found["qc-index"])
    assert [row["id"] for row in index["docs"]] == [r["id"] for r in records]
    assert [row["verdict"] for row in index["docs"]] == [r["verdict"] for r in records]
    assert [row["labels"] for row in index["docs"]] == [r["labels"] for r in records]
    lines = doc_lines(found)
    assert len(lines) == len(records)
    assert [json.loads(line) for line in lines] == records
    # The table's index holds no document text: that is what keeps first render fast.
    assert "clean_text" not in found["qc-index"] and records[0]["paragraphs"][0]["text"] not in found["qc-index"]


def test_large_runs_are_split_into_chunks(tmp_path):
    from qualitycheck.report.html import DOCS_PER_CHUNK
    records = synthetic_records(2 * DOCS_PER_CHUNK + 7, seed=2)
    page = write_html_report(write_run(tmp_path / "run", records)).read_text(encoding="utf-8")
    found = blocks(page)
    assert sorted(k for k in found if k.startswith("qc-docs-")) == ["qc-docs-0", "qc-docs-1", "qc-docs-2"]
    assert len(found["qc-docs-2"].split("\n")) == 7
    assert [json.loads(line)["id"] for line in doc_lines(found)] == [r["id"] for r in records]
    assert json.loads(found["qc-index"])["chunk"] == DOCS_PER_CHUNK


def test_hostile_text_cannot_leave_its_json_block(tmp_path):
    records = synthetic_records(3) + [hostile_record()]
    run = write_run(tmp_path / "run", records)
    page = write_html_report(run).read_text(encoding="utf-8")
    # Exactly our three script elements; no data closed one or opened another.
    assert len(re.findall(r"<script", page, flags=re.I)) == 3
    assert len(re.findall(r"</script", page, flags=re.I)) == 3
    assert "<img" not in page and "<iframe" not in page and "onerror=" not in page.replace("onerror=\\", "")
    assert "javascript:" not in page.split("<script")[0]  # nothing in head/markup before the data
    found = blocks(page)
    hostile = json.loads(doc_lines(found)[-1])
    assert hostile["path"] == HOSTILE_PATH
    assert [p["text"] for p in hostile["paragraphs"]] == HOSTILE_PARAGRAPHS
    for raw in ("<", ">", "&"):
        assert all(raw not in text for text in found.values() if text is not found["app"])


def test_overview_counts_match_documents(tmp_path):
    records = synthetic_records(57, seed=3)
    run = write_run(tmp_path / "run", records)
    page = write_html_report(run).read_text(encoding="utf-8")
    verdicts = Counter(r["verdict"] for r in records)
    for verdict in ("keep", "review", "drop"):
        shown = re.search(rf'data-verdict-count="{verdict}">(\d+)<', page)
        assert shown and int(shown.group(1)) == verdicts[verdict], verdict
    for label in ("spun", "boilerplate", "ad_marker", "off_language", "duplicate", "mojibake"):
        docs = sum(1 for r in records if r["labels"].get(label))
        paragraphs = sum(r["labels"].get(label, 0) for r in records)
        assert int(re.search(rf'data-label-count="{label}">(\d+)<', page).group(1)) == docs
        assert int(re.search(rf'data-label-paragraphs="{label}">(\d+)<', page).group(1)) == paragraphs
    assert int(re.search(r"data-total-documents>(\d+)<", page).group(1)) == len(records)
    bars = [int(n) for n in re.findall(r'data-count="(\d+)"', page)]
    assert sum(bars) == len(records)


def test_histogram_bins_include_their_lower_edge(tmp_path):
    from qualitycheck.report.html import build_overview
    rows = [{"verdict": "keep", "labels": {}, "language": "en", "score": s} for s in (0.35, 0.0, 1.0, 0.9999, 0.05)]
    histogram = build_overview(rows).histogram
    assert histogram[7] == 1 and histogram[0] == 1 and histogram[1] == 1 and histogram[19] == 2


def test_thresholds_shown_from_run_json_or_defaults(tmp_path):
    config = Config().updated(keep_threshold=0.93).to_dict()
    with_run = write_run(tmp_path / "a", synthetic_records(5), config=config)
    page = write_html_report(with_run).read_text(encoding="utf-8")
    assert 'data-config-source="run.json"' in page
    assert "<td>keep_threshold</td><td>0.93</td>" in page
    without = write_run(tmp_path / "b", synthetic_records(5), with_run_json=False)
    page = write_html_report(without).read_text(encoding="utf-8")
    assert 'data-config-source="defaults"' in page
    assert f"<td>keep_threshold</td><td>{Config().keep_threshold}</td>" in page
    assert "<td>label_weights.spun</td>" in page


def test_model_files_and_version_shown_from_run_json(tmp_path):
    run = write_run(tmp_path / "run", synthetic_records(3))
    info = json.loads((run / "run.json").read_text())
    info["qualitycheck_version"] = "9.9.9"
    info["models"] = {"spin model": {"path": "/m/<x>/en-cmu.kenlm", "bytes": 1, "sha256": "ab" * 32},
                      "perplexity model": {"path": "/gone.kenlm", "error": "ModelNotFound: missing"}}
    (run / "run.json").write_text(json.dumps(info))
    page = write_html_report(run).read_text(encoding="utf-8")
    assert "from run.json (qualitycheck 9.9.9)" in page
    assert ('<tr data-model="spin model"><td>spin model</td><td title="/m/&lt;x&gt;/en-cmu.kenlm">'
            'en-cmu.kenlm<br><span class="muted">sha256 abababababab</span></td></tr>') in page
    assert 'gone.kenlm<br><span class="muted">ModelNotFound: missing</span>' in page
    plain = write_run(tmp_path / "plain", synthetic_records(3))   # runs of older versions: no model rows
    assert "data-model=" not in write_html_report(plain).read_text(encoding="utf-8")


def test_content_security_policy_matches_inline_assets(tmp_path):
    run = write_run(tmp_path / "run", synthetic_records(4))
    page = write_html_report(run).read_text(encoding="utf-8")
    csp = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
    assert "default-src 'none'" in csp and "connect-src" not in csp  # default-src covers network
    script = blocks(page)["app"]
    style = re.search(r"<style>(.*?)</style>", page, flags=re.S).group(1)
    for text in (script, style):
        digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert "http://" not in page and "https://" not in page  # nothing to fetch


def test_tolerates_old_partial_and_broken_records(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    lines = [
        json.dumps({"id": "bare"}),                                  # nearly nothing
        json.dumps({"id": "nulls", "score": None, "verdict": None, "labels": None, "paragraphs": None,
                    "spun": None, "metadata": None, "notes": None}),
        '{"id": "nan", "score": NaN, "verdict": "keep", "labels": {"spun": 1}}',
        json.dumps({"id": "err", "error": "boom", "paragraphs": [{"text": None}, "junk", {"labels": ["odd_label"]}]}),
        "this line is not json",
        "[1, 2, 3]",
        json.dumps({"id": "line\u2028sep", "paragraphs": [{"index": 0, "text": "a\u2028b\u0085c"}]}),
        json.dumps({"id": "surrogate", "path": "bad\ud800half"}),
        "",
    ]
    (run / "documents.jsonl").write_text("\n".join(lines), encoding="utf-8")
    loaded = load_run(run)
    assert [r.get("id") for r in loaded.records] == ["bare", "nulls", "nan", "err", "line\u2028sep", "surrogate"]
    assert loaded.unreadable_lines == [5, 6]
    page = write_html_report(run).read_text(encoding="utf-8")
    index = json.loads(blocks(page)["qc-index"])
    assert [row["score"] for row in index["docs"]][:3] == [None, None, None]
    assert "2 unreadable line(s)" in page
    assert len(doc_lines(blocks(page))) == 6


def test_empty_and_missing_runs(tmp_path):
    run = tmp_path / "empty"
    run.mkdir()
    (run / "documents.jsonl").write_text("", encoding="utf-8")
    page = write_html_report(run).read_text(encoding="utf-8")
    assert json.loads(blocks(page)["qc-index"])["docs"] == []
    with pytest.raises(FileNotFoundError):
        write_html_report(tmp_path / "nothing-here")


@pytest.mark.parametrize("text", ["</script>", "<!--<script>", "a&b>c", "\u2028\u2029", "line\nbreak\r",
                                  "</SCRIPT >", "\\u003c", "emoji \U0001F600 é"])
def test_embed_json_is_inert_and_exact(text):
    value = {"t": text, "k": [text]}
    embedded = embed_json(value)
    assert not set("<>&\n\r\u2028\u2029") & set(embedded)
    assert json.loads(embedded) == value


def test_embed_json_property():
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import strategies as st

    @hypothesis.given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                                   lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                                   max_leaves=12))
    @hypothesis.settings(max_examples=200, deadline=None)
    def check(value):
        embedded = embed_json(value)
        assert not set("<>&\n") & set(embedded)
        assert json.loads(embedded) == value

    check()


def test_report_of_scanned_seeds(tmp_path):
    """The page built from a real scan: every record embedded, counts equal to documents.jsonl."""
    run = scan_seeds(tmp_path / "seeds-run", html=True)
    page = (run / "report.html").read_text(encoding="utf-8")
    records = [json.loads(line) for line in (run / "documents.jsonl").read_text(encoding="utf-8").split("\n") if line]
    assert len(records) == len([p for p in SEEDS.iterdir() if p.suffix == ".txt"])
    found = blocks(page)
    assert [json.loads(line) for line in doc_lines(found)] == records
    verdicts = Counter(r["verdict"] for r in records)
    for verdict in ("keep", "review", "drop"):
        assert int(re.search(rf'data-verdict-count="{verdict}">(\d+)<', page).group(1)) == verdicts[verdict]


def test_page_is_written_without_holding_the_documents(tmp_path):
    """write_html_report streams the full records into the page (a second read of documents.jsonl) and keeps
    only the small index rows, so a large run's page does not need the whole run in memory."""
    import tracemalloc
    run = tmp_path / "big"
    run.mkdir()
    text = "word " * 10_000                      # 50 KB per document, 12 MB in all
    with (run / "documents.jsonl").open("w", encoding="utf-8") as handle:
        for k in range(240):
            handle.write(json.dumps({"id": f"d{k}", "score": 1.0, "verdict": "keep",
                                     "paragraphs": [{"index": 0, "text": text, "labels": []}],
                                     "clean_text": text}) + "\n")
    size = (run / "documents.jsonl").stat().st_size
    tracemalloc.start()
    page = write_html_report(run)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < size / 4, (peak, size)
    written = blocks(page.read_text(encoding="utf-8"))
    assert len(json.loads(written["qc-index"])["docs"]) == 240 and len(doc_lines(written)) == 240


def test_streamed_page_equals_the_page_built_in_memory(tmp_path):
    """The page streamed from documents.jsonl (what write_html_report writes) is the page built from records held
    in memory, across several DOCS_PER_CHUNK blocks and with hostile text."""
    import io

    from qualitycheck.report import html as report_html
    records = synthetic_records(7) + [hostile_record()]
    run = write_run(tmp_path / "run", records)
    original = report_html.DOCS_PER_CHUNK
    report_html.DOCS_PER_CHUNK = 3
    try:
        held = report_html.render_html(report_html.load_run(run), generated="fixed")
        streamed = io.StringIO()
        report_html.write_page(report_html.load_run(run, keep_records=False), streamed, generated="fixed")
    finally:
        report_html.DOCS_PER_CHUNK = original
    assert streamed.getvalue() == held
    assert held.count('id="qc-docs-') == 3


def test_page_of_a_large_run_shows_a_review_selection(tmp_path):
    """Past max_documents the page shows every review/drop document (the first max_documents of them if there
    are more) and kept ones spread over the run, each with its own full record, in run order; the overview
    still counts every document and a notice says what the page holds. At or under the limit nothing changes."""
    records = synthetic_records(40)
    for k, record in enumerate(records):
        record["verdict"] = "drop" if k in (3, 17, 31) else "review" if k == 25 else "keep"
        record["id"] = f"doc{k}"
    run = write_run(tmp_path / "run", records)
    page = write_html_report(run, max_documents=10).read_text(encoding="utf-8")
    found = blocks(page)
    shown = [row["id"] for row in json.loads(found["qc-index"])["docs"]]
    kept = [f"doc{k}" for k in range(40) if k not in (3, 17, 25, 31)]
    assert len(shown) == 10 and {"doc3", "doc17", "doc25", "doc31"} <= set(shown)
    assert shown == sorted(shown, key=lambda i: int(i[3:]))
    sample = [i for i in shown if i in kept]
    assert sample == [kept[(k * len(kept)) // 6] for k in range(6)]    # evenly spread over the run
    assert [json.loads(line)["id"] for line in doc_lines(found)] == shown
    assert int(re.search(r'data-total-documents>(\d+)<', page).group(1)) == 40
    assert int(re.search(r'data-verdict-count="keep">(\d+)<', page).group(1)) == 36
    assert 'data-shown="10" data-total="40"' in page
    page = write_html_report(run, max_documents=3).read_text(encoding="utf-8")
    assert [row["id"] for row in json.loads(blocks(page)["qc-index"])["docs"]] == ["doc3", "doc17", "doc25"]
    for limit in (40, None):
        page = write_html_report(run, max_documents=limit).read_text(encoding="utf-8")
        assert len(json.loads(blocks(page)["qc-index"])["docs"]) == 40 and 'id="page-selection"' not in page
    with pytest.raises(ValueError, match="at least 1"):
        write_html_report(run, max_documents=0)


def test_report_command_limit_matches_the_library_default():
    from qualitycheck.cli import main
    from qualitycheck.report.html import MAX_PAGE_DOCUMENTS
    option = next(p for p in main.commands["report"].params if p.name == "max_documents")
    assert option.default == MAX_PAGE_DOCUMENTS
