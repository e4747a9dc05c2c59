#!/usr/bin/env python3
"""Throughput of a scan, stage by stage, with peak memory per worker and datatrove for comparison.

    python bench/bench_scan.py                      # 200 generated documents, 3 repeats (~4 min)
    python bench/bench_scan.py --docs 20000 --repeat 1
    python bench/bench_scan.py --no-spin --json     # machine-readable, spin off

Steps (each timed `--repeat` times; the median is printed):
  reading        iter_raw_documents over the corpus JSONL (decode, hash)
  segmentation   segment() of every document
  rules          mojibake + boilerplate/ad + duplicate signals
  language       language signal (cheap evidence first, langdetect when undecided)
  lm             perplexity signal (KenLM)
  spin           spin signal (reads the LM scores the perplexity step left)
  end to end     Checker.check_raw (all of the above + scoring), one process
  scan jobs=N    run.scan() into a temporary run folder (reading, checking, writing the run folder and
                 report.html, as `qualitycheck scan` does), N = 1, 2
Peak RSS (and PSS, which splits shared pages such as the memory-mapped model between the
processes that map them) is sampled every 50 ms for the scan process and each pool worker.
datatrove's GopherQuality, GopherRepetition, C4Quality and FineWebQuality filters run on
the same texts, one after the other, as the comparison row.

The corpus comes from bench/corpus.py (registry text; never the shared dev set).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def median_rate(n: int, runs: list[tuple[float, float]]) -> dict[str, float]:
    """Median wall and CPU seconds of the runs. docs_per_cpu_s is the figure that survives a
    shared machine: other people's processes slow the wall clock, not this process's CPU time."""
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    return {"docs": n, "seconds": round(wall, 3), "cpu_seconds": round(cpu, 3),
            "docs_per_s": round(n / wall, 1) if wall else float("inf"),
            "docs_per_cpu_s": round(n / cpu, 1) if cpu else float("inf")}


class Clock:
    """Wall and CPU time of this process (plus waited-for children) over a block."""

    def __enter__(self) -> "Clock":
        self.wall0, self.cpu0 = time.perf_counter(), _cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.run = (time.perf_counter() - self.wall0, _cpu() - self.cpu0)


def _cpu() -> float:
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(fn: Callable[[], Any], repeat: int) -> list[tuple[float, float]]:
    runs = []
    for _ in range(repeat):
        with Clock() as clock:
            fn()
        runs.append(clock.run)
    return runs


class MemorySampler:
    """Peak RSS/PSS of this process and of its children (pool workers), sampled in a thread."""

    def __init__(self, interval: float = 0.05) -> None:
        import psutil

        self.psutil = psutil
        self.interval = interval
        self.peaks: dict[int, dict[str, int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        me = self.psutil.Process()
        for proc in [me, *me.children(recursive=True)]:
            try:
                info = proc.memory_full_info()
            except (self.psutil.NoSuchProcess, self.psutil.AccessDenied):
                continue
            peak = self.peaks.setdefault(proc.pid, {"rss": 0, "pss": 0})
            peak["rss"] = max(peak["rss"], info.rss)
            peak["pss"] = max(peak["pss"], getattr(info, "pss", 0))

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> "MemorySampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> dict[str, Any]:
        me = os.getpid()
        workers = [p for pid, p in self.peaks.items() if pid != me]
        mib = 1024 * 1024
        out = {"main_rss_mib": round(self.peaks.get(me, {}).get("rss", 0) / mib, 1),
               "main_pss_mib": round(self.peaks.get(me, {}).get("pss", 0) / mib, 1)}
        if workers:
            out["worker_peak_rss_mib"] = round(max(p["rss"] for p in workers) / mib, 1)
            out["worker_peak_pss_mib"] = round(max(p["pss"] for p in workers) / mib, 1)
            out["workers_seen"] = len(workers)
        return out


def stage_benchmarks(corpus: Path, config: Any, repeat: int) -> dict[str, Any]:
    import copy

    from qualitycheck.checker import Checker
    from qualitycheck.reading import iter_raw_documents
    from qualitycheck.segment import segment

    results: dict[str, Any] = {}
    raws = list(iter_raw_documents([str(corpus)], config))
    n = len(raws)
    results["reading"] = median_rate(n, timed(lambda: sum(1 for _ in iter_raw_documents([str(corpus)], config)), repeat))
    results["segmentation"] = median_rate(n, timed(lambda: [segment(r) for r in raws], repeat))

    checker = Checker(config)
    checker.check_raw(raws[0])  # load models (once per process) outside the timings
    by_name = {s.name: s for s in checker.signals}
    groups = [("rules", ["mojibake", "boilerplate", "duplicate"]), ("language", ["language"]),
              ("lm", ["perplexity"]), ("spin", ["spin"])]
    # Each group runs on documents the earlier groups already annotated, as in the Checker.
    base = [segment(r) for r in raws]
    for name, signal_names in groups:
        signals = [by_name[s] for s in signal_names if s in by_name]
        if not signals:
            results[name] = {"skipped": "signal not enabled or not installed"}
            continue
        runs = []
        for _ in range(repeat):
            docs = copy.deepcopy(base)
            with Clock() as clock:
                for doc in docs:
                    for signal in signals:
                        signal.apply(doc, config)
            runs.append(clock.run)
        results[name] = median_rate(n, runs)
        progress(f"stage {name}: {results[name]}")
        for doc in base:  # carry this group's annotations forward for the next group
            for signal in signals:
                signal.apply(doc, config)
    results["end_to_end_check"] = median_rate(n, timed(lambda: [checker.check_raw(r) for r in raws], repeat))
    return results


def scan_once(corpus: Path, spin: bool, jobs: int) -> dict[str, Any]:
    """One scan in this (fresh) process, as `qualitycheck scan` runs it (report.html included): timings, and
    memory of it and its pool workers."""
    from qualitycheck.config import Config
    from qualitycheck.run import scan

    with tempfile.TemporaryDirectory() as tmp:
        with MemorySampler() as sampler, Clock() as clock:
            result = scan([str(corpus)], Path(tmp) / "run", Config(spin_enabled=spin), jobs=jobs, html=True)
    return {"documents": result.documents, "wall": clock.run[0], "cpu": clock.run[1], **sampler.summary()}


def scan_benchmark(corpus: Path, config: Any, jobs: int, repeat: int) -> dict[str, Any]:
    """run.scan() in a new interpreter per repeat, so model loading counts and memory is the scan's own."""
    import subprocess

    runs, memory, n = [], {}, 0
    for _ in range(repeat):
        command = [sys.executable, __file__, "--scan-once", str(corpus), "--jobs", str(jobs)]
        if not config.spin_enabled:
            command.append("--no-spin")
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        once = json.loads(done.stdout)
        runs.append((once.pop("wall"), once.pop("cpu")))
        n = once.pop("documents")
        memory = once
    out = median_rate(n, runs)
    out.update(memory)
    out["docs_per_s_per_worker"] = round(out["docs_per_s"] / jobs, 1)
    return out


def datatrove_benchmark(corpus: Path, config: Any, repeat: int) -> dict[str, Any]:
    try:
        from datatrove.data import Document
        from datatrove.pipeline.filters import (C4QualityFilter, FineWebQualityFilter, GopherQualityFilter,
                                                GopherRepetitionFilter)
    except ImportError as exc:
        return {"skipped": f"datatrove not installed ({exc}); pip install -e '.[bench]'"}
    from qualitycheck.reading import iter_raw_documents

    texts = [(r.id, r.text) for r in iter_raw_documents([str(corpus)], config)]
    n = len(texts)
    filters = [GopherQualityFilter(), GopherRepetitionFilter(), C4QualityFilter(), FineWebQualityFilter()]
    try:
        filters[0].filter(Document(text=texts[0][1], id=texts[0][0]))  # loads spaCy's tokenizer once
    except ImportError as exc:
        return {"skipped": f"{exc}"}
    out: dict[str, Any] = {}
    kept = {}
    for step in filters:
        name = type(step).__name__

        def run(step=step) -> int:
            # C4QualityFilter edits doc.text in place (drops lines); give every filter fresh documents.
            return sum(1 for i, t in texts if step.filter(Document(text=t, id=i)) is True)

        runs = []
        for _ in range(repeat):
            with Clock() as clock:
                kept[name] = run()
            runs.append(clock.run)
        out[name] = median_rate(n, runs)
        out[name]["kept"] = kept[name]
    total = sum(out[type(s).__name__]["seconds"] for s in filters)
    cpu = sum(out[type(s).__name__]["cpu_seconds"] for s in filters)
    out["all_four"] = {"docs": n, "seconds": round(total, 3), "cpu_seconds": round(cpu, 3),
                       "docs_per_s": round(n / total, 1), "docs_per_cpu_s": round(n / cpu, 1)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=200, help="generated corpus size (a few minutes; 20000 for the full run)")
    parser.add_argument("--corpus", type=Path, help="use this JSONL instead of generating one")
    parser.add_argument("--repeat", type=int, default=3, help="timings per step; the median is reported")
    parser.add_argument("--jobs", type=int, nargs="*", default=[1, 2], help="worker counts for the scan rows")
    parser.add_argument("--no-spin", action="store_true", help="spin detector off")
    parser.add_argument("--no-stages", action="store_true", help="skip the per-stage rows")
    parser.add_argument("--no-datatrove", action="store_true", help="skip the datatrove comparison")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--save", type=Path, help="also write the results as JSON to this file")
    parser.add_argument("--scan-once", type=Path, help=argparse.SUPPRESS)  # internal: one timed scan
    args = parser.parse_args()
    if args.scan_once:
        print(json.dumps(scan_once(args.scan_once, not args.no_spin, args.jobs[0])))
        return

    from corpus import write_corpus

    from qualitycheck.config import Config

    config = Config(spin_enabled=not args.no_spin)
    workdir = Path(tempfile.mkdtemp(prefix="qc-bench-"))
    corpus = args.corpus or write_corpus(workdir / "corpus.jsonl", args.docs)
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpus": os.cpu_count(),
        "python": sys.version.split()[0], "corpus": str(corpus), "docs": args.docs if not args.corpus else None,
        "words_per_doc": None, "spin": config.spin_enabled, "repeat": args.repeat,
    }
    from qualitycheck.reading import iter_raw_documents

    # the project's reader: .jsonl or .jsonl.gz, as the stages below read it
    lengths = [len(raw.text.split()) for raw in iter_raw_documents([str(corpus)], config)]
    report["docs"] = len(lengths)
    report["words_per_doc"] = round(sum(lengths) / len(lengths))
    if not args.no_stages:
        report["stages"] = stage_benchmarks(corpus, config, args.repeat)
    report["scan"] = {}
    for jobs in args.jobs:
        report["scan"][f"jobs={jobs}"] = scan_benchmark(corpus, config, jobs, args.repeat)
        progress(f"scan jobs={jobs}: {report['scan'][f'jobs={jobs}']}")
    if not args.no_datatrove:
        report["datatrove"] = datatrove_benchmark(corpus, config, args.repeat)
        ours = report["scan"].get("jobs=1", {}).get("docs_per_cpu_s")
        theirs = report["datatrove"].get("all_four", {}).get("docs_per_cpu_s")
        if ours and theirs:
            report["ratio_datatrove_over_qualitycheck"] = round(theirs / ours, 2)
    if args.save:
        args.save.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)


def print_table(report: dict[str, Any]) -> None:
    print(f"# qualitycheck scan benchmark, {report['date']}, {report['cpus']} cpus, python {report['python']}")
    print(f"# corpus {report['corpus']}: {report['docs']} docs, ~{report['words_per_doc']} words each; "
          f"spin {'on' if report['spin'] else 'off'}; median of {report['repeat']}")
    print(f"# docs/cpu-s = documents per CPU second (robust on a shared machine); docs/s = wall clock")
    print(f"{'step':<32}{'docs/cpu-s':>11}{'docs/s':>9}{'wall s':>9}   notes")

    def line(name: str, row: dict[str, Any], notes: str = "") -> None:
        print(f"{name:<32}{row['docs_per_cpu_s']:>11}{row['docs_per_s']:>9}{row['seconds']:>9}   {notes}")

    for name, row in (report.get("stages") or {}).items():
        if "skipped" in row:
            print(f"{name:<32}{'-':>11}{'-':>9}{'-':>9}   {row['skipped']}")
        else:
            line(name, row)
    for name, row in report["scan"].items():
        memory = (f"worker peak RSS {row['worker_peak_rss_mib']} MiB (PSS {row['worker_peak_pss_mib']}), "
                  f"main {row['main_rss_mib']} MiB" if "worker_peak_rss_mib" in row
                  else f"peak RSS {row['main_rss_mib']} MiB (PSS {row['main_pss_mib']})")
        line("scan " + name, row, f"wall docs/s per worker {row['docs_per_s_per_worker']}; {memory}")
    for name, row in (report.get("datatrove") or {}).items():
        if name == "skipped":
            print(f"{'datatrove':<32}{'-':>11}{'-':>9}{'-':>9}   {row}")
            continue
        line("datatrove " + name, row, f"kept {row['kept']}" if "kept" in row else "the four in sequence")
    if "ratio_datatrove_over_qualitycheck" in report:
        print(f"datatrove's four filters process {report['ratio_datatrove_over_qualitycheck']}x as many documents "
              f"per CPU second as a one-worker qualitycheck scan")


if __name__ == "__main__":
    main()
