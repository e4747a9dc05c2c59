"""Property-based tests (hypothesis) over random Unicode, random bytes, random paragraph
structures and random JSONL records.

For every input the checker returns a valid report object; paragraph offsets index the
decoded text exactly and segmentation neither loses nor repeats text; `clean_text` is made
only of the document's own paragraphs; results are deterministic. The spin detector is off
(its model is not what is tested) and example counts are modest to keep CI quick.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualitycheck.checker import Checker
from qualitycheck.config import Config
from qualitycheck.document import LABELS, REMOVED_LABELS, DocumentReport
from qualitycheck.reading import BINARY_MAGIC, decode_bytes, iter_jsonl, read_text_file
from qualitycheck.report.writers import safe_cell
from qualitycheck.segment import split_paragraphs

CONFIG = Config(spin_enabled=False)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VERDICTS = {"keep", "review", "drop"}


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(CONFIG)


def assert_valid_report(report: DocumentReport, text: str) -> dict:
    """Everything a consumer of documents.jsonl relies on, for a report of `text`."""
    assert isinstance(report, DocumentReport)
    record = report.to_dict()
    # Survives the trip through documents.jsonl (the writer escapes lone surrogates).
    line = json.dumps(record, ensure_ascii=False)
    assert json.loads(line) == json.loads(json.dumps(record))
    assert record["verdict"] in VERDICTS
    assert 0.0 <= record["score"] <= 1.0
    assert set(record["labels"]) <= set(LABELS)
    if record["error"] is not None:
        assert record["verdict"] == "drop" and record["paragraphs"] == [] and record["clean_text"] == ""
        return record
    previous_end = 0
    for index, paragraph in enumerate(record["paragraphs"]):
        assert paragraph["index"] == index
        assert previous_end <= paragraph["start"] < paragraph["end"] <= len(text)
        assert text[paragraph["start"]:paragraph["end"]] == paragraph["text"]
        assert paragraph["text"] == paragraph["text"].strip() != ""
        assert set(paragraph["labels"]) <= set(LABELS)
        assert {e["label"] for e in paragraph["evidence"]} == set(paragraph["labels"])
        previous_end = paragraph["end"]
    kept = [p["text"] for p in record["paragraphs"] if not set(p["labels"]) & REMOVED_LABELS]
    assert record["clean_text"] == "\n\n".join(kept)
    for label, count in record["labels"].items():
        assert count == sum(1 for p in record["paragraphs"] if label in p["labels"]) > 0
    return record


def non_space(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())


# --------------------------------------------------------------------------- random Unicode

any_text = st.text(st.characters(blacklist_categories=()), max_size=400)   # surrogates included


@SETTINGS
@given(text=any_text)
def test_random_unicode(checker, text):
    report = checker.check(text)
    # check() reads a string as scan and filter read a record's text: lone surrogates become U+FFFD
    read = re.sub("[\ud800-\udfff]", "\ufffd", text)
    record = assert_valid_report(report, read[: CONFIG.max_chars])
    if read != text:
        assert any("replaced with U+FFFD" in note for note in record["notes"])
    if not text.strip():
        assert record["error"] is not None


@SETTINGS
@given(text=st.text(max_size=300))
def test_deterministic(checker, text):
    first = checker.check(text, id="d").to_dict()
    again = checker.check(text, id="d").to_dict()
    fresh = Checker(CONFIG).check(text, id="d").to_dict()
    assert first == again == fresh


# --------------------------------------------------------------------------- random paragraph structures

WORDS = ["the", "council", "said", "bridge", "Advertisement", "Share", "caf\u00e9", "Ã©", "â€™", "stra\u00dfe",
         "\u043c\u043e\u0441\u0442", "\u6865", "\u0645\u062f\u064a\u0646\u0629", "2024", "\u00a34m", "e.g.", "\u2026",
         "<script>", "=SUM(A1)", "\ufffd", "Related", "Posted", "by", "Comments", "Leave", "a", "reply"]
sentence = st.lists(st.sampled_from(WORDS), min_size=1, max_size=25).map(" ".join).flatmap(
    lambda body: st.sampled_from(["", ".", "!", "?", "...", ":"]).map(lambda end: body + end))
line_break = st.sampled_from(["\n", "\r\n", " \n", "\n\t"])
block_break = st.sampled_from(["\n\n", "\r\n\r\n", "\n \n", "\n\u00a0\n", "\n\n\n\n", "\n\t\n  "])


@st.composite
def documents(draw) -> str:
    """Blocks of one or more lines; some blocks repeat earlier ones (duplicates)."""
    blocks: list[str] = []
    for _ in range(draw(st.integers(0, 12))):
        if blocks and draw(st.booleans()) and draw(st.booleans()):
            blocks.append(draw(st.sampled_from(blocks)))
            continue
        lines = draw(st.lists(sentence, min_size=1, max_size=4))
        glue = draw(line_break)
        blocks.append(glue.join(lines))
    text = ""
    for block in blocks:
        text += block + draw(block_break)
    lead = draw(st.sampled_from(["", " ", "\n", "\ufeff"]))
    return lead + text


@SETTINGS
@given(text=documents())
def test_random_paragraph_structures(checker, text):
    record = assert_valid_report(checker.check(text), text)
    if record["error"] is None:
        # Segmentation keeps every visible character exactly once.
        assert sum(non_space(p["text"]) for p in record["paragraphs"]) == non_space(text)


@SETTINGS
@given(text=any_text)
def test_segmentation_keeps_all_visible_text(text):
    paragraphs = split_paragraphs(text)
    assert sum(non_space(p.text) for p in paragraphs) == non_space(text)
    for p in paragraphs:
        assert text[p.start:p.end] == p.text


# --------------------------------------------------------------------------- random bytes


@SETTINGS
@given(data=st.one_of(
    st.binary(max_size=600),
    st.text(max_size=200).map(lambda t: t.encode("utf-8")),
    st.tuples(st.text(max_size=200), st.sampled_from(["utf-16", "utf-16-le", "utf-32", "cp1252", "latin-1",
                                                      "utf-8-sig"]))
      .map(lambda pair: pair[0].encode(pair[1], errors="replace")),
    st.tuples(st.text(max_size=200), st.binary(max_size=8))
      .map(lambda pair: pair[0].encode("utf-8") + pair[1]),
))
def test_random_bytes_from_a_file(checker, data):
    decoded = decode_bytes(data)
    assert (decoded[0] is None) != (decoded[2] is None)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.txt"
        path.write_bytes(data)
        raw = read_text_file(path, CONFIG)
        assert path.read_bytes() == data   # the input is never modified
    assert raw.error is not None or raw.text.strip()
    if raw.error is None:
        assert decoded[0] is not None and raw.text == decoded[0][: CONFIG.max_chars]
    assert_valid_report(checker.check_raw(raw), raw.text)


# --------------------------------------------------------------------------- random JSONL

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8)
records = st.dictionaries(st.sampled_from(["id", "url", "text", "title", "meta"]), json_values, max_size=4)
jsonl_line = st.one_of(
    records.map(json.dumps),
    st.builds(lambda r, t: json.dumps({**r, "text": t}), records, st.text(max_size=200)),
    json_values.map(json.dumps),
    st.text(max_size=40).filter(lambda s: "\n" not in s),          # usually not JSON at all
    records.map(json.dumps).map(lambda s: s[: len(s) // 2]),          # cut short
)


@SETTINGS
@given(lines=st.lists(jsonl_line, max_size=8), raw_tail=st.binary(max_size=6))
def test_random_jsonl(checker, lines, raw_tail):
    body = "\n".join(lines).encode("utf-8") + raw_tail
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "records.jsonl"
        path.write_bytes(body)
        raws = list(iter_jsonl(path, CONFIG))
    # One document per non-blank line, whatever the line holds; or, for a file full of control
    # bytes, one "binary" document - never for a stray byte or two.
    # (a byte-order mark is not content; a file without any record gets one row saying so)
    expected = sum(1 for line in body.split(b"\n")
                   if line.removeprefix(b"\xef\xbb\xbf").removeprefix(b"\xfe\xff").removeprefix(b"\xff\xfe")
                   .decode("utf-8", "surrogateescape").strip()) or 1
    if len(raws) == 1 and (raws[0].error or "").startswith("binary file"):
        signature = any(body.startswith(magic) for magic in BINARY_MAGIC)
        assert signature or sum(1 for byte in body[:4096] if byte < 32 and byte not in b"\t\n\r\f\v") > 8
    else:
        assert len(raws) == expected
    for raw in raws:
        assert raw.error is not None or raw.text.strip()
        record = assert_valid_report(checker.check_raw(raw), raw.text)
        json.dumps(record, ensure_ascii=False).encode("utf-8")   # nothing unwritable gets through


# --------------------------------------------------------------------------- CSV cells


@settings(max_examples=300, deadline=None)
@given(value=st.text(max_size=30))
def test_safe_cell_never_starts_a_formula(value):
    cell = safe_cell(value)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cell in (value, "'" + value) or "\ufffd" in cell


@SETTINGS
@given(text=st.text(max_size=200))
def test_report_round_trips_through_json(checker, text):
    record = checker.check(text).to_dict()
    again = DocumentReport.from_dict(json.loads(json.dumps(record))).to_dict()
    assert again == json.loads(json.dumps(record))
