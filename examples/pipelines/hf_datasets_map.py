"""Add quality columns to a Hugging Face dataset with .map(batched=True), then filter on them.

    pip install 'qualitycheck[hf]'
    python examples/pipelines/hf_datasets_map.py data.jsonl
"""
import sys

from datasets import load_dataset

from qualitycheck import Config
from qualitycheck.integrations.hf import add_quality_columns


def main(path: str) -> None:
    ds = load_dataset("json", data_files=path, split="train")
    # A batched map with the column types declared; num_proc: each process builds its own Checker once
    # (the map function pickles without models).
    ds = add_quality_columns(ds, Config(), text_col="text", batch_size=64, num_proc=2)
    kept = ds.filter(lambda row: row["verdict"] == "keep" and row["score"] >= 0.7)
    print(f"kept {len(kept)} of {len(ds)}")
    kept.select_columns(["clean_text"]).to_json("clean.jsonl")


if __name__ == "__main__":
    main(sys.argv[1])
