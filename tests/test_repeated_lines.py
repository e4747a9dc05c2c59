"""Boilerplate across documents: short lines that several different stories of one run repeat word for word
(signals/boilerplate.py RepeatedLines, applied by the scan's folder pass)."""
from __future__ import annotations

import json

from qualitycheck.config import Config
from qualitycheck.run import scan

TAGLINE = "Harbour Gazette: independent news for the north coast since 1887."
STORIES = [
    "The ferry operator will add three extra sailings a week from December, after residents complained that the "
    "winter timetable left them stranded on weekends and unable to reach the hospital on the mainland in time.",
    "The council approved a new budget on Tuesday evening after a long debate about the cost of repairing the old "
    "harbour bridge, which has been closed to heavy traffic since the spring because of cracks in its supports.",
    "Fishermen say the new quotas will cut their income by a third next year, and their association has asked the "
    "minister to delay the rules until a study of the cod stocks in the bay has been published in full.",
    "A school on the island will open a second classroom in September, the education department said, after the "
    "number of pupils doubled in five years as young families moved back from the cities on the mainland.",
]
SHORT = ["The vote was close.", "Work starts in May.", "Talks resume next week.", "The term begins soon."]


def write(folder, name, paragraphs):
    (folder / name).write_text("\n\n".join(paragraphs), encoding="utf-8")


def records_of(run_dir):
    return {r["path"].rsplit("/", 1)[-1]: r for r in map(json.loads, (run_dir / "documents.jsonl").open())}


def test_a_line_repeated_across_different_stories_is_boilerplate(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for k, story in enumerate(STORIES[:3]):
        write(folder, f"story{k}.txt", [story, SHORT[k], TAGLINE])
    # syndicated copies of one story share their caption: one story, however many copies
    caption = "Photo: the ferry leaving the harbour at dawn."
    for k in range(3):
        write(folder, f"copy{k}.txt", [STORIES[3], caption, f"Posted by site number {k}."])
    result = scan([str(folder)], tmp_path / "run", Config(spin_enabled=False), html=False)
    records = records_of(result.run_dir)
    for k in range(3):
        tagline = next(p for p in records[f"story{k}.txt"]["paragraphs"] if p["text"] == TAGLINE)
        assert tagline["labels"] == ["boilerplate"]
        assert tagline["evidence"][0]["rule"] == "repeated_across_documents"
        assert "2 other stories of this run" in tagline["evidence"][0]["detail"]
        assert any(n.startswith("page furniture repeated across documents: 1 line(s)")
                   for n in records[f"story{k}.txt"]["notes"])
        assert TAGLINE not in records[f"story{k}.txt"]["clean_text"]
        assert all(p["labels"] == [] for p in records[f"story{k}.txt"]["paragraphs"] if p["text"] != TAGLINE)
    for k in range(3):
        assert all(p["labels"] == [] for p in records[f"copy{k}.txt"]["paragraphs"])
    assert "3 with lines other stories repeat" in json.loads((result.run_dir / "run.json").read_text())["folder_pass"]
    # resuming the finished run checks the changed records again and gives the same file
    before = (result.run_dir / "documents.jsonl").read_bytes()
    scan([str(folder)], result.run_dir, Config(spin_enabled=False), html=False, resume=True)
    assert (result.run_dir / "documents.jsonl").read_bytes() == before


def test_two_stories_copies_and_mostly_repeated_documents_are_left_alone(tmp_path):
    """A line in only two stories is not enough; short documents that are copies of one text, and documents
    whose repeated lines would be most of their text, are copies rather than pages with chrome."""
    folder = tmp_path / "in"
    folder.mkdir()
    for k, story in enumerate(STORIES[:2]):
        write(folder, f"story{k}.txt", [story, TAGLINE])
    for k in range(3):
        write(folder, f"brief{k}.txt", ["Council meets on Monday.", "The agenda is online."])
    for k in range(3):
        write(folder, f"wire{k}.txt", [SHORT[k], "Markets rose on Friday.", "Oil fell two percent."])
    result = scan([str(folder)], tmp_path / "run", Config(spin_enabled=False), html=False)
    for name, record in records_of(result.run_dir).items():
        assert not any(e["rule"] == "repeated_across_documents" for p in record["paragraphs"]
                       for e in p["evidence"]), name
