"""scan --jobs N gives the same documents.jsonl as --jobs 1; an interrupted scan resumes to
the same file as an uninterrupted one (in-process: interrupted by the on_record callback)."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from qualitycheck import Config
from qualitycheck.run import DOCUMENTS, scan

WORDS = ("harbor ferry council budget library station bridge market storm school river festival tram "
         "museum residents officials week summer winter opened closed approved delayed said announced "
         "repairs funding traffic volunteers grant hours evening morning town county").split()
CHROME = ["Advertisement", "Subscribe to our newsletter for the latest news", "Share this article on Facebook"]


def make_inputs(root: Path, n: int = 40, seed: int = 5) -> list[str]:
    """A folder of .txt articles plus one JSONL file: made-up prose with chrome and repeats."""
    rng = random.Random(seed)
    root.mkdir()
    records = []
    for i in range(n):
        paragraphs = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(15, 30))).capitalize() + "."
                      for _ in range(rng.randint(3, 9))]
        if i % 3 == 0:
            paragraphs.insert(rng.randint(1, len(paragraphs)), rng.choice(CHROME))
        if i % 4 == 0:
            paragraphs.append(paragraphs[0])
        text = "\n\n".join(paragraphs)
        if i % 5 == 4:
            records.append({"id": f"rec-{i}", "text": text})
        else:
            (root / f"article{i:03d}.txt").write_text(text + "\n", encoding="utf-8")
    records.append({"id": "rec-broken"})  # an error record keeps its place in the order too
    (root / "batch.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return [str(root)]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[str]:
    return make_inputs(tmp_path_factory.mktemp("parallel") / "in")


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> bytes:
    run = tmp_path_factory.mktemp("ref") / "run"
    result = scan(corpus, run, Config(spin_enabled=False), jobs=1, html=False)
    assert result.documents == 41
    return (run / DOCUMENTS).read_bytes()


def test_two_jobs_give_identical_documents(corpus, reference, tmp_path):
    scan(corpus, tmp_path / "run", Config(spin_enabled=False), jobs=2, html=False)
    assert (tmp_path / "run" / DOCUMENTS).read_bytes() == reference


def test_order_is_the_input_order(reference):
    ids = [json.loads(line)["id"] for line in reference.decode("utf-8").splitlines()]
    jsonl_ids = [i for i in ids if i.startswith("rec-")]
    file_ids = [i for i in ids if not i.startswith("rec-")]
    assert file_ids == sorted(file_ids)  # discovery order: sorted walk
    expected_records = [f"rec-{i}" for i in range(40) if i % 5 == 4] + ["rec-broken"]
    assert ids == file_ids + expected_records  # article*.txt sort before batch.jsonl; lines in file order


@pytest.mark.parametrize("jobs", [1, 2])
def test_resume_after_interruption_matches_an_uninterrupted_run(corpus, reference, tmp_path, jobs):
    run = tmp_path / "run"
    seen = []

    def stop_after_twelve(record):
        seen.append(record["id"])
        if len(seen) == 12:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        scan(corpus, run, Config(spin_enabled=False), jobs=jobs, html=False, on_record=stop_after_twelve)
    partial = (run / DOCUMENTS).read_bytes()
    assert len(partial.splitlines()) == 12
    assert reference.startswith(partial)
    assert json.loads((run / "run.json").read_text())["complete"] is False

    checked_again = []
    result = scan(corpus, run, Config(spin_enabled=False), jobs=jobs, html=False, resume=True,
                  on_record=lambda r: checked_again.append(r["id"]))
    assert result.resumed == 12
    assert result.documents == 41
    assert len(checked_again) == 41 - 12
    assert not set(checked_again) & set(seen)  # finished documents are skipped, not redone
    assert (run / DOCUMENTS).read_bytes() == reference
    assert json.loads((run / "run.json").read_text())["complete"] is True


def test_resume_of_a_finished_run_checks_nothing(corpus, reference, tmp_path):
    run = tmp_path / "run"
    (run).mkdir()
    (run / DOCUMENTS).write_bytes(reference)
    checked = []
    result = scan(corpus, run, Config(spin_enabled=False), jobs=1, html=False, resume=True,
                  on_record=lambda r: checked.append(r))
    assert checked == []
    assert result.resumed == 41
    assert (run / DOCUMENTS).read_bytes() == reference


class FakeTerminal:
    def __init__(self) -> None:
        self.text = ""

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


def test_progress_shows_rate_and_eta_on_a_terminal_only(monkeypatch):
    import io

    from qualitycheck.run import Progress

    monkeypatch.delenv("CI", raising=False)
    terminal = FakeTerminal()
    bar = Progress(True, terminal)
    bar.total = 100
    bar.start -= 2.0  # pretend 2 s have passed
    bar.update(20)
    assert "20/100 documents" in terminal.text and "docs/s" in terminal.text and "ETA" in terminal.text
    piped = io.StringIO()
    quiet = Progress(True, piped)  # not a terminal: silent
    quiet.update(20)
    assert piped.getvalue() == ""
    monkeypatch.setenv("CI", "true")
    in_ci = FakeTerminal()
    Progress(True, in_ci).update(20)
    assert in_ci.text == ""


def test_input_count_for_the_eta(corpus):
    from qualitycheck.streaming import count_input_documents

    assert count_input_documents(corpus) == 41
