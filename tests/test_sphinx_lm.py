"""scripts/sphinx_lm_to_arpa.py: the reader of sphinx trie binaries returns what pocketsphinx's own scorer
returns, and the ARPA it writes scores the same under KenLM.

The test writes its own small ARPA models, has pocketsphinx store them as trie binaries, reads those back
and compares every score. Skips without pocketsphinx (pip install pocketsphinx).
"""
from __future__ import annotations

import itertools
import sys

import pytest

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))

# Vocabulary and n-grams made up for these tests. "sat mat" is missing although "cat sat mat" exists: sphinx
# then stores a blank "sat mat" entry holding the backed-off probability, which the reader must return.
# (Sphinx quantises it with bins fitted to the real bigrams, so it is exact only where the backed-off value,
# here P(mat) + bo(sat) = -0.9, is a bin value; in the 2-million-bigram CMU model bins are 65,536 and dense.)
ARPA = """\\data\\
ngram 1=8
ngram 2=8
ngram 3=4

\\1-grams:
-1.0\t</s>\t0.0
-99\t<s>\t-0.5
-0.8\tthe\t-0.3
-1.2\tcat\t-0.2
-1.5\tsat\t-0.1
-0.8\tmat\t-0.1
-2.1\tpercent\t-0.2
-1.9\tup\t-0.15

\\2-grams:
-0.3\t<s> the\t-0.2
-0.4\tthe cat\t-0.1
-0.6\tcat sat\t-0.15
-0.9\tsat the\t-0.05
-0.5\tthe mat\t-0.1
-0.2\tmat </s>\t0.0
-0.7\tpercent up\t-0.1
-0.4\tup </s>\t0.0

\\3-grams:
-0.1\t<s> the cat
-0.2\tthe cat sat
-0.3\tsat the mat
-0.35\tcat sat mat

\\end\\
"""


def _backoff_score(arpa: str, word: str, history: list[str]) -> float:
    """log10 P(word | history) by the ARPA backoff rule, history most recent first (reference)."""
    probs, backoffs = {}, {}
    for line in arpa.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0].lstrip("-").replace(".", "").isdigit():
            ngram = tuple(parts[1].split())
            probs[ngram] = float(parts[0])
            backoffs[ngram] = float(parts[2]) if len(parts) > 2 else 0.0
    context = tuple(reversed(history))
    total = 0.0
    while True:
        if context + (word,) in probs:
            return total + probs[context + (word,)]
        total += backoffs.get(context, 0.0)
        context = context[1:]


def _stored_by_pocketsphinx(tmp_path, arpa: str, name: str):
    """pocketsphinx's model of an ARPA text (its scorer) and our reader of the trie binary it writes for it."""
    ps = pytest.importorskip("pocketsphinx")
    from sphinx_lm_to_arpa import SphinxTrieLM

    (tmp_path / f"{name}.arpa").write_text(arpa)
    model = ps.NGramModel(ps.Config(), ps.LogMath(), str(tmp_path / f"{name}.arpa"))
    model.write(str(tmp_path / f"{name}.lm.bin"), ps.NGramModel.str_to_type("bin"))
    return model, SphinxTrieLM(tmp_path / f"{name}.lm.bin")


def test_sphinx_trie_reader_matches_pocketsphinx(tmp_path):
    from sphinx_lm_to_arpa import TO_LOG10

    model, lm = _stored_by_pocketsphinx(tmp_path, ARPA, "t")
    assert lm.order == 3 and lm.header_counts[0] == 8
    lm.build_index()
    words = [w for w in lm.words if w != "<s>"]
    for word, h1, h2 in itertools.product(words, lm.words, lm.words):
        if h1 == "</s>" or h2 == "</s>" or (h1 == "<s>" and h2 != "<s>"):
            continue
        history = [h1, h2]
        ours = lm.score(word, history)
        assert ours == pytest.approx(model.prob([word] + history) * TO_LOG10, abs=1e-3), (word, history)
        assert ours == pytest.approx(_backoff_score(ARPA, word, history), abs=1e-3), (word, history)
    # the ARPA we write gives the same scores (read by KenLM, as build_binary will)
    import kenlm
    lm.write_arpa(tmp_path / "out.arpa", unk=-8.0)
    km = kenlm.Model(str(tmp_path / "out.arpa"))
    for word, h1, h2 in itertools.product(["the", "cat", "sat", "mat", "</s>"], ["the", "cat", "sat"],
                                          ["sat", "the", "cat"]):
        a, b = kenlm.State(), kenlm.State()
        km.NullContextWrite(a)
        km.BaseScore(a, h2, b)
        km.BaseScore(b, h1, a)
        assert km.BaseScore(a, word, b) == pytest.approx(_backoff_score(ARPA, word, [h1, h2]), abs=1e-3)


BIGRAM_ARPA = """\\data\\
ngram 1=4
ngram 2=3

\\1-grams:
-1.0\t</s>
-99\t<s>\t-0.5
-0.8\tthe\t-0.3
-1.2\tcat\t-0.2

\\2-grams:
-0.3\t<s> the
-0.4\tthe cat
-0.2\tcat </s>

\\end\\
"""


def test_sphinx_bigram_model(tmp_path):
    from sphinx_lm_to_arpa import TO_LOG10

    model, lm = _stored_by_pocketsphinx(tmp_path, BIGRAM_ARPA, "b")
    lm.build_index()
    assert lm.order == 2 and lm.reached == [3]
    for word, h in itertools.product(["the", "cat", "</s>"], ["<s>", "the", "cat"]):
        assert lm.score(word, [h]) == pytest.approx(model.prob([word, h]) * TO_LOG10, abs=1e-3)
        assert lm.score(word, [h]) == pytest.approx(_backoff_score(BIGRAM_ARPA, word, [h]), abs=1e-3)


def test_not_a_trie_binary(tmp_path):
    from sphinx_lm_to_arpa import SphinxTrieLM
    (tmp_path / "x.bin").write_bytes(b"Darpa Trigram LM" + bytes(64))
    with pytest.raises(ValueError, match="not a sphinx trie binary"):
        SphinxTrieLM(tmp_path / "x.bin")
