"""The shared LM tokenizer and the shipped default model (qualitycheck.lm)."""
from __future__ import annotations

import gzip
import importlib.util
import math
import random
from pathlib import Path

import numpy as np
import pytest

from qualitycheck.lm import model as lm_model
from qualitycheck.lm.model import (DEFAULT_MODEL_NAME, MODELS_DIR, LanguageModel, ModelNotFound,
                                   default_model, get_model, read_sidecar)
from qualitycheck.lm.tokenize import TOKENIZER_VERSION, normalize, tokenize, tokenize_with_spans

REPO = Path(__file__).resolve().parents[1]

# Our own fixture prose (written for these tests).
SENTENCES = [
    "The city council voted on Tuesday to raise the budget for public schools by five percent.",
    "Officials said the new bridge would open to traffic early next year after repeated delays.",
    "The company reported higher profits in the third quarter, helped by strong sales abroad.",
    "Police said two men had been arrested and charged in connection with the robbery.",
    "The minister told reporters that the government had no plans to change the law.",
    "Heavy rain caused flooding in several towns and forced hundreds of families from their homes.",
]


# --- tokenizer ---------------------------------------------------------------------------------

def test_spans_point_into_original_text():
    text = "\u201cWe\u2019re ready,\u201d said Ms\u00a0O\u2019Neil \u2014 in 2023\u2026 \ufb01nally: 3,000,000 votes."
    toks = tokenize_with_spans(text)
    assert [t for t, _, _ in toks] == [
        '"', "we're", "ready", ",", '"', "said", "ms", "o'neil", "-", "in", "0000", "...",
        "finally", ":", "0,000,000", "votes", "."]
    for tok, start, end in toks:
        piece = text[start:end]
        # The token is the normalised form of exactly the characters its span covers.
        assert tokenize(piece) == [tok], (tok, piece)
    starts = [s for _, s, _ in toks]
    assert starts == sorted(starts)


def test_invisible_characters_inside_words_do_not_cut_them():
    # scraped text carries soft hyphens and zero-width characters inside words; the word keeps its span
    text = "It op\u00adened on Mon\u200bday, re\u2060built and sched\u200duled."
    toks = tokenize_with_spans(text)
    assert [t for t, _, _ in toks] == ["it", "opened", "on", "monday", ",", "rebuilt", "and", "scheduled", "."]
    assert text[toks[1][1]:toks[1][2]] == "op\u00adened"
    # beside a space or punctuation one stays a token of its own, as the shipped model's training text has it
    assert tokenize("ratio \u2060a\u2060 to b") == ["ratio", "\u2060", "a", "\u2060", "to", "b"]


def test_normalize_is_joined_tokens_and_is_idempotent():
    text = "  Breaking:   The U.S. economy grew 2.5% in Q3 -- analysts' forecasts were \"too low\"!  "
    norm = normalize(text)
    assert norm == " ".join(tokenize(text))
    assert "  " not in norm and norm == norm.strip()
    assert normalize(norm) == norm          # training text re-normalised is unchanged
    assert norm == norm.lower()
    assert not any(c.isdigit() and c != "0" for c in norm)


def test_tokenizer_never_emits_kenlm_specials_or_whitespace():
    text = "<s> </s> <unk> tab\there\nnew line \u2003em-space"
    toks = tokenize(text)
    assert not {"<s>", "</s>", "<unk>"} & set(toks)
    assert all(t and not any(c.isspace() for c in t) for t in toks)


def test_empty_and_symbol_only_text():
    assert tokenize("") == []
    assert tokenize("   \n\t ") == []
    assert tokenize("***") == ["*", "*", "*"]


def test_build_script_uses_the_shared_tokenizer():
    spec = importlib.util.spec_from_file_location("prepare_corpus", REPO / "models" / "prepare_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.normalize is normalize


# --- shipped model -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def lm() -> LanguageModel:
    if not (MODELS_DIR / DEFAULT_MODEL_NAME).exists():
        pytest.fail(f"default model missing at {MODELS_DIR / DEFAULT_MODEL_NAME}: it is committed to the repo")
    return default_model()


def test_default_model_loads_with_metadata(lm):
    assert lm.language == "en"
    assert lm.order >= 3
    assert lm.path == (MODELS_DIR / DEFAULT_MODEL_NAME).resolve()
    meta = read_sidecar(lm.path)
    assert meta["tokenizer_version"] == TOKENIZER_VERSION
    assert lm.covers("en") and not lm.covers("fr") and not lm.covers(None)


def test_default_model_is_cached_per_process(lm):
    assert default_model() is lm
    assert get_model(None) is lm
    assert get_model(str(MODELS_DIR / DEFAULT_MODEL_NAME)) is lm
    assert LanguageModel.load(None) is lm
    assert LanguageModel.load(None, cached=False) is not lm


def test_load_cache_notices_a_rewritten_model(tmp_path):
    import os
    from qualitycheck.lm.train import train_arpa

    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(SENTENCES) + "\n", encoding="utf-8")
    out = tmp_path / "m.arpa"
    train_arpa([str(corpus)], str(out), order=2, language="en")
    first = LanguageModel.load(str(out))
    assert LanguageModel.load(str(out)) is first
    train_arpa([str(corpus)], str(out), order=3, language="en")
    st = out.stat()
    os.utime(out, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))   # coarse clocks: force a new stamp
    second = LanguageModel.load(str(out))
    assert second is not first and second.order == 3


def test_shipped_files_are_small_enough_to_commit():
    total = (MODELS_DIR / DEFAULT_MODEL_NAME).stat().st_size + (MODELS_DIR / "en-unigrams.tsv.gz").stat().st_size
    assert total <= 30 * 1024 * 1024


def test_score_text_shapes_and_perplexity_definition(lm):
    text = SENTENCES[0]
    r = lm.score_text(text)
    n = len(r.tokens)
    assert r.tokens == tokenize(text)
    assert [text[a:b] for a, b in r.spans][:2] == ["The", "city"]
    assert r.logprobs.shape == r.oov.shape == r.ngram_lengths.shape == (n + 1,)
    assert np.all(r.logprobs < 0)
    assert np.all((r.ngram_lengths >= 1) & (r.ngram_lengths <= lm.order))
    assert r.perplexity == pytest.approx(10 ** (-r.logprobs.mean()))
    # Agrees with KenLM's own sentence score of the normalised text.
    assert r.logprobs.sum() == pytest.approx(lm._m.score(normalize(text), bos=True, eos=True), abs=1e-4)
    assert np.array_equal(lm.score_tokens(r.tokens), r.logprobs)
    assert lm.score_tokens(r.tokens, bos=False, eos=False).shape == (n,)


def test_scores_are_deterministic(lm):
    a = lm.score_text(SENTENCES[1])
    b = lm.score_text(SENTENCES[1])
    c = LanguageModel.load(None, cached=False).score_text(SENTENCES[1])
    assert np.array_equal(a.logprobs, b.logprobs) and np.array_equal(a.logprobs, c.logprobs)
    assert a.perplexity == b.perplexity == c.perplexity


def test_empty_paragraph_has_no_perplexity(lm):
    r = lm.score_text("   ")
    assert r.tokens == [] and r.perplexity is None and r.logprobs.shape == (1,)


def test_real_sentences_beat_shuffled_words(lm):
    rng = random.Random(7)
    for text in SENTENCES:
        words = text.split()
        shuffled = words[:]
        while shuffled == words:
            rng.shuffle(shuffled)
        real, mixed = lm.perplexity(text), lm.perplexity(" ".join(shuffled))
        assert real < mixed, (text, real, mixed)


def test_synonym_swaps_raise_perplexity(lm):
    # Context-blind synonym swaps (what a spinner does) should read as less probable.
    clean = "The prime minister said the talks would continue next week."
    spun = "The top clergyman stated the discussions would proceed following week."
    assert lm.perplexity(spun) > 1.5 * lm.perplexity(clean)


def test_oov_and_vocabulary(lm):
    r = lm.score_text("The zqxjvbw arrived.")
    assert r.oov.tolist() == [False, True, False, False, False]
    assert lm.contains("the") and not lm.contains("zqxjvbw")
    assert lm.contains("don't")                   # apostrophes stay inside words
    assert lm.unigram_logprob("the") > lm.unigram_logprob("harbour") > lm.unigram_logprob("zqxjvbw")
    assert lm.unigram_logprob("zqxjvbw") == lm.unigram_logprob("qqqqzzzz")   # both <unk>
    with pytest.raises(ValueError):
        lm.unigram_logprob("two words")


def test_unigram_counts_file_matches_tokenizer():
    path = MODELS_DIR / "en-unigrams.tsv.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for _, line in zip(range(5000), f)]
    counts = [int(c) for _, c in rows]
    assert counts == sorted(counts, reverse=True)
    assert rows[0][0] == "the"
    for word, _ in rows:
        assert tokenize(word) == [word], word


def test_env_var_and_missing_model(tmp_path, monkeypatch):
    from qualitycheck.lm.train import train_arpa

    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(SENTENCES) + "\n", encoding="utf-8")
    out = tmp_path / "tiny.arpa"
    train_arpa([str(corpus)], str(out), order=2, language="en")
    monkeypatch.setenv("QUALITYCHECK_MODEL", str(out))
    m = LanguageModel.load()
    assert m.path == out.resolve() and m.order == 2
    with pytest.raises(ModelNotFound):
        LanguageModel.load(str(tmp_path / "nope.kenlm"))
    monkeypatch.setenv("QUALITYCHECK_MODEL", str(tmp_path / "missing.kenlm"))
    with pytest.raises(ModelNotFound):
        lm_model.resolve_model_path(None)


def test_model_without_language_covers_nothing(tmp_path):
    from qualitycheck.lm.train import train_arpa

    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(SENTENCES) + "\n", encoding="utf-8")
    out = tmp_path / "tiny.arpa"
    train_arpa([str(corpus)], str(out), order=2, language="en")
    (tmp_path / "tiny.arpa.json").unlink()
    m = LanguageModel.load(str(out))
    assert m.language is None and not m.covers("en")
    assert LanguageModel.load(str(out), language="en").covers("en")


def test_tokenizer_version_mismatch_refused(tmp_path):
    import json
    from qualitycheck.lm.train import train_arpa

    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(SENTENCES) + "\n", encoding="utf-8")
    out = tmp_path / "tiny.arpa"
    train_arpa([str(corpus)], str(out), order=2, language="en")
    side = tmp_path / "tiny.arpa.json"
    meta = json.loads(side.read_text())
    meta["tokenizer_version"] = TOKENIZER_VERSION + 1
    side.write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="tokenizer version"):
        LanguageModel.load(str(out))


def test_perplexity_is_finite_for_odd_text(lm):
    for text in ["\u4e2d\u6587\u6587\u672c", "!!!???", "a " * 500, "\u00e9t\u00e9 \u00fcber na\u00efve"]:
        ppl = lm.perplexity(text)
        assert ppl is not None and math.isfinite(ppl) and ppl > 1


def test_model_pickles_by_path_for_worker_processes(lm):
    import pickle

    clone = pickle.loads(pickle.dumps(lm))
    assert clone is lm                       # same process: the cached instance
    assert clone.score_text(SENTENCES[2]).perplexity == lm.score_text(SENTENCES[2]).perplexity


def test_model_in_a_spawned_worker(lm):
    import multiprocessing as mp

    with mp.get_context("spawn").Pool(1) as pool:
        ppl = pool.apply(_worker_perplexity, (lm, SENTENCES[3]))
    assert ppl == pytest.approx(lm.perplexity(SENTENCES[3]))


def _worker_perplexity(model: LanguageModel, text: str) -> float:
    return model.perplexity(text)


def test_score_tokens_rejects_tokens_kenlm_would_split(lm):
    with pytest.raises(ValueError, match="whitespace"):
        lm.score_tokens(["two words", "here"])
    with pytest.raises(ValueError):
        lm.score_tokens(["", "x"])


def test_cjk_characters_are_single_tokens():
    text = "\u6771\u4eac\u3067 2023\u5e74, Hello \u4e16\u754c \uff76\uff80"
    toks = tokenize_with_spans(text)
    assert [t for t, _, _ in toks] == ["\u6771", "\u4eac", "\u3067", "0000", "\u5e74", ",", "hello",
                                       "\u4e16", "\u754c", "\u30ab", "\u30bf"]
    assert all(e - s == 1 for t, s, e in toks if len(t) == 1 and t.isalpha() and not t.isascii())
