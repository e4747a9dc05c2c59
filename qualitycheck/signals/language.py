"""Where the document language and off-language paragraphs are decided.

langdetect alone is not trusted: it names a language for any string, confidently calling
Garo "Tagalog" and short English headlines "Welsh". So a paragraph is called off-language
only when langdetect disagrees with the main language AND the paragraph carries little
evidence of the main language (its function words and its vocabulary). Capitalised words,
numbers and symbols are neutral: names and figures never make a paragraph foreign.

langdetect costs milliseconds a call, so it only runs on paragraphs the cheap English
evidence cannot settle; ordinary English prose never reaches it.
"""
from __future__ import annotations

import gzip
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..config import Config
from ..document import Document, Paragraph

# Closed-class English words (articles, pronouns, auxiliaries, prepositions, conjunctions).
# Written for this project; the usual core of English stopword lists.
ENGLISH_FUNCTION_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each either every
few for from further had has have having he her here hers herself him himself his how i if
in into is it its itself just may me might more most must my myself no nor not now of off on
once only or other our ours ourselves out over own same shall she should so some such than
that the their theirs them themselves then there these they this those through to too under
until up upon very was we were what when where which while who whom whose why will with
within without would yet you your yours yourself yourselves said says told according
""".split())

# Apostrophes, hyphens and the Garo/Catalan middle dot join parts of one word.
_WORD = re.compile(r"[^\W\d_]+(?:['’·\-][^\W\d_]+)*")

# Evidence thresholds (see module docstring). Kept here, next to the logic they steer.
MIN_LOWER_WORDS = 3          # fewer lowercase words than this: too little evidence to call foreign
ENGLISH_FUNCTION_SHARE = 0.12  # at or above: English prose, no langdetect needed
FOREIGN_FUNCTION_SHARE = 0.08  # below: function-word evidence does not support English
ENGLISH_VOCAB_SHARE = 0.6    # at or above: English words dominate whatever langdetect says
LANGDETECT_MIN_PROB = 0.8
NON_LATIN_SHARE = 0.5        # letters outside the Latin script: another writing system


@dataclass
class LanguageEvidence:
    """What the cheap checks measured on one paragraph."""

    lower_words: int
    function_share: float
    vocab_share: float
    latin_share: float


def _models_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "models"


@lru_cache(maxsize=1)
def english_vocabulary() -> frozenset[str]:
    """Lower-case English words from the shipped LM's unigram counts (function words if absent)."""
    words = set(ENGLISH_FUNCTION_WORDS)
    path = _models_dir() / "en-unigrams.tsv.gz"
    if path.exists():
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                word, _, count = line.rstrip("\n").partition("\t")
                # Rare corpus tokens include foreign names and typos; keep words seen repeatedly.
                if count.isdigit() and int(count) >= 5 and word.isalpha() and word.islower():
                    words.add(word)
    return frozenset(words)


def _is_latin(ch: str) -> bool:
    return ord(ch) < 0x250 or "LATIN" in unicodedata.name(ch, "")


_JOINERS = re.compile(r"['·\-]")


def _is_known(word: str, vocab: frozenset[str]) -> bool:
    """In the vocabulary as a whole, or every part of a hyphenated/elided word is ("co-operation")."""
    return word in vocab or all(part in vocab for part in _JOINERS.split(word) if part)


def measure(text: str) -> LanguageEvidence:
    words = _WORD.findall(text)
    lower = [w.replace("’", "'") for w in words if w[0].islower()]
    letters = [ch for ch in text if ch.isalpha()]
    latin = sum(1 for ch in letters if _is_latin(ch)) / len(letters) if letters else 1.0
    if not lower:
        return LanguageEvidence(0, 0.0, 0.0, latin)
    vocab = english_vocabulary()
    function = sum(1 for w in lower if w in ENGLISH_FUNCTION_WORDS) / len(lower)
    known = sum(1 for w in lower if _is_known(w, vocab)) / len(lower)
    return LanguageEvidence(len(lower), function, known, latin)


class _LangDetect:
    """langdetect behind one small class: profiles load once per process, seeded for determinism."""

    _factory_ready = False

    @classmethod
    def detect(cls, text: str, seed: int) -> list[tuple[str, float]]:
        from langdetect import DetectorFactory, detector_factory
        from langdetect.lang_detect_exception import LangDetectException

        if not cls._factory_ready:
            DetectorFactory.seed = seed
            detector_factory.init_factory()
            cls._factory_ready = True
        try:
            detector = detector_factory._factory.create()
            detector.append(text)
            return [(lang.lang, float(lang.prob)) for lang in detector.get_probabilities()]
        except LangDetectException:
            return []


def detect_languages(text: str, seed: int = 0) -> list[tuple[str, float]]:
    """langdetect's ranked guesses for `text`, deterministic for a given seed."""
    return _LangDetect.detect(text, seed)


class LanguageSignal:
    """Sets the document's main language and flags `off_language` paragraphs.

    Catches foreign-language trailers (teaser lists in another language appended by
    aggregators), pasted foreign passages, and paragraphs in languages langdetect does not
    know (it still says "not English", which the English evidence then confirms).
    """

    name = "language"

    def apply(self, doc: Document, config: Config) -> None:
        evidence = [measure(p.text) for p in doc.paragraphs]
        doc.language, doc.language_confidence = self._main_language(doc, evidence, config)
        if doc.language == "en":
            for paragraph, ev in zip(doc.paragraphs, evidence):
                self._judge_english_doc_paragraph(paragraph, ev, config)
        elif doc.language is not None:
            for paragraph, ev in zip(doc.paragraphs, evidence):
                self._judge_other_doc_paragraph(paragraph, ev, doc.language, config)

    @staticmethod
    def _main_language(doc: Document, evidence: list[LanguageEvidence],
                       config: Config) -> tuple[str | None, float | None]:
        if not doc.paragraphs:
            return None, None
        weights = [ev.lower_words for ev in evidence]
        total = sum(weights)
        english = sum(w for w, ev in zip(weights, evidence)
                      if ev.function_share >= ENGLISH_FUNCTION_SHARE and ev.latin_share >= NON_LATIN_SHARE)
        if config.main_language:
            return config.main_language, None
        if total and english / total >= 0.5:
            return "en", round(english / total, 3)
        sample = "\n".join(p.text for p in doc.paragraphs)[:5000]
        guesses = detect_languages(sample, config.langdetect_seed)
        if not guesses:
            return None, None
        return guesses[0][0], round(guesses[0][1], 3)

    @staticmethod
    def _judge_english_doc_paragraph(paragraph: Paragraph, ev: LanguageEvidence, config: Config) -> None:
        if ev.latin_share >= NON_LATIN_SHARE and (ev.lower_words < MIN_LOWER_WORDS
                                                  or ev.function_share >= ENGLISH_FUNCTION_SHARE):
            if ev.lower_words >= MIN_LOWER_WORDS:
                paragraph.language, paragraph.language_confidence = "en", round(ev.vocab_share, 3)
            return
        guesses = detect_languages(paragraph.text, config.langdetect_seed)
        top, prob = guesses[0] if guesses else ("und", 0.0)
        if ev.latin_share < NON_LATIN_SHARE:
            paragraph.language, paragraph.language_confidence = top, round(prob, 3)
            paragraph.add("off_language", "non_latin_script",
                          f"{1 - ev.latin_share:.0%} of letters outside Latin script; langdetect {top} p={prob:.2f}",
                          1 - ev.latin_share)
            return
        if top == "en" or ev.vocab_share >= ENGLISH_VOCAB_SHARE:
            paragraph.language, paragraph.language_confidence = "en", round(max(ev.vocab_share, prob if top == "en" else 0), 3)
            return
        paragraph.language, paragraph.language_confidence = top, round(prob, 3)
        if ev.function_share < FOREIGN_FUNCTION_SHARE and (prob >= LANGDETECT_MIN_PROB or ev.vocab_share < 0.4):
            paragraph.add("off_language", "langdetect_with_english_evidence",
                          f"langdetect {top} p={prob:.2f}; English function words {ev.function_share:.0%}, "
                          f"English vocabulary {ev.vocab_share:.0%} of {ev.lower_words} lowercase words",
                          prob)

    @staticmethod
    def _judge_other_doc_paragraph(paragraph: Paragraph, ev: LanguageEvidence, main: str, config: Config) -> None:
        if ev.lower_words < MIN_LOWER_WORDS:
            return
        guesses = detect_languages(paragraph.text, config.langdetect_seed)
        if not guesses:
            return
        top, prob = guesses[0]
        paragraph.language, paragraph.language_confidence = top, round(prob, 3)
        if top != main and prob >= LANGDETECT_MIN_PROB and not any(lang == main and p > 0.1 for lang, p in guesses):
            paragraph.add("off_language", "langdetect", f"langdetect {top} p={prob:.2f}; document is {main}", prob)
