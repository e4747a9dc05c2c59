"""Pipeline adapters: Dask on a LocalCluster, a datatrove pipeline step, HF datasets .map.

Outside CI a missing optional package skips its test; in CI (CI=true) it fails, because the
`test` extra installs them and a silent skip would hide a broken adapter.
"""
from __future__ import annotations

import importlib
import json
import os
from pathlib import Path

import pandas as pd
import pytest

from qualitycheck import Checker, Config
from qualitycheck.frames import QUALITY_COLUMNS

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
FAST = Config(spin_enabled=False)

# Own fixture prose (never the shared seeds or dev set).
STORY = [
    "The regional rail operator said on Thursday that it would add three evening trains to the coastal line "
    "from next month, after commuters complained for most of the year about crowded carriages after six.",
    "A spokeswoman for the operator said the extra services would use carriages freed up by the end of the "
    "works on the northern line, so no new rolling stock would have to be leased for the change.",
    "Passenger groups welcomed the announcement but said they would keep asking for a later last train on "
    "Fridays and Saturdays, when many people travel back from the city after concerts and matches.",
]
CLEAN = "\n\n".join(STORY)
NOISY = CLEAN + "\n\nAdvertisement\n\nSubscribe to our newsletter for the latest news\n\n" + STORY[0]
TEXTS = [CLEAN, NOISY, "Short note.", "", NOISY, CLEAN]


def need(module: str):
    """Import an optional dependency: skip outside CI when absent, fail in CI."""
    if IN_CI:
        return importlib.import_module(module)
    return pytest.importorskip(module, reason=f"{module} not installed (pip install qualitycheck[test])")


@pytest.fixture(scope="module")
def expected() -> pd.DataFrame:
    frame = pd.DataFrame({"text": TEXTS, "doc": [f"d{i}" for i in range(len(TEXTS))]})
    return Checker(FAST).score_frame(frame, id_col="doc")


# --- Dask ---------------------------------------------------------------------------------

def test_dask_local_cluster_matches_pandas(expected, tmp_path):
    dd = need("dask.dataframe")
    distributed = need("distributed")
    from qualitycheck.integrations.dask import score_dask_frame

    frame = pd.DataFrame({"text": TEXTS * 4, "doc": [f"d{i}" for i in range(len(TEXTS))] * 4})
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        ddf = dd.from_pandas(frame, npartitions=4)
        lazy = score_dask_frame(ddf, config=FAST, id_col="doc")
        assert set(QUALITY_COLUMNS) <= set(lazy.columns)  # meta known before computing
        result = lazy.compute()
        workers = client.run(lambda: __import__("os").getpid())
        lazy[lazy["verdict"] == "keep"].to_parquet(str(tmp_path / "kept"))  # Arrow can type every column
    assert len(pd.read_parquet(tmp_path / "kept")) == 4 * 4  # four kept texts in each of the four copies
    assert len(workers) == 2
    assert list(result.index) == list(frame.index)
    assert result["text"].tolist() == frame["text"].tolist()
    for column in ("score", "verdict", "n_boilerplate", "n_ad_marker", "n_duplicate", "clean_text", "spun"):
        assert result[column].tolist() == expected[column].tolist() * 4, column
    assert result["verdict"].tolist()[:4] == ["keep", "keep", "review", "drop"]


# --- datatrove ----------------------------------------------------------------------------

def test_datatrove_filter_in_a_local_pipeline(tmp_path):
    need("datatrove")
    from datatrove.data import Document
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.writers import JsonlWriter

    from qualitycheck.integrations.datatrove import METADATA_KEY, QualityCheckFilter

    docs = [Document(text=text, id=f"d{i}", metadata={"source": "unit"}) for i, text in enumerate(TEXTS)]
    executor = LocalPipelineExecutor(
        pipeline=[
            docs,
            QualityCheckFilter(config=FAST, exclusion_writer=JsonlWriter(str(tmp_path / "dropped"), compression=None)),
            JsonlWriter(str(tmp_path / "kept"), compression=None),
        ],
        logging_dir=str(tmp_path / "logs"), tasks=1, workers=1)
    executor.run()
    kept = [json.loads(line) for path in sorted((tmp_path / "kept").glob("*.jsonl")) for line in path.open()]
    dropped = [json.loads(line) for path in sorted((tmp_path / "dropped").glob("*.jsonl")) for line in path.open()]
    assert [d["id"] for d in kept] == ["d0", "d1", "d4", "d5"]
    noisy = kept[1]["metadata"]
    assert noisy["source"] == "unit"  # existing metadata is kept
    assert noisy[METADATA_KEY]["labels"] == {"ad_marker": 1, "boilerplate": 1, "duplicate": 1}
    assert noisy[METADATA_KEY]["verdict"] == "keep"
    assert kept[1]["text"] == NOISY  # text untouched unless clean_text=True
    reasons = {d["id"]: d["metadata"]["filter_reason"] for d in dropped}
    assert reasons == {"d2": "qc_verdict_review", "d3": "qc_no_text"}
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text())
    counters = stats[0]["stats"]
    assert counters["dropped_qc_verdict_review"] == 1 and counters["dropped_qc_no_text"] == 1
    assert counters["qc_verdict_keep"] == 4


def test_datatrove_filter_options():
    need("datatrove")
    import pickle

    from datatrove.data import Document

    from qualitycheck.integrations.datatrove import QualityCheckFilter

    step = QualityCheckFilter(config=FAST, clean_text=True, keep_verdicts=("keep", "review"))
    doc = Document(text=NOISY, id="n")
    assert step.filter(doc) is True
    assert "Advertisement" not in doc.text and doc.text.startswith(STORY[0][:40])
    assert "clean_text" not in doc.metadata["qualitycheck"]
    assert step.filter(Document(text="Short note.", id="s")) is True  # review passes here
    strict = QualityCheckFilter(config=FAST, min_score=0.99)
    assert strict.filter(Document(text=NOISY, id="n2")) == (False, "qc_low_score")
    german_only = QualityCheckFilter(config=FAST, keep_languages=("de",))
    assert german_only.filter(Document(text=NOISY, id="n3")) == (False, "qc_language_en")
    # the step ships to datatrove workers without its loaded models
    assert pickle.loads(pickle.dumps(step))._checker is None


# --- Hugging Face datasets ----------------------------------------------------------------

def test_datasets_map_batched(expected):
    datasets = need("datasets")
    from qualitycheck.integrations.hf import quality_map_fn

    ds = datasets.Dataset.from_dict({"text": TEXTS, "doc": [f"d{i}" for i in range(len(TEXTS))]})
    out = ds.map(quality_map_fn(FAST, id_col="doc"), batched=True, batch_size=4)
    assert out.column_names == ["text", "doc", *QUALITY_COLUMNS]
    assert out["doc"] == ds["doc"]
    for column in ("score", "verdict", "n_boilerplate", "n_duplicate", "clean_text", "spun", "language"):
        got = list(out[column])
        want = [None if isinstance(v, float) and v != v else v for v in expected[column].tolist()]
        assert got == want, column
    kept = out.filter(lambda row: row["verdict"] == "keep")
    assert kept["doc"] == ["d0", "d1", "d4", "d5"]


def test_datasets_map_with_prefix_and_pickling():
    need("datasets")
    import pickle

    from qualitycheck.integrations.hf import quality_map_fn

    fn = quality_map_fn(FAST, text_col="body", prefix="qc_")
    columns = fn({"body": [CLEAN, None]})
    assert set(columns) == {f"qc_{c}" for c in QUALITY_COLUMNS}
    assert columns["qc_verdict"] == ["keep", "drop"]
    assert pickle.loads(pickle.dumps(fn))._checker is None  # num_proc workers build their own


def test_datasets_batches_without_errors_then_with_one():
    # A first batch with no error fixed the `error` column's type as null; a later error failed the map.
    datasets = need("datasets")
    from qualitycheck.integrations.hf import add_quality_columns

    ds = datasets.Dataset.from_dict({"text": [CLEAN, CLEAN, None, CLEAN]})
    for kwargs in ({}, {"num_proc": 2}):
        out = add_quality_columns(ds, FAST, batch_size=2, **kwargs)
        assert out.column_names == ["text", *QUALITY_COLUMNS]
        assert list(out["verdict"]) == ["keep", "keep", "drop", "keep"]
        assert out["error"][0] is None and "null" in out["error"][2]
        assert out.features["error"].dtype == "string" and out.features["language"].dtype == "string"


def test_datasets_columns_that_exist_are_refused_not_replaced():
    datasets = need("datasets")
    from qualitycheck.integrations.hf import add_quality_columns, quality_map_fn

    ds = datasets.Dataset.from_dict({"text": [CLEAN], "score": [0.123]})
    with pytest.raises(ValueError, match="prefix"):
        add_quality_columns(ds, FAST)
    with pytest.raises(ValueError, match="prefix"):
        quality_map_fn(FAST)({"text": [CLEAN], "score": [0.123]})
    out = add_quality_columns(ds, FAST, prefix="qc_")
    assert out["score"] == [0.123] and out["qc_verdict"] == ["keep"]


def test_datatrove_filter_notes_truncation_and_reads_text_as_scan_does():
    need("datatrove")
    from datatrove.data import Document

    from qualitycheck.integrations.datatrove import QualityCheckFilter

    step = QualityCheckFilter(config=Config(spin_enabled=False, max_chars=len(STORY[0]) + 10), clean_text=True,
                              keep_verdicts=("keep", "review", "drop"))
    doc = Document(text=CLEAN * 3, id="long")
    step.filter(doc)
    assert any(note.startswith("truncated:") for note in doc.metadata["qualitycheck"]["notes"])
    blank = Document(text="  \n\t ", id="blank")
    assert step.filter(blank) == (False, "qc_no_text")
    assert blank.metadata["qualitycheck"]["error"] == "empty document (whitespace only)"
    odd = Document(text=STORY[0] + " \ud800", id="surrogate")
    step.filter(odd)
    assert not any(n.startswith("signal failed") for n in odd.metadata["qualitycheck"]["notes"])


def test_datasets_removed_columns_stay_removed():
    datasets = need("datasets")
    from qualitycheck.integrations.hf import add_quality_columns

    ds = datasets.Dataset.from_dict({"text": [CLEAN], "n": [1]})
    out = add_quality_columns(ds, FAST, remove_columns=["text", "n"])
    assert out.column_names == list(QUALITY_COLUMNS)


def test_datasets_an_empty_dataset_gets_the_columns_and_a_missing_column_is_named():
    """datasets' map returns an empty dataset unchanged, so add_quality_columns gave an empty shard (or a
    filter that kept nothing) no quality columns: concatenating it with scored shards failed (fuzz25). A text
    or id column the data lacks was a bare KeyError: 'text'."""
    datasets = need("datasets")
    from qualitycheck.integrations.hf import add_quality_columns, quality_map_fn

    scored = add_quality_columns(datasets.Dataset.from_dict({"text": [CLEAN], "n": [1]}), FAST)
    empty = datasets.Dataset.from_dict({"text": [CLEAN], "n": [1]}).filter(lambda row: False)
    out = add_quality_columns(empty, FAST)
    assert len(out) == 0 and out.features == scored.features
    assert len(datasets.concatenate_datasets([scored, out])) == 1
    assert add_quality_columns(empty, FAST, remove_columns="n").column_names == ["text", *QUALITY_COLUMNS]
    with pytest.raises(KeyError, match="no column 'body' in the dataset"):
        add_quality_columns(empty, FAST, text_col="body")
    with pytest.raises(KeyError, match="no column 'doc' in the dataset"):
        quality_map_fn(FAST, id_col="doc")({"text": [CLEAN]})
