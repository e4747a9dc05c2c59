#!/usr/bin/env python3
"""Documents per second of `score_dask_frame` on a Dask LocalCluster with 1 and 2 worker processes, against
`Checker.score_frame` in this process on the same documents (the baseline), and whether the columns agree.

    pip install -e '.[dask]'
    python bench/bench_dask.py --corpus /tmp/qcb/c600.jsonl            # a bench/corpus.py file
    python bench/bench_dask.py --corpus c.jsonl --workers 1 2 --partitions 8 --json

For each worker count: a cold pass (each worker loads its models on its first partition) and a warm pass
(the same graph again on the same cluster: models loaded, the spin detector's memos filled by the first
pass). Wall-clock docs/s shows the parallel gain on otherwise idle cores; docs/cpu-s sums the CPU time of
the worker processes (process_time, read on each worker before and after), so it is the per-core rate and
does not move with other load on the machine. The baseline runs first, cold then warm, in this process.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_scan import Clock  # noqa: E402


def read_corpus(path: Path, limit: int | None):
    """The documents of a corpus file (.jsonl or .jsonl.gz, read as `scan` reads it) as an id/text frame."""
    import itertools

    import pandas as pd

    from qualitycheck.reading import iter_raw_documents

    raws = itertools.islice(iter_raw_documents([path]), limit)
    return pd.DataFrame([{"id": raw.id, "text": raw.text} for raw in raws])


def baseline(frame) -> dict:
    """Checker.score_frame in this process: the first pass loads the models (cold), the second is warm."""
    from qualitycheck.checker import Checker

    with Clock() as cold:
        checker = Checker()
        scored = checker.score_frame(frame, text_col="text", id_col="id")
    with Clock() as warm:
        checker.score_frame(frame, text_col="text", id_col="id")
    return {"passes": {"cold": cold.run, "warm": warm.run}, "scored": scored}


def on_cluster(frame, workers: int, partitions: int) -> dict:
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    from qualitycheck.integrations.dask import score_dask_frame

    ddf = dd.from_pandas(frame, npartitions=partitions)
    graph = score_dask_frame(ddf, text_col="text", id_col="id")
    out = {}
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        scored = None
        for name in ("cold", "warm"):
            before = client.run(time.process_time)
            wall = time.perf_counter()
            result = graph.compute()
            elapsed = time.perf_counter() - wall
            after = client.run(time.process_time)
            out[name] = (elapsed, sum(after[w] - before[w] for w in after))
            scored = scored if scored is not None else result
    return {"passes": out, "scored": scored}


def agree(a, b) -> bool:
    """Every quality column equal, row for row (as text: NaN and the float64/object dtypes compare alike)."""
    from qualitycheck.frames import QUALITY_COLUMNS

    a, b = a.sort_index(), b.sort_index()
    return len(a) == len(b) and all(a[c].astype(str).tolist() == b[c].astype(str).tolist() for c in QUALITY_COLUMNS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="JSONL or JSONL.gz with a 'text' field (bench/corpus.py)")
    parser.add_argument("--docs", type=int, default=None, help="first N documents (default: all)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    frame = read_corpus(args.corpus, args.docs)
    n = len(frame)
    rows = []
    base = baseline(frame)
    for name, (wall, cpu) in base["passes"].items():
        rows.append({"run": f"score_frame in process, {name}", "documents": n, "docs_per_s": n / wall,
                     "docs_per_cpu_s": n / cpu, "agrees": True})
    for workers in args.workers:
        run = on_cluster(frame, workers, args.partitions)
        same = agree(base["scored"], run["scored"])
        for name, (wall, cpu) in run["passes"].items():
            rows.append({"run": f"dask, {workers} worker(s), {name}", "documents": n, "docs_per_s": n / wall,
                         "docs_per_cpu_s": n / cpu if cpu > 0 else None, "agrees": same})
    if args.json:
        print(json.dumps(rows))
        return
    print(f"{'run':40s} {'docs/s':>9s} {'docs/cpu-s':>11s}  columns agree")
    for row in rows:
        per_cpu = f"{row['docs_per_cpu_s']:.1f}" if row["docs_per_cpu_s"] else "-"
        print(f"{row['run']:40s} {row['docs_per_s']:9.1f} {per_cpu:>11s}  {row['agrees']}")


if __name__ == "__main__":
    main()
