"""The library API pipeline users and the CLI share: run every stage on one document."""
from __future__ import annotations

import logging
import os
import traceback
from collections.abc import Iterable, Iterator
from typing import Any

from .config import Config
from .document import Document, DocumentReport, RawDocument
from .reading import iter_raw_documents, record_to_raw
from .scoring import build_report
from .segment import segment
from .signals.boilerplate import BoilerplateSignal
from .signals.duplicates import ContainedPassageSignal, DuplicateSignal
from .signals.encoding import MojibakeSignal
from .signals.language import LanguageSignal

log = logging.getLogger(__name__)

# A short English and French text that makes every signal load its models (Checker.load_models, and a scan's
# parent process before it forks its workers).
MODEL_PROBE_TEXT = ("The council said on Tuesday that the new bridge would open to traffic in the spring, after "
                    "two years of work and a long debate about its cost.\n\n"
                    "Le conseil municipal a voté le budget de la ville mardi soir après un long débat.")


class ModelLoadError(ValueError):
    """A model or weights file the configuration (or $QUALITYCHECK_MODEL) names is missing or cannot be loaded."""


def _optional_signals(config: Config) -> list[Any]:
    """Signals that need the language model; absent pieces are reported, not fatal."""
    signals: list[Any] = []
    if config.perplexity_enabled:
        try:
            from .lm import model as _lm_model  # noqa: F401
            from .signals.perplexity import PerplexitySignal
            signals.append(PerplexitySignal())
        except ImportError as exc:  # pragma: no cover - only while the LM package is missing
            log.warning("language model unavailable: %s", exc)
    if config.spin_enabled:
        try:
            from .signals.spin import SpinSignal
            signals.append(SpinSignal())
        except ImportError as exc:  # pragma: no cover
            log.warning("spin detector unavailable: %s", exc)
    return signals


class Checker:
    """Runs the signals in a fixed order and scores the result. Models load once, lazily.

    Order matters: chrome and duplicates first (cheap, and later signals skip what they
    flagged), then language (sets the main language the LM signals need), then the LM.
    """

    def __init__(self, config: Config | None = None, **overrides: Any) -> None:
        self.config = (config or Config()).updated(**overrides) if overrides else (config or Config())
        for name in ("model_path", "spin_model_path", "spin_weights_path"):
            given = getattr(self.config, name)
            if given is not None and not os.path.isfile(given):
                # otherwise the signals needing it fail on every document, with only a note to show for it
                raise ModelLoadError(f"{name}: no such file: {given}")
        # passages repeated inside another paragraph (pull quotes) after language: one inside a paragraph
        # that is off_language is no repeat, since the cleaned text drops that paragraph
        self.signals: list[Any] = [MojibakeSignal(), BoilerplateSignal(), DuplicateSignal(), LanguageSignal(),
                                   ContainedPassageSignal()]
        self.signals += _optional_signals(self.config)

    def load_models(self) -> "Checker":
        """Load every model the signals use now (they load lazily, once per process), so that a model that
        cannot load is one error before any document, not a note on each. Raises ModelLoadError."""
        probe = record_to_raw({"text": MODEL_PROBE_TEXT}, "<model probe>", self.config)
        failed = [note for note in self.annotate(probe).notes if note.startswith("signal failed:")]
        if failed:
            raise ModelLoadError("; ".join(failed))
        return self

    def annotate(self, raw: RawDocument) -> Document:
        """Segment and run every signal. A signal that fails leaves a note and the others'
        results stand: one bad document (or one missing model) never loses the rest."""
        doc = segment(raw, max_paragraphs=self.config.max_paragraphs)
        if doc.error is not None:
            return doc
        for signal in self.signals:
            try:
                signal.apply(doc, self.config)
            except Exception as exc:
                log.debug("signal %s failed on %s\n%s", signal.name, doc.id, traceback.format_exc())
                doc.notes.append(f"signal failed: {signal.name}: {exc.__class__.__name__}: {exc}")
        return doc

    def check_raw(self, raw: RawDocument) -> DocumentReport:
        return build_report(self.annotate(raw), self.config)

    def check(self, text: str, id: str = "<text>", path: str | None = None,
              metadata: dict[str, Any] | None = None) -> DocumentReport:
        """Check one document given as a string. Read as `scan` and `filter` read a JSON record's text:
        lone surrogates replaced (with a note), the size cap applied."""
        if not isinstance(text, str):
            hint = " (decode bytes first, e.g. qualitycheck.reading.decode_bytes)" if isinstance(text, (bytes, bytearray)) else ""
            raise TypeError(f"text must be a str, not {type(text).__name__}{hint}")
        raw = record_to_raw({"text": text}, id, self.config)
        raw.path, raw.metadata = path, dict(metadata or {})
        return self.check_raw(raw)

    def check_records(self, records: Iterable[dict[str, Any]], text_field: str = "text") -> Iterator[DocumentReport]:
        """Check dict records ({"text": ..., "id"|"url": ...}), e.g. parsed JSONL lines."""
        for number, record in enumerate(records):
            yield self.check_raw(record_to_raw(record, f"record:{number}", self.config, text_field))

    def check_paths(self, inputs: Iterable[str], text_field: str = "text") -> Iterator[DocumentReport]:
        """Check every document under the given files and folders, in discovery order."""
        for raw in iter_raw_documents(inputs, self.config, text_field):
            yield self.check_raw(raw)

    def score_frame(self, frame: "Any", text_col: str = "text", id_col: str | None = None, prefix: str = "") -> "Any":
        """Return a copy of a pandas DataFrame with quality columns added (named `prefix` + name)."""
        from .frames import score_frame
        return score_frame(self, frame, text_col=text_col, id_col=id_col, prefix=prefix)


_default_checkers: dict[tuple, Checker] = {}


def check(text: str, **options: Any) -> DocumentReport:
    """Check one text with the default configuration plus `options` (Config field overrides)."""
    key = tuple(sorted((k, repr(v)) for k, v in options.items()))
    checker = _default_checkers.get(key)
    if checker is None:
        checker = _default_checkers[key] = Checker(**options)
    return checker.check(text)
