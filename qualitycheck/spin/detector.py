"""The spin detector: per-span evidence -> calibrated paragraph scores -> a document verdict.

Three small logistic models, trained by scripts/train_spin.py on synthetic spins (never on the devset):
1. span model: P(this word/phrase was substituted) from the features in features.py;
2. paragraph model: reads the *accumulated* evidence of the paragraph's spans (sum of positive
   log-likelihood ratios, count of likely substitutions, ...), not an average perplexity, so a few strong
   substitutions in a long clean-looking paragraph still count;
3. document model: reads the paragraph scores and the document's total evidence.
Fingerprint hits (known spinner phrases) add a fixed log-likelihood ratio to their span.
"""
from __future__ import annotations

import functools
import json
import math
import weakref
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import fingerprints as fingerprint_table
from . import thesaurus
from .features import (CHEAP_FEATURES, FEATURE_CLIP, CandidateIndex, ParagraphAnalysis, Span, analyze,
                       find_spans, float_matrix, name_original, rescore_rows, set_features)
from .lmview import LMView, load as load_lm
from .logistic import Logistic

WEIGHTS_PATH = Path(__file__).resolve().parents[2] / "models" / "spin" / "weights.json"
FINGERPRINT_LLR = 4.0    # natural-log odds added per fingerprint hit: strong, but one hit alone is not a verdict
# Document log-odds added per fingerprint hit (at most FINGERPRINT_DOC_MAX hits). The trained document model
# never saw fingerprints (our synthetic spinners do not produce them), so their evidence is added here as a
# Bayesian update: a known spinner phrase is far likelier in spun text than in clean text. Fixed by
# judgement, not fitted: one hit moves a document from 0.2 to about 0.5; a clean-looking document stays clean.
FINGERPRINT_DOC_LLR = 1.5
FINGERPRINT_DOC_MAX = 5
EVIDENCE_FLOOR = 0.5     # spans below this probability are not reported as evidence
# A paragraph is labelled spun only with evidence of its own: a span at or above this probability, or a
# fingerprint. The paragraph model reads the other paragraphs too (with_context), so inside a heavily spun
# document an untouched headline with no candidate word could otherwise be labelled on its neighbours'
# evidence alone, with no word to show. Equal to the report's weak-span floor (signals.spin), so every
# labelled paragraph has a word to show. None: no such requirement (scores are never changed by it).
OWN_EVIDENCE_FLOOR: float | None = 0.2
BATCH_CHARS = 20_000     # paragraphs analysed together (see SpinDetector.document): ~3,300 words, ~15 MiB

# Spin rates at which the mixture log-likelihood ratio is accumulated (see mixture_llr).
MIX_RATES = (0.1, 0.3)
PARAGRAPH_FEATURES = ("evidence", "evidence_norm", "hits", "hit_share", "max_llr", "mean_logprob",
                      "log_content", "fingerprints", "strong_hits", "mix_llr_low", "mix_llr_high",
                      # the rest of the document: spinners rewrite whole documents (or every other paragraph)
                      "context_mix_llr_low", "context_mix_llr_high", "context_hit_share")
DOCUMENT_FEATURES = ("mix_llr_low", "max_score", "mean_score")
# The accumulation test: only the summed mixture evidence. It catches long documents whose every paragraph
# is mildly suspicious (real commercial spinners swap common words for common words), which the
# intensity model above, led by the strongest paragraphs, scores low. Document score = max of the two,
# each calibrated on clean training documents.
ACCUMULATION_FEATURES = ("mix_llr_low", "mix_llr_high")


@dataclass
class SpanScreen:
    """Decides which candidate spans are worth re-scoring with their thesaurus neighbours (about six LM
    walks each, most of the detector's time), from features the forward LM pass already gives (context
    fit, rarity, repetition). Distilled from the span model by scripts/train_spin.py on synthetic spins:
    `classifier` predicts whether the span model would give a span probability above `target`; spans
    it puts below `cut` are not re-scored and get the probability `estimate` (a least-squares fit of the
    span model's log-odds on the same features) capped at `target`, so their (small, mostly negative)
    evidence still counts in the paragraph's accumulated sums."""

    classifier: Logistic
    cut: float
    estimate: Logistic
    target: float

    @classmethod
    def from_dict(cls, d: dict) -> "SpanScreen":
        return cls(Logistic.from_dict(d["classifier"]), float(d["cut"]), Logistic.from_dict(d["estimate"]),
                   float(d["target"]))

    def to_dict(self) -> dict:
        return {"classifier": self.classifier.to_dict(), "cut": self.cut,
                "estimate": self.estimate.to_dict(), "target": self.target}

    def decide(self, cheap: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(keep mask, estimated span probability) for rows of CHEAP_FEATURES."""
        x = quadratic(cheap)
        keep = self.classifier.decision(x) >= self.cut
        # the estimate is a linear fit of log-odds, so its logistic link gives the probability
        return keep, np.minimum(self.estimate.predict(x), self.target)


@dataclass
class ParagraphResult:
    score: float
    spans: list[Span]
    features: np.ndarray
    n_content: int

    def evidence(self, floor: float = EVIDENCE_FLOOR) -> list[dict]:
        out = []
        for span in sorted(self.spans, key=lambda s: s.start):
            if span.probability < floor:
                continue
            item = {"start": span.start, "end": span.end, "word": span.word,
                    "score": round(float(span.probability), 4)}
            if span.original and span.original.lower() != span.word.lower():
                item["original"] = span.original
            if span.fingerprint is not None:
                item["rule"] = "fingerprint"
                item["seen"] = span.fingerprint.seen
            out.append(item)
        return out

    def has_own_evidence(self, floor: float | None = OWN_EVIDENCE_FLOOR) -> bool:
        """A span of this paragraph at or above `floor`, or a fingerprint (always, when floor is None)."""
        return floor is None or any(s.fingerprint is not None or s.probability >= floor for s in self.spans)


@dataclass
class DocumentResult:
    score: float
    paragraphs: list[ParagraphResult | None]
    features: np.ndarray = field(default_factory=lambda: np.zeros(len(DOCUMENT_FEATURES)))

    def paragraph_labels(self, paragraph_threshold: float, document_threshold: float,
                         in_spun_document_threshold: float,
                         evidence_floor: float | None = OWN_EVIDENCE_FLOOR) -> list[bool]:
        """Which paragraphs to label spun: score above the bar and evidence of its own (OWN_EVIDENCE_FLOOR).
        Inside a document judged spun the bar is lower: spinners rewrite whole documents, so a paragraph
        with some evidence there is more likely spun."""
        bar = paragraph_threshold
        if self.score > document_threshold:
            bar = min(paragraph_threshold, in_spun_document_threshold)
        return [r is not None and r.score > bar and r.has_own_evidence(evidence_floor) for r in self.paragraphs]


def quadratic(x: np.ndarray) -> np.ndarray:
    """Rows of x with all pairwise products appended (lets a linear model weigh interactions such as
    'large context gain AND rare word')."""
    n = x.shape[1]
    iu = np.triu_indices(n)
    return np.hstack([x, (x[:, :, None] * x[:, None, :])[:, iu[0], iu[1]]])


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def select_spans(spans: list[Span]) -> list[Span]:
    """Non-overlapping spans, strongest first (a phrase and its own words are one piece of evidence)."""
    used: set[int] = set()
    out = []
    for span in sorted(spans, key=lambda s: -s.llr):
        tokens = range(span.first, span.last)
        if not used.isdisjoint(tokens):
            continue
        used.update(tokens)
        out.append(span)
    return out


def mixture_llr(chosen: list[Span], rate: float) -> float:
    """log P(spans | text spun at `rate`) - log P(spans | clean text), summing over spans: each span is
    substituted with probability `rate` under the spun hypothesis, so its factor is (1 - rate + rate * L)
    with L its likelihood ratio. Clean text drifts negative (E[L] = 1 under clean), spun text positive,
    and the sum grows with the amount of text, as evidence should."""
    return _mixture_llrs(chosen, (rate,))[0]


def _mixture_llrs(chosen: list[Span], rates: tuple[float, ...]) -> list[float]:
    """mixture_llr at each of `rates`, the likelihood ratios computed once."""
    ratios = [math.exp(min(span.llr, 30.0)) for span in chosen]
    out = []
    for rate in rates:
        total = 0.0
        for ratio in ratios:
            total += math.log(1.0 - rate + rate * ratio)
        out.append(total)
    return out


def paragraph_features(analysis: ParagraphAnalysis, chosen: list[Span]) -> np.ndarray:
    llrs = [s.llr for s in chosen]
    probabilities = [s.probability for s in chosen]
    evidence = sum([x for x in llrs if x > 0])
    hits = sum([1 for p in probabilities if p >= 0.5])
    strong = sum([1 for p in probabilities if p >= 0.8])
    return np.array([
        evidence,
        evidence / math.sqrt(analysis.n_content + 1),
        hits,
        hits / (analysis.n_content + 1),
        max(llrs, default=0.0),
        analysis.mean_logprob,
        math.log1p(analysis.n_content),
        sum(1 for s in chosen if s.fingerprint is not None),
        strong,
        *_mixture_llrs(chosen, MIX_RATES),
    ])


def with_context(local: list[np.ndarray], n_content: list[int]) -> list[np.ndarray]:
    """Append the evidence of the *other* paragraphs of the document to each paragraph's features:
    their summed mixture log-likelihood ratios (accumulated, so a long document full of weak
    substitutions counts) and their share of likely substitutions."""
    total_mix_low = sum(f[9] for f in local)
    total_mix_high = sum(f[10] for f in local)
    total_hits = sum(f[2] for f in local)
    total_content = sum(n_content)
    out = []
    for f, n in zip(local, n_content):
        rest = total_content - n
        out.append(np.concatenate([f, [total_mix_low - f[9], total_mix_high - f[10],
                                       (total_hits - f[2]) / (rest + 1)]]))
    return out


def document_features(results: list[ParagraphResult]) -> np.ndarray:
    """Few, robust document features: accumulated mixture evidence over all paragraphs (length-aware by
    construction) plus the strongest and the average paragraph. (Normalised evidence and flagged-share
    features were tried; collinear with these, they made the fit penalise long spun documents.)"""
    if not results:
        return np.zeros(len(DOCUMENT_FEATURES))
    weights = np.array([r.n_content + 1 for r in results], dtype=float)
    scores = np.array([r.score for r in results])
    return np.array([
        sum(r.features[9] for r in results),
        float(scores.max()),
        float(np.average(scores, weights=weights)),
    ])


def accumulation_features(results: list[ParagraphResult]) -> np.ndarray:
    return np.array([sum(r.features[9] for r in results), sum(r.features[10] for r in results)])


class SpinDetector:
    """Loads the thesaurus tables, fingerprints, LM and trained weights once; scores paragraphs and documents."""

    def __init__(self, view: LMView, weights: dict | None = None, use_fingerprints: bool = True):
        self.view = view
        self.weights = weights or {}
        self.index = CandidateIndex(thesaurus.load(), view, neighbour_key=self.weights.get("neighbour_key", "mean"))
        self.fingerprints = fingerprint_table.load() if use_fingerprints else fingerprint_table.FingerprintTable()
        self.span_model = Logistic.from_dict(self.weights["span"]) if "span" in self.weights else None
        self.paragraph_model = Logistic.from_dict(self.weights["paragraph"]) if "paragraph" in self.weights else None
        self.document_model = Logistic.from_dict(self.weights["document"]) if "document" in self.weights else None
        self.accumulation_model = (Logistic.from_dict(self.weights["accumulation"])
                                   if "accumulation" in self.weights else None)
        self.span_prior = float(self.weights.get("span_prior", 0.1))
        self.span_quadratic = bool(self.weights.get("span_quadratic", False))
        self.paragraph_quadratic = bool(self.weights.get("paragraph_quadratic", False))
        self.screen = SpanScreen.from_dict(self.weights["screen"]) if "screen" in self.weights else None
        self.fingerprint_probability = 1.0 / (1.0 + math.exp(-(FINGERPRINT_LLR + _logit(self.span_prior))))

    @staticmethod
    def doc_counts(paragraph_texts: list[str]) -> Counter:
        """Lower-cased whitespace-separated words of the paragraphs, counted. (The text is lower-cased before
        splitting: lower() maps no character to or from whitespace, and the one context it reads, a final
        sigma, ends at whitespace, so the words are those of lower-casing each word.)"""
        counts: Counter = Counter()
        for text in paragraph_texts:
            counts.update(text.lower().split())
        return counts

    def analyze(self, text: str, doc_counts: dict[str, int] | None = None,
                tokens: list[tuple[str, int, int]] | None = None) -> ParagraphAnalysis:
        return analyze(text, self.view, self.index, self.fingerprints, doc_counts, tokens)

    def score_spans(self, analysis: ParagraphAnalysis) -> list[Span]:
        return self.score_spans_batch([analysis])[0]

    def score_spans_batch(self, analyses: list[ParagraphAnalysis]) -> list[list[Span]]:
        """Span probabilities and log-likelihood ratios for several paragraphs in one model call (one call
        per paragraph spent ~15% of the detector's time in numpy call overhead); the chosen spans of each."""
        modelled = [s for analysis in analyses for s in analysis.spans if s.features is not None]
        if modelled and self.span_model is not None:
            x = np.vstack([s.features for s in modelled])
            if self.span_quadratic:
                x = quadratic(x)
            probs = self.span_model.predict(x).tolist()   # plain floats: numpy scalar access is slow
            prior = _logit(self.span_prior)
            for span, p in zip(modelled, probs):
                span.probability = p
                q = min(max(p, 1e-6), 1 - 1e-6)   # _logit, inline
                span.llr = math.log(q / (1 - q)) - prior
        for analysis in analyses:
            for span in analysis.spans:
                if span.fingerprint is not None:
                    span.llr = FINGERPRINT_LLR
                    span.probability = self.fingerprint_probability
        return [select_spans(analysis.spans) for analysis in analyses]

    def paragraph_local(self, text: str, doc_counts: dict[str, int] | None = None,
                        tokens: list[tuple[str, int, int]] | None = None
                        ) -> tuple[ParagraphAnalysis, list[Span], np.ndarray]:
        """Spans and local (paragraph-only) features of one paragraph."""
        analysis = self.analyze(text, doc_counts, tokens)
        return self._local(analysis, self.score_spans(analysis))

    def _local(self, analysis: ParagraphAnalysis, chosen: list[Span]) -> tuple[ParagraphAnalysis, list[Span], np.ndarray]:
        for span in chosen:
            if span.probability >= EVIDENCE_FLOOR and span.fingerprint is None:
                name_original(span, analysis, self.view, self.index)
        return analysis, chosen, paragraph_features(analysis, chosen)

    def analyze_screened(self, texts: list[str | None], counts: dict[str, int],
                         tokens: list[list[tuple[str, int, int]] | None],
                         scores: list[list[float] | None]) -> list[ParagraphAnalysis | None]:
        """analyze() for a document's paragraphs, re-scoring only the spans the screen keeps (one screen
        call for the whole document)."""
        analyses = [find_spans(t, self.view, self.index, self.fingerprints, counts, toks, lps) if t else None
                    for t, toks, lps in zip(texts, tokens, scores)]
        present = [a for a in analyses if a is not None]
        spans: list[Span] = []
        rows: list[list[float]] = []
        for analysis, kept in zip(present, self.apply_screen(present)):
            done, found = rescore_rows(analysis, self.view, kept)
            spans += done
            rows += found
        set_features(spans, rows)   # one matrix for the batch (clipping is elementwise: same rows)
        return analyses

    def apply_screen(self, analyses: list[ParagraphAnalysis]) -> list[list[bool]]:
        """Run the screen over the candidate spans of `analyses` (one call): spans it skips get its
        estimated probability and no features (so the span model leaves them alone). Returns each
        analysis's keep mask. Training calls it on fully analysed paragraphs, so that the paragraph and
        document models learn from the span scores the screened detector will give them."""
        sizes = [len(a.pending) for a in analyses]
        if not sum(sizes):
            return [[] for _ in analyses]
        cheap = float_matrix([pending[3] for a in analyses for pending in a.pending], len(CHEAP_FEATURES))
        keep, estimate = self.screen.decide(np.clip(cheap, -FEATURE_CLIP, FEATURE_CLIP))
        keep_list, estimates = keep.tolist(), estimate.tolist()   # plain lists: numpy scalar access is slow
        prior = _logit(self.span_prior)
        masks, offset = [], 0
        for analysis, size in zip(analyses, sizes):
            kept = keep_list[offset:offset + size]
            for pending, keep_span, p in zip(analysis.pending, kept, estimates[offset:offset + size]):
                if not keep_span:
                    span = pending[0]
                    span.features = None
                    q = min(max(p, 1e-6), 1 - 1e-6)   # _logit, inline
                    span.probability, span.llr = p, math.log(q / (1 - q)) - prior
            masks.append(kept)
            offset += size
        return masks

    def document(self, paragraph_texts: list[str | None],
                 tokens: list[list[tuple[str, int, int]] | None] | None = None,
                 screen: bool = True,
                 scores: list[list[float] | None] | None = None) -> DocumentResult:
        """Score a document's paragraphs (None = skipped paragraph) and the document. `tokens`, aligned with
        `paragraph_texts`, may carry each paragraph's tokenisation when the caller has it already, and
        `scores` those tokens' log10 probabilities from <s> on (used by the screened path).
        screen=False re-scores every candidate span (slower; the scores the screen approximates)."""
        counts = self.doc_counts([t for t in paragraph_texts if t])
        tokens = tokens or [None] * len(paragraph_texts)
        scores = scores or [None] * len(paragraph_texts)
        # Paragraphs are analysed a batch at a time and only their spans and features are kept: an
        # analysis holds LM states and candidate rows (~4.7 KB per word), so a 2,000,000-character
        # document analysed at once took ~600 MiB. Every step is per span or per paragraph, so the
        # batching changes no score; news documents fit in one batch (one screen and one span-model call).
        local: list[tuple[int, list[Span], np.ndarray] | None] = []
        for lo, hi in _batches(paragraph_texts, BATCH_CHARS):
            texts = paragraph_texts[lo:hi]
            if screen and self.screen is not None:
                analyses = self.analyze_screened(texts, counts, tokens[lo:hi], scores[lo:hi])
            else:
                analyses = [self.analyze(t, counts, toks) if t else None for t, toks in zip(texts, tokens[lo:hi])]
            chosen = iter(self.score_spans_batch([a for a in analyses if a is not None]))
            for a in analyses:
                if a is None:
                    local.append(None)
                    continue
                analysis, spans, feats = self._local(a, next(chosen))
                local.append((analysis.n_content, spans, feats))
        present = [x for x in local if x is not None]
        feats = with_context([x[2] for x in present], [x[0] for x in present])
        if self.paragraph_model and feats:
            x = np.vstack(feats)
            probs = self.paragraph_model.predict(quadratic(x) if self.paragraph_quadratic else x)
        else:
            probs = np.zeros(len(feats))
        results: list[ParagraphResult | None] = []
        k = 0
        for x in local:
            if x is None:
                results.append(None)
                continue
            results.append(ParagraphResult(float(probs[k]), x[1], feats[k], x[0]))
            k += 1
        scored = [r for r in results if r is not None]
        doc_feats = document_features(scored)
        score = (float(self.document_model.predict(doc_feats[None, :])[0])
                 if (self.document_model and scored) else 0.0)
        if self.accumulation_model is not None and scored:
            acc = accumulation_features(scored)
            score = max(score, float(self.accumulation_model.predict(acc[None, :])[0]))
        hits = sum(1 for r in scored for sp in r.spans if sp.fingerprint is not None)
        if hits and scored:
            score = 1.0 / (1.0 + math.exp(-(_logit(score) + FINGERPRINT_DOC_LLR * min(hits, FINGERPRINT_DOC_MAX))))
        return DocumentResult(score, results, doc_feats)


def _batches(texts: list[str | None], limit: int) -> list[tuple[int, int]]:
    """[lo, hi) index ranges of consecutive paragraphs holding about `limit` characters each (a longer
    paragraph is a batch of its own)."""
    out, lo, size = [], 0, 0
    for i, text in enumerate(texts):
        n = len(text) if text else 0
        if size and size + n > limit:
            out.append((lo, i))
            lo, size = i, 0
        size += n
    if lo < len(texts):
        out.append((lo, len(texts)))
    return out


def load_weights(path: Path = WEIGHTS_PATH) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def weights_for_model(model_path: str | None) -> Path:
    """The weights trained for a model: the file its sidecar (<model>.json) names under "spin_weights"
    (relative to the sidecar), else the shipped models/spin/weights.json. Weights are fitted to one LM's
    scores, so a model that brings its own must not run with another's."""
    return (_named_weights(model_path) if model_path else None) or WEIGHTS_PATH


def _named_weights(model_path: str) -> Path | None:
    """The weights file a model's sidecar names, or None. The spin signal asks once per document: the answer is
    kept until the sidecar's size or modification time changes (reading and parsing it and resolving the path
    took ~0.13 ms a document)."""
    from ..lm.model import _file_stamp, read_sidecar, sidecar_path

    sidecar = sidecar_path(model_path)
    stamp = _file_stamp(sidecar)
    hit = _WEIGHTS_FOR.get(model_path)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    named = read_sidecar(model_path).get("spin_weights")
    path = (sidecar.parent / named).resolve() if named else None
    _WEIGHTS_FOR[model_path] = (stamp, path)
    return path


_WEIGHTS_FOR: dict = {}   # model path -> (its sidecar's stamp, the weights path it names or None)


# The detector's own default LM: CMU Sphinx's US-English trigram (models/README.md), built from far more (and
# more modern) text than en.kenlm, which stays the perplexity signal's model. On the dev set it ranks spun
# documents better (AUC 1.000 vs 0.992) and on 860 registry news documents it flags fewer clean ones (10 vs 13);
# figures in models/spin/README.md.
SPIN_MODEL_PATH = Path(__file__).resolve().parents[2] / "models" / "en-cmu.kenlm"


def default_detector(model_path: str | None = None, use_fingerprints: bool = True,
                     weights_path: str | None = None) -> SpinDetector:
    """The shipped detector, built once per process (first call loads LM, tables and weights). model_path None:
    the shipped spin LM (SPIN_MODEL_PATH), or the perplexity signal's default model if that file is absent."""
    model_path, weights = detector_files(model_path, weights_path)
    return _detector(model_path, use_fingerprints, str(weights))


def spin_lm_path(spin_model_path: str | None, model_path: str | None, weights_path: str | None = None) -> str | None:
    """The LM file the spin detector reads for a configuration (None: its shipped model): the spin model if one
    is given; else the perplexity model (--model) when detector weights are given or were trained for it (its
    sidecar names them; the shipped en.kenlm has models/spin/weights.json); else its own. Weights are fitted to
    one LM's scores: run on a small model trained with train-lm, the default weights called nearly every
    paragraph of clean articles spun."""
    if spin_model_path:
        return spin_model_path
    if model_path and (weights_path or _has_own_weights(model_path)):
        return model_path
    return None


def _has_own_weights(model_path: str) -> bool:
    return _named_weights(model_path) is not None or _is_shipped_model(model_path)


@functools.lru_cache(maxsize=8)
def _is_shipped_model(model_path: str) -> bool:
    """Whether `model_path` is the shipped en.kenlm, which models/spin/weights.json was fitted to (resolved once
    per path: the spin signal asks once per document)."""
    from ..lm.model import DEFAULT_MODEL_NAME, MODELS_DIR

    shipped = MODELS_DIR / DEFAULT_MODEL_NAME
    return shipped.is_file() and Path(model_path).resolve() == shipped.resolve()


def detector_files(model_path: str | None = None, weights_path: str | None = None) -> tuple[str | None, Path]:
    """The LM file (None: the perplexity signal's default) and the weights file the detector would use."""
    if model_path is None and SPIN_MODEL_PATH.is_file():
        model_path = str(SPIN_MODEL_PATH)
    return model_path, Path(weights_path) if weights_path else weights_for_model(model_path)


@functools.lru_cache(maxsize=4)
def _detector(model_path: str | None, use_fingerprints: bool, weights_path: str) -> SpinDetector:
    detector = SpinDetector(load_lm(model_path), load_weights(Path(weights_path)), use_fingerprints)
    _BUILT.add(detector)
    return detector


_BUILT: "weakref.WeakSet[SpinDetector]" = weakref.WeakSet()


def clear_memos() -> None:
    """Clear the per-phrase memos of every detector this process built (CandidateIndex.clear_memos)."""
    for detector in list(_BUILT):
        detector.index.clear_memos()


def release() -> None:
    """Drop the detectors this process built (their memos, candidate index and the thesaurus's phrase forms,
    ~60 MiB with the shipped tables); default_detector() builds one again on next use. For a scan's later
    passes: the folder pass reads the thesaurus, not the detector."""
    clear_memos()
    _detector.cache_clear()
    thesaurus.load().drop_phrase_forms()
