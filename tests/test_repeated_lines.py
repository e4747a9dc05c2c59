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
    """A line in only two stories is not enough; short documents that are copies of one text, documents whose
    repeated lines would be most of their text, and documents sharing two paragraphs of a story are copies
    rather than pages with chrome; a quotation repeated by three stories is reporting."""
    folder = tmp_path / "in"
    folder.mkdir()
    for k, story in enumerate(STORIES[:2]):
        write(folder, f"story{k}.txt", [story, TAGLINE])
    for k in range(3):
        write(folder, f"brief{k}.txt", ["Council meets on Monday.", "The agenda is online."])
    for k in range(3):
        write(folder, f"wire{k}.txt", [SHORT[k], "Markets rose on Friday.", "Oil fell two percent."])
    # copies of one story that share two of its paragraphs and a caption, each with much text of its own
    own = [" ".join([story] * 2) for story in STORIES[:3]]
    for k in range(3):
        write(folder, f"excerpt{k}.txt", [own[k], STORIES[3], STORIES[1], "Photo: the ferry at dawn."])
    # three different stories quoting one statement word for word
    quote = "“We will not back down,” the mayor said on Monday."
    for k in range(3):
        write(folder, f"quoted{k}.txt", [f"Report {k}: " + own[k][::-1], quote])
    result = scan([str(folder)], tmp_path / "run", Config(spin_enabled=False), html=False)
    for name, record in records_of(result.run_dir).items():
        assert not any(e["rule"] == "repeated_across_documents" for p in record["paragraphs"]
                       for e in p["evidence"]), name


def test_near_copies_are_noted_with_their_source(tmp_path):
    """A syndicated copy with another header and a cut ending shares most of its long paragraphs word for
    word with the earlier version: it gets a note naming it (its verdict stands, as for exact repeats); a
    document sharing one long paragraph of three is not a near copy."""
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, "a_original.txt", ["Ferry news", *STORIES])
    write(folder, "b_syndicated.txt", ["From our partners", *STORIES[:3]])
    write(folder, "c_quotes_one.txt", [STORIES[0], STORIES[1].replace("council", "assembly"),
                                       STORIES[2].replace("Fishermen", "Farmers")])
    result = scan([str(folder)], tmp_path / "run", Config(spin_enabled=False), html=False)
    records = records_of(result.run_dir)
    original = records["a_original.txt"]
    notes = records["b_syndicated.txt"]["notes"]
    assert f"near copy of {original['id']}: 3 of its 3 long paragraphs word for word" in notes
    assert records["b_syndicated.txt"]["verdict"] == original["verdict"]
    assert not any(n.startswith("near copy") for name in ("a_original.txt", "c_quotes_one.txt")
                   for n in records[name]["notes"])
    assert "1 near copies of an earlier one" in json.loads((result.run_dir / "run.json").read_text())["folder_pass"]
    before = (result.run_dir / "documents.jsonl").read_bytes()
    scan([str(folder)], result.run_dir, Config(spin_enabled=False), html=False, resume=True)
    assert (result.run_dir / "documents.jsonl").read_bytes() == before
