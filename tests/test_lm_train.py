"""qualitycheck.lm.train: the pure numpy modified Kneser-Ney estimator behind `train-lm`."""
from __future__ import annotations

import gzip
import math
import os
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from qualitycheck.lm.model import LanguageModel
from qualitycheck.lm.tokenize import normalize
from qualitycheck.lm.train import FALLBACK_DISCOUNTS, estimate, train_arpa

REPO = Path(__file__).resolve().parents[1]


def read_arpa(path: Path) -> dict[str, tuple[float, float | None]]:
    """{ngram: (log10 prob, log10 backoff or None)} of an ARPA file (plain or gzip)."""
    opener = gzip.open if str(path).endswith(".gz") else open
    out: dict[str, tuple[float, float | None]] = {}
    section = 0
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            m = re.match(r"\\(\d+)-grams:", line)
            if m:
                section = int(m.group(1))
                continue
            if not section or not line or line.startswith("\\"):
                continue
            parts = line.split("\t")
            out[parts[1]] = (float(parts[0]), float(parts[2]) if len(parts) > 2 else None)
    return out


# --- hand-computed values -------------------------------------------------------------------------
# Corpus (3 sentences):  "a b c" / "a b" / "b c a", order 2.
#
# Bigram raw counts: <s> a:2, a b:2, b c:2, then c </s>, b </s>, <s> b, c a, a </s>: 1 each.
#   counts-of-counts n1=5, n2=3, n3=0 -> n3 == 0, so the fallback discounts 0.5, 1, 1.5 apply.
# Unigram adjusted counts = distinct left neighbours: a {<s>, c}=2, b {a, <s>}=2, c {b}=1,
#   </s> {c, b, a}=3; n1=1, n2=2, n3=1, n4=0; Y = 1/(1+2*2) = 0.2;
#   D1 = 1 - 2*0.2*2/1 = 0.2, D2 = 2 - 3*0.2*1/2 = 1.7, D3+ = 3 - 4*0.2*0/1 = 3.0.
# Unigrams: total 8, gamma = (0.2*1 + 1.7*2 + 3.0*1)/8 = 0.825, |V| = 5 (a b c </s> <unk>):
#   p(a) = p(b) = (2-1.7)/8 + 0.825/5 = 0.2025;  p(c) = (1-0.2)/8 + 0.165 = 0.265;
#   p(</s>) = (3-3)/8 + 0.165 = 0.165;  p(<unk>) = 0.165.            (sum = 1)
# Bigrams (fallback D): context <s> {a:2, b:1}: total 3, gamma = (0.5*1 + 1*1)/3 = 0.5
#   p(a|<s>) = (2-1)/3 + 0.5*0.2025 = 0.434583..;  p(b|<s>) = 0.5/3 + 0.5*0.2025 = 0.267916..
#   context a {b:2, </s>:1}: p(b|a) = 1/3 + 0.10125;  p(</s>|a) = 0.5/3 + 0.5*0.165
#   context b {c:2, </s>:1}: p(c|b) = 1/3 + 0.5*0.265;  p(</s>|b) = 0.5/3 + 0.0825
#   context c {</s>:1, a:1}: total 2, gamma = (0.5+0.5)/2 = 0.5;
#     p(</s>|c) = 0.5/2 + 0.0825 = 0.3325;  p(a|c) = 0.25 + 0.10125 = 0.35125
HAND_PROBS = {
    "<unk>": 0.165, "a": 0.2025, "b": 0.2025, "c": 0.265, "</s>": 0.165,
    "<s> a": 1 / 3 + 0.10125, "<s> b": 0.5 / 3 + 0.10125,
    "a b": 1 / 3 + 0.10125, "a </s>": 0.5 / 3 + 0.0825,
    "b c": 1 / 3 + 0.1325, "b </s>": 0.5 / 3 + 0.0825,
    "c </s>": 0.3325, "c a": 0.35125,
}
HAND_BACKOFFS = {"<s>": 0.5, "a": 0.5, "b": 0.5, "c": 0.5, "</s>": 1.0, "<unk>": 1.0}


@pytest.fixture()
def tiny(tmp_path: Path) -> Path:
    p = tmp_path / "tiny.txt"
    p.write_text("a b c\na b\nb c a\n", encoding="utf-8")
    return p


def test_hand_computed_discounts_and_probabilities(tiny, tmp_path):
    out = tmp_path / "tiny.arpa"
    stats = train_arpa([str(tiny)], str(out), order=2, language="sw")
    assert stats.discounts[0] == pytest.approx((0.2, 1.7, 3.0))
    assert stats.discounts[1] == FALLBACK_DISCOUNTS and stats.fallback_orders == [2]
    assert stats.counts_of_counts[1][:3] == [5, 3, 0]
    assert stats.ngrams == [6, 8] and stats.tokens == 8 and stats.sentences == 3
    arpa = read_arpa(out)
    assert set(arpa) == set(HAND_PROBS) | {"<s>"}
    assert arpa["<s>"][0] == 0.0                       # lmplz writes <s> with log10 p = 0
    for gram, p in HAND_PROBS.items():
        assert arpa[gram][0] == pytest.approx(math.log10(p), abs=2e-6), gram
    for word, b in HAND_BACKOFFS.items():
        assert arpa[word][1] == pytest.approx(math.log10(b), abs=2e-6), word
    # Every unigram distribution sums to one.
    assert sum(10 ** arpa[w][0] for w in ("<unk>", "a", "b", "c", "</s>")) == pytest.approx(1.0, abs=1e-5)
    # KenLM reads the file and scores a sentence as the product of the hand values.
    m = LanguageModel.load(str(out))
    assert m.language == "sw" and m.order == 2
    expect = math.log10(HAND_PROBS["<s> a"] * HAND_PROBS["a b"] * HAND_PROBS["b </s>"])
    assert m.score_tokens(["a", "b"]).sum() == pytest.approx(expect, abs=1e-5)
    # Unseen bigram backs off: p(a|b) = gamma(b) * p(a)
    assert m.score_tokens(["b", "a"], eos=False)[1] == pytest.approx(math.log10(0.5 * 0.2025), abs=1e-5)


def test_training_tokenises_raw_text_like_scoring(tmp_path):
    raw = tmp_path / "raw.txt"
    raw.write_text("\u201cThe Mayor\u2019s plan,\u201d she said, \u201ccosts 1,250 dollars.\u201d\n"
                   "THE MAYOR'S PLAN COSTS 9,999 DOLLARS.\n", encoding="utf-8")
    out = tmp_path / "m.arpa"
    train_arpa([str(raw)], str(out), order=2, language="en")
    unigrams = {g for g in read_arpa(out) if " " not in g}
    tokens = set(normalize(raw.read_text(encoding="utf-8")).split())
    assert unigrams == tokens | {"<s>", "</s>", "<unk>"}
    m = LanguageModel.load(str(out))
    # Different surface forms that normalise alike score alike, and none is out of vocabulary.
    a = m.score_text("The Mayor's plan costs 4,321 dollars.")
    b = m.score_text("the MAYOR\u2019S Plan costs 1,000 dollars.")
    assert a.logprobs.tolist() == b.logprobs.tolist()
    assert not a.oov.any()


def test_tiny_model_prefers_seen_sentences_to_shuffled(tmp_path):
    rng = random.Random(3)
    subjects = ["the mayor", "a spokesman", "the committee", "local police", "the minister"]
    verbs = ["said", "announced", "confirmed", "denied", "reported"]
    objects = ["the new budget", "a delay in the project", "the arrest of a suspect",
               "plans for a new school", "an increase in taxes"]
    when = ["on monday", "last week", "this morning", "in a statement", "on tuesday"]
    seen = [f"{rng.choice(subjects)} {rng.choice(verbs)} {rng.choice(objects)} {rng.choice(when)} ."
            for _ in range(400)]
    corpus = tmp_path / "news.txt"
    corpus.write_text("\n".join(seen) + "\n", encoding="utf-8")
    out = tmp_path / "news.arpa.gz"
    train_arpa([str(corpus)], str(out), order=3)
    with gzip.open(out, "rt", encoding="utf-8") as f:
        assert f.readline().strip() == "\\data\\"
    m = LanguageModel.load(str(out))
    assert m.language == "en"            # detected from the training text
    wins = 0
    for s in seen[:50]:
        words = s.split()
        shuffled = words[:]
        while shuffled == words:
            rng.shuffle(shuffled)
        wins += m.perplexity(s) < m.perplexity(" ".join(shuffled))
    assert wins == 50


def test_empty_corpus_is_an_error(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_text("\n  \n", encoding="utf-8")
    with pytest.raises(ValueError):
        train_arpa([str(p)], str(tmp_path / "x.arpa"), order=3, language="en")
    with pytest.raises(ValueError):
        estimate(["a b"], order=0)


def test_higher_order_than_sentences_is_fine(tmp_path):
    p = tmp_path / "short.txt"
    p.write_text("yes\nno\nyes no\nno yes yes\n", encoding="utf-8")
    out = tmp_path / "s.arpa"
    stats = train_arpa([str(p)], str(out), order=5, language="en")
    assert stats.ngrams[0] == 5 and all(n > 0 for n in stats.ngrams)
    m = LanguageModel.load(str(out))
    assert m.order == 5 and math.isfinite(m.perplexity("yes no yes"))


# --- agreement with KenLM's lmplz -------------------------------------------------------------------

def _find_lmplz() -> str | None:
    for cand in (os.environ.get("QUALITYCHECK_LMPLZ"), shutil.which("lmplz"),
                 str(REPO / "models" / ".build" / "bin" / "lmplz")):
        if cand and Path(cand).is_file() and os.access(cand, os.X_OK):
            return cand
    return None


def _synthetic_corpus(n_sentences: int, seed: int) -> list[str]:
    """Zipf-ish vocabulary with word-to-word preferences, so every order has varied counts."""
    rng = random.Random(seed)
    # letters only: the shared tokenizer maps digits to 0
    vocab = ["w" + "".join("abcdefghij"[int(d)] for d in str(i)) for i in range(3000)]
    weights = [1 / (i + 1) for i in range(len(vocab))]
    follow = {w: rng.sample(vocab[:400], 12) for w in vocab}
    lines = []
    for _ in range(n_sentences):
        w = rng.choices(vocab, weights)[0]
        sent = [w]
        for _ in range(rng.randint(2, 14)):
            w = rng.choice(follow[w]) if rng.random() < 0.7 else rng.choices(vocab, weights)[0]
            sent.append(w)
        lines.append(" ".join(sent))
    return lines


@pytest.mark.parametrize("order", [2, 3, 4])
def test_matches_lmplz(tmp_path, order):
    lmplz = _find_lmplz()
    if lmplz is None:
        pytest.skip("lmplz not found (PATH, $QUALITYCHECK_LMPLZ or models/.build/bin; built by models/build.sh)")
    lines = _synthetic_corpus(4000, seed=order)
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ref = tmp_path / "lmplz.arpa"
    with open(corpus, "rb") as fin, open(ref, "wb") as fout:
        proc = subprocess.run([lmplz, "-o", str(order), "-S", "200M", "-T", str(tmp_path)],
                              stdin=fin, stdout=fout, stderr=subprocess.PIPE, check=True)
    log = proc.stderr.decode("utf-8", "replace")
    ref_d = [tuple(float(x) for x in m) for m in
             re.findall(r"^\d+ \d+ D1=(\S+) D2=(\S+) D3\+=(\S+)$", log, flags=re.M)]
    assert len(ref_d) == order, log

    out = tmp_path / "ours.arpa"
    stats = train_arpa([str(corpus)], str(out), order=order, language="en")
    assert not stats.fallback_orders
    for ours, theirs in zip(stats.discounts, ref_d):
        assert ours == pytest.approx(theirs, abs=1e-4)

    a, b = read_arpa(ref), read_arpa(out)
    assert set(a) == set(b)
    worst_p = max(abs(a[g][0] - b[g][0]) for g in a)
    worst_b = max(abs((a[g][1] or 0.0) - (b[g][1] or 0.0)) for g in a)
    assert worst_p < 1e-5 and worst_b < 1e-5, (worst_p, worst_b)


# --- train-lm command -------------------------------------------------------------------------------

def test_train_lm_command(tmp_path):
    from click.testing import CliRunner

    from qualitycheck.lm.cli import train_lm

    corpus = tmp_path / "mine.txt.gz"
    with gzip.open(corpus, "wt", encoding="utf-8") as f:
        f.write("Der Stadtrat hat am Montag den neuen Haushalt beschlossen.\n"
                "Die Polizei hat zwei Männer festgenommen.\n" * 20)
    out = tmp_path / "de.arpa.gz"
    res = CliRunner().invoke(train_lm, [str(corpus), "-o", str(out), "--order", "2", "--language", "de"])
    assert res.exit_code == 0, res.output
    assert "order 2" in res.output and "language de" in res.output
    m = LanguageModel.load(str(out))
    assert m.language == "de" and m.covers("de") and not m.covers("en")
    res = CliRunner().invoke(train_lm, [str(corpus), "-o", str(tmp_path / "x.arpa"), "--json"])
    assert res.exit_code == 0 and '"order": 3' in res.output
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    res = CliRunner().invoke(train_lm, [str(empty), "-o", str(tmp_path / "e.arpa"), "--language", "en"])
    assert res.exit_code != 0 and "no tokens" in res.output


# --- found by the twelfth session's bug hunt --------------------------------------------------------------------

def _train_cli(*args: str):
    from click.testing import CliRunner

    from qualitycheck.cli import main
    return CliRunner().invoke(main, ["train-lm", *args])


def test_train_lm_refuses_what_it_cannot_make_usable(tiny, tmp_path):
    for order in ("1", "7"):   # kenlm loads orders up to 6; scoring needs a bigram
        assert _train_cli(str(tiny), "-o", str(tmp_path / "m.arpa"), "--order", order).exit_code == 2
    result = _train_cli(str(tiny), "-o", str(tmp_path / "missing" / "m.arpa"), "--language", "en")
    assert result.exit_code == 1 and "create it first" in result.output and result.exception is None or \
        isinstance(result.exception, SystemExit)
    assert "not a code langdetect knows" in _train_cli(str(tiny), "-o", str(tmp_path / "m.arpa"), "--language", "EN").output
    corpus = tmp_path / "c.txt"
    corpus.write_text("a b c\n", encoding="utf-8")
    same = _train_cli(str(corpus), "-o", str(corpus), "--language", "en")
    assert "also a corpus file" in same.output and corpus.read_text() == "a b c\n"


def test_train_lm_on_damaged_and_upper_case_gzip(tiny, tmp_path):
    fake = tmp_path / "fake.txt.gz"
    fake.write_text("not gzip at all\n")
    truncated = tmp_path / "cut.txt.gz"
    words = " ".join(f"w{i}" for i in range(20_000)).encode()
    truncated.write_bytes(gzip.compress(words)[:2000])
    for corpus in (fake, truncated):
        result = _train_cli(str(corpus), "-o", str(tmp_path / "m.arpa"), "--language", "en")
        assert result.exit_code == 1 and "cannot train" in result.output, result.output
    upper = tmp_path / "SMALL.TXT.GZ"
    upper.write_bytes(gzip.compress(tiny.read_bytes()))
    out = tmp_path / "U.ARPA.GZ"
    stats = train_arpa([str(upper)], str(out), order=3, language="en")
    assert stats.vocabulary == 3 + 3   # a, b, c plus <s>, </s>, <unk>: the text, not compressed bytes
    assert out.read_bytes()[:2] == b"\x1f\x8b"


# --- corpus encodings ---------------------------------------------------------------------------------------------

FRENCH = "Le caf\u00e9 sert une cr\u00e8me br\u00fbl\u00e9e chaque jour.\nLe caf\u00e9 ouvre \u00e0 midi.\n"


def test_a_corpus_in_another_encoding_is_decoded_as_scan_decodes_it(tmp_path):
    """A cp1252 corpus was read as UTF-8 with bad bytes replaced, in silence: 'café' became the tokens 'caf' and
    U+FFFD. Each file is now decoded as scan decodes a text file, and a file not in UTF-8 is named in a note."""
    reference = tmp_path / "utf8.txt"
    reference.write_text(FRENCH, encoding="utf-8")
    train_arpa([str(reference)], str(tmp_path / "ref.arpa"), order=2, language="fr")
    expected = read_arpa(tmp_path / "ref.arpa")
    assert "caf\u00e9" in expected
    for name, data, note in (
        ("cp1252.txt", FRENCH.encode("cp1252"), "decoded as cp1252 (not valid UTF-8)"),
        ("utf16.txt", FRENCH.encode("utf-16"), None),
        ("late.txt.gz", gzip.compress(("plain line\n" * 10_000 + FRENCH).encode("cp1252")),
         "decoded as cp1252 (not valid UTF-8)"),   # (the accents come after the first 64 KiB)
    ):
        corpus = tmp_path / name
        corpus.write_bytes(data)
        out = tmp_path / f"{name}.arpa"
        stats = train_arpa([str(corpus)], str(out), order=2, language="fr")
        grams = read_arpa(out)
        assert "caf\u00e9" in grams and "cr\u00e8me" in grams and not any("\ufffd" in g for g in grams), name
        if name != "late.txt.gz":
            assert grams == expected, name
        assert stats.notes == ([f"{corpus}: {note}"] if note else []), name
    result = _train_cli(str(tmp_path / "cp1252.txt"), "-o", str(tmp_path / "cli.arpa"), "--order", "2", "--language", "fr")
    assert result.exit_code == 0, result.output
    assert f"note: {tmp_path / 'cp1252.txt'}: decoded as cp1252 (not valid UTF-8)" in result.stderr
    damaged = tmp_path / "damaged.txt"
    damaged.write_bytes(FRENCH.encode() * 3 + b"a stray \x92 byte\n")
    assert train_arpa([str(damaged)], str(tmp_path / "d.arpa"), order=2, language="fr").notes == [
        f"{damaged}: invalid UTF-8: 1 bad byte sequence(s) replaced with U+FFFD"]


def test_a_corpus_file_that_is_not_text_is_refused(tiny, tmp_path):
    pdf = tmp_path / "paper.txt"
    pdf.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 4)
    with pytest.raises(ValueError, match=re.escape(f"corpus file {pdf}: binary file (PDF), not text")):
        train_arpa([str(tiny), str(pdf)], str(tmp_path / "m.arpa"), order=2, language="en")
    result = _train_cli(str(tiny), str(pdf), "-o", str(tmp_path / "m.arpa"), "--language", "en")
    assert result.exit_code == 1 and "binary file (PDF), not text" in result.output
    assert not (tmp_path / "m.arpa").exists()


def test_a_pipe_or_device_as_corpus_is_refused_not_read(tiny, tmp_path):
    """train-lm reads each corpus file in three passes (encoding, language, counts). Given a pipe
    (`train-lm <(zcat corpus.gz)`) the first pass used up the text and the model was trained on what was left
    ('training text has no tokens', or the corpus without its start); a FIFO with no writer blocked and a link
    to /dev/zero was read for ever (fuzz25). Each is refused now, as scan refuses them, before it is opened.
    Run in a child process with a timeout, so that a hang is a failure."""
    import sys

    os.mkfifo(tmp_path / "pipe.txt")
    os.symlink("/dev/zero", tmp_path / "zero.txt")
    for name, kind in (("pipe.txt", "named pipe"), ("zero.txt", "character device")):
        try:
            done = subprocess.run([sys.executable, "-m", "qualitycheck.cli", "train-lm", str(tiny), str(tmp_path / name),
                                   "-o", str(tmp_path / "m.arpa"), "--language", "en"],
                                  capture_output=True, text=True, timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail(f"train-lm hung on {name}")
        assert done.returncode == 1, done.stderr
        assert f"{name}: not a regular file ({kind}); save it to a file first" in done.stderr
        assert not (tmp_path / "m.arpa").exists()


def test_train_lm_reports_a_damaged_gzip_corpus(tmp_path):
    """A bad compressed block (zlib.error, no OSError) ended train-lm with a traceback; now it is its error."""
    from tests.test_reading import damaged_deflate

    corpus = tmp_path / "c.txt.gz"
    corpus.write_bytes(damaged_deflate(b"".join(b"Der Stadtrat hat am Montag %d neue Posten beschlossen.\n" % i for i in range(3000))))
    result = _train_cli(str(corpus), "-o", str(tmp_path / "m.arpa"), "--language", "de")
    assert result.exit_code == 1 and "cannot train: error: Error -3 while decompressing data" in result.output


def test_a_model_moved_without_its_sidecar_is_named_in_the_note(tmp_path):
    """A model trained with `train-lm` and copied without `<model>.json` names no language, so it scores
    nothing (no guessing). The note said "no language model for 'en'", which reads as if --model had been
    ignored; it now names the model file and the missing sidecar."""
    from qualitycheck import Checker, Config

    corpus = tmp_path / "mine.txt"
    corpus.write_text("The council approved the new budget on Monday after a long debate.\n"
                      "Police said two men were arrested near the station on Friday night.\n" * 20)
    assert _train_cli(str(corpus), "-o", str(tmp_path / "en.arpa"), "--order", "2", "--language", "en").exit_code == 0
    moved = tmp_path / "moved"
    moved.mkdir()
    shutil.copy(tmp_path / "en.arpa", moved / "en.arpa")
    text = "The council approved the new budget on Monday after a long debate about the libraries."
    with_sidecar = Checker(Config(model_path=str(tmp_path / "en.arpa"), spin_enabled=False)).check(text)
    assert with_sidecar.paragraphs[0]["perplexity"] is not None
    assert not [n for n in with_sidecar.notes if "perplexity" in n]
    report = Checker(Config(model_path=str(moved / "en.arpa"), spin_enabled=False)).check(text)
    assert report.paragraphs[0]["perplexity"] is None
    (note,) = [n for n in report.notes if "perplexity" in n]
    assert str(moved / "en.arpa") in note and "en.arpa.json" in note and "names no language" in note
