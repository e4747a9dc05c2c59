"""Tabular results: one row of quality columns per document, for pandas (and Dask) users.

`score_frame` is what `Checker.score_frame` calls; the Dask and Hugging Face adapters build
their columns from the same `report_row`, so every integration agrees on names and types.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .document import LABELS, DocumentReport
from .reading import record_to_raw

if TYPE_CHECKING:  # pandas is a core dependency, but only frame users pay for importing it
    import pandas as pd

    from .checker import Checker

# Column name -> pandas dtype. Label counts are one integer column per label ("n_spun", ...),
# so a frame can be filtered without parsing nested objects.
QUALITY_COLUMNS: dict[str, str] = {
    "score": "float64",
    "verdict": "object",
    **{f"n_{label}": "int64" for label in LABELS},
    "spun": "bool",
    "spun_score": "float64",
    "language": "object",
    "clean_text": "object",
    "error": "object",
}


def report_row(report: DocumentReport | dict[str, Any]) -> dict[str, Any]:
    """The quality columns of one report (a DocumentReport or its `to_dict()`)."""
    record = report.to_dict() if isinstance(report, DocumentReport) else report
    labels = record.get("labels") or {}
    spun = record.get("spun") or {}
    row: dict[str, Any] = {"score": float(record["score"]), "verdict": record["verdict"]}
    for label in LABELS:
        row[f"n_{label}"] = int(labels.get(label, 0))
    spun_score = spun.get("score")
    row["spun"] = bool(spun.get("flag"))
    row["spun_score"] = float("nan") if spun_score is None else float(spun_score)
    row["language"] = record.get("language")
    row["clean_text"] = record.get("clean_text") or ""
    row["error"] = record.get("error")
    return row


def _cell_text(value: Any) -> Any:
    # pandas marks missing text as NaN/None; record_to_raw reports a non-string as an error,
    # but "no text" reads better than "float, not a string" for a missing cell.
    if value is None or isinstance(value, str):
        return value
    import pandas as pd

    if pd.api.types.is_scalar(value) and bool(pd.isna(value)):  # NaN, pd.NA, NaT
        return None
    return value


def score_rows(checker: "Checker", texts: Any, ids: Any = None, text_field: str = "text") -> list[dict[str, Any]]:
    """Quality columns for a sequence of texts (row i answers texts[i]); ids default to positions."""
    rows = []
    ids = list(ids) if ids is not None else None
    for position, text in enumerate(texts):
        doc_id = str(ids[position]) if ids is not None else f"row:{position}"
        record = {"id": doc_id, text_field: _cell_text(text)}   # None for a missing cell (NaN, None, pd.NA)
        raw = record_to_raw(record, doc_id, checker.config, text_field)
        rows.append(report_row(checker.check_raw(raw)))
    return rows


def empty_quality_frame(index: Any = None, prefix: str = "") -> "pd.DataFrame":
    """A zero-row frame with the quality columns' names and dtypes (Dask needs it as `meta`)."""
    import pandas as pd

    return pd.DataFrame({prefix + name: pd.Series(dtype=dtype) for name, dtype in QUALITY_COLUMNS.items()},
                        index=index)


def score_frame(checker: "Checker", frame: "pd.DataFrame", text_col: str = "text", id_col: str | None = None,
                prefix: str = "") -> "pd.DataFrame":
    """Return a copy of `frame` with the quality columns appended, row-aligned with its index.

    A missing or non-string cell gets an error row (verdict drop), never an exception, so one
    bad row cannot fail a whole partition. Existing columns with a quality column's name are
    refused rather than overwritten: pass `prefix="qc_"` to keep both.
    """
    import pandas as pd

    for name in (text_col, id_col):
        if name is not None and name not in frame.columns:
            raise KeyError(f"no column {name!r} in the frame (columns: {list(frame.columns)})")
    for name in (text_col, id_col):
        if name is not None and list(frame.columns).count(name) > 1:
            raise ValueError(f"the frame has {list(frame.columns).count(name)} columns named {name!r}; keep one")
    clashes = [prefix + name for name in QUALITY_COLUMNS if prefix + name in frame.columns]
    if clashes:
        raise ValueError(f"the frame already has column(s) {clashes}; pass prefix='qc_' (or another) to keep both")
    ids = frame[id_col].tolist() if id_col is not None else [str(i) for i in frame.index]
    rows = score_rows(checker, frame[text_col].tolist(), ids)
    if rows:
        # each column built with its dtype: inferred, pandas 3 makes text with a None a str column, whose None
        # became NaN, so `error` and `language` held NaN in a frame with some error and None in one without
        quality = pd.DataFrame({name: pd.Series([row[name] for row in rows], dtype=dtype, index=frame.index)
                                for name, dtype in QUALITY_COLUMNS.items()}, index=frame.index)
    else:
        quality = empty_quality_frame(frame.index)
    quality.columns = [prefix + name for name in QUALITY_COLUMNS]
    return pd.concat([frame, quality], axis=1)
