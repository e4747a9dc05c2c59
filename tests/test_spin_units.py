"""Unit tests of the spin pieces that need no language model: morphology, thesaurus tables, spinners,
fingerprints and cross-document swap finding. Fixture sentences are written for these tests."""
from __future__ import annotations

import random

import numpy as np

from qualitycheck.spin import morph, spinners
from qualitycheck.spin.crossdoc import swaps_between
from qualitycheck.spin.fingerprints import load as load_fingerprints
from qualitycheck.spin.logistic import fit
from qualitycheck.spin.thesaurus import load

TEXT = ("The council said on Monday that the cost of housing had climbed steadily over the last decade, "
        "and residents expected further increases in the coming months as the argument continues.")


def test_lemmas_and_inflect_round_trip():
    assert ("year", "s") in morph.lemmas("years")
    assert ("come", "ed") in morph.lemmas("came")
    assert ("carry", "s") in morph.lemmas("carries")
    assert morph.inflect("twelvemonth", "s") == "twelvemonths"
    assert morph.inflect("take off", "ed") == "took off"
    assert morph.inflect("leap year", "s") == "leap years"
    assert morph.inflect("increase", "ing") == "increasing"


def test_thesaurus_tables_have_both_sources():
    wordnet = load(("wordnet",))
    aik = load(("aiksaurus",))
    assert "twelvemonth" in wordnet.neighbours("year")
    assert "year" not in wordnet.neighbours("year")
    assert len(aik.neighbours("month")) > 3
    both = load()
    assert set(wordnet.neighbours("year")) <= set(both.neighbours("year"))


def test_spinners_replace_at_rate_and_record_offsets():
    for name in ("wordnet", "aiksaurus"):
        spinner = spinners.ThesaurusSpinner(load((name,)), name)
        light = spinner.spin(TEXT, 0.15, random.Random(3))
        heavy = spinner.spin(TEXT, 0.9, random.Random(3))
        assert len(heavy.replacements) > len(light.replacements) >= 0
        assert heavy.text != TEXT
        for r in heavy.replacements:
            assert heavy.text[r.start:r.end] == r.replacement
            assert r.replacement.lower() != r.original.lower()
        # names, numbers and stopwords are kept
        assert "Monday" in heavy.text and "The council" in heavy.text or "The" in heavy.text


def test_phrase_spinner_uses_common_phrases():
    spinner = spinners.PhraseSpinner(load(("wordnet",)), {}, min_count=0,
                                     phrases={"since": ["considering that"], "month": ["four weeks"]})
    out = spinner.spin("He has lived there since the strike last month.", 1.0, random.Random(0))
    assert "considering that" in out.text or "four weeks" in out.text


def test_fingerprints_load_with_sources():
    table = load_fingerprints()
    assert table, "fingerprint file is empty"
    for fp in table.phrases.values():
        assert fp.original and fp.seen
    assert table.patterns and table.trailers, "regex and trailer fingerprints missing"
    for item in [*table.patterns, *table.trailers]:
        assert item.original and item.seen


def test_trailer_fingerprint_generated_from_thesaurus():
    table = load_fingerprints()
    # spellings made up for this test from thesaurus neighbours of "source" and "link"
    for line in ("Origin link", "Informant connection", "Root link:"):
        hit = table.trailer(line)
        assert hit is not None and hit.original == "source link", line
    for line in ("Source link", "Railway link", "The source of the link was unclear"):
        assert table.trailer(line) is None, line


def test_number_artefact_patterns():
    table = load_fingerprints()
    assert table.pattern_hits("It closed 30-six many years ago.")
    assert not table.pattern_hits("She won 6-3 6-2 after 24 years and many years of work; how many years?")


def test_crossdoc_swaps_found_and_edits_ignored():
    thes = load()
    a = "the two sides agreed to help each other in the coming month the minister said".split()
    b = "the two sides agreed to assist each other in the approaching month the minister said".split()
    assert {("help", "assist"), ("coming", "approaching")} <= set(swaps_between(a, b, thes))
    c = "the two sides agreed on tuesday to help each other in the month of may the minister says".split()
    d = "the two sides agreed on friday to help each other in the month of june the minister said".split()
    assert swaps_between(c, d, thes) == []
    # a word written open or hyphenated on one side and closed on the other is house style: "north-east" once
    # counted as two swaps (north -> northeast, east -> northeast) and flagged an original story spun
    e = "flooding hit towns in the north east of england and rail services were cut".split()
    f = "flooding hit towns in the northeast of england and rail services were cut".split()
    assert swaps_between(e, f, thes) == []
    g = "readers can e mail the council or visit the town hall".split()
    h = "readers can email the council or call at the town hall".split()
    assert all("mail" not in pair[0] for pair in swaps_between(g, h, thes))


def test_logistic_fit_separates():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 2))
    y = (x[:, 0] + 0.2 * rng.normal(size=400) > 0).astype(float)
    model = fit(x, y)
    acc = np.mean((model.predict(x) > 0.5) == (y > 0.5))
    assert acc > 0.9
    assert model.coef[0] > abs(model.coef[1])


def test_recent_cache_stays_bounded_and_keeps_recently_used():
    from qualitycheck.memo import MISSING, RecentCache

    cache = RecentCache(10)
    for k in range(10):
        assert cache.put(k, str(k)) == str(k)
    assert cache.recall(0) == "0"          # 0 is now the most recently used
    assert cache.recall(99) is MISSING
    cache.put(10, "10")                      # full: the older half (1..5) goes, 0 stays
    assert len(cache) <= 10
    assert 0 in cache and 10 in cache and 1 not in cache
    for k in range(1000):
        cache.put(("many", k), k)
    assert len(cache) <= 10
    cache.put("none", None)                  # a stored None is a hit, not a miss
    assert cache.recall("none") is None


def test_fingerprint_pattern_gate_skips_only_paragraphs_without_it():
    import re

    from qualitycheck.spin.fingerprints import FingerprintTable, Pattern, load

    table = FingerprintTable(patterns=[Pattern(re.compile(r"\bspam+\b", re.IGNORECASE), "x", "test", "spam")])
    assert table.pattern_hits("a SPAMM line")          # gate compared case-insensitively
    assert not table.pattern_hits("nothing here")
    gated = FingerprintTable(patterns=[Pattern(re.compile(r"\bspam+\b", re.IGNORECASE), "x", "test", "eggs")])
    assert not gated.pattern_hits("a spam line")       # no gate text: the regex is not run
    shipped = load()
    assert all(p.gate for p in shipped.patterns)
    assert [h[2].original for h in shipped.pattern_hits("Some 20-four many years later")] == ["twenty-four", "N years"]


def test_crossdoc_candidate_pairs_count_shared_words_across_documents():
    """Pairs of paragraphs of different documents that share at least min_shared keys, in (u, v) order
    whatever the index's order; same-document pairs and keys held by too many paragraphs do not count."""
    from array import array

    from qualitycheck.spin.crossdoc import MAX_POSTINGS, _candidate_pairs

    def pairs(index: dict[str, list[int]]) -> list[tuple[int, int]]:
        keys, owners = array("q"), array("i")
        for word, postings in index.items():
            keys.extend([hash(word)] * len(postings))
            owners.extend(postings)
        return _candidate_pairs(keys, owners, array("i", [0, 0, 1, 2, 3] + [9] * 100), min_shared=4)

    index = {f"w{k}": [0, 2] for k in range(4)}            # units 0 and 2 share four words
    index.update({f"x{k}": [1, 3] for k in range(3)})      # units 1 and 3 only three
    index.update({f"s{k}": [0, 1] for k in range(9)})      # same document: never a pair
    index.update({f"c{k}": [k % 5 for k in range(MAX_POSTINGS + 1)] for k in range(5)})  # too common
    shuffled = dict(reversed(list(index.items())))
    assert pairs(index) == pairs(shuffled) == [(0, 2)]
    index.update({"x3": [1, 3]})
    assert pairs(index) == [(0, 2), (1, 3)]
    # postings of every length up to MAX_POSTINGS count: units 0, 2 and 4 share words held by 3..12 units
    # (the others, units 5 and up, hold one word each)
    fresh = iter(range(5, 105))
    index = {f"m{k}": [0, 2, 4] + [next(fresh) for _ in range(k - 3)] for k in range(3, MAX_POSTINGS + 1)}
    assert pairs(index) == [(0, 2), (0, 4), (2, 4)]


def test_word_diff_of_long_versions_is_cut_at_shared_unique_words():
    """Cross-document alignment diffs two versions word by word. Up to DIFF_WORDS words it is difflib's diff
    exactly; longer lists are cut at words unique in both (twelfth session: difflib alone grew ~8x per doubling
    and took minutes on two 20,000-word pages), and every swap is still found."""
    import difflib
    import random

    from qualitycheck.spin import crossdoc

    rng = random.Random(2)
    vocab = [f"w{i}" for i in range(60)] + ["the", "of", "a"] * 10
    for _ in range(1000):
        a = [rng.choice(vocab) for _ in range(rng.randint(0, 120))]
        b = list(a)
        for _ in range(rng.randint(0, 6)):
            roll = rng.random()
            if b and roll < 0.5:
                b[rng.randrange(len(b))] = rng.choice(vocab)
            elif roll < 0.75:
                b.insert(rng.randint(0, len(b)), rng.choice(vocab))
            elif b:
                del b[rng.randrange(len(b))]
        want = [op for op in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes() if op[0] != "equal"]
        assert list(crossdoc._changes(a, b)) == want

    sizes = []
    real = difflib.SequenceMatcher

    class Counting(real):
        def __init__(self, *args, a=(), b=(), **kwargs):
            sizes.append(max(len(a), len(b)))
            super().__init__(*args, a=a, b=b, **kwargs)

    words = [f"v{i}" for i in range(3000)]
    a = rng.choices(words, [1 / (i + 1) for i in range(len(words))], k=20_000)
    b = list(a)
    swapped = list(range(0, len(b), 300))
    for k in swapped:
        b[k] = "replacement"
    difflib.SequenceMatcher = Counting
    try:
        changes = list(crossdoc._changes(a, b))
    finally:
        difflib.SequenceMatcher = real
    assert [(i1, j1) for _, i1, _, j1, _ in changes] == [(k, k) for k in swapped]
    assert max(sizes) <= crossdoc.DIFF_WORDS


def test_swapped_words_are_found_in_any_case_and_either_apostrophe():
    from qualitycheck.spin.crossdoc import _swap_spans

    text = "They didn’t come. Each  Individual other said so."
    spans = _swap_spans(text, [("didn't", "did not"), ("each individual", "each")], "src")
    assert [text[s["start"]:s["end"]] for s in spans] == ["didn’t", "Each  Individual"]


def test_neighbour_count_counts_the_neighbours():
    """Thesaurus.neighbour_count counts a set of the word's group members; it must equal len(neighbours())."""
    from qualitycheck.spin.thesaurus import Thesaurus

    small = Thesaurus([["big", "large", "huge"], ["large", "big", "vast"], ["big"], ["huge", "huge", "enormous"]])
    assert {w: small.neighbour_count(w) for w in ("big", "large", "huge", "vast", "enormous", "absent")} == {
        "big": 3, "large": 3, "huge": 3, "vast": 2, "enormous": 1, "absent": 0}
    thesaurus = load()
    for word in random.Random(4).sample(sorted(thesaurus.index), 3000):
        assert thesaurus.neighbour_count(word) == len(thesaurus.neighbours(word)), word


def test_compact_thesaurus_keeps_every_reading_and_neighbour():
    """Thesaurus stores each word once, groups as tuples and a form's single reading without a wrapping tuple
    (memory per scan worker); what it answers must equal the plain construction: every surface form's
    readings in order, and every word's neighbours in order."""
    from qualitycheck.spin import thesaurus
    from qualitycheck.spin.morph import inflect
    from qualitycheck.spin.thesaurus import readings_of

    # split() makes a new string object per occurrence, as reading the table files does
    groups = [line.split("|") for line in ("give up|quit|cease", "give up|surrender", "quit|leave|go away",
                                           "go away|depart", "leave|go away")]
    assert groups[0][0] is not groups[1][0]
    thes = thesaurus.Thesaurus(groups)
    plain: dict = {}
    for word in dict.fromkeys(w for g in groups for w in g):
        if " " in word:
            for tag in ("", "s", "ed", "ing"):
                form = inflect(word, tag)
                plain[form] = plain.get(form, ()) + ((word, tag),)
    forms = thes.phrase_forms()
    assert set(forms) == set(plain)
    for form, readings in plain.items():
        assert readings_of(forms[form]) == readings
    assert "not a phrase" not in forms
    assert thes.neighbours("quit") == ("give up", "cease", "leave", "go away")
    assert thes.neighbours("go away") == ("quit", "leave", "depart")
    assert thes.index["go away"] == (2, 3, 4)
    first, second = thes.groups[0][0], thes.groups[1][0]
    assert first == second == "give up" and first is second     # one string object per word

    shipped = thesaurus.load()
    several = [form for form, value in shipped.phrase_forms().items() if not isinstance(value[0], str)]
    assert several and all(len(readings_of(shipped.phrase_forms()[form])) > 1 for form in several[:50])


def test_web_counts_read_like_the_dict_they_replace(monkeypatch):
    """features.WebCounts holds the web counts as sorted hashes and values: every word gives its own
    count, other words the default, and if two table words share a hash it falls back to a plain dict."""
    from qualitycheck.spin import features

    counts = {f"w{k}": k / 7 for k in range(2000)} | {"": 0.5, "naïve": 1.25, "co-op": 2.5}
    table = features.WebCounts(counts.items())
    assert len(table) == len(counts) and table._exact is None
    assert all(table.get(word, -1.0) == value for word, value in counts.items())
    assert all(table.get(word, -1.0) == -1.0 for word in ("w2000", "W1", "naive", "co op", " "))
    shipped = features.web_tables()
    assert len(shipped) == 150_000 and shipped.get("the", 0.0) > 10.0 and shipped.get("qqzzxq", 4.0) == 4.0
    monkeypatch.setattr(features, "hash", lambda word: len(word), raising=False)
    crowded = features.WebCounts(counts.items())
    assert crowded._exact is not None
    assert all(crowded.get(word, -1.0) == value for word, value in counts.items()) and crowded.get("w9999", -1.0) == -1.0


def test_spun_label_needs_evidence_of_its_own():
    """The paragraph model reads the whole document, so an untouched headline inside a spun document can
    score high with no candidate word of its own; it is not labelled spun without a span at or above
    OWN_EVIDENCE_FLOOR or a fingerprint. Scores are left as they are."""
    from qualitycheck.spin.detector import OWN_EVIDENCE_FLOOR, DocumentResult, ParagraphResult
    from qualitycheck.spin.features import Span
    from qualitycheck.spin.fingerprints import Fingerprint

    def span(probability, fingerprint=None):
        return Span(0, 1, 0, 4, "word", None, fingerprint=fingerprint, probability=probability)

    def paragraph(*spans):
        return ParagraphResult(0.9, list(spans), np.zeros(1), 5)

    fingerprint = Fingerprint(("counterfeit", "consciousness"), "artificial intelligence", "test")
    weak = OWN_EVIDENCE_FLOOR / 2
    result = DocumentResult(0.95, [paragraph(), paragraph(span(weak)), paragraph(span(OWN_EVIDENCE_FLOOR)),
                                   paragraph(span(weak, fingerprint)), None])
    assert result.paragraph_labels(0.5, 0.5, 0.5) == [False, False, True, True, False]
    assert [r.score for r in result.paragraphs if r] == [0.9] * 4
    # without the requirement (None) the score alone decides, as before
    assert result.paragraph_labels(0.5, 0.5, 0.5, None) == [True, True, True, True, False]


def test_own_evidence_floor_is_the_weak_span_floor():
    """Every labelled paragraph has a word to show: the report lists spans down to WEAK_SPAN_FLOOR."""
    from qualitycheck.signals.spin import WEAK_SPAN_FLOOR
    from qualitycheck.spin.detector import OWN_EVIDENCE_FLOOR
    assert OWN_EVIDENCE_FLOOR == WEAK_SPAN_FLOOR
