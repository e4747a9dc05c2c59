"""Interrupted scans: a killed or Ctrl-C'd parallel scan leaves a valid documents.jsonl and
`--resume` finishes it with exactly the records of an uninterrupted run, in the same order.

The scans run as real subprocesses (`python -m qualitycheck.cli scan ... --jobs 2`) on a
generated folder; each test waits until documents.jsonl has some lines, then interrupts
(SIGKILL or SIGINT to the process group, SIGTERM or SIGKILL to the parent alone, SIGKILL to
one worker). Damaged files and resumes from every cut point are simulated in process, and a
worker-killing document is injected by patching the function the forked workers call.
"""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qualitycheck import run as run_module

N_DOCS = 300
WORDS = ("council harbour bridge market river school budget storm rail station museum festival mayor "
         "engineers residents officials report plan vote week summer winter city county opened closed "
         "approved delayed said announced expects repairs funding traffic").split()


def make_corpus(root: Path, n: int = N_DOCS, seed: int = 11) -> None:
    """Synthetic articles: word salad paragraphs, with an ad line or a repeated paragraph now and then."""
    rng = random.Random(seed)
    root.mkdir()
    for i in range(n):
        paragraphs = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 30))).capitalize() + "."
                      for _ in range(rng.randint(30, 50))]
        if i % 5 == 0:
            paragraphs.append("Advertisement")
        if i % 7 == 0:
            paragraphs.append(paragraphs[0])
        (root / f"doc{i:04d}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")


def scan_command(inputs: Path, run: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "qualitycheck.cli", "scan", str(inputs), "-o", str(run),
            "--jobs", "2", "--no-spin", "--no-html", "-q", *extra]


def run_scan(inputs: Path, run: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(scan_command(inputs, run, *extra), capture_output=True, text=True, timeout=600)


def count_lines(path: Path) -> int:
    try:
        with open(path, "rb") as handle:
            return handle.read().count(b"\n")
    except FileNotFoundError:
        return 0


def _default_sigint() -> None:
    # A test runner started in the background (`cmd &` in a script) passes SIGINT down as ignored,
    # and Python then leaves it ignored: give the scan the disposition a terminal would.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_and_wait(inputs: Path, run: Path, min_lines: int = 30) -> subprocess.Popen:
    """Start a scan in its own process group; return once documents.jsonl has `min_lines` lines."""
    proc = subprocess.Popen(scan_command(inputs, run), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, preexec_fn=_default_sigint)
    deadline = time.monotonic() + 300
    while count_lines(run / "documents.jsonl") < min_lines:
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"scan ended (code {proc.returncode}) before it could be interrupted: {err.decode()[-2000:]}")
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail("scan wrote nothing for 300 s")
        time.sleep(0.005)
    return proc


def worker_pids(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def start_with_workers(inputs: Path, run: Path) -> tuple[subprocess.Popen, list[int]]:
    """start_and_wait, plus the scan's worker pids; skips (killing the scan) where they cannot be listed."""
    proc = start_and_wait(inputs, run)
    workers = worker_pids(proc.pid)
    if not workers:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.skip("cannot list the scan's worker processes (/proc/PID/task/PID/children missing)")
    return proc, workers


def complete_records(path: Path) -> tuple[list[dict], bytes]:
    """Records of every complete line, asserting each parses; returns them and any torn tail."""
    data = path.read_bytes()
    body, _, tail = data.rpartition(b"\n")
    records = [json.loads(line) for line in body.split(b"\n")] if body else []
    return records, tail


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("interrupt") / "docs"
    make_corpus(root)
    return root


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> list[dict]:
    run = tmp_path_factory.mktemp("reference") / "run"
    done = run_scan(corpus, run)
    assert done.returncode == 0, done.stderr
    records, tail = complete_records(run / "documents.jsonl")
    assert tail == b"" and len(records) == N_DOCS
    return records


def assert_resumes_to_reference(corpus: Path, run: Path, reference: list[dict], kept: int) -> None:
    resumed = run_scan(corpus, run, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    records, tail = complete_records(run / "documents.jsonl")
    assert tail == b""
    assert records == reference
    info = json.loads((run / "run.json").read_text())
    assert info["complete"] is True and info["resumed"] == kept and info["documents"] == N_DOCS


def test_sigkill_of_the_process_group(corpus, reference, tmp_path):
    run = tmp_path / "run"
    proc = start_and_wait(corpus, run)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    records, tail = complete_records(run / "documents.jsonl")
    assert 0 < len(records) < N_DOCS, "the kill should land mid-scan"
    # What survived is a prefix of the uninterrupted run (a torn last line is cut on resume).
    assert records == reference[: len(records)]
    assert_resumes_to_reference(corpus, run, reference, kept=len(records))


def test_ctrl_c_of_the_process_group(corpus, reference, tmp_path):
    run = tmp_path / "run"
    proc = start_and_wait(corpus, run)
    # A terminal sends SIGINT to the whole foreground group: the parent and both workers.
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err.decode()[-2000:]
    assert b"rerun with --resume" in err
    records, tail = complete_records(run / "documents.jsonl")
    assert tail == b"", "Ctrl-C must not leave a torn line"
    assert 0 < len(records) < N_DOCS and records == reference[: len(records)]
    info = json.loads((run / "run.json").read_text())
    assert info["complete"] is False and info["documents"] == len(records)
    assert_resumes_to_reference(corpus, run, reference, kept=len(records))


def test_killed_worker(corpus, reference, tmp_path):
    # The OOM killer's way: one worker dies, the parent lives. The document it held is retried
    # in a fresh pool, so the scan finishes with the uninterrupted run's records.
    run = tmp_path / "run"
    proc, workers = start_with_workers(corpus, run)
    os.kill(workers[0], signal.SIGKILL)
    try:
        out, err = proc.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("the scan hung after one of its workers was killed")
    records, tail = complete_records(run / "documents.jsonl")
    errors = [(r["id"], r["error"]) for r in records if r["error"]]
    assert proc.returncode == 0, (errors, err.decode()[-2000:])
    assert tail == b"" and records == reference


def pid_alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"   # a zombie has exited; it only waits to be reaped


def wait_gone(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = [pid for pid in pids if pid_alive(pid)]
        if not alive:
            return []
        time.sleep(0.1)
    return [pid for pid in pids if pid_alive(pid)]


def test_sigterm_of_the_parent_stops_cleanly(corpus, reference, tmp_path):
    # `kill PID`, docker stop, a batch scheduler: the parent alone gets SIGTERM.
    run = tmp_path / "run"
    proc = start_and_wait(corpus, run)
    workers = worker_pids(proc.pid)
    proc.terminate()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err.decode()[-2000:]
    records, tail = complete_records(run / "documents.jsonl")
    assert tail == b"" and 0 < len(records) < N_DOCS and records == reference[: len(records)]
    assert json.loads((run / "run.json").read_text())["complete"] is False
    assert not wait_gone(workers, 30), "workers outlived the scan"
    assert_resumes_to_reference(corpus, run, reference, kept=len(records))


def test_sigkill_of_the_parent_leaves_no_orphans(corpus, reference, tmp_path):
    run = tmp_path / "run"
    proc, workers = start_with_workers(corpus, run)
    proc.kill()
    proc.wait(timeout=60)
    left = wait_gone(workers, 30)
    if left:
        os.killpg(proc.pid, signal.SIGKILL)
    assert not left, "workers kept running after their parent was killed"
    records, _ = complete_records(run / "documents.jsonl")
    assert records == reference[: len(records)]
    assert_resumes_to_reference(corpus, run, reference, kept=len(records))


def _poisoned(checker, raw):
    """Stands in for run._check_one in forked workers: dies on the poisoned documents."""
    if "poison" in raw.id:
        os._exit(3)
    return _real_check_one(checker, raw)


_real_check_one = run_module._check_one


def test_document_that_always_kills_its_worker(tmp_path, monkeypatch):
    # Workers are forked, so they inherit the patched function; the parent never calls it.
    from qualitycheck.config import Config

    docs = tmp_path / "docs"
    make_corpus(docs, n=30)
    (docs / "doc0010.txt").rename(docs / "doc0010-poison.txt")
    monkeypatch.setattr(run_module, "_check_one", _poisoned)
    result = run_module.scan([str(docs)], tmp_path / "run", Config(spin_enabled=False), jobs=2, html=False)
    records, tail = complete_records(tmp_path / "run" / "documents.jsonl")
    assert tail == b"" and len(records) == result.documents == 30
    errors = {Path(r["path"]).name: r["error"] for r in records if r["error"]}
    assert errors == {"doc0010-poison.txt": "worker process died while checking this document "
                                            "(killed, out of memory or crashed)"}
    assert [Path(r["path"]).name for r in records] == sorted(p.name for p in docs.iterdir())


def test_a_bug_in_checking_costs_one_document(tmp_path, monkeypatch):
    from qualitycheck.checker import Checker
    from qualitycheck.config import Config

    docs = tmp_path / "docs"
    make_corpus(docs, n=12)
    real = Checker.check_raw

    def buggy(self, raw):
        if raw.path.endswith("doc0005.txt"):
            raise ValueError("boom")
        return real(self, raw)

    monkeypatch.setattr(Checker, "check_raw", buggy)
    for jobs in (1, 2):
        run = tmp_path / f"run{jobs}"
        run_module.scan([str(docs)], run, Config(spin_enabled=False), jobs=jobs, html=False)
        records, _ = complete_records(run / "documents.jsonl")
        assert len(records) == 12
        assert [r["error"] for r in records if r["error"]] == ["internal error: ValueError: boom"]


def test_torn_last_line_is_repaired_on_resume(corpus, reference, tmp_path):
    # The state a power cut can leave: complete lines, then half a record.
    run = tmp_path / "run"
    run.mkdir()
    lines = [json.dumps(r, ensure_ascii=False) for r in reference[:40]]
    (run / "documents.jsonl").write_text("\n".join(lines) + "\n" + lines[40 - 1][:100], encoding="utf-8")
    assert_resumes_to_reference(corpus, run, reference, kept=40)


def test_damaged_lines_in_the_middle_are_dropped_and_redone(corpus, reference, tmp_path):
    # A bad disk or a crash of the filesystem rather than of the scan: garbage bytes, NULs,
    # a value that is not an object. Resume must neither crash on them nor keep them.
    run = tmp_path / "run"
    run.mkdir()
    lines = [json.dumps(r, ensure_ascii=False).encode("utf-8") for r in reference[:40]]
    lines[10] = b"\xff\xfe\x00garbage"
    lines[20] = b"\x00" * 64
    lines[25] = b"5"
    (run / "documents.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    resumed = run_scan(corpus, run, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    records, tail = complete_records(run / "documents.jsonl")   # every line parses
    assert tail == b"" and len(records) == N_DOCS
    # The three redone documents are put back in their input places: the run equals a fresh scan.
    assert records == reference


def test_resume_with_repeated_documents(tmp_path):
    # Scraped dumps repeat records (same id, same text). A run stopped between two copies must
    # still write the second one on resume: the resume key counts, it does not merely match.
    from qualitycheck.config import Config

    record = {"id": "same", "text": "The ferry timetable changes on Monday for the winter season."}
    other = {"id": "other", "text": "The library extends its opening hours during the exam weeks."}
    path = tmp_path / "dump.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in (record, other, record, record)) + "\n")
    config = Config(spin_enabled=False)
    full = tmp_path / "full"
    run_module.scan([str(path)], full, config, html=False)
    reference, _ = complete_records(full / "documents.jsonl")
    assert [r["id"] for r in reference] == ["same", "other", "same", "same"]
    for kept in range(len(reference)):
        run = tmp_path / f"cut{kept}"
        run.mkdir()
        (run / "documents.jsonl").write_bytes(b"".join(
            json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in reference[:kept]))
        run_module.scan([str(path)], run, config, html=False, resume=True)
        assert complete_records(run / "documents.jsonl")[0] == reference, kept


def test_resume_of_a_hostile_folder_from_every_cut(tmp_path):
    # Error records (no content hash) and odd names resume like the rest.
    from qualitycheck.config import Config
    from test_robustness import build_hostile_folder

    inputs = tmp_path / "in"
    build_hostile_folder(inputs)
    config = Config(spin_enabled=False)
    run_module.scan([str(inputs)], tmp_path / "full", config, html=False)
    reference, _ = complete_records(tmp_path / "full" / "documents.jsonl")
    assert any(r["error"] for r in reference) and any(not r["error"] for r in reference)
    for kept in range(0, len(reference), 3):
        run = tmp_path / f"cut{kept}"
        run.mkdir()
        (run / "documents.jsonl").write_bytes(b"".join(
            json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in reference[:kept]))
        result = run_module.scan([str(inputs)], run, config, html=False, resume=True)
        assert result.resumed == kept
        assert complete_records(run / "documents.jsonl")[0] == reference, kept


def test_rerun_is_deterministic(corpus, reference, tmp_path):
    # Same folder, one process instead of two, over an existing run: identical records.
    run = tmp_path / "run"
    first = subprocess.run([sys.executable, "-m", "qualitycheck.cli", "scan", str(corpus), "-o", str(run),
                            "--jobs", "1", "--no-spin", "--no-html", "-q"], capture_output=True, timeout=600)
    assert first.returncode == 0
    assert complete_records(run / "documents.jsonl")[0] == reference
    again = run_scan(corpus, run, "--overwrite")
    assert again.returncode == 0
    assert complete_records(run / "documents.jsonl")[0] == reference


def test_interrupt_between_writing_and_counting_a_record(corpus, tmp_path, monkeypatch):
    """An interrupt can land after a record is written and before the scan counts it (seen once in CI
    with Ctrl-C): run.json must still give the number of records documents.jsonl holds."""
    from qualitycheck import run as run_module
    from qualitycheck.config import Config

    count = run_module.ScanResult.count
    calls = {"n": 0}

    def count_then_interrupt(self, record):
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt
        return count(self, record)

    monkeypatch.setattr(run_module.ScanResult, "count", count_then_interrupt)
    out = tmp_path / "run"
    with pytest.raises(KeyboardInterrupt):
        run_module.scan([str(corpus)], out, config=Config(spin_enabled=False), jobs=1, html=False)
    records, tail = complete_records(out / "documents.jsonl")
    assert tail == b"" and len(records) == 5
    info = json.loads((out / "run.json").read_text())
    assert info["complete"] is False and info["documents"] == 5


def test_folder_pass_process_ends_with_its_scan(tmp_path):
    """The fresh process a large scan runs its folder pass in (run.folder_passes_main) must not outlive a
    scan killed outright: a resume may be appending to the documents.jsonl it would replace. The pass is held
    on a FIFO nobody writes, so it is still working when its parent is killed."""
    fifo = tmp_path / "documents.jsonl"
    os.mkfifo(fifo)
    request = json.dumps({"documents": str(fifo), "config": {}})
    parent = subprocess.Popen(
        [sys.executable, "-c",
         "import subprocess, sys\n"
         f"child = subprocess.Popen([sys.executable, '-c', {run_module.FOLDER_PASS_CODE!r}], stdin=subprocess.PIPE, "
         "text=True)\n"
         f"child.stdin.write({request!r}); child.stdin.close()\n"
         "print(child.pid, flush=True)\n"
         "child.wait()\n"],
        stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    try:
        time.sleep(1.0)
        assert wait_gone([child], 0.5) == [child], "the pass should still be waiting on its input"
        parent.kill()
        parent.wait(timeout=60)
        assert not wait_gone([child], 30), "the folder pass kept running after its scan was killed"
    finally:
        for pid in (parent.pid, child):
            if pid_alive(pid):
                os.kill(pid, signal.SIGKILL)
