"""Pure-Python/numpy modified Kneser-Ney n-gram estimator writing ARPA (``qualitycheck train-lm``).

Lets a user build a model from their own clean text (another language, another outlet) without
KenLM's Boost-based ``lmplz``. It follows lmplz's estimate (Heafield et al. 2013, "Scalable Modified
Kneser-Ney Language Model Estimation") so the two agree to float precision on the same input:

* Each input line is one sentence, tokenised with the shared tokenizer and padded as
  ``<s> w1 .. wL </s>``.
* Adjusted counts: highest order and n-grams starting with ``<s>`` keep their raw count; every other
  lower-order n-gram counts its distinct left extensions (continuation count).
* Discounts per order from counts-of-counts of adjusted counts (Chen & Goodman eq. 26):
  ``Y = n1/(n1+2 n2)``, ``D_k = k - (k+1) Y n_{k+1}/n_k`` for k = 1, 2, 3+. When the data cannot
  support them (a zero count-of-count or a discount out of range) lmplz's ``--discount_fallback``
  values 0.5, 1, 1.5 are used, as lmplz does with that flag.
* ``p(w|c) = (a(cw) - D(a(cw))) / sum_x a(cx) + gamma(c) p(w|c')`` with
  ``gamma(c) = (D1 N1(c.) + D2 N2(c.) + D3 N3+(c.)) / sum_x a(cx)``; unigrams interpolate with the
  uniform distribution over the vocabulary (``<unk>`` included, ``<s>`` excluded), so ``<unk>`` gets
  ``gamma/|V|``. ``<s>`` is written with log-probability 0 like lmplz. The ARPA backoff of a context
  is ``log10 gamma``.

One known difference: when lmplz flushes the last lower-order n-gram of its suffix-sorted stream it
records that n-gram's raw count, not its adjusted count, in the counts-of-counts
(``adjust_counts.cc``, end of ``AdjustCounts::Run``). On real corpora this moves a discount in the
fifth digit or not at all; on toy corpora it can make lmplz demand ``--discount_fallback`` where the
formula above is well defined. We use the adjusted count for every n-gram.

No pruning and no vocabulary limit: every n-gram seen is kept (use lmplz for pruned models).

Implementation: the corpus becomes one int32 array of word ids (sentences padded, back to back). The
n-gram ending at each position is given a rank per order by packing (rank of the (n-1)-gram ending one
position earlier, word id) into an int64 and taking ``np.unique`` -- sorting integers, never tuples --
so memory is a few arrays of corpus length per order (see ``TrainStats.peak_bytes_estimate``).
"""
from __future__ import annotations

import gzip
import io
import json
import math
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from ..reading import StreamDecoding, iter_decoded_lines, sniff_stream_decoding
from .tokenize import TOKENIZER_VERSION, tokenize

__all__ = ["TrainStats", "train_arpa", "estimate", "FALLBACK_DISCOUNTS", "read_lines", "corpus_decodings"]

UNK, BOS, EOS = "<unk>", "<s>", "</s>"
_UNK_ID, _BOS_ID, _EOS_ID = 0, 1, 2
# lmplz's --discount_fallback defaults (D1, D2, D3+).
FALLBACK_DISCOUNTS = (0.5, 1.0, 1.5)
_WRITE_CHUNK = 100_000   # ARPA lines formatted per batch


@dataclass
class TrainStats:
    """What ``train_arpa`` did: sizes, discounts and timing (also written to ``<out>.json``)."""

    out_path: str
    order: int
    language: str | None
    sentences: int = 0
    tokens: int = 0                       # words, excluding <s> and </s>
    vocabulary: int = 0                   # unigram types incl. <unk>, <s>, </s>
    ngrams: list[int] = field(default_factory=list)              # entries per order in the ARPA
    discounts: list[tuple[float, float, float]] = field(default_factory=list)
    fallback_orders: list[int] = field(default_factory=list)     # orders that used fallback discounts
    counts_of_counts: list[list[int]] = field(default_factory=list)  # n1..n4 per order
    seconds: float = 0.0
    peak_bytes_estimate: int = 0
    notes: list[str] = field(default_factory=list)   # per corpus file: how it was decoded, when not plain UTF-8


def corpus_decodings(paths: Iterable[str | os.PathLike]) -> list[StreamDecoding]:
    """How each corpus file is decoded: as scan decodes a text file (UTF-8, UTF-16/32 with a byte-order mark, a
    legacy code page such as cp1252, with notes), found in a pass over it in chunks. Raises ValueError naming a
    file that is not text."""
    decodings = []
    for path in paths:
        try:
            decodings.append(sniff_stream_decoding(path))
        except ValueError as exc:
            # a pipe (`train-lm <(zcat corpus.gz)`) cannot be read again: each file is read once per pass
            hint = "; save it to a file first (train-lm reads each corpus file more than once)" \
                if str(exc).startswith("not a regular file") else ""
            raise ValueError(f"corpus file {path}: {exc}{hint}") from exc
    return decodings


def read_lines(paths: Iterable[str | os.PathLike],
               decodings: Iterable[StreamDecoding] | None = None) -> Iterator[str]:
    """Lines of plain or gzip text files, one at a time, each file decoded as `decodings` says (default: as
    corpus_decodings finds). Reading a latin-1 file as UTF-8 would split words at every accented letter."""
    paths = list(paths)
    for path, decoding in zip(paths, corpus_decodings(paths) if decodings is None else decodings):
        yield from iter_decoded_lines(path, decoding)


def _corpus_ids(lines: Iterable[str]) -> tuple[np.ndarray, np.ndarray, list[str], int, int]:
    """Word-id array ``<s> w.. </s> <s> ...``, each position's offset within its sentence, vocab."""
    vocab: dict[str, int] = {UNK: _UNK_ID, BOS: _BOS_ID, EOS: _EOS_ID}
    chunks: list[np.ndarray] = []
    buf: list[int] = []
    sentences = tokens = 0
    get = vocab.get
    for line in lines:
        toks = tokenize(line)
        if not toks:
            continue
        sentences += 1
        tokens += len(toks)
        buf.append(_BOS_ID)
        for t in toks:
            i = get(t)
            if i is None:
                i = vocab[t] = len(vocab)
            buf.append(i)
        buf.append(_EOS_ID)
        if len(buf) > 1_000_000:
            chunks.append(np.array(buf, dtype=np.int32))
            buf = []
    chunks.append(np.array(buf, dtype=np.int32))
    ids = np.concatenate(chunks)
    # offset within sentence: distance to the most recent <s>
    pos = np.arange(len(ids), dtype=np.int64)
    starts = np.where(ids == _BOS_ID, pos, 0)
    np.maximum.accumulate(starts, out=starts)
    offset = (pos - starts).astype(np.int32)
    words = [""] * len(vocab)
    for w, i in vocab.items():
        words[i] = w
    return ids, offset, words, sentences, tokens


def _discounts(adjusted: np.ndarray) -> tuple[tuple[float, float, float], list[int], bool]:
    n = [int(np.count_nonzero(adjusted == k)) for k in range(1, 5)]
    try:
        if min(n[:3]) == 0:
            raise ValueError
        y = n[0] / (n[0] + 2.0 * n[1])
        d = tuple(k - (k + 1) * y * n[k] / n[k - 1] for k in (1, 2, 3))
        if any(not (0.0 <= d[k - 1] <= k) for k in (1, 2, 3)):
            raise ValueError
        return d, n, False  # type: ignore[return-value]
    except (ValueError, ZeroDivisionError):
        return FALLBACK_DISCOUNTS, n, True


@dataclass
class _Order:
    """Distinct n-grams of one order, indexed by rank (sorted by packed key)."""

    prefix: np.ndarray      # rank of the (n-1)-gram made of the first n-1 words (unused for n=1)
    last: np.ndarray        # id of the last word
    suffix: np.ndarray      # rank of the (n-1)-gram made of the last n-1 words (unused for n=1)
    raw: np.ndarray         # raw count
    bos_start: np.ndarray   # starts with <s>
    adjusted: np.ndarray | None = None
    prob: np.ndarray | None = None      # interpolated probability (linear)
    backoff: np.ndarray | None = None   # gamma as a context of the next order (linear; 1 = none)


def estimate(lines: Iterable[str], order: int = 3) -> tuple[list[_Order], list[str], dict]:
    """Modified Kneser-Ney estimate of ``lines``; returns (orders, words, stats dict)."""
    if order < 1:
        raise ValueError("order must be >= 1")
    ids, offset, words, sentences, tokens = _corpus_ids(lines)
    if sentences == 0:
        raise ValueError("training text has no tokens")
    V = np.int64(len(words))
    n_pos = len(ids)
    peak = ids.nbytes + offset.nbytes

    orders: list[_Order] = []
    rank_prev_all = np.empty(0, dtype=np.int64)
    for n in range(1, order + 1):
        valid = offset >= max(n - 1, 1)            # an n-gram ends here (never at <s> itself)
        p = np.nonzero(valid)[0]
        if n == 1:
            key = ids[p].astype(np.int64)
        else:
            key = rank_prev_all[p - 1] * V + ids[p]
        uniq, first, inv, raw = np.unique(key, return_index=True, return_inverse=True,
                                          return_counts=True)
        peak = max(peak, ids.nbytes + offset.nbytes + key.nbytes * 5 + p.nbytes)
        ppos = p[first]
        if n == 1:
            prefix = np.zeros(len(uniq), dtype=np.int64)
            suffix = np.zeros(len(uniq), dtype=np.int64)
        else:
            prefix = uniq // V
            suffix = rank_prev_all[ppos]          # (n-1)-gram ending at the same position
        o = _Order(prefix=prefix, last=(uniq % V).astype(np.int32), suffix=suffix,
                   raw=raw.astype(np.int64), bos_start=(offset[ppos] == n - 1) if n > 1
                   else np.zeros(len(uniq), dtype=bool))
        orders.append(o)
        # rank of the n-gram ending at each position, for building order n+1
        rank_all = np.full(n_pos, -1, dtype=np.int64)
        rank_all[p] = inv.ravel()
        if n == 1:
            rank_all[ids == _BOS_ID] = -2      # placeholder, fixed below
        rank_prev_all = rank_all
        if n == 1:
            # <s> must be a unigram (context of bigrams starting a sentence): append it.
            bos_rank = len(uniq)
            o.prefix = np.append(o.prefix, 0)
            o.last = np.append(o.last, np.int32(_BOS_ID))
            o.suffix = np.append(o.suffix, 0)
            o.raw = np.append(o.raw, 0)
            o.bos_start = np.append(o.bos_start, True)
            rank_prev_all[ids == _BOS_ID] = bos_rank
    del rank_prev_all, ids, offset

    # --- adjusted counts --------------------------------------------------------------------------
    N = order
    for n in range(N, 0, -1):
        o = orders[n - 1]
        if n == N:
            o.adjusted = o.raw.copy()
        else:
            upper = orders[n]
            cont = np.bincount(upper.suffix, minlength=len(o.raw)).astype(np.int64)
            o.adjusted = np.where(o.bos_start, o.raw, cont)
        if n == 1:
            o.adjusted[o.last == _BOS_ID] = 0

    # --- discounts, gammas, interpolated probabilities -------------------------------------------
    stats: dict = {"sentences": sentences, "tokens": tokens, "discounts": [], "fallback_orders": [],
                   "counts_of_counts": []}
    n_vocab_uniform = len(orders[0].raw) - 1 + 1   # unigrams without <s>, plus <unk>
    prev_prob: np.ndarray | None = None
    unk_prob = 0.0
    for n in range(1, N + 1):
        o = orders[n - 1]
        a = o.adjusted
        if n == 1:
            # <s> and <unk> are not part of the counts-of-counts (adjusted count 0).
            d, coc, fb = _discounts(a[o.last != _BOS_ID])
        else:
            d, coc, fb = _discounts(a)
        stats["discounts"].append(tuple(float(x) for x in d))
        stats["counts_of_counts"].append(coc)
        if fb:
            stats["fallback_orders"].append(n)
        dvec = np.array([0.0, d[0], d[1], d[2]])
        disc = dvec[np.minimum(a, 3)]
        cls = np.minimum(a, 3)
        if n == 1:
            ctx = np.zeros(len(a), dtype=np.int64)
            n_ctx = 1
        else:
            ctx = o.prefix
            n_ctx = len(orders[n - 2].raw)
        denom = np.bincount(ctx, weights=a, minlength=n_ctx)
        gsum = np.zeros(n_ctx)
        for k in (1, 2, 3):
            gsum += d[k - 1] * np.bincount(ctx, weights=(cls == k).astype(np.float64), minlength=n_ctx)
        with np.errstate(divide="ignore", invalid="ignore"):
            gamma = np.where(denom > 0, gsum / denom, 0.0)
        u = (a - disc) / denom[ctx]
        if n == 1:
            prob = u + gamma[0] / n_vocab_uniform
            prob[o.last == _BOS_ID] = 1.0
            unk_prob = gamma[0] / n_vocab_uniform
        else:
            prob = u + gamma[ctx] * prev_prob[o.suffix]
        o.prob = prob
        if n >= 2:
            lower = orders[n - 2]
            is_ctx = denom > 0
            last_ok = (lower.last != _EOS_ID) & (lower.last != _UNK_ID)
            lower.backoff = np.where(is_ctx & last_ok, gamma, 1.0)
        prev_prob = prob
    orders[-1].backoff = None
    stats["unk_prob"] = unk_prob
    stats["vocabulary"] = len(orders[0].raw) + 1
    stats["peak_bytes_estimate"] = int(peak)
    return orders, words, stats


def _fmt(x: float) -> str:
    return f"{x:.7g}"


def write_arpa(orders: list[_Order], words: list[str], unk_prob: float, out_path: str | os.PathLike) -> list[int]:
    """Write the estimate as ARPA (gzip when the path ends in .gz); returns entries per order."""
    counts = [len(orders[0].raw) + 1] + [len(o.raw) for o in orders[1:]]
    out_path = str(out_path)
    raw = gzip.open(out_path, "wb", compresslevel=6) if out_path.lower().endswith(".gz") else open(out_path, "wb")
    with io.TextIOWrapper(raw, encoding="utf-8", newline="\n") as f:
        f.write("\\data\\\n")
        for n, c in enumerate(counts, start=1):
            f.write(f"ngram {n}={c}\n")
        prev_strings: list[str] = []
        for n, o in enumerate(orders, start=1):
            f.write(f"\n\\{n}-grams:\n")
            highest = n == len(orders)
            lp = np.minimum(np.log10(np.maximum(o.prob, 1e-300)), 0.0)
            if n == 1:
                f.write(f"{_fmt(math.log10(unk_prob)) if unk_prob > 0 else '-99'}\t{UNK}\t0\n")
                lp[o.last == _BOS_ID] = 0.0
            bo = None if highest else np.log10(o.backoff)
            # n-gram text = text of its first n-1 words + last word. Only the previous order's
            # strings are kept (the next order needs them); the rest is built and written in chunks,
            # so the highest order -- usually the largest -- never exists as Python objects at once.
            keep: list[str] = []
            for a in range(0, len(o.last), _WRITE_CHUNK):
                b = a + _WRITE_CHUNK
                lastw = [words[i] for i in o.last[a:b].tolist()]
                if n == 1:
                    chunk = lastw
                else:
                    chunk = [prev_strings[pf] + " " + w for pf, w in zip(o.prefix[a:b].tolist(), lastw)]
                if bo is None:
                    f.writelines(f"{_fmt(x)}\t{g}\n" for x, g in zip(lp[a:b].tolist(), chunk))
                else:
                    f.writelines(f"{_fmt(x)}\t{g}\t{_fmt(y)}\n"
                                 for x, g, y in zip(lp[a:b].tolist(), chunk, bo[a:b].tolist()))
                if not highest:
                    keep.extend(chunk)
            prev_strings = keep
        f.write("\n\\end\\\n")
    return counts


def detect_language(lines: Iterable[str], max_chars: int = 20_000) -> str | None:
    """Main language of a training sample via langdetect (seeded); None if undetectable."""
    try:
        from langdetect import DetectorFactory, detect
        from langdetect.lang_detect_exception import LangDetectException
    except ImportError:   # pragma: no cover - langdetect is a declared dependency
        return None
    DetectorFactory.seed = 0
    sample, size = [], 0
    for line in lines:
        sample.append(line)
        size += len(line)
        if size >= max_chars:
            break
    try:
        return detect(" ".join(sample)) if sample else None
    except LangDetectException:
        return None


def train_arpa(corpus_paths: list[str], out_path: str, order: int = 3,
               language: str | None = None) -> TrainStats:
    """Train a modified Kneser-Ney model on text files and write it as ARPA.

    ``corpus_paths``: text files (``.gz`` accepted), one sentence or paragraph per line, raw text -- it is
    tokenised here with the shared tokenizer. Each is decoded as scan decodes a text file (corpus_decodings);
    ``TrainStats.notes`` says which were not plain UTF-8, and a file that is not text is a ValueError.
    ``out_path``: ARPA file, gzip-compressed when it ends in ``.gz``; ``LanguageModel.load(out_path)`` reads
    it. ``language``: ISO code the model is for; detected from the text with langdetect when None. A sidecar
    ``<out_path>.json`` records the language, order, tokenizer version and these statistics.
    """
    t0 = time.perf_counter()
    out = Path(out_path)
    if not out.parent.is_dir():
        raise ValueError(f"{out.parent} is not a folder: create it first")
    if Path(str(out_path) + ".json").is_dir():
        raise ValueError(f"{out_path}.json (the model's sidecar) is a folder")
    for corpus in corpus_paths:
        if out.exists() and Path(corpus).exists() and os.path.samefile(corpus, out):
            raise ValueError(f"the output {out_path} is also a corpus file; write the model elsewhere")
    if language is not None:
        from ..config import language_codes
        if language_codes() and language not in language_codes():
            raise ValueError(f"language {language!r} is not a code langdetect knows (lower case, e.g. 'en', 'de')")
    decodings = corpus_decodings(corpus_paths)
    notes = [f"{path}: {note}" for path, decoding in zip(corpus_paths, decodings) for note in decoding.notes]
    if language is None:
        language = detect_language(read_lines(corpus_paths, decodings))
    orders, words, st = estimate(read_lines(corpus_paths, decodings), order=order)
    counts = write_arpa(orders, words, st["unk_prob"], out_path)
    stats = TrainStats(
        out_path=str(out_path), order=order, language=language, sentences=st["sentences"],
        tokens=st["tokens"], vocabulary=st["vocabulary"], ngrams=counts, discounts=st["discounts"],
        fallback_orders=st["fallback_orders"], counts_of_counts=st["counts_of_counts"],
        seconds=round(time.perf_counter() - t0, 3), peak_bytes_estimate=st["peak_bytes_estimate"], notes=notes,
    )
    meta = {"language": language, "order": order, "tokenizer_version": TOKENIZER_VERSION,
            "trainer": "qualitycheck.lm.train (modified Kneser-Ney)", "training": asdict(stats)}
    Path(str(out_path) + ".json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return stats
