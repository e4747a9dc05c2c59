"""Every threshold and option in one place. Overridable from a TOML/JSON file or CLI flags."""
from __future__ import annotations

import functools
import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from .document import JSON_ERRORS, LABELS, json_error_text


VERDICTS = ("keep", "review", "drop")
DEFAULT_LABEL_WEIGHTS: dict[str, float] = {
    "boilerplate": 0.5, "ad_marker": 0.5, "duplicate": 0.5,
    "off_language": 1.0, "spun": 1.0, "mojibake": 1.0,
}


@functools.lru_cache(maxsize=1)
def language_codes() -> frozenset[str]:
    """The language codes langdetect's profiles cover (its file names: "en", "zh-cn", ...)."""
    try:
        import langdetect
    except ImportError:   # a required dependency; without it any code is taken as given
        return frozenset()
    profiles = Path(langdetect.__file__).parent / "profiles"
    return frozenset(p.name for p in profiles.iterdir())


@dataclass
class Config:
    # --- reading -----------------------------------------------------------
    max_chars: int = 2_000_000          # per-document cap; longer text is truncated with a note
    max_paragraphs: int = 5_000         # per-document cap on paragraphs (a million one-word lines)
    # --- language ----------------------------------------------------------
    main_language: str | None = None    # force the document language (e.g. "en"); None = detect
    langdetect_seed: int = 0
    # Nigerian Pidgin and Tok Pisin (English-lexified creoles, which langdetect reads as English) are their own
    # languages: off_language in an English document, and a document mostly in one is in that language
    # (codes pcm, tpi). False: read them as English, as langdetect does.
    english_creoles_off_language: bool = True
    # --- spin --------------------------------------------------------------
    model_path: str | None = None       # KenLM model; None = the shipped default
    # per-paragraph perplexity under model_path: a report field for reviewers, which no label, score or verdict
    # reads; off, a spin-off Checker runs ~40 % faster (bench/README.md)
    perplexity_enabled: bool = True
    spin_enabled: bool = True
    spin_model_path: str | None = None  # KenLM model of the spin detector; None = models/en-cmu.kenlm, or model_path when detector weights were trained for it (spin.detector.spin_lm_path)
    spin_weights_path: str | None = None    # spin detector weights; None = those the spin model's sidecar names, else models/spin/weights.json
    spun_paragraph_threshold: float = 0.5   # paragraph spun score (0..1) above which it is labelled spun
    spun_document_threshold: float = 0.5    # document spun score (0..1) above which the document is spun
    # documents scoring above this but not above spun_document_threshold go to review (possible light spinning):
    # 3.0 % of clean registry news calibration documents score above 0.25 (models/spin/README.md)
    spun_review_threshold: float = 0.25
    spun_paragraph_threshold_in_spun_document: float = 0.5  # optional lower bar inside a document judged spun (0.25: devset F1 0.748 vs 0.732, but flags seed-003 paragraphs EXPECTED.json does not list)
    spun_span_threshold: float = 0.5        # word/phrase substitution probability above which it is shown as evidence
    spin_fingerprints: bool = True          # use the known-spinner phrase list (patterns/spinner_fingerprints.tsv)
    spin_screen: bool = True                # re-score only the words the screen finds worth it (~2x faster detector; False: every word, the scores it approximates)
    crossdoc_min_overlap: float = 0.4       # word-set Jaccard for two paragraphs to count as versions of one text (a spinner replacing 30-50% of words leaves 0.4-0.6)
    crossdoc_min_swaps: int = 3             # thesaurus swaps needed to call one version a spin of the other
    # --- scoring -----------------------------------------------------------
    # Weight of each label in the document score: share of characters carrying it, times weight.
    label_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_LABEL_WEIGHTS))
    keep_threshold: float = 0.8         # score >= this -> keep
    drop_threshold: float = 0.5         # score < this -> drop; in between -> review
    spun_verdict: str = "drop"          # verdict for a document flagged spun
    min_clean_chars: int = 200          # less clean text than this -> at best review

    def __post_init__(self) -> None:
        self._check_types()
        if self.max_chars <= 0 or self.max_paragraphs <= 0:
            raise ValueError("max_chars and max_paragraphs must be positive")
        for name in ("keep_threshold", "drop_threshold", "spun_paragraph_threshold", "spun_document_threshold",
                     "spun_review_threshold", "spun_paragraph_threshold_in_spun_document", "spun_span_threshold",
                     "crossdoc_min_overlap"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:   # NaN fails this too
                raise ValueError(f"{name} must be from 0 to 1, got {value!r}")
        if self.spun_verdict not in VERDICTS:
            raise ValueError(f"spun_verdict must be one of {', '.join(VERDICTS)}, got {self.spun_verdict!r}")
        codes = language_codes()
        if self.main_language is not None and codes and self.main_language not in codes:
            from .signals.language import CREOLE_MARKERS   # (that module imports this one)
            if self.main_language not in CREOLE_MARKERS:
                raise ValueError(f"main_language {self.main_language!r} is not a language code langdetect knows "
                                 f"(lower case, e.g. 'en', 'de', 'zh-cn') nor one of the creoles "
                                 f"{', '.join(sorted(CREOLE_MARKERS))}")
        if any(not isinstance(w, (int, float)) or isinstance(w, bool) or not w >= 0 for w in self.label_weights.values()):
            raise ValueError(f"label_weights must map labels to numbers >= 0, got {self.label_weights!r}")
        unknown = set(self.label_weights) - set(LABELS)
        if unknown:
            raise ValueError(f"label_weights: unknown label(s) {', '.join(sorted(unknown))} (labels: {', '.join(LABELS)})")
        # A partial mapping changes the labels it names; the others keep their default weights (a label
        # missing here would otherwise cost nothing at all).
        self.label_weights = {**DEFAULT_LABEL_WEIGHTS, **self.label_weights}
        if not 0.0 <= self.drop_threshold <= self.keep_threshold <= 1.0:
            raise ValueError("thresholds must satisfy 0 <= drop_threshold <= keep_threshold <= 1")
        if self.spun_review_threshold > self.spun_document_threshold:
            raise ValueError("spun_review_threshold must not exceed spun_document_threshold")

    def _check_types(self) -> None:
        """Each option has the type its default has: a flag given as "no" would read as true, a threshold
        given as "0.9" would fail deep inside a comparison."""
        for f in fields(self):
            value = getattr(self, f.name)
            kind = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
            if value is None and "None" in kind:
                continue
            if kind.startswith("bool"):
                ok = isinstance(value, bool)
            elif kind.startswith("int"):
                ok = isinstance(value, int) and not isinstance(value, bool)
            elif kind.startswith("float"):
                ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            elif kind.startswith("str"):
                ok = isinstance(value, str)
            elif kind.startswith("dict"):
                ok = isinstance(value, dict)
            else:
                ok = True
            if not ok:
                # the annotation as written ("dict[str, float]", "str | None"): cutting it at a space garbled it
                expected = kind.replace(" | ", " or ")
                raise ValueError(f"{f.name} must be {expected}, got {type(value).__name__} {value!r}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def updated(self, **overrides: Any) -> "Config":
        known = {f.name for f in fields(self)}
        unknown = set(overrides) - known
        if unknown:
            raise ValueError(f"unknown config option(s): {', '.join(sorted(unknown))}")
        values = self.to_dict()
        values.update({k: v for k, v in overrides.items() if v is not None})
        if isinstance(overrides.get("label_weights"), dict):   # merged: naming one label leaves the others
            values["label_weights"] = {**self.label_weights, **overrides["label_weights"]}
        return Config(**values)

    @classmethod
    def from_file(cls, path: str | Path) -> "Config":
        """Read overrides from a config file: TOML when its name ends in .toml, JSON otherwise. It holds flat
        keys matching the fields above, or all of them under one [qualitycheck] table ("qualitycheck" object)
        and nothing beside it. Errors (ValueError) name the file."""
        path = Path(path)
        values = _parse_config_file(path)
        if not isinstance(values, dict):
            raise ValueError(f"{path}: expected a table of options, got {type(values).__name__}")
        if isinstance(values.get("qualitycheck"), dict):
            beside = sorted(set(values) - {"qualitycheck"})
            outside = [key for key in beside if key in {f.name for f in fields(cls)}]
            if outside:
                raise ValueError(f"{path}: option(s) {', '.join(outside)} outside the [qualitycheck] table; "
                                 "put them all in it")
            if beside:
                # The file is qualitycheck's own: another table here is more likely a misspelt option than
                # another tool's settings, and must not be dropped in silence.
                raise ValueError(f"{path}: unknown config option(s): {', '.join(beside)} "
                                 "(beside the [qualitycheck] table)")
            values = values["qualitycheck"]
        try:
            return cls().updated(**values)
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from exc


def _parse_config_file(path: Path) -> Any:
    """The parsed contents of a config file (TOML if named *.toml, else JSON). Raises ValueError naming the file
    and the format it was read as."""
    import tomllib

    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    if path.suffix.lower() == ".toml":
        try:
            return tomllib.loads(text)
        except (tomllib.TOMLDecodeError, RecursionError) as exc:   # (deep nesting raises the second)
            raise ValueError(f"{path}: not valid TOML: {json_error_text(exc)}") from exc
    try:
        return json.loads(text)
    except JSON_ERRORS as exc:
        hint = ""
        try:
            if tomllib.loads(text):   # (an empty file is TOML too: no hint for it)
                hint = "; it reads as TOML: name it .toml"
        except (tomllib.TOMLDecodeError, RecursionError):
            pass
        raise ValueError(f"{path}: not valid JSON (a config file not named .toml is read as JSON): "
                         f"{json_error_text(exc)}{hint}") from exc
