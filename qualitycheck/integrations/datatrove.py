"""A datatrove pipeline step: keep or drop documents by qualitycheck's verdict.

What it is for: adding qualitycheck to a FineWeb-style datatrove pipeline in one line,
`QualityCheckFilter(min_score=0.7)`, after the reader and before the writer. Kept documents get
the quality fields in `doc.metadata["qualitycheck"]` (and, with `clean_text=True`, their text
replaced by the cleaned text); dropped ones leave with a reason code that datatrove counts as
`dropped_<reason>` in its stats and writes as `filter_reason` through an exclusion writer.
"""
from __future__ import annotations

from typing import Any

from datatrove.data import Document as DatatroveDocument
from datatrove.pipeline.filters.base_filter import BaseFilter
from datatrove.pipeline.writers.disk_base import DiskWriter

from ..checker import Checker
from ..config import Config
from ..reading import record_to_raw
from ..streaming import DEFAULT_KEEP_VERDICTS, quality_fields, reject_reason

METADATA_KEY = "qualitycheck"
# Reason codes are streaming's (no_text, language_<code>, spun, verdict_drop, verdict_review, low_score), prefixed
# so they are told apart from other filters' in datatrove's merged stats.
REASON_PREFIX = "qc_"


class QualityCheckFilter(BaseFilter):
    """Keeps documents whose qualitycheck verdict is in `keep_verdicts` (and score >= `min_score`), and,
    with `keep_languages`, whose main language is one of those.

    The Checker is built on first use inside the worker, so the step pickles small and each
    datatrove task loads the models once.
    """

    name = "🧪 qualitycheck"

    def __init__(self, min_score: float | None = None, keep_verdicts: tuple[str, ...] = DEFAULT_KEEP_VERDICTS,
                 config: Config | None = None, clean_text: bool = False, keep_paragraphs: bool = False,
                 exclusion_writer: DiskWriter | None = None, keep_languages: tuple[str, ...] | None = None) -> None:
        super().__init__(exclusion_writer)
        self.min_score = min_score
        self.keep_verdicts = tuple(keep_verdicts)
        self.keep_languages = tuple(keep_languages) if keep_languages is not None else None
        self.config = config or Config()
        self.clean_text = clean_text
        self.keep_paragraphs = keep_paragraphs
        self._checker: Checker | None = None

    @property
    def checker(self) -> Checker:
        if self._checker is None:
            self._checker = Checker(self.config)
        return self._checker

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_checker"] = None  # models are per process; never ship them to workers
        return state

    def check(self, doc: DatatroveDocument) -> Any:
        # read as scan and filter read a record: size cap with a note, lone surrogates replaced
        return self.checker.check_raw(record_to_raw({"text": doc.text}, str(doc.id), self.config))

    def filter(self, doc: DatatroveDocument) -> bool | tuple[bool, str]:
        report = self.check(doc)
        quality = quality_fields(report)
        if not self.keep_paragraphs:
            quality.pop("flagged_paragraphs", None)
        if self.clean_text:
            # the text itself becomes the cleaned text; no need to carry it twice
            quality.pop("clean_text", None)
        doc.metadata[METADATA_KEY] = quality
        self.stat_update(f"qc_verdict_{report.verdict}")  # every verdict, kept or not
        reason = reject_reason(report, self.min_score, self.keep_verdicts, self.keep_languages)
        if reason is not None:
            return False, REASON_PREFIX + reason
        if self.clean_text:
            doc.text = report.clean_text
        return True
