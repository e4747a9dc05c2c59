"""What a run's results depend on besides its Config: the package version and the model files in use.

A Config names a model by path (or not at all: the shipped default, or $QUALITYCHECK_MODEL), so two runs
with equal settings can still read different models: a retrained file at the same path, another
environment variable. run.json records each file by content hash, and `scan --resume` compares them,
so that a resumed run never mixes records scored by two models.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import __version__
from .config import Config

_HASHES: dict[tuple[str, int, int, int, int], str] = {}


def file_digest(path: str | os.PathLike) -> str:
    """sha256 of a file's bytes, computed once per process for a given path, inode, size and change times
    (two models of 19 MB take ~0.1 s to hash; tests and notebooks start many scans in one process)."""
    p = Path(path)
    st = p.stat()
    key = (str(p.resolve()), st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    if key not in _HASHES:
        h = hashlib.sha256()
        with open(p, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        _HASHES[key] = h.hexdigest()
    return _HASHES[key]


def _describe(path: str | os.PathLike | None, resolve: Callable[[Any], Any]) -> dict[str, Any]:
    """The entry for one model file; `resolve` turns the configured path (maybe None) into the file read."""
    try:
        p = Path(resolve(path))
        entry: dict[str, Any] = {"path": str(p), "bytes": p.stat().st_size, "sha256": file_digest(p)}
        sidecar = Path(str(p) + ".json")
        if sidecar.is_file():
            entry["sidecar_sha256"] = file_digest(sidecar)
        return entry
    except Exception as exc:   # a missing model is reported by the signals that need it, not here
        return {"path": None if path is None else str(path), "error": f"{exc.__class__.__name__}: {exc}"}


def model_files(config: Config) -> dict[str, dict[str, Any]]:
    """{role: {"path", "bytes", "sha256"[, "sidecar_sha256"]}} for every model file `config` makes the
    checker read; a file that cannot be found or read gets {"path", "error"} instead."""
    from .lm.model import resolve_model_path

    files = {}
    if config.perplexity_enabled:
        files["perplexity model"] = _describe(config.model_path, resolve_model_path)
    if config.spin_enabled:
        from .spin.detector import detector_files, spin_lm_path

        lm_path, weights = detector_files(spin_lm_path(config.spin_model_path, config.model_path,
                                                       config.spin_weights_path), config.spin_weights_path)
        files["spin model"] = _describe(lm_path, resolve_model_path)
        files["spin weights"] = _describe(weights, Path)
    return files


def run_provenance(config: Config) -> dict[str, Any]:
    """What run.json records next to the Config: the package version and the model files."""
    return {"qualitycheck_version": __version__, "models": model_files(config)}


def changed_provenance(saved: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """"what: old -> new" for each difference between two run_provenance() results. A file is the same
    when its content is (a copy at another path is the same model); keys the saved run lacks (runs of
    older versions) are not compared."""
    changes = []
    if "qualitycheck_version" in saved and saved["qualitycheck_version"] != now.get("qualitycheck_version"):
        changes.append(f"qualitycheck version: {saved['qualitycheck_version']} -> {now.get('qualitycheck_version')}")
    old_models, new_models = saved.get("models") or {}, now.get("models") or {}
    if not isinstance(old_models, dict):
        return changes
    for role in sorted(set(old_models) & set(new_models)):
        old, new = old_models[role] or {}, new_models[role] or {}
        if (old.get("sha256"), old.get("sidecar_sha256")) != (new.get("sha256"), new.get("sidecar_sha256")):
            changes.append(f"{role}: {_short(old)} -> {_short(new)}")
    return changes


def _short(entry: dict[str, Any]) -> str:
    if entry.get("sha256"):
        sidecar = f", sidecar {entry['sidecar_sha256'][:12]}" if entry.get("sidecar_sha256") else ""
        return f"{entry.get('path')} (sha256 {entry['sha256'][:12]}{sidecar})"
    return f"{entry.get('path')} ({entry.get('error', 'not recorded')})"
