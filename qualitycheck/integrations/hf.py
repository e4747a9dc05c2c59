"""Hugging Face `datasets`: a function for `Dataset.map(batched=True)` that adds quality columns.

    from qualitycheck.integrations.hf import add_quality_columns
    ds = add_quality_columns(ds, num_proc=4)
    kept = ds.filter(lambda row: row["verdict"] == "keep")

add_quality_columns is `ds.map(quality_map_fn(...), batched=True, features=...)` with the column types
declared: without them a first batch whose `error` (or `language`) is None everywhere fixes that
column's type as null, and the first later batch holding an error fails the whole map.

The returned function is picklable (a module-level class holding only the Config), so
`num_proc` works; each process builds its Checker once on first call.
"""
from __future__ import annotations

from typing import Any

from ..checker import Checker
from ..config import Config
from ..frames import QUALITY_COLUMNS, score_rows


class QualityMapFn:
    """Callable for `.map(batched=True)`: batch dict of lists in, the quality columns out.

    Column names are `frames.QUALITY_COLUMNS` (score, verdict, n_<label>, spun, spun_score,
    language, clean_text, error), prefixed by `prefix`. `datasets` merges them into the rows.
    """

    def __init__(self, config: Config | None = None, text_col: str = "text", id_col: str | None = None,
                 prefix: str = "") -> None:
        self.config = config or Config()
        self.text_col = text_col
        self.id_col = id_col
        self.prefix = prefix
        self._checker: Checker | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_checker"] = None
        return state

    def columns(self) -> list[str]:
        return [self.prefix + name for name in QUALITY_COLUMNS]

    def features(self, base: Any) -> Any:
        """`base` (a dataset's `datasets.Features`) plus the quality columns' types, for `map(features=)`."""
        import datasets

        types = {"float64": "float64", "int64": "int64", "bool": "bool", "object": "string"}
        features = base.copy()
        for name, dtype in QUALITY_COLUMNS.items():
            features[self.prefix + name] = datasets.Value(types[dtype])
        return features

    def __call__(self, batch: dict[str, list[Any]]) -> dict[str, list[Any]]:
        clashes = [name for name in self.columns() if name in batch and name != self.text_col]
        if clashes:
            # datasets would silently replace the user's column with ours
            raise ValueError(f"the dataset already has column(s) {clashes}; pass prefix='qc_' (or another) to keep both")
        if self._checker is None:
            self._checker = Checker(self.config)
        _require_columns(batch, self.text_col, self.id_col)
        texts = batch[self.text_col]
        ids = batch[self.id_col] if self.id_col else None
        rows = score_rows(self._checker, texts, ids)
        out: dict[str, list[Any]] = {}
        for name in QUALITY_COLUMNS:
            # spun_score stays NaN (not None) when unknown: an all-None batch would get Arrow's
            # null type and clash with float batches when datasets joins them.
            out[self.prefix + name] = [row[name] for row in rows]
        return out


def quality_map_fn(config: Config | None = None, text_col: str = "text", id_col: str | None = None,
                   prefix: str = "") -> QualityMapFn:
    """A function for `Dataset.map(fn, batched=True)` that adds the quality columns."""
    return QualityMapFn(config, text_col=text_col, id_col=id_col, prefix=prefix)


def add_quality_columns(dataset: Any, config: Config | None = None, text_col: str = "text", id_col: str | None = None,
                        prefix: str = "", **map_kwargs: Any) -> Any:
    """`dataset` with the quality columns added: `dataset.map(quality_map_fn(...), batched=True)` with their
    types declared (see the module docstring). Extra keyword arguments go to `map` (num_proc, batch_size, ...)."""
    fn = quality_map_fn(config, text_col=text_col, id_col=id_col, prefix=prefix)
    clashes = [name for name in fn.columns() if name in dataset.column_names]
    if clashes:
        raise ValueError(f"the dataset already has column(s) {clashes}; pass prefix='qc_' (or another) to keep both")
    _require_columns(dataset.column_names, text_col, id_col)
    removed = map_kwargs.get("remove_columns") or []
    removed = {removed} if isinstance(removed, str) else set(removed)
    base = dataset.features.copy()
    for name in removed & set(base):
        del base[name]   # declared columns are kept: a removed one would come back as nulls
    features = fn.features(base)
    if len(dataset) == 0:
        # datasets' map hands back an empty dataset as it is, without the new columns: an empty shard would
        # then lack the others' schema (concatenate_datasets refuses it, out["verdict"] raises KeyError)
        if removed:
            dataset = dataset.remove_columns(sorted(removed))
        for name in fn.columns():
            dataset = dataset.add_column(name, [], feature=features[name])
        return dataset
    return dataset.map(fn, batched=True, features=features, **map_kwargs)


def _require_columns(present: Any, text_col: str, id_col: str | None) -> None:
    """A clear error for a text or id column the data lacks (instead of a bare KeyError: 'text')."""
    for name in (text_col, id_col):
        if name is not None and name not in present:
            raise KeyError(f"no column {name!r} in the dataset (columns: {list(present)})")
