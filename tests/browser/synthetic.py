"""Synthetic run folders for the HTML report tests and bench/bench_html.py.

All text here is invented for these tests (word lists below), not taken from the seeds or the devset.
The records follow the documents.jsonl schema 1 that qualitycheck scan writes, including spun spans
with offsets into the paragraph text, so the page is exercised the way real output exercises it.
"""
from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

SUBJECTS = ["The harbour council", "A regional court", "The transport ministry", "Local farmers",
            "The city library", "A team of engineers", "The weather service", "Two rival clubs",
            "The school board", "A small bakery", "Hospital staff", "The river authority"]
VERBS = ["approved", "postponed", "questioned", "announced", "rejected", "celebrated", "reviewed",
         "funded", "inspected", "described"]
OBJECTS = ["a new ferry timetable", "the bridge repairs", "a plan for cycle lanes", "the winter budget",
           "an exhibition of old maps", "the flood barrier tests", "a festival of street music",
           "the reopening of the market hall", "higher parking fees", "a study of the coastline"]
TAILS = ["after a long meeting on Tuesday.", "despite objections from residents.",
         "according to a statement released in the evening.", "for the third year in a row.",
         "while the mayor was abroad.", "and promised an update next month."]
# Pairs (usual word, odd synonym an article spinner might put in its place), invented for tests.
SPIN_PAIRS = [("meeting", "assembly conference"), ("residents", "inhabitants folks"),
              ("statement", "assertion"), ("evening", "night time"), ("promised", "pledged vowed"),
              ("budget", "finances spending plan"), ("repairs", "maintenance fixings")]
BOILERPLATE = ["Share this story on social media", "Sign up for our morning newsletter",
               "All rights reserved. Reproduction prohibited.", "Read more: related stories below",
               "Accept cookies to continue reading"]
AD_MARKERS = ["[sponsored]", "-- ADVERTISEMENT --", "{promo_slot}"]
FOREIGN = ["Dies ist ein kurzer Hinweis auf weitere Artikel der Redaktion.",
           "Ceci est un court rappel des autres articles du journal.",
           "Esta es una breve lista de otros artículos del periódico."]


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}"


def _article_paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 4)))


def _spin(text: str, rng: random.Random) -> tuple[str, list[dict[str, Any]]]:
    """Replace some words by odd synonyms; return the new text and spans over the replacements."""
    spans: list[dict[str, Any]] = []
    out = text
    for usual, odd in SPIN_PAIRS:
        at = out.find(usual)
        if at < 0 or rng.random() < 0.3:
            continue
        out = out[:at] + odd + out[at + len(usual):]
        spans.append({"start": at, "end": at + len(odd), "word": odd,
                      "score": round(rng.uniform(0.6, 0.99), 3), "original": usual})
    # Offsets were taken as the text changed; recompute them on the final text to stay exact.
    fixed = []
    cursor = 0
    for span in spans:
        at = out.find(span["word"], cursor)
        if at < 0:
            continue
        fixed.append({**span, "start": at, "end": at + len(span["word"])})
        cursor = at + len(span["word"])
    return out, fixed


def make_record(number: int, rng: random.Random, kind: str | None = None) -> dict[str, Any]:
    """One documents.jsonl record; `kind` is clean, spun, boilerplate, ad, off_language or error."""
    kind = kind or rng.choice(["clean", "clean", "spun", "boilerplate", "ad", "off_language"])
    doc_id = f"synthetic-{number:05d}"
    path = f"feeds/site{number % 17}/article_{number:05d}.txt"
    if kind == "error":
        return {"schema": 1, "id": doc_id, "path": path, "language": None, "language_confidence": None,
                "score": 0.0, "verdict": "drop", "labels": {}, "spun": {"flag": False, "score": None, "evidence": []},
                "paragraphs": [], "clean_text": "", "error": "could not decode file (synthetic)",
                "encoding": None, "notes": [], "content_hash": None, "metadata": {}}
    pieces: list[tuple[str, list[str], list[dict[str, Any]], list[dict[str, Any]], str]] = []
    for _ in range(rng.randint(4, 9)):
        pieces.append((_article_paragraph(rng), [], [], [], "en"))
    if kind == "spun":
        for i in range(len(pieces)):
            text, spans = _spin(pieces[i][0], rng)
            if spans and i == 1:
                # as the detector reports a paragraph flagged on accumulated evidence alone: weak spans
                spans = [dict(s, score=round(s["score"] - 0.4, 3), weak=True) for s in spans]
            if spans:
                ev = [{"label": "spun", "rule": "lm_surprise", "detail": f"{len(spans)} unlikely word(s)",
                       "score": round(max(s["score"] for s in spans), 3)}]
                pieces[i] = (text, ["spun"], ev, spans, "en")
    if kind == "boilerplate":
        phrase = rng.choice(BOILERPLATE)
        pieces.append((phrase, ["boilerplate"],
                       [{"label": "boilerplate", "rule": "pattern:synthetic", "detail": f"matched '{phrase[:20]}'"}], [], "en"))
    if kind == "ad":
        marker = rng.choice(AD_MARKERS)
        pieces.insert(1, (marker, ["ad_marker"],
                          [{"label": "ad_marker", "rule": "pattern:ad", "detail": f"matched {marker}"}], [], "en"))
    if kind == "off_language":
        foreign = rng.choice(FOREIGN)
        pieces.append((foreign, ["off_language"],
                       [{"label": "off_language", "rule": "langdetect", "detail": "paragraph not en", "score": 0.97}], [], "de"))
    if rng.random() < 0.15 and len(pieces) > 3:
        pieces.append((pieces[0][0], ["duplicate"],
                       [{"label": "duplicate", "rule": "exact_repeat", "detail": "same as paragraph 0"}], [], "en"))

    paragraphs = []
    offset = 0
    labels: dict[str, int] = {}
    for index, (text, plabels, evidence, spans, lang) in enumerate(pieces):
        paragraphs.append({"index": index, "start": offset, "end": offset + len(text), "text": text,
                           "labels": plabels, "language": lang, "language_confidence": round(rng.uniform(0.8, 1.0), 3),
                           "perplexity": round(rng.uniform(40, 900), 1),
                           "spun_score": round(rng.uniform(0.0, 0.4) if not spans else rng.uniform(0.55, 0.95), 3),
                           "spun_spans": spans, "evidence": evidence})
        offset += len(text) + 2
        for label in plabels:
            labels[label] = labels.get(label, 0) + 1
    removed = {"boilerplate", "ad_marker", "duplicate", "off_language"}
    clean = "\n\n".join(p["text"] for p in paragraphs if not removed & set(p["labels"]))
    spun_flag = kind == "spun" and labels.get("spun", 0) > 0
    flagged_chars = sum(len(p["text"]) for p in paragraphs if p["labels"])
    total_chars = max(1, sum(len(p["text"]) for p in paragraphs))
    score = round(max(0.0, 1.0 - flagged_chars / total_chars * (1.0 if spun_flag else 0.6)), 4)
    verdict = "drop" if spun_flag or score < 0.5 else "keep" if score >= 0.8 else "review"
    evidence = [{"phrase": s["word"], "score": s["score"], "original": s["original"]}
                for p in paragraphs for s in p["spun_spans"]][:10]
    return {"schema": 1, "id": doc_id, "path": path, "language": "en", "language_confidence": 0.99,
            "score": score, "verdict": verdict, "labels": labels,
            "spun": {"flag": spun_flag, "score": round(rng.uniform(0.6, 0.9), 3) if spun_flag else round(rng.uniform(0, 0.3), 3),
                     "evidence": evidence},
            "paragraphs": paragraphs, "clean_text": clean, "error": None, "encoding": "utf-8",
            "notes": [], "content_hash": f"{rng.getrandbits(64):016x}", "metadata": {"source": "synthetic"}}


def synthetic_records(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """`count` records; the first six cover every kind so small runs still show each label."""
    rng = random.Random(seed)
    fixed = ["spun", "boilerplate", "clean", "ad", "off_language", "error"]
    return [make_record(i, rng, fixed[i] if i < len(fixed) else None) for i in range(count)]


def scan_folder(folder: Path, run_dir: Path, html: bool) -> Path:
    """Not synthetic: a real `qualitycheck scan` of `folder` into run_dir, for tests that want the
    scanner's actual output. Skips the calling test when the folder or the scanner is missing."""
    import pytest

    if not folder.is_dir():
        pytest.skip(f"{folder} not present")
    try:
        from qualitycheck.run import scan
    except ImportError as err:
        pytest.skip(f"scanner not importable: {err}")
    scan([str(folder)], run_dir, jobs=1, html=html)
    return run_dir


def scan_seeds(run_dir: Path, html: bool) -> Path:
    """Scan ../shared/seeds (outside the repo; the test skips when it is absent)."""
    return scan_folder(Path(__file__).resolve().parents[2].parent / "shared" / "seeds", run_dir, html)


def scan_examples(run_dir: Path, html: bool) -> Path:
    """Scan the repo's shipped examples/news."""
    return scan_folder(Path(__file__).resolve().parents[2] / "examples" / "news", run_dir, html)


def write_run(run_dir: Path, records: list[dict[str, Any]], config: dict[str, Any] | None = None,
              with_run_json: bool = True) -> Path:
    """Write documents.jsonl (and run.json unless told not to) into run_dir."""
    run_dir.mkdir(parents=True, exist_ok=True)
    with (run_dir / "documents.jsonl").open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    if with_run_json:
        from qualitycheck.config import Config
        run = {"schema": 1, "config": config or Config().to_dict(), "input": "synthetic/input",
               "started": "2026-01-01T00:00:00+00:00", "finished": "2026-01-01T00:01:00+00:00",
               "documents": len(records), "errors": sum(1 for r in records if r.get("error"))}
        (run_dir / "run.json").write_text(json.dumps(run), encoding="utf-8")
    return run_dir


# Hostile input: what scraped pages can contain. Every string must render as inert text.
HOSTILE_PATH = 'evil"><img src=x onerror="window.__qcPwned=\'path\'">/a.txt'
HOSTILE_ID = "x</script><script>window.__qcPwned='id'</script>"
HOSTILE_PARAGRAPHS = [
    "<script>window.__qcPwned='script-tag'</script> plain words after the tag",
    "</textarea><img src=x onerror=\"window.__qcPwned='textarea'\">",
    "<a href=\"javascript:window.__qcPwned='link'\">click me</a> and javascript:alert(1)",
    "<!-- comment start </script><script>window.__qcPwned='comment'</script>",
    "&lt;b&gt; entity text &amp; <b onmouseover=\"window.__qcPwned='hover'\">bold</b> \u2028 separator",
    "<svg onload=\"window.__qcPwned='svg'\"></svg><iframe src=\"javascript:window.__qcPwned='iframe'\"></iframe>",
]


def hostile_record() -> dict[str, Any]:
    paragraphs = []
    offset = 0
    for index, text in enumerate(HOSTILE_PARAGRAPHS):
        evidence = [{"label": "boilerplate", "rule": "<img src=x onerror=\"window.__qcPwned='rule'\">",
                     "detail": "</script><script>window.__qcPwned='detail'</script>"}] if index % 2 == 0 else []
        spans = [{"start": 0, "end": 8, "word": text[:8], "score": 0.9,
                  "original": "<img src=x onerror=\"window.__qcPwned='orig'\">"}] if index == 0 else []
        paragraphs.append({"index": index, "start": offset, "end": offset + len(text), "text": text,
                           "labels": ["boilerplate"] if evidence else [], "language": "<b>en</b>",
                           "language_confidence": 0.5, "perplexity": None, "spun_score": None,
                           "spun_spans": spans, "evidence": evidence})
        offset += len(text) + 2
    return {"schema": 1, "id": HOSTILE_ID, "path": HOSTILE_PATH, "language": "<i>en</i>",
            "language_confidence": 0.9, "score": 0.42, "verdict": "review", "labels": {"boilerplate": 3},
            "spun": {"flag": True, "score": 0.7,
                     "evidence": [{"word": "<script>window.__qcPwned='spun'</script>", "paragraph": 0,
                                   "score": 0.8, "rule": "<img src=x onerror=\"window.__qcPwned='r'\">"}]},
            "paragraphs": paragraphs,
            "clean_text": "</textarea></pre><script>window.__qcPwned='clean'</script>",
            "error": None, "encoding": "utf-8", "notes": ["<script>window.__qcPwned='note'</script>"],
            "content_hash": None,
            "metadata": {"url": "javascript:window.__qcPwned='meta'", "title": "\"><script>window.__qcPwned='title'</script>"}}
