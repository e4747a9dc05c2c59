#!/usr/bin/env python3
"""Convert a CMU Sphinx "trie binary" language model (``*.lm.bin``, e.g. pocketsphinx's
``model/en-us/en-us.lm.bin``) to ARPA text, for KenLM's ``build_binary``.

    python scripts/sphinx_lm_to_arpa.py en-us.lm.bin en-us.arpa [--check N]

Why a converter of our own: sphinx's own writers fail on that file (``NGramModel.write`` crashes,
``sphinx_lm_convert`` aborts on an n-gram count assertion): the header's counts and the n-grams
reachable in the trie disagree. This reader walks the trie itself and writes every reachable n-gram,
with the header counts replaced by what was found.

The file layout, as written by sphinxbase / pocketsphinx 5 (little-endian; read here from the format,
no sphinx code is used):

- the 19 bytes "Trie Language Model", the order (1 byte), one uint32 count per order;
- a uint32 (formerly the quantisation type), then the quantisation tables, float32: for each middle
  order a 65,536-entry probability table and a 65,536-entry backoff table, then a 65,536-entry
  probability table for the highest order;
- counts[0] + 1 unigram records {float32 prob, float32 backoff, uint32 next} (the last one a sentinel
  whose `next` closes the previous range);
- the bit-packed n-gram arrays: each middle order, then the highest order. An entry of a middle order
  holds, from its first bit, the word id (bits enough for counts[0]), a 16-bit backoff code, a 16-bit
  probability code and a `next` pointer (bits enough for the next order's count) that opens its range in
  the next array; a highest-order entry holds the word id and a 16-bit probability code. Each array has
  one more entry than its count (the closing `next`) and 8 bytes of padding;
- a uint32 byte length and that many bytes of NUL-terminated word strings, in word-id order.

The trie is reversed: a unigram is the *predicted* word w; the entries under it are its history words,
most recent first. So the middle entry h1 under w holds P(w | h1) and the backoff of the context
"h1 w", and the highest-order entry h2 under (w, h1) holds P(w | h2 h1). Values are natural-log-like
sphinx log units, log base 1.0001 (sphinx's default LogMath); ARPA wants log10.

Dummy entries: where a higher-order n-gram exists without its lower-order suffix, sphinx inserted a
"blank" lower-order entry whose probability is the backed-off value and whose backoff is 0. Writing it as
an explicit n-gram gives the same model (same probabilities for every query), so it is kept.
"""
from __future__ import annotations

import argparse
import math
import random
import struct
import sys
from pathlib import Path

import numpy as np

HEADER = b"Trie Language Model"
QUANT_BITS = 16                  # probability and backoff codes (sphinx's fixed setting)
LOG_BASE = 1.0001                # sphinx LogMath default base
TO_LOG10 = math.log10(LOG_BASE)


def required_bits(max_value: int) -> int:
    """Bits needed to store values 0..max_value (0 for 0)."""
    return int(max_value).bit_length()


def array_bytes(entries: int, max_vocab: int, remaining_bits: int) -> int:
    total_bits = required_bits(max_vocab) + remaining_bits
    return ((1 + entries) * total_bits + 7) // 8 + 8


def ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The concatenation of arange(s, s + n) for each (s, n)."""
    total = int(lengths.sum())
    before = np.cumsum(lengths) - lengths
    return np.repeat(starts - before, lengths) + np.arange(total)


class BitArray:
    """Fixed-width records packed LSB-first into bytes; fields read for many records at once."""

    def __init__(self, data: bytes, total_bits: int):
        # 8 extra zero bytes so an 8-byte window at the last field never runs off the end
        self.buf = np.frombuffer(data + b"\0" * 8, dtype=np.uint8)
        self.total_bits = total_bits

    def field(self, index: np.ndarray, bit_offset: int, bits: int) -> np.ndarray:
        if bits == 0:
            return np.zeros(len(index), dtype=np.int64)
        off = index.astype(np.uint64) * np.uint64(self.total_bits) + np.uint64(bit_offset)
        byte = (off >> np.uint64(3)).astype(np.int64)
        shift = off & np.uint64(7)
        window = np.zeros(len(index), dtype=np.uint64)
        for k in range(8):   # little-endian 64-bit window starting at `byte`
            window |= self.buf[byte + k].astype(np.uint64) << np.uint64(8 * k)
        return ((window >> shift) & np.uint64((1 << bits) - 1)).astype(np.int64)


class SphinxTrieLM:
    """The n-grams of a sphinx trie binary, as numpy arrays (orders 2 and 3 supported; higher orders
    follow the same pattern but are not needed for the pocketsphinx models)."""

    def __init__(self, path: str | Path):
        data = Path(path).read_bytes()
        if not data.startswith(HEADER):
            raise ValueError(f"{path}: not a sphinx trie binary (header {data[:19]!r})")
        pos = len(HEADER)
        self.order = order = data[pos]
        pos += 1
        self.header_counts = list(struct.unpack_from(f"<{order}I", data, pos))
        pos += 4 * order
        if order < 2 or order > 3:
            raise ValueError(f"order {order} not supported (2 or 3)")
        pos += 4   # former quantisation-type field
        table = 1 << QUANT_BITS
        n_tables = 2 * (order - 2) + 1
        tables = np.frombuffer(data, dtype="<f4", count=n_tables * table, offset=pos)
        pos += 4 * n_tables * table
        self.middle_tables = [(tables[2 * i * table:(2 * i + 1) * table],          # prob
                               tables[(2 * i + 1) * table:(2 * i + 2) * table])    # backoff
                              for i in range(order - 2)]
        self.longest_table = tables[(n_tables - 1) * table:]
        n1 = self.header_counts[0]
        uni = np.frombuffer(data, dtype=np.dtype([("prob", "<f4"), ("bo", "<f4"), ("next", "<u4")]),
                            count=n1 + 1, offset=pos)
        pos += 12 * (n1 + 1)
        self.uni_prob = uni["prob"][:n1].astype(np.float64)
        self.uni_bo = uni["bo"][:n1].astype(np.float64)
        self.uni_next = uni["next"].astype(np.int64)
        counts = self.header_counts
        self.word_bits = required_bits(n1)
        # n-gram arrays
        self.arrays = []
        for i in range(1, order):
            last = i == order - 1
            quant = QUANT_BITS if last else 2 * QUANT_BITS
            next_bits = 0 if last else required_bits(counts[i + 1])
            size = array_bytes(counts[i], n1, quant + next_bits)
            self.arrays.append((BitArray(data[pos:pos + size], self.word_bits + quant + next_bits), next_bits))
            pos += size
        (k,) = struct.unpack_from("<i", data, pos)
        pos += 4
        words = data[pos:pos + k].split(b"\0")
        pos += k
        self.words = [w.decode("utf-8") for w in words[:n1]]
        if len(self.words) != n1:
            raise ValueError(f"{len(self.words)} word strings for {n1} unigrams")
        if pos != len(data):
            raise ValueError(f"{len(data) - pos} trailing bytes: layout not understood")
        self.walk()

    def walk(self) -> None:
        """Follow the `next` ranges from the unigrams down; keep, per order, the entries reached:
        (predicted word, history words most recent first, log prob [, log backoff])."""
        n1 = self.header_counts[0]
        wb = self.word_bits
        # bigrams: entries [next[u], next[u+1]) of array 0 belong to unigram u
        starts, ends = self.uni_next[:-1], self.uni_next[1:]
        lengths = np.maximum(ends - starts, 0)
        self.reached = [int(lengths.sum())]
        owner = np.repeat(np.arange(n1), lengths)
        idx = ranges(starts, lengths)
        arr, next_bits = self.arrays[0]
        h1 = arr.field(idx, 0, wb)
        if self.order == 2:
            prob = self.longest_table[arr.field(idx, wb, QUANT_BITS)]
            self.bigrams = (owner, h1, prob.astype(np.float64), np.zeros(len(idx)))
            self.trigrams = None
            return
        probs, bos = self.middle_tables[0]
        bo = bos[arr.field(idx, wb, QUANT_BITS)].astype(np.float64)
        prob = probs[arr.field(idx, wb + QUANT_BITS, QUANT_BITS)].astype(np.float64)
        nxt = arr.field(np.concatenate([idx, idx + 1]) if len(idx) else idx, wb + 2 * QUANT_BITS, next_bits)
        nstart, nend = nxt[:len(idx)], nxt[len(idx):]
        self.bigrams = (owner, h1, prob, bo)
        # trigrams under each bigram entry
        tl = np.maximum(nend - nstart, 0)
        self.reached.append(int(tl.sum()))
        towner = np.repeat(np.arange(len(idx)), tl)
        tidx = ranges(nstart, tl)
        larr, _ = self.arrays[1]
        h2 = larr.field(tidx, 0, wb)
        tprob = self.longest_table[larr.field(tidx, wb, QUANT_BITS)].astype(np.float64)
        self.trigrams = (owner[towner], h1[towner], h2, tprob)

    # -- queries (for checking against sphinx's own scorer) ---------------------------------------------
    def build_index(self) -> None:
        w, h1, p, b = self.bigrams
        self._bi = {(int(a), int(c)): (float(pp), float(bb)) for a, c, pp, bb in zip(w, h1, p, b)}
        self._tri = {}
        if self.trigrams is not None:
            tw, th1, th2, tp = self.trigrams
            self._tri = {(int(a), int(c), int(d)): float(pp) for a, c, d, pp in zip(tw, th1, th2, tp)}
        self.wid = {word: i for i, word in enumerate(self.words)}

    def score(self, word: str, history: list[str]) -> float:
        """log10 P(word | history), history most recent first, by the standard backoff rule."""
        w = self.wid[word]
        h = [self.wid[x] for x in history[: self.order - 1]]
        if len(h) >= 2 and (w, h[0], h[1]) in self._tri:
            return self._tri[(w, h[0], h[1])] * TO_LOG10
        backoff = 0.0
        if len(h) >= 2:
            hit = self._bi.get((h[0], h[1]))
            backoff += hit[1] if hit else 0.0
        if len(h) >= 1 and (w, h[0]) in self._bi:
            return (self._bi[(w, h[0])][0] + backoff) * TO_LOG10
        if len(h) >= 1:
            backoff += self.uni_bo[h[0]]
        return (self.uni_prob[w] + backoff) * TO_LOG10

    # -- output -----------------------------------------------------------------------------------------
    def write_arpa(self, path: str | Path, unk: float | None = None) -> list[int]:
        """Write ARPA text; returns the n-gram counts written. `unk`: add <unk> with this log10 prob
        (and backoff 0) when the vocabulary lacks it."""
        words = self.words
        n_uni = len(words) + (1 if unk is not None and "<unk>" not in words else 0)
        counts = [n_uni, len(self.bigrams[0])] + ([len(self.trigrams[0])] if self.trigrams is not None else [])
        fmt = lambda v: f"{v * TO_LOG10:.6f}"   # noqa: E731
        with open(path, "w", encoding="utf-8", newline="\n") as out:
            out.write("\\data\\\n")
            for k, c in enumerate(counts, 1):
                out.write(f"ngram {k}={c}\n")
            out.write("\n\\1-grams:\n")
            for i, word in enumerate(words):
                # sphinx writes <s> with probability -99 (log10); keep that convention
                prob = "-99.000000" if word == "<s>" else fmt(self.uni_prob[i])
                out.write(f"{prob}\t{word}\t{fmt(self.uni_bo[i])}\n" if self.order > 1
                          else f"{prob}\t{word}\n")
            if n_uni > len(words):
                out.write(f"{unk:.6f}\t<unk>\t0.000000\n")
            w, h1, p, b = self.bigrams
            out.write("\n\\2-grams:\n")
            last = self.order == 2
            lines = []
            for a, c, pp, bb in zip(w.tolist(), h1.tolist(), p.tolist(), b.tolist()):
                lines.append(f"{pp * TO_LOG10:.6f}\t{words[c]} {words[a]}" +
                             ("" if last else f"\t{bb * TO_LOG10:.6f}") + "\n")
                if len(lines) >= 100_000:
                    out.writelines(lines)
                    lines = []
            out.writelines(lines)
            if self.trigrams is not None:
                out.write("\n\\3-grams:\n")
                tw, th1, th2, tp = self.trigrams
                lines = []
                for a, c, d, pp in zip(tw.tolist(), th1.tolist(), th2.tolist(), tp.tolist()):
                    lines.append(f"{pp * TO_LOG10:.6f}\t{words[d]} {words[c]} {words[a]}\n")
                    if len(lines) >= 100_000:
                        out.writelines(lines)
                        lines = []
                out.writelines(lines)
            out.write("\n\\end\\\n")
        return counts


def check_against_pocketsphinx(lm: SphinxTrieLM, path: str, n: int, seed: int = 1) -> dict:
    """Compare our backoff scores with pocketsphinx's NGramModel.prob on n random queries: a third
    stored trigrams, a third stored bigrams with a random word before them (mostly backing off), a third
    random word triples. Returns the largest absolute log10 difference per kind."""
    import pocketsphinx as ps   # only for the check

    m = ps.NGramModel(ps.Config(), ps.LogMath(), path)
    lm.build_index()
    rng = random.Random(seed)
    words = [w for w in lm.words if w not in ("<s>",)]
    w2, h1, _, _ = lm.bigrams
    out = {}
    kinds = {"trigram": [], "bigram+random": [], "random": []}
    for _ in range(n // 3):
        if lm.trigrams is not None:
            k = rng.randrange(len(lm.trigrams[0]))
            kinds["trigram"].append((lm.words[lm.trigrams[0][k]], [lm.words[lm.trigrams[1][k]],
                                                                  lm.words[lm.trigrams[2][k]]]))
        k = rng.randrange(len(w2))
        kinds["bigram+random"].append((lm.words[w2[k]], [lm.words[h1[k]], rng.choice(words)]))
        kinds["random"].append((rng.choice(words), [rng.choice(words), rng.choice(words)]))
    for kind, queries in kinds.items():
        worst = 0.0
        for word, hist in queries:
            theirs = m.prob([word] + hist) * TO_LOG10
            ours = lm.score(word, hist)
            worst = max(worst, abs(theirs - ours))
        out[kind] = (len(queries), worst)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("lm_bin", help="sphinx trie binary (e.g. pocketsphinx/model/en-us/en-us.lm.bin)")
    parser.add_argument("arpa", nargs="?", help="ARPA file to write")
    parser.add_argument("--unk", type=float, default=None,
                        help="add <unk> with this log10 probability (the sphinx model has none)")
    parser.add_argument("--check", type=int, default=0,
                        help="compare N random queries with pocketsphinx's own scorer (needs pocketsphinx)")
    args = parser.parse_args()
    lm = SphinxTrieLM(args.lm_bin)
    print(f"order {lm.order}; header counts {lm.header_counts}; reached in the trie "
          f"{[lm.header_counts[0]] + lm.reached}", file=sys.stderr)
    if args.check:
        for kind, (count, worst) in check_against_pocketsphinx(lm, args.lm_bin, args.check).items():
            print(f"check {kind}: {count} queries, max |log10 difference| {worst:.2e}", file=sys.stderr)
    if args.arpa:
        counts = lm.write_arpa(args.arpa, args.unk)
        print(f"wrote {args.arpa}: counts {counts}", file=sys.stderr)


if __name__ == "__main__":
    main()
