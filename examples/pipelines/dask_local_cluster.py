"""Score a large JSONL corpus with Dask: locally on all cores, or on a cluster by changing one line.

    pip install 'qualitycheck[dask]'
    python examples/pipelines/dask_local_cluster.py 'crawl/*.jsonl.gz' scored/

Scale-out: replace LocalCluster with the address of a running scheduler, e.g.
`Client("tcp://scheduler:8786")` (workers need qualitycheck installed, and the model file if you
pass Config(model_path=...)). Each worker process builds one Checker and reuses it for every
partition it scores; partitions are independent, so throughput grows with workers.
"""
import sys

import dask
import dask.dataframe as dd
from distributed import Client, LocalCluster

from qualitycheck import Config
from qualitycheck.integrations.dask import score_dask_frame


def main(pattern: str, out_dir: str) -> None:
    # threads_per_worker=1: the checker is pure Python, so processes (not threads) give parallelism.
    with LocalCluster(processes=True, threads_per_worker=1) as cluster, Client(cluster) as client:
        print("dashboard:", client.dashboard_link)
        # blocksize=None with compression: one partition per file; use uncompressed JSONL and a
        # blocksize (e.g. "64MB") to split big files.
        ddf = dd.read_json(pattern, lines=True, blocksize=None, compression="infer")
        scored = score_dask_frame(ddf, text_col="text", config=Config())
        kept = scored[scored["verdict"] == "keep"]
        # One compute for both results: calling kept.to_parquet(out_dir) and then
        # value_counts().compute() would score every partition twice.
        _, verdicts = dask.compute(kept.to_parquet(out_dir, compute=False), scored["verdict"].value_counts())
        print(verdicts)


if __name__ == "__main__":
    main(*sys.argv[1:3])
