"""The spin detector end to end on text written for these tests (never devset or seed text):
spun copies score above their originals, evidence spans point at real words, fingerprints and
cross-document alignment name what they found. Needs the shipped language model and weights."""
from __future__ import annotations

import functools
import random

import pytest

from tests.conftest import english_document as _doc
from tests.conftest import spin_detector as _detector

from qualitycheck.config import Config


STORY = [
    "The city council approved a new budget on Tuesday after a long debate about the cost of repairing "
    "roads and bridges that have been damaged by heavy rain over the past two winters.",
    "Officials said the plan would raise spending on public transport by about ten percent, while cutting "
    "money for new office buildings that several members described as unnecessary.",
    "Residents who attended the meeting complained that the bus service had become slow and unreliable, "
    "and many asked the council to explain why fares had risen twice in the same year.",
    "The mayor told reporters that the changes would take effect in the spring and promised that the "
    "council would publish a full report on the progress of the repairs before the summer holidays.",
    "Opposition members argued that the budget did not do enough to help small businesses in the centre "
    "of the city, where many shops have closed since the start of the economic downturn.",
    "A spokesman for the local chamber of commerce welcomed the decision but warned that traders would "
    "need more support if the building work caused long delays for customers and deliveries.",
]




def _spin(paragraphs, rate=0.5, seed=1):
    from qualitycheck.spin import spinners
    from qualitycheck.spin.thesaurus import load
    spinner = spinners.ThesaurusSpinner(load(("wordnet",)), "wordnet")
    rng = random.Random(seed)
    return [spinner.spin(p, rate, rng).text for p in paragraphs]


def test_spun_copy_scores_above_original():
    detector = _detector()
    clean = detector.document(STORY)
    spun_text = _spin(STORY)
    assert spun_text != STORY
    spun = detector.document(spun_text)
    assert spun.score > clean.score
    assert clean.score < 0.5, clean.score
    mean_clean = sum(r.score for r in clean.paragraphs) / len(STORY)
    mean_spun = sum(r.score for r in spun.paragraphs) / len(STORY)
    assert mean_spun > mean_clean


def test_evidence_spans_point_at_words():
    detector = _detector()
    for text, result in zip(_spin(STORY), detector.document(_spin(STORY)).paragraphs):
        for item in result.evidence(0.0):
            assert text[item["start"]:item["end"]] == item["word"]
            assert 0.0 <= item["score"] <= 1.0


def test_fingerprint_found_with_original():
    detector = _detector()
    text = ("Researchers said the new counterfeit consciousness system could read scans faster than "
            "doctors, although they warned that more trials were needed before hospitals used it.")
    result = detector.document([text]).paragraphs[0]
    hits = [e for e in result.evidence(0.0) if e.get("rule") == "fingerprint"]
    assert hits and hits[0]["original"] == "artificial intelligence"
    assert hits[0]["word"] == "counterfeit consciousness"


def test_signal_sets_scores_and_flags():
    _detector()
    from qualitycheck.signals.spin import SpinSignal
    doc = _doc("spun", _spin(STORY, rate=0.6, seed=4))
    SpinSignal().apply(doc, Config())
    assert doc.spun_score is not None and 0.0 <= doc.spun_score <= 1.0
    assert all(p.spun_score is not None for p in doc.paragraphs)
    clean = _doc("clean", STORY)
    SpinSignal().apply(clean, Config())
    assert not clean.spun_flag
    assert not any(p.has("spun") for p in clean.paragraphs)


def test_paragraph_flagged_without_strong_spans_shows_weak_ones():
    """A spun label always comes with words to check: where no span reaches spun_span_threshold (raised
    here so that none does), the paragraph's strongest spans down to WEAK_SPAN_FLOOR are listed, marked
    weak, at most MAX_WEAK_SPANS; labels are the same as at the default threshold, and the document's
    evidence keeps only spans above the threshold."""
    _detector()
    from qualitycheck.signals.spin import MAX_WEAK_SPANS, WEAK_SPAN_FLOOR, SpinSignal
    spun_text = _spin(STORY, rate=0.6, seed=4)
    default, strict = _doc("spun", spun_text), _doc("spun", spun_text)
    SpinSignal().apply(default, Config())
    SpinSignal().apply(strict, Config(spun_span_threshold=0.999))
    assert [p.labels for p in default.paragraphs] == [p.labels for p in strict.paragraphs]
    flagged = [p for p in strict.paragraphs if p.has("spun")]
    assert flagged, "the spun copy should have spun paragraphs"
    assert any(p.spun_spans for p in flagged)
    for paragraph in flagged:
        spans = paragraph.spun_spans
        assert len(spans) <= MAX_WEAK_SPANS
        assert all(s["weak"] and WEAK_SPAN_FLOOR <= s["score"] < 0.999 for s in spans)
        assert [s["start"] for s in spans] == sorted(s["start"] for s in spans)
        assert all(paragraph.text[s["start"]:s["end"]] == s["word"] for s in spans)
        detail = next(f.detail for f in paragraph.flags if f.label == "spun")
        assert spans and "below the span threshold" in detail   # labels need a span >= OWN_EVIDENCE_FLOOR
    assert all(not p.spun_spans for p in strict.paragraphs if not p.has("spun"))
    assert all(e["score"] >= 0.999 for e in strict.spun_evidence)


def test_crossdoc_flags_spun_version_and_names_source():
    _detector()
    from qualitycheck.spin.crossdoc import find_spun_versions
    original = _doc("original", STORY)
    spun = _doc("copy", _spin(STORY, rate=0.5, seed=2))
    find_spun_versions([original, spun], Config())
    assert spun.spun_flag and not original.spun_flag
    assert any("original" in note for note in spun.notes)
    flagged = [p for p in spun.paragraphs if any(f.rule == "spin.crossdoc" for f in p.flags)]
    assert flagged and "original" in flagged[0].flags[-1].detail


def test_crossdoc_direction_follows_the_fit_and_contradicting_scores_leave_it_open():
    """Which of two aligned versions is the spin: the one whose words fit the language model worse (the
    copy), whether the detector scored it higher or left both unscored. Scores saying the opposite by
    SCORE_MARGIN or more contradict the fit: neither is flagged, both are noted for review (before, the
    scores alone decided, and the original scored higher was flagged a spun version of its copy)."""
    _detector()
    from qualitycheck.scoring import UNDETERMINED_SPIN_NOTE
    from qualitycheck.spin.crossdoc import find_spun_versions
    spun_text = _spin(STORY, rate=0.5, seed=2)
    for original_score, spun_score in ((0.1, 0.8), (None, None), (0.8, 0.1)):
        original, spun = _doc("original", STORY), _doc("copy", spun_text)
        for p in original.paragraphs:
            p.spun_score = original_score
        for p in spun.paragraphs:
            p.spun_score = spun_score
        find_spun_versions([original, spun], Config())
        assert not original.spun_flag
        if original_score is None or spun_score > original_score:
            assert spun.spun_flag and any(n.startswith("spun version of original") for n in spun.notes)
        else:
            assert not spun.spun_flag
            assert [n.split(":")[0] for n in original.notes + spun.notes] == \
                [f"{UNDETERMINED_SPIN_NOTE}copy", f"{UNDETERMINED_SPIN_NOTE}original"]


def test_crossdoc_ignores_ordinary_edits():
    _detector()
    from qualitycheck.spin.crossdoc import find_spun_versions
    edited = [p.replace("Tuesday", "Wednesday").replace("ten percent", "twelve percent")
              .replace("twice", "three times") for p in STORY]
    a, b = _doc("first", STORY), _doc("second", edited)
    find_spun_versions([a, b], Config())
    assert not a.spun_flag and not b.spun_flag


def test_crossdoc_template_reports_and_repeated_edits_are_not_spins():
    """Two reports written to one template share most words and differ in a few synonyms, but also in
    names and numbers, which a spinner leaves alone; one word edited throughout is one change, not three."""
    _detector()
    from qualitycheck.spin.crossdoc import find_spun_versions
    template = ("{town} is a large market town in the {county} region of the country. It is the {rank} "
                "biggest {kind} in the region after {capital}, with {people} residents at the census of 2011, "
                "and it is {known} known for its {trade} and its old stone bridge over the {river}.")
    first = template.format(town="Ashby", county="Northern", rank="second", kind="town", capital="Kingsford",
                            people="84,000", known="widely", trade="wool markets", river="Tane")
    second = template.format(town="Brockley", county="Western", rank="third", kind="city", capital="Kingsford",
                             people="61,500", known="broadly", trade="wool trade", river="Lune")
    docs = [_doc("a", [first, STORY[0]]), _doc("b", [second, STORY[1]])]
    find_spun_versions(docs, Config())
    assert not any(d.spun_flag for d in docs)
    north = [p + " The north road and the north gate were closed, as was the northern car park." for p in STORY]
    south = [p.replace("north", "south") for p in north]
    docs = [_doc("north", north), _doc("south", south)]
    find_spun_versions(docs, Config())
    assert not any(d.spun_flag for d in docs)
    # a wire story's update in another house style: spelling variants are not swaps (one real swap left)
    british = ["The ministers reaffirmed their commitment to the accord to stabilise prices and to organise "
               "regular talks, and said the plan would be finalised in the spring after a long winter of debate."]
    american = [british[0].replace("accord", "pact").replace("stabilise", "stabilize")
                .replace("organise", "organize").replace("finalised", "finalized")]
    docs = [_doc("uk", british + STORY[:2]), _doc("us", american + STORY[2:])]
    find_spun_versions(docs, Config())
    assert not any(d.spun_flag for d in docs)


def test_crossdoc_finds_a_spun_copy_among_syndicated_copies():
    """A story republished word for word by many sites, and one spun copy: every key of the story is held
    by more paragraphs than MAX_POSTINGS, unless repeated paragraphs are indexed once."""
    _detector()
    from qualitycheck.spin.crossdoc import MAX_POSTINGS, find_spun_versions
    copies = [_doc(f"site{k}", STORY) for k in range(MAX_POSTINGS + 3)]
    spun = _doc("spun", _spin(STORY, rate=0.5, seed=2))
    find_spun_versions([*copies, spun], Config())
    assert spun.spun_flag and not any(d.spun_flag for d in copies)
    assert any(note.startswith("spun version of site0:") for note in spun.notes)


def test_spun_trailer_after_ad_tags_is_boilerplate_and_spin_evidence():
    """An auto-blog post ends "[ad_2]" then a spun "Source link": the boilerplate signal removes the line,
    and the spin signal still counts it as a fingerprint (with the original) in the document evidence."""
    _detector()
    from qualitycheck.checker import Checker
    text = "\n\n".join(["[ad_1]", *STORY[:3], "[ad_2]", "Informant link"])
    with_trailer = Checker().check(text)
    without = Checker().check("\n\n".join(["[ad_1]", *STORY[:3], "[ad_2]", "Source link"]))
    last = with_trailer.paragraphs[-1]
    assert "boilerplate" in last["labels"] and last["spun_spans"]
    hits = [e for e in with_trailer.spun["evidence"] if e.get("rule") == "fingerprint"]
    assert hits and hits[0]["original"] == "source link" and hits[0]["paragraph"] == last["index"]
    assert with_trailer.spun["score"] > without.spun["score"]


def test_photo_caption_not_labelled_spun_but_evidence_kept():
    """A caption carrying a spinner fingerprint keeps its evidence but gets no paragraph `spun` label."""
    _detector()
    from qualitycheck.signals.spin import CAPTION
    from qualitycheck.checker import Checker
    caption = ("Staff photographer / Getty Images A crowd waits outside the town hall as the assume tank's "
               "report on bus fares is read out, 2024. Staff photographer / Getty Visuals")
    assert CAPTION.search(caption) and not CAPTION.search(STORY[0])
    report = Checker().check("\n\n".join([*STORY[:3], caption]))
    last = report.paragraphs[-1]
    assert "spun" not in last["labels"]
    assert any(s.get("rule") == "fingerprint" for s in last["spun_spans"])


def test_scan_counts_include_the_folder_pass(tmp_path):
    """The examples' spun copy is flagged by the cross-document pass after the stream; the counts the
    scan returns (and prints) must be those of the final documents.jsonl, not of the stream."""
    _detector()
    import json
    from collections import Counter
    from qualitycheck.run import scan
    from tests.conftest import EXAMPLES
    result = scan([str(EXAMPLES)], tmp_path / "run", jobs=1, html=False)
    records = [json.loads(line) for line in (tmp_path / "run" / "documents.jsonl").read_text().splitlines()]
    assert any(e.get("rule") == "crossdoc" for r in records for e in r["spun"]["evidence"])
    assert result.verdicts == Counter(r["verdict"] for r in records)
    labels: Counter = Counter()
    for r in records:
        labels.update(r["labels"])
    assert result.labels == labels and labels["spun"] > 0


def test_reported_originals_come_from_the_likely_candidates():
    """A reported span names as its original the best LM fit among its likely originals (frequent entries
    with few neighbours of their own, the words a uniform spinner most probably replaced), not the best
    of the detector's probes; on spins of STORY by the project's spinners it is right at least as often."""
    from qualitycheck.spin import spinners
    from qualitycheck.spin.features import name_original
    from qualitycheck.spin.thesaurus import load

    detector = _detector()
    probe_right = likely_right = named = 0
    for name in ("wordnet", "aiksaurus"):
        spinner = spinners.ThesaurusSpinner(load((name,)), name)
        for seed in range(4):
            rng = random.Random(seed)
            for paragraph in STORY:
                spun = spinner.spin(paragraph, 0.5, rng)
                truth = {(r.start, r.end): r.original.lower() for r in spun.replacements}
                analysis, chosen, _ = detector.paragraph_local(spun.text)
                for span in chosen:
                    if span.fingerprint is not None or span.probability < 0.5:
                        continue
                    named += 1
                    allowed = {c[2] for c in detector.index.candidates(span.phrase, likely=True)}
                    assert span.original in allowed, (span.word, span.original)
                    if (span.start, span.end) not in truth:
                        continue
                    likely_right += span.original.lower() == truth[span.start, span.end]
                    # the probes' choice, as analyze() named it before name_original
                    probe = detector.analyze(spun.text)
                    first = next(s for s in probe.spans if (s.start, s.end) == (span.start, span.end))
                    probe_right += (first.original or "").lower() == truth[span.start, span.end]
                    name_original(first, probe, detector.view, detector.index)
                    assert first.original == span.original
    assert named > 10
    assert likely_right >= probe_right and likely_right > 0


def test_folder_pass_on_slim_copies_matches_the_whole_records(tmp_path):
    """The folder pass reads slim copies of the records (no span evidence) and merges what it adds into
    the full records afterwards; the result equals running it on every full record held in memory."""
    _detector()
    from qualitycheck.folder import apply_folder_change, cross_document_pass, document_from_record
    from qualitycheck.report.writers import read_documents
    from qualitycheck.run import scan
    from qualitycheck.scoring import build_report
    from qualitycheck.spin.crossdoc import find_spun_versions
    from tests.conftest import EXAMPLES

    config = Config()
    scan([str(EXAMPLES)], tmp_path / "run", jobs=1, html=False)
    records = read_documents(tmp_path / "run" / "documents.jsonl")
    # undo the pass: the stream's records are what the pass starts from
    stream = [dict(r, spun=dict(r["spun"], evidence=[e for e in r["spun"]["evidence"] if e.get("rule") != "crossdoc"]),
                   paragraphs=[dict(p, evidence=[e for e in p["evidence"] if e["rule"] != "spin.crossdoc"],
                                    spun_spans=[s for s in p["spun_spans"] if s.get("rule") != "crossdoc"])
                               for p in r["paragraphs"]],
                   notes=[n for n in r["notes"] if not n.startswith("spun version of")])
              for r in records]
    docs = [document_from_record(r) for r in stream]
    find_spun_versions(docs, config)
    reads = []

    def read_records():
        reads.append(1)
        return iter(stream)

    changes = cross_document_pass(read_records, config).changes
    assert changes and len(reads) == 2   # one pass to index the words, one to load the documents that pair up
    for position, (record, doc) in enumerate(zip(stream, docs)):
        if position in changes:
            assert apply_folder_change(record, changes[position], config) == build_report(doc, config).to_dict()
        else:
            assert not any(e.get("rule") == "crossdoc" for e in doc.spun_evidence)


def test_folder_pass_in_a_fresh_process_writes_what_the_scanning_process_does(tmp_path, monkeypatch):
    """A large scan runs its folder pass in a fresh interpreter (run.FRESH_PROCESS_DOCUMENTS, for memory); the
    run folder must be the one the pass run in place gives, and when no fresh interpreter can start, the pass
    runs in place and run.json says why."""
    _detector()
    import json
    from qualitycheck import run
    from tests.conftest import EXAMPLES

    def folder_of(name):
        scan_dir = tmp_path / name
        run.scan([str(EXAMPLES)], scan_dir, jobs=1, html=False)
        return (scan_dir / "documents.jsonl").read_bytes(), json.loads((scan_dir / "run.json").read_text())["folder_pass"]

    monkeypatch.setattr(run, "FRESH_PROCESS_DOCUMENTS", 10**9)
    in_place, note = folder_of("in-place")
    assert b"spun version of" in in_place and "1 document(s) changed" in note
    monkeypatch.setattr(run, "FRESH_PROCESS_DOCUMENTS", 1)
    assert folder_of("fresh") == (in_place, note)
    monkeypatch.setattr(run.sys, "executable", str(tmp_path / "no-such-python"))
    records, fallback_note = folder_of("fallback")
    assert records == in_place
    assert fallback_note.startswith(note) and "run in the scanning process: cannot start" in fallback_note


@pytest.mark.parametrize("screen", [True, False])
def test_batched_analysis_changes_no_score(monkeypatch, screen):
    """Long documents are analysed a few paragraphs at a time (to bound memory); the scores, spans and
    features must be those of analysing the whole document at once (up to float rounding: numpy's matrix
    product may round the last bit differently for a matrix of another shape)."""
    from qualitycheck.spin import detector as detector_module
    detector = _detector()
    paragraphs = STORY + _spin(STORY) + [None] + STORY[:2]
    whole = detector.document(paragraphs, screen=screen)
    monkeypatch.setattr(detector_module, "BATCH_CHARS", 300)   # every paragraph its own batch
    assert len(detector_module._batches(paragraphs, 300)) >= len(paragraphs) - 1
    batched = detector.document(paragraphs, screen=screen)
    close = functools.partial(pytest.approx, rel=1e-9, abs=1e-12)
    assert batched.score == close(whole.score)
    for a, b in zip(whole.paragraphs, batched.paragraphs):
        assert (a is None) == (b is None)
        if a is None:
            continue
        assert a.score == close(b.score) and a.n_content == b.n_content
        assert list(a.features) == close(list(b.features))
        assert [(s.start, s.end, s.original) for s in a.spans] == [(s.start, s.end, s.original) for s in b.spans]
        assert [s.probability for s in a.spans] == close([s.probability for s in b.spans])


def test_batches_cover_every_paragraph_once():
    from qualitycheck.spin.detector import _batches
    texts = ["a" * 40, None, "b" * 70, "c" * 10, "", "d" * 200, "e" * 5]
    ranges = _batches(texts, 100)
    assert [i for lo, hi in ranges for i in range(lo, hi)] == list(range(len(texts)))
    assert all(hi > lo for lo, hi in ranges)
    assert (5, 6) in ranges     # longer than the limit: a batch of its own
    assert _batches([], 100) == []


@pytest.mark.parametrize("neighbour_key", ["mean", "rarest"])
def test_merged_group_ranking_equals_sorting_all_neighbours(neighbour_key):
    """ranked_neighbours merges per-group rankings lazily; the order must be the stable sort of every
    neighbour (Thesaurus.neighbours order) by the rank key, ties included, in both rank modes and with
    either key for multi-word entries."""
    import math

    from qualitycheck.spin.features import RANKED_FIRST, CandidateIndex

    detector = _detector()
    index = CandidateIndex(detector.index.thesaurus, detector.view, neighbour_key=neighbour_key)
    unigram = detector.view.unigram

    def key(w: str, score: float, likely: bool) -> float:
        if likely:
            return score - math.log10(index.thesaurus.neighbour_count(w) or 1)
        if neighbour_key == "rarest":
            return min(unigram(part) for part in w.split(" "))
        return score / (w.count(" ") + 1)

    def sorted_all(lemma: str, likely: bool) -> tuple[str, ...]:
        scored = []
        for w in index.thesaurus.neighbours(lemma):
            score = index._entry_score(w)
            if score is not None:
                scored.append((key(w, score, likely), w))
        scored.sort(key=lambda x: -x[0])
        return tuple(w for _, w in scored)

    lemmas = random.Random(3).sample(sorted(index.thesaurus.index), 1500) + ["month", "first", "think", "image"]
    for lemma in lemmas:
        for likely in (False, True):
            expected = sorted_all(lemma, likely)
            assert index.ranked_neighbours(lemma, likely, whole=True) == expected, (lemma, likely)
            # the memoised prefix: the first RANKED_FIRST, or the first 32 once more were asked for
            short = index.ranked_neighbours(lemma, likely)
            assert short == expected[:len(short)], (lemma, likely)
            assert len(short) in (min(RANKED_FIRST[likely], len(expected)), min(32, len(expected))), (lemma, likely)
            assert index.ranked_neighbours(lemma, likely, more=True) == expected[:32], (lemma, likely)
            assert index.ranked_neighbours(lemma, likely) == expected[:32], (lemma, likely)


def test_weights_choose_how_probes_rank_multi_word_neighbours():
    """The neighbour key is part of the weights (the span model learnt from the probes it gave): weights
    without one keep the mean key. With the mean, entries padded with function words come first ("give a
    hand" before "help" for "assist"); the rarest-word key puts single common words first."""
    from qualitycheck.spin.detector import SpinDetector
    from qualitycheck.spin.features import CandidateIndex

    detector = _detector()
    assert SpinDetector(detector.view, {}).index.neighbour_key == "mean"
    assert SpinDetector(detector.view, {"neighbour_key": "rarest"}).index.neighbour_key == "rarest"
    with pytest.raises(ValueError, match="neighbour_key"):
        CandidateIndex(detector.index.thesaurus, detector.view, neighbour_key="median")
    mean = CandidateIndex(detector.index.thesaurus, detector.view, neighbour_key="mean")
    rarest = CandidateIndex(detector.index.thesaurus, detector.view, neighbour_key="rarest")
    probes_mean = [c[2] for c in mean.candidates("assist")]
    probes_rarest = [c[2] for c in rarest.candidates("assist")]
    assert "help" not in probes_mean and "help" in probes_rarest
    assert sum(" " in w for w in probes_rarest) < sum(" " in w for w in probes_mean)


def test_each_group_is_ranked_once_by_the_default_key(monkeypatch):
    """The default-key group rankings are kept in a flat table once made (a bounded memo re-ranked most groups
    again and again); the likely-original key keeps its bounded memo."""
    from collections import Counter

    from qualitycheck.spin.features import CandidateIndex

    detector = _detector()
    index = CandidateIndex(detector.index.thesaurus, detector.view)
    made: Counter = Counter()
    scored_members = CandidateIndex._scored_members
    monkeypatch.setattr(CandidateIndex, "_scored_members",
                        lambda self, gid, likely: made.update([(gid, likely)]) or scored_members(self, gid, likely))
    lemmas = random.Random(5).sample(sorted(index.thesaurus.index), 4000)
    first = [index.ranked_neighbours(lemma, whole=True) for lemma in lemmas]
    groups = {gid for lemma in lemmas for gid in index.thesaurus.index[lemma]}
    assert len(groups) > 5000                      # more than the old memo held
    assert set(made) == {(gid, False) for gid in groups} and max(made.values()) == 1
    assert [index.ranked_neighbours(lemma, whole=True) for lemma in lemmas] == first
    assert max(made.values()) == 1                 # the second pass ranked nothing again
    assert [index.ranked_neighbours(lemma, more=True) for lemma in lemmas] == [r[:32] for r in first]
    assert max(made.values()) == 1


def test_candidates_read_from_the_memoised_prefixes_match_the_whole_ranking():
    """candidates() reads a lemma's ranking from a short memoised prefix, a longer one when that runs out, then
    the whole ranking: the candidates must be those a walk over the whole ranking finds (the walk below is the
    loop before the prefixes were tiered), memos cold and warm, in both rank modes."""
    from qualitycheck.memo import MISSING
    from qualitycheck.spin import morph
    from qualitycheck.spin.features import MAX_CANDIDATES, ORIGINAL_CANDIDATES, RANKED_FIRST, CandidateIndex
    from qualitycheck.spin.words import spelling_variant

    detector = _detector()
    index = CandidateIndex(detector.index.thesaurus, detector.view)

    def walk(phrase: str, likely: bool) -> list:
        limit = ORIGINAL_CANDIDATES if likely else MAX_CANDIDATES
        seen: dict = {}
        for lemma, tag in index.readings(phrase):
            accepted = 0
            for neighbour in index.ranked_neighbours(lemma, likely, whole=True):
                if accepted == limit:
                    break
                surface = morph.inflect(neighbour, tag)
                if surface in seen or surface == phrase or not surface.replace(" ", "").isalpha():
                    continue
                if spelling_variant(surface, phrase):
                    continue
                cand = index._surfaces.get(surface, MISSING)
                if cand is MISSING:
                    cand = index._candidate(surface)
                if cand is None:
                    continue
                seen[surface] = cand
                accepted += 1
        return sorted(seen.values(), key=lambda c: -c[1])[:limit]

    rng = random.Random(9)
    lemmas = rng.sample(sorted(w for w in index.thesaurus.index if " " not in w), 1500)
    phrases = [morph.inflect(w, rng.choice(["", "", "s", "ed", "ing"])) for w in lemmas]
    phrases += rng.sample(sorted(index.phrase_forms), 300)
    deep = 0
    for likely in (False, True):
        for _ in range(2):   # cold memos, then warm
            for phrase in phrases:
                expected = walk(phrase, likely)
                assert index.candidates(phrase, likely) == expected, (phrase, likely)
        memo = index._ranked_likely if likely else index._ranked
        deep += sum(len(r) > RANKED_FIRST[likely] for r in memo.values())
    assert deep > 0   # some lemmas needed more than the short prefix
