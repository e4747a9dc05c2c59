"""Dask: score a Dask DataFrame partition by partition, one Checker per worker process.

Why Dask (and not PySpark): it is pure Python and pandas-native, so the pandas function
`frames.score_frame` runs unchanged on every partition; a LocalCluster needs no JVM, which
keeps the CI test small; and the same code scales out by pointing a `distributed.Client` at a
scheduler whose workers have qualitycheck installed (dask-jobqueue, dask-kubernetes, Coiled...).
"""
from __future__ import annotations

from typing import Any

from ..checker import Checker
from ..config import Config
from ..frames import QUALITY_COLUMNS, empty_quality_frame, score_frame

# One Checker per worker process, keyed by config: models load once per process, not per
# partition. Tasks ship only the (small, picklable) Config.
_CHECKERS: dict[str, Checker] = {}


def _checker_for(config: Config) -> Checker:
    key = repr(sorted(config.to_dict().items()))
    checker = _CHECKERS.get(key)
    if checker is None:
        checker = _CHECKERS[key] = Checker(config)
    return checker


def _dask_dtypes(prefix: str) -> dict[str, str]:
    # Text columns as pandas' "string" dtype, not object: Dask's meta for object columns holds
    # placeholder objects that Arrow (to_parquet) cannot type.
    return {prefix + name: ("string" if dtype == "object" else dtype) for name, dtype in QUALITY_COLUMNS.items()}


def _score_partition(partition: Any, text_col: str, id_col: str | None, config: Config, prefix: str) -> Any:
    scored = score_frame(_checker_for(config), partition, text_col=text_col, id_col=id_col, prefix=prefix)
    return scored.astype(_dask_dtypes(prefix))


def score_dask_frame(ddf: Any, text_col: str = "text", config: Config | None = None,
                     id_col: str | None = None, prefix: str = "") -> Any:
    """A lazy Dask DataFrame: `ddf` plus the quality columns (see frames.QUALITY_COLUMNS).

    Nothing runs until `.compute()`/`.to_parquet()`; each partition is scored by the
    worker that holds it. Partitions keep their index, so rows stay aligned.
    """
    config = config or Config()
    meta = ddf._meta.copy()
    quality_meta = empty_quality_frame(meta.index, prefix)
    for name in quality_meta.columns:
        meta[name] = quality_meta[name]
    meta = meta.astype(_dask_dtypes(prefix))
    return ddf.map_partitions(_score_partition, text_col, id_col, config, prefix, meta=meta)
