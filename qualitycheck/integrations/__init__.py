"""Thin adapters from other data-pipeline tools to the qualitycheck API.

Each module imports its tool only when used, so none of them is a core dependency:
`dask` (pip install qualitycheck[dask]), `datatrove` (qualitycheck[datatrove]) and
`hf` for Hugging Face `datasets` (qualitycheck[hf]).
"""
