"""Signals: each looks at a segmented Document and adds Flags to its paragraphs.

One module per concern. A signal never reads files or writes reports; it only annotates.
"""
from __future__ import annotations

from typing import Protocol

from ..config import Config
from ..document import Document


class Signal(Protocol):
    """What every signal provides: a name for reports and an `apply` that annotates in place."""

    name: str

    def apply(self, doc: Document, config: Config) -> None:  # pragma: no cover - protocol
        ...
