"""A scan run: documents in, a run folder out (documents.jsonl, summary.csv, run.json, report.html).

Results stream to documents.jsonl in input order as they are produced, so an interrupted
run keeps everything finished so far and `resume=True` carries on where it stopped.
"""
from __future__ import annotations

import gc
import hashlib
import json
import logging
import multiprocessing as mp
import multiprocessing.connection
import os
import signal
import sys
import threading
import time
from collections import Counter, deque
from contextlib import contextmanager
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .checker import MODEL_PROBE_TEXT, Checker
from .config import Config
from .document import JSON_ERRORS, RawDocument
from .folder import holds_folder_additions
from .provenance import changed_provenance, run_provenance
from .reading import INPUT_SUFFIXES, STDIN, iter_raw_documents, stdin_file_id
from .scoring import build_report
from .segment import segment
from .report.writers import (DOCUMENTS_FILE, REPORT_FILE, RUN_FILE, SUMMARY_FILE, DocumentsWriter, count_lines,
                             iter_documents, repair_torn_tail, rewrite_documents, write_json_atomic, write_summary_csv)

log = logging.getLogger(__name__)

DOCUMENTS, SUMMARY, RUN_INFO, REPORT_HTML = DOCUMENTS_FILE, SUMMARY_FILE, RUN_FILE, REPORT_FILE


class RunExistsError(Exception):
    """The run cannot start as asked: the output folder already holds a run (and neither overwrite nor resume
    was asked for), is an input, cannot be made; or a resume was asked of standard input."""


class RunInUseError(RunExistsError):
    """Another scan is writing the output folder now."""


class RunSettingsError(RunExistsError):
    """--resume with settings other than those the interrupted run was started with: the finished
    records would disagree with the rest (another threshold, model or size cap)."""


def changed_settings(run_dir: Path, config: Config, provenance: dict[str, Any] | None = None) -> list[str]:
    """"name: old -> new" for each Config field that differs from the one run.json of `run_dir` records,
    then for each model file whose content differs (provenance.changed_provenance; `provenance` is
    run_provenance(config), computed here when not given). None when there is no run.json or it holds
    no settings: runs of older versions."""
    try:
        info = json.loads((run_dir / RUN_INFO).read_text(encoding="utf-8"))
        saved = info.get("config")
    except (OSError, AttributeError, *JSON_ERRORS):
        return []
    if not isinstance(saved, dict):
        return []
    now = json.loads(json.dumps(config.to_dict()))   # tuples as lists, as run.json holds them
    changes = [f"{key}: {saved.get(key)!r} -> {now.get(key)!r}"
               for key in sorted(set(saved) | set(now)) if saved.get(key) != now.get(key)]
    return changes + changed_provenance(info, provenance or run_provenance(config))


@dataclass
class ScanResult:
    run_dir: Path
    documents: int = 0
    errors: int = 0
    resumed: int = 0
    verdicts: Counter = field(default_factory=Counter)
    labels: Counter = field(default_factory=Counter)
    elapsed: float = 0.0
    error_examples: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    report_html: Path | None = None   # the review page, when one was written

    def count(self, record: dict[str, Any]) -> None:
        self.documents += 1
        self.verdicts[record.get("verdict")] += 1
        for label, n in (record.get("labels") or {}).items():
            self.labels[label] += n
        if record.get("error"):
            self.errors += 1
            if len(self.error_examples) < 10:
                self.error_examples.append(f"{record.get('path') or record.get('id')}: {record['error']}")


def default_run_dir(inputs: list[str], base: str | Path = "reports") -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    # abspath, not resolve(): a symlink loop as the first input is an error record, not a crash here
    name = Path(os.path.abspath(inputs[0])).name if inputs and inputs[0] != STDIN else "stdin"
    return Path(base) / f"{stamp}-{name or 'root'}"


def resume_key(record: dict[str, Any]) -> bytes:
    metadata = record.get("metadata")
    line = metadata.get("line") if isinstance(metadata, dict) else None
    return document_key(str(record.get("id")), record.get("content_hash"), record.get("path"), line)


def document_key(doc_id: str, text_hash: str | None, path: str | None = None, line: Any = None) -> bytes:
    """What a resume matches a written record and an input document by: id, content hash, file and (JSONL)
    line, as a 16-byte digest (a resume holds one per document of the run: ~110 bytes each, against ~270
    for the strings). File and line count too: a record of a deleted file, or one whose JSONL line moved,
    would otherwise stand in for a copy of the same text elsewhere, with the wrong path and line."""
    return hashlib.blake2b(f"{path}\0{line}\0{doc_id}\0{text_hash}".encode("utf-8", "surrogatepass"),
                           digest_size=16).digest()


# --- worker side: one Checker per process; the parent builds the models before forking (_preload) ----
_WORKER_CHECKER: Checker | None = None
# Documents read ahead per worker: enough to keep workers busy, few enough that memory stays
# bounded (each holds at most Config.max_chars of text).
WINDOW_PER_JOB = 8
# Worker deaths per worker slot, in a row and before any document got through: the workers
# cannot start at all (e.g. a model that cannot load).
MAX_CONSECUTIVE_BREAKS = 3


class WorkersFailedError(RuntimeError):
    """Worker processes die before checking anything (e.g. a model that cannot load)."""


# Checked once in the parent before it forks the workers: English prose and a French sentence, so that
# every lazily loaded piece (both language models, the thesaurus tables and the spin detector, langdetect's
# profiles) is built there once and inherited, instead of built again by every worker (~2-3 CPU s each).
def _preload(config: Config) -> None:
    """Build the models in this process before forking, then freeze the garbage collector's view of them:
    a collection would write to every object's header and copy the shared pages into each worker."""
    try:
        Checker(config).check(MODEL_PROBE_TEXT)
    except Exception:   # the workers report what cannot load, per document, as before
        log.debug("preloading before fork failed", exc_info=True)
    gc.freeze()


def _worker_init(config: Config) -> None:
    global _WORKER_CHECKER
    # Ctrl-C reaches the whole process group; only the parent handles it, so that it can stop
    # the workers, finish documents.jsonl cleanly and say how to resume.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)   # not the parent's handler (see scan)
    # A forked worker keeps the pool's pipes open itself, so it never sees them close when the
    # parent is killed outright; without this it would wait for work forever, an orphan.
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    _WORKER_CHECKER = Checker(config)


def _exit_with_parent(parent: int) -> None:
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(1)


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """While the scan streams, SIGTERM (kill, docker stop, a batch scheduler) stops it the way
    Ctrl-C does: documents.jsonl is closed on a record boundary and run.json says incomplete."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _check_one(checker: Checker, raw: RawDocument) -> dict[str, Any]:
    """One report, never an exception: a bug that escapes the signals costs this document only."""
    try:
        return checker.check_raw(raw).to_dict()
    except Exception as exc:
        return _error_record(raw, checker.config, f"internal error: {exc.__class__.__name__}: {exc}")


def _error_record(raw: RawDocument, config: Config, error: str) -> dict[str, Any]:
    failed = RawDocument(id=raw.id, path=raw.path, text=raw.text, encoding=raw.encoding, error=error,
                         notes=list(raw.notes), content_hash=raw.content_hash, metadata=dict(raw.metadata))
    return build_report(segment(failed), config).to_dict()


def _worker_check(raw: RawDocument) -> dict[str, Any]:
    assert _WORKER_CHECKER is not None
    return _check_one(_WORKER_CHECKER, raw)


def check_in_order(raws: Iterable[RawDocument], config: Config, jobs: int) -> Iterator[dict[str, Any]]:
    """Report records in input order, from one process or a pool of `jobs` (identical results either
    way); what `scan` and `filter --jobs` run on."""
    if jobs <= 1:
        checker = Checker(config)
        for raw in raws:
            yield _check_one(checker, raw)
        _release_checking_state()
        return
    yield from _check_parallel(iter(raws), config, jobs)


def _release_checking_state() -> None:
    """After checking in this process: what checking built (the spin detector and its memos, langdetect's
    profiles, word memos) is not needed by what follows (the folder pass, writing summary and page) and would
    add to its peak memory, so it is dropped; it is built again if this process checks more."""
    for name in ("qualitycheck.spin.detector", "qualitycheck.signals.language"):
        module = sys.modules.get(name)
        if module is not None:
            module.release()
    gc.collect()


def _worker_loop(conn: Any, config: Config) -> None:
    """A worker process: documents in, reports out, over its own pipe, until the pipe closes."""
    _worker_init(config)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        seq, raw = task
        conn.send((seq, _worker_check(raw)))


class _Worker:
    """One worker process with a private pipe. A private pipe matters: a worker killed while
    writing a result can only spoil its own pipe, never a queue (and lock) the others share,
    which is how a shared-queue pool hangs when one worker is killed mid-write."""

    def __init__(self, context: Any, config: Config) -> None:
        self.conn, child = context.Pipe()
        self.proc = context.Process(target=_worker_loop, args=(child, config), daemon=True)
        self.proc.start()
        child.close()
        self.task: tuple[int, RawDocument] | None = None

    def send(self, task: tuple[int, RawDocument]) -> bool:
        self.task = task
        try:
            self.conn.send(task)
            return True
        except (OSError, ValueError):
            return False

    def stop(self) -> None:
        try:
            self.conn.close()
        except OSError:
            pass
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(timeout=5)


def _check_parallel(raws: Iterator[RawDocument], config: Config, jobs: int) -> Iterator[dict[str, Any]]:
    """A sliding window of documents over worker processes, results in input order.

    A worker that dies (killed, out of memory, a crash in native code) is replaced and its
    document checked again; a document that kills two workers gets an error record instead
    of stopping the scan. Workers that die again and again before finishing anything (a model
    that cannot load) stop the scan with WorkersFailedError.
    """
    forking = "fork" in mp.get_all_start_methods()
    context = mp.get_context("fork") if forking else mp.get_context()
    todo: deque[tuple[int, RawDocument]] = deque()   # retries go first
    finished: dict[int, dict[str, Any]] = {}
    deaths: Counter = Counter()
    next_seq = next_out = 0
    consecutive_deaths = 0
    exhausted = False
    workers: list[_Worker] = []
    try:
        if forking:
            _preload(config)   # undone in the finally below, whatever happens from here
        for _ in range(jobs):
            workers.append(_Worker(context, config))   # one at a time: the finally stops those started
        while True:
            busy = sum(1 for w in workers if w.task is not None)
            while not exhausted and len(todo) + busy + len(finished) < jobs * WINDOW_PER_JOB:
                raw = next(raws, None)
                if raw is None:
                    exhausted = True
                    break
                todo.append((next_seq, raw))
                next_seq += 1
            for worker in workers:
                if worker.task is None and todo:
                    worker.send(todo.popleft())   # a failed send shows up as a dead worker below
            while next_out in finished:
                yield finished.pop(next_out)
                next_out += 1
            if exhausted and not todo and all(w.task is None for w in workers):
                return
            waiting = [w for w in workers if w.task is not None]
            ready = mp.connection.wait([w.conn for w in waiting] + [w.proc.sentinel for w in waiting], timeout=1.0)
            for index, worker in enumerate(workers):
                if worker.task is None:
                    continue
                if worker.conn in ready:
                    try:
                        seq, record = worker.conn.recv()
                    except (EOFError, OSError):
                        pass   # died mid-write: handled as a death below
                    else:
                        finished[seq] = record
                        worker.task = None
                        consecutive_deaths = 0
                        continue
                if worker.proc.sentinel in ready or not worker.proc.is_alive():
                    seq, raw = worker.task
                    worker.stop()
                    workers[index] = _Worker(context, config)
                    deaths[seq] += 1
                    consecutive_deaths += 1
                    if consecutive_deaths >= MAX_CONSECUTIVE_BREAKS * jobs and not finished and next_out == 0:
                        raise WorkersFailedError(
                            f"worker processes died {consecutive_deaths} times before checking any document")
                    if deaths[seq] >= 2:
                        finished[seq] = _error_record(raw, config, "worker process died while checking this "
                                                                   "document (killed, out of memory or crashed)")
                    else:
                        todo.appendleft((seq, raw))
    finally:
        for worker in workers:
            worker.stop()
        if forking:
            gc.unfreeze()
            _release_checking_state()   # what _preload built, before the folder pass


def _not_done(raws: Iterable[RawDocument], done: Counter, seen: Counter,
              refresh: set[tuple[bytes, int]] | None = None,
              refreshing: deque | None = None, order: list[bytes] | None = None) -> Iterator[RawDocument]:
    """The documents an interrupted run has not written yet (each written copy skips one).
    `seen` counts every input key and `order` gets them in input order, so records of inputs that
    changed since can be dropped and the rest put in input order (_match_inputs).
    Written copies named in `refresh` (key, which copy of that key) are checked again all the same;
    `refreshing` gets, per document yielded and in order (check_in_order keeps it), its (key, copy)
    when it is one of those, else None."""
    for raw in raws:
        key = document_key(str(raw.id), raw.content_hash, raw.path, raw.metadata.get("line"))
        copy = seen[key]
        seen[key] += 1
        if order is not None:
            order.append(key)
        again = None
        if done[key] > 0:
            done[key] -= 1
            if not refresh or (key, copy) not in refresh:
                continue
            again = (key, copy)
        if refreshing is not None:
            refreshing.append(again)
        yield raw


class Progress:
    """A one-line progress display on a terminal (documents/s); silent in pipes and CI."""

    def __init__(self, enabled: bool, stream: Any = sys.stderr) -> None:
        self.enabled = enabled and stream.isatty() and not os.environ.get("CI")
        self.stream = stream
        self.start = time.monotonic()
        self.last = 0.0
        self.total: int | None = None  # documents to check, when known (for the ETA)

    def update(self, done: int, total: int | None = None) -> None:
        if not self.enabled:
            return
        total = total or self.total
        now = time.monotonic()
        if now - self.last < 0.2:
            return
        self.last = now
        rate = done / max(now - self.start, 1e-9)
        eta = f", ETA {int((total - done) / rate)}s" if total and rate > 0 else ""
        self.stream.write(f"\r{done}{'/' + str(total) if total else ''} documents, {rate:.0f} docs/s{eta}   ")
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\n")


def scan(inputs: list[str], out_dir: str | Path | None = None, config: Config | None = None,
         jobs: int = 1, resume: bool = False, overwrite: bool = False, progress: bool = False,
         html: bool = True, text_field: str = "text",
         on_record: Callable[[dict[str, Any]], None] | None = None) -> ScanResult:
    """Check every document under `inputs` and write a run folder. Returns counts."""
    config = config or Config()
    if resume and not out_dir:
        # without one, each scan writes a new reports/<timestamp>-<name>/ folder: there is nothing to resume
        raise RunExistsError("--resume needs -o RUN_DIR, the run folder to continue (without -o every scan "
                             "starts a new folder under reports/)")
    if resume and overwrite:
        # one keeps the finished documents, the other throws them away: a silent choice would lose or repeat work
        raise RunExistsError("--resume continues the run in -o, --overwrite replaces it: give one of them")
    run_dir = Path(out_dir) if out_dir else default_run_dir(inputs)
    if run_dir.exists() and not run_dir.is_dir():
        # Not even --overwrite replaces a file that is not a run folder.
        raise RunExistsError(f"{run_dir} exists and is not a folder; choose another output folder")
    held = [name for name in (DOCUMENTS, RUN_INFO, SUMMARY, REPORT_HTML) if (run_dir / name).exists()]
    if held and not (resume or overwrite):
        raise RunExistsError(f"{run_dir} already holds a run ({', '.join(held)}); use --overwrite to replace it "
                             "or --resume to continue it")
    blocked = [name for name in (DOCUMENTS, RUN_INFO, SUMMARY, *([REPORT_HTML] if html else []))
               if (run_dir / name).exists() and not (run_dir / name).is_file()]
    if blocked:   # (found before the documents are checked, not when the run's files are written at its end)
        raise RunExistsError(f"{run_dir} holds {', '.join(blocked)} that is not a file; choose another output folder")
    if resume and STDIN in inputs:
        raise RunExistsError("--resume cannot continue a scan of standard input ('-'): it cannot be read again; "
                             "scan it into a new run folder, or save it to a file and scan that")
    for item in inputs:
        if item == STDIN:
            continue
        if os.path.isdir(item) and os.path.realpath(item) == os.path.realpath(run_dir):
            # its documents.jsonl would be read back as input while it is written
            raise RunExistsError(f"the output folder {run_dir} is also an input folder; write the run elsewhere "
                                 "(a run folder inside the input folder is fine: it is not read)")
        if not os.path.isdir(item) and os.path.realpath(os.path.dirname(os.path.abspath(item))) == \
                os.path.realpath(run_dir):
            # e.g. the run's own documents.jsonl: read while it is appended to, or truncated by --overwrite
            raise RunExistsError(f"the input {item} is a file of the output folder {run_dir}; write the run elsewhere")
    if STDIN in inputs:
        redirected = _stdin_file_in(run_dir)
        if redirected is not None:   # `scan - -o RUN --overwrite < RUN/documents.jsonl` emptied it before reading
            raise RunExistsError(f"standard input is the file {redirected} of the output folder {run_dir}; "
                                 "write the run elsewhere")
    if not (resume and (run_dir / DOCUMENTS).exists()):
        Checker(config).load_models()   # a model that cannot load: one error, and no run folder left behind
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RunExistsError(f"cannot create the output folder {run_dir}: {exc.strerror or exc}") from exc
    with _run_lock(run_dir):
        return _scan_into(run_dir, inputs, config, jobs, resume, progress, html, text_field, on_record)


def _stdin_file_in(folder: Path) -> str | None:
    """The name of the file in `folder` that standard input is redirected from, if it is one of them."""
    given = stdin_file_id()
    if given is None:
        return None
    try:
        entries = list(os.scandir(folder))
    except OSError:   # no such folder
        return None
    for entry in entries:
        try:
            there = entry.stat()
        except OSError:
            continue
        if (there.st_dev, there.st_ino) == given:
            return entry.name
    return None


LOCK_FILE = ".qualitycheck.lock"


@contextmanager
def _run_lock(run_dir: Path) -> Iterator[None]:
    """Hold the run folder for one scan: a second scan into it (two --resume in two terminals) would
    interleave their documents.jsonl lines. The lock (flock on LOCK_FILE) dies with the process, even
    killed, so a crashed scan never leaves the folder locked."""
    import fcntl

    handle = open(run_dir / LOCK_FILE, "a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            if holder.isdigit() and not _process_alive(int(holder)):
                # workers of a killed scan hold the inherited lock until they notice, about a second
                raise RunInUseError(f"{run_dir} is still held by the worker processes of a scan that ended "
                                    f"(process {holder}); try again in a few seconds") from None
            raise RunInUseError(f"{run_dir} is being written by another scan (process {holder}); wait for it "
                                "to finish, or choose another output folder") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()   # releases the lock


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:   # alive, another user's
        return True
    return True


def _scan_into(run_dir: Path, inputs: list[str], config: Config, jobs: int, resume: bool, progress: bool,
               html: bool, text_field: str, on_record: Callable[[dict[str, Any]], None] | None) -> ScanResult:
    """scan() once the run folder is held."""
    documents_path = run_dir / DOCUMENTS
    provenance = run_provenance(config)
    if resume and documents_path.exists():
        changed = changed_settings(run_dir, config, provenance)
        if changed:
            raise RunSettingsError(f"{run_dir} was started with other settings ({'; '.join(changed)}); "
                                   "resume with the same settings, or use --overwrite to start again")
        Checker(config).load_models()   # after the settings check, which names a changed model file better
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    # Written now, so that a run killed before its end still records what it was started with.
    _write_run_info(run_dir, inputs, config, jobs, started, provenance)

    result = ScanResult(run_dir=run_dir)
    done: Counter = Counter()
    # Records a finished run's folder passes changed: checked again and put back in their places, so the
    # passes start afresh from per-document results (the inputs beside them may have changed since).
    refresh: set[tuple[bytes, int]] = set()
    if resume and documents_path.exists():
        repair_torn_tail(documents_path)
        whole = 0
        for record in iter_documents(documents_path):
            # Counted, not a set: a dump that repeats a record (same id and text) must get every
            # copy written, however many of them the interrupted run had finished.
            key = resume_key(record)
            if holds_folder_additions(record):
                refresh.add((key, done[key]))
            done[key] += 1
            result.count(record)
            whole += 1
        if count_lines(documents_path) != whole:
            # Damaged lines in the middle: keep only whole records, so that every line of the
            # finished file parses; the documents they held are checked again.
            rewrite_documents(iter_documents(documents_path), documents_path)
        result.resumed = whole

    seen: Counter = Counter()
    order: list[bytes] = []   # input keys in input order (a resume only)
    refreshing: deque[tuple[bytes, int] | None] = deque()
    renewed: dict[tuple[bytes, int], dict[str, Any]] = {}
    skipped: Counter = Counter()   # files in the input folders that are not inputs, by suffix
    raws: Iterable[RawDocument] = iter_raw_documents(inputs, config, text_field, exclude=[run_dir], skipped=skipped)
    if result.resumed:
        # Only a resume keeps a key per input (~10 MiB per 100,000 documents): a fresh scan stays flat.
        raws = _not_done(raws, done, seen, refresh, refreshing, order)
    bar = Progress(progress)
    if bar.enabled and STDIN not in inputs:  # on a terminal only: the count reads the inputs once more
        from .streaming import count_input_documents
        bar.total = max(0, count_input_documents(inputs) - result.resumed)
    begin = time.monotonic()
    interrupted = False
    with _terminate_as_interrupt(), DocumentsWriter(documents_path, append=resume) as writer:
        try:
            for record in check_in_order(raws, config, jobs):
                again = refreshing.popleft() if refreshing else None
                if again:
                    renewed[again] = record
                    continue
                writer.write(record)
                result.count(record)
                if on_record:
                    on_record(record)
                bar.update(result.documents - result.resumed)
        except KeyboardInterrupt:
            interrupted = True
    bar.finish()
    result.elapsed = time.monotonic() - begin

    if skipped:
        kinds = ", ".join(f"{suffix} {n}" for suffix, n in skipped.most_common(8))
        result.notes.append(f"skipped {sum(skipped.values())} file(s) that are not inputs ({', '.join(INPUT_SUFFIXES)}): "
                            f"{kinds}")
    if renewed and not interrupted:
        rewrite_documents(_put_back(iter_documents(documents_path), renewed), documents_path)
        result = recount(documents_path, result)
    if result.resumed and not interrupted:
        result = _match_inputs(documents_path, order, result)
    folder_pass, changed = ("skipped: run interrupted", 0) if interrupted else \
        _apply_folder_passes(result.documents, documents_path, config)
    # Re-scored records, or an interrupt that landed between writing a record and counting it:
    # the counts printed and written in run.json must be those of documents.jsonl.
    if changed or interrupted:
        result = recount(documents_path, result)
    write_summary_csv(iter_documents(documents_path), run_dir / SUMMARY)
    _write_run_info(run_dir, inputs, config, jobs, started, provenance, ended={
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"), "complete": not interrupted,
        "documents": result.documents, "errors": result.errors, "resumed": result.resumed,
        "folder_pass": folder_pass, "notes": result.notes})
    if html:
        result.report_html = write_html(run_dir)
    if interrupted:
        raise KeyboardInterrupt
    return result


def _write_run_info(run_dir: Path, inputs: list[str], config: Config, jobs: int, started: str,
                    provenance: dict[str, Any], ended: dict[str, Any] | None = None) -> None:
    """run.json: the settings and model files from the start, and once the run has ended its counts."""
    info: dict[str, Any] = {"schema": 1, "input": [str(i) for i in inputs], "started": started,
                            "complete": False, "jobs": jobs}
    info.update(ended or {})
    info.update(provenance)
    info["config"] = config.to_dict()
    write_json_atomic(info, run_dir / RUN_INFO)


def _put_back(records: Iterable[dict[str, Any]],
              renewed: dict[tuple[bytes, int], dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """`records` with each one checked again (renewed, by key and copy of that key) in its old place."""
    copies: Counter = Counter()
    for record in records:
        key = resume_key(record)
        yield renewed.get((key, copies[key]), record)
        copies[key] += 1


def _match_inputs(documents_path: Path, order: list[bytes], result: ScanResult) -> ScanResult:
    """After a resume: documents.jsonl in input order, without the records of inputs that changed or vanished
    since the interrupted run (their current text was checked anew and appended at the end), so the run
    equals a fresh scan of the current inputs. Lines are copied by byte offset, not parsed again."""
    offsets: dict[tuple[bytes, int], int] = {}
    copies: Counter = Counter()
    with open(documents_path, "rb") as handle:
        offset = 0
        for line in handle:
            try:
                record = json.loads(line)
            except JSON_ERRORS:
                record = None
            if isinstance(record, dict):
                key = resume_key(record)
                offsets[(key, copies[key])] = offset
                copies[key] += 1
            offset += len(line)
    copies.clear()
    wanted: list[int] = []
    for key in order:
        spot = offsets.get((key, copies[key]))
        copies[key] += 1
        if spot is not None:
            wanted.append(spot)
    dropped = len(offsets) - len(wanted)
    if not dropped and all(a < b for a, b in zip(wanted, wanted[1:])):
        return result
    tmp = documents_path.with_suffix(".jsonl.tmp")
    with open(documents_path, "rb") as source, open(tmp, "wb") as out:
        for spot in wanted:
            source.seek(spot)
            out.write(source.readline())
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, documents_path)
    fresh = recount(documents_path, result)
    fresh.resumed = result.resumed - dropped
    if dropped:
        fresh.notes.append(f"resume: dropped {dropped} record(s) of inputs that changed or vanished")
    return fresh


def recount(documents_path: Path, result: ScanResult) -> ScanResult:
    """The counts of `result` taken anew from documents.jsonl (after records were dropped or re-scored),
    keeping its run folder, timing, resume count and notes."""
    fresh = ScanResult(run_dir=result.run_dir, elapsed=result.elapsed, resumed=result.resumed,
                       notes=list(result.notes))
    for record in iter_documents(documents_path):
        fresh.count(record)
    return fresh


# From this many documents on, a scan runs its folder pass in a fresh interpreter. The scanning process
# keeps most of what checking grew even after releasing it (freed objects stay in the interpreter's arenas),
# and the pass's index grows with the run: one process scanning 20,000 bench documents peaked at 326.7 MiB
# with the pass in place, 291.6 MiB with it in a fresh process (bench/README.md). Smaller runs keep it in
# place, where starting an interpreter would cost more than the pass.
FRESH_PROCESS_DOCUMENTS = 2_000


def _apply_folder_passes(documents: int, documents_path: Path, config: Config) -> tuple[str, int]:
    """Cross-document passes over the finished run; documents.jsonl is replaced atomically when
    they change anything. Returns what happened, for run.json, and how many records changed."""
    from .folder import MAX_FOLDER_DOCUMENTS

    if documents > MAX_FOLDER_DOCUMENTS:
        # The pass's word index grows with the run (folder.MAX_FOLDER_DOCUMENTS); split a larger run by story.
        return f"skipped: {documents} documents (more than {MAX_FOLDER_DOCUMENTS})", 0
    if documents >= FRESH_PROCESS_DOCUMENTS:
        done, failure = _folder_passes_in_child(documents_path, config)
        if done is not None:
            return done
        # documents.jsonl is as the checking left it (the child replaces it atomically or not at all)
        outcome, changed = _folder_passes(documents_path, config)
        return f"{outcome} (run in the scanning process: {failure})", changed
    return _folder_passes(documents_path, config)


def _folder_passes(documents_path: Path, config: Config) -> tuple[str, int]:
    """_apply_folder_passes in this process."""
    from .folder import apply_folder_change, cross_document_pass

    passes = cross_document_pass(lambda: iter_documents(documents_path), config)
    changed = set(passes.positions())
    if changed:
        # a second streaming read: only the changed records are rebuilt in full
        rewrite_documents((apply_folder_change(record, passes.changes.get(i), config, passes.lines.get(i),
                                               passes.near_copies.get(i))
                           if i in changed else record
                           for i, record in enumerate(iter_documents(documents_path))), documents_path)
    return (f"cross-document passes: {len(changed)} document(s) changed, {passes.repeats} of them repeating an "
            f"earlier document's text, {len(passes.near_copies)} near copies of an earlier one, "
            f"{len(passes.lines)} with lines other stories repeat", len(changed))


def _folder_passes_in_child(documents_path: Path, config: Config) -> tuple[tuple[str, int] | None, str]:
    """_folder_passes in a fresh interpreter (folder_passes_main). Returns its outcome, or None and why it failed."""
    import subprocess

    if not sys.executable:
        return None, "no Python executable to start"
    env = dict(os.environ)
    # the child imports this package from where the parent did (a source checkout on sys.path, say)
    package_parent = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_parent, env.get("PYTHONPATH")]))
    request = json.dumps({"documents": str(documents_path), "config": config.to_dict()})
    try:
        child = subprocess.run([sys.executable, "-c", FOLDER_PASS_CODE], input=request, capture_output=True,
                               text=True, env=env)
    except OSError as exc:
        return None, f"cannot start {sys.executable}: {exc.strerror or exc}"
    if child.returncode != 0:
        last = (child.stderr.strip().splitlines() or [f"exit status {child.returncode}"])[-1]
        return None, f"a fresh process failed: {last[:300]}"
    try:
        reply = json.loads(child.stdout.strip().splitlines()[-1])
        return (str(reply["folder_pass"]), int(reply["changed"])), ""
    except (IndexError, KeyError, TypeError, ValueError):
        return None, f"a fresh process answered {child.stdout[-300:]!r}"


# what the fresh interpreter runs
FOLDER_PASS_CODE = "from qualitycheck.run import folder_passes_main; folder_passes_main()"


def folder_passes_main() -> None:
    """Entry point of the fresh interpreter _folder_passes_in_child starts: a JSON request on stdin
    ({"documents": path of documents.jsonl, "config": Config.to_dict()}), the outcome as one JSON line on stdout."""
    # A scan killed outright must not have its documents.jsonl replaced later by an orphan (a resume may be
    # appending to it by then).
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    request = json.load(sys.stdin)
    outcome, changed = _folder_passes(Path(request["documents"]), Config(**request["config"]))
    print(json.dumps({"folder_pass": outcome, "changed": changed}))


def write_html(run_dir: Path) -> Path | None:
    """report.html beside documents.jsonl, when the HTML writer is installed."""
    try:
        from .report.html import write_html_report
    except ImportError:
        return None
    return write_html_report(run_dir)
